"""The bailiff's statuses reach the case and the parties' cabinets (SPEC R-ENF-3, 000 п.58)."""

from __future__ import annotations

import pytest

from enforcement.chamber.models import BailiffAssignment, Registration, RegistrationStatus
from enforcement.models import Writ, WritStatus
from registry.models import CaseEvent
from sotkabinet.core.models import Notification

pytestmark = pytest.mark.usefixtures("ais_oip")


@pytest.fixture
def assigned(dispatched, make_bailiff, district):
    bailiff = make_bailiff(district, full_name="Сот орындаушысы Ерлан")
    writ_id = dispatched()
    assert Writ.objects.get(pk=writ_id).bailiff == bailiff
    return writ_id, bailiff


def report(client_for, user, writ_id, status, note=""):
    return client_for(user).post(
        f"/api/v1/enforcement/writs/{writ_id}/status/",
        {"status": status, "note": note},
        format="json",
    )


def test_r_enf_3_bailiff_status_is_visible_to_the_parties(
    assigned, client_for, people
):  # SPEC R-ENF-3 (000 п.58), R-FIL-8
    writ_id, bailiff = assigned
    response = report(client_for, bailiff, writ_id, "accepted", "Атқарушылық іс қозғалды")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"

    for party in (people.claimant, people.debtor):
        seen = client_for(party).get(f"/api/v1/writs/{writ_id}/")
        assert seen.status_code == 200
        assert seen.json()["status"] == "accepted"
        last = seen.json()["history"][-1]
        assert last["status"] == "accepted"
        assert "Атқарушылық іс қозғалды" in last["note"]
        notice = Notification.objects.get(user=party, kind="writ.accepted")
        assert notice.case_id == Writ.objects.get(pk=writ_id).case_id
        assert "Атқарушылық іс қозғалды" in notice.text
        assert notice.link == f"/cabinet/writs/{writ_id}/"
        listed = client_for(party).get("/api/v1/notifications/").json()["results"]
        assert any(item["kind"] == "writ.accepted" for item in listed)
    # ... and in the case's history.
    assert CaseEvent.objects.filter(kind="writ.accepted").count() == 1
    # The chamber's record follows, and the first report is the handover (п.8, п.15).
    assert Registration.objects.get(source_writ_id=writ_id).status == RegistrationStatus.ACCEPTED
    assignment = BailiffAssignment.objects.get(registration__source_writ_id=writ_id)
    assert assignment.handed_over_at is not None
    assert assignment.claimant_notified_at is not None


def test_r_enf_3_the_statuses_follow_the_table(assigned, client_for):  # SPEC R-ENF-3
    writ_id, bailiff = assigned
    assert report(client_for, bailiff, writ_id, "completed").status_code == 409
    assert report(client_for, bailiff, writ_id, "suspended").status_code == 409
    assert report(client_for, bailiff, writ_id, "accepted").status_code == 200
    assert (
        report(client_for, bailiff, writ_id, "suspended", "Борышкер іздестіруде").status_code == 200
    )
    assert report(client_for, bailiff, writ_id, "accepted").status_code == 200
    assert report(client_for, bailiff, writ_id, "completed", "Толық өндірілді").status_code == 200
    assert report(client_for, bailiff, writ_id, "accepted").status_code == 409
    writ = Writ.objects.get(pk=writ_id)
    assert writ.status == WritStatus.COMPLETED
    assert [e.status for e in writ.events.all()][-4:] == [
        "accepted",
        "suspended",
        "accepted",
        "completed",
    ]
    assignment = BailiffAssignment.objects.get(registration__source_writ_id=writ_id)
    assert assignment.end_reason == "completed"


def test_r_enf_3_refused_to_initiate_ends_the_writ(assigned, client_for):  # 000 п.58
    writ_id, bailiff = assigned
    assert report(client_for, bailiff, writ_id, "refused", "Мерзімі өткен").status_code == 200
    assert Writ.objects.get(pk=writ_id).status == WritStatus.REFUSED
    assert report(client_for, bailiff, writ_id, "accepted").status_code == 409


def test_r_enf_3_only_the_assigned_bailiff_reports(
    assigned, client_for, people, make_bailiff, district
):  # SPEC R-ENF-3, only the assigned bailiff (docs/api.md)
    writ_id, _bailiff = assigned
    assert report(client_for, make_bailiff(district), writ_id, "accepted").status_code == 404
    assert report(client_for, people.stranger, writ_id, "accepted").status_code == 404
    for user in (people.claimant, people.chamber, people.judge):
        assert report(client_for, user, writ_id, "accepted").status_code == 403
    assert Writ.objects.get(pk=writ_id).status == WritStatus.DISTRIBUTED


def test_unknown_status_is_400(assigned, client_for):
    writ_id, bailiff = assigned
    response = report(client_for, bailiff, writ_id, "lost")
    assert response.status_code == 400
    assert "status" in response.json()["error"]["details"]
