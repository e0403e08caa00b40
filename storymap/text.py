"""Attribution lines as the page, the text version and the export show them (page step of the pipeline)."""

from __future__ import annotations

from storymap.model import Source


def attribution(source: Source) -> str:
    """'Outlet, Author, 18 Sep 2023' as plain text."""
    parts = [source.outlet]
    if source.author:
        parts.append(source.author)
    parts.append(source.published or source.date_note or "undated")
    return ", ".join(parts)
