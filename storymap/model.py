"""The story model: what a story file may contain, field by field (story step of the pipeline).

One strict pydantic model. Unknown keys are errors (a typo must not become a silent default),
values are not coerced across types (`"12"` is not 12, `no` is not False), and every default lives
here. `stories/story.schema.json` is generated from this module (`python -m storymap schema`), and
`stories/README.md` documents the same fields for people.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from storymap.layers import ALLOWED_LAYERS
from storymap.quotes import Article

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
TIME_PATTERN = r"^[0-9]{2}:[0-9]{2}$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$"
COUNTRY_PATTERN = r"^[a-z]{2}$"
DEFAULT_DWELL_SECONDS = 8.0
MIN_DATE, MAX_DATE = dt.date(2, 1, 1), dt.date(9998, 12, 31)
TRAVEL_MODES = ("rail", "road", "air", "sea")


def _slug(value: str) -> str:
    if not re.fullmatch(SLUG_PATTERN, value):
        suggestion = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "my-id"
        raise ValueError(f"'{value}' is not a slug (lower-case letters, digits and single hyphens); "
                         f"for example '{suggestion}'")
    return value


def _date(value: str) -> str:
    if not re.fullmatch(DATE_PATTERN, value):
        raise ValueError(f"'{value}' is not a date; write it as YYYY-MM-DD, for example 2023-09-12")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a day of the calendar; check the month and day") from None
    if not MIN_DATE <= day <= MAX_DATE:
        # The first and last days of the calendar cannot be moved between time zones.
        raise ValueError(f"'{value}' is outside the dates storymap can place in time "
                         f"({MIN_DATE.isoformat()} to {MAX_DATE.isoformat()})")
    return value


def _time(value: str) -> str:
    if not re.fullmatch(TIME_PATTERN, value):
        raise ValueError(f"'{value}' is not a time of day; write it as HH:MM in quotes, for example '14:30'")
    hours, minutes = int(value[:2]), int(value[3:])
    if hours > 23 or minutes > 59:
        raise ValueError(f"'{value}' is not a time of day; hours go 00-23 and minutes 00-59")
    return value


def _time_zone(value: str) -> str:
    try:
        if value.startswith(("/", ".")) or ".." in value:
            raise ValueError
        zoneinfo.ZoneInfo(value)
    except (ValueError, OSError, zoneinfo.ZoneInfoNotFoundError):  # "Europe" is a folder: IsADirectoryError
        raise ValueError(f"'{value}' is not an IANA time zone; use a name such as 'Asia/Vladivostok'") from None
    return value


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty; write some text or remove the field")
    return value


# Patterns go to the JSON Schema only; the validators give the messages people read.
Slug = Annotated[str, Field(json_schema_extra={"pattern": SLUG_PATTERN}), AfterValidator(_slug)]
Text = Annotated[str, Field(min_length=1), AfterValidator(_text)]
Date = Annotated[str, Field(json_schema_extra={"pattern": DATE_PATTERN}, description="YYYY-MM-DD"),
                 AfterValidator(_date)]
Time = Annotated[str, Field(json_schema_extra={"pattern": TIME_PATTERN}, description="HH:MM, 24-hour, local"),
                 AfterValidator(_time)]
TimeZone = Annotated[str, Field(description="IANA time zone name, e.g. Asia/Vladivostok"), AfterValidator(_time_zone)]
Lat = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False, description="latitude, degrees north")]
Lon = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False, description="longitude, degrees east")]
Seconds = Annotated[float, Field(gt=0, le=3600, allow_inf_nan=False)]


class Strict(BaseModel):
    """Base: unknown keys are errors, no type coercion, immutable after loading."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, populate_by_name=False)


class LatLon(Strict):
    """A point, by name: `lat` and `lon` in degrees."""

    lat: Lat
    lon: Lon


class Region(Strict):
    """Where a place query must land: a country and/or a circle around a point."""

    country: Annotated[str, Field(pattern=COUNTRY_PATTERN, description="ISO 3166-1 alpha-2, lower case")] | None = None
    near: LatLon | None = None
    within_km: Annotated[float, Field(gt=0, le=20_000, allow_inf_nan=False)] | None = None

    @model_validator(mode="after")
    def _complete(self) -> Region:
        if self.country is None and self.near is None:
            raise ValueError("a region needs 'country', or 'near' with 'within_km', or both")
        if (self.near is None) != (self.within_km is None):
            raise ValueError("'near' and 'within_km' go together; give both or neither")
        return self


