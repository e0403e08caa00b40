"""Quote verification: is a quote verbatim in its source text, and where (story step of the pipeline).

"Verbatim" allows only what copying from a web page changes: runs of whitespace, typographic
quote marks and apostrophes, dashes, non-breaking spaces and the ellipsis character. Everything else,
down to a comma, must match. When a quote is not found we show the closest passage, so the curator
sees at once whether it is a typo, a paraphrase or the wrong source.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

CLOSEST_PASSAGE_CHARS = 160

_TYPOGRAPHIC = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2026": "...",
})
_SPACE = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def normalize(text: str) -> str:
    """Text as compared for quoting: NFC, plain quote marks and dashes, single spaces."""
    text = unicodedata.normalize("NFC", text).translate(_TYPOGRAPHIC)
    return _SPACE.sub(" ", text).strip()


def paragraphs(text: str) -> list[str]:
    """The source's paragraphs (blocks separated by blank lines), whitespace kept as stored."""
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


@dataclass(frozen=True)
class QuoteMatch:
    """Where a quote stands in its source: the paragraph that holds its start."""

    paragraph_index: int
    paragraph: str


def find_quote(quote: str, source_text: str) -> QuoteMatch | None:
    """The paragraph holding the quote, or None when the quote is not verbatim in the source."""
    needle = normalize(quote)
    if not needle:
        return None
    blocks = paragraphs(source_text)
    for index, block in enumerate(blocks):
        if needle in normalize(block):
            return QuoteMatch(index, block)
    # A quote may run across a paragraph break: search the whole text, then find where it starts.
    joined = [normalize(block) for block in blocks]
    whole = " ".join(joined)
    start = whole.find(needle)
    if start < 0:
        return None
    offset = 0
    for index, block in enumerate(joined):
        offset += len(block) + 1
        if start < offset:
            return QuoteMatch(index, blocks[index])
    return None  # pragma: no cover - start < len(whole) always lands in a block


def closest_passage(quote: str, source_text: str) -> tuple[str, float]:
    """The source passage most like the quote (same word count), and how alike they are (0..1)."""
    needle = normalize(quote)
    words = normalize(source_text).split(" ")
    width = max(1, len(needle.split(" ")))
    best, best_ratio = "", 0.0
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(needle)
    for start in range(0, max(1, len(words) - width + 1)):
        window = " ".join(words[start:start + width])
        matcher.set_seq1(window)
        if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = window, ratio
    if len(best) > CLOSEST_PASSAGE_CHARS:
        best = best[:CLOSEST_PASSAGE_CHARS].rsplit(" ", 1)[0] + " …"
    return best, best_ratio
