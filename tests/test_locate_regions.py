"""Coordinates are checked wherever they come from: pins and cached results against their region each
time they are used (locate_places: the page, validate, route, export), not only when fetched.

A place with no region of its own is held to the story's; a point outside is a located problem
(file:line:col: field: message; fix), with "did you swap lat and lon?" when swapping would fix it.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest
from helpers import FIXTURE_STORIES, copy_first_story

from storymap.catalog import load_bundle, load_catalog
from storymap.cli import main
from storymap.errors import StoryError
from storymap.locate import Candidate, cache_path, geocode_story, locate_places, outside_region, read_cache
from storymap.model import Region
from storymap.story import load_story

STORY = """\
id: checks
title: Checks
time_zone: Europe/Lisbon
region: {country: pt, near: {lat: 38.72, lon: -9.14}, within_km: 30}
dek: A test story.
sources:
  - id: guide
    outlet: F
    headline: H
    text: checks/sources/fixture-guide.txt
    body: {from: Tram 28 leaves Martim Moniz, to: the Prazeres cemetery.}
stops:
  - id: moniz
    name: Martim Moniz
    date: 2024-05-01
    time: "09:00"
    place:
      query: Martim Moniz, Lisboa
      pin: {lat: 38.7157, lon: -9.1365, reason: the tram stop}
    summary: s
    no_quote: n
  - id: prazeres
    name: Prazeres
    date: 2024-05-01
    time: "10:00"
    place:
      query: Prazeres, Lisboa
      region: {country: pt, near: {lat: 38.7145, lon: -9.1696}, within_km: 2}
      pin: {lat: 38.7145, lon: -9.1696, reason: the terminus}
    summary: s
    no_quote: n
legs:
  - from: moniz
    to: prazeres
    mode: rail
    via:
      - query: Praça Luís de Camões, Lisboa
        pin: {lat: 38.7106, lon: -9.1434, reason: the square}
