"""The curator's check table (storymap/check.py): one row per place and via-point, what is wrong in words."""

from __future__ import annotations

import json

import pytest
from helpers import FIXTURE_GEODATA, FIXTURE_STORIES, copy_first_story

from storymap.check import COLUMNS, NO_COORDINATES, check_table, region_circles
from storymap.errors import StoryError
from storymap.story import load_story

ARTYOM_ISLAND_AZ = (40.47, 50.33)  # the namesake in the Caspian: a geocoder's classic mistake for "Artyom"


@pytest.fixture
def first_story(tmp_path):
    path = copy_first_story(tmp_path / "stories", tmp_path / "geodata")
    return load_story(path), tmp_path / "geodata"


def test_every_place_and_via_point_is_a_row_with_its_provider_and_region(first_story):
    story, geodata = first_story
    table = check_table(story, geodata)
    assert list(table.columns) == COLUMNS
    vias = sum(len(leg.via) for leg in story.legs)
    assert len(table) == len(story.stops) + vias
    assert list(table["kind"]).count("via") == vias
    vostochny = table[table["field"] == "stops[1].place"].iloc[0]
    assert (vostochny["query"], vostochny["provider"], vostochny["feature_id"]) == \
        ("Vostochny Cosmodrome", "offline", "curated:vostochny-cosmodrome")
    assert vostochny["region"] == "country RU, within 25 km of 51.85,128.3"
    assert 0 < vostochny["km_from_centre"] < vostochny["within_km"] == 25
    assert (table["problem"] == "").all()
    assert table[["lat", "lon", "km_from_centre"]].notna().all().all()


def test_a_place_cached_far_from_its_region_is_flagged_with_its_distance_and_leg_speed(first_story):
    story, geodata = first_story
    cache = geodata / "kim-russia-2023.geocode.json"
    data = json.loads(cache.read_text(encoding="utf-8"))
    (artyom,) = [entry for entry in data["places"] if entry["query"] == "Artyom"]
    artyom["lat"], artyom["lon"] = ARTYOM_ISLAND_AZ
    cache.write_text(json.dumps(data), encoding="utf-8")
    table = check_table(story, geodata)
    farewell = table[table["field"] == "stops[6].place"].iloc[0]
    assert farewell["km_from_centre"] > 5_000 > farewell["within_km"]
    assert farewell["problem"].startswith("outside its region: ")
    assert f"{farewell['km_from_centre']:,.0f} km from the region's centre" in farewell["problem"]
    # The same mistake makes its leg impossible: thousands of km by road within a day.
    assert farewell["leg"] == "russky-island → farewell" and farewell["leg_kmh"] > farewell["limit_kmh"] == 200
    assert "km/h, over 200 km/h for road" in farewell["problem"]
    # The train passed Artyom on the way to Knevichi (the same cached entry: flagged too), and the last
    # leg's via-point is flagged for its leg's speed.
    flagged = table[table["problem"] != ""]
    (artyom_via,) = [f"legs[{i}].via[{j}]" for i, leg in enumerate(story.legs) for j, point in enumerate(leg.via)
                     if point.query == "Artyom"]
    assert set(flagged["field"]) == {"stops[6].place", artyom_via, "legs[5].via[0]"}
    assert flagged.set_index("field").loc[artyom_via, "query"] == "Artyom"
    assert flagged.set_index("field").loc["legs[5].via[0]", "problem"].startswith("leg ")


def test_a_place_with_no_coordinates_is_a_row_that_says_so(first_story):
    story, geodata = first_story
    (geodata / "kim-russia-2023.geocode.json").unlink()
    table = check_table(story, geodata)
    unpinned = table[table["provider"].isna()]
    assert len(unpinned) == len(table)  # every place of the first story is geocoded, none pinned
    assert (unpinned["problem"] == NO_COORDINATES).all() and unpinned["lat"].isna().all()
    assert table["leg_kmh"].isna().all()


def test_a_broken_cache_is_a_located_problem(first_story):
    story, geodata = first_story
    (geodata / "kim-russia-2023.geocode.json").write_text("{", encoding="utf-8")
    with pytest.raises(StoryError) as caught:
        check_table(story, geodata)
    assert "kim-russia-2023.geocode.json:1:2: " in str(caught.value.problems[0])


def test_leg_speeds_are_the_drawn_km_over_the_stops_times():
    story = load_story(FIXTURE_STORIES / "lisbon-tram-28.yaml")
    table = check_table(story, FIXTURE_GEODATA)
    route = json.loads((FIXTURE_GEODATA / "lisbon-tram-28.route.geojson").read_text(encoding="utf-8"))
    stops = table[table["kind"] == "stop"].reset_index(drop=True)
    assert stops["provider"].eq("pin").all() and stops["pin_reason"].notna().all()
    km = {leg["properties"]["to"]: leg["properties"]["km"] for leg in route["features"]}
    for index, stop in enumerate(story.stops[1:], start=1):
        assert stops.iloc[index]["leg_km"] == pytest.approx(km[stop.id], abs=0.05)
    # 09:00 at Martim Moniz, 09:20 at Portas do Sol
    assert stops.iloc[1]["leg_kmh"] == pytest.approx(km["portas-do-sol"] / (20 / 60), abs=0.2)  # km to 0.1 km
    assert pd_isna(stops.iloc[0]["leg_kmh"])


def test_region_circles_are_metres_for_the_map(first_story):
    story, _ = first_story
    circles = region_circles(story)
    assert list(circles.columns) == ["lat", "lon", "radius_m", "region"]
    vostochny = circles[(circles["lat"] == 51.85) & (circles["lon"] == 128.3)].iloc[0]
    assert vostochny["radius_m"] == 25_000


def pd_isna(value) -> bool:
    import pandas as pd
    return bool(pd.isna(value))
