"""My cases at a glance (SPEC R-FIL-8, R-FIL-12): next step, and unread notices highlighted
until the filing or the notices page is seen."""

from __future__ import annotations

import pytest
from django.test import Client

from filings.services import filing_create
from sotkabinet.core.models import Notification
from sotkabinet.core.services import notify

pytestmark = pytest.mark.django_db


def test_my_cases_shows_the_next_step_and_highlights_unread(applicant, court):
    filing = filing_create(
        acting_user=applicant,
        court=court,
        proceeding="civil",
        instance="first",
        kind="claim",
        title="Қарыз туралы",
        parties=[{"role": "plaintiff", "name": "A"}],
        annex=["A"],
    )
    notify(applicant, "filing_status", "Өтініш тіркелді", filing_id=filing.pk)
    client = Client()
    client.force_login(applicant)
    html = client.get("/cabinet/").content.decode()
    assert "Finish the steps and sign the filing" in html
    assert f"/cabinet/filings/{filing.pk}/continue/" in html
    assert 'class="card unread"' in html
    assert '<span class="badge"' in html  # the header counts unread notices
    client.get(f"/cabinet/filings/{filing.pk}/")
    assert not Notification.objects.filter(user=applicant, read_at__isnull=True).exists()
    assert 'class="card unread"' not in client.get("/cabinet/").content.decode()


def test_notifications_page_marks_notices_read(applicant):
    notify(applicant, "filing_status", "Хабарлама")
    client = Client()
    client.force_login(applicant)
    first = client.get("/cabinet/notifications/").content.decode()
    assert 'class="unread"' in first
    assert 'class="unread"' not in client.get("/cabinet/notifications/").content.decode()
