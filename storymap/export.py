"""The static export: one self-contained HTML file per story, for newsrooms that can host a file.

Pipeline: story → locate → route → deck → **export**. The file holds the same player as the page
(storymap/player/: CSS, the minimal deck.gl bundle, player.js), the story config, the route and
the basemap, all inline. It makes no network request (a Content-Security-Policy forbids any), so it
works from file:// with the network off. Data is written into a `<script type="application/json">`
with `<`, `>`, `&` and U+2028/2029 escaped, so a quote containing `</script>` cannot end the block;
pydeck's `to_html` writes data unescaped, which is one reason the export does not use it.
"""

from __future__ import annotations

import base64
import json
from html import escape
from pathlib import Path

from storymap.catalog import StoryBundle
from storymap.deck import player_config
from storymap.paths import GEODATA_DIR
from storymap.textversion import text_version_html

PLAYER_DIR = Path(__file__).resolve().parent / "player"
# No request of any kind may leave the file: scripts and styles are inline, images only data:/blob:.
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                           "img-src data: blob:; font-src data:; connect-src 'none'; worker-src blob:; "
                           "base-uri 'none'; form-action 'none'")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(data: object) -> str:
    """JSON safe inside an HTML <script> element: no character sequence in it can close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return "".join(_JSON_ESCAPES.get(ch, ch) for ch in text)


def inline_script(source: str) -> str:
    """JavaScript safe to inline: a literal '</script' or '<!--' (in a string or regex) cannot end the element."""
    return source.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT").replace("<!--", "<\\!--")


def _share_tags(story, words: dict, card_name: str | None) -> list[str]:
    """Open Graph and Twitter card tags; the card image is named as the file written beside the export."""
    description = " ".join((story.dek or story.title).split())
    tags = ['<meta property="og:type" content="article">',
            f'<meta property="og:title" content="{escape(story.title)}">',
            f'<meta property="og:description" content="{escape(description)}">',
            f'<meta name="twitter:title" content="{escape(story.title)}">',
            f'<meta name="twitter:description" content="{escape(description)}">']
    if card_name:
        tags += [f'<meta property="og:image" content="{escape(card_name)}">',
                 '<meta property="og:image:width" content="1200">', '<meta property="og:image:height" content="630">',
                 f'<meta property="og:image:alt" content="{escape(words["card_alt"].format(title=story.title))}">',
                 '<meta name="twitter:card" content="summary_large_image">',
                 f'<meta name="twitter:image" content="{escape(card_name)}">']
    else:
        tags.append('<meta name="twitter:card" content="summary">')
    return tags


def static_fallback(png: bytes, alt: str, live_url: str | None) -> str:
    """The route as a picture, for readers whose platform runs no scripts (AMP, Apple News, e-mail)."""
    image = (f'<img class="static-map" src="data:image/png;base64,{base64.b64encode(png).decode()}" '
             f'alt="{escape(alt)}" width="1200" height="630" style="max-width:100%;height:auto">')
    return f'<p><a href="{escape(live_url)}">{image}</a></p>' if live_url else f"<p>{image}</p>"


def export_html(bundle: StoryBundle, geodata_dir: Path = GEODATA_DIR, *, card: bytes | None = None,
                card_name: str | None = None, live_url: str | None = None) -> str:
    """The whole story as one self-contained HTML document; with `card` (the share card's PNG) its
    no-script version opens with that picture, linked to `live_url`, and `card_name` is its file's name
    for the share tags."""
    story = bundle.story
    config = player_config(bundle, data={"route": bundle.route, "basemap": bundle.basemap},
                           start={"stop": None, "mode": "page", "autoplay": False, "dwell_override": None,
                                  "loop": False})
    css = (PLAYER_DIR / "player.css").read_text(encoding="utf-8").replace("</style", "<\\/style")
    deck = (PLAYER_DIR / "deckgl.min.js").read_text(encoding="utf-8")
    player = (PLAYER_DIR / "player.js").read_text(encoding="utf-8")
    return "\n".join([
        "<!doctype html>",
        f'<html lang="{escape(story.language)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{escape(story.title)}</title>",
        *_share_tags(story, config["ui"], card_name),
        f'<script type="application/ld+json">{script_json(config["json_ld"])}</script>',
        f"<style>{css}</style>",
        "</head>",
        "<body>",
        f'<main id="storymap" class="storymap" data-state="loading"><noscript><div class="panel">'
        f'{static_fallback(card, config["ui"]["card_alt"].format(title=story.title), live_url) if card else ""}'
        f'{text_version_html(config, intro=True)}</div></noscript></main>',
        f'<script type="application/json" id="storymap-config">{script_json(config)}</script>',
        f"<script>{inline_script(deck)}</script>",
        f"<script>{inline_script(player)}</script>",
        "</body>",
        "</html>",
        "",
    ])
