"""The page under Streamlit's AppTest: what the player is given, deep links, hostile query parameters,
broken stories and geodata, the text version. (What the player then does is tested in tests/browser/.)"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import BUILT_IN_STORY, FIXTURE_GEODATA, FIXTURE_STORIES, ROOT
from streamlit.testing.v1 import AppTest

from storymap.story import load_story

APP = str(ROOT / "app.py")


FIRST_STORY_ALONE: Path | None = None  # set by the fixture below for every test of this module


@pytest.fixture(scope="module", autouse=True)
def first_story_alone(tmp_path_factory):
    """A stories folder holding the first story alone: the page's default story is then that one,
    whatever else stories/ holds. Its geodata stays the repository's (served as static files)."""
    global FIRST_STORY_ALONE
    folder = tmp_path_factory.mktemp("stories")
    shutil.copy(BUILT_IN_STORY, folder)
    shutil.copytree(BUILT_IN_STORY.with_suffix(""), folder / BUILT_IN_STORY.stem)
    FIRST_STORY_ALONE = folder
    yield folder
    FIRST_STORY_ALONE = None


def open_page(monkeypatch, stories_dir=None, geodata_dir=None, **query) -> AppTest:
    """Run app.py once, on the first story alone or on other stories and geodata folders, with query parameters."""
    if stories_dir is None:  # the first story alone, with the repository's geodata (served as static files)
        stories_dir, geodata_dir = FIRST_STORY_ALONE, geodata_dir or ROOT / "geodata"
    for name, value in (("STORYMAP_STORIES_DIR", stories_dir), ("STORYMAP_GEODATA_DIR", geodata_dir)):
        if value is not None:
            monkeypatch.setenv(name, str(value))
        else:
            monkeypatch.delenv(name, raising=False)
    page = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        page.query_params[key] = value
    return page.run()


def player_config(page: AppTest) -> dict:
    """The config the page handed to the player component."""
    (component,) = page.get("component_instance")
    assert component.proto.component_name.endswith("storymap_player")
    return json.loads(json.loads(component.proto.json_args)["config"])


def text_version(page: AppTest) -> str:
    """The text version's HTML, as the page hands it to st.html."""
    return "\n".join(h.proto.body for h in page.expander[0].get("html")) if page.expander else ""


@pytest.fixture
def two_stories(tmp_path):
    """A stories folder with the valid fixture story and a broken one."""
    shutil.copy(FIXTURE_STORIES / "lisbon-tram-28.yaml", tmp_path)
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", tmp_path / "lisbon-tram-28")
    (tmp_path / "broken.yaml").write_text("id: broken\ntitle: Broken\ntitel: x\n", encoding="utf-8")
    return tmp_path


def test_built_in_story_gives_the_player_everything_it_draws(monkeypatch):
    page = open_page(monkeypatch)
    assert not page.exception and not page.error
    config = player_config(page)
    assert config["story"]["title"] == "Kim Jong Un's armoured train through Russia's Far East"
    assert [s["id"] for s in config["stops"]][:2] == ["khasan", "vostochny"]
    assert config["data"] == {"route": "app/static/kim-russia-2023.route.geojson",
                              "basemap": "app/static/kim-russia-2023.basemap.geojson"}
    assert config["start"] == {"stop": None, "mode": "page", "autoplay": False, "dwell_override": None, "loop": False,
                               "sync_url": True, "report_stop": False}  # the page: URL follows, no rerun per step
    khasan = config["stops"][0]
    assert khasan["position"] == [130.64492, 42.43006]  # [lon, lat], from the route file
    assert khasan["when_label"] == "Tuesday 12 September 2023 (time of day not reported)"
    assert khasan["quotes"][0]["attribution"] == "BBN (rewrite of an AP report), Ethan Kim, 2023-09-12"
    assert khasan["quotes"][0]["receipt"]["passage"].startswith("Kim Jong Un’s personal train made its first stop at Khasan")
    assert config["stops"][-1]["km_so_far"] == config["story"]["total_km"]
    assert config["legend_legs"] == ["traced", "straight"]  # rail and bridge legs traced; the motorcade straight
    assert page.query_params["story"] == "kim-russia-2023"
    # The page re-sends only the story per rerun (its text with the quotes' passages, its small layers,
    # the map's frame names: 52 KB for the first story); route and basemap are fetched once, as files.
    assert len(page.get("component_instance")[0].proto.json_args) < 60_000


def test_the_text_version_has_every_stop_date_distance_and_quote(monkeypatch):
    page = open_page(monkeypatch)
    text = text_version(page)
    for name in ("Khasan border station", "Vostochny Cosmodrome", "Farewell at Artyom"):
        assert name in text
    # The total counts each rail leg's published distance, not the drawn 3,550 km.
    assert "3,940 km" in text and "3,550 km" not in text and "brass band received him" in text
    assert "BBN (rewrite of an AP report), Ethan Kim" in text


def test_deep_link_to_a_stop(monkeypatch):
    page = open_page(monkeypatch, story="kim-russia-2023", stop="vostochny")
    assert player_config(page)["start"]["stop"] == "vostochny"
    assert "<h3>Vostochny Cosmodrome <em>(linked stop)</em></h3>" in text_version(page)
    assert not page.info


@pytest.mark.parametrize("value", ["../../etc/passwd", "x" * 10_000, "<script>alert(1)</script>", "KHASAN", "%00"])
def test_hostile_stop_parameter_gets_a_note_and_the_overview(monkeypatch, value):
    page = open_page(monkeypatch, stop=value)
    assert not page.exception
    assert "does not match any stop" in page.info[0].value
    assert player_config(page)["start"]["stop"] is None