"""

# The same trip with nothing pinned: the coordinates come from a geocoder, into the cache.
UNPINNED = (STORY.replace("      pin: {lat: 38.7157, lon: -9.1365, reason: the tram stop}\n", "")
            .replace("      pin: {lat: 38.7145, lon: -9.1696, reason: the terminus}\n", "")
            .replace("        pin: {lat: 38.7106, lon: -9.1434, reason: the square}\n", ""))

ANSWERS = {"Martim Moniz, Lisboa": (38.7157, -9.1365), "Prazeres, Lisboa": (38.7145, -9.1696),
           "Praça Luís de Camões, Lisboa": (38.7106, -9.1434)}


def write_story(folder, text):
    """checks.yaml in `folder`, with its own copy of the fixture source text (checks/sources/)."""
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", folder / "checks", dirs_exist_ok=True)
    path = folder / "checks.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def position_of(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """(line, column), 1-based, of the field key in `needle` (indent and list dash skipped) in the story text."""
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(needle, index + 1)
    index += len(needle) - len(needle.lstrip(" -"))
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def fake_geocode(answers=ANSWERS, asked=None):
    """A Geocode callable answering from a table, like a provider that reports the country."""
    def geocode(query, region):
        if asked is not None:
            asked.append((query, region))
        lat, lon = answers[query]
        return [Candidate(lat, lon, query, "nominatim", "node/1", "pt", "place:square")]
    return geocode


def located_problems(tmp_path, text):
    story = load_story(write_story(tmp_path, text))
    located, problems = locate_places(story, tmp_path / "geodata")
    return story, located, [str(p) for p in problems]


# --- pins --------------------------------------------------------------------------------------


def test_a_pin_inside_its_region_is_used(tmp_path):
    story, located, problems = located_problems(tmp_path, STORY)
    assert problems == []
    assert located[("stops", 1, "place")].provider == "pin"
    assert len(located) == 3


def test_a_pin_outside_its_region_is_a_located_problem(tmp_path):
    text = STORY.replace("pin: {lat: 38.7145, lon: -9.1696", "pin: {lat: 38.9145, lon: -9.1696")
    story, located, problems = located_problems(tmp_path, text)
    line, col = position_of(text, "      pin: ", 1)
    assert problems == [
        f"{story.path}:{line}:{col}: stops[1].place.pin: lat 38.9145, lon -9.1696 is outside the place's region "
        "(country PT, within 2 km of 38.7145,-9.1696): 22 km from the region's centre (limit 2 km); "
        "correct the pin, or the region if the pin is right"]
    assert ("stops", 1, "place") not in located  # an unchecked point is never handed on
    assert "swap" not in problems[0]


def test_a_swapped_pin_says_did_you_swap_lat_and_lon(tmp_path):
    text = STORY.replace("pin: {lat: 38.7145, lon: -9.1696", "pin: {lat: -9.1696, lon: 38.7145")
    story, _, problems = located_problems(tmp_path, text)
    (problem,) = problems
    line, col = position_of(text, "      pin: ", 1)
    assert problem.startswith(f"{story.path}:{line}:{col}: stops[1].place.pin: lat -9.1696, lon 38.7145 is outside")
    assert "did you swap lat and lon? (lat 38.7145, lon -9.1696 is inside it)" in problem


def test_a_place_without_a_region_is_held_to_the_storys_region(tmp_path):
    # The first stop and the via-point have no region: the story's circle (30 km around Lisbon) applies.
    text = (STORY.replace("pin: {lat: 38.7157, lon: -9.1365", "pin: {lat: 41.1496, lon: -8.6109")   # Porto
                 .replace("pin: {lat: 38.7106, lon: -9.1434", "pin: {lat: -9.1434, lon: 38.7106"))  # swapped
    story, located, problems = located_problems(tmp_path, text)
    stop_line, stop_col = position_of(text, "      pin: ", 0)
    via_line, via_col = position_of(text, "        pin: ", 0)
    assert [p.split(": ")[0] for p in problems] == [f"{story.path}:{stop_line}:{stop_col}",
                                                   f"{story.path}:{via_line}:{via_col}"]
    assert ": stops[0].place.pin: lat 41.1496, lon -8.6109 is outside the story's region (the place has none) " \
           "(country PT, within 30 km of 38.72,-9.14): 274 km from the region's centre (limit 30 km)" in problems[0]
    assert ": legs[0].via[0].pin: " in problems[1] and "the story's region (the place has none)" in problems[1]
    assert "did you swap lat and lon?" in problems[1]
    assert set(located) == {("stops", 1, "place")}


def test_a_pin_whose_region_is_a_country_alone_is_not_checked_offline(tmp_path):
    # Documented limit: nothing offline says which country a point is in, so only a circle checks a pin.
    text = STORY.replace("region: {country: pt, near: {lat: 38.72, lon: -9.14}, within_km: 30}", "region: {country: pt}")
    text = text.replace("pin: {lat: 38.7157, lon: -9.1365", "pin: {lat: 48.85, lon: 2.35")  # Paris
    _, located, problems = located_problems(tmp_path, text)
    assert problems == [] and located[("stops", 0, "place")].lat == 48.85
    assert outside_region(48.85, 2.35, Region(country="pt"), "fr") == "in FR, not PT"  # a recorded country is checked


def test_every_door_reports_a_bad_pin_as_a_located_problem(tmp_path, capsys):
    text = STORY.replace("pin: {lat: 38.7145, lon: -9.1696", "pin: {lat: -9.1696, lon: 38.7145")
    path = write_story(tmp_path, text)
    geodata = tmp_path / "geodata"
    line, col = position_of(text, "      pin: ", 1)
    expected = f":{line}:{col}: stops[1].place.pin: lat -9.1696, lon 38.7145 is outside the place's region"
    for command in (["validate", str(path)], ["route", str(path)],
                    ["geocode", str(path), "--provider", "offline"]):
        assert main(command + ["--geodata-dir", str(geodata)]) == 1, command
        captured = capsys.readouterr()
        out = captured.out + captured.err
        assert expected in out and "did you swap lat and lon?" in out, command
        assert "Traceback" not in out
    assert not (geodata / "checks.route.geojson").exists()  # route refused to draw it
    with pytest.raises(StoryError) as caught:  # what the page and export load
        load_bundle(load_story(path), geodata)
    assert any(p.field == "stops[1].place.pin" for p in caught.value.problems)
    ((_, result),) = load_catalog([path], geodata)
    assert isinstance(result, StoryError)


# --- cached results ----------------------------------------------------------------------------


def geocoded(tmp_path, text=UNPINNED):
    path = write_story(tmp_path, text)
    story = load_story(path)
    cache = cache_path(story, tmp_path / "geodata")
    report = geocode_story(story, fake_geocode(), cache_file=cache)
    assert report.failures == [] and report.written == 3
    return path, cache


def edit_entry(cache, query, **changes):
    data = json.loads(cache.read_text(encoding="utf-8"))
    (entry,) = [e for e in data["places"] if e["query"] == query]
    entry.update(changes)
    cache.write_text(json.dumps(data), encoding="utf-8")


def test_the_cache_records_the_country_and_is_used_when_inside(tmp_path):
    path, cache = geocoded(tmp_path)
    assert {e["country"] for e in read_cache(cache).values()} == {"pt"}
    located, problems = locate_places(load_story(path), tmp_path / "geodata")
    assert problems == [] and len(located) == 3


def test_a_cache_entry_edited_to_point_elsewhere_is_caught_when_used(tmp_path, capsys):
    path, cache = geocoded(tmp_path)
    edit_entry(cache, "Prazeres, Lisboa", lat=38.7223, lon=-9.0)  # 12 km east, still in the story's circle
    story = load_story(path)
    located, problems = locate_places(story, tmp_path / "geodata")
    line, col = position_of(UNPINNED, "      query: ", 1)
    (problem,) = [str(p) for p in problems]
    assert problem.startswith(
        f"{story.path}:{line}:{col}: stops[1].place.query: the coordinates cached for 'Prazeres, Lisboa' in ")
    assert "(38.7223, -9) are outside the place's region (country PT, within 2 km of 38.7145,-9.1696): " \
           "15 km from the region's centre (limit 2 km)" in problem
    assert "run: python -m storymap geocode" in problem and "git checkout" in problem
    assert ("stops", 1, "place") not in located
    assert main(["validate", str(path), "--geodata-dir", str(tmp_path / "geodata")]) == 1
    out = capsys.readouterr().out
    assert problem in out and "Traceback" not in out


def test_a_cache_entry_with_lat_and_lon_swapped_gets_the_hint(tmp_path):
    path, cache = geocoded(tmp_path)
    edit_entry(cache, "Praça Luís de Camões, Lisboa", lat=-9.1434, lon=38.7106)
    story = load_story(path)
    _, problems = locate_places(story, tmp_path / "geodata")
    (problem,) = problems
    assert problem.field == "legs[0].via[0].query"  # a via-point, held to the story's region
    assert (problem.line, problem.col) == position_of(UNPINNED, "      - query: ")
    assert "outside the story's region (the place has none)" in problem.message
    assert "did you swap lat and lon? (lat 38.7106, lon -9.1434 is inside it)" in problem.message


def test_a_cache_entry_in_another_country_is_caught_when_used(tmp_path):
    path, cache = geocoded(tmp_path)
    edit_entry(cache, "Martim Moniz, Lisboa", country="es")
    _, problems = locate_places(load_story(path), tmp_path / "geodata")
    (problem,) = problems
    assert problem.field == "stops[0].place.query" and ": in ES, not PT;" in problem.message


def test_geocode_looks_an_edited_entry_up_again(tmp_path, capsys):
    path, cache = geocoded(tmp_path)
    edit_entry(cache, "Prazeres, Lisboa", lat=40.0, lon=-8.0)
    asked = []
    report = geocode_story(load_story(path), fake_geocode(asked=asked), cache_file=cache)
    assert [q for q, _ in asked] == ["Prazeres, Lisboa"]
    assert (report.rechecked, report.looked_up, report.from_cache) == (1, 1, 2)
    entry = next(e for e in read_cache(cache).values() if e["query"] == "Prazeres, Lisboa")
    assert (entry["lat"], entry["lon"]) == ANSWERS["Prazeres, Lisboa"]
    assert locate_places(load_story(path), tmp_path / "geodata")[1] == []


def test_a_place_without_a_region_is_looked_up_in_the_storys_region(tmp_path):
    path = write_story(tmp_path, UNPINNED)
    story = load_story(path)
    asked = []
    geocode_story(story, fake_geocode(asked=asked), cache_file=cache_path(story, tmp_path / "geodata"))
    regions = dict(asked)
    assert regions["Martim Moniz, Lisboa"] == story.region  # a stop without a region
    assert regions["Praça Luís de Camões, Lisboa"] == story.region  # a via-point without a region
    assert regions["Prazeres, Lisboa"] == story.stops[1].place.region  # its own wins


def test_the_first_storys_cache_edited_to_a_namesake_is_caught(tmp_path, capsys):
    copy_first_story(tmp_path / "stories", tmp_path / "geodata")
    cache = tmp_path / "geodata" / "kim-russia-2023.geocode.json"
    edit_entry(cache, "Artyom", lat=40.4497, lon=50.332)  # Artyom Island, Azerbaijan
    story_file = tmp_path / "stories" / "kim-russia-2023.yaml"
    assert main(["validate", str(story_file), "--geodata-dir", str(tmp_path / "geodata")]) == 1
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "cached for 'Artyom'" in line]
    # The stop and the via-point share the query and region, so both uses are reported, each where it stands.
    artyom_via = [via.query for via in load_story(story_file).legs[2].via].index("Artyom")
    assert [line.split(": ")[1] for line in lines] == ["stops[6].place.query", f"legs[2].via[{artyom_via}].query"], out
    assert all(re.match(r"^\S+kim-russia-2023\.yaml:\d+:\d+: ", line) for line in lines), lines
    assert all("km from the region's centre (limit 10 km)" in line for line in lines)
    assert "Traceback" not in out
