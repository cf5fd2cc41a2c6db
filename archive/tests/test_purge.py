"""R-DOC-7: applicants' cabinet copies older than six months are purged; archive items and
anything a case still needs are never touched (archive.purge)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from archive.audit import audit_transfer
from archive.purge import cabinet_copy_purge
from archive.storage import stored_digest
from archive.tasks import cabinet_copy_purge_task
from filings.models import Attachment, FilingStatus
from registry.models import Act
from sotkabinet.core.models import AuditLog

from .conftest import add_filing, make_case

OLD = timedelta(days=200)


@pytest.fixture(name="purge")
def purge_fixture(django_capture_on_commit_callbacks):
    """Run the purge and its after-commit file removals (the test's transaction never commits)."""

    def run(task: bool = False) -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            return cabinet_copy_purge_task.delay().get() if task else cabinet_copy_purge()

    return run


def cabinet_has(attachment: Attachment) -> bool:
    return default_storage.exists(attachment.blob)


def test_archived_case_copies_are_purged_and_the_archive_stays_intact(
    archived, case_in_force, purge
):
    """GIVEN a case in the archive whose cabinet copies are older than six months
    WHEN the purge job runs THEN the cabinet copies go, and every archive item is still
    there with its hash (the audit passes)."""
    attachments = list(Attachment.objects.filter(filing__case=case_in_force))
    assert all(cabinet_has(a) for a in attachments)

    assert purge(task=True) == {"purged": len(attachments)}

    for attachment in attachments:
        attachment.refresh_from_db()
        assert attachment.purged_at is not None
        assert not cabinet_has(attachment)
        item = archived.items.get(sha256=attachment.sha256)
        assert stored_digest(item.sha256) == (item.sha256, item.size)
    assert audit_transfer(archived, trigger="test")["ok"] is True
    assert AuditLog.objects.filter(action="filings.attachment.purge").count() == len(attachments)


def test_an_open_case_keeps_its_copies(case_in_force, purge):
    """Not archived yet: the case still needs its files (they have to be archived from them)."""
    assert purge() == {"purged": 0}
    assert all(
        a.purged_at is None and cabinet_has(a)
        for a in Attachment.objects.filter(filing__case=case_in_force)
    )


@pytest.mark.parametrize(
    ("status", "age", "purged"),
    [
        (FilingStatus.REJECTED, OLD, True),
        (FilingStatus.NOT_RECEIVED, OLD, True),
        (FilingStatus.REJECTED, timedelta(days=30), False),  # younger than six months
        (FilingStatus.DRAFT, OLD, False),  # the applicant's work in progress
        (FilingStatus.RECEIVED, OLD, False),  # awaiting the court
    ],
)
def test_filings_no_case_needs(court, judge, secretary, party, ecp, purge, status, age, purged):
    case = make_case(court, judge, secretary, party)
    filing = add_filing(case, party, ecp, submitted_at=timezone.now() - age)
    filing.status = status
    filing.case = None
    filing.save(update_fields=["status", "case"])
    attachment = filing.attachments.get()
    purge()
    attachment.refresh_from_db()
    assert (attachment.purged_at is not None) is purged
    assert cabinet_has(attachment) is not purged


def test_a_file_another_record_needs_is_kept(court, judge, secretary, party, ecp, purge):
    """The row is marked purged, but the content-addressed file stays while a judicial act
    (or another unpurged attachment) points at the same blob."""
    case = make_case(court, judge, secretary, party)
    filing = add_filing(case, party, ecp, submitted_at=timezone.now() - OLD)
    filing.status = FilingStatus.REJECTED
    filing.save(update_fields=["status"])
    attachment = filing.attachments.get()
    Act.objects.create(
        case=case,
        kind="ruling",
        title="Ұйғарым",
        date=timezone.localdate(),
        blob=attachment.blob,
        filename="ruling.pdf",
        detected_format="pdf",
        size=attachment.size,
        sha256=attachment.sha256,
        created_by=judge,
    )
    purge()
    attachment.refresh_from_db()
    assert attachment.purged_at is not None
    assert cabinet_has(attachment)


def test_purge_twice_is_harmless(archived, case_in_force, purge):
    first = purge()
    assert first["purged"] > 0
    assert purge() == {"purged": 0}
    assert audit_transfer(archived, trigger="test")["ok"] is True
