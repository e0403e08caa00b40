"""storymap benchmarks: `make bench` prints a table and writes bench/results.json.

Every figure is measured beside a baseline in the same run and reported as a ratio, never asserted:
the numbers describe this machine at this moment. Sections:

1. first render   headless Chromium, `streamlit run` to map drawn and chapter text visible, against
                  bench/baseline_app.py (one st.pydeck_chart, one small layer, one st.markdown);
2. steps          key press to new chapter text, and to the camera at rest, against the baseline's
                  button-to-rerun latency; bytes over the websocket per step; script time per rerun;
3. scale          generated stories of 10 to 5,000 stops: load+validate, route build, player config
                  bytes, script time per rerun (Streamlit's page profile), peak memory; growth per stop,
                  against the 10-stop story;
4. geocoding      against the local test server: a warm run's requests, and a cold run's time against
                  the 1 s per request usage-policy floor;
5. export         file size and time to first render, against pydeck's to_html(offline=True) of a
                  deck with the same layers;
6. viewers        50 headless viewers (tests/streamlit_client.py: Streamlit's websocket protocol) open
                  the story at once and step through every stop by asking for a rerun per step, the
                  upper bound of a step's server work (the real page's steps send nothing): p95 step
                  latency against one viewer alone and against the baseline app under the same 50,
                  and server memory per session;
7. scale-out      the same 50 viewers, from 50 loopback addresses, through deploy/serve.py (nginx in
                  front) with 1 and then 2 replicas: runs served per second and p95 step latency;
8. quote hints    checking an 80-word quote that is not in a source at the size limit (the check
                  and its "closest passage" hint) against checking one that is found.
9. flight         (bench/flight.py) frames drawn per second during a leg's flight, the working tree's
                  export against a baseline revision's (BENCH_BASELINE_REV), alternating pages.

`python bench/run.py quotes` (or any section names: page, reruns, geocoding, viewers, scale_out,
scale, quotes, flight) runs only those and merges them into bench/results.json.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import math
import os
import platform
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "browser"), str(ROOT / "bench")]

from browser_support import CHROMIUM, CHROMIUM_ARGS, Server, player_frame  # noqa: E402
from deploy_support import Deployment  # noqa: E402
from fake_provider import FakeProvider, nominatim_place  # noqa: E402
from flight import flight_benchmarks  # noqa: E402
from streamlit_client import Viewer, cpu_seconds, resident_kib, run_async  # noqa: E402

RESULTS = ROOT / "bench" / "results.json"
RENDER_REPEATS = 3
STEP_REPEATS = 4
RERUN_REPEATS = 60
SCALE_STOPS = (10, 100, 1000, 5000)
GEOCODE_PLACES = 5
VIEWERS = 50
# In every frame of the page: when the first WebGL draw call lands on a drawing buffer of at least
# 200 x 200 (the map at its real size, not a browser's default 300 x 150 canvas), and the next
# animation frame after it, when that drawing reaches the screen. The same rule for every side,
# so "map drawn" means the same thing for ours, the baseline and pydeck's file.
MAP_DRAWN = """
(() => {
  const mark = (name, at) => { try { if (!window.top[name]) window.top[name] = at; } catch (e) {} };
  for (const proto of [WebGLRenderingContext.prototype, WebGL2RenderingContext.prototype]) {
    for (const name of ['drawArrays', 'drawElements', 'drawArraysInstanced', 'drawElementsInstanced']) {
      const original = proto[name];
      proto[name] = function (...args) {
        if (this.drawingBufferWidth >= 200 && this.drawingBufferHeight >= 200 && !window.__drawSeen) {
          window.__drawSeen = true;
          requestAnimationFrame(() => mark('__mapDrawnAt', performance.timeOrigin + performance.now()));
        }
        return original.apply(this, args);
      };
    }
  }
})();
"""
# When the baseline's chapter text first appears.
BASELINE_TEXT = """
new MutationObserver(() => {
  if (!window.__textAt && document.body && document.body.innerText.includes('Baseline chapter 1')) {
    window.__textAt = performance.timeOrigin + performance.now();
  }
}).observe(document, {childList: true, subtree: true, characterData: true});
"""


def median(values):
    return statistics.median(values) if values else None


def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)] if ordered else None


def browser_session():
    from playwright.sync_api import sync_playwright
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    return playwright, browser


# --- 1 and 2: the page against the baseline --------------------------------------------------------


def page_benchmarks(browser) -> dict:
    ours, baseline = Server(), Server(script=ROOT / "bench" / "baseline_app.py")
    try:
        # Both sides are timed in the page, from the top document's navigation start, by MAP_DRAWN
        # and by when the chapter text is there (the player marks its own; the baseline's is caught
        # by a MutationObserver). Playwright's own waiting would add its polling to one side only.
        our_render, base_render = [], []
        for _ in range(RENDER_REPEATS):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.add_init_script(MAP_DRAWN)
            page.goto(ours.url + "/?story=kim-russia-2023")
            frame = player_frame(page, timeout_s=60)
            page.wait_for_function("() => window.__mapDrawnAt", timeout=60_000)
            text_at = frame.evaluate("() => performance.timeOrigin + window.storymapState.timings.ready")
            our_render.append(max(page.evaluate("() => window.__mapDrawnAt"), text_at)
                              - page.evaluate("() => performance.timeOrigin"))
            page.close()
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.add_init_script(MAP_DRAWN)
            page.add_init_script(BASELINE_TEXT)
            page.goto(baseline.url)
            page.wait_for_function("() => window.__mapDrawnAt && window.__textAt", timeout=60_000)
            base_render.append(page.evaluate("() => Math.max(window.__mapDrawnAt, window.__textAt) "
                                             "- performance.timeOrigin"))
            page.close()

        # Steps: ours, key press -> new chapter heading; -> camera at rest (the end of the leg animation).
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        sent = []
        page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: sent.append(len(payload))))
        page.goto(ours.url + "/?story=kim-russia-2023&stop=khasan")
        frame = player_frame(page)
        before_bytes = sum(sent)
        text_ms, settled_ms, flight_fps = [], [], []
        for index in range(1, 1 + STEP_REPEATS):
            frames_before = frame.evaluate("() => window.storymapState.frames")
            started = time.perf_counter()
            page.keyboard.press("ArrowRight")
            frame.wait_for_function(f"() => window.storymapState.index === {index} && "
                                    f"document.querySelector('.chapter h2').textContent === "
                                    f"window.storymapState.config.stops[{index}].name", polling="raf")
            text_ms.append((time.perf_counter() - started) * 1000)
            frame.wait_for_function("() => !window.storymapState.animation", timeout=20_000, polling="raf")
            settled_ms.append((time.perf_counter() - started) * 1000)
            flight_fps.append((frame.evaluate("() => window.storymapState.frames") - frames_before)
                              / (settled_ms[-1] / 1000))
        our_bytes_per_step = (sum(sent) - before_bytes) / STEP_REPEATS
        page.close()

        page = browser.new_page(viewport={"width": 1400, "height": 900})
        sent = []
        page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: sent.append(len(payload))))
        page.goto(baseline.url)
        page.get_by_text("Baseline chapter 1").wait_for(timeout=60_000)
        time.sleep(1)
        before_bytes = sum(sent)
        base_step_ms = []
        for chapter in range(2, 2 + STEP_REPEATS):
            started = time.perf_counter()
            page.get_by_role("button", name="Next chapter").click()
            page.get_by_text(f"Baseline chapter {chapter}").wait_for(timeout=30_000)
            base_step_ms.append((time.perf_counter() - started) * 1000)
        base_bytes_per_step = (sum(sent) - before_bytes) / STEP_REPEATS
        page.close()
    finally:
        ours.stop()
        baseline.stop()
    return {
        "first_render_ms": {"ours": median(our_render), "baseline": median(base_render),
                            "ratio": median(our_render) / median(base_render), "target_ratio": 1.3},
        "step_text_ms": {"ours": median(text_ms), "baseline": median(base_step_ms),
                         "ratio": median(text_ms) / median(base_step_ms)},
        "step_camera_settled_ms": {"ours": median(settled_ms), "note": "includes the 4 s leg animation by design"},
        "flight_fps": {"ours": median(flight_fps),
                       "note": "diagnostic, no baseline: frames deck.gl drew per second of a step's flight; "
                               "a trivial rAF loop in headless Chromium ran at under 1 fps here, so it is no ceiling"},
        "bytes_per_step": {"ours": our_bytes_per_step, "baseline": base_bytes_per_step, "target": 50_000},
    }


def script_times(stories_dir: Path | None, geodata_dir: Path | None, queries: list[str], repeats: int,
                 script: Path = ROOT / "app.py") -> list[float]:
    """Streamlit's own timing of each script run (its page profile), in a real server, one viewer
    rerunning `repeats` times through `queries`; the first run (which loads the catalog) is left out."""
    server = Server(stories_dir, geodata_dir, script=script, options=("--browser.gatherUsageStats", "true"))

    async def walk():
        async with Viewer(server.url) as viewer:
            await viewer.run(queries[0])
            return [await viewer.run(queries[i % len(queries)]) for i in range(repeats)]
    try:
        runs = run_async(walk())
    finally:
        server.stop()
    if any(run.script_ms is None or run.status != "FINISHED_SUCCESSFULLY" for run in runs):
        raise RuntimeError(f"no page profile or a failed run: {runs[0]}")
    return [run.script_ms for run in runs]


# --- 3: scale ----------------------------------------------------------------------------------------


def generated_story(stops: int, folder: Path) -> Path:
    """A story of `stops` pinned stops, about 200 km apart, with one quoted source."""
    (folder / f"gen-{stops}" / "sources").mkdir(parents=True, exist_ok=True)
    (folder / f"gen-{stops}" / "sources" / "s.txt").write_text("Generated text for the benchmark. The train went on.\n",
                                                              encoding="utf-8")
    lines = [f"id: gen-{stops}", f"title: Generated trip of {stops} stops", "time_zone: UTC",
             f"sources:\n  - {{id: s, outlet: Bench, headline: Generated, text: gen-{stops}/sources/s.txt,"
             " body: {from: Generated text, to: went on.}}", "stops:"]
    start = dt.date(2024, 1, 1)
    for i in range(stops):
        angle = i * 0.037
        lat = round(20 + 35 * (0.5 + 0.5 * math.sin(angle * 3.1)), 4)
        lon = round(((i * 1.9) % 360) - 180, 4)
        day = start + dt.timedelta(days=i // 4)
        quote = "    quotes: [{text: The train went on., source: s}]\n" if i % 10 == 0 else "    no_quote: generated\n"
        lines.append(f"  - id: s{i}\n    name: Stop {i}\n    date: {day.isoformat()}\n"
                     f"    place: {{query: Stop {i}, pin: {{lat: {lat}, lon: {lon}, reason: generated}}}}\n"
                     f"    summary: Stop {i} of the generated trip.\n{quote}".rstrip("\n"))
    path = folder / f"gen-{stops}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def scale_benchmarks() -> dict:
    from storymap.catalog import basemap_path
    from storymap.deck import player_config
    from storymap.files import compact_json, write_atomic
    from storymap.locate import locate_places
    from storymap.route import build_route, write_route
    from storymap.story import load_story
    rows = {}
    for stops in SCALE_STOPS:
        folder = Path(tempfile.mkdtemp(prefix=f"bench-scale-{stops}-"))
        stories, geodata = folder / "stories", folder / "geodata"
        stories.mkdir()
        path = generated_story(stops, stories)
        tracemalloc.start()
        started = time.perf_counter()
        story = load_story(path)
        located, _ = locate_places(story, geodata)
        load_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        route = build_route(story, located)
        route_ms = (time.perf_counter() - started) * 1000
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        write_route(story, located, geodata)
        write_atomic(basemap_path(story.id, geodata), compact_json({"type": "FeatureCollection", "features": [],
                                                                     "storymap": {"attribution": "none"}}))
        from storymap.catalog import load_bundle
        config = player_config(load_bundle(story, geodata), data={"route": "x", "basemap": "y"},
                               start={"stop": None, "mode": "page", "autoplay": False, "dwell_override": None,
                                      "loop": False})
        reruns = script_times(stories, geodata, [f"story={story.id}"], RERUN_REPEATS)
        rows[stops] = {"file_bytes": path.stat().st_size, "load_validate_ms": load_ms, "route_build_ms": route_ms,
                       "route_vertices": sum(len(f["geometry"]["coordinates"]) for f in route["features"]),
                       "player_config_bytes": len(json.dumps(config, ensure_ascii=False).encode()),
                       "rerun_p50_ms": median(reruns), "rerun_p95_ms": p95(reruns),
                       "peak_python_memory_mb": peak / 1e6}
    small = rows[SCALE_STOPS[0]]
    for stops, row in rows.items():
        row["load_per_stop_vs_10"] = (row["load_validate_ms"] / stops) / (small["load_validate_ms"] / SCALE_STOPS[0])
        row["route_per_vertex_vs_10"] = (row["route_build_ms"] / row["route_vertices"]) / (
            small["route_build_ms"] / small["route_vertices"])
    return rows


# --- 4: geocoding --------------------------------------------------------------------------------------


def geocode_benchmarks() -> dict:
    from storymap.locate import geocode_story, make_geocode
    from storymap.story import parse_story
    provider = FakeProvider()
    try:
        stops = ""
        for i in range(GEOCODE_PLACES):
            provider.nominatim(f"Place {i}", [nominatim_place(f"Place {i}, Russia", 43 + i * 0.01, 131.9, "ru",
                                                              osm_id=i + 1)])
            stops += (f"  - id: p{i}\n    name: P{i}\n    date: 2024-01-0{1 + i}\n    place: {{query: Place {i}}}\n"
                      "    summary: s\n    no_quote: bench\n")
        text = ("id: lisbon-tram-28\ntitle: G\ntime_zone: UTC\nregion: {country: ru}\n"
                "sources:\n  - {id: s, outlet: B, headline: H, text: lisbon-tram-28/sources/fixture-guide.txt,"
                " body: {from: Tram 28, to: cemetery.}}\n"
                f"stops:\n{stops}")
        story = parse_story(text, "g.yaml", base_dir=ROOT / "tests" / "fixtures" / "stories")
        cache = Path(tempfile.mkdtemp(prefix="bench-geocode-")) / "g.geocode.json"
        geocode = make_geocode("nominatim", "storymap-bench/1.0 (bench@storymap.invalid)", provider.endpoint)
        started = time.perf_counter()
        geocode_story(story, geocode, cache_file=cache)
        cold_s = time.perf_counter() - started
        before = len(provider.requests)
        geocode_story(story, geocode, cache_file=cache)
        warm_requests = len(provider.requests) - before
    finally:
        provider.stop()
    floor_s = (GEOCODE_PLACES - 1) * 1.0  # the first request goes at once, then one per second
    return {"places": GEOCODE_PLACES, "cold_s": cold_s, "policy_floor_s": floor_s,
            "overhead_ratio": cold_s / floor_s, "target_overhead_ratio": 1.05, "warm_run_requests": warm_requests}


# --- 5: export -------------------------------------------------------------------------------------------


def export_benchmarks(browser) -> dict:
    import pydeck as pdk

    from storymap.catalog import load_bundle
    from storymap.export import export_html
    from storymap.story import load_story
    bundle = load_bundle(load_story(ROOT / "stories" / "kim-russia-2023.yaml"))
    folder = Path(tempfile.mkdtemp(prefix="bench-export-"))
    ours = folder / "ours.html"
    ours.write_text(export_html(bundle), encoding="utf-8")
    basemap = json.loads((ROOT / "geodata" / "kim-russia-2023.basemap.geojson").read_text(encoding="utf-8"))
    deck = pdk.Deck(layers=[
        pdk.Layer("GeoJsonLayer", basemap, filled=True, get_fill_color=[243, 239, 230]),
        pdk.Layer("GeoJsonLayer", bundle.route, get_line_color=[164, 38, 44], line_width_min_pixels=3),
        pdk.Layer("ScatterplotLayer", [{"position": s["position"]} for s in bundle.route["storymap"]["stops"]],
                  get_position="position", get_radius=5000)],
        initial_view_state=pdk.ViewState(latitude=47, longitude=133, zoom=4), map_provider=None)
    pydeck_file = folder / "pydeck.html"
    pydeck_file.write_text(deck.to_html(as_string=True, offline=True), encoding="utf-8")

    def render_ms(path: Path) -> float:
        """Navigation start to the map drawn at its real size (MAP_DRAWN), timed in the page."""
        times = []
        for _ in range(RENDER_REPEATS):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.add_init_script(MAP_DRAWN)
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                       else route.abort())
            page.goto(path.as_uri())
            page.wait_for_function("() => window.__mapDrawnAt", timeout=60_000)
            times.append(page.evaluate("() => window.__mapDrawnAt - performance.timeOrigin"))
            page.close()
        return median(times)

    ours_ms = render_ms(ours)
    pydeck_ms = render_ms(pydeck_file)
    return {"file_bytes": {"ours": ours.stat().st_size, "pydeck_offline": pydeck_file.stat().st_size,
                           "ratio": ours.stat().st_size / pydeck_file.stat().st_size},
            "first_render_ms": {"ours": ours_ms, "pydeck_offline": pydeck_ms, "ratio": ours_ms / pydeck_ms},
            "note": "network blocked for both; pydeck's file tries CDN stylesheets, which fail fast"}


# --- 6: concurrent viewers -------------------------------------------------------------------------------


async def viewer_walk(url: str, queries: list[str], arrived: list | None = None, hold: asyncio.Event | None = None,
                      local_address: str | None = None) -> list:
    """One viewer: open the first query, then one rerun per further query; keep the session until `hold`."""
    async with Viewer(url, local_address=local_address) as viewer:
        runs = [await viewer.run(query) for query in queries]
        if hold is not None:
            arrived.append(True)
            await hold.wait()
    bad = [run for run in runs if run.status != "FINISHED_SUCCESSFULLY" or not run.deltas]
    if bad:
        raise RuntimeError(f"a viewer's run failed: {bad[0]}")
    return runs


async def crowd(url: str, queries: list[str], viewers: int, pid: int | None = None,
                spread: bool = False) -> tuple[list, int | None, float]:
    """`viewers` sessions at once; the server's memory is read while every session is still open.
    With `spread`, each viewer comes from its own loopback address (127.0.0.2, .3, ...), as readers
    on different machines would, so a proxy hashing addresses can spread them."""
    arrived: list = []
    hold = asyncio.Event()
    started = time.perf_counter()
    walks = [asyncio.create_task(viewer_walk(url, queries, arrived, hold, f"127.0.0.{2 + i}" if spread else None))
             for i in range(viewers)]
    while len(arrived) < viewers and not any(walk.done() for walk in walks):  # a done walk here has failed
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - started
    rss = resident_kib(pid) if pid else None
    hold.set()
    return list(await asyncio.gather(*walks)), rss, elapsed


def first_story_queries() -> list[str]:
    """A reader's path through the first story as query strings: the story, then each later stop."""
    from storymap.story import load_story
    story = load_story(ROOT / "stories" / "kim-russia-2023.yaml")
    return [f"story={story.id}"] + [f"story={story.id}&stop={stop.id}" for stop in story.stops[1:]]


