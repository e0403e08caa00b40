"""Geocoding: fix every place's coordinates once, into geodata/<story-id>.geocode.json (locate step).

Pipeline: story → **locate** → route → deck → page. The page never geocodes; it reads the cache.

Every lookup goes through one injectable callable, `Geocode(query, region) -> [Candidate]`. The real
ones are geopy clients (Nominatim, Photon) behind one `PoliteRateLimiter` per process, or the
offline gazetteer; tests inject a local HTTP server speaking the providers' APIs. A result is
accepted only inside the place's region hint (country and/or circle), because this trip is full of
namesakes. Each accepted result is written at once, atomically, so an interrupted run keeps its
work; a failed lookup is reported, never cached as "not found".
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geopy.adapters import URLLibAdapter
from geopy.distance import geodesic
from geopy.exc import (
    GeocoderAuthenticationFailure,
    GeocoderInsufficientPrivileges,
    GeocoderQueryError,
    GeocoderRateLimited,
    GeocoderServiceError,
)
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim, Photon
from geopy.point import Point

from storymap.errors import Problem, StorymapError
from storymap.files import stable_json, write_atomic
from storymap.gazetteer import GAZETTEER_PATH, GazetteerGeocoder, load_gazetteer
from storymap.model import Place, Region, Story
from storymap.story import PROJECT_ROOT, display_path
from storymap.yamlread import format_path

GEODATA_DIR = PROJECT_ROOT / "geodata"
CACHE_SUFFIX = ".geocode.json"
CACHE_FORMAT = 1
# Nominatim's usage policy: at most one request per second, for the whole process.
MIN_DELAY_SECONDS = 1.0
# geopy would pick its requests adapter when requests is installed (Streamlit brings it), and that
# adapter retries inside urllib3, unseen by the rate limiter: we use the urllib adapter, which does not.
MAX_RETRIES = 3
BACKOFF_SECONDS = 2.0  # doubled after each failed try; a 429's Retry-After wins when longer
TIMEOUT_SECONDS = 10.0
CANDIDATE_LIMIT = 5
KM_PER_DEGREE = 111.32
USER_AGENT_ENV = "STORYMAP_USER_AGENT"
PROVIDERS = ("nominatim", "photon", "offline")
# geopy's sample agents, which Nominatim's operators block; we refuse them for every endpoint.
REFUSED_USER_AGENTS = {"", "my-application", "my_app/1", "my_user_agent/1.0", "specify_your_app_name_here"}
_NOT_WORTH_RETRYING = (GeocoderQueryError, GeocoderAuthenticationFailure, GeocoderInsufficientPrivileges)


class GeocodeError(StorymapError):
    """A geocoding service failed, or the geocoder is set up wrongly (no User-Agent)."""


class CacheError(StorymapError):
    """A geodata cache file is unreadable; it is left as it is. Carries a located Problem."""

    def __init__(self, file: str, message: str, line: int = 1, col: int = 1):
        self.problem = Problem(file, line, col, "", message)
        super().__init__(str(self.problem))


@dataclass(frozen=True)
class Candidate:
    """One result from a provider, in our terms: lat/lon by name, who said so, which feature."""

    lat: float
    lon: float
    name: str
    provider: str
    feature_id: str | None = None
    country: str | None = None
    kind: str | None = None


Geocode = Callable[[str, Region | None], list[Candidate]]


# --- rate limiting -----------------------------------------------------------------------------


class PoliteRateLimiter(RateLimiter):
    """geopy's RateLimiter, plus exponential backoff and the server's Retry-After on 429.

    geopy's own waits a fixed `error_wait_seconds` and ignores Retry-After. Requests that cannot
    succeed by retrying (a bad query, a refused key) are not retried. `clock` and `sleep` are
    injectable so tests run the real rate-limiting logic on a fake clock.
    """

    def __init__(self, func, *, min_delay_seconds: float = MIN_DELAY_SECONDS, max_retries: int = MAX_RETRIES,
                 backoff_seconds: float = BACKOFF_SECONDS, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        super().__init__(func, min_delay_seconds=min_delay_seconds, max_retries=max_retries,
                         error_wait_seconds=max(backoff_seconds, min_delay_seconds), swallow_exceptions=False)
        self._clock_function = clock
        self._sleep_function = sleep

    def _clock(self) -> float:
        return self._clock_function()

    def _sleep(self, seconds: float) -> None:
        self._sleep_function(seconds)

    def __call__(self, *args, **kwargs):
        for attempt in range(self.max_retries + 1):
            self._acquire_request_slot()
            try:
                return self.func(*args, **kwargs)
            except _NOT_WORTH_RETRYING:
                raise
            except GeocoderServiceError as error:
                if attempt == self.max_retries:
                    raise
                wait = self.error_wait_seconds * 2 ** attempt
                if isinstance(error, GeocoderRateLimited) and error.retry_after:
                    wait = max(wait, float(error.retry_after))
                self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover


# --- regions -----------------------------------------------------------------------------------


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance on the WGS84 ellipsoid, in km."""
    return geodesic((lat1, lon1), (lat2, lon2)).km


