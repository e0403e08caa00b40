"""The page in a real browser: it renders the story, shows problems instead of tracebacks, stays local."""

from __future__ import annotations

import shutil

import pytest
from browser_support import Server, foreign_requests

pytestmark = pytest.mark.browser

FIXTURES = __import__("pathlib").Path(__file__).resolve().parents[1] / "fixtures" / "stories"


def test_built_in_story_renders_with_quotes_and_no_outside_requests(server, page):
    page.goto(server.url + "/?story=kim-russia-2023")
    page.get_by_role("heading", name="Kim Jong Un's armoured train through Russia's Far East").wait_for(timeout=30_000)
    page.get_by_text("brass band received him", exact=False).first.wait_for()
    assert page.get_by_text("BBN (rewrite of an AP report), Ethan Kim, 2023-09-12", exact=False).count() >= 1
    assert page.locator("[data-testid='stException']").count() == 0
    assert "story=kim-russia-2023" in page.url
    page.wait_for_timeout(1000)
    assert foreign_requests(page.requests_seen) == []


def test_broken_story_shows_located_problems(tmp_path, page):
    shutil.copy(FIXTURES / "lisbon-tram-28.yaml", tmp_path)
    shutil.copytree(FIXTURES / "lisbon-tram-28", tmp_path / "lisbon-tram-28")
    (tmp_path / "aaa-broken.yaml").write_text("id: aaa-broken\ntitle: [unclosed\n", encoding="utf-8")
    server = Server(tmp_path)
    try:
        page.goto(server.url)
        page.get_by_text("This story cannot be shown", exact=False).wait_for(timeout=30_000)
        shown = page.locator("[data-testid='stCode']").inner_text()
        assert "aaa-broken.yaml:3:1: (story): YAML syntax: expected ',' or ']'" in shown
        assert page.locator("[data-testid='stException']").count() == 0
    finally:
        server.stop()
