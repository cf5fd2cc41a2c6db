"""Broker outages never lose a notice or fail a committed change (SPEC R-ECP-3, R-FIL-12)."""

from datetime import timedelta

import kombu.exceptions
import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from sotkabinet.core import tasks
from sotkabinet.core.models import Notification
from sotkabinet.core.services import notify

pytestmark = pytest.mark.django_db


def test_notice_survives_a_broker_outage_and_the_sweeper_delivers_it(
    make_user, monkeypatch, django_capture_on_commit_callbacks
):
    user = make_user()

    def broker_down(*_args, **_kwargs):
        raise kombu.exceptions.OperationalError("connection refused")

    monkeypatch.setattr(tasks.deliver_notification, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        notice = notify(user, "filing.received", "Құжат қабылданды", link="/cabinet/")
    notice.refresh_from_db()
    assert notice.emailed_at is None and mail.outbox == []

    monkeypatch.undo()
    # Too fresh for the sweeper: a notice being delivered right now is left alone.
    assert tasks.notifications_sweep() == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        assert tasks.notifications_sweep() == 1
    notice.refresh_from_db()
    assert notice.emailed_at is not None
    assert [message.to for message in mail.outbox] == [[user.email]]
    # A second sweep sends nothing twice.
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        assert tasks.notifications_sweep() == 0
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1
