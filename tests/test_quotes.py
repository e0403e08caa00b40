"""Quote verification: normalisation, finding the paragraph, the closest passage."""

from __future__ import annotations

from storymap.quotes import closest_passage, find_quote, normalize, paragraphs

SOURCE = "First para.\n\nKim’s   train “stopped” at Khasan –\nthe border.\n\nLast para, with more words."


def test_normalize_folds_typography_and_whitespace():
    assert normalize("  Kim’s “train” — 2023…\n next ") == "Kim's \"train\" - 2023... next"


def test_found_across_line_breaks_and_typographic_marks():
    match = find_quote('Kim\'s train "stopped" at Khasan - the border', SOURCE)
    assert match is not None
    assert match.paragraph_index == 1
    assert match.paragraph.startswith("Kim’s")


def test_a_changed_word_is_not_verbatim():
    assert find_quote("Kim's train stopped at Khasan", SOURCE) is None


def test_quote_spanning_paragraphs_is_found_at_its_start():
    match = find_quote("First para. Kim's train", SOURCE)
    assert match is not None and match.paragraph_index == 0


def test_empty_quote_is_never_found():
    assert find_quote("   ", SOURCE) is None


def test_closest_passage_shows_the_near_miss():
    passage, ratio = closest_passage("Kim's train halted at Khasan", SOURCE)
    assert passage.startswith("Kim's train")
    assert 0.6 < ratio < 1


def test_paragraphs_split_on_blank_lines():
    assert paragraphs(SOURCE)[0] == "First para."
    assert len(paragraphs(SOURCE)) == 3
