"""Attribution lines."""

from __future__ import annotations

from storymap.model import Source
from storymap.text import attribution


def test_attribution():
    source = Source(id="s", outlet="Outlet", author="A. Writer", headline="H", published="2023-09-18", text="x.txt",
                    body={"from": "a", "to": "b"})
    assert attribution(source) == "Outlet, A. Writer, 2023-09-18"
    undated = Source(id="s", outlet="Outlet", headline="H", date_note="undated; about 12 Sep", text="x.txt",
                    body={"from": "a", "to": "b"})
    assert attribution(undated) == "Outlet, undated; about 12 Sep"