class Pin(Strict):
    """Explicit coordinates that override geocoding, with the reason the curator chose them."""

    lat: Lat
    lon: Lon
    reason: Text


class Place(Strict):
    """A place to geocode: the query, why it was chosen, where it must land, or a pinned point."""

    query: Text = Field(description="text sent to the geocoder, e.g. 'Vostochny Cosmodrome'")
    why: Text | None = Field(None, description="the curator's reason for this query (which site, and why)")
    region: Region | None = Field(None, description="where the result must lie; default: the story's region")
    pin: Pin | None = Field(None, description="explicit lat/lon that skips geocoding, with a reason")


class Camera(Strict):
    """The map view for a stop; its centre is the stop itself."""

    zoom: Annotated[float, Field(ge=0, le=22, allow_inf_nan=False)]
    pitch: Annotated[float, Field(ge=0, le=85, allow_inf_nan=False)] = 0.0
    bearing: Annotated[float, Field(ge=-360, le=360, allow_inf_nan=False)] = 0.0


class Original(Strict):
    """A translated quote's words in the language of its source: these are what is checked."""

    text: Text = Field(description="exact words from the source's article, in its language")
    language: Annotated[str, Field(pattern=LANGUAGE_PATTERN)] = Field(description="language code, e.g. ru")


class Quote(Strict):
    """Words taken verbatim from a source's article, with who said them."""

    text: Text = Field(description="exact words from the source's article (whitespace and quote marks may "
                                   "differ); '[…]' marks each paragraph break; a translation when 'original' "
                                   "is given")
    original: Original | None = Field(None, description="the words in the source's language, when 'text' is a "
                                                         "translation; needs translated_by")
    translated_by: Text | None = Field(None, description="who translated 'original' into 'text'")
    source: Slug = Field(description="id of an entry in the story's sources")
    speaker: Text | None = Field(None, description="who said it; must be named near the quote in the source "
                                                    "(or an alias in the story's speakers), unless speaker_basis")
    speaker_basis: Text | None = Field(None, description="the curator's reason for the speaker when the source "
                                                          "does not name them near the quote")
    context: Text | None = Field(None, description="the curator's note on when or why it was said")

    @model_validator(mode="after")
    def _translation_credited(self) -> Quote:
        if (self.original is None) != (self.translated_by is None):
            raise ValueError("'original' and 'translated_by' go together: a translated quote names its translator")
        return self


class Note(Strict):
    """A 'sources differ' note: where the sources disagree, or were written before the event."""

    note: Text
    sources: list[Slug] = Field(default_factory=list, description="ids of the sources concerned")


class Body(Strict):
    """Where the article begins and ends inside a stored page: its first and last words."""

    from_: Text = Field(alias="from", description="the article's first words, as in the source text")
    to: Text = Field(description="the article's last words, as in the source text")


class Source(Strict):
    """One source article whose stored text the quotes are checked against."""

    id: Slug
    outlet: Text = Field(description="the outlet as the page shows it")
    author: Text | None = None
    headline: Text
    published: Date | None = Field(None, description="date on the page; leave out when undated")
    date_note: Text | None = Field(None, description="e.g. 'undated; about 12 Sep 2023'")
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = Field(None, description="the live page, when public")
    archived_url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = Field(
        None, description="a web-archive capture the curator made of the page")
    retrieved: Date | None = Field(None, description="the day the stored text was taken from the page")
    language: Annotated[str, Field(pattern=LANGUAGE_PATTERN)] | None = Field(
        None, description="the language the source is written in; default: the story's")
    text: Text = Field(description="path of the stored source text, relative to the story file, inside "
                                   "<story id>/sources/")
    sha256: Annotated[str, Field(pattern=SHA256_PATTERN)] | None = Field(
        None, description="SHA-256 of the stored text file, recorded by `storymap fingerprint`; validate fails "
                          "when the text no longer matches it")
    body: Body = Field(description="the article's first and last words: only the article is quotable")
    note: Text | None = Field(None, description="what a reader should know about this source")


