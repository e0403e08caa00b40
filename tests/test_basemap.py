"""The offline basemap: valid GeoJSON in its box, small, and right where the story needs detail."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers import ROOT
from shapely.geometry import Point, shape

from storymap.locate import distance_km

BASEMAP = ROOT / "geodata" / "kim-russia-2023.basemap.geojson"
SIZE_BUDGET_BYTES = 400_000
FEFU_CAMPUS = Point(131.894, 43.0245)        # on Russky Island (lon, lat)
VLADIVOSTOK_CENTRE = Point(131.8855, 43.1156)
GOLDEN_HORN = Point(131.905, 43.108)          # the bay between the city centre and Cape Churkin
KHABAROVSK = (48.46204, 135.0971)


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
    # So wide at Khabarovsk that GSHHG stores it as a water polygon; upstream it is a WDBII river line.
    city = Point(KHABAROVSK[1], KHABAROVSK[0])
    assert any(shape(f["geometry"]).distance(city) < 0.03 for f in shown_at(basemap, "lake", 5))
    upstream = (48.37, 134.0)  # the Amur between Khabarovsk and the Sungari's mouth
    near = [c for f in shown_at(basemap, "river", 5) for line in
            ([f["geometry"]["coordinates"]] if f["geometry"]["type"] == "LineString" else f["geometry"]["coordinates"])
            for c in line if distance_km(c[1], c[0], *upstream) < 15]
    assert near


def test_labels_and_attribution(basemap):
    names = {f["properties"]["name"] for f in shown_at(basemap, "label", 6)}
    assert {"Vladivostok", "Khabarovsk", "Komsomolsk-on-Amur"} <= names
    assert "GSHHG" in basemap["storymap"]["attribution"] and "LGPL" in basemap["storymap"]["attribution"]


@pytest.mark.parametrize("arguments", [[], ["tests/fixtures/stories/lisbon-tram-28.yaml", "--geodata-dir",
                                                "tests/fixtures/geodata"]], ids=["stories", "fixture"])
def test_build_script_reproduces_the_committed_basemaps(arguments):
    result = subprocess.run([sys.executable, "-m", "storymap.basemap", "--check", *arguments], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
