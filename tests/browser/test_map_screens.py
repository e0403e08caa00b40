"""The map on every screen (issue 13, points 3-6), by geometry: names inside the map and apart, piled-up
stops clustered, the wheel left to the article unless Ctrl is held, the view kept inside the basemap's box,
the whole-trip button, the stop clear of the presenter's quote card, the dwell's items, the end card and
?loop=1, the camera on the train, and the travelled route under reduced motion."""

from __future__ import annotations

import math

import pytest
from browser_support import PLAYER_IFRAME, SCREENSHOTS, player_frame, settle
from test_export_browser import exported, offline_page, ready  # noqa: F401  (the module's fixture)

pytestmark = pytest.mark.browser
SIZES = [(320, 640), (390, 844), (1280, 720), (1920, 1080)]
CLUSTER_PX = 26                    # collide.js CLUSTER_PX

# Every name shown on the map, its box relative to the map's, and the map's size.
LABEL_BOXES = """() => {
  const map = document.querySelector('.map').getBoundingClientRect();
  const boxes = [...document.querySelectorAll('.map-label')].filter((n) => getComputedStyle(n).visibility !== 'hidden')
    .map((n) => { const r = n.getBoundingClientRect();
                  return {text: n.textContent, kind: n.className, x: r.left - map.left, y: r.top - map.top, w: r.width, h: r.height}; });
  return {width: map.width, height: map.height, boxes};
}"""
# The markers drawn as single stops, in map pixels, and the current index.
SINGLES = """() => { const s = window.storymapState; const v = s.deck.getViewports()[0];
  return s.placed.groups.singles.map((stop) => [stop.index, ...v.project(stop.position)]); }"""
VIEW = "() => { const v = window.storymapState.viewState; return [v.longitude, v.latitude, v.zoom]; }"


