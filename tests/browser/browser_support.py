"""Support for the browser tests: a real `streamlit run` on 127.0.0.1 and Debian's chromium driven by Playwright.

Every request the page makes is logged so tests can prove nothing leaves the machine; a screenshot
of the page is saved under tests/browser/screenshots/ for every test (kept out of git) so a person
can look at what the test saw.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the shared helpers
from helpers import free_port, wait_for_health  # noqa: E402,F401 - free_port is re-exported to the browser tests

from storymap.media import CHROMIUM_ARGS, CHROMIUM_ENV, DEFAULT_CHROMIUM  # noqa: F401 - the tests' chromium too

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = os.environ.get(CHROMIUM_ENV, DEFAULT_CHROMIUM)
SERVER_START_SECONDS = 60
# axe-core, pinned in player-build/package-lock.json and installed by `npm ci` (make test does).
AXE = ROOT / "player-build" / "node_modules" / "axe-core" / "axe.min.js"


class Server:
    """A streamlit process serving app.py (or another script) on a free loopback port."""

    def __init__(self, stories_dir: Path | None = None, geodata_dir: Path | None = None, script: Path | None = None,
                 options: tuple[str, ...] = ()):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        if stories_dir is not None:
            env["STORYMAP_STORIES_DIR"] = str(stories_dir)
        if geodata_dir is not None:
            env["STORYMAP_GEODATA_DIR"] = str(geodata_dir)
        self.log = (SCREENSHOTS / f"server-{self.port}.log")
        SCREENSHOTS.mkdir(exist_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script or ROOT / "app.py"), "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
             *options],
            cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        try:
            wait_for_health(self.url, self.process, self.log, SERVER_START_SECONDS)
        except AssertionError:
            self.stop()
            raise

    def stop(self) -> None:
        stop_process(self.process)


def stop_process(process: subprocess.Popen, seconds: float = 10) -> None:
    """Terminate, and kill if it has not exited within `seconds`."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()



def foreign_requests(urls: list[str]) -> list[str]:
    """Requests to any host but the loopback app server (data: and blob: URLs stay in the page)."""
    return [u for u in urls if urlparse(u).scheme not in ("data", "blob")
            and urlparse(u).hostname not in ("127.0.0.1", "localhost")]


PLAYER_IFRAME = "iframe[title$='storymap_player']"


def _find_player(frame):
    """Depth-first through iframe elements: page.frames can miss a frame that is on screen."""
    for handle in frame.query_selector_all("iframe"):
        child = handle.content_frame()
        if child is None:
            continue
        if "storymap_player" in (child.url or ""):
            return child
        found = _find_player(child)
        if found is not None:
            return found
    return None


SETTLED = ("() => { const s = window.storymapState; return !s.animation && !s.cameraMove; }")


def settle(frame):
    """Wait until the camera is at rest and two more frames have been painted: an observable state,
    after which labels are placed and anything a payload could have triggered has had its chance."""
    frame.wait_for_function(SETTLED, timeout=20_000)
    frame.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => "
                   "setTimeout(done, 0))))")


def player_frame(page, timeout_s: float = 60):
    """The player's iframe (at any depth: the app may itself be in an iframe) once its story is drawn."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            frame = _find_player(page.main_frame)
            if frame is not None and frame.evaluate(
                    "() => (document.getElementById('storymap') || {dataset: {}}).dataset.state") == "ready":
                # deck.gl draws on demand: one frame means the map is on screen.
                frame.wait_for_function("() => window.storymapState.frames > 0", timeout=20_000)
                settle(frame)
                return frame
        except Exception:  # a frame navigated or detached while we looked: look again
            pass
        time.sleep(0.2)
    raise AssertionError("the player did not become ready")


def player_state(frame) -> dict:
    """Index, story time, animation flag, playing flag and frames drawn, read from the player."""
    return frame.evaluate("""() => { const s = window.storymapState;
        return {index: s.index, time: s.time, animating: !!s.animation, playing: s.playing, frames: s.frames}; }""")


def project(frame, lonlat) -> tuple[float, float]:
    """Pixel position of a [lon, lat] inside the map element, from deck.gl's own viewport."""
    return tuple(frame.evaluate("(p) => window.storymapState.deck.getViewports()[0].project(p)", lonlat))


def serve_html(html: str) -> ThreadingHTTPServer:
    """A page on another origin (same loopback address, another port); shutdown() when done."""
    body = html.encode()

    class Host(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    host = ThreadingHTTPServer(("127.0.0.1", 0), Host)
    threading.Thread(target=host.serve_forever, daemon=True).start()
    return host


def axe_violations(frame) -> list[tuple[str, list[str]]]:
    """axe-core's violations in this frame's document alone (each frame is checked on its own), as
    (rule id, the first targets) pairs. The script goes in inline: the export's CSP allows only that."""
    if not AXE.is_file():
        raise AssertionError(f"{AXE} is missing: run `cd player-build && npm ci` (make test does)")
    if not frame.evaluate("() => !!window.axe"):
        frame.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    return [tuple(v) for v in frame.evaluate(
        "async () => (await window.axe.run(document, {iframes: false})).violations"
        ".map((v) => [v.id, v.nodes.slice(0, 3).map((n) => n.target.join(' '))])")]
