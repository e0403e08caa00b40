"""Leaving the page: a share card and a printable handout, drawn by the story's own player.

Pipeline: story → locate → route → deck → export → **media**. Both are made from the export (the
same player, config and data as the page) opened in headless Chromium with every request outside
the file refused, so they cannot drift from what a reader sees. Moves are instant (reduced motion)
and every picture is taken once the player says the camera is at rest and two frames have been
drawn: observable states, never a fixed wait.

Needs Playwright and a Chromium (Debian's `chromium`, or STORYMAP_CHROMIUM); the commands say how
to install them when they are missing.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from html import escape
from pathlib import Path

from storymap.catalog import StoryBundle
from storymap.errors import StorymapError
from storymap.export import export_html

CARD_SIZE = (1200, 630)  # Open Graph's and Twitter's large card
HANDOUT_MAP_SIZE = (1000, 520)
CHROMIUM_ENV = "STORYMAP_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
# No background traffic to Google; software WebGL (SwiftShader) for deck.gl on machines without a GPU.
CHROMIUM_ARGS = ["--no-sandbox", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-quic", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]
READY_SECONDS = 60
INSTALL = ("pip install -r requirements-media.txt, and Debian's chromium (apt-get install chromium) or "
           f"{CHROMIUM_ENV}=<path to a Chromium>")
# Pictures are of the map alone: the panel is the page's. The card adds the story's title over it.
MAP_ONLY_CSS = """
.storymap > .panel, .storymap .map-controls, .storymap .wheel-hint, .storymap .overlay { display: none !important; }
.storymap { display: block !important; }
.storymap > .map { position: fixed !important; inset: 0 !important; width: 100vw !important; height: 100vh !important;
  max-height: none !important; }
"""
CARD_TITLE_WIDTH = 400  # the title has its own column: it never covers the route
CARD_CSS = MAP_ONLY_CSS + f"""
.storymap .legend {{ display: none !important; }}
.storymap > .map {{ left: {CARD_TITLE_WIDTH}px !important; width: calc(100vw - {CARD_TITLE_WIDTH}px) !important; }}
.storymap-card {{ position: fixed; left: 0; top: 0; bottom: 0; width: {CARD_TITLE_WIDTH}px; box-sizing: border-box;
  padding: 44px 30px; background: var(--bg); color: var(--text); border-right: 4px solid var(--route-done);
  font-family: inherit; z-index: 3; }}
.storymap-card h1 {{ font-size: 36px; line-height: 1.15; margin: 0 0 16px; }}
.storymap-card p {{ font-size: 21px; color: var(--muted); margin: 0; }}
"""
# The card's title column, from the config the player loaded; text only, via textContent.
CARD_TITLE = """() => { const c = window.storymapState.config; const card = document.createElement('div');
  card.className = 'storymap-card'; const title = document.createElement('h1'); title.textContent = c.story.title;
  const when = document.createElement('p');
  when.textContent = c.story.date_range_label + ' · ' + c.story.total_km_label;
  card.append(title, when); document.body.appendChild(card); }"""
SETTLED = "() => { const s = window.storymapState; return s && s.ready && !s.animation && !s.cameraMove; }"
TWO_FRAMES = ("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => "
              "setTimeout(done, 0))))")


class MediaError(StorymapError):
    """A card or handout could not be made; the message says why and what to do."""


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium through Playwright, or MediaError saying how to get one."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise MediaError(f"making pictures needs Playwright; install it: {INSTALL}") from None
    executable = os.environ.get(CHROMIUM_ENV, DEFAULT_CHROMIUM)
    if not Path(executable).exists():
        raise MediaError(f"no Chromium at {executable}; install it: {INSTALL}")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        except PlaywrightError as exc:
            raise MediaError(f"Chromium at {executable} did not start ({str(exc).splitlines()[0]})") from None
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def _export_file(bundle: StoryBundle) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="storymap-media-") as folder:
        path = Path(folder) / f"{bundle.story.id}.html"
        path.write_text(export_html(bundle), encoding="utf-8")
        yield path


def _player_page(browser, path: Path, size: tuple[int, int], css: str | None = None):
    """The export in a page of this size, offline, with reduced motion, once the map is drawn and at rest."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, device_scale_factor=1,
                                  reduced_motion="reduce", color_scheme="light")
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    if css:  # in place before the player lays out, so its first fit is for the picture's map
        context.add_init_script("document.addEventListener('DOMContentLoaded', () => { const s = "
                                "document.createElement('style'); s.textContent = " + json.dumps(css) +
                                "; document.head.appendChild(s); });")
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_function("() => ['ready', 'failed'].includes(document.getElementById('storymap').dataset.state)",
                           timeout=READY_SECONDS * 1000)
    if page.evaluate("() => document.getElementById('storymap').dataset.state") != "ready":
        reason = page.evaluate("() => document.getElementById('storymap').innerText.slice(0, 300)")
        raise MediaError(f"the player could not draw the story: {reason}")
    _settle(page)
    return context, page