def region_box(region: Region | None) -> tuple[float, float, float, float] | None:
    """(south, west, north, east) around the region's circle, for the providers' own filters."""
    if region is None or region.near is None or region.within_km is None:
        return None
    dlat = region.within_km / KM_PER_DEGREE
    dlon = region.within_km / (KM_PER_DEGREE * max(0.01, math.cos(math.radians(region.near.lat))))
    return (max(-90.0, region.near.lat - dlat), max(-180.0, region.near.lon - dlon),
            min(90.0, region.near.lat + dlat), min(180.0, region.near.lon + dlon))


def judge(candidate: Candidate, region: Region | None) -> tuple[bool, float | None, str]:
    """Is the candidate inside the region? Returns (accepted, km from the region's centre, why not)."""
    distance = None
    if region is not None and region.near is not None:
        distance = distance_km(region.near.lat, region.near.lon, candidate.lat, candidate.lon)
    if region is None:
        return True, distance, ""
    if region.country is not None:
        if candidate.country is None:
            return False, distance, "the provider did not say which country it is in"
        if candidate.country.lower() != region.country:
            return False, distance, f"in {candidate.country.upper()}, not {region.country.upper()}"
    if distance is not None and distance > region.within_km:
        return False, distance, f"{distance:,.0f} km from the region's centre (limit {region.within_km:g} km)"
    return True, distance, ""


def describe_region(region: Region | None) -> str:
    """'country RU, within 25 km of 51.85,128.3' for messages."""
    if region is None:
        return "anywhere"
    parts = []
    if region.country:
        parts.append(f"country {region.country.upper()}")
    if region.near is not None:
        parts.append(f"within {region.within_km:g} km of {region.near.lat:g},{region.near.lon:g}")
    return ", ".join(parts)


# --- providers ---------------------------------------------------------------------------------


def check_user_agent(user_agent: str | None) -> str:
    """The identifying User-Agent the usage policies require, or a GeocodeError saying how to set one."""
    agent = (user_agent or os.environ.get(USER_AGENT_ENV) or "").strip()
    if agent in REFUSED_USER_AGENTS or agent.startswith("geopy/"):
        raise GeocodeError(
            "online geocoders need an identifying User-Agent (Nominatim's usage policy); pass "
            "--user-agent 'storymap/0.1 (you@example.org)' or set " + USER_AGENT_ENV + "; "
            "or use --provider offline")
    return agent


def _endpoint(endpoint: str | None, default_domain: str) -> tuple[str, str]:
    if not endpoint:
        return default_domain, "https"
    scheme, _, domain = endpoint.partition("://")
    if not domain:
        raise GeocodeError(f"endpoint '{endpoint}' must look like http://host:port or https://host")
    return domain.rstrip("/"), scheme


def _nominatim_candidate(location) -> Candidate:
    raw = location.raw
    osm = f"{raw['osm_type']}/{raw['osm_id']}" if raw.get("osm_type") and raw.get("osm_id") else None
    kind = f"{raw.get('class') or raw.get('category')}:{raw.get('type')}" if raw.get("type") else None
    country = (raw.get("address") or {}).get("country_code")
    return Candidate(float(raw["lat"]), float(raw["lon"]), raw.get("display_name") or location.address,
                     "nominatim", osm, country, kind)


_PHOTON_OSM_TYPES = {"N": "node", "W": "way", "R": "relation"}


def _photon_candidate(location) -> Candidate:
    properties = location.raw.get("properties", {})
    lon, lat = location.raw["geometry"]["coordinates"]  # GeoJSON order
    osm_type = _PHOTON_OSM_TYPES.get(properties.get("osm_type"), properties.get("osm_type"))
    osm = f"{osm_type}/{properties['osm_id']}" if osm_type and properties.get("osm_id") else None
    kind = f"{properties.get('osm_key')}:{properties.get('osm_value')}" if properties.get("osm_key") else None
    return Candidate(float(lat), float(lon), location.address, "photon", osm, properties.get("countrycode"), kind)


