"""Background work of the filing flow: file checks, the worker stage of submit, talons, sweeping.

Thin tasks (STYLE "Celery tasks"): they take ids, load, and call a service. Every task checks the
current state first, so running it twice (a redelivery after a worker crash, a sweeper re-queue)
is harmless, and a row that is gone ends the task quietly. Retries only for transient errors;
a bad file or a bad signature is a status with a reason, never a retry loop.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import requests
from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import OperationalError as DatabaseOperationalError
from django.utils import timezone

from . import services
from .models import Attachment, AttachmentStatus, Filing, FilingStatus, Proceeding

logger = logging.getLogger(__name__)

# Named transient failures: a locked or restarting database, a network hiccup (CRL fetch).
TRANSIENT_ERRORS = (
    DatabaseOperationalError,
    ConnectionError,
    TimeoutError,
    requests.ConnectionError,
    requests.Timeout,
)
# A task is re-queued by the sweeper once it has been waiting this long ...
STUCK_AFTER = timedelta(minutes=1)
# ... and not again within this window, so a long backlog is not flooded with duplicates.
REQUEUE_EVERY_SECONDS = 300
SWEEP_BATCH = 500

_reliable = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 10,
}


@shared_task(**_reliable, soft_time_limit=120, time_limit=150)
def attachment_validate(attachment_id: int) -> str | None:
    """Validate one pending attachment's file (R-DOC-1..5) and record valid / invalid.

    The format comes from the content; JPEG only in criminal proceedings (R-DOC-1); the size
    limit follows the proceeding (R-DOC-3); a name with nothing usable is `name_invalid`.
    Safe to run twice: an attachment that is no longer pending is left alone.
    """
    from sotkabinet.documents.filenames import filename_issue
    from sotkabinet.documents.issues import CRIMINAL_ALLOWED_FORMATS, DEFAULT_ALLOWED_FORMATS
    from sotkabinet.documents.upload import pdf_budget, store_blob
    from sotkabinet.documents.validation import validate_file

    attachment = Attachment.objects.select_related("filing").filter(pk=attachment_id).first()
    if attachment is None or attachment.status != AttachmentStatus.PENDING:
        return None
    filing = attachment.filing
    criminal = filing.proceeding == Proceeding.CRIMINAL
    name_issue = filename_issue(attachment.original_filename)
    repaired = None
    with (
        _blob_on_disk(attachment.blob) as path,
        tempfile.TemporaryDirectory(dir=settings.FILE_UPLOAD_TEMP_DIR) as workdir,
    ):
        repaired_path = os.path.join(workdir, "repaired.pdf")
        result = validate_file(
            path,
            allowed_formats=CRIMINAL_ALLOWED_FORMATS if criminal else DEFAULT_ALLOWED_FORMATS,
            max_size=services.attachment_max_bytes(filing),
            pdf_budget=pdf_budget(),
            repaired_path=repaired_path,
        )
        if result.ok and name_issue is None and result.repaired is not None:
            # README "Documents we accept": keep the repaired copy beside the signed original.
            repaired = store_blob(repaired_path, sha256=result.repaired.sha256)
    errors = [issue.as_dict() for issue in result.errors]
    if name_issue is not None:
        errors.append(name_issue.as_dict())
    saved = services.attachment_record_validation(
        attachment_id=attachment.pk,
        detected_format=result.detected_format,
        errors=errors,
        warnings=[issue.as_dict() for issue in result.warnings],
        repaired=repaired,
    )
    return saved.status if saved is not None else None


@contextmanager
def _blob_on_disk(name: str) -> Iterator[str]:
    """A path to the blob for the validator: the storage's own file, or a spooled copy (S3)."""
    from sotkabinet.documents.upload import open_blob

    try:
        path = default_storage.path(name)
    except NotImplementedError:
        path = None
    if path is not None:
        yield path
        return
    with tempfile.NamedTemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR, suffix=".blob") as copy:
        with open_blob(name) as blob:
            for chunk in blob.chunks():
                copy.write(chunk)
        copy.flush()
        yield copy.name


@shared_task(**_reliable, soft_time_limit=120, time_limit=150)
def filing_verify(filing_id: int) -> str | None:
    """The worker stage of submit: full ЭЦҚ verification and files → received / not_received.

    SPEC R-ECP-1, R-ECP-2, R-REG-1. Safe to run twice: only a `submitted` filing is checked.
    """
    filing = services.filing_verify_now(filing_id)
    return filing.status if filing is not None else None


@shared_task(**_reliable, soft_time_limit=60, time_limit=90)
def talon_render(filing_id: int) -> str | None:
    """Render the talon PDF once and keep it in storage (R-FIL-7). Safe to run twice."""
    from .talon import render_talon_pdf

    filing = Filing.objects.select_related("court").filter(pk=filing_id).first()
    if filing is None or filing.status == FilingStatus.DRAFT:
        return None
    if filing.talon_pdf:
        return filing.talon_pdf
    try:
        return services.filing_store_talon(filing_id=filing.pk, pdf=render_talon_pdf(filing))
    finally:
        cache.delete(talon_lock_key(filing.pk))


def talon_lock_key(filing_id: int) -> str:
    return f"filings:talon-rendering:{filing_id}"


def _requeue(task, pk: int, kind: str) -> bool:
    """Queue `task(pk)` unless it was re-queued recently; False if the broker is unreachable."""
    key = f"filings:requeued:{kind}:{pk}"
    if cache.get(key) is not None:
        return False
    if services.dispatch(task, pk):
        cache.set(key, 1, REQUEUE_EVERY_SECONDS)
        return True
    return False


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60, ignore_result=True)
def filings_sweep() -> dict[str, int]:
    """Re-queue work stuck in an intermediate state (R-ECP-3: never lose a filing).

    Attachments `pending` and filings `submitted` for over a minute get their task queued again:
    the message may have been lost (broker down at commit, a purged queue). Tasks are idempotent,
    so a duplicate costs one status check. Beat runs this every minute (filings.schedule).
    """
    cutoff = timezone.now() - STUCK_AFTER
    attachments = Attachment.objects.filter(
        status=AttachmentStatus.PENDING, created_at__lt=cutoff
    ).values_list("pk", flat=True)[:SWEEP_BATCH]
    filings = Filing.objects.filter(
        status=FilingStatus.SUBMITTED, submitted_at__lt=cutoff
    ).values_list("pk", flat=True)[:SWEEP_BATCH]
    counts = {
        "attachments": sum(_requeue(attachment_validate, pk, "attachment") for pk in attachments),
        "filings": sum(_requeue(filing_verify, pk, "filing") for pk in filings),
    }
    if any(counts.values()):
        logger.info("Sweeper re-queued %s", counts)
    return counts
