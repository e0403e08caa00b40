"""The page in a real browser: it renders the story, shows problems instead of tracebacks, stays local."""

from __future__ import annotations

import shutil

import pytest
from browser_support import Server

pytestmark = pytest.mark.browser

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "stories"


def test_broken_story_shows_located_problems(tmp_path, page):
    shutil.copy(FIXTURES / "lisbon-tram-28.yaml", tmp_path)
    shutil.copytree(FIXTURES / "lisbon-tram-28", tmp_path / "lisbon-tram-28")
    (tmp_path / "aaa-broken.yaml").write_text("id: aaa-broken\ntitle: [unclosed\n", encoding="utf-8")
    server = Server(tmp_path)
    try:
        page.goto(server.url)
        page.get_by_text("This story cannot be shown", exact=False).wait_for(timeout=30_000)
        shown = page.locator("[data-testid='stCode']").inner_text()
        assert "aaa-broken.yaml:3:1: (story): YAML syntax: did not find expected ',' or ']'" in shown
        assert page.locator("[data-testid='stException']").count() == 0
    finally:
        server.stop()


def test_geodata_is_served_once_as_static_files(server):
    import gzip
    import urllib.request

    url = server.url + "/app/static/kim-russia-2023.basemap.geojson"
    with urllib.request.urlopen(url, timeout=10) as reply:
        assert reply.headers["Content-Type"] == "application/geo+json"
        assert reply.read() == (ROOT / "geodata" / "kim-russia-2023.basemap.geojson").read_bytes()
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        assert reply.headers["Content-Encoding"] == "gzip"
        compressed = reply.read()
    assert len(compressed) < 100_000 and gzip.decompress(compressed)[:1] == b"{"
    for hostile in ("..%2Fapp.py", "%2e%2e/app.py", "../.streamlit/config.toml"):
        try:
            urllib.request.urlopen(server.url + "/app/static/" + hostile, timeout=10)
            raise AssertionError(f"{hostile} was served")
        except urllib.error.HTTPError as error:
            assert error.code in (400, 404)
