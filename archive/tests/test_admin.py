"""The archivists' admin: retention schedule, archives, disposal acts, ledger (SPEC R-ARC-1,
R-ARC-2, R-ARC-4)."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from archive.models import DisposalAct, LedgerEntry, LedgerKind, RetentionRule
from sotkabinet.core.models import AuditLog

ADMIN = "/admin/archive/"


@pytest.fixture(name="desk")
def desk_fixture(archivist) -> Client:
    archivist.is_staff = True
    archivist.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(archivist)
    return client


def test_retention_schedule_is_editable(desk):
    rule = RetentionRule.objects.get(proceeding="civil", category="")
    response = desk.post(
        f"{ADMIN}retentionrule/{rule.pk}/change/",
        {
            "proceeding": "civil",
            "category": "",
            "years": "10",
            "basis": "Жаңа номенклатура",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.years == 10
    assert AuditLog.objects.filter(action="archive.retention_rule").exists()


def test_archive_card_is_read_only_and_its_view_is_logged(desk, archived):
    response = desk.get(f"{ADMIN}archivetransfer/{archived.pk}/change/")
    assert response.status_code == 200
    assert archived.inventory_sha256 in response.content.decode()
    assert LedgerEntry.objects.filter(transfer=archived, kind=LedgerKind.READ).count() == 1
    assert desk.post(f"{ADMIN}archivetransfer/{archived.pk}/delete/").status_code == 403
    entry = LedgerEntry.objects.filter(transfer=archived).first()
    assert desk.post(f"{ADMIN}ledgerentry/{entry.pk}/delete/").status_code == 403


def test_other_courts_archives_are_hidden(archived, make_user, other_court):
    stranger = make_user("archivist", other_court, is_staff=True)
    client = Client()
    client.force_login(stranger)
    response = client.get(f"{ADMIN}archivetransfer/")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


def test_audit_and_export_actions(desk, archived):
    changelist = f"{ADMIN}archivetransfer/"
    response = desk.post(
        changelist,
        {"action": "run_integrity_audit", "_selected_action": [archived.pk]},
        follow=True,
    )
    assert "intact" in response.content.decode()
    assert LedgerEntry.objects.filter(transfer=archived, kind=LedgerKind.AUDIT).exists()
    response = desk.post(
        changelist, {"action": "download_export", "_selected_action": [archived.pk]}
    )
    assert response["Content-Type"] == "application/zip"
    package = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "manifest.json" in package.namelist()
    assert LedgerEntry.objects.filter(transfer=archived, kind=LedgerKind.EXPORT).exists()


def test_disposal_candidates_filter_and_disposal_form(desk, archived, archivist):
    after = archived.retention_until + timedelta(days=30)
    form = {"transfer": archived.pk, "reason": "Сараптау комиссиясының №7 актісі"}
    refused = desk.post(f"{ADMIN}disposalact/add/", form)
    assert refused.status_code == 200  # the form again, with the error
    assert not DisposalAct.objects.exists()
    with time_machine.travel(
        datetime(after.year, after.month, after.day, 6, tzinfo=UTC), tick=False
    ):
        desk.force_login(archivist)  # the session from "today" has expired by then
        listing = desk.get(f"{ADMIN}archivetransfer/", {"retention": "ended"})
        assert list(listing.context["cl"].result_list) == [archived]
        response = desk.post(f"{ADMIN}disposalact/add/", form)
    assert response.status_code == 302
    act = DisposalAct.objects.get()
    assert act.decided_by == archivist and act.ledger_seq is not None
