"""The curator's check: every place and via-point of a story as one pandas table, before publishing.

Pipeline: story → **check** (beside locate and route). It reads the same pins and geocode cache as
`locate.locate_places`, but keeps the points a check refuses, because those are the rows a curator
must see: a place outside its region, a leg faster than its vehicle. The page's `?view=check`
(storymap/streamlit.py) shows the table beside a map of the points and their regions.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from storymap.errors import StoryError
from storymap.locate import (
    CacheError,
    Located,
    PlaceUse,
    cache_path,
    describe_region,
    read_cache,
    region_verdict,
    story_places,
)
from storymap.model import Story
from storymap.paths import GEODATA_DIR
from storymap.route import leg_speeds
from storymap.yamlread import format_path

COLUMNS = ["field", "kind", "name", "query", "region", "lat", "lon", "provider", "feature_id", "display_name",
           "km_from_centre", "within_km", "pin_reason", "leg", "leg_km", "leg_kmh", "limit_kmh", "problem"]
NO_COORDINATES = "no coordinates: run storymap geocode"


def _point(use: PlaceUse, cached: dict[tuple[str, str], dict]) -> dict:
    """Where a place is, and who said so: its pin, or its cache entry (None when it has neither)."""
    pin = use.place.pin
    if pin is not None:
        return {"lat": pin.lat, "lon": pin.lon, "provider": "pin", "feature_id": None, "display_name": None,
                "pin_reason": pin.reason, "country": None}
    entry = cached.get(use.key)
    if entry is None:
        return {}
    return {"lat": entry["lat"], "lon": entry["lon"], "provider": entry["provider"], "feature_id": entry["feature_id"],
            "display_name": entry["display_name"], "pin_reason": None, "country": entry.get("country")}


def check_table(story: Story, geodata_dir: Path = GEODATA_DIR) -> pd.DataFrame:
    """One row per stop place and leg via-point, in story order (columns: COLUMNS).

    `km_from_centre` is from the region's `near` point; `leg_kmh` is the implied average speed of the
    leg arriving at a stop (or the leg a via-point is on), against the mode's `limit_kmh`; `problem`
    says what is wrong in words, '' when nothing is. StoryError when the geocode cache is unreadable."""
    try:
        cached = read_cache(cache_path(story, geodata_dir))
    except CacheError as exc:
        raise StoryError([exc.problem]) from None
    uses = story_places(story)
    points = {use.path: _point(use, cached) for use in uses}
    located = {path: Located(p["lat"], p["lon"], p["provider"], p["display_name"] or "")
               for path, p in points.items() if p}
    by_stop = {speed.stop: speed for speed in leg_speeds(story, located)}
    by_leg = {speed.leg: speed for speed in by_stop.values() if speed.leg is not None}
    rows = []
    for use in uses:
        point = points[use.path]
        if use.path[0] == "stops":
            stop = story.stops[use.path[1]]
            kind, name, speed = "stop", stop.name, by_stop.get(use.path[1])
        else:
            leg = story.legs[use.path[1]]
            kind, name, speed = "via", f"{leg.from_} → {leg.to}", by_leg.get(use.path[1])
        problems = []
        distance = None
        if not point:
            problems.append(NO_COORDINATES)
        else:
            inside, distance, why = region_verdict(point["lat"], point["lon"], point["country"], use.region,
                                                   country_known=False)
            if not inside:
                problems.append(f"outside its region: {why}")
        if speed is not None and speed.too_fast:
            shown = f"{speed.kmh:,.0f} km/h" if speed.kmh is not None else "no time at all"
            problems.append(f"leg {shown}, over {speed.limit_kmh:,.0f} km/h for {speed.mode or 'any mode'}")
        rows.append({
            "field": format_path(use.path), "kind": kind, "name": name, "query": use.place.query,
            "region": describe_region(use.region), "lat": point.get("lat"), "lon": point.get("lon"),
            "provider": point.get("provider"), "feature_id": point.get("feature_id"),
            "display_name": point.get("display_name"),
            "km_from_centre": None if distance is None else round(distance, 2),
            "within_km": use.region.within_km if use.region is not None else None,
            "pin_reason": point.get("pin_reason"),
            "leg": None if speed is None else f"{story.stops[speed.stop - 1].id} → {story.stops[speed.stop].id}",
            "leg_km": None if speed is None else round(speed.km, 1),
            "leg_kmh": None if speed is None or speed.kmh is None else round(speed.kmh, 1),
            "limit_kmh": None if speed is None else speed.limit_kmh,
            "problem": "; ".join(problems),
        })
    table = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("lat", "lon", "km_from_centre", "within_km", "leg_km", "leg_kmh", "limit_kmh"):
        table[column] = pd.to_numeric(table[column])
    return table


def region_circles(story: Story) -> pd.DataFrame:
    """The regions' circles (distinct `near` + `within_km`) as lat, lon, radius_m, for a map of the check."""
    seen = {}
    for use in story_places(story):
        region = use.region
        if region is not None and region.near is not None:
            key = (region.near.lat, region.near.lon, region.within_km)
            seen.setdefault(key, describe_region(region))
    return pd.DataFrame([{"lat": lat, "lon": lon, "radius_m": km * 1000, "region": text}
                         for (lat, lon, km), text in seen.items()], columns=["lat", "lon", "radius_m", "region"])
