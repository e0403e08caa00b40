"""The storymap player inside another Streamlit app, with a table that follows the reader.

    streamlit run examples/current_stop_table.py

The player steps in the browser; each change of stop comes back as `storymap_player`'s value (one
rerun), and the table beside the map shows that stop's data as a pandas DataFrame. The app adds a
pydeck layer of its own: a ring on every place the story locates (stops and the towns the train
passed), under the route.
"""

from __future__ import annotations

import pandas as pd
import pydeck as pdk
import streamlit as st

from storymap.check import check_table
from storymap.streamlit import load_story_bundle, story_files, storymap_player

STORY = "kim-russia-2023"

st.set_page_config(page_title="storymap: the current stop as a table", layout="wide")
bundle = load_story_bundle(STORY)
story = bundle.story
places = check_table(story, story_files(STORY)[1])  # every place: lat, lon, provider, leg km
located = places.dropna(subset=["lat", "lon"])[["field", "query", "lat", "lon"]]

left, right = st.columns([3, 2], gap="medium")
with left:
    stop = storymap_player(bundle, key="story", layers=[
        pdk.Layer("ScatterplotLayer", id="places", data=located, get_position="[lon, lat]", get_radius=22,
                  radius_units="'pixels'", filled=False, stroked=True, get_line_color=[30, 90, 200, 230],
                  line_width_min_pixels=3),
    ])
with right:
    if stop["index"] is None:
        st.subheader("The whole trip")
        st.dataframe(places[places["kind"] == "stop"][["name", "lat", "lon", "leg_km"]], hide_index=True,
                     key="stops-table")
    else:
        here = story.stops[stop["index"]]
        row = places[places["field"] == f"stops[{stop['index']}].place"].iloc[0]
        st.subheader(here.name)
        facts = pd.DataFrame([
            {"what": "stop", "value": f"{stop['index'] + 1} of {len(story.stops)} ({here.id})"},
            {"what": "date", "value": f"{here.date} {here.time or ''}".strip()},
            {"what": "lat, lon", "value": f"{row['lat']:.5f}, {row['lon']:.5f}"},
            {"what": "located by", "value": f"{row['provider']} {row['feature_id'] or ''}".strip()},
            {"what": "leg from the previous stop",
             "value": "" if pd.isna(row["leg_km"]) else f"{row['leg_km']:,.0f} km"},
        ])
        st.dataframe(facts, hide_index=True, key="facts-table")
        quotes = pd.DataFrame([{"quote": q.text, "source": q.source, "speaker": q.speaker or ""} for q in here.quotes],
                              columns=["quote", "source", "speaker"])
        st.dataframe(quotes, hide_index=True, key="quotes-table")
