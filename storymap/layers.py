"""Story layers: `layers:` of a story or a stop, written in pydeck's terms, checked and built with pydeck.

Pipeline: story → **layers** (checked while the story loads) → deck (the player config) → page. An
author writes a layer as pydeck's `Layer(type, data, **kwargs)` would take it: `type` is a deck.gl
class, the other keys are deck.gl props as pydeck spells them (`get_fill_color`), and a plain string
is an accessor expression (pydeck prefixes it with `@@=`). Everything that could run code or reach
the network is refused here, as a located problem: classes outside ALLOWED_LAYERS, accessors
that are more than a property path, a list or a literal, data or images outside the story's folder
or over the size limit, props deck.gl would silently ignore. What passes is handed to `pydeck.Layer`
and serialized by pydeck, and the player turns that JSON into layers with @deck.gl/json's converter
(player-build/src/player/storylayers.js), configured with exactly these classes.
"""

from __future__ import annotations

import difflib
import io
import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from storymap.files import DataFileError, read_json, read_limited
from storymap.limits import MAX_LAYER_DATA_BYTES, MAX_LAYER_IMAGE_BYTES

# The deck.gl classes a story may name; player-build/src/deck-entry.js exports exactly these (a test
# keeps the lists equal) and storymap/layer_props.json lists each one's props (from deck.gl itself).
ALLOWED_LAYERS = ("ArcLayer", "ColumnLayer", "GeoJsonLayer", "HeatmapLayer", "IconLayer", "PathLayer",
                  "PolygonLayer", "ScatterplotLayer", "TextLayer")
DATA_SUFFIXES = (".geojson", ".json", ".csv")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif")
# Keys of a layer entry that are ours, not deck.gl props.
OWN_KEYS = ("type", "data", "legend")
LAYER_ID_PREFIX = "storylayer-"
_PROPS_FILE = Path(__file__).resolve().parent / "layer_props.json"

Report = Callable[[tuple, str], None]


def _snake(camel: str) -> str:
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), camel)


def known_props() -> dict[str, list[str]]:
    """Each allowed class's props as pydeck spells them (snake_case), from storymap/layer_props.json."""
    camel = json.loads(_PROPS_FILE.read_text(encoding="utf-8"))
    return {name: sorted(_snake(prop) for prop in props) for name, props in camel.items()}


# --- accessor expressions ---------------------------------------------------------------------
# The whole grammar: a property path (properties.color, coordinates[0]), a list of expressions
# ([lon, lat]), a number, a quoted string, true/false/null, or '-' (the row itself). No operators,
# no calls: @deck.gl/json's evaluator would run those, and an accessor is data, not a program.
_TOKEN = re.compile(r"\s*(?:(?P<num>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|(?P<name>[A-Za-z_$][A-Za-z0-9_$]*)"
                    r"|(?P<str>'[^'\\]*'|\"[^\"\\]*\")|(?P<punct>[.\[\],]))")
_FORBIDDEN_NAMES = {"__proto__", "constructor", "prototype"}


class AccessorError(ValueError):
    """An accessor expression outside the grammar; the message says what was found."""


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            if text[pos:].strip() == "":
                break
            rest = text[pos:].lstrip()
            if rest.startswith("("):
                raise AccessorError("calls a function")
            raise AccessorError(f"has '{rest[0]}', which is not part of a property path, a list or a literal")
        kind = match.lastgroup or ""
        out.append((kind, match.group(kind)))
        pos = match.end()
    return out


def check_accessor(text: str) -> None:
    """Raise AccessorError unless `text` is a path, a list of expressions or a literal (no calls, no operators)."""
    if text.strip() == "-":
        return
    tokens = _tokens(text)
    if not tokens:
        raise AccessorError("is empty")
    at = _expression(tokens, 0)
    if at != len(tokens):
        raise AccessorError(f"has '{tokens[at][1]}' after a complete expression")


def _expression(tokens: list[tuple[str, str]], at: int) -> int:
    if at >= len(tokens):
        raise AccessorError("ends too early")
    kind, value = tokens[at]
    if kind in ("num", "str"):
        return at + 1
    if kind == "punct" and value == "[":
        at = _expression(tokens, at + 1)
        while at < len(tokens) and tokens[at] == ("punct", ","):
            at = _expression(tokens, at + 1)
        if at >= len(tokens) or tokens[at] != ("punct", "]"):
            raise AccessorError("has a list without its closing ']'")
        return at + 1
    if kind == "name":
        if value in _FORBIDDEN_NAMES:
            raise AccessorError(f"names '{value}', which is not data")
        at += 1
        while at < len(tokens) and tokens[at][1] in (".", "["):
            if tokens[at][1] == ".":
                if at + 1 >= len(tokens) or tokens[at + 1][0] != "name" or tokens[at + 1][1] in _FORBIDDEN_NAMES:
                    raise AccessorError("has a '.' that is not followed by a property name")
                at += 2
            else:
                if at + 2 >= len(tokens) or tokens[at + 1][0] != "num" or tokens[at + 2] != ("punct", "]"):
                    raise AccessorError("indexes with something other than a whole number, e.g. coordinates[0]")
                at += 3
        if at < len(tokens) and tokens[at][1] == "(":
            raise AccessorError("calls a function")
        return at
    raise AccessorError(f"has '{value}' where a value should be")


