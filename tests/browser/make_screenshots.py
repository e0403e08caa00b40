"""The README's screenshot set: the page on a phone, on a laptop, and in presentation mode.

    python tests/browser/make_screenshots.py [--out docs]

Starts the app on a free loopback port (as the browser tests do), opens each view in Debian's
chromium at one device pixel per CSS pixel, waits until the map is drawn and the camera is at rest,
and writes docs/screenshot-{phone,laptop,present}.png. A picture over MAX_BYTES is stored with a
reduced palette instead (the map's flat colours survive it).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from browser_support import CHROMIUM, CHROMIUM_ARGS, ROOT, Server, player_frame  # noqa: E402

MAX_BYTES = 250_000
STORY = "kim-russia-2023"
# name: (window width, height, query string after ?story=...)
VIEWS = {
    "phone": (390, 844, "&stop=vostochny"),
    "laptop": (1280, 720, "&stop=pacific-fleet"),
    "present": (1280, 720, "&stop=vostochny&mode=present"),
}


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
    options = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright
    server = Server()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for name, (width, height, query) in VIEWS.items():
                context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
                page = context.new_page()
                page.goto(f"{server.url}/?story={STORY}{query}")
                player_frame(page)
                png = small_png(page.screenshot())
                path = options.out / f"screenshot-{name}.png"
                path.write_bytes(png)
                print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({len(png):,} bytes)")
                context.close()
            browser.close()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
