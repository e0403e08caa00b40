"""Geocoding: geopy's real Nominatim and Photon clients against a local server, the region check,
the rate limiter on a fake clock, the cache (resumable, atomic, refuses to overwrite a broken file),
and the offline gazetteer on the first story."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from fake_provider import FakeClock, FakeProvider, Reply, nominatim_place, photon_feature
from helpers import BUILT_IN_STORY, FIXTURE_STORIES, ROOT

from storymap.cli import main
from storymap.locate import (
    MAX_RETRIES,
    CacheError,
    Candidate,
    GeocodeError,
    cache_path,
    check_user_agent,
    distance_km,
    failure_table,
    geocode_story,
    judge,
    locate_places,
    make_geocode,
    nominatim_geocode,
    read_cache,
    resolve,
)
from storymap.model import Region
from storymap.story import load_story, parse_story

AGENT = "storymap-tests/1.0 (tests@storymap.invalid)"
COSMODROME = (51.8839, 128.3331)
PLANT = (50.6, 137.0719)

STORY = """\
id: traps
title: Namesakes
time_zone: Asia/Vladivostok
region: {country: ru}
dek: A test story.
sources:
  - id: guide
    outlet: Fixtures
    headline: A ride on tram 28
    text: traps/sources/fixture-guide.txt
    body: {from: Tram 28 leaves Martim Moniz, to: the Prazeres cemetery.}
stops:
  - id: cosmodrome
    name: Cosmodrome
    date: 2023-09-13
    place:
      query: Vostochny Cosmodrome
      region: {country: ru, near: {lat: 51.85, lon: 128.3}, within_km: 25}
    summary: s
    no_quote: none
  - id: plant
    name: Plant
    date: 2023-09-15
    place:
      query: Komsomolsk aircraft plant
      region: {country: ru, near: {lat: 50.57, lon: 137.02}, within_km: 20}
    summary: s
    no_quote: none
  - id: island
    name: Island
    date: 2023-09-17
    place:
      query: Russky Island
      region: {country: ru, near: {lat: 43.03, lon: 131.89}, within_km: 10}
    summary: s
    no_quote: none