# --- one layer's props ------------------------------------------------------------------------


def _has_at_at(value: Any) -> bool:
    if isinstance(value, str):
        return value.startswith("@@")
    if isinstance(value, dict):
        return any(str(k).startswith("@@") or _has_at_at(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_at_at(v) for v in value)
    return False


def _finite(value: Any) -> bool:
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, (int, float)):
        return math.isfinite(value)
    if isinstance(value, str):
        return True
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    return False


_ACCESSOR_HELP = ("write a property path such as properties.color, a list such as [lon, lat], or a value "
                  "(a literal text goes in quotes inside the YAML string, as in pydeck: \"'pixels'\")")


def _prop_problem(name: str, value: Any, image_ok: bool) -> str | None:
    """Why a prop's value cannot be used, or None (an image path is checked by the caller)."""
    if value is None:
        return "has no value; give one or remove the prop"
    if _has_at_at(value):
        return (f"{_show(value)} uses deck.gl's '@@' syntax; write it as pydeck takes it: a plain string is "
                "an accessor (pydeck adds '@@='), and functions, constants and classes are not allowed")
    if not _finite(value):
        return "must be finite numbers, text, true/false, lists or mappings of those"
    if isinstance(value, str):
        if value == "":
            return "is empty; give an accessor, a quoted text or a number, or remove the prop"
        if value[0] in "'\"`" and value[0] == value[-1] and len(value) > 1:
            return None  # pydeck's quoted literal: 'pixels'
        if _looks_like_image(value):
            return None if image_ok else (f"{_show(value)} is an image, and only icon_atlas takes one; "
                                          "give this prop an accessor or a value")
        try:
            check_accessor(value)
        except AccessorError as exc:
            return f"{_show(value)} {exc}, and an accessor may not; {_ACCESSOR_HELP}"
        return None
    if isinstance(value, list) and value and isinstance(value[0], str):
        for item in value:
            if not isinstance(item, str):
                return "mixes text and other values; pydeck turns a list of texts into one accessor, [a, b]"
            try:
                check_accessor(item)
            except AccessorError as exc:
                return f"{_show(item)} {exc}, and an accessor may not; {_ACCESSOR_HELP}"
    return None


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return repr(text if len(text) <= 60 else text[:60] + "…")


def _looks_like_image(value: str) -> bool:
    return bool(re.search(r"\.(gif|jpe?g|tiff?|png|webp|bmp|svg)$", value, re.I) or re.match(r"^[a-z]+:", value))


# --- files in the story's folder --------------------------------------------------------------


def story_file(relative: str, base_dir: Path, story_id: str, what: str) -> tuple[Path | None, str | None]:
    """(path, None) for a regular file inside <story id>/ beside the story file, or (None, why not)."""
    folder = f"{story_id}/"
    if re.match(r"^[a-z][a-z0-9+.-]*:", relative):
        return None, f"'{relative}' is a URL; {what} must be a file in {folder} (nothing is fetched)"
    candidate = Path(relative)
    if candidate.is_absolute() or ".." in candidate.parts:
        return None, f"'{relative}' must be a relative path inside {folder}, without '..'"
    path = base_dir / candidate
    links = [p for p in (path, *path.parents) if p.is_relative_to(base_dir) and p != base_dir and p.is_symlink()]
    if links:
        return None, (f"'{relative}' goes through a symbolic link ({links[-1].relative_to(base_dir)}); copy the "
                      f"file into {folder} instead")
    if not path.absolute().is_relative_to((base_dir / story_id).absolute()):
        return None, f"'{relative}' is not in {folder}; keep a layer's files in the story's own folder ({folder}data/)"
    return path, None


def read_layer_data(relative: str, base_dir: Path, story_id: str) -> tuple[Any, str | None]:
    """(data, None): the records or GeoJSON of a layer's data file; or (None, why it cannot be used)."""
    path, why = story_file(relative, base_dir, story_id, "a layer's data")
    if path is None:
        return None, why
    suffix = path.suffix.lower()
    if suffix not in DATA_SUFFIXES:
        return None, f"'{relative}' is not a .geojson, .json or .csv file; save the layer's data as one"
    try:
        if suffix == ".csv":
            return _csv_records(read_limited(path, MAX_LAYER_DATA_BYTES), relative)
        data = read_json(path, MAX_LAYER_DATA_BYTES)
    except DataFileError as exc:
        if exc.missing:
            return None, f"data file '{relative}' not found; put the layer's data in {story_id}/data/"
        fix = ("simplify or thin the data" if "limit" in exc.reason or "over" in exc.reason
               else "save it as UTF-8" if "UTF-8" in exc.reason else "fix the file")
        return None, f"data file '{relative}' {exc.reason}; {fix}"
    if isinstance(data, dict) and data.get("type") == "FeatureCollection" and isinstance(data.get("features"), list):
        if not data["features"]:
            return None, f"data file '{relative}' has no features; add some or remove the layer"
        return data, None
    if isinstance(data, list) and data:
        return data, None
    return None, (f"data file '{relative}' holds neither a GeoJSON FeatureCollection nor a non-empty list of "
                  "records; give the layer one of those")


