"""The one exception family of storymap; callers catch these at the edge (CLI, page), never deeper."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file, located by file, line, column and field path."""

    file: str
    line: int
    col: int
    field: str
    message: str

    def __str__(self) -> str:
        # One problem, one line: a line break inside a value must not start a fake problem line.
        text = f"{self.file}:{self.line}:{self.col}: {self.field or '(story)'}: {self.message}"
        return text.replace("\r", "\\r").replace("\n", "\\n")


class StorymapError(Exception):
    """Base class of every error storymap raises on purpose."""


class StoryError(StorymapError):
    """A story file is invalid; carries every problem found, each with file, line and field."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):
        return (type(self), (self.problems,))
