"""Background work: nothing is lost when the broker is down; tasks are idempotent (R-ECP-3)."""

from __future__ import annotations

from datetime import timedelta

import kombu.exceptions
import pytest
from celery.app.task import Task
from django.core.cache import cache
from django.utils import timezone

from filings import services, tasks
from filings.models import Attachment, AttachmentStatus, Filing, FilingEvent, FilingStatus
from sotkabinet.core.models import Notification
from sotkabinet.errors import Conflict

from .conftest import filing_body, pdf_file, signing_payload, upload

flow = pytest.mark.django_db(transaction=True)


class BrokerDown:
    """Every `delay` fails as kombu does when Redis is unreachable; counts the attempts."""

    def __init__(self) -> None:
        self.attempts: list[str] = []

    def __call__(self, task, *args, **kwargs):
        self.attempts.append(task.name)
        raise kombu.exceptions.OperationalError("Error 111 connecting to redis:6379.")


def _break_broker(monkeypatch) -> BrokerDown:
    """The broker is unreachable and tasks are not eager: a real deployment's outage."""
    from sotkabinet import celery_app

    down = BrokerDown()
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setattr(Task, "delay", lambda self, *a, **k: down(self, *a, **k))
    cache.clear()
    return down


@pytest.fixture
def broker_down(monkeypatch):
    return _break_broker(monkeypatch)


def _age(minutes: int = 2) -> None:
    """Pretend everything waiting was sent `minutes` ago (the sweeper's threshold is one)."""
    earlier = timezone.now() - timedelta(minutes=minutes)
    Attachment.objects.filter(status=AttachmentStatus.PENDING).update(created_at=earlier)
    Filing.objects.filter(status=FilingStatus.SUBMITTED).update(submitted_at=earlier)


@flow
def test_submit_while_the_broker_is_down_stores_the_filing_and_the_sweeper_finishes_it(
    draft_with_files, applicant, ecp, request
):
    """GIVEN a valid draft WHEN the applicant submits while the broker is down THEN the answer is
    202 and the filing is stored as submitted; WHEN the broker is back and the sweeper runs THEN
    the filing is received.  # SPEC R-ECP-3: never lose a submitted filing or stay silent."""
    client, filing_id = draft_with_files()  # made while everything works
    payload = signing_payload(client, filing_id)
    cms = ecp.sign(applicant, payload)

    outage = pytest.MonkeyPatch()
    request.addfinalizer(outage.undo)
    down = _break_broker(outage)
    response = client.post(f"/api/v1/filings/{filing_id}/submit/", {"cms": cms}, format="json")
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "submitted"
    assert "filings.tasks.filing_verify" in down.attempts
    filing = Filing.objects.get(pk=filing_id)
    assert filing.status == FilingStatus.SUBMITTED and filing.number
    assert filing.manifest.encode() == payload

    # The sweeper during the outage cannot queue anything, and says so without failing.
    _age()
    assert tasks.filings_sweep() == {"attachments": 0, "filings": 0}
    assert Filing.objects.get(pk=filing_id).status == FilingStatus.SUBMITTED

    outage.undo()  # the broker (and the eager test worker) is back
    assert tasks.filings_sweep() == {"attachments": 0, "filings": 1}
    assert Filing.objects.get(pk=filing_id).status == FilingStatus.RECEIVED
    assert Notification.objects.filter(user=applicant, kind="filing_received").exists()


@flow
def test_upload_while_the_broker_is_down_is_validated_by_the_sweeper(
    court, applicant, client_for, broker_down, monkeypatch
):
    """# SPEC R-ECP-3: an attachment whose validation message was lost is re-queued."""
    client = client_for(applicant)
    filing_id = client.post("/api/v1/filings/", filing_body(court), format="json").json()["id"]
    response = upload(client, filing_id, pdf_file("one"), "Талап қою арызы")
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert broker_down.attempts == ["filings.tasks.attachment_validate"]

    _age()
    monkeypatch.undo()
    cache.clear()
    assert tasks.filings_sweep() == {"attachments": 1, "filings": 0}
    assert Attachment.objects.get(filing_id=filing_id).status == AttachmentStatus.VALID