def _csv_records(raw: bytes, relative: str) -> tuple[Any, str | None]:
    import pandas as pd  # only stories with a CSV layer pay for pandas

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, f"data file '{relative}' is not UTF-8 text; save it as UTF-8"
    try:
        frame = pd.read_csv(io.StringIO(text))
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        return None, f"data file '{relative}' is not a CSV table ({str(exc).splitlines()[0][:120]}); fix the file"
    if frame.empty:
        return None, f"data file '{relative}' has no rows; add some or remove the layer"
    # Empty cells are null, not NaN: NaN is not JSON.
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.to_dict(orient="records"), None


# --- the whole layer ----------------------------------------------------------------------------


def check_layer(entry: Any, path: tuple, base_dir: Path, story_id: str, report: Report, layer_id: str) -> dict | None:
    """One `layers:` entry (a model.StoryLayer) checked and built: pydeck's JSON of it, or None after report()."""
    kind = entry.type
    props = known_props()[kind]
    extras = dict(entry.model_extra or {})
    ok = True
    kwargs: dict[str, Any] = {}
    for name, value in extras.items():
        if name not in props:
            close = difflib.get_close_matches(name, props, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            report(path + (name,), f"{kind} has no prop '{name}' (deck.gl would ignore it); {hint}props are "
                                   f"deck.gl's, in snake_case as pydeck spells them: {', '.join(props)}")
            ok = False
            continue
        problem = _prop_problem(name, value, image_ok=name == "icon_atlas")
        if problem:
            report(path + (name,), problem)
            ok = False
            continue
        if name == "icon_atlas":
            image, why = _image(value, base_dir, story_id)
            if image is None:
                report(path + (name,), why or "")
                ok = False
                continue
            value = image
        kwargs[name] = value
    if kind == "IconLayer" and not ("icon_atlas" in extras and "icon_mapping" in extras):
        report(path, f"an IconLayer needs icon_atlas (an image in {story_id}/data/) and icon_mapping "
                     "(each icon's x, y, width and height in it); icons are never fetched from a URL")
        ok = False
    data, why = read_layer_data(entry.data, base_dir, story_id)
    if data is None:
        report(path + ("data",), why or "")
        return None
    if kind == "GeoJsonLayer" and not isinstance(data, dict):
        report(path + ("data",), "a GeoJsonLayer draws GeoJSON; give it a .geojson FeatureCollection, or use "
                                 "ScatterplotLayer for a table of points")
        return None
    if not ok:
        return None
    if kind != "GeoJsonLayer" and isinstance(data, dict):
        # Other layers iterate their data: a FeatureCollection gives them its features.
        data = data["features"]
    return build_layer(kind, data, layer_id, kwargs)


def _image(relative: str, base_dir: Path, story_id: str) -> tuple[str | None, str | None]:
    """(absolute path, None) of a local image pydeck may inline as a data: URL; or (None, why not)."""
    path, why = story_file(relative, base_dir, story_id, "an icon atlas")
    if path is None:
        return None, why
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return None, f"'{relative}' is not a .png, .jpg, .webp or .gif image"
    try:
        read_limited(path, MAX_LAYER_IMAGE_BYTES)
    except DataFileError as exc:
        if exc.missing:
            return None, f"image '{relative}' not found; put it in {story_id}/data/"
        return None, f"image '{relative}' {exc.reason}; use a smaller image"
    return str(path.absolute()), None


def build_layer(kind: str, data: Any, layer_id: str, kwargs: dict[str, Any]) -> dict:
    """pydeck's own JSON of the layer (`@@type`, camelCase props, `@@=` accessors, images as data: URLs)."""
    import pydeck  # only stories with layers pay for pydeck

    return json.loads(pydeck.Layer(kind, data=data, id=layer_id, **kwargs).to_json())


def check_story_layers(story: Any, base_dir: Path, report: Report) -> dict[str | None, list[dict]]:
    """Every layer of a story, built: {None: the story's layers, stop id: that stop's}, each as the
    player config carries it ({id, deck, legend}); problems go to report(field path, message)."""
    built: dict[str | None, list[dict]] = {}
    owners = [(None, ("layers",), story.layers)]
    owners += [(stop.id, ("stops", s, "layers"), stop.layers) for s, stop in enumerate(story.stops)]
    for owner, path, entries in owners:
        for index, entry in enumerate(entries):
            layer_id = f"{LAYER_ID_PREFIX}{owner or 'story'}-{index}"
            deck = check_layer(entry, path + (index,), base_dir, story.id, report, layer_id)
            if deck is not None:
                legend = entry.legend.model_dump() if entry.legend else None
                built.setdefault(owner, []).append({"id": layer_id, "deck": deck, "legend": legend})
    return built
