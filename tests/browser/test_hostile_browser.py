"""Hostile text in every field, in a real browser: nothing runs, nothing loads, everything reads as text;
and a broken story in one session does not stop the server serving another."""

from __future__ import annotations

import time

import pytest
from browser_support import ROOT, Server, foreign_requests, player_frame

from storymap.catalog import load_bundle
from storymap.export import export_html
from storymap.story import load_story

pytestmark = pytest.mark.browser


def import_hostile():
    import sys
    sys.path.insert(0, str(ROOT / "tests"))
    from test_hostile import PAYLOAD, hostile_story
    return PAYLOAD, hostile_story


def assert_inert(frame, dialogs, payload):
    assert frame.evaluate("() => document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert frame.locator(".panel h1").inner_text() == payload
    assert frame.locator(".chapter h2").inner_text() == payload
    assert payload in frame.locator(".chapter .summary").inner_text()
    assert frame.locator("a[href^='javascript']").count() == 0
    time.sleep(1)
    assert dialogs == []


def test_every_field_is_inert_in_the_export(browser, tmp_path):
    payload, hostile_story = import_hostile()
    path, geodata = hostile_story(tmp_path)
    (tmp_path / "export.html").write_text(export_html(load_bundle(load_story(path), geodata), geodata), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    blocked, dialogs = [], []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                  else (blocked.append(route.request.url), route.abort()))
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto((tmp_path / "export.html").as_uri() + "#stop=martim-moniz")
        page.wait_for_function("() => document.getElementById('storymap').dataset.state === 'ready'", timeout=30_000)
        assert_inert(page.main_frame, dialogs, payload)
        assert page.title() == payload
        assert blocked == []
    finally:
        context.close()


def test_every_field_is_inert_on_the_page_and_a_broken_story_stops_no_one(tmp_path, browser):
    payload, hostile_story = import_hostile()
    path, geodata = hostile_story(tmp_path)
    (tmp_path / "aaa-broken.yaml").write_text("a: &a [*a]\n", encoding="utf-8")
    server = Server(tmp_path, geodata_dir=geodata)
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        broken, good = context.new_page(), context.new_page()
        dialogs = []
        for tab in (broken, good):
            tab.requests_seen = []
            tab.on("request", lambda request, tab=tab: tab.requests_seen.append(request.url))
            tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        broken.goto(server.url + "/?story=aaa-broken")
        good.goto(server.url + "/?story=lisbon-tram-28&stop=martim-moniz")
        broken.get_by_text("This story cannot be shown", exact=False).wait_for(timeout=30_000)
        frame = player_frame(good)
        assert_inert(frame, dialogs, payload)
        assert foreign_requests(good.requests_seen) == [] and foreign_requests(broken.requests_seen) == []
        broken.reload()
        broken.get_by_text("This story cannot be shown", exact=False).wait_for(timeout=30_000)
        good.keyboard.press("ArrowRight")
        frame.wait_for_function("() => window.storymapState.index === 1")
    finally:
        context.close()
        server.stop()
