"""storymap.receipts: anchors, fingerprints, JSON-LD and methods, checked against the stored texts themselves."""

from __future__ import annotations

import hashlib
import json
import shutil
from urllib.parse import unquote

import pytest
from helpers import BUILT_IN_STORY, FIXTURE_GEODATA, FIXTURE_STORIES

from storymap.catalog import load_bundle
from storymap.cli import main
from storymap.deck import player_config
from storymap.errors import StoryError
from storymap.quotes import article, find_quote, normalize, quote_parts
from storymap.receipts import (
    FingerprintError,
    _span,
    fragment_url,
    json_ld,
    passage,
    quote_receipt,
    record_fingerprints,
    stored_position,
)
from storymap.story import load_story, parse_story

START = {"stop": None, "mode": "page", "autoplay": False, "dwell_override": None}


def fixture_copy(tmp_path, text: str | None = None):
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", tmp_path / "lisbon-tram-28")
    path = tmp_path / "lisbon-tram-28.yaml"
    path.write_text(text or (FIXTURE_STORIES / "lisbon-tram-28.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return path


@pytest.mark.parametrize("story_path", [BUILT_IN_STORY, FIXTURE_STORIES / "lisbon-tram-28.yaml"], ids=["kim", "lisbon"])
def test_every_receipt_points_at_the_quote_in_the_stored_file(story_path):
    story = load_story(story_path)
    count = 0
    for stop in story.stops:
        for quote in stop.quotes:
            receipt = quote_receipt(story, quote)
            words = quote.original.text if quote.original else quote.text
            stored = story.source_text(quote.source)
            selector = receipt["selector"]
            # The anchor is the quote: same words, and the passage holds prefix + exact + suffix.
            assert [normalize(p) for p in selector["exact"].split("\n\n")] == quote_parts(words)
            assert selector["prefix"] + selector["exact"] + selector["suffix"] in receipt["passage"]
            assert receipt["passage_sha256"] == hashlib.sha256(receipt["passage"].encode()).hexdigest()
            source_file = story_path.parent / story.source(quote.source).text
            assert receipt["source_sha256"] == hashlib.sha256(source_file.read_bytes()).hexdigest()
            position = receipt["position"]
            assert normalize(stored[position["start"]:position["end"]]).replace(" ", "") == \
                normalize(selector["exact"]).replace(" ", "")
            count += 1
    assert count == sum(len(stop.quotes) for stop in story.stops) > 0


def test_a_quote_across_a_paragraph_break_spans_both_paragraphs():
    source = article("First para ends here.\n\nSecond para begins there and goes on.")
    match = find_quote("ends here. […] Second para begins", source)
    text = passage(source, match)
    start, end = _span("ends here. […] Second para begins", source, match)
    assert text == "First para ends here.\n\nSecond para begins there and goes on."
    assert text[start:end] == "ends here.\n\nSecond para begins"


def test_an_ellipsis_character_keeps_printed_offsets():
    source = article("He said… then we left the station at dawn.")
    match = find_quote("then we left", source)
    start, end = _span("then we left", source, match)
    assert source.original(0)[start:end] == "then we left"


def test_the_stored_position_is_the_occurrence_inside_the_article_not_a_menu_copy():
    stored = "Menu\n\nThe train left at dawn.\n\nArticle start.\n\nThe train left at dawn.  Then   it rained."
    position = stored_position(stored, "Article start.", "The train left at dawn. Then it rained.",
                               "The train left at dawn.", 0)
    assert position["start"] == stored.rindex("The train left")
    assert stored[position["start"]:position["end"]] == "The train left at dawn."


def test_the_text_fragment_names_the_passage_and_escapes_its_own_syntax():
    selector = {"exact": "well-known words, and more", "prefix": "It said ", "suffix": " to all."}
    url = fragment_url("https://news.example/a#top", selector)
    assert url == "https://news.example/a#:~:text=It%20said-,well%2Dknown%20words%2C%20and%20more,-to%20all."
    long = {"exact": " ".join(f"w{i}" for i in range(30)), "prefix": "", "suffix": ""}
    directive = fragment_url("https://news.example/a", long).split("#:~:text=")[1]
    assert [unquote(part) for part in directive.split(",")] == ["w0 w1 w2 w3 w4", "w25 w26 w27 w28 w29"]


def test_a_changed_source_text_fails_until_its_fingerprint_is_updated(tmp_path):
    path = fixture_copy(tmp_path)
    assert record_fingerprints(path, load_story(path)) == ["fixture-guide", "fixture-guia"]
    assert record_fingerprints(path, load_story(path)) == []  # idempotent
    source = tmp_path / "lisbon-tram-28" / "sources" / "fixture-guide.txt"
    source.write_text(source.read_text(encoding="utf-8").replace("squealing", "squeaking"), encoding="utf-8")
    with pytest.raises(StoryError) as caught:
        load_story(path)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    (problem,) = caught.value.problems
    assert str(problem).endswith(
        f"lisbon-tram-28.yaml:15:5: sources[0].sha256: the stored text 'lisbon-tram-28/sources/fixture-guide.txt' "
        f"changed since its fingerprint was recorded (the file's SHA-256 is now {digest}); if the change is meant, "
        "check that every quote from 'fixture-guide' still reads as it should, add a correction if the story was "
        f"published, and set sha256: {digest}")
    # record never overwrites a fingerprint: the person who checked the quotes does that.
    assert main(["fingerprint", str(path)]) == 1


def test_fingerprints_in_flow_style_sources_are_left_to_the_author(tmp_path):
    path = fixture_copy(tmp_path)
    text = (FIXTURE_STORIES / "lisbon-tram-28.yaml").read_text(encoding="utf-8")
    block = text[text.index("  - id: fixture-guia\n"):text.index("corrections:")]
    one_line = text.replace(block, "  - {id: fixture-guia, outlet: storymap test fixtures, headline: Um passeio, language: pt, "
                            "text: lisbon-tram-28/sources/guia-pt.txt, body: {from: No Largo das Portas, to: pelo Chiado.}}\n")
    path.write_text(one_line, encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(FingerprintError, match=r"sources\[1\]: its fields are not one per line; add sha256: [0-9a-f]{64}"):
        record_fingerprints(path, load_story(path))
    assert path.read_bytes() == before  # nothing half-written


def test_a_translated_quote_is_checked_in_its_source_language(tmp_path):
    path = fixture_copy(tmp_path)
    text = path.read_text(encoding="utf-8")
    story = load_story(path)
    (translated,) = [q for s in story.stops for q in s.quotes if q.original]
    assert quote_receipt(story, translated)["selector"]["exact"] == "a vista abre-se sobre os telhados de Alfama até ao rio"
    cases = {
        "original: {text: a vista abre-se sobre os telhados de Alfama até ao rio, language: pt}":
            ("original: {text: a vista abre-se sobre os telhados de Lisboa até ao rio, language: pt}",
             "stops[1].quotes[1].original.text: quote not found verbatim in source 'fixture-guia'; closest passage"),
        "language: pt}\n        translated_by": ("language: es}\n        translated_by",
             "stops[1].quotes[1].original.language: 'es' is not the language of source 'fixture-guia' ('pt')"),
        "        original: {text: a vista abre-se sobre os telhados de Alfama até ao rio, language: pt}\n"
        "        translated_by: the storymap test desk\n": ("",
             "stops[1].quotes[1].text: source 'fixture-guia' is in 'pt' and the story in 'en'; give the source's "
             "words under original:"),
        "        translated_by: the storymap test desk\n": ("",
             "stops[1].quotes[1]: 'original' and 'translated_by' go together"),
    }
    for old, (new, says) in cases.items():
        assert old in text, old
        with pytest.raises(StoryError) as caught:
            parse_story(text.replace(old, new), "t.yaml", base_dir=tmp_path)
        assert any(says in str(p) for p in caught.value.problems), (says, [str(p) for p in caught.value.problems])


def test_the_json_ld_is_schema_org_quotations_based_on_the_cited_articles():
    story = load_story(FIXTURE_STORIES / "lisbon-tram-28.yaml")
    data = json.loads(json.dumps(json_ld(story)))
    assert data["@context"] == "https://schema.org" and data["@type"] == "CreativeWork"
    cited = {article["@id"]: article for article in data["citation"]}
    assert all(a["@type"] == "NewsArticle" and a["identifier"]["propertyID"] == "sha256" for a in cited.values())
    assert len(data["hasPart"]) == 3
    for item in data["hasPart"]:
        assert item["@type"] == "Quotation" and item["isBasedOn"]["@id"] in cited
    (translated,) = [item for item in data["hasPart"] if "translationOfWork" in item]
    assert translated["translationOfWork"]["inLanguage"] == "pt"
    assert translated["translator"] == {"@type": "Person", "name": "the storymap test desk"}
    assert data["dateModified"] == "2024-05-03" and data["correction"][0]["@type"] == "CorrectionComment"


def test_the_config_carries_sources_corrections_and_methods_from_the_data():
    config = player_config(load_bundle(load_story(FIXTURE_STORIES / "lisbon-tram-28.yaml"), FIXTURE_GEODATA),
                           data={"route": "r", "basemap": "b"}, start=START)
    assert [s["id"] for s in config["sources"]] == ["fixture-guide", "fixture-guia"]
    assert [s["language"] for s in config["sources"]] == ["en", "pt"]
    assert not any(s["fingerprint_recorded"] for s in config["sources"])
    assert config["updated_label"] == "Updated Friday 3 May 2024"
    assert config["corrections"][0]["what"] == "The Portuguese guide was added as a second source."
    assert config["methods"] == [
        "3 of 3 stops were pinned by the curators: Martim Moniz (Tram stop at the square, read off the fixture's "
        "map.); Portas do Sol (The viewpoint terrace.); Prazeres (The terminus beside the cemetery gate.).",
        "1 of 2 legs are drawn through 1 stations, towns and via-points along the way, so they follow the real line "
        "only approximately.",
        "1 leg is drawn as a straight line between its stops.",
        "Distances are measured along the drawn lines, so they can be shorter than the real ones."]
