"""`storymap new <id>`: a story file to fill in, and its sources folder.

The template is a whole story with every value the author must give written as `<...>`: filled in,
it validates; left as it is, `validate` points at each placeholder (a date that is not a date, a
time zone that does not exist, a source text that is not there yet).
"""

from __future__ import annotations

import re
from pathlib import Path

from storymap.errors import StorymapError
from storymap.files import stable_json, write_atomic
from storymap.model import SLUG_PATTERN, json_schema
from storymap.paths import SOURCES_FOLDER, STORY_SUFFIX
from storymap.story import display_path

SCHEMA_NAME = "story.schema.json"
PLACEHOLDER = re.compile(r"<[^<>\n]+>")

TEMPLATE = """\
# yaml-language-server: $schema={schema}
# Fill in every <...>, delete what you do not need, then run: storymap build {id}
# Every field is described in the stories README (stories/README.md in storymap's repository);
# unknown fields are errors, so a typo never becomes a silent default.
id: {id}
title: <headline of the story>
# dek: <subtitle>
# byline: <who compiled it>
language: en
# The time zone of the stops, as in the tz database (Europe/Vienna); a stop elsewhere gives its own.
time_zone: <Area/City>
# Where every place must be found unless it says otherwise: a country (ISO code, lower case),
# and/or a circle (near: {{lat: ..., lon: ...}} with within_km: ...). It keeps namesakes out.
region:
  country: <two-letter country code>
sources:
  # Save the article's text as {id}/sources/<source-id>.txt; quotes are checked against it.
  - id: <source-id>
    outlet: <outlet name>
    headline: <headline of the article>
    published: <YYYY-MM-DD>
    text: {id}/sources/<source-id>.txt
    # The article's first and last words in that text: menus and comments around it are not quotable.
    body:
      from: <first words of the article>
      to: <last words of the article>
# In travel order. Copy a stop for each place; two or more stops make a route.
stops:
  - id: <stop-id>
    name: <name shown on the map>
    date: <YYYY-MM-DD>
    time: '<HH:MM>'
    place:
      # What the geocoder is asked, and which site you mean (and which namesakes you do not).
      query: <place to look up>
      why: <which site this is>
      # Or skip the lookup with coordinates: pin: {{lat: ..., lon: ..., reason: ...}}
    summary: <what happened there, in your words>
    quotes:
      - text: <the exact words of the article>
        source: <source-id>
# How the trip went between two stops (optional): rail, road, air or sea.
# legs:
#   - {{from: <stop-id>, to: <next-stop-id>, mode: rail, label: <train name>}}
"""


def template(story_id: str, schema: str = SCHEMA_NAME) -> str:
    """The commented story template for an id."""
    return TEMPLATE.format(id=story_id, schema=schema)


def new_story(story_id: str, stories_dir: Path) -> list[Path]:
    """Write stories/<id>.yaml and stories/<id>/sources/ (and the schema, when the folder has none);
    the files written. Refuses an id that is not a slug and any story that exists already."""
    if not re.fullmatch(SLUG_PATTERN, story_id):
        raise StorymapError(f"'{story_id}' is not a story id: use lower-case letters, digits and single "
                            "hyphens (danube-rail)")
    story_file = stories_dir / f"{story_id}{STORY_SUFFIX}"
    sources = stories_dir / story_id / SOURCES_FOLDER
    for existing in (story_file, stories_dir / story_id):
        if existing.exists() or existing.is_symlink():
            raise StorymapError(f"{display_path(existing)} exists already; storymap new never overwrites: "
                                "pick another id, or edit that story")
    created = []
    schema = stories_dir / SCHEMA_NAME
    if not schema.exists():
        write_atomic(schema, stable_json(json_schema()))
        created.append(schema)
    with open(story_file, "x", encoding="utf-8", newline="\n") as handle:  # "x": never over another's file
        handle.write(template(story_id))
    created.append(story_file)
    sources.mkdir(parents=True)
    created.append(sources)
    return created
