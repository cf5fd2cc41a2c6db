"""The legal-force mark and the chairman's path when the judge is absent (SPEC R-ACT-5, R-ECP-6),
and the staff absence endpoint."""

from __future__ import annotations

from datetime import timedelta

import pytest

from registry import acts
from registry.models import Act, Case, CaseEvent
from sotkabinet.accounts.models import Absence
from sotkabinet.core.models import Notification
from sotkabinet.courts.services import court_today

from .acts_helpers import (  # noqa: F401  (fixtures)
    case_fixture,
    chairman_fixture,
    clerk_fixture,
    judge_fixture,
    mark_legal_force,
    party_fixture,
    payload_dict,
    representative_fixture,
    sign_act,
    stranger_fixture,
    upload_act,
)


@pytest.fixture
def signed_act(case, judge, ecp, tmp_path):
    today = court_today(case.court)
    act = upload_act(case, judge, tmp_path, act_date=today - timedelta(days=40))
    return sign_act(act, judge, ecp)


def post_mark(client, act, on, cms):
    return client.post(
        f"/api/v1/acts/{act.pk}/legal-force/", {"date": on.isoformat(), "cms": cms}, format="json"
    )


def get_payload(client, act, on):
    return client.get(f"/api/v1/acts/{act.pk}/legal-force-payload/?date={on.isoformat()}")


def test_judge_signs_the_legal_force_mark(client_for, ecp, signed_act, judge, party, settings):
    """SPEC R-ACT-5: the judge re-signs the act's hash with the date and the court; the act gets
    its legal-force date, an unguessable verification code and the QR link; the case is in
    force from that date and the parties are told."""
    client = client_for(judge)
    on = court_today(signed_act.case.court) - timedelta(days=5)
    response = get_payload(client, signed_act, on)
    assert response.status_code == 200
    payload = response.content
    assert payload_dict(payload) == {
        "act": signed_act.pk,
        "sha256": signed_act.sha256,
        "date": on.isoformat(),
        "court": signed_act.case.court.code,
        "purpose": "legal_force",
    }
    marked = post_mark(client, signed_act, on, ecp.sign(judge, payload))
    assert marked.status_code == 200, marked.json()
    body = marked.json()
    assert body["legal_force_date"] == on.isoformat()
    assert body["legal_force_signer"] == {"login": judge.login, "full_name": judge.full_name}
    code = body["verify_code"]
    assert len(code) >= 22
    assert body["qr_url"] == f"{settings.PORTAL_BASE_URL.rstrip('/')}/verify/{code}/"
    act = Act.objects.get(pk=signed_act.pk)
    assert act.legal_force_payload.encode() == payload
    assert act.legal_force_verdict["valid"] is True
    assert Case.objects.get(pk=act.case_id).legal_force_date == on
    assert CaseEvent.objects.filter(case=act.case, kind="legal_force").exists()
    assert Notification.objects.filter(user=party, kind="act_legal_force").exists()


def test_verify_codes_differ_between_acts(ecp, case, judge, tmp_path):
    first = mark_legal_force(sign_act(upload_act(case, judge, tmp_path), judge, ecp), judge, ecp)
    second = mark_legal_force(
        sign_act(upload_act(case, judge, tmp_path, title="Екінші"), judge, ecp), judge, ecp
    )
    assert first.verify_code != second.verify_code


def test_legal_force_date_never_in_the_future_nor_before_the_act(
    client_for, ecp, signed_act, judge
):
    """docs/api.md: the date may lie in the past, not before the act's date, never in the future."""
    client = client_for(judge)
    today = court_today(signed_act.case.court)
    for on in (today + timedelta(days=1), signed_act.date - timedelta(days=1)):
        cms = ecp.sign(judge, acts.legal_force_payload(signed_act, on))
        response = post_mark(client, signed_act, on, cms)
        assert response.status_code == 400, on
        assert response.json()["error"]["code"] == "invalid_date"
        assert get_payload(client, signed_act, on).json()["error"]["code"] == "invalid_date"
    malformed = client.get(f"/api/v1/acts/{signed_act.pk}/legal-force-payload/?date=tomorrow")
    assert malformed.status_code == 400
    assert malformed.json()["error"]["code"] == "invalid_date"
    assert Act.objects.get(pk=signed_act.pk).legal_force_date is None
    # the act's own date is the earliest allowed
    on = signed_act.date
    ok = post_mark(
        client, signed_act, on, ecp.sign(judge, acts.legal_force_payload(signed_act, on))
    )
    assert ok.status_code == 200


def test_mark_over_another_date_is_tampered(client_for, ecp, signed_act, judge):
    today = court_today(signed_act.case.court)
    cms = ecp.sign(judge, acts.legal_force_payload(signed_act, today - timedelta(days=1)))
    response = post_mark(client_for(judge), signed_act, today, cms)
    assert response.status_code == 400
    assert response.json()["error"]["details"]["reason"] == "tampered"


def test_mark_needs_a_signed_act_and_is_set_once(
    client_for, ecp, case, judge, signed_act, tmp_path
):
    client = client_for(judge)
    today = court_today(case.court)
    draft = upload_act(case, judge, tmp_path, title="Жоба")
    response = post_mark(
        client, draft, today, ecp.sign(judge, acts.legal_force_payload(draft, today))
    )
    assert response.status_code == 409
    payload = acts.legal_force_payload(signed_act, today)
    assert post_mark(client, signed_act, today, ecp.sign(judge, payload)).status_code == 200
    again = post_mark(client, signed_act, today, ecp.sign(judge, payload))
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "locked"


