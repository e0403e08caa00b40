"""Concurrent runs lose nothing: two geocode runs on one geodata folder merge their places, the
1 request/s policy holds across processes (asserted on the intervals the fake server recorded), and
concurrent route builds leave a whole file. Real processes where it matters (multiprocessing with
spawn, and the CLI in subprocesses); the slot logic itself on a fake clock."""

from __future__ import annotations

import fcntl
import io
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fake_provider import FakeClock, FakeProvider, nominatim_place
from geopy.exc import GeocoderRateLimited
from helpers import FIXTURE_STORIES, ROOT

from storymap.cli import main
from storymap.files import stable_json
from storymap.locate import (
    MIN_DELAY_SECONDS,
    Candidate,
    GeocodeError,
    Located,
    PoliteRateLimiter,
    RequestSlot,
    exclusive_lock,
    geocode_story,
    locate_places,
    lock_path,
    make_geocode,
    rate_limit_dir,
    read_cache,
)
from storymap.route import build_route, route_path, write_route
from storymap.story import load_story

AGENT = "storymap-tests/1.0 (tests@storymap.invalid)"
SPAWN = multiprocessing.get_context("spawn")  # a fresh interpreter per process, as two terminals would have
TEST_DELAY = 0.3  # the interval for the process tests that do not test the real 1 s


def story_text(story_id: str, queries: list[str]) -> str:
    """A story without regions (every answer is accepted) whose stops are these places."""
    stops = "".join(f"  - id: s{i}\n    name: S{i}\n    date: 2024-05-0{i + 1}\n    place: {{query: {q}}}\n"
                    "    summary: s\n    no_quote: n\n" for i, q in enumerate(queries))
    return (f"id: {story_id}\ntitle: T\ntime_zone: UTC\ndek: D\n"
            f"sources:\n  - id: guide\n    outlet: F\n    headline: H\n    text: {story_id}/sources/fixture-guide.txt\n"
            "    body: {from: Tram 28 leaves Martim Moniz, to: the Prazeres cemetery.}\n"
            f"stops:\n{stops}")


def write_story(folder: Path, story_id: str, queries: list[str]) -> Path:
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", folder / story_id, dirs_exist_ok=True)
    path = folder / f"{story_id}.yaml"
    path.write_text(story_text(story_id, queries), encoding="utf-8")
    return path


def script(provider: FakeProvider, queries: list[str]) -> None:
    for i, query in enumerate(queries):
        provider.nominatim(query, [nominatim_place(f"{query}, Somewhere", 10 + i, 20 + i, "xx", osm_id=i + 1)])


def intervals(provider: FakeProvider) -> list[float]:
    """Seconds between consecutive requests as the server saw them (its own clock, all processes)."""
    times = sorted(r.at for r in provider.requests)
    return [later - earlier for earlier, later in zip(times, times[1:])]


@pytest.fixture
def provider():
    server = FakeProvider(clock=time.monotonic)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def private_request_slots(tmp_path, monkeypatch):
    """This test's slot folder, inherited by the processes it starts."""
    monkeypatch.setenv("STORYMAP_RATE_DIR", str(tmp_path / "rate"))


# --- two geocode processes on one cache ----------------------------------------------------------


def geocode_worker(story_file: str, cache_file: str, endpoint: str, delay: float, barrier, results) -> None:
    """One geocode run in its own process, started at the same moment as the other."""
    story = load_story(story_file)
    geocode = make_geocode("nominatim", AGENT, endpoint, min_delay_seconds=delay)
    barrier.wait(timeout=120)
    report = geocode_story(story, geocode, cache_file=Path(cache_file), progress_stream=io.StringIO())
    results.put((story_file, report.looked_up, report.from_cache, report.written, len(report.failures)))


