"""The storymap page: `streamlit run app.py`. Streamlit-only concerns live here; logic lives in storymap/."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from storymap.catalog import StoryBundle
from storymap.catalog import load_catalog as load_bundles
from storymap.errors import StoryError
from storymap.locate import GEODATA_DIR, Located, data_credits
from storymap.model import Stop, Story
from storymap.story import STORIES_DIR, story_paths
from storymap.text import attribution, markdown_literal

MAX_QUERY_VALUE_CHARS = 100


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
    """Every story in stories/ with its coordinates, loaded once per version of the files."""
    stories = [Path(name) for name, _, _ in signature if name.endswith(".yaml")]
    return load_bundles(stories, Path(geodata_dir))


def query_value(name: str) -> str | None:
    """One query parameter, or None when absent, repeated oddly or absurdly long."""
    values = st.query_params.get_all(name)
    if not values:
        return None
    value = values[-1]
    return value if len(value) <= MAX_QUERY_VALUE_CHARS else ""


def pick_story(catalog: Catalog) -> tuple[Path, StoryBundle | StoryError] | None:
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
    labels = {path.stem: (result.story.title if isinstance(result, StoryBundle) else f"{path.stem} (has problems)")
              for path, result in catalog}
    chosen = st.selectbox("Story", ids, index=index, format_func=labels.get,
                          label_visibility="collapsed" if len(ids) == 1 else "visible")
    st.query_params["story"] = chosen
    return catalog[ids.index(chosen)]


def render_problems(path: Path, error: StoryError) -> None:
    """The same located problem list as `python -m storymap validate`, instead of a traceback."""
    st.error(f"This story cannot be shown: {len(error.problems)} problem(s) in {path.name}. "
             "Fix them (or run `python -m storymap validate`) and reload.")
    st.code("\n".join(str(p) for p in error.problems), language=None, wrap_lines=True)


def render_overview(story: Story, located: dict[tuple, Located], basemap_attribution: str) -> None:
    """Title, dek, byline and the whole itinerary as text."""
    st.title(story.title, anchor=False)
    if story.dek:
        st.markdown(markdown_literal(story.dek))
    if story.byline:
        st.caption(markdown_literal(story.byline))
    first, last = story.stops[0], story.stops[-1]
    st.caption(markdown_literal(f"{len(story.stops)} stops, {first.date} to {last.date}"))
    for index, stop in enumerate(story.stops, 1):
        render_stop(story, stop, index, located[("stops", index - 1, "place")])
    st.caption(markdown_literal(" · ".join([*data_credits(located), basemap_attribution])))


def render_stop(story: Story, stop: Stop, index: int, where: Located) -> None:
    """One stop: name, local names, date, summary, quotes with attribution, 'sources differ' notes."""
    with st.container(border=True):
        st.subheader(f"{index}. {stop.name}", anchor=False)
        local = " · ".join(stop.local_names.values())
        when = f"{stop.date} {stop.time or ''} ({story.stop_zone(stop)})".replace("  ", " ")
        st.caption(markdown_literal(f"{local} — {when}" if local else when))
        st.caption(markdown_literal(f"{where.lat:.4f}° N, {where.lon:.4f}° E — located by {where.provider}: "
                                    f"{where.display_name}"))
        st.markdown(markdown_literal(stop.summary))
        for quote in stop.quotes:
            said = f"{quote.speaker}, quoted by " if quote.speaker else ""
            st.markdown("> " + markdown_literal(quote.text) + "\n>\n> — "
                        + markdown_literal(said + attribution(story.source(quote.source))))
        if stop.no_quote:
            st.caption(markdown_literal(f"No quote: {stop.no_quote}"))
        for note in stop.sources_differ:
            st.info(markdown_literal(f"Sources differ: {note.note}"))


st.set_page_config(page_title="storymap", layout="wide")
stories_dir = Path(os.environ.get("STORYMAP_STORIES_DIR") or STORIES_DIR)
geodata_dir = Path(os.environ.get("STORYMAP_GEODATA_DIR") or GEODATA_DIR)
picked = pick_story(load_catalog(_signature(stories_dir, geodata_dir), str(geodata_dir)))
if picked is not None:
    story_path, result = picked
    if isinstance(result, StoryError):
        render_problems(story_path, result)
    else:
        render_overview(result.story, result.located, result.basemap_attribution)
