"""Who sees a writ (docs/api.md: `GET writs/{id}/`: case parties, the court, the chamber and the
assigned bailiff); everyone else gets 404."""

from __future__ import annotations

import pytest

from enforcement.models import Writ

pytestmark = pytest.mark.usefixtures("ais_oip")


def test_a_stranger_gets_404_everywhere(dispatched, make_bailiff, district, client_for, people):
    make_bailiff(district)
    writ_id = dispatched()
    stranger = client_for(people.stranger)
    assert stranger.get(f"/api/v1/writs/{writ_id}/").status_code == 404
    assert stranger.get(f"/api/v1/writs/{writ_id}/signing-payload/").status_code == 404
    assert stranger.post(f"/api/v1/writs/{writ_id}/sign/", {"cms": "AA=="}).status_code == 404
    assert stranger.post(f"/api/v1/writs/{writ_id}/resubmit/").status_code == 404
    assert (
        stranger.post(
            f"/api/v1/enforcement/writs/{writ_id}/status/", {"status": "accepted"}
        ).status_code
        == 404
    )
    assert (
        stranger.post(
            f"/api/v1/enforcement/writs/{writ_id}/reassign/",
            {"reason": "recusal", "decision": "1"},
        ).status_code
        == 404
    )
    assert stranger.get("/api/v1/writs/").json()["count"] == 0
    assert stranger.get("/api/v1/writs/999999/").status_code == 404


def test_a_draft_is_the_courts_only(make_case, make_act, issue, client_for, people):
    writ_id = issue(make_act(make_case()))["id"]
    for user in (people.judge, people.secretary, people.clerk):
        assert client_for(user).get(f"/api/v1/writs/{writ_id}/").status_code == 200, user
    for user in (people.claimant, people.debtor, people.chamber, people.other_secretary):
        assert client_for(user).get(f"/api/v1/writs/{writ_id}/").status_code == 404, user
    assert client_for(people.claimant).get("/api/v1/writs/").json()["count"] == 0


def test_an_issued_writ_is_seen_by_parties_court_chamber_and_its_bailiff(
    dispatched, make_bailiff, district, client_for, people
):
    assigned = make_bailiff(district)
    writ_id = dispatched()
    other_bailiff = make_bailiff(district)
    assert Writ.objects.get(pk=writ_id).bailiff == assigned
    for user in (people.claimant, people.debtor, people.judge, people.chamber, assigned):
        response = client_for(user).get(f"/api/v1/writs/{writ_id}/")
        assert response.status_code == 200, user
        assert client_for(user).get("/api/v1/writs/").json()["count"] == 1
    for user in (other_bailiff, people.other_secretary):
        assert client_for(user).get(f"/api/v1/writs/{writ_id}/").status_code == 404
    # The dispatch details are for the court; a party sees the writ without them.
    assert "dispatch" in client_for(people.judge).get(f"/api/v1/writs/{writ_id}/").json()
    assert "dispatch" not in client_for(people.claimant).get(f"/api/v1/writs/{writ_id}/").json()
    # Filters of the list.
    judge = client_for(people.judge)
    assert judge.get("/api/v1/writs/", {"status": "distributed"}).json()["count"] == 1
    assert judge.get("/api/v1/writs/", {"status": "completed"}).json()["count"] == 0
    case_id = Writ.objects.get(pk=writ_id).case_id
    assert judge.get("/api/v1/writs/", {"case": case_id}).json()["count"] == 1


def test_the_chamber_desk_is_for_the_chamber(make_bailiff, district, client_for, people):
    bailiff = make_bailiff(district)
    for user in (people.judge, people.claimant, bailiff):
        client = client_for(user)
        assert client.get("/api/v1/enforcement/bailiffs/").status_code == 403
        assert (
            client.patch(
                f"/api/v1/enforcement/bailiffs/{bailiff.login}/", {"expelled": True}, format="json"
            ).status_code
            == 403
        )
    listing = client_for(people.chamber).get("/api/v1/enforcement/bailiffs/").json()
    assert [item["login"] for item in listing["results"]] == [bailiff.login]
    assert listing["results"][0]["ineligible_reason"] is None
    assert (
        client_for(people.chamber).get("/api/v1/enforcement/bailiffs/000000000000/").status_code
        == 404
    )
