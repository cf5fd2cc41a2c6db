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


STAMP = datetime(2026, 6, 9, 5, 0, tzinfo=UTC)
STAMP_RU = "09.06.2026 10:00 (Asia/Almaty, UTC+5)"


@pytest.fixture
def staff(make_user) -> Client:
    client = Client()
    client.force_login(make_user("clerk", is_staff=True, is_superuser=True))
    return client


def test_case_list_and_page_show_court_time(staff, court, judge, make_user):
    """Issue 10: the desk's case list and case page (with its history) in court time."""
    from registry.models import Case, CaseEvent
    from registry.tests.acts_helpers import make_case

    case = make_case(court, judge, make_user("applicant"))
    Case.objects.filter(pk=case.pk).update(created_at=STAMP)
    CaseEvent.objects.create(case=case, kind="note", note="Оқиға", at=STAMP)
    listing = staff.get("/admin/registry/case/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    page = staff.get(f"/admin/registry/case/{case.pk}/change/", HTTP_ACCEPT_LANGUAGE="ru")
    assert STAMP_RU in listing
    assert page.status_code == 200
    assert page.content.decode().count(STAMP_RU) >= 2  # created, and the history event


def test_act_list_and_page_show_court_time(staff, court, judge, make_user, ecp, tmp_path):
    """Issue 10: the acts' list and page (created, signed, published) in court time. A signed act
    is locked in the database (R-ACT-3), so the expected text follows its real times."""
    from django.utils import translation

    from registry.tests.acts_helpers import make_case, sign_act, upload_act
    from sotkabinet.core.timefmt import local_time

    case = make_case(court, judge, make_user("applicant"))
    act = sign_act(upload_act(case, judge, tmp_path), judge, ecp)
    with translation.override("ru"):
        signed = local_time(act.signed_at, court.timezone)
        published = local_time(act.published_at, court.timezone)
    listing = staff.get("/admin/registry/act/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    page = staff.get(f"/admin/registry/act/{act.pk}/change/", HTTP_ACCEPT_LANGUAGE="ru")
    assert "(Asia/Almaty, UTC+5)" in signed
    assert published in listing
    assert page.status_code == 200
    assert signed in page.content.decode()
    assert published in page.content.decode()
