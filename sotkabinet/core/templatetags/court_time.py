"""`{% load court_time %}{{ value|court_time:court.timezone }}`: a time as a person reads it, in
the court's zone, the page's language's format, with the zone named (issue 10).

`court_time_s` adds seconds; `court_date` formats a calendar date. Values may be aware datetimes
or ISO 8601 strings (the signing times of a verdict); the JSON API keeps ISO 8601.
"""

from __future__ import annotations

from django import template

from sotkabinet.core.timefmt import local_date, local_time

register = template.Library()


@register.filter
def court_time(value, zone=None) -> str:
    return local_time(value, zone)


@register.filter
def court_time_s(value, zone=None) -> str:
    return local_time(value, zone, seconds=True)


@register.filter
def court_date(value) -> str:
    return local_date(value) if value else ""
