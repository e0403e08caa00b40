"""Where storymap keeps its files: one module for every folder and file name the pipeline uses.

stories/<id>.yaml with stories/<id>/sources/*.txt; geodata/<id>.geocode.json (coordinates),
geodata/<id>.route.geojson (the route), geodata/<id>.basemap.geojson (the offline map).

The stories folder is `--stories DIR`, else STORYMAP_STORIES_DIR, else the checkout's `stories/`
(when storymap runs from a checkout), else `./stories`; its geodata folder is
STORYMAP_GEODATA_DIR, else `geodata/` beside it.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
STORIES_ENV = "STORYMAP_STORIES_DIR"
GEODATA_ENV = "STORYMAP_GEODATA_DIR"
# An installed copy has no stories of its own: it works on the folder it is run in.
STORIES_DIR = PROJECT_ROOT / "stories" if (PROJECT_ROOT / "stories").is_dir() else Path("stories")
GEODATA_DIR = STORIES_DIR.parent / "geodata"
STORY_SUFFIX = ".yaml"
SOURCES_FOLDER = "sources"
CACHE_SUFFIX = ".geocode.json"
ROUTE_SUFFIX = ".route.geojson"
BASEMAP_SUFFIX = ".basemap.geojson"


def cache_path(story_id: str, geodata_dir: Path = GEODATA_DIR) -> Path:
    """geodata/<story-id>.geocode.json."""
    return geodata_dir / f"{story_id}{CACHE_SUFFIX}"


def route_path(story_id: str, geodata_dir: Path = GEODATA_DIR) -> Path:
    """geodata/<story-id>.route.geojson."""
    return geodata_dir / f"{story_id}{ROUTE_SUFFIX}"


def basemap_path(story_id: str, geodata_dir: Path = GEODATA_DIR) -> Path:
    """geodata/<story-id>.basemap.geojson, built by `storymap basemap`."""
    return geodata_dir / f"{story_id}{BASEMAP_SUFFIX}"


def stories_dir(explicit: Path | str | None = None) -> Path:
    """The stories folder: the one given, else STORYMAP_STORIES_DIR, else the default."""
    return Path(explicit or os.environ.get(STORIES_ENV) or STORIES_DIR)


def geodata_dir(stories: Path, explicit: Path | str | None = None) -> Path:
    """The geodata folder of a stories folder: the one given, else STORYMAP_GEODATA_DIR, else beside it."""
    return Path(explicit or os.environ.get(GEODATA_ENV) or stories.parent / "geodata")
