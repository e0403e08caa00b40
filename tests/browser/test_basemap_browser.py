"""The basemap's pyramid as the reader gets it: the first story's export, one page, the map moved to the
Amur at Komsomolsk-on-Amur, Khabarovsk and Blagoveshchensk at the zoom a stop is seen at. Each view's
level is the one its zoom asks for, and the river is water on screen (the sea's colour where the river
is, the land's colour on its banks). Screenshots: tests/browser/screenshots/basemap-<place>.png."""

from __future__ import annotations

import io

import pytest
from browser_support import ROOT, SCREENSHOTS
from PIL import Image

from storymap.catalog import load_bundle
from storymap.export import export_html
from storymap.story import load_story

pytestmark = pytest.mark.browser
# (lon, lat, zoom) of the view, the level drawn there, points on the river (a water polygon), on its
# banks, and on its river line (lon, lat).
VIEWS = {
    "komsomolsk": ((137.07, 50.56, 10.5), 3, [(137.105, 50.55), (137.04, 50.5)], [(136.98, 50.58)], []),
    "khabarovsk": ((135.05, 48.48, 10.5), 3, [(135.03, 48.5)], [(135.1, 48.47)], []),
    "khabarovsk-region": ((135.1, 48.3, 7), 1, [(135.49, 48.6), (135.82, 48.8)], [(135.6, 49.2)], []),
    # No polygon for the Amur in GSHHG here: the WDBII line is the river.
    "blagoveshchensk": ((127.55, 50.28, 9), 2, [], [(127.5, 50.32)], [(127.5202, 50.2374)]),
}
MOVE = """([lon, lat, zoom]) => {
  const s = window.storymapState;
  s.deck.setProps({initialViewState: Object.assign({}, s.viewState,
    {longitude: lon, latitude: lat, zoom, pitch: 0, bearing: 0, transitionDuration: 1})});
}"""
ARRIVED = """([lon, lat, zoom, frames]) => {
  const s = window.storymapState;
  return Math.abs(s.viewState.longitude - lon) < 1e-3 && Math.abs(s.zoom - zoom) < 1e-3 && s.frames > frames + 1;
}"""
PROJECT = """(points) => {
  const viewport = window.storymapState.deck.getViewports()[0];
  return points.map((p) => viewport.project(p));
}"""


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    path = tmp_path_factory.mktemp("basemap") / "kim-russia-2023.html"
    path.write_text(export_html(load_bundle(load_story(ROOT / "stories" / "kim-russia-2023.yaml"))), encoding="utf-8")
    return path


def near(colour, expected, tolerance=12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected))


