"""The transactional outbox to АИС ОИП over real HTTP (SPEC R-ENF-3).

These tests run a live server (pytest-django ``live_server``) that serves the АИС ОИП stand-in;
the outbox's client talks to it over a socket. "Down" is either a closed port or the live server
answering 503 (``outage_urls``). Time moves with time-machine, never with sleeps.
"""

from __future__ import annotations

import random
import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enforcement import outbox, tasks
from enforcement.chamber.models import BailiffAssignment, InboundRequest, Registration
from enforcement.client import DeliveryError, EnforcementClient
from enforcement.models import OutboxMessage, OutboxStatus, Writ, WritStatus
from enforcement.outbox import RetryPolicy, backoff_delay
from enforcement.tests import outage_urls
from sotkabinet.core.models import AuditLog

pytestmark = pytest.mark.django_db(transaction=True)


def later(moment, seconds: float = 1.0):
    """Travel to just after ``moment`` (the clock keeps ticking from there)."""
    return time_machine.travel(moment + timedelta(seconds=seconds))


@pytest.fixture
def outage(settings, live_server):
    """The live server answers 503 on the АИС ОИП endpoint while ``outage["down"]``."""
    settings.ROOT_URLCONF = "enforcement.tests.outage_urls"
    settings.ENFORCEMENT_API_URL = f"{live_server.url}/api/v1/ais-oip/"
    outage_urls.OUTAGE.update(down=True, strip_auth=False, hits=0)
    yield outage_urls.OUTAGE
    outage_urls.OUTAGE.update(down=False, strip_auth=False, hits=0)


def registered_events(writ_id: int) -> int:
    return Writ.objects.get(pk=writ_id).events.filter(status=WritStatus.REGISTERED).count()


def test_r_enf_3_endpoint_down_the_writ_waits_retries_and_is_delivered_exactly_once(
    dispatched, live_server, settings, make_bailiff
):  # SPEC R-ENF-3
    """GIVEN АИС ОИП is unreachable (a closed port) when the secretary signs
    WHEN the beat job retries after the backoff, and the endpoint comes back
    THEN the writ waits in `dispatched`, is delivered once, and duplicate sends of the same
    message register nothing new."""
    bailiff = make_bailiff()
    writ_id = dispatched()
    message = OutboxMessage.objects.get(writ_id=writ_id)
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert "connection failed" in message.last_error
    assert Writ.objects.get(pk=writ_id).status == WritStatus.DISPATCHED

    # Not due yet: the beat job leaves it alone.
    assert outbox.deliver_due() == 0
    # Due, still down: a second attempt and a longer wait.
    with later(message.next_attempt_at):
        assert outbox.deliver_due() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 2)
    assert Registration.objects.count() == 0

    # АИС ОИП is back.
    settings.ENFORCEMENT_API_URL = f"{live_server.url}/api/v1/ais-oip/"
    with later(message.next_attempt_at):
        assert tasks.deliver_due_outbox_messages() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.DELIVERED, 3)
    writ = Writ.objects.get(pk=writ_id)
    assert writ.enforcement_number == message.response["enforcement_number"]
    assert writ.status == WritStatus.DISTRIBUTED
    assert writ.bailiff == bailiff

    # Duplicate sends (a second worker, a crash before the answer was recorded).
    receipt = EnforcementClient().register_writ(
        message.payload, idempotency_key=message.idempotency_key
    )
    assert receipt.number == writ.enforcement_number
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.PENDING, next_attempt_at=timezone.now()
    )
    assert outbox.deliver(message.pk).status == OutboxStatus.DELIVERED
    assert Registration.objects.count() == 1
    assert InboundRequest.objects.count() == 1
    assert BailiffAssignment.objects.count() == 1
    assert registered_events(writ_id) == 1


def test_r_enf_3_a_503_outage_and_a_worker_crash_in_mid_send_register_once(
    dispatched, outage, make_bailiff
):  # SPEC R-ENF-3
    """GIVEN АИС ОИП answers 503, then recovers
    WHEN a worker claims the message, sends it, and dies before recording the answer
    THEN its lease keeps other workers off; after the lease the beat job sends it again and
    АИС ОИП answers with the same registration: one registration, one history entry."""
    make_bailiff()
    writ_id = dispatched()
    message = OutboxMessage.objects.get(writ_id=writ_id)
    assert "HTTP 503" in message.last_error
    assert outage["hits"] == 1

    outage["down"] = False
    with later(message.next_attempt_at):
        claimed = outbox.claim()
        EnforcementClient().register_writ(claimed.payload, idempotency_key=claimed.idempotency_key)
        # ... the worker dies here. Another worker finds nothing to do during the lease:
        assert outbox.deliver_due() == 0
    claimed.refresh_from_db()
    assert (claimed.status, claimed.attempts) == (OutboxStatus.PENDING, 2)

    with later(claimed.next_attempt_at):
        assert outbox.deliver_due() == 1
    claimed.refresh_from_db()
    assert (claimed.status, claimed.attempts) == (OutboxStatus.DELIVERED, 3)
    assert outage["hits"] == 3
    assert Registration.objects.count() == 1
    assert InboundRequest.objects.count() == 1
    assert registered_events(writ_id) == 1
    assert Writ.objects.get(pk=writ_id).enforcement_number == Registration.objects.get().number


