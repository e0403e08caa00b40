"""Story layers (storymap/layers.py): pydeck's JSON of the fixture story's layers against a golden file,
and every refused layer as its exact located message."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest
from helpers import FIXTURE_STORIES, ROOT

from storymap.errors import StoryError
from storymap.files import stable_json
from storymap.layers import ALLOWED_LAYERS, check_accessor, known_props
from storymap.story import load_story, parse_story

GOLDEN = ROOT / "tests" / "fixtures" / "golden" / "lisbon-tram-28.layers.json"
FIXTURE = FIXTURE_STORIES / "lisbon-tram-28.yaml"
# The fixture's first story layer, replaced by each case below (its position is the error's line).
FIRST_LAYER = re.compile(r"^layers:\n  - type: ScatterplotLayer\n(?:    .*\n)+", re.M)


def fixture_layers() -> dict:
    story = load_story(FIXTURE)
    return {"story": story.built_layers(), **{stop.id: story.built_layers(stop.id) for stop in story.stops}}


def test_the_fixture_storys_layers_are_the_golden_json():
    """pydeck's way: the serialized layers, committed; regenerate with STORYMAP_GOLDEN=write."""
    layers = json.loads(json.dumps(fixture_layers()))
    if os.environ.get("STORYMAP_GOLDEN") == "write":
        GOLDEN.write_text(stable_json(layers), encoding="utf-8")
    assert json.loads(GOLDEN.read_text(encoding="utf-8")) == layers, \
        "the layers' JSON changed: review the diff, then run STORYMAP_GOLDEN=write pytest tests/test_layers.py"


def test_the_golden_layers_are_pydecks_json():
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    story_layer = golden["story"][0]["deck"]
    assert story_layer["@@type"] == "ScatterplotLayer"
    assert story_layer["getPosition"] == "@@=[lon, lat]"               # pydeck's list of names → one accessor
    assert story_layer["data"][0] == {"name": "Miradouro da Graça", "lat": 38.7163, "lon": -9.1316, "height_m": None}
    terrace = golden["portas-do-sol"][0]["deck"]
    assert terrace["getFillColor"] == "@@=properties.color" and terrace["lineWidthMinPixels"] == 2
    assert terrace["data"]["type"] == "FeatureCollection"              # a GeoJsonLayer keeps its GeoJSON
    icon = golden["prazeres"][0]["deck"]
    assert icon["iconAtlas"].startswith("data:image/png;base64,")      # inlined: the export stays self-contained
    assert icon["sizeUnits"] == "pixels" and icon["getIcon"] == "pin"  # pydeck's quoted literals
    assert golden["martim-moniz"] == []


def test_allowed_layers_are_what_the_bundle_exports_and_what_the_props_file_lists():
    entry = (ROOT / "player-build" / "src" / "deck-entry.js").read_text(encoding="utf-8")
    exported = set(re.findall(r"\b([A-Z][A-Za-z]+Layer)\b", entry)) - {"TripsLayer"}  # the route's own trail
    assert exported == set(ALLOWED_LAYERS)
    assert sorted(known_props()) == sorted(ALLOWED_LAYERS)
    assert "get_fill_color" in known_props()["GeoJsonLayer"] and "get_radius" in known_props()["ScatterplotLayer"]
    readme = (ROOT / "stories" / "README.md").read_text(encoding="utf-8")
    for name in ALLOWED_LAYERS:
        assert f"`{name}`" in readme, f"stories/README.md does not list {name}"


@pytest.mark.parametrize("text", ["properties.color", "[lon, lat]", "coordinates[0]", "-", "12", "'pixels'",
                                  "[properties.a, 3, 'x', true]", "properties.name_ko"])
def test_accessors_within_the_grammar_pass(text):
    check_accessor(text)


def story_with(tmp_path, layer_yaml: str) -> str:
    """The fixture story in tmp_path with its first story layer replaced; the text of its StoryError."""
    if not (tmp_path / "lisbon-tram-28").exists():
        shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", tmp_path / "lisbon-tram-28")
    text = FIRST_LAYER.sub("layers:\n" + layer_yaml, FIXTURE.read_text(encoding="utf-8"), count=1)
    with pytest.raises(StoryError) as caught:
        parse_story(text, "story.yaml", base_dir=tmp_path)
    return str(caught.value)


