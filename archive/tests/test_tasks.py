"""Archive beat jobs: due-for-transfer notices (R-ARC-3), the nightly audit (R-ARC-2), and the
schedule itself."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from archive.audit import least_recently_audited
from archive.models import ItemKind, LedgerEntry, LedgerKind
from archive.tasks import DUE_NOTICE_KIND, archive_due_sweep, archive_integrity_sweep
from sotkabinet.core.models import Notification

from .conftest import add_act, flipped_byte, make_case, transfer


def test_due_cases_are_listed_for_the_secretary_once_a_week(
    court, judge, secretary, party, ecp, make_user
):
    """SPEC R-ARC-3: a beat job lists cases due for transfer for the secretaries."""
    now = timezone.now()
    due = make_case(court, judge, secretary, party)
    add_act(
        due,
        judge,
        ecp,
        signed_at=now - timedelta(days=30),
        legal_force_date=(now - timedelta(days=20)).date(),
    )
    fresh = make_case(court, judge, secretary, party)  # legal force today: not due yet
    add_act(
        fresh, judge, ecp, signed_at=now - timedelta(days=3), legal_force_date=timezone.localdate()
    )
    no_secretary = make_case(court, judge, None, party)
    add_act(
        no_secretary,
        judge,
        ecp,
        signed_at=now - timedelta(days=30),
        legal_force_date=(now - timedelta(days=20)).date(),
    )
    court_secretary = make_user("secretary", court)

    assert archive_due_sweep.delay().get() == {"notified": 3}
    notices = Notification.objects.filter(kind=DUE_NOTICE_KIND)
    assert {(n.user_id, n.case_id) for n in notices} == {
        (secretary.pk, due.pk),
        (secretary.pk, no_secretary.pk),  # the court's secretaries when the case has none
        (court_secretary.pk, no_secretary.pk),
    }
    assert archive_due_sweep() == {"notified": 0}  # not again within the week


def test_archived_cases_are_not_due(archived, secretary):
    assert archive_due_sweep() == {"notified": 0}


def test_nightly_audit_finds_and_alerts_a_break(archived, archivist):
    assert archive_integrity_sweep() == {"audited": 1, "broken": 0}
    item = archived.items.filter(kind=ItemKind.ACT).first()
    with flipped_byte(item.sha256):
        assert archive_integrity_sweep.delay().get() == {"audited": 1, "broken": 1}
    assert Notification.objects.filter(user=archivist, kind="archive_integrity_break").exists()
    archived.refresh_from_db()
    assert archived.last_audit_ok is False


def test_nightly_audit_takes_the_least_recently_audited_archives_in_turn(
    court, judge, secretary, party, ecp, settings
):
    """SPEC R-ARC-2 at national volume: each night audits a budgeted slice, oldest audit first,
    so every archive comes round without one night re-hashing the whole archive."""
    settings.ARCHIVE_AUDIT_PER_NIGHT = 2
    now = timezone.now()
    archives = []
    for _ in range(3):
        case = make_case(court, judge, secretary, party)
        add_act(
            case,
            judge,
            ecp,
            signed_at=now - timedelta(days=70),
            legal_force_date=(now - timedelta(days=40)).date(),
        )
        archives.append(transfer(case, secretary, judge, ecp).pk)

    def audited_ids() -> set[int]:
        return {entry.transfer_id for entry in LedgerEntry.objects.filter(kind=LedgerKind.AUDIT)}

    assert least_recently_audited(2) == archives[:2]  # never audited: first, by id
    assert archive_integrity_sweep() == {"audited": 2, "broken": 0}
    assert audited_ids() == set(archives[:2])
    assert least_recently_audited(2) == [archives[2], archives[0]]
    assert archive_integrity_sweep() == {"audited": 2, "broken": 0}
    assert audited_ids() == set(archives)


def test_beat_schedule_has_the_archive_jobs():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "archive.tasks.archive_due_sweep",
        "archive.tasks.archive_integrity_sweep",
        "archive.tasks.cabinet_copy_purge_task",
    } <= tasks
