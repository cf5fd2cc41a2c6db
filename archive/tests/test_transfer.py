"""Transfer of a case to the archive (SPEC R-ARC-1, R-ARC-2, R-ARC-3)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from django.core.files.storage import default_storage

from archive import evidence, services
from archive.inventory import inventory_payload
from archive.models import (
    ArchiveItem,
    ArchiveTransfer,
    ItemKind,
    LedgerEntry,
    LedgerKind,
    SignatureRecord,
)
from archive.storage import read_bytes, stored_digest
from filings.models import Attachment
from registry.models import CaseEvent
from sotkabinet.core.models import AuditLog, Notification
from sotkabinet.errors import DomainError

from .conftest import add_act, add_filing, make_case, sign_inventory

# A Monday with no holiday around it: legal force on 2 Feb 2026, so the 3rd working day after
# it (R-ARC-3) is Thursday 5 Feb. Times are the court's (Asia/Almaty, UTC+5).
LEGAL_FORCE = date(2026, 2, 2)


def almaty(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 2, day, hour - 5, 0, tzinfo=UTC)


@pytest.fixture(name="february_case")
def february_case_fixture(court, judge, secretary, party, ecp):
    case = make_case(court, judge, secretary, party)
    add_filing(case, party, ecp, submitted_at=datetime(2025, 12, 1, 6, 0, tzinfo=UTC))
    add_act(
        case,
        judge,
        ecp,
        signed_at=datetime(2026, 1, 20, 6, 0, tzinfo=UTC),
        legal_force_date=LEGAL_FORCE,
    )
    return case


def post_transfer(client, case, cms, **headers):
    return client.post(f"/api/v1/cases/{case.pk}/archive/", {"inventory_cms": cms}, **headers)


def test_transfer_before_the_third_working_day_is_too_early(
    february_case, secretary, judge, ecp, client_for
):
    """SPEC R-ARC-3: on Wednesday 4 Feb (2nd working day after legal force) → 409 too_early."""
    with time_machine.travel(almaty(4, 17), tick=False):
        cms = sign_inventory(february_case, judge, ecp)
        response = post_transfer(client_for(secretary), february_case, cms)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "too_early"
    assert response.json()["error"]["details"]["allowed_from"] == "2026-02-05"
    assert not ArchiveTransfer.objects.exists()


def test_transfer_on_the_third_working_day_is_accepted(
    february_case, secretary, judge, ecp, client_for
):
    """SPEC R-ARC-3: on Thursday 5 Feb, 09:00 court time → 201 transfer."""
    with time_machine.travel(almaty(5, 9), tick=False):
        cms = sign_inventory(february_case, judge, ecp)
        response = post_transfer(client_for(secretary), february_case, cms)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) >= {
        "id",
        "case",
        "transferred_at",
        "retention_until",
        "inventory_sha256",
        "ledger_head",
        "items",
    }
    assert body["case"] == february_case.pk
    assert body["retention_until"] == "2031-12-31"  # civil: 5 years from 1 Jan 2027
    transfer = ArchiveTransfer.objects.get()
    assert body["ledger_head"] == transfer.ledger_head
    assert {item["kind"] for item in body["items"]} >= {"attachment", "act", "inventory"}
    assert all(set(item) >= {"id", "title", "kind", "sha256", "size"} for item in body["items"])


def test_transfer_without_legal_force_is_too_early(court, judge, secretary, party, ecp):
    """SPEC R-ARC-3: no legal force, no transfer."""
    case = make_case(court, judge, secretary, party)
    with pytest.raises(DomainError) as error:
        services.archive_transfer(
            acting_user=secretary, case=case, inventory_cms=sign_inventory(case, judge, ecp)
        )
    assert error.value.code == "too_early"
    assert error.value.details == {"reason": "no_legal_force"}


def test_inventory_signed_by_someone_else_is_signer_mismatch(
    case_in_force, secretary, ecp, client_for
):
    """SPEC R-ARC-3: the inventory needs the judge's ЭЦҚ; the secretary's own is refused."""
    cms = ecp.sign(secretary, inventory_payload(case_in_force))
    response = post_transfer(client_for(secretary), case_in_force, cms)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "signer_mismatch"
    assert not ArchiveTransfer.objects.exists()


def test_inventory_signature_over_other_bytes_is_invalid(case_in_force, secretary, judge, ecp):
    """SPEC R-ARC-3: the CMS must cover the current inventory bytes exactly."""
    stale = sign_inventory(case_in_force, judge, ecp)
    add_filing(
        case_in_force,
        case_in_force.participants.get().user,
        ecp,
        submitted_at=case_in_force.created_at,
    )
    with pytest.raises(DomainError) as error:
        services.archive_transfer(acting_user=secretary, case=case_in_force, inventory_cms=stale)
    assert error.value.code == "signature_invalid"
    assert error.value.details == {"reason": "tampered"}


def test_a_second_transfer_is_a_conflict(
    archived, case_in_force, secretary, judge, ecp, client_for
):
    response = post_transfer(
        client_for(secretary), case_in_force, sign_inventory(case_in_force, judge, ecp)
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_archived"
    assert ArchiveTransfer.objects.count() == 1


def test_only_a_secretary_transfers(case_in_force, judge, party, stranger, ecp, client_for):
    """The judge and the parties see the case but may not transfer it (403); others get 404."""
    cms = sign_inventory(case_in_force, judge, ecp)
    assert post_transfer(client_for(judge), case_in_force, cms).status_code == 403
    assert post_transfer(client_for(party), case_in_force, cms).status_code == 403
    assert post_transfer(client_for(stranger), case_in_force, cms).status_code == 404


def test_any_secretary_of_the_court_may_transfer(case_in_force, judge, make_user, court, ecp):
    other_secretary = make_user("secretary", court)
    transfer = services.archive_transfer(
        acting_user=other_secretary,
        case=case_in_force,
        inventory_cms=sign_inventory(case_in_force, judge, ecp),
    )
    assert transfer.transferred_by == other_secretary


def test_idempotent_transfer_replays_the_first_answer(
    case_in_force, secretary, judge, ecp, client_for
):
    client = client_for(secretary)
    cms = sign_inventory(case_in_force, judge, ecp)
    first = post_transfer(client, case_in_force, cms, HTTP_IDEMPOTENCY_KEY="arc-1")
    again = post_transfer(client, case_in_force, cms, HTTP_IDEMPOTENCY_KEY="arc-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()


def test_inventory_endpoint_gives_the_bytes_to_sign(
    case_in_force, judge, secretary, party, stranger, client_for
):
    """docs/api.md: `GET cases/{id}/inventory/`: judge and secretary; every item with its sha256."""
    response = client_for(judge).get(f"/api/v1/cases/{case_in_force.pk}/inventory/")
    assert response.status_code == 200
    assert response.content == inventory_payload(case_in_force)
    assert client_for(secretary).get(f"/api/v1/cases/{case_in_force.pk}/inventory/").content == (
        response.content
    )
    listed = json.loads(response.content)
    assert listed["case"] == case_in_force.number and listed["court"] == "ALM-SMAS"
    assert listed["legal_force_date"] == case_in_force.legal_force_date.isoformat()
    kinds = [item["kind"] for item in listed["items"]]
    assert kinds == [
        "filing_manifest",
        "filing_signature",
        "attachment",
        "attachment",
        "act",
        "act_payload",
        "act_signature",
        "legal_force_payload",
        "legal_force_signature",
    ]
    assert all(len(item["sha256"]) == 64 and item["size"] > 0 for item in listed["items"])
    assert client_for(party).get(f"/api/v1/cases/{case_in_force.pk}/inventory/").status_code == 403
    assert (
        client_for(stranger).get(f"/api/v1/cases/{case_in_force.pk}/inventory/").status_code == 404
    )


def test_a_changed_cabinet_file_is_not_archived(case_in_force, secretary, judge, ecp):
    """SPEC R-ARC-1: a file that no longer has its recorded hash is refused, not archived."""
    attachment = Attachment.objects.filter(filing__case=case_in_force).first()
    path = Path(default_storage.path(attachment.blob))
    original = path.read_bytes()
    path.write_bytes(original + b"%")
    try:
        with pytest.raises(DomainError) as error:
            services.archive_transfer(
                acting_user=secretary,
                case=case_in_force,
                inventory_cms=sign_inventory(case_in_force, judge, ecp),
            )
    finally:
        path.write_bytes(original)
    assert error.value.code == "document_tampered"
    assert not ArchiveTransfer.objects.exists()


def test_transfer_records_case_event_audit_and_tells_the_archivists(
    case_in_force, secretary, judge, archivist, ecp
):
    transfer = services.archive_transfer(
        acting_user=secretary,
        case=case_in_force,
        inventory_cms=sign_inventory(case_in_force, judge, ecp),
    )
    assert CaseEvent.objects.filter(case=case_in_force, kind="archived").exists()
    assert AuditLog.objects.filter(action="archive.transfer", object_id=str(transfer.pk)).exists()
    assert Notification.objects.filter(user=archivist, kind="archive_transferred").exists()


def test_items_are_stored_under_their_sha256(archived, case_in_force):
    """SPEC R-ARC-1: original format, named by SHA-256 (DATA_DIR/archive/<sha256>)."""
    items = list(archived.items.order_by("position"))
    kinds = [item.kind for item in items]
    assert kinds.count(ItemKind.ATTACHMENT) == 2
    assert ItemKind.ACT in kinds and ItemKind.LEGAL_FORCE_SIGNATURE in kinds
    for item in items:
        assert stored_digest(item.sha256) == (item.sha256, item.size)
    act = case_in_force.acts.get()
    act_item = next(item for item in items if item.kind == ItemKind.ACT)
    with default_storage.open(act.blob, "rb") as original:
        assert read_bytes(act_item.sha256) == original.read()
    assert act_item.extension == "pdf" and act_item.content_type == "application/pdf"
    case_in_force.refresh_from_db()
    assert case_in_force.archived_at is not None


def test_every_item_has_a_ledger_entry(archived):
    """SPEC R-ARC-2: the ledger covers every item, after the transfer entry."""
    items = list(archived.items.order_by("position"))
    ledger = list(LedgerEntry.objects.filter(transfer=archived).order_by("seq"))
    assert ledger[0].kind == LedgerKind.TRANSFER
    recorded = [(e.payload["item"], e.payload["sha256"]) for e in ledger if e.kind == "item"]
    assert recorded == [(item.pk, item.sha256) for item in items]
    assert archived.ledger_length == len(ledger) and archived.ledger_head == ledger[-1].hash


def test_inventory_and_its_signature_are_archived(archived, case_in_force):
    inventory = ArchiveItem.objects.get(transfer=archived, kind=ItemKind.INVENTORY)
    data = read_bytes(inventory.sha256)
    assert hashlib.sha256(data).hexdigest() == archived.inventory_sha256
    assert data == inventory_payload(case_in_force)
    listed = json.loads(data)
    assert len(listed["items"]) == archived.items.filter(in_inventory=True).count()


def test_every_signature_has_stored_evidence(archived, judge, party):
    """SPEC R-ARC-2: signer certificates with the chain to the anchor, the CRLs as of
    archiving, the verdict and the time, for the filing, the act, the mark and the inventory."""
    records = list(SignatureRecord.objects.filter(transfer=archived).order_by("pk"))
    assert len(records) == 4
    identities = [record.required_identity for record in records]
    assert identities == [party.login, judge.login, judge.login, judge.login]
    for record in records:
        assert record.archived_verdict["valid"] is True
        stored = evidence.load(read_bytes(record.evidence_item.sha256))
        roles = sorted(certificate["role"] for certificate in stored["certificates"])
        assert roles == ["anchor", "intermediate", "signer"]
        assert len(stored["crls"]) >= 1
        assert stored["verdict"]["valid"] is True
        assert stored["validated_at"] == record.validated_at.isoformat()
        assert record.evidence_item.kind == ItemKind.EVIDENCE
        assert not record.evidence_item.in_inventory
