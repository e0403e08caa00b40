"""The map sheet: the first story's overview and every stop, light and dark, 1440 and 390 wide.

    python tests/browser/make_map_sheet.py [--out tests/browser/screenshots] [--only khasan,overview]

Not part of the suite: a person runs it and looks at the pictures (issue 15's acceptance screenshots).
It exports the story to a temporary file and opens it from file:// in Debian's chromium with every
other request refused, with reduced motion (each step is a cut), and writes
map-<stop>-<theme>-<width>.png once the camera is at rest and the names are placed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from browser_support import CHROMIUM, CHROMIUM_ARGS, ROOT, SCREENSHOTS, settle  # noqa: E402

STORY = "kim-russia-2023"
SIZES = {1440: 900, 390: 844}
THEMES = ("light", "dark")


def export_story(folder: Path) -> Path:
    """The story's static export in `folder`, as `storymap export` writes it."""
    from storymap.catalog import load_bundle
    from storymap.export import export_html
    from storymap.story import load_story
    path = folder / f"{STORY}.html"
    path.write_text(export_html(load_bundle(load_story(ROOT / "stories" / f"{STORY}.yaml"))), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SCREENSHOTS, help="folder for the PNGs")
    parser.add_argument("--only", default="", help="comma-separated stop ids (and 'overview') to take")
    options = parser.parse_args(argv)
    only = {name for name in options.only.split(",") if name}
    options.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        url = export_story(Path(folder)).as_uri()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for width, height in SIZES.items():
            for theme in THEMES:
                context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1,
                                              color_scheme=theme, reduced_motion="reduce")
                context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                              else route.abort())
                page = context.new_page()
                page.goto(url)
                page.wait_for_function("() => document.getElementById('storymap').dataset.state === 'ready' "
                                       "&& window.storymapState.frames > 0", timeout=60_000)
                stops = page.evaluate("() => window.storymapState.config.stops.map((s) => s.id)")
                for index, name in [(-1, "overview"), *enumerate(stops)]:
                    if only and name not in only:
                        continue
                    if index >= 0:
                        page.evaluate(f"() => document.querySelectorAll('.itinerary button')[{index}].click()")
                        page.wait_for_function(f"() => window.storymapState.index === {index}")
                    settle(page)
                    path = options.out / f"map-{name}-{theme}-{width}.png"
                    page.screenshot(path=str(path))
                    print(f"wrote {path}")
                context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
