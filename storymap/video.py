"""Leaving the page: a video of the trip, and a GIF of its route, drawn frame by frame by its own player.

Pipeline: story → locate → route → deck → export → media → **video**. The export (the same player,
config and data as the page) is opened offline in headless Chromium in presentation mode with
`#clock=manual`: the player's clock (player-build/src/player/clock.js) then stands still until we
advance it. For each frame we advance it by 1000/fps ms, the player draws once and says whether
anything on screen changed, and the screenshot (or, while the map rests, the last one again) goes to
ffmpeg's stdin. Every frame is complete however slow the machine is, and two renders of a story give
the same frames: the player reads no other time and no randomness, shaders link synchronously, the
scale factor is fixed and the fonts are the machine's own.

Needs Playwright, a Chromium (see storymap/media.py) and ffmpeg (Debian's, with libx264).
"""

from __future__ import annotations

import base64
import contextlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from storymap.catalog import StoryBundle
from storymap.media import MAP_ONLY_CSS, READY_SECONDS, MediaError, _export_file, chromium

VIDEO_SIZE = (1920, 1080)
VERTICAL_SIZE = (1080, 1920)
# yuv420p: the one pixel format every player (phones, browsers, QuickTime) decodes.
H264 = ["-c:v", "libx264", "-preset", "medium", "-crf", "20", "-pix_fmt", "yuv420p", "-movflags", "+faststart",
        "-flags:v", "+bitexact"]
JPEG_QUALITY = 92  # a quarter quicker to capture than PNG at 1080p; H.264 loses more than this anyway
DEFAULT_FPS = 30
MAX_FPS = 60
GIF_WIDTH = 600
GIF_HEIGHT = 338          # 16:9, even
GIF_FPS = 10
GIF_DRAW_SECONDS = 6      # the route draws itself, leg by leg...
GIF_HOLD_SECONDS = 2      # ...then the whole route rests before the loop starts again
GIF_COLOURS = 64
FFMPEG_ENV = "STORYMAP_FFMPEG"
FFMPEG_INSTALL = "install Debian's ffmpeg (apt-get install ffmpeg) or set STORYMAP_FFMPEG=<path to ffmpeg>"
# A video cannot be pressed: the whole-trip button, play state, the dwell's bar and the hints go. The
# captions are presentation mode's (sized for 1080p); the names on the map grow to be read on a phone.
# (Drawing at a device scale of 1.5 would do that for everything, but DevTools' capture is then 3-10
# times slower per frame.)
VIDEO_CSS = """
.storymap .whole-trip, .storymap .map-hint, .storymap .presenter .play-state, .storymap .presenter .progress,
.storymap .legend details { display: none !important; }
.storymap .map-label.place { font-size: 17px; }
.storymap .map-label.stop { font-size: 19px; }
.storymap .map-label.stop.current { font-size: 22px; }
.storymap .legend { font-size: 16px; }
"""
# Upright, the caption card takes the screen's whole width and larger type: a phone shows 1080 px small.
VERTICAL_CSS = VIDEO_CSS + """
.storymap[data-mode="present"] .overlay { font-size: 34px !important; max-width: none !important; }
"""
GIF_CSS = MAP_ONLY_CSS + """
.storymap .whole-trip, .storymap .map-hint, .storymap .presenter, .storymap .legend { display: none !important; }
"""
# Shader programs link synchronously when the browser does not offer parallel compilation: a frame is
# then never drawn with a layer left out while its program links (luma.gl skips such a draw).
SYNC_SHADERS = """(() => {
  for (const Context of [window.WebGLRenderingContext, window.WebGL2RenderingContext]) {
    if (!Context) continue;
    const getExtension = Context.prototype.getExtension, supported = Context.prototype.getSupportedExtensions;
    Context.prototype.getExtension = function (name) {
      return name === 'KHR_parallel_shader_compile' ? null : getExtension.call(this, name);
    };
    Context.prototype.getSupportedExtensions = function () {
      return (supported.call(this) || []).filter((name) => name !== 'KHR_parallel_shader_compile');
    };
  }
})();"""


def ffmpeg() -> str:
    """The ffmpeg to encode with, or MediaError saying how to install it."""
    found = os.environ.get(FFMPEG_ENV) or shutil.which("ffmpeg")
    if not found or not Path(found).exists():
        raise MediaError(f"making a video needs ffmpeg; {FFMPEG_INSTALL}")
    return found


