"""issue 10: an empty file is an upload with a problem, not bad input.

An upload answers 201 with the attachment and its problems in `errors` (docs/conventions.md
"Attachments"); the code `empty` exists for this (R-DOC-2). The serializer used to refuse it
with 400 before it was stored.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from filings.models import Attachment, AttachmentStatus

from .conftest import filing_body, upload


@pytest.fixture
def draft(client_for, court, applicant):
    client = client_for(applicant)
    response = client.post("/api/v1/filings/", filing_body(court), format="json")
    assert response.status_code == 201, response.content
    return client, response.json()["id"]


def assert_empty_attachment(response) -> None:
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == AttachmentStatus.INVALID
    assert [error["code"] for error in body["errors"]] == ["empty"]
    assert all(error["message"] for error in body["errors"])
    assert body["size"] == 0
    assert Attachment.objects.filter(pk=body["id"], status=AttachmentStatus.INVALID).exists()


@pytest.mark.django_db
def test_an_empty_file_is_a_201_attachment_with_the_empty_error(draft):
    client, filing_id = draft
    response = upload(
        client, filing_id, SimpleUploadedFile("blank.pdf", b"", "application/pdf"), "Blank"
    )
    assert_empty_attachment(response)


@pytest.mark.django_db
def test_an_empty_bank_receipt_is_a_201_attachment_with_the_empty_error(draft):
    client, filing_id = draft
    response = client.post(
        f"/api/v1/filings/{filing_id}/receipts/",
        {"file": SimpleUploadedFile("chek.pdf", b"", "application/pdf"), "code": "EMPTY-1"},
        format="multipart",
    )
    assert_empty_attachment(response)
    assert response.json()["kind"] == "duty_receipt"
