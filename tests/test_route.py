"""The route: legs start and end at their stops, distances are geodesic, timestamps increase, edge cases."""

from __future__ import annotations

import dataclasses
import json
import shutil

import pytest
from geographiclib.geodesic import Geodesic
from helpers import BUILT_IN_STORY, FIXTURE_GEODATA, FIXTURE_STORIES, ROOT
from hostile_cases import SPEED_CASES

from storymap.cli import main
from storymap.files import stable_json
from storymap.locate import locate_places
from storymap.route import (
    build_route,
    densify,
    leg_speed_problems,
    lonlat,
    route_problem,
    stop_times,
    unwrap,
    write_route,
)
from storymap.story import load_story, parse_story


def geodesic_km(lat1, lon1, lat2, lon2):
    return Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2)["s12"] / 1000


def pinned_story(stops: list[tuple[str, float, float, str, str | None]], legs: str = "", zone: str = "UTC") -> str:
    """A story of pinned stops (id, lat, lon, date, time) whose quotes come from the fixture text."""
    body = ""
    for stop_id, lat, lon, date, time in stops:
        body += (f"  - id: {stop_id}\n    name: {stop_id}\n    date: {date}\n"
                 + (f"    time: '{time}'\n" if time else "")
                 + f"    place: {{query: {stop_id}, pin: {{lat: {lat}, lon: {lon}, reason: test}}}}\n"
                 "    summary: s\n    no_quote: test\n")
    return (f"id: t\ntitle: T\ntime_zone: {zone}\ndek: D\n"
            "sources:\n  - id: guide\n    outlet: F\n    headline: H\n    text: t/sources/fixture-guide.txt\n"
            "    body: {from: Tram 28 leaves Martim Moniz, to: the Prazeres cemetery.}\n"
            f"stops:\n{body}" + (f"legs:\n{legs}" if legs else ""))


STORIES = FIXTURE_STORIES  # the folder pinned stories load from; set by the fixture below


@pytest.fixture(scope="module", autouse=True)
def story_folder(tmp_path_factory):
    """A stories folder where story `t` has its own copy of the fixture source text (t/sources/)."""
    global STORIES
    STORIES = tmp_path_factory.mktemp("stories")
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", STORIES / "t")
    return STORIES


def route_of(text: str) -> dict:
    story = parse_story(text, "t.yaml", base_dir=STORIES)
    located, missing = locate_places(story)
    assert missing == []
    return build_route(story, located)


@pytest.fixture(scope="module")
def built_in():
    story = load_story(BUILT_IN_STORY)
    located, _ = locate_places(story)
    return story, located, build_route(story, located)


def test_each_leg_starts_and_ends_at_its_stops(built_in):
    story, located, route = built_in
    assert len(route["features"]) == len(story.stops) - 1
    for index, feature in enumerate(route["features"]):
        coordinates = feature["geometry"]["coordinates"]
        here, there = located[("stops", index, "place")], located[("stops", index + 1, "place")]
        assert coordinates[0] == lonlat(here.lat, here.lon)
        assert coordinates[-1] == lonlat(there.lat, there.lon)
        assert feature["properties"]["from"] == story.stops[index].id


def test_leg_km_is_the_geodesic_length_through_its_via_points(built_in):
    story, located, route = built_in
    for feature in route["features"]:
        p = feature["properties"]
        leg_index = next(i for i, leg in enumerate(story.legs) if leg.from_ == p["from"])
        stop_index = p["leg"]
        waypoints = [located[("stops", stop_index, "place")]]
        waypoints += [located[("legs", leg_index, "via", j)] for j in range(len(story.legs[leg_index].via))]
        waypoints.append(located[("stops", stop_index + 1, "place")])
        reference = sum(geodesic_km(a.lat, a.lon, b.lat, b.lon) for a, b in zip(waypoints, waypoints[1:]))
        assert p["km"] == pytest.approx(reference, abs=0.1)
        drawn = [c for c in feature["geometry"]["coordinates"]]
        assert all(geodesic_km(a[1], a[0], b[1], b[0]) <= 10.0 + 1e-6 for a, b in zip(drawn, drawn[1:]))


