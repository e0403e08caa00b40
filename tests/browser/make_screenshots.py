"""The README's screenshot set: the page on a phone, on a laptop, in presentation mode; the player as a
component in another app; the curator's check view.

    python tests/browser/make_screenshots.py [--out docs] [--views phone laptop present component check]

Starts the app (and, for `component`, examples/current_stop_table.py) on a free loopback port (as the
browser tests do), opens each view in Debian's chromium at one device pixel per CSS pixel, waits until
the map is drawn and the camera is at rest, and writes docs/screenshot-{phone,laptop,present}.png,
docs/component.png and docs/check-view.png. A picture over MAX_BYTES is stored with a reduced palette
instead (the map's flat colours survive it).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from browser_support import CHROMIUM, CHROMIUM_ARGS, ROOT, Server, player_frame, settle  # noqa: E402

MAX_BYTES = 250_000
STORY = "kim-russia-2023"
# name: (window width, height, query string after ?story=...)
VIEWS = {
    "phone": (390, 844, "&stop=vostochny"),
    "laptop": (1280, 720, "&stop=pacific-fleet"),
    "present": (1280, 720, "&stop=vostochny&mode=present"),
}
# The example app, stepped to this many stops; the check view.
COMPONENT_VIEW = (1100, 640, 1)
CHECK_VIEW = (1280, 720, "&view=check")


def small_png(png: bytes) -> bytes:
    """The PNG as it is, or with 128 colours when it is over MAX_BYTES."""
    if len(png) <= MAX_BYTES:
        return png
    from PIL import Image
    out = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=128).save(out, format="PNG", optimize=True)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for the PNGs (default: docs/)")
    parser.add_argument("--views", nargs="+", choices=[*VIEWS, "component", "check"],
                        default=[*VIEWS, "component", "check"], help="which pictures to take (default: all)")
    options = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright
    server = Server()
    example = Server(script=ROOT / "examples" / "current_stop_table.py") if "component" in options.views else None
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)

            def shoot(name: str, width: int, height: int, url: str, ready) -> None:
                context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
                page = context.new_page()
                page.goto(url)
                ready(page)
                png = small_png(page.screenshot())
                path = options.out / f"{name}.png"
                path.write_bytes(png)
                print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({len(png):,} bytes)")
                context.close()

            for name, (width, height, query) in VIEWS.items():
                if name in options.views:
                    shoot(f"screenshot-{name}", width, height, f"{server.url}/?story={STORY}{query}", player_frame)
            if example is not None:
                width, height, steps = COMPONENT_VIEW
                shoot("component", width, height, example.url, lambda page: step_example(page, steps))
            if "check" in options.views:
                width, height, query = CHECK_VIEW
                shoot("check-view", width, height, f"{server.url}/?story={STORY}{query}", check_drawn)
            browser.close()
    finally:
        server.stop()
        if example is not None:
            example.stop()
    return 0


def step_example(page, steps: int) -> None:
    """The example app, `steps` stops in, its table showing that stop and the camera at rest."""
    frame = player_frame(page)
    for _ in range(steps):
        index = frame.evaluate("() => window.storymapState.index")
        page.keyboard.press("ArrowRight")
        frame.wait_for_function("(i) => window.storymapState.index === i + 1", arg=index)
        settle(frame)
    name = frame.evaluate("() => window.storymapState.config.stops[window.storymapState.index].name")
    page.get_by_role("heading", name=name).wait_for(timeout=20_000)


def check_drawn(page) -> None:
    """The check view with its table and map drawn (the map's canvas exists and a frame has passed)."""
    page.locator("[data-testid='stDataFrame']").wait_for(timeout=60_000)
    page.locator("[data-testid='stDeckGlJsonChart'] canvas").first.wait_for(timeout=60_000)
    page.wait_for_function("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => "
                           "done(true))))")


if __name__ == "__main__":
    sys.exit(main())
