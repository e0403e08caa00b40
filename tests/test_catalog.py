"""The catalog over a stories folder: adding any valid story to it changes nothing for the others.

The repository's own stories/ and geodata/ are copied as they are (whatever they hold), then two
more valid stories are added: one whose id sorts before every other (so it becomes the page's
default) and a continental one. Every story-dependent path (validate over the folder, the
catalog, the page and its picker) must then serve all of them."""

from __future__ import annotations

import shutil

from helpers import BUILT_IN_STORY, FIXTURE_GEODATA, FIXTURE_STORIES, ROOT
from streamlit.testing.v1 import AppTest

from storymap.catalog import StoryBundle, load_catalog
from storymap.cli import main
from storymap.story import story_paths

FIRST_ID = "0-tram-first"  # digits sort before letters: the page's default story
CONTINENTAL_ID = "zz-continental-last"


def add_copy(fixture_id: str, new_id: str, stories, geodata) -> None:
    """A fixture story under another id (so it cannot clash with anything stories/ holds), with its geodata;
    its files (sources, layer data) move with it."""
    text = (FIXTURE_STORIES / f"{fixture_id}.yaml").read_text(encoding="utf-8")
    text = text.replace(f"id: {fixture_id}\n", f"id: {new_id}\n").replace(f": {fixture_id}/", f": {new_id}/")
    (stories / f"{new_id}.yaml").write_text(text, encoding="utf-8")
    shutil.copytree(FIXTURE_STORIES / fixture_id, stories / new_id)
    for suffix in (".geocode.json", ".basemap.geojson"):
        if (FIXTURE_GEODATA / f"{fixture_id}{suffix}").exists():
            shutil.copy(FIXTURE_GEODATA / f"{fixture_id}{suffix}", geodata / f"{new_id}{suffix}")
    assert main(["route", str(stories / f"{new_id}.yaml"), "--geodata-dir", str(geodata)]) == 0  # its digest names the id


def stories_with_two_more(tmp_path):
    stories, geodata = tmp_path / "stories", tmp_path / "geodata"
    shutil.copytree(ROOT / "stories", stories)
    shutil.copytree(ROOT / "geodata", geodata)
    before = [path.stem for path in story_paths(stories)]
    add_copy("lisbon-tram-28", FIRST_ID, stories, geodata)
    add_copy("lisbon-warsaw-rail", CONTINENTAL_ID, stories, geodata)
    return stories, geodata, sorted([*before, FIRST_ID, CONTINENTAL_ID])


def test_validate_and_the_catalog_serve_every_story_of_the_folder(tmp_path, capsys):
    stories, geodata, ids = stories_with_two_more(tmp_path)
    assert main(["validate", "--stories-dir", str(stories), "--geodata-dir", str(geodata)]) == 0
    assert capsys.readouterr().err.count(": ok (") == len(ids)
    results = load_catalog(story_paths(stories), geodata)
    assert [path.stem for path, _ in results] == ids
    assert all(isinstance(result, StoryBundle) for _, result in results), [r for _, r in results]


def test_the_page_lists_every_story_and_opens_the_first_story_by_its_id(tmp_path, monkeypatch):
    stories, geodata, ids = stories_with_two_more(tmp_path)
    monkeypatch.setenv("STORYMAP_STORIES_DIR", str(stories))
    monkeypatch.setenv("STORYMAP_GEODATA_DIR", str(geodata))
    page = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not page.exception and not page.error
    assert page.selectbox[0].options == [bundle.story.title for _, bundle in load_catalog(story_paths(stories), geodata)]
    assert page.query_params["story"] == FIRST_ID  # the first in order, whatever the folder holds
    page.query_params["story"] = BUILT_IN_STORY.stem
    page = page.run()
    assert not page.exception and not page.error
    assert page.selectbox[0].value == BUILT_IN_STORY.stem
