"""REST API of the registration desk (docs/api.md; SPEC R-REG-3, 5, 6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from filings.models import FilingStatus
from registry.models import Case
from registry.tests.conftest import pdf_document
from sotkabinet.core.models import Notification

pytestmark = pytest.mark.django_db

QUEUE = "/api/v1/registry/queue/"


def register_url(filing) -> str:
    return f"/api/v1/registry/filings/{filing.pk}/register/"


def reject_url(filing) -> str:
    return f"/api/v1/registry/filings/{filing.pk}/reject/"


def error_code(response) -> str:
    return response.json()["error"]["code"]


# -- register ---------------------------------------------------------------------------------


def test_register_returns_the_case_and_a_second_decision_conflicts(
    client_for, clerk, judge, make_filing, court
):  # docs/api.md, SPEC R-REG-6
    filing = make_filing()
    client = client_for(clerk)
    response = client.post(register_url(filing), {}, format="json")
    assert response.status_code == 200, response.content
    case = Case.objects.get()
    assert response.json() == {
        "case": {
            "id": case.pk,
            "number": case.number,
            "judge": {"login": judge.login, "full_name": judge.full_name},
        }
    }
    again = client.post(register_url(filing), {}, format="json")
    assert (again.status_code, error_code(again)) == (409, "already_decided")
    rejected = client.post(reject_url(filing), {"ground": "duplicate"}, format="json")
    assert (rejected.status_code, error_code(rejected)) == (409, "already_decided")

    # The applicant sees the case on the filing and the notice (R-FIL-8, R-REG-7).
    mine = client_for(filing.author).get(f"/api/v1/filings/{filing.pk}/")
    assert mine.status_code == 200
    assert mine.json()["case"]["number"] == case.number
    assert Notification.objects.filter(user=filing.author, case_id=case.pk).exists()


def test_register_joins_a_case_given_in_the_body(client_for, clerk, judge, make_filing):
    client = client_for(clerk)
    first = client.post(register_url(make_filing()), {}, format="json").json()["case"]
    appeal = make_filing(kind="appeal")
    response = client.post(register_url(appeal), {"case": first["id"]}, format="json")
    assert response.status_code == 200
    assert response.json()["case"]["number"] == first["number"]
    bad = client.post(register_url(make_filing()), {"case": "x"}, format="json")
    assert (bad.status_code, error_code(bad)) == (400, "invalid")


@pytest.mark.parametrize(
    "status", [FilingStatus.DRAFT, FilingStatus.SUBMITTED, FilingStatus.NOT_RECEIVED]
)
def test_register_before_receipt_is_not_received(client_for, clerk, judge, make_filing, status):
    response = client_for(clerk).post(register_url(make_filing(status=status)), {}, format="json")
    assert (response.status_code, error_code(response)) == (409, "not_received")


def test_isolation_between_courts_and_roles(
    client_for, clerk, other_clerk, judge, make_filing, make_user, court
):
    """A clerk of another court gets 404; court staff and the applicant get 403; a stranger
    gets 404; without a token 401. Nothing changes. (docs/conventions.md, issue 2 isolation)"""
    filing = make_filing()
    stranger = make_user("applicant")
    for user, expected in [
        (other_clerk, 404),
        (stranger, 404),
        (judge, 403),
        (make_user("secretary", court), 403),
        (filing.author, 403),
    ]:
        for url, body in [
            (register_url(filing), {}),
            (reject_url(filing), {"ground": "duplicate"}),
        ]:
            response = client_for(user).post(url, body, format="json")
            assert response.status_code == expected, (user, url, response.content)
    from rest_framework.test import APIClient

    assert APIClient().post(register_url(filing), {}, format="json").status_code == 401
    missing = client_for(clerk).post("/api/v1/registry/filings/999999/register/", {}, format="json")
    assert missing.status_code == 404
    filing.refresh_from_db()
    assert filing.status == FilingStatus.RECEIVED


def test_register_is_idempotent_with_a_key(client_for, clerk, judge, make_filing):
    """docs/api.md: a replayed Idempotency-Key returns the first response and creates nothing."""
    filing = make_filing()
    client = client_for(clerk)
    first = client.post(register_url(filing), {}, format="json", HTTP_IDEMPOTENCY_KEY="reg-1")
    replay = client.post(register_url(filing), {}, format="json", HTTP_IDEMPOTENCY_KEY="reg-1")
    assert first.status_code == replay.status_code == 200
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1


# -- reject -----------------------------------------------------------------------------------


def test_reject_returns_the_filing_object(client_for, clerk, make_filing):  # SPEC R-REG-5
    filing = make_filing()
    response = client_for(clerk).post(
        reject_url(filing), {"ground": "missing_annex", "comment": "2-құжат жоқ"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == filing.pk and body["status"] == "rejected"
    assert body["rejection"] == {"ground": "missing_annex", "comment": "2-құжат жоқ"}
    assert body["case"] is None
    assert body["history"][-1]["status"] == "rejected"


@pytest.mark.parametrize(
    ("proceeding", "body", "expected"),
    [
        ("civil", {"ground": "bogus"}, 400),
        ("civil", {}, 400),
        ("civil", {"ground": 3}, 400),
        ("civil", {"ground": "other", "comment": "reason"}, 400),
        ("administrative", {"ground": "other", "comment": "reason"}, 400),
        ("criminal", {"ground": "other"}, 400),
        ("criminal", {"ground": "other", "comment": ""}, 400),
        ("criminal", {"ground": "other", "comment": "Қылмыстық іс бойынша себеп"}, 200),
        ("administrative_offense", {"ground": "other", "comment": "Себеп"}, 200),
        ("criminal", {"ground": "ecp_invalid"}, 200),
        ("administrative", {"ground": "wrong_section", "comment": ""}, 200),
    ],
)
def test_reject_ground_rules(client_for, clerk, make_filing, proceeding, body, expected):
    """SPEC R-REG-5: unknown ground → 400 invalid_ground; `other` needs a comment and only in
    criminal and administrative-offence matters."""
    filing = make_filing(proceeding=proceeding)
    response = client_for(clerk).post(reject_url(filing), body, format="json")
    assert response.status_code == expected, response.content
    if expected == 400:
        assert error_code(response) == "invalid_ground"
        filing.refresh_from_db()
        assert filing.status == FilingStatus.RECEIVED


# -- queue ------------------------------------------------------------------------------------


def test_queue_lists_received_filings_of_the_clerks_court_earliest_deadline_first(
    client_for, clerk, other_clerk, make_filing, other_court, judge
):  # SPEC R-REG-3
    # Received on Tue 9 Jun 2026 at 10:00, 11:00 and 09:30 Almaty time (UTC+5).
    late = make_filing(received_at=datetime(2026, 6, 9, 6, 0, tzinfo=UTC))
    later = make_filing(received_at=datetime(2026, 6, 9, 5, 0, tzinfo=UTC))
    earliest = make_filing(received_at=datetime(2026, 6, 9, 4, 30, tzinfo=UTC))
    make_filing(status=FilingStatus.SUBMITTED)
    make_filing(court=other_court)
    decided = make_filing(received_at=datetime(2026, 6, 9, 4, 0, tzinfo=UTC))
    client_for(clerk).post(register_url(decided), {}, format="json")

    with time_machine.travel(datetime(2026, 6, 9, 7, 0, tzinfo=UTC), tick=False):
        response = client_for(clerk).get(QUEUE)
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"count", "next", "previous", "results"}
    assert [item["id"] for item in body["results"]] == [earliest.pk, later.pk, late.pk]
    assert body["count"] == 3
    item = body["results"][0]
    assert item["status"] == "received" and item["applicant"]["login"] == earliest.author.login
    assert item["overdue"] is False and item["near_deadline"] is False
    # Tue 12:00 → 18:30 and Wed 09:00 → 09:30: seven working hours left.
    assert item["remaining_working_seconds"] == 7 * 3600

    other = client_for(other_clerk).get(QUEUE).json()
    assert [item["court"] for item in other["results"]] == [other_court.pk]


def test_queue_overdue_filter_and_flags(client_for, clerk, make_filing):  # SPEC R-REG-3
    # Deadlines: Wed 10 Jun 2026 10:00 and 17:00 Almaty; it is now Wed 10 Jun 15:30 Almaty.
    overdue = make_filing(received_at=datetime(2026, 6, 9, 5, 0, tzinfo=UTC))
    near = make_filing(received_at=datetime(2026, 6, 9, 12, 0, tzinfo=UTC))
    fresh = make_filing(received_at=datetime(2026, 6, 10, 9, 0, tzinfo=UTC))
    client = client_for(clerk)
    with time_machine.travel(datetime(2026, 6, 10, 10, 30, tzinfo=UTC), tick=False):
        everything = client.get(QUEUE).json()["results"]
        only_overdue = client.get(QUEUE, {"overdue": "1"}).json()["results"]
    flags = {item["id"]: (item["overdue"], item["near_deadline"]) for item in everything}
    assert [item["id"] for item in everything] == [overdue.pk, near.pk, fresh.pk]
    assert flags == {
        overdue.pk: (True, False),
        near.pk: (False, True),
        fresh.pk: (False, False),
    }
    assert [item["id"] for item in only_overdue] == [overdue.pk]


def test_queue_flags_likely_duplicates(client_for, clerk, judge, make_filing):
    client = client_for(clerk)
    client.post(register_url(make_filing(documents=[pdf_document("x")])), {}, format="json")
    again = make_filing(documents=[pdf_document("x")])
    other = make_filing(documents=[pdf_document("y")])
    flags = {item["id"]: item["likely_duplicate"] for item in client.get(QUEUE).json()["results"]}
    assert flags == {again.pk: True, other.pk: False}


def test_queue_needs_a_registry_role(client_for, make_user, court, clerk, make_filing):
    make_filing()
    for role in ("applicant", "judge", "secretary"):
        user = make_user(role, court if role != "applicant" else None)
        response = client_for(user).get(QUEUE)
        assert (response.status_code, error_code(response)) == (403, "forbidden")
    chairman = make_user("chairman", court)
    assert client_for(chairman).get(QUEUE).json()["count"] == 1


def test_queue_page_is_bounded(client_for, clerk, make_filing):
    for _ in range(3):
        make_filing(received_at=datetime(2026, 6, 9, 5, 0, tzinfo=UTC) - timedelta(minutes=1))
    body = client_for(clerk).get(QUEUE, {"page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
