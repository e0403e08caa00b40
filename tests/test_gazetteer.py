"""The offline gazetteer: the build script reproduces the committed file; lookups fold names; errors are clear."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers import ROOT

from storymap.gazetteer import GAZETTEER_PATH, GazetteerError, GazetteerGeocoder, fold_name, load_gazetteer


def test_build_script_reproduces_the_committed_gazetteer():
    result = subprocess.run([sys.executable, "-m", "storymap.gazetteer_build", "--check"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


def test_every_curated_entry_names_its_reference_and_geonames_is_credited():
    data = json.loads(GAZETTEER_PATH.read_text(encoding="utf-8"))
    curated = [p for p in data["places"] if p["id"].startswith("curated:")]
    assert len(curated) >= 8
    assert all(len(p["source"]) > 30 for p in curated)
    assert any("CC BY 4.0" in line for line in data["attribution"])
    assert {p["country"] for p in data["places"]} == {"ru"}


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


def test_missing_or_broken_gazetteer_says_how_to_rebuild(tmp_path):
    with pytest.raises(GazetteerError) as caught:
        load_gazetteer(tmp_path / "none.json")
    assert "storymap gazetteer" in str(caught.value)
    broken = tmp_path / "g.json"
    broken.write_text('{"places": [{"name": "x"}]}', encoding="utf-8")
    with pytest.raises(GazetteerError) as caught:
        load_gazetteer(broken)
    assert "not a gazetteer file" in str(caught.value)
