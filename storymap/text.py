"""Text from story files as the page shows it: literal, attributed (page step of the pipeline).

Story text is data, never markup: a quote containing `[x](javascript:...)`, `<script>` or `$x$`
must show those characters, not run or render them.
"""

from __future__ import annotations

import re

from storymap.model import Source

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~&:\"'=^])")


def markdown_literal(text: str) -> str:
    """Escape every character Markdown, HTML or LaTeX could read, so the text renders as written."""
    # CommonMark lets a backslash escape any ASCII punctuation; newlines become spaces so a stray
    # "1." or "#" at a line start cannot become a list or heading.
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def attribution(source: Source) -> str:
    """'Outlet, Author, 18 Sep 2023' as plain text."""
    parts = [source.outlet]
    if source.author:
        parts.append(source.author)
    parts.append(source.published or source.date_note or "undated")
    return ", ".join(parts)
