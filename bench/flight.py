"""Bench section `flight`: frames deck.gl draws per second during a leg's flight, ours against a baseline
revision, in the same run and the same browser.

Both sides are the first story's static export (one HTML file: player, deck.gl and geodata inline),
so the baseline is exactly what that revision would ship. The baseline is built from
`git archive <rev>` (BENCH_BASELINE_REV, default `HEAD`: compare the working tree with the last
commit). Pages alternate, ours and the baseline, FLIGHT_ROUNDS times; each flies FLIGHT_LEGS legs
from the first stop (ArrowRight, then wait until the flight is over) and counts frames
(`storymapState.frames`, one per deck.gl render) over the flight's time. Under software WebGL on a
shared machine absolute figures move with the load; the ratio, medians of alternating runs, moves less.

    python bench/run.py flight
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLIGHT_ROUNDS = 3
FLIGHT_LEGS = 4
VIEWPORT = {"width": 1400, "height": 900}
STORY = "kim-russia-2023"


def _export(source_root: Path, target: Path) -> None:
    """The story's export as `source_root`'s code and geodata make it."""
    script = ("import sys; from pathlib import Path; from storymap.catalog import load_bundle; "
              "from storymap.export import export_html; from storymap.story import load_story; "
              f"root = Path({str(source_root)!r}); "
              f"bundle = load_bundle(load_story(root / 'stories' / '{STORY}.yaml')); "
              f"Path({str(target)!r}).write_text(export_html(bundle, root / 'geodata'), encoding='utf-8')")
    env = dict(os.environ, PYTHONPATH=str(source_root), STORYMAP_STORIES_DIR=str(source_root / "stories"),
               STORYMAP_GEODATA_DIR=str(source_root / "geodata"))
    subprocess.run([sys.executable, "-c", script], cwd=source_root, env=env, check=True)


def baseline_tree(rev: str) -> Path:
    """The repository at `rev`, unpacked into a temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="bench-flight-base-"))
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


# Times deck.gl's drawing of each frame, up to the GPU having finished it (gl.finish): what the layers
# cost, apart from the browser's own frame scheduling, which bounds the frame rate under load.
TIME_RENDER = """() => {
  const s = window.storymapState, renderer = s.deck.deckRenderer, gl = s.deck.device.gl;
  const original = renderer.renderLayers.bind(renderer);
  s.renderMs = [];
  renderer.renderLayers = (...args) => {
    const started = performance.now();
    const result = original(...args);
    gl.finish();
    s.renderMs.push(performance.now() - started);
    return result;
  };
}"""


def flight_fps(browser, path: Path) -> tuple[list[float], list[float]]:
    """Frames per second of each of the first FLIGHT_LEGS flights in the export at `path`, and the
    milliseconds each of their frames took to draw."""
    page = browser.new_page(viewport=VIEWPORT)
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page.goto(path.as_uri())
    page.wait_for_function("() => document.querySelector('#storymap').dataset.state === 'ready'", timeout=60_000)
    # The export opens on the whole trip (index -1); the first key goes to the first stop.
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => window.storymapState.index === 0 && !window.storymapState.animation", timeout=30_000)
    page.evaluate(TIME_RENDER)
    fps, render_ms = [], []
    for index in range(1, 1 + FLIGHT_LEGS):
        frames_before = page.evaluate("() => window.storymapState.frames")
        started = time.perf_counter()
        page.evaluate("() => { window.storymapState.renderMs = []; }")
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => window.storymapState.index === {index} && !window.storymapState.animation",
                               timeout=30_000, polling="raf")
        elapsed = time.perf_counter() - started
        fps.append((page.evaluate("() => window.storymapState.frames") - frames_before) / elapsed)
        render_ms += page.evaluate("() => window.storymapState.renderMs")
    page.close()
    return fps, render_ms


def flight_benchmarks(browser) -> dict:
    rev = os.environ.get("BENCH_BASELINE_REV", "HEAD")
    commit = subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.strip()
    folder = Path(tempfile.mkdtemp(prefix="bench-flight-"))
    ours, base = folder / "ours.html", folder / "baseline.html"
    _export(ROOT, ours)
    _export(baseline_tree(rev), base)
    our_fps, base_fps, our_ms, base_ms = [], [], [], []
    for _ in range(FLIGHT_ROUNDS):
        fps, ms = flight_fps(browser, ours)
        our_fps, our_ms = our_fps + fps, our_ms + ms
        fps, ms = flight_fps(browser, base)
        base_fps, base_ms = base_fps + fps, base_ms + ms
    ours_median, base_median = statistics.median(our_fps), statistics.median(base_fps)
    ours_draw, base_draw = statistics.median(our_ms), statistics.median(base_ms)
    return {"fps": {"ours": ours_median, "baseline": base_median, "ratio": ours_median / base_median,
                    "target_ratio": 2.0},
            "draw_ms_per_frame": {"ours": ours_draw, "baseline": base_draw, "ratio": ours_draw / base_draw,
                                  "frames": [len(our_ms), len(base_ms)]},
            "baseline_rev": commit, "flights_per_side": len(our_fps),
            "note": "frames deck.gl drew per second of a leg's flight in the first story's export, alternating "
                    "pages of ours and the baseline revision's, headless Chromium with SwiftShader"}