def frame_count(total_ms: float, fps: int, max_seconds: float | None = None) -> int:
    """How many frames a plan of `total_ms` takes at `fps`, at most `max_seconds` of them."""
    count = math.ceil(total_ms * fps / 1000 - 1e-9)
    if max_seconds is not None:
        count = min(count, math.ceil(max_seconds * fps - 1e-9))
    return max(1, count)


class Progress:
    """Frames done / total and the time left, on stderr: one redrawn line on a terminal, else a line per tenth."""

    def __init__(self, total: int, what: str, stream=None) -> None:
        self.total, self.what, self.stream = total, what, stream or sys.stderr
        self.started = time.monotonic()
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.shown = -1

    def update(self, done: int) -> None:
        """Show `done` of the total frames."""
        tenth = done * 10 // self.total
        if not self.tty and tenth == self.shown and done != self.total:
            return
        self.shown = tenth
        elapsed = time.monotonic() - self.started
        left = elapsed / done * (self.total - done) if done else 0.0
        width = 30
        bar = "#" * (width * done // self.total) + "-" * (width - width * done // self.total)
        line = f"{self.what} [{bar}] {done}/{self.total} frames, {int(left) // 60}:{int(left) % 60:02d} left"
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        if self.tty and done == self.total:
            self.stream.write("\n")
        self.stream.flush()


@contextlib.contextmanager
def _recording_page(browser, path: Path, size: tuple[int, int], css: str) -> Iterator[object]:
    """The export on its manual clock, in presentation mode, offline, once its first stop is drawn."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, device_scale_factor=1,
                                  reduced_motion="no-preference", color_scheme="light")
    try:
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                      else route.abort())
        context.add_init_script(SYNC_SHADERS)
        context.add_init_script("document.addEventListener('DOMContentLoaded', () => { const s = "
                                "document.createElement('style'); s.textContent = " + json.dumps(css) +
                                "; document.head.appendChild(s); });")
        page = context.new_page()
        page.goto(path.as_uri() + "#mode=present&clock=manual")
        page.wait_for_function("() => ['ready', 'failed'].includes(document.getElementById('storymap').dataset.state)",
                               timeout=READY_SECONDS * 1000)
        if page.evaluate("() => document.getElementById('storymap').dataset.state") != "ready":
            reason = page.evaluate("() => document.getElementById('storymap').innerText.slice(0, 300)")
            raise MediaError(f"the player could not draw the story: {' '.join(reason.split())}")
        page.wait_for_function("() => window.storymapState.frames > 0 && window.storymapClock",
                               timeout=READY_SECONDS * 1000)
        yield page
    finally:
        context.close()


def _screenshots(page, count: int, step: Callable[[int], dict], first: dict, progress: Progress,
                 capture: dict) -> Iterator[bytes]:
    """`count` frames: `step(i)` moves the player to frame i (i >= 1); unchanged frames repeat the last shot."""
    # DevTools' own capture: two to three times quicker than Playwright's screenshot, which also waits
    # on two animation frames and the fonts each time.
    cdp = page.context.new_cdp_session(page)
    shot = None
    for index in range(count):
        result = first if index == 0 else step(index)
        if shot is None or result["changed"]:
            shot = base64.b64decode(cdp.send("Page.captureScreenshot", capture)["data"])
        yield shot
        progress.update(index + 1)


def _encode(frames: Iterator[bytes], target: Path, fps: int, codec: str, output_args: list[str]) -> None:
    """Pipe PNG or JPEG (`codec`) frames through ffmpeg into `target`, written whole or not at all."""
    command = [ffmpeg(), "-hide_banner", "-loglevel", "error", "-y", "-f", "image2pipe", "-framerate", str(fps),
               "-c:v", codec, "-i", "pipe:0", *output_args, "-fflags", "+bitexact", "-map_metadata", "-1"]
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".storymap-video-", dir=target.parent) as folder:
        partial = Path(folder) / ("partial" + target.suffix)
        errors = Path(folder) / "ffmpeg.log"
        with errors.open("wb") as log:
            process = subprocess.Popen([*command, str(partial)], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                       stderr=log)
            try:
                for frame in frames:
                    process.stdin.write(frame)
            except BrokenPipeError:
                pass
            finally:
                with contextlib.suppress(BrokenPipeError):
                    process.stdin.close()
                code = process.wait()
        if code != 0:
            said = errors.read_text(encoding="utf-8", errors="replace").strip().splitlines()
            raise MediaError(f"ffmpeg failed ({said[-1] if said else f'exit code {code}'}); {FFMPEG_INSTALL}")
        os.replace(partial, target)


def render_video(bundle: StoryBundle, target: Path, *, vertical: bool = False, fps: int = DEFAULT_FPS,
                 seconds_per_stop: float | None = None, max_seconds: float | None = None, browser=None,
                 stream=None) -> dict:
    """The trip as an H.264 MP4 (yuv420p) at 1920 x 1080, or 1080 x 1920: what presentation mode plays."""
    ffmpeg()  # before starting a browser: a missing ffmpeg is the first thing to say
    size = VERTICAL_SIZE if vertical else VIDEO_SIZE
    with contextlib.ExitStack() as stack:
        browser = browser or stack.enter_context(chromium())
        path = stack.enter_context(_export_file(bundle))
        page = stack.enter_context(_recording_page(browser, path, size, VERTICAL_CSS if vertical else VIDEO_CSS))
        plan = page.evaluate("(o) => window.storymapClock.start(o)", {"dwell_seconds": seconds_per_stop})
        count = frame_count(plan["total_ms"], fps, max_seconds)
        step_ms = 1000 / fps
        progress = Progress(count, f"{bundle.story.id}.mp4", stream)
        last = plan["first"]

        def step(_: int) -> dict:
            nonlocal last
            last = page.evaluate("(ms) => window.storymapClock.advance(ms)", step_ms)
            return last
        frames = _screenshots(page, count, step, plan["first"], progress, {"format": "jpeg", "quality": JPEG_QUALITY})
        _encode(frames, target, fps, "mjpeg", H264)
    return {"frames": count, "fps": fps, "width": size[0], "height": size[1], "seconds": count / fps,
            "planned_seconds": plan["total_ms"] / 1000, "ended": last["end"]}


def render_gif(bundle: StoryBundle, target: Path, *, fps: int | None = None, max_seconds: float | None = None,
               browser=None, stream=None) -> dict:
    """A small looping GIF: the whole trip, its route drawing itself leg by leg, then resting."""
    ffmpeg()
    fps = fps or GIF_FPS
    seconds = min(GIF_DRAW_SECONDS + GIF_HOLD_SECONDS, max_seconds or math.inf)
    count = max(2, round(seconds * fps))
    draw = max(2, round(count * GIF_DRAW_SECONDS / (GIF_DRAW_SECONDS + GIF_HOLD_SECONDS)))
    count = max(count, draw)
    with contextlib.ExitStack() as stack:
        browser = browser or stack.enter_context(chromium())
        path = stack.enter_context(_export_file(bundle))
        page = stack.enter_context(_recording_page(browser, path, (GIF_WIDTH, GIF_HEIGHT), GIF_CSS))
        first = page.evaluate("() => window.storymapClock.start({play: false}) && window.storymapClock.route(0, 0)")
        progress = Progress(count, f"{bundle.story.id}.gif", stream)
        step = lambda i: page.evaluate("([p, ms]) => window.storymapClock.route(p, ms)",  # noqa: E731
                                       [min(1.0, i / (draw - 1)), 1000 / fps])
        frames = _screenshots(page, count, step, first, progress, {"format": "png", "optimizeForSpeed": True})
        _encode(frames, target, fps, "png", [
            "-vf", f"split[a][b];[a]palettegen=max_colors={GIF_COLOURS}:stats_mode=full[p];"
                   "[b][p]paletteuse=dither=none",
            "-loop", "0"])
    return {"frames": count, "fps": fps, "width": GIF_WIDTH, "height": GIF_HEIGHT}


def video_frame(bundle: StoryBundle, stop: int, fraction: float = 0.5, *, vertical: bool = False,
                fps: int = DEFAULT_FPS, browser=None) -> bytes:
    """The video's frame `fraction` into the dwell at stop `stop`, as PNG (the frames before it are played,
    not captured)."""
    size = VERTICAL_SIZE if vertical else VIDEO_SIZE
    with contextlib.ExitStack() as stack:
        browser = browser or stack.enter_context(chromium())
        path = stack.enter_context(_export_file(bundle))
        page = stack.enter_context(_recording_page(browser, path, size, VERTICAL_CSS if vertical else VIDEO_CSS))
        plan = page.evaluate("(o) => window.storymapClock.start(o)", {})
        segments = plan["segments"]
        at = next(i for i, s in enumerate(segments) if s["kind"] == "stop" and s["index"] == stop)
        ms = sum(s["ms"] for s in segments[:at]) + fraction * segments[at]["ms"]
        page.evaluate("([n, ms]) => { for (let i = 0; i < n; i += 1) window.storymapClock.advance(ms); }",
                      [round(ms * fps / 1000), 1000 / fps])
        shot = page.context.new_cdp_session(page).send("Page.captureScreenshot", {"format": "png"})
        return base64.b64decode(shot["data"])
