"""The exported file in a real browser, from file:// with every other request aborted and logged."""

from __future__ import annotations

import json
import shutil

import pytest
from browser_support import ROOT, settle

from storymap.catalog import load_bundle
from storymap.export import export_html
from storymap.story import load_story

pytestmark = pytest.mark.browser
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """dist/kim-russia-2023.html and examples/host.html, laid out as in the repository."""
    folder = tmp_path_factory.mktemp("export")
    (folder / "dist").mkdir()
    (folder / "examples").mkdir()
    (folder / "dist" / "kim-russia-2023.html").write_text(
        export_html(load_bundle(load_story(ROOT / "stories" / "kim-russia-2023.yaml"))), encoding="utf-8")
    shutil.copy(ROOT / "examples" / "host.html", folder / "examples" / "host.html")
    return folder


def offline_page(browser, **context_options):
    """A page whose every request but file:// is aborted and logged in page.blocked."""
    context = browser.new_context(**({"viewport": {"width": 1400, "height": 900}} | context_options))
    blocked = []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                  else (blocked.append(route.request.url), route.abort()))
    page = context.new_page()
    page.blocked = blocked
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    return context, page


def ready(frame):
    frame.wait_for_function("() => document.getElementById('storymap').dataset.state === 'ready' "
                            "&& window.storymapState.frames > 0", timeout=30_000)
    settle(frame)


def test_plays_from_file_with_the_network_off_and_every_stop_reachable_by_keyboard(browser, exported):
    context, page = offline_page(browser)
    try:
        page.goto((exported / "dist" / "kim-russia-2023.html").as_uri())
        ready(page)
        ids = page.evaluate("() => window.storymapState.config.stops.map((s) => s.id)")
        for index, stop_id in enumerate(ids):
            page.keyboard.press("ArrowRight")
            page.wait_for_function(f"() => window.storymapState.index === {index}")
            if index == 1:  # a forward step animates: the clock advances while frames are drawn
                # The first animation frame can wait for shader compilation on a loaded machine: sample once
                # the leg has visibly begun.
                page.wait_for_function("() => { const s = window.storymapState; return s.animation !== null && s.time > s.config.stops[s.index - 1].seconds; }", timeout=15_000)
                before = page.evaluate("() => [window.storymapState.time, window.storymapState.frames]")
                page.wait_for_function(f"() => window.storymapState.time > {before[0]} && "
                                       f"window.storymapState.frames > {before[1]}", timeout=15_000)
                # The reader turns on reduced motion mid-story: from the next step on, each is a cut.
                page.emulate_media(reduced_motion="reduce")
            elif index > 1:
                assert page.evaluate("() => window.storymapState.animation") is None, f"stop {index} was not a cut"
            page.wait_for_function("() => !window.storymapState.animation", timeout=10_000)
            assert page.evaluate("() => location.hash") == f"#stop={stop_id}"
        assert page.blocked == [] and page.dialogs == []
    finally:
        context.close()


def test_a_hash_deep_link_opens_there(browser, exported):
    context, page = offline_page(browser)
    try:
        page.goto((exported / "dist" / "kim-russia-2023.html").as_uri() + "#stop=komsomolsk")
        ready(page)
        assert page.evaluate("() => window.storymapState.index") == 2
        assert page.locator(".chapter blockquote > p", has_text="fighter jet factory on September 15").is_visible()
    finally:
        context.close()


def test_responsive_down_to_320_pixels_and_reduced_motion(browser, exported):
    context, page = offline_page(browser, viewport={"width": 320, "height": 640}, reduced_motion="reduce")
    try:
        page.goto((exported / "dist" / "kim-russia-2023.html").as_uri() + "#stop=khasan")
        ready(page)
        assert page.evaluate("() => document.documentElement.scrollWidth <= 320")
        map_box, panel_box = page.locator(".map").bounding_box(), page.locator(".panel").bounding_box()
        assert map_box["y"] + map_box["height"] <= panel_box["y"] + 1
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => window.storymapState.index === 1")
        assert page.evaluate("() => window.storymapState.animation") is None
    finally:
        context.close()


def test_hostile_text_is_inert(browser, tmp_path):
    shutil.copytree(FIXTURES / "stories" / "lisbon-tram-28", tmp_path / "lisbon-tram-28")
    hostile = "</script><script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3))"
    text = (FIXTURES / "stories" / "lisbon-tram-28.yaml").read_text(encoding="utf-8")
    (tmp_path / "lisbon-tram-28.yaml").write_text(text.replace("summary: The tram sets off.", "summary: " + json.dumps(hostile)),
                                                  encoding="utf-8")
    html = export_html(load_bundle(load_story(tmp_path / "lisbon-tram-28.yaml"), FIXTURES / "geodata"), FIXTURES / "geodata")
    (tmp_path / "export.html").write_text(html, encoding="utf-8")
    context, page = offline_page(browser)
    try:
        page.goto((tmp_path / "export.html").as_uri() + "#stop=martim-moniz")
        ready(page)
        assert page.locator(".chapter .summary").inner_text() == hostile
        assert page.locator("img").count() == 0
        settle(page)
        assert page.dialogs == [] and page.blocked == []
    finally:
        context.close()


def test_the_postmessage_api_from_a_host_page(browser, exported):
    context, page = offline_page(browser)
    try:
        page.goto((exported / "examples" / "host.html").as_uri())
        frame = page.frame_locator("#storymap")
        page.wait_for_function("() => window.storymapEvents.some((e) => e.type === 'storymap:ready')", timeout=30_000)
        story = next(f for f in page.frames if f.url.endswith("kim-russia-2023.html"))
        page.get_by_role("button", name="The summit").click()
        story.wait_for_function("() => window.storymapState.index === 1")
        page.get_by_role("button", name="Next").click()
        story.wait_for_function("() => window.storymapState.index === 2")
        page.get_by_role("button", name="Play").click()
        story.wait_for_function("() => window.storymapState.playing === true")
        page.get_by_role("button", name="Pause").click()
        story.wait_for_function("() => window.storymapState.playing === false")
        page.get_by_role("button", name="Whole trip").click()
        story.wait_for_function("() => window.storymapState.index === -1")
        events = page.evaluate("() => window.storymapEvents")
        changes = [e["stop"] for e in events if e["type"] == "storymap:stopchange"]
        assert changes[-3:] == ["vostochny", "komsomolsk", None]
        assert events[0]["type"] == "storymap:ready" and len(events[0]["stops"]) == 7
        assert frame.locator(".chapter h2").inner_text() == "The whole trip"
        assert page.blocked == []
    finally:
        context.close()


def test_a_kiosk_opens_the_export_in_presentation_mode_playing_in_a_loop(browser, tmp_path):
    fixtures = ROOT / "tests" / "fixtures"
    path = tmp_path / "lisbon.html"
    path.write_text(export_html(load_bundle(load_story(fixtures / "stories" / "lisbon-tram-28.yaml"),
                                            fixtures / "geodata")), encoding="utf-8")
    context, page = offline_page(browser, viewport={"width": 1280, "height": 720})
    try:
        page.goto(path.as_uri() + "#mode=present&loop=1")
        ready(page)
        assert page.evaluate("() => document.getElementById('storymap').dataset.mode") == "present"
        assert page.evaluate("() => [window.storymapState.playing, window.storymapState.loop]") == [True, True]
        page.wait_for_function("() => window.storymapState.index >= 0", timeout=60_000)  # autoplay moved on
        assert page.evaluate("() => location.hash").endswith("&mode=present&loop=1")
        assert page.blocked == []
    finally:
        context.close()
