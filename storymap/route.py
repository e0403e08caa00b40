"""The route: each leg along its via-points, densified on geodesics, with distances and a time per vertex.

Pipeline: story → locate → **route** → deck → page. Input is a story and its located places
(`locate.locate_places`); output is GeoJSON written to geodata/<story-id>.route.geojson, one
LineString feature per leg. No dataset carries railway geometry, so rail legs are traced through
stations and towns along the line (the story's via-points) and say so in their properties.

Times: a stop with a time of day is placed at that instant; stops known only to the day are spread
evenly over the daytime of that day (and flagged `estimated`), so two same-day stops still get a leg
with a duration. Vertex timestamps are seconds from the story's first stop, interpolated by distance,
which is what a time-based animation (deck.gl's TripsLayer) and a trip clock need.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

from geographiclib.geodesic import Geodesic

from storymap import paths
from storymap.errors import Problem
from storymap.files import DataFileError, read_json, stable_json, write_atomic
from storymap.locate import GEODATA_DIR, Located, exclusive_lock, lock_path
from storymap.model import Story
from storymap.story import display_path, stop_moment
from storymap.yamlread import format_path

ROUTE_FORMAT = 1
DENSIFY_KM = 10.0            # longest straight piece of a drawn leg; keeps geodesics curved on the map
DAY_START_HOUR = 8           # stops known only to the day are spread between these local hours
DAY_END_HOUR = 20
COORDINATE_DECIMALS = 5      # about 1 m
# Faster than this on average over a leg, no vehicle of the mode goes: a place or a time is wrong.
MAX_KMH = {"rail": 350.0, "road": 200.0, "sea": 100.0, "air": 1000.0}
MAX_KMH_ANY = 1000.0         # a leg of no stated mode
VEHICLES = {"rail": "any train", "road": "any car", "sea": "any ship", "air": "any plane"}
SPEED_MIN_KM = 1.0           # two stops in one street at one time are not a problem
_WGS84 = Geodesic.WGS84


@dataclass(frozen=True)
class StopTime:
    """When the trip is at a stop: the instant (UTC) and whether it was estimated from the day alone."""

    instant: dt.datetime
    estimated: bool


def lonlat(lat: float, lon: float) -> list[float]:
    """[lon, lat]: the one place we flip the order, because GeoJSON and deck.gl want x before y."""
    return [round(lon, COORDINATE_DECIMALS), round(lat, COORDINATE_DECIMALS)]


def stop_times(story: Story) -> list[StopTime]:
    """Each stop's instant. Stops with only a date are spread over that day's daytime, in order."""
    times: list[StopTime | None] = [None] * len(story.stops)
    index = 0
    while index < len(story.stops):
        stop = story.stops[index]
        day, instant = stop_moment(story, stop)
        if instant is not None:
            times[index] = StopTime(instant, False)
            index += 1
            continue
        # A run of consecutive same-day stops without a time: spread them over the day.
        run = index
        while (run < len(story.stops) and story.stops[run].time is None
               and story.stops[run].date == stop.date):
            run += 1
        count = run - index
        span = (DAY_END_HOUR - DAY_START_HOUR) * 3600 / count
        for k in range(count):
            other = story.stops[index + k]
            other_zone = zoneinfo.ZoneInfo(story.stop_zone(other))
            seconds = DAY_START_HOUR * 3600 + span * (k + 0.5)
            local = dt.datetime.combine(day, dt.time(), other_zone) + dt.timedelta(seconds=seconds)
            times[index + k] = StopTime(local.astimezone(dt.timezone.utc), True)
        index = run
    return [t for t in times if t is not None]


def unwrap(previous_lon: float, lon: float) -> float:
    """The longitude equivalent to `lon` nearest to `previous_lon`, so a line never jumps across the map."""
    while lon - previous_lon > 180:
        lon -= 360
    while lon - previous_lon < -180:
        lon += 360
    return lon


def densify(points: list[tuple[float, float]],
            max_km: float = DENSIFY_KM) -> tuple[list[tuple[float, float]], list[float]]:
    """Points along the geodesics between the given (lat, lon) points, and the cumulative km at each."""
    out = [points[0]]
    cumulative = [0.0]
    for (lat1, lon1), (lat2, lon2) in zip(points, points[1:]):
        line = _WGS84.InverseLine(lat1, lon1, lat2, lon2)
        km = line.s13 / 1000
        pieces = max(1, int(-(-km // max_km)))
        for step in range(1, pieces + 1):
            position = line.Position(line.s13 * step / pieces)
            lon = unwrap(out[-1][1], position["lon2"])
            out.append((position["lat2"], lon))
            cumulative.append(cumulative[-1] + km / pieces)
    return out, cumulative


# Bump when build_route's output changes for the same inputs: old files then read as stale.
ROUTE_ALGORITHM = 1


def inputs_digest(story: Story, located: dict[tuple, Located]) -> str:
    """SHA-256 of everything build_route reads: stop ids and times, legs, the points they pass through.

    A route file whose recorded digest matches is trusted without being rebuilt (a 5,000-stop route
    took 24.6 s to rebuild on every load); editing a summary or a quote does not make it stale."""
    points = {format_path(key): [found.lat, found.lon] for key, found in located.items()}
    inputs = {
        "algorithm": ROUTE_ALGORITHM, "format": ROUTE_FORMAT, "densify_km": DENSIFY_KM,
        "story": story.id, "time_zone": story.time_zone,
        "stops": [[stop.id, stop.date, stop.time, story.stop_zone(stop)] for stop in story.stops],
        "legs": [[leg.from_, leg.to, leg.mode, leg.label, [via.query for via in leg.via]] for leg in story.legs],
        "points": points,
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def build_route(story: Story, located: dict[tuple, Located]) -> dict:
    """The route as a GeoJSON FeatureCollection: one LineString per pair of consecutive stops."""
    times = stop_times(story)
    start = times[0].instant
    legs_by_pair = {(leg.from_, leg.to): (index, leg) for index, leg in enumerate(story.legs)}
    features = []
    total_km = 0.0
    for index in range(len(story.stops) - 1):
        here, there = story.stops[index], story.stops[index + 1]
        leg_index, leg = legs_by_pair.get((here.id, there.id), (None, None))
        waypoints = [located[("stops", index, "place")]]
        if leg is not None:
            waypoints += [located[("legs", leg_index, "via", j)] for j in range(len(leg.via))]
        waypoints.append(located[("stops", index + 1, "place")])
        points, cumulative = densify([(w.lat, w.lon) for w in waypoints])
        km = cumulative[-1]
        departure, arrival = times[index], times[index + 1]
        begin = (departure.instant - start).total_seconds()
        seconds = max(0.0, (arrival.instant - departure.instant).total_seconds())
        timestamps = [round(begin + (seconds * c / km if km else 0.0), 1) for c in cumulative]
        total_km += km
        mode = leg.mode if leg is not None else None
        features.append({
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [lonlat(lat, lon) for lat, lon in points]},
            "properties": {
                "leg": index,
                "from": here.id,
                "to": there.id,
                "mode": mode,
                "label": leg.label if leg is not None else None,
                "traced_through": [via.query for via in leg.via] if leg is not None else [],
                "geometry_note": _geometry_note(mode, leg is not None and bool(leg.via)),
                "km": round(km, 1),
                "km_before": round(total_km - km, 1),
                "departure": departure.instant.isoformat(),
                "arrival": arrival.instant.isoformat(),
                "duration_s": round(seconds),
                "estimated_time": departure.estimated or arrival.estimated,
                "timestamps": timestamps,
            },
        })
    return {
        "type": "FeatureCollection",
        "storymap": {
            "format": ROUTE_FORMAT,
            "inputs": inputs_digest(story, located),
            "story": story.id,
            "start": start.isoformat(),
            "end": times[-1].instant.isoformat(),
            "total_km": round(total_km, 1),
            "stops": [
                {"id": stop.id,
                 "position": lonlat(located[("stops", i, "place")].lat, located[("stops", i, "place")].lon),
                 "time": times[i].instant.isoformat(), "estimated_time": times[i].estimated,
                 "seconds": round((times[i].instant - start).total_seconds(), 1)}
                for i, stop in enumerate(story.stops)
            ],
        },
        "features": features,
    }


@dataclass(frozen=True)
class LegSpeed:
    """One leg between consecutive stops as the speed check sees it: drawn km, hours, km/h and the limit."""

    stop: int                # the index of the stop the leg arrives at
    leg: int | None          # its index in story.legs, or None when the story gives no leg
    mode: str | None
    km: float
    hours: float
    limit_kmh: float

    @property
    def kmh(self) -> float | None:
        """The implied average speed; None when the times leave no time at all."""
        return self.km / self.hours if self.hours > 0 else None

    @property
    def too_fast(self) -> bool:
        return self.km >= SPEED_MIN_KM and (self.hours <= 0 or self.km / self.hours > self.limit_kmh)


def leg_speeds(story: Story, located: dict[tuple, Located]) -> list[LegSpeed]:
    """Each leg's drawn distance and implied speed, from the stops' times in their own time zones. A stop
    known only to the day counts from the start of its day (leaving) or to its end (arriving), so only a
    leg impossible at any time of those days is too fast. Legs with a point not in `located` are left out."""
    legs_by_pair = {(leg.from_, leg.to): (index, leg) for index, leg in enumerate(story.legs)}
    speeds = []
    for index in range(len(story.stops) - 1):
        here, there = story.stops[index], story.stops[index + 1]
        leg_index, leg = legs_by_pair.get((here.id, there.id), (None, None))
        paths = [("stops", index, "place")]
        if leg is not None:
            paths += [("legs", leg_index, "via", j) for j in range(len(leg.via))]
        paths.append(("stops", index + 1, "place"))
        if not all(path in located for path in paths):
            continue
        km = densify([(located[path].lat, located[path].lon) for path in paths])[1][-1]
        leaving, arriving = _instant(story, here, end_of_day=False), _instant(story, there, end_of_day=True)
        mode = leg.mode if leg is not None else None
        speeds.append(LegSpeed(index + 1, leg_index, mode, km, (arriving - leaving).total_seconds() / 3600,
                               MAX_KMH.get(mode, MAX_KMH_ANY)))
    return speeds


def leg_speed_problems(story: Story, located: dict[tuple, Located]) -> list[Problem]:
    """A located problem for each leg faster than any vehicle of its mode (`leg_speeds`): it catches a
    place geocoded to a namesake far away and a time written in the wrong zone."""
    problems = []
    for speed in leg_speeds(story, located):
        if not speed.too_fast:
            continue
        here, there = story.stops[speed.stop - 1], story.stops[speed.stop]
        km, hours, limit = speed.km, speed.hours, speed.limit_kmh
        field_path = (("legs", speed.leg) if speed.leg is not None
                      else ("stops", speed.stop, "time" if there.time else "date"))
        line, col = story.locate_field(field_path)
        at_most = "" if here.time and there.time else "at most "
        shown = f"is {km / hours:,.0f} km/h" if hours > 0 else "leaves no time at all"
        vehicle = VEHICLES.get(speed.mode, "anything that carries people")
        problems.append(Problem(
            story.path, line, col, format_path(field_path),
            f"{km:,.0f} km from '{here.id}' ({_when(story, here, 'from 00:00')}) to '{there.id}' "
            f"({_when(story, there, 'to 24:00')}) in {at_most}{hours:,.2f} h {shown}, faster than {vehicle} "
            f"({limit:,.0f} km/h); check both places' coordinates (a namesake far away?) and both times and "
            "their time zones (a stop's time_zone: is its local zone)"))
    return problems


def _instant(story: Story, stop, end_of_day: bool) -> dt.datetime:
    """The stop's instant (UTC); for a stop known only to the day, the start or the end of that local day."""
    day, instant = stop_moment(story, stop)
    if instant is not None:
        return instant
    local = dt.datetime.combine(day + dt.timedelta(days=1 if end_of_day else 0), dt.time(),
                                zoneinfo.ZoneInfo(story.stop_zone(stop)))
    return local.astimezone(dt.timezone.utc)


