"""Every size limit on what storymap reads, in one place: the code uses these names, and the table in
stories/README.md is checked against them by a test, so the documented limits are the real ones.

Sized for a 5,000-stop story (bench/), small enough that no file can eat the machine: with aliases
banned, memory grows only linearly with these.
"""

from __future__ import annotations

# Story files (YAML).
MAX_STORY_FILE_BYTES = 8_000_000
MAX_YAML_DEPTH = 32
MAX_YAML_VALUES = 400_000
MAX_VALUE_CHARS = 20_000
MAX_NUMBER_DIGITS = 30

# Source texts (stories/<id>/sources/*.txt).
MAX_SOURCE_TEXT_BYTES = 2_000_000

# A story layer's data file (stories/<id>/data/*.geojson|json|csv) and an icon atlas image: inlined
# into the player config, so the page sends them with the story on every story change.
MAX_LAYER_DATA_BYTES = 1_000_000
MAX_LAYER_IMAGE_BYTES = 200_000

# Generated data files under geodata/: the geocode cache, the route and the basemap.
MAX_DATA_FILE_BYTES = 16_000_000
MAX_JSON_DEPTH = 64

# The page's query parameters (?story=, ?stop=, ...): longer values are never matched.
MAX_QUERY_VALUE_CHARS = 100

# (name in stories/README.md's table, value, unit): the documented table is built from this.
DOCUMENTED = [
    ("story file", MAX_STORY_FILE_BYTES, "bytes"),
    ("nesting in a story file", MAX_YAML_DEPTH, "levels"),
    ("values in a story file", MAX_YAML_VALUES, "values"),
    ("one value (a quote, a summary...)", MAX_VALUE_CHARS, "characters"),
    ("one number", MAX_NUMBER_DIGITS, "digits"),
    ("one source text", MAX_SOURCE_TEXT_BYTES, "bytes"),
    ("one layer data file", MAX_LAYER_DATA_BYTES, "bytes"),
    ("one layer image (icon atlas)", MAX_LAYER_IMAGE_BYTES, "bytes"),
    ("one geodata file (cache, route, basemap)", MAX_DATA_FILE_BYTES, "bytes"),
    ("nesting in a geodata file", MAX_JSON_DEPTH, "levels"),
]


def documented_table() -> str:
    """The Markdown table of limits, as stories/README.md must show it."""
    rows = ["| what | limit |", "|---|---|"]
    rows += [f"| {what} | {value:,} {unit} |" for what, value, unit in DOCUMENTED]
    return "\n".join(rows)