def test_rail_legs_say_they_are_traced_through_stations(built_in):
    _, _, route = built_in
    rail = [f["properties"] for f in route["features"] if f["properties"]["mode"] == "rail"]
    assert len(rail) == 3
    assert all(p["geometry_note"] == "rail line traced through stations and towns along it" for p in rail)
    assert all(len(p["traced_through"]) >= 12 for p in rail)


def test_total_and_running_km(built_in):
    _, _, route = built_in
    kms = [f["properties"]["km"] for f in route["features"]]
    assert route["storymap"]["total_km"] == pytest.approx(sum(kms), abs=0.2)
    assert [f["properties"]["km_before"] for f in route["features"]][1] == pytest.approx(kms[0], abs=0.1)
    # The train legs are hundreds of km; traced through towns they come out 10-15% under the railway's length.
    assert 3000 < route["storymap"]["total_km"] < 4300


def test_timestamps_increase_from_departure_to_arrival(built_in):
    _, _, route = built_in
    stops = route["storymap"]["stops"]
    for index, feature in enumerate(route["features"]):
        stamps = feature["properties"]["timestamps"]
        assert len(stamps) == len(feature["geometry"]["coordinates"])
        assert stamps[0] == pytest.approx(stops[index]["seconds"], abs=0.1)
        assert stamps[-1] == pytest.approx(stops[index + 1]["seconds"], abs=0.1)
        assert all(b > a for a, b in zip(stamps, stamps[1:]))


