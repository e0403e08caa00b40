"""The benchmarks' baseline: the least a Streamlit map page can be (one st.pydeck_chart with one small
layer and no basemap request, one st.markdown) and a button whose rerun changes the text."""

import pydeck as pdk
import streamlit as st

st.session_state.setdefault("chapter", 1)
st.pydeck_chart(pdk.Deck(
    layers=[pdk.Layer("ScatterplotLayer", [{"position": [131.9, 43.1]}], get_position="position",
                      get_radius=5000, get_fill_color=[164, 38, 44])],
    initial_view_state=pdk.ViewState(latitude=43.1, longitude=131.9, zoom=5), map_provider=None))
st.markdown(f"Baseline chapter {st.session_state.chapter}")
if st.button("Next chapter"):
    st.session_state.chapter += 1
    st.rerun()