def viewer_benchmarks() -> dict:
    ours_queries = first_story_queries()
    # The baseline has no stops to ask for: each of its "steps" is a plain rerun of its one chart.
    sides = {"ours": (ROOT / "app.py", ours_queries),
             "baseline": (ROOT / "bench" / "baseline_app.py", [""] * len(ours_queries))}
    result = {}
    for side, (script, queries) in sides.items():
        server = Server(script=script)
        pid = server.process.pid
        try:
            run_async(viewer_walk(server.url, queries))  # warm: imports, the catalog, caches
            idle_kib = resident_kib(pid)
            alone = [run.seconds * 1000 for run in run_async(viewer_walk(server.url, queries))[1:]]
            # 50 readers arrive at once (an article goes out): one run each, then they read.
            arrivals, crowd_kib, _ = run_async(crowd(server.url, queries[:1], VIEWERS, pid))
            opens = [walk[0].seconds * 1000 for walk in arrivals]
            # 50 readers step through every stop at once, each step a rerun.
            cpu_before = cpu_seconds(pid)
            walks, _, elapsed = run_async(crowd(server.url, queries, VIEWERS, pid))
            runs = VIEWERS * len(queries)
            steps = [run.seconds * 1000 for walk in walks for run in walk[1:]]
            result[side] = {
                "crowd_open_p50_ms": median(opens), "crowd_open_p95_ms": p95(opens),
                "alone_step_p95_ms": p95(alone), "crowd_step_p50_ms": median(steps), "crowd_step_p95_ms": p95(steps),
                "runs_per_s": runs / elapsed, "server_cpu_ms_per_run": (cpu_seconds(pid) - cpu_before) * 1000 / runs,
                "bytes_per_step": statistics.mean(run.bytes_received for walk in walks for run in walk[1:]),
                "server_rss_idle_mb": idle_kib / 1024, "memory_per_session_kb": (crowd_kib - idle_kib) / VIEWERS}
        finally:
            server.stop()
    ours, base = result["ours"], result["baseline"]
    result.update(viewers=VIEWERS, steps_per_viewer=len(ours_queries) - 1,
                  open_p95_vs_baseline_ratio=ours["crowd_open_p95_ms"] / base["crowd_open_p95_ms"],
                  step_p95_vs_baseline_ratio=ours["crowd_step_p95_ms"] / base["crowd_step_p95_ms"],
                  step_p95_crowd_vs_alone_ratio=ours["crowd_step_p95_ms"] / ours["alone_step_p95_ms"],
                  note="each step here is a rerun with ?stop= (a deep-link reload), the upper bound: "
                       "the real page steps in the browser and sends nothing")
    return result


