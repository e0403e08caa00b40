"""Dates, distances and interface words, the same on every OS and locale."""

from __future__ import annotations

import datetime as dt

from storymap.words import UI, date_range, day_label, km_label, language_table, long_date, short_date, ui


def test_dates_need_no_platform_strftime():
    day = dt.date(2023, 9, 2)
    assert short_date(day) == "2 Sep 2023"
    assert day_label(day) == "2 Sep"
    assert long_date(day) == "Saturday 2 September 2023"
    assert long_date(dt.date(2, 1, 1)) == "Tuesday 1 January 2"  # proleptic Gregorian, as datetime counts


def test_date_ranges():
    assert date_range(dt.date(2023, 9, 12), dt.date(2023, 9, 17)) == "12 September – 17 September 2023"
    assert date_range(dt.date(2023, 12, 30), dt.date(2024, 1, 2)) == "30 December 2023 – 2 January 2024"
    assert date_range(dt.date(2023, 9, 12), dt.date(2023, 9, 12)) == "12 September 2023"


def test_km():
    assert km_label(3524.14) == "3,524 km" and km_label(0.4) == "0 km"


def test_languages_fall_back_to_english_key_by_key():
    assert language_table("en") == "en" and language_table("pt-BR") == "en" and language_table("ko") == "en"
    assert ui("ko") == UI["en"]
    assert all(isinstance(value, str) and value for value in UI["en"].values())
