"""What the browser player gets: the story as plain data, ready to draw (deck step of the pipeline).

Pipeline: story → locate → route → **deck** → page. The page and the static export both hand this
config to the same player (storymap/player/). Coordinates go out as [lon, lat] (taken from the route
file, which made them with `route.lonlat`); dates and times are formatted here, in each stop's own
time zone, so the browser never has to know about time zones. The route and basemap are referenced
by URL on the page (fetched once) and inlined in the export.
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from typing import Any

from storymap.catalog import StoryBundle
from storymap.contract import PLAYER_CONFIG_VERSION
from storymap.frame import frame_config
from storymap.locate import data_credits
from storymap.receipts import json_ld, methods, quote_receipt, sources_list
from storymap.text import attribution
from storymap.words import date_range, day_label, km_label, long_date, short_date, ui

DEFAULT_STOP_ZOOM = 11.0  # a stop's view when the story gives it no camera: a town and its station
# Presentation mode shows each quote and "sources differ" note of a stop in turn during its dwell, in
# large type read from across a room: about 150 words a minute, and never less than this per item.
READING_WORDS_PER_SECOND = 2.5
ITEM_MIN_SECONDS = 4.0


def reading_seconds(texts: list[str]) -> float:
    """How long the texts shown in turn during a dwell take to read in large type, in whole seconds."""
    return float(sum(max(ITEM_MIN_SECONDS, math.ceil(len(text.split()) / READING_WORDS_PER_SECOND)) for text in texts))


def _when_label(day: dt.date, time: str | None, zone: str, language: str) -> str:
    words = ui(language)
    if time:
        return words["local_time"].format(date=long_date(day, language), time=time, zone=zone)
    return words["time_not_reported"].format(date=long_date(day, language))


LEG_KINDS = ("traced", "straight")  # legend order; the player dashes each kind its own way (legstyle.js)


def leg_kind(properties: dict) -> str:
    """How a drawn leg's line was made: traced through via-points, or a straight line between its stops.
    Both are the curators' estimates of the way, so the player dashes both (legstyle.js)."""
    return "traced" if properties["traced_through"] else "straight"


def legend_legs(route: dict) -> list[str]:
    """The kinds of leg line this route draws, in legend order: the legend shows these and no others."""
    present = {leg_kind(leg["properties"]) for leg in route["features"]}
    return [kind for kind in LEG_KINDS if kind in present]


def leg_distances(story, route: dict, words: dict) -> list[dict]:
    """Each drawn leg's distance as counted on the page: the published figure where the story gives one
    (with what the page says about it), else the length of the drawn line."""
    published = {(leg.from_, leg.to): leg for leg in story.legs if leg.distance is not None}
    out = []
    for feature in route["features"]:
        props = feature["properties"]
        drawn = props["km"]
        leg = published.get((props["from"], props["to"]))
        if leg is None:
            out.append({"km": drawn, "published": None})
            continue
        given = leg.distance
        label = words["leg_distance"].format(km=km_label(given.km), mode=words.get("by_" + leg.mode, ""),
                                             source=" ".join(given.source.split()), drawn=km_label(drawn))
        out.append({"km": given.km, "published": {
            "km": given.km, "drawn_km": drawn, "source": " ".join(given.source.split()), "url": given.url,
            "note": " ".join(given.note.split()) if given.note else None, "label": " ".join(label.split())}})
    return out


