"""Story text shown literally, and attribution lines."""

from __future__ import annotations

import pytest

from storymap.model import Source
from storymap.text import attribution, markdown_literal


@pytest.mark.parametrize(("text", "escaped"), [
    ("plain words", "plain words"),
    ("[x](javascript:alert(1))", "\\[x\\]\\(javascript\\:alert\\(1\\)\\)"),
    ("<img src=x onerror=alert(1)>", "\\<img src\\=x onerror\\=alert\\(1\\)\\>"),
    ("$10 and $20", "\\$10 and \\$20"),
    ("1. not a list\n# not a heading", "1\\. not a list \\# not a heading"),
    ("a\\b", "a\\\\b"),
    ("Хасан — 하산", "Хасан — 하산"),
])
def test_markdown_literal(text, escaped):
    assert markdown_literal(text) == escaped


def test_attribution():
    source = Source(id="s", outlet="Outlet", author="A. Writer", headline="H", published="2023-09-18", text="x.txt",
                    body={"from": "a", "to": "b"})
    assert attribution(source) == "Outlet, A. Writer, 2023-09-18"
    undated = Source(id="s", outlet="Outlet", headline="H", date_note="undated; about 12 Sep", text="x.txt",
                    body={"from": "a", "to": "b"})
    assert attribution(undated) == "Outlet, undated; about 12 Sep"
