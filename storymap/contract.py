"""The map files' contract: what a route file and a basemap file must hold for the player to draw them.

Both are GeoJSON FeatureCollections with a `storymap` block of our own. They are generated
(`storymap route`, scripts/build_basemap.py) but live on disk, where a hand edit, a truncated copy or
a merge can break them; `validate`, the page and `export` check them against these models before
anything is served, so an undrawable file is a located problem and never a blank map.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from storymap.errors import Problem

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
