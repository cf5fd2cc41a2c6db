"""Court-aware calendar helpers: the pure `WorkingCalendar` fed with the override table."""

from __future__ import annotations

from datetime import date, datetime

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from .calendar import WorkingCalendar, registration_deadline
from .models import CalendarOverride, Court

_OVERRIDES_CACHE_KEY = "courts:calendar-overrides:v1"


def _overrides() -> tuple[list[date], list[date]]:
    cached = cache.get(_OVERRIDES_CACHE_KEY)
    if cached is None:
        days_off, working_days = [], []
        for override in CalendarOverride.objects.all():
            target = days_off if override.kind == CalendarOverride.Kind.DAY_OFF else working_days
            target.append(override.date)
        cached = (days_off, working_days)
        cache.set(_OVERRIDES_CACHE_KEY, cached, 3600)
    return cached


@receiver([post_save, post_delete], sender=CalendarOverride)
def _forget_overrides(**_kwargs) -> None:
    cache.delete(_OVERRIDES_CACHE_KEY)


def calendar_for(court: Court) -> WorkingCalendar:
    """The court's working calendar: KZ public holidays, weekends, decrees, its working hours."""
    days_off, working_days = _overrides()
    return WorkingCalendar(
        days_off=days_off,
        working_days=working_days,
        work_start=court.work_start,
        work_end=court.work_end,
    )


def court_now(court: Court) -> datetime:
    return timezone.now().astimezone(court.tzinfo)


def court_today(court: Court) -> date:
    return court_now(court).date()


def court_registration_deadline(court: Court, received_at: datetime) -> datetime:
    """R-REG-2: the registration deadline of a filing received at `received_at`."""
    return registration_deadline(received_at, court.tzinfo, calendar_for(court))
