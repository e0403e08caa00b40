"""Receipts: what lets a reader check a quote instead of trusting it (deck step of the pipeline).

For every verified quote:
- a W3C Web Annotation TextQuoteSelector (`exact`, `prefix`, `suffix`) against the passage it came
  from, and a TextPositionSelector (`start`, `end`, code points) in the stored source text;
- the passage itself (the paragraph or paragraphs as the source prints them, whitespace collapsed)
  with its SHA-256, and the SHA-256 of the whole stored source file, so the export can re-check the
  quote offline (player's verify.js) and anyone holding the source can check the file with `sha256sum`;
- a link to the live page with a text fragment (`#:~:text=`), where the source has a URL.

Also here: the schema.org JSON-LD of a story (Quotation items based on NewsArticle sources), the
methods note written from the data, and `record_fingerprints`, which writes missing `sha256:` lines
into a story file.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import quote as percent

from storymap.files import write_atomic
from storymap.quotes import Article, QuoteMatch, _raw_offset, find_quote, quote_parts
from storymap.text import attribution

SELECTOR_CONTEXT_CHARS = 32  # as hypothes.is does: enough to tell repeated words apart
FRAGMENT_WORDS = 5  # a text fragment names a long quote by its first and last words
PASSAGE_JOIN = "\n\n"


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def passage(source: Article, match: QuoteMatch) -> str:
    """The quote's paragraph (or paragraphs, for a quote across breaks) as the source prints them."""
    return PASSAGE_JOIN.join(source.original(i) for i in range(match.first, match.last + 1))


def _span(words: str, source: Article, match: QuoteMatch) -> tuple[int, int]:
    """Where the quote's words stand in `passage(source, match)`: (start, end), printed offsets."""
    parts = quote_parts(words)
    first = source.original(match.first)
    start = _raw_offset(first, match.start)
    if match.first == match.last:
        return start, _raw_offset(first, match.start + len(parts[0]))
    before_last = sum(len(source.original(i)) + len(PASSAGE_JOIN) for i in range(match.first, match.last))
    return start, before_last + _raw_offset(source.original(match.last), len(parts[-1]))


def text_quote_selector(text: str, start: int, end: int) -> dict:
    """A W3C TextQuoteSelector for text[start:end]."""
    return {"type": "TextQuoteSelector", "exact": text[start:end],
            "prefix": text[max(0, start - SELECTOR_CONTEXT_CHARS):start],
            "suffix": text[end:end + SELECTOR_CONTEXT_CHARS]}


def _loose(printed: str) -> str:
    """A pattern for printed text in the stored file, where any whitespace run may stand for a space."""
    return r"\s+".join(re.escape(token) for token in printed.split())


def stored_position(stored: str, article_start: str | None, printed_passage: str, exact: str,
                    offset_in_passage: int) -> dict | None:
    """A W3C TextPositionSelector for the quote in the stored text, or None when the file's own form
    (e.g. not NFC) keeps it from being found."""
    begin = 0
    if article_start:
        found = re.search(_loose(article_start), stored)
        begin = found.start() if found else 0
    found = re.compile(_loose(printed_passage)).search(stored, begin)
    if found is None:
        return None
    # The quote's words are the passage's words from the one at the quote's start.
    skip = len(printed_passage[:offset_in_passage].split())
    hit = re.compile(_loose(exact)).search(stored, found.start())
    while hit is not None and hit.start() < found.end():
        if len(stored[found.start():hit.start()].split()) == skip:
            return {"type": "TextPositionSelector", "start": hit.start(), "end": hit.end()}
        hit = re.compile(_loose(exact)).search(stored, hit.start() + 1)
    return None


def fragment_url(url: str, selector: dict) -> str:
    """The live page scrolled to the passage: a URL text fragment (WICG scroll-to-text)."""
    def encode(text: str) -> str:
        return percent(" ".join(text.split()), safe="").replace("-", "%2D")

    words = selector["exact"].split()
    if len(words) > 2 * FRAGMENT_WORDS:
        directive = f"{encode(' '.join(words[:FRAGMENT_WORDS]))},{encode(' '.join(words[-FRAGMENT_WORDS:]))}"
    else:
        directive = encode(selector["exact"])
    prefix = selector["prefix"].split()[-3:]
    suffix = selector["suffix"].split()[:3]
    if prefix:
        directive = f"{encode(' '.join(prefix))}-,{directive}"
    if suffix:
        directive = f"{directive},-{encode(' '.join(suffix))}"
    return f"{url.split('#', 1)[0]}#:~:text={directive}"


def quote_receipt(story, quote) -> dict | None:
    """Everything a reader needs to re-find one quote; None when it is not (or no longer) found."""
    source = story.source(quote.source)
    article = story.article(quote.source)
    words = quote.original.text if quote.original else quote.text
    match = find_quote(words, article)
    if match is None:
        return None
    text = passage(article, match)
    start, end = _span(words, article, match)
    selector = text_quote_selector(text, start, end)
    return {
        "passage": text,
        "passage_sha256": sha256_text(text),
        "source_sha256": story.source_sha256(source.id),
        "selector": selector,
        "position": stored_position(story.source_text(source.id), source.body.from_, text, selector["exact"], start),
        "fragment_url": fragment_url(source.url, selector) if source.url else None,
    }


# --- the sources, corrections and methods as the page lists them -------------------------------


def sources_list(story) -> list[dict]:
    """Each source with its fingerprint, in the story's order."""
    out = []
    for source in story.sources:
        out.append({
            "id": source.id,
            "attribution": attribution(source),
            "headline": source.headline,
            "url": source.url,
            "archived_url": source.archived_url,
            "retrieved": source.retrieved,
            "language": story.source_language(source),
            "sha256": story.source_sha256(source.id),
            "fingerprint_recorded": source.sha256 is not None,
        })
    return out


