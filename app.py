"""The storymap page: `streamlit run app.py`. Streamlit-only concerns live here; logic lives in storymap/.

Query parameters: ?story=<id>&stop=<id> (deep link; the player keeps it in step with the reader),
?mode=present (full window, large type, keyboard and autoplay), ?autoplay=1, ?dwell=<seconds>.
Streamlit's own ?embed=true hides its chrome for iframes.
"""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from storymap.catalog import StoryBundle, basemap_path
from storymap.catalog import load_catalog as load_bundles
from storymap.deck import player_config
from storymap.errors import StoryError
from storymap.locate import GEODATA_DIR
from storymap.model import Story
from storymap.story import STORIES_DIR, story_paths
from storymap.text import attribution, markdown_literal

MAX_QUERY_VALUE_CHARS = 100
PLAYER_DIR = Path(__file__).resolve().parent / "storymap" / "player"
STATIC_DIR = Path(__file__).resolve().parent / "static"  # what Streamlit serves at /app/static (-> geodata)
DWELL_RANGE_SECONDS = (1.0, 120.0)
MODES = ("page", "present")
# Presentation mode: no Streamlit chrome, the player fills the window. Our own constant CSS.
PRESENT_CSS = """<style>
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"], footer {display: none !important;}
.block-container, [data-testid="stMainBlockContainer"] {padding: 0 !important; max-width: 100% !important;}
[data-testid="stAppViewContainer"] {overflow: hidden;}
</style>"""

player = components.declare_component("storymap_player", path=str(PLAYER_DIR))
Catalog = list[tuple[Path, StoryBundle | StoryError]]


def _signature(stories_dir: Path, geodata_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, mtime and size of every story and geodata file, so the cache reloads what was edited."""
    out = []
    for path in [*story_paths(stories_dir), *sorted(geodata_dir.glob("*.json")), *sorted(geodata_dir.glob("*.geojson"))]:
        stat = path.stat()
        out.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(out)


@st.cache_resource(show_spinner=False, max_entries=4)
def load_catalog(signature: tuple[tuple[str, int, int], ...], geodata_dir: str) -> Catalog:
    """Every story in stories/ with its coordinates, route and basemap, loaded once per version of the files."""
    stories = [Path(name) for name, _, _ in signature if name.endswith(".yaml")]
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
    if wanted is not None and wanted not in ids:
        st.info("That story link does not match any story here; showing the first story instead.")
        wanted = None
    index = ids.index(wanted) if wanted else 0
    if show_picker and len(ids) > 1:
        labels = {path.stem: (result.story.title if isinstance(result, StoryBundle) else f"{path.stem} (has problems)")
                  for path, result in catalog}
        chosen = st.selectbox("Story", ids, index=index, format_func=labels.get)
    else:
        chosen = ids[index]
    if st.query_params.get("story") != chosen:
        st.query_params["story"] = chosen
    return catalog[ids.index(chosen)]


def start_state(story: Story) -> dict:
    """Where and how the player starts, from ?stop=, ?mode=, ?autoplay=, ?dwell= (bad values: a note, defaults)."""
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
    return {"stop": stop, "mode": mode, "autoplay": query_value("autoplay") in ("1", "true"), "dwell_override": dwell}


def render_problems(path: Path, error: StoryError) -> None:
    """The same located problem list as `python -m storymap validate`, instead of a traceback."""
    st.error(f"This story cannot be shown: {len(error.problems)} problem(s) in {path.name}. "
             "Fix them (or run `python -m storymap validate`) and reload.")
    st.code("\n".join(str(p) for p in error.problems), language=None, wrap_lines=True)


@st.cache_resource(show_spinner=False, max_entries=16)
def story_config_json(_bundle: StoryBundle, signature: tuple, story_id: str, geodata_dir: str) -> tuple[str, str]:
    """The player config as JSON, split around its start state: built once per version of the files."""
    bundle, folder = _bundle, Path(geodata_dir)
    if folder.resolve() == STATIC_DIR.resolve():
        # Fetched once by the browser from Streamlit's static files (static -> geodata).
        data = {"route": f"app/static/{story_id}.route.geojson", "basemap": f"app/static/{story_id}.basemap.geojson"}
    else:
        # Another geodata folder (STORYMAP_GEODATA_DIR) is not served: send the files inline instead.
        data = {"route": bundle.route, "basemap": json.loads(basemap_path(story_id, folder).read_text(encoding="utf-8"))}
    text = json.dumps(player_config(bundle, data=data, start={"__start__": True}), ensure_ascii=False)
    before, after = text.split('{"__start__": true}')
    return before, after


def render_player(bundle: StoryBundle, start: dict, geodata_dir: Path, signature: tuple) -> None:
    """The map, chapter text and navigation: one player, fed the story once; steps need no rerun."""
    before, after = story_config_json(bundle, signature, bundle.story.id, str(geodata_dir))
    config = before + json.dumps(start) + after
    player(config=config, key=f"player-{bundle.story.id}-{start['mode']}", default=None)


@st.cache_resource(show_spinner=False, max_entries=16)
def text_version_blocks(_bundle: StoryBundle, signature: tuple, story_id: str) -> list[str]:
    """The story as escaped Markdown blocks, one per stop: built once per version of the files."""
    story = _bundle.story
    km = [0.0] + [leg["properties"]["km_before"] + leg["properties"]["km"] for leg in _bundle.route["features"]]
    blocks = []
    for index, stop in enumerate(story.stops):
        lines = [f"{index + 1}\\. **{markdown_literal(stop.name)}**{{marker}} — {markdown_literal(stop.date)} — "
                 f"{markdown_literal(f'{km[index]:,.0f} km')}", "", markdown_literal(stop.summary)]
        for quote in stop.quotes:
            said = f"{quote.speaker}, quoted by " if quote.speaker else ""
            lines += ["", "> " + markdown_literal(quote.text), ">",
                      "> — " + markdown_literal(said + attribution(story.source(quote.source)))]
        blocks.append("\n".join(lines))
    return blocks


def render_text_version(bundle: StoryBundle, current: str | None, signature: tuple) -> None:
    """The itinerary as plain text, one Markdown element: for readers without JavaScript or a map."""
    story = bundle.story
    blocks = text_version_blocks(bundle, signature, story.id)
    ids = [stop.id for stop in story.stops]
    marked = [block.replace("{marker}", " " + markdown_literal("(linked stop)") if ids[i] == current else "")
              for i, block in enumerate(blocks)]
    with st.expander("Text version of the story (stops, dates, distances, quotes)"):
        st.markdown("**" + markdown_literal(story.title) + "**\n\n" + "\n\n---\n\n".join(marked))


st.set_page_config(page_title="storymap", layout="wide", initial_sidebar_state="collapsed")
stories_dir = Path(os.environ.get("STORYMAP_STORIES_DIR") or STORIES_DIR)
geodata_dir = Path(os.environ.get("STORYMAP_GEODATA_DIR") or GEODATA_DIR)
presenting = query_value("mode") == "present"
if presenting:
    st.markdown(PRESENT_CSS, unsafe_allow_html=True)
signature = _signature(stories_dir, geodata_dir)
picked = pick_story(load_catalog(signature, str(geodata_dir)), show_picker=not presenting)
if picked is not None:
    story_path, result = picked
    if isinstance(result, StoryError):
        render_problems(story_path, result)
    else:
        start = start_state(result.story)
        render_player(result, start, geodata_dir, signature)
        if not presenting:
            render_text_version(result, start["stop"], signature)