"""
QUERIES = ["Vostochny Cosmodrome", "Komsomolsk aircraft plant", "Russky Island"]


@pytest.fixture
def provider():
    clock = FakeClock()
    server = FakeProvider(clock=clock)
    server.clock_fake = clock
    yield server
    server.stop()


def story_folder(folder, text=STORY, story_id="traps"):
    """A story file in `folder` with its own copy of the fixture source text (stories/<id>/sources/)."""
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", folder / story_id, dirs_exist_ok=True)
    path = folder / f"{story_id}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def story(tmp_path):
    story_folder(tmp_path / "stories")
    return parse_story(STORY, "traps.yaml", base_dir=tmp_path / "stories")


@pytest.fixture(autouse=True)
def private_request_slots(tmp_path, monkeypatch):
    """Each test's rate-limit slots in its own folder: fake-clock times never meet another test's."""
    monkeypatch.setenv("STORYMAP_RATE_DIR", str(tmp_path / "rate"))


def nominatim(provider, **options):
    clock = provider.clock_fake
    return make_geocode("nominatim", AGENT, provider.endpoint, clock=clock, sleep=clock.sleep, **options)


def script_good_answers(provider):
    provider.nominatim("Vostochny Cosmodrome", [nominatim_place("Vostochny Cosmodrome, Amur Oblast, Russia",
                                                                *COSMODROME, "ru", "way", 101, "aeroway", "spaceport")])
    provider.nominatim("Komsomolsk aircraft plant", [
        nominatim_place("Komsomol'sk, Ivanovo Oblast, Russia", 57.0294, 40.3757, "ru", "relation", 201),
        nominatim_place("Komsomolsk-on-Amur Aircraft Plant, Khabarovsk Krai, Russia", *PLANT, "ru", "way", 202,
                        "landuse", "industrial"),
    ])
    provider.nominatim("Russky Island", [nominatim_place("Russky Island, Primorsky Krai, Russia", 43.02, 131.86,
                                                         "ru", "relation", 301, "place", "island")])


# --- geopy's real Nominatim client against the local server -------------------------------------


def test_good_answer_uses_nominatims_own_filters_and_our_user_agent(provider, story, tmp_path):
    script_good_answers(provider)
    report = geocode_story(story, nominatim(provider), cache_file=tmp_path / "c.json")
    assert report.failures == [] and report.written == 3
    first = provider.requests[0]
    assert first.path == "/search"
    assert first.headers["User-Agent"] == AGENT
    assert first.params["q"] == "Vostochny Cosmodrome"
    assert first.params["countrycodes"] == "ru"
    assert first.params["bounded"] == "1"
    west, south, east, north = map(float, first.params["viewbox"].split(","))  # x1,y1,x2,y2
    assert west < 128.3 < east and south < 51.85 < north
    assert abs((north - south) / 2 * 111.32 - 25) < 0.5  # the box circumscribes the 25 km circle


def test_only_the_candidate_inside_the_region_is_kept(provider, story, tmp_path):
    script_good_answers(provider)
    geocode_story(story, nominatim(provider), cache_file=tmp_path / "c.json")
    entry = read_cache(tmp_path / "c.json")[("Komsomolsk aircraft plant", json.dumps(
        story.stops[1].place.region.model_dump(mode="json"), sort_keys=True))]
    assert (entry["lat"], entry["lon"]) == PLANT
    assert entry["feature_id"] == "way/202"
    assert entry["provider"] == "nominatim"
    assert entry["kind"] == "landuse:industrial"
    assert entry["distance_km"] == pytest.approx(distance_km(50.57, 137.02, *PLANT), abs=0.01)


def test_a_far_away_namesake_is_rejected_with_its_distance(provider, story, tmp_path):
    script_good_answers(provider)
    provider.nominatim("Russky Island", [nominatim_place("Russky Island, Kara Sea, Krasnoyarsk Krai, Russia",
                                                         77.13, 96.25, "ru", "relation", 302, "place", "island")])
    report = geocode_story(story, nominatim(provider), cache_file=tmp_path / "c.json")
    (failure,) = report.failures
    assert failure.query == "Russky Island"
    assert failure.reason == "no candidate inside the region (country RU, within 10 km of 43.03,131.89)"
    candidate, distance, why = failure.rejected[0]
    assert candidate.name.startswith("Russky Island, Kara Sea")
    assert distance == pytest.approx(distance_km(43.03, 131.89, 77.13, 96.25), rel=1e-6)
    assert why == f"{distance:,.0f} km from the region's centre (limit 10 km)"
    assert "refused Russky Island, Kara Sea" in failure_table(report.failures)
    assert "Russky Island" not in [query for query, _ in read_cache(tmp_path / "c.json")]


def test_a_candidate_in_another_country_is_rejected():
    region = Region(country="ru", near={"lat": 43.36, "lon": 132.19}, within_km=10)
    artyom_island = Candidate(40.4497, 50.3320, "Artyom Island, Azerbaijan", "nominatim", country="az")
    assert judge(artyom_island, region)[::2] == (False, "in AZ, not RU")
    unknown_country = Candidate(43.36, 132.19, "Artyom", "nominatim")
    assert judge(unknown_country, region)[::2] == (False, "the provider did not say which country it is in")


def test_an_empty_answer_is_a_failure_and_not_cached(provider, story, tmp_path):
    script_good_answers(provider)
    provider.nominatim("Russky Island", [])
    report = geocode_story(story, nominatim(provider), cache_file=tmp_path / "c.json")
    assert [(f.query, f.reason) for f in report.failures] == [("Russky Island", "no result")]
    assert len(read_cache(tmp_path / "c.json")) == 2
    assert failure_table(report.failures).splitlines() == [
        "1 place(s) failed:",
        "  Russky Island  [country RU, within 10 km of 43.03,131.89]: no result",
        "    traps.yaml:33:7: stops[2].place: ways out, each one enough:",
        "      1. pin the place, saying where the coordinates come from (inside its place:):",
        '           pin: {lat: 0.0, lon: 0.0, reason: "read off <map or article> for Russky Island"}',
        "      2. add it to geodata/curated-places.yaml (every story can then find it offline), under places:",
        "           - id: russky-island",
        "             name: Russky Island",
        "             alt_names: []",
        "             lat: 0.0",
        "             lon: 0.0",
        "             kind: site",
        "             country: ru",
        '             reference: "where the coordinates come from (an article, a map, Wikipedia)"',
        "      3. a broader region or query: region: {near: {lat: 43.03, lon: 131.89}, within_km: 20}, or drop "
        "near/within_km and keep country: ru",
        "      4. another provider: python -m storymap geocode traps.yaml --provider nominatim --user-agent "
        "'storymap (you@example.org)' (or --provider photon; --provider offline needs no network but knows only "
        "towns of 500+ people and the curated places)",
    ]
    # Not cached as "not found": the next run asks again.
    geocode_story(story, nominatim(provider), cache_file=tmp_path / "c.json")
    assert provider.count("Russky Island") == 2


def test_429_waits_for_retry_after_then_succeeds(provider, story, tmp_path):
    script_good_answers(provider)
    good = provider.script["Vostochny Cosmodrome"][0]
    provider.nominatim("Vostochny Cosmodrome", Reply(status=429, headers={"Retry-After": "7"}), good)
    report = geocode_story(story, nominatim(provider), cache_file=tmp_path / "c.json")
    assert report.failures == []
    assert provider.count("Vostochny Cosmodrome") == 2
    assert 7.0 in provider.clock_fake.sleeps


def test_500s_are_retried_with_backoff_then_reported(provider, story, tmp_path):
    script_good_answers(provider)
    provider.nominatim("Komsomolsk aircraft plant", Reply(status=500, body={"error": "boom"}))
    report = geocode_story(story, nominatim(provider), cache_file=tmp_path / "c.json")
    assert provider.count("Komsomolsk aircraft plant") == MAX_RETRIES + 1
    (failure,) = report.failures
    assert failure.reason.startswith("service failure, not cached: GeocoderServiceError")
    backoffs = [s for s in provider.clock_fake.sleeps if s >= 2.0]
    assert backoffs[:MAX_RETRIES] == [2.0, 4.0, 8.0]


def test_a_timeout_is_retried_then_reported(provider, story, tmp_path):
    script_good_answers(provider)
    provider.nominatim("Russky Island", Reply(body=[], delay_seconds=0.8))
    clock = provider.clock_fake
    slow = nominatim_geocode(AGENT, provider.endpoint, timeout=0.3, clock=clock, sleep=clock.sleep, max_retries=1)
    report = geocode_story(story, slow, cache_file=tmp_path / "c.json")
    (failure,) = report.failures
    assert "GeocoderTimedOut" in failure.reason
    assert provider.count("Russky Island") == 2


def test_malformed_json_is_a_service_failure(provider, story, tmp_path):
    script_good_answers(provider)
    provider.nominatim("Russky Island", Reply(raw="{not json"))
    report = geocode_story(story, nominatim(provider), cache_file=tmp_path / "c.json")
    (failure,) = report.failures
    assert "GeocoderParseError" in failure.reason
    assert provider.count("Russky Island") == MAX_RETRIES + 1


def test_one_request_per_second_on_a_fake_clock(provider, story, tmp_path):
    script_good_answers(provider)
    geocode_story(story, nominatim(provider), cache_file=tmp_path / "c.json")
    times = [r.at for r in provider.requests]
    assert len(times) == 3
    assert all(later - earlier >= 1.0 for earlier, later in zip(times, times[1:]))
    assert provider.clock_fake.sleeps == [1.0, 1.0]  # the real clock never waited


def test_a_second_run_makes_no_requests(provider, story, tmp_path):
    script_good_answers(provider)
    geocode_story(story, nominatim(provider), cache_file=tmp_path / "c.json")
    before = len(provider.requests)
    report = geocode_story(story, nominatim(provider), cache_file=tmp_path / "c.json")
    assert len(provider.requests) == before
    assert (report.looked_up, report.from_cache) == (0, 3)
    report = geocode_story(story, nominatim(provider), cache_file=tmp_path / "c.json", refresh=True)
    assert len(provider.requests) == before + 3


def test_a_crash_in_the_middle_keeps_finished_work_and_a_valid_file(provider, story, tmp_path):
    script_good_answers(provider)
    real = nominatim(provider)
    calls = []

    def crashing(query, region):
        calls.append(query)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(query, region)

    with pytest.raises(KeyboardInterrupt):
        geocode_story(story, crashing, cache_file=tmp_path / "c.json")
    assert sorted(k[0] for k in read_cache(tmp_path / "c.json")) == ["Komsomolsk aircraft plant", "Vostochny Cosmodrome"]
    # No temp file left behind; the lock files stay (removing a lock file races with its next user).
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [".c.json.lock", ".c.json.runs.lock", "c.json"]
    before = len(provider.requests)
    report = geocode_story(story, real, cache_file=tmp_path / "c.json")
    assert report.looked_up == 1 and len(provider.requests) == before + 1


def test_a_broken_cache_is_reported_and_left_untouched(provider, story, tmp_path):
    script_good_answers(provider)
    cache = tmp_path / "c.json"
    geocode_story(story, nominatim(provider), cache_file=cache)
    truncated = cache.read_text(encoding="utf-8")[:200]
    cache.write_text(truncated, encoding="utf-8")
    with pytest.raises(CacheError) as caught:
        geocode_story(story, nominatim(provider), cache_file=cache, refresh=True)
    assert "not valid JSON" in str(caught.value) and "git checkout" in str(caught.value)
    assert cache.read_text(encoding="utf-8") == truncated


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d["places"][0].update(lat="43.1"), "places[0].lat: missing or wrong type"),
    (lambda d: d["places"][0].update(lat=143.1), "places[0]: lat/lon out of range"),
    (lambda d: d.update(format=9), "not a storymap geocode cache"),
    (lambda d: d["places"].append(7), "places[3]: expected an object"),
])
def test_a_hand_edited_cache_names_the_bad_field(provider, story, tmp_path, edit, message):
    script_good_answers(provider)
    cache = tmp_path / "c.json"
    geocode_story(story, nominatim(provider), cache_file=cache)
    data = json.loads(cache.read_text(encoding="utf-8"))
    edit(data)
    cache.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CacheError) as caught:
        read_cache(cache)
    assert message in str(caught.value)


# --- Photon ------------------------------------------------------------------------------------


def test_photon_good_answer_and_country_check(provider, story, tmp_path):
    provider.photon("Vostochny Cosmodrome", photon_feature("Vostochny Cosmodrome", *COSMODROME, "ru", "W", 101,
                                                           "aeroway", "spaceport"))
    provider.photon("Komsomolsk aircraft plant", photon_feature("Komsomolsk plant", *PLANT, "cn"))
    provider.photon("Russky Island", photon_feature("Russky Island", 43.02, 131.86, "ru", "R", 301))
    clock = provider.clock_fake
    geocode = make_geocode("photon", AGENT, provider.endpoint, clock=clock, sleep=clock.sleep)
    report = geocode_story(story, geocode, cache_file=tmp_path / "c.json")
    assert provider.requests[0].path == "/api"
    assert provider.requests[0].headers["User-Agent"] == AGENT
    assert len(provider.requests[0].params["bbox"].split(",")) == 4
    assert [(f.query, f.rejected[0][2]) for f in report.failures] == [("Komsomolsk aircraft plant", "in CN, not RU")]
    entry = next(e for k, e in read_cache(tmp_path / "c.json").items() if k[0] == "Vostochny Cosmodrome")
    assert (entry["lat"], entry["lon"], entry["feature_id"], entry["provider"]) == (*COSMODROME, "way/101", "photon")


# --- the usage policy ---------------------------------------------------------------------------


@pytest.mark.parametrize("agent", [None, "", "geopy/2.5.0", "my-application", "specify_your_app_name_here"])
def test_sample_or_missing_user_agents_are_refused(agent, monkeypatch):
    monkeypatch.delenv("STORYMAP_USER_AGENT", raising=False)
    with pytest.raises(GeocodeError) as caught:
        check_user_agent(agent)
    assert "--user-agent" in str(caught.value) and "STORYMAP_USER_AGENT" in str(caught.value)


def test_user_agent_from_the_environment(monkeypatch):
    monkeypatch.setenv("STORYMAP_USER_AGENT", AGENT)
    assert check_user_agent(None) == AGENT


# --- the command line --------------------------------------------------------------------------


def test_cli_geocode_reports_failures_exits_1_and_a_warm_run_asks_nothing(provider, tmp_path, capsys):
    script_good_answers(provider)
    provider.nominatim("Russky Island", [])
    story_file = story_folder(tmp_path)
    args = ["geocode", str(story_file), "--endpoint", provider.endpoint, "--user-agent", AGENT,
            "--geodata-dir", str(tmp_path / "geodata")]
    # The real rate limiter (1 s between requests) runs here: 3 requests take about 2 s.
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "3 looked up (nominatim)" in err and "1 place(s) failed" in err and "Russky Island" in err
    provider.nominatim("Russky Island", [nominatim_place("Russky Island, Primorsky Krai, Russia", 43.02, 131.86,
                                                         "ru", "relation", 301)])
    assert main(args) == 0
    before = len(provider.requests)
    assert main(args + ["--user-agent", ""]) == 0  # warm: no lookup, so no User-Agent needed either
    assert len(provider.requests) == before
    assert "0 looked up" in capsys.readouterr().err
    assert main(["route", str(story_file), "--geodata-dir", str(tmp_path / "geodata")]) == 0
    built = subprocess.run([sys.executable, "-m", "storymap.basemap", str(story_file),
                            "--geodata-dir", str(tmp_path / "geodata")], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    assert main(["validate", str(story_file), "--geodata-dir", str(tmp_path / "geodata")]) == 0


def test_cli_geocode_without_user_agent_is_a_clear_error(provider, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("STORYMAP_USER_AGENT", raising=False)
    story_folder(tmp_path)
    assert main(["geocode", str(tmp_path / "traps.yaml"), "--endpoint", provider.endpoint,
                 "--geodata-dir", str(tmp_path)]) == 1
    assert "identifying User-Agent" in capsys.readouterr().err
    assert provider.requests == []


# --- the offline gazetteer and the committed cache of the first story ---------------------------

# Each stop's site, from the references in geodata/curated-places.yaml (an independent second
# reference where one exists), and how far the committed coordinates may be from it.
SITES = {
    "khasan": ((42.428056, 130.645278), "Russian Wikipedia's station coordinates"),
    "vostochny": ((51.883, 128.333), "launch-site tables"),
    "komsomolsk": ((50.605, 137.081667), "the plant's own Dzemgi airfield (English Wikipedia)"),
    "knevichi": ((43.399167, 132.151389), "Vladivostok airport infobox (shared runway)"),
    "pacific-fleet": ((43.113333, 131.891389), "Korabelnaya Embankment memorial complex"),
    "russky-island": ((43.0245, 131.894), "FEFU campus (curators' reading, not yet verified)"),
    "farewell": ((43.367, 132.200), "Artyom, English Wikipedia"),
}


def test_committed_cache_is_complete_and_every_stop_is_at_its_site():
    story = load_story(BUILT_IN_STORY)
    located, missing = locate_places(story)
    assert missing == []
    for index, stop in enumerate(story.stops):
        found = located[("stops", index, "place")]
        (lat, lon), what = SITES[stop.id]
        assert distance_km(found.lat, found.lon, lat, lon) <= 2.0, f"{stop.id} is not within 2 km of {what}"


def test_offline_provider_resolves_every_place_of_the_first_story_in_english_and_cyrillic():
    story = load_story(BUILT_IN_STORY)
    located, _ = locate_places(story)
    geocode = make_geocode("offline")
    for index, stop in enumerate(story.stops):
        expected = located[("stops", index, "place")]
        for name in (stop.place.query, stop.local_names["ru"]):
            candidate, _, failure = resolve(name, story.place_region(stop.place), geocode)
            assert failure is None, f"{name}: {failure}"
            assert distance_km(candidate.lat, candidate.lon, expected.lat, expected.lon) < 0.01, name


@pytest.mark.parametrize(("query", "near", "expected"), [
    ("Uglegorsk", (51.77, 128.12), "Tsiolkovskiy"),     # the cosmodrome town's former name
    ("Uglegorsk", (49.08, 142.07), "Uglegorsk"),        # the town of that name on Sakhalin
    ("Углегорск", (51.77, 128.12), "Tsiolkovskiy"),
    ("Artyom", (43.36, 132.19), "Artëm"),
    ("Артём", (43.36, 132.19), "Artëm"),
])
def test_offline_namesakes_are_told_apart_by_the_region(query, near, expected):
    region = Region(country="ru", near={"lat": near[0], "lon": near[1]}, within_km=15)
    candidate, _, failure = resolve(query, region, make_geocode("offline"))
    assert failure is None and candidate.name == expected


def test_offline_vostochnyy_towns_are_all_refused_near_the_cosmodrome():
    region = Region(country="ru", near={"lat": 51.85, "lon": 128.3}, within_km=25)
    _, _, failure = resolve("Vostochnyy", region, make_geocode("offline"))
    assert failure is not None and failure.rejected
    assert all(distance > 25 for _, distance, _ in failure.rejected)


def test_cache_file_is_sorted_and_stable():
    story = load_story(BUILT_IN_STORY)
    path = cache_path(story)
    data = json.loads(path.read_text(encoding="utf-8"))
    keys = [(p["query"], json.dumps(p["region"], sort_keys=True)) for p in data["places"]]
    assert keys == sorted(keys)
    from storymap.files import stable_json
    assert path.read_text(encoding="utf-8") == stable_json(data)
    assert path.relative_to(ROOT).as_posix() == "geodata/kim-russia-2023.geocode.json"
