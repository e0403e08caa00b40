"""Shared fixtures; the paths themselves live in helpers.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import FIXTURE_STORIES


@pytest.fixture
def fixture_stories() -> Path:
    """The folder of small fixture stories (and their source texts)."""
    return FIXTURE_STORIES
