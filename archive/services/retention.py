"""Retention (SPEC R-ARC-1, 000 п.60) and disposal acts: nothing leaves the archive without one."""

from __future__ import annotations

from datetime import date
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import Case
from sotkabinet.accounts.models import User
from sotkabinet.core.services import audit
from sotkabinet.courts.services import court_today
from sotkabinet.errors import Conflict, DomainError, Forbidden

from .. import storage
from ..models import (
    DISPOSAL_KEEPS,
    ArchiveItem,
    ArchiveTransfer,
    DisposalAct,
    LedgerKind,
    RetentionRule,
)
from .common import is_archivist_of, ledger_append

# -- retention ------------------------------------------------------------------------------------


def retention_rule_for(case: Case) -> RetentionRule | None:
    """The most specific active rule for the case's proceeding and category (models docstring)."""
    rules = RetentionRule.objects.filter(
        is_active=True,
        proceeding__in=[case.proceeding, ""],
        category__in=[case.category, ""],
    )
    ranked = sorted(rules, key=lambda rule: (bool(rule.proceeding), bool(rule.category)))
    return ranked[-1] if ranked else None


def retention_until(legal_force_date: date, years: int | None) -> date | None:
    """Last day of storage: the period runs from 1 January of the year after the case ended
    (the year of legal force), as for paper files (000 п.60). None = permanent."""
    if years is None:
        return None
    return date(legal_force_date.year + years, 12, 31)


# -- disposal (R-ARC-1) ---------------------------------------------------------------------------


def disposal_check(*, acting_user: User, transfer: ArchiveTransfer) -> None:
    """Raise unless `acting_user` may dispose of `transfer` now (see disposal_act_create)."""
    if not is_archivist_of(acting_user, transfer):
        raise Forbidden()
    if transfer.disposed_at is not None:
        raise Conflict("already_disposed")
    today = court_today(transfer.court)
    if transfer.retention_until is None or transfer.retention_until >= today:
        raise Conflict(
            "retention_not_expired",
            details={
                "retention_until": transfer.retention_until.isoformat()
                if transfer.retention_until
                else None
            },
        )


def disposal_act_create(
    *, acting_user: User, transfer: ArchiveTransfer, reason: str
) -> DisposalAct:
    """Dispose of an archive whose retention period has run out, by an explicit logged act.

    Only an archivist of the court (403 otherwise). 409 `retention_not_expired` for permanent
    storage or before `retention_until` has passed; 409 `already_disposed` the second time.
    The materials are removed from archive storage after commit, except the inventory, its
    signature and the evidence (DISPOSAL_KEEPS), which stay as the record of what was held; a
    file another archive still holds is kept. The ledger gets a `disposal` entry first.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("invalid", details={"reason": [_("A disposal needs a reason.")]})
    with transaction.atomic():
        transfer = (
            ArchiveTransfer.objects.select_for_update().select_related("case").get(pk=transfer.pk)
        )
        disposal_check(acting_user=acting_user, transfer=transfer)
        items = list(
            transfer.items.filter(disposed_at__isnull=True).exclude(kind__in=DISPOSAL_KEEPS)
        )
        entry = ledger_append(
            transfer.pk,
            LedgerKind.DISPOSAL,
            {
                "by": acting_user.login,
                "reason": reason,
                "basis": transfer.retention_basis,
                "items": [{"item": item.pk, "sha256": item.sha256} for item in items],
            },
        )
        now = timezone.now()
        act = DisposalAct.objects.create(
            transfer=transfer,
            decided_by=acting_user,
            reason=reason,
            basis=transfer.retention_basis,
            created_at=now,
            items_disposed=len(items),
            ledger_seq=entry.seq,
        )
        for item in items:
            item.disposed_at = now
            item.save(update_fields=["disposed_at"])
        ArchiveTransfer.objects.filter(pk=transfer.pk).update(disposed_at=now)
        audit(acting_user, "archive.disposal", transfer, reason=reason, items=len(items))
        hashes = sorted({item.sha256 for item in items})
        transaction.on_commit(partial(_delete_unreferenced, hashes))
    return act


def _delete_unreferenced(hashes: list[str]) -> None:
    """Remove disposed files that no archive still holds (after the disposal committed)."""
    kept = set(
        ArchiveItem.objects.filter(sha256__in=hashes, disposed_at__isnull=True).values_list(
            "sha256", flat=True
        )
    )
    for sha256 in hashes:
        if sha256 not in kept:
            storage.delete(sha256)