def _offline_candidate(location) -> Candidate:
    entry = location.raw
    return Candidate(float(entry["lat"]), float(entry["lon"]), entry["name"], "offline", entry.get("id"),
                     entry.get("country"), entry.get("kind"))


def _rate_limited_client(client_class, default_domain: str, user_agent: str | None, endpoint: str | None,
                         timeout: float, limiter: dict) -> PoliteRateLimiter:
    """A geopy client with our User-Agent rule and no hidden retries, behind the rate limiter."""
    domain, scheme = _endpoint(endpoint, default_domain)
    client = client_class(user_agent=check_user_agent(user_agent), domain=domain, scheme=scheme, timeout=timeout,
                          adapter_factory=URLLibAdapter)
    return PoliteRateLimiter(client.geocode, **limiter)


def nominatim_geocode(user_agent: str | None = None, endpoint: str | None = None, *,
                      timeout: float = TIMEOUT_SECONDS, **limiter: Any) -> Geocode:
    """Nominatim through geopy, with its own filters (countrycodes, viewbox + bounded)."""
    limited = _rate_limited_client(Nominatim, "nominatim.openstreetmap.org", user_agent, endpoint, timeout, limiter)

    def geocode(query: str, region: Region | None) -> list[Candidate]:
        options: dict[str, Any] = {"exactly_one": False, "limit": CANDIDATE_LIMIT, "addressdetails": True,
                                   "language": "en"}
        if region is not None and region.country:
            options["country_codes"] = [region.country]
        box = region_box(region)
        if box is not None:
            options["viewbox"] = [Point(box[0], box[1]), Point(box[2], box[3])]
            options["bounded"] = True
        return [_nominatim_candidate(loc) for loc in (_call(limited, query, options) or [])]

    return geocode


def photon_geocode(user_agent: str | None = None, endpoint: str | None = None, *,
                   timeout: float = TIMEOUT_SECONDS, **limiter: Any) -> Geocode:
    """Photon (komoot) through geopy; it has no country filter, so the region check does that part."""
    limited = _rate_limited_client(Photon, "photon.komoot.io", user_agent, endpoint, timeout, limiter)

    def geocode(query: str, region: Region | None) -> list[Candidate]:
        options: dict[str, Any] = {"exactly_one": False, "limit": CANDIDATE_LIMIT, "language": "en"}
        box = region_box(region)
        if box is not None:
            options["bbox"] = [Point(box[0], box[1]), Point(box[2], box[3])]
        return [_photon_candidate(loc) for loc in (_call(limited, query, options) or [])]

    return geocode


def offline_geocode(gazetteer: Path = GAZETTEER_PATH) -> Geocode:
    """The committed gazetteer through the same geopy interface; no network, no rate limit needed."""
    client = GazetteerGeocoder(load_gazetteer(gazetteer))

    def geocode(query: str, region: Region | None) -> list[Candidate]:
        codes = [region.country] if region is not None and region.country else None
        found = client.geocode(query, exactly_one=False, limit=CANDIDATE_LIMIT, country_codes=codes)
        return [_offline_candidate(loc) for loc in (found or [])]

    return geocode


def _call(limited: PoliteRateLimiter, query: str, options: dict) -> Any:
    try:
        return limited(query, **options)
    except GeocoderServiceError as exc:
        raise GeocodeError(f"{type(exc).__name__}: {exc}") from exc


def make_geocode(provider: str, user_agent: str | None = None, endpoint: str | None = None, **limiter: Any) -> Geocode:
    """The Geocode callable for a provider name: nominatim, photon or offline."""
    if provider == "nominatim":
        return nominatim_geocode(user_agent, endpoint, **limiter)
    if provider == "photon":
        return photon_geocode(user_agent, endpoint, **limiter)
    if provider == "offline":
        return offline_geocode(Path(endpoint) if endpoint else GAZETTEER_PATH)
    raise GeocodeError(f"unknown provider '{provider}'; use one of {', '.join(PROVIDERS)}")


# --- the places of a story and the cache -------------------------------------------------------


@dataclass(frozen=True)
class PlaceUse:
    """Where a place occurs in the story (field path) and the region it must land in."""

    path: tuple
    place: Place
    region: Region | None

    @property
    def key(self) -> tuple[str, str]:
        """Cache key: the query and its region, so changing either means looking it up again."""
        return self.place.query, region_key(self.region)


def region_key(region: Region | None) -> str:
    """A stable text form of a region hint."""
    return json.dumps(region.model_dump(mode="json") if region else None, sort_keys=True)


