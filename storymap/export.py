"""The static export: one self-contained HTML file per story, for newsrooms that can host a file.

Pipeline: story → locate → route → deck → **export**. The file holds the same player as the page
(storymap/player/: CSS, the minimal deck.gl bundle, player.js), the story config, the route and
the basemap, all inline. It makes no network request (a Content-Security-Policy forbids any), so it
works from file:// with the network off. Data is written into a `<script type="application/json">`
with `<`, `>`, `&` and U+2028/2029 escaped, so a quote containing `</script>` cannot end the block;
pydeck's `to_html` writes data unescaped, which is one reason the export does not use it.
"""

from __future__ import annotations

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


def export_html(bundle: StoryBundle, geodata_dir: Path = GEODATA_DIR) -> str:
    """The whole story as one self-contained HTML document."""
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
        f"<style>{css}</style>",
        "</head>",
        "<body>",
        f'<div id="storymap" class="storymap" data-state="loading"><noscript><div class="panel">'
        f'{text_version_html(config, intro=True)}</div></noscript></div>',
        f'<script type="application/json" id="storymap-config">{script_json(config)}</script>',
        f"<script>{inline_script(deck)}</script>",
        f"<script>{inline_script(player)}</script>",
        "</body>",
        "</html>",
        "",
    ])
