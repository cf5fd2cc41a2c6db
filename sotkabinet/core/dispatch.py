"""Queueing Celery work after commit without ever losing the committed state (SPEC R-ECP-3).

Every state change is a durable row before any task is queued. If the broker is unreachable when
the transaction commits, the send is logged and dropped, never raised: the request that made the
change still succeeds, and each app's periodic sweeper re-queues whatever is still pending (the
filings sweeper, the outbox beat job, the notification sweeper).
"""

from __future__ import annotations

import logging
from typing import Any

import kombu.exceptions
import redis.exceptions
from django.db import transaction

logger = logging.getLogger(__name__)

# What a Celery `delay` raises when the broker cannot be reached (redis down, socket refused).
BROKER_ERRORS: tuple[type[BaseException], ...] = (
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
    ConnectionError,
    TimeoutError,
)


def dispatch(task, *args: Any) -> bool:
    """Queue `task(*args)` now; on a broker outage log and return False (a sweeper retries)."""
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
