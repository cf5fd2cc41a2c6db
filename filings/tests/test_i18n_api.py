"""The documents' issue texts (sotkabinet.documents MESSAGES) leave the API in the request's
language (Accept-Language); the codes stay the API contract (docs/conventions.md "Attachments")."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from .conftest import filing_body, upload

pytestmark = pytest.mark.django_db(transaction=True)

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 512


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ru", "Недопустимый формат файла. Загрузите PDF, DOC, DOCX, XLS или XLSX."),
        ("kk", "Бұл файл форматына рұқсат етілмейді. PDF, DOC, DOCX, XLS немесе XLSX жүктеңіз."),
        ("en", "This file format is not allowed. Upload PDF, DOC, DOCX, XLS or XLSX."),
    ],
)
def test_attachment_issue_message_in_the_request_language(
    client_for, court, applicant, language, text
):
    """SPEC R-DOC-1: an .exe named .pdf is refused; the message is in the caller's language."""
    client = client_for(applicant)
    filing = client.post("/api/v1/filings/", filing_body(court), format="json").json()
    exe = SimpleUploadedFile("шарт.pdf", EXE, "application/pdf")
    response = upload(client, filing["id"], exe, "Шарт", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code in (201, 400)
    attachment = client.get(
        f"/api/v1/filings/{filing['id']}/", HTTP_ACCEPT_LANGUAGE=language
    ).json()["attachments"][0]
    assert attachment["status"] == "invalid"
    assert attachment["errors"][0] == {"code": "format_not_allowed", "message": text}
