"""Shared by the archive's services: ledger appends, logged access, who the court's people are.

Ledger appends (`ledger_append`) are serialised per archive by `select_for_update` on the
archive row, which holds the chain head (length + last hash); the unique (archive, seq)
constraint rules out a fork even if that were bypassed. SPEC R-ARC-2.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from registry.models import Case
from sotkabinet.accounts.access import has_role
from sotkabinet.accounts.models import Membership, Role, User
from sotkabinet.core.services import audit

from ..ledger import GENESIS, entry_hash
from ..models import ArchiveTransfer, LedgerEntry

# -- ledger ---------------------------------------------------------------------------------------


def _json_safe(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload exactly as the JSON column will give it back (so the hash survives a read)."""
    return json.loads(json.dumps(payload, ensure_ascii=False, default=str))


def ledger_append(transfer_id: int, kind: str, payload: dict[str, Any]) -> LedgerEntry:
    """Append one entry to an archive's chain (archive.ledger). Joins the caller's transaction.

    The archive row is locked for the append, so concurrent appends queue and never fork.
    """
    payload = _json_safe(payload)
    with transaction.atomic():
        head = (
            ArchiveTransfer.objects.select_for_update()
            .only("pk", "ledger_length", "ledger_head")
            .get(pk=transfer_id)
        )
        seq = head.ledger_length + 1
        prev_hash = head.ledger_head or GENESIS
        at = timezone.now()
        digest = entry_hash(prev_hash, transfer_id, seq, at, kind, payload)
        entry = LedgerEntry.objects.create(
            transfer_id=transfer_id,
            seq=seq,
            at=at,
            kind=kind,
            payload=payload,
            prev_hash=prev_hash,
            hash=digest,
        )
        ArchiveTransfer.objects.filter(pk=transfer_id).update(ledger_length=seq, ledger_head=digest)
    return entry


def record_access(user: User | None, transfer: ArchiveTransfer, kind: str, **details) -> None:
    """Log an access-relevant event (R-ARC-2 "every read and download is logged"): a ledger
    entry and an audit row, together."""
    with transaction.atomic():
        entry = ledger_append(
            transfer.pk, kind, {"by": getattr(user, "login", "") or "", **details}
        )
        audit(user, f"archive.{kind}", transfer, ledger_seq=entry.seq, **details)


# -- people ---------------------------------------------------------------------------------------


def archivists_of(court_id: int) -> list[User]:
    return list(
        User.objects.filter(
            memberships__role=Role.ARCHIVIST, memberships__court_id=court_id, is_active=True
        ).distinct()
    )


def secretaries_for(case: Case) -> list[User]:
    """Who is told a case is due for transfer: its secretary, else the court's secretaries."""
    if case.secretary_id is not None:
        return [case.secretary]
    ids = Membership.objects.filter(role=Role.SECRETARY, court_id=case.court_id).values_list(
        "user_id", flat=True
    )
    return list(User.objects.filter(pk__in=ids, is_active=True))


def is_archivist_of(user: User, transfer: ArchiveTransfer) -> bool:
    return has_role(user, Role.ARCHIVIST, transfer.court_id)
