"""The docs cannot drift: the README examples are real, loadable inputs."""

from __future__ import annotations

import re

from helpers import ROOT

from storymap.model import Leg, Place, Source, Stop, Story
from storymap.story import parse_story

STORIES_README = ROOT / "stories" / "README.md"


def yaml_blocks(markdown: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", markdown, flags=re.S)


def test_stories_readme_example_is_a_valid_story():
    blocks = [b for b in yaml_blocks(STORIES_README.read_text(encoding="utf-8")) if "stops:" in b]
    assert len(blocks) == 1
    story = parse_story(blocks[0], "stories/README.md", base_dir=ROOT / "stories", expected_id="example")
    assert story.stops[0].quotes[0].source == "bbn-ap"


def test_stories_readme_documents_every_field():
    readme = STORIES_README.read_text(encoding="utf-8")
    for model in (Story, Source, Stop, Place, Leg):
        for name, field in model.model_fields.items():
            assert f"`{field.alias or name}`" in readme, f"{model.__name__}.{name} is not documented"
