"""`storymap build`: every step in order, fresh steps skipped, offline without a User-Agent, and a
service that cannot be reached failing at once."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys

import pytest
from fake_provider import FakeProvider, nominatim_place
from helpers import FIXTURE_STORIES, ROOT

from storymap.cli import main

AGENT = "storymap-tests/1.0 (tests@example.org)"
STORY = """\
id: trip
title: A trip for the build tests
time_zone: Asia/Vladivostok
region: {country: ru}
sources:
  - id: fixture-guide
    outlet: storymap test fixtures
    headline: A ride on tram 28
    text: trip/sources/fixture-guide.txt
    body: {from: Tram 28 leaves Martim Moniz, to: the Prazeres cemetery.}
stops:
  - id: city
    name: The city
    date: 2023-09-13
    place:
      query: Vladivostok
      region: {country: ru, near: {lat: 43.12, lon: 131.9}, within_km: 30}
    summary: s
    quotes:
      - text: Tram 28 leaves Martim Moniz
        source: fixture-guide
  - id: island
    name: The island
    date: 2023-09-14
    place:
      query: Russky Island
      region: {country: ru, near: {lat: 43.03, lon: 131.89}, within_km: 15}
    summary: s
    no_quote: none
"""


@pytest.fixture(autouse=True)
def private_request_slots(tmp_path, monkeypatch):
    """Each test's rate-limit slots in its own folder, and no User-Agent unless a test gives one."""
    monkeypatch.setenv("STORYMAP_RATE_DIR", str(tmp_path / "rate"))
    monkeypatch.delenv("STORYMAP_USER_AGENT", raising=False)
    monkeypatch.delenv("STORYMAP_STORIES_DIR", raising=False)
    monkeypatch.delenv("STORYMAP_GEODATA_DIR", raising=False)


@pytest.fixture
def provider():
    server = FakeProvider()
    yield server
    server.stop()


def stories(tmp_path, text=STORY):
    folder = tmp_path / "stories"
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", folder / "trip")
    (folder / "trip.yaml").write_text(text, encoding="utf-8")
    return folder


def test_build_runs_every_step_then_finds_them_fresh(provider, tmp_path, capsys):
    provider.nominatim("Vladivostok", [nominatim_place("Vladivostok, Russia", 43.1056, 131.8735, "ru")])
    provider.nominatim("Russky Island", [nominatim_place("Russky Island, Russia", 43.02, 131.86, "ru", "relation", 3)])
    folder = stories(tmp_path)
    args = ["build", "trip", "--stories", str(folder), "--endpoint", provider.endpoint, "--user-agent", AGENT]
    assert main(args) == 0, capsys.readouterr().err
    err = capsys.readouterr().err
    geodata = tmp_path / "geodata"  # beside the stories folder
    for name in ("trip.geocode.json", "trip.route.geojson", "trip.basemap.geojson"):
        assert (geodata / name).is_file(), err
    assert "[2/5] trip: geocode: 2 looked up (nominatim)" in err
    assert "[5/5] trip: check: ok: 2 stops, 1 quotes verified" in err
    assert err.rstrip().endswith("See it: storymap preview trip   Export it: storymap export trip")
    requests = len(provider.requests)
    stamps = {name: (geodata / name).stat().st_mtime_ns for name in ("trip.route.geojson", "trip.basemap.geojson")}

    assert main(args) == 0
    err = capsys.readouterr().err
    assert len(provider.requests) == requests  # nothing asked again
    for step in ("geocode: fresh", "route: fresh", "basemap: fresh"):
        assert f"trip: {step}" in err
    assert stamps == {name: (geodata / name).stat().st_mtime_ns for name in stamps}

    # Retiming a stop changes the route, not the map; moving a place changes both.
    (folder / "trip.yaml").write_text(STORY.replace("2023-09-14", "2023-09-15"), encoding="utf-8")
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "trip: route: fresh" not in err and "wrote" in err.split("trip: route: ")[-1].splitlines()[0]
    assert "trip: basemap: fresh" in err
    moved = STORY.replace("2023-09-14", "2023-09-15").replace(
        "      query: Russky Island\n", "      query: Russky Island\n      pin: {lat: 43.0, lon: 131.8, reason: r}\n")
    (folder / "trip.yaml").write_text(moved, encoding="utf-8")
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "trip: basemap: wrote" in err and "trip: route: fresh" not in err


