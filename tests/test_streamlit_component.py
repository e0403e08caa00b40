"""storymap.streamlit under Streamlit's AppTest: the player as a component in another app (the example),
the value it returns, and the curator's check view (its table and map, and their selections kept together).
What the player then does in a browser is tests/browser/test_component_browser.py."""

from __future__ import annotations

import json

import pytest
from helpers import ROOT, copy_first_story
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest

from storymap.check import COLUMNS
from storymap.story import load_story
from storymap.streamlit import PROBLEMS_ONLY

EXAMPLE = str(ROOT / "examples" / "current_stop_table.py")
APP = str(ROOT / "app.py")


@pytest.fixture
def folders(tmp_path, monkeypatch):
    """The first story alone in its own stories and geodata folders, for the example and the page."""
    copy_first_story(tmp_path / "stories", tmp_path / "geodata")
    monkeypatch.setenv("STORYMAP_STORIES_DIR", str(tmp_path / "stories"))
    monkeypatch.setenv("STORYMAP_GEODATA_DIR", str(tmp_path / "geodata"))
    return tmp_path


def points_of(folders) -> int:
    """The check view's rows: every stop's place and every via-point of the first story."""
    story = load_story(folders / "stories" / "kim-russia-2023.yaml")
    return len(story.stops) + sum(len(leg.via) for leg in story.legs)


def artyom_via(folders) -> str:
    story = load_story(folders / "stories" / "kim-russia-2023.yaml")
    (field,) = [f"legs[{i}].via[{j}]" for i, leg in enumerate(story.legs) for j, point in enumerate(leg.via)
                if point.query == "Artyom"]
    return field


def drawn_km_to(folders, stop_id: str) -> float:
    route = json.loads((folders / "geodata" / "kim-russia-2023.route.geojson").read_text(encoding="utf-8"))
    (km,) = [leg["properties"]["km"] for leg in route["features"] if leg["properties"]["to"] == stop_id]
    return km


def rerun_with(app: AppTest, widget_id: str, **value) -> AppTest:
    """Run again as the browser would after a widget we cannot click here (a component, a selection) sent
    `value` (json_value=..., string_value=...), with every other widget's state as it is."""
    states = app._tree.get_widget_states()
    state = states.widgets.add()
    state.id = widget_id
    for name, content in value.items():
        setattr(state, name, content)
    return app._run(WidgetStates(widgets=list(states.widgets)))


def component(app: AppTest):
    (instance,) = app.get("component_instance")
    return instance.proto, json.loads(json.loads(instance.proto.json_args)["config"])


def test_the_example_gives_the_player_its_own_layer_and_asks_for_the_stop_back(folders):
    app = AppTest.from_file(EXAMPLE, default_timeout=60).run()
    assert not app.exception
    proto, config = component(app)
    assert proto.component_name == "storymap.streamlit.storymap_player"
    (places,) = config["host_layers"]
    assert places["@@type"] == "ScatterplotLayer" and places["id"] == "places"
    assert places["getPosition"] == "@@=[lon, lat]" and places["radiusUnits"] == "pixels"  # quoted: not an accessor
    assert {"field": "legs[0].via[3]", "query": "Ussuriysk", "lat": 43.80467, "lon": 131.95734} in places["data"]
    assert len(places["data"]) == points_of(folders)
    assert config["host_view"] is None
    assert config["start"] | {} == {"stop": None, "mode": "page", "autoplay": False, "dwell_override": None,
                                    "loop": False, "sync_url": False, "report_stop": True}
    # Another app serves no geodata: route and basemap travel inline.
    assert config["data"]["route"]["type"] == "FeatureCollection" and config["data"]["basemap"]["storymap"]["box"]
    assert [h.value for h in app.subheader] == ["The whole trip"]
    assert list(app.dataframe[0].value["name"])[:2] == ["Khasan border station", "Vostochny Cosmodrome"]


