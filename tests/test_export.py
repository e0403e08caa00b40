"""The static export: one safe, self-contained file; script-safe JSON; the command line."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser

import pytest
from helpers import BUILT_IN_STORY, FIXTURE_GEODATA, FIXTURE_STORIES

from storymap.catalog import load_bundle
from storymap.cli import main
from storymap.export import CONTENT_SECURITY_POLICY, export_html, inline_script, script_json
from storymap.story import load_story


class TagCounter(HTMLParser):
    """How many elements of each tag a browser's tokenizer would see."""

    def __init__(self):
        super().__init__()
        self.counts: dict[str, int] = {}

    def handle_starttag(self, tag, attrs):
        self.counts[tag] = self.counts.get(tag, 0) + 1


HOSTILE = "</script><script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3)) <!-- \u2028"


def test_script_json_cannot_close_its_script_element():
    text = script_json({"quote": HOSTILE})
    assert "<" not in text and ">" not in text and "\u2028" not in text
    assert json.loads(text) == {"quote": HOSTILE}


def test_inline_script_neutralises_closing_tags():
    assert inline_script('x = "</script>"; y = /<!--/') == 'x = "<\\/script>"; y = /<\\!--/'


@pytest.fixture(scope="module")
def built_in_html():
    return export_html(load_bundle(load_story(BUILT_IN_STORY)))


def test_one_self_contained_file(built_in_html):
    html = built_in_html
    assert f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">' in html
    assert "connect-src 'none'" in CONTENT_SECURITY_POLICY and "default-src 'none'" in CONTENT_SECURITY_POLICY
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html), "a remote resource is referenced"
    assert "@import" not in html and "<link" not in html
    assert len(html.encode()) < 2_000_000  # pydeck's offline single map is 4.3 MB of bundle alone
    config = json.loads(re.search(r'<script type="application/json" id="storymap-config">(.*?)</script>', html,
                                  re.S).group(1))
    assert config["data"]["route"]["type"] == config["data"]["basemap"]["type"] == "FeatureCollection"
    assert len(config["stops"]) == 7


def test_noscript_text_version(built_in_html):
    noscript = re.search(r"<noscript>(.*?)</noscript>", built_in_html, re.S).group(1)
    assert "Khasan border station" in noscript and "brass band received him" in noscript
    assert "BBN (rewrite of an AP report), Ethan Kim, 2023-09-12" in noscript


def test_hostile_text_is_escaped_everywhere(tmp_path):
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", tmp_path / "lisbon-tram-28")
    text = (FIXTURE_STORIES / "lisbon-tram-28.yaml").read_text(encoding="utf-8")
    story_file = tmp_path / "lisbon-tram-28.yaml"
    story_file.write_text(text.replace("summary: The tram sets off.", "summary: " + json.dumps(HOSTILE)), encoding="utf-8")
    html = export_html(load_bundle(load_story(story_file), FIXTURE_GEODATA), FIXTURE_GEODATA)
    # Only '</script' can end a script element: exactly our four (JSON-LD, config, deck.gl, player) end.
    assert html.count("</script") == 4
    config_block = re.search(r'id="storymap-config">(.*?)</script>', html, re.S).group(1)
    assert "<" not in config_block
    assert json.loads(config_block)["stops"][0]["summary"] == " ".join(HOSTILE.split())  # U+2028 folds as whitespace
    tags = TagCounter()
    tags.feed(html)
    # Our own links only: the Portuguese source's live page and archived copy, in the no-script version.
    assert tags.counts["script"] == 4 and "img" not in tags.counts and tags.counts["a"] == 2
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html  # in the noscript version, as text


def test_cli_export(tmp_path, capsys):
    target = tmp_path / "out" / "story.html"
    assert main(["export", str(BUILT_IN_STORY), "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert "bytes); open it from disk" in capsys.readouterr().err


def test_cli_export_of_a_story_without_geodata_is_a_clear_error(tmp_path, capsys):
    assert main(["export", str(FIXTURE_STORIES / "lisbon-tram-28.yaml"), "--geodata-dir", str(tmp_path),
                 "-o", str(tmp_path / "x.html")]) == 1
    assert "lisbon-tram-28.route.geojson is missing; run: python -m storymap route" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()
