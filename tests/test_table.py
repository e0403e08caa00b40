"""Stops from a spreadsheet (`storymap import`) and back (`storymap show --csv`)."""

from __future__ import annotations

import io
import shutil

import pandas as pd
import pytest
from helpers import FIXTURE_STORIES

from storymap.cli import main
from storymap.errors import StoryError
from storymap.story import load_story
from storymap.table import COLUMNS, import_table

HEADER = ",".join(COLUMNS)
# Two stops: one looked up, one pinned (no query: its name stands for it), with and without a quote.
TABLE = HEADER + """
martim-moniz,Martim Moniz,2024-05-01,09:00,,"Martim Moniz, Lisboa",The square,pt,,,,The tram sets off.,\
Tram 28 leaves Martim Moniz and climbs into Graça,fixture-guide,,
prazeres,Prazeres,2024-05-01,10:05,,,,,38.7145,-9.1696,The terminus by the cemetery gate.,The end of the line.,,,,\
The curators chose not to quote it.
"""


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A stories folder holding the fixture story, whose story-level fields the imports keep."""
    monkeypatch.delenv("STORYMAP_STORIES_DIR", raising=False)
    stories = tmp_path / "stories"
    shutil.copytree(FIXTURE_STORIES, stories)
    text = (stories / "lisbon-tram-28.yaml").read_text(encoding="utf-8")
    (stories / "lisbon-tram-28.yaml").write_text(text.split("legs:")[0], encoding="utf-8")  # legs name old stops
    return stories


def frame(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def test_import_writes_a_story_that_validates_and_show_csv_gives_the_table_back(folder, tmp_path, capsys):
    table = tmp_path / "stops.csv"
    table.write_text(TABLE, encoding="utf-8")
    story_file = folder / "lisbon-tram-28.yaml"
    assert main(["import", str(table), "-o", str(story_file)]) == 0
    assert capsys.readouterr().err.endswith("(2 stops)\nnext: storymap build lisbon-tram-28\n")
    story = load_story(story_file)  # quotes verified against the source
    assert story.title == "Tram 28 across Lisbon"  # the file's own fields are kept
    assert [stop.id for stop in story.stops] == ["martim-moniz", "prazeres"]
    assert story.stops[0].place.region.country == "pt"
    assert story.stops[1].place.pin.lat == 38.7145 and story.stops[1].place.query == "Prazeres"
    assert story_file.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=story.schema.json\n")

    assert main(["show", "lisbon-tram-28", "--csv", "--stories", str(folder)]) == 0
    out = capsys.readouterr()
    pd.testing.assert_frame_equal(frame(out.out), frame(TABLE))
    assert "no column" not in out.err and "holds the first" not in out.err  # nothing the table could not hold


def test_a_story_goes_to_a_table_and_back_unchanged(folder, tmp_path, capsys):
    # A row holds one quote, in the story's language: the fixture's second, translated quote stays out.
    one_quote_each = tmp_path / "lisbon-tram-28.yaml"
    text = (FIXTURE_STORIES / "lisbon-tram-28.yaml").read_text(encoding="utf-8")
    translated = text[text.index("      - text: the view opens over the rooftops of Alfama as far"):text.index("  - id: prazeres")]
    one_quote_each.write_text(text.replace(translated, ""), encoding="utf-8")
    shutil.copytree(FIXTURE_STORIES / "lisbon-tram-28", tmp_path / "lisbon-tram-28")
    original = load_story(one_quote_each)
    assert main(["show", str(one_quote_each), "--csv"]) == 0
    table = tmp_path / "stops.csv"
    shown = capsys.readouterr()
    table.write_text(shown.out, encoding="utf-8")
    assert main(["import", str(table), "-o", str(folder / "lisbon-tram-28.yaml")]) == 0
    # A stop's layers have no column (the table says so): the rest of each stop comes back as it was.
    assert "layers have no column" in shown.err
    assert load_story(folder / "lisbon-tram-28.yaml").stops == [stop.model_copy(update={"layers": []})
                                                                 for stop in original.stops]


def test_show_csv_says_what_a_row_cannot_hold(tmp_path, capsys):
    assert main(["show", "kim-russia-2023", "--csv"]) == 0
    out = capsys.readouterr()
    assert len(frame(out.out)) == 7
    assert "quotes; the table holds the first" in out.err
    assert "local_names" in out.err


@pytest.mark.parametrize("table, problem", [
    (HEADER.replace("summary", "summay") + "\n", "stops.csv:1:12: summay: unknown column 'summay'; did you mean 'summary'?"),
    ("id,name,date\nx,X,2024-05-01\n", "stops.csv:1:4: summary: missing column 'summary'; add it to the first row"),
    ("id,name,date,summary,query\nx,X,01/05/2024,s,q\n",
     "stops.csv:2:3: date: '01/05/2024' is not a date; write YYYY-MM-DD (format the column as text)"),
    ("id,name,date,summary,query,time\nx,X,2024-05-01,s,q,9.30\n",
     "stops.csv:2:6: time: '9.30' is not a time; write HH:MM, 24-hour"),
    ("id,name,date,summary,query,no_quote\nMartim Moniz,X,2024-05-01,s,q,n\n",
     "stops.csv:2:1: id: 'Martim Moniz' is not an id; use lower-case letters, digits and hyphens ('martim-moniz')"),
    ("id,name,date,summary,lat,lon,no_quote\nx,X,2024-05-01,s,38.7,-9.1,n\n",
     "stops.csv:2:8: pin_reason: 'pin_reason' is empty; a pin needs lat, lon and pin_reason together"),
    ("id,name,date,summary,lat,lon,pin_reason,no_quote\nx,X,2024-05-01,s,38.7,9.1 W,r,n\n",
     "stops.csv:2:6: lon: '9.1 W' is not a number; write decimal degrees with a point (48.2082)"),
    ("id,name,date,summary,lat,lon,pin_reason,no_quote\nx,X,2024-05-01,s,-122.4,37.8,r,n\n",
     "stops.csv:2:5: lat: -122.4 is outside -90..90; did you swap lat and lon?"),
    ("id,name,date,summary,no_quote\nx,X,2024-05-01,s,n\n",
     "stops.csv:2:6: query: 'query' is empty and there is no pin; give the place to look up, or lat, lon and "
     "pin_reason"),
    ("id,name,date,summary,query,quote\nx,X,2024-05-01,s,q,Words\n",
     "stops.csv:2:7: source: a quote needs the id of its source; add it in the 'source' column"),
    ("id,name,date,summary,query\nx,X,2024-05-01,,q\n",
     "stops.csv:2:4: summary: 'summary' is empty; every stop needs one"),
    ("id,name,date,summary,query\n", "stops.csv:2:1: (story): the table has no rows; add one row per stop"),
    ("id,name\n\"x,X\n", "stops.csv:2:1: (story): not a CSV table"),
    ("id,name,date,summary\nx,X,2024-05-01,s,extra\n", "stops.csv:2:1: (story): not a CSV table (Error tokenizing "
     "data. C error: Expected 4 fields in line 2, saw 5)"),
], ids=["unknown-column", "missing-column", "date", "time", "id", "half-a-pin", "lon-text", "lat-range",
        "no-place", "quote-without-source", "empty-required", "no-rows", "broken-quotes",
        "long-row"])
def test_table_problems_name_file_row_and_column(tmp_path, monkeypatch, table, problem):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stops.csv").write_text(table, encoding="utf-8")
    with pytest.raises(StoryError) as caught:
        import_table(tmp_path / "stops.csv", tmp_path / "trip.yaml")
    assert any(str(p).startswith(problem) for p in caught.value.problems), caught.value.problems
    assert not (tmp_path / "trip.yaml").exists()


def test_import_to_a_new_file_starts_from_the_template(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stops.csv").write_text(TABLE, encoding="utf-8")
    monkeypatch.setenv("STORYMAP_STORIES_DIR", str(tmp_path / "stories"))
    assert main(["import", "stops.csv", "-o", "trip"]) == 1  # written, but the template's fields are still <...>
    err = capsys.readouterr().err
    assert "trip.yaml:" in err and "time_zone: " in err
    assert err.rstrip().endswith("does not validate yet: fix the 4 problem(s) above, then run: storymap build trip")
    text = (tmp_path / "stories" / "trip.yaml").read_text(encoding="utf-8")
    assert "id: trip\n" in text and "title: <headline of the story>" in text
    assert "Tram 28 leaves Martim Moniz and climbs into Graça" in text
