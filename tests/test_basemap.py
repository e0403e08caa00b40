"""The offline basemap: valid GeoJSON in its box, within budget even for a continent, a box that holds
the whole-trip view on every screen, clipped exactly to it, and right where the story needs detail."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import sys

import pytest
from helpers import ROOT
from shapely.geometry import LineString, Point, Polygon, box, shape
from shapely.ops import unary_union

from storymap.locate import distance_km

BASEMAP = ROOT / "geodata" / "kim-russia-2023.basemap.geojson"
FIXTURE_GEODATA = ROOT / "tests" / "fixtures" / "geodata"
FIXTURE_STORIES = ROOT / "tests" / "fixtures" / "stories"
CONTINENTAL = FIXTURE_GEODATA / "lisbon-warsaw-rail.basemap.geojson"  # Lisbon to Warsaw by rail, five countries
SIZE_BUDGET_BYTES = 400_000
# From a tall phone to a wide screen and beyond (1:2.2 and 2.2:1), with the legend small or tall.
SCREENS = [(320, 640), (360, 792), (390, 844), (768, 1024), (800, 600), (1280, 720), (1920, 1080), (1920, 873)]
LEGEND_HEIGHTS = [0, 60, 200]
FEFU_CAMPUS = Point(131.894, 43.0245)        # on Russky Island (lon, lat)
VLADIVOSTOK_CENTRE = Point(131.8855, 43.1156)
GOLDEN_HORN = Point(131.905, 43.108)          # the bay between the city centre and Cape Churkin
KHABAROVSK = (48.46204, 135.0971)
KOMSOMOLSK = (50.55, 137.0)
AMUR_AT = {"khabarovsk": Point(135.03, 48.50), "komsomolsk": Point(137.105, 50.55)}  # (lon, lat) mid-river
BLAGOVESHCHENSK = Point(127.53, 50.26)        # on the Amur's bank, across from Heihe


@pytest.fixture(scope="module")
def basemap():
    return json.loads(BASEMAP.read_text(encoding="utf-8"))


def shown_at(basemap, layer: str, zoom: float):
    return [f for f in basemap["features"]
            if f["properties"]["layer"] == layer and f["properties"]["minzoom"] <= zoom < f["properties"]["maxzoom"]]


def test_valid_geojson_inside_its_box(basemap):
    assert basemap["type"] == "FeatureCollection"
    box = basemap["storymap"]["box"]
    kinds = {"land": ("Polygon", "MultiPolygon"), "lake": ("Polygon", "MultiPolygon"),
             "river": ("LineString", "MultiLineString"), "border": ("LineString", "MultiLineString"), "label": ("Point",)}
    for feature in basemap["features"]:
        properties = feature["properties"]
        assert feature["geometry"]["type"] in kinds[properties["layer"]]
        geometry = shape(feature["geometry"])
        assert geometry.is_valid or properties["layer"] in ("river", "border")
        west, south, east, north = geometry.bounds
        assert box["west"] - 1e-6 <= west and east <= box["east"] + 1e-6
        assert box["south"] - 1e-6 <= south and north <= box["north"] + 1e-6
        assert 0 <= properties["minzoom"] < properties["maxzoom"]


def test_size_budget():
    assert BASEMAP.stat().st_size < SIZE_BUDGET_BYTES


def test_russky_island_is_an_island_at_city_zoom(basemap):
    land = [shape(f["geometry"]) for f in shown_at(basemap, "land", 12)]
    holding = [g for g in land if g.contains(FEFU_CAMPUS)]
    assert len(holding) == 1
    island = holding[0]
    assert not island.contains(VLADIVOSTOK_CENTRE)
    km2 = island.area * 111.32 * 111.32 * 0.7305  # cos(43.03°)
    assert 80 < km2 < 110  # Russky Island is 97.6 km²


def test_golden_horn_bay_is_water_at_city_zoom(basemap):
    land = [shape(f["geometry"]) for f in shown_at(basemap, "land", 12)]
    lakes = [shape(f["geometry"]) for f in shown_at(basemap, "lake", 12)]
    assert not any(g.contains(GOLDEN_HORN) for g in land) or any(g.contains(GOLDEN_HORN) for g in lakes)
    assert any(g.contains(VLADIVOSTOK_CENTRE) for g in land)


def test_land_at_every_zoom_around_the_stops_and_away_from_them(basemap):
    inland = Point(133.5, 47.0)  # far from every stop window
    for zoom in (3, 7.9, 8, 14):
        assert any(shape(f["geometry"]).contains(inland) for f in shown_at(basemap, "land", zoom)), zoom


def test_the_amur_is_water_at_khabarovsk_and_a_river_line_upstream(basemap):
    # So wide at Khabarovsk that GSHHG stores it as a water polygon (a hole in the land); upstream it is
    # a WDBII river line.
    city = Point(KHABAROVSK[1], KHABAROVSK[0])
    land = unary_union([shape(f["geometry"]) for f in shown_at(basemap, "land", 7)])
    assert land.contains(city) and land.boundary.distance(city) < 0.03
    upstream = (48.37, 134.0)  # the Amur between Khabarovsk and the Sungari's mouth
    for zoom in (3, 5, 7, 10):
        near = [c for f in shown_at(basemap, "river", zoom) for line in
                ([f["geometry"]["coordinates"]] if f["geometry"]["type"] == "LineString" else f["geometry"]["coordinates"])
                for c in line if distance_km(c[1], c[0], *upstream) < 15]
        land = unary_union([shape(f["geometry"]) for f in shown_at(basemap, "land", zoom)])
        assert near or land.boundary.distance(Point(upstream[1], upstream[0])) < 0.1, zoom


def test_labels_and_attribution(basemap):
    names = {f["properties"]["name"] for f in shown_at(basemap, "label", 6)}
    assert {"Vladivostok", "Khabarovsk", "Komsomolsk-on-Amur"} <= names
    assert "GSHHG" in basemap["storymap"]["attribution"] and "LGPL" in basemap["storymap"]["attribution"]


@pytest.mark.parametrize("arguments", [
    ["stories/kim-russia-2023.yaml"],
    ["tests/fixtures/stories/lisbon-tram-28.yaml", "--geodata-dir", "tests/fixtures/geodata"],
    ["tests/fixtures/stories/lisbon-warsaw-rail.yaml", "--geodata-dir", "tests/fixtures/geodata"],
], ids=["first-story", "city-fixture", "continental-fixture"])
def test_build_script_reproduces_the_committed_basemaps(arguments):
    result = subprocess.run([sys.executable, "-m", "storymap.basemap", "--check", *arguments], cwd=ROOT,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr


# --- the box: the whole-trip view on every screen, and data clipped exactly to it ----------------


def world(lon: float, lat: float) -> tuple[float, float]:
    """deck.gl's (math.gl's) lngLatToWorld: 512 px around the world at zoom 0, y growing northward."""
    return (512 * (math.radians(lon) + math.pi) / (2 * math.pi),
            512 * (math.pi + math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))) / (2 * math.pi))


def lonlat(x: float, y: float) -> tuple[float, float]:
    return (math.degrees(x / 512 * 2 * math.pi - math.pi),
            math.degrees(2 * math.atan(math.exp(y / 512 * 2 * math.pi - math.pi)) - math.pi / 2))


def overview_rect(bounds, width: int, height: int, legend: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) the reader sees of the whole-trip view: camera.js's overviewView (its
    padding, its zoom cap) over math.gl's fitBounds, written out independently of the basemap builder."""
    west, south, east, north = bounds
    width, height = max(320, width), max(240, height)
    pad = min(50, width / 10, height / 10)
    bottom = min(height / 3, pad + legend)
    (x0, y1), (x1, y0) = world(west, north), world(east, south)
    scale_x, scale_y = (width - 2 * pad) / (x1 - x0), (height - pad - bottom) / (y1 - y0)
    centre = ((x0 + x1) / 2, (y0 + y1) / 2 + (pad - bottom) / 2 / scale_y)
    zoom = min(math.log2(min(scale_x, scale_y)), 12)
    half_w, half_h = width / 2 / 2 ** zoom, height / 2 / 2 ** zoom
    (w, s), (e, n) = lonlat(centre[0] - half_w, centre[1] - half_h), lonlat(centre[0] + half_w, centre[1] + half_h)
    return w, s, e, n


