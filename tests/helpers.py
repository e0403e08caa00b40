"""Paths shared by the tests (a uniquely named module: two conftest.py files cannot both be imported)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
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


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_health(url: str, server: subprocess.Popen, log: Path, seconds: float = 90) -> None:
    """Until Streamlit at `url` answers its health check; AssertionError with the log as soon as the
    process exits, or when the deadline passes first."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.read() == b"ok":
                    return
        except OSError:
            pass
        try:
            # Between probes, wait on the process itself: its exit ends the wait at once.
            server.wait(timeout=min(0.2, max(0.0, deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            if time.monotonic() < deadline:
                continue
        raise AssertionError(f"the server at {url} did not start: {log.read_text()}")
