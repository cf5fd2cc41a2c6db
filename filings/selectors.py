"""Reads of the filing flow that depend on who asks (STYLE "selectors")."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from sotkabinet.core.models import Notification

from .models import Filing, FilingEvent


def filings_visible_to(user, *, status: str | None = None) -> QuerySet[Filing]:
    """My cases (R-FIL-8): filings the user made, and those made on the user's behalf.

    The author (the applicant or their attorney) and the principal see a filing; newest first.
    """
    if not user.is_authenticated:
        return Filing.objects.none()
    filings = Filing.objects.filter(Q(author=user) | Q(principal=user))
    if status:
        filings = filings.filter(status=status)
    return filings.select_related(
        "court", "author", "principal", "case", "case__judge"
    ).prefetch_related("payments")  # the duty's `paid` (issue 9), without a query per filing


def filing_detail(filing_id: int) -> Filing | None:
    """One filing with everything its detail view shows, or None. Access is the caller's check."""
    return (
        Filing.objects.select_related(
            "court", "author", "principal", "power", "case", "case__judge"
        )
        .prefetch_related(
            "attachments",
            "payments",  # the duty's `paid` (issue 9)
            Prefetch("events", queryset=FilingEvent.objects.order_by("at", "id")),
        )
        .filter(pk=filing_id)
        .first()
    )


def notifications_for(user) -> QuerySet[Notification]:
    """The user's notices (R-FIL-12), newest first."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")
