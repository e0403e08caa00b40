"""The storymap page: `streamlit run app.py`. Streamlit-only concerns live here; logic lives in storymap/.

Query parameters: ?story=<id>&stop=<id> (deep link; the player keeps it in step with the reader),
?mode=present (full window, large type, keyboard and autoplay), ?autoplay=1, ?dwell=<seconds>;
?view=check: the curator's table and map of every place (`storymap preview --check`).
Streamlit's own ?embed=true hides its chrome for iframes.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import os
from pathlib import Path

import streamlit as st

from storymap import paths
from storymap.catalog import StoryBundle
from storymap.catalog import load_catalog as load_bundles
from storymap.deck import player_config
from storymap.errors import Problem, StoryError
from storymap.limits import MAX_DATA_FILE_BYTES, MAX_QUERY_VALUE_CHARS, MAX_SOURCE_TEXT_BYTES, MAX_STORY_FILE_BYTES
from storymap.model import Story
from storymap.preview import STORY_ENV, VIEW_ENV
from storymap.story import load_story, story_paths
from storymap.streamlit import check_view, storymap_player
from storymap.textversion import text_version_html

MAX_HASHED_BYTES = max(MAX_DATA_FILE_BYTES, MAX_SOURCE_TEXT_BYTES, MAX_STORY_FILE_BYTES)
DWELL_RANGE_SECONDS = (1.0, 120.0)
MODES = ("page", "present")
# The player is one window tall (hosts/streamlit.js sizes its frame to the window) and starts at the
# window's top: no Streamlit header or top padding above it, in any mode. Our own constant CSS.
PAGE_CSS = """<style>
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"], footer {
  display: none !important;
}
.block-container, [data-testid="stMainBlockContainer"] {padding: 0 0.75rem 2rem !important; max-width: 100% !important;}
@media (max-width: 700px) {
  .block-container, [data-testid="stMainBlockContainer"] {padding: 0 0 2rem !important;}
}
/* This style's own element would otherwise hold a row (and a gap) above the player. */
[data-testid="stElementContainer"]:has(style) {display: none;}
</style>"""
# Presentation mode: the player fills the window edge to edge, and nothing scrolls.
PRESENT_CSS = """<style>
.block-container, [data-testid="stMainBlockContainer"] {padding: 0 !important;}
[data-testid="stAppViewContainer"] {overflow: hidden;}
</style>"""

Catalog = list[tuple[Path, StoryBundle | StoryError]]


def _digest(path: Path) -> str:
    """The content hash of one input file; a file that vanished or cannot be read says so instead."""
    try:
        info = path.stat()
        if info.st_size > MAX_HASHED_BYTES:  # over every limit: the loader refuses it; never read it whole
            return f"large:{info.st_size}:{info.st_mtime_ns}"
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError as exc:
        return f"unreadable:{exc.errno}"


def _signature(stories_dir: Path, geodata_dir: Path) -> tuple[tuple[str, str], ...]:
    """Every input of every story by content (story files, their sources, geodata): an edit that keeps
    a file's size and time stamp still reloads the story, and no quote is shown against an old source."""
    files = list(story_paths(stories_dir))
    for story in list(files):
        folder = stories_dir / story.stem
        if folder.is_dir():
            files += sorted(p for p in folder.rglob("*") if not p.is_dir())
    files += [*sorted(geodata_dir.glob("*.json")), *sorted(geodata_dir.glob("*.geojson"))]
    return tuple((str(path), _digest(path)) for path in files)


@st.cache_resource(show_spinner=False, max_entries=4)
def load_catalog(signature: tuple[tuple[str, str], ...], stories_dir: str, geodata_dir: str) -> Catalog:
    """Every story in stories/ with its coordinates, route and basemap, loaded once per version of the files."""
    stories = [Path(name) for name, _ in signature if Path(name).parent == Path(stories_dir) and name.endswith(".yaml")]
    catalog = load_bundles(stories, Path(geodata_dir))
    # The catalog and every imported module live as long as the process. Frozen, they are out of
    # the collector's sight, so its full collections stop pausing a rerun for ~70 ms every few dozen
    # (bench/ section 2). Unfreezing first lets a catalog replaced by an edit be collected.
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    return catalog


def query_value(name: str) -> str | None:
    """One query parameter, or None when absent; absurdly long values become '' (never matched)."""
    values = st.query_params.get_all(name)
    if not values:
        return None
    value = values[-1]
    return value if len(value) <= MAX_QUERY_VALUE_CHARS else ""


def pick_story(catalog: Catalog, show_picker: bool) -> tuple[Path, StoryBundle | StoryError] | None:
    """The story named by ?story=, or the picker's choice; unknown ids get a friendly note."""
    if not catalog:
        st.warning("No stories yet: add a YAML file to stories/ (see stories/README.md).")
        return None
    ids = [path.stem for path, _ in catalog]
    wanted = query_value("story")
    if wanted is None and os.environ.get(STORY_ENV) in ids:  # `storymap preview <id>`
        wanted = os.environ[STORY_ENV]
    if wanted is not None and wanted not in ids:
        st.info("That story link does not match any story here; showing the first story instead.")
        wanted = None
    index = ids.index(wanted) if wanted else 0
    if show_picker and len(ids) > 1:
        labels = {path.stem: (result.story.title if not failed(result) else f"{path.stem} (has problems)")
                  for path, result in catalog}
        chosen = st.selectbox("Story", ids, index=index, format_func=labels.get)
    else:
        chosen = ids[index]
    if st.query_params.get("story") != chosen:
        st.query_params["story"] = chosen
    return catalog[ids.index(chosen)]


