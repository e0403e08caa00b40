"""Loading and checking story files: YAML text → a valid `Story` or a `StoryError` listing every problem.

First step of the pipeline (story → locate → route → deck → page). The schema (`model.py`) checks
each field on its own; this module checks what needs the whole file or the disk: unique ids,
sources that exist, quotes found verbatim in their sources, legs between consecutive stops,
stops in time order, the id matching the file name.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import math
import os
import typing
import zoneinfo
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pydantic

from storymap.errors import Problem, StoryError
from storymap.files import DataFileError, read_limited
from storymap.frame import sea_name_problem
from storymap.layers import check_story_layers
from storymap.limits import MAX_SOURCE_TEXT_BYTES, MAX_STORY_FILE_BYTES
from storymap.model import Stop, Story
from storymap.paths import PROJECT_ROOT, SOURCES_FOLDER, STORIES_DIR, STORY_SUFFIX  # noqa: F401 - re-exported
from storymap.quotes import (
    PARAGRAPH_MARK,
    Article,
    BodyError,
    article,
    closest_passage,
    find_quote,
    quote_parts,
    speaker_named,
    unmarked_break,
)
from storymap.yamlread import Marks, decode, format_path, read_yaml
from storymap.yamlread import Path as FieldPath

# Never a source: a story file (or any data file) cannot vouch for its own quotes.
NOT_SOURCE_SUFFIXES = (".yaml", ".yml", ".json", ".geojson")


def display_path(path: Path | str) -> str:
    """A path as people should read it: relative to the working directory when it is below it.

    Symbolic links are not followed: a problem names the file the author wrote, not its target."""
    path = Path(path)
    try:
        return str(Path(os.path.abspath(path)).relative_to(os.path.abspath(Path.cwd())))
    except ValueError:
        return str(path)


def story_paths(stories_dir: Path = STORIES_DIR) -> list[Path]:
    """Every story file in a folder, sorted by name. A folder or a dangling link named like a story is
    listed too, so it becomes that story's problem instead of vanishing without a word."""
    return sorted(stories_dir.glob(f"*{STORY_SUFFIX}"))


def load_story(path: Path | str) -> Story:
    """Read and check one story file; raise StoryError listing every problem found."""
    path = Path(path)
    filename = display_path(path)
    try:
        data = read_limited(path, MAX_STORY_FILE_BYTES)
    except DataFileError as exc:
        fix = "split it into smaller stories" if "limit" in exc.reason else "check the path"
        raise StoryError([Problem(filename, 1, 1, "", f"the story file {exc.reason}; {fix}")]) from None
    return parse_story(data, filename, base_dir=path.parent, expected_id=path.stem)


def parse_story(data: bytes | str, filename: str, base_dir: Path, expected_id: str | None = None) -> Story:
    """Check story text; source paths resolve against base_dir. Raise StoryError on any problem."""
    text = decode(data, filename) if isinstance(data, bytes) else data
    raw, marks = read_yaml(text, filename)
    if not isinstance(raw, dict):
        raise StoryError([Problem(filename, 1, 1, "", "the top level must be a mapping of story fields "
                                  "(title:, stops:, ...); see stories/README.md")])
    try:
        story = Story.model_validate(raw)
    except pydantic.ValidationError as exc:
        raise StoryError(schema_problems(exc, raw, marks, filename)) from None
    texts: dict[str, str] = {}
    articles: dict[str, Article] = {}
    digests: dict[str, str] = {}
    problems = _cross_check(story, marks, filename, base_dir, expected_id, texts, articles, digests)
    built = check_story_layers(story, base_dir, lambda path, message: problems.append(
        Problem(filename, *marks.locate(path), format_path(path), message)))
    if problems:
        raise StoryError(problems)
    story._path = filename
    story._source_texts = texts
    story._source_digests = digests
    story._articles = articles
    story._positions = marks.at
    story._layers = built
    return story


