"""Times as a person reads them (issue 10): in the court's time zone, in the page's language's
format, with the zone named — "22.11.2026 08:05 (Asia/Almaty, UTC+5)".

Stored times are UTC; the JSON API keeps ISO 8601. Pages, PDFs, notices and e-mails use
`local_time` (or the `court_time` template filter of `sotkabinet.core.templatetags.court_time`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import dateformat, formats, timezone, translation
from django.utils.dateparse import parse_datetime

# Django ships no Kazakh formats; Kazakhstan writes dates day first (ҚР СТ 1.5), as Russian does.
DATETIME_FORMATS = {"kk": "d.m.Y H:i", "ru": "d.m.Y H:i", "en": "j M Y, H:i"}
DATETIME_SECONDS_FORMATS = {"kk": "d.m.Y H:i:s", "ru": "d.m.Y H:i:s", "en": "j M Y, H:i:s"}
DATE_FORMATS = {"kk": "d.m.Y", "ru": "d.m.Y", "en": "j M Y"}


def zone_of(zone: str | tzinfo | None) -> tzinfo:
    """A time zone from its IANA name (a court's `timezone`); the portal's TIME_ZONE by default."""
    if isinstance(zone, tzinfo):
        return zone
    try:
        return ZoneInfo(zone or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def utc_offset(value: datetime) -> str:
    """ "UTC+5", "UTC+5:30", "UTC-3", "UTC" for the offset of an aware time."""
    offset = value.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE)[:2]


def as_datetime(value) -> datetime | None:
    """An aware datetime from a datetime or an ISO 8601 string (a verdict's signing time)."""
    if isinstance(value, str):
        value = parse_datetime(value.strip()) if value.strip() else None
    if not isinstance(value, datetime):
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, ZoneInfo("UTC"))
    return value


def local_time(value, zone: str | tzinfo | None = None, *, seconds: bool = False) -> str:
    """`value` (aware datetime or ISO 8601 string) in `zone` (a court's zone; default TIME_ZONE),
    in the active language's format, with the zone named: "22.11.2026 08:05 (Asia/Almaty, UTC+5)".

    A date is shown as a date; anything else that is not a time is returned as text ("" for None).
    """
    if value is None or value == "":
        return ""
    if isinstance(value, date) and not isinstance(value, datetime):
        return local_date(value)
    moment = as_datetime(value)
    if moment is None:
        return str(value)
    tz = zone_of(zone)
    local = timezone.localtime(moment, tz)
    table = DATETIME_SECONDS_FORMATS if seconds else DATETIME_FORMATS
    pattern = table.get(_language()) or formats.get_format("SHORT_DATETIME_FORMAT")
    name = getattr(tz, "key", None) or str(tz)
    return f"{dateformat.format(local, pattern)} ({name}, {utc_offset(local)})"


def local_date(value: date) -> str:
    """A calendar date in the active language's format ("22.11.2026")."""
    pattern = DATE_FORMATS.get(_language()) or formats.get_format("SHORT_DATE_FORMAT")
    return dateformat.format(value, pattern)


class LocalTime:
    """`local_time` written when the text is rendered: a notice's parameter, so each recipient
    reads the time in their own language's format (sotkabinet.core.services.Text)."""

    def __init__(self, value, zone: str | tzinfo | None = None) -> None:
        self.value = value
        self.zone = zone

    def __str__(self) -> str:
        return local_time(self.value, self.zone)


class LocalDate:
    """`local_date` written when the text is rendered (a notice's date parameter)."""

    def __init__(self, value: date) -> None:
        self.value = value

    def __str__(self) -> str:
        return local_date(self.value)


def court_time_column(
    field: str, description, court: str | None = "court", *, seconds: bool = False
):
    """An admin column (list_display / readonly_fields entry, as a ModelAdmin attribute) showing
    the datetime `field` as a person reads it: in the zone of the court at the dotted path
    `court` ("court", "case.court"; None: the portal's TIME_ZONE), the page language's format,
    zone named (issue 10)."""

    def column(_model_admin, obj) -> str:
        value = getattr(obj, field, None)
        if value is None:
            return "—"
        owner = obj if court else None
        for part in court.split(".") if court else ():
            owner = getattr(owner, part, None)
        return local_time(value, getattr(owner, "timezone", None), seconds=seconds)

    column.short_description = description
    column.admin_order_field = field
    return column
