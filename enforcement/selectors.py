"""Reads of the court's side that need permission: the writs a user may see (docs/api.md)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sotkabinet.accounts.access import chamber_region, court_ids_of
from sotkabinet.accounts.models import User

from .models import OutboxMessage, Writ
from .policies import COURT_ONLY_STATUSES


def writ_detail(writ_id: int) -> Writ | None:
    return (
        Writ.objects.select_related(
            "act",
            "case",
            "case__judge",
            "court",
            "bailiff",
            "debtor_district",
            "judge_signer",
            "secretary_signer",
        )
        .prefetch_related("events")
        .filter(pk=writ_id)
        .first()
    )


def writs_visible_to(user: User) -> QuerySet[Writ]:
    """The writs ``user`` may see: the same rule as ``policies.writ_policy`` "view"."""
    if not user.is_authenticated:
        return Writ.objects.none()
    issued = ~Q(status__in=COURT_ONLY_STATUSES)
    visible = (
        Q(case__judge=user)
        | Q(case__secretary=user)
        | Q(court_id__in=court_ids_of(user))
        | Q(bailiff=user)
        | (issued & Q(case__participants__user=user))
    )
    region = chamber_region(user)
    if region is not None:  # the chamber: writs of its own region only (issue 9)
        visible |= issued & Q(debtor_district__region=region)
    return (
        Writ.objects.filter(visible)
        .distinct()
        .select_related("act", "case", "court", "bailiff")
        .order_by("-created_at", "-id")
    )


def latest_outbox_message(writ: Writ) -> OutboxMessage | None:
    return writ.outbox_messages.order_by("-created_at", "-id").first()
