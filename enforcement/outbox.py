"""The transactional outbox to АИС ОИП (SPEC R-ENF-3).

Why an outbox: the writ's move to `dispatched` and the message that tells the enforcement
system about it must both happen or neither. The message is a row written in the same
transaction (:func:`outbox_enqueue`); delivery happens after commit, over HTTP, by a worker,
and again by a beat job for anything still due, so a crash between commit and send, or in the
middle of a send, loses nothing.

Delivery is at-least-once; the receiver makes it exactly-once by the Idempotency-Key, which is
stored with the row and never changes between attempts.

Claiming (:func:`claim`): a short transaction locks a due row (``SELECT … FOR UPDATE SKIP
LOCKED`` on PostgreSQL, so concurrent workers take different rows), counts the attempt and
pushes ``next_attempt_at`` forward by a lease. The HTTP call runs outside any transaction. If
the worker dies before recording the outcome, the row becomes due again when the lease ends.

Retries: exponential backoff with jitter for transient failures (connection refused, timeout,
5xx, 408/425/429); a permanent failure (another 4xx) or the last allowed attempt makes the row a
dead letter, shown in the admin, which can queue it again.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from sotkabinet.core.dispatch import dispatch_on_commit
from sotkabinet.core.services import audit

from .client import DeliveryError, EnforcementClient, RegistrationReceipt
from .models import OutboxMessage, OutboxStatus, Writ

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry. Overridable by settings for operators and tests."""

    max_attempts: int = 8
    base_delay: float = 30.0  # seconds before the 2nd attempt (before jitter)
    max_delay: float = 3600.0
    lease: float = 120.0  # longer than the client's connect + read timeout

    @classmethod
    def from_settings(cls) -> RetryPolicy:
        return cls(
            max_attempts=getattr(settings, "ENFORCEMENT_OUTBOX_MAX_ATTEMPTS", cls.max_attempts),
            base_delay=getattr(settings, "ENFORCEMENT_OUTBOX_BASE_DELAY", cls.base_delay),
            max_delay=getattr(settings, "ENFORCEMENT_OUTBOX_MAX_DELAY", cls.max_delay),
            lease=getattr(settings, "ENFORCEMENT_OUTBOX_LEASE", cls.lease),
        )


def backoff_delay(attempts: int, policy: RetryPolicy, rng: random.Random | None = None) -> float:
    """Seconds to wait after the ``attempts``-th failed attempt: exponential, capped, jittered.

    The exponential delay ``base * 2**(attempts-1)``, capped at ``max_delay``, is halved and
    the other half is drawn at random ("equal jitter"), so a crowd of writs that failed together
    does not come back together, and no retry comes sooner than half the nominal delay.
    """
    nominal = min(policy.max_delay, policy.base_delay * (2 ** max(attempts - 1, 0)))
    return nominal / 2 + (rng or random).uniform(0, nominal / 2)


def outbox_enqueue(*, writ: Writ, topic: str, payload: dict) -> OutboxMessage:
    """Write the message in the caller's transaction; deliver right after commit.

    The Idempotency-Key is made once, here, and reused by every attempt.
    """
    from .tasks import deliver_outbox_message

    message = OutboxMessage.objects.create(
        topic=topic,
        writ=writ,
        idempotency_key=f"sotkabinet-writ-{writ.pk}-{topic}-{uuid.uuid4().hex}",
        payload=payload,
        next_attempt_at=timezone.now(),
    )
    dispatch_on_commit(deliver_outbox_message, message.pk)
    return message


def _due(now):
    return OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)


def claim(message_id: int | None = None, *, policy: RetryPolicy | None = None):
    """Take one due message (``message_id``, or the most overdue one) for a delivery attempt.

    Returns the message with its attempt counted and its lease set, or None when nothing is due
    or another worker holds it. Commits before returning.
    """
    policy = policy or RetryPolicy.from_settings()
    now = timezone.now()
    with transaction.atomic():
        queryset = _due(now).order_by("next_attempt_at", "id")
        if message_id is not None:
            queryset = queryset.filter(pk=message_id)
        if connection.features.has_select_for_update_skip_locked:
            queryset = queryset.select_for_update(skip_locked=True)
        else:
            queryset = queryset.select_for_update()
        message = queryset.first()
        if message is None:
            return None
        message.attempts += 1
        message.last_attempt_at = now
        message.next_attempt_at = now + timedelta(seconds=policy.lease)
        message.save(update_fields=["attempts", "last_attempt_at", "next_attempt_at"])
    return message