def test_two_geocode_processes_on_one_cache_merge_their_places(provider, tmp_path):
    # Two versions of one story (say, before and after an edit) geocoded at the same time into one cache.
    first = ["Alpha One", "Alpha Two", "Shared Place"]
    second = ["Beta One", "Beta Two", "Shared Place"]
    script(provider, sorted(set(first + second)))
    files = [write_story(tmp_path / "a", "traps", first), write_story(tmp_path / "b", "traps", second)]
    cache = tmp_path / "geodata" / "traps.geocode.json"
    barrier, results = SPAWN.Barrier(2), SPAWN.Queue()
    workers = [SPAWN.Process(target=geocode_worker, args=(str(f), str(cache), provider.endpoint, TEST_DELAY,
                                                          barrier, results)) for f in files]
    for worker in workers:
        worker.start()
    reports = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert sorted(query for query, _ in read_cache(cache)) == sorted(set(first + second))
    # Each place was asked once: the shared one by whichever run took the cache's lock first.
    assert sorted(r.params["q"] for r in provider.requests) == sorted(set(first + second))
    assert sum(r[1] for r in reports) == 5 and sum(r[4] for r in reports) == 0
    gaps = intervals(provider)
    assert len(gaps) == 4 and min(gaps) >= TEST_DELAY - 0.002, gaps


