"""The strict YAML reader: YAML 1.2 core scalars, positions of every node, limits."""

from __future__ import annotations

import math

import pytest

from storymap.errors import StoryError
from storymap.yamlread import format_path, read_yaml, resolve_plain


@pytest.mark.parametrize(("text", "value"), [
    ("", None), ("~", None), ("null", None), ("true", True), ("False", False),
    ("12", 12), ("-3", -3), ("012", 12), ("0o17", 15), ("0x1f", 31), ("1.5", 1.5), ("1e3", 1000.0),
    # YAML 1.1 would turn these into booleans, sexagesimal numbers, dates: here they stay text.
    ("yes", "yes"), ("NO", "NO"), ("on", "on"), ("10:30", "10:30"), ("2023-09-12", "2023-09-12"),
    ("1_000", "1_000"), ("0b101", "0b101"), ("Khasan", "Khasan"),
])
def test_plain_scalars_resolve_by_yaml_1_2_core(text, value):
    assert resolve_plain(text) == value
    assert type(resolve_plain(text)) is type(value)


def test_infinities_and_nan_are_numbers_for_the_schema_to_reject():
    assert resolve_plain(".inf") == math.inf
    assert resolve_plain("-.Inf") == -math.inf
    assert math.isnan(resolve_plain(".nan"))


def test_quoted_scalars_stay_text():
    data, _ = read_yaml("a: '012'\nb: \"true\"\nc: 'null'\n", "x.yaml")
    assert data == {"a": "012", "b": "true", "c": "null"}


def test_marks_point_at_keys_and_items():
    text = "title: T\nstops:\n  - id: a\n    name: A\n  - id: b\n"
    data, marks = read_yaml(text, "x.yaml")
    assert data == {"title": "T", "stops": [{"id": "a", "name": "A"}, {"id": "b"}]}
    assert marks.at[("title",)] == (1, 1)
    assert marks.at[("stops", 0)] == (3, 5)
    assert marks.at[("stops", 0, "name")] == (4, 5)
    assert marks.at[("stops", 1, "id")] == (5, 5)
    # A path with no node of its own (a missing field) falls back to its nearest ancestor.
    assert marks.locate(("stops", 1, "summary")) == (5, 5)
    assert marks.raw[("title",)] == "T"


def test_format_path():
    assert format_path(("stops", 2, "quotes", 0, "source")) == "stops[2].quotes[0].source"
    assert format_path(()) == ""


def test_error_is_a_story_error_with_one_located_problem():
    with pytest.raises(StoryError) as caught:
        read_yaml("a: 1\na: 2\n", "x.yaml")
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.col, problem.field) == ("x.yaml", 2, 1, "a")


def test_a_bom_is_allowed():
    from storymap.yamlread import decode
    assert decode("\ufefftitle: T\n".encode(), "x.yaml") == "title: T\n"


def test_libyaml_is_in_use():
    """The exact messages in tests/hostile_cases.py are libyaml's (PyYAML's wheels ship it); without it
    PyYAML's pure-Python parser words some syntax errors differently, and loads 20 times slower."""
    import yaml

    from storymap import yamlread
    assert yaml.__with_libyaml__ and yamlread._Loader is yaml.CSafeLoader
