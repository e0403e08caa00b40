"""`storymap preview`: a real server on a story; an edit to the story, a source or the geodata reaches an
open page without the reader asking."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys

import pytest
from helpers import FIXTURE_GEODATA, FIXTURE_STORIES, ROOT, free_port, wait_for_health
from streamlit_client import Viewer, run_async

CHANGE_SECONDS = 60


@pytest.fixture
def served(tmp_path, request):
    """`storymap preview lisbon-tram-28` (or the command the test names) on a copy of the fixture story,
    its geodata beside it."""
    shutil.copytree(FIXTURE_STORIES, tmp_path / "stories")
    shutil.copytree(FIXTURE_GEODATA, tmp_path / "geodata")
    port = free_port()
    log = tmp_path / "preview.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYMAP_")}
    command = getattr(request, "param", ["preview", "lisbon-tram-28"])
    process = subprocess.Popen([sys.executable, "-m", "storymap", *command, "--port", str(port),
                                "--stories", str(tmp_path / "stories")], cwd=ROOT, env=env,
                               stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, process, log)
    except AssertionError:
        process.kill()
        raise
    yield url, tmp_path
    process.terminate()  # preview became the server (exec): this stops it
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


async def until_text(viewer: Viewer, wanted: str) -> str:
    """Page runs the server starts by itself, until one shows `wanted`; the text of that run."""
    async def watch():
        while True:
            run = await viewer.next_run()
            page = "\n".join(run.texts)
            if wanted in page:
                return page
    return await asyncio.wait_for(watch(), CHANGE_SECONDS)


def test_an_open_page_follows_edits_to_the_story_its_sources_and_its_geodata(served):
    url, folder = served
    story = folder / "stories" / "lisbon-tram-28.yaml"
    source = folder / "stories" / "lisbon-tram-28" / "sources" / "fixture-guide.txt"

    async def session():
        async with Viewer(url) as viewer:
            first = await viewer.run("", keep_text=True)  # no ?story=: the previewed story all the same
            assert "The view over Alfama." in "\n".join(first.texts)
            story.write_text(story.read_text(encoding="utf-8").replace("The view over Alfama.",
                                                                       "The view over the Alfama roofs."),
                             encoding="utf-8")
            await until_text(viewer, "The view over the Alfama roofs.")
            original = source.read_text(encoding="utf-8")
            source.write_text(original.replace("the view opens", "the view widens"), encoding="utf-8")
            await until_text(viewer, "quotes[0].text: quote not found verbatim in source")
            source.write_text(original, encoding="utf-8")
            await until_text(viewer, "The view over the Alfama roofs.")
            (folder / "geodata" / "lisbon-tram-28.route.geojson").unlink()
            await until_text(viewer, "lisbon-tram-28.route.geojson is missing")

    run_async(session())



@pytest.mark.parametrize("served", [["serve"]], indirect=True)
def test_serve_is_the_page_on_the_folder_given(served):
    url, _ = served

    async def session():
        async with Viewer(url) as viewer:
            return await viewer.run("story=lisbon-tram-28", keep_text=True)
    run = run_async(session())
    assert run.status == "FINISHED_SUCCESSFULLY" and "The view over Alfama." in "\n".join(run.texts)


def test_preview_check_opens_the_check_view(monkeypatch, tmp_path, capsys):
    """`storymap preview --check` execs the page with STORYMAP_VIEW=check (app.py then shows ?view=check)."""
    from storymap import preview as module
    from storymap.cli import main

    seen = {}

    def execve(path, command, env):
        seen.update(env=env)
        raise SystemExit(0)

    shutil.copytree(FIXTURE_STORIES, tmp_path / "stories")
    monkeypatch.setattr(module.os, "execve", execve)
    monkeypatch.setattr(module.os, "chdir", lambda path: None)
    monkeypatch.setenv("STORYMAP_VIEW", "stale")
    for argv, view in ((["preview", "--check"], "check"), (["preview"], None)):
        with pytest.raises(SystemExit):
            main([*argv, "--stories", str(tmp_path / "stories")])
        assert seen["env"].get("STORYMAP_VIEW") == view
    assert "http://localhost:8501/?view=check (" in capsys.readouterr().err
