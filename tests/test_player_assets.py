"""The player's static files: WCAG AA contrast of its palettes, no remote references, text set safely."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from helpers import ROOT

PLAYER = ROOT / "storymap" / "player"
CSS = (PLAYER / "player.css").read_text(encoding="utf-8")
# (foreground, background) pairs that carry text, and the ratio each needs (WCAG 2.1 AA).
TEXT_PAIRS = [("--text", "--bg", 4.5), ("--muted", "--bg", 4.5), ("--accent-text", "--accent", 4.5),
              ("--text", "--quote-bg", 4.5), ("--muted", "--quote-bg", 4.5), ("--note-text", "--note-bg", 4.5),
              ("--label", "--land", 4.5), ("--accent", "--bg", 3.0)]


def palette(block_start: str) -> dict[str, str]:
    block = CSS[CSS.index(block_start):]
    block = block[:block.index("}")]
    return dict(re.findall(r"(--[a-z-]+):\s*(#[0-9a-fA-F]{6})", block))


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("theme", [":root {", ':root[data-theme="dark"] {'], ids=["light", "dark"])
def test_text_colours_meet_wcag_aa(theme):
    colours = palette(theme)
    for foreground, background, needed in TEXT_PAIRS:
        ratio = contrast(colours[foreground], colours[background])
        assert ratio >= needed, f"{theme} {foreground} on {background}: {ratio:.2f} < {needed}"


def test_the_dark_palette_is_the_same_in_both_places():
    assert palette(':root:not([data-theme="light"]) {') == palette(':root[data-theme="dark"] {')


def test_no_remote_references_in_the_players_own_files():
    for name in ("index.html", "player.js", "player.css"):
        text = (PLAYER / name).read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=[\"']?https?:", text), name
        assert "@import" not in text and "fonts.googleapis" not in text, name


def test_story_text_never_goes_through_inner_html():
    script = (PLAYER / "player.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "document.write" not in script


SCRIPT = (PLAYER / "player.js").read_text(encoding="utf-8")
# The bundle is generated from these ES modules (player-build/build-player.mjs); the structural checks
# below read the sources, as written, and test_the_committed_bundle_is_fresh ties the two together.
PLAYER_BUILD = ROOT / "player-build"
SOURCES = PLAYER_BUILD / "src" / "player"
STREAMLIT_HOST = (SOURCES / "hosts" / "streamlit.js").read_text(encoding="utf-8")
ALL_SOURCES = "\n".join(path.read_text(encoding="utf-8") for path in sorted(SOURCES.rglob("*.js")))


def test_player_js_is_valid_javascript():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the browser tests load player.js as it is")
    result = subprocess.run([node, "--check", str(PLAYER / "player.js")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_only_the_parent_window_on_the_apps_own_origin_may_talk_to_the_player():
    # The browser tests prove the behaviour; this keeps the two checks from being edited away unnoticed.
    host_check = re.search(r"const fromHost = \(event\) => (.*?);\n", STREAMLIT_HOST, re.S).group(1)
    for check in ("event.isTrusted", "event.source === window.parent", "event.origin === window.location.origin"):
        assert check in host_check
    listener = STREAMLIT_HOST[STREAMLIT_HOST.index("window.addEventListener('message', (event) => {"):]
    assert listener.index("if (!fromHost(event))") < listener.index("event.data")   # refused before it is read


def test_readiness_is_loading_ready_or_failed_and_documented():
    assert set(re.findall(r"setReadiness\('([a-z]+)'\)", ALL_SOURCES)) == {"loading", "ready", "failed"}
    assert ALL_SOURCES.count("dataset.state =") == 1                 # only setReadiness writes it
    assert SCRIPT.count("dataset.state =") == 1
    docs = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert "`data-state`:** `loading`, then `ready`" in docs and "`failed`" in docs


def test_no_player_module_is_over_300_lines():
    for path in SOURCES.rglob("*.js"):
        lines = path.read_text(encoding="utf-8").count("\n")
        assert lines <= 310, f"{path.relative_to(ROOT)}: {lines} lines; split it by concern"


def test_the_committed_bundle_is_fresh(tmp_path):
    # storymap/player/player.js is what the page and the export load; it must be the build of the sources.
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: cannot build player.js to compare (make test installs it)")
    if not (PLAYER_BUILD / "node_modules" / "esbuild").is_dir():
        pytest.skip("player-build/node_modules is absent: run `cd player-build && npm ci` (make test does)")
    fresh = tmp_path / "player.js"
    result = subprocess.run([node, str(PLAYER_BUILD / "build-player.mjs"), str(fresh)], capture_output=True, text=True,
                            cwd=PLAYER_BUILD, timeout=120)
    assert result.returncode == 0, result.stderr
    assert fresh.read_text(encoding="utf-8") == SCRIPT, (
        "storymap/player/player.js is stale: run `npm run build:player` in player-build/ and commit the result")
