"""The contract between Python and the player: models, generated schemas, and a golden config."""

from __future__ import annotations

import json
import os

import jsonschema
import pydantic
import pytest
from helpers import FIXTURE_GEODATA, FIXTURE_STORIES, ROOT

from storymap.catalog import load_bundle
from storymap.cli import CONTRACT_SCHEMAS_DIR, main
from storymap.contract import PlayerConfig, schemas
from storymap.deck import player_config
from storymap.files import stable_json
from storymap.story import load_story

GOLDEN = ROOT / "tests" / "fixtures" / "golden" / "lisbon-tram-28.config.json"
START = {"stop": None, "mode": "page", "autoplay": False, "dwell_override": None, "loop": False}


def fixture_config() -> dict:
    bundle = load_bundle(load_story(FIXTURE_STORIES / "lisbon-tram-28.yaml"), FIXTURE_GEODATA)
    return player_config(bundle, data={"route": bundle.route, "basemap": "app/static/lisbon-tram-28.basemap.geojson"},
                         start=START)


def test_the_golden_config_is_what_the_fixture_story_gives():
    """pydeck's way: the whole config for a small story, committed; regenerate with STORYMAP_GOLDEN=write."""
    config = json.loads(json.dumps(fixture_config()))
    if os.environ.get("STORYMAP_GOLDEN") == "write":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(stable_json(config), encoding="utf-8")
    assert json.loads(GOLDEN.read_text(encoding="utf-8")) == config, \
        "the player config changed: review the diff, then run STORYMAP_GOLDEN=write pytest tests/test_contract.py"


def test_the_golden_config_meets_the_model_and_the_committed_schema():
    golden = GOLDEN.read_text(encoding="utf-8")
    PlayerConfig.model_validate_json(golden)
    schema = json.loads((CONTRACT_SCHEMAS_DIR / "player-config.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(golden), schema)


def test_the_committed_schemas_are_current():
    for name, schema in schemas().items():
        assert (CONTRACT_SCHEMAS_DIR / name).read_text(encoding="utf-8") == stable_json(schema), \
            f"storymap/schemas/{name} is stale: run python -m storymap schema"
    assert main(["schema", "--check"]) == 0


def test_the_committed_map_files_meet_their_schemas():
    for name, files in (("route", ROOT.glob("geodata/*.route.geojson")), ("basemap", ROOT.glob("geodata/*.basemap.geojson"))):
        schema = json.loads((CONTRACT_SCHEMAS_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
        for path in [*files, *FIXTURE_GEODATA.glob(f"*.{name}.geojson")]:
            jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), schema)


@pytest.mark.parametrize(("change", "where"), [
    (lambda c: c.update(version=1), "version"),
    (lambda c: c["stops"][0].update(position=[200, 0]), "stops.0.position.0"),
    (lambda c: c["stops"][0].pop("camera"), "stops.0.camera"),
    (lambda c: c["start"].update(mode="kiosk"), "start.mode"),
    (lambda c: c["stops"][0].update(short_name="x"), "stops.0.short_name"),
])
def test_a_config_off_the_contract_is_refused(change, where):
    config = json.loads(GOLDEN.read_text(encoding="utf-8"))
    change(config)
    with pytest.raises(pydantic.ValidationError) as caught:
        PlayerConfig.model_validate_json(json.dumps(config))
    assert where in [".".join(str(part) for part in error["loc"]) for error in caught.value.errors()]


def test_the_page_and_the_export_send_configs_on_the_contract(monkeypatch):
    import re

    from streamlit.testing.v1 import AppTest

    from storymap.export import export_html
    monkeypatch.delenv("STORYMAP_STORIES_DIR", raising=False)
    monkeypatch.delenv("STORYMAP_GEODATA_DIR", raising=False)
    page = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    PlayerConfig.model_validate_json(json.loads(page.get("component_instance")[0].proto.json_args)["config"])
    bundle = load_bundle(load_story(ROOT / "stories" / "kim-russia-2023.yaml"))
    html = export_html(bundle)
    inline = re.search(r'<script type="application/json" id="storymap-config">(.*?)</script>', html, re.S).group(1)
    assert PlayerConfig.model_validate_json(inline).data.route.storymap.story == "kim-russia-2023"
