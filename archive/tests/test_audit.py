"""The integrity audit and `manage.py integrity_audit` (SPEC R-ARC-2; README "Operations")."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from archive.audit import audit_archives, audit_transfer
from archive.models import ArchiveItem, ItemKind, LedgerEntry, LedgerKind
from sotkabinet.core.models import AuditLog, Notification
from sotkabinet.signatures.models import CertificateRevocationList, TrustedCertificate
from sotkabinet.signatures.services import bump_trust_version, verify_signature

from .conftest import add_act, add_filing, flipped_byte, make_case, transfer


def run_command(*args) -> tuple[int, dict]:
    out = io.StringIO()
    try:
        call_command("integrity_audit", *args, stdout=out)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, json.loads(out.getvalue()) if out.getvalue() else {}


def test_an_intact_archive_passes(archived):
    report = audit_transfer(archived, trigger="test")
    assert report["ok"] is True
    assert all(item["ok"] for item in report["items"])
    assert [s["valid"] for s in report["signatures"]] == [True] * 4
    assert report["ledger"]["ok"] and report["ledger"]["break_at"] is None
    assert report["inventory"] == {"ok": True, "problem": None}


def test_integrity_audit_command_exits_0_when_intact(archived):
    code, report = run_command()
    assert code == 0
    assert report["ok"] is True
    assert [archive["id"] for archive in report["archives"]] == [archived.pk]


def test_one_changed_byte_is_named_and_the_command_exits_1(archived, archivist):
    """SPEC R-ARC-2: change one stored byte → the audit names the item; exit 1; alert."""
    item = archived.items.filter(kind=ItemKind.ATTACHMENT).first()
    with flipped_byte(item.sha256):
        code, report = run_command("--archive", str(archived.pk))
    assert code == 1
    assert report["ok"] is False
    (archive,) = report["archives"]
    broken = [result for result in archive["items"] if not result["ok"]]
    assert [(r["id"], r["sha256"], r["problem"]) for r in broken] == [
        (item.pk, item.sha256, "hash_mismatch")
    ]
    assert archive["ledger"]["ok"] is True  # the chain itself is intact
    assert AuditLog.objects.filter(
        action="archive.integrity_break", object_id=str(archived.pk)
    ).exists()
    notice = Notification.objects.get(user=archivist, kind="archive_integrity_break")
    assert archived.case.number in notice.text


def test_a_changed_signature_file_fails_its_reverification(archived):
    record = archived.signatures.select_related("signature_item").first()
    with flipped_byte(record.signature_item.sha256, offset=40):
        report = audit_transfer(archived, trigger="test")
    (signature,) = [s for s in report["signatures"] if s["item"] == record.signature_item_id]
    assert signature["valid"] is False and signature["reason"] == "tampered"
    assert report["ok"] is False


def test_a_deleted_ledger_entry_is_reported_as_break_at(archived):
    """SPEC R-ARC-2: delete a ledger entry beneath the ORM (raw SQL) → `break_at` names it."""
    entry = LedgerEntry.objects.get(transfer=archived, seq=3)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM archive_ledgerentry WHERE id = %s", [entry.pk])
    code, report = run_command("--archive", str(archived.pk))
    assert code == 1
    ledger = report["archives"][0]["ledger"]
    assert ledger["ok"] is False and ledger["break_at"] == 3
    # The item whose "item" entry went missing is also no longer backed by the ledger.
    assert any(item["problem"] == "ledger_mismatch" for item in report["archives"][0]["items"])


def test_an_altered_ledger_entry_is_reported_as_break_at(archived):
    entry = LedgerEntry.objects.get(transfer=archived, seq=2)
    forged = {**entry.payload, "title": "басқа құжат"}
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE archive_ledgerentry SET payload = %s WHERE id = %s",
            [json.dumps(forged, ensure_ascii=False), entry.pk],
        )
    report = audit_transfer(archived, trigger="test")
    assert report["ledger"]["break_at"] == 2 and report["ledger"]["problem"] == "entry altered"
    assert report["ok"] is False


def test_the_last_entry_cut_off_is_found(archived):
    archived.refresh_from_db()
    last = LedgerEntry.objects.get(transfer=archived, seq=archived.ledger_length)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM archive_ledgerentry WHERE id = %s", [last.pk])
    report = audit_transfer(archived, trigger="test", record=False)
    assert report["ledger"]["break_at"] == archived.ledger_length


def test_an_item_row_rewritten_to_a_new_hash_is_caught(archived):
    """An attacker replaces a file AND updates the row's sha256 to match: the hash recorded in
    the ledger and the judge-signed inventory still name the original."""
    item = archived.items.filter(kind=ItemKind.ATTACHMENT).first()
    other = archived.items.filter(kind=ItemKind.ACT).first()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE archive_archiveitem SET sha256 = %s, size = %s WHERE id = %s",
            [other.sha256, other.size, item.pk],
        )
    report = audit_transfer(archived, trigger="test")
    (result,) = [r for r in report["items"] if r["id"] == item.pk]
    assert result["problem"] == "ledger_mismatch"
    assert report["inventory"]["ok"] is False


def test_signatures_reverify_from_stored_evidence_after_the_trust_store_is_emptied(archived, judge):
    """SPEC R-ARC-2 (authenticity for the whole retention period): with every trusted
    certificate and CRL removed from the portal, the archive still proves each signature
    from the evidence it stored, as of the original signing time."""
    act_record = archived.signatures.get(
        title__endswith=": ЭЦҚ",
        required_identity=judge.login,
        signature_item__kind=ItemKind.ACT_SIGNATURE,
    )
    TrustedCertificate.objects.all().delete()
    CertificateRevocationList.objects.all().delete()
    bump_trust_version()
    from archive.storage import read_bytes

    cms = read_bytes(act_record.signature_item.sha256)
    data = read_bytes(act_record.data_item.sha256)
    portal = verify_signature(cms, data=data, at=act_record.validated_at)
    assert portal.valid is False and portal.reason == "untrusted"

    report = audit_transfer(archived, trigger="test")
    assert [s["valid"] for s in report["signatures"]] == [True] * 4
    assert report["ok"] is True


def test_a_certificate_expired_since_signing_still_proves_the_act(
    court, judge, secretary, party, ecp
):
    """SPEC R-ARC-2: the act was signed with a certificate that has expired since; verified at
    the signing time from the stored evidence, it is valid."""
    now = timezone.now()
    expiring = ecp.expired(judge)
    case = make_case(court, judge, secretary, party)
    add_filing(case, party, ecp, submitted_at=now - timedelta(days=200))
    act = add_act(
        case,
        judge,
        ecp,
        signed_at=now - timedelta(days=100),
        legal_force_date=(now - timedelta(days=60)).date(),
        person=expiring,
    )
    assert (
        verify_signature(bytes(act.signature_cms), data=act.signature_payload.encode()).reason
        == "expired"
    )
    archive = transfer(case, secretary, judge, ecp)
    report = audit_transfer(archive, trigger="test")
    assert report["ok"] is True
    assert all(signature["valid"] for signature in report["signatures"])


def test_a_certificate_revoked_after_signing_is_proved_with_the_crl_as_of_archiving(
    court, judge, secretary, party, ecp
):
    """The applicant's key was revoked after the filing was received: the CRL kept at archiving
    lists the revocation with its date, which is after the receipt, so the filing's signature
    stays valid for the archive."""
    now = timezone.now()
    case = make_case(court, judge, secretary, party)
    add_filing(case, party, ecp, submitted_at=now - timedelta(days=90))
    add_act(
        case,
        judge,
        ecp,
        signed_at=now - timedelta(days=60),
        legal_force_date=(now - timedelta(days=30)).date(),
    )
    ecp.revoke(party, at=now - timedelta(days=10))
    archive = transfer(case, secretary, judge, ecp)
    filing_record = archive.signatures.get(required_identity=party.login)
    from archive import evidence
    from archive.storage import read_bytes

    stored = evidence.load(read_bytes(filing_record.evidence_item.sha256))
    revocations = [r for r in stored["verdict"]["revocation"] if r["status"] == "good"]
    assert revocations, stored["verdict"]["revocation"]
    assert audit_transfer(archive, trigger="test")["ok"] is True


def test_every_audit_run_is_in_the_ledger(archived, archivist):
    before = archived.ledger.count()
    audit_transfer(archived, trigger="test", acting_user=archivist)
    entry = LedgerEntry.objects.filter(transfer=archived).order_by("-seq").first()
    assert archived.ledger.count() == before + 1
    assert entry.kind == LedgerKind.AUDIT and entry.payload["ok"] is True
    assert entry.payload["by"] == archivist.login
    archived.refresh_from_db()
    assert archived.last_audit_ok is True and archived.last_audit_at is not None
    # The audit's own entry keeps the chain intact.
    assert audit_transfer(archived, trigger="test", record=False)["ledger"]["ok"] is True


def test_a_missing_file_is_named(archived):
    from .conftest import archive_path

    item = archived.items.filter(kind=ItemKind.ACT).first()
    path = archive_path(item.sha256)
    original = path.read_bytes()
    path.unlink()
    try:
        report = audit_archives(trigger="test", transfer_ids=[archived.pk])
    finally:
        path.write_bytes(original)
    problems = {r["id"]: r["problem"] for r in report["archives"][0]["items"] if not r["ok"]}
    assert problems == {item.pk: "missing"}
    assert report["ok"] is False


def test_command_audits_only_the_named_archive(
    archived, case_in_force, court, judge, secretary, party, ecp
):
    now = timezone.now()
    second_case = make_case(court, judge, secretary, party)
    add_act(
        second_case,
        judge,
        ecp,
        signed_at=now - timedelta(days=50),
        legal_force_date=(now - timedelta(days=20)).date(),
    )
    second = transfer(second_case, secretary, judge, ecp)
    item = second.items.filter(kind=ItemKind.ACT).first()
    with flipped_byte(item.sha256):
        assert run_command("--archive", str(archived.pk))[0] == 0
        code, report = run_command()
    assert code == 1
    assert {a["id"]: a["ok"] for a in report["archives"]} == {archived.pk: True, second.pk: False}


def test_command_with_an_unknown_archive_is_a_usage_error(db):
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("integrity_audit", "--archive", "999999", stderr=err)
    assert exit_.value.code == 2
    assert "999999" in err.getvalue()


def test_evidence_item_is_itself_checked(archived):
    evidence_item = ArchiveItem.objects.filter(transfer=archived, kind=ItemKind.EVIDENCE).first()
    with flipped_byte(evidence_item.sha256, offset=30):
        report = audit_transfer(archived, trigger="test")
    assert not report["ok"]
    assert {r["id"] for r in report["items"] if not r["ok"]} == {evidence_item.pk}
    assert any(s["valid"] is False for s in report["signatures"])
