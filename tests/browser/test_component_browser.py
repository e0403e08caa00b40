"""The player as a component in another app (examples/current_stop_table.py) and the check view, in a
real browser: the table follows the reader without resetting the player, and ?view=check draws its
table and its map with no request leaving the machine."""

from __future__ import annotations

import io
import time

import pytest
from browser_support import ROOT, SCREENSHOTS, Server, foreign_requests, player_frame

from storymap.streamlit import COLORS

pytestmark = pytest.mark.browser

EXAMPLE = ROOT / "examples" / "current_stop_table.py"


@pytest.fixture(scope="module")
def example_server():
    running = Server(script=EXAMPLE)
    yield running
    running.stop()


def test_the_example_table_follows_the_stop_and_the_player_keeps_its_place(example_server, open_page):
    page = open_page(viewport={"width": 1100, "height": 720})
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    page.goto(example_server.url)
    frame = player_frame(page)
    assert page.get_by_role("heading", name="The whole trip").is_visible()
    ids = frame.evaluate("() => window.storymapState.deck.props.layers.map((layer) => layer.id)")
    assert ids.index("host-places") < ids.index("route-ahead")  # the app's own layer, under the route
    for heading, index in (("Khasan border station", 0), ("Vostochny Cosmodrome", 1)):
        page.keyboard.press("ArrowRight")
        page.get_by_role("heading", name=heading).wait_for(timeout=30_000)
        # The app reran for the value; the player was rendered again with the same story and kept going.
        assert frame.evaluate("() => [window.storymapState.index, window.storymapState.run]") == [index, 1]
    # The table (glide-data-grid draws on a canvas; its cells are kept in the DOM for screen readers).
    page.get_by_text("51.88300, 128.33300").wait_for(state="attached", timeout=10_000)  # Vostochny lat, lon
    frame.wait_for_function("() => !window.storymapState.animation && !window.storymapState.cameraMove",
                            timeout=20_000)
    page.screenshot(path=str(SCREENSHOTS / "component-example.png"))
    assert foreign_requests(seen) == []


def test_the_check_view_draws_its_table_and_its_map_offline(server, open_page):
    page = open_page(viewport={"width": 1280, "height": 900})
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    page.goto(server.url + "/?story=kim-russia-2023&view=check")
    page.locator("[data-testid='stDataFrame']").wait_for(timeout=60_000)
    page.get_by_text("places and via-points,", exact=False).wait_for(timeout=10_000)
    chart = page.locator("[data-testid='stDeckGlJsonChart']")
    chart.locator("canvas").first.wait_for(timeout=30_000)
    # deck.gl drew its layers: the chart shows the basemap's land and the points' green.
    deadline = time.monotonic() + 30
    while True:
        # A clip of the page, not the element's own screenshot: that waits for the element to be "stable",
        # which a chart still being laid out on a loaded machine was not within its timeout.
        shares = colour_shares(page.screenshot(clip=chart.bounding_box()), {"land": COLORS["land"],
                                                                            "point": COLORS["point"]})
        if shares["land"] > 0.1 and shares["point"] > 0.002:
            break
        assert time.monotonic() < deadline, f"the check map was not drawn: {shares}"
        page.wait_for_function("() => new Promise((done) => requestAnimationFrame(() => done(true)))")
    page.screenshot(path=str(SCREENSHOTS / "check-view.png"))
    assert page.locator("[data-testid='stDataFrame']").bounding_box()["width"] > 400
    assert foreign_requests(seen) == []


def colour_shares(png: bytes, colours: dict[str, list[int]]) -> dict[str, float]:
    """The share of a picture's pixels within a few steps of each colour."""
    from PIL import Image
    image = Image.open(io.BytesIO(png)).convert("RGB")
    counts = image.getcolors(maxcolors=image.width * image.height)
    total = image.width * image.height
    return {name: sum(n for n, pixel in counts if all(abs(p - c) < 8 for p, c in zip(pixel, rgb))) / total
            for name, rgb in colours.items()}