def _when(story: Story, stop, unknown: str) -> str:
    time = stop.time or f"time unknown, counted {unknown}"
    return f"{stop.date} {time} {story.stop_zone(stop)}"


def _geometry_note(mode: str | None, has_via: bool) -> str:
    if mode == "rail":
        return "rail line traced through stations and towns along it" if has_via else "straight line between stations"
    if mode is None:
        return "no leg described in the story: straight line"
    return f"{mode} route traced through its via-points" if has_via else f"{mode}: straight line"


def route_path(story: Story, geodata_dir: Path = GEODATA_DIR) -> Path:
    """geodata/<story-id>.route.geojson."""
    return paths.route_path(story.id, geodata_dir)


def write_route(story: Story, located: dict[tuple, Located], geodata_dir: Path = GEODATA_DIR) -> tuple[Path, dict]:
    """Build the route and write it atomically, under the route file's lock (`.<name>.lock` beside it), so
    concurrent builds replace the file one after the other and a reader only ever sees a whole file.
    An unchanged file is left as it is."""
    route = build_route(story, located)
    path = route_path(story, geodata_dir)
    text = stable_json(route)
    with exclusive_lock(lock_path(path)):
        try:
            unchanged = path.read_text(encoding="utf-8") == text
        except (OSError, UnicodeDecodeError):
            unchanged = False
        if not unchanged:
            write_atomic(path, text)
    return path, route


def checked_route(story: Story, located: dict[tuple, Located], geodata_dir: Path = GEODATA_DIR,
                  current: dict | None = None) -> tuple[dict | None, str | None]:
    """The committed route when it is what the inputs give now, else None and why not. `current` is
    the file already read and parsed by a caller (the catalog checks its shape first)."""
    path = route_path(story, geodata_dir)
    fix = f"run: python -m storymap route {story.path}"
    if current is None:
        try:
            current = read_json(path)
        except DataFileError as exc:
            return None, f"{display_path(path)} {exc.reason}; {fix}"
    recorded = current.get("storymap", {}).get("inputs") if isinstance(current, dict) else None
    if recorded != inputs_digest(story, located):
        return None, f"{display_path(path)} is stale: the story or its geodata changed since it was built; {fix}"
    return current, None


def route_problem(story: Story, located: dict[tuple, Located], geodata_dir: Path = GEODATA_DIR) -> str | None:
    """Why the committed route file is missing or stale, or None when it is what the inputs give now."""
    return checked_route(story, located, geodata_dir)[1]