@pytest.mark.django_db
def test_sweeper_requeues_only_old_work_and_not_twice_in_a_row(court, applicant, monkeypatch):
    """Fresh work is left to its own message; a re-queued item waits before the next re-queue."""
    cache.clear()
    sent: list[tuple[str, int]] = []
    monkeypatch.setattr(tasks.attachment_validate, "delay", lambda pk: sent.append(("a", pk)))
    monkeypatch.setattr(tasks.filing_verify, "delay", lambda pk: sent.append(("f", pk)))
    filing = Filing.objects.create(
        court=court, proceeding="civil", instance="first", kind="claim", title="T", author=applicant
    )
    fresh = Attachment.objects.create(
        filing=filing,
        title="t",
        filename="a.pdf",
        original_filename="a.pdf",
        size=1,
        sha256="0" * 64,
        blob="blobs/00/00/" + "0" * 64,
    )
    old = Attachment.objects.create(
        filing=filing,
        title="t",
        filename="b.pdf",
        original_filename="b.pdf",
        size=1,
        sha256="1" * 64,
        blob="blobs/11/11/" + "1" * 64,
        created_at=timezone.now() - timedelta(minutes=5),
    )
    assert tasks.filings_sweep() == {"attachments": 1, "filings": 0}
    assert sent == [("a", old.pk)]
    assert tasks.filings_sweep() == {"attachments": 0, "filings": 0}
    assert fresh.status == AttachmentStatus.PENDING


@flow
def test_worker_tasks_are_idempotent(draft_with_files, applicant, ecp):
    """A redelivered message finds the work done and changes nothing (STYLE "Celery tasks")."""
    client, filing_id = draft_with_files()
    payload = signing_payload(client, filing_id)
    client.post(
        f"/api/v1/filings/{filing_id}/submit/",
        {"cms": ecp.sign(applicant, payload)},
        format="json",
    )
    events = FilingEvent.objects.filter(filing_id=filing_id).count()
    notices = Notification.objects.count()
    assert tasks.filing_verify(filing_id) is None
    for attachment in Attachment.objects.filter(filing_id=filing_id):
        assert tasks.attachment_validate(attachment.pk) is None
    assert tasks.filing_verify(987654) is None  # a row that is gone ends the task quietly
    assert tasks.attachment_validate(987654) is None
    assert FilingEvent.objects.filter(filing_id=filing_id).count() == events
    assert Notification.objects.count() == notices
    assert Filing.objects.get(pk=filing_id).status == FilingStatus.RECEIVED


@pytest.mark.django_db
def test_transitions_outside_the_table_are_conflicts(court, applicant):
    """# STYLE "State changes": FILING_TRANSITIONS is the only way a status moves."""
    filing = Filing.objects.create(
        court=court, proceeding="civil", instance="first", kind="claim", title="T", author=applicant
    )
    with pytest.raises(Conflict):
        services.filing_transition(filing, FilingStatus.RECEIVED)
    with pytest.raises(Conflict):
        services.filing_transition(filing, FilingStatus.REGISTERED)
    services.filing_transition(filing, FilingStatus.SUBMITTED)
    assert filing.status == FilingStatus.SUBMITTED
    with pytest.raises(Conflict):
        services.filing_transition(filing, FilingStatus.DRAFT)


@flow
def test_attachments_invalid_at_the_worker_stage_is_not_received(
    draft_with_files, applicant, ecp, monkeypatch
):
    """A file found invalid after the synchronous stage: not_received, attachments_invalid."""
    client, filing_id = draft_with_files()
    applicant.language = "kk"  # issue 10: the notice is in the applicant's language only
    applicant.save(update_fields=["language"])
    payload = signing_payload(client, filing_id)
    monkeypatch.setattr(tasks.filing_verify, "delay", lambda pk: None)  # the worker is slow
    client.post(
        f"/api/v1/filings/{filing_id}/submit/",
        {"cms": ecp.sign(applicant, payload)},
        format="json",
    )
    Attachment.objects.filter(filing_id=filing_id).update(status=AttachmentStatus.INVALID)
    assert tasks.filing_verify(filing_id) == FilingStatus.NOT_RECEIVED
    filing = Filing.objects.get(pk=filing_id)
    assert filing.not_received_reason == "attachments_invalid"
    assert filing.signature_verdict["valid"] is True
    notice = Notification.objects.get(user=applicant, kind="filing_not_received")
    assert notice.text == f"№ {filing.number} өтініш қабылданбады. Тіркелген файлдар жарамсыз."
