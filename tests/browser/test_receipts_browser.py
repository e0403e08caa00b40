"""Receipts in a real browser: "Verify quotes" in the export, the quote in its paragraph, JSON-LD on the page."""

from __future__ import annotations

import json
import re

import pytest
from browser_support import ROOT, SCREENSHOTS, player_frame
from test_export_browser import offline_page, ready

from storymap.catalog import load_bundle
from storymap.export import export_html, script_json
from storymap.story import load_story

pytestmark = pytest.mark.browser
CONFIG_BLOCK = re.compile(r'(<script type="application/json" id="storymap-config">)(.*?)(</script>)', re.S)


@pytest.fixture(scope="module")
def export_text():
    return export_html(load_bundle(load_story(ROOT / "stories" / "kim-russia-2023.yaml")))


def verify(page) -> tuple[str, str]:
    page.locator("details.sources-list").evaluate("(node) => node.scrollIntoView()")
    page.get_by_role("button", name="Verify quotes").click()
    result = page.locator(".verify-result")
    page.wait_for_function("() => ['passed', 'failed'].includes(document.querySelector('.verify-result').dataset.outcome)",
                           timeout=20_000)
    return result.get_attribute("data-outcome"), result.inner_text()


def test_verify_quotes_passes_on_the_first_story_offline(browser, export_text, tmp_path):
    path = tmp_path / "kim-russia-2023.html"
    path.write_text(export_text, encoding="utf-8")
    context, page = offline_page(browser)
    try:
        page.goto(path.as_uri())
        ready(page)
        outcome, text = verify(page)
        total = page.evaluate("() => window.storymapState.config.stops.reduce((n, s) => n + s.quotes.length, 0)")
        assert total == 15
        assert (outcome, text) == ("passed", "15 of 15 quotes found in passages whose fingerprints match.")
        assert page.blocked == [] and page.dialogs == []
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "receipts-verify-passed.png"))
    finally:
        context.close()


def test_one_word_changed_in_one_embedded_passage_fails_that_quote_by_name(browser, export_text, tmp_path):
    head, block, tail = CONFIG_BLOCK.search(export_text).groups()
    config = json.loads(block)
    stop = config["stops"][2]
    quote = stop["quotes"][0]
    receipt = quote["receipt"]
    assert " jet " in receipt["passage"]
    receipt["passage"] = receipt["passage"].replace(" jet ", " jets ", 1)
    tampered = CONFIG_BLOCK.sub(lambda m: m.group(1) + script_json(config) + m.group(3), export_text, count=1)
    path = tmp_path / "tampered.html"
    path.write_text(tampered, encoding="utf-8")
    context, page = offline_page(browser)
    try:
        page.goto(path.as_uri())
        ready(page)
        outcome, text = verify(page)
        assert outcome == "failed"
        assert text.startswith("14 of 15 quotes found in passages whose fingerprints match. Failed: ")
        assert f"{stop['name']}: “{quote['text'][:30]}" in text and "(passage changed)" in text
        assert text.count("(passage changed)") == 1
    finally:
        context.close()


def test_the_export_carries_json_ld_that_parses(export_text):
    (data,) = [json.loads(block) for block in
               re.findall(r'<script type="application/ld\+json">(.*?)</script>', export_text, re.S)]
    assert data["@context"] == "https://schema.org"
    assert len([q for q in data["hasPart"] if q["@type"] == "Quotation"]) == 15
    assert {a["@type"] for a in data["citation"]} == {"NewsArticle"}


def test_read_in_context_marks_the_quote_in_its_paragraph(browser, export_text, tmp_path):
    path = tmp_path / "kim-russia-2023.html"
    path.write_text(export_text, encoding="utf-8")
    context, page = offline_page(browser)
    try:
        page.goto(path.as_uri() + "#stop=komsomolsk")
        ready(page)
        details = page.locator(".chapter details.context").first
        details.locator("summary").click()
        mark = details.locator("mark")
        mark.wait_for(state="visible")
        exact = page.evaluate("() => window.storymapState.config.stops[2].quotes[0].receipt.selector.exact")
        assert mark.inner_text() == exact
        paragraph = details.locator(".passage p").first.inner_text()
        assert len(paragraph) > len(exact) and exact in paragraph
        box, viewport = mark.bounding_box(), page.viewport_size
        assert box and box["width"] > 0 and box["y"] >= 0 and box["y"] < viewport["height"]
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "receipts-read-in-context.png"))
    finally:
        context.close()


def test_the_page_player_carries_the_story_json_ld(page, server):
    page.goto(server.url + "/?story=kim-russia-2023")
    frame = player_frame(page)
    blocks = frame.evaluate("() => [...document.querySelectorAll('script[type=\"application/ld+json\"]')]"
                            ".map((s) => s.textContent)")
    (data,) = [json.loads(block) for block in blocks]
    assert data["name"] == "Kim Jong Un's armoured train through Russia's Far East"
    assert len(data["hasPart"]) == 15


def test_a_fixture_story_shows_its_correction_and_both_languages_of_a_translated_quote(browser, tmp_path):
    fixtures = ROOT / "tests" / "fixtures"
    path = tmp_path / "lisbon.html"
    path.write_text(export_html(load_bundle(load_story(fixtures / "stories" / "lisbon-tram-28.yaml"),
                                            fixtures / "geodata")), encoding="utf-8")
    context, page = offline_page(browser)
    try:
        page.goto(path.as_uri() + "#stop=portas-do-sol")
        ready(page)
        assert page.locator(".panel .updated").inner_text() == "Updated Friday 3 May 2024"
        corrections = page.locator("details.corrections")
        corrections.locator("summary").click()
        assert corrections.locator("li").inner_text() == ("Friday 3 May 2024: The Portuguese guide was added as a "
                                                          "second source. A reader asked for a source in the city's "
                                                          "own language.")
        translated = page.locator(".chapter blockquote", has_text="as far as the river")
        original = translated.locator("q[lang=pt]")
        assert original.inner_text() == "a vista abre-se sobre os telhados de Alfama até ao rio"
        assert "Translated by the storymap test desk; original (pt):" in translated.locator(".original").inner_text()
        translated.locator("details.context summary").click()
        assert translated.locator("mark").inner_text() == "a vista abre-se sobre os telhados de Alfama até ao rio"
        assert translated.locator(".passage p").first.get_attribute("lang") == "pt"
        link = translated.locator(".passage a")
        assert link.inner_text() == "Open the source at this passage"
        # prefix-,first five words,last five words,-suffix (an eleven-word quote)
        assert link.get_attribute("href") == ("https://example.org/storymap-fixture/guia-28#:~:text="
                                              "Portas%20do%20Sol%2C-,a%20vista%20abre%2Dse%20sobre%20os,"
                                              "de%20Alfama%20at%C3%A9%20ao%20rio,-.")
        assert link.get_attribute("rel") == "noopener noreferrer"
        outcome, text = verify(page)
        assert (outcome, text) == ("passed", "3 of 3 quotes found in passages whose fingerprints match.")
    finally:
        context.close()