def shot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def overlapping(boxes):
    return [(a["text"], b["text"]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a["x"] < b["x"] + b["w"] - 0.5 and b["x"] < a["x"] + a["w"] - 0.5
            and a["y"] < b["y"] + b["h"] - 0.5 and b["y"] < a["y"] + a["h"] - 0.5]


def assert_labels_fit(frame, where):
    """Every name is inside the map, none covers another, and no two single markers pile up."""
    settle(frame)
    layout = frame.evaluate(LABEL_BOXES)
    boxes = [b for b in layout["boxes"] if b["w"] > 0]
    assert len([b for b in boxes if "stop" in b["kind"] or "cluster" in b["kind"]]) >= 1, f"{where}: no stop names"
    for b in boxes:
        assert b["x"] >= 0 and b["y"] >= 0 and b["x"] + b["w"] <= layout["width"] + 0.5 \
            and b["y"] + b["h"] <= layout["height"] + 0.5, f"{where}: {b['text']!r} is cut by the map's edge: {b}"
    assert overlapping(boxes) == [], f"{where}: names overlap"
    singles = frame.evaluate(SINGLES)
    current = frame.evaluate("() => window.storymapState.index")
    for i, a in enumerate(singles):
        for b in singles[i + 1:]:
            if current not in (a[0], b[0]):
                assert math.dist(a[1:], b[1:]) >= CLUSTER_PX, f"{where}: stops {a[0]} and {b[0]} pile up"
    return boxes


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_export_names_fit_at_every_size_and_the_vladivostok_stops_cluster(browser, exported, width, height):  # noqa: F811
    # Reduced motion: the jumps below are cuts, and the geometry is the same.
    context, page = offline_page(browser, viewport={"width": width, "height": height}, reduced_motion="reduce")
    try:
        page.goto((exported / "dist" / "kim-russia-2023.html").as_uri())
        ready(page)
        boxes = assert_labels_fit(page, f"overview {width}x{height}")
        clusters = page.evaluate("() => window.storymapState.placed.groups.clusters.map((c) => c.count)")
        assert clusters and sum(clusters) >= 3, f"the stops around Vladivostok are not clustered: {clusters}"
        assert any(b["kind"] == "map-label cluster" for b in boxes), "a cluster's count is not shown"
        days = page.evaluate("""() => [...document.querySelectorAll('.timeline .day-label')]
            .filter((n) => n.style.visibility !== 'hidden').map((n) => { const r = n.getBoundingClientRect();
                return {text: n.textContent, x: r.left, y: r.top, w: r.width, h: r.height}; })""")
        assert days and overlapping(days) == [], f"the timeline's day labels overlap: {days}"
        shot(page, f"map-overview-{width}x{height}")
        for index, stop in ((2, "komsomolsk"), (4, "pacific-fleet")):
            page.evaluate(f"() => document.querySelectorAll('.itinerary button')[{index}].click()")
            page.wait_for_function(f"() => window.storymapState.index === {index}")
            boxes = assert_labels_fit(page, f"{stop} {width}x{height}")
            assert any("current" in b["kind"] for b in boxes), f"{stop}: the current stop's name is not shown"
        shot(page, f"map-pacific-fleet-{width}x{height}")
    finally:
        context.close()


def test_a_cluster_opens_when_clicked(browser, exported):  # noqa: F811
    context, page = offline_page(browser, viewport={"width": 1280, "height": 720})
    try:
        page.goto((exported / "dist" / "kim-russia-2023.html").as_uri())
        ready(page)
        # The picking pass is readied while the reader looks at the first frame (mapview.js warmTrips).
        page.wait_for_function("() => window.storymapState.tripsWarm === true", timeout=15_000)
        cluster = page.evaluate("""() => { const s = window.storymapState; const c = s.placed.groups.clusters[0];
            return {xy: s.deck.getViewports()[0].project(c.position), count: c.count, zoom: s.zoom}; }""")
        box = page.locator(".map").bounding_box()
        # As for a marker (test_player.py): on a loaded 2-core machine a click can be lost, so try again.
        for attempt in range(3):
            page.mouse.click(box["x"] + cluster["xy"][0], box["y"] + cluster["xy"][1])
            try:
                page.wait_for_function(f"() => window.storymapState.zoom >= {cluster['zoom'] + 1.9}", timeout=15_000)
                break
            except Exception:
                assert attempt < 2, "clicking the cluster never opened it"
        assert_labels_fit(page, "cluster opened")
        after = page.evaluate("() => window.storymapState.placed.groups.clusters.map((c) => c.count)")
        assert sum(after) < cluster["count"], f"the cluster of {cluster['count']} did not open: {after}"
        shot(page, "map-cluster-opened")
    finally:
        context.close()


def host_page(tmp_path, target):
    """A tall article with the map in a 900 x 560 frame (its own document does not scroll), on file://."""
    html = ("<!doctype html><html lang='en'><title>Article</title><body style='margin:0'>"
            "<p style='height:900px'>Before the map.</p>"
            f"<iframe id='map' src='{target}' width='900' height='560' title='map' style='border:0'></iframe>"
            "<p style='height:1500px'>After the map.</p></body></html>")
    path = tmp_path / "article.html"
    path.write_text(html, encoding="utf-8")
    return path.as_uri()


def test_in_an_article_the_wheel_scrolls_the_page_unless_ctrl_is_held(browser, exported, tmp_path):  # noqa: F811
    context, page = offline_page(browser, viewport={"width": 1000, "height": 800})
    try:
        page.goto(host_page(tmp_path, (exported / "dist" / "kim-russia-2023.html").as_uri()))
        page.evaluate("() => window.scrollTo(0, 700)")
        frame = page.frame_locator("#map")
        story = next(f for f in page.frames if f.url.endswith("kim-russia-2023.html"))
        ready(story)
        box = page.locator("#map").bounding_box()
        page.mouse.move(box["x"] + 250, box["y"] + 200)
        before, scrolled = story.evaluate(VIEW), page.evaluate("() => window.scrollY")
        page.mouse.wheel(0, 240)
        page.wait_for_function(f"() => window.scrollY > {scrolled}", timeout=5_000)
        story.wait_for_function("() => document.querySelector('.map-hint').classList.contains('shown')", timeout=5_000)
        assert "Ctrl + scroll" in frame.locator(".map-hint").inner_text()
        settle(story)
        assert story.evaluate(VIEW) == before, "the wheel without Ctrl moved the map"
        # With Ctrl held the map zooms and the article stays where it is.
        box = page.locator("#map").bounding_box()
        page.mouse.move(box["x"] + 250, box["y"] + 200)
        scrolled = page.evaluate("() => window.scrollY")
        page.keyboard.down("Control")
        page.mouse.wheel(0, -240)
        page.keyboard.up("Control")
        story.wait_for_function(f"() => window.storymapState.viewState.zoom > {before[2] + 0.1}", timeout=5_000)
        assert page.evaluate("() => window.scrollY") == scrolled
        shot(page, "map-article-ctrl-zoomed")
        # Keys still work after a click on the map.
        page.mouse.click(box["x"] + 600, box["y"] + 40)
        page.keyboard.press("ArrowRight")
        story.wait_for_function("() => window.storymapState.index === 0", timeout=5_000)
    finally:
        context.close()


def test_zoom_out_and_pans_stay_inside_the_basemap_and_whole_trip_restores_the_fit(browser, exported):  # noqa: F811
    context, page = offline_page(browser, viewport={"width": 1280, "height": 720})
    try:
        page.goto((exported / "dist" / "kim-russia-2023.html").as_uri())
        ready(page)
        fitted = page.evaluate(VIEW)
        box = page.locator(".map").bounding_box()
        page.mouse.move(box["x"] + 300, box["y"] + 300)
        page.keyboard.down("Control")
        page.mouse.wheel(0, -600)
        page.wait_for_function(f"() => window.storymapState.viewState.zoom > {fitted[2] + 0.5}", timeout=5_000)
        for _ in range(12):
            page.mouse.wheel(0, 600)
        page.keyboard.up("Control")
        settle(page)
        # The whole trip nearly fills the basemap's box here: zooming out stops about there.
        assert page.evaluate(VIEW)[2] < fitted[2] + 0.1
        page.mouse.move(box["x"] + 200, box["y"] + 300)
        page.mouse.down()
        page.mouse.move(box["x"] + 700, box["y"] + 650, steps=8)   # drag the map far to the south-east
        page.mouse.up()
        settle(page)
        edges = page.evaluate("""() => { const v = window.storymapState.deck.getViewports()[0];
            const b = window.storymapState.basemap.storymap.box;
            return {view: [v.unproject([0, 0]), v.unproject([v.width, v.height])], box: b, zoom: v.zoom}; }""")
        (west, north), (east, south) = edges["view"]
        b = edges["box"]
        eps = 0.02
        assert west >= b["west"] - eps and east <= b["east"] + eps and south >= b["south"] - eps \
            and north <= b["north"] + eps, f"the view {edges['view']} leaves the basemap's box {b}"
        shot(page, "map-zoomed-out-clamped")
        page.get_by_role("button", name="Whole trip").click()
        settle(page)
        restored = page.evaluate(VIEW)
        assert all(abs(a - c) < 1e-3 for a, c in zip(restored, fitted)), f"{restored} != fitted {fitted}"
    finally:
        context.close()


def test_presentation_keeps_each_stop_clear_of_the_quote_card_and_reads_from_the_back(server, open_page):
    for width, height in [(1920, 1080), (1280, 720)]:
        # Reduced motion: every step is a cut (the camera's resting place is what is checked).
        page = open_page(viewport={"width": width, "height": height}, reduced_motion="reduce")
        page.goto(server.url + "/?story=kim-russia-2023&stop=khasan&mode=present")
        frame = player_frame(page)
        for index in range(7):
            if index:
                page.keyboard.press("ArrowRight")
                frame.wait_for_function(f"() => window.storymapState.index === {index}", timeout=10_000)
            settle(frame)
            where = frame.evaluate("""() => { const s = window.storymapState;
                const stop = s.config.stops[s.index]; const xy = s.deck.getViewports()[0].project(stop.position);
                const map = s.els.map.getBoundingClientRect(); const card = s.els.overlay.getBoundingClientRect();
                return {x: xy[0] + map.left, y: xy[1] + map.top, card: [card.left, card.top, card.right, card.bottom],
                        position: document.querySelector('.presenter .position').textContent}; }""")
            left, top, right, bottom = where["card"]
            assert not (left - 12 <= where["x"] <= right + 12 and top - 12 <= where["y"] <= bottom + 12), \
                f"{width}x{height}: stop {index} at {where} is under the quote card"
            assert where["y"] < top - 12
            assert where["position"] == f"{frame.evaluate('() => window.storymapState.index') + 1} / 7"
            if index == 1:
                shot(page, f"present-vostochny-{width}x{height}")
        if width == 1920:
            size = float(frame.evaluate("() => getComputedStyle(document.querySelector('.overlay blockquote footer')).fontSize")[:-2])
            assert size >= 20, f"the attribution is {size} px at 1080p"
        page.keyboard.press("ArrowRight")       # past the last stop: the end card with the credits
        frame.wait_for_function("() => document.querySelector('.overlay').dataset.item === 'end'", timeout=5_000)
        assert "Credits" in frame.locator(".overlay").inner_text()
        assert "GeoNames" in frame.locator(".overlay").inner_text()
        assert frame.locator(".presenter .position").inner_text() == "The end"
        shot(page, f"present-end-card-{width}x{height}")


def test_presentation_dwell_shows_every_quote_and_note_then_the_end_card_then_loops(server, open_page):
    page = open_page(viewport={"width": 1280, "height": 720}, reduced_motion="reduce")
    page.goto(server.url + "/?story=kim-russia-2023&stop=russky-island&mode=present&autoplay=1&dwell=3&loop=1")
    frame = player_frame(page)
    items = frame.evaluate("() => { const s = window.storymapState.config.stops[5]; return s.quotes.length + s.sources_differ.length; }")
    # The first story's Russky Island stop has more than one thing to show; each comes in turn.
    assert items >= 2
    assert "Playing" in frame.locator(".presenter").inner_text()
    for k in range(1, items):
        frame.wait_for_function(f"() => document.querySelector('.overlay').dataset.item === '{k}'", timeout=10_000)
    progress = frame.evaluate("() => parseFloat(document.querySelector('.presenter .bar').style.width)")
    assert progress > 0
    shot(page, "present-dwell-second-item")
    frame.wait_for_function("() => window.storymapState.index === 6", timeout=20_000)
    frame.wait_for_function("() => document.querySelector('.overlay').dataset.item === 'end'", timeout=30_000)
    frame.wait_for_function("() => window.storymapState.index === 0 && window.storymapState.playing", timeout=30_000)


def test_the_camera_arrives_with_the_train_and_names_return_at_rest(browser, exported):  # noqa: F811
    context, page = offline_page(browser, viewport={"width": 1280, "height": 720})
    try:
        page.goto((exported / "dist" / "kim-russia-2023.html").as_uri() + "#stop=khasan")
        ready(page)
        # Sampled in the page, frame by frame (a round trip per sample is too slow on a loaded machine):
        # how far the train's head is from the centre of the view set with it in the same frame, and how
        # far along the leg it is. (deck.gl's own viewport can lag the clock by a frame.)
        gaps = page.evaluate("""() => new Promise((done) => {
            const samples = [];
            const sample = () => {
                const s = window.storymapState;
                if (!s.animation) { if (s.index === 1) { done(samples); return; } requestAnimationFrame(sample); return; }
                const leg = s.route.features[s.animation.leg]; const stamps = leg.properties.timestamps;
                const drawn = s.deck.getViewports()[0];
                const v = new window.deckgl.WebMercatorViewport({...s.viewState, width: drawn.width, height: drawn.height});
                const t = s.time;
                let i = 1; while (i < stamps.length - 1 && stamps[i] < t) i += 1;
                const f = Math.min(1, Math.max(0, (t - stamps[i - 1]) / Math.max(1e-9, stamps[i] - stamps[i - 1])));
                const a = leg.geometry.coordinates[i - 1], b = leg.geometry.coordinates[i];
                const head = v.project([a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])]);
                samples.push([Math.hypot(head[0] - v.width / 2, head[1] - v.height / 2), (t - stamps[0]) / (stamps.at(-1) - stamps[0])]);
                requestAnimationFrame(sample);
            };
            document.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight', bubbles: true}));
            requestAnimationFrame(sample);
        })""")
        assert gaps, "no frame of the leg was sampled"
        # The head is at the centre of the map all along (the story's own view at departure is the
        # stop's, so there is no pan of the reader's to fade out).
        assert max(g for g, progress in gaps) < 3, gaps
        page.wait_for_function("() => !document.querySelector('.map-labels').classList.contains('moving')", timeout=2_000)
        at_rest = page.evaluate("""() => { const s = window.storymapState; const v = s.deck.getViewports()[0];
            const [x, y] = v.project(s.config.stops[1].position); return [s.index, s.cameraMove, Math.hypot(x - v.width / 2, y - v.height / 2)]; }""")
        assert at_rest[:2] == [1, None] and at_rest[2] < 1, f"the camera is not on the stop at arrival: {at_rest}"
    finally:
        context.close()


def test_reduced_motion_draws_the_whole_travelled_route_after_every_step(browser, exported):  # noqa: F811
    context, page = offline_page(browser, viewport={"width": 1280, "height": 720}, reduced_motion="reduce")
    try:
        page.goto((exported / "dist" / "kim-russia-2023.html").as_uri())
        ready(page)
        for index in range(7):
            page.keyboard.press("ArrowRight")
            page.wait_for_function(f"() => window.storymapState.index === {index}")
            settle(page)
            drawn = page.evaluate("""() => window.storymapState.deck.layerManager.getLayers()
                .find((l) => l.id === 'route-done').props.data.map((leg) => leg.properties.label || '')""")
            assert len(drawn) == index, f"after step {index} the travelled route has {len(drawn)} legs"
        shot(page, "map-reduced-motion-end")
    finally:
        context.close()


def test_in_the_page_the_wheel_scrolls_past_the_map(server, open_page):
    page = open_page(viewport={"width": 390, "height": 844})
    page.goto(server.url + "/?story=kim-russia-2023")
    frame = player_frame(page)
    assert_labels_fit(frame, "page 390x844")
    box = page.locator(PLAYER_IFRAME).bounding_box()
    page.mouse.move(box["x"] + 150, box["y"] + 120)
    before = frame.evaluate(VIEW)
    scrolled = "() => Math.max(window.scrollY, ...[...document.querySelectorAll('*')].map((n) => n.scrollTop))"
    page.mouse.wheel(0, 300)
    page.wait_for_function(f"() => ({scrolled})() > 0", timeout=5_000)
    settle(frame)
    assert frame.evaluate(VIEW) == before
    shot(page, "page-390x844-scrolled")
