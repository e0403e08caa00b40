"""Stops as a table: `storymap import stops.csv -o stories/<id>.yaml` and `storymap show <id> --csv`.

One row per stop. The columns (only the first four and a place are required):

| column | becomes |
|---|---|
| id, name, date (YYYY-MM-DD), summary | the stop's fields of the same name |
| time (HH:MM), time_zone | the stop's local time and its zone when it differs from the story's |
| query, why | the place to geocode and the curator's reason |
| country | the place's region (ISO code, lower case): where the result must lie |
| lat, lon, pin_reason | a pin: coordinates that skip geocoding, with their reason (all three together) |
| quote, source, speaker | the stop's quote, the id of its source, who said it (if a quotation) |
| no_quote | why the stop has no quote (when `quote` is empty) |

A pinned stop with no query is looked up by nothing; its name stands as its query. Problems are
`file:row:column: column: message; fix`, rows counted as a spreadsheet shows them (the header is row 1).
"""

from __future__ import annotations

import csv
import difflib
import math
import re
from pathlib import Path

import pandas as pd
import yaml

from storymap.errors import Problem, StoryError
from storymap.files import DataFileError, read_limited
from storymap.limits import MAX_STORY_FILE_BYTES
from storymap.model import DATE_PATTERN, SLUG_PATTERN, TIME_PATTERN, Story
from storymap.scaffold import SCHEMA_NAME, template
from storymap.story import display_path

COLUMNS = ("id", "name", "date", "time", "time_zone", "query", "why", "country", "lat", "lon", "pin_reason",
           "summary", "quote", "source", "speaker", "no_quote")
REQUIRED = ("id", "name", "date", "summary")
HEADER_ROW = 1


class _Row:
    """One table row, with its problems located at row and column."""

    def __init__(self, file: str, row: int, values: dict[str, str], columns: list[str]):
        self.file, self.row, self.values, self.columns = file, row, values, columns
        self.problems: list[Problem] = []

    def get(self, name: str) -> str:
        return self.values.get(name, "").strip()

    def problem(self, name: str, message: str) -> None:
        col = self.columns.index(name) + 1 if name in self.columns else len(self.columns) + 1
        self.problems.append(Problem(self.file, self.row, col, name, message))

    def number(self, name: str, low: float, high: float) -> float | None:
        text = self.get(name)
        try:
            value = float(text)
        except ValueError:
            self.problem(name, f"'{text}' is not a number; write decimal degrees with a point (48.2082)")
            return None
        if not math.isfinite(value) or not low <= value <= high:
            self.problem(name, f"{text} is outside {low:g}..{high:g}; did you swap lat and lon?")
            return None
        return value


def read_table(path: Path) -> pd.DataFrame:
    """The CSV as text cells (nothing guessed: '012' stays '012', an empty cell is ''); StoryError if unreadable."""
    name = display_path(path)
    try:
        read_limited(path, MAX_STORY_FILE_BYTES)
        # No header row for pandas: a row longer than the first is then an error, not an index column.
        cells = pd.read_csv(path, header=None, dtype=str, keep_default_na=False, encoding="utf-8",
                            skipinitialspace=True)
    except DataFileError as exc:
        raise StoryError([Problem(name, 1, 1, "", f"{name} {exc.reason}; check the path")]) from None
    except UnicodeDecodeError:
        raise StoryError([Problem(name, 1, 1, "", "not UTF-8 text; save the spreadsheet as CSV UTF-8")]) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
        # pandas counts "line N" from 1 and "row N" from 0 (the header is row 0).
        line, row = re.search(r"line (\d+)", str(exc)), re.search(r"row (\d+)", str(exc))
        number = int(line.group(1)) if line else int(row.group(1)) + 1 if row else 1
        raise StoryError([Problem(name, number, 1, "",
                                  f"not a CSV table ({str(exc).strip()}); save the spreadsheet as CSV, "
                                  "one row per stop")]) from None
    return pd.DataFrame(cells.values[1:], columns=[str(c) for c in cells.values[0]])


