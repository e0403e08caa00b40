"""The command line: exit codes, output format, --help for every command."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from helpers import BUILT_IN_STORY, FIXTURE_GEODATA, FIXTURE_STORIES, ROOT

from storymap.cli import main


def run(*args: str) -> subprocess.CompletedProcess:
    """`python -m storymap ...` in a real subprocess, from the project root."""
    return subprocess.run([sys.executable, "-m", "storymap", *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


def test_validate_defaults_to_every_story_and_passes():
    result = run("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "stories/kim-russia-2023.yaml: ok (7 stops, 15 quotes verified, 86 places located, route 3,550 km)" \
        in result.stderr


def test_validate_prints_one_line_per_problem_and_exits_1(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitel: x\n", encoding="utf-8")
    assert main(["validate", str(bad), str(BUILT_IN_STORY)]) == 1
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert all(line.startswith(f"{bad}:") for line in lines)
    assert f"{bad}:2:1: titel: unknown field 'titel'; did you mean 'title'?" in out.out
    assert "1 of 2 stories invalid" in out.err


def test_validate_an_empty_folder_is_an_error(tmp_path, capsys):
    assert main(["validate", "--stories-dir", str(tmp_path)]) == 1
    assert "no story files" in capsys.readouterr().err


def test_show_json_has_story_sources_and_stops():
    result = run("show", "stories/kim-russia-2023.yaml", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["id"] == "kim-russia-2023"
    assert len(data["sources"]) == 5
    khasan = data["stops"][0]
    assert set(khasan) >= {"id", "name", "date", "time", "time_zone", "query", "lat", "lon", "quotes"}
    assert khasan["local_names"]["ru"] == "станция Хасан"
    assert khasan["quotes"][0]["source"] == "bbn-ap"
    assert data["stops"][1]["time_zone"] == "Asia/Yakutsk"


def test_show_text_summary(capsys):
    assert main(["show", str(FIXTURE_STORIES / "lisbon-tram-28.yaml")]) == 0
    out = capsys.readouterr().out
    assert "Tram 28 across Lisbon" in out and "2024-05-01 09:00" in out


def test_show_a_broken_story_prints_problems_not_a_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: &x 1\n", encoding="utf-8")
    result = run("show", str(bad), "--json")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip() == f"{bad}:1:4: (story): anchors (&x) are not allowed; write the value out in full"


@pytest.mark.parametrize("command", ["validate", "show", "schema"])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    assert "usage: storymap " + command in capsys.readouterr().out


def test_no_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exited:
        main([])
    assert exited.value.code == 2


def test_fixture_geodata_is_current():
    assert main(["validate", str(FIXTURE_STORIES / "lisbon-tram-28.yaml"), "--geodata-dir", str(FIXTURE_GEODATA)]) == 0


def test_an_unforeseen_failure_is_one_line_not_a_traceback(monkeypatch, capsys):
    import storymap.cli as cli

    def explode(*args, **kwargs):
        raise ZeroDivisionError("simulated")
    monkeypatch.setattr(cli, "load_story", explode)
    assert main(["show", "stories/kim-russia-2023.yaml"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("storymap show: unexpected ZeroDivisionError: simulated; this is a bug in storymap")
    assert "Traceback" not in err and err.count("\n") == 1


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """A stories folder outside the checkout with its geodata beside it, and no folder set in the environment."""
    monkeypatch.delenv("STORYMAP_STORIES_DIR", raising=False)
    monkeypatch.delenv("STORYMAP_GEODATA_DIR", raising=False)
    shutil.copytree(FIXTURE_STORIES, tmp_path / "stories")
    shutil.copytree(FIXTURE_GEODATA, tmp_path / "geodata")
    return tmp_path / "stories"


@pytest.mark.parametrize("where", ["after", "before", "environment"])
def test_every_story_command_takes_the_stories_folder(elsewhere, where, monkeypatch, capsys, tmp_path):
    def command(*words):
        if where == "environment":
            monkeypatch.setenv("STORYMAP_STORIES_DIR", str(elsewhere))
            return list(words)
        folder = ["--stories", str(elsewhere)]
        return folder + list(words) if where == "before" else list(words) + folder

    assert main(command("validate")) == 0
    assert "lisbon-tram-28.yaml: ok (3 stops" in capsys.readouterr().err
    assert main(command("show", "lisbon-tram-28")) == 0  # by id, found in that folder
    assert "Tram 28 across Lisbon" in capsys.readouterr().out
    assert main(command("route")) == 0
    assert main(command("build")) == 0
    assert "lisbon-tram-28: basemap: fresh" in capsys.readouterr().err
    assert main(command("export", "lisbon-tram-28", "-o", str(tmp_path / "out.html"))) == 0
    assert main(command("new", "second-trip")) == 0
    assert (elsewhere / "second-trip.yaml").is_file()
    assert not (ROOT / "stories" / "second-trip.yaml").exists()


def test_geodata_can_live_apart_from_the_stories(elsewhere, tmp_path, monkeypatch, capsys):
    apart = tmp_path / "maps"
    (tmp_path / "geodata").rename(apart)
    assert main(["validate", "--stories", str(elsewhere)]) == 1
    assert "lisbon-tram-28.route.geojson is missing" in capsys.readouterr().out
    monkeypatch.setenv("STORYMAP_GEODATA_DIR", str(apart))
    assert main(["validate", "--stories", str(elsewhere)]) == 0
