"""Loading stories: the built-in story, the fixture story, and every hostile input with its exact message."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from helpers import BUILT_IN_STORY, FIXTURE_GEODATA, FIXTURE_STORIES, ROOT
from hostile_cases import BASE, CASES, edit

from storymap.errors import StoryError
from storymap.quotes import find_quote
from storymap.story import load_all, load_story, parse_story, story_json, story_paths


def problems_of(text: str | bytes) -> list[str]:
    """The problem lines for a story text whose sources resolve in the fixture folder."""
    try:
        parse_story(text, "t.yaml", base_dir=FIXTURE_STORIES)
    except StoryError as exc:
        return [str(p) for p in exc.problems]
    return []


def test_there_are_at_least_90_hostile_cases():
    assert len(CASES) >= 90
    assert len({name for name, _, _ in CASES}) == len(CASES)


@pytest.mark.parametrize(("text", "expected"), [(t, e) for _, t, e in CASES], ids=[n for n, _, _ in CASES])
def test_hostile_input_gets_its_exact_message(text, expected):
    assert problems_of(text) == expected


def test_the_base_of_the_hostile_cases_is_valid():
    story = parse_story(BASE, "t.yaml", base_dir=FIXTURE_STORIES)
    assert [stop.id for stop in story.stops] == ["first", "second"]


@pytest.mark.parametrize("value", ["yes", "no", "on", "off", "NO", "y"])
def test_yaml_1_1_booleans_stay_text(value):
    story = parse_story(edit("title: A test story", f"title: {value}"), "t.yaml", base_dir=FIXTURE_STORIES)
    assert story.title == value


def test_country_no_stays_norway():
    text = edit("region: {near: {lat: 38.7, lon: -9.1}, within_km: 12}", "region: {country: no}")
    story = parse_story(text, "t.yaml", base_dir=FIXTURE_STORIES)
    assert story.region.country == "no"


def test_every_message_names_file_line_column_and_field():
    pattern = re.compile(r"^t\.yaml:\d+:\d+: \S.*: .+")
    for _, _, expected in CASES:
        for line in expected:
            assert pattern.match(line), line


def test_times_compare_across_time_zones():
    # 09:00 in Lisbon (UTC+1) is 08:00 UTC; 08:30 in London (UTC+1 in May) is 07:30 UTC: earlier.
    text = edit("    date: 2024-05-02\n", "    date: 2024-05-01\n    time: '08:30'\n    time_zone: Europe/London\n")
    text = text.replace("    date: 2024-05-01\n    place: {query: Martim Moniz}",
                        "    date: 2024-05-01\n    time: '09:00'\n    place: {query: Martim Moniz}")
    assert problems_of(text) == [
        "t.yaml:24:5: stops[1].time: 2024-05-01 08:30 (Europe/London) comes before the previous stop 'first'; "
        "stops must be in travel order"]
    assert problems_of(text.replace("'08:30'", "'09:30'")) == []


def test_same_day_without_times_is_in_order():
    assert problems_of(edit("    date: 2024-05-02", "    date: 2024-05-01")) == []


def test_built_in_story_is_valid_and_complete():
    story = load_story(BUILT_IN_STORY)
    assert story.id == "kim-russia-2023"
    ids = [stop.id for stop in story.stops]
    assert ids[:3] == ["khasan", "vostochny", "komsomolsk"]
    assert ids.index("knevichi") < ids.index("pacific-fleet") < ids.index("russky-island") < ids.index("farewell")
    assert [stop.date for stop in story.stops] == [
        "2023-09-12", "2023-09-13", "2023-09-15", "2023-09-16", "2023-09-16", "2023-09-17", "2023-09-17"]
    for stop in story.stops:
        assert stop.quotes, f"{stop.id} has no quote"
        assert stop.place.why, f"{stop.id} does not say why its place query was chosen"
    assert len(story.sources) == 5
    assert story.disagreements, "the summit's place and date are disputed by the sources"


def test_built_in_quotes_are_verbatim_in_the_shared_seeds():
    """The copies beside the story are the seeds, unchanged, so quotes are verbatim in the originals too."""
    story = load_story(BUILT_IN_STORY)
    seeds = ROOT.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    for source in story.sources:
        copy = (BUILT_IN_STORY.parent / source.text).read_text(encoding="utf-8")
        assert copy == (seeds / Path(source.text).name).read_text(encoding="utf-8")
    for stop in story.stops:
        for quote in stop.quotes:
            assert find_quote(quote.text, story.source_text(quote.source)) is not None


def test_fixture_story_is_valid():
    story = load_story(FIXTURE_STORIES / "lisbon-tram-28.yaml")
    assert story.stops[-1].no_quote
    assert story.legs[1].via[0].pin.lat == pytest.approx(38.7106)


def messages_for_fixture_copy(tmp_path, file_name: str, link_sources: bool) -> list[str]:
    """Copy the Lisbon fixture story to tmp_path under file_name (sources copied or symlinked); load it."""
    sources = tmp_path / "lisbon-tram-28"
    if link_sources:
        sources.symlink_to(FIXTURE_STORIES / "lisbon-tram-28")
    else:
        shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", sources)
    story_file = tmp_path / file_name
    story_file.write_text((FIXTURE_STORIES / "lisbon-tram-28.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(StoryError) as caught:
        load_story(story_file)
    return [p.message for p in caught.value.problems]


def test_file_name_must_match_id(tmp_path):
    assert messages_for_fixture_copy(tmp_path, "other-name.yaml", link_sources=False) == [
        "'lisbon-tram-28' differs from the file name; rename the file to lisbon-tram-28.yaml or set id: other-name"]


def test_source_symlinked_out_of_the_folder_is_rejected(tmp_path):
    assert messages_for_fixture_copy(tmp_path, "lisbon-tram-28.yaml", link_sources=True) == [
        *(f"'lisbon-tram-28/sources/{name}' goes through a symbolic link (lisbon-tram-28); copy the article's "
          "text into lisbon-tram-28/sources/ instead" for name in ("fixture-guide.txt", "guia-pt.txt")),
        *(f"'lisbon-tram-28/data/{name}' goes through a symbolic link (lisbon-tram-28); copy the file into "
          "lisbon-tram-28/ instead" for name in ("viewpoints.csv", "terrace.geojson", "terrace.geojson", "pin.png"))]


def test_missing_file_is_a_story_error(tmp_path):
    with pytest.raises(StoryError) as caught:
        load_story(tmp_path / "nope.yaml")
    assert caught.value.problems[0].message == "the story file is missing; check the path"


def test_load_all_keeps_going_past_a_broken_story(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: [\n", encoding="utf-8")
    results = load_all([broken, BUILT_IN_STORY])
    assert isinstance(results[0][1], StoryError)
    assert results[1][1].id == "kim-russia-2023"


def test_story_paths_lists_yaml_files_sorted(tmp_path):
    for name in ("b-story.yaml", "a-story.yaml", "story.schema.json", "notes.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "c-story").mkdir()
    assert story_paths(tmp_path) == [tmp_path / "a-story.yaml", tmp_path / "b-story.yaml"]
    assert BUILT_IN_STORY in story_paths(ROOT / "stories")


def test_story_json_is_plain_data():
    from storymap.locate import locate_places
    story = load_story(FIXTURE_STORIES / "lisbon-tram-28.yaml")
    data = story_json(story, locate_places(story, FIXTURE_GEODATA)[0])
    assert json.loads(json.dumps(data)) == data
    first = data["stops"][0]
    assert (first["lat"], first["lon"], first["located_by"]) == (38.7157, -9.1365, "pin")
    unchecked = story_json(story)["stops"][0]  # no coordinates until they are checked
    assert (unchecked["lat"], unchecked["located_by"]) == (None, None)
    assert data["legs"][0]["from"] == "martim-moniz"


def test_story_error_survives_pickling():
    import pickle
    error = StoryError([])
    try:
        parse_story("title: [\n", "t.yaml", base_dir=FIXTURE_STORIES)
    except StoryError as exc:
        error = exc
    assert pickle.loads(pickle.dumps(error)).problems == error.problems
