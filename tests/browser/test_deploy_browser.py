"""The scale-out recipe in a real browser: the page through nginx, embedded where the framing rule allows."""

from __future__ import annotations

import io
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from browser_support import foreign_requests, player_frame, player_state
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from deploy_support import Deployment  # noqa: E402

pytestmark = pytest.mark.browser

LAND = (243, 239, 230)  # --land in player.css (light theme)


@pytest.fixture(scope="module")
def article_and_deployment():
    """A news article's server on 127.0.0.1 and two replicas that allow only that origin to frame them."""
    page_html = {}

    class Article(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page_html["html"])

        def log_message(self, *args):
            pass

    article = ThreadingHTTPServer(("127.0.0.1", 0), Article)
    threading.Thread(target=article.serve_forever, daemon=True).start()
    port = article.server_address[1]
    deployment = Deployment(replicas=2, frame_ancestors=f"http://127.0.0.1:{port}")
    page_html["html"] = (f'<!doctype html><title>Article</title><h1>An article</h1>'
                         f'<iframe src="{deployment.url}/?story=kim-russia-2023&stop=vostochny&embed=true" '
                         f'width="900" height="760" title="storymap"></iframe>').encode()
    yield port, deployment
    deployment.stop()
    article.shutdown()


def test_the_allowed_article_embeds_the_story_through_nginx(article_and_deployment, page):
    port, deployment = article_and_deployment
    page.goto(f"http://127.0.0.1:{port}/")
    frame = player_frame(page)
    assert player_state(frame)["index"] == 1
    assert frame.locator(".chapter h2").inner_text() == "Vostochny Cosmodrome"
    land = np.asarray(Image.open(io.BytesIO(frame.locator(".map").screenshot())).convert("RGB")).astype(int)
    assert (np.abs(land - LAND) <= 6).all(axis=-1).mean() > 0.1, "the map is not drawn through the proxy"
    frame.locator(".controls button.primary").click()
    frame.wait_for_function("() => window.storymapState.index === 2", timeout=10_000)
    assert foreign_requests(page.requests_seen) == []


def test_another_site_cannot_frame_the_story(article_and_deployment, page):
    port, deployment = article_and_deployment
    # Same server, other origin: http://localhost:port is not in frame-ancestors, so Chromium
    # replaces the frame's document with its error page instead of the app.
    page.goto(f"http://localhost:{port}/")
    page.get_by_role("heading", name="An article").wait_for()
    deadline = time.monotonic() + 30
    while True:
        embedded = [frame for frame in page.frames if frame is not page.main_frame]
        if embedded and all(frame.url.startswith("chrome-error://") for frame in embedded):
            break
        assert time.monotonic() < deadline, [frame.url for frame in embedded]
        time.sleep(0.2)
    assert all(frame.query_selector("#root") is None for frame in embedded)
