"""Loading and checking story files: YAML text → a valid `Story` or a `StoryError` listing every problem.

First step of the pipeline (story → locate → route → deck → page). The schema (`model.py`) checks
each field on its own; this module checks what needs the whole file or the disk: unique ids,
sources that exist, quotes found verbatim in their sources, legs between consecutive stops,
stops in time order, the id matching the file name.
"""

from __future__ import annotations

import datetime as dt
import difflib
import typing
import zoneinfo
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pydantic

from storymap.errors import Problem, StoryError
from storymap.model import Stop, Story
from storymap.quotes import closest_passage, find_quote
from storymap.yamlread import Marks, decode, format_path, read_yaml
from storymap.yamlread import Path as FieldPath

PROJECT_ROOT = Path(__file__).resolve().parent.parent
STORIES_DIR = PROJECT_ROOT / "stories"
STORY_SUFFIX = ".yaml"
MAX_SOURCE_TEXT_BYTES = 2_000_000


def display_path(path: Path | str) -> str:
    """A path as people should read it: relative to the working directory when it is below it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def story_paths(stories_dir: Path = STORIES_DIR) -> list[Path]:
    """Every story file in a folder, sorted by name."""
    return sorted(p for p in stories_dir.glob(f"*{STORY_SUFFIX}") if p.is_file())


def load_story(path: Path | str) -> Story:
    """Read and check one story file; raise StoryError listing every problem found."""
    path = Path(path)
    filename = display_path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StoryError([Problem(filename, 1, 1, "", f"cannot read the file ({exc.strerror or exc}); "
                                  "check the path")]) from None
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
    problems = _cross_check(story, marks, filename, base_dir, expected_id, texts)
    if problems:
        raise StoryError(problems)
    story._path = filename
    story._source_texts = texts
    story._positions = marks.at
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
        if kind == "extra_forbidden":
            model = _model_at(loc[:-1])
            allowed = sorted((f.alias or n) for n, f in model.model_fields.items()) if model else []
            close = difflib.get_close_matches(str(name), allowed, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            message = f"unknown field '{name}'; {hint}allowed here: {', '.join(allowed)}"
        elif kind == "missing":
            message = f"required field '{name}' is missing; add it"
        elif kind == "string_type":
            raw_text = marks.raw.get(loc)
            if raw_text is not None and raw_text != str(value):
                message = f"expected text, but YAML reads {raw_text} as {_describe(value)}; write it in quotes: '{raw_text}'"
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
                 texts: dict[str, str]) -> list[Problem]:
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
        text = _read_source_text(source.text, base_dir, lambda m, i=index: add(("sources", i, "text"), m))
        if text is not None:
            texts.setdefault(source.id, text)

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
            if check_source_ref(path + ("source",), quote.source) and quote.source in texts:
                _check_quote(quote.text, quote.source, texts[quote.source], lambda m, p=path: add(p + ("text",), m))
        for n, note in enumerate(stop.sources_differ):
            for j, source_id in enumerate(note.sources):
                check_source_ref(("stops", s, "sources_differ", n, "sources", j), source_id)

    _check_legs(story, add)
    _check_time_order(story, add)
    return problems


def _read_source_text(relative: str, base_dir: Path, report) -> str | None:
    """A source's stored text, which must be a UTF-8 file inside the story's folder."""
    candidate = Path(relative)
    if candidate.is_absolute() or ".." in candidate.parts:
        report(f"'{relative}' must be a relative path inside the story's folder, without '..'")
        return None
    path = base_dir / candidate
    try:
        if not path.resolve().is_relative_to(base_dir.resolve()):
            report(f"'{relative}' leads outside the story's folder; keep source texts beside the story")
            return None
        if not path.is_file():
            report(f"source text file '{relative}' not found next to the story; copy the article's text there")
            return None
        if path.stat().st_size > MAX_SOURCE_TEXT_BYTES:
            report(f"source text '{relative}' is over {MAX_SOURCE_TEXT_BYTES:,} bytes; keep only the article")
            return None
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        report(f"source text '{relative}' is not UTF-8; save it as UTF-8")
    except OSError as exc:
        report(f"cannot read source text '{relative}' ({exc.strerror or exc})")
    return None


def _check_quote(text: str, source_id: str, source_text: str, report) -> None:
    if find_quote(text, source_text) is not None:
        return
    passage, ratio = closest_passage(text, source_text)
    if ratio >= 0.5:
        report(f"quote not found verbatim in source '{source_id}'; closest passage ({ratio:.0%} alike): "
               f"\"{passage}\"; copy the words exactly")
    else:
        report(f"quote not found in source '{source_id}', nor anything like it; check the source id")


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
            add(("legs", index), f"a second leg from '{leg.from_}' to '{leg.to}' (also legs[{joined[(leg.from_, leg.to)]}]); "
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
    return results


def story_json(story: Story, located: dict | None = None) -> dict:
    """The loaded story as plain JSON-ready data (for `show --json`); `located` maps place paths to coordinates."""
    located = located or {}

    def where(index: int) -> dict:
        found = located.get(("stops", index, "place"))
        if found is None and story.stops[index].place.pin is not None:
            pin = story.stops[index].place.pin
            return {"lat": pin.lat, "lon": pin.lon, "located_by": "pin"}
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

