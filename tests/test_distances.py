"""Published leg distances: the model's field and its errors, and what the page says beside the drawn line."""

from __future__ import annotations

import pytest
from helpers import BUILT_IN_STORY, FIXTURE_GEODATA, FIXTURE_STORIES, ROOT
from hostile_cases import BASE, edit

from storymap.catalog import load_bundle
from storymap.deck import leg_distances, legend_legs
from storymap.errors import StoryError
from storymap.files import read_json
from storymap.route import densify
from storymap.story import load_story, parse_story
from storymap.words import ui
from storymap.yamlread import read_yaml

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



def drawn_stretches(bundle) -> dict[tuple[str, str], float]:
    """Drawn km between every two named points of each leg (stops by their place query), both ways."""
    story, located = bundle.story, bundle.located
    legs = {(leg.from_, leg.to): (i, leg) for i, leg in enumerate(story.legs)}
    out = {}
    for index in range(len(story.stops) - 1):
        leg_index, leg = legs.get((story.stops[index].id, story.stops[index + 1].id), (None, None))
        named = [(story.stops[index].place.query, located[("stops", index, "place")])]
        if leg is not None:
            named += [(via.query, located[("legs", leg_index, "via", j)]) for j, via in enumerate(leg.via)]
        named.append((story.stops[index + 1].place.query, located[("stops", index + 1, "place")]))
        for i in range(len(named)):
            for j in range(i + 1, len(named)):
                km = densify([(p.lat, p.lon) for _, p in named[i:j + 1]])[1][-1]
                out[(named[i][0], named[j][0])] = out[(named[j][0], named[i][0])] = km
    return out


def test_no_drawn_stretch_of_the_first_story_is_longer_than_the_railway():
    segments = read_yaml((ROOT / "geodata" / "rail-distances.yaml").read_text(encoding="utf-8"), "rail-distances.yaml")[0]
    drawn = drawn_stretches(load_bundle(load_story(BUILT_IN_STORY)))
    checked = 0
    for segment in segments["segments"]:
        assert segment["source"] and segment["url"].startswith("http"), segment
        key = (segment["from"], segment["to"])
        assert key in drawn, f"{key} are not two points of one leg of the first story"
        # Stations and the towns standing for them lie up to ~3 km apart: 3% of slack.
        assert drawn[key] <= segment["km"] * 1.03, (key, round(drawn[key], 1), segment["km"])
        checked += 1
    assert checked == len(segments["segments"]) >= 7


def test_the_first_story_states_each_rail_legs_distance_as_the_sum_of_its_referenced_parts():
    table = read_yaml((ROOT / "geodata" / "rail-distances.yaml").read_text(encoding="utf-8"), "rail-distances.yaml")[0]
    story = load_story(BUILT_IN_STORY)
    legs = {(leg.from_, leg.to): leg for leg in story.legs}
    rail = [key for key, leg in legs.items() if leg.mode == "rail"]
    assert sorted((leg["from"], leg["to"]) for leg in table["legs"]) == sorted(rail)
    for entry in table["legs"]:
        parts = entry["parts"]
        assert sum(part["km"] for part in parts) == pytest.approx(entry["km"], abs=0.05), entry
        stated = legs[(entry["from"], entry["to"])].distance
        assert stated is not None and stated.km == round(entry["km"]), (entry["from"], stated)
        for part in parts:
            refs = part["ref"] if isinstance(part["ref"], list) else [part["ref"]]
            for ref in refs:
                reference = table["references"][ref]
                assert reference["source"] and reference["url"].startswith("http"), ref
        # An estimate is said to be one where the reader sees the figure's basis.
        if any(part.get("derived") for part in parts):
            assert "about" in stated.note.lower(), stated.note
