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
    "leg_traced": "Way traced through stations and towns on it",
    "leg_straight": "Straight line: the way is not known",
    "leg_distance": "{km} {mode} ({source}) · drawn {drawn}",
    "by_rail": "by rail",
    "by_road": "by road",
    "by_air": "by air",
    "by_sea": "by sea",
    "border": "International border",
    "scale_km": "{n} km",
    "scale_mi": "{n} mi",
    "scale_label": "Scale bar",
    "locator_label": "Where this view lies on the whole trip",
    "story_as_text": "The story as text",
    "cannot_draw": "The map could not be drawn: ",
    "cannot_load": "The map data could not be loaded: ",
    "map": "Map",
    "story": "Story",
    "stops_count": "{count} stops",
    "stop_counter": "{number} / {count}",
    "travelled": "{km} travelled",
    "press_to_begin": "press → or Space to begin",
    "overview_live": "{title}: the whole trip",
    "keys_title": "Keyboard shortcuts",
    "keys_open": "Keyboard shortcuts (?)",
    "close": "Close",
    "key_next": "→ or Page Down",
    "key_next_does": "next stop",
    "key_previous": "← or Page Up",
    "key_previous_does": "previous stop",
    "key_first_last": "Home / End",
    "key_first_last_does": "first / last stop (Home again: the whole trip)",
    "key_play": "Space",
    "key_play_does": "play / pause",
    "key_help": "?",
    "key_help_does": "this list",
    "key_close": "Esc",
    "key_close_does": "close this list",
    "stop_live": "{name}, {date}, {number} of {count}",
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
    "sources": "Sources",
    "source_fingerprint": "SHA-256 of the stored text: {sha256}",
    "fingerprint_not_recorded": " (not yet recorded in the story)",
    "retrieved": "retrieved {date}",
    "archived_copy": "archived copy",
    "live_page": "live page",
    "open_at_passage": "Open the source at this passage",
    "translated_by": "Translated by {name}; original ({language}):",
    "updated": "Updated {date}",
    "corrections": "Corrections",
    "correction_item": "{date}: {what} {why}",
    "methods": "How this map was made",
    "method_geocoded": "{count} of {total} stops were placed from their place names ({providers}), each "
                       "checked to lie in the region the curators gave.",
    "method_provider_offline": "by the offline gazetteer of GeoNames and curated references",
    "method_provider_nominatim": "by OpenStreetMap's Nominatim",
    "method_provider_photon": "by OpenStreetMap's Photon",
    "method_pinned": "{count} of {total} stops were pinned by the curators: {reasons}.",
    "method_traced": "{count} of {total} legs are drawn through {towns} stations, towns and via-points along the "
                     "way, so they follow the real line only approximately.",
    "method_straight": "{count} legs are drawn as straight lines between their stops.",
    "method_straight_one": "1 leg is drawn as a straight line between its stops.",
    "method_distance": "Distances are measured along the drawn lines, so they can be shorter than the real ones.",
    "method_distance_published": "{count} of {total} legs count their published distance (a timetable, a line's "
                                 "length or its kilometre posts, named at the stop where the leg ends); the others "
                                 "are measured along the drawn lines.",
    "method_estimated": "{count} of {total} stops have no reported time of day; their time is estimated.",
    "card_alt": "Map of the route: {title}",
    "verify_quotes": "Verify quotes",
    "verify_running": "Checking every quote against its passage…",
    "verify_passed": "{found} of {total} quotes found in passages whose fingerprints match.",
    "verify_failed": "{found} of {total} quotes found in passages whose fingerprints match. Failed: {failed}.",
    "verify_unavailable": "This browser cannot compute SHA-256 here (it needs a secure context).",
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
