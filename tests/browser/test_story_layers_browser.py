"""Story layers in a real browser: a stop's layer is drawn at its stop and nowhere else, on the page
and in the export, and the legend follows it (the first story's cosmodrome and aircraft-plant sites)."""

from __future__ import annotations

import pytest
from browser_support import SCREENSHOTS, player_frame, settle

from storymap.catalog import load_bundle
from storymap.export import export_html
from storymap.story import load_story

pytestmark = pytest.mark.browser

STORY = __import__("pathlib").Path(__file__).resolve().parents[2] / "stories" / "kim-russia-2023.yaml"
COSMODROME, PLANT = "storylayer-vostochny-0", "storylayer-komsomolsk-0"
# A point of each stop's layer: the launch pad and the plant (both under their stop's own marker).
POINTS = {COSMODROME: [128.333932, 51.884395], PLANT: [137.071944, 50.6]}

# Each story layer's opacity as the deck has it now (0 when hidden), and what each layer draws at its
# point: deck.gl's picking renders only the layer asked for, so a hidden or undrawn layer picks nothing.
LAYERS = """(points) => { const s = window.storymapState;
  const drawn = {}, picked = {};
  for (const layer of s.deck.props.layers) {
    if (layer.id.startsWith('storylayer-')) drawn[layer.id] = layer.props.visible ? layer.props.opacity : 0;
  }
  for (const [id, point] of Object.entries(points)) {
    const [x, y] = s.deck.getViewports()[0].project(point);
    const hit = s.deck.pickObject({x, y, radius: 4, layerIds: [id]});
    picked[id] = hit ? hit.object.properties.name : null;
  }
  return {index: s.index, drawn, picked,
          legend: [...document.querySelectorAll('.legend-layers li')].map((li) => li.textContent)}; }"""
AT_REST = ("() => { const s = window.storymapState; return !s.animation && !s.cameraMove && "
           "s.deck.props.layers.filter((l) => l.id.startsWith('storylayer-')).every((l) => !l.props.visible || "
           "l.props.opacity === 1); }")


def look(frame, name: str) -> dict:
    frame.wait_for_function(AT_REST, timeout=20_000)
    settle(frame)
    SCREENSHOTS.mkdir(exist_ok=True)
    frame.locator("#storymap").screenshot(path=str(SCREENSHOTS / f"story-layers-{name}.png"))
    return frame.evaluate(LAYERS, POINTS)


def walk_the_two_stops(frame, start: dict, name: str) -> None:
    """At the cosmodrome (index 1), then a step on to the plant (index 2)."""
    assert start["index"] == 1
    assert start["drawn"] == {COSMODROME: 1, PLANT: 0}
    assert start["picked"] == {COSMODROME: "Soyuz launch complex, Site 1S", PLANT: None}
    assert start["legend"] == ["Soyuz launch pad (Site 1S) and the town of Tsiolkovsky (approximate points)"]
    frame.locator("#storymap").press("ArrowRight")
    frame.wait_for_function("() => window.storymapState.index === 2")
    plant = look(frame, f"{name}-plant")
    assert plant["drawn"] == {COSMODROME: 0, PLANT: 1}
    assert plant["picked"] == {COSMODROME: None, PLANT: "Gagarin aircraft plant (KnAAZ)"}
    assert plant["legend"] == ["The aircraft plant (KnAAZ) and its Dzemgi airfield (approximate points)"]


def test_a_stop_layer_shows_only_at_its_stop_in_the_export(browser, tmp_path):
    html = tmp_path / "kim-russia-2023.html"
    html.write_text(export_html(load_bundle(load_story(STORY))), encoding="utf-8")
    # Reduced motion: every move is a cut, so the test waits for no flight (fades are unit-tested).
    context = browser.new_context(viewport={"width": 800, "height": 500}, reduced_motion="reduce")
    blocked = []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                  else (blocked.append(route.request.url), route.abort()))
    errors = []
    try:
        page = context.new_page()
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(html.as_uri() + "#stop=vostochny")
        page.wait_for_function("() => document.getElementById('storymap').dataset.state === 'ready' "
                               "&& window.storymapState.frames > 0", timeout=30_000)
        walk_the_two_stops(page, look(page, "export-cosmodrome"), "export")
        assert blocked == [] and errors == []   # the CSP held: no eval, no fetch
    finally:
        context.close()


def test_a_stop_layer_shows_only_at_its_stop_on_the_page(browser, server):
    context = browser.new_context(viewport={"width": 800, "height": 500}, reduced_motion="reduce")
    try:
        page = context.new_page()
        page.goto(server.url + "/?story=kim-russia-2023&stop=vostochny")
        frame = player_frame(page)
        walk_the_two_stops(frame, look(frame, "page-cosmodrome"), "page")
    finally:
        context.close()