def test_stops_without_a_time_are_spread_over_their_day_and_flagged():
    text = pinned_story([("a", 43.0, 131.0, "2024-05-01", None), ("b", 43.1, 131.1, "2024-05-01", None),
                         ("c", 43.2, 131.2, "2024-05-01", None), ("d", 43.3, 131.3, "2024-05-02", "10:00")],
                        zone="Asia/Vladivostok")
    story = parse_story(text, "t.yaml", base_dir=STORIES)
    times = stop_times(story)
    local = [t.instant.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Vladivostok")).strftime("%H:%M") for t in times]
    assert local == ["10:00", "14:00", "18:00", "10:00"]
    assert [t.estimated for t in times] == [True, True, True, False]
    route = route_of(text)
    assert [f["properties"]["estimated_time"] for f in route["features"]] == [True, True, True]
    assert route["features"][2]["properties"]["duration_s"] == 16 * 3600


def test_a_leg_across_the_antimeridian_goes_the_short_way():
    text = pinned_story([("suva", -18.14, 178.44, "2024-05-01", "09:00"), ("apia", -13.83, -171.76, "2024-05-01", "12:00")])
    route = route_of(text)
    (feature,) = route["features"]
    lons = [c[0] for c in feature["geometry"]["coordinates"]]
    assert all(abs(b - a) < 1.0 for a, b in zip(lons, lons[1:]))  # no jump across the map
    assert lons[-1] == pytest.approx(-171.76 + 360)  # unwrapped: continuous for drawing
    assert feature["properties"]["km"] == pytest.approx(geodesic_km(-18.14, 178.44, -13.83, -171.76), abs=0.1)
    assert feature["properties"]["km"] < 1200


def test_a_single_stop_story_has_no_legs():
    route = route_of(pinned_story([("only", 38.7, -9.1, "2024-05-01", None)]))
    assert route["features"] == []
    assert route["storymap"]["total_km"] == 0
    assert len(route["storymap"]["stops"]) == 1


def test_consecutive_stops_without_a_leg_get_a_straight_unnamed_leg():
    route = route_of(pinned_story([("a", 38.7, -9.1, "2024-05-01", "09:00"), ("b", 38.8, -9.2, "2024-05-01", "10:00")]))
    (feature,) = route["features"]
    assert feature["properties"]["mode"] is None
    assert feature["properties"]["geometry_note"] == "no leg described in the story: straight line"


def test_unwrap_and_densify():
    assert unwrap(179.0, -179.0) == 181.0
    assert unwrap(-179.0, 179.0) == -181.0
    points, cumulative = densify([(0.0, 0.0), (0.0, 1.0)], max_km=50)
    assert len(points) == 4 and cumulative[-1] == pytest.approx(111.32, abs=0.01)


def test_lonlat_is_the_one_place_the_order_flips():
    assert lonlat(43.1, 131.9) == [131.9, 43.1]


def test_committed_route_is_current_and_stale_or_missing_files_are_reported(built_in, tmp_path):
    story, located, route = built_in
    assert route_problem(story, located) is None
    assert "is missing; run: python -m storymap route" in route_problem(story, located, tmp_path)
    path, _ = write_route(story, located, tmp_path)
    assert route_problem(story, located, tmp_path) is None
    # Trusted by the digest of its inputs, so the committed file must equal a fresh build: a change to
    # build_route that forgets to bump ROUTE_ALGORITHM fails here.
    assert json.loads((ROOT / "geodata" / "kim-russia-2023.route.geojson").read_text(encoding="utf-8")) == \
        json.loads(stable_json(build_route(story, located)))
    key = ("stops", 1, "place")
    moved = {**located, key: dataclasses.replace(located[key], lat=located[key].lat + 0.01)}
    assert "is stale" in route_problem(story, moved, tmp_path)
    retimed = story.model_copy(update={"stops": [story.stops[0].model_copy(update={"time": "23:59"}), *story.stops[1:]]})
    assert "is stale" in route_problem(retimed, located, tmp_path)
    path.write_text("{", encoding="utf-8")
    assert "not valid JSON" in route_problem(story, located, tmp_path)


def test_cli_route_writes_the_file_and_validate_reports_a_missing_one(tmp_path, capsys):
    fixture = FIXTURE_STORIES / "lisbon-tram-28.yaml"
    assert main(["validate", str(fixture), "--geodata-dir", str(tmp_path)]) == 1
    assert "lisbon-tram-28.route.geojson is missing; run: python -m storymap route" in capsys.readouterr().out
    assert main(["route", str(fixture), "--geodata-dir", str(tmp_path)]) == 0
    assert "2 legs" in capsys.readouterr().err
    assert main(["validate", str(fixture), "--geodata-dir", str(tmp_path)]) == 1
    assert "lisbon-tram-28.basemap.geojson is missing; run: storymap basemap" in capsys.readouterr().out
    shutil.copy(FIXTURE_GEODATA / "lisbon-tram-28.basemap.geojson", tmp_path)
    assert main(["validate", str(fixture), "--geodata-dir", str(tmp_path)]) == 0


@pytest.mark.parametrize(("text", "expected"), [(t, e) for _, t, e in SPEED_CASES], ids=[n for n, _, _ in SPEED_CASES])
def test_a_leg_faster_than_its_vehicle_is_reported_with_the_numbers(tmp_path, text, expected):
    story = parse_story(text, "t.yaml", base_dir=FIXTURE_STORIES)
    located, missing = locate_places(story, tmp_path)
    assert missing == []
    assert [str(p) for p in leg_speed_problems(story, located)] == expected


def test_the_same_leg_at_a_possible_speed_is_fine(tmp_path):
    text = next(t for n, t, _ in SPEED_CASES if n == "a time written in the wrong zone").replace('"10:40"', '"11:40"')
    story = parse_story(text, "t.yaml", base_dir=FIXTURE_STORIES)
    assert leg_speed_problems(story, locate_places(story, tmp_path)[0]) == []  # 503 km in 1.67 h: 302 km/h


def test_validate_stops_a_story_with_an_impossible_leg(tmp_path, capsys):
    _, text, expected = SPEED_CASES[0]
    path = tmp_path / "lisbon-tram-28.yaml"  # the id of hostile_cases.BASE
    path.write_text(text, encoding="utf-8")
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", tmp_path / "lisbon-tram-28")
    assert main(["validate", str(path), "--geodata-dir", str(tmp_path)]) == 1
    assert capsys.readouterr().out.splitlines() == [line.replace("t.yaml", str(path), 1) for line in expected]
