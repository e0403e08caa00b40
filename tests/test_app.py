"""The page under Streamlit's AppTest: the built-in story, broken stories, hostile query parameters."""

from __future__ import annotations

import shutil

import pytest
from helpers import BUILT_IN_STORY, FIXTURE_GEODATA, FIXTURE_STORIES, ROOT
from streamlit.testing.v1 import AppTest

APP = str(ROOT / "app.py")


def open_page(monkeypatch, stories_dir=None, geodata_dir=None, **query) -> AppTest:
    """Run app.py once, optionally on other stories and geodata folders, and with query parameters."""
    for name, value in (("STORYMAP_STORIES_DIR", stories_dir), ("STORYMAP_GEODATA_DIR", geodata_dir)):
        if value is not None:
            monkeypatch.setenv(name, str(value))
        else:
            monkeypatch.delenv(name, raising=False)
    page = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        page.query_params[key] = value
    return page.run()


def page_text(page: AppTest) -> str:
    parts = [e.value for e in page.markdown] + [e.value for e in page.caption] + [e.value for e in page.title]
    parts += [e.value for e in page.subheader] + [e.value for e in page.info] + [e.value for e in page.error]
    return "\n".join(str(p) for p in parts)


@pytest.fixture
def two_stories(tmp_path):
    """A stories folder with the valid fixture story and a broken one."""
    shutil.copy(FIXTURE_STORIES / "lisbon-tram-28.yaml", tmp_path)
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", tmp_path / "lisbon-tram-28")
    (tmp_path / "broken.yaml").write_text("id: broken\ntitle: Broken\ntitel: x\n", encoding="utf-8")
    return tmp_path


def test_built_in_story_loads(monkeypatch):
    page = open_page(monkeypatch)
    assert not page.exception
    assert not page.error
    assert page.title[0].value == "Kim Jong Un's armoured train through Russia's Far East"
    text = page_text(page)
    assert "Khasan border station" in text and "Farewell at Artyom" in text
    # Quotes are shown with their attribution (escaped for Markdown, so compare loosely).
    assert "brass band received him" in text
    assert "BBN \\(rewrite of an AP report\\), Ethan Kim" in text
    assert page.query_params["story"] == "kim-russia-2023"


def test_broken_story_shows_its_problems_and_valid_stories_still_serve(monkeypatch, two_stories):
    page = open_page(monkeypatch, two_stories, FIXTURE_GEODATA, story="broken")
    assert not page.exception
    assert "5 problem(s) in broken.yaml" in page.error[0].value
    assert page.code[0].value.splitlines()[-1].endswith("broken.yaml:3:1: titel: unknown field 'titel'; did you mean 'title'? "
                                       "allowed here: byline, camera, credits, dek, disagreements, dwell_seconds, "
                                       "id, language, legs, region, sources, stops, time_zone, title")
    assert list(page.selectbox[0].options) == ["broken (has problems)", "Tram 28 across Lisbon"]
    page.selectbox[0].select("lisbon-tram-28").run()
    assert not page.exception and not page.error
    assert page.title[0].value == "Tram 28 across Lisbon"
    assert page.query_params["story"] == "lisbon-tram-28"


def test_story_link_opens_that_story(monkeypatch, two_stories):
    page = open_page(monkeypatch, two_stories, FIXTURE_GEODATA, story="lisbon-tram-28")
    assert page.title[0].value == "Tram 28 across Lisbon"
    assert not page.info


@pytest.mark.parametrize("value", ["../../etc/passwd", "x" * 10_000, "<script>alert(1)</script>", "", "%00"])
def test_hostile_story_parameter_gets_a_note_and_the_first_story(monkeypatch, value):
    page = open_page(monkeypatch, story=value)
    assert not page.exception
    assert "does not match any story" in page.info[0].value
    assert page.title[0].value.startswith("Kim Jong Un")


def test_no_stories_at_all(monkeypatch, tmp_path):
    page = open_page(monkeypatch, tmp_path)
    assert not page.exception
    assert "No stories yet" in page.warning[0].value


def test_story_text_is_shown_literally(monkeypatch, tmp_path):
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", tmp_path / "lisbon-tram-28")
    text = (FIXTURE_STORIES / "lisbon-tram-28.yaml").read_text(encoding="utf-8")
    text = text.replace("summary: The tram sets off.",
                        "summary: '<script>alert(1)</script> [x](javascript:alert(1)) $x^2$ **bold**'")
    (tmp_path / "lisbon-tram-28.yaml").write_text(text, encoding="utf-8")
    page = open_page(monkeypatch, tmp_path, FIXTURE_GEODATA)
    assert not page.exception
    shown = [m.value for m in page.markdown if "script" in m.value]
    assert shown == ["\\<script\\>alert\\(1\\)\\</script\\> \\[x\\]\\(javascript\\:alert\\(1\\)\\) "
                     "\\$x\\^2\\$ \\*\\*bold\\*\\*"]


@pytest.fixture
def built_in_copy(tmp_path):
    """The built-in story in a fresh stories folder, and an empty geodata folder."""
    stories, geodata = tmp_path / "stories", tmp_path / "geodata"
    stories.mkdir()
    geodata.mkdir()
    shutil.copy(BUILT_IN_STORY, stories)
    shutil.copytree(BUILT_IN_STORY.parent / "kim-russia-2023", stories / "kim-russia-2023")
    return stories, geodata


def test_missing_coordinates_name_the_command_to_run(monkeypatch, built_in_copy):
    page = open_page(monkeypatch, *built_in_copy)
    assert not page.exception
    problems = page.code[0].value.splitlines()
    assert len(problems) == 58
    assert problems[0].endswith("stops[0].place.query: no coordinates for 'Khasan railway station' (country RU, "
                                "within 15 km of 42.43,130.64) in " + str(built_in_copy[1] / "kim-russia-2023.geocode.json")
                                + "; run: python -m storymap geocode " + str(built_in_copy[0] / "kim-russia-2023.yaml"))


def test_truncated_geodata_is_reported_and_left_as_it_is(monkeypatch, built_in_copy):
    cache = built_in_copy[1] / "kim-russia-2023.geocode.json"
    truncated = (ROOT / "geodata" / "kim-russia-2023.geocode.json").read_text(encoding="utf-8")[:500]
    cache.write_text(truncated, encoding="utf-8")
    page = open_page(monkeypatch, *built_in_copy)
    assert not page.exception
    assert "not valid JSON" in page.code[0].value and "git checkout" in page.code[0].value
    assert cache.read_text(encoding="utf-8") == truncated


def test_each_stop_shows_where_it_is_and_who_located_it(monkeypatch):
    page = open_page(monkeypatch)
    captions = [c.value for c in page.caption]
    assert any(c.startswith("42\\.4301° N, 130\\.6449° E — located by offline\\: Khasan railway station")
               for c in captions), captions[:6]


def test_data_sources_are_credited(monkeypatch):
    page = open_page(monkeypatch)
    credits = page.caption[-1].value
    assert credits.startswith("Places\\: GeoNames \\(CC BY 4\\.0\\)")
    assert "GSHHG 2\\.3\\.6" in credits and "LGPL\\-3\\.0\\-or\\-later" in credits
