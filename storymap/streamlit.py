"""The player and the curator's check view for any Streamlit app: the only package module that imports Streamlit.

    from storymap.streamlit import storymap_player
    stop = storymap_player("kim-russia-2023", layers=[pdk.Layer(...)], view_state=pdk.ViewState(...))

Pipeline: story → locate → route → deck → **page**. The player is the v1 component served from
storymap/player/ (the same files as the export); it steps in the browser, and only a change of stop
comes back, as the component's value. The check view (`check_view`) is pandas and `st.pydeck_chart`.
"""

from __future__ import annotations

import json
import os
import weakref
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pydeck as pdk
import streamlit as st
import streamlit.components.v1 as components
from streamlit.runtime.scriptrunner import get_script_run_ctx

from storymap import paths
from storymap.catalog import StoryBundle, checked_map_file, load_bundle
from storymap.check import check_table, region_circles
from storymap.contract import Basemap
from storymap.deck import player_config
from storymap.errors import StoryError
from storymap.export import PLAYER_DIR
from storymap.model import Story
from storymap.story import load_story

_player = components.declare_component("storymap_player", path=str(PLAYER_DIR))
# The check view's widgets, by key: their selections are read back from st.session_state.
CHECK_TABLE_KEY, CHECK_MAP_KEY, CHECK_SEEN_KEY = "storymap-check-table", "storymap-check-map", "storymap-check-seen"
ALL_POINTS, PROBLEMS_ONLY = "every point", "points with a problem"
# The check map's basemap: the coarse bands only (detail windows and labels would triple the chart's JSON).
CHECK_DETAIL_MINZOOM = 8
CHECK_HEIGHT = 560  # px, the table and the map side by side
COLORS = {"land": [236, 232, 222], "sea": [205, 222, 236], "border": [140, 120, 170], "region": [70, 110, 200],
          "point": [20, 110, 70], "problem": [200, 30, 30], "selected": [250, 170, 0]}

# Config text per bundle, without its start state and host parts: built once per bundle object.
_config_text: dict[int, tuple[weakref.ref, str, str]] = {}


def story_files(story: str | os.PathLike, geodata_dir: Path | None = None) -> tuple[Path, Path]:
    """The story file and its geodata folder, for a story id (in STORYMAP_STORIES_DIR, else stories/) or file."""
    path = Path(story)
    if path.suffix != ".yaml":
        path = paths.stories_dir() / f"{story}.yaml"
    return path, Path(geodata_dir) if geodata_dir is not None else paths.geodata_dir(path.parent)


def load_story_bundle(story: str | os.PathLike, geodata_dir: Path | None = None) -> StoryBundle:
    """A story by id or file (`story_files`) with its geodata; StoryError if it cannot be served.

    Cached per version of the story file and its geodata files (by size and time stamp)."""
    path, geodata = story_files(story, geodata_dir)
    stamps = tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns)
                   for p in [path, *sorted(geodata.glob(f"{path.stem}.*"))] if p.exists())
    return _load_bundle(str(path), str(geodata), stamps)


@st.cache_resource(show_spinner=False, max_entries=16)
def _load_bundle(path: str, geodata_dir: str, _stamps: tuple) -> StoryBundle:
    return load_bundle(load_story(Path(path)), Path(geodata_dir))


def _served_data(bundle: StoryBundle, geodata_dir: Path | None) -> dict:
    """Route and basemap by URL when the app's own `static` folder is the geodata folder (app.py's link, with
    server.enableStaticServing), fetched once by the browser; otherwise inline in the config."""
    ctx = get_script_run_ctx()
    script = Path(ctx.main_script_path) if ctx is not None else None
    if geodata_dir is not None and script is not None:
        static = script.resolve().parent / "static"
        if static.is_dir() and static.resolve() == Path(geodata_dir).resolve():
            story = bundle.story.id
            return {"route": f"app/static/{story}.route.geojson", "basemap": f"app/static/{story}.basemap.geojson"}
    return {"route": bundle.route, "basemap": bundle.basemap}


