"""Writing data files safely: whole or not at all (used by every step that writes under geodata/ or stories/)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

DATA_FILE_MODE = 0o644


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` in one step: a crash leaves the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file 0600; data files are meant to be read by anyone who can read the repo.
        os.chmod(temp, DATA_FILE_MODE)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def stable_json(data: Any) -> str:
    """JSON with sorted keys, two-space indent and a final newline, so diffs read line by line."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def compact_json(data: Any) -> str:
    """JSON with sorted keys and no whitespace: for generated geometry no one reviews line by line."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
