"""Electronic power of attorney: create, head order, sign, revoke, who may act (R-FIL-10, -11)."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import new_login
from filings import powers
from filings.models import PowerOfAttorney, PowerStatus
from sotkabinet.documents.samples import exe_bytes, pdf_bytes
from sotkabinet.errors import DomainError

pytestmark = pytest.mark.django_db

ALL_POWERS = ["file_claims", "sign_documents", "receive_acts"]


@pytest.fixture
def make_person(make_user):
    def factory(role: str = "applicant", kind: str = "individual", **fields):
        return make_user(role=role, kind=kind, login=new_login(kind), **fields)

    return factory


def today():
    return timezone.localdate()


@pytest.fixture
def principal(make_person):
    return make_person(full_name="Әсет Бекұлы")


@pytest.fixture
def attorney(make_person):
    return make_person(role="representative", full_name="Адвокат Сәрсенов")


@pytest.fixture
def company(make_person):
    return make_person(
        kind="legal_entity", full_name="«Алатау Құрылыс» ЖШС", business_size="medium"
    )


def make_power(principal, attorney, *, scope=None, start=-10, end=30, status=PowerStatus.ACTIVE):
    power = powers.power_create(
        acting_user=principal,
        attorneys=[attorney.login],
        powers=scope or ALL_POWERS,
        valid_from=today() + timedelta(days=start),
        valid_until=today() + timedelta(days=end),
        fabula="Қарыз өндіру туралы дау.",
    )
    if status != PowerStatus.DRAFT:
        PowerOfAttorney.objects.filter(pk=power.pk).update(status=status)
        power.refresh_from_db()
    return power


def sign_via_api(client, ecp, power_id, signer, *, head=False):
    payload = client.get(f"/api/v1/powers/{power_id}/signing-payload/").content
    cms = ecp.sign(signer, payload, head=head)
    return client.post(f"/api/v1/powers/{power_id}/sign/", {"cms": cms}, format="json")


def error_code(response) -> str:
    return response.json()["error"]["code"]


# --- power_authorizes (R-FIL-11) ------------------------------------------------------------


def test_power_authorizes_active_in_period_and_scope(principal, attorney):  # SPEC R-FIL-11
    power = make_power(principal, attorney)
    assert (
        powers.power_authorizes(power, attorney=attorney, principal=principal, on=today()) is None
    )
    # The period is inclusive at both ends.
    powers.power_authorizes(power, attorney=attorney, principal=principal, on=power.valid_until)
    powers.power_authorizes(power, attorney=attorney, principal=principal, on=power.valid_from)


@pytest.mark.parametrize("start,end", [(-30, -1), (1, 30)])
def test_power_authorizes_refuses_outside_period(principal, attorney, start, end):  # R-FIL-11
    power = make_power(principal, attorney, start=start, end=end)
    with pytest.raises(DomainError) as caught:
        powers.power_authorizes(power, attorney=attorney, principal=principal, on=today())
    assert caught.value.code == "power_expired"


def test_power_authorizes_refuses_revoked(principal, attorney):  # SPEC R-FIL-11
    power = make_power(principal, attorney)
    powers.power_revoke(acting_user=principal, power=power)
    power.refresh_from_db()
    with pytest.raises(DomainError) as caught:
        powers.power_authorizes(power, attorney=attorney, principal=principal, on=today())
    assert caught.value.code == "power_revoked"


def test_power_authorizes_refuses_out_of_scope(principal, attorney):  # SPEC R-FIL-11
    power = make_power(principal, attorney, scope=["receive_acts", "appeal"])
    with pytest.raises(DomainError) as caught:
        powers.power_authorizes(power, attorney=attorney, principal=principal, on=today())
    assert caught.value.code == "power_scope"
    powers.power_authorizes(
        power, attorney=attorney, principal=principal, scope="appeal", on=today()
    )


def test_power_authorizes_refuses_unnamed_attorney_other_principal_and_draft(
    principal, attorney, make_person
):  # SPEC R-FIL-11
    stranger = make_person()
    power = make_power(principal, attorney)
    for kwargs in (
        {"attorney": stranger, "principal": principal},
        {"attorney": attorney, "principal": stranger},
    ):
        with pytest.raises(DomainError) as caught:
            powers.power_authorizes(power, on=today(), **kwargs)
        assert caught.value.code == "power_scope"
    draft = make_power(principal, attorney, status=PowerStatus.DRAFT)
    with pytest.raises(DomainError) as caught:
        powers.power_authorizes(draft, attorney=attorney, principal=principal, on=today())
    assert caught.value.code == "power_scope"
    assert caught.value.details["reason"] == "not_signed"


def test_expiry_is_computed_on_read(principal, attorney, client_for):  # SPEC R-FIL-10
    power = make_power(principal, attorney, start=-30, end=-1)
    assert power.status == PowerStatus.ACTIVE  # stored
    assert powers.power_status(power) == PowerStatus.EXPIRED
    response = client_for(attorney).get(f"/api/v1/powers/{power.pk}/")
    assert response.json()["status"] == "expired"
    revoke = client_for(principal).post(f"/api/v1/powers/{power.pk}/revoke/")
    assert revoke.status_code == 409


# --- an individual's power, end to end (R-FIL-10) -------------------------------------------


def test_individual_power_create_sign_and_attorney_sees_it(
    principal, attorney, make_person, client_for, ecp
):  # SPEC R-FIL-10
    client = client_for(principal)
    body = {
        "attorneys": [attorney.login],
        "powers": ["file_claims", "appeal"],
        "valid_from": str(today()),
        "valid_until": str(today() + timedelta(days=90)),
        "fabula": "Жалақы бойынша дау — «Алатау» ЖШС.",
    }
    created = client.post("/api/v1/powers/", body, format="json")
    assert created.status_code == 201, created.content
    power = created.json()
    assert power["status"] == "draft"
    assert power["principal"] == {"login": principal.login, "full_name": principal.full_name}
    assert power["attorneys"] == [{"login": attorney.login, "full_name": attorney.full_name}]
    assert power["powers"] == ["file_claims", "appeal"]

    payload = client.get(f"/api/v1/powers/{power['id']}/signing-payload/").content
    document = json.loads(payload.decode("utf-8"))
    assert document["fabula"] == body["fabula"]  # raw UTF-8, not \u escapes
    assert "Жалақы".encode() in payload
    assert document["attorneys"] == [attorney.login]

    signed = sign_via_api(client, ecp, power["id"], principal)
    assert signed.status_code == 200, signed.content
    assert signed.json()["status"] == "active"
    assert signed.json()["signer_iin"] == principal.login

    # The attorney sees it in "Сенімхат" and downloads the signed bundle.
    attorney_client = client_for(attorney)
    listed = attorney_client.get("/api/v1/powers/?as=attorney").json()
    assert [item["id"] for item in listed["results"]] == [power["id"]]
    assert attorney_client.get("/api/v1/powers/?as=principal").json()["count"] == 0
    assert client.get("/api/v1/powers/?as=principal").json()["count"] == 1
    bundle = attorney_client.get(f"/api/v1/powers/{power['id']}/document/")
    assert bundle.status_code == 200
    assert "attachment" in bundle["Content-Disposition"]
    data = bundle.json()
    assert data["payload"].encode("utf-8") == payload
    assert data["payload_sha256"] == hashlib.sha256(payload).hexdigest()
    assert base64.b64decode(data["cms"])  # the principal's CMS, verifiable on its own
    verified = attorney_client.post(
        "/api/v1/signatures/verify/",
        {"cms": data["cms"], "data": base64.b64encode(payload).decode()},
        format="json",
    )
    assert verified.status_code == 200
    assert verified.json()["valid"] is True

    # A stranger cannot learn it exists; the attorney may not act as the principal.
    stranger = client_for(make_person())
    assert stranger.get(f"/api/v1/powers/{power['id']}/").status_code == 404
    assert stranger.get(f"/api/v1/powers/{power['id']}/document/").status_code == 404
    assert attorney_client.post(f"/api/v1/powers/{power['id']}/revoke/").status_code == 403

    # A second signature is a state conflict.
    assert sign_via_api(client, ecp, power["id"], principal).status_code == 409


def test_individual_power_signed_by_someone_else_refused(
    principal, attorney, client_for, ecp
):  # SPEC R-FIL-10, R-FIL-11
    power = make_power(principal, attorney, status=PowerStatus.DRAFT)
    response = sign_via_api(client_for(principal), ecp, power.pk, attorney)
    assert response.status_code == 400
    assert error_code(response) == "signer_mismatch"
    power.refresh_from_db()
    assert power.status == PowerStatus.DRAFT


def test_power_signature_over_other_bytes_refused(principal, attorney, client_for, ecp):
    """SPEC R-ECP-1: the CMS must be over exactly this power's payload."""
    power = make_power(principal, attorney, status=PowerStatus.DRAFT)
    cms = ecp.sign(principal, b'{"type":"power_of_attorney","id":0}')
    response = client_for(principal).post(
        f"/api/v1/powers/{power.pk}/sign/", {"cms": cms}, format="json"
    )
    assert response.status_code == 400
    assert error_code(response) == "signature_invalid"
    garbage = client_for(principal).post(
        f"/api/v1/powers/{power.pk}/sign/", {"cms": "bm90IGEgY21z"}, format="json"
    )
    assert error_code(garbage) == "signature_invalid"
    assert garbage.json()["error"]["details"]["reason"] == "malformed"