def blocked_on(path: Path, pids: set[int]) -> set[int]:
    """Which of these processes wait for a flock on `path` (Linux /proc/locks: `->` marks a waiter)."""
    inode = path.stat().st_ino
    waiting = set()
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "->" in fields:
            fields = fields[fields.index("->") + 1:]
            if fields[0] == "FLOCK" and int(fields[3]) in pids and fields[4].split(":")[-1] == str(inode):
                waiting.add(int(fields[3]))
    return waiting


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux /proc/locks to see who waits")
def test_the_real_one_second_policy_holds_across_two_cli_processes(provider, tmp_path):
    # Two stories (two caches, so no cache lock between them): only the shared request slot spaces them.
    north, south = ["North One", "North Two"], ["South One", "South Two"]
    script(provider, north + south)
    files = [write_story(tmp_path / "stories", "north", north), write_story(tmp_path / "stories", "south", south)]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    slot = RequestSlot(provider.endpoint.split("://")[1], tmp_path / "rate")
    slot.path.parent.mkdir(parents=True)
    with exclusive_lock(slot.path):  # hold both runs at the gate until each is ready to send its first request
        runs = [subprocess.Popen([sys.executable, "-m", "storymap", "geocode", str(f), "--endpoint",
                                  provider.endpoint, "--user-agent", AGENT, "--geodata-dir", str(tmp_path / "geodata")],
                                 cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for f in files]
        pids = {run.pid for run in runs}
        deadline = time.monotonic() + 60
        while blocked_on(slot.path, pids) != pids:
            assert time.monotonic() < deadline, "the two runs never both waited for the shared request slot"
            for run in runs:  # /proc/locks cannot be waited on: wait on the runs, which must not end here
                try:
                    run.wait(timeout=0.01)
                except subprocess.TimeoutExpired:
                    continue
                pytest.fail(f"a run ended before it waited at the gate: {run.communicate()}")
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert all("Traceback" not in err for _, err in outputs)
    assert sorted(r.params["q"] for r in provider.requests) == sorted(north + south)
    gaps = intervals(provider)
    assert len(gaps) == 3 and min(gaps) >= MIN_DELAY_SECONDS - 0.002, gaps


# --- the cache lock and what a run may drop ------------------------------------------------------


def answers(query, region):
    return [Candidate(1.0, 2.0, query, "nominatim", "node/1", "xx", "place:town")]


def test_a_place_removed_from_the_story_is_dropped_by_a_run_alone(tmp_path):
    path = write_story(tmp_path, "traps", ["Kept", "Removed"])
    cache = tmp_path / "geodata" / "traps.geocode.json"
    geocode_story(load_story(path), answers, cache_file=cache, progress_stream=io.StringIO())
    path = write_story(tmp_path, "traps", ["Kept"])
    geocode_story(load_story(path), answers, cache_file=cache)
    assert [query for query, _ in read_cache(cache)] == ["Kept"]


def test_no_place_is_dropped_while_another_run_is_active(tmp_path):
    path = write_story(tmp_path, "traps", ["Kept", "Wanted By The Other Run"])
    cache = tmp_path / "geodata" / "traps.geocode.json"
    geocode_story(load_story(path), answers, cache_file=cache, progress_stream=io.StringIO())
    path = write_story(tmp_path, "traps", ["Kept", "New"])
    other_run = os.open(cache.parent / f".{cache.name}.runs.lock", os.O_RDONLY)
    try:
        fcntl.flock(other_run, fcntl.LOCK_SH)  # another geocode run of this cache is going on
        geocode_story(load_story(path), answers, cache_file=cache)
    finally:
        os.close(other_run)
    assert sorted(query for query, _ in read_cache(cache)) == ["Kept", "New", "Wanted By The Other Run"]
    geocode_story(load_story(path), answers, cache_file=cache)  # alone now: the stale entry goes
    assert sorted(query for query, _ in read_cache(cache)) == ["Kept", "New"]


def test_each_write_merges_what_another_run_wrote_meanwhile(tmp_path):
    mine = write_story(tmp_path, "traps", ["Mine One", "Mine Two"])
    theirs = write_story(tmp_path / "other", "traps", ["Theirs"])
    cache = tmp_path / "geodata" / "traps.geocode.json"

    class OtherRunBetweenMyLookups(io.StringIO):
        """My progress line, written between two of my lookups: the other run does its work right then."""

        def write(self, text):
            if "1/2" in text:
                report = geocode_story(load_story(theirs), answers, cache_file=cache)
                assert report.written == 1
            return super().write(text)

    geocode_story(load_story(mine), answers, cache_file=cache, progress_stream=OtherRunBetweenMyLookups())
    assert sorted(query for query, _ in read_cache(cache)) == ["Mine One", "Mine Two", "Theirs"]


def test_a_lookup_waits_for_the_cache_lock(tmp_path):
    path = write_story(tmp_path, "traps", ["Mine"])
    cache = tmp_path / "geodata" / "traps.geocode.json"
    done = threading.Event()
    with exclusive_lock(lock_path(cache)):  # another run is looking a place up
        thread = threading.Thread(target=lambda: (geocode_story(load_story(path), answers, cache_file=cache),
                                                  done.set()))
        thread.start()
        assert not done.wait(0.5) and not cache.exists()
    thread.join(timeout=30)
    assert done.is_set() and [query for query, _ in read_cache(cache)] == ["Mine"]


# --- the shared request slot on a fake clock -----------------------------------------------------


def recording_limiter(clock, calls, name, slot, fail_with=None, **options):
    def request():
        if fail_with:
            raise fail_with.pop(0)
        calls.append((name, clock()))
        return name
    return PoliteRateLimiter(request, clock=clock, sleep=clock.sleep, slot=slot, **options)


def test_two_limiters_sharing_a_slot_keep_the_interval_between_them(tmp_path):
    clock, calls = FakeClock(), []
    one = recording_limiter(clock, calls, "one", RequestSlot("host:1", tmp_path))
    two = recording_limiter(clock, calls, "two", RequestSlot("host:1", tmp_path))  # another process
    elsewhere = recording_limiter(clock, calls, "elsewhere", RequestSlot("other.host", tmp_path))
    for limiter in (one, two, one, two, elsewhere):
        limiter()
    times = [at for name, at in calls if name != "elsewhere"]
    assert [b - a for a, b in zip(times, times[1:])] == [1.0, 1.0, 1.0]
    assert calls[-1][1] == times[-1]  # another service has its own slot: no wait
    assert clock.sleeps == [1.0, 1.0, 1.0]


def test_a_429_makes_every_process_wait_for_its_retry_after(tmp_path):
    clock, calls = FakeClock(), []
    told = [GeocoderRateLimited("slow down", retry_after=7)]
    one = recording_limiter(clock, calls, "one", RequestSlot("host:1", tmp_path), fail_with=told, max_retries=0)
    two = recording_limiter(clock, calls, "two", RequestSlot("host:1", tmp_path))
    with pytest.raises(GeocoderRateLimited):
        one()
    two()
    assert clock.sleeps == [7.0]


def test_a_retry_after_beyond_the_limit_fails_at_once(tmp_path):
    clock, calls = FakeClock(), []
    told = [GeocoderRateLimited("come back tomorrow", retry_after=86400)]
    one = recording_limiter(clock, calls, "one", RequestSlot("host:1", tmp_path), fail_with=told)
    with pytest.raises(GeocoderRateLimited, match="asks to wait 86,400 s"):
        one()
    assert clock.sleeps == []


@pytest.mark.parametrize("record", [b"garbage\n", b"nan\n", b"99999999999.0\n"])
def test_an_unreadable_or_far_future_slot_record_costs_one_interval(tmp_path, record):
    clock, calls = FakeClock(), []
    slot = RequestSlot("host:1", tmp_path)
    slot.path.write_bytes(record)  # a torn write, a clock that went back, a record from another boot
    recording_limiter(clock, calls, "one", slot)()
    assert clock.sleeps == [1.0]


def test_the_slot_folder_comes_from_the_environment_or_the_users_cache(tmp_path, monkeypatch):
    assert rate_limit_dir() == tmp_path / "rate"
    monkeypatch.delenv("STORYMAP_RATE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert rate_limit_dir() == tmp_path / "xdg" / "storymap" / "rate-limit"
    assert (tmp_path / "xdg" / "storymap" / "rate-limit").stat().st_mode & 0o077 == 0  # private to the user
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    monkeypatch.setenv("STORYMAP_RATE_DIR", str(tmp_path / "a-file"))
    with pytest.raises(GeocodeError, match="STORYMAP_RATE_DIR=.*a-file is not a writable folder"):
        make_geocode("nominatim", AGENT, "http://127.0.0.1:9")


def test_a_lock_file_planted_as_a_link_is_refused_with_a_message(tmp_path, capsys):
    path = write_story(tmp_path, "traps", ["Somewhere"])
    geodata = tmp_path / "geodata"
    geodata.mkdir()
    (tmp_path / "elsewhere").write_text("", encoding="utf-8")
    (geodata / ".traps.geocode.json.lock").symlink_to(tmp_path / "elsewhere")
    assert main(["geocode", str(path), "--provider", "offline", "--geodata-dir", str(geodata)]) == 1
    err = capsys.readouterr().err
    assert "cannot open the lock file" in err and ".traps.geocode.json.lock" in err and "Traceback" not in err
    assert not (geodata / "traps.geocode.json").exists()


# --- route builds --------------------------------------------------------------------------------


def route_variants() -> tuple[object, list[dict]]:
    """The Lisbon fixture with its points nudged per variant: different files, all valid."""
    story = load_story(FIXTURE_STORIES / "lisbon-tram-28.yaml")
    located, problems = locate_places(story)
    assert problems == []
    variants = [{path: Located(loc.lat + k * 1e-4, loc.lon, loc.provider, loc.display_name)
                 for path, loc in located.items()} for k in range(3)]
    return story, variants


def route_worker(geodata: str, variant: int, rounds: int, barrier) -> None:
    story, variants = route_variants()
    barrier.wait(timeout=120)
    for round_ in range(rounds):
        write_route(story, variants[(variant + round_) % len(variants)], Path(geodata))


def test_concurrent_route_builds_leave_a_whole_valid_file(tmp_path):
    story, variants = route_variants()
    expected = {stable_json(build_route(story, v)) for v in variants}
    geodata = tmp_path / "geodata"
    barrier = SPAWN.Barrier(4)
    workers = [SPAWN.Process(target=route_worker, args=(str(geodata), k, 40, barrier)) for k in range(3)]
    for worker in workers:
        worker.start()
    barrier.wait(timeout=120)
    path, reads = route_path(story, geodata), 0
    while any(worker.is_alive() for worker in workers) or reads == 0:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        assert text in expected, "a reader saw a half-written or foreign route file"
        json.loads(text)
        reads += 1
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert path.read_text(encoding="utf-8") in expected
    assert [p.name for p in geodata.iterdir() if p.name.endswith(".tmp")] == []
    assert reads > 0


def test_a_route_build_waits_for_the_lock_and_leaves_an_unchanged_file_alone(tmp_path):
    story, (located, *_) = route_variants()
    path = route_path(story, tmp_path)
    built = threading.Event()
    with exclusive_lock(lock_path(path)):  # another build is writing
        thread = threading.Thread(target=lambda: (write_route(story, located, tmp_path), built.set()))
        thread.start()
        assert not built.wait(0.5) and not path.exists()
    thread.join(timeout=30)
    assert built.is_set() and json.loads(path.read_text(encoding="utf-8"))["type"] == "FeatureCollection"
    inode = path.stat().st_ino
    write_route(story, located, tmp_path)
    assert path.stat().st_ino == inode  # same content: not rewritten

