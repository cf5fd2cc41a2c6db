"""Issue 10: every time a person reads is in the court's zone, in the page language's format,
with the zone named. The clerk's queue showed `2026-06-09 10:00` (ISO-like, no zone)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/registry/incomingfiling/"


@pytest.fixture
def desk(clerk) -> Client:
    client = Client()
    client.force_login(clerk)
    return client


@pytest.mark.parametrize(
    ("language", "sent", "deadline"),
    [
        ("kk", "09.06.2026 10:00 (Asia/Almaty, UTC+5)", "10.06.2026 10:00 (Asia/Almaty, UTC+5)"),
        ("ru", "09.06.2026 10:00 (Asia/Almaty, UTC+5)", "10.06.2026 10:00 (Asia/Almaty, UTC+5)"),
        ("en", "9 Jun 2026, 10:00 (Asia/Almaty, UTC+5)", "10 Jun 2026, 10:00 (Asia/Almaty, UTC+5)"),
    ],
)
def test_queue_columns_show_court_time_in_the_page_language(
    desk, make_filing, language, sent, deadline
):
    """Sent 05:00 UTC = 10:00 in Almaty (UTC+5 since 2024); registration due the next working
    day at the same hour (R-REG-3). Both columns in the page's language, the zone named."""
    filing = make_filing(received_at=datetime(2026, 6, 9, 5, 0, tzinfo=UTC))
    with time_machine.travel(datetime(2026, 6, 9, 6, 0, tzinfo=UTC), tick=False):
        response = desk.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert response.status_code == 200
    assert filing.number in html
    assert sent in html
    assert deadline in html
    assert "2026-06-09 10:00" not in html
