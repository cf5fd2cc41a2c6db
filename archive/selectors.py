"""Reads of the archive that need permission or are not trivial (STYLE "selectors")."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from registry.models import Case
from sotkabinet.accounts.access import court_ids_of
from sotkabinet.accounts.models import Role, User
from sotkabinet.courts.calendar import archive_transfer_date
from sotkabinet.courts.services import calendar_for, court_today

from .models import ArchiveTransfer

# R-ARC-3: three working days are never fewer than three calendar days; cheap pre-filter.
_MIN_CALENDAR_DAYS = 3


def transfer_detail(pk: int) -> ArchiveTransfer | None:
    return (
        ArchiveTransfer.objects.select_related("case", "case__judge", "court").filter(pk=pk).first()
    )


def transfers_visible_to(user: User) -> QuerySet[ArchiveTransfer]:
    """Archives the user may read (see policies.py); attorneys see theirs through the card."""
    archivist_courts = court_ids_of(user, [Role.ARCHIVIST])
    return (
        ArchiveTransfer.objects.filter(
            Q(case__judge=user)
            | Q(case__secretary=user)
            | Q(court_id__in=archivist_courts)
            | Q(case__participants__user=user)
        )
        .select_related("case", "court")
        .distinct()
        .order_by("-transferred_at", "-pk")
    )


def cases_due_for_transfer(*, court_ids: set[int] | None = None) -> list[tuple[Case, date]]:
    """Cases in legal force, not archived, whose transfer day (R-ARC-3) has come in their
    court's calendar: [(case, allowed_from)], oldest legal force first."""
    cutoff = timezone.localdate() - timedelta(days=_MIN_CALENDAR_DAYS)
    queryset = Case.objects.filter(
        legal_force_date__isnull=False, legal_force_date__lte=cutoff, archived_at__isnull=True
    ).select_related("court", "secretary")
    if court_ids is not None:
        queryset = queryset.filter(court_id__in=court_ids)
    due = []
    for case in queryset.order_by("legal_force_date", "pk").iterator(chunk_size=500):
        allowed_from = archive_transfer_date(case.legal_force_date, calendar_for(case.court))
        if allowed_from <= court_today(case.court):
            due.append((case, allowed_from))
    return due


def disposal_candidates(
    *, court_ids: set[int] | None = None, on: date | None = None
) -> QuerySet[ArchiveTransfer]:
    """Archives whose retention ended before `on` (default today) and not yet disposed
    (R-ARC-1). Permanent storage (no `retention_until`) is never a candidate."""
    on = on or timezone.localdate()
    queryset = ArchiveTransfer.objects.filter(
        retention_until__lt=on, disposed_at__isnull=True
    ).select_related("case", "court")
    if court_ids is not None:
        queryset = queryset.filter(court_id__in=court_ids)
    return queryset.order_by("retention_until", "pk")
