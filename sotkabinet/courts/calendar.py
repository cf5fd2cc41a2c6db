"""The court's working calendar and the deadline arithmetic built on it. PURE: no Django here.

Feed it dates and aware datetimes; it answers with dates and aware datetimes. The Django side
(``courts.CalendarOverride``, the court's time zone) builds a :class:`WorkingCalendar` and passes
it in, so every rule below is testable without a database (STYLE: "Pure rule engines stay pure").

What makes a day a working day (SPEC R-REG-2 "weekends, public holidays, transferred days off"):

1. the override table wins over everything: ``working_days`` (a Saturday made a working day by
   a government transfer decree) are working, ``days_off`` (a weekday made a day off) are not;
2. Saturday and Sunday are days off;
3. public holidays of Kazakhstan are days off, from ``holidays.country_holidays("KZ",
   observed=True)`` (a holiday falling on a weekend moves to the next working day).

The ``holidays`` library has transfer decrees only up to 2025 and changes Constitution Day from
2027 (15 March) but lists no Constitution Day at all for 2026, so the override table is not
optional in production: the courts app keeps it admin-editable.

Time zones. Every court counts in its own local date and time (SPEC R-REG-2, 000 п.41), so the
functions here take and return aware datetimes in the court's zone and compare wall-clock times
in that zone. Kazakhstan has had no daylight saving time since 2005, and since 1 March 2024 the
whole country is UTC+5 (tzdata 2024a and later; before that Asia/Almaty and Asia/Qostanay were
UTC+6 while Asia/Aqtobe, Asia/Oral, Asia/Aqtau, Asia/Atyrau were UTC+5). The arithmetic assumes
that the working hours of a day never straddle a clock change; offset changes at night (such as
the 2024 one at midnight) are handled, because durations are always measured in UTC.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo

import holidays

__all__ = [
    "WorkingCalendar",
    "archive_transfer_date",
    "registration_deadline",
]

# A search for the next working day gives up after this many days: only a broken override
# table (or an injected holiday set that covers everything) can get there.
_SEARCH_LIMIT_DAYS = 3 * 366


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")


class WorkingCalendar:
    """Working days and working hours of a court.

    ``days_off`` and ``working_days`` are the override table (transfer decrees); a date may not be
    in both. ``work_start``/``work_end`` are the local working hours, the same on every working
    day; working time is the half-open interval ``[work_start, work_end)``.
    ``country_holidays`` replaces the ``holidays`` library lookup with any container of dates
    (used by tests and by courts that keep their own holiday list); by default the KZ holidays
    are loaded lazily, one year at a time, and cached on the instance.
    """

    def __init__(
        self,
        *,
        days_off: Iterable[date] = (),
        working_days: Iterable[date] = (),
        work_start: time = time(9, 0),
        work_end: time = time(18, 30),
        country_holidays: Container[date] | None = None,
    ) -> None:
        self.days_off: frozenset[date] = frozenset(days_off)
        self.working_days: frozenset[date] = frozenset(working_days)
        conflict = self.days_off & self.working_days
        if conflict:
            listed = ", ".join(sorted(d.isoformat() for d in conflict))
            raise ValueError(f"a date cannot be both a day off and a working day: {listed}")
        if work_start.tzinfo is not None or work_end.tzinfo is not None:
            raise ValueError("work_start and work_end are local wall-clock times without tzinfo")
        if not work_start < work_end:
            raise ValueError("work_start must be earlier than work_end")
        self.work_start = work_start
        self.work_end = work_end
        self._country_holidays = country_holidays
        self._holidays_by_year: dict[int, frozenset[date]] = {}

    def __repr__(self) -> str:
        return (
            f"WorkingCalendar(days_off={len(self.days_off)}, "
            f"working_days={len(self.working_days)}, "
            f"hours={self.work_start.isoformat()}-{self.work_end.isoformat()})"
        )

    # -- days ---------------------------------------------------------------------------------

    def is_public_holiday(self, day: date) -> bool:
        """True if ``day`` is a public holiday (or its observed, moved day), ignoring overrides."""
        if self._country_holidays is not None:
            return day in self._country_holidays
        year_holidays = self._holidays_by_year.get(day.year)
        if year_holidays is None:
            year_holidays = frozenset(
                holidays.country_holidays("KZ", years=day.year, observed=True).keys()
            )
            self._holidays_by_year[day.year] = year_holidays
        return day in year_holidays

    def is_working_day(self, day: date) -> bool:
        """Override table first, then weekends, then public holidays. SPEC R-REG-2."""
        if isinstance(day, datetime):
            raise TypeError("is_working_day takes a date; use is_working_time for a datetime")
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        if day.weekday() >= 5:
            return False
        return not self.is_public_holiday(day)

    def _step_to_working_day(self, day: date, step: int) -> date:
        """The first working day strictly after (step=1) or before (step=-1) ``day``."""
        for _ in range(_SEARCH_LIMIT_DAYS):
            day = day + timedelta(days=step)
            if self.is_working_day(day):
                return day
        raise ValueError(f"no working day within {_SEARCH_LIMIT_DAYS} days of {day.isoformat()}")

    def add_working_days(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (``day`` itself is not counted).

        ``n == 0`` rolls a non-working ``day`` forward to the next working day (a working ``day``
        is returned unchanged); a negative ``n`` counts backwards. The result is always a working
        day, and it never decreases when ``day`` or ``n`` grows.
        """
        if n == 0:
            return day if self.is_working_day(day) else self._step_to_working_day(day, 1)
        step = 1 if n > 0 else -1
        for _ in range(abs(n)):
            day = self._step_to_working_day(day, step)
        return day

    def working_days_after(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day``, ``n >= 1``: "within n working days" ends then.

        SPEC R-ENF-5 (002 п.7, п.8, п.15: three working days), R-ARC-3 (000 п.62).
        """
        if n < 1:
            raise ValueError("working_days_after counts at least one working day")
        return self.add_working_days(day, n)

    def working_days_in_range(self, first: date, last: date) -> int:
        """How many working days lie in ``[first, last]`` (0 when ``last < first``)."""
        count = 0
        day = first
        while day <= last:
            count += self.is_working_day(day)
            day += timedelta(days=1)
        return count

    # -- times of day -------------------------------------------------------------------------

    def working_day_start(self, day: date, tz: tzinfo) -> datetime:
        """``work_start`` of ``day`` as an aware datetime in ``tz``."""
        return datetime.combine(day, self.work_start, tzinfo=tz)

    def working_day_end(self, day: date, tz: tzinfo) -> datetime:
        """``work_end`` of ``day`` as an aware datetime in ``tz``."""
        return datetime.combine(day, self.work_end, tzinfo=tz)

    def is_working_time(self, local_dt: datetime) -> bool:
        """True inside ``[work_start, work_end)`` of a working day, in ``local_dt``'s own zone."""
        _require_aware(local_dt, "local_dt")
        if not self.is_working_day(local_dt.date()):
            return False
        return self.work_start <= local_dt.time() < self.work_end

    def next_working_start(self, local_dt: datetime) -> datetime:
        """``local_dt`` itself if it is working time, otherwise the next opening of the court.

        Before opening on a working day that is the same day's ``work_start``; after closing, at
        night, on a weekend or a holiday it is the ``work_start`` of the next working day.
        """
        _require_aware(local_dt, "local_dt")
        if self.is_working_time(local_dt):
            return local_dt
        tz = local_dt.tzinfo
        day = local_dt.date()
        wall = local_dt.time()
        if self.is_working_day(day) and wall < self.work_start:
            return self.working_day_start(day, tz)
        return self.working_day_start(self._step_to_working_day(day, 1), tz)

    # -- working time between two instants ----------------------------------------------------

    def business_hours_between(self, start: datetime, end: datetime, *, tz: tzinfo) -> timedelta:
        """Working time elapsed from ``start`` to ``end`` (zero if ``end <= start``).

        ``tz`` is the court's zone, where the working hours apply (000 п.41). It is required on
        purpose: datetimes loaded from the database come back in UTC, and cutting days in UTC
        would silently count the wrong hours. Each working day contributes the overlap of its
        ``[work_start, work_end)`` with ``[start, end)``, measured in UTC.
        """
        _require_aware(start, "start")
        _require_aware(end, "end")
        if end <= start:
            return timedelta(0)
        local_start, local_end = start.astimezone(tz), end.astimezone(tz)
        total = timedelta(0)
        day = local_start.date()
        while day <= local_end.date():
            if self.is_working_day(day):
                opens = max(self.working_day_start(day, tz), start)
                closes = min(self.working_day_end(day, tz), end)
                if closes > opens:
                    total += closes.astimezone(UTC) - opens.astimezone(UTC)
            day += timedelta(days=1)
        return total

    def remaining_working_time(self, now: datetime, deadline: datetime, *, tz: tzinfo) -> timedelta:
        """Working time left until ``deadline`` in the court's zone ``tz``; zero once it has passed.

        For the "two working hours before the deadline" reminders (SPEC R-REG-3).
        """
        return self.business_hours_between(now, deadline, tz=tz)

    def working_time_before(self, deadline: datetime, amount: timedelta, *, tz: tzinfo) -> datetime:
        """The latest instant from which exactly ``amount`` of working time remains to ``deadline``.

        The instant to schedule a reminder at: ``remaining_working_time(result, deadline, tz=tz)
        == amount``. ``tz`` is the court's zone; the result is aware, in ``tz``.
        """
        _require_aware(deadline, "deadline")
        if amount < timedelta(0):
            raise ValueError("amount must not be negative")
        deadline = deadline.astimezone(tz)
        if amount == timedelta(0):
            return deadline
        left = amount
        day = deadline.date()
        for _ in range(_SEARCH_LIMIT_DAYS * 10):
            if self.is_working_day(day):
                opens = self.working_day_start(day, tz).astimezone(UTC)
                closes = min(self.working_day_end(day, tz), deadline).astimezone(UTC)
                if closes > opens:
                    if left <= closes - opens:
                        return (closes - left).astimezone(tz)
                    left -= closes - opens
            day -= timedelta(days=1)
        raise ValueError("amount of working time reaches too far back")


def registration_deadline(received_at: datetime, tz: tzinfo, calendar: WorkingCalendar) -> datetime:
    """When an incoming e-document must be registered and distributed at the latest.

    SPEC R-REG-2: registration and distribution take one working day (000 п.35; 001 п.23). A
    document that arrives after the working day has ended, or on a non-working day, is registered
    on the next working day (000 п.36). Receipt time is recorded automatically and counted in the
    court's own local date and time (000 п.41). So, with ``local = received_at`` in ``tz``:

    * received during working hours (``work_start <= local time < work_end`` on a working day):
      the deadline is the same local time on the next working day -- one full working day;
    * received outside them (evening, night, weekend, holiday, before opening, or exactly at
      ``work_end``): the document counts as received when the court next opens
      (:meth:`WorkingCalendar.next_working_start`), and the deadline is the end of working hours
      of that day.

    Either way the clerk gets exactly one working day of working time. At ``work_end`` the two
    rules agree (the same time on the next working day is that day's ``work_end``).
    ``received_at`` may be in any zone; the result is aware, in ``tz``.
    """
    _require_aware(received_at, "received_at")
    local = received_at.astimezone(tz)
    if calendar.is_working_time(local):
        next_day = calendar.add_working_days(local.date(), 1)
        return datetime.combine(next_day, local.time(), tzinfo=tz)
    deemed_received = calendar.next_working_start(local)
    return calendar.working_day_end(deemed_received.date(), tz)


def archive_transfer_date(legal_force_date: date, calendar: WorkingCalendar) -> date:
    """First day the case may go to the archive: the 3rd working day after legal force.

    SPEC R-ARC-3 (000 п.62: "three working days after the decision enters legal force"). The day
    of legal force itself is not counted.
    """
    return calendar.working_days_after(legal_force_date, 3)
