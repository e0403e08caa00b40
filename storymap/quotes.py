"""Quote verification: is a quote verbatim in its source's article, and where (story step of the pipeline).

"Verbatim" allows only what copying from a web page changes: runs of whitespace, typographic
quote marks and apostrophes, dashes, non-breaking spaces and the ellipsis character. Everything else,
down to a comma, must match, and:

- a quote starts and ends on word boundaries of the source (`legal` is not found inside `illegal`);
- a quote lies inside one paragraph, unless it marks each paragraph break with `[…]` (or `[...]`),
  which stands for the break and nothing else: the words before it end one paragraph, the words
  after it begin the next;
- a quote lies inside the article: each source declares the first and last words of its article
  (`body: {from:, to:}`), so menus, author boxes and reader comments around it are never quotable.

When a quote is not found we show the closest passage, so the curator sees at once whether it is a
typo, a paraphrase or the wrong source.
"""

from __future__ import annotations

import difflib
import functools
import heapq
import itertools
import re
import unicodedata
from dataclasses import dataclass

CLOSEST_PASSAGE_CHARS = 160
# The convention for a quote that runs across paragraphs: this mark stands for each break.
PARAGRAPH_MARK = "[…]"
# How far around the quote a speaker's name is looked for: this many paragraphs before and after.
SPEAKER_PARAGRAPHS = 1
# Char-level similarity is quadratic: past this many characters the hint compares words instead.
_CHAR_RATIO_LIMIT = 2_000
_CANDIDATES = 8
_FINALISTS = 3

_TYPOGRAPHIC = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2026": "...",
})
_SPACE = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_MARK = re.compile(r"\s*\[\.\.\.\]\s*")  # PARAGRAPH_MARK after normalize()


def normalize(text: str) -> str:
    """Text as compared for quoting: NFC, plain quote marks and dashes, single spaces."""
    text = unicodedata.normalize("NFC", text).translate(_TYPOGRAPHIC)
    return _SPACE.sub(" ", text).strip()


def paragraphs(text: str) -> list[str]:
    """The source's paragraphs (blocks separated by blank lines), whitespace kept as stored."""
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _bounded(text: str, start: int, end: int) -> bool:
    """True when text[start:end] does not begin or end in the middle of a word of `text`."""
    if start > 0 and _is_word(text[start - 1]) and _is_word(text[start]):
        return False
    return not (end < len(text) and _is_word(text[end - 1]) and _is_word(text[end]))


def find_words(needle: str, text: str, start: int = 0) -> list[int]:
    """Every start of `needle` in `text` (both normalised) on word boundaries."""
    found, at = [], text.find(needle, start)
    while at >= 0 and needle:
        if _bounded(text, at, at + len(needle)):
            found.append(at)
        at = text.find(needle, at + 1)
    return found


class BodyError(ValueError):
    """A source's `body` markers do not pin down its article; the message says which and how to fix."""


@dataclass(frozen=True)
class Article:
    """The quotable part of a source: its article's paragraphs, normalised, in order; and the same
    paragraphs as the source prints them (typography kept, whitespace collapsed), for readers."""

    paragraphs: tuple[str, ...]
    originals: tuple[str, ...] = ()

    def original(self, index: int) -> str:
        return self.originals[index] if self.originals else self.paragraphs[index]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@functools.lru_cache(maxsize=16)
def article(source_text: str, body_from: str | None = None, body_to: str | None = None) -> Article:
    """The article inside a stored page: from the first words `body_from` to the last words `body_to`.

    Each marker must occur exactly once (on word boundaries) and `to` after `from`; BodyError otherwise.
    """
    originals = [_SPACE.sub(" ", unicodedata.normalize("NFC", block)).strip() for block in paragraphs(source_text)]
    blocks = [block.translate(_TYPOGRAPHIC) for block in originals]
    if body_from is None and body_to is None:
        return Article(tuple(blocks), tuple(originals))

    def unique(marker: str, field: str, after: tuple[int, int] = (0, 0)) -> tuple[int, int]:
        needle = normalize(marker)
        hits = [(i, at) for i, block in enumerate(blocks) for at in find_words(needle, block)]
        hits_after = [hit for hit in hits if hit >= after]
        if not hits_after:
            where = " after 'from'" if hits else ""
            raise BodyError(f"body.{field} {marker!r} is not in the source text{where}; copy the "
                            f"{'first' if field == 'from' else 'last'} words of the article exactly, "
                            "within one paragraph")
        if len(hits) > 1:
            raise BodyError(f"body.{field} {marker!r} occurs {len(hits)} times in the source text; "
                            "add words until it occurs once")
        return hits_after[0]

    first, start = unique(body_from, "from") if body_from else (0, 0)
    if body_to:
        last, at = unique(body_to, "to", (first, start))
        end = at + len(normalize(body_to))
    else:
        last, end = len(blocks) - 1, len(blocks[-1]) if blocks else 0
    def cut(index: int, begin: int, stop: int | None) -> tuple[str, str]:
        raw = originals[index]
        return blocks[index][begin:stop], raw[_raw_offset(raw, begin):None if stop is None else _raw_offset(raw, stop)]

    if first == last:
        inside = [cut(first, start, end)]
    else:
        inside = [cut(first, start, None), *((blocks[i], originals[i]) for i in range(first + 1, last)),
                  cut(last, 0, end)]
    inside = [pair for pair in inside if pair[0]]
    return Article(tuple(p for p, _ in inside), tuple(o for _, o in inside))