def scale_out_benchmarks() -> dict:
    queries = first_story_queries()
    result = {}
    for replicas in (1, 2):
        deployment = Deployment(replicas=replicas)
        try:
            run_async(crowd(deployment.url, queries[:1], VIEWERS, spread=True))  # warm every replica
            walks, _, elapsed = run_async(crowd(deployment.url, queries, VIEWERS, spread=True))
            served = {upstream.split(", ")[-1] for _, status, request, upstream in deployment.access_log()
                      if request.startswith("GET /_stcore/stream") and status == "101"}
        finally:
            deployment.stop()
        steps = [run.seconds * 1000 for walk in walks for run in walk[1:]]
        result[replicas] = {"runs_per_s": VIEWERS * len(queries) / elapsed, "step_p50_ms": median(steps),
                            "step_p95_ms": p95(steps), "replicas_used": len(served)}
    result["throughput_ratio_2_vs_1"] = result[2]["runs_per_s"] / result[1]["runs_per_s"]
    result["note"] = (f"{os.cpu_count()} cores shared by the replicas, nginx and the 50 viewers' client; "
                      "each step is a rerun (the upper bound)")
    return result


# --- 8: quote hints --------------------------------------------------------------------------------------


def quote_hint_benchmarks() -> dict:
    """A quote that is not found costs its check plus the closest-passage hint; measured on a source at
    the size limit, against the check of a quote that is found, over the same source."""
    from storymap.limits import MAX_SOURCE_TEXT_BYTES
    from storymap.model import Quote
    from storymap.quotes import article
    from storymap.story import _check_quote

    words = [f"word{i % 997} text{i % 89}" for i in range(140_000)]
    target = " ".join(f"target{i}" for i in range(80))
    text = " ".join(words[:70_000]) + "\n\n" + target + "\n\n" + " ".join(words[70_000:])
    text = text[:MAX_SOURCE_TEXT_BYTES - 1000]
    body = article(text)

    class Story:  # the one thing _check_quote asks of a story
        speakers: dict = {}

    def check(quote: str) -> float:
        problems: list[str] = []
        started = time.perf_counter()
        _check_quote(Story, Quote(text=quote, source="s"), text, body, lambda field, message: problems.append(message))
        return (time.perf_counter() - started) * 1000, problems

    found = [check(target) for _ in range(5)]
    missing_quote = target.replace("target40", "changed40")
    missing = [check(missing_quote) for _ in range(5)]
    assert not found[0][1] and missing[0][1], (found[0][1], missing[0][1])
    found_ms, hint_ms = median([t for t, _ in found]), median([t for t, _ in missing])
    return {"source_bytes": len(text.encode()), "quote_words": 80, "found_ms": found_ms,
            "not_found_with_hint_ms": hint_ms,
            "ratio": hint_ms / found_ms, "target_ms": 1000, "hint": missing[0][1][0][:120]}


