"""Property-based: whatever text is fed to the loader, it returns a Story or raises StoryError, nothing else."""

from __future__ import annotations

from helpers import FIXTURE_STORIES
from hostile_cases import BASE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storymap.errors import StoryError
from storymap.model import Story
from storymap.story import parse_story

YAML_PIECES = st.sampled_from([
    "\n", " ", "  ", "- ", ": ", "? ", "[", "]", "{", "}", ",", "&a ", "*a", "!!str ", "!x ", "<<: ", "---\n",
    "...\n", "#", "'", '"', "|", ">", "\\", "\t", "%YAML 1.1\n", "title", "stops", "id", "yes", "012", "10:30",
    "2024-02-30", ".inf", ".nan", "~", "\\ud800", "\x00", "\u2028", "é", "Хасан",
])


def outcome(text: str | bytes) -> None:
    try:
        assert isinstance(parse_story(text, "t.yaml", base_dir=FIXTURE_STORIES), Story)
    except StoryError as exc:
        assert exc.problems, "a StoryError always lists at least one problem"
        for problem in exc.problems:
            assert problem.line >= 1 and problem.col >= 1 and problem.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_text(text):
    outcome(text)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes(data):
    outcome(data)


@settings(max_examples=300, deadline=None)
@given(st.lists(YAML_PIECES, max_size=60).map("".join))
def test_yaml_looking_text(text):
    outcome(text)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=len(BASE)), st.lists(YAML_PIECES, min_size=1, max_size=5).map("".join))
def test_valid_story_with_something_spliced_in(position, insert):
    outcome(BASE[:position] + insert + BASE[position:])


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=len(BASE)))
def test_valid_story_cut_short(length):
    outcome(BASE[:length])