def open_at(browser, exported, stop: str, index: int, size: tuple[int, int]):
    """The export opened offline at `stop` (its `index`), once the camera is at rest there."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page = context.new_page()
    page.goto(exported.as_uri() + "#stop=" + stop)
    page.wait_for_function("(index) => document.getElementById('storymap').dataset.state === 'ready' "
                           "&& window.storymapState.index === index && !window.storymapState.cameraMove",
                           arg=index, timeout=30_000)
    return context, page


def test_the_amur_is_continuous_water_at_stop_zoom_with_the_level_the_zoom_asks_for(browser, exported):
    context, page = open_at(browser, exported, "komsomolsk", 2, (900, 700))
    try:
        # The ground alone: the legend, the names, the locator and the scale bar over the map would cover
        # the points read (the legend grows with the story's line styles and layers).
        page.add_style_tag(content=".storymap .legend, .storymap .map-label, .storymap .locator, "
                                   ".storymap .scale-bar, .storymap .whole-trip { visibility: hidden !important; }")
        colours = page.evaluate("() => window.storymapState.colors")
        canvas = page.locator("#storymap canvas").first
        SCREENSHOTS.mkdir(exist_ok=True)
        for name, ((lon, lat, zoom), level, water, banks, lines) in VIEWS.items():
            frames = page.evaluate("() => window.storymapState.frames")
            page.evaluate(MOVE, [lon, lat, zoom])
            page.wait_for_function(ARRIVED, arg=[lon, lat, zoom, frames], timeout=45_000)
            assert page.evaluate("() => window.storymapState.level") == level, name
            # Only this level's layers are drawn; the others, once made, wait hidden.
            shown = page.evaluate("() => window.storymapState.deck.props.layers"
                                  ".filter((l) => /^(areas|lines)-/.test(l.id) && l.props.visible).map((l) => l.id)")
            assert shown == [f"areas-{level}", f"lines-{level}"], name
            png = canvas.screenshot()
            (SCREENSHOTS / f"basemap-{name}.png").write_bytes(png)
            image = Image.open(io.BytesIO(png)).convert("RGB")
            for kind, points, expected in (("water", water, colours["sea"]), ("land", banks, colours["land"])):
                for (x, y), point in zip(page.evaluate(PROJECT, points), points):
                    assert 0 <= x < image.width and 0 <= y < image.height, (name, point, x, y, image.size)
                    pixel = image.getpixel((round(x), round(y)))
                    assert near(pixel, expected[:3]), (name, kind, point, pixel, expected)
            for (x, y), point in zip(page.evaluate(PROJECT, lines), lines):
                around = [image.getpixel((round(x) + dx, round(y) + dy)) for dx in (-2, -1, 0, 1, 2) for dy in (-2, -1, 0, 1, 2)]
                assert any(near(pixel, colours["river"][:3], 40) for pixel in around), (name, point, around)
    finally:
        context.close()


# Of the current level's rivers and borders, the vertices inside the view: how many there are, and how
# many of them the drawn layers hold (as sets: the pieces of a line share their ends).
IN_VIEW = """() => {
  const s = window.storymapState, [w, so, e, n] = s.deck.getViewports()[0].getBounds();
  const inView = (features) => new Set(features.flatMap((f) => {
    const g = f.geometry, lines = g.type === 'LineString' ? [g.coordinates] : (g.type === 'MultiLineString' ? g.coordinates : []);
    return lines.flat().filter(([x, y]) => x >= w && x <= e && y >= so && y <= n).map(([x, y]) => x + ',' + y); }));
  const counts = (all, id) => { const full = inView(all), drawn = inView(s.deck.props.layers.find((l) => l.id === id).props.data);
    return [full.size, [...full].filter((v) => drawn.has(v)).length]; };
  return {level: s.level, zoom: s.zoom, rivers: counts(s.levels[s.level].lines, 'lines-' + s.level),
          borders: counts(s.levels[s.level].borders, 'border-' + s.level)};
}"""


def test_a_pan_without_zooming_draws_every_river_and_border_in_the_new_view(browser, exported):
    context, page = open_at(browser, exported, "khasan", 0, (1200, 800))
    try:
        box = page.locator("#storymap .map").bounding_box()
        y = box["y"] + box["height"] / 2
        seen = 0
        # West along the Tumen and the Chinese border, a map's width at a time: far past the quarter view
        # the lines were chosen for, at one zoom.
        for step in range(4):
            frames = page.evaluate("() => window.storymapState.frames")
            page.mouse.move(box["x"] + 40, y)
            page.mouse.down()
            page.mouse.move(box["x"] + box["width"] - 40, y, steps=8)
            page.mouse.up()
            page.wait_for_function(f"() => window.storymapState.frames > {frames} && !window.storymapState.cameraMove")
            counts = page.evaluate(IN_VIEW)
            assert counts["rivers"][1] == counts["rivers"][0] and counts["borders"][1] == counts["borders"][0], (step, counts)
            seen += counts["rivers"][0] + counts["borders"][0]
        assert seen > 0, "no river or border in any of the views: the check saw nothing"
        SCREENSHOTS.mkdir(exist_ok=True)
        page.locator("#storymap .map").screenshot(path=str(SCREENSHOTS / "basemap-panned-west-of-khasan.png"))
    finally:
        context.close()
