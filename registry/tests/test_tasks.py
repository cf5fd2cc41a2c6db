"""The deadline sweep: reminders two working hours before the deadline, escalation when overdue
(SPEC R-REG-3). Idempotent."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from filings.models import FilingStatus
from registry import services
from registry.schedule import BEAT_SCHEDULE
from registry.tasks import registry_deadline_sweep
from sotkabinet.core.models import AuditLog, Notification

pytestmark = pytest.mark.django_db

# Received Friday 12 June 2026, 17:00 Almaty (UTC+5), during working hours: the deadline is the
# same time on the next working day, Monday 15 June 17:00 (R-REG-2).
RECEIVED = datetime(2026, 6, 12, 12, 0, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0) -> time_machine.travel:
    """A moment in June 2026, given in Almaty wall-clock time."""
    return time_machine.travel(datetime(2026, 6, day, hour - 5, minute, tzinfo=UTC), tick=False)


@pytest.fixture
def chairman(make_user, court):
    return make_user("chairman", court)


def test_the_sweep_is_on_the_beat_schedule():
    entry = BEAT_SCHEDULE["registry-deadline-sweep"]
    assert entry["task"] == registry_deadline_sweep.name
    assert entry["schedule"] <= 600


def test_reminder_two_working_hours_before_the_deadline_counts_working_time(
    clerk, chairman, make_filing
):
    """GIVEN the deadline Monday 17:00
    WHEN it is Monday 14:30 (2.5 working hours left) THEN nothing;
    WHEN Monday 15:00 (2 h left) THEN the court's clerks are reminded, once."""
    filing = make_filing(received_at=RECEIVED)
    clerk.language = "ru"  # issue 10: the clerk's language, the court's time with its zone
    clerk.save(update_fields=["language"])
    assert filing.registration_deadline == datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
    with at(15, 14, 30):
        assert registry_deadline_sweep() == {"reminded": 0, "escalated": 0}
    # Saturday is not working time: 2.5 h of calendar time before the deadline on a weekend
    # is still far away in working time.
    with at(13, 12):
        assert registry_deadline_sweep()["reminded"] == 0
    with at(15, 15):
        assert registry_deadline_sweep() == {"reminded": 1, "escalated": 0}
        assert registry_deadline_sweep() == {"reminded": 0, "escalated": 0}
    notice = Notification.objects.get(kind="registry_deadline_near")
    assert notice.user == clerk and notice.filing_id == filing.pk
    assert notice.text == (
        f"Обращение {filing.number} нужно зарегистрировать до 15.06.2026 17:00 "
        "(Asia/Almaty, UTC+5)."
    )
    assert notice.link == f"/admin/registry/incomingfiling/{filing.pk}/change/"
    filing.refresh_from_db()
    assert filing.reminded_at is not None and filing.escalated_at is None


def test_reminder_across_a_weekend(clerk, make_filing):
    """Deadline Monday 10:00; on Friday 17:30 one working hour is left on Friday and one on
    Monday morning: two working hours, so the reminder goes out on Friday."""
    filing = make_filing(received_at=datetime(2026, 6, 12, 5, 0, tzinfo=UTC))  # Fri 10:00
    with at(12, 17, 20):
        assert registry_deadline_sweep()["reminded"] == 0
    with at(12, 17, 30):
        assert registry_deadline_sweep()["reminded"] == 1
    assert Notification.objects.filter(user=clerk, filing_id=filing.pk).count() == 1


def test_overdue_filing_is_escalated_to_the_chairman_once(clerk, chairman, make_filing, make_user):
    filing = make_filing(received_at=RECEIVED)
    with at(15, 17, 0):
        assert registry_deadline_sweep() == {"reminded": 0, "escalated": 1}
    with at(16, 10):
        assert registry_deadline_sweep() == {"reminded": 0, "escalated": 0}
    notice = Notification.objects.get(kind="registry_overdue")
    assert notice.user == chairman and notice.filing_id == filing.pk
    assert not Notification.objects.filter(user=clerk).exists()
    assert AuditLog.objects.filter(
        action="filing.registration_overdue", object_id=str(filing.pk)
    ).exists()
    filing.refresh_from_db()
    assert filing.escalated_at is not None


def test_decided_filings_are_neither_reminded_nor_escalated(clerk, chairman, judge, make_filing):
    registered = make_filing(received_at=RECEIVED)
    rejected = make_filing(received_at=RECEIVED)
    services.filing_register(acting_user=clerk, filing=registered)
    services.filing_reject(acting_user=clerk, filing=rejected, ground="unreadable")
    make_filing(status=FilingStatus.SUBMITTED, received_at=RECEIVED)
    with at(16, 10):
        assert registry_deadline_sweep() == {"reminded": 0, "escalated": 0}
    assert not Notification.objects.filter(kind__startswith="registry_").exists()


def test_a_single_check_of_a_vanished_filing_is_harmless(db):
    assert services.filing_deadline_check(filing_id=987654) is None
