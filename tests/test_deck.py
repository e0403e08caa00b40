"""storymap/deck.py: what the player gets, here the dwell that presentation mode needs."""

from __future__ import annotations

import shutil

import pytest
from helpers import FIXTURE_GEODATA, FIXTURE_STORIES

from storymap.catalog import load_bundle
from storymap.deck import ITEM_MIN_SECONDS, player_config, reading_seconds
from storymap.story import load_story


@pytest.mark.parametrize(("texts", "seconds"), [
    ([], 0.0),
    (["Two words"], ITEM_MIN_SECONDS),
    (["word " * 25], 10.0),                      # 25 words at 2.5 a second
    (["word " * 26, "short"], 11.0 + ITEM_MIN_SECONDS),
])
def test_reading_time_is_per_item_with_a_floor(texts, seconds):
    assert reading_seconds(texts) == seconds


def config_with(tmp_path, old: str, new: str) -> dict:
    text = (FIXTURE_STORIES / "lisbon-tram-28.yaml").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "lisbon-tram-28.yaml").write_text(text.replace(old, new), encoding="utf-8")
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", tmp_path / "lisbon-tram-28")
    bundle = load_bundle(load_story(tmp_path / "lisbon-tram-28.yaml"), FIXTURE_GEODATA)
    return player_config(bundle, data={"route": "r", "basemap": "b"}, start={})


def test_a_stop_dwells_long_enough_to_read_its_quotes_and_notes(tmp_path):
    config = config_with(tmp_path, "time_zone: Europe/Lisbon\n", "time_zone: Europe/Lisbon\ndwell_seconds: 1\n")
    for stop in config["stops"]:
        texts = [q["text"] + " " + q["attribution"] for q in stop["quotes"]] + [n["note"] for n in stop["sources_differ"]]
        assert stop["dwell_seconds"] == max(1, reading_seconds(texts))
    assert any(stop["dwell_seconds"] > 1 for stop in config["stops"])