def story_places(story: Story) -> list[PlaceUse]:
    """Every stop place and leg via-point, in story order."""
    uses = [PlaceUse(("stops", i, "place"), stop.place, story.place_region(stop.place))
            for i, stop in enumerate(story.stops)]
    for i, leg in enumerate(story.legs):
        uses += [PlaceUse(("legs", i, "via", j), via, story.place_region(via)) for j, via in enumerate(leg.via)]
    return uses


def cache_path(story: Story, geodata_dir: Path = GEODATA_DIR) -> Path:
    """geodata/<story-id>.geocode.json."""
    return geodata_dir / f"{story.id}{CACHE_SUFFIX}"


_ENTRY_FIELDS = {"query": str, "region": (dict, type(None)), "lat": (int, float), "lon": (int, float),
                 "display_name": str, "provider": str, "feature_id": (str, type(None)), "kind": (str, type(None)),
                 "resolved": str, "distance_km": (int, float, type(None))}


def read_cache(path: Path) -> dict[tuple[str, str], dict]:
    """The cache's entries by key; {} when absent; CacheError (file left untouched) when unreadable."""
    if not path.exists():
        return {}
    shown = display_path(path)
    fix = f"restore it with `git checkout -- {shown}`, or delete it and run `python -m storymap geocode` again"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise CacheError(shown, f"not UTF-8; {fix}") from None
    except json.JSONDecodeError as exc:
        raise CacheError(shown, f"not valid JSON ({exc.msg}); the file was truncated or edited by hand; {fix}",
                         exc.lineno, exc.colno) from None
    if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT or not isinstance(data.get("places"), list):
        raise CacheError(shown, f"not a storymap geocode cache (format {CACHE_FORMAT}); {fix}")
    entries = {}
    for index, entry in enumerate(data["places"]):
        if not isinstance(entry, dict):
            raise CacheError(shown, f"places[{index}]: expected an object; {fix}")
        for name, kinds in _ENTRY_FIELDS.items():
            value = entry.get(name)
            if not isinstance(value, kinds) or isinstance(value, bool):
                raise CacheError(shown, f"places[{index}].{name}: missing or wrong type; {fix}")
        if not (-90 <= entry["lat"] <= 90 and -180 <= entry["lon"] <= 180):
            raise CacheError(shown, f"places[{index}]: lat/lon out of range; {fix}")
        entries[(entry["query"], json.dumps(entry["region"], sort_keys=True))] = entry
    return entries


def write_cache(path: Path, story_id: str, entries: Iterable[dict]) -> None:
    """Write the cache atomically: sorted by query and region, keys sorted, one entry per place."""
    ordered = sorted(entries, key=lambda e: (e["query"], json.dumps(e["region"], sort_keys=True)))
    write_atomic(path, stable_json({"format": CACHE_FORMAT, "story": story_id, "places": ordered}))


# --- the geocoding step ------------------------------------------------------------------------


@dataclass
class Failure:
    """A place that could not be fixed, with the candidates seen and why each was refused."""

    query: str
    region: str
    reason: str
    rejected: list[tuple[Candidate, float | None, str]] = field(default_factory=list)


@dataclass
class GeocodeReport:
    """What a geocoding run did."""

    cache_file: Path
    looked_up: int = 0
    from_cache: int = 0
    pinned: int = 0
    written: int = 0
    failures: list[Failure] = field(default_factory=list)


def resolve(query: str, region: Region | None, geocode: Geocode) -> tuple[Candidate | None, float | None, Failure | None]:
    """Look one place up and keep the first candidate inside its region."""
    try:
        candidates = geocode(query, region)
    except GeocodeError as exc:
        return None, None, Failure(query, describe_region(region), f"service failure, not cached: {exc}")
    rejected = []
    for candidate in candidates:
        accepted, distance, why = judge(candidate, region)
        if accepted:
            return candidate, distance, None
        rejected.append((candidate, distance, why))
    reason = "no result" if not candidates else f"no candidate inside the region ({describe_region(region)})"
    return None, None, Failure(query, describe_region(region), reason, rejected)


