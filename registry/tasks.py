"""Registry background jobs: the deadline sweep behind the clerks' reminders (SPEC R-REG-3)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError
from django.db.models import Q
from django.utils import timezone

from filings.models import Filing, FilingStatus

from .services import filing_deadline_check

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(OperationalError, ConnectionError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    time_limit=600,
    soft_time_limit=540,
    acks_late=True,
)
def registry_deadline_sweep() -> dict[str, int]:
    """Remind clerks of received filings two working hours before the deadline, and escalate
    overdue ones to the court chairman (R-REG-3). Run by beat every few minutes.

    Safe to run twice or concurrently: each filing is checked under its row lock and marked
    (`reminded_at`, `escalated_at`) in the same transaction as its notices.
    """
    now = timezone.now()
    # Only filings that may need something now: not yet escalated and overdue, or not yet
    # reminded and still before the deadline (the service decides "two working hours").
    pending = (
        Filing.objects.filter(status=FilingStatus.RECEIVED)
        .filter(
            Q(escalated_at__isnull=True, registration_deadline__lte=now)
            | Q(reminded_at__isnull=True, registration_deadline__gt=now)
        )
        .order_by("registration_deadline")
        .values_list("pk", flat=True)
    )
    counts = {"reminded": 0, "escalated": 0}
    for filing_id in pending.iterator():
        outcome = filing_deadline_check(filing_id=filing_id, now=now)
        if outcome is not None:
            counts[outcome] += 1
    if any(counts.values()):
        logger.info("registry deadline sweep: %s", counts)
    return counts