ENTRY = "  - type: {type}\n    data: {data}\n"
CSV = "lisbon-tram-28/data/viewpoints.csv"
PROPS = ", ".join(known_props()["ScatterplotLayer"])
HELP = ("write a property path such as properties.color, a list such as [lon, lat], or a value (a literal text goes "
        "in quotes inside the YAML string, as in pydeck: \"'pixels'\")")


@pytest.mark.parametrize(("layer", "message"), [
    (ENTRY.format(type="HexagonLayer", data=CSV),
     "story.yaml:32:5: layers[0].type: 'HexagonLayer' is not a layer class storymap draws; use one of "
     + ", ".join(ALLOWED_LAYERS)),
    (ENTRY.format(type="geojsonlayer", data=CSV),
     "story.yaml:32:5: layers[0].type: 'geojsonlayer' is not a layer class storymap draws; did you mean "
     "'GeoJsonLayer'? use one of " + ", ".join(ALLOWED_LAYERS)),
    (ENTRY.format(type="ScatterplotLayer", data=CSV) + "    get_radius: Math.random()\n",
     f"story.yaml:34:5: layers[0].get_radius: 'Math.random()' calls a function, and an accessor may not; {HELP}"),
    (ENTRY.format(type="ScatterplotLayer", data=CSV) + "    get_position: [lon, fetch(lat)]\n",
     f"story.yaml:34:5: layers[0].get_position: 'fetch(lat)' calls a function, and an accessor may not; {HELP}"),
    (ENTRY.format(type="ScatterplotLayer", data=CSV) + "    get_radius: height_m * 2\n",
     "story.yaml:34:5: layers[0].get_radius: 'height_m * 2' has '*', which is not part of a property path, a list "
     f"or a literal, and an accessor may not; {HELP}"),
    (ENTRY.format(type="ScatterplotLayer", data=CSV) + "    get_radius: constructor.name\n",
     f"story.yaml:34:5: layers[0].get_radius: 'constructor.name' names 'constructor', which is not data, and an "
     f"accessor may not; {HELP}"),
    (ENTRY.format(type="ScatterplotLayer", data=CSV) + "    get_radius: '@@=height_m'\n",
     "story.yaml:34:5: layers[0].get_radius: '@@=height_m' uses deck.gl's '@@' syntax; write it as pydeck takes it: "
     "a plain string is an accessor (pydeck adds '@@='), and functions, constants and classes are not allowed"),
    (ENTRY.format(type="ScatterplotLayer", data=CSV) + "    get_fill_colr: [1, 2, 3]\n",
     "story.yaml:34:5: layers[0].get_fill_colr: ScatterplotLayer has no prop 'get_fill_colr' (deck.gl would ignore "
     f"it); did you mean 'get_fill_color'? props are deck.gl's, in snake_case as pydeck spells them: {PROPS}"),
    (ENTRY.format(type="ScatterplotLayer", data="../lisbon-tram-28.yaml"),
     "story.yaml:33:5: layers[0].data: '../lisbon-tram-28.yaml' must be a relative path inside lisbon-tram-28/, "
     "without '..'"),
    (ENTRY.format(type="ScatterplotLayer", data="/etc/passwd"),
     "story.yaml:33:5: layers[0].data: '/etc/passwd' must be a relative path inside lisbon-tram-28/, without '..'"),
    (ENTRY.format(type="ScatterplotLayer", data="other-story/data/points.csv"),
     "story.yaml:33:5: layers[0].data: 'other-story/data/points.csv' is not in lisbon-tram-28/; keep a layer's "
     "files in the story's own folder (lisbon-tram-28/data/)"),
    (ENTRY.format(type="ScatterplotLayer", data="https://example.org/points.csv"),
     "story.yaml:33:5: layers[0].data: 'https://example.org/points.csv' is a URL; a layer's data must be a file "
     "in lisbon-tram-28/ (nothing is fetched)"),
    (ENTRY.format(type="ScatterplotLayer", data="lisbon-tram-28/data/missing.csv"),
     "story.yaml:33:5: layers[0].data: data file 'lisbon-tram-28/data/missing.csv' not found; put the layer's data "
     "in lisbon-tram-28/data/"),
    (ENTRY.format(type="ScatterplotLayer", data="lisbon-tram-28/sources/fixture-guide.txt"),
     "story.yaml:33:5: layers[0].data: 'lisbon-tram-28/sources/fixture-guide.txt' is not a .geojson, .json or "
     ".csv file; save the layer's data as one"),
    (ENTRY.format(type="GeoJsonLayer", data=CSV),
     "story.yaml:33:5: layers[0].data: a GeoJsonLayer draws GeoJSON; give it a .geojson FeatureCollection, or use "
     "ScatterplotLayer for a table of points"),
    (ENTRY.format(type="IconLayer", data=CSV) + "    icon_atlas: https://example.org/icons.png\n"
     "    icon_mapping: {pin: {x: 0, y: 0, width: 4, height: 4}}\n",
     "story.yaml:34:5: layers[0].icon_atlas: 'https://example.org/icons.png' is a URL; an icon atlas must be a "
     "file in lisbon-tram-28/ (nothing is fetched)"),
    (ENTRY.format(type="IconLayer", data=CSV) + "    get_icon: properties.icon\n",
     "story.yaml:32:5: layers[0]: an IconLayer needs icon_atlas (an image in lisbon-tram-28/data/) and icon_mapping "
     "(each icon's x, y, width and height in it); icons are never fetched from a URL"),
])
def test_a_refused_layer_is_one_located_line(tmp_path, layer, message):
    assert story_with(tmp_path, layer) == message


