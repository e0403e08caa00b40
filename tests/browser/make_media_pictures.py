"""The README's pictures of what leaves the page: a frame of the video and a page of the handout.

    python tests/browser/make_media_pictures.py [--out docs]

Both of the first story, made by the commands' own functions in Debian's chromium: the video's frame
at the second stop, with its first quote (docs/video-frame.png), and the handout's first stop
page rendered by pdftoppm (docs/handout-page.png). Pictures over MAX_BYTES get a reduced palette.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from browser_support import ROOT  # noqa: E402
from make_screenshots import small_png  # noqa: E402

sys.path.insert(0, str(ROOT))
from storymap.catalog import load_bundle  # noqa: E402
from storymap.media import chromium, handout_pdf  # noqa: E402
from storymap.story import load_story  # noqa: E402
from storymap.video import video_frame  # noqa: E402

STORY = ROOT / "stories" / "kim-russia-2023.yaml"
HANDOUT_DPI = 72  # an A4 page 595 px wide: the README shows it as a thumbnail


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs"))
    out = Path(parser.parse_args().out)
    bundle = load_bundle(load_story(STORY))
    with chromium() as browser:
        frame = video_frame(bundle, 1, 0.3, browser=browser)  # at the cosmodrome, its first quote
        (out / "video-frame.png").write_bytes(small_png(frame))
        pdf = handout_pdf(bundle, browser)
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "trip.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", str(HANDOUT_DPI), "-f", "2", "-l", "2", "-singlefile",
                        str(Path(folder) / "trip.pdf"), str(Path(folder) / "page")], check=True)
        (out / "handout-page.png").write_bytes(small_png((Path(folder) / "page.png").read_bytes()))
    for name in ("video-frame.png", "handout-page.png"):
        print(f"wrote {out / name} ({(out / name).stat().st_size:,} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
