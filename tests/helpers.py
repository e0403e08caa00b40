"""Paths shared by the tests (a uniquely named module: two conftest.py files cannot both be imported)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `import storymap` from a fresh clone without installing it

FIXTURE_STORIES = ROOT / "tests" / "fixtures" / "stories"
BUILT_IN_STORY = ROOT / "stories" / "kim-russia-2023.yaml"
FIXTURE_GEODATA = ROOT / "tests" / "fixtures" / "geodata"


def copy_first_story(stories: Path, geodata: Path) -> Path:
    """The first story alone (file, sources, geodata) into these folders, whatever else stories/ holds."""
    import shutil

    stories.mkdir(parents=True, exist_ok=True)
    geodata.mkdir(parents=True, exist_ok=True)
    shutil.copy(BUILT_IN_STORY, stories)
    shutil.copytree(BUILT_IN_STORY.with_suffix(""), stories / BUILT_IN_STORY.stem)
    for path in (ROOT / "geodata").glob(f"{BUILT_IN_STORY.stem}.*"):
        shutil.copy(path, geodata)
    return stories / BUILT_IN_STORY.name