def test_build_without_a_user_agent_geocodes_offline_and_says_so(tmp_path, capsys):
    folder = stories(tmp_path, STORY.replace("query: Russky Island", "query: Artyom").replace(
        "near: {lat: 43.03, lon: 131.89}", "near: {lat: 43.36, lon: 132.19}"))
    assert main(["build", "trip", "--stories", str(folder)]) == 0, capsys.readouterr().err
    err = capsys.readouterr().err
    assert "no User-Agent configured (--user-agent or STORYMAP_USER_AGENT): geocoding offline" in err
    assert "looked up (offline)" in err
    cache = json.loads((tmp_path / "geodata" / "trip.geocode.json").read_text(encoding="utf-8"))
    assert {entry["provider"] for entry in cache["places"]} == {"offline"}


def test_a_story_with_problems_stops_at_its_step_and_says_so(tmp_path, capsys):
    folder = stories(tmp_path, STORY.replace("summary: s\n    no_quote", "summery: s\n    no_quote"))
    assert main(["build", "--stories", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "trip.yaml:28:5: stops[1].summery: unknown field 'summery'; did you mean 'summary'?" in err
    assert "not built; fix the problems above" in err
    assert not (tmp_path / "geodata").exists()


def closed_port() -> int:
    """A port nothing listens on: bound, then released (nothing else on the machine takes it meanwhile)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_service_that_refuses_connections_fails_at_once_and_suggests_offline(tmp_path):
    folder = stories(tmp_path)
    endpoint = f"http://127.0.0.1:{closed_port()}"
    # A real process and real sockets; with retries this would take over a minute (3 backoffs per place).
    result = subprocess.run([sys.executable, "-m", "storymap", "build", "trip", "--stories", str(folder),
                             "--endpoint", endpoint, "--user-agent", AGENT], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, env={**_env(tmp_path)})
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"error: cannot reach {endpoint}: Connection refused; check the network")
    assert last.endswith("storymap build trip --provider offline")
    assert not (tmp_path / "geodata" / "trip.geocode.json").exists()


def test_a_host_name_that_does_not_resolve_fails_at_once(tmp_path, capsys, monkeypatch):
    folder = stories(tmp_path)
    calls = []

    def no_such_name(host, *args, **kwargs):
        calls.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    assert main(["build", "trip", "--stories", str(folder), "--endpoint", "http://geocoder.example.invalid",
                 "--user-agent", AGENT]) == 1
    err = capsys.readouterr().err
    assert ("error: cannot reach http://geocoder.example.invalid: the host name does not resolve "
            "(Name or service not known)") in err
    assert calls == ["geocoder.example.invalid"]  # one try, not one per retry and place


def test_the_basemap_without_the_map_packages_names_the_install_command(tmp_path, capsys, monkeypatch):
    monkeypatch.delitem(sys.modules, "storymap.basemap", raising=False)
    monkeypatch.setitem(sys.modules, "shapely", None)  # as if not installed
    folder = stories(tmp_path)
    assert main(["basemap", "trip", "--stories", str(folder)]) == 1
    err = capsys.readouterr().err
    assert err == ("error: the basemap needs the map data packages (shapely is not installed); install them: "
                   "pip install 'storymap[maps]' (from a checkout: pip install -e '.[maps]')\n")


def _env(tmp_path) -> dict:
    import os
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYMAP_")}
    env["STORYMAP_RATE_DIR"] = str(tmp_path / "rate")
    return env
