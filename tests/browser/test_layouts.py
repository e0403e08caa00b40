"""Every screen: the page, an article embed and the export at phone, tablet, laptop and desktop sizes.

One load per size steps through every stop (with reduced motion, so each step is a cut and the
test waits on nothing but the player's state) and checks the layout by geometry at each: what must
be on screen is inside the window, nothing needed overlaps, the map keeps a third of a phone's
height, laptops and tablets show the first quote without scrolling, the chapter starts at its top,
and the last stop's credits can be scrolled to. axe-core checks the page, the player, presentation
mode and the export.
"""

from __future__ import annotations

import pytest
from browser_support import PLAYER_IFRAME, ROOT, SCREENSHOTS, axe_violations, player_frame, serve_html, settle

from storymap.catalog import load_bundle
from storymap.export import export_html
from storymap.story import load_story

pytestmark = pytest.mark.browser

STORY = "kim-russia-2023"
TITLE = "Kim Jong Un's armoured train through Russia's Far East"
SIZES = [(320, 640), (390, 844), (768, 1024), (1280, 720), (1920, 1080)]
# Article columns: (column width, iframe height, the reader's window), as README's embed advice.
COLUMNS = [(640, 760, (1280, 900)), (360, 640, (390, 844))]
PHONE_MAX_WIDTH = 700

# The boxes the checks need, in the player document's own coordinates: [left, top, right, bottom].
BOXES = """() => {
  const box = (node) => { if (!node) return null; const r = node.getBoundingClientRect();
    return r.width || r.height ? [r.left, r.top, r.right, r.bottom] : null; };
  const q = (selector) => document.querySelector(selector);
  const scroller = q('.scroller');
  return {
    index: window.storymapState.index, width: innerWidth, height: innerHeight,
    overflowX: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    map: box(q('.map')), panel: box(q('.panel')), scroller: box(scroller), scrollTop: scroller.scrollTop,
    prev: box(q('.controls button:nth-of-type(1)')), play: box(q('.controls button:nth-of-type(2)')),
    next: box(q('.controls button.primary')), counter: box(q('.controls .counter')), title: box(q('.panel h1')),
    intro: box(q('.intro')), heading: box(q('.chapter h2')), quote: box(q('.chapter blockquote')),
  };
}"""
TO_THE_END = "() => { const s = document.querySelector('.scroller'); s.scrollTop = s.scrollHeight; }"
CREDITS = "() => { const r = document.querySelector('.credits-line').getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"


def inside(inner, outer, slack=1.0) -> bool:
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack and inner[2] <= outer[2] + slack
            and inner[3] <= outer[3] + slack)


def overlap(a, b) -> bool:
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


def check_stop(boxes: dict, screen, where: str) -> None:
    """The layout's promises at one stop; `screen` is the part of the reader's window the player's
    document can use, in that document's coordinates."""
    at = f"{where}, stop {boxes['index']}"
    assert boxes["overflowX"] <= 0, f"{at}: the player scrolls sideways by {boxes['overflowX']} px"
    # With the whole trip the story's dek and byline come first; at a stop, its chapter.
    first = "intro" if boxes["index"] < 0 and boxes["intro"] else "heading"
    for name in ("map", "prev", "play", "next", "counter", "title", first):
        assert boxes[name] and inside(boxes[name], screen), f"{at}: {name} {boxes[name]} is not inside {screen}"
    controls = [boxes[name] for name in ("prev", "play", "next", "counter")]
    for i, a in enumerate(controls):
        for b in controls[i + 1:]:
            assert not overlap(a, b), f"{at}: controls overlap: {a} {b}"
    assert not overlap(boxes["map"], boxes["panel"]), f"{at}: the map and the panel overlap"
    assert boxes["scrollTop"] == 0, f"{at}: the chapter did not start at its top ({boxes['scrollTop']} px down)"
    # The chapter starts in the visible part of the scrolling column, not under its edge.
    top = boxes[first]
    assert boxes["scroller"][1] - 1 <= top[1] and top[1] + 20 <= boxes["scroller"][3], f"{at}: the chapter starts out of sight"
    height = screen[3] - screen[1]
    if boxes["width"] <= PHONE_MAX_WIDTH:
        map_height = boxes["map"][3] - boxes["map"][1]
        assert map_height >= height / 3 - 1, f"{at}: the map is {map_height:.0f} px of a {height:.0f} px window"
    elif boxes["quote"]:
        visible = [screen[0], max(screen[1], boxes["scroller"][1]), screen[2], min(screen[3], boxes["scroller"][3])]
        assert inside(boxes["quote"], visible), f"{at}: the first quote {boxes['quote']} needs scrolling ({visible})"
    if boxes["index"] >= 0:
        # The story's title is a one-line kicker at a stop; the dek and byline stay with the whole trip.
        assert boxes["intro"] is None, f"{at}: the story's dek is repeated above the stop"
        assert boxes["title"][3] - boxes["title"][1] < 32, f"{at}: the title block is repeated above the stop"