def trip_bounds(route: dict) -> tuple[float, float, float, float]:
    """camera.js's tripBounds: the stops and every position of every leg."""
    points = [stop["position"] for stop in route["storymap"]["stops"]]
    points += [p for leg in route["features"] for p in leg["geometry"]["coordinates"]]
    return (min(p[0] for p in points), min(p[1] for p in points), max(p[0] for p in points), max(p[1] for p in points))


@pytest.mark.parametrize(("route_file", "basemap_file"), [
    (ROOT / "geodata" / "kim-russia-2023.route.geojson", BASEMAP),
    (FIXTURE_GEODATA / "lisbon-warsaw-rail.route.geojson", CONTINENTAL),
    (FIXTURE_GEODATA / "lisbon-tram-28.route.geojson", FIXTURE_GEODATA / "lisbon-tram-28.basemap.geojson"),
], ids=["first-story", "continental-fixture", "city-fixture"])
def test_the_whole_trip_view_fits_inside_the_box_on_every_screen(route_file, basemap_file):
    bounds = trip_bounds(json.loads(route_file.read_text(encoding="utf-8")))
    box = json.loads(basemap_file.read_text(encoding="utf-8"))["storymap"]["box"]
    margin_x, margin_y = (box["east"] - box["west"]) * 0.02, (box["north"] - box["south"]) * 0.02
    for width, height in SCREENS:
        for legend in LEGEND_HEIGHTS:
            west, south, east, north = overview_rect(bounds, width, height, legend)
            assert box["west"] + margin_x <= west and east <= box["east"] - margin_x, (width, height, legend)
            assert box["south"] + margin_y <= south and north <= box["north"] - margin_y, (width, height, legend)


