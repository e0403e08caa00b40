"""The map's geographic frame: which country and sea names a story's map writes, and where (deck step).

Pipeline: story → locate → route → **deck** → page. The names and their label points are curated in
`storymap/frame-labels.yaml` (each with its reference); a story keeps those inside its basemap's box
and may give a sea its own form of name (`map: sea_names:`, for disputed names). The player chooses,
per name and per zoom, the label point nearest the view's centre (player-build/src/player/frame.js).
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from storymap.errors import StorymapError
from storymap.files import DataFileError, read_limited
from storymap.limits import MAX_DATA_FILE_BYTES
from storymap.yamlread import decode, read_yaml

FRAME_LABELS_PATH = Path(__file__).resolve().parent / "frame-labels.yaml"


class FrameDataError(StorymapError):
    """The curated frame labels are missing or malformed (a broken install or checkout)."""


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class LabelPoint(_Strict):
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]
    minzoom: Annotated[float, Field(ge=0, le=24)]
    maxzoom: Annotated[float, Field(ge=0, le=24)]
    side: Literal["center", "left", "right", "above", "below"] = "center"


class FramePlace(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    name: Annotated[str, Field(min_length=1)]
    kind: Literal["sea", "bay"] = Field("sea", description="seas only: a bay's name is written smaller")
    points: list[LabelPoint] = Field(min_length=1)
    reference: Annotated[str, Field(min_length=1)]


class FrameLabels(_Strict):
    countries: list[FramePlace]
    seas: list[FramePlace]


@lru_cache(maxsize=1)
def frame_labels(path: Path = FRAME_LABELS_PATH) -> FrameLabels:
    """The curated country and sea names with their label points (read once)."""
    shown = path.name
    try:
        data, _ = read_yaml(decode(read_limited(path, MAX_DATA_FILE_BYTES), shown), shown)
        labels = FrameLabels.model_validate(data)
    except DataFileError as exc:
        raise FrameDataError(f"{shown}: {exc.reason}; reinstall storymap or restore the file with git") from None
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in error["loc"])
        raise FrameDataError(f"{shown}: {where}: {error['msg']}; restore the file with git") from None
    return labels


def sea_ids() -> list[str]:
    """Every sea (and bay) a story may rename."""
    return [sea.id for sea in frame_labels().seas]


def sea_name_problem(sea_id: str) -> str | None:
    """Why a story cannot rename this sea (an unknown id), with the fix; None when it can."""
    known = sea_ids()
    if sea_id in known:
        return None
    close = difflib.get_close_matches(sea_id, known, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"unknown sea '{sea_id}'; {hint}known seas: {', '.join(known)}"


def _inside(point: LabelPoint, box: dict) -> bool:
    return box["south"] <= point.lat <= box["north"] and box["west"] <= point.lon <= box["east"]


def _point(p: LabelPoint) -> dict:
    # A centred name says nothing about its side: the page's args per rerun are on a budget.
    side = {} if p.side == "center" else {"side": p.side}
    return {"position": [p.lon, p.lat], "minzoom": p.minzoom, "maxzoom": p.maxzoom, **side}


def frame_config(box: dict, sea_names: dict[str, str], scale_miles: bool) -> dict:
    """The frame as the player draws it: the names with label points in the basemap's box, [lon, lat]."""
    labels = frame_labels()

    def places(items: list[FramePlace], names: dict[str, str], country: bool) -> list[dict]:
        out = []
        for place in items:
            points = [p for p in place.points if _inside(p, box)]
            if points:
                # deck.gl takes [lon, lat]; the band is [minzoom, maxzoom).
                out.append({"id": place.id, "name": names.get(place.id, place.name),
                            "kind": "country" if country else place.kind,
                            "points": [_point(p) for p in points]})
        return out

    return {"countries": places(labels.countries, {}, True), "seas": places(labels.seas, sea_names, False),
            "scale_miles": scale_miles}