def player_config(bundle: StoryBundle, *, data: dict[str, Any], start: dict[str, Any],
                  host_layers: list[dict] | None = None, host_view: dict | None = None) -> dict:
    """The player's whole input: story text, stop positions and times, credits, data sources, start state;
    a host app's own layers (pydeck's JSON) and whole-trip camera, when it gives them."""
    story, route = bundle.story, bundle.route
    language, words = story.language, ui(story.language)
    meta = route["storymap"]
    started = dt.datetime.fromisoformat(meta["start"])
    distances = leg_distances(story, route, words)
    km_so_far = [0.0]
    for distance in distances:
        km_so_far.append(km_so_far[-1] + distance["km"])
    stops = []
    for index, (stop, placed) in enumerate(zip(story.stops, meta["stops"])):
        day = dt.date.fromisoformat(stop.date)
        quotes = []
        for quote in stop.quotes:
            source = story.source(quote.source)
            quotes.append({
                "text": " ".join(quote.text.split()),
                "source": source.id,
                "attribution": attribution(source),
                "source_url": source.url,
                "speaker": quote.speaker,
                "context": quote.context,
                "original": {"text": " ".join(quote.original.text.split()), "language": quote.original.language}
                            if quote.original else None,
                "translated_by": quote.translated_by,
                "receipt": quote_receipt(story, quote),
            })
        stops.append({
            "index": index,
            "id": stop.id,
            "name": stop.name,
            # Each with its language, so the player can mark it up with `lang` (screen readers, hyphenation, fonts).
            "local_names": [{"lang": lang, "name": name} for lang, name in stop.local_names.items()],
            "date_label": short_date(day, language),
            "when_label": _when_label(day, stop.time, story.stop_zone(stop), language),
            "position": placed["position"],
            "camera": {"zoom": stop.camera.zoom, "pitch": stop.camera.pitch, "bearing": stop.camera.bearing}
                      if stop.camera else {"zoom": DEFAULT_STOP_ZOOM, "pitch": 0.0, "bearing": 0.0},
            "summary": " ".join(stop.summary.split()),
            "quotes": quotes,
            "no_quote": stop.no_quote,
            "sources_differ": [{"note": " ".join(n.note.split()), "sources": n.sources} for n in stop.sources_differ],
            "km_so_far": round(km_so_far[index], 1),
            "km_label": km_label(km_so_far[index]),
            "leg_distance": distances[index - 1]["published"] if index else None,
            "seconds": placed["seconds"],
            "estimated_time": placed["estimated_time"],
            # Long enough to read every quote and note in turn, whatever the curator asked for.
            "dwell_seconds": max(stop.dwell_seconds or story.dwell_seconds,
                                 reading_seconds([q["text"] + " " + q["attribution"] for q in quotes]
                                                 + [" ".join(n.note.split()) for n in stop.sources_differ])),
            "layers": story.built_layers(stop.id),
        })
    first, last = dt.date.fromisoformat(story.stops[0].date), dt.date.fromisoformat(story.stops[-1].date)
    zone = zoneinfo.ZoneInfo(story.time_zone)
    days = []
    for offset in range((last - first).days + 1):
        day = first + dt.timedelta(days=offset)
        midnight = dt.datetime.combine(day, dt.time(), zone)
        days.append({"label": day_label(day, language), "seconds": round((midnight - started).total_seconds(), 1)})
    legend_notes = []
    traced_rail = any(leg["properties"]["mode"] == "rail" and leg["properties"]["traced_through"]
                      for leg in route["features"])
    if traced_rail:
        legend_notes.append(words["rail_traced_note"])
    if any(stop["estimated_time"] for stop in stops):
        legend_notes.append(words["estimated_time_note"])
    credits = [*data_credits(bundle.located), bundle.basemap_attribution]
    return {
        "version": PLAYER_CONFIG_VERSION,
        "story": {
            "id": story.id,
            "title": story.title,
            "dek": " ".join(story.dek.split()) if story.dek else None,
            "byline": story.byline,
            "language": story.language,
            "total_km": round(km_so_far[-1], 1),
            "total_km_label": km_label(km_so_far[-1]),
            "date_range_label": date_range(first, last, language),
            "dwell_seconds": story.dwell_seconds,
            "end_seconds": stops[-1]["seconds"] if stops else 0,
        },
        "stops": stops,
        "days": days,
        "disagreements": [{"note": " ".join(n.note.split()), "sources": n.sources} for n in story.disagreements],
        "credits": " ".join(story.credits.split()) if story.credits else None,
        "sources": sources_list(story),
        "corrections": [{"date": c.date, "date_label": long_date(dt.date.fromisoformat(c.date), language),
                         "what": " ".join(c.what.split()), "why": " ".join(c.why.split())} for c in story.corrections],
        "updated_label": words["updated"].format(date=long_date(dt.date.fromisoformat(story.corrections[-1].date),
                                                                 language)) if story.corrections else None,
        "methods": methods(story, bundle.located, route, words),
        "json_ld": json_ld(story),
        "map_credits": credits,
        "ui": words,
        "legend_notes": legend_notes,
        "legend_legs": legend_legs(route),
        # Country and sea names inside the basemap's box, and the scale bar's units.
        "frame": frame_config(bundle.basemap["storymap"]["box"], story.map.sea_names, story.map.scale_miles),
        "data": data,
        "host_layers": host_layers or [],
        "host_view": host_view,
        "start": start,
        "layers": story.built_layers(),
    }