def test_the_stop_the_player_sends_back_is_what_the_app_shows_and_it_survives_a_rerun(folders):
    app = AppTest.from_file(EXAMPLE, default_timeout=60).run()
    proto, before = component(app)
    rerun_with(app, proto.id, json_value=json.dumps({"index": 2, "id": "komsomolsk"}))
    assert not app.exception
    assert [h.value for h in app.subheader] == ["Komsomolsk-on-Amur aircraft plant"]
    facts = dict(zip(app.dataframe[0].value["what"], app.dataframe[0].value["value"]))
    assert facts["stop"] == "3 of 7 (komsomolsk)" and facts["lat, lon"] == "50.60000, 137.07194"
    assert facts["leg from the previous stop"] == f"{drawn_km_to(folders, 'komsomolsk'):,.0f} km"
    quotes = load_story(folders / "stories" / "kim-russia-2023.yaml").stops[2].quotes
    assert list(app.dataframe[1].value["quote"]) == [q.text for q in quotes] and quotes
    # The same component (same id and args): the browser keeps its iframe, and the reader's place.
    again, after = component(app.run())
    assert again.id == proto.id and after == before
    assert [h.value for h in app.subheader] == ["Komsomolsk-on-Amur aircraft plant"]


def test_storymap_player_returns_the_start_stop_until_the_reader_moves(folders, tmp_path):
    script = tmp_path / "host.py"
    script.write_text("import pydeck as pdk\nimport streamlit as st\nfrom storymap.streamlit import storymap_player\n"
                      "st.session_state['got'] = storymap_player('kim-russia-2023', stop='vostochny', key='p',\n"
                      "    view_state=pdk.ViewState(latitude=45, longitude=133, zoom=4.5, pitch=20))\n",
                      encoding="utf-8")
    app = AppTest.from_file(str(script), default_timeout=60).run()
    assert not app.exception and app.session_state["got"] == {"index": 1, "id": "vostochny"}
    _, config = component(app)
    assert config["host_view"] == {"latitude": 45.0, "longitude": 133.0, "zoom": 4.5, "pitch": 20.0, "bearing": 0.0}
    assert config["host_layers"] == [] and config["start"]["stop"] == "vostochny"


def open_check(**query) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["view"] = "check"
    for name, value in query.items():
        app.query_params[name] = value
    return app.run()


def deck(app: AppTest) -> tuple[str, dict]:
    (chart,) = app.get("deck_gl_json_chart")
    return chart.proto.id, json.loads(chart.proto.json)


def test_the_check_view_is_a_table_of_every_place_beside_an_offline_map(folders):
    app = open_check()
    assert not app.exception and not app.error
    (table,) = app.dataframe
    assert list(table.value.columns) == COLUMNS and len(table.value) == points_of(folders)
    assert app.caption[0].value.startswith(f"{points_of(folders)} places and via-points, 0 with a problem")
    _, spec = deck(app)
    assert [layer["id"] for layer in spec["layers"]] == ["basemap-areas", "basemap-borders", "regions", "points"]
    # No base map from any provider: Streamlit draws none for pydeck's default style with map_provider=None.
    assert spec["mapStyle"] == "__MAP_STYLE__" and "mapProvider" not in spec and "carto" not in json.dumps(spec)
    regions = spec["layers"][2]
    assert regions["radiusUnits"] == "meters" and {"lat": 51.85, "lon": 128.3} in \
        [{"lat": c["lat"], "lon": c["lon"]} for c in regions["data"]]
    assert len(spec["layers"][3]["data"]) == points_of(folders)


