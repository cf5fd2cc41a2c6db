"""Issue 9, "Closed proceedings" (004: adoption secrecy, private life, minors, sexual offences,
state secrets): the case's judge marks a case closed with a reason (API and web page, audit row);
`/verify/<code>/` then shows no title, case or court; the public signer never carries an ИИН."""

from __future__ import annotations

import pytest
from django.test import Client

from registry import verify_views
from registry.models import Case, CaseEvent
from sotkabinet.core.models import AuditLog

from .acts_helpers import (  # noqa: F401  (fixtures)
    clerk_fixture,
    judge_fixture,
    make_case,
    mark_legal_force,
    party_fixture,
    sign_act,
    stranger_fixture,
    upload_act,
)

JSON = {"HTTP_ACCEPT": "application/json"}
TITLE = "Бала асырап алу туралы шешім"


@pytest.fixture(autouse=True)
def generous_rate(monkeypatch):
    monkeypatch.setattr(verify_views, "VERIFY_RATE_PER_MINUTE", 10_000)


def closed_url(case: Case) -> str:
    return f"/api/v1/cases/{case.pk}/closed/"


@pytest.mark.django_db
def test_judge_closes_a_case_with_a_reason(court, judge, party, client_for):
    """Issue 9: 200 with `closed` and `closed_reason`; an audit row and a case event."""
    case = make_case(court, judge, party)
    api = client_for(judge)
    response = api.post(
        closed_url(case), {"closed": True, "reason": "Бала асырап алу құпиясы"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["closed"], body["closed_reason"]) == (
        case.pk,
        True,
        "Бала асырап алу құпиясы",
    )
    case.refresh_from_db()
    assert case.closed and case.closed_reason == "Бала асырап алу құпиясы"
    entry = AuditLog.objects.get(action="case.closed", object_id=str(case.pk))
    assert entry.actor == judge and entry.data["reason"] == "Бала асырап алу құпиясы"
    assert CaseEvent.objects.filter(case=case, kind="closed").exists()
    card = client_for(party).get(f"/api/v1/cases/{case.pk}/").json()
    assert card["closed"] is True and card["closed_reason"] == "Бала асырап алу құпиясы"

    reopened = api.post(closed_url(case), {"closed": False, "reason": "Қате"}, format="json")
    assert reopened.status_code == 200
    assert (reopened.json()["closed"], reopened.json()["closed_reason"]) == (False, None)
    assert AuditLog.objects.filter(action="case.opened", object_id=str(case.pk)).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("body", [{"closed": True}, {"closed": True, "reason": "  "}])
def test_a_reason_is_required(court, judge, party, client_for, body):
    case = make_case(court, judge, party)
    response = client_for(judge).post(closed_url(case), body, format="json")
    assert (response.status_code, response.json()["error"]["code"]) == (400, "reason_required")
    case.refresh_from_db()
    assert not case.closed


@pytest.mark.django_db
def test_only_the_cases_judge_may_close_it(
    court, other_court, judge, party, clerk, stranger, make_user, client_for
):
    """Issue 9: those who see the case get 403, everyone else 404 (docs/conventions.md)."""
    case = make_case(court, judge, party)
    body = {"closed": True, "reason": "Жеке өмір"}
    for user in (party, clerk, make_user("judge", court), make_user("chairman", court)):
        assert client_for(user).post(closed_url(case), body, format="json").status_code == 403
    for user in (stranger, make_user("judge", other_court)):
        assert client_for(user).post(closed_url(case), body, format="json").status_code == 404
    assert Client().post(closed_url(case), body, content_type="application/json").status_code in (
        401,
        403,
    )
    case.refresh_from_db()
    assert not case.closed


@pytest.mark.django_db
def test_judges_page_marks_a_case_closed(court, judge, party):
    """Issue 9: the judge's web page carries the form; a party posting it is refused."""
    case = make_case(court, judge, party)
    web = Client()
    web.force_login(judge)
    page = web.get("/judge/acts/").content.decode()
    assert f"/judge/cases/{case.pk}/closed/" in page
    refused = web.post(f"/judge/cases/{case.pk}/closed/", {"closed": "1", "reason": ""})
    assert refused.status_code == 302
    case.refresh_from_db()
    assert not case.closed
    done = web.post(
        f"/judge/cases/{case.pk}/closed/", {"closed": "1", "reason": "Кәмелетке толмаған"}
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.closed and case.closed_reason == "Кәмелетке толмаған"
    case_page = web.get(f"/cabinet/cases/{case.pk}/").content.decode()
    assert f"/judge/cases/{case.pk}/closed/" in case_page
    outsider = Client()
    outsider.force_login(party)
    assert outsider.post(f"/judge/cases/{case.pk}/closed/", {"reason": "x"}).status_code == 403
    assert (
        f"/judge/cases/{case.pk}/closed/"
        not in outsider.get(f"/cabinet/cases/{case.pk}/").content.decode()
    )


@pytest.mark.django_db
def test_verify_of_a_case_closed_by_the_judge_shows_no_content(
    ecp, court, judge, party, client_for, tmp_path
):
    """Issue 9: once the judge closes the case, /verify/ (JSON and HTML) shows no title, case
    number, court or parties; the hash and the verdict stay."""
    case = make_case(court, judge, party)
    act = mark_legal_force(
        sign_act(upload_act(case, judge, tmp_path, title=TITLE), judge, ecp), judge, ecp
    )
    public = Client()
    assert public.get(f"/verify/{act.verify_code}/", **JSON).json()["title"] == TITLE
    client_for(judge).post(
        closed_url(case), {"closed": True, "reason": "Бала асырап алу құпиясы"}, format="json"
    )
    answer = public.get(f"/verify/{act.verify_code}/", **JSON).json()
    assert answer["valid"] is True and answer["document_sha256"] == act.sha256
    for hidden in ("title", "case_number", "court_name", "date"):
        assert hidden not in answer
    html = public.get(f"/verify/{act.verify_code}/").content.decode()
    for text in (TITLE, case.number, court.name, party.full_name):
        assert text not in html
        assert text not in str(answer)


@pytest.mark.django_db
def test_public_verify_never_shows_a_signers_iin(ecp, court, judge, party, tmp_path):
    """Issue 9 / docs/api.md, `/verify/`: the public signer object leaves out `iin`, in JSON
    and HTML; the name, certificate and times stay."""
    case = make_case(court, judge, party)
    act = mark_legal_force(sign_act(upload_act(case, judge, tmp_path), judge, ecp), judge, ecp)
    public = Client()
    answer = public.get(f"/verify/{act.verify_code}/", **JSON).json()
    assert answer["signers"]
    for signer in answer["signers"]:
        assert "iin" not in signer
        assert signer["full_name"] and signer["certificate_serial"]
    assert judge.login not in str(answer)
    assert judge.login not in public.get(f"/verify/{act.verify_code}/").content.decode()
