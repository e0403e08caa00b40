"""Shared fixtures: paths to the real stories and the small fixture stories."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `import storymap` from a fresh clone without installing it

FIXTURE_STORIES = ROOT / "tests" / "fixtures" / "stories"
BUILT_IN_STORY = ROOT / "stories" / "kim-russia-2023.yaml"


@pytest.fixture
def fixture_stories() -> Path:
    """The folder of small fixture stories (and their source texts)."""
    return FIXTURE_STORIES