def _record_success(message_id: int, receipt: RegistrationReceipt) -> None:
    from .services import writ_record_registration

    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message_id)
        if message.status != OutboxStatus.PENDING:
            return
        message.status = OutboxStatus.DELIVERED
        message.delivered_at = timezone.now()
        message.response = receipt.as_dict()
        message.last_error = ""
        message.save(update_fields=["status", "delivered_at", "response", "last_error"])
        writ_record_registration(
            writ_id=message.writ_id,
            enforcement_number=receipt.number,
            registered_at=receipt.registered_at,
        )


def _record_failure(message_id: int, error: DeliveryError, policy: RetryPolicy) -> None:
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message_id)
        if message.status != OutboxStatus.PENDING:
            return
        message.last_error = f"attempt {message.attempts}: {error}"[:4000]
        if not error.transient or message.attempts >= policy.max_attempts:
            message.status = OutboxStatus.DEAD
            logger.error(
                "outbox message %s (writ %s) is a dead letter after %s attempt(s): %s",
                message.pk,
                message.writ_id,
                message.attempts,
                error,
            )
            audit(None, "outbox.dead", message, attempts=message.attempts, error=str(error))
        else:
            delay = backoff_delay(message.attempts, policy)
            message.next_attempt_at = timezone.now() + timedelta(seconds=delay)
            logger.warning(
                "outbox message %s attempt %s failed (%s); retry in %.0f s",
                message.pk,
                message.attempts,
                error,
                delay,
            )
        message.save(update_fields=["status", "last_error", "next_attempt_at"])


def deliver(
    message_id: int | None = None,
    *,
    client: EnforcementClient | None = None,
    policy: RetryPolicy | None = None,
) -> OutboxMessage | None:
    """One delivery attempt of a due message; None if nothing was due. Safe to run twice.

    Sends the stored payload with the stored Idempotency-Key, then records the outcome: the
    registration moves the writ to `registered`; a failure schedules the retry or buries it.
    """
    policy = policy or RetryPolicy.from_settings()
    message = claim(message_id, policy=policy)
    if message is None:
        return None
    client = client or EnforcementClient()
    try:
        receipt = client.register_writ(message.payload, idempotency_key=message.idempotency_key)
    except DeliveryError as error:
        _record_failure(message.pk, error, policy)
    else:
        _record_success(message.pk, receipt)
    message.refresh_from_db()
    return message


def deliver_due(
    limit: int = 100,
    *,
    client: EnforcementClient | None = None,
    budget_seconds: float = 400.0,
    give_up_after: int = 5,
) -> int:
    """Attempt up to ``limit`` due messages, most overdue first (the beat job). Returns how many
    were attempted.

    While АИС ОИП is down every attempt fails; after ``give_up_after`` transient failures in a
    row, or ``budget_seconds`` (inside the task's time limit), the run stops and leaves the rest
    due for the next run, instead of spending a timeout on each of them.
    """
    client = client or EnforcementClient()
    started = time.monotonic()
    attempted = failures_in_a_row = 0
    while attempted < limit and time.monotonic() - started < budget_seconds:
        message = deliver(client=client)
        if message is None:
            break
        attempted += 1
        failures_in_a_row = failures_in_a_row + 1 if message.status == OutboxStatus.PENDING else 0
        if failures_in_a_row >= give_up_after:
            logger.warning("АИС ОИП keeps failing; the rest of the outbox waits for the next run")
            break
    return attempted


@transaction.atomic
def outbox_requeue(*, acting_user, message: OutboxMessage) -> OutboxMessage:
    """Queue a dead letter (or a waiting message) again, now, with a fresh attempt budget.

    The Idempotency-Key is kept, so a message that did reach АИС ОИП is not registered twice.
    A delivered message is left alone.
    """
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if message.status == OutboxStatus.DELIVERED:
        return message
    previous = message.status
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = timezone.now()
    message.save(update_fields=["status", "attempts", "next_attempt_at"])
    audit(acting_user, "outbox.requeue", message, previous=previous)
    from .tasks import deliver_outbox_message

    dispatch_on_commit(deliver_outbox_message, message.pk)
    return message