def test_a_continental_trip_fits_the_budget_at_the_finest_level_that_fits():
    # Lisbon to Warsaw: a box from the Gulf of Guinea to the Barents Sea, 3.29 MB at the finest level, 340 KB five steps coarser.
    for path in (CONTINENTAL, BASEMAP):
        size = path.stat().st_size
        assert SIZE_BUDGET_BYTES / 1.8 < size <= SIZE_BUDGET_BYTES, (path.name, size)  # one step coarser is < 1/1.6


def test_land_is_clipped_to_exactly_the_box():
    basemap = json.loads(CONTINENTAL.read_text(encoding="utf-8"))
    box = basemap["storymap"]["box"]
    for zoom in (0, 9):
        land = [shape(f["geometry"]) for f in shown_at(basemap, "land", zoom)]
        west, south, east, north = (min(g.bounds[0] for g in land), min(g.bounds[1] for g in land),
                                    max(g.bounds[2] for g in land), max(g.bounds[3] for g in land))
        # Africa below, Russia to the east, Scandinavia above, Greenland to the west: land on every side
        # reaches the box's very edge, so no gap can show between the data and the viewport's limit.
        assert (west, south, east, north) == (box["west"], box["south"], box["east"], box["north"]), zoom


def _tram_geodata(tmp_path):
    shutil.copy(FIXTURE_GEODATA / "lisbon-tram-28.route.geojson", tmp_path)
    return [sys.executable, "-m", "storymap.basemap", str(FIXTURE_STORIES / "lisbon-tram-28.yaml"), "--geodata-dir", str(tmp_path)]


