"""Plumbing every filings service shares: the transition table, history and notices.

Nothing is lost (SPEC R-ECP-3): a filing is a durable row before any task is queued, and tasks
are queued with the kernel's broker-safe `dispatch_on_commit`; the sweeper
(`tasks.filings_sweep`) re-queues whatever is still pending after a broker outage.
"""

from __future__ import annotations

import logging

from django.urls import reverse

from sotkabinet.core.services import Text, notify
from sotkabinet.errors import Conflict

from ..models import FILING_TRANSITIONS, Filing, FilingEvent

logger = logging.getLogger("filings.services")


def filing_link(filing: Filing) -> str:
    """The cabinet page of a filing: the link every notice about it carries (R-FIL-12)."""
    return reverse("web:filing_detail", args=[filing.pk])


def filing_transition(filing: Filing, target: str, *, actor=None, note: str = "") -> FilingEvent:
    """Move a locked filing to `target` and write its history entry (FILING_TRANSITIONS).

    The caller holds the row lock (select_for_update) and saves the changed fields. A move
    that is not in the table raises 409 `conflict`, never a silent overwrite.
    """
    if target not in FILING_TRANSITIONS[filing.status]:
        raise Conflict("conflict", details={"status": filing.status, "target": str(target)})
    filing.status = target
    return FilingEvent.objects.create(
        filing=filing,
        status=target,
        note=note,
        actor=actor if getattr(actor, "pk", None) else None,
    )


def lock_filing(filing_id: int) -> Filing:
    """The filing row, locked for the rest of the transaction."""
    return (
        # Only the filing row: PostgreSQL refuses FOR UPDATE on the nullable side of the joins.
        Filing.objects.select_for_update(of=("self",))
        .select_related("court", "author", "principal", "power")
        .get(pk=filing_id)
    )


def notify_applicant(filing: Filing, kind: str, text: Text) -> None:
    """A notice to the applicant and, when an attorney filed, to the attorney too (R-FIL-12),
    each in their own language (issue 10).

    Written in the caller's transaction: it exists iff the state change does.
    """
    recipients = [filing.author]
    if filing.principal_id and filing.principal_id != filing.author_id:
        recipients.append(filing.principal)
    for user in recipients:
        notify(
            user,
            kind,
            text,
            link=filing_link(filing),
            filing_id=filing.pk,
            case_id=filing.case_id,
        )


def bilingual(kazakh: str, russian: str) -> str:
    """Case and filing history notes are kept in Kazakh and Russian, the languages of
    proceedings. Notices are not: they go out in each recipient's language (issue 10)."""
    return f"{kazakh} / {russian}"