class Correction(Strict):
    """A change to a published story, as news corrections practice lists them."""

    date: Date
    what: Text = Field(description="what changed")
    why: Text = Field(description="why it changed")


def _layer_type(value: str) -> str:
    if value not in ALLOWED_LAYERS:
        close = [name for name in ALLOWED_LAYERS if name.lower() == value.lower()]
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise ValueError(f"'{value}' is not a layer class storymap draws; {hint}use one of {', '.join(ALLOWED_LAYERS)}")
    return value


class Legend(Strict):
    """A story layer's line in the map's legend: its label and a swatch."""

    label: Text = Field(description="what the layer shows, as the legend says it (say 'approximate' if it is)")
    color: list[Annotated[int, Field(ge=0, le=255)]] = Field(
        min_length=3, max_length=4, description="the swatch's colour, [r, g, b] or [r, g, b, a], 0-255")
    shape: Literal["area", "line", "dot"] = Field("area", description="the swatch's shape: area, line or dot")


class StoryLayer(BaseModel):
    """A map layer in pydeck's terms: a deck.gl class, a data file in the story's folder, and pydeck's
    keyword arguments (checked against the class's props by storymap.layers, which builds it)."""

    model_config = ConfigDict(strict=True, extra="allow", frozen=True, populate_by_name=False,
                              json_schema_extra={"description": "other keys: deck.gl props of the class in "
                                                                "snake_case, as pydeck.Layer takes them"})

    type: Annotated[str, Field(json_schema_extra={"enum": list(ALLOWED_LAYERS)}), AfterValidator(_layer_type)] = Field(
        description="the deck.gl layer class, one of storymap.layers.ALLOWED_LAYERS")
    data: Text = Field(description="path of a .geojson, .json or .csv file, relative to the story file, inside "
                                   "<story id>/ (e.g. <story id>/data/sites.geojson)")
    legend: Legend | None = Field(None, description="the layer's entry in the legend, shown while it is drawn")


class Stop(Strict):
    """One stop of the trip: a place, a time, the curator's summary and quotes."""

    id: Slug
    name: Text
    local_names: dict[Annotated[str, Field(pattern=LANGUAGE_PATTERN)], Text] = Field(
        default_factory=dict, description="names by language code, e.g. {ru: Хасан, ko: 하산}")
    date: Date
    time: Time | None = Field(None, description="local time of day; leave out when only the day is known")
    time_zone: TimeZone | None = Field(None, description="default: the story's time_zone")
    place: Place
    camera: Camera | None = None
    summary: Text = Field(description="what happened here, in the curator's own words")
    quotes: list[Quote] = Field(default_factory=list)
    no_quote: Text | None = Field(None, description="required when quotes is empty: why there is none")
    sources_differ: list[Note] = Field(default_factory=list)
    dwell_seconds: Seconds | None = Field(None, description="autoplay time here; default: the story's")
    layers: list[StoryLayer] = Field(default_factory=list, description="map layers shown only at this stop "
                                                                        "(they fade in on arrival, out on leaving)")

    @model_validator(mode="after")
    def _quoted_or_said_why(self) -> Stop:
        if not self.quotes and self.no_quote is None:
            raise ValueError("a stop needs at least one quote, or 'no_quote' saying why the sources have none")
        return self


MAX_LEG_KM = 40_075.0  # once round the equator: no leg of a trip is longer


class Distance(Strict):
    """A leg's distance as published (a timetable, a line's length, kilometre posts), with its reference."""

    km: Annotated[float, Field(gt=0, le=MAX_LEG_KM, allow_inf_nan=False,
                               description="the published distance in kilometres")]
    source: Text = Field(description="where the figure comes from, as the page shows it (e.g. 'RZD timetable')")
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = Field(
        None, description="the page it is on, when public")
    note: Text | None = Field(None, description="how the figure was put together (e.g. which km posts were subtracted)")