# --- schema errors → located, human messages -------------------------------------------------


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:40] + "…"
        return f"the text {shown!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _model_at(path: tuple) -> type[pydantic.BaseModel] | None:
    """The model class that validates the mapping at `path` (to list its allowed fields)."""
    cls: type[pydantic.BaseModel] | None = Story
    for part in path:
        if cls is None:
            return None
        if isinstance(part, int):
            continue
        field = next((f for name, f in cls.model_fields.items() if (f.alias or name) == part), None)
        cls = _find_model(field.annotation) if field else None
    return cls


def _find_model(annotation: Any) -> type[pydantic.BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _find_model(arg)
        if found:
            return found
    return None


def schema_problems(exc: pydantic.ValidationError, raw: Any, marks: Marks, filename: str) -> list[Problem]:
    """Turn pydantic's errors into `file:line:col: field: message; fix` problems."""
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(part for part in error["loc"] if part != "[key]")
        kind, value, ctx = error["type"], error.get("input"), error.get("ctx", {})
        name = loc[-1] if loc else ""
        if kind == "extra_forbidden" and loc == ("camera",):
            message = ("a story has no camera of its own any more: the whole-trip view is fitted to the route on "
                       "every screen; delete this field (each stop's camera stays)")
        elif kind == "extra_forbidden":
            model = _model_at(loc[:-1])
            allowed = sorted((f.alias or n) for n, f in model.model_fields.items()) if model else []
            close = difflib.get_close_matches(str(name), allowed, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            message = f"unknown field '{name}'; {hint}allowed here: {', '.join(allowed)}"
        elif kind == "missing" and name == "body" and "sources" in loc:
            message = ("required field 'body' is missing; add body: {from: \"<the article's first words>\", "
                       "to: \"<its last words>\"} as they stand in the source text")
        elif kind == "missing":
            message = f"required field '{name}' is missing; add it"
        elif kind == "string_type":
            raw_text = marks.raw.get(loc)
            if raw_text is not None and raw_text != str(value):
                message = (f"expected text, but YAML reads {raw_text} as {_describe(value)}; "
                           f"write it in quotes: '{raw_text}'")
            else:
                message = f"expected text, got {_describe(value)}; write it in quotes"
        elif kind in ("float_type", "int_type", "float_parsing", "int_parsing", "int_from_float"):
            message = f"expected a number, got {_describe(value)}; write digits without quotes, e.g. 43.1"
        elif kind == "bool_type":
            message = f"expected true or false, got {_describe(value)}"
        elif kind == "list_type":
            message = f"expected a list (lines starting with '- '), got {_describe(value)}"
        elif kind in ("dict_type", "model_type"):
            message = f"expected a mapping of fields (name: value lines), got {_describe(value)}"
        elif kind == "literal_error":
            message = f"{_describe(value)} is not allowed; use one of {ctx.get('expected', '')}"
        elif kind == "finite_number":
            message = "must be a finite number, not infinity or NaN"
        elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
            message = f"{value} is out of range: {error['msg'].replace('Input should be', 'it must be')}"
        elif kind == "too_short" and isinstance(value, list):
            message = f"needs at least {ctx.get('min_length', 1)} item(s); add one"
        elif kind == "string_too_short":
            message = "is empty; write some text or remove the field"
        elif kind == "string_pattern_mismatch":
            message = f"{_describe(value)} does not have the expected form ({ctx.get('pattern')})"
        elif kind == "value_error":
            message = str(error["msg"]).removeprefix("Value error, ")
        else:
            message = str(error["msg"])
        line, col = marks.locate(loc)
        problems.append(Problem(filename, line, col, format_path(loc), message))
    return problems


# --- checks across the whole file -----------------------------------------------------------


def _cross_check(story: Story, marks: Marks, filename: str, base_dir: Path, expected_id: str | None,
                 texts: dict[str, str], articles: dict[str, Article], digests: dict[str, str]) -> list[Problem]:
    problems: list[Problem] = []

    def add(path: FieldPath, message: str) -> None:
        line, col = marks.locate(path)
        problems.append(Problem(filename, line, col, format_path(path), message))

    if expected_id is not None and story.id != expected_id:
        add(("id",), f"'{story.id}' differs from the file name; rename the file to {story.id}{STORY_SUFFIX} "
                     f"or set id: {expected_id}")

    for kind, items in (("sources", story.sources), ("stops", story.stops)):
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            if item.id in seen:
                add((kind, index, "id"), f"duplicate id '{item.id}' (also {kind}[{seen[item.id]}]); ids must be unique")
            seen.setdefault(item.id, index)

    source_ids = [s.id for s in story.sources]
    for index, source in enumerate(story.sources):
        read = _read_source_text(source.text, base_dir, story.id, lambda m, i=index: add(("sources", i, "text"), m))
        if read is None:
            continue
        text, digest = read
        if source.sha256 is not None and source.sha256 != digest:
            add(("sources", index, "sha256"), f"the stored text '{source.text}' changed since its fingerprint was "
                f"recorded (the file's SHA-256 is now {digest}); if the change is meant, check that every quote "
                f"from '{source.id}' still reads as it should, add a correction if the story was published, and "
                f"set sha256: {digest}")
            continue
        texts.setdefault(source.id, text)
        digests.setdefault(source.id, digest)
        try:
            articles.setdefault(source.id, article(text, source.body.from_, source.body.to))
        except BodyError as exc:
            field = "from" if str(exc).startswith("body.from") else "to"
            add(("sources", index, "body", field), str(exc).split(" ", 1)[1])

    def check_source_ref(path: FieldPath, source_id: str) -> bool:
        if source_id in source_ids:
            return True
        close = difflib.get_close_matches(source_id, source_ids, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        add(path, f"unknown source '{source_id}'; {hint}known sources: {', '.join(source_ids)}")
        return False

    for i, note in enumerate(story.disagreements):
        for j, source_id in enumerate(note.sources):
            check_source_ref(("disagreements", i, "sources", j), source_id)
    for s, stop in enumerate(story.stops):
        for q, quote in enumerate(stop.quotes):
            path = ("stops", s, "quotes", q)
            if check_source_ref(path + ("source",), quote.source) and quote.source in articles:
                def report(field: str, message: str, p: FieldPath = path) -> None:
                    add(p + tuple(field.split(".")), message)

                if _language_agrees(story, quote, report):
                    _check_quote(story, quote, texts[quote.source], articles[quote.source], report)
        for n, note in enumerate(stop.sources_differ):
            for j, source_id in enumerate(note.sources):
                check_source_ref(("stops", s, "sources_differ", n, "sources", j), source_id)

    _check_legs(story, add)
    _check_time_order(story, add)
    for sea_id in story.map.sea_names:
        message = sea_name_problem(sea_id)
        if message:
            add(("map", "sea_names", sea_id), message)
    return problems


def _read_source_text(relative: str, base_dir: Path, story_id: str, report) -> tuple[str, str] | None:
    """A source's stored text and the SHA-256 of its file: a regular UTF-8 file inside <story id>/sources/
    beside the story file."""
    folder = f"{story_id}/{SOURCES_FOLDER}/"
    candidate = Path(relative)
    if candidate.is_absolute() or ".." in candidate.parts:
        report(f"'{relative}' must be a relative path inside {folder}, without '..'")
        return None
    if candidate.suffix.lower() in NOT_SOURCE_SUFFIXES:
        report(f"'{relative}' is a story or data file, not a source text; save the article's text as a .txt "
               f"file in {folder}")
        return None
    sources_dir = base_dir / story_id / SOURCES_FOLDER
    path = base_dir / candidate
    try:
        links = [p for p in (path, *path.parents) if p.is_relative_to(base_dir) and p != base_dir and p.is_symlink()]
        if links:
            report(f"'{relative}' goes through a symbolic link ({links[-1].relative_to(base_dir)}); copy the article's "
                   f"text into {folder} instead")
            return None
        if not path.absolute().is_relative_to(sources_dir.absolute()):
            report(f"'{relative}' is not in {folder}; keep each source text in the story's own sources folder "
                   f"(text: {folder}{candidate.name})")
            return None
        data = read_limited(path, MAX_SOURCE_TEXT_BYTES)
    except DataFileError as exc:
        if exc.missing:
            report(f"source text file '{relative}' not found; copy the article's text to {folder}")
        elif "limit" in exc.reason:
            report(f"source text '{relative}' {exc.reason}; keep only the article's text")
        else:
            report(f"source text '{relative}' {exc.reason}; save the article's text as a .txt file in {folder}")
        return None
    except OSError as exc:
        report(f"cannot read source text '{relative}' ({exc.strerror or exc})")
        return None
    try:
        return data.decode("utf-8-sig"), hashlib.sha256(data).hexdigest()
    except UnicodeDecodeError:
        report(f"source text '{relative}' is not UTF-8; save it as UTF-8")
    return None


def _language_agrees(story: Story, quote, report) -> bool:
    """A quote is checked in its source's language: a translation carries the source's words as `original`."""
    language = story.source_language(story.source(quote.source))
    if quote.original is None and language != story.language:
        report("text", f"source '{quote.source}' is in '{language}' and the story in '{story.language}'; give the "
               f"source's words under original: {{text: \"...\", language: {language}}} and name the translator "
               "with translated_by:")
        return False
    if quote.original is not None and quote.original.language != language:
        report("original.language", f"'{quote.original.language}' is not the language of source '{quote.source}' "
               f"('{language}'); quote the words as the source prints them, or set the source's language:")
        return False
    return True


def _check_quote(story: Story, quote, source_text: str, source: Article, report) -> None:
    """Verbatim in the article, on word boundaries, within its paragraphs, and said by its speaker.

    A translated quote is checked by its `original`, the words the source prints."""
    words, field = (quote.original.text, "original.text") if quote.original else (quote.text, "text")
    match = find_quote(words, source)
    if match is None:
        report(field, _not_found(words, quote.source, source_text, source))
        return
    if quote.speaker is None or quote.speaker_basis is not None:
        return
    names = [quote.speaker, quote.speaker.split(",")[0], *story.speakers.get(quote.speaker, [])]
    if not speaker_named(names, source, match):
        report("speaker", f"'{quote.speaker}' is not named near this quote in source '{quote.source}' (looked "
               f"for {', '.join(repr(n) for n in dict.fromkeys(n.strip() for n in names))} in its paragraph and "
               "the ones before and after); add the name the source uses under the story's speakers: "
               f"({quote.speaker}: [...]), or give speaker_basis: with your reason")


def _not_found(text: str, source_id: str, source_text: str, source: Article) -> str:
    """Why a quote is not verbatim in its article, with the fix."""
    starts = unmarked_break(text, source)
    if starts is not None:
        return (f"quote runs across a paragraph break of source '{source_id}' (paragraph {starts + 1} ends inside "
                f"it); mark the break with {PARAGRAPH_MARK} where it falls")
    if find_quote(text, source_text) is not None:
        return (f"quote is in the stored page of source '{source_id}' but outside its article (body.from to "
                "body.to): menus, author boxes and reader comments are not quotable; quote the article")
    parts = quote_parts(text)
    if len(parts) > 1 and all(parts) and find_quote(" ".join(parts), source) is not None:
        return (f"{PARAGRAPH_MARK} stands for a paragraph break, and source '{source_id}' has none there; remove it "
                "(a quote leaves nothing out)")
    if len(parts) == 1 and parts[0] and parts[0] in " ".join(source.paragraphs):
        return (f"quote is in source '{source_id}' only as part of longer words (it must start and end on word "
                "boundaries); quote whole words")
    passage, ratio = closest_passage(text, source)
    if ratio >= 0.5:
        return (f"quote not found verbatim in source '{source_id}'; closest passage "
                f"({math.floor(ratio * 100)}% alike): "
                f"\"{passage}\"; copy the words exactly")
    return f"quote not found in source '{source_id}', nor anything like it; check the source id"


def _check_legs(story: Story, add) -> None:
    order = {stop.id: index for index, stop in enumerate(story.stops)}
    joined: dict[tuple[str, str], int] = {}
    for index, leg in enumerate(story.legs):
        known = True
        for key, stop_id in (("from", leg.from_), ("to", leg.to)):
            if stop_id not in order:
                close = difflib.get_close_matches(stop_id, list(order), n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                add(("legs", index, key), f"unknown stop '{stop_id}'; {hint}a leg joins two stops of this story")
                known = False
        if not known:
            continue
        if order[leg.to] != order[leg.from_] + 1:
            expected = story.stops[order[leg.from_] + 1].id if order[leg.from_] + 1 < len(story.stops) else None
            fix = f"the stop after '{leg.from_}' is '{expected}'" if expected else f"'{leg.from_}' is the last stop"
            add(("legs", index, "to"), f"a leg joins consecutive stops; {fix}")
        elif (leg.from_, leg.to) in joined:
            first = joined[(leg.from_, leg.to)]
            add(("legs", index), f"a second leg from '{leg.from_}' to '{leg.to}' (also legs[{first}]); "
                                 "keep one and put every via-point in it")
        joined.setdefault((leg.from_, leg.to), index)


def stop_moment(story: Story, stop: Stop) -> tuple[dt.date, dt.datetime | None]:
    """A stop's local date, and its instant in UTC when the time of day is known."""
    day = dt.date.fromisoformat(stop.date)
    if stop.time is None:
        return day, None
    local = dt.datetime.combine(day, dt.time.fromisoformat(stop.time), zoneinfo.ZoneInfo(story.stop_zone(stop)))
    return day, local.astimezone(dt.timezone.utc)


def _check_time_order(story: Story, add) -> None:
    previous: tuple[Stop, dt.date, dt.datetime | None] | None = None
    for index, stop in enumerate(story.stops):
        day, instant = stop_moment(story, stop)
        if previous is not None:
            before, before_day, before_instant = previous
            if instant is not None and before_instant is not None:
                if instant < before_instant:
                    add(("stops", index, "time"), f"{stop.date} {stop.time} ({story.stop_zone(stop)}) comes before the "
                        f"previous stop '{before.id}'; stops must be in travel order")
            elif day < before_day:
                add(("stops", index, "date"), f"{stop.date} comes before the previous stop '{before.id}' "
                    f"({before.date}); stops must be in travel order")
        previous = (stop, day, instant)


def load_all(paths: Iterable[Path]) -> list[tuple[Path, Story | StoryError]]:
    """Load several story files; each entry is the story or the error that stopped it."""
    results: list[tuple[Path, Story | StoryError]] = []
    for path in paths:
        try:
            results.append((path, load_story(path)))
        except StoryError as exc:
            results.append((path, exc))
        except Exception as exc:  # noqa: BLE001 - one story's failure must not stop the others
            results.append((path, unexpected(path, exc)))
    return results


def unexpected(path: Path, exc: BaseException) -> StoryError:
    """Any failure nobody foresaw, as a problem of this story alone (the others keep serving)."""
    return StoryError([Problem(display_path(path), 1, 1, "", f"could not be loaded ({type(exc).__name__}: "
                               f"{str(exc)[:200]}); this is a bug in storymap, please report it with this file")])


def story_json(story: Story, located: dict | None = None) -> dict:
    """The loaded story as plain JSON-ready data (for `show --json`); `located` maps place paths to coordinates."""
    located = located or {}

    def where(index: int) -> dict:
        found = located.get(("stops", index, "place"))  # pins too, once checked against their region
        if found is None:
            return {"lat": None, "lon": None, "located_by": None}
        return {"lat": found.lat, "lon": found.lon, "located_by": found.provider}

    return {
        "id": story.id,
        "title": story.title,
        "dek": story.dek,
        "byline": story.byline,
        "language": story.language,
        "time_zone": story.time_zone,
        "sources": [s.model_dump(mode="json") for s in story.sources],
        "stops": [
            {
                "id": stop.id,
                "name": stop.name,
                "local_names": dict(stop.local_names),
                "date": stop.date,
                "time": stop.time,
                "time_zone": story.stop_zone(stop),
                "query": stop.place.query,
                **where(index),
                "summary": stop.summary,
                "quotes": [q.model_dump(mode="json") for q in stop.quotes],
                "no_quote": stop.no_quote,
                "sources_differ": [n.model_dump(mode="json") for n in stop.sources_differ],
            }
            for index, stop in enumerate(story.stops)
        ],
        "legs": [leg.model_dump(mode="json", by_alias=True) for leg in story.legs],
        "disagreements": [n.model_dump(mode="json") for n in story.disagreements],
    }

