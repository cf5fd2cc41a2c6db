"""R-DOC-7: applicants' cabinet copies are kept at most six months; the court's copy lives in the
archive (R-ARC-*).

The rule (what is purged, what is kept):

- only `filings.Attachment` files in the cabinet's storage (`default_storage`), uploaded more
  than `settings.CABINET_COPY_RETENTION_DAYS` ago and not purged yet;
- purged when nothing the court does still needs the file:
  * the filing was refused (`rejected`) or never received (`not_received`): no case uses it;
  * the filing was registered and its case has been transferred to the archive, which holds
    the court's own copy (copied and hash-checked at transfer);
- kept otherwise: drafts (still the applicant's work in progress), filings awaiting the court
  (`submitted`, `received`) and registered filings whose case is not archived yet (the case is
  open and its materials still have to be archived from these files);
- the file itself is removed only when no other record still points at the same
  content-addressed blob (another unpurged attachment, a judicial act, a power of attorney's
  head order); the attachment is marked `purged_at` either way;
- archive storage (`STORAGES["archive"]`) is never touched: this module does not import it.

Safe to run twice or concurrently: each attachment is re-read under its row lock, and a file
is deleted after commit only if it is still unreferenced.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from filings.models import Attachment, FilingStatus, PowerOfAttorney
from registry.models import Act
from sotkabinet.core.services import audit

logger = logging.getLogger(__name__)

NOT_NEEDED_STATUSES = (FilingStatus.REJECTED, FilingStatus.NOT_RECEIVED)


def purgeable_attachments(now: datetime | None = None):
    """Attachments whose cabinet copy may go (module docstring), oldest first."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CABINET_COPY_RETENTION_DAYS)
    return (
        Attachment.objects.filter(purged_at__isnull=True, created_at__lt=cutoff)
        .filter(
            Q(filing__status__in=NOT_NEEDED_STATUSES)
            | Q(
                filing__status=FilingStatus.REGISTERED,
                filing__case__archived_at__isnull=False,
                filing__case__archive_transfer__isnull=False,
            )
        )
        .order_by("created_at", "pk")
    )


def blob_still_referenced(blob: str) -> bool:
    """Another record still needs this content-addressed file."""
    return (
        Attachment.objects.filter(blob=blob, purged_at__isnull=True).exists()
        or Attachment.objects.filter(repaired_blob=blob, purged_at__isnull=True).exists()
        or Act.objects.filter(blob=blob).exists()
        or PowerOfAttorney.objects.filter(head_order_blob=blob).exists()
    )


def _delete_if_unreferenced(blob: str) -> bool:
    if blob_still_referenced(blob):
        return False
    default_storage.delete(blob)
    return True


def attachment_purge(attachment_id: int, *, now: datetime | None = None) -> bool:
    """Purge one cabinet copy if it is still purgeable. True if it was marked purged."""
    now = now or timezone.now()
    with transaction.atomic():
        attachment = (
            purgeable_attachments(now).select_for_update(of=("self",)).filter(pk=attachment_id)
        ).first()
        if attachment is None:
            return False
        attachment.purged_at = now
        attachment.save(update_fields=["purged_at"])
        audit(
            None,
            "filings.attachment.purge",
            attachment,
            filing=attachment.filing_id,
            sha256=attachment.sha256,
            rule="R-DOC-7",
        )
        transaction.on_commit(partial(_delete_if_unreferenced, attachment.blob))
        if attachment.repaired_blob:  # the repaired reading copy goes with it (R-DOC-7)
            transaction.on_commit(partial(_delete_if_unreferenced, attachment.repaired_blob))
    return True


def cabinet_copy_purge(*, now: datetime | None = None, limit: int | None = None) -> dict[str, int]:
    """Purge every purgeable cabinet copy (up to `limit`); return the counts."""
    now = now or timezone.now()
    ids = purgeable_attachments(now).values_list("pk", flat=True)
    if limit is not None:
        ids = ids[:limit]
    purged = sum(1 for attachment_id in list(ids) if attachment_purge(attachment_id, now=now))
    if purged:
        logger.info("R-DOC-7 purge: %s cabinet copies removed", purged)
    return {"purged": purged}
