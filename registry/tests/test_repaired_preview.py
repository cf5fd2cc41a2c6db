"""The clerk's card shows a damaged PDF's repaired copy; the download is the signed original.

README "Documents we accept" (issue 10): the repaired copy is what the court reads, the original
is what was signed (R-ECP-1) and stays the file of record.
"""

from __future__ import annotations

import pytest
from django.test import Client

from registry.tests.conftest import pdf_document
from sotkabinet.core.models import AuditLog
from sotkabinet.documents.upload import store_blob

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/registry/incomingfiling/"


@pytest.fixture
def desk(clerk) -> Client:
    client = Client()
    client.force_login(clerk)
    return client


def test_preview_serves_the_repaired_copy_and_download_the_original(desk, make_filing):
    original = pdf_document("signed original")
    filing = make_filing(documents=[original])
    attachment = filing.attachments.get()
    repaired = store_blob(pdf_document("repaired reading copy"))
    attachment.repaired_blob = repaired.name
    attachment.repaired_sha256 = repaired.sha256
    attachment.repaired_size = repaired.size
    attachment.save()
    base = f"{CHANGELIST}{filing.pk}/attachments/{attachment.pk}"

    preview = desk.get(f"{base}/preview/")
    assert preview.status_code == 200
    assert b"".join(preview.streaming_content) == pdf_document("repaired reading copy")
    assert AuditLog.objects.get(action="attachment.preview").data["repaired"] is True

    download = desk.get(f"{base}/download/")
    assert b"".join(download.streaming_content) == original


@pytest.mark.parametrize(
    ("language", "label", "original_label"),
    [
        ("kk", "Түзетілген көшірме", "түпнұсқа (қол қойылған)"),
        ("ru", "Исправленная копия", "оригинал (подписан)"),
        ("en", "Repaired copy", "original (signed)"),
    ],
)
def test_card_says_the_preview_is_a_repaired_copy_with_both_hashes(
    desk, make_filing, language, label, original_label
):
    """Issue 10: the clerk knows the preview is the portal's repaired copy, not the signed file,
    and sees both hashes: the original (signed) and the repaired copy."""
    filing = make_filing(documents=[pdf_document("signed original")])
    attachment = filing.attachments.get()
    repaired = store_blob(pdf_document("repaired reading copy"))
    attachment.repaired_blob = repaired.name
    attachment.repaired_sha256 = repaired.sha256
    attachment.repaired_size = repaired.size
    attachment.save()

    html = desk.get(f"{CHANGELIST}{filing.pk}/change/", HTTP_ACCEPT_LANGUAGE=language)
    text = html.content.decode()
    assert html.status_code == 200
    assert label in text
    assert original_label in text
    assert attachment.sha256 in text
    assert repaired.sha256 in text
    assert attachment.sha256 != repaired.sha256


def test_card_of_an_unrepaired_pdf_has_no_repaired_label(desk, make_filing):
    filing = make_filing(documents=[pdf_document("signed original")])
    text = desk.get(f"{CHANGELIST}{filing.pk}/change/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Repaired copy" not in text
    assert "original (signed)" not in text