def table(results: dict) -> str:
    lines = []
    page, steps = results["page"], results["reruns"]
    lines.append(f"{'measure':<44}{'ours':>14}{'baseline':>14}{'ratio':>9}")
    lines.append(f"{'first render (ms)':<44}{page['first_render_ms']['ours']:>14.0f}"
                 f"{page['first_render_ms']['baseline']:>14.0f}{page['first_render_ms']['ratio']:>9.2f}")
    lines.append(f"{'step: key -> chapter text (ms)':<44}{page['step_text_ms']['ours']:>14.0f}"
                 f"{page['step_text_ms']['baseline']:>14.0f}{page['step_text_ms']['ratio']:>9.2f}")
    lines.append(f"{'step: key -> camera at rest (ms)':<44}{page['step_camera_settled_ms']['ours']:>14.0f}"
                 f"{'':>14}{'':>9}")
    lines.append(f"{'flight: frames drawn per s (diagnostic)':<44}{page['flight_fps']['ours']:>14.1f}")
    lines.append(f"{'bytes over the websocket per step':<44}{page['bytes_per_step']['ours']:>14.0f}"
                 f"{page['bytes_per_step']['baseline']:>14.0f}{'':>9}")
    lines.append(f"{'script time per rerun p50 / p95 (ms)':<44}{steps['ours_p50_ms']:>7.1f} /"
                 f"{steps['ours_p95_ms']:>5.1f}"
                 f"{steps['baseline_p50_ms']:>7.1f} /{steps['baseline_p95_ms']:>5.1f}{steps['p50_ratio']:>9.2f}")
    geo = results["geocoding"]
    lines.append(f"{'geocoding: cold run, ' + str(geo['places']) + ' places (s)':<44}{geo['cold_s']:>14.2f}"
                 f"{geo['policy_floor_s']:>14.2f}{geo['overhead_ratio']:>9.3f}")
    lines.append(f"{'geocoding: requests on a warm run':<44}{geo['warm_run_requests']:>14d}")
    export = results["export"]
    lines.append(f"{'export file (bytes) vs pydeck offline':<44}{export['file_bytes']['ours']:>14,d}"
                 f"{export['file_bytes']['pydeck_offline']:>14,d}{export['file_bytes']['ratio']:>9.2f}")
    lines.append(f"{'export first render (ms) vs pydeck offline':<44}{export['first_render_ms']['ours']:>14.0f}"
                 f"{export['first_render_ms']['pydeck_offline']:>14.0f}{export['first_render_ms']['ratio']:>9.2f}")
    viewers, crowd_size = results["viewers"], results["viewers"]["viewers"]
    for label, key in ((f"{crowd_size} viewers arrive: open p95 (ms)", "crowd_open_p95_ms"),
                       (f"{crowd_size} viewers, step = rerun: p95 (ms)", "crowd_step_p95_ms"),
                       ("  one viewer alone: step p95 (ms)", "alone_step_p95_ms"),
                       ("  runs served per second", "runs_per_s"),
                       ("  server CPU per run (ms)", "server_cpu_ms_per_run"),
                       ("  server memory per session (KB)", "memory_per_session_kb")):
        ours, base = viewers["ours"][key], viewers["baseline"][key]
        lines.append(f"{label:<44}{ours:>14.1f}{base:>14.1f}{ours / base:>9.2f}")
    out = results["scale_out"]
    lines.append(f"{'behind nginx, 2 replicas vs 1: runs per s':<44}{out[2]['runs_per_s']:>14.1f}"
                 f"{out[1]['runs_per_s']:>14.1f}{out['throughput_ratio_2_vs_1']:>9.2f}")
    lines.append(f"{'behind nginx, 2 replicas vs 1: step p95 (ms)':<44}{out[2]['step_p95_ms']:>14.1f}"
                 f"{out[1]['step_p95_ms']:>14.1f}{out[2]['step_p95_ms'] / out[1]['step_p95_ms']:>9.2f}")
    hints = results.get("quotes")
    if hints:
        lines.append(f"{'quote check, 80 words, 2 MB source (ms)':<44}{hints['not_found_with_hint_ms']:>14.1f}"
                     f"{hints['found_ms']:>14.1f}{hints['ratio']:>9.2f}")
    lines.append("")
    lines.append(f"{'stops':>6}{'file KB':>9}{'load ms':>9}{'/stop x':>8}{'route ms':>10}{'vertices':>10}"
                 f"{'/vtx x':>7}{'config KB':>10}{'rerun p50':>10}{'p95':>8}{'peak MB':>9}")
    for stops, row in results["scale"].items():
        lines.append(f"{stops:>6}{row['file_bytes'] / 1e3:>9.0f}{row['load_validate_ms']:>9.0f}"
                     f"{row['load_per_stop_vs_10']:>8.2f}{row['route_build_ms']:>10.0f}{row['route_vertices']:>10,d}"
                     f"{row['route_per_vertex_vs_10']:>7.2f}{row['player_config_bytes'] / 1e3:>10.0f}"
                     f"{row['rerun_p50_ms']:>10.1f}{row['rerun_p95_ms']:>8.1f}{row['peak_python_memory_mb']:>9.1f}")
    return "\n".join(lines)


