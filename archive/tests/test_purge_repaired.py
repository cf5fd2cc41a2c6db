"""R-DOC-7: a purged cabinet copy takes its repaired reading copy with it (issue 10).

README "Documents we accept": a damaged PDF has a repaired copy beside the original; after six
months both leave the cabinet, while the archive keeps what it archived.
"""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from archive.purge import cabinet_copy_purge
from filings.models import Attachment
from sotkabinet.documents.upload import store_blob


@pytest.fixture(name="purge")
def purge_fixture(django_capture_on_commit_callbacks):
    def run() -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            return cabinet_copy_purge()

    return run


def test_the_repaired_copy_is_purged_with_the_original(archived, case_in_force, purge):
    attachment = Attachment.objects.filter(filing__case=case_in_force).first()
    repaired = store_blob(b"%PDF-1.7\n% repaired reading copy\n%%EOF\n")
    attachment.repaired_blob = repaired.name
    attachment.repaired_sha256 = repaired.sha256
    attachment.repaired_size = repaired.size
    attachment.save()
    assert default_storage.exists(repaired.name)

    assert purge()["purged"] >= 1

    attachment.refresh_from_db()
    assert attachment.purged_at is not None
    assert not default_storage.exists(attachment.blob)
    assert not default_storage.exists(repaired.name)