def test_create_validates_input(principal, client_for):  # SPEC R-FIL-10
    client = client_for(principal)
    base = {
        "attorneys": ["123456789012"],
        "powers": ["file_claims"],
        "valid_from": str(today()),
        "valid_until": str(today() + timedelta(days=1)),
        "fabula": "Дау.",
    }
    assert error_code(client.post("/api/v1/powers/", base, format="json")) == "invalid_iin"
    self_attorney = {**base, "attorneys": [principal.login]}
    assert error_code(client.post("/api/v1/powers/", self_attorney, format="json")) == "invalid"
    bad_scope = {**base, "attorneys": [principal.login], "powers": ["everything"]}
    assert client.post("/api/v1/powers/", bad_scope, format="json").status_code == 400
    reversed_period = {
        **base,
        "valid_from": str(today()),
        "valid_until": str(today() - timedelta(days=1)),
    }
    assert client.post("/api/v1/powers/", reversed_period, format="json").status_code == 400
    assert PowerOfAttorney.objects.count() == 0


def test_create_is_idempotent(principal, attorney, client_for):  # docs/conventions.md "Idempotency"
    client = client_for(principal)
    body = {
        "attorneys": [attorney.login],
        "powers": ["file_claims"],
        "valid_from": str(today()),
        "valid_until": str(today() + timedelta(days=5)),
        "fabula": "Дау.",
    }
    first = client.post("/api/v1/powers/", body, format="json", HTTP_IDEMPOTENCY_KEY="p-1")
    again = client.post("/api/v1/powers/", body, format="json", HTTP_IDEMPOTENCY_KEY="p-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()
    assert PowerOfAttorney.objects.count() == 1


def test_revoke_notifies_and_stops_authorising(principal, attorney, client_for, ecp):
    """SPEC R-FIL-10: the principal can revoke; the power then authorises nothing."""
    power = make_power(principal, attorney, status=PowerStatus.DRAFT)
    client = client_for(principal)
    assert sign_via_api(client, ecp, power.pk, principal).status_code == 200
    revoked = client.post(f"/api/v1/powers/{power.pk}/revoke/")
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    assert attorney.notifications.filter(kind="power_revoked").exists()
    assert client.post(f"/api/v1/powers/{power.pk}/revoke/").status_code == 409


# --- a legal entity's power (R-FIL-10, R-ECP-4) ---------------------------------------------


def upload(client, power_id, data: bytes, name="buyryq.pdf"):
    return client.post(
        f"/api/v1/powers/{power_id}/head-order/",
        {"file": SimpleUploadedFile(name, data, content_type="application/pdf")},
        format="multipart",
    )


def test_legal_entity_power_needs_head_order_and_head_key(
    company, attorney, client_for, ecp
):  # SPEC R-FIL-10, R-ECP-4
    power = make_power(company, attorney, status=PowerStatus.DRAFT)
    client = client_for(company)

    before_order = sign_via_api(client, ecp, power.pk, company, head=True)
    assert before_order.status_code == 400
    assert error_code(before_order) == "head_order_required"

    uploaded = upload(client, power.pk, pdf_bytes("Басшыны тағайындау туралы бұйрық"))
    assert uploaded.status_code == 201, uploaded.content
    head_order = uploaded.json()["head_order"]
    assert len(head_order["sha256"]) == 64
    # The head signs exactly this order: its hash is in the payload.
    payload = client.get(f"/api/v1/powers/{power.pk}/signing-payload/").content
    assert json.loads(payload)["head_order_sha256"] == head_order["sha256"]

    signed = sign_via_api(client, ecp, power.pk, company, head=True)
    assert signed.status_code == 200, signed.content
    assert signed.json()["status"] == "active"
    power.refresh_from_db()
    assert power.signer_iin  # the head's own IIN is recorded
    assert power.signer_iin != company.login


def test_legal_entity_power_signed_by_non_head_refused(
    company, attorney, make_person, client_for, ecp
):  # SPEC R-FIL-10: "the head signs"; R-ECP-4 role OID 1.2.398.3.3.4.1.2.1
    power = make_power(company, attorney, status=PowerStatus.DRAFT)
    client = client_for(company)
    assert upload(client, power.pk, pdf_bytes()).status_code == 201
    employee = sign_via_api(client, ecp, power.pk, company, head=False)
    assert employee.status_code == 400
    assert error_code(employee) == "power_not_head"
    individual = sign_via_api(client, ecp, power.pk, make_person())
    assert error_code(individual) == "power_not_head"
    other_company = make_person(kind="legal_entity")
    foreign_head = sign_via_api(client, ecp, power.pk, other_company, head=True)
    assert error_code(foreign_head) == "power_not_head"
    power.refresh_from_db()
    assert power.status == PowerStatus.DRAFT


def test_head_order_is_validated_like_attachments(company, attorney, principal, client_for):
    """SPEC R-DOC-1 / R-DOC-4: the scan goes through the same validation."""
    power = make_power(company, attorney, status=PowerStatus.DRAFT)
    client = client_for(company)
    refused = upload(client, power.pk, exe_bytes(), name="order.pdf")
    assert refused.status_code == 400
    assert error_code(refused) == "format_not_allowed"
    active = upload(client, power.pk, pdf_bytes(javascript=True))
    assert error_code(active) == "active_content"
    power.refresh_from_db()
    assert power.head_order_sha256 == ""
    # An individual has no head order to attach.
    individual_power = make_power(principal, attorney, status=PowerStatus.DRAFT)
    assert upload(client_for(principal), individual_power.pk, pdf_bytes()).status_code == 400


# --- acting for the principal through the filings API (R-FIL-11) ----------------------------


def filing_body(court, principal, power_id) -> dict:
    return {
        "court": court.pk,
        "proceeding": "civil",
        "instance": "first",
        "kind": "motion",
        "title": "Өтінішхат",
        "parties": [{"role": "plaintiff", "name": principal.full_name}],
        "annex": ["Өтінішхат"],
        "principal": principal.login,
        "power": power_id,
    }


def test_attorney_files_and_signs_for_principal(
    principal, attorney, court, client_for, ecp, django_capture_on_commit_callbacks
):
    """GIVEN an active power covering file_claims WHEN the attorney files and signs for the
    principal THEN the filing is accepted, records who acted for whom, and the principal sees
    it in My cases.  # SPEC R-FIL-10, R-FIL-11, R-FIL-8"""
    power = make_power(principal, attorney)
    api = client_for(attorney)
    created = api.post("/api/v1/filings/", filing_body(court, principal, power.pk), format="json")
    assert created.status_code == 201, created.content
    filing = created.json()
    assert filing["acting_for"] == {"login": principal.login, "full_name": principal.full_name}
    assert filing["power"] == power.pk
    with django_capture_on_commit_callbacks(execute=True):
        uploaded = api.post(
            f"/api/v1/filings/{filing['id']}/attachments/",
            {"file": SimpleUploadedFile("otinish.pdf", pdf_bytes()), "title": "Өтінішхат"},
            format="multipart",
        )
    assert uploaded.status_code == 201, uploaded.content
    payload = api.get(f"/api/v1/filings/{filing['id']}/signing-payload/").content
    submitted = api.post(
        f"/api/v1/filings/{filing['id']}/submit/",
        {"cms": ecp.sign(attorney, payload)},
        format="json",
    )
    assert submitted.status_code == 202, submitted.content
    mine = client_for(principal).get("/api/v1/filings/").json()
    assert [item["id"] for item in mine["results"]] == [filing["id"]]


@pytest.mark.parametrize(
    "setup,code",
    [
        ({"start": -30, "end": -1}, "power_expired"),
        ({"scope": ["receive_acts", "appeal"]}, "power_scope"),
        ({"status": PowerStatus.REVOKED}, "power_revoked"),
        ({"status": PowerStatus.DRAFT}, "power_scope"),
    ],
)
def test_attorney_filing_refused_without_a_valid_power(
    principal, attorney, court, client_for, setup, code
):  # SPEC R-FIL-11
    power = make_power(principal, attorney, **setup)
    response = client_for(attorney).post(
        "/api/v1/filings/", filing_body(court, principal, power.pk), format="json"
    )
    assert response.status_code == 400
    assert error_code(response) == code


def test_submit_checks_the_power_again(
    principal, attorney, court, client_for, ecp, django_capture_on_commit_callbacks
):  # SPEC R-FIL-11: "Submit checks again"
    power = make_power(principal, attorney)
    api = client_for(attorney)
    filing = api.post("/api/v1/filings/", filing_body(court, principal, power.pk), format="json")
    filing_id = filing.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        api.post(
            f"/api/v1/filings/{filing_id}/attachments/",
            {"file": SimpleUploadedFile("otinish.pdf", pdf_bytes()), "title": "Өтінішхат"},
            format="multipart",
        )
    payload = api.get(f"/api/v1/filings/{filing_id}/signing-payload/").content
    powers.power_revoke(acting_user=principal, power=power)
    response = api.post(
        f"/api/v1/filings/{filing_id}/submit/", {"cms": ecp.sign(attorney, payload)}, format="json"
    )
    assert response.status_code == 400
    assert error_code(response) == "power_revoked"


def test_someone_elses_attorney_cannot_use_the_power(
    principal, attorney, make_person, court, client_for
):  # SPEC R-FIL-11
    power = make_power(principal, attorney)
    intruder = make_person()
    response = client_for(intruder).post(
        "/api/v1/filings/", filing_body(court, principal, power.pk), format="json"
    )
    assert response.status_code == 400
    assert error_code(response) == "power_scope"


# --- the "Сенімхат" cabinet pages (R-FIL-10) ------------------------------------------------


def test_cabinet_powers_pages(principal, attorney, make_person, settings):  # SPEC R-FIL-10
    from django.test import Client

    settings.DEMO = True
    browser = Client()
    browser.force_login(principal)
    assert browser.get("/cabinet/powers/new/").status_code == 200
    created = browser.post(
        "/cabinet/powers/new/",
        {
            "attorneys": attorney.login,
            "powers": ["file_claims", "sign_documents"],
            "valid_from": str(today()),
            "valid_until": str(today() + timedelta(days=30)),
            "fabula": "Мұра бойынша дау.",
        },
    )
    assert created.status_code == 302
    power = PowerOfAttorney.objects.get(principal=principal)
    detail = browser.get(f"/cabinet/powers/{power.pk}/")
    assert detail.status_code == 200
    assert "power-sign-form" in detail.content.decode()
    # DEMO: the server-side demo key signs the exact payload.
    signed = browser.post(f"/cabinet/powers/{power.pk}/sign/", {"demo": "1"})
    assert signed.status_code == 302
    power.refresh_from_db()
    assert power.status == PowerStatus.ACTIVE

    attorney_browser = Client()
    attorney_browser.force_login(attorney)
    listing = attorney_browser.get("/cabinet/powers/").content.decode()
    assert principal.full_name in listing
    pdf = attorney_browser.get(f"/cabinet/powers/{power.pk}/download.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    bundle = attorney_browser.get(f"/cabinet/powers/{power.pk}/download.json")
    assert json.loads(bundle.content)["power"]["status"] == "active"
    assert attorney_browser.post(f"/cabinet/powers/{power.pk}/revoke/").status_code == 403
    stranger = Client()
    stranger.force_login(make_person())
    assert stranger.get(f"/cabinet/powers/{power.pk}/").status_code == 404


def test_attorney_registered_later_sees_the_power(principal, client_for):
    """SPEC R-FIL-10: attorneys are named by ИИН; an account made later still finds its powers."""
    iin = new_login()
    power = powers.power_create(
        acting_user=principal,
        attorneys=[iin],
        powers=["file_claims"],
        valid_from=today(),
        valid_until=today() + timedelta(days=3),
        fabula="Дау.",
    )
    from sotkabinet.accounts.models import User

    user = User.objects.create_user(iin, "Str0ng-Passw0rd!", full_name="Кейін тіркелген өкіл")
    body = client_for(user).get(f"/api/v1/powers/{power.pk}/").json()
    assert body["attorneys"] == [{"login": iin, "full_name": "Кейін тіркелген өкіл"}]


def test_head_order_check_uses_the_settings_budget(company, attorney, client_for, settings):
    """Issue 10 (budgets): the head order checked in the request gets the PDF budget of the
    settings (`DOCUMENT_CHECK_MAX_OBJECTS`), not the library's default."""
    power = make_power(company, attorney, status=PowerStatus.DRAFT)
    settings.DOCUMENT_CHECK_MAX_OBJECTS = 2
    refused = upload(client_for(company), power.pk, pdf_bytes("Бұйрық"))
    assert refused.status_code == 400
    assert error_code(refused) == "corrupt"
    assert "too complex to check" in refused.json()["error"]["details"]["errors"][0]["message"]
    power.refresh_from_db()
    assert power.head_order_sha256 == ""