class Leg(Strict):
    """How the trip went from one stop to the next."""

    from_: Slug = Field(alias="from", description="id of a stop")
    to: Slug = Field(description="id of the stop right after 'from'")
    mode: Literal[TRAVEL_MODES] = Field(description="rail, road, air or sea")  # type: ignore[valid-type]
    via: list[Place] = Field(default_factory=list, description="ordered via-points along the way")
    label: Text | None = None
    distance: Distance | None = Field(None, description="the published distance of the leg, with its reference")


class MapOptions(Strict):
    """How the story's map frames the trip: the names of its seas and the scale bar's units."""

    sea_names: dict[Annotated[str, Field(pattern=SLUG_PATTERN)], Text] = Field(
        default_factory=dict, description="a sea's name as this story writes it, by sea id "
        "(storymap/frame-labels.yaml), e.g. {sea-of-japan: Sea of Japan (East Sea)}")
    scale_miles: bool = Field(False, description="the scale bar gives miles under the kilometres")


class Story(Strict):
    """A whole story file."""

    id: Slug = Field(description="must equal the file name without .yaml")
    title: Text
    dek: Text | None = Field(None, description="subtitle")
    byline: Text | None = None
    credits: Text | None = None
    language: Annotated[str, Field(pattern=LANGUAGE_PATTERN)] = "en"
    time_zone: TimeZone = Field(description="default time zone of the stops")
    region: Region | None = Field(None, description="default region hint for every place query")
    dwell_seconds: Seconds = DEFAULT_DWELL_SECONDS
    sources: list[Source] = Field(min_length=1)
    speakers: dict[Text, list[Text]] = Field(
        default_factory=dict, description="other names a speaker goes by in the sources, e.g. {Kim Jong Un: [Kim]}")
    stops: list[Stop] = Field(min_length=1)
    legs: list[Leg] = Field(default_factory=list)
    disagreements: list[Note] = Field(default_factory=list, description="story-wide notes on where sources differ")
    corrections: list[Correction] = Field(default_factory=list, description="changes since publication, oldest first")
    layers: list[StoryLayer] = Field(default_factory=list, description="map layers drawn throughout the story, "
                                                                        "above the basemap and below the route")
    map: MapOptions = Field(default_factory=MapOptions, description="the map's sea names and scale units")

    _path: str = PrivateAttr(default="")
    _source_texts: dict[str, str] = PrivateAttr(default_factory=dict)
    _articles: dict[str, Article] = PrivateAttr(default_factory=dict)
    _source_digests: dict[str, str] = PrivateAttr(default_factory=dict)
    _positions: dict[tuple, tuple[int, int]] = PrivateAttr(default_factory=dict)
    _layers: dict[str | None, list[dict]] = PrivateAttr(default_factory=dict)

    @property
    def path(self) -> str:
        """The file this story was loaded from."""
        return self._path

    def locate_field(self, path: tuple) -> tuple[int, int]:
        """(line, column) of a field in the story file, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            if path[:end] in self._positions:
                return self._positions[path[:end]]
        return (1, 1)

    def built_layers(self, stop_id: str | None = None) -> list[dict]:
        """The story's layers (stop_id None) or a stop's, as storymap.layers built them at load."""
        return self._layers.get(stop_id, [])

    def source(self, source_id: str) -> Source:
        """The source with this id."""
        return next(s for s in self.sources if s.id == source_id)

    def source_text(self, source_id: str) -> str:
        """The stored text of a source, read when the story was loaded."""
        return self._source_texts[source_id]

    def article(self, source_id: str) -> Article:
        """The quotable part of a source (its declared body), read when the story was loaded."""
        return self._articles[source_id]

    def source_language(self, source: Source) -> str:
        """The language a source is written in, falling back to the story's."""
        return source.language or self.language

    def source_sha256(self, source_id: str) -> str:
        """SHA-256 of a source's stored file, computed when the story was loaded."""
        return self._source_digests[source_id]

    def stop_zone(self, stop: Stop) -> str:
        """The stop's time zone, falling back to the story's."""
        return stop.time_zone or self.time_zone

    def place_region(self, place: Place) -> Region | None:
        """The place's region hint, falling back to the story's."""
        return place.region or self.region


def json_schema() -> dict:
    """The JSON Schema of a story file, for editors (yaml-language-server) and docs."""
    schema = Story.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "storymap story"
    return schema
