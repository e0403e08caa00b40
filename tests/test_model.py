"""The model and its JSON Schema: the committed schema is current and agrees with the loader."""

from __future__ import annotations

import json

import jsonschema
import pytest
from helpers import BUILT_IN_STORY, FIXTURE_STORIES

from storymap.cli import SCHEMA_PATH, main
from storymap.files import stable_json
from storymap.model import json_schema
from storymap.yamlread import read_yaml


def test_committed_schema_matches_the_model():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == stable_json(json_schema()), \
        "stories/story.schema.json is stale: run python -m storymap schema"
    assert main(["schema", "--check"]) == 0


def test_schema_check_fails_on_a_stale_file(tmp_path, capsys):
    stale = tmp_path / "s.json"
    stale.write_text("{}", encoding="utf-8")
    assert main(["schema", "--check", "-o", str(stale)]) == 1
    assert main(["schema", "-o", str(stale)]) == 0
    assert main(["schema", "--check", "-o", str(stale)]) == 0


def test_every_story_references_the_schema():
    for path in [BUILT_IN_STORY, FIXTURE_STORIES / "lisbon-tram-28.yaml"]:
        assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")


@pytest.mark.parametrize("path", [BUILT_IN_STORY, FIXTURE_STORIES / "lisbon-tram-28.yaml"])
def test_editors_schema_accepts_the_stories(path):
    data, _ = read_yaml(path.read_text(encoding="utf-8"), str(path))
    jsonschema.Draft202012Validator(json_schema()).validate(data)


def test_editors_schema_rejects_a_typo():
    data, _ = read_yaml(BUILT_IN_STORY.read_text(encoding="utf-8"), "x")
    data["stops"][0]["sumary"] = data["stops"][0].pop("summary")
    errors = list(jsonschema.Draft202012Validator(json_schema()).iter_errors(data))
    assert any("sumary" in error.message for error in errors)


def test_schema_is_valid_json_schema():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert set(schema["required"]) == {"id", "title", "time_zone", "sources", "stops"}
