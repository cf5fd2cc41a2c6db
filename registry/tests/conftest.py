"""Registry test fixtures: clerks, judges and filings created directly in the `received` state.

Unit tests of the registration desk do not go through the applicant's flow: a filing row is
made as the worker would leave it (talon number, receipt time, registration deadline computed
on the court's calendar, stored attachments).
"""

from __future__ import annotations

import hashlib
import itertools
from datetime import datetime

import pytest
from django.utils import timezone

from filings.models import Attachment, AttachmentKind, AttachmentStatus, Filing, FilingStatus
from registry.models import JudgeProfile
from sotkabinet.courts.services import court_registration_deadline
from sotkabinet.documents.upload import store_blob

_talon = itertools.count(1)

PDF_BYTES = b"%PDF-1.4\n% registry test document\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def pdf_document(label: str) -> bytes:
    """A distinct PDF-looking blob per label (the desk never re-validates files)."""
    return PDF_BYTES.replace(b"registry test document", label.encode())


@pytest.fixture
def clerk(make_user, court):
    return make_user("clerk", court, is_staff=True)


@pytest.fixture
def other_clerk(make_user, other_court):
    return make_user("clerk", other_court, is_staff=True)


@pytest.fixture
def judge(make_user, court):
    user = make_user("judge", court)
    JudgeProfile.objects.create(user=user, court=court, languages=["kk", "ru"])
    return user


@pytest.fixture
def applicant(make_user):
    return make_user("applicant")


@pytest.fixture
def make_filing(db, court, applicant):
    """make_filing(status="received", documents=[bytes, ...], **fields) -> Filing."""

    def factory(
        *,
        status: str = FilingStatus.RECEIVED,
        court=court,
        author=None,
        received_at: datetime | None = None,
        documents: list[bytes] | None = None,
        receipts: list[bytes] = (),
        **fields,
    ) -> Filing:
        number = f"T-{timezone.now():%Y}-{next(_talon):06d}"
        documents = [pdf_document(number)] if documents is None else documents
        fields.setdefault("proceeding", "civil")
        fields.setdefault("instance", "first")
        fields.setdefault("kind", "claim")
        fields.setdefault("title", f"Талап қою арызы {number}")
        fields.setdefault(
            "parties",
            [
                {"role": "plaintiff", "name": "Талапкер", "iin_bin": ""},
                {"role": "defendant", "name": "Жауапкер", "iin_bin": ""},
            ],
        )
        fields.setdefault("annex", [f"Құжат {i + 1}" for i in range(len(documents))])
        filing = Filing(
            number=number if status != FilingStatus.DRAFT else None,
            status=status,
            court=court,
            author=author or applicant,
            **fields,
        )
        if status != FilingStatus.DRAFT:
            submitted = received_at or timezone.now()
            filing.submitted_at = submitted
            if status != FilingStatus.SUBMITTED:
                filing.received_at = submitted
                filing.registration_deadline = court_registration_deadline(court, submitted)
        filing.save()
        for index, content in enumerate(documents):
            _attach(filing, content, AttachmentKind.DOCUMENT, f"Құжат {index + 1}")
        for content in receipts:
            _attach(filing, content, AttachmentKind.DUTY_RECEIPT, "Түбіртек")
        return filing

    return factory


def _attach(filing: Filing, content: bytes, kind: str, title: str) -> Attachment:
    blob = store_blob(content)
    return Attachment.objects.create(
        filing=filing,
        kind=kind,
        title=title,
        filename=f"{hashlib.sha256(content).hexdigest()[:8]}.pdf",
        original_filename="document.pdf",
        size=len(content),
        sha256=blob.sha256,
        blob=blob.name,
        detected_format="pdf" if content.startswith(b"%PDF") else "unknown",
        status=AttachmentStatus.VALID,
    )
