"""Everything the page and `validate` need for a story, checked: story → coordinates → route.

A story is servable only when its file is valid, every place has coordinates in geodata/, and the
committed route is what those inputs give now; otherwise it becomes a StoryError listing why.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from storymap.contract import Basemap, Route, check_map_file
from storymap.errors import Problem, StoryError
from storymap.files import DataFileError, read_limited
from storymap.limits import MAX_DATA_FILE_BYTES
from storymap.locate import CacheError, Located, locate_places
from storymap.model import Story
from storymap.paths import GEODATA_DIR, basemap_path
from storymap.route import checked_route, leg_speed_problems, route_path
from storymap.story import display_path, load_all, unexpected


@dataclass(frozen=True)
class StoryBundle:
    """A valid story with its coordinates (by field path), its route GeoJSON and its checked basemap."""

    story: Story
    located: dict[tuple, Located]
    route: dict
    basemap: dict

    @property
    def basemap_attribution(self) -> str:
        return self.basemap["storymap"]["attribution"]


def checked_map_file(path: Path, model: type, fix: str) -> dict:
    """A route or basemap file, read within the size limit and checked against its model; StoryError if not."""
    name = display_path(path)
    try:
        text = read_limited(path, MAX_DATA_FILE_BYTES).decode("utf-8")
    except DataFileError as exc:
        raise StoryError([Problem(name, 1, 1, "", f"{name} {exc.reason}; {fix}")]) from None
    except UnicodeDecodeError:
        raise StoryError([Problem(name, 1, 1, "", f"{name} is not UTF-8 text; {fix}")]) from None
    problems = check_map_file(model, text, name, fix)
    if problems:
        raise StoryError(problems)
    return json.loads(text)


def load_bundle(story: Story, geodata_dir: Path = GEODATA_DIR) -> StoryBundle:
    """Coordinates and route for a loaded story; StoryError when any is missing, broken or stale."""
    try:
        located, missing = locate_places(story, geodata_dir)
    except CacheError as exc:
        raise StoryError([exc.problem]) from None
    if missing:
        raise StoryError(missing)
    speeding = leg_speed_problems(story, located)
    if speeding:
        raise StoryError(speeding)
    current = checked_map_file(route_path(story, geodata_dir), Route, f"run: python -m storymap route {story.path}")
    route, problem = checked_route(story, located, geodata_dir, current)
    if problem is not None:
        raise StoryError([Problem(display_path(route_path(story, geodata_dir)), 1, 1, "", problem)])
    basemap = checked_map_file(basemap_path(story.id, geodata_dir), Basemap,
                               f"run: storymap basemap {story.path}")
    return StoryBundle(story, located, route, basemap)


def load_catalog(paths: Iterable[Path], geodata_dir: Path = GEODATA_DIR) -> list[tuple[Path, StoryBundle | StoryError]]:
    """Load several stories; each entry is a servable bundle or the StoryError that stops it."""
    results: list[tuple[Path, StoryBundle | StoryError]] = []
    for path, result in load_all(paths):
        if isinstance(result, Story):
            try:
                result = load_bundle(result, geodata_dir)
            except StoryError as exc:
                result = exc
            except Exception as exc:  # noqa: BLE001 - one story's failure must not stop the others
                result = unexpected(path, exc)
        results.append((path, result))
    return results
