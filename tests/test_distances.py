"""Published leg distances: the model's field and its errors, and what the page says beside the drawn line."""

from __future__ import annotations

import pytest
from helpers import FIXTURE_GEODATA, FIXTURE_STORIES
from hostile_cases import BASE, edit

from storymap.deck import leg_distances, legend_legs
from storymap.errors import StoryError
from storymap.files import read_json
from storymap.story import parse_story
from storymap.words import ui

RAIL_LEG = "    mode: rail\n"
BAD_DISTANCES = [
    ("negative km", "{km: -5, source: RZD timetable}",
     "t.yaml:32:16: legs[0].distance.km: -5 is out of range: it must be greater than 0"),
    ("zero km", "{km: 0, source: RZD timetable}",
     "t.yaml:32:16: legs[0].distance.km: 0 is out of range: it must be greater than 0"),
    ("km as text", "{km: '238', source: RZD timetable}",
     "t.yaml:32:16: legs[0].distance.km: expected a number, got the text '238'; write digits without quotes, e.g. 43.1"),
    ("longer than the equator", "{km: 50000, source: RZD timetable}",
     "t.yaml:32:16: legs[0].distance.km: 50000 is out of range: it must be less than or equal to 40075"),
    ("no source", "{km: 238}",
     "t.yaml:32:5: legs[0].distance.source: required field 'source' is missing; add it"),
    ("blank source", "{km: 238, source: ' '}",
     "t.yaml:32:25: legs[0].distance.source: is empty; write some text or remove the field"),
    ("url not http", "{km: 238, source: x, url: ftp://x}",
     "t.yaml:32:36: legs[0].distance.url: the text 'ftp://x' does not have the expected form (^https?://\\S+$)"),
]


def problems_of(text: str) -> list[str]:
    try:
        parse_story(text, "t.yaml", base_dir=FIXTURE_STORIES)
    except StoryError as exc:
        return [str(p) for p in exc.problems]
    return []


@pytest.mark.parametrize(("distance", "expected"), [(d, e) for _, d, e in BAD_DISTANCES],
                         ids=[name for name, _, _ in BAD_DISTANCES])
def test_a_bad_published_distance_gets_its_exact_message(distance, expected):
    assert BASE.count(RAIL_LEG) == 1
    assert problems_of(edit(RAIL_LEG, RAIL_LEG + f"    distance: {distance}\n")) == [expected]


def test_a_published_distance_with_its_reference_loads():
    text = edit(RAIL_LEG, RAIL_LEG + "    distance: {km: 238, source: RZD timetable, url: 'https://example.org/t',"
                                     " note: km posts 9200 and 8962}\n")
    story = parse_story(text, "t.yaml", base_dir=FIXTURE_STORIES)
    assert story.legs[0].distance.km == 238
    assert story.legs[0].distance.source == "RZD timetable"


def rail_fixture(distance: str):
    """The rail fixture story with a published distance on its first leg, and its committed route."""
    path = FIXTURE_STORIES / "lisbon-warsaw-rail.yaml"
    leg = "  - {from: lisbon, to: madrid, mode: rail, label: Lusitania line}\n"
    text = path.read_text(encoding="utf-8")
    assert text.count(leg) == 1
    text = text.replace(leg, "  - {from: lisbon, to: madrid, mode: rail, label: Lusitania line,\n"
                             f"     distance: {distance}}}\n")
    story = parse_story(text, str(path), base_dir=FIXTURE_STORIES)
    return story, read_json(FIXTURE_GEODATA / "lisbon-warsaw-rail.route.geojson")


def test_the_page_shows_the_published_figure_and_its_basis_beside_the_drawn_one():
    story, route = rail_fixture("{km: 660, source: Renfe timetable}")
    drawn = route["features"][0]["properties"]["km"]
    first, *rest = leg_distances(story, route, ui("en"))
    assert first["km"] == 660
    assert first["published"]["label"] == f"660 km by rail (Renfe timetable) · drawn {drawn:,.0f} km"
    assert first["published"]["drawn_km"] == drawn
    # Legs without a published figure count their drawn length, and say nothing more.
    assert [leg["km"] for leg in rest] == [f["properties"]["km"] for f in route["features"][1:]]
    assert all(leg["published"] is None for leg in rest)


def test_the_trip_total_counts_published_figures_where_given():
    story, route = rail_fixture("{km: 660, source: Renfe timetable}")
    drawn = [f["properties"]["km"] for f in route["features"]]
    counted = [leg["km"] for leg in leg_distances(story, route, ui("en"))]
    assert sum(counted) == pytest.approx(660 + sum(drawn[1:]))
    assert sum(counted) != pytest.approx(sum(drawn))


def test_the_legend_names_exactly_the_leg_lines_drawn():
    route = read_json(FIXTURE_GEODATA / "lisbon-warsaw-rail.route.geojson")
    kinds = {"traced" if f["properties"]["traced_through"] else "straight" for f in route["features"]}
    assert set(legend_legs(route)) == kinds
    only_straight = {"features": [{"properties": {"traced_through": []}}]}
    assert legend_legs(only_straight) == ["straight"]
    assert legend_legs({"features": []}) == []

