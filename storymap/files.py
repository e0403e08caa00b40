"""Writing data files safely: whole or not at all (used by every step that writes under geodata/ or stories/)."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from storymap.errors import StorymapError
from storymap.limits import MAX_DATA_FILE_BYTES, MAX_JSON_DEPTH

DATA_FILE_MODE = 0o644


class DataFileError(StorymapError):
    """A data file that cannot be used: missing, not a regular file, too large, not JSON, too deep.

    `reason` is a short human phrase ("is missing", "is not valid JSON (line 3)") that callers put
    after the file's name in a located Problem, followed by their own fix.
    """

    def __init__(self, path: Path, reason: str, missing: bool = False):
        self.path, self.reason, self.missing = path, reason, missing
        super().__init__(f"{path}: {reason}")


def read_limited(path: Path, limit: int) -> bytes:
    """The bytes of a regular file, checked for size before it is read whole (DataFileError otherwise).

    One open file descriptor from check to read, so a file swapped or deleted meanwhile is an error,
    not a surprise; a directory, a FIFO or a dangling symlink at the path is refused.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise DataFileError(path, "is missing", missing=True) from None
    except IsADirectoryError:
        raise DataFileError(path, "is a folder, not a file") from None
    except OSError as exc:
        raise DataFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise DataFileError(path, "is not a regular file")
        if info.st_size > limit:
            raise DataFileError(path, f"is {info.st_size:,} bytes; the limit is {limit:,}")
        chunks, size = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:  # grew while we read
                raise DataFileError(path, f"is over {limit:,} bytes")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise DataFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def _depth(value: Any, limit: int) -> int:
    """Nesting depth of parsed JSON, without recursion (a 100,000-deep file must not crash the check)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, level)
            if deepest > limit:
                return deepest
            stack.extend((child, level + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def read_json(path: Path, limit: int = MAX_DATA_FILE_BYTES, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """A JSON data file, parsed; DataFileError for anything that is not a sane JSON file."""
    data = read_limited(path, limit)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise DataFileError(path, "is not UTF-8 text") from None
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise DataFileError(path, f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise DataFileError(path, f"nests deeper than {max_depth} levels") from None
    except ValueError as exc:
        raise DataFileError(path, f"is not valid JSON ({exc})") from None
    if _depth(value, max_depth) > max_depth:
        raise DataFileError(path, f"nests deeper than {max_depth} levels")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` in one step: a crash leaves the old file or the new one, never half."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step (write_atomic for images and PDFs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file 0600; data files are meant to be read by anyone who can read the repo.
        os.chmod(temp, DATA_FILE_MODE)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def generated_is_stale(path: Path, text: str, check: bool) -> bool:
    """For generated files (schemas, basemaps): with `check`, True when `path` does not hold `text`;
    without, write it atomically (and return False)."""
    if check:
        try:
            return path.read_text(encoding="utf-8") != text
        except (OSError, UnicodeDecodeError):
            return True
    write_atomic(path, text)
    return False


def stable_json(data: Any) -> str:
    """JSON with sorted keys, two-space indent and a final newline, so diffs read line by line."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def compact_json(data: Any) -> str:
    """JSON with sorted keys and no whitespace: for generated geometry no one reviews line by line."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
