"""How the chamber's answers reach the court system (000 п.57-58, SPEC R-ENF-3).

The registration number already travels back in the HTTP answer to the court's dispatch. The
later news (a bailiff assigned, redistributed or reassigned, and the bailiff's own statuses)
is told to the court system through the functions below. This project ships both sides in one
deployment, so they call the court's services directly; they are the only place where the
chamber touches the court's tables. The court's services are idempotent and accept the
distribution arriving before the HTTP answer.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.urls import reverse

from enforcement import services as court
from sotkabinet.accounts.models import User
from sotkabinet.errors import Conflict

from .models import Registration

logger = logging.getLogger(__name__)


def writ_link(registration: Registration) -> str:
    """The court system's cabinet page of the writ, for the bailiff's and chamber's notices."""
    return reverse("enforcement_web:writ_detail", args=[registration.source_writ_id])


def report_distribution(registration: Registration, bailiff: User | None, note: str) -> None:
    """Tell the court who holds the writ now (None: waiting for redistribution)."""
    try:
        with transaction.atomic():
            court.writ_record_distribution(
                writ_id=registration.source_writ_id,
                writ_number=registration.writ_number,
                enforcement_number=registration.number,
                registered_at=registration.registered_at,
                bailiff=bailiff,
                note=note,
            )
    except Conflict as error:
        # The court's copy moved on (e.g. a status the chamber has not seen yet). The chamber's
        # decision stands; the court keeps its own history. Logged for the operators.
        logger.error(
            "registration %s: the court system refused the distribution: %s",
            registration.pk,
            error,
        )


def report_bailiff_status(
    registration: Registration, bailiff: User, status: str, note: str
) -> None:
    """Tell the court the bailiff's status (000 п.58). A refusal there undoes the report."""
    court.writ_record_bailiff_status(
        writ_id=registration.source_writ_id,
        writ_number=registration.writ_number,
        bailiff=bailiff,
        status=status,
        note=note,
    )