def _story_text(bundle: StoryBundle, data: dict) -> str:
    """The config without its last members (host layers, host view, start), as JSON text missing its '}'."""
    served = "url" if isinstance(data["route"], str) else "inline"
    cached = _config_text.get(id(bundle))
    if cached is not None and cached[0]() is bundle and cached[1] == served:
        return cached[2]
    config = player_config(bundle, data=data, start={})
    for key in ("host_layers", "host_view", "start"):  # per call, appended in this order
        del config[key]
    text = json.dumps(config, ensure_ascii=False)[:-1]
    for key in [k for k, (ref, _, _) in _config_text.items() if ref() is None]:
        del _config_text[key]
    _config_text[id(bundle)] = (weakref.ref(bundle), served, text)
    return text


def layer_json(layers: Iterable[pdk.Layer | dict]) -> list[dict]:
    """pydeck layers as pydeck writes them (`@@type`, camelCase props, `@@=` accessors): @deck.gl/json's dialect."""
    layers = list(layers)
    if not layers:
        return []
    return json.loads(pdk.Deck(layers=[layer for layer in layers], map_provider=None).to_json())["layers"]


def view_json(view_state: pdk.ViewState | dict | None) -> dict | None:
    """The overview camera a host asks for: latitude, longitude, zoom, pitch, bearing."""
    if view_state is None:
        return None
    view = view_state if isinstance(view_state, dict) else json.loads(view_state.to_json())
    return {"latitude": float(view["latitude"]), "longitude": float(view["longitude"]),
            "zoom": float(view.get("zoom", 0) or 0), "pitch": float(view.get("pitch", 0) or 0),
            "bearing": float(view.get("bearing", 0) or 0)}


def stop_value(story: Story, stop_id: str | None) -> dict:
    """The component's value at a stop: {"index": 0-based, "id": stop id}; both None for the whole trip."""
    ids = [stop.id for stop in story.stops]
    if stop_id not in ids:
        return {"index": None, "id": None}
    return {"index": ids.index(stop_id), "id": stop_id}


def storymap_player(story: StoryBundle | str | os.PathLike, *, layers: Iterable[pdk.Layer | dict] = (),
                    view_state: pdk.ViewState | dict | None = None, key: str | None = None, stop: str | None = None,
                    mode: str = "page", autoplay: bool = False, dwell: float | None = None, loop: bool = False,
                    sync_url: bool = False, report: bool = True, geodata_dir: Path | None = None) -> dict:
    """Render a story's player; returns the reader's current stop, {"index": i, "id": "..."} (None, None: the
    whole trip).

    `story`: a loaded StoryBundle, a story id or a story file. `layers`: pydeck layers drawn over the
    basemap, under the route. `view_state`: the whole-trip camera instead of the fitted one. `stop`,
    `mode` ("page" or "present"), `autoplay`, `dwell` (seconds) and `loop`: where and how it starts.
    `sync_url`: keep the page's ?stop= in step with the reader. `report`: send the stop back (one
    rerun per change of stop; False: none at all). A rerun with the same story keeps the reader's place.
    """
    # A bundle is told from a name by what a name is: under `storymap preview` Streamlit reloads the
    # package's modules on a change, and a bundle cached before then is of the old StoryBundle class.
    if not isinstance(story, (str, os.PathLike)):
        bundle = story
    else:
        geodata_dir = story_files(story, geodata_dir)[1]
        try:
            bundle = load_story_bundle(story, geodata_dir)
        except StoryError as error:  # the located problems, as `storymap validate` prints them; never a traceback
            st.error(f"This story cannot be shown: {len(error.problems)} problem(s), listed below.")
            st.code("\n".join(str(problem) for problem in error.problems), language=None, wrap_lines=True)
            return {"index": None, "id": None}
    start = {"stop": stop, "mode": mode, "autoplay": autoplay, "dwell_override": dwell, "loop": loop,
             "sync_url": sync_url, "report_stop": report}
    text = (_story_text(bundle, _served_data(bundle, geodata_dir)) + ', "host_layers": ' +
            json.dumps(layer_json(layers), ensure_ascii=False) + ', "host_view": ' + json.dumps(view_json(view_state)) +
            ', "start": ' + json.dumps(start) + "}")
    value = _player(config=text, key=key or f"storymap-{bundle.story.id}-{mode}", default=None)
    if isinstance(value, dict) and set(value) == {"index", "id"}:
        return value
    return stop_value(bundle.story, stop)


