"""State duty: tariff, sandbox payment, signed callback, receipts, deferral (R-FIL-5, -6, -9)."""

from __future__ import annotations

import hashlib
import importlib
import json
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from conftest import new_login
from filings import duty
from filings.models import (
    Attachment,
    AttachmentKind,
    Deferral,
    DeferralGround,
    DutyStatus,
    DutyTariff,
    Filing,
    FilingStatus,
    MciValue,
    Payment,
    PaymentStatus,
)
from sotkabinet.documents.samples import pdf_bytes
from sotkabinet.documents.upload import open_blob
from sotkabinet.errors import DomainError

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("filings.migrations.0002_duty_tariff_defaults")


@pytest.fixture
def make_person(make_user):
    def factory(role: str = "applicant", kind: str = "individual", court=None, **fields):
        return make_user(role=role, kind=kind, court=court, login=new_login(kind), **fields)

    return factory


@pytest.fixture
def applicant(make_person):
    return make_person(full_name="Ғалия Нұрланқызы")


@pytest.fixture
def make_filing(court):
    def factory(author, *, status=FilingStatus.DRAFT, duty_amount="10000.00", **fields):
        fields.setdefault("proceeding", "civil")
        fields.setdefault("kind", "claim")
        return Filing.objects.create(
            court=court,
            instance="first",
            title="Қарызды өндіру туралы талап арыз",
            parties=[{"role": "plaintiff", "name": author.full_name}],
            annex=["Талап арыз"],
            author=author,
            status=status,
            duty_amount=Decimal(duty_amount) if duty_amount is not None else None,
            duty_status=DutyStatus.MISSING if duty_amount else DutyStatus.NOT_REQUIRED,
            **fields,
        )

    return factory


@pytest.fixture
def filing(applicant, make_filing):
    return make_filing(applicant)


@pytest.fixture
def default_tariff():
    """The shipped table (data migration 0002), loaded onto an empty table."""
    DutyTariff.objects.all().delete()
    MciValue.objects.all().delete()
    MIGRATION.load(django_apps, None)


def error_code(response) -> str:
    return response.json()["error"]["code"]


