"""Quote verification: normalisation, word boundaries, paragraphs, the article body, speakers, hints."""

from __future__ import annotations

import pytest

from storymap.quotes import (
    Article,
    BodyError,
    article,
    closest_passage,
    find_quote,
    normalize,
    speaker_named,
    unmarked_break,
)

SOURCE = "First para.\n\nKim’s   train “stopped” at Khasan –\nthe border.\n\nLast para, with more words."
PAGE = """Menu Home World Login

Kim arrived by train. He said the talks were illegal and unjust.

"We are certain of victory," the minister said.

Putin spoke last. The meeting ended at dusk.

7 comments
Bob: Kim said the talks were a sham. I am uncertain he lied.
"""


def test_normalize_folds_typography_and_whitespace():
    assert normalize("  Kim’s “train” — 2023…\n next ") == "Kim's \"train\" - 2023... next"


def test_found_across_line_breaks_and_typographic_marks():
    match = find_quote('Kim\'s train "stopped" at Khasan - the border', SOURCE)
    assert match is not None
    assert match.paragraph_index == 1
    assert match.paragraph == 'Kim’s train “stopped” at Khasan – the border.'


def test_a_changed_word_is_not_verbatim():
    assert find_quote("Kim's train stopped at Khasan", SOURCE) is None


def test_empty_quote_is_never_found():
    assert find_quote("   ", SOURCE) is None
    assert find_quote("[…]", SOURCE) is None


@pytest.mark.parametrize("quote", ["legal and unjust", "certain he lied", "ertain of victory", "Kim arrived by trai",
                                   "rived by train"])
def test_a_quote_must_start_and_end_on_word_boundaries(quote):
    assert find_quote(quote, PAGE) is None


@pytest.mark.parametrize("quote", ["illegal and unjust", "We are certain of victory", "Kim arrived by train.",
                                   '"We are certain', "unjust."])
def test_whole_words_are_found(quote):
    assert find_quote(quote, PAGE) is not None


def test_punctuation_next_to_a_word_is_a_boundary():
    assert find_quote("the talks were illegal", "He said (the talks were illegal).") is not None


def test_a_quote_across_a_paragraph_break_needs_the_mark():
    assert find_quote("First para. Kim's train", SOURCE) is None
    assert unmarked_break("First para. Kim's train", article(SOURCE)) == 0
    match = find_quote("First para. […] Kim's train", SOURCE)
    assert match is not None and (match.first, match.last) == (0, 1)
    assert find_quote("First para. [...] Kim's train", SOURCE) is not None


def test_the_mark_stands_for_the_break_and_nothing_else():
    # Words left out on either side of the mark are not verbatim.
    assert find_quote("First […] Kim's train", SOURCE) is None
    assert find_quote("First para. […] train", SOURCE) is None
    assert find_quote("Kim's train […] the border.", SOURCE) is None  # no break there
    # Paragraphs between two marks are quoted whole.
    assert find_quote("para. […] Kim's train \"stopped\" at Khasan - the border. […] Last para,", SOURCE) is not None
    assert find_quote("para. […] Kim's train […] Last para,", SOURCE) is None


def test_the_body_keeps_page_furniture_out():
    body = article(PAGE, "Kim arrived by train.", "The meeting ended at dusk.")
    assert len(body.paragraphs) == 3
    assert find_quote("Kim arrived by train", body) is not None
    assert find_quote("Menu Home", body) is None
    assert find_quote("I am uncertain he lied", body) is None
    assert find_quote("I am uncertain he lied", PAGE) is not None


def test_the_body_may_start_and_end_inside_paragraphs():
    body = article(PAGE, "He said the talks", "Putin spoke last.")
    assert body.paragraphs[0] == "He said the talks were illegal and unjust."
    assert body.paragraphs[-1] == "Putin spoke last."
    assert find_quote("Kim arrived", body) is None
    assert find_quote("The meeting ended", body) is None


@pytest.mark.parametrize(("start", "end", "message"), [
    ("Kim arrived by plane", "dusk.", "body.from 'Kim arrived by plane' is not in the source text"),
    ("Kim", "dusk.", "body.from 'Kim' occurs 2 times in the source text; add words until it occurs once"),
    ("Putin spoke last.", "Kim arrived by train.", "body.to 'Kim arrived by train.' is not in the source text after 'from'"),
    ("Putin", "usk.", "body.to 'usk.' is not in the source text"),
])
def test_body_markers_must_pin_down_one_article(start, end, message):
    with pytest.raises(BodyError) as caught:
        article(PAGE, start, end)
    assert str(caught.value).startswith(message)


def test_a_speaker_must_be_named_near_the_quote():
    body = article(PAGE, "Kim arrived by train.", "The meeting ended at dusk.")
    said = find_quote("We are certain of victory", body)
    assert speaker_named(["the minister"], body, said)
    assert speaker_named(["Kim"], body, said)      # the paragraph before
    assert speaker_named(["Putin"], body, said)    # the paragraph after
    assert not speaker_named(["Shoigu"], body, said)
    assert not speaker_named(["Pu"], body, said)   # whole words only
    far = Article(("Kim spoke.", "Filler one.", "Filler two.", "The quote."))
    assert not speaker_named(["Kim"], far, find_quote("The quote.", far))


def test_closest_passage_shows_the_near_miss():
    passage, ratio = closest_passage("Kim's train halted at Khasan", SOURCE)
    assert passage.startswith("Kim's train")
    assert 0.7 < ratio < 1


def test_closest_passage_of_nothing_like_it_is_weak():
    _, ratio = closest_passage("Completely unrelated words about Oslo weather", SOURCE)
    assert ratio < 0.5


def test_closest_passage_is_found_in_a_source_at_the_size_limit():
    # 2 MB of varied prose and an 80-word quote with one word changed (bench/ measures its cost).
    words = [f"word{i % 997} text{i % 89}" for i in range(160_000)]
    target = ("the train came slowly into the station at dawn and the band played while the governor "
              "waited on the platform with bread and salt for the guest who had travelled for two days "
              "across the border from the north in an armoured carriage painted dark green with gold "
              "trim that shone under the lamps as the crowd behind the barriers watched in silence and "
              "the cameras of the state television followed every step he took toward the waiting cars")
    text = " ".join(words[:80_000]) + "\n\n" + target + "\n\n" + " ".join(words[80_000:])
    changed = target.replace("governor", "mayor")
    passage, ratio = closest_passage(changed, text)
    assert passage.startswith("the train came slowly")
    assert ratio > 0.95
