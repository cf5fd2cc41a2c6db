"""One world of real objects for the authorisation matrix (issue 9, tests/test_access_matrix.py).

Built once per test module through the portal's own API and services, so every object is in the
state the real flow leaves it in:

- two courts in two regions (Алматы, Ақтөбе), a district in each;
- applicant A's active power of attorney naming the attorney;
- A's claim, submitted, received and registered by the clerk: a case with its judge and secretary;
  the judge's decision, signed and in legal force (40 days ago), and a draft ruling;
- a writ on the decision, signed by the judge and the secretary, registered by the enforcement
  system and distributed to the district's bailiff;
- the case transferred to the archive;
- A's second claim, submitted and received (in the clerk's queue), with a bank receipt;
- A's draft, with one document, and a pending online payment.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.test import Client, TestCase
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import make_identity_number, new_login
from sotkabinet.documents.samples import pdf_bytes

#: The matrix's roles, in column order: key -> description.
ROLE_KEYS = (
    "anonymous",
    "applicant_a",
    "applicant_b",
    "attorney",
    "attorney_no_power",
    "clerk",
    "clerk_other",
    "judge",
    "judge_other",
    "secretary",
    "chairman",
    "chamber",
    "chamber_other",
    "bailiff",
    "bailiff_other",
    "archivist",
    "admin",
)


@dataclass
class World:
    users: dict = field(default_factory=dict)  # role key -> User (no entry for anonymous)
    tokens: dict = field(default_factory=dict)  # role key -> API token
    sessions: dict = field(default_factory=dict)  # role key -> web session key
    kwargs: dict = field(default_factory=dict)  # object name -> value for URL kwargs

    def api_client(self, role: str) -> APIClient:
        client = APIClient()
        if role in self.tokens:
            client.credentials(HTTP_AUTHORIZATION=f"Token {self.tokens[role]}")
        return client

    def web_client(self, role: str) -> Client:
        client = Client()
        if role in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]
        return client


def _ok(response, status: int = 200):
    assert response.status_code == status, (response.status_code, response.content[:1500])
    return (
        response.json() if response.get("Content-Type", "").startswith("application/json") else None
    )


def _user(role: str | None, court=None, *, kind: str = "individual", **fields):
    from sotkabinet.accounts.access import grant_role
    from sotkabinet.accounts.models import User

    login = new_login(kind)
    fields.setdefault("full_name", f"Матрица {role or 'admin'} {login[-4:]}")
    fields.setdefault("email", f"{login}@example.kz")
    user = User.objects.create_user(login, "Str0ng-Passw0rd!", kind=kind, **fields)
    if role:
        grant_role(user, role, court)
    return user


def _pdf(label: str) -> io.BytesIO:
    upload = io.BytesIO(pdf_bytes(text=f"{label} {timezone.now().isoformat()}"))
    upload.name = f"{label}.pdf"
    return upload


def _filing_body(court, applicant, title: str) -> dict:
    return {
        "court": court.pk,
        "proceeding": "civil",
        "instance": "first",
        "kind": "claim",
        "title": title,
        "parties": [
            {"role": "plaintiff", "name": applicant.full_name, "iin_bin": applicant.login},
            {"role": "defendant", "name": "Борышкер Бақыт"},
        ],
        "annex": ["Талап қою арызы"],
        "claim_amount": "250000.00",
    }


def _draft_with_document(api, court, applicant, title: str) -> dict:
    filing = _ok(
        api.post("/api/v1/filings/", _filing_body(court, applicant, title), format="json"), 201
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        attachment = _ok(
            api.post(
                f"/api/v1/filings/{filing['id']}/attachments/",
                {"file": _pdf("claim"), "title": "Талап қою арызы"},
                format="multipart",
            ),
            201,
        )
    filing["attachment"] = attachment["id"]
    return filing


def _submit(api, ecp, applicant, filing_id: int) -> dict:
    payload = api.get(f"/api/v1/filings/{filing_id}/signing-payload/").content
    with TestCase.captureOnCommitCallbacks(execute=True):
        _ok(
            api.post(
                f"/api/v1/filings/{filing_id}/submit/",
                {"cms": ecp.sign(applicant, payload)},
                format="json",
            ),
            202,
        )
    filing = _ok(api.get(f"/api/v1/filings/{filing_id}/"))
    assert filing["status"] == "received", filing
    return filing


def build_world(ecp) -> World:
    import time_machine

    from enforcement import services as enforcement_services
    from registry.models import JudgeProfile
    from sotkabinet.courts.models import Court, District
    from sotkabinet.courts.services import court_today

    world = World()
    users = world.users

    almaty = District.objects.create(code="MX-ALM", name="Матрица ауданы", region="Алматы")
    aqtobe = District.objects.create(code="MX-AKT", name="Матрица Ақтөбе", region="Ақтөбе")
    court = Court.objects.create(
        code="MX-ALM-SMAS",
        name="Матрица соты",
        instance=Court.Instance.FIRST,
        region="Алматы",
        district=almaty,
        timezone="Asia/Almaty",
    )
    other_court = Court.objects.create(
        code="MX-AKT-CIV",
        name="Матрица басқа соты",
        instance=Court.Instance.FIRST,
        region="Ақтөбе",
        district=aqtobe,
        timezone="Asia/Aqtobe",
    )

    users["applicant_a"] = _user("applicant")
    users["applicant_b"] = _user("applicant")
    users["attorney"] = _user("representative")
    users["attorney_no_power"] = _user("representative")
    users["clerk"] = _user("clerk", court, is_staff=True)
    users["clerk_other"] = _user("clerk", other_court, is_staff=True)
    users["judge"] = _user("judge", court)
    JudgeProfile.objects.create(user=users["judge"], court=court, languages=["kk", "ru"])
    users["secretary"] = _user("secretary", court)
    users["chairman"] = _user("chairman", court)
    users["chamber"] = _user("chamber", district=almaty, is_staff=True)
    users["chamber_other"] = _user("chamber", district=aqtobe, is_staff=True)
    users["bailiff"] = _user("bailiff", district=almaty)
    users["bailiff_other"] = _user("bailiff", district=aqtobe)
    users["archivist"] = _user("archivist", court)
    users["admin"] = _user(None, is_staff=True, is_superuser=True)

    applicant = users["applicant_a"]
    a_api = APIClient()
    a_api.force_authenticate(applicant)
    judge_api = APIClient()
    judge_api.force_authenticate(users["judge"])

    # The case's story happens 40+ days ago, so its decision is in legal force long enough for
    # the archive (R-ARC-3) today.
    past = timezone.now() - timedelta(days=45)
    with time_machine.travel(past, tick=True):
        power = _ok(
            a_api.post(
                "/api/v1/powers/",
                {
                    "attorneys": [users["attorney"].login],
                    "powers": ["file_claims", "sign_documents", "receive_acts", "appeal"],
                    "valid_from": (past - timedelta(days=1)).date().isoformat(),
                    "valid_until": (past + timedelta(days=365)).date().isoformat(),
                    "fabula": "Қарызды өндіру ісі бойынша өкілдік",
                },
                format="json",
            ),
            201,
        )
        payload = a_api.get(f"/api/v1/powers/{power['id']}/signing-payload/").content
        _ok(
            a_api.post(
                f"/api/v1/powers/{power['id']}/sign/",
                {"cms": ecp.sign(applicant, payload)},
                format="json",
            )
        )

        claim = _draft_with_document(a_api, court, applicant, "Қарызды өндіру туралы талап")
        _submit(a_api, ecp, applicant, claim["id"])
        clerk_api = APIClient()
        clerk_api.force_authenticate(users["clerk"])
        case = _ok(
            clerk_api.post(f"/api/v1/registry/filings/{claim['id']}/register/", {}, format="json")
        )["case"]
        assert case["judge"]["login"] == users["judge"].login

        act = _ok(
            judge_api.post(
                f"/api/v1/cases/{case['id']}/acts/",
                {"file": _pdf("decision"), "kind": "decision", "title": "Шешім"},
                format="multipart",
            ),
            201,
        )
        act_payload = judge_api.get(f"/api/v1/acts/{act['id']}/signing-payload/").content
        _ok(
            judge_api.post(
                f"/api/v1/acts/{act['id']}/sign/",
                {"cms": ecp.sign(users["judge"], act_payload)},
                format="json",
            )
        )
    with time_machine.travel(past + timedelta(days=5), tick=True):
        from registry.models import Case

        court_obj = Case.objects.get(pk=case["id"]).court
        day = court_today(court_obj).isoformat()
        mark = judge_api.get(f"/api/v1/acts/{act['id']}/legal-force-payload/?date={day}").content
        act = _ok(
            judge_api.post(
                f"/api/v1/acts/{act['id']}/legal-force/",
                {"date": day, "cms": ecp.sign(users["judge"], mark)},
                format="json",
            )
        )

    # Another judge of the court, who joins after the case was distributed.
    users["judge_other"] = _user("judge", court)

    draft_act = _ok(
        judge_api.post(
            f"/api/v1/cases/{case['id']}/acts/",
            {"file": _pdf("ruling"), "kind": "ruling", "title": "Ұйғарым"},
            format="multipart",
        ),
        201,
    )

    # The writ: judge, then secretary (R-ENF-2); the enforcement system registers it and the
    # chamber's distribution gives it to the district's bailiff (R-ENF-3, R-ENF-4).
    writ = _ok(
        judge_api.post(
            f"/api/v1/acts/{act['id']}/writs/",
            {
                "claimant": {"name": applicant.full_name, "iin_bin": applicant.login},
                "debtor": {
                    "name": "Борышкер Бақыт",
                    "iin_bin": make_identity_number("85050541"),
                    "district": almaty.code,
                },
                "category": "individual_sum",
                "amount": "250000.00",
                "immediate": False,
            },
            format="json",
        ),
        201,
    )
    for role in ("judge", "secretary"):
        signer_api = APIClient()
        signer_api.force_authenticate(users[role])
        writ_payload = signer_api.get(f"/api/v1/writs/{writ['id']}/signing-payload/").content
        _ok(
            signer_api.post(
                f"/api/v1/writs/{writ['id']}/sign/",
                {"cms": ecp.sign(users[role], writ_payload)},
                format="json",
            )
        )
    from enforcement.models import Writ

    writ_row = Writ.objects.get(pk=writ["id"])
    registered_at = timezone.now()
    enforcement_number = "MX-0000001"
    enforcement_services.writ_record_registration(
        writ_id=writ_row.pk, enforcement_number=enforcement_number, registered_at=registered_at
    )
    enforcement_services.writ_record_distribution(
        writ_id=writ_row.pk,
        writ_number=writ_row.number,
        enforcement_number=enforcement_number,
        registered_at=registered_at,
        bailiff=users["bailiff"],
        note="",
    )
    writ_row.refresh_from_db()
    assert writ_row.status == "distributed" and writ_row.bailiff_id == users["bailiff"].pk

    # The archive (R-ARC-3): the judge signs the inventory, the secretary transfers.
    secretary_api = APIClient()
    secretary_api.force_authenticate(users["secretary"])
    inventory = judge_api.get(f"/api/v1/cases/{case['id']}/inventory/").content
    transfer = _ok(
        secretary_api.post(
            f"/api/v1/cases/{case['id']}/archive/",
            {"inventory_cms": ecp.sign(users["judge"], inventory)},
            format="json",
        ),
        201,
    )

    # A second claim, received and waiting in the clerk's queue, with a bank receipt.
    queued = _draft_with_document(a_api, court, applicant, "Екінші талап")
    with TestCase.captureOnCommitCallbacks(execute=True):
        receipt = _ok(
            a_api.post(
                f"/api/v1/filings/{queued['id']}/receipts/",
                {"file": _pdf("receipt"), "code": "MX-RECEIPT-1"},
                format="multipart",
            ),
            201,
        )
    queued = {**_submit(a_api, ecp, applicant, queued["id"]), "attachment": queued["attachment"]}

    # A's draft, never sent, with a pending online payment.
    draft = _draft_with_document(a_api, court, applicant, "Жоба")
    payment = _ok(a_api.post(f"/api/v1/filings/{draft['id']}/payments/", {}, format="json"), 201)

    from sotkabinet.core.models import Notification

    notification = Notification.objects.filter(user=applicant).order_by("pk").first()
    assert notification is not None
    for role, user in users.items():
        world.tokens[role] = Token.objects.create(user=user).key
    # The talon is rendered once here, as the applicant's first download would (R-FIL-7).
    for filing_id in (claim["id"], queued["id"]):
        with TestCase.captureOnCommitCallbacks(execute=True):
            a_api.get(f"/api/v1/filings/{filing_id}/talon.pdf")
        assert a_api.get(f"/api/v1/filings/{filing_id}/talon.pdf").status_code == 200

    for role, user in users.items():
        browser = Client()
        browser.force_login(user)
        world.sessions[role] = browser.cookies[settings.SESSION_COOKIE_NAME].value
    world.kwargs.update(
        case=case["id"],
        act=act["id"],
        draft_act=draft_act["id"],
        writ=writ_row.pk,
        enforcement_number=enforcement_number,
        archive=transfer["id"],
        archive_item=transfer["items"][0]["id"],
        power=power["id"],
        registered_filing=claim["id"],
        registered_attachment=claim["attachment"],
        queued_filing=queued["id"],
        queued_attachment=queued["attachment"],
        receipt_attachment=receipt["id"],
        draft_filing=draft["id"],
        draft_attachment=draft["attachment"],
        payment_reference=payment["reference"],
        verify_code=act["verify_code"],
        notification=notification.pk,
        talon_number=queued["number"],
        judge_login=users["judge"].login,
        bailiff_login=users["bailiff"].login,
        other_bailiff_login=users["bailiff_other"].login,
    )
    assert settings.DEMO
    return world


__all__ = ["ROLE_KEYS", "World", "build_world"]