def signed_post(client, body: dict | bytes, *, secret: str | None = None, signature=None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {}
    if signature is None:
        signature = duty.callback_signature(raw, secret)
    if signature is not False:
        headers["HTTP_X_GATEWAY_SIGNATURE"] = signature
    return client.post(
        "/api/v1/payments/callback/", data=raw, content_type="application/json", **headers
    )


def paid_notice(payment: Payment, **overrides) -> dict:
    body = {
        "reference": payment.reference,
        "status": "paid",
        "amount": str(payment.amount),
        "receipt_code": f"EGOV-{payment.pk:06d}",
        "transaction_id": "T-1",
        "paid_at": "2026-11-22T10:15:00+05:00",
    }
    body.update(overrides)
    return body


# --- the tariff (R-FIL-5) -------------------------------------------------------------------

ON = date(2026, 5, 4)


@pytest.mark.parametrize(
    "proceeding,kind,claim,applicant_kind,expected",
    [
        ("civil", "claim", "1000000", "individual", "10000.00"),  # 1% of the claim
        ("civil", "claim", "1000000", "legal_entity", "30000.00"),  # 3%
        ("civil", "claim", None, "individual", "2162.50"),  # non-property: 0.5 MCI (4 325)
        ("civil", "claim", None, "legal_entity", "21625.00"),  # 5 MCI
        ("civil", "counterclaim", "250000.55", "individual", "2500.01"),  # half-up to the tiyn
        ("civil", "appeal", "1000000", "individual", "5000.00"),  # 50% of 1%
        ("civil", "appeal", "1000000", "legal_entity", "15000.00"),  # 50% of 3%
        ("civil", "cassation", None, "legal_entity", "10812.50"),  # 50% of 5 MCI
        ("civil", "statement", None, "legal_entity", "2162.50"),  # special proceedings: any
        ("administrative", "claim", None, "legal_entity", "21625.00"),
        ("administrative", "appeal", None, "individual", "1081.25"),
    ],
)
def test_default_tariff_quotes(default_tariff, proceeding, kind, claim, applicant_kind, expected):
    """SPEC R-FIL-5: the duty is computed from the DB tariff and the MCI of 2026 (4 325 ₸)."""
    amount, basis = duty.duty_quote(
        proceeding, kind, Decimal(claim) if claim else None, applicant_kind, on=ON
    )
    assert amount == Decimal(expected)
    assert "610" in basis


@pytest.mark.parametrize(
    "proceeding,kind",
    [("criminal", "claim"), ("administrative_offense", "appeal"), ("civil", "motion")],
)
def test_no_tariff_row_means_no_duty(default_tariff, proceeding, kind):  # SPEC R-FIL-5
    amount, _basis = duty.duty_quote(proceeding, kind, Decimal(1000), "individual", on=ON)
    assert amount is None
    assert duty.duty_status_for(amount) == DutyStatus.NOT_REQUIRED


def test_tariff_min_max_specific_row_and_mci_year():
    """SPEC R-FIL-5: min/max in MCI, the applicant's own row wins, the MCI of the year applies."""
    DutyTariff.objects.all().delete()
    MciValue.objects.all().delete()
    MciValue.objects.create(year=2025, amount=Decimal("3932"))
    MciValue.objects.create(year=2026, amount=Decimal("4325"))
    DutyTariff.objects.create(
        proceeding="civil",
        kind="claim",
        applicant_kind="",
        percent_of_claim=Decimal("2"),
        min_mci=Decimal("1"),
        max_mci=Decimal("10"),
        basis="any",
    )
    DutyTariff.objects.create(
        proceeding="civil",
        kind="claim",
        applicant_kind="legal_entity",
        percent_of_claim=Decimal("3"),
        basis="legal entity",
    )
    assert duty.duty_quote("civil", "claim", Decimal(100), "individual", on=ON) == (
        Decimal("4325.00"),
        "any",
    )  # 2 ₸ raised to 1 MCI
    assert duty.duty_quote("civil", "claim", Decimal(10**7), "individual", on=ON)[0] == Decimal(
        "43250.00"
    )  # 200 000 ₸ capped at 10 MCI
    assert duty.duty_quote("civil", "claim", Decimal(10**7), "legal_entity", on=ON) == (
        Decimal("300000.00"),
        "legal entity",
    )
    assert duty.duty_quote("civil", "claim", Decimal(100), "individual", on=date(2025, 3, 1))[
        0
    ] == Decimal("3932.00")
    # A year without its own MCI uses the latest earlier one.
    assert duty.mci_for(date(2027, 1, 10)).year == 2026
    DutyTariff.objects.filter(applicant_kind="").update(is_active=False)
    assert duty.duty_quote("civil", "claim", Decimal(100), "individual", on=ON)[0] is None


def test_tariff_without_mci_is_a_configuration_conflict():  # SPEC R-FIL-5
    MciValue.objects.all().delete()
    DutyTariff.objects.all().delete()
    DutyTariff.objects.create(proceeding="civil", kind="claim", fixed_mci=1, basis="x")
    with pytest.raises(DomainError) as caught:
        duty.duty_quote("civil", "claim", None, "individual")
    assert caught.value.code == "duty_not_configured"
    assert caught.value.status == 409


def test_quote_endpoint(default_tariff, applicant, make_person, client_for):  # SPEC R-FIL-5
    client = client_for(applicant)
    response = client.get(
        "/api/v1/duty/quote/", {"proceeding": "civil", "kind": "claim", "claim_amount": "500000"}
    )
    assert response.status_code == 200
    body = response.json()
    mci = MciValue.objects.order_by("-year").first()
    assert body["amount"] == "5000.00"  # 1% for the caller, an individual
    assert body["mci_year"] == mci.year
    company = client_for(make_person(kind="legal_entity"))
    assert (
        company.get(
            "/api/v1/duty/quote/",
            {"proceeding": "civil", "kind": "claim", "claim_amount": "500000"},
        ).json()["amount"]
        == "15000.00"
    )
    none = client.get("/api/v1/duty/quote/", {"proceeding": "criminal", "kind": "motion"})
    assert none.json()["amount"] is None
    assert client.get("/api/v1/duty/quote/", {"proceeding": "civil"}).status_code == 400
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/duty/quote/", {"proceeding": "civil"}).status_code == 401


# --- the sandbox payment, end to end (R-FIL-5, R-REG-4) -------------------------------------


@override_settings(DEMO=True)
def test_sandbox_payment_end_to_end(filing, applicant, client_for):
    """GIVEN a draft with a duty due WHEN the applicant pays on the sandbox gateway page
    THEN the signed callback marks it paid, the e-receipt PDF is attached as `duty_receipt`,
    and the receipt is found by its code.  # SPEC R-FIL-5, R-REG-4"""
    api = client_for(applicant)
    started = api.post(f"/api/v1/filings/{filing.pk}/payments/", {}, format="json")
    assert started.status_code == 201, started.content
    body = started.json()
    assert body["status"] == "pending"
    assert body["amount"] == "10000.00"
    payment = Payment.objects.get(pk=body["id"])
    assert body["redirect_url"].endswith(f"/sandbox-gateway/pay/{payment.reference}/")

    browser = Client()
    browser.force_login(applicant)
    page_path = f"/sandbox-gateway/pay/{payment.reference}/"
    page = browser.get(page_path)
    assert page.status_code == 200
    assert "10000.00" in page.content.decode()
    paid = browser.post(page_path, {"action": "pay"})
    assert paid.status_code == 302
    assert paid["Location"].endswith(f"/cabinet/filings/{filing.pk}/duty/")

    payment.refresh_from_db()
    filing.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.receipt_code
    assert filing.duty_status == DutyStatus.PAID
    receipt = payment.receipt_attachment
    assert receipt.kind == AttachmentKind.DUTY_RECEIPT
    assert receipt.filing_id == filing.pk
    assert receipt.status == "valid"
    assert receipt.receipt_code == payment.receipt_code
    with open_blob(receipt.blob) as stored:
        content = stored.read()
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == receipt.sha256

    # A second press on the page changes nothing (the payment is final).
    browser.post(page_path, {"action": "decline"})
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID

    checked = api.get("/api/v1/payments/check/", {"code": payment.receipt_code})
    assert checked.status_code == 200
    details = checked.json()
    assert details["verified"] is True
    assert details["amount"] == "10000.00"
    assert details["filing"] == filing.pk
    assert details["payer"]["login"] == applicant.login
    assert browser.get(f"/cabinet/filings/{filing.pk}/duty/").status_code == 200
    assert browser.get(f"/cabinet/duty/check/?code={payment.receipt_code}").status_code == 200


@override_settings(DEMO=True)
def test_sandbox_decline_leaves_duty_missing(filing, applicant):  # SPEC R-FIL-5
    payment = duty.payment_start(acting_user=applicant, filing=filing)
    browser = Client()
    browser.force_login(applicant)
    browser.post(f"/sandbox-gateway/pay/{payment.reference}/", {"action": "decline"})
    payment.refresh_from_db()
    filing.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    assert filing.duty_status == DutyStatus.MISSING
    assert not filing.attachments.exists()


def test_sandbox_page_is_off_outside_demo(filing, applicant, settings):  # no free "paid"
    # The `settings` fixture restores these; mixing it with @override_settings leaked DEMO=False.
    settings.DEMO = False
    settings.DEBUG = False
    settings.PAYMENT_GATEWAY_SANDBOX = False
    payment = duty.payment_start(acting_user=applicant, filing=filing)
    assert Client().get(f"/sandbox-gateway/pay/{payment.reference}/").status_code == 404


def test_forged_callback_refused(filing, applicant, api_client):  # SPEC R-REG-4
    payment = duty.payment_start(acting_user=applicant, filing=filing)
    notice = paid_notice(payment)
    forged = signed_post(api_client, notice, secret="not-the-gateway-secret")
    assert forged.status_code == 400
    assert error_code(forged) == "bad_signature"
    missing = signed_post(api_client, notice, signature=False)
    assert error_code(missing) == "bad_signature"
    # A valid signature over other bytes does not cover a changed body.
    raw = json.dumps(notice).encode()
    tampered = raw.replace(b'"paid"', b'"paid" ', 1)
    response = api_client.post(
        "/api/v1/payments/callback/",
        data=tampered,
        content_type="application/json",
        HTTP_X_GATEWAY_SIGNATURE=duty.callback_signature(raw),
    )
    assert error_code(response) == "bad_signature"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert not filing.attachments.exists()


def test_replayed_callback_is_idempotent(filing, applicant, api_client):  # SPEC R-REG-4
    payment = duty.payment_start(acting_user=applicant, filing=filing)
    notice = paid_notice(payment)
    first = signed_post(api_client, notice)
    assert first.status_code == 200, first.content
    assert first.json() == {
        "reference": payment.reference,
        "status": "paid",
        "receipt_code": notice["receipt_code"],
    }
    replay = signed_post(api_client, notice)
    assert replay.status_code == 200
    assert replay.json() == first.json()
    late_failure = signed_post(api_client, {**notice, "status": "failed"})
    assert late_failure.status_code == 200
    assert late_failure.json()["status"] == "paid"
    assert filing.attachments.filter(kind=AttachmentKind.DUTY_RECEIPT).count() == 1
    payment.refresh_from_db()
    assert payment.paid_at.isoformat() == "2026-11-22T05:15:00+00:00"


def test_callback_rejects_wrong_amount_and_unknown_reference(filing, applicant, api_client):
    """SPEC R-REG-4: only a notice matching the started payment is counted (issue 9: another
    amount is recorded as `mismatch`, see test_duty_money.py)."""
    payment = duty.payment_start(acting_user=applicant, filing=filing)
    unknown = signed_post(api_client, paid_notice(payment, reference="nope"))
    assert unknown.status_code == 404
    garbage = signed_post(api_client, b"not json")
    assert garbage.status_code == 400
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    wrong = signed_post(api_client, paid_notice(payment, amount="10.00"))
    assert wrong.status_code == 409
    assert error_code(wrong) == "amount_mismatch"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.MISMATCH


def test_payment_access_and_idempotency(
    filing, applicant, make_person, make_filing, court, client_for
):
    """Only the applicant pays: court staff 403 on a sent filing and 404 on an unsent draft
    (issue 9: drafts are private), strangers 404; Idempotency-Key replays."""
    clerk = make_person(role="clerk", court=court)
    stranger = make_person()
    url = f"/api/v1/filings/{filing.pk}/payments/"
    assert client_for(stranger).post(url, {}, format="json").status_code == 404
    assert client_for(clerk).post(url, {}, format="json").status_code == 404
    sent = make_filing(applicant, status=FilingStatus.SUBMITTED)
    sent_url = f"/api/v1/filings/{sent.pk}/payments/"
    assert client_for(clerk).post(sent_url, {}, format="json").status_code == 403
    api = client_for(applicant)
    first = api.post(url, {"amount": "500.00"}, format="json", HTTP_IDEMPOTENCY_KEY="pay-1")
    again = api.post(url, {"amount": "500.00"}, format="json", HTTP_IDEMPOTENCY_KEY="pay-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert Payment.objects.filter(filing=filing).count() == 1


def test_additional_payment_on_registered_filing(applicant, make_filing, client_for, api_client):
    """SPEC R-FIL-9: an additional payment to a registered filing; a rejected one is closed."""
    registered = make_filing(applicant, status=FilingStatus.REGISTERED, duty_amount=None)
    api = client_for(applicant)
    without_amount = api.post(f"/api/v1/filings/{registered.pk}/payments/", {}, format="json")
    assert without_amount.status_code == 400
    started = api.post(
        f"/api/v1/filings/{registered.pk}/payments/", {"amount": "1500.50"}, format="json"
    )
    assert started.status_code == 201
    payment = Payment.objects.get(pk=started.json()["id"])
    assert signed_post(api_client, paid_notice(payment)).status_code == 200
    registered.refresh_from_db()
    assert registered.duty_status == DutyStatus.PAID
    assert registered.attachments.get().kind == AttachmentKind.DUTY_RECEIPT
    rejected = make_filing(applicant, status=FilingStatus.REJECTED)
    closed = api.post(f"/api/v1/filings/{rejected.pk}/payments/", {}, format="json")
    assert closed.status_code == 409


# --- bank receipt and the receipt check (R-FIL-5) -------------------------------------------


def test_bank_receipt_upload_and_check(filing, applicant, make_person, client_for):  # SPEC R-FIL-5
    api = client_for(applicant)
    uploaded = api.post(
        f"/api/v1/filings/{filing.pk}/receipts/",
        {
            "file": SimpleUploadedFile("chek.pdf", pdf_bytes("Kaspi чек"), "application/pdf"),
            "code": "KASPI-7788",
        },
        format="multipart",
    )
    assert uploaded.status_code == 201, uploaded.content
    attachment = uploaded.json()
    assert attachment["kind"] == "duty_receipt"
    assert attachment["receipt_code"] == "KASPI-7788"
    assert attachment["status"] in ("pending", "valid")  # validated like any attachment
    filing.refresh_from_db()
    assert filing.duty_status == DutyStatus.RECEIPT

    checked = api.get("/api/v1/payments/check/", {"code": "KASPI-7788"})
    assert checked.status_code == 200
    assert checked.json()["source"] == "bank_receipt"
    assert checked.json()["verified"] is False
    assert api.get("/api/v1/payments/check/", {"code": "NO-SUCH"}).status_code == 404
    # Anyone signed in may check a code, but only those who may see the filing learn the payer.
    outsider = client_for(make_person()).get("/api/v1/payments/check/", {"code": "KASPI-7788"})
    assert outsider.status_code == 200
    assert outsider.json()["payer"] is None
    assert checked.json()["payer"]["login"] == applicant.login

    again = api.post(
        f"/api/v1/filings/{filing.pk}/receipts/",
        {
            "file": SimpleUploadedFile("b.pdf", pdf_bytes("b"), "application/pdf"),
            "code": "KASPI-7788",
        },
        format="multipart",
    )
    assert again.status_code == 409
    assert error_code(again) == "receipt_code_used"
    assert filing.attachments.count() == 1


def test_bank_receipt_needs_a_draft(applicant, make_filing, client_for):  # SPEC R-FIL-5, R-FIL-9
    submitted = make_filing(applicant, status=FilingStatus.SUBMITTED)
    response = client_for(applicant).post(
        f"/api/v1/filings/{submitted.pk}/receipts/",
        {"file": SimpleUploadedFile("c.pdf", pdf_bytes(), "application/pdf"), "code": "C-1"},
        format="multipart",
    )
    assert response.status_code == 409
    assert error_code(response) == "not_draft"
    assert not Attachment.objects.filter(receipt_code="C-1").exists()


# --- deferral (R-FIL-6) ---------------------------------------------------------------------


def proof_of(filing) -> Attachment:
    return Attachment.objects.create(
        filing=filing,
        title="Анықтама",
        filename="anyqtama.pdf",
        original_filename="anyqtama.pdf",
        size=10,
        sha256="0" * 64,
        blob="blobs/00/00/" + "0" * 64,
        status="valid",
    )


@pytest.mark.parametrize("ground", DeferralGround.values)
def test_every_deferral_ground_accepted(ground, applicant, make_filing, client_for):
    """SPEC R-FIL-6: each of the seven grounds of 000 п.20-1 defers the duty."""
    filing = make_filing(applicant)
    proof = proof_of(filing)
    response = client_for(applicant).post(
        f"/api/v1/filings/{filing.pk}/deferral/",
        {"ground": ground, "explanation": "Түсіндірме", "proof": proof.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["duty_status"] == "deferred"
    filing.refresh_from_db()
    proof.refresh_from_db()
    assert filing.duty_status == DutyStatus.DEFERRED
    assert proof.kind == AttachmentKind.DEFERRAL_PROOF
    assert Deferral.objects.get(filing=filing).ground == ground


def test_seven_grounds_exactly():  # SPEC R-FIL-6
    assert len(DeferralGround.values) == 7


def test_large_business_cannot_defer(make_person, make_filing, client_for):  # SPEC R-FIL-6
    large = make_person(kind="legal_entity", business_size="large")
    filing = make_filing(large)
    response = client_for(large).post(
        f"/api/v1/filings/{filing.pk}/deferral/",
        {"ground": "unpaid_goods", "explanation": "…", "proof": proof_of(filing).pk},
        format="json",
    )
    assert response.status_code == 400
    assert error_code(response) == "deferral_not_allowed"
    filing.refresh_from_db()
    assert filing.duty_status == DutyStatus.MISSING
    medium = make_person(kind="legal_entity", business_size="medium")
    medium_filing = make_filing(medium)
    accepted = client_for(medium).post(
        f"/api/v1/filings/{medium_filing.pk}/deferral/",
        {"ground": "unpaid_goods", "explanation": "…", "proof": proof_of(medium_filing).pk},
        format="json",
    )
    assert accepted.status_code == 201


def test_attorney_for_large_business_cannot_defer(make_person, make_filing):  # SPEC R-FIL-6
    """The eligibility is the applicant's (the principal), not the attorney's."""
    large = make_person(kind="legal_entity", business_size="large")
    attorney = make_person(role="representative")
    filing = make_filing(attorney, principal=large)
    with pytest.raises(DomainError) as caught:
        duty.deferral_request(
            acting_user=attorney,
            filing=filing,
            ground="seasonal",
            explanation="…",
            proof=proof_of(filing),
        )
    assert caught.value.code == "deferral_not_allowed"


def test_deferral_unknown_ground_and_second_request(filing, applicant, client_for):
    """SPEC R-FIL-6: only the seven grounds; one deferral per filing."""
    api = client_for(applicant)
    url = f"/api/v1/filings/{filing.pk}/deferral/"
    proof = proof_of(filing)
    unknown = api.post(
        url, {"ground": "bankrupt", "explanation": "…", "proof": proof.pk}, format="json"
    )
    assert unknown.status_code == 400
    assert error_code(unknown) == "invalid_ground"
    body = {"ground": "illness", "explanation": "…", "proof": proof.pk}
    assert api.post(url, body, format="json").status_code == 201
    assert api.post(url, body, format="json").status_code == 409


def test_deferral_web_form_refuses_large_business(make_person, make_filing):  # SPEC R-FIL-6
    large = make_person(kind="legal_entity", business_size="large")
    filing = make_filing(large)
    browser = Client()
    browser.force_login(large)
    page = browser.get(f"/cabinet/filings/{filing.pk}/duty/")
    assert page.status_code == 200
    assert 'name="ground"' not in page.content.decode()
    response = browser.post(
        f"/cabinet/filings/{filing.pk}/duty/deferral/",
        {
            "ground": "seasonal",
            "explanation": "…",
            "proof": SimpleUploadedFile("p.pdf", pdf_bytes(), "application/pdf"),
        },
    )
    assert response.status_code == 302
    assert not Deferral.objects.filter(filing=filing).exists()
    assert not filing.attachments.exists()


def test_schema_lists_duty_and_power_endpoints(api_client):  # docs/api.md: /api/schema/
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    expected = {
        "/api/v1/duty/quote/": "get",
        "/api/v1/filings/{id}/payments/": "post",
        "/api/v1/payments/callback/": "post",
        "/api/v1/filings/{id}/receipts/": "post",
        "/api/v1/payments/check/": "get",
        "/api/v1/filings/{id}/deferral/": "post",
        "/api/v1/powers/": "post",
        "/api/v1/powers/{id}/head-order/": "post",
        "/api/v1/powers/{id}/signing-payload/": "get",
        "/api/v1/powers/{id}/sign/": "post",
        "/api/v1/powers/{id}/": "get",
        "/api/v1/powers/{id}/revoke/": "post",
        "/api/v1/powers/{id}/document/": "get",
    }
    for path, method in expected.items():
        assert method in paths.get(path, {}), path
    assert "get" in paths["/api/v1/powers/"]
