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
