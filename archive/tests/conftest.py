"""Fixtures for the archive tests: a case in legal force made directly as rows.

The case, its registered filing (manifest + the applicant's real CMS + attachments) and its
signed act with a legal-force mark (the judge's real CMS from the `ecp` fixture) are created as
Filing / Attachment / Case / Act rows, so these tests do not depend on the filing, registry or
act flows of other areas. Every stored file has unique content (a fresh token in the PDF text):
storage is shared by the session's tests, and the purge and tamper tests change it.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from archive import services
from archive.inventory import inventory_payload
from archive.models import ArchiveTransfer
from filings.models import Attachment, AttachmentStatus, Filing, FilingStatus
from registry import acts
from registry.models import Act, ActStatus, Case, CaseParticipant
from sotkabinet.documents.samples import pdf_bytes
from sotkabinet.documents.upload import store_blob
from sotkabinet.signatures.services import canonical_payload

_sequence = itertools.count(1)


@pytest.fixture(name="judge")
def judge_fixture(make_user, court):
    return make_user("judge", court, full_name="Судья Әлия Сейітқызы")


@pytest.fixture(name="secretary")
def secretary_fixture(make_user, court):
    return make_user("secretary", court, full_name="Хатшы Дина Ерланқызы")


@pytest.fixture(name="archivist")
def archivist_fixture(make_user, court):
    return make_user("archivist", court, full_name="Мұрағатшы Сәуле")


@pytest.fixture(name="party")
def party_fixture(make_user):
    return make_user("applicant", full_name="Талапкер Асан")


@pytest.fixture(name="stranger")
def stranger_fixture(make_user):
    return make_user("applicant", full_name="Бөтен Адам")


def unique_pdf(label: str) -> bytes:
    return pdf_bytes(f"{label} {secrets.token_hex(8)}")


def der(cms_base64: str) -> bytes:
    return base64.b64decode(cms_base64)


def make_case(court, judge, secretary, *participants, category: str = "civil") -> Case:
    sequence = next(_sequence)
    case = Case.objects.create(
        number=f"{court.code}-2026-A{sequence}",
        court=court,
        year=2026,
        sequence=10_000 + sequence,
        judge=judge,
        secretary=secretary,
        proceeding="civil",
        category=category,
    )
    for user in participants:
        CaseParticipant.objects.create(case=case, user=user, role=CaseParticipant.Role.APPLICANT)
    return case


def add_filing(case: Case, applicant, ecp, *, submitted_at: datetime, documents: int = 1) -> Filing:
    """A registered filing of `case` with `documents` valid PDF attachments, signed by
    `applicant` over its manifest (the shape of filings' signing payload)."""
    filing = Filing.objects.create(
        number=f"T-{next(_sequence):06d}",
        status=FilingStatus.REGISTERED,
        court=case.court,
        proceeding="civil",
        instance="first",
        kind="claim",
        title="Қарызды өндіру туралы талап қою арызы",
        parties=[{"role": "plaintiff", "name": applicant.full_name, "iin_bin": applicant.login}],
        annex=[f"Құжат {n}" for n in range(documents)],
        case=case,
        author=applicant,
        submitted_at=submitted_at,
        received_at=submitted_at,
    )
    attachments = []
    for n in range(documents):
        stored = store_blob(unique_pdf(f"Claim document {n}"))
        attachments.append(
            Attachment.objects.create(
                filing=filing,
                title=f"Құжат {n}",
                filename=f"document-{n}.pdf",
                original_filename=f"document-{n}.pdf",
                size=stored.size,
                sha256=stored.sha256,
                blob=stored.name,
                detected_format="pdf",
                status=AttachmentStatus.VALID,
                uploaded_by=applicant,
                created_at=submitted_at,
            )
        )
    manifest = canonical_payload(
        {
            "filing": filing.pk,
            "title": filing.title,
            "attachments": [{"sha256": a.sha256, "title": a.title} for a in attachments],
        }
    )
    filing.manifest = manifest.decode("utf-8")
    filing.manifest_sha256 = hashlib.sha256(manifest).hexdigest()
    filing.signature_cms = der(ecp.sign(applicant, manifest))
    filing.signer_iin = applicant.login
    filing.save()
    return filing


def add_act(
    case: Case,
    judge,
    ecp,
    *,
    signed_at: datetime,
    legal_force_date: date | None,
    person=None,
) -> Act:
    """A signed act of `case` (and its legal-force mark on `legal_force_date`), made as rows
    with real CMS by the judge (`person`: a specific key holder, e.g. an expiring one)."""
    stored = store_blob(unique_pdf("Шешім / Решение"))
    act = Act.objects.create(
        case=case,
        kind="decision",
        title="Талап қоюды қанағаттандыру туралы шешім",
        date=timezone.localtime(signed_at).date(),
        blob=stored.name,
        filename="decision.pdf",
        detected_format="pdf",
        size=stored.size,
        sha256=stored.sha256,
        created_by=judge,
    )

    def sign(payload: bytes) -> bytes:
        return der(ecp.sign_with(person, payload) if person else ecp.sign(judge, payload))

    payload = acts.act_signing_payload(act)
    act.status = ActStatus.SIGNED
    act.signed_at = signed_at
    act.signer = judge
    act.signature_payload = payload.decode("utf-8")
    act.signature_cms = sign(payload)
    act.signature_verdict = {"valid": True, "reason": None, "signers": []}
    act.published_at = signed_at
    if legal_force_date is not None:
        mark = acts.legal_force_payload(act, legal_force_date)
        act.legal_force_date = legal_force_date
        act.legal_force_signer = judge
        act.legal_force_signed_at = signed_at + timedelta(days=1)
        act.legal_force_payload = mark.decode("utf-8")
        act.legal_force_cms = sign(mark)
        act.legal_force_verdict = {"valid": True, "reason": None, "signers": []}
        act.verify_code = secrets.token_urlsafe(16)
    act.save()
    if legal_force_date is not None:
        Case.objects.filter(pk=case.pk).update(legal_force_date=legal_force_date)
        case.refresh_from_db()
    return act


@pytest.fixture(name="case_in_force")
def case_in_force_fixture(court, judge, secretary, party, ecp) -> Case:
    """A civil case whose decision entered legal force 40 days ago, with one registered claim
    (two documents), ready for the archive."""
    now = timezone.now()
    case = make_case(court, judge, secretary, party)
    add_filing(case, party, ecp, submitted_at=now - timedelta(days=200), documents=2)
    add_act(
        case,
        judge,
        ecp,
        signed_at=now - timedelta(days=70),
        legal_force_date=(now - timedelta(days=40)).date(),
    )
    return case


def sign_inventory(case: Case, judge, ecp) -> str:
    return ecp.sign(judge, inventory_payload(case))


def transfer(case: Case, secretary, judge, ecp) -> ArchiveTransfer:
    return services.archive_transfer(
        acting_user=secretary, case=case, inventory_cms=sign_inventory(case, judge, ecp)
    )


@pytest.fixture(name="archived")
def archived_fixture(case_in_force, secretary, judge, ecp) -> ArchiveTransfer:
    return transfer(case_in_force, secretary, judge, ecp)


def archive_path(sha256: str) -> Path:
    from archive.storage import archive_storage

    return Path(archive_storage().path(sha256))


@contextmanager
def flipped_byte(sha256: str, offset: int = 10) -> Iterator[None]:
    """Change one stored byte of an archive file, and put it back afterwards."""
    path = archive_path(sha256)
    original = path.read_bytes()
    changed = bytearray(original)
    changed[offset] ^= 0x01
    path.write_bytes(bytes(changed))
    try:
        yield
    finally:
        path.write_bytes(original)
