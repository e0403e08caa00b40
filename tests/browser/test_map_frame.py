"""The map's geographic frame in the exported first story (issue 15, points 2, 3 and 6): country and sea
names where they belong, a scale bar true at the view's centre, the locator at a stop only and clear of
it, the border in the legend, in light and dark and on a phone. One page load per theme and size."""

from __future__ import annotations

import math

import pytest
from browser_support import SCREENSHOTS, settle
from test_export_browser import exported, offline_page, ready  # noqa: F401  (the module's fixture)
from test_map_screens import LABEL_BOXES, overlapping

pytestmark = pytest.mark.browser
EARTH_M = 40075016.686
KHASAN = 0

FRAME = """() => [...document.querySelectorAll('.map-label.frame')].filter((n) => getComputedStyle(n).visibility !== 'hidden')
  .map((n) => ({text: n.textContent, kind: n.className, style: getComputedStyle(n).fontStyle,
                transform: getComputedStyle(n).textTransform}))"""
SCALE = """() => { const s = window.storymapState; const v = s.deck.getViewports()[0];
  const rows = [...document.querySelectorAll('.scale-bar .scale-row')].map((r) => ({
    unit: r.dataset.unit, value: Number(r.dataset.value), text: r.textContent,
    px: r.querySelector('.scale-line').getBoundingClientRect().width}));
  return {zoom: v.zoom, latitude: v.latitude, rows}; }"""
LOCATOR = """() => { const n = document.querySelector('.locator'); const map = document.querySelector('.map').getBoundingClientRect();
  if (!n || n.hidden) return null;
  const r = n.getBoundingClientRect(); const s = window.storymapState;
  const [x, y] = s.deck.getViewports()[0].project(s.config.stops[s.index].position);
  const view = n.querySelector('.locator-view').getBBox();
  const [sx, sy] = s.locator.project(s.config.stops[s.index].position);
  return {box: {x: r.left - map.left, y: r.top - map.top, w: r.width, h: r.height}, stop: [x, y],
          view: {x: view.x, y: view.y, w: view.width, h: view.height}, stopOnLocator: [sx, sy]}; }"""


def shot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def go_to(page, index):
    page.evaluate(f"() => document.querySelectorAll('.itinerary button')[{index}].click()")
    page.wait_for_function(f"() => window.storymapState.index === {index}")
    settle(page)


def assert_scale_bar_is_true(page):
    """Each bar is a round length, drawn as long as that length is at the view's centre."""
    scale = page.evaluate(SCALE)
    metres_per_px = EARTH_M * math.cos(math.radians(scale["latitude"])) / (512 * 2 ** scale["zoom"])
    assert scale["rows"], "no scale bar"
    for row in scale["rows"]:
        metres = row["value"] * (1000 if row["unit"] == "km" else 1609.344)
        assert abs(row["px"] - metres / metres_per_px) < 1.5, row
        assert 110 / 2.5 < row["px"] <= 110.5, row
        mantissa = row["value"] / 10 ** math.floor(math.log10(row["value"]))
        assert round(mantissa, 9) in (1, 2, 5), row
    return scale["rows"]


def assert_names_apart(page, where):
    layout = page.evaluate(LABEL_BOXES)
    boxes = [b for b in layout["boxes"] if b["w"] > 0]
    assert overlapping(boxes) == [], f"{where}: names overlap"
    for b in boxes:
        assert b["x"] >= 0 and b["x"] + b["w"] <= layout["width"] + 0.5, f"{where}: {b['text']} cut by the edge"


def frame_names(page):
    return {n["text"]: n for n in page.evaluate(FRAME)}


def test_the_frame_at_the_overview_and_at_khasan_in_light_and_dark(browser, exported):  # noqa: F811
    for theme in ("light", "dark"):
        context, page = offline_page(browser, viewport={"width": 1440, "height": 900}, reduced_motion="reduce",
                                     color_scheme=theme)
        try:
            page.goto((exported / "dist" / "kim-russia-2023.html").as_uri())
            ready(page)
            names = frame_names(page)
            assert {"Russia", "China", "Sea of Japan (East Sea)"} <= set(names), names
            assert names["Russia"]["transform"] == "uppercase" and names["Sea of Japan (East Sea)"]["style"] == "italic"
            assert page.evaluate("() => document.querySelector('.locator').hidden"), "the locator shows at the overview"
            [overview_bar] = assert_scale_bar_is_true(page)
            assert_names_apart(page, f"overview {theme}")
            assert page.locator(".legend li", has_text="International border").count() == 1
            shot(page, f"frame-overview-{theme}-1440")

            go_to(page, KHASAN)
            names = frame_names(page)
            assert {"Russia", "China", "North Korea", "Sea of Japan (East Sea)"} <= set(names), names
            [bar] = assert_scale_bar_is_true(page)
            assert (bar["value"], bar["unit"], bar["text"]) == (2, "km", "2 km"), bar
            assert overview_bar["value"] >= 20 * bar["value"]   # 100 km at the overview
            assert_names_apart(page, f"khasan {theme}")
            locator = page.evaluate(LOCATOR)
            assert locator, "no locator at a stop"
            box, (x, y) = locator["box"], locator["stop"]
            assert not (box["x"] - 40 < x < box["x"] + box["w"] + 40 and box["y"] - 40 < y < box["y"] + box["h"] + 40)
            assert box["x"] + box["w"] > 1440 * 0.55 and box["y"] < 20, f"the locator is not in the top right: {box}"
            view, (sx, sy) = locator["view"], locator["stopOnLocator"]
            assert view["x"] - 1 <= sx <= view["x"] + view["w"] + 1 and view["y"] - 1 <= sy <= view["y"] + view["h"] + 1, \
                "the locator's view box is not where the stop is"
            shot(page, f"frame-khasan-{theme}-1440")
            assert page.blocked == []
        finally:
            context.close()


def test_on_a_phone_the_frame_is_small_and_keeps_clear(browser, exported):  # noqa: F811
    context, page = offline_page(browser, viewport={"width": 390, "height": 844}, reduced_motion="reduce")
    try:
        page.goto((exported / "dist" / "kim-russia-2023.html").as_uri())
        ready(page)
        assert {"Russia", "China"} <= set(frame_names(page))
        assert_scale_bar_is_true(page)
        go_to(page, KHASAN)
        assert {"Russia", "North Korea"} <= set(frame_names(page))
        assert_names_apart(page, "khasan 390")
        locator = page.evaluate(LOCATOR)
        assert locator and locator["box"]["w"] <= 100, locator
        # The scale bar sits above the legend, which spans the phone's map.
        bar, legend = (page.evaluate(f"() => document.querySelector('{sel}').getBoundingClientRect().toJSON()")
                       for sel in (".scale-bar", ".legend"))
        assert bar["bottom"] <= legend["top"] + 0.5, (bar, legend)
        shot(page, "frame-khasan-light-390")
    finally:
        context.close()
