"""Working calendar and registration deadlines. Pure: no database, no Django settings needed.

SPEC R-REG-2 (000 п.35, п.36, п.41), R-ENF-5 (002 п.7, п.8, п.15), R-ARC-3 (000 п.62).

Holiday dates are the real 2026 list of the ``holidays`` library (country_holidays("KZ",
observed=True)): 1-2 Jan, 7 Jan, 9 Mar (8 Mar observed), 23-25 Mar (Nowruz, two observed),
1 May, 7 May, 11 May (9 May observed), 27 May (Eid al-Adha, estimated), 6 Jul, 26 Oct
(25 Oct observed), 16 Dec. The library has no transfer decrees for 2026, so the transferred
days below are override-table entries invented for the tests, and named so.
"""

import ast
import random
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sotkabinet.courts import calendar as calendar_module
from sotkabinet.courts.calendar import (
    WorkingCalendar,
    archive_transfer_date,
    registration_deadline,
)

ALMATY = ZoneInfo("Asia/Almaty")
ORAL = ZoneInfo("Asia/Oral")
KAZAKH_ZONES = [
    "Asia/Almaty",
    "Asia/Qostanay",
    "Asia/Qyzylorda",
    "Asia/Aqtobe",
    "Asia/Aqtau",
    "Asia/Atyrau",
    "Asia/Oral",
]
ONE_WORKING_DAY = timedelta(hours=9, minutes=30)  # 09:00-18:30


def at(tz, *args):
    return datetime(*args, tzinfo=tz)


@pytest.fixture(scope="module")
def kz():
    return WorkingCalendar()


# -- the module stays pure ---------------------------------------------------------------------