def test_r_enf_3_dead_letter_after_max_attempts_then_requeued_from_the_admin(
    dispatched, outage, settings, make_user, client
):  # SPEC R-ENF-3
    settings.ENFORCEMENT_OUTBOX_MAX_ATTEMPTS = 3
    writ_id = dispatched()
    message = OutboxMessage.objects.get(writ_id=writ_id)
    for _attempt in range(2):
        with later(message.next_attempt_at):
            outbox.deliver_due()
        message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.DEAD, 3)
    assert message.last_error.startswith("attempt 3: HTTP 503")
    assert AuditLog.objects.filter(action="outbox.dead", object_id=str(message.pk)).exists()
    # A dead letter is not retried by the beat job, however long we wait.
    with later(message.next_attempt_at, seconds=30 * 24 * 3600):
        assert outbox.deliver_due() == 0
    assert Writ.objects.get(pk=writ_id).status == WritStatus.DISPATCHED

    # The outage is over; an operator queues it again in the admin.
    outage["down"] = False
    operator = make_user("applicant", is_staff=True, is_superuser=True)
    client.force_login(operator)
    changelist = "/admin/enforcement/outboxmessage/"
    listing = client.get(changelist, {"status__exact": "dead"})
    assert listing.status_code == 200
    assert f'value="{message.pk}"' in listing.content.decode()
    response = client.post(
        changelist, {"action": "requeue", "_selected_action": [message.pk]}, follow=True
    )
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == OutboxStatus.DELIVERED
    assert Registration.objects.count() == 1
    assert Writ.objects.get(pk=writ_id).status == WritStatus.REGISTERED


def test_r_enf_3_a_refused_request_is_a_dead_letter_at_once(
    dispatched, outage
):  # SPEC R-ENF-3 (a permanent failure is a status, not a retry loop)
    outage.update(down=False, strip_auth=True)
    writ_id = dispatched()
    message = OutboxMessage.objects.get(writ_id=writ_id)
    assert (message.status, message.attempts) == (OutboxStatus.DEAD, 1)
    assert "HTTP 401" in message.last_error
    assert Registration.objects.count() == 0


def test_r_enf_3_the_key_and_token_travel_as_headers(dispatched, live_server, settings):
    """The receiving side refuses a request without the Idempotency-Key, so a delivered
    message proves the header; the registration is keyed by it."""
    settings.ENFORCEMENT_API_URL = f"{live_server.url}/api/v1/ais-oip/"
    writ_id = dispatched()
    message = OutboxMessage.objects.get(writ_id=writ_id)
    assert message.status == OutboxStatus.DELIVERED
    assert InboundRequest.objects.get().key == message.idempotency_key
    with pytest.raises(DeliveryError) as refused:
        EnforcementClient().register_writ(message.payload, idempotency_key="")
    assert refused.value.status == 400
    assert refused.value.transient is False


def test_r_enf_3_backoff_is_exponential_with_jitter_and_capped():  # SPEC R-ENF-3, STYLE
    policy = RetryPolicy(base_delay=30, max_delay=3600)
    rng = random.Random(7)
    for attempts in range(1, 12):
        nominal = min(3600, 30 * 2 ** (attempts - 1))
        delays = [backoff_delay(attempts, policy, rng) for _ in range(200)]
        assert all(nominal / 2 <= delay <= nominal for delay in delays)
        assert len({round(delay, 3) for delay in delays}) > 100  # jittered, not one value
    assert backoff_delay(30, policy, rng) <= 3600


def test_r_enf_3_claim_skips_rows_locked_by_another_worker(dispatched):  # SPEC R-ENF-3
    """On PostgreSQL the claim is SELECT … FOR UPDATE SKIP LOCKED: a row another worker holds
    is skipped, not waited for. SQLite has no row locks (its writes are serialised whole)."""
    writ_id = dispatched()
    message = OutboxMessage.objects.get(writ_id=writ_id)
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        claimed = outbox.claim()
    assert claimed is not None and claimed.pk == message.pk
    select = next(q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT"))
    if connection.vendor == "postgresql":
        assert "FOR UPDATE SKIP LOCKED" in select
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        locked, release, seen = threading.Event(), threading.Event(), []

        def other_worker():
            with transaction.atomic():
                seen.extend(OutboxMessage.objects.select_for_update().filter(pk=message.pk))
                locked.set()
                release.wait(10)
            connection.close()

        worker = threading.Thread(target=other_worker)
        worker.start()
        locked.wait(10)
        try:
            assert outbox.claim() is None
        finally:
            release.set()
            worker.join()
        assert seen
    else:
        assert "FOR UPDATE" not in select


def test_r_enf_3_a_run_stops_early_while_the_endpoint_keeps_failing(dispatched, make_case):
    """The beat job does not spend a timeout on every due message while АИС ОИП is down."""
    writ_ids = [dispatched() for _ in range(4)]
    messages = OutboxMessage.objects.filter(writ_id__in=writ_ids)
    latest = max(message.next_attempt_at for message in messages)
    with later(latest):
        assert outbox.deliver_due(give_up_after=2) == 2
        assert outbox.deliver_due(give_up_after=2) == 2
    assert sorted(messages.values_list("attempts", flat=True)) == [2, 2, 2, 2]