def test_detail_is_reduced_until_the_file_fits_a_smaller_budget(tmp_path):
    command = _tram_geodata(tmp_path)
    result = subprocess.run([*command, "--budget-bytes", "12000"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    written = tmp_path / "lisbon-tram-28.basemap.geojson"
    assert 12_000 / 1.8 < written.stat().st_size <= 12_000
    assert written.stat().st_size < (FIXTURE_GEODATA / "lisbon-tram-28.basemap.geojson").stat().st_size


def test_a_budget_that_cannot_be_met_is_one_line_and_writes_nothing(tmp_path):
    result = subprocess.run([*_tram_geodata(tmp_path), "--budget-bytes", "1000"], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 1
    assert re.fullmatch(r".*lisbon-tram-28\.basemap\.geojson: [\d,]+ bytes even at the coarsest level of detail "
                        r"\(overview simplified to 216\.0 km, islands under 67,336 km² and towns under 7,784,780 "
                        r"people left out\); the budget is 1,000 bytes; split the trip into stories of a smaller "
                        r"area, or pass --budget-bytes\n", result.stderr), result.stderr
    assert not (tmp_path / "lisbon-tram-28.basemap.geojson").exists()


# --- the pyramid: seamless levels, water that wins, fewer vertices where coarser ------------------------


def level_starts(basemap) -> list[float]:
    return basemap["storymap"].get("level_minzooms") or [0, basemap["storymap"]["detail_minzoom"]]


def land_at(basemap, zoom: float):
    return [shape(f["geometry"]) for f in shown_at(basemap, "land", zoom)]


def lines_at(basemap, layer: str, zoom: float):
    return [shape(f["geometry"]) for f in shown_at(basemap, layer, zoom)]


def test_the_pyramid_has_levels_from_coarse_to_fine(basemap):
    starts = level_starts(basemap)
    assert starts[0] == 0 and starts == sorted(starts) and len(starts) >= 3
    # Every zoom range starts and ends at a level's first zoom, so the player's choice by level is exact.
    assert all(f["properties"]["minzoom"] in starts and (f["properties"]["maxzoom"] in starts or
                                                         f["properties"]["maxzoom"] == 24)
               for f in basemap["features"] if f["properties"]["layer"] != "label")


def test_pieces_of_one_level_neither_overlap_nor_leave_slivers(basemap):
    for zoom in level_starts(basemap):
        pieces = land_at(basemap, zoom)
        union = unary_union(pieces)
        # No overlap: the pieces' areas add up to the union's.
        assert sum(p.area for p in pieces) == pytest.approx(union.area, rel=1e-6), zoom
        # Along a level's region edge the pieces share their edges exactly: nothing is left between them
        # (a seam would be a hole in the union thinner than ~100 m, and far longer than wide).
        polygons = getattr(union, "geoms", [union])
        holes = [Polygon(ring) for polygon in polygons for ring in polygon.interiors]
        slivers = [hole for hole in holes if hole.area / (hole.length / 2) < 0.001 and hole.length > 0.02]
        assert not slivers, (zoom, len(slivers), slivers[:1])


def test_the_amur_is_continuous_water_from_khabarovsk_to_komsomolsk(basemap):
    # The river-lake polygon is one body of water at every level (at the coarsest, widened to stay a
    # few pixels wide rather than break into dashes).
    area = box(134.8, 48.2, 137.6, 50.9)
    for zoom in [*level_starts(basemap), 11.5]:
        water = area.difference(unary_union(land_at(basemap, zoom)))
        bodies = [w for w in getattr(water, "geoms", [water]) if w.contains(AMUR_AT["khabarovsk"])]
        assert bodies and bodies[0].contains(AMUR_AT["komsomolsk"]), zoom


def test_river_lines_never_cross_land_inside_the_water_polygon(basemap):
    # At Komsomolsk the Amur is a polygon: no river line is drawn in it, nor along its shores.
    near = box(KOMSOMOLSK[1] - 0.5, KOMSOMOLSK[0] - 0.35, KOMSOMOLSK[1] + 0.5, KOMSOMOLSK[0] + 0.35)
    for zoom in [*level_starts(basemap), 10.5, 12]:
        water = near.difference(unary_union(land_at(basemap, zoom)))
        shore = water.buffer(0.005)
        crossing = sum(line.intersection(near).intersection(shore).length for line in lines_at(basemap, "river", zoom))
        assert crossing < 1e-6, (zoom, crossing)


def test_the_amur_at_blagoveshchensk_is_a_river_line_at_every_zoom(basemap):
    # No polygon for it in GSHHG there: the WDBII line is the river, so it must be there at every level.
    for zoom in [*level_starts(basemap), 12]:
        assert any(line.distance(BLAGOVESHCHENSK) < 0.03 for line in lines_at(basemap, "river", zoom)), zoom


def test_land_reaches_the_box_at_every_level_so_no_data_edge_shows(basemap):
    # The player clamps the view to the box (maxBounds); land cut to exactly the box at every level
    # leaves no straight end of data inside any view the reader can reach. The box's west edge and the
    # north edge's west half run over China and Siberia: land along their whole length.
    frame = basemap["storymap"]["box"]
    west = LineString([(frame["west"], frame["south"] + 3), (frame["west"], frame["north"])])
    north = LineString([(frame["west"], frame["north"]), (135.0, frame["north"])])
    coarsest = unary_union(land_at(basemap, 0))
    for edge in (west, north):
        assert coarsest.intersection(edge).length > 0.95 * edge.length
    for zoom in [*level_starts(basemap), 12]:
        land = unary_union(land_at(basemap, zoom))
        for edge in (west, north):
            assert land.intersection(edge).length == pytest.approx(coarsest.intersection(edge).length, rel=0.01), zoom


def vertices(geometry: dict) -> int:
    def count(coordinates):
        return 1 if isinstance(coordinates[0], (int, float)) else sum(count(c) for c in coordinates)
    return count(geometry["coordinates"])


@pytest.mark.parametrize("path", [BASEMAP, CONTINENTAL], ids=["first-story", "continental-fixture"])
def test_coarser_levels_draw_fewer_vertices_within_the_budget(path):
    basemap = json.loads(path.read_text(encoding="utf-8"))
    drawn = [sum(vertices(f["geometry"]) for f in basemap["features"] if f["properties"]["layer"] != "label"
                 and f["properties"]["minzoom"] <= zoom < f["properties"]["maxzoom"]) for zoom in level_starts(basemap)]
    assert drawn == sorted(drawn) and drawn[0] < drawn[-1], drawn
    assert path.stat().st_size <= SIZE_BUDGET_BYTES
