"""storymap.media through the command line: the share card, the handout PDF and the export's static fallback."""

from __future__ import annotations

import base64
import re
import subprocess
import sys

import pytest
from browser_support import ROOT, SCREENSHOTS

from storymap.story import load_story

pytestmark = pytest.mark.browser
FIXTURES = ROOT / "tests" / "fixtures"
LISBON = FIXTURES / "stories" / "lisbon-tram-28.yaml"
GEODATA = ["--geodata-dir", str(FIXTURES / "geodata")]


def storymap(*args: str) -> subprocess.CompletedProcess:
    """The command as a user runs it (its own Chromium, beside the tests' own)."""
    return subprocess.run([sys.executable, "-m", "storymap", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def colour_shares(browser, png: bytes) -> list[float]:
    """The shares of the image's most common colours (quantised to 32 levels), largest first."""
    page = browser.new_page()
    try:
        return page.evaluate("""async (src) => {
            const image = new Image(); image.src = src; await image.decode();
            const canvas = document.createElement('canvas'); canvas.width = image.width; canvas.height = image.height;
            const context = canvas.getContext('2d'); context.drawImage(image, 0, 0);
            const data = context.getImageData(0, 0, image.width, image.height).data, counts = new Map();
            for (let i = 0; i < data.length; i += 4) {
                const key = (data[i] >> 3) << 10 | (data[i + 1] >> 3) << 5 | (data[i + 2] >> 3);
                counts.set(key, (counts.get(key) || 0) + 1);
            }
            return [...counts.values()].sort((a, b) => b - a).slice(0, 8).map((n) => n / (data.length / 4));
        }""", "data:image/png;base64," + base64.b64encode(png).decode())
    finally:
        page.close()


def pdf_text(path) -> str:
    return " ".join(subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


def pdf_pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def test_the_card_is_1200_by_630_with_map_and_title(browser, tmp_path):
    target = tmp_path / "card.png"
    run = storymap("card", str(LISBON), "-o", str(target), *GEODATA)
    assert run.returncode == 0, run.stderr
    png = target.read_bytes()
    assert png_size(png) == (1200, 630)
    shares = colour_shares(browser, png)
    # The title column, land and water each cover a good part; no one colour is the whole card.
    assert shares[0] < 0.75 and sum(share > 0.04 for share in shares) >= 3, shares
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / "media-card-lisbon.png").write_bytes(png)


def test_the_handout_has_a_cover_a_page_per_stop_and_the_sources(tmp_path):
    target = tmp_path / "trip.pdf"
    run = storymap("handout", str(LISBON), "-o", str(target), *GEODATA)
    assert run.returncode == 0, run.stderr
    story = load_story(LISBON)
    assert pdf_pages(target) == 1 + len(story.stops) + 1
    text = pdf_text(target)
    for stop in story.stops:
        assert stop.name in text
        for quote in stop.quotes:
            assert " ".join(quote.text.split()) in text, quote.text
            if quote.original:
                assert quote.original.text in text
    for source in story.sources:
        assert f"SHA-256 {story.source_sha256(source.id)}" in text
    assert "Updated Friday 3 May 2024" in text and "How this map was made" in text


def test_the_first_story_handout_carries_every_quote(tmp_path):
    target = tmp_path / "kim.pdf"
    run = storymap("handout", str(ROOT / "stories" / "kim-russia-2023.yaml"), "-o", str(target))
    assert run.returncode == 0, run.stderr
    story = load_story(ROOT / "stories" / "kim-russia-2023.yaml")
    assert pdf_pages(target) >= 2 + len(story.stops)
    text = pdf_text(target).replace("’", "'")
    quotes = [q for s in story.stops for q in s.quotes]
    assert len(quotes) == 15
    for quote in quotes:
        assert " ".join(quote.text.split()).replace("’", "'") in text, quote.text


def test_the_export_with_its_card_names_it_for_sharing_and_shows_it_without_javascript(browser, tmp_path):
    target = tmp_path / "dist" / "lisbon-tram-28.html"
    run = storymap("export", str(LISBON), "-o", str(target), "--with-card", "--live-url",
                   "https://news.example/lisbon?x=1&y=2", *GEODATA)
    assert run.returncode == 0, run.stderr
    card = target.with_name("lisbon-tram-28.card.png")
    assert png_size(card.read_bytes()) == (1200, 630)
    html = target.read_text(encoding="utf-8")
    assert '<meta property="og:image" content="lisbon-tram-28.card.png">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    context = browser.new_context(java_script_enabled=False, viewport={"width": 800, "height": 900})
    try:
        page = context.new_page()
        page.goto(target.as_uri())
        image = page.locator("noscript img.static-map, img.static-map").first
        assert image.evaluate("(img) => img.complete && img.naturalWidth") == 1200
        assert image.evaluate("(img) => img.closest('a').href") == "https://news.example/lisbon?x=1&y=2"
        assert page.locator("blockquote p", has_text="Tram 28 leaves Martim Moniz and climbs into Graça").is_visible()
        page.screenshot(path=str(SCREENSHOTS / "media-export-no-javascript.png"))
    finally:
        context.close()


def test_a_live_url_that_is_not_http_is_refused_in_one_line():
    run = storymap("export", str(LISBON), "--live-url", "javascript:alert(1)", *GEODATA)
    assert run.returncode == 2 and "'javascript:alert(1)' is not an http(s) URL" in run.stderr