def methods(story, located: dict, route: dict, words: dict) -> list[str]:
    """How the map was made, in plain sentences generated from the data (never typed by hand)."""
    stops = len(story.stops)
    pinned = [(stop.name, stop.place.pin.reason) for stop in story.stops if stop.place.pin]
    by_provider: dict[str, int] = {}
    for index in range(stops):
        found = located.get(("stops", index, "place"))
        if found is not None and found.provider != "pin":
            by_provider[found.provider] = by_provider.get(found.provider, 0) + 1
    lines = []
    if by_provider:
        named = ", ".join(f"{count} {words['method_provider_' + provider]}"
                          for provider, count in sorted(by_provider.items()))
        lines.append(words["method_geocoded"].format(count=sum(by_provider.values()), total=stops, providers=named))
    if pinned:
        reasons = "; ".join(f"{name} ({' '.join(reason.split())})" for name, reason in pinned)
        lines.append(words["method_pinned"].format(count=len(pinned), total=stops, reasons=reasons))
    legs = route["features"]
    traced = [leg for leg in legs if leg["properties"]["traced_through"]]
    if traced:
        towns = sum(len(leg["properties"]["traced_through"]) for leg in traced)
        lines.append(words["method_traced"].format(count=len(traced), total=len(legs), towns=towns))
    if len(traced) < len(legs):
        straight = len(legs) - len(traced)
        lines.append(words["method_straight_one"] if straight == 1 else words["method_straight"].format(count=straight))
    published = sum(1 for leg in story.legs if leg.distance is not None)
    if published:
        lines.append(words["method_distance_published"].format(count=published, total=len(legs)))
    elif legs:
        lines.append(words["method_distance"])
    estimated = [stop for stop in story.stops if stop.time is None]
    if estimated:
        lines.append(words["method_estimated"].format(count=len(estimated), total=stops))
    return lines


# --- schema.org JSON-LD -----------------------------------------------------------------------


def _person(name: str | None) -> dict | None:
    return {"@type": "Person", "name": name} if name else None


def _drop_empty(data: dict) -> dict:
    return {key: value for key, value in data.items() if value not in (None, [], "")}


def source_article(story, source) -> dict:
    """A source as a schema.org NewsArticle."""
    return _drop_empty({
        "@type": "NewsArticle",
        "@id": f"#source-{source.id}",
        "headline": source.headline,
        "publisher": {"@type": "Organization", "name": source.outlet},
        "author": _person(source.author),
        "datePublished": source.published,
        "url": source.url,
        "archivedAt": source.archived_url,
        "inLanguage": story.source_language(source),
        "identifier": {"@type": "PropertyValue", "propertyID": "sha256", "value": story.source_sha256(source.id)},
    })


def json_ld(story) -> dict:
    """The story's quotes as schema.org Quotation items, each based on its source NewsArticle."""
    quotations = []
    for stop in story.stops:
        for quote in stop.quotes:
            speaker = _person(quote.speaker)
            item = {
                "@type": "Quotation",
                "text": " ".join(quote.text.split()),
                "inLanguage": story.language,
                "spokenByCharacter": speaker,
                "creator": speaker,
                "isBasedOn": {"@id": f"#source-{quote.source}"},
                "contentLocation": {"@type": "Place", "name": stop.name},
            }
            if quote.original:
                item["translator"] = _person(quote.translated_by)
                item["translationOfWork"] = {"@type": "Quotation", "text": " ".join(quote.original.text.split()),
                                             "inLanguage": quote.original.language}
            quotations.append(_drop_empty(item))
    corrections = [{"@type": "CorrectionComment", "datePublished": c.date,
                    "text": f"{' '.join(c.what.split())} {' '.join(c.why.split())}"} for c in story.corrections]
    return _drop_empty({
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "name": story.title,
        "inLanguage": story.language,
        "dateModified": story.corrections[-1].date if story.corrections else None,
        "correction": corrections,
        "hasPart": quotations,
        "citation": [source_article(story, source) for source in story.sources],
    })


# --- recording fingerprints into a story file ----------------------------------------------------


class FingerprintError(ValueError):
    """A fingerprint could not be written into the story file; the message says what to do instead."""


def record_fingerprints(path: Path, story) -> list[str]:
    """Write `sha256:` under each source that has none (a line after its `text:`); the ids recorded.

    Never changes a recorded fingerprint: a changed text fails validation until a person updates it."""
    lines = Path(path).read_text(encoding="utf-8").splitlines(keepends=True)
    recorded = []
    # From the bottom up, so earlier line numbers stay right.
    for index in reversed(range(len(story.sources))):
        source = story.sources[index]
        if source.sha256 is not None:
            continue
        line, _ = story.locate_field(("sources", index, "text"))
        row = lines[line - 1]
        key = re.match(r"^(\s*(?:-\s+)?)text\s*:", row)
        if key is None:
            raise FingerprintError(f"{story.path}:{line}: sources[{index}]: its fields are not one per line; add "
                                   f"sha256: {story.source_sha256(source.id)} under text: yourself")
        indent = " " * len(key.group(1))
        ending = "\n" if row.endswith("\n") else ""
        if not ending:
            lines[line - 1] = row + "\n"
        lines.insert(line, f"{indent}sha256: {story.source_sha256(source.id)}\n")
        recorded.append(source.id)
    if recorded:
        write_atomic(Path(path), "".join(lines))
    return list(reversed(recorded))