def test_repeated_keys_use_the_last_value(monkeypatch):
    page = open_page(monkeypatch, stop=["khasan", "komsomolsk"])
    assert player_config(page)["start"]["stop"] == "komsomolsk"


@pytest.mark.parametrize("value", ["../../etc/passwd", "x" * 10_000, "<script>alert(1)</script>", "", "%00"])
def test_hostile_story_parameter_gets_a_note_and_the_first_story(monkeypatch, value):
    page = open_page(monkeypatch, story=value)
    assert not page.exception
    assert "does not match any story" in page.info[0].value
    assert player_config(page)["story"]["id"] == "kim-russia-2023"


def test_presentation_mode(monkeypatch):
    page = open_page(monkeypatch, mode="present", autoplay="1", dwell="5", stop="khasan")
    config = player_config(page)
    assert config["start"] == {"stop": "khasan", "mode": "present", "autoplay": True, "dwell_override": 5.0, "loop": False,
                               "sync_url": True, "report_stop": False}
    assert not page.expander and not page.selectbox
    assert any("stToolbar" in m.value for m in page.markdown)  # Streamlit's chrome hidden


@pytest.mark.parametrize(("dwell", "expected"), [("abc", None), ("0", None), ("9999", None), ("2.5", 2.5)])
def test_dwell_parameter(monkeypatch, dwell, expected):
    page = open_page(monkeypatch, dwell=dwell)
    assert player_config(page)["start"]["dwell_override"] == expected
    assert bool(page.info) == (expected is None)


@pytest.mark.parametrize(("loop", "expected"), [("1", True), ("true", True), ("0", False), ("<b>", False)])
def test_loop_parameter_restarts_a_kiosk(monkeypatch, loop, expected):
    assert player_config(open_page(monkeypatch, mode="present", loop=loop))["start"]["loop"] is expected


def test_unknown_mode_is_the_normal_page_and_embed_is_streamlits_own(monkeypatch):
    assert player_config(open_page(monkeypatch, mode="<b>"))["start"]["mode"] == "page"
    # Streamlit keeps ?embed=true for itself (it hides its chrome); the page underneath is the same.
    page = open_page(monkeypatch, embed="true")
    assert not page.exception and player_config(page)["start"]["mode"] == "page"


def test_broken_story_shows_its_problems_and_valid_stories_still_serve(monkeypatch, two_stories):
    page = open_page(monkeypatch, two_stories, FIXTURE_GEODATA, story="broken")
    assert not page.exception
    assert "4 problem(s) in its files" in page.error[0].value
    assert page.code[0].value.splitlines()[-1].endswith("broken.yaml:3:1: titel: unknown field 'titel'; did you mean "
                                                        "'title'? allowed here: byline, corrections, credits, dek, "
                                                        "disagreements, dwell_seconds, id, language, layers, legs, map, region, "
                                                        "sources, speakers, stops, time_zone, title")
    assert not page.get("component_instance")
    assert list(page.selectbox[0].options) == ["broken (has problems)", "Tram 28 across Lisbon"]
    page.selectbox[0].select("lisbon-tram-28").run()
    assert not page.exception and not page.error
    assert player_config(page)["story"]["title"] == "Tram 28 across Lisbon"
    assert page.query_params["story"] == "lisbon-tram-28"


def test_a_second_story_elsewhere_in_the_world(monkeypatch, two_stories):
    page = open_page(monkeypatch, two_stories, FIXTURE_GEODATA, story="lisbon-tram-28", stop="prazeres")
    config = player_config(page)
    # Its geodata folder is not the one Streamlit serves, so route and basemap travel inline.
    assert config["data"]["route"]["type"] == config["data"]["basemap"]["type"] == "FeatureCollection"
    assert config["stops"][-1]["no_quote"] and config["start"]["stop"] == "prazeres"
    assert config["stops"][0]["when_label"] == "Wednesday 1 May 2024, 09:00 local time (Europe/Lisbon)"
    assert not page.info


def test_no_stories_at_all(monkeypatch, tmp_path):
    page = open_page(monkeypatch, tmp_path)
    assert not page.exception
    assert "No stories yet" in page.warning[0].value


def test_story_text_reaches_the_player_as_text_and_the_text_version_escaped(monkeypatch, tmp_path):
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", tmp_path / "lisbon-tram-28")
    hostile = "<script>alert(1)</script> [x](javascript:alert(1)) $x^2$ **bold**"
    text = (FIXTURE_STORIES / "lisbon-tram-28.yaml").read_text(encoding="utf-8")
    (tmp_path / "lisbon-tram-28.yaml").write_text(text.replace("summary: The tram sets off.", f"summary: '{hostile}'"),
                                                  encoding="utf-8")
    page = open_page(monkeypatch, tmp_path, FIXTURE_GEODATA)
    assert not page.exception
    assert player_config(page)["stops"][0]["summary"] == hostile  # the player sets it with textContent
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1)) $x^2$ **bold**</p>" in text_version(page)


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
    story = load_story(BUILT_IN_STORY)
    assert len(problems) == len(story.stops) + sum(len(leg.via) for leg in story.legs)  # one per place
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


def test_data_sources_are_credited(monkeypatch):
    credits = player_config(open_page(monkeypatch))["map_credits"]
    assert credits[0].startswith("Places: GeoNames (CC BY 4.0)")
    assert any("GSHHG 2.3.6" in line and "LGPL-3.0-or-later" in line for line in credits)
