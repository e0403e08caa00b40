"""The player in a real browser: what it draws (by pixels), navigation, animation, deep links, modes, embeds."""

from __future__ import annotations

import base64
import io
import json
import shutil
import time

import numpy as np
import pytest
from browser_support import (
    PLAYER_IFRAME,
    Server,
    foreign_requests,
    player_frame,
    player_state,
    project,
    serve_html,
    settle,
)
from PIL import Image, ImageChops

pytestmark = pytest.mark.browser

LAND = (243, 239, 230)     # --land in player.css (light theme)
SEA = (198, 217, 234)      # --sea
ACCENT = (164, 38, 44)     # --accent / --route-done
TEXT = (31, 29, 26)         # --text: the stop labels
ROUTE_AHEAD_ON_LAND = (107, 101, 92)  # --route-ahead, opaque: 3:1 or more against land and sea


def map_image(frame) -> Image.Image:
    return Image.open(io.BytesIO(frame.locator(".map").screenshot())).convert("RGB")


def drawn_image(frame) -> Image.Image:
    """What deck.gl last drew, read from its canvas (its drawing buffer is preserved), not through the
    compositor: under SwiftShader on a loaded 2-core machine a screenshot was seen to repeat a stale
    compositor frame for over 20 s while deck.gl drew on."""
    data = frame.evaluate("() => window.storymapState.deck.getCanvas().toDataURL('image/png')")
    return Image.open(io.BytesIO(base64.b64decode(data.split(",", 1)[1]))).convert("RGB")


def matches(pixels: np.ndarray, rgb, tolerance: int) -> np.ndarray:
    return (np.abs(pixels.astype(int) - np.array(rgb)) <= tolerance).all(axis=-1)


def share(image: Image.Image, rgb: tuple[int, int, int], tolerance: int = 6) -> float:
    """Fraction of the image's pixels within `tolerance` of a colour."""
    return float(matches(np.asarray(image), rgb, tolerance).mean())


def near(image: Image.Image, xy, rgb, radius: int = 6, tolerance: int = 40) -> bool:
    """Is there a pixel of this colour within `radius` px of xy?"""
    x0, y0 = int(round(xy[0])), int(round(xy[1]))
    window = np.asarray(image)[max(0, y0 - radius):y0 + radius + 1, max(0, x0 - radius):x0 + radius + 1]
    return bool(window.size) and bool(matches(window, rgb, tolerance).any())


def config_of(frame) -> dict:
    return frame.evaluate("() => window.storymapState.config")


