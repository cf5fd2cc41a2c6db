"""The case card, GET /api/v1/cases/{id}/ (docs/api.md; SPEC R-FIL-8 "My cases" shows the
progress of each case and its judicial acts, R-ACT-4 parties see published acts only)."""

from __future__ import annotations

from datetime import timedelta

from django.apps import apps
from django.utils import timezone

from filings.models import Filing, FilingStatus, PowerAttorney, PowerOfAttorney, PowerStatus
from registry.models import CaseEvent
from sotkabinet.courts.services import court_today

from .acts_helpers import (  # noqa: F401  (fixtures)
    case_fixture,
    clerk_fixture,
    judge_fixture,
    mark_legal_force,
    party_fixture,
    representative_fixture,
    sign_act,
    stranger_fixture,
    upload_act,
)

CARD_FIELDS = {
    "id",
    "number",
    "court",
    "judge",
    "filings",
    "acts",
    "writs",
    "history",
    "legal_force_date",
}


def card(client, case):
    return client.get(f"/api/v1/cases/{case.pk}/")


def test_party_sees_the_case_card_with_published_acts_only(
    client_for, ecp, case, judge, party, tmp_path
):
    """R-ACT-4, R-FIL-8: a published act shows in the party's card, a draft does not, nor do the
    history entries about drafts."""
    published = sign_act(upload_act(case, judge, tmp_path), judge, ecp)
    upload_act(case, judge, tmp_path, title="Жоба, әлі қол қойылмаған")
    CaseEvent.objects.create(case=case, kind="opened", note="Іс қозғалды")
    response = card(client_for(party), case)
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= CARD_FIELDS
    assert body["number"] == case.number
    assert body["court"] == case.court_id
    assert body["judge"] == {"login": judge.login, "full_name": judge.full_name}
    assert [act["id"] for act in body["acts"]] == [published.pk]
    assert body["acts"][0]["status"] == "signed"
    kinds = [entry["kind"] for entry in body["history"]]
    assert "opened" in kinds and "act_published" in kinds
    assert "act_uploaded" not in kinds
    assert body["writs"] == []
    assert body["legal_force_date"] is None


def test_judge_and_court_staff_see_drafts(client_for, case, judge, clerk, tmp_path):
    upload_act(case, judge, tmp_path)
    for user in (judge, clerk):
        body = card(client_for(user), case).json()
        assert [act["status"] for act in body["acts"]] == ["draft"]
        assert "act_uploaded" in [entry["kind"] for entry in body["history"]]


def test_outsiders_get_404(client_for, make_user, other_court, case, stranger):
    other_clerk = make_user("clerk", other_court)
    other_judge = make_user("judge", other_court)
    for user in (stranger, other_clerk, other_judge):
        assert card(client_for(user), case).status_code == 404
    assert card(client_for(stranger), type(case)(pk=999_999)).status_code == 404


def test_attorney_under_an_active_power_sees_the_case(client_for, make_user, case, party):
    """docs/api.md: "parties, their attorneys" — an attorney of a participant, while the power is
    active and in its period."""
    attorney = make_user("representative")
    today = timezone.localdate()
    power = PowerOfAttorney.objects.create(
        principal=party,
        powers=["file_claims"],
        valid_from=today - timedelta(days=5),
        valid_until=today + timedelta(days=5),
        fabula="Дау бойынша",
        status=PowerStatus.ACTIVE,
    )
    PowerAttorney.objects.create(power=power, iin=attorney.login, user=attorney)
    assert card(client_for(attorney), case).status_code == 200
    power.status = PowerStatus.REVOKED
    power.save()
    assert card(client_for(attorney), case).status_code == 404


def test_card_lists_filings_and_legal_force(client_for, ecp, court, case, judge, party, tmp_path):
    registered = Filing.objects.create(
        number="T-1",
        status=FilingStatus.REGISTERED,
        court=court,
        proceeding="civil",
        instance="first",
        kind="claim",
        title="Талап арыз",
        author=party,
        case=case,
        submitted_at=timezone.now(),
    )
    Filing.objects.create(
        status=FilingStatus.DRAFT,
        court=court,
        proceeding="civil",
        instance="first",
        kind="motion",
        title="Жоба өтінішхат",
        author=party,
        case=case,
    )
    act = mark_legal_force(sign_act(upload_act(case, judge, tmp_path), judge, ecp), judge, ecp)
    body = card(client_for(party), case).json()
    assert [filing["id"] for filing in body["filings"]] == [registered.pk]
    assert body["filings"][0]["number"] == "T-1"
    assert body["legal_force_date"] == court_today(court).isoformat()
    assert body["acts"][0]["qr_url"].endswith(f"/verify/{act.verify_code}/")


def test_card_lists_the_case_writs_without_importing_enforcement(
    client_for, ecp, case, judge, party, tmp_path
):
    """The writs come through the app registry (registry must not import enforcement)."""
    act = mark_legal_force(sign_act(upload_act(case, judge, tmp_path), judge, ecp), judge, ecp)
    writ_model = apps.get_model("enforcement", "Writ")
    writ = writ_model.objects.create(
        number=f"{case.number}/АҚ-1",
        sequence=1,
        act=act,
        case=case,
        court=case.court,
        category="individual_sum",
        claimant={"name": "Талапкер", "iin_bin": party.login},
        debtor={"name": "Борышкер", "iin_bin": "900101300011", "district": "ALM-BOST"},
        debtor_district=case.court.district,
        act_sha256=act.sha256,
        act_document=act.blob,
        signing_payload="{}",
        created_by=judge,
    )
    # The judge sees the draft writ; a party sees it only once it is dispatched (R-ENF-2).
    body = card(client_for(judge), case).json()
    assert [(item["id"], item["act"], item["status"]) for item in body["writs"]] == [
        (writ.pk, act.pk, "draft")
    ]
    assert card(client_for(party), case).json()["writs"] == []
    writ_model.objects.filter(pk=writ.pk).update(status="dispatched")
    body = card(client_for(party), case).json()
    assert [(item["id"], item["status"]) for item in body["writs"]] == [(writ.pk, "dispatched")]


def test_case_acts_list_is_paginated(client_for, ecp, case, judge, party, tmp_path):
    sign_act(upload_act(case, judge, tmp_path), judge, ecp)
    upload_act(case, judge, tmp_path, title="Жоба")
    party_list = client_for(party).get(f"/api/v1/cases/{case.pk}/acts/").json()
    assert party_list["count"] == 1 and {"next", "previous", "results"} <= set(party_list)
    assert client_for(judge).get(f"/api/v1/cases/{case.pk}/acts/").json()["count"] == 2
