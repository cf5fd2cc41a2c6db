"""Archive background jobs (thin: load, call a service). Beat entries are in schedule.py.

- `archive_due_sweep`: cases whose transfer day has come (R-ARC-3) are listed for the
  secretaries, by a notice at most once a week per case until the case is transferred;
- `archive_integrity_sweep`: the nightly integrity audit of every archive (R-ARC-2);
- `cabinet_copy_purge_task`: the R-DOC-7 purge of applicants' cabinet copies (archive.purge).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from sotkabinet.core.models import Notification
from sotkabinet.core.services import Text, notify
from sotkabinet.core.timefmt import LocalDate

from .audit import audit_archives, least_recently_audited
from .purge import cabinet_copy_purge
from .selectors import cases_due_for_transfer
from .services import secretaries_for

logger = logging.getLogger(__name__)

DUE_NOTICE_KIND = "archive_due"
DUE_REMINDER_EVERY = timedelta(days=7)

_RETRY = {
    "autoretry_for": (OperationalError, ConnectionError),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
}


@shared_task(time_limit=900, soft_time_limit=840, **_RETRY)
def archive_due_sweep() -> dict[str, int]:
    """Tell the secretaries which cases are due for transfer (R-ARC-3). Safe to repeat: a
    case already noticed within a week is skipped."""
    since = timezone.now() - DUE_REMINDER_EVERY
    sent = 0
    for case, allowed_from in cases_due_for_transfer():
        if Notification.objects.filter(
            kind=DUE_NOTICE_KIND, case_id=case.pk, created_at__gte=since
        ).exists():
            continue
        with transaction.atomic():
            for secretary in secretaries_for(case):
                notify(
                    secretary,
                    DUE_NOTICE_KIND,
                    Text(
                        gettext_lazy(
                            "Case %(number)s is due for transfer to the archive (from %(date)s, "
                            "R-ARC-3). The judge signs the inventory; you transfer it."
                        ),
                        number=case.number,
                        date=LocalDate(allowed_from),
                    ),
                    link=f"/api/v1/cases/{case.pk}/inventory/",
                    case_id=case.pk,
                )
                sent += 1
    return {"notified": sent}


@shared_task(time_limit=6 * 3600, soft_time_limit=6 * 3600 - 120, **_RETRY)
def archive_integrity_sweep() -> dict[str, int]:
    """The nightly integrity audit (archive.audit): the ARCHIVE_AUDIT_PER_NIGHT archives audited
    longest ago, so every archive comes round in turn. Breaks are alerted there. Harmless to
    repeat: an audit only reads, and appends its own ledger entry."""
    report = audit_archives(
        trigger="beat", transfer_ids=least_recently_audited(settings.ARCHIVE_AUDIT_PER_NIGHT)
    )
    broken = [archive["id"] for archive in report["archives"] if not archive["ok"]]
    if broken:
        logger.error("Archive integrity audit: breaks in %s", broken)
    return {"audited": len(report["archives"]), "broken": len(broken)}


@shared_task(time_limit=3600, soft_time_limit=3540, **_RETRY)
def cabinet_copy_purge_task() -> dict[str, int]:
    """R-DOC-7: remove applicants' cabinet copies older than six months (archive.purge)."""
    return cabinet_copy_purge()