def test_overview_draws_land_sea_route_and_every_stop(server, page):
    page.goto(server.url + "/?story=kim-russia-2023")
    frame = player_frame(page)
    image = map_image(frame)
    assert share(image, LAND) > 0.25, "the basemap's land colour is missing"
    assert share(image, SEA) > 0.02, "no sea on the map"
    config = config_of(frame)
    for stop in config["stops"]:
        assert near(image, project(frame, stop["position"]), ACCENT), f"no marker at {stop['id']}"
    route = frame.evaluate("() => window.storymapState.route.features[0].geometry.coordinates")
    midway = route[len(route) // 2]
    # The leg is dashed (8 px gaps, legstyle.js): the nearest dash is at most 4 px along the line.
    assert near(image, project(frame, midway), ROUTE_AHEAD_ON_LAND, radius=5, tolerance=20), "no route mid-way on leg 1"
    assert frame.get_by_role("heading", name="The whole trip").is_visible()
    assert "Way traced through stations and towns on it" in frame.locator(".legend").inner_text()
    # Komsomolsk sits near the right edge at this size: its long label turns to the marker's left
    # instead of running off the map (it was cut to "Komsomolsk-on-Amur aircra").
    label = frame.locator(".map-label.stop", has_text="Komsomolsk-on-Amur aircraft plant").bounding_box()
    map_box = frame.locator(".map").bounding_box()
    assert label["x"] + label["width"] <= map_box["x"] + map_box["width"], label
    assert label["x"] + label["width"] < map_box["x"] + project(frame, config["stops"][2]["position"])[0], "not on the left"
    edge = np.asarray(image)[:, -3:]
    assert not matches(edge, TEXT, 40).any(), "a stop label runs off the map's right edge"
    # By the labels' own boxes: a place name cut by the edge has the stop labels' colour too.
    clipped = frame.evaluate("""() => { const map = document.querySelector('.map').getBoundingClientRect();
        return [...document.querySelectorAll('.map-label.stop')].filter((label) => {
          const r = label.getBoundingClientRect();
          return r.width && (r.left < map.left || r.right > map.right || r.top < map.top || r.bottom > map.bottom); })
          .map((label) => label.textContent); }""")
    assert clipped == [], f"stop labels run off the map: {clipped}"
    # While the reader looks, the trail's layer is built (empty), so the first flight compiles nothing.
    frame.wait_for_function("() => window.storymapState.deck.layerManager.getLayers()"
                            ".some((layer) => layer.id === 'trip' && layer.isLoaded)", timeout=15_000)
    assert foreign_requests(page.requests_seen) == []


def test_keyboard_steps_animate_and_the_url_follows(server, page):
    page.goto(server.url + "/?story=kim-russia-2023")
    frame = player_frame(page)
    page.keyboard.press("ArrowRight")           # overview -> first stop (a cut)
    frame.wait_for_function("() => window.storymapState.index === 0 && !window.storymapState.animation")
    assert page.url.endswith("stop=khasan")
    settle(frame)
    page.keyboard.press("ArrowRight")           # first -> second stop: the leg draws itself
    # The first animation frame can wait for shader compilation on a loaded machine: sample once the
    # leg has visibly begun.
    frame.wait_for_function("() => { const s = window.storymapState; return s.animation !== null && s.time > s.config.stops[s.index - 1].seconds; }", timeout=15_000)
    first = player_state(frame)
    shot_a = drawn_image(frame)
    # On a loaded 2-core machine a flight under SwiftShader can stall for a second between frames, so
    # wait (bounded) for the clock to advance and for more frames, instead of sampling after a fixed sleep.
    frame.wait_for_function(f"() => window.storymapState.time > {first['time']} && "
                            f"window.storymapState.frames >= {first['frames'] + 3}", timeout=15_000)
    # A later frame of the leg must differ (at the latest, the arrival view).
    deadline = time.monotonic() + 20
    while ImageChops.difference(shot_a, drawn_image(frame)).getbbox() is None:
        assert time.monotonic() < deadline, (f"frames during the leg are identical; deck.gl drew "
                                             f"{player_state(frame)['frames'] - first['frames']} frames since")
        time.sleep(0.3)
    frame.wait_for_function("() => window.storymapState.index === 1 && !window.storymapState.animation", timeout=10_000)
    assert page.url.endswith("stop=vostochny")
    assert frame.locator(".chapter blockquote > p", has_text="Russia has risen for a sacred fight").is_visible()
    page.keyboard.press("PageDown")
    frame.wait_for_function("() => window.storymapState.index === 2")
    page.keyboard.press("End")
    frame.wait_for_function("() => window.storymapState.index === 6 && !window.storymapState.animation")
    assert page.url.endswith("stop=farewell")
    page.keyboard.press("PageUp")               # back: a cut, no replay of the trip
    frame.wait_for_function("() => window.storymapState.index === 5")
    assert player_state(frame)["animating"] is False
    # Names hide while the camera moves to the stop (they could race ahead of a slow canvas) and
    # come back, the current stop's among them, once it is there.
    labels_moving = "() => document.querySelector('.map-labels').classList.contains('moving')"
    assert frame.evaluate(labels_moving)
    frame.wait_for_function(f"() => !({labels_moving})()", timeout=10_000)
    assert frame.locator(".map-label.stop.current", has_text="Russky Island").is_visible()
    page.keyboard.press("Home")
    frame.wait_for_function("() => window.storymapState.index === 0")
    page.keyboard.press(" ")
    assert player_state(frame)["playing"] is True
    page.keyboard.press(" ")
    assert player_state(frame)["playing"] is False


def test_clicking_a_marker_and_the_timeline_go_to_that_stop(server, page):
    page.goto(server.url + "/?story=kim-russia-2023")
    frame = player_frame(page)
    komsomolsk = config_of(frame)["stops"][2]
    # On a loaded machine the iframe can still be settling its size: project again before each try.
    for attempt in range(3):
        x, y = project(frame, komsomolsk["position"])
        box = frame.locator(".map").bounding_box()
        page.mouse.click(box["x"] + x, box["y"] + y)
        try:
            frame.wait_for_function("() => window.storymapState.index === 2", timeout=5_000)
            break
        except Exception:
            assert attempt < 2, "clicking the Komsomolsk marker never went to that stop"
    frame.locator(".timeline circle").nth(4).click()
    frame.wait_for_function("() => window.storymapState.index === 4")
    frame.locator(".itinerary button").nth(1).click()
    frame.wait_for_function("() => window.storymapState.index === 1")


def test_a_deep_link_opens_at_its_stop_with_its_quote(server, page):
    page.goto(server.url + "/?story=kim-russia-2023&stop=pacific-fleet")
    frame = player_frame(page)
    assert player_state(frame)["index"] == 4
    assert frame.locator(".chapter blockquote > p", has_text="Kim was photographed inspecting a warship.").is_visible()
    image = map_image(frame)
    centre = (image.width / 2, image.height / 2)
    assert near(image, centre, ACCENT, radius=12), "the current stop is not at the centre of the map"
    assert share(image, SEA) > 0.1 and share(image, LAND) > 0.1, "Golden Horn city view: land and water both expected"


def test_reduced_motion_cuts_instead_of_flying(server, open_page):
    page = open_page(reduced_motion="reduce")
    page.goto(server.url + "/?story=kim-russia-2023&stop=khasan")
    frame = player_frame(page)
    page.keyboard.press("ArrowRight")
    frame.wait_for_function("() => window.storymapState.index === 1")
    assert player_state(frame)["animating"] is False


def test_narrow_viewport_puts_the_map_above_the_text(server, open_page):
    page = open_page(viewport={"width": 380, "height": 800})
    page.goto(server.url + "/?story=kim-russia-2023&stop=russky-island")
    frame = player_frame(page)
    map_box = frame.locator(".map").bounding_box()
    panel_box = frame.locator(".panel").bounding_box()
    assert map_box["y"] + map_box["height"] <= panel_box["y"] + 1
    assert frame.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    image = map_image(frame)
    assert near(image, (image.width / 2, image.height / 2), ACCENT, radius=12)


def test_presentation_mode_overlays_the_quote_full_window(server, page):
    page.goto(server.url + "/?story=kim-russia-2023&stop=vostochny&mode=present")
    frame = player_frame(page)
    overlay = frame.locator(".overlay")
    assert overlay.is_visible() and "Russia has risen for a sacred fight" in overlay.inner_text()
    assert not frame.locator(".panel").is_visible()
    iframe_box = page.locator(PLAYER_IFRAME).bounding_box()
    assert iframe_box["width"] >= 1300 and iframe_box["height"] >= 800
    assert page.locator("[data-testid='stToolbar']").count() == 0 or not page.locator("[data-testid='stToolbar']").is_visible()
    size = float(frame.evaluate("() => getComputedStyle(document.querySelector('.overlay blockquote p')).fontSize")[:-2])
    assert size >= 24
    page.keyboard.press("ArrowRight")
    frame.wait_for_function("() => window.storymapState.index === 2")


def test_autoplay_plays_the_whole_trip_without_leaving_the_machine(server, page):
    page.goto(server.url + "/?story=kim-russia-2023&autoplay=1&dwell=1")
    frame = player_frame(page)
    # Autoplay flies the first leg; then the reader turns on reduced motion and the rest are cuts.
    frame.wait_for_function("() => window.storymapState.animation !== null", timeout=30_000)
    page.emulate_media(reduced_motion="reduce")
    frame.wait_for_function("() => window.storymapState.index === 6 && !window.storymapState.playing", timeout=90_000)
    assert page.url.endswith("stop=farewell")
    assert foreign_requests(page.requests_seen) == []


def test_inside_an_iframe_on_another_origin(server, page):
    host = serve_html(f'<!doctype html><title>Article</title><h1>An article</h1>'
                      f'<iframe src="{server.url}/?story=kim-russia-2023&stop=knevichi&embed=true" '
                      f'width="900" height="760" title="storymap"></iframe>')
    try:
        page.goto(f"http://127.0.0.1:{host.server_address[1]}/")
        frame = player_frame(page)
        assert player_state(frame)["index"] == 3
        assert frame.locator(".chapter blockquote > p", has_text="nuclear-capable strategic bombers").is_visible()
        frame.locator(".controls button.primary").click()
        frame.wait_for_function("() => window.storymapState.index === 4", timeout=10_000)
        assert foreign_requests(page.requests_seen) == []
    finally:
        host.shutdown()


def test_hostile_story_text_stays_inert(tmp_path, page):
    from browser_support import ROOT
    fixtures = ROOT / "tests" / "fixtures"
    shutil.copytree(fixtures / "stories" / "lisbon-tram-28", tmp_path / "lisbon-tram-28")
    hostile = "</script><script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3))"
    text = (fixtures / "stories" / "lisbon-tram-28.yaml").read_text(encoding="utf-8")
    (tmp_path / "lisbon-tram-28.yaml").write_text(
        text.replace("summary: The tram sets off.", "summary: " + json.dumps(hostile)), encoding="utf-8")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    server = Server(tmp_path, geodata_dir=fixtures / "geodata")
    try:
        page.goto(server.url + "/?story=lisbon-tram-28&stop=martim-moniz")
        frame = player_frame(page)
        assert frame.locator(".chapter .summary").inner_text() == hostile
        assert frame.locator(".chapter img").count() == 0 and frame.locator(".chapter script").count() == 0
        settle(frame)
        assert dialogs == []
    finally:
        server.stop()


def test_controls_work_from_the_keyboard_alone(server, page):
    page.goto(server.url + "/?story=kim-russia-2023")
    frame = player_frame(page)
    frame.locator(".controls button.primary").focus()
    page.keyboard.press("Enter")
    frame.wait_for_function("() => window.storymapState.index === 0")
    frame.locator(".timeline circle").nth(3).focus()
    page.keyboard.press("Enter")
    frame.wait_for_function("() => window.storymapState.index === 3")
    frame.locator(".itinerary button").nth(5).focus()
    page.keyboard.press("Space")                # Space on a button presses it, and does not toggle autoplay
    frame.wait_for_function("() => window.storymapState.index === 5")
    assert player_state(frame)["playing"] is False


def test_dark_theme_follows_the_readers_system(server, open_page):
    page = open_page(color_scheme="dark")
    page.goto(server.url + "/?story=kim-russia-2023")
    frame = player_frame(page)
    background = frame.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(21, 23, 26)"
    image = map_image(frame)
    assert share(image, (95, 100, 108)) > 0.25, "dark land colour expected"