def _settle(page) -> None:
    page.wait_for_function("() => window.storymapState.frames > 0", timeout=READY_SECONDS * 1000)
    page.wait_for_function(SETTLED, timeout=READY_SECONDS * 1000)
    page.evaluate(TWO_FRAMES)


def card_png(bundle: StoryBundle, browser=None) -> bytes:
    """The share card: the whole route with the story's title, CARD_SIZE pixels, PNG."""
    with contextlib.ExitStack() as stack:
        browser = browser or stack.enter_context(chromium())
        path = stack.enter_context(_export_file(bundle))
        context, page = _player_page(browser, path, CARD_SIZE, CARD_CSS)
        stack.callback(context.close)
        page.evaluate(CARD_TITLE)
        page.evaluate(TWO_FRAMES)
        return page.screenshot(type="png")


def _go(page, index: int) -> None:
    # The export's documented host command; a message the page posts to itself is a trusted event.
    page.evaluate("(i) => window.postMessage({type: 'storymap:goto', index: i}, '*')", index)
    page.wait_for_function(f"() => window.storymapState.index === {index}", timeout=READY_SECONDS * 1000)
    _settle(page)


def map_pictures(bundle: StoryBundle, browser, size: tuple[int, int] = HANDOUT_MAP_SIZE) -> list[bytes]:
    """PNG pictures of the map: the whole trip, then each stop, as the player shows them."""
    with _export_file(bundle) as path:
        context, page = _player_page(browser, path, size, MAP_ONLY_CSS)
        try:
            pictures = [page.locator(".storymap > .map").screenshot(type="png")]
            for index in range(len(bundle.story.stops)):
                _go(page, index)
                pictures.append(page.locator(".storymap > .map").screenshot(type="png"))
            return pictures
        finally:
            context.close()


def _image(png: bytes, alt: str) -> str:
    return f'<img src="data:image/png;base64,{base64.b64encode(png).decode()}" alt="{escape(alt)}">'


HANDOUT_CSS = """
@page { size: A4; margin: 14mm 14mm 16mm; }
body { font: 10.5pt/1.4 "DejaVu Serif", Georgia, serif; color: #1d1b18; margin: 0; }
h1 { font: 700 22pt/1.15 "DejaVu Sans", sans-serif; margin: 0 0 6pt; }
h2 { font: 700 16pt/1.2 "DejaVu Sans", sans-serif; margin: 0 0 4pt; }
.page { break-after: page; }
.page:last-child { break-after: auto; }
img { width: 100%; border: 0.5pt solid #b9b2a6; margin: 6pt 0; }
.when, .dek, .byline, .muted { color: #5b554c; }
blockquote { margin: 8pt 0; padding: 4pt 10pt; border-left: 3pt solid #a4262c; background: #f4f1ec; }
blockquote footer { font-size: 9.5pt; color: #5b554c; }
.note { background: #e8f0f8; padding: 4pt 8pt; font-size: 10pt; }
code { font-size: 8pt; word-break: break-all; }
li { margin: 3pt 0; }
"""


