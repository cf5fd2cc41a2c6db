"""Damaged PDFs: the worker keeps the signed original and a repaired reading copy (issue 10).

README "Documents we accept": a PDF that every viewer displays but a strict parser refuses is
repaired (qpdf), the repaired copy is validated, and both are kept with their hashes. The
original stays what the manifest names and what was signed (R-ECP-1); the repaired copy is what
the court reads. The PDF check's budget comes from settings.
"""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from pypdf import PdfReader

from filings.models import Attachment, AttachmentStatus
from sotkabinet.documents import samples
from sotkabinet.documents.issues import REASON_MESSAGES
from sotkabinet.documents.upload import open_blob

from .conftest import filing_body, signing_payload, upload

pytestmark = pytest.mark.django_db(transaction=True)  # the check runs on commit


def _draft(client_for, court, applicant):
    client = client_for(applicant)
    response = client.post("/api/v1/filings/", filing_body(court), format="json")
    assert response.status_code == 201, response.content
    return client, response.json()["id"]


def _read(blob: str) -> bytes:
    with open_blob(blob) as handle:
        return handle.read()


def test_damaged_pdf_keeps_original_and_repaired_copy(client_for, court, applicant):
    client, filing_id = _draft(client_for, court, applicant)
    data = samples.trailing_junk_pdf()
    response = upload(client, filing_id, SimpleUploadedFile("scan.pdf", data), "Скан")
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get(pk=response.json()["id"])
    assert attachment.status == AttachmentStatus.VALID, attachment.errors
    original_hash = hashlib.sha256(data).hexdigest()
    assert attachment.sha256 == original_hash
    assert _read(attachment.blob) == data  # the original, byte for byte
    repaired = _read(attachment.repaired_blob)
    assert attachment.repaired_sha256 == hashlib.sha256(repaired).hexdigest() != original_hash
    assert attachment.repaired_size == len(repaired)
    assert attachment.reading_blob == attachment.repaired_blob
    assert len(PdfReader(io.BytesIO(repaired), strict=True).pages) == 1
    # The manifest to sign names the original (R-ECP-1), never the repaired copy.
    payload = signing_payload(client, filing_id).decode()
    assert original_hash in payload
    assert attachment.repaired_sha256 not in payload


def test_clean_pdf_has_no_repaired_copy(client_for, court, applicant):
    client, filing_id = _draft(client_for, court, applicant)
    response = upload(client, filing_id, SimpleUploadedFile("a.pdf", samples.pdf_bytes()), "А")
    attachment = Attachment.objects.get(pk=response.json()["id"])
    assert attachment.status == AttachmentStatus.VALID
    assert attachment.repaired_blob == "" and attachment.repaired_sha256 == ""
    assert attachment.reading_blob == attachment.blob


@override_settings(DOCUMENT_CHECK_MAX_OBJECTS=50)
def test_pdf_budget_comes_from_settings(client_for, court, applicant):  # issue 10: budgets
    client, filing_id = _draft(client_for, court, applicant)
    data = samples.many_objects_pdf(200)
    response = upload(client, filing_id, SimpleUploadedFile("big.pdf", data), "Үлкен")
    attachment = Attachment.objects.get(pk=response.json()["id"])
    assert attachment.status == AttachmentStatus.INVALID
    assert [error["code"] for error in attachment.errors] == ["corrupt"]
    # The API keeps its shape ({code, message}) and says why, in the request's language.
    shown = client.get(
        f"/api/v1/filings/{filing_id}/attachments/{attachment.pk}/", HTTP_ACCEPT_LANGUAGE="ru"
    ).json()["errors"]
    assert shown == [{"code": "corrupt", "message": REASON_MESSAGES["too_complex"]["ru"]}]
