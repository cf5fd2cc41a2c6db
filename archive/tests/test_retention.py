"""Retention schedule, disposal candidates and disposal acts (SPEC R-ARC-1)."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta

import time_machine
from django.core.management import call_command
from django.utils import timezone

from archive import services
from archive.audit import audit_transfer
from archive.models import (
    DISPOSAL_KEEPS,
    ArchiveTransfer,
    DisposalAct,
    LedgerEntry,
    LedgerKind,
    RetentionRule,
)
from archive.selectors import disposal_candidates
from archive.storage import stored_digest
from filings.models import Attachment
from sotkabinet.core.models import AuditLog

from .conftest import add_act, add_filing, make_case, transfer


def after_retention(archive: ArchiveTransfer) -> datetime:
    """Two months after the archive's last day of storage (court morning)."""
    day = archive.retention_until + timedelta(days=60)
    return datetime(day.year, day.month, day.day, 6, 0, tzinfo=UTC)


def test_default_schedule_is_installed(db):
    """The data migration gives a sane default schedule, editable in the admin."""
    rules = {(r.proceeding, r.category): r.years for r in RetentionRule.objects.all()}
    assert rules[("civil", "")] == 5
    assert rules[("criminal", "")] == 25
    assert rules[("administrative_offense", "")] == 3
    assert rules[("civil", "adoption")] is None  # permanent


def test_most_specific_rule_wins_and_unknown_is_permanent(court, judge, secretary):
    civil = make_case(court, judge, secretary)
    adoption = make_case(court, judge, secretary, category="adoption")
    other = make_case(court, judge, secretary)
    other.proceeding = "tax_dispute"
    assert services.retention_rule_for(civil).years == 5
    assert services.retention_rule_for(adoption).years is None
    assert services.retention_rule_for(other) is None


def test_retention_runs_from_the_year_after_legal_force():
    assert services.retention_until(date(2026, 2, 2), 5) == date(2031, 12, 31)
    assert services.retention_until(date(2026, 12, 31), 25) == date(2051, 12, 31)
    assert services.retention_until(date(2026, 2, 2), None) is None


def test_a_rule_edited_later_does_not_change_earlier_transfers(archived):
    RetentionRule.objects.filter(proceeding="civil", category="").update(years=1)
    archived.refresh_from_db()
    assert archived.retention_years == 5
    assert archived.retention_until == date(archived.legal_force_date.year + 5, 12, 31)


def test_permanent_cases_are_never_disposal_candidates(court, judge, secretary, party, ecp):
    now = timezone.now()
    case = make_case(court, judge, secretary, party, category="adoption")
    add_act(
        case,
        judge,
        ecp,
        signed_at=now - timedelta(days=30),
        legal_force_date=(now - timedelta(days=20)).date(),
    )
    archive = transfer(case, secretary, judge, ecp)
    assert archive.retention_until is None and archive.permanent
    assert list(disposal_candidates(on=date(2200, 1, 1))) == []


def test_disposal_before_the_end_of_retention_is_refused(archived, archivist, client_for):
    response = client_for(archivist).post(
        f"/api/v1/archive/{archived.pk}/disposal/", {"reason": "Комиссия актісі №1"}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "retention_not_expired"
    assert not DisposalAct.objects.exists()


def test_disposal_candidates_report(archived, archivist, client_for):
    assert list(disposal_candidates()) == []
    with time_machine.travel(after_retention(archived), tick=False):
        assert list(disposal_candidates()) == [archived]
        body = client_for(archivist).get("/api/v1/archive/disposal-candidates/").json()
        out = io.StringIO()
        call_command("archive_disposal_candidates", stdout=out)
    assert [row["id"] for row in body["results"]] == [archived.pk]
    assert [row["id"] for row in json.loads(out.getvalue())] == [archived.pk]


def test_only_archivists_see_the_candidates(archived, judge, client_for):
    response = client_for(judge).get("/api/v1/archive/disposal-candidates/")
    assert response.status_code == 403


def test_disposal_needs_an_explicit_logged_act(
    archived, archivist, judge, client_for, django_capture_on_commit_callbacks
):
    """SPEC R-ARC-1: nothing is deleted without a disposal act: who, why, a ledger entry.
    The inventory, its signature and the evidence stay as the record of what was held."""
    items = list(archived.items.all())
    with time_machine.travel(after_retention(archived), tick=False):
        assert (
            client_for(judge)
            .post(f"/api/v1/archive/{archived.pk}/disposal/", {"reason": "x"})
            .status_code
            == 403
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(archivist).post(
                f"/api/v1/archive/{archived.pk}/disposal/",
                {"reason": "Сараптау комиссиясының 2033-02-20 №4 актісі"},
            )
        assert response.status_code == 201, response.json()
        again = client_for(archivist).post(
            f"/api/v1/archive/{archived.pk}/disposal/", {"reason": "again"}
        )
    assert again.json()["error"]["code"] == "already_disposed"
    act = DisposalAct.objects.get()
    assert act.decided_by == archivist and act.reason.startswith("Сараптау")
    entry = LedgerEntry.objects.get(transfer=archived, kind=LedgerKind.DISPOSAL)
    assert entry.seq == act.ledger_seq and entry.payload["by"] == archivist.login
    assert AuditLog.objects.filter(action="archive.disposal").exists()
    for item in items:
        item.refresh_from_db()
        if item.kind in DISPOSAL_KEEPS:
            assert item.disposed_at is None
            assert stored_digest(item.sha256) is not None
        else:
            assert item.disposed_at is not None
            assert stored_digest(item.sha256) is None
    assert act.items_disposed == sum(1 for item in items if item.kind not in DISPOSAL_KEEPS)
    # What remains still passes the audit, the ledger included.
    report = audit_transfer(ArchiveTransfer.objects.get(), trigger="test")
    assert report["ok"] is True
    assert {s["reason"] for s in report["signatures"] if s["valid"] is None} == {"disposed"}


def test_disposal_keeps_a_file_another_archive_still_holds(
    case_in_force,
    archivist,
    court,
    judge,
    secretary,
    party,
    ecp,
    django_capture_on_commit_callbacks,
):
    """Two cases hold the same document (one archive file, named by its hash): disposing of
    one archive keeps the file for the other."""
    now = timezone.now()
    document = Attachment.objects.filter(filing__case=case_in_force).first()
    twin = make_case(court, judge, secretary, party)
    twin_filing = add_filing(twin, party, ecp, submitted_at=now - timedelta(days=100))
    Attachment.objects.create(
        filing=twin_filing,
        title="Сол құжаттың көшірмесі",
        filename="copy.pdf",
        original_filename="copy.pdf",
        size=document.size,
        sha256=document.sha256,
        blob=document.blob,
        detected_format="pdf",
        status="valid",
    )
    add_act(
        twin,
        judge,
        ecp,
        signed_at=now - timedelta(days=60),
        legal_force_date=(now - timedelta(days=30)).date(),
    )
    first = transfer(case_in_force, secretary, judge, ecp)
    transfer(twin, secretary, judge, ecp)
    with (
        time_machine.travel(after_retention(first), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.disposal_act_create(acting_user=archivist, transfer=first, reason="r")
    assert first.items.get(sha256=document.sha256).disposed_at is not None
    assert stored_digest(document.sha256) is not None
    act_item = first.items.get(kind="act")
    assert stored_digest(act_item.sha256) is None
