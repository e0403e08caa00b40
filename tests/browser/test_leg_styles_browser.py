"""Leg line styles in a real browser: a traced leg is drawn dashed, the legend names exactly the leg
lines drawn, and a published distance is shown beside the drawn one. One exported page, one load."""

from __future__ import annotations

import io
import json
import math
import re

import pytest
from browser_support import ROOT, SCREENSHOTS, project, settle
from PIL import Image
from test_export_browser import offline_page

from storymap.catalog import load_bundle
from storymap.export import export_html
from storymap.story import load_story

pytestmark = pytest.mark.browser
CONFIG_BLOCK = re.compile(r'(<script type="application/json" id="storymap-config">)(.*?)(</script>)', re.S)
STOP = "komsomolsk"  # reached by a rail leg traced through towns on the line
LABEL = "1,234 km by rail (test timetable) · drawn 965 km"
NOTE = "1,000 km from A to B and 234 km on to C."
URL = "https://timetable.example/leg?x=1&y=<2>"


def with_published_distance(html: str) -> str:
    """The export with a published distance on the leg into STOP, as the config would carry it."""
    def edit(match):
        config = json.loads(match.group(2))
        stop = next(s for s in config["stops"] if s["id"] == STOP)
        stop["leg_distance"] = {"km": 1234, "drawn_km": 965, "source": "test timetable", "url": URL, "note": NOTE,
                                "label": LABEL}
        # The page's config is JSON in a script element: escape '<' as the export does.
        return match.group(1) + json.dumps(config, ensure_ascii=False).replace("<", "\\u003c") + match.group(3)
    return CONFIG_BLOCK.sub(edit, html, count=1)


def route_flags(image, points, colour, avoid) -> list[bool]:
    """Along the screen polyline, one flag per pixel step inside the image (and away from `avoid`, the
    stop's marker): is the travelled route's colour within 6 px across the line. Across, because each
    leg is drawn a little to the right of its way (legstyle.js LEG_OFFSET)."""
    width, height = image.size
    flags = []
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        # Vertices far beyond the pitched view's horizon project nowhere near the line: skip those pieces.
        if not all(-width < x < 2 * width and -height < y < 2 * height for x, y in ((x0, y0), (x1, y1))):
            continue
        length = max(1.0, math.dist((x0, y0), (x1, y1)))
        nx, ny = -(y1 - y0) / length, (x1 - x0) / length
        for step in range(int(length)):
            x, y = x0 + (x1 - x0) * step / length, y0 + (y1 - y0) * step / length
            if not (10 < x < width - 10 and 10 < y < height - 10) or math.dist((x, y), avoid) < 25:
                continue
            across = [image.getpixel((round(x + nx * k), round(y + ny * k)))[:3] for k in range(-6, 7)]
            flags.append(any(sum(abs(a - b) for a, b in zip(pixel, colour)) < 90 for pixel in across))
    return flags


def test_a_traced_leg_is_dashed_and_the_legend_lists_the_leg_lines_drawn(browser, tmp_path):
    html = export_html(load_bundle(load_story(ROOT / "stories" / "kim-russia-2023.yaml")))
    path = tmp_path / "kim-russia-2023.html"
    path.write_text(with_published_distance(html), encoding="utf-8")
    context, page = offline_page(browser, viewport={"width": 900, "height": 700})
    try:
        page.goto(path.as_uri() + "#stop=" + STOP)
        # The first draw compiles deck.gl's shaders under SwiftShader: 30 s was seen to be too short
        # on this 2-core machine with other suites running, so a longer deadline on the same state.
        page.wait_for_function("() => document.getElementById('storymap').dataset.state === 'ready' "
                               "&& window.storymapState.frames > 0", timeout=90_000)
        page.wait_for_function(f"() => window.storymapState.config.stops[window.storymapState.index].id === '{STOP}'")
        settle(page)
        legend = page.locator(".legend li").all_inner_texts()
        assert "Way traced through stations and towns on it" in legend
        assert "Straight line: the way is not known" in legend  # the motorcade into Vladivostok
        assert not any(text.startswith("Rail legs") for text in legend)
        # The figure and its basis, one click away: the note as text, the reference a link.
        distance = page.locator(".chapter details.leg-distance")
        assert distance.locator("summary").inner_text() == LABEL
        assert not distance.locator("p").first.is_visible()
        distance.locator("summary").click()
        assert distance.locator("p").first.inner_text() == NOTE
        link = distance.locator("a")
        # The link is the url as the browser parses it: "<" and ">" stay inert, escaped.
        assert link.inner_text() == "test timetable"
        assert link.get_attribute("href") == URL.replace("<", "%3C").replace(">", "%3E")
        distance.locator("summary").click()

        SCREENSHOTS.mkdir(exist_ok=True)
        shot = page.locator(".map").screenshot(path=str(SCREENSHOTS / "leg-styles-komsomolsk.png"))
        image = Image.open(io.BytesIO(shot)).convert("RGB")
        colour = page.evaluate("() => window.storymapState.colors.done.slice(0, 3)")
        leg = page.evaluate(f"() => window.storymapState.route.features.find((f) => f.properties.to === '{STOP}')"
                            ".geometry.coordinates")
        # The leg's last 100 km, pixel by pixel where it is on screen, away from the stop's marker.
        points = [project(page, p) for p in leg[-11:]]
        flags = route_flags(image, points, colour, avoid=points[-1])
        assert len(flags) > 150, len(flags)
        changes = sum(1 for a, b in zip(flags, flags[1:]) if a != b)
        drawn = sum(flags) / len(flags)
        # A dashed line: mostly the route's colour, broken again and again by gaps; solid would be ~1 change.
        assert 0.3 < drawn < 0.95, drawn
        assert changes >= 6, (changes, len(flags))
    finally:
        context.close()
