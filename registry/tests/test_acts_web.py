"""The judge's web page for acts (SPEC R-ACT-1..5): worklist, placing a draft, and signing with
the DEMO signer through the same API endpoints the page's script calls."""

from __future__ import annotations

import base64
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from registry.models import Act, ActStatus
from sotkabinet.accounts.models import Absence
from sotkabinet.courts.services import court_today
from sotkabinet.documents.samples import pdf_bytes

from .acts_helpers import (  # noqa: F401  (fixtures)
    case_fixture,
    chairman_fixture,
    judge_fixture,
    party_fixture,
    representative_fixture,
    sign_act,
    upload_act,
)


def logged_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def csrf_of(client: Client) -> str:
    return client.cookies["csrftoken"].value


def test_judge_page_lists_drafts_and_due_marks(ecp, case, judge, tmp_path):
    draft = upload_act(case, judge, tmp_path, title="Қол қоюға жоба")
    signed = sign_act(upload_act(case, judge, tmp_path, title="Күшіне енетін"), judge, ecp)
    page = logged_in(judge).get("/judge/acts/")
    assert page.status_code == 200
    html = page.content.decode()
    assert draft.title in html and f"/api/v1/acts/{draft.pk}/signing-payload/" in html
    assert signed.title in html and f"/api/v1/acts/{signed.pk}/legal-force-payload/" in html
    assert "data-demo" in html  # DEMO is on in tests
    assert case.number in html


def test_chairman_sees_the_absent_judges_marks_only(ecp, case, judge, chairman, tmp_path):
    signed = sign_act(upload_act(case, judge, tmp_path), judge, ecp)
    client = logged_in(chairman)
    assert signed.title not in client.get("/judge/acts/").content.decode()
    today = court_today(case.court)
    Absence.objects.create(
        user=judge, date_from=today, date_to=today, reason="Ауру", recorded_by=chairman
    )
    assert signed.title in client.get("/judge/acts/").content.decode()


def test_page_is_for_judges_and_chairmen(party):
    assert logged_in(party).get("/judge/acts/").status_code == 403


def test_judge_places_a_draft_through_the_form(case, judge):
    client = logged_in(judge)
    client.get("/judge/acts/")
    response = client.post(
        f"/judge/cases/{case.pk}/acts/",
        {
            "csrfmiddlewaretoken": csrf_of(client),
            "kind": "ruling",
            "title": "Ұйғарым",
            "file": SimpleUploadedFile("ruling.pdf", pdf_bytes("Ruling")),
        },
    )
    assert response.status_code == 302
    act = Act.objects.get(case=case)
    assert (act.kind, act.title, act.status) == ("ruling", "Ұйғарым", ActStatus.DRAFT)


def test_upload_form_refuses_a_future_date_and_needs_csrf(case, judge):
    client = logged_in(judge)
    client.get("/judge/acts/")
    future = (court_today(case.court) + timedelta(days=2)).isoformat()
    client.post(
        f"/judge/cases/{case.pk}/acts/",
        {
            "csrfmiddlewaretoken": csrf_of(client),
            "kind": "ruling",
            "title": "Болашақ",
            "date": future,
            "file": SimpleUploadedFile("ruling.pdf", pdf_bytes("Ruling")),
        },
    )
    no_csrf = client.post(
        f"/judge/cases/{case.pk}/acts/",
        {"kind": "ruling", "title": "x", "file": SimpleUploadedFile("r.pdf", pdf_bytes("R"))},
    )
    assert no_csrf.status_code == 403
    assert not Act.objects.exists()


def test_demo_signer_path_signs_and_marks(case, judge, party, tmp_path):
    """DEMO: what the page's script does — payload from the API, the demo signer signs it, the
    CMS goes back to the API with the session and CSRF token."""
    act = upload_act(case, judge, tmp_path)
    client = logged_in(judge)
    client.get("/judge/acts/")
    csrf = csrf_of(client)

    def sign_and_send(payload_url: str, submit_url: str, extra: dict) -> int:
        payload = client.get(payload_url).content
        demo = client.post(
            "/signatures/demo-sign/",
            {"data": base64.b64encode(payload).decode(), "detached": "1"},
            HTTP_X_CSRFTOKEN=csrf,
        )
        assert demo.status_code == 200, demo.content
        response = client.post(
            submit_url,
            {"cms": demo.json()["cms"], **extra},
            content_type="application/json",
            HTTP_X_CSRFTOKEN=csrf,
        )
        return response.status_code

    status = sign_and_send(
        f"/api/v1/acts/{act.pk}/signing-payload/", f"/api/v1/acts/{act.pk}/sign/", {}
    )
    assert status == 200
    today = court_today(case.court).isoformat()
    status = sign_and_send(
        f"/api/v1/acts/{act.pk}/legal-force-payload/?date={today}",
        f"/api/v1/acts/{act.pk}/legal-force/",
        {"date": today},
    )
    assert status == 200
    act.refresh_from_db()
    assert act.status == ActStatus.SIGNED and act.legal_force_date is not None
    assert act.signature_verdict["signers"][0]["iin"] == judge.login