# --- the curator's check view --------------------------------------------------------------------


def _check_basemap_layers(story: Story, geodata_dir: Path) -> list[pdk.Layer]:
    """The story's own offline basemap (coarse land, lakes and borders) as GeoJsonLayers: no tiles, no network."""
    path = paths.basemap_path(story.id, geodata_dir)
    if not path.exists():
        return []
    basemap = checked_map_file(path, Basemap, f"run: storymap basemap {story.path}")
    coarse = [f for f in basemap["features"] if f["properties"]["minzoom"] < CHECK_DETAIL_MINZOOM]
    areas = [f for f in coarse if f["properties"]["layer"] in ("land", "lake")]
    for feature in areas:  # one colour per feature, as deck.gl's JSON accessors read properties
        feature["properties"]["color"] = COLORS["land" if feature["properties"]["layer"] == "land" else "sea"]
    box = basemap["storymap"]["box"]
    sea = {"type": "Feature", "properties": {"color": COLORS["sea"]}, "geometry": {"type": "Polygon", "coordinates": [[
        [box["west"], box["south"]], [box["east"], box["south"]], [box["east"], box["north"]],
        [box["west"], box["north"]], [box["west"], box["south"]]]]}}
    areas.insert(0, sea)  # the basemap's box is sea where no land is drawn
    borders = [f for f in coarse if f["properties"]["layer"] == "border"]
    return [pdk.Layer("GeoJsonLayer", id="basemap-areas", data={"type": "FeatureCollection", "features": areas},
                      filled=True, stroked=False, get_fill_color="properties.color", pickable=False),
            pdk.Layer("GeoJsonLayer", id="basemap-borders", data={"type": "FeatureCollection", "features": borders},
                      stroked=True, filled=False, get_line_color=COLORS["border"], line_width_min_pixels=1,
                      pickable=False)]


class _CompactDeck(pdk.Deck):
    """A deck whose JSON has no indentation: st.pydeck_chart sends it on every rerun (664 KB indented, 138 KB not)."""

    def to_json(self) -> str:
        return json.dumps(json.loads(super().to_json()), separators=(",", ":"), ensure_ascii=False)


def check_deck(story: Story, table: pd.DataFrame, geodata_dir: Path, selected: str | None) -> pdk.Deck:
    """Every located point (red: a problem) over its region circle and the story's basemap; `selected`
    (a row's field) is ringed and centred."""
    points = table.dropna(subset=["lat", "lon"]).copy()
    points["color"] = [COLORS["problem"] if problem else COLORS["point"] for problem in points["problem"]]
    circles = region_circles(story)
    layers = [*_check_basemap_layers(story, geodata_dir),
              pdk.Layer("ScatterplotLayer", id="regions", data=circles, get_position="[lon, lat]",
                        get_radius="radius_m", radius_units="'meters'", filled=True, stroked=True,
                        get_fill_color=[*COLORS["region"], 30], get_line_color=[*COLORS["region"], 200],
                        line_width_min_pixels=1, pickable=False),
              pdk.Layer("ScatterplotLayer", id="points", data=points[["field", "name", "query", "lat", "lon", "color",
                                                                      "problem"]],
                        get_position="[lon, lat]", get_fill_color="color", get_radius=6, radius_units="'pixels'",
                        stroked=True, get_line_color=[255, 255, 255], line_width_min_pixels=1, pickable=True,
                        auto_highlight=True)]
    chosen = points[points["field"] == selected]
    if len(chosen):
        layers.append(pdk.Layer("ScatterplotLayer", id="selected", data=chosen[["lat", "lon"]],
                                get_position="[lon, lat]", get_radius=12, radius_units="'pixels'", filled=False,
                                stroked=True, get_line_color=COLORS["selected"], line_width_min_pixels=3))
        row = chosen.iloc[0]
        view = pdk.ViewState(latitude=float(row["lat"]), longitude=float(row["lon"]), zoom=8)
    elif len(points):
        view = pdk.data_utils.compute_view(points[["lon", "lat"]].values.tolist(), view_proportion=1)
        view.zoom = max(1.0, (view.zoom or 4) - 0.5)
    else:
        view = pdk.ViewState(latitude=0, longitude=0, zoom=1)
    # map_provider=None with pydeck's default map_style: Streamlit then draws no base map at all.
    # map_style=None would not: Streamlit 1.67 fills a missing style with Carto's tiles (a request off the machine).
    return _CompactDeck(layers=layers, initial_view_state=view, map_provider=None,
                    tooltip={"text": "{field}: {query}\n{problem}"})