NEXT_FRAME = "() => new Promise((done) => requestAnimationFrame(() => done()))"
NEXT_AT = "([x, y]) => document.querySelector('.controls button.primary').contains(document.elementFromPoint(x, y))"


def walk(page, frame, screen, where: str) -> None:
    """From the whole trip to the last stop with the Next button, checking each stop; between steps
    the chapter is scrolled to its end (so the next step must bring it back to its top)."""
    count = frame.evaluate("() => window.storymapState.config.stops.length")
    frame.wait_for_function("() => window.storymapState.index === -1")
    dx, dy = (0, 0) if frame == page.main_frame else frame_offset(frame)
    for index in range(-1, count):
        if index >= 0:
            box = frame.evaluate(BOXES)["next"]
            assert inside(box, screen), f"{where}: Next is off screen before stop {index}"
            centre = [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2]
            assert frame.evaluate(NEXT_AT, centre), f"{where}: something covers Next before stop {index}"
            page.mouse.click(centre[0] + dx, centre[1] + dy)   # where the reader's finger goes
            frame.wait_for_function(f"() => window.storymapState.index === {index}")
            frame.evaluate(NEXT_FRAME)   # the step's own work for the coming frame is done first
        check_stop(frame.evaluate(BOXES), screen, where)
        if index == 4:   # the Pacific Fleet, two quotes: a picture for whoever looks at the layouts
            SCREENSHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"layout-{where.replace(' ', '-')}.png"))
        frame.evaluate(TO_THE_END)
    credits = frame.evaluate(CREDITS)
    assert inside(credits, screen), f"{where}: the credits at the end of the last stop are unreachable: {credits}"


def frame_offset(frame) -> tuple[float, float]:
    """Where this frame's document starts in the reader's window."""
    box = frame.frame_element().bounding_box()
    return box["x"], box["y"]


def screen_in(frame, window) -> list[float]:
    """The window's box [left, top, right, bottom] (page coordinates) in the frame's coordinates."""
    x, y = frame_offset(frame)
    return [window[0] - x, window[1] - y, window[2] - x, window[3] - y]


@pytest.fixture
def reader(open_page):
    """A reader at one window size with reduced motion: every step is a cut, nothing to wait out."""
    return lambda width, height: open_page(viewport={"width": width, "height": height}, reduced_motion="reduce")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    path = tmp_path_factory.mktemp("layouts") / f"{STORY}.html"
    path.write_text(export_html(load_bundle(load_story(ROOT / "stories" / f"{STORY}.yaml"))), encoding="utf-8")
    return path


# The page hosts the same player as the export, which is walked at every size below; the page adds
# Streamlit's frame, whose height must follow the window, so it is walked at a phone and a laptop.
PAGE_SIZES = [(390, 844), (1280, 720)]


@pytest.mark.parametrize("size", PAGE_SIZES, ids=[f"{w}x{h}" for w, h in PAGE_SIZES])
def test_the_page_at_every_stop(server, reader, size):
    width, height = size
    page = reader(width, height)
    page.goto(f"{server.url}/?story={STORY}")
    frame = player_frame(page)
    assert page.title() == TITLE
    box = page.locator(PLAYER_IFRAME).bounding_box()
    # No band above the player, and the player is one window tall: its coordinates are the window's.
    assert box["y"] <= 1 and abs(box["height"] - max(420, height)) <= 1, box
    walk(page, frame, screen_in(frame, [0, 0, width, height]), f"page {width}x{height}")
    if size == (1280, 720):
        frame.evaluate("() => document.querySelector('.scroller').scrollTop = 0")
        assert axe_violations(page) == [], "the Streamlit page"
        assert axe_violations(frame) == [], "the player"


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_export_at_every_stop(reader, exported, size):
    width, height = size
    page = reader(width, height)
    page.goto(exported.as_uri())
    page.wait_for_function("() => document.getElementById('storymap').dataset.state === 'ready' && "
                           "window.storymapState.frames > 0", timeout=30_000)
    assert page.title() == TITLE
    walk(page, page.main_frame, [0, 0, width, height], f"export {width}x{height}")
    if size == (390, 844):
        assert axe_violations(page) == [], "the export"


