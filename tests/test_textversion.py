"""The text version: everything the player shows, as escaped HTML we build."""

from __future__ import annotations

import re

from storymap.textversion import text_version_html
from storymap.words import ui

HOSTILE = "<script>alert(1)</script> [x](javascript:alert(1)) :smile: www.evil.example $x$"


def config(**story):
    quote = {"text": HOSTILE, "attribution": "Outlet, 2024-05-01", "speaker": "A & B", "context": "said <here>"}
    translated = dict(quote, text="Rain <today>", original={"text": "Chuva <hoje>", "language": "pt"},
                      translated_by="Ana <Tradutora>")
    stop = {"id": "a", "name": "Stop <A>", "when_label": "Wednesday 1 May 2024", "km_label": "0 km",
            "summary": "Summary", "quotes": [quote, translated], "no_quote": None,
            "local_names": [{"lang": "pt", "name": "Paragem <A>"}, {"lang": "zh-Hant", "name": "站 A"}],
            "sources_differ": [{"note": "Outlet says 1 May, the other 2 May", "sources": ["s"]}]}
    quiet = dict(stop, id="b", name="Stop B", quotes=[], no_quote="No source quotes anyone here.", sources_differ=[],
                 local_names=[])
    source = {"headline": "Head <line>", "attribution": "Outlet, 2024-05-01", "url": "https://news.example/a?x=1&y=<2>",
              "archived_url": None, "retrieved": "2024-05-03", "language": "pt", "sha256": "ab" * 32,
              "fingerprint_recorded": False}
    return {"story": {"title": "T", "dek": None, "language": "en", **story}, "stops": [stop, quiet],
            "disagreements": [{"note": "Where did they meet?", "sources": []}], "credits": "By the desk",
            "map_credits": ["Map: GSHHG"], "ui": ui("en"), "sources": [source],
            "corrections": [{"date_label": "4 May 2024", "what": "Fixed <a> date.", "why": "A reader wrote."}],
            "updated_label": "Updated 4 May 2024", "methods": ["2 of 2 stops were <pinned>."]}


def test_story_text_is_escaped_and_only_our_tags_remain():
    html = text_version_html(config())
    assert "&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1)) :smile: www.evil.example $x$" in html
    tags = set(re.findall(r"</?([a-z0-9]+)", html))
    assert tags <= {"div", "h2", "h3", "p", "ol", "ul", "li", "blockquote", "footer", "em", "strong", "q", "small",
                    "cite", "code", "br", "a", "span"}, tags
    assert '<a href="https://news.example/a?x=1&amp;y=&lt;2&gt;" rel="noopener noreferrer">live page</a>' in html
    for text in ("Chuva &lt;hoje&gt;", "Ana &lt;Tradutora&gt;", "Head &lt;line&gt;", "Fixed &lt;a&gt; date.",
                 "2 of 2 stops were &lt;pinned&gt;."):
        assert text in html, text
    assert "— A &amp; B, quoted by Outlet, 2024-05-01" in html and "said &lt;here&gt;" in html


def test_it_has_every_note_the_player_shows():
    html = text_version_html(config(dek="A dek"), intro=True)
    for text in ("Sources differ", "Outlet says 1 May, the other 2 May", "No source quotes anyone here.",
                 "Where the sources differ", "Where did they meet?", "Map: GSHHG", "By the desk", "A dek",
                 "The interactive map needs JavaScript",
                 "Wednesday 1 May 2024 · 0 km", "Updated 4 May 2024", "Corrections", "4 May 2024: Fixed",
                 "How this map was made", "Sources", "SHA-256 of the stored text: " + "ab" * 32,
                 "(not yet recorded in the story)", "retrieved 2024-05-03", '<q lang="pt">',
                 "Translated by Ana &lt;Tradutora&gt;; original (pt):"):
        assert text in html, text


def test_local_names_carry_their_language():
    html = text_version_html(config())
    assert '<p><span lang="pt">Paragem &lt;A&gt;</span> · <span lang="zh-Hant">站 A</span></p>' in html
    assert html.count("<span") == 2   # the stop without local names has no empty line


def test_the_linked_stop_is_marked_once():
    html = text_version_html(config(), current="b")
    assert html.count("(linked stop)") == 1
    assert "<h3>Stop B <em>(linked stop)</em></h3>" in html
    assert "(linked stop)" not in text_version_html(config(), current=None)