def handout_html(bundle: StoryBundle, pictures: list[bytes]) -> str:
    """The handout as HTML we build (every story string escaped): a cover, a page per stop, the sources."""
    from storymap.deck import player_config

    config = player_config(bundle, data={"route": "", "basemap": ""},
                           start={"stop": None, "mode": "page", "autoplay": False, "dwell_override": None})
    story, words = config["story"], config["ui"]
    pages = []
    cover = [f"<h1>{escape(story['title'])}</h1>"]
    for key, css in (("dek", "dek"), ("byline", "byline")):
        if story.get(key):
            cover.append(f'<p class="{css}">{escape(story[key])}</p>')
    if config.get("updated_label"):
        cover.append(f"<p class=\"muted\"><em>{escape(config['updated_label'])}</em></p>")
    cover.append(f"<p class=\"when\">{escape(story['date_range_label'])} · {escape(story['total_km_label'])}</p>")
    route_alt = words["map_label"].format(km=story["total_km_label"], first=config["stops"][0]["name"],
                                          last=config["stops"][-1]["name"])
    cover.append(_image(pictures[0], route_alt))
    cover.append("<ol>" + "".join(f"<li>{escape(s['name'])} — {escape(s['date_label'])}</li>" for s in config["stops"])
                 + "</ol>")
    pages.append("".join(cover))
    for stop, picture in zip(config["stops"], pictures[1:]):
        body = [f"<h2>{stop['index'] + 1}. {escape(stop['name'])}</h2>",
                f"<p class=\"when\">{escape(stop['when_label'])} · {escape(stop['km_label'])}</p>",
                _image(picture, stop["name"]), f"<p>{escape(stop['summary'])}</p>"]
        for quote in stop["quotes"]:
            said = (words["quoted_by"].format(speaker=quote["speaker"], attribution=quote["attribution"])
                    if quote.get("speaker") else quote["attribution"])
            original = ""
            if quote.get("original"):
                original = (f"<p class=\"muted\" lang=\"{escape(quote['original']['language'])}\">"
                            f"{escape(quote['original']['text'])}</p>")
            body.append(f"<blockquote><p>“{escape(quote['text'])}”</p>{original}<footer>— {escape(said)}</footer>"
                        "</blockquote>")
        if stop.get("no_quote"):
            body.append(f"<p class=\"muted\"><em>{escape(words['no_quote'] + stop['no_quote'])}</em></p>")
        for note in stop["sources_differ"]:
            body.append(f"<p class=\"note\">{escape(words['sources_differ'] + note['note'])}</p>")
        pages.append("".join(body))
    end = [f"<h2>{escape(words['sources'])}</h2><ol>"]
    for source in config["sources"]:
        end.append(f"<li><cite>{escape(source['headline'])}</cite> — {escape(source['attribution'])}"
                   f"{' · ' + escape(source['url']) if source['url'] else ''}<br>"
                   f"<code>SHA-256 {escape(source['sha256'])}</code></li>")
    end.append("</ol>")
    for note in config["disagreements"]:
        end.append(f"<p class=\"note\">{escape(words['sources_differ'] + note['note'])}</p>")
    if config["corrections"]:
        end.append(f"<h2>{escape(words['corrections'])}</h2><ul>" + "".join(
            f"<li>{escape(words['correction_item'].format(date=c['date_label'], what=c['what'], why=c['why']))}</li>"
            for c in config["corrections"]) + "</ul>")
    end.append(f"<h2>{escape(words['methods'])}</h2><ul>" + "".join(f"<li>{escape(m)}</li>" for m in config["methods"])
               + "</ul>")
    credits = [c for c in [config["credits"], *config["map_credits"]] if c]
    end.append(f"<h2>{escape(words['credits'])}</h2><ul>" + "".join(f"<li>{escape(c)}</li>" for c in credits) + "</ul>")
    pages.append("".join(end))
    sections = "".join(f'<section class="page">{page}</section>' for page in pages)
    return (f'<!doctype html><html lang="{escape(story["language"])}"><head><meta charset="utf-8">'
            f"<title>{escape(story['title'])}</title><style>{HANDOUT_CSS}</style></head><body>{sections}</body></html>")


def handout_pdf(bundle: StoryBundle, browser=None) -> bytes:
    """The printable handout as PDF (A4): a cover with the whole route, a page per stop, the sources."""
    with contextlib.ExitStack() as stack:
        browser = browser or stack.enter_context(chromium())
        html = handout_html(bundle, map_pictures(bundle, browser))
        context = browser.new_context()
        stack.callback(context.close)
        context.route("**/*", lambda route: route.abort())  # the handout is self-contained: data: images only
        page = context.new_page()
        page.set_content(html, wait_until="load")
        return page.pdf(format="A4", print_background=True, display_header_footer=True,
                        header_template="<span></span>",
                        footer_template='<div style="font-size:8pt;width:100%;text-align:center;color:#777">'
                                        '<span class="pageNumber"></span> / <span class="totalPages"></span></div>',
                        margin={"top": "14mm", "bottom": "16mm", "left": "14mm", "right": "14mm"})