@pytest.mark.parametrize("column", COLUMNS, ids=[f"{c[0]}px-column" for c in COLUMNS])
def test_the_page_in_an_article_column(server, reader, column):
    width, frame_height, window = column
    host = serve_html(
        '<!doctype html><html lang="en"><title>Article</title><main style="max-width: %dpx; margin: 0 auto">'
        '<h1>An article</h1><p>Text before the map.</p>'
        '<iframe src="%s/?story=%s&embed=true" width="%d" height="%d" style="border:0; display:block; max-width:100%%"'
        ' title="The armoured train (interactive map)"></iframe><p>Text after.</p></main>'
        % (width, server.url, STORY, width, frame_height))
    try:
        page = reader(*window)
        page.goto(f"http://127.0.0.1:{host.server_address[1]}/")
        frame = player_frame(page)
        article_frame = page.locator("iframe").first
        article_frame.scroll_into_view_if_needed()
        box = article_frame.bounding_box()
        settle(frame)
        inner = frame.evaluate("() => [innerWidth, innerHeight]")
        assert abs(inner[1] - frame_height) <= 1, f"the player is {inner[1]} px tall in a {frame_height} px iframe"
        visible = [max(0, box["x"]), max(0, box["y"]), min(window[0], box["x"] + box["width"]),
                   min(window[1], box["y"] + box["height"])]
        walk(page, frame, screen_in(frame, visible), f"{width}-px column")
    finally:
        host.shutdown()


def test_presentation_mode_passes_axe(server, reader):
    page = reader(1920, 1080)
    page.goto(f"{server.url}/?story={STORY}&stop=vostochny&mode=present")
    frame = player_frame(page)
    assert page.title() == TITLE
    assert axe_violations(page) == [], "the Streamlit page in presentation mode"
    assert axe_violations(frame) == [], "the player in presentation mode"


def test_keyboard_help_focus_ring_live_region_and_local_languages(reader, exported):
    page = reader(1280, 720)
    page.goto(exported.as_uri() + "#stop=komsomolsk")
    page.wait_for_function("() => document.getElementById('storymap').dataset.state === 'ready'", timeout=30_000)
    # The live region says where the reader is, not the whole chapter; nothing else is live.
    assert page.locator("[aria-live]:not([aria-live='off'])").count() == 1
    live = page.locator("[aria-live='polite']")
    expected = "() => { const s = window.storymapState.config.stops[window.storymapState.index]; " \
               "return [s.name, s.date_label, window.storymapState.index + 1].join(', ') + ' of 7'; }"
    assert live.inner_text() == page.evaluate(expected)
    assert live.inner_text().startswith("Komsomolsk") and live.inner_text().endswith(", 3 of 7"), live.inner_text()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => window.storymapState.index === 3")
    assert live.inner_text() == page.evaluate(expected) and live.inner_text().endswith("4 of 7")
    # Local names carry their language.
    langs = page.locator(".local-names [lang]").evaluate_all("(spans) => spans.map((s) => s.lang)")
    assert langs == ["ru", "ko"], langs
    # The keyboard reaches the map first, and its focus is drawn above the canvas.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('map')")
    ring = page.evaluate("() => getComputedStyle(document.querySelector('.map'), '::after').borderTopWidth")
    assert ring == "3px", ring
    # ? opens the keyboard help: a modal dialog named by its heading that lists the keys and has the
    # focus; the story's keys do nothing meanwhile; Esc closes it and focus returns to the map.
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    dialog.wait_for(state="visible")
    assert "next stop" in dialog.inner_text() and "Esc" in dialog.inner_text()
    assert page.evaluate("() => document.querySelector('dialog.help').contains(document.activeElement)")
    box = dialog.bounding_box()
    assert inside([box["x"], box["y"], box["x"] + box["width"], box["y"] + box["height"]], [0, 0, 1280, 720])
    assert axe_violations(page) == [], "the export with the keyboard help open"
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => window.storymapState.index") == 3
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.evaluate("() => document.activeElement.classList.contains('map')")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => window.storymapState.index === 4")
