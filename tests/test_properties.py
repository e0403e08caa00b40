"""Property-based: whatever text is fed to the loader, it returns a Story or raises StoryError, nothing else."""

from __future__ import annotations

from helpers import FIXTURE_STORIES
from hostile_cases import BASE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storymap.errors import StoryError
from storymap.model import Story
from storymap.story import parse_story

YAML_PIECES = st.sampled_from([
    "\n", " ", "  ", "- ", ": ", "? ", "[", "]", "{", "}", ",", "&a ", "*a", "!!str ", "!x ", "<<: ", "---\n",
    "...\n", "#", "'", '"', "|", ">", "\\", "\t", "%YAML 1.1\n", "title", "stops", "id", "yes", "012", "10:30",
    "2024-02-30", ".inf", ".nan", "~", "\\ud800", "\x00", "\u2028", "é", "Хасан",
])


def outcome(text: str | bytes) -> None:
    try:
        assert isinstance(parse_story(text, "t.yaml", base_dir=FIXTURE_STORIES), Story)
    except StoryError as exc:
        assert exc.problems, "a StoryError always lists at least one problem"
        for problem in exc.problems:
            assert problem.line >= 1 and problem.col >= 1 and problem.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_text(text):
    outcome(text)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes(data):
    outcome(data)


@settings(max_examples=300, deadline=None)
@given(st.lists(YAML_PIECES, max_size=60).map("".join))
def test_yaml_looking_text(text):
    outcome(text)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=len(BASE)), st.lists(YAML_PIECES, min_size=1, max_size=5).map("".join))
def test_valid_story_with_something_spliced_in(position, insert):
    outcome(BASE[:position] + insert + BASE[position:])


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=len(BASE)))
def test_valid_story_cut_short(length):
    outcome(BASE[:length])


# --- the classes found by hand, generated: extreme dates and times, long numbers, odd paths, quotes ---

DIGITS = st.sampled_from(["0123456789", "٠١٢٣٤٥٦٧٨٩", "０１２３４５６７８９", "०१२३४५६७८९"])


@st.composite
def dates(draw):
    year = draw(st.integers(min_value=1, max_value=9999))
    month, day = draw(st.integers(min_value=0, max_value=13)), draw(st.integers(min_value=0, max_value=32))
    text = f"{year:04d}-{month:02d}-{day:02d}"
    digits = draw(DIGITS)
    return text.translate(str.maketrans("0123456789", digits)) + draw(st.sampled_from(["", "\n", " ", "\r\n"]))


@st.composite
def times(draw):
    text = f"{draw(st.integers(min_value=0, max_value=99)):02d}:{draw(st.integers(min_value=0, max_value=99)):02d}"
    digits = draw(DIGITS)
    return text.translate(str.maketrans("0123456789", digits)) + draw(st.sampled_from(["", "\n", " ", ":00"]))


NUMBERS = st.one_of(
    st.integers(min_value=1, max_value=6000).map(lambda n: "9" * n),
    st.integers(min_value=1, max_value=6000).map(lambda n: "0x" + "f" * n),
    st.integers(min_value=-400, max_value=400).map(lambda e: f"1e{e}"),
    st.sampled_from(["-0", ".inf", "-.inf", ".nan", "1_000", "0o777", "1e", "+.5"]),
)
SOURCE_TEXT = (FIXTURE_STORIES / "lisbon-tram-28" / "sources" / "fixture-guide.txt").read_text(encoding="utf-8")


@settings(max_examples=200, deadline=None)
@given(dates(), st.one_of(st.none(), times()), st.sampled_from(["Europe/Lisbon", "Pacific/Kiritimati",
                                                                "Etc/GMT+12", "Asia/Kathmandu"]))
def test_any_date_and_time_in_any_zone(date, time, zone):
    text = BASE.replace("    date: 2024-05-01\n", f"    date: {date!r}\n" + (f"    time: {time!r}\n" if time else "")
                        ).replace("time_zone: Europe/Lisbon", f"time_zone: {zone}")
    outcome(text.replace("'", "\"").replace("\\n", "\\n"))


@settings(max_examples=150, deadline=None)
@given(NUMBERS, st.sampled_from(["dwell_seconds: {}\n", "region: {{near: {{lat: {}, lon: -9.1}}, within_km: 12}}\n"]))
def test_any_number_where_a_number_goes(number, template):
    text = BASE.replace("region: {near: {lat: 38.7, lon: -9.1}, within_km: 12}\n", "") + template.format(number)
    outcome(text)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=len(SOURCE_TEXT)), st.integers(min_value=1, max_value=120),
       st.sampled_from(["", "[…] ", " [...]", "\n\n"]))
def test_any_slice_of_the_source_as_a_quote(start, length, mark):
    quote = SOURCE_TEXT[start:start + length].strip() + mark
    outcome(BASE.replace("Tram 28 leaves Martim Moniz\n", f"{quote!r}\n".replace("\\n", " ")))


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["lisbon-tram-28/sources/", "lisbon-tram-28/", "", "./", "lisbon-tram-28/sources/./",
                        "lisbon-tram-28//sources/", "LISBON-TRAM-28/sources/"]),
       st.sampled_from(["fixture-guide.txt", "", ".", "..", "nope.txt", "x.yaml", "\u202e.txt", "a" * 300]))
def test_any_source_path(folder, name):
    outcome(BASE.replace("lisbon-tram-28/sources/fixture-guide.txt", repr(folder + name).replace("'", "\"")))
