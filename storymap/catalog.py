"""Everything the page and `validate` need for a story, checked: story → coordinates → route.

A story is servable only when its file is valid, every place has coordinates in geodata/, and the
committed route is what those inputs give now; otherwise it becomes a StoryError listing why.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from storymap.errors import Problem, StoryError
from storymap.locate import GEODATA_DIR, CacheError, Located, locate_places
from storymap.model import Story
from storymap.route import checked_route, route_path
from storymap.story import display_path, load_all

BASEMAP_SUFFIX = ".basemap.geojson"


@dataclass(frozen=True)
class StoryBundle:
    """A valid story with its coordinates (by field path), its route GeoJSON and its basemap's credits."""

    story: Story
    located: dict[tuple, Located]
    route: dict
    basemap_attribution: str


def basemap_path(story_id: str, geodata_dir: Path = GEODATA_DIR) -> Path:
    """geodata/<story-id>.basemap.geojson, built by scripts/build_basemap.py."""
    return geodata_dir / f"{story_id}{BASEMAP_SUFFIX}"


def _basemap_attribution(story: Story, geodata_dir: Path) -> str:
    path = basemap_path(story.id, geodata_dir)
    fix = f"run: python scripts/build_basemap.py {story.path}"
    try:
        return json.loads(path.read_text(encoding="utf-8"))["storymap"]["attribution"]
    except FileNotFoundError:
        message = f"{display_path(path)} is missing; {fix}"
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError):
        message = f"{display_path(path)} is not a storymap basemap (truncated or edited?); {fix}"
    raise StoryError([Problem(display_path(path), 1, 1, "", message)])


def load_bundle(story: Story, geodata_dir: Path = GEODATA_DIR) -> StoryBundle:
    """Coordinates and route for a loaded story; StoryError when any is missing, broken or stale."""
    try:
        located, missing = locate_places(story, geodata_dir)
    except CacheError as exc:
        raise StoryError([exc.problem]) from None
    if missing:
        raise StoryError(missing)
    route, problem = checked_route(story, located, geodata_dir)
    if problem is not None:
        raise StoryError([Problem(display_path(route_path(story, geodata_dir)), 1, 1, "", problem)])
    return StoryBundle(story, located, route, _basemap_attribution(story, geodata_dir))


def load_catalog(paths: Iterable[Path], geodata_dir: Path = GEODATA_DIR) -> list[tuple[Path, StoryBundle | StoryError]]:
    """Load several stories; each entry is a servable bundle or the StoryError that stops it."""
    results: list[tuple[Path, StoryBundle | StoryError]] = []
    for path, result in load_all(paths):
        if isinstance(result, Story):
            try:
                result = load_bundle(result, geodata_dir)
            except StoryError as exc:
                result = exc
        results.append((path, result))
    return results