@pytest.mark.parametrize(("content", "reason"), [
    (b'{"type": "FeatureCollection", "features": [', "is not valid JSON (line 1, column 44: Expecting value); "
                                                      "fix the file"),
    (b'{"type": "FeatureCollection", "features": []}', "has no features; add some or remove the layer"),
    (b'{"type": "Feature"}', "holds neither a GeoJSON FeatureCollection nor a non-empty list of records; give the "
                             "layer one of those"),
    (b"\xff\xfe{}", "is not UTF-8 text; save it as UTF-8"),
    (b" " * 1_000_001, "is 1,000,001 bytes; the limit is 1,000,000; simplify or thin the data"),
])
def test_a_bad_data_file_is_one_located_line(tmp_path, content, reason):
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", tmp_path / "lisbon-tram-28")
    (tmp_path / "lisbon-tram-28" / "data" / "bad.geojson").write_bytes(content)
    message = story_with(tmp_path, ENTRY.format(type="ScatterplotLayer", data="lisbon-tram-28/data/bad.geojson"))
    assert message == f"story.yaml:33:5: layers[0].data: data file 'lisbon-tram-28/data/bad.geojson' {reason}"


def test_a_data_file_through_a_symlink_out_of_the_folder_is_refused(tmp_path):
    (tmp_path / "elsewhere.csv").write_text("lat,lon\n1,2\n", encoding="utf-8")
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", tmp_path / "lisbon-tram-28")
    (tmp_path / "lisbon-tram-28" / "data" / "link.csv").symlink_to(tmp_path / "elsewhere.csv")
    assert story_with(tmp_path, ENTRY.format(type="ScatterplotLayer", data="lisbon-tram-28/data/link.csv")) == ("story.yaml:33:5: layers[0].data: 'lisbon-tram-28/data/link.csv' goes through a "
                                 "symbolic link (lisbon-tram-28/data/link.csv); copy the file into lisbon-tram-28/ "
                                 "instead")


def test_a_stop_layer_error_names_the_stop(tmp_path):
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", tmp_path / "lisbon-tram-28")
    text = FIXTURE.read_text(encoding="utf-8").replace("get_fill_color: properties.color",
                                                       "get_fill_color: properties.color()")
    with pytest.raises(StoryError) as caught:
        parse_story(text, "story.yaml", base_dir=tmp_path)
    assert str(caught.value).startswith("story.yaml:70:9: stops[1].layers[0].get_fill_color: 'properties.color()' "
                                        "calls a function")


def test_the_committed_props_file_is_what_deckgl_declares():
    """storymap/layer_props.json is generated from deck.gl's defaultProps by player-build/layer-props.mjs."""
    node = shutil.which("node")
    modules = ROOT / "player-build" / "node_modules" / "@deck.gl" / "layers"
    if node is None or not modules.is_dir():
        pytest.fail("node and player-build/node_modules are needed: cd player-build && npm ci")
    out = subprocess.run([node, "-e", "import('./layer-props.mjs').then((m) => process.stdout.write(m.layerProps()))"],
                         cwd=ROOT / "player-build", capture_output=True, text=True, timeout=60, check=True).stdout
    assert out == (ROOT / "storymap" / "layer_props.json").read_text(encoding="utf-8"), \
        "storymap/layer_props.json is stale: cd player-build && node layer-props.mjs"
