"""Every word and number format the reader sees, resolved in Python for the story's language.

The player keeps pixels, motion and input; what it says comes from here, in the config. Dates are
formatted from our own tables, not strftime, so they read the same on every OS and in every locale
(`%-d` is glibc-only, `%B` follows the server's locale). A language without a table falls back to
English, and `language_table` says which table was used.
"""

from __future__ import annotations

import datetime as dt

MONTHS = {"en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                 "November", "December")}
WEEKDAYS = {"en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")}

# The player's interface text. Keys are the player's; values may use {placeholders} it fills in.
UI = {"en": {
    "start": "Start the journey ▶",
    "next": "Next ▶",
    "previous": "◀ Previous",
    "play": "Play",
    "pause": "Pause",
    "whole_trip": "The whole trip",
    "showing_whole_trip": "Showing the whole trip.",
    "current_stop": "Current stop: ",
    "itinerary": "Itinerary: ",
    "map_label": "Map of the route, {km}, from {first} to {last}. ",
    "story_navigation": "Story navigation",
    "timeline": "Timeline of the trip by day; choose a stop",
    "no_quote": "No quote: ",
    "sources_differ": "Sources differ: ",
    "show_in_source": "Show in the source paragraph",
    "about_map": "About this map",
    "route_travelled": "Route travelled",
    "route_ahead": "Route ahead",
    "stop_marker": "Stop (filled when reached)",
    "rail_traced": "Rail legs: traced through towns on the line",
    "border": "Country border",
    "story_as_text": "The story as text",
    "cannot_draw": "The map could not be drawn: ",
    "cannot_load": "The map data could not be loaded: ",
    "map": "Map",
    "story": "Story",
    "stops_count": "{count} stops",
    "stop_counter": "{number} / {count}",
    "travelled": "{km} travelled",
    "press_to_begin": "press → or Space to begin",
    "overview_live": "{title}: overview of the whole trip.",
    "stop_live": "Stop {number} of {count}: {name}, {date}.",
    "map_same_info": " The text panel and itinerary give the same information.",
    "quoted_by_prefix": "{speaker}, quoted by ",
    "unexpected_error": "an unexpected error ({message})",
    "zoom_hint": "Use Ctrl + scroll to zoom the map",
    "zoom_hint_mac": "Use ⌘ + scroll to zoom the map",
    "touch_hint": "Use two fingers to move the map",
    "show_whole_trip": "⤢ Whole trip",
    "playing": "Playing",
    "paused": "Paused",
    "the_end": "The end",
    "text_intro": "The interactive map needs JavaScript; here is the story as text.",
    "linked_stop": "(linked stop)",
    "where_sources_differ": "Where the sources differ",
    "credits": "Credits",
    "quoted_by": "{speaker}, quoted by {attribution}",
    "local_time": "{date}, {time} local time ({zone})",
    "time_not_reported": "{date} (time of day not reported)",
    "rail_traced_note": "Rail legs are traced through stations and towns along the line, so they follow the "
                        "track only approximately.",
    "estimated_time_note": "Where the sources give only the day, the time of day is estimated.",
}}


def language_table(language: str) -> str:
    """The table used for a story's language: its own, its base language's (pt-BR → pt), or English."""
    for candidate in (language, language.split("-")[0]):
        if candidate in UI and candidate in MONTHS:
            return candidate
    return "en"


def ui(language: str) -> dict[str, str]:
    """Every interface string for this language (English for any key a table lacks)."""
    return {**UI["en"], **UI[language_table(language)]}


def _month(day: dt.date, language: str, short: bool) -> str:
    name = MONTHS[language_table(language)][day.month - 1]
    return name[:3] if short else name


def short_date(day: dt.date, language: str = "en") -> str:
    """'12 Sep 2023'."""
    return f"{day.day} {_month(day, language, True)} {day.year}"


def day_label(day: dt.date, language: str = "en") -> str:
    """'12 Sep'."""
    return f"{day.day} {_month(day, language, True)}"


def long_date(day: dt.date, language: str = "en") -> str:
    """'Tuesday 12 September 2023'."""
    weekday = WEEKDAYS[language_table(language)][day.weekday()]
    return f"{weekday} {day.day} {_month(day, language, False)} {day.year}"


def date_range(first: dt.date, last: dt.date, language: str = "en") -> str:
    """'12 September – 17 September 2023', or one date when the trip is one day."""
    if first == last:
        return f"{first.day} {_month(first, language, False)} {first.year}"
    head = f"{first.day} {_month(first, language, False)}" + ("" if first.year == last.year else f" {first.year}")
    return f"{head} – {last.day} {_month(last, language, False)} {last.year}"


def km_label(km: float) -> str:
    """'1,234 km'."""
    return f"{km:,.0f} km"
