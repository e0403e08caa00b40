"""`storymap new`: a template that validates once filled in, never over an existing story."""

from __future__ import annotations

import shutil

import pytest
from helpers import FIXTURE_STORIES, ROOT

from storymap.cli import main
from storymap.errors import StoryError
from storymap.scaffold import PLACEHOLDER
from storymap.story import load_story

# What an author writes in place of each <...> of the template (a source from the fixture story).
FILLED = {
    "<headline of the story>": "Tram 28, told again",
    "<Area/City>": "Europe/Lisbon",
    "<two-letter country code>": "pt",
    "<source-id>": "fixture-guide",
    "<outlet name>": "storymap test fixtures",
    "<headline of the article>": "A ride on tram 28",
    "<first words of the article>": "Tram 28 leaves Martim Moniz",
    "<last words of the article>": "the Prazeres cemetery.",
    "<stop-id>": "martim-moniz",
    "<name shown on the map>": "Martim Moniz",
    "<HH:MM>": "09:00",
    "<place to look up>": "Martim Moniz, Lisboa",
    "<which site this is>": "The tram stop on the square.",
    "<what happened there, in your words>": "The tram sets off.",
    "<the exact words of the article>": "Tram 28 leaves Martim Moniz and climbs into Graça",
    "<YYYY-MM-DD>": "2024-05-01",
}


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.delenv("STORYMAP_STORIES_DIR", raising=False)
    return tmp_path / "stories"


def test_new_writes_the_template_sources_folder_and_schema_and_says_what_next(folder, capsys):
    assert main(["new", "tram-again", "--stories", str(folder)]) == 0
    text = (folder / "tram-again.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=story.schema.json\n")
    assert (folder / "story.schema.json").read_text(encoding="utf-8") == \
        (ROOT / "stories" / "story.schema.json").read_text(encoding="utf-8")
    assert (folder / "tram-again" / "sources").is_dir()
    err = capsys.readouterr().err
    assert "storymap build tram-again" in err and "storymap export tram-again" in err
    assert "storymap import stops.csv" in err


def test_the_template_filled_in_validates(folder):
    assert main(["new", "tram-again", "--stories", str(folder)]) == 0
    story_file = folder / "tram-again.yaml"
    text = story_file.read_text(encoding="utf-8")
    placeholders = set(PLACEHOLDER.findall("\n".join(line for line in text.splitlines()
                                                     if not line.lstrip().startswith("#"))))
    assert placeholders == set(FILLED)  # the test fills in every one there is
    for placeholder, value in FILLED.items():
        text = text.replace(placeholder, value)
    story_file.write_text(text, encoding="utf-8")
    shutil.copy(FIXTURE_STORIES / "lisbon-tram-28" / "sources" / "fixture-guide.txt",
                folder / "tram-again" / "sources" / "fixture-guide.txt")
    story = load_story(story_file)
    assert story.stops[0].quotes[0].source == "fixture-guide"


def test_the_template_left_as_it_is_points_at_the_placeholders(folder):
    assert main(["new", "tram-again", "--stories", str(folder)]) == 0
    with pytest.raises(StoryError) as caught:
        load_story(folder / "tram-again.yaml")
    fields = {problem.field for problem in caught.value.problems}
    assert {"time_zone", "region.country", "stops[0].date", "stops[0].time"} <= fields


@pytest.mark.parametrize("existing", ["tram-again.yaml", "tram-again"])
def test_new_never_overwrites(folder, existing, capsys):
    folder.mkdir()
    (folder / existing).mkdir() if "." not in existing else (folder / existing).write_text("mine", encoding="utf-8")
    assert main(["new", "tram-again", "--stories", str(folder)]) == 1
    assert "exists already; storymap new never overwrites" in capsys.readouterr().err
    if "." in existing:
        assert (folder / existing).read_text(encoding="utf-8") == "mine"
    else:
        assert not (folder / "tram-again.yaml").exists()


def test_new_refuses_an_id_that_is_not_a_slug(folder, capsys):
    assert main(["new", "Tram Again", "--stories", str(folder)]) == 1
    assert "'Tram Again' is not a story id" in capsys.readouterr().err
    assert not folder.exists()