def stops_from_table(frame: pd.DataFrame, file: str) -> list[dict]:
    """The stops of a story file from the table's rows; StoryError with every problem found."""
    columns = [str(c).strip() for c in frame.columns]
    problems = []
    for index, column in enumerate(columns, 1):
        if column not in COLUMNS:
            close = difflib.get_close_matches(column, COLUMNS, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known columns: {', '.join(COLUMNS)}"
            problems.append(Problem(file, HEADER_ROW, index, column, f"unknown column '{column}'; {hint}"))
    for column in REQUIRED:
        if column not in columns:
            problems.append(Problem(file, HEADER_ROW, len(columns) + 1, column,
                                    f"missing column '{column}'; add it to the first row"))
    if problems:
        raise StoryError(problems)
    stops = []
    for offset, record in enumerate(frame.itertuples(index=False)):
        row = _Row(file, HEADER_ROW + 1 + offset, dict(zip(columns, record)), columns)
        stops.append(_stop(row))
        problems += row.problems
    if not stops:
        problems.append(Problem(file, HEADER_ROW + 1, 1, "", "the table has no rows; add one row per stop"))
    if problems:
        raise StoryError(problems)
    return stops


def _stop(row: _Row) -> dict:
    for name in REQUIRED:
        if not row.get(name):
            row.problem(name, f"'{name}' is empty; every stop needs one")
    if row.get("id") and not re.fullmatch(SLUG_PATTERN, row.get("id")):
        suggestion = re.sub(r"[^a-z0-9]+", "-", row.get("id").lower()).strip("-") or "stop"
        row.problem("id", f"'{row.get('id')}' is not an id; use lower-case letters, digits and hyphens "
                    f"('{suggestion}')")
    if row.get("date") and not re.fullmatch(DATE_PATTERN, row.get("date")):
        row.problem("date", f"'{row.get('date')}' is not a date; write YYYY-MM-DD (format the column as text)")
    if row.get("time") and not re.fullmatch(TIME_PATTERN, row.get("time")):
        row.problem("time", f"'{row.get('time')}' is not a time; write HH:MM, 24-hour")
    stop: dict = {"id": row.get("id"), "name": row.get("name"), "date": row.get("date")}
    for name in ("time", "time_zone"):
        if row.get(name):
            stop[name] = row.get(name)
    place: dict = {"query": row.get("query") or row.get("name")}
    if row.get("why"):
        place["why"] = row.get("why")
    if row.get("country"):
        place["region"] = {"country": row.get("country").lower()}
    pin_cells = [name for name in ("lat", "lon", "pin_reason") if row.get(name)]
    if pin_cells and len(pin_cells) < 3:
        missing = next(name for name in ("lat", "lon", "pin_reason") if not row.get(name))
        row.problem(missing, f"'{missing}' is empty; a pin needs lat, lon and pin_reason together")
    elif pin_cells:
        lat, lon = row.number("lat", -90, 90), row.number("lon", -180, 180)
        if lat is not None and lon is not None:
            place["pin"] = {"lat": lat, "lon": lon, "reason": row.get("pin_reason")}
    if not row.get("query") and "pin" not in place and not pin_cells:
        row.problem("query", "'query' is empty and there is no pin; give the place to look up, or lat, lon "
                    "and pin_reason")
    stop["place"] = place
    stop["summary"] = row.get("summary")
    if row.get("quote"):
        if not row.get("source"):
            row.problem("source", "a quote needs the id of its source; add it in the 'source' column")
        quote = {"text": row.get("quote"), "source": row.get("source")}
        if row.get("speaker"):
            quote["speaker"] = row.get("speaker")
        stop["quotes"] = [quote]
    elif row.get("no_quote"):
        stop["no_quote"] = row.get("no_quote")
    else:
        row.problem("quote", "no quote and no 'no_quote'; give the stop's quote, or say in no_quote why "
                    "the sources have none")
    return stop


def import_table(table: Path, target: Path) -> tuple[str, int]:
    """The story file `target` with its stops from the table: the existing file's other fields are kept
    (or the `storymap new` template's, to fill in); returns the text and the number of stops."""
    stops = stops_from_table(read_table(table), display_path(table))
    if target.exists():
        try:
            text = read_limited(target, MAX_STORY_FILE_BYTES).decode("utf-8")
        except (DataFileError, UnicodeDecodeError):
            raise StoryError([Problem(display_path(target), 1, 1, "", "cannot be read as a story file; "
                                      "write to a new file instead")]) from None
    else:
        text = template(target.stem)
    try:
        story = yaml.safe_load(text)
    except yaml.YAMLError:
        story = None
    if not isinstance(story, dict):
        raise StoryError([Problem(display_path(target), 1, 1, "", "is not a story file (run `storymap validate` "
                                  "on it); write to a new file instead")])
    story["stops"] = stops
    # pyyaml writes YAML 1.1, which quotes every value 1.1 and 1.2 read differently ('no', '10:30').
    body = yaml.safe_dump(story, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)
    return f"# yaml-language-server: $schema={SCHEMA_NAME}\n{body}", len(stops)


def story_table(story: Story) -> tuple[pd.DataFrame, list[str]]:
    """The stops as the import table, and a note for each thing a row cannot hold (kept in the story)."""
    rows, notes = [], []
    for stop in story.stops:
        place, quote = stop.place, (stop.quotes[0] if stop.quotes else None)
        region = place.region
        if region is not None and region.near is not None:
            notes.append(f"{stop.id}: the place's circle (near, within_km) has no column; kept in the story only")
        if len(stop.quotes) > 1:
            notes.append(f"{stop.id}: {len(stop.quotes)} quotes; the table holds the first")
        lost = [name for name in ("local_names", "camera", "sources_differ", "dwell_seconds", "layers")
                if getattr(stop, name)]
        if quote is not None and (quote.context or quote.speaker_basis):
            lost.append("the quote's context/speaker_basis")
        if lost:
            notes.append(f"{stop.id}: {', '.join(lost)} have no column; kept in the story only")
        pin = place.pin
        rows.append({
            "id": stop.id, "name": stop.name, "date": stop.date, "time": stop.time or "",
            "time_zone": stop.time_zone or "", "query": "" if pin and place.query == stop.name else place.query,
            "why": place.why or "", "country": (region.country or "") if region else "",
            "lat": _number(pin.lat) if pin else "", "lon": _number(pin.lon) if pin else "",
            "pin_reason": pin.reason if pin else "", "summary": stop.summary,
            "quote": quote.text if quote else "", "source": quote.source if quote else "",
            "speaker": (quote.speaker or "") if quote else "", "no_quote": stop.no_quote or "",
        })
    return pd.DataFrame(rows, columns=list(COLUMNS)), notes


def _number(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")