def start_state(story: Story) -> dict:
    """Where and how the player starts: ?stop=, ?mode=, ?autoplay=, ?dwell=, ?loop= (bad values: a note, defaults)."""
    stop = query_value("stop")
    if stop is not None and stop not in {s.id for s in story.stops}:
        st.info("That stop link does not match any stop of this story; showing the whole trip instead.")
        stop = None
    mode = query_value("mode") or "page"
    if mode not in MODES:
        mode = "page"
    dwell = None
    raw_dwell = query_value("dwell")
    if raw_dwell:
        try:
            dwell = float(raw_dwell)
            if not DWELL_RANGE_SECONDS[0] <= dwell <= DWELL_RANGE_SECONDS[1]:
                raise ValueError
        except ValueError:
            st.info(f"Autoplay time must be between {DWELL_RANGE_SECONDS[0]:g} and {DWELL_RANGE_SECONDS[1]:g} seconds; "
                    "using the story's own.")
            dwell = None
    return {"stop": stop, "mode": mode, "autoplay": query_value("autoplay") in ("1", "true"), "dwell_override": dwell,
            "loop": query_value("loop") in ("1", "true")}


def _page_problem(problem: Problem, roots: tuple[Path, ...]) -> str:
    """A problem line as the page shows it: file names relative to the stories or geodata folder, so
    no path of the server's disk reaches the reader."""
    path = Path(os.path.abspath(problem.file))
    for root in roots:
        try:
            return str(dataclasses.replace(problem, file=str(path.relative_to(os.path.abspath(root.parent)))))
        except ValueError:
            continue
    return str(dataclasses.replace(problem, file=path.name))


def render_problems(path: Path, error: StoryError, stories_dir: Path, geodata_dir: Path) -> None:
    """The same located problem list as `python -m storymap validate`, instead of a traceback.

    The file name goes only into the code block: Streamlit's Markdown would read a file named
    `[x](http://...).yaml` as a link or an image.
    """
    st.error(f"This story cannot be shown: {len(error.problems)} problem(s) in its files, listed below. "
             "Fix them (or run `python -m storymap validate`) and reload.")
    st.code("\n".join(_page_problem(p, (stories_dir, geodata_dir)) for p in error.problems), language=None,
            wrap_lines=True)


def render_player(bundle: StoryBundle, start: dict, geodata_dir: Path) -> None:
    """The map, chapter text and navigation: one player (storymap.streamlit), fed the story once; steps need
    no rerun (the page does not ask for the reader's stop back) and the address bar follows the reader."""
    storymap_player(bundle, stop=start["stop"], mode=start["mode"], autoplay=start["autoplay"],
                    dwell=start["dwell_override"], loop=start["loop"], sync_url=True, report=False,
                    key=f"player-{bundle.story.id}-{start['mode']}", geodata_dir=geodata_dir)


@st.cache_resource(show_spinner=False, max_entries=16)
def check_story(signature: tuple, path: str) -> Story | StoryError:
    """The story as the check view reads it: valid as a file, its coordinates not yet judged."""
    try:
        return load_story(Path(path))
    except StoryError as error:
        return error


def failed(result) -> bool:
    """Whether a catalog entry is a story's problems rather than its bundle. By the class's name: under
    `storymap preview` Streamlit reloads the package when a file changes, and an entry cached before
    then is an instance of the old class, which isinstance would not recognise."""
    return type(result).__name__ == StoryError.__name__


def render_check(path: Path, stories_dir: Path, geodata_dir: Path, signature: tuple) -> None:
    """?view=check: every place and via-point beside a map of them, for the curator (storymap.streamlit)."""
    story = check_story(signature, str(path))
    if failed(story):
        render_problems(path, story, stories_dir, geodata_dir)
        return
    try:
        check_view(story, geodata_dir)
    except StoryError as error:  # an unreadable geocode cache or basemap
        render_problems(path, error, stories_dir, geodata_dir)


@st.cache_resource(show_spinner=False, max_entries=64)
def text_version(_bundle: StoryBundle, signature: tuple, story_id: str, current: str | None) -> str:
    """The story as our own escaped HTML (storymap.textversion, shared with the export): built once per
    version of the files and linked stop."""
    config = player_config(_bundle, data={}, start={})
    return text_version_html(config, current)


def render_text_version(bundle: StoryBundle, current: str | None, signature: tuple) -> None:
    """The itinerary as text, for readers without JavaScript or a map. HTML we build, never Markdown:
    story text cannot become a link, an image, an icon or a formula."""
    with st.expander("Text version of the story (stops, dates, distances, quotes)"):
        st.html(text_version(bundle, signature, bundle.story.id, current))


st.set_page_config(page_title="storymap", layout="wide", initial_sidebar_state="collapsed")
stories_dir = paths.stories_dir()  # STORYMAP_STORIES_DIR, else stories/
geodata_dir = paths.geodata_dir(stories_dir)  # STORYMAP_GEODATA_DIR, else geodata/ beside it
presenting = query_value("mode") == "present"
checking = (query_value("view") or os.environ.get(VIEW_ENV)) == "check"  # or `storymap preview --check`
st.markdown(PAGE_CSS + (PRESENT_CSS if presenting and not checking else ""), unsafe_allow_html=True)
signature = _signature(stories_dir, geodata_dir)
picked = pick_story(load_catalog(signature, str(stories_dir), str(geodata_dir)), show_picker=checking or not presenting)
if picked is not None and checking:
    render_check(picked[0], stories_dir, geodata_dir, signature)
elif picked is not None:
    story_path, result = picked
    if failed(result):
        render_problems(story_path, result, stories_dir, geodata_dir)
    else:
        st.set_page_config(page_title=result.story.title)  # the browser tab names the story
        start = start_state(result.story)
        render_player(result, start, geodata_dir)
        if not presenting:
            render_text_version(result, start["stop"], signature)
