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
