"""Plumbing every filings service shares: the transition table, history, notices, dispatch.

Nothing is lost (SPEC R-ECP-3): a filing is a durable row before any task is queued. If the
broker is unreachable when the transaction commits, the dispatch is logged and dropped, never
raised; the sweeper (`tasks.filings_sweep`) re-queues whatever is still pending.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import kombu.exceptions
import redis.exceptions
from django.db import transaction
from django.urls import reverse

from sotkabinet.core.services import notify
from sotkabinet.errors import Conflict

from ..models import FILING_TRANSITIONS, Filing, FilingEvent

logger = logging.getLogger("filings.services")

P = ParamSpec("P")
T = TypeVar("T")

# What a Celery `delay` raises when the broker cannot be reached (redis down, socket refused).
BROKER_ERRORS: tuple[type[BaseException], ...] = (
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
    ConnectionError,
    TimeoutError,
)


def dispatch(task, *args: Any) -> bool:
    """Queue `task(*args)` now; on a broker outage log and return False (the sweeper retries).

    Never raises for an unreachable broker: the row the task works on is already committed, and
    losing the message only delays the work until the next sweep (SPEC R-ECP-3).
    """
    try:
        task.delay(*args)
    except BROKER_ERRORS:
        logger.warning(
            "Broker unreachable: %s%r not queued; the sweeper will re-queue it",
            getattr(task, "name", task),
            args,
            exc_info=True,
        )
        return False
    return True


def dispatch_on_commit(task, *args: Any) -> None:
    """Queue `task(*args)` once the current transaction commits (STYLE "State changes")."""
    transaction.on_commit(lambda: dispatch(task, *args))


def committed(func: Callable[P, T]) -> Callable[P, T]:
    """Run a service in one transaction and return its result, even if the broker fails at commit.

    Kernel helpers (notify) queue their own after-commit sends without catching a broker
    outage; that exception surfaces after the data is committed. The state change has happened,
    so it is logged, not raised: the applicant never gets a 500 for a filing that is stored.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        result: list[T] = []
        try:
            with transaction.atomic():
                result.append(func(*args, **kwargs))
        except BROKER_ERRORS:
            if not result:
                raise
            logger.warning("Broker unreachable after commit in %s", func.__name__, exc_info=True)
        return result[0]

    return wrapper


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


def notify_applicant(filing: Filing, kind: str, text: str) -> None:
    """A notice to the applicant and, when an attorney filed, to the attorney too (R-FIL-12).

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
    """Notice texts go out in Kazakh and Russian, the languages of proceedings."""
    return f"{kazakh} / {russian}"