def main() -> int:
    if sys.argv[1:]:
        return only(sys.argv[1:])
    results = {"when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
               "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                           "platform": platform.platform()}}
    playwright, browser = browser_session()
    try:
        results["page"] = page_benchmarks(browser)
        results["export"] = export_benchmarks(browser)
    finally:
        browser.close()
        playwright.stop()
    results["reruns"] = rerun_benchmarks()
    results["geocoding"] = geocode_benchmarks()
    results["viewers"] = viewer_benchmarks()
    results["scale_out"] = scale_out_benchmarks()
    results["scale"] = scale_benchmarks()
    results["quotes"] = quote_hint_benchmarks()
    RESULTS.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")
    return 0


def rerun_benchmarks() -> dict:
    ours = script_times(None, None, first_story_queries(), RERUN_REPEATS)
    base = script_times(None, None, [""], RERUN_REPEATS, script=ROOT / "bench" / "baseline_app.py")
    return {"ours_p50_ms": median(ours), "ours_p95_ms": p95(ours), "baseline_p50_ms": median(base),
            "baseline_p95_ms": p95(base), "p50_ratio": median(ours) / median(base),
            "target_p95_ms": 30, "note": "Streamlit's own script timing (page profile) in a real server, "
            "one viewer rerunning with ?stop=; the page's steps need no rerun at all"}


def _with_browser(benchmark):
    """A section that needs Chromium, run in a browser of its own."""
    def run():
        playwright, browser = browser_session()
        try:
            return benchmark(browser)
        finally:
            browser.close()
            playwright.stop()
    return run


def only(sections: list[str]) -> int:
    """Run some sections and merge them into the last full run's results (no browser unless asked for)."""
    runners = {"reruns": rerun_benchmarks,
               "geocoding": geocode_benchmarks, "viewers": viewer_benchmarks, "scale_out": scale_out_benchmarks,
               "scale": scale_benchmarks, "quotes": quote_hint_benchmarks}
    runners["flight"] = _with_browser(flight_benchmarks)
    unknown = [name for name in sections if name not in runners]
    if unknown:
        print(f"bench/run.py: unknown section {unknown[0]!r}; choose from {', '.join(runners)} (or none for all)",
              file=sys.stderr)
        return 2
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    for name in sections:
        results[name] = runners[name]()
        print(f"{name}: {json.dumps(results[name], default=str)}")
    RESULTS.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
