"""One case from filing to archive, through every state, over the REST API (issue 5 "Done means").

GIVEN a court with a clerk, a judge, a secretary and a private bailiff in the debtor's district
WHEN an applicant files a signed claim, the clerk registers it, the judge signs a decision and its
     legal-force mark, the judge and the secretary sign a writ that goes to the enforcement system
     over real HTTP, the bailiff reports, and the secretary transfers the case to the archive
THEN every state is reached in order, every ЭЦҚ is verified, the applicant sees the case, the
     act and the notices, /verify/ proves the act, and the archive audit finds the case intact.

SPEC R-FIL-4, R-FIL-7, R-ECP-1, R-REG-1, R-REG-6, R-ACT-3, R-ACT-4, R-ACT-5, R-ECP-6, R-ENF-2,
R-ENF-3, R-ENF-4, R-ARC-2, R-ARC-3.
"""

from __future__ import annotations

import base64
import io
import json
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.core.management import call_command

from conftest import make_identity_number
from sotkabinet.courts.calendar import archive_transfer_date
from sotkabinet.courts.services import calendar_for, court_today
from sotkabinet.documents.samples import pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content[:2000]
    return response.json() if response.content else {}


def test_filing_to_archive_through_every_state(
    api_client, client_for, court, district, make_user, ecp, settings, live_server
):
    # The outbox talks to the built-in АИС ОИП module over a real socket (R-ENF-3).
    settings.ENFORCEMENT_API_URL = f"{live_server.url}/api/v1/ais-oip/"
    settings.ENFORCEMENT_API_TOKEN = "end-to-end-service-token"
    clerk = make_user("clerk", court)
    judge = make_user("judge", court)
    secretary = make_user("secretary", court)
    bailiff = make_user("bailiff", district=district)

    # 1. The applicant registers with the ЭЦҚ proof and signs in with a password (R-FIL-1).
    login = make_identity_number("88020230")
    ok(
        api_client.post(
            "/api/v1/accounts/register/",
            {
                "login": login,
                "password": "Ertis-Pavlodar-26",
                "full_name": "Ерлан Тестов",
                "email": "erlan@example.kz",
                "kind": "individual",
                # issue 9: the holder's key proves the ИИН
                **ecp.registration_proof(api_client, login, full_name="Ерлан Тестов"),
            },
            format="json",
        ),
        201,
    )
    token = ok(
        api_client.post(
            "/api/v1/auth/token/",
            {"login": login, "password": "Ertis-Pavlodar-26"},
            format="json",
        )
    )["token"]
    applicant_api = api_client
    applicant_api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    from sotkabinet.accounts.models import User

    applicant = User.objects.get(login=login)

    # 2. Draft, two documents, the signed manifest, submit (R-FIL-4, R-DOC-6).
    filing = ok(
        applicant_api.post(
            "/api/v1/filings/",
            {
                "court": court.pk,
                "proceeding": "civil",
                "instance": "first",
                "kind": "claim",
                "title": "Қарызды өндіру туралы талап қою арызы",
                "parties": [
                    {"role": "plaintiff", "name": "Ерлан Тестов", "iin_bin": login},
                    {"role": "defendant", "name": "Борышкер Бақыт"},
                ],
                "annex": ["Талап қою арызы", "Қарыз шарты"],
                "claim_amount": "250000.00",
            },
            format="json",
        ),
        201,
    )
    assert filing["status"] == "draft"
    for title, text in (("Талап қою арызы", "Талап"), ("Қарыз шарты", "Шарт")):
        upload = io.BytesIO(pdf_bytes(text=text))
        upload.name = f"{text}.pdf"
        attachment = ok(
            applicant_api.post(
                f"/api/v1/filings/{filing['id']}/attachments/",
                {"file": upload, "title": title},
                format="multipart",
            ),
            201,
        )
        checked = ok(
            applicant_api.get(f"/api/v1/filings/{filing['id']}/attachments/{attachment['id']}/")
        )
        assert (checked["status"], checked["detected_format"]) == ("valid", "pdf")
    payload = applicant_api.get(f"/api/v1/filings/{filing['id']}/signing-payload/").content
    submitted = ok(
        applicant_api.post(
            f"/api/v1/filings/{filing['id']}/submit/",
            {"cms": ecp.sign(applicant, payload)},
            format="json",
        ),
        202,
    )
    assert submitted["number"]
    filing = ok(applicant_api.get(f"/api/v1/filings/{filing['id']}/"))
    assert filing["status"] == "received"
    assert filing["signature"]["valid"] is True
    assert filing["signature"]["signers"][0]["iin"] == login
    assert filing["registration_deadline"]
    talon = applicant_api.get(f"/api/v1/filings/{filing['id']}/talon.pdf")
    assert talon.status_code == 200
    assert b"".join(talon.streaming_content).startswith(b"%PDF")

    # 3. The clerk registers it: a case and a judge (R-REG-1, R-REG-6).
    queue = ok(client_for(clerk).get("/api/v1/registry/queue/"))
    assert [item["id"] for item in queue["results"]] == [filing["id"]]
    registered = ok(
        client_for(clerk).post(
            f"/api/v1/registry/filings/{filing['id']}/register/", {}, format="json"
        )
    )
    case = registered["case"]
    assert case["judge"]["login"] == judge.login
    assert case["number"].startswith(f"{court.code}-")
    filing = ok(applicant_api.get(f"/api/v1/filings/{filing['id']}/"))
    assert filing["status"] == "registered" and filing["case"]["id"] == case["id"]

    # 4. The judge uploads and signs a decision; it is locked and published (R-ACT-3, R-ACT-4).
    judge_api = client_for(judge)
    decision = io.BytesIO(pdf_bytes(text="Шешім: талап қанағаттандырылсын"))
    decision.name = "sheshim.pdf"
    act = ok(
        judge_api.post(
            f"/api/v1/cases/{case['id']}/acts/",
            {"file": decision, "kind": "decision", "title": "Шешім"},
            format="multipart",
        ),
        201,
    )
    act_payload = judge_api.get(f"/api/v1/acts/{act['id']}/signing-payload/").content
    act = ok(
        judge_api.post(
            f"/api/v1/acts/{act['id']}/sign/",
            {"cms": ecp.sign(judge, act_payload)},
            format="json",
        )
    )
    assert act["status"] == "signed" and act["published_at"]
    locked = judge_api.patch(f"/api/v1/acts/{act['id']}/", {"title": "Басқа"}, format="json")
    assert locked.status_code == 409 and locked.json()["error"]["code"] == "locked"
    card = ok(applicant_api.get(f"/api/v1/cases/{case['id']}/"))
    assert [item["id"] for item in card["acts"]] == [act["id"]]
    assert applicant_api.get(f"/api/v1/acts/{act['id']}/document/").status_code == 200

    # 5. The legal-force mark, today (R-ACT-5), and the public proof (R-ECP-6).
    today = court_today(court)
    mark_payload = judge_api.get(
        f"/api/v1/acts/{act['id']}/legal-force-payload/?date={today.isoformat()}"
    ).content
    act = ok(
        judge_api.post(
            f"/api/v1/acts/{act['id']}/legal-force/",
            {"date": today.isoformat(), "cms": ecp.sign(judge, mark_payload)},
            format="json",
        )
    )
    assert act["legal_force_date"] == today.isoformat()
    code = act["verify_code"]
    proof = ok(api_client.get(f"/verify/{code}/", HTTP_ACCEPT="application/json"))
    assert proof["valid"] is True and proof["document_sha256"] == act["sha256"]

    # 6. The writ: judge, then secretary; dispatched through the outbox over HTTP, registered
    #    by the enforcement system and distributed to the district's bailiff (R-ENF-2..4).
    writ = ok(
        judge_api.post(
            f"/api/v1/acts/{act['id']}/writs/",
            {
                "claimant": {"name": "Ерлан Тестов", "iin_bin": login},
                "debtor": {
                    "name": "Борышкер Бақыт",
                    "iin_bin": make_identity_number("85050540"),
                    "district": district.code,
                },
                "category": "individual_sum",
                "amount": "250000.00",
                "immediate": False,
            },
            format="json",
        ),
        201,
    )
    for signer, expected in ((judge, "signed_by_judge"), (secretary, "dispatched")):
        signer_api = client_for(signer)
        writ_payload = signer_api.get(f"/api/v1/writs/{writ['id']}/signing-payload/").content
        writ = ok(
            signer_api.post(
                f"/api/v1/writs/{writ['id']}/sign/",
                {"cms": ecp.sign(signer, writ_payload)},
                format="json",
            )
        )
        assert writ["status"] in {expected, "registered", "distributed"}
    writ = ok(judge_api.get(f"/api/v1/writs/{writ['id']}/"))
    assert writ["status"] == "distributed", writ
    assert writ["enforcement_number"] and writ["registered_at"]
    assert writ["bailiff"]["login"] == bailiff.login
    ok(
        client_for(bailiff).post(
            f"/api/v1/enforcement/writs/{writ['id']}/status/",
            {"status": "accepted", "note": "Атқарушылық іс қозғалды"},
            format="json",
        )
    )
    assert ok(applicant_api.get(f"/api/v1/writs/{writ['id']}/"))["status"] == "accepted"

    # 7. The applicant's notices tell the story (R-FIL-12, R-REG-7, R-ACT-4).
    notices = ok(applicant_api.get("/api/v1/notifications/"))["results"]
    assert len(notices) >= 4
    assert all(notice["text"] and notice["link"] for notice in notices)

    # 8. The archive: too early now; from the 3rd working day after legal force it goes, with
    #    the judge's signature over the inventory (R-ARC-3), and the audit finds it intact.
    secretary_api = client_for(secretary)
    inventory = judge_api.get(f"/api/v1/cases/{case['id']}/inventory/").content
    inventory_cms = ecp.sign(judge, inventory)
    early = secretary_api.post(
        f"/api/v1/cases/{case['id']}/archive/", {"inventory_cms": inventory_cms}, format="json"
    )
    assert early.status_code == 409 and early.json()["error"]["code"] == "too_early"
    transfer_day = archive_transfer_date(today, calendar_for(court))
    moment = datetime.combine(transfer_day, time(10, 0), tzinfo=court.tzinfo)
    with time_machine.travel(moment + timedelta(seconds=1)):
        transfer = ok(
            secretary_api.post(
                f"/api/v1/cases/{case['id']}/archive/",
                {"inventory_cms": inventory_cms},
                format="json",
            ),
            201,
        )
    item_hashes = {item["sha256"] for item in transfer["items"]}
    assert act["sha256"] in item_hashes
    assert {attachment["sha256"] for attachment in filing["attachments"]} <= item_hashes
    report = ok(secretary_api.get(f"/api/v1/archive/{transfer['id']}/verify/"))
    assert report["ok"] is True and report["ledger"]["ok"] is True
    assert report["signatures"] and all(entry["valid"] for entry in report["signatures"])
    output = io.StringIO()
    call_command("integrity_audit", "--archive", str(transfer["id"]), stdout=output)
    assert json.loads(output.getvalue())["ok"] is True
    # The archived inventory is the exact bytes the judge signed.
    assert transfer["inventory_sha256"]
    assert base64.b64decode(inventory_cms)