def _raw_offset(raw: str, offset: int) -> int:
    """The offset in a paragraph as printed that matches `offset` in its normalised form (… is 3 there)."""
    if "\u2026" not in raw:
        return offset
    seen = 0
    for index, char in enumerate(raw):
        if seen >= offset:
            return index
        seen += 3 if char == "\u2026" else 1
    return len(raw)


@dataclass(frozen=True)
class QuoteMatch:
    """Where a quote stands in its article: paragraphs first..last (equal unless it marks breaks)."""

    first: int
    last: int
    start: int  # offset of the quote in paragraph `first`
    paragraph: str  # the paragraph holding the quote's start, as the source prints it

    @property
    def paragraph_index(self) -> int:
        return self.first


def quote_parts(quote: str) -> list[str]:
    """A quote split at its paragraph marks, normalised."""
    return [part.strip() for part in _MARK.split(normalize(quote))]


def find_quote(quote: str, source: Article | str) -> QuoteMatch | None:
    """Where the quote is verbatim in the article, on word boundaries and within its paragraphs; else None."""
    source_article = article(source) if isinstance(source, str) else source
    blocks = source_article.paragraphs
    parts = quote_parts(quote)
    if not all(parts):
        return None
    if len(parts) == 1:
        for index, block in enumerate(blocks):
            hits = find_words(parts[0], block)
            if hits:
                return QuoteMatch(index, index, hits[0], source_article.original(index))
        return None
    # Across breaks: ends paragraph i, fills the paragraphs between whole, begins paragraph i+k.
    k = len(parts) - 1
    for index in range(len(blocks) - k):
        head = blocks[index]
        start = len(head) - len(parts[0])
        if not head.endswith(parts[0]) or not _bounded(head, start, len(head)):
            continue
        if any(blocks[index + j] != parts[j] for j in range(1, k)):
            continue
        tail = blocks[index + k]
        if tail.startswith(parts[-1]) and _bounded(tail, 0, len(parts[-1])):
            return QuoteMatch(index, index + k, start, source_article.original(index))
    return None


def unmarked_break(quote: str, source: Article) -> int | None:
    """When a quote without marks runs across a paragraph break, the index of the paragraph it starts in."""
    needle = normalize(quote)
    joined = " ".join(source.paragraphs)
    for at in find_words(needle, joined):
        offset = 0
        for index, block in enumerate(source.paragraphs):
            offset += len(block) + 1
            if at < offset:
                return index
    return None


def speaker_named(names: list[str], source: Article, match: QuoteMatch) -> bool:
    """True when one of the names stands, as whole words, in the quote's paragraphs or those around them."""
    low = max(0, match.first - SPEAKER_PARAGRAPHS)
    high = min(len(source.paragraphs), match.last + SPEAKER_PARAGRAPHS + 1)
    window = " ".join(source.paragraphs[low:high])
    return any(find_words(normalize(name), window) for name in names if normalize(name))


def closest_passage(quote: str, source: Article | str) -> tuple[str, float]:
    """The source passage most like the quote (same word count), and how alike they are (0..1).

    Linear in the source: each window is ranked by how many of its words the quote has (prefix sums
    over one pass), a few of the best windows in different places are compared word by word, and only
    the winner letter by letter; a hint for a long quote in a source at the size limit costs
    milliseconds, not minutes (bench/ section 8).
    """
    text = normalize(source) if isinstance(source, str) else " ".join(source.paragraphs)
    needle = " ".join(part for part in quote_parts(quote) if part)
    want = needle.split(" ") if needle else []
    words = text.split(" ") if text else []
    if not want or not words:
        return "", 0.0
    width = min(len(want), len(words))
    wanted = set(want)
    sums = [0, *itertools.accumulate(word in wanted for word in words)]
    scores = [sums[start + width] - sums[start] for start in range(len(words) - width + 1)]
    order = heapq.nlargest(_CANDIDATES * max(4, width), range(len(scores)), key=scores.__getitem__)
    chosen: list[int] = []
    for start in order:  # the best windows that do not overlap each other much
        if all(abs(start - other) >= max(1, width // 2) for other in chosen):
            chosen.append(start)
            if len(chosen) == _CANDIDATES:
                break
    by_words = difflib.SequenceMatcher(autojunk=False)
    by_words.set_seq2(want)
    ranked = []
    for start in chosen:
        by_words.set_seq1(words[start:start + width])
        ranked.append((by_words.ratio(), -start))
    finalists = [-start for _, start in sorted(ranked, reverse=True)[:_FINALISTS]]
    best, best_ratio = "", -1.0
    for start in finalists:
        window = " ".join(words[start:start + width])
        if len(needle) <= _CHAR_RATIO_LIMIT:
            ratio = difflib.SequenceMatcher(None, window, needle, autojunk=False).ratio()
        else:
            ratio = max(r for r, s in ranked if -s == start)
        if ratio > best_ratio:
            best, best_ratio = window, ratio
    if len(best) > CLOSEST_PASSAGE_CHARS:
        best = best[:CLOSEST_PASSAGE_CHARS].rsplit(" ", 1)[0] + " …"
    return best, best_ratio