def test_the_problems_filter_and_the_text_filter(folders):
    app = open_check()
    assert app.caption[0].value.startswith(f"{points_of(folders)} places and via-points, 0 with a problem")
    cache = folders / "geodata" / "kim-russia-2023.geocode.json"  # an edit the next run must see
    data = json.loads(cache.read_text(encoding="utf-8"))
    next(e for e in data["places"] if e["query"] == "Artyom").update(lat=40.47, lon=50.33)
    cache.write_text(json.dumps(data), encoding="utf-8")
    app.run()
    assert not app.exception
    assert app.caption[0].value.startswith(f"{points_of(folders)} places and via-points, 3 with a problem")
    app.selectbox(key="storymap-check-show").set_value(PROBLEMS_ONLY).run()
    assert set(app.dataframe[0].value["field"]) == {"stops[6].place", artyom_via(folders), "legs[5].via[0]"}
    app.selectbox(key="storymap-check-show").set_value("every point").run()
    app.text_input(key="storymap-check-filter").input("ussuri").run()
    assert set(app.dataframe[0].value["query"]) == {"Ussuriysk"} and len(app.dataframe[0].value) == 2  # passed twice
    red = [p for p in deck(app)[1]["layers"][3]["data"] if p["color"] == [200, 30, 30]]
    assert sorted(p["field"] for p in red) == sorted([artyom_via(folders), "legs[5].via[0]", "stops[6].place"])


def test_choosing_a_row_rings_its_point_and_choosing_a_point_selects_its_row(folders):
    app = open_check()
    table_id = app.dataframe[0].proto.id
    rerun_with(app, table_id, string_value=json.dumps({"selection": {"rows": [2], "columns": [], "cells": []}}))
    assert not app.exception
    _, spec = deck(app)
    (selected,) = [layer for layer in spec["layers"] if layer["id"] == "selected"]
    assert selected["data"] == [{"lat": 50.6, "lon": 137.071944}]  # stops[2]: the aircraft plant
    assert (spec["initialViewState"]["latitude"], spec["initialViewState"]["longitude"]) == (50.6, 137.071944)

    map_id, _ = deck(app)
    picked = {"selection": {"indices": {"points": [4]}, "objects": {"points": [{"field": "stops[4].place"}]}}}
    rerun_with(app, map_id, string_value=json.dumps(picked))
    assert not app.exception
    assert json.loads(app.dataframe[0].proto.selection_state)["selection"]["rows"] == [4]
    (selected,) = [layer for layer in deck(app)[1]["layers"] if layer["id"] == "selected"]
    assert selected["data"] == [{"lat": 43.113333, "lon": 131.891389}]  # the Pacific Fleet's embankment


def test_storymap_preview_check_opens_the_check_view(folders, monkeypatch):
    monkeypatch.setenv("STORYMAP_VIEW", "check")
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception and app.get("deck_gl_json_chart") and not app.get("component_instance")


def test_the_readme_code_sample_runs(folders, tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The player in your own Streamlit app", 1)[1].split("\n## ", 1)[0]
    script = tmp_path / "readme_app.py"
    script.write_text(section.split("```python\n", 1)[1].split("```", 1)[0], encoding="utf-8")
    app = AppTest.from_file(str(script), default_timeout=60).run()
    assert not app.exception and json.loads(app.json[0].value) == {"index": None, "id": None}
    _, config = component(app)
    assert [layer["id"] for layer in config["host_layers"]] == ["towns"] and config["host_view"]["zoom"] == 4


def test_a_story_that_cannot_be_shown_lists_its_problems_in_the_host_app(folders, tmp_path):
    (folders / "geodata" / "kim-russia-2023.route.geojson").unlink()
    script = tmp_path / "host.py"
    script.write_text("import streamlit as st\nfrom storymap.streamlit import storymap_player\n"
                      "st.session_state['got'] = storymap_player('kim-russia-2023')\n", encoding="utf-8")
    app = AppTest.from_file(str(script), default_timeout=60).run()
    assert not app.exception and app.session_state["got"] == {"index": None, "id": None}
    assert app.error[0].value.startswith("This story cannot be shown: 1 problem(s)")
    assert "kim-russia-2023.route.geojson" in app.code[0].value and "storymap route" in app.code[0].value
    assert not app.get("component_instance")
