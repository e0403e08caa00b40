"""Where storymap keeps its files: one module for every folder and file name the pipeline uses.

stories/<id>.yaml with stories/<id>/sources/*.txt; geodata/<id>.geocode.json (coordinates),
geodata/<id>.route.geojson (the route), geodata/<id>.basemap.geojson (the offline map).
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
STORIES_DIR = PROJECT_ROOT / "stories"
GEODATA_DIR = PROJECT_ROOT / "geodata"
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
    """geodata/<story-id>.basemap.geojson, built by scripts/build_basemap.py."""
    return geodata_dir / f"{story_id}{BASEMAP_SUFFIX}"