def test_calendar_module_imports_no_django():  # STYLE "Pure rule engines stay pure"
    tree = ast.parse(Path(calendar_module.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported <= {"__future__", "collections", "datetime", "holidays"}


# -- working days -------------------------------------------------------------------------------


def test_r_reg_2_weekends_and_2026_public_holidays_are_days_off(kz):  # SPEC R-REG-2
    assert kz.is_working_day(date(2026, 12, 15))  # Tuesday
    assert not kz.is_working_day(date(2026, 12, 16))  # Independence Day, Wednesday
    assert not kz.is_working_day(date(2026, 11, 21))  # Saturday
    assert not kz.is_working_day(date(2026, 11, 22))  # Sunday
    assert not kz.is_working_day(date(2026, 3, 25))  # Nowruz, observed (21 Mar was a Saturday)
    assert not kz.is_working_day(date(2026, 5, 11))  # Victory Day observed (9 May, Saturday)
    assert kz.is_working_day(date(2026, 5, 8))  # an ordinary Friday between them


def test_r_reg_2_holidays_are_loaded_lazily_once_per_year(monkeypatch):  # SPEC R-REG-2
    calls = []
    real = holidays.country_holidays

    def counting(country, **kwargs):
        calls.append((country, kwargs))
        return real(country, **kwargs)

    monkeypatch.setattr(calendar_module.holidays, "country_holidays", counting)
    court_calendar = WorkingCalendar()
    assert calls == []
    for day in range(1, 32):
        court_calendar.is_working_day(date(2026, 12, day))
    assert calls == [("KZ", {"years": 2026, "observed": True})]
    court_calendar.is_working_day(date(2027, 1, 4))
    assert calls[-1] == ("KZ", {"years": 2027, "observed": True})
    assert len(calls) == 2


def test_r_reg_2_transferred_working_saturday_is_a_working_day():  # SPEC R-REG-2
    saturday = date(2026, 11, 28)  # invented decree entry
    court_calendar = WorkingCalendar(working_days=[saturday])
    assert court_calendar.is_working_day(saturday)
    assert not WorkingCalendar().is_working_day(saturday)


def test_r_reg_2_transferred_day_off_is_not_a_working_day():  # SPEC R-REG-2
    thursday = date(2026, 12, 17)  # invented decree entry: the bridge after Independence Day
    court_calendar = WorkingCalendar(days_off=[thursday])
    assert not court_calendar.is_working_day(thursday)
    assert WorkingCalendar().is_working_day(thursday)


def test_r_reg_2_override_table_wins_over_public_holiday():  # SPEC R-REG-2
    independence_day = date(2026, 12, 16)
    assert WorkingCalendar(working_days=[independence_day]).is_working_day(independence_day)


def test_r_reg_2_injected_holiday_list_replaces_the_library():  # SPEC R-REG-2
    court_calendar = WorkingCalendar(country_holidays={date(2026, 12, 15)})
    assert not court_calendar.is_working_day(date(2026, 12, 15))
    assert court_calendar.is_working_day(date(2026, 12, 16))


def test_override_table_rejects_a_date_in_both_lists():
    with pytest.raises(ValueError, match="2026-11-28"):
        WorkingCalendar(days_off=[date(2026, 11, 28)], working_days=[date(2026, 11, 28)])


def test_working_hours_must_be_ordered_and_naive():
    with pytest.raises(ValueError):
        WorkingCalendar(work_start=time(18, 30), work_end=time(9, 0))
    with pytest.raises(ValueError):
        WorkingCalendar(work_start=time(9, 0, tzinfo=UTC))


def test_is_working_day_refuses_a_datetime(kz):
    with pytest.raises(TypeError):
        kz.is_working_day(at(ALMATY, 2026, 12, 15, 10))


def test_add_working_days_skips_weekend_and_holidays(kz):
    assert kz.add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 23)  # Fri -> Mon
    assert kz.add_working_days(date(2026, 3, 20), 1) == date(2026, 3, 26)  # over Nowruz
    assert kz.add_working_days(date(2026, 11, 21), 0) == date(2026, 11, 23)  # Sat rolls forward
    assert kz.add_working_days(date(2026, 11, 23), 0) == date(2026, 11, 23)
    assert kz.add_working_days(date(2026, 12, 17), -1) == date(2026, 12, 15)  # back over 16 Dec
    assert kz.working_days_in_range(date(2026, 12, 14), date(2026, 12, 20)) == 4


def test_working_days_after_needs_at_least_one_day(kz):
    with pytest.raises(ValueError):
        kz.working_days_after(date(2026, 12, 15), 0)


def test_r_enf_5_three_working_days_over_independence_day(kz):  # SPEC R-ENF-5 (002 п.7)
    # Tue 15 Dec + 3 working days: Thu 17, Fri 18, Mon 21 (16 Dec is Independence Day).
    assert kz.working_days_after(date(2026, 12, 15), 3) == date(2026, 12, 21)


def test_r_arc_3_archive_transfer_from_third_working_day_after_legal_force(kz):  # SPEC R-ARC-3
    # Legal force on Fri 11 Dec 2026: Mon 14 (1), Tue 15 (2), Wed 16 holiday, Thu 17 (3).
    assert archive_transfer_date(date(2026, 12, 11), kz) == date(2026, 12, 17)
    # Legal force on a Saturday: the day itself is not counted.
    assert archive_transfer_date(date(2026, 11, 21), kz) == date(2026, 11, 25)


def test_a_calendar_without_any_working_day_fails_loudly():
    every_day = {date(2026, 1, 1) + timedelta(days=i) for i in range(3 * 366 + 10)}
    with pytest.raises(ValueError, match="no working day"):
        WorkingCalendar(country_holidays=every_day).add_working_days(date(2026, 1, 1), 1)


# -- working time -------------------------------------------------------------------------------


def test_r_reg_2_working_time_is_half_open(kz):  # SPEC R-REG-2
    assert not kz.is_working_time(at(ALMATY, 2026, 12, 15, 8, 59, 59))
    assert kz.is_working_time(at(ALMATY, 2026, 12, 15, 9, 0))
    assert kz.is_working_time(at(ALMATY, 2026, 12, 15, 18, 29, 59, 999999))
    assert not kz.is_working_time(at(ALMATY, 2026, 12, 15, 18, 30))
    assert not kz.is_working_time(at(ALMATY, 2026, 12, 16, 12, 0))  # holiday


def test_naive_datetimes_are_refused(kz):  # STYLE: aware datetimes everywhere
    naive = datetime(2026, 12, 15, 10, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        kz.is_working_time(naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        registration_deadline(naive, ALMATY, kz)


def test_next_working_start(kz):
    during = at(ALMATY, 2026, 12, 15, 10, 15)
    assert kz.next_working_start(during) is during
    assert kz.next_working_start(at(ALMATY, 2026, 12, 15, 7, 0)) == at(ALMATY, 2026, 12, 15, 9)
    assert kz.next_working_start(at(ALMATY, 2026, 12, 15, 20, 0)) == at(ALMATY, 2026, 12, 17, 9)
    assert kz.next_working_start(at(ALMATY, 2026, 11, 21, 7, 0)) == at(ALMATY, 2026, 11, 23, 9)


def test_working_day_end_is_aware_in_the_given_zone(kz):
    end = kz.working_day_end(date(2026, 12, 15), ORAL)
    assert end == at(ORAL, 2026, 12, 15, 18, 30)
    assert end.tzinfo is ORAL


# -- registration deadline (000 п.35-36, п.41) -------------------------------------------------


def test_r_reg_2_received_during_hours_same_time_next_working_day(kz):  # SPEC R-REG-2 (п.35)
    received = at(ALMATY, 2026, 11, 24, 11, 20)  # Tuesday
    assert registration_deadline(received, ALMATY, kz) == at(ALMATY, 2026, 11, 25, 11, 20)


def test_r_reg_2_received_friday_evening_due_monday_end_of_day(kz):  # SPEC R-REG-2 (п.36)
    received = at(ALMATY, 2026, 11, 20, 19, 5)
    assert registration_deadline(received, ALMATY, kz) == at(ALMATY, 2026, 11, 23, 18, 30)


def test_r_reg_2_received_during_hours_on_friday_due_monday_same_time(kz):  # SPEC R-REG-2
    received = at(ALMATY, 2026, 11, 20, 16, 45)
    assert registration_deadline(received, ALMATY, kz) == at(ALMATY, 2026, 11, 23, 16, 45)


def test_r_reg_2_received_on_eve_of_independence_day(kz):  # SPEC R-REG-2 (п.36)
    # Tue 15 Dec 2026 evening; Wed 16 Dec is Independence Day -> Thu 17 Dec.
    evening = at(ALMATY, 2026, 12, 15, 21, 40)
    assert registration_deadline(evening, ALMATY, kz) == at(ALMATY, 2026, 12, 17, 18, 30)
    afternoon = at(ALMATY, 2026, 12, 15, 15, 0)
    assert registration_deadline(afternoon, ALMATY, kz) == at(ALMATY, 2026, 12, 17, 15, 0)


def test_r_reg_2_received_on_the_holiday_itself(kz):  # SPEC R-REG-2 (п.36)
    holiday_noon = at(ALMATY, 2026, 12, 16, 12, 0)
    assert registration_deadline(holiday_noon, ALMATY, kz) == at(ALMATY, 2026, 12, 17, 18, 30)


def test_r_reg_2_received_before_nowruz_block(kz):  # SPEC R-REG-2
    # Fri 20 Mar 2026 at 10:00; 21-22 weekend, 23 Nowruz, 24-25 observed -> Thu 26 Mar 10:00.
    received = at(ALMATY, 2026, 3, 20, 10, 0)
    assert registration_deadline(received, ALMATY, kz) == at(ALMATY, 2026, 3, 26, 10, 0)


def test_r_reg_2_transferred_working_saturday_counts(kz):  # SPEC R-REG-2
    saturday = date(2026, 11, 28)  # invented decree entry
    court_calendar = WorkingCalendar(working_days=[saturday])
    friday_evening = at(ALMATY, 2026, 11, 27, 19, 0)
    assert registration_deadline(friday_evening, ALMATY, court_calendar) == at(
        ALMATY, 2026, 11, 28, 18, 30
    )
    friday_noon = at(ALMATY, 2026, 11, 27, 12, 0)
    assert registration_deadline(friday_noon, ALMATY, court_calendar) == at(
        ALMATY, 2026, 11, 28, 12, 0
    )
    # Without the decree the same filing waits for Monday.
    assert registration_deadline(friday_evening, ALMATY, kz) == at(ALMATY, 2026, 11, 30, 18, 30)


def test_r_reg_2_transferred_day_off_is_skipped():  # SPEC R-REG-2
    court_calendar = WorkingCalendar(days_off=[date(2026, 12, 17)])  # invented decree entry
    evening = at(ALMATY, 2026, 12, 15, 21, 40)
    assert registration_deadline(evening, ALMATY, court_calendar) == at(
        ALMATY, 2026, 12, 18, 18, 30
    )
    during = at(ALMATY, 2026, 12, 15, 10, 0)
    assert registration_deadline(during, ALMATY, court_calendar) == at(ALMATY, 2026, 12, 18, 10, 0)


def test_r_reg_2_received_before_opening_due_same_day_end(kz):  # SPEC R-REG-2 (п.35)
    received = at(ALMATY, 2026, 11, 24, 8, 59, 59)
    assert registration_deadline(received, ALMATY, kz) == at(ALMATY, 2026, 11, 24, 18, 30)


def test_r_reg_2_received_exactly_at_opening_is_during_hours(kz):  # SPEC R-REG-2
    received = at(ALMATY, 2026, 11, 24, 9, 0)
    assert registration_deadline(received, ALMATY, kz) == at(ALMATY, 2026, 11, 25, 9, 0)


def test_r_reg_2_received_exactly_at_work_end(kz):  # SPEC R-REG-2 (п.36)
    # 18:30:00 is outside the half-open working time: the filing counts as received on the
    # next working day and is due at its end -- which is also "same time, next working day".
    at_close = at(ALMATY, 2026, 11, 24, 18, 30)
    assert registration_deadline(at_close, ALMATY, kz) == at(ALMATY, 2026, 11, 25, 18, 30)
    just_before = at(ALMATY, 2026, 11, 24, 18, 29, 59)
    assert registration_deadline(just_before, ALMATY, kz) == at(ALMATY, 2026, 11, 25, 18, 29, 59)
    friday_close = at(ALMATY, 2026, 11, 20, 18, 30)
    assert registration_deadline(friday_close, ALMATY, kz) == at(ALMATY, 2026, 11, 23, 18, 30)


def test_r_reg_2_received_at_in_utc_result_in_court_zone(kz):  # SPEC R-REG-2 (п.41)
    received = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)  # 18:00 at UTC+5
    deadline = registration_deadline(received, ORAL, kz)
    assert deadline == at(ORAL, 2026, 11, 23, 18, 0)
    assert deadline.tzinfo is ORAL


def test_r_reg_2_kazakh_zones_single_offset_in_2026():  # SPEC R-REG-2 (п.41), tzdata fact
    # Since 1 March 2024 all of Kazakhstan is UTC+5 (tzdata >= 2024a; this machine has 2025b).
    # So in 2026 a court's zone changes nothing for Kazakh courts; the code still honours it.
    for name in KAZAKH_ZONES:
        zone = ZoneInfo(name)
        assert datetime(2026, 6, 1, 12, tzinfo=zone).utcoffset() == timedelta(hours=5), name


def test_r_reg_2_no_daylight_saving_in_kazakh_zones():  # SPEC R-REG-2, the DST-free assumption
    # The arithmetic assumes working hours never straddle a clock change. Kazakhstan has had no
    # DST since 2005; check every day of 2025-2027 in every Kazakh zone.
    for name in KAZAKH_ZONES:
        zone = ZoneInfo(name)
        offsets = {
            datetime.combine(date(2025, 1, 1) + timedelta(days=i), time(12), tzinfo=zone).dst()
            for i in range(3 * 365)
        }
        assert offsets == {timedelta(0)}, name


def test_r_reg_2_court_in_another_time_zone_uses_its_own_clock(kz):  # SPEC R-REG-2 (п.41)
    """GIVEN the same instant, 29 Feb 2024 12:45 UTC, before Kazakhstan's move to one zone
    WHEN it reaches a court in Almaty (then UTC+6) and a court in Oral (UTC+5)
    THEN it is 18:45, after hours, in Almaty but 17:45, during hours, in Oral."""
    instant = datetime(2024, 2, 29, 12, 45, tzinfo=UTC)
    assert instant.astimezone(ALMATY).utcoffset() == timedelta(hours=6)
    assert instant.astimezone(ORAL).utcoffset() == timedelta(hours=5)

    almaty_deadline = registration_deadline(instant, ALMATY, kz)
    oral_deadline = registration_deadline(instant, ORAL, kz)
    # Almaty: deemed received Fri 1 Mar, due at its close; Almaty is UTC+5 from that night on.
    assert almaty_deadline == at(ALMATY, 2024, 3, 1, 18, 30)
    assert almaty_deadline.utcoffset() == timedelta(hours=5)
    # Oral: same local time on the next working day.
    assert oral_deadline == at(ORAL, 2024, 3, 1, 17, 45)
    assert almaty_deadline - oral_deadline == timedelta(minutes=45)
    # Both courts still get exactly one working day, across Almaty's offset change.
    assert kz.remaining_working_time(instant, almaty_deadline, tz=ALMATY) == ONE_WORKING_DAY
    assert kz.remaining_working_time(instant, oral_deadline, tz=ORAL) == ONE_WORKING_DAY


# -- working time between instants --------------------------------------------------------------


def test_r_reg_3_remaining_working_time_over_a_weekend(kz):  # SPEC R-REG-3
    now = at(ALMATY, 2026, 11, 20, 17, 30)  # Friday
    deadline = at(ALMATY, 2026, 11, 23, 10, 30)  # Monday
    assert kz.remaining_working_time(now, deadline, tz=ALMATY) == timedelta(hours=2, minutes=30)
    assert kz.remaining_working_time(deadline, now, tz=ALMATY) == timedelta(0)


def test_r_reg_3_remaining_working_time_ignores_nights_and_holidays(kz):  # SPEC R-REG-3
    now = at(ALMATY, 2026, 12, 15, 22, 0)
    deadline = at(ALMATY, 2026, 12, 17, 9, 45)
    assert kz.business_hours_between(now, deadline, tz=ALMATY) == timedelta(minutes=45)


def test_r_reg_3_utc_datetimes_are_counted_in_court_hours(kz):  # SPEC R-REG-3, 000 п.41
    # As loaded from the database: both in UTC. 04:00-06:00 UTC is 09:00-11:00 in Almaty.
    now = datetime(2026, 11, 24, 4, 0, tzinfo=UTC)
    deadline = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
    assert kz.remaining_working_time(now, deadline, tz=ALMATY) == timedelta(hours=2)
    assert kz.remaining_working_time(now, deadline, tz=UTC) == timedelta(0)


def test_r_reg_3_two_working_hours_reminder_instant(kz):  # SPEC R-REG-3
    deadline = at(ALMATY, 2026, 11, 23, 10, 30)
    reminder = kz.working_time_before(deadline, timedelta(hours=2), tz=ALMATY)
    assert reminder == at(ALMATY, 2026, 11, 20, 18, 0)
    assert kz.remaining_working_time(reminder, deadline, tz=ALMATY) == timedelta(hours=2)
    assert kz.working_time_before(deadline, timedelta(0), tz=ALMATY) == deadline
    with pytest.raises(ValueError):
        kz.working_time_before(deadline, timedelta(minutes=-1), tz=ALMATY)


# -- properties ---------------------------------------------------------------------------------

# The library's own holiday list, computed once so that property examples stay fast.
KZ_HOLIDAYS = frozenset(
    holidays.country_holidays("KZ", years=range(2023, 2031), observed=True).keys()
)
FIRST_DAY, LAST_DAY = date(2024, 3, 1), date(2029, 12, 31)

days = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)


@st.composite
def calendars(draw):
    days_off = draw(st.frozensets(days, max_size=25))
    working_days = draw(st.frozensets(days, max_size=25)) - days_off
    return WorkingCalendar(
        days_off=days_off, working_days=working_days, country_holidays=KZ_HOLIDAYS
    )


local_datetimes = st.builds(
    lambda naive, zone: naive.replace(tzinfo=ZoneInfo(zone)),
    st.datetimes(min_value=datetime(2024, 3, 1), max_value=datetime(2029, 12, 31)),
    st.sampled_from(KAZAKH_ZONES),
)


@settings(max_examples=300, deadline=None)
@given(court_calendar=calendars(), received=local_datetimes, zone=st.sampled_from(KAZAKH_ZONES))
def test_r_reg_2_property_deadline_is_one_working_day_after_receipt(
    court_calendar, received, zone
):  # SPEC R-REG-2
    tz = ZoneInfo(zone)
    deadline = registration_deadline(received, tz, court_calendar)
    assert deadline.tzinfo is tz
    assert deadline > received
    # Inside, or exactly at the end of, the working hours of a working day.
    assert court_calendar.is_working_day(deadline.date())
    assert court_calendar.work_start <= deadline.time() <= court_calendar.work_end
    # The clerk always gets exactly one working day of working time.
    assert court_calendar.remaining_working_time(received, deadline, tz=tz) == (ONE_WORKING_DAY)


@settings(max_examples=300, deadline=None)
@given(court_calendar=calendars(), day=days, n=st.integers(-15, 15), later=st.integers(0, 20))
def test_property_add_working_days_lands_on_working_day_and_is_monotonic(
    court_calendar, day, n, later
):
    result = court_calendar.add_working_days(day, n)
    assert court_calendar.is_working_day(result)
    following = court_calendar.add_working_days(day, n + 1)
    assert following >= result  # in n
    if n != 0 or court_calendar.is_working_day(day):
        assert following > result  # only n=0 on a day off rolls onto the same day as n=1
    assert court_calendar.add_working_days(day + timedelta(days=later), n) >= result  # in day
    if n >= 1:
        assert result > day
        assert court_calendar.working_days_in_range(day + timedelta(days=1), result) == n


@settings(max_examples=200, deadline=None)
@given(
    court_calendar=calendars(),
    start=local_datetimes,
    hours=st.lists(st.integers(0, 24 * 10), min_size=2, max_size=2),
    zone=st.sampled_from(KAZAKH_ZONES),
)
def test_property_working_time_is_additive_and_reminders_invert_it(
    court_calendar, start, hours, zone
):  # SPEC R-REG-3
    tz = ZoneInfo(zone)
    middle = (start + timedelta(hours=min(hours), minutes=7)).astimezone(UTC)
    end = start + timedelta(hours=max(hours), minutes=13)
    first = court_calendar.business_hours_between(start, middle, tz=tz)
    second = court_calendar.business_hours_between(middle, end, tz=tz)
    assert court_calendar.business_hours_between(start, end, tz=tz) == first + second
    assert first <= middle - start
    reminder = court_calendar.working_time_before(end, second, tz=tz)
    assert reminder <= end
    assert reminder.tzinfo is tz
    assert court_calendar.remaining_working_time(reminder, end, tz=tz) == second


def test_seeded_random_receipts_agree_with_a_minute_by_minute_count():  # SPEC R-REG-2
    """An independent check of the deadline: walk forward minute by minute, count working minutes
    from receipt, and stop at one working day's worth."""
    kz_calendar = WorkingCalendar(country_holidays=KZ_HOLIDAYS)
    rng = random.Random(20261215)
    for _ in range(15):
        received = at(ALMATY, 2026, 12, 10, 0, 0) + timedelta(minutes=rng.randrange(0, 60 * 24 * 9))
        deadline = registration_deadline(received, ALMATY, kz_calendar)
        cursor, counted = received, 0
        while counted < ONE_WORKING_DAY // timedelta(minutes=1):
            counted += kz_calendar.is_working_time(cursor)
            cursor += timedelta(minutes=1)
        assert deadline == cursor
        if not kz_calendar.is_working_time(received):
            # Outside hours the count starts at the next opening and ends exactly at the close.
            assert deadline.time() == kz_calendar.work_end
