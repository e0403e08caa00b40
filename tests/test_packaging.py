"""`pip install .`: the wheel carries the command, the files the package reads, and the page beside it."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from helpers import ROOT


def test_the_wheel_has_the_command_the_player_the_schemas_and_the_page(tmp_path):
    # --no-build-isolation: the virtualenv's own setuptools, so the test needs no index.
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                            str(ROOT), "-w", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    [wheel] = tmp_path.glob("storymap-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = archive.read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
        metadata = archive.read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "storymap = storymap.cli:main" in entry_points
    package_data = {f"storymap/{p.relative_to(ROOT / 'storymap')}" for pattern in ("player/*", "schemas/*.json")
                    for p in (ROOT / "storymap").glob(pattern)}
    assert package_data and package_data <= names
    data = next(n.split("/data/")[0] for n in names if ".data/data/" in n)
    assert {f"{data}/data/share/storymap/app.py", f"{data}/data/share/storymap/.streamlit/config.toml"} <= names
    assert not any(n.startswith(("tests/", "stories/", "geodata/", "scripts/")) for n in names)
    # The runtime pins are requirements.txt's; the map data is the extra an author installs.
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            assert f"Requires-Dist: {line}\n" in metadata
    assert 'Requires-Dist: basemap-data-hires==2.0.0; extra == "maps"' in metadata