def _selected_field(table: pd.DataFrame, shown: pd.DataFrame) -> str | None:
    """The row the curator chose last, in the table or on the map; the table's selection follows the map's."""
    map_state = st.session_state.get(CHECK_MAP_KEY)
    table_state = st.session_state.get(CHECK_TABLE_KEY)
    on_map = None
    if map_state is not None:
        objects = (map_state.get("selection") or {}).get("objects") or {}
        picked = objects.get("points") or []
        on_map = picked[0].get("field") if picked else None
    in_table = None
    if table_state is not None:
        rows = (table_state.get("selection") or {}).get("rows") or []
        in_table = shown["field"].iloc[rows[0]] if rows and rows[0] < len(shown) else None
    seen_map, seen_table, selected = st.session_state.get(CHECK_SEEN_KEY, (None, None, None))
    if on_map != seen_map and on_map is not None:
        selected = on_map
    elif in_table != seen_table:
        selected = in_table
    if selected is not None and selected != in_table and selected in set(shown["field"]):
        # Before the table is drawn, its selection may be set from here (Streamlit allows it for dataframes).
        st.session_state[CHECK_TABLE_KEY] = {"selection": {"rows": [list(shown["field"]).index(selected)],
                                                           "columns": [], "cells": []}}
        in_table = selected
    st.session_state[CHECK_SEEN_KEY] = (on_map, in_table, selected)
    return selected


def _stamps(path: Path) -> tuple:
    return (path.stat().st_size, path.stat().st_mtime_ns) if path.exists() else ()


@st.cache_data(show_spinner=False, max_entries=8)
def _check_table(_story: Story, geodata_dir: str, cache_stamps: tuple, story_json: str) -> pd.DataFrame:
    """check_table once per version of the story and its geocode cache: every selection is a rerun, and the
    leg speeds densify every leg (0.3-0.8 s for the first story)."""
    return check_table(_story, Path(geodata_dir))


def check_view(story: Story, geodata_dir: Path) -> pd.DataFrame:
    """The curator's check: every place and via-point in a sortable table beside a map of them and their
    regions; choosing a row rings its point, choosing a point selects its row. Returns the whole table."""
    table = _check_table(story, str(geodata_dir), _stamps(paths.cache_path(story.id, geodata_dir)),
                         story.model_dump_json())
    problems = int((table["problem"] != "").sum())
    st.subheader(f"Check: {story.title}")
    st.caption(f"{len(table)} places and via-points, {problems} with a problem. Sort by any column; "
               "choose a row or a point to find the other.")
    choose, find = st.columns([1, 2])
    show = choose.selectbox("Show", [ALL_POINTS, PROBLEMS_ONLY], key="storymap-check-show")
    words = find.text_input("Filter", key="storymap-check-filter", placeholder="query, name, region or field")
    shown = table[table["problem"] != ""] if show == PROBLEMS_ONLY else table
    if words:
        haystack = shown[["field", "name", "query", "region", "problem"]].fillna("").agg(" ".join, axis=1)
        shown = shown[haystack.str.contains(words, case=False, regex=False)]
    shown = shown.reset_index(drop=True)
    selected = _selected_field(table, shown)
    left, right = st.columns([3, 2])
    with left:
        st.dataframe(shown, key=CHECK_TABLE_KEY, on_select="rerun", selection_mode="single-row", hide_index=True,
                     height=CHECK_HEIGHT,
                     column_config={"km_from_centre": st.column_config.NumberColumn("km from centre", format="%.2f"),
                                    "leg_kmh": st.column_config.NumberColumn("leg km/h", format="%.1f"),
                                    "lat": st.column_config.NumberColumn(format="%.5f"),
                                    "lon": st.column_config.NumberColumn(format="%.5f")})
    with right:
        st.pydeck_chart(check_deck(story, table, geodata_dir, selected), key=CHECK_MAP_KEY, on_select="rerun",
                        selection_mode="single-object", height=CHECK_HEIGHT)
    return table