# -- the chairman's path (R-ACT-5: "if the judge is absent for a good reason") ---------------------


def test_chairman_is_refused_while_the_judge_is_present(client_for, ecp, signed_act, chairman):
    client = client_for(chairman)
    today = court_today(signed_act.case.court)
    assert get_payload(client, signed_act, today).status_code == 403
    cms = ecp.sign(chairman, acts.legal_force_payload(signed_act, today))
    response = post_mark(client, signed_act, today, cms)
    assert response.status_code == 403
    assert Act.objects.get(pk=signed_act.pk).legal_force_date is None


def test_chairman_signs_when_the_judge_is_marked_absent(
    client_for, ecp, signed_act, judge, chairman
):
    """SPEC R-ACT-5: the chairman marks the judge absent (API), then signs the mark himself."""
    client = client_for(chairman)
    today = court_today(signed_act.case.court)
    absence = client.post(
        f"/api/v1/staff/{judge.login}/absence/",
        {
            "from": today.isoformat(),
            "to": (today + timedelta(days=14)).isoformat(),
            "reason": "Еңбек демалысы",
        },
        format="json",
    )
    assert absence.status_code == 201, absence.json()
    payload = get_payload(client, signed_act, today).content
    # the judge's key will not do: the chairman signs with his own
    wrong = post_mark(client, signed_act, today, ecp.sign(judge, payload))
    assert wrong.status_code == 400
    assert wrong.json()["error"]["code"] == "signer_mismatch"
    response = post_mark(client, signed_act, today, ecp.sign(chairman, payload))
    assert response.status_code == 200, response.json()
    assert response.json()["legal_force_signer"]["login"] == chairman.login
    event = CaseEvent.objects.get(case=signed_act.case, kind="legal_force")
    assert "chairman" in event.note


def test_absence_on_other_days_does_not_open_the_chairman_path(
    client_for, ecp, signed_act, judge, chairman
):
    today = court_today(signed_act.case.court)
    Absence.objects.create(
        user=judge,
        date_from=today - timedelta(days=20),
        date_to=today - timedelta(days=1),
        reason="Өткен",
        recorded_by=chairman,
    )
    cms = ecp.sign(chairman, acts.legal_force_payload(signed_act, today))
    assert post_mark(client_for(chairman), signed_act, today, cms).status_code == 403


def test_chairman_of_another_court_cannot_see_the_act(
    client_for, ecp, make_user, other_court, signed_act, judge
):
    other_chairman = make_user("chairman", other_court)
    today = court_today(signed_act.case.court)
    Absence.objects.create(
        user=judge, date_from=today, date_to=today, reason="Ауру", recorded_by=other_chairman
    )
    cms = ecp.sign(other_chairman, acts.legal_force_payload(signed_act, today))
    assert post_mark(client_for(other_chairman), signed_act, today, cms).status_code == 404


def test_a_party_cannot_mark(client_for, ecp, signed_act, party):
    today = court_today(signed_act.case.court)
    cms = ecp.sign(party, acts.legal_force_payload(signed_act, today))
    assert post_mark(client_for(party), signed_act, today, cms).status_code == 403


# -- staff absence endpoint ------------------------------------------------------------------------


def post_absence(client, login, date_from, date_to, reason="Іссапар"):
    return client.post(
        f"/api/v1/staff/{login}/absence/",
        {"from": date_from.isoformat(), "to": date_to.isoformat(), "reason": reason},
        format="json",
    )


def test_clerk_of_the_court_records_an_absence(client_for, court, judge, clerk):
    today = court_today(court)
    response = post_absence(client_for(clerk), judge.login, today, today + timedelta(days=2))
    assert response.status_code == 201
    body = response.json()
    assert body["judge"]["login"] == judge.login
    assert body["from"] == today.isoformat()
    assert body["recorded_by"]["login"] == clerk.login
    absence = Absence.objects.get(pk=body["id"])
    assert (absence.user, absence.recorded_by) == (judge, clerk)


def test_absence_permissions(client_for, make_user, court, other_court, judge, party):
    """Only a chairman or clerk of the judge's own court (403 otherwise); unknown judge 404."""
    today = court_today(court)
    other_clerk = make_user("clerk", other_court)
    secretary = make_user("secretary", court)
    for user in (other_clerk, secretary, party, judge):
        response = post_absence(client_for(user), judge.login, today, today)
        assert response.status_code == 403, user
    chairman = make_user("chairman", court)
    not_a_judge = make_user("applicant")
    assert post_absence(client_for(chairman), not_a_judge.login, today, today).status_code == 404
    assert post_absence(client_for(chairman), "000000000000", today, today).status_code == 404
    assert not Absence.objects.exists()


def test_absence_period_must_be_ordered(client_for, court, judge, chairman):
    today = court_today(court)
    response = post_absence(client_for(chairman), judge.login, today, today - timedelta(days=1))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_date"


def test_absence_requires_authentication(api_client, judge):
    response = api_client.post(
        f"/api/v1/staff/{judge.login}/absence/",
        {"from": "2026-01-01", "to": "2026-01-02", "reason": "x"},
        format="json",
    )
    assert response.status_code == 401