class Progress:
    """A one-line progress bar with count and ETA on a terminal; plain lines otherwise."""

    def __init__(self, total: int, stream=None, clock: Callable[[], float] = time.monotonic):
        self.total, self.stream, self.clock = total, stream or sys.stderr, clock
        self.started = clock()
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def step(self, done: int, label: str) -> None:
        """Report that `done` of `total` lookups are finished, the last being `label`."""
        if self.total <= 1:
            return
        elapsed = self.clock() - self.started
        eta = elapsed / done * (self.total - done) if done else 0.0
        width = 20
        bar = "#" * round(width * done / self.total)
        line = f"[{bar:<{width}}] {done}/{self.total} ETA {eta:4.0f}s  {label[:40]}"
        if self.tty:
            self.stream.write("\r" + line.ljust(90) + ("\n" if done == self.total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def geocode_story(story: Story, geocode: Geocode, *, cache_file: Path, refresh: bool = False,
                  today: dt.date | None = None, progress_stream=None) -> GeocodeReport:
    """Resolve the story's unpinned places not yet in the cache, writing each result as it arrives."""
    report = GeocodeReport(cache_file)
    cached = read_cache(cache_file)
    uses = story_places(story)
    wanted: dict[tuple[str, str], PlaceUse] = {}
    for use in uses:
        if use.place.pin is not None:
            report.pinned += 1
        else:
            wanted.setdefault(use.key, use)
    # Entries for places the story no longer has are dropped on the next write.
    entries = {key: entry for key, entry in cached.items() if key in wanted}
    todo = [use for key, use in wanted.items() if refresh or key not in cached]
    report.from_cache = len(wanted) - len(todo)
    progress = Progress(len(todo), progress_stream)
    stamp = (today or dt.date.today()).isoformat()
    for done, use in enumerate(todo, 1):
        candidate, distance, failure = resolve(use.place.query, use.region, geocode)
        report.looked_up += 1
        if failure is not None:
            report.failures.append(failure)
        else:
            entries[use.key] = {
                "query": use.place.query,
                "region": json.loads(use.key[1]),
                "lat": round(candidate.lat, 6),
                "lon": round(candidate.lon, 6),
                "display_name": candidate.name,
                "provider": candidate.provider,
                "feature_id": candidate.feature_id,
                "kind": candidate.kind,
                "resolved": stamp,
                "distance_km": None if distance is None else round(distance, 2),
            }
            write_cache(cache_file, story.id, entries.values())
            report.written += 1
        progress.step(done, use.place.query)
    if not todo and set(entries) != set(cached):
        write_cache(cache_file, story.id, entries.values())
    return report


def failure_table(failures: list[Failure]) -> str:
    """The end-of-run table of places that failed, with the candidates refused and their distances."""
    lines = [f"{len(failures)} place(s) failed:"]
    for failure in failures:
        lines.append(f"  {failure.query}  [{failure.region}]: {failure.reason}")
        for candidate, distance, why in failure.rejected:
            km = f"{distance:,.0f} km away" if distance is not None else "distance unknown"
            lines.append(f"      refused {candidate.name} ({candidate.lat:.4f}, {candidate.lon:.4f}), {km}: {why}")
    return "\n".join(lines)


# --- reading coordinates back (validate, show, page) -------------------------------------------


@dataclass(frozen=True)
class Located:
    """A place's fixed coordinates and who fixed them."""

    lat: float
    lon: float
    provider: str
    display_name: str


def locate_places(story: Story, geodata_dir: Path = GEODATA_DIR) -> tuple[dict[tuple, Located], list[Problem]]:
    """Coordinates of every place (by field path) from pins and the cache; a Problem for each missing one."""
    path = cache_path(story, geodata_dir)
    cached = read_cache(path)
    found: dict[tuple, Located] = {}
    problems = []
    for use in story_places(story):
        if use.place.pin is not None:
            found[use.path] = Located(use.place.pin.lat, use.place.pin.lon, "pin", use.place.pin.reason)
            continue
        entry = cached.get(use.key)
        if entry is None:
            line, col = story.locate_field(use.path + ("query",))
            problems.append(Problem(story.path, line, col, format_path(use.path + ("query",)),
                                    f"no coordinates for '{use.place.query}' ({describe_region(use.region)}) in "
                                    f"{display_path(path)}; run: python -m storymap geocode {story.path}"))
            continue
        found[use.path] = Located(entry["lat"], entry["lon"], entry["provider"], entry["display_name"])
    return found, problems


CREDITS = {
    "offline": "Places: GeoNames (CC BY 4.0) and the curated references in geodata/curated-places.yaml",
    "nominatim": "Geocoding: © OpenStreetMap contributors (ODbL), via Nominatim",
    "photon": "Geocoding: © OpenStreetMap contributors (ODbL), via Photon",
    "pin": "Some places pinned by the curators",
}


def data_credits(located: dict[tuple, Located]) -> list[str]:
    """The credit lines owed for the coordinates on show, one per provider used."""
    return [CREDITS[provider] for provider in sorted({loc.provider for loc in located.values()}) if provider in CREDITS]

