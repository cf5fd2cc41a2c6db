"""issue 10: times a person reads are in the court's zone, in the language's format, with the zone
named (sotkabinet.core.timefmt, the `court_time` template filter)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from sotkabinet.core.timefmt import LocalTime, local_time, utc_offset

SIGNED = datetime(2026, 11, 22, 2, 5, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("kk", "22.11.2026 07:05 (Asia/Almaty, UTC+5)"),
        ("ru", "22.11.2026 07:05 (Asia/Almaty, UTC+5)"),
        ("en", "22 Nov 2026, 07:05 (Asia/Almaty, UTC+5)"),
    ],
)
def test_local_time_in_each_language(language, expected):
    with translation.override(language):
        assert local_time(SIGNED, "Asia/Almaty") == expected
        assert str(LocalTime(SIGNED, "Asia/Almaty")) == expected


def test_iso_strings_seconds_other_zones_and_dates():
    with translation.override("ru"):
        assert local_time("2026-11-22T02:05:30+00:00", "Asia/Almaty", seconds=True) == (
            "22.11.2026 07:05:30 (Asia/Almaty, UTC+5)"
        )
        assert local_time(SIGNED, "Europe/Moscow") == "22.11.2026 05:05 (Europe/Moscow, UTC+3)"
        assert local_time(SIGNED, "Asia/Kolkata") == "22.11.2026 07:35 (Asia/Kolkata, UTC+5:30)"
        assert local_time(date(2026, 11, 22)) == "22.11.2026"
        assert local_time(None) == "" and local_time("") == ""
    assert utc_offset(SIGNED) == "UTC"


def test_the_default_zone_is_the_portals(settings):
    settings.TIME_ZONE = "Asia/Almaty"
    with translation.override("kk"):
        assert local_time(SIGNED) == "22.11.2026 07:05 (Asia/Almaty, UTC+5)"


def test_the_template_filter():
    template = Template(
        "{% load court_time %}{{ at|court_time:zone }}|{{ at|court_time_s }}|{{ none|court_time }}"
    )
    with translation.override("ru"):
        text = template.render(Context({"at": SIGNED, "zone": "Asia/Aqtobe", "none": None}))
    assert text == (
        "22.11.2026 07:05 (Asia/Aqtobe, UTC+5)|22.11.2026 07:05:30 (Asia/Almaty, UTC+5)|"
    )
