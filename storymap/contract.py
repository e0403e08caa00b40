"""The map files' contract: what a route file and a basemap file must hold for the player to draw them.

Both are GeoJSON FeatureCollections with a `storymap` block of our own. They are generated
(`storymap route`, `storymap basemap`) but live on disk, where a hand edit, a truncated copy or
a merge can break them; `validate`, the page and `export` check them against these models before
anything is served, so an undrawable file is a located problem and never a blank map.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from storymap.errors import Problem
from storymap.layers import ALLOWED_LAYERS

Lon = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
Lat = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
# deck.gl takes [lon, lat] (GeoJSON order); a third value (height) is allowed by GeoJSON, not used here.
Position = tuple[Lon, Lat]
Zoom = Annotated[float, Field(ge=0, le=24, allow_inf_nan=False)]
Finite = Annotated[float, Field(allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Point(_Strict):
    type: Literal["Point"]
    coordinates: Position


class LineString(_Strict):
    type: Literal["LineString"]
    coordinates: list[Position] = Field(min_length=2)


class MultiLineString(_Strict):
    type: Literal["MultiLineString"]
    coordinates: list[Annotated[list[Position], Field(min_length=2)]]


class Polygon(_Strict):
    type: Literal["Polygon"]
    coordinates: list[Annotated[list[Position], Field(min_length=4)]] = Field(min_length=1)


class MultiPolygon(_Strict):
    type: Literal["MultiPolygon"]
    coordinates: list[Annotated[list[Annotated[list[Position], Field(min_length=4)]], Field(min_length=1)]]


Geometry = Annotated[Point | LineString | MultiLineString | Polygon | MultiPolygon, Field(discriminator="type")]


# --- basemap ----------------------------------------------------------------------------------


class BasemapProperties(_Strict):
    layer: Literal["land", "lake", "river", "border", "label"]
    minzoom: Zoom
    maxzoom: Zoom
    level: int | None = None
    name: str | None = None
    country: str | None = None
    population: int | None = None


class BasemapFeature(_Strict):
    type: Literal["Feature"]
    geometry: Geometry
    properties: BasemapProperties


class Box(_Strict):
    west: Lon
    south: Lat
    east: Lon
    north: Lat


class BasemapMeta(_Strict):
    story: str
    attribution: str = Field(min_length=1)
    box: Box
    detail_minzoom: Zoom
    # Absent in files built before the pyramid: the player then draws one band below detail_minzoom, one above.
    level_minzooms: list[Zoom] | None = Field(
        default=None, description="the zoom each level of detail starts at, coarsest first (basemap.LEVEL_MINZOOMS)")
    # Absent in files built before it was recorded: `storymap build` then rebuilds them.
    inputs: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$",
                               description="SHA-256 of the points it was built around (basemap.inputs_digest)")


class Basemap(_Strict):
    """geodata/<story>.basemap.geojson."""

    type: Literal["FeatureCollection"]
    storymap: BasemapMeta
    features: list[BasemapFeature]


# --- route ------------------------------------------------------------------------------------


class RouteStop(_Strict):
    id: str
    position: Position
    time: str
    estimated_time: bool
    seconds: Finite


class RouteMeta(_Strict):
    format: Literal[1]
    inputs: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the route's inputs (route.inputs_digest)")
    story: str
    start: str
    end: str
    total_km: NonNegative
    stops: list[RouteStop] = Field(min_length=1)


class LegProperties(_Strict):
    leg: Annotated[int, Field(ge=0)]
    from_: str = Field(alias="from")
    to: str
    mode: str | None
    label: str | None
    km: NonNegative
    km_before: NonNegative
    departure: str
    arrival: str
    duration_s: NonNegative
    estimated_time: bool
    geometry_note: str
    traced_through: list[str]
    timestamps: list[Finite]


class RouteFeature(_Strict):
    type: Literal["Feature"]
    geometry: LineString
    properties: LegProperties


class Route(_Strict):
    """geodata/<story>.route.geojson."""

    type: Literal["FeatureCollection"]
    storymap: RouteMeta
    features: list[RouteFeature]


def check_map_file(model: type[BaseModel], text: str, filename: str, fix: str) -> list[Problem]:
    """Problems that stop the player drawing this file (at most five, each with the JSON path), or []."""
    try:
        model.model_validate_json(text, by_alias=True)
    except ValidationError as exc:
        problems = []
        errors = exc.errors(include_url=False)
        for error in errors[:5]:
            where = ".".join(str(part) for part in error["loc"]) or "(file)"
            problems.append(Problem(filename, 1, 1, where, f"{error['msg']}; the player cannot draw this file; {fix}"))
        if len(errors) > 5:
            problems.append(Problem(filename, 1, 1, "(file)", f"and {len(errors) - 5} more problems like these; {fix}"))
        return problems
    return []


# --- the player config ------------------------------------------------------------------------
# What Python hands the browser player (storymap.deck.player_config), checked on the way out so the
# player never gets a shape it does not expect; the player checks `version` and the same shape.

PLAYER_CONFIG_VERSION = 3


class TextQuoteSelector(_Strict):
    """W3C Web Annotation TextQuoteSelector, against the receipt's passage."""

    type: Literal["TextQuoteSelector"]
    exact: str = Field(min_length=1)
    prefix: str
    suffix: str


class TextPositionSelector(_Strict):
    """W3C Web Annotation TextPositionSelector: code points in the stored source text."""

    type: Literal["TextPositionSelector"]
    start: Annotated[int, Field(ge=0)]
    end: Annotated[int, Field(ge=0)]


Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class ConfigReceipt(_Strict):
    """What lets a reader re-find a quote: its passage, fingerprints and anchors (storymap.receipts)."""

    passage: str = Field(min_length=1, description="the quote's paragraph(s) as the source prints them")
    passage_sha256: Sha256
    source_sha256: Sha256 = Field(description="SHA-256 of the whole stored source file")
    selector: TextQuoteSelector
    position: TextPositionSelector | None
    fragment_url: str | None = Field(description="the live page with a #:~:text= fragment, when public")


class ConfigOriginal(_Strict):
    text: str
    language: str


class ConfigQuote(_Strict):
    text: str
    source: str
    attribution: str
    source_url: str | None
    speaker: str | None
    context: str | None
    original: ConfigOriginal | None
    translated_by: str | None
    receipt: ConfigReceipt | None


class ConfigSource(_Strict):
    id: str
    attribution: str
    headline: str
    url: str | None
    archived_url: str | None
    retrieved: str | None
    language: str
    sha256: Sha256
    fingerprint_recorded: bool


class ConfigCorrection(_Strict):
    date: str
    date_label: str
    what: str
    why: str


class ConfigNote(_Strict):
    note: str
    sources: list[str]


class ConfigCamera(_Strict):
    zoom: Zoom
    pitch: Annotated[float, Field(ge=0, le=85, allow_inf_nan=False)]
    bearing: Annotated[float, Field(ge=-360, le=360, allow_inf_nan=False)]


class ConfigLocalName(_Strict):
    lang: str
    name: str


class ConfigLegDistance(_Strict):
    """The published distance of the leg that ends at a stop, beside the drawn one (model.Distance)."""

    km: NonNegative
    drawn_km: NonNegative
    source: str
    url: str | None
    note: str | None
    label: str = Field(description="e.g. '238 km by rail (RZD timetable) · drawn 231 km'")


LegKind = Literal["traced", "straight"]


class ConfigLegend(_Strict):
    label: str
    color: list[Annotated[int, Field(ge=0, le=255)]] = Field(min_length=3, max_length=4)
    shape: Literal["area", "line", "dot"]


class ConfigLayer(_Strict):
    """A story layer (storymap.layers): pydeck's JSON of it, for @deck.gl/json's converter in the player."""

    id: str = Field(pattern=r"^storylayer-")
    deck: dict[str, Any] = Field(description="pydeck.Layer(...).to_json(): '@@type' (an allowed class), 'id', "
                                             "'data' (inline), camelCase props, '@@=' accessors")
    legend: ConfigLegend | None

    @field_validator("deck")
    @classmethod
    def _allowed_class(cls, deck: dict[str, Any]) -> dict[str, Any]:
        if deck.get("@@type") not in ALLOWED_LAYERS:
            raise ValueError(f"'@@type' must be one of {', '.join(ALLOWED_LAYERS)}")
        return deck


class ConfigStop(_Strict):
    index: Annotated[int, Field(ge=0)]
    id: str
    name: str
    local_names: list[ConfigLocalName]
    date_label: str
    when_label: str
    position: Position
    camera: ConfigCamera
    summary: str
    quotes: list[ConfigQuote]
    no_quote: str | None
    sources_differ: list[ConfigNote]
    km_so_far: NonNegative
    km_label: str
    leg_distance: ConfigLegDistance | None = Field(description="the published distance of the leg ending here")
    seconds: Finite
    estimated_time: bool
    dwell_seconds: Annotated[float, Field(gt=0, allow_inf_nan=False)]
    layers: list[ConfigLayer] = Field(description="shown only at this stop")


class ConfigStory(_Strict):
    id: str
    title: str
    dek: str | None
    byline: str | None
    language: str
    total_km: NonNegative
    total_km_label: str
    date_range_label: str
    dwell_seconds: Annotated[float, Field(gt=0, allow_inf_nan=False)]
    end_seconds: Finite


class ConfigDay(_Strict):
    label: str
    seconds: Finite


class ConfigStart(_Strict):
    stop: str | None
    mode: Literal["page", "present"]
    autoplay: bool
    dwell_override: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None
    loop: bool = Field(description="after the last stop, start again from the whole trip (?loop=1, for kiosks)")
    sync_url: bool = Field(True, description="keep the page's ?stop= in step with the reader (the page; a "
                                             "component in another app: only when asked)")
    report_stop: bool = Field(False, description="send the reader's stop back to Streamlit as the component's "
                                                 "value, once per change of stop")


class ConfigData(_Strict):
    """The route and basemap: a URL the page serves, or the files inline (the export)."""

    route: str | Route
    basemap: str | Basemap


class ConfigHostView(_Strict):
    """The whole-trip camera a host app asks for (a pydeck ViewState), instead of the fitted one."""

    latitude: Lat
    longitude: Lon
    zoom: Zoom
    pitch: Annotated[float, Field(ge=0, le=85, allow_inf_nan=False)] = 0.0
    bearing: Annotated[float, Field(ge=-360, le=360, allow_inf_nan=False)] = 0.0


class ConfigLabelPoint(_Strict):
    position: Position
    minzoom: Zoom
    maxzoom: Zoom
    side: Literal["center", "left", "right", "above", "below"] = Field(
        "center", description="the name centred on its point, or ending at it on this side")


class ConfigFramePlace(_Strict):
    id: str
    name: str = Field(min_length=1)
    kind: Literal["country", "sea", "bay"]
    points: list[ConfigLabelPoint] = Field(min_length=1, description="one is written: its band's nearest the centre")


class ConfigFrame(_Strict):
    """The map's geographic frame (storymap.frame): country and sea names, and the scale bar's units."""

    countries: list[ConfigFramePlace]
    seas: list[ConfigFramePlace]
    scale_miles: bool


class PlayerConfig(_Strict):
    """The player's whole input."""

    version: Literal[3]
    story: ConfigStory
    stops: list[ConfigStop] = Field(min_length=1)
    days: list[ConfigDay]
    disagreements: list[ConfigNote]
    credits: str | None
    sources: list[ConfigSource]
    corrections: list[ConfigCorrection]
    updated_label: str | None
    methods: list[str]
    json_ld: dict
    map_credits: list[str]
    legend_notes: list[str]
    legend_legs: list[LegKind] = Field(description="the kinds of leg line drawn in this story, in legend order")
    frame: ConfigFrame
    ui: dict[str, str]
    data: ConfigData
    host_layers: list[dict] = Field(default_factory=list, description=(
        "a host app's own layers, as pydeck serializes them (@deck.gl/json: '@@type', camelCase props, '@@=' "
        "accessors), drawn over the basemap and under the route"))
    host_view: ConfigHostView | None = None
    start: ConfigStart
    layers: list[ConfigLayer] = Field(description="the story's own layers, drawn at every stop")


def schemas() -> dict[str, dict]:
    """The JSON Schemas of the three files of the contract, by file name (storymap/schemas/)."""
    out = {}
    for name, model in (("player-config", PlayerConfig), ("route", Route), ("basemap", Basemap)):
        schema = model.model_json_schema(by_alias=True)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"storymap {name.replace('-', ' ')}"
        out[f"{name}.schema.json"] = schema
    return out
