"""Issue 9 "Money": the state duty counts as paid only when confirmed payments cover it.

SPEC R-FIL-5, R-REG-4, R-FIL-9; README "State duty". Each test names the rule it keeps.
"""

from __future__ import annotations

import importlib
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client

from conftest import new_login
from filings import duty
from filings.duty import receipts as receipts_module
from filings.models import (
    Attachment,
    AttachmentKind,
    DutyStatus,
    Filing,
    FilingStatus,
    Payment,
    PaymentStatus,
)
from filings.services.draft_edit import filing_update_draft
from sotkabinet.core.models import AuditLog, Notification
from sotkabinet.documents.samples import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shipped_tariff():
    """The shipped tariff (data migration 0002), also after a transactional test flushed it."""
    from django.apps import apps as django_apps

    from filings.models import DutyTariff, MciValue

    migration = importlib.import_module("filings.migrations.0002_duty_tariff_defaults")
    DutyTariff.objects.all().delete()
    MciValue.objects.all().delete()
    migration.load(django_apps, None)


@pytest.fixture
def applicant(make_user):
    return make_user("applicant", full_name="Ғалия Нұрланқызы", login=new_login())


@pytest.fixture
def make_filing(court):
    def factory(author, *, status=FilingStatus.DRAFT, duty_amount="10000.00", **fields):
        fields.setdefault("proceeding", "civil")
        fields.setdefault("kind", "claim")
        fields.setdefault("number", None if status == FilingStatus.DRAFT else f"T-{author.pk}")
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


def callback(client, body: dict):
    raw = json.dumps(body).encode()
    return client.post(
        "/api/v1/payments/callback/",
        data=raw,
        content_type="application/json",
        HTTP_X_GATEWAY_SIGNATURE=duty.callback_signature(raw),
    )


def notice(payment: Payment, **overrides) -> dict:
    body = {
        "reference": payment.reference,
        "status": "paid",
        "amount": str(payment.amount),
        "receipt_code": f"EGOV-{payment.pk:06d}",
        "paid_at": "2026-11-22T10:15:00+05:00",
    }
    body.update(overrides)
    return body


def pay(api_client, applicant, filing, amount: str | None = None) -> Payment:
    """Start a payment through the API and confirm it with the gateway's exact amount."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(applicant)
    body = {} if amount is None else {"amount": amount}
    started = client.post(f"/api/v1/filings/{filing.pk}/payments/", body, format="json")
    assert started.status_code == 201, started.content
    payment = Payment.objects.get(pk=started.json()["id"])
    assert callback(api_client, notice(payment)).status_code == 200
    payment.refresh_from_db()
    return payment


def duty_of(client_for, user, filing) -> dict:
    response = client_for(user).get(f"/api/v1/filings/{filing.pk}/")
    assert response.status_code == 200
    return response.json()["duty"]


# --- 1. the callback's amount must equal the payment's ---------------------------------------


def test_a_tiny_payment_does_not_settle_a_large_duty(applicant, make_filing, api_client):
    """Issue 9: a 0.01 ₸ payment used to mark a 1,000,000 ₸ duty `paid`."""
    filing = make_filing(applicant, duty_amount="1000000.00")
    payment = pay(api_client, applicant, filing, amount="0.01")
    assert payment.status == PaymentStatus.PAID
    filing.refresh_from_db()
    assert filing.duty_status == DutyStatus.MISSING
    assert duty.duty_summary(filing).due == Decimal("999999.99")


def test_callback_for_another_amount_is_recorded_as_mismatch(filing, applicant, api_client):
    """Issue 9: the callback's amount must equal the payment's, or it is not counted: the
    payment becomes `mismatch` with an audit row, the gateway gets 409 `amount_mismatch`."""
    payment = duty.payment_start(acting_user=applicant, filing=filing)
    answer = callback(api_client, notice(payment, amount="10.00"))
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "amount_mismatch"
    assert answer.json()["error"]["details"]["expected"] == "10000.00"
    payment.refresh_from_db()
    filing.refresh_from_db()
    assert payment.status == PaymentStatus.MISMATCH
    assert payment.receipt_code is None
    assert filing.duty_status == DutyStatus.MISSING
    assert not filing.attachments.exists()
    row = AuditLog.objects.get(action="payment.mismatch", object_id=str(payment.pk))
    assert row.data["amount"] == "10.00" and row.data["expected"] == "10000.00"
    assert Notification.objects.filter(user=applicant, kind="payment_mismatch").exists()
    # Final: a replay, even one with the right amount, changes nothing and answers the same.
    again = callback(api_client, notice(payment))
    assert again.status_code == 409
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.MISMATCH
    assert duty_of_paid(filing) == Decimal("0.00")


def duty_of_paid(filing) -> Decimal:
    return duty.duty_paid(Filing.objects.get(pk=filing.pk))


@pytest.mark.parametrize("amount", ["10000.004", "9999.999", "NaN", "Infinity"])
def test_callback_amount_is_compared_exactly(filing, applicant, api_client, amount):
    """Issue 9: no rounding to the tiyn before the comparison; NaN or infinity is no amount."""
    payment = duty.payment_start(acting_user=applicant, filing=filing)
    answer = callback(api_client, notice(payment, amount=amount))
    assert answer.status_code in (400, 409)
    payment.refresh_from_db()
    assert payment.status != PaymentStatus.PAID
    filing.refresh_from_db()
    assert filing.duty_status == DutyStatus.MISSING


def test_paid_notice_without_amount_is_refused(filing, applicant, api_client):
    """Issue 9: a `paid` notice must state the amount; it is not taken from the payment."""
    payment = duty.payment_start(acting_user=applicant, filing=filing)
    body = notice(payment)
    del body["amount"]
    answer = callback(api_client, body)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_equal_amount_in_another_notation_counts(filing, applicant, api_client):
    """Issue 9: 10000 and 10000.00 are the same amount."""
    payment = duty.payment_start(acting_user=applicant, filing=filing)
    assert callback(api_client, notice(payment, amount="10000")).status_code == 200
    filing.refresh_from_db()
    assert filing.duty_status == DutyStatus.PAID


# --- 2. `paid` in the duty object; part payments ---------------------------------------------


def test_part_payments_add_up_and_paid_is_in_the_filing(filing, applicant, client_for, api_client):
    """Issue 9 / docs/api.md: `duty` is `{"amount", "paid", "status"}`; `amount` of a payment
    defaults to what is still due; a smaller one is a part payment."""
    assert duty_of(client_for, applicant, filing) == {
        "amount": "10000.00",
        "paid": "0.00",
        "status": "missing",
    }
    first = pay(api_client, applicant, filing, amount="4000.00")
    assert first.amount == Decimal("4000.00")
    assert duty_of(client_for, applicant, filing) == {
        "amount": "10000.00",
        "paid": "4000.00",
        "status": "missing",
    }
    listed = client_for(applicant).get("/api/v1/filings/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert rows[0]["duty"]["paid"] == "4000.00"
    rest = pay(api_client, applicant, filing)  # no amount: what is still due
    assert rest.amount == Decimal("6000.00")
    assert duty_of(client_for, applicant, filing) == {
        "amount": "10000.00",
        "paid": "10000.00",
        "status": "paid",
    }
    assert Notification.objects.filter(user=applicant, text__contains="6000.00 ₸ is still due")
    # Nothing is due any more: an additional payment needs an explicit amount (R-FIL-9).
    nothing = client_for(applicant).post(
        f"/api/v1/filings/{filing.pk}/payments/", {}, format="json"
    )
    assert nothing.status_code == 400
    assert "amount" in nothing.json()["error"]["details"]


def test_the_applicants_filing_page_shows_paid_and_still_due(filing, applicant, api_client):
    """Issue 9: the cabinet's filing page, like the duty page and the clerk's card, says what
    the confirmed payments cover and what is still due, not only the status."""
    pay(api_client, applicant, filing, amount="4000.00")
    browser = Client()
    browser.force_login(applicant)
    html = browser.get(f"/cabinet/filings/{filing.pk}/").content.decode()
    assert '<span id="duty-paid">4000.00</span>' in html
    assert '<strong id="duty-due">6000.00</strong>' in html
    pay(api_client, applicant, filing)
    html = browser.get(f"/cabinet/filings/{filing.pk}/").content.decode()
    assert '<span id="duty-paid">10000.00</span>' in html
    assert 'id="duty-due"' not in html


def test_pending_and_failed_payments_are_not_paid(filing, applicant, api_client):
    """Issue 9: only confirmed payments count towards `paid`."""
    duty.payment_start(acting_user=applicant, filing=filing)
    failed = duty.payment_start(acting_user=applicant, filing=filing)
    assert callback(api_client, notice(failed, status="failed")).status_code == 200
    assert duty_of_paid(filing) == Decimal("0.00")


# --- 3. raising the claim re-opens the difference ---------------------------------------------


def api_draft(client_for, applicant, court, claim: str) -> Filing:
    created = client_for(applicant).post(
        "/api/v1/filings/",
        {
            "court": court.pk,
            "proceeding": "civil",
            "instance": "first",
            "kind": "claim",
            "title": "Қарызды өндіру",
            "parties": [{"role": "plaintiff", "name": "Ғалия"}, {"role": "defendant", "name": "X"}],
            "annex": ["Талап арыз"],
            "claim_amount": claim,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    return Filing.objects.get(pk=created.json()["id"])


def test_raising_the_claim_reopens_the_difference(applicant, court, api_client, client_for):
    """Issue 9: a paid duty whose claim is raised is `missing` again for the difference;
    lowering it back to what is paid makes it `paid` again."""
    filing = api_draft(client_for, applicant, court, "1000000.00")
    amount = filing.duty_amount
    assert amount and filing.duty_status == DutyStatus.MISSING
    pay(api_client, applicant, filing)
    filing.refresh_from_db()
    assert filing.duty_status == DutyStatus.PAID

    filing_update_draft(acting_user=applicant, filing=filing, claim_amount=Decimal("2000000.00"))
    filing.refresh_from_db()
    assert filing.duty_amount > amount
    assert filing.duty_status == DutyStatus.MISSING
    assert duty_of(client_for, applicant, filing)["paid"] == str(amount)
    summary = duty.duty_summary(filing)
    assert summary.paid == amount and summary.due == filing.duty_amount - amount
    row = AuditLog.objects.filter(action="filing.update", object_id=str(filing.pk)).first()
    assert row.data["duty_status_before"] == "paid" and row.data["duty_status"] == "missing"
    # The next payment defaults to the difference.
    assert duty.payment_start(acting_user=applicant, filing=filing).amount == summary.due

    filing_update_draft(acting_user=applicant, filing=filing, claim_amount=Decimal("1000000.00"))
    filing.refresh_from_db()
    assert filing.duty_amount == amount
    assert filing.duty_status == DutyStatus.PAID


def test_raising_the_claim_in_the_wizard_reopens_the_duty(applicant, court, api_client, client_for):
    """Issue 9: the wizard's document step changes the claim through the same service, and
    the "what is missing" panel names what is still due."""
    filing = api_draft(client_for, applicant, court, "1000000.00")
    pay(api_client, applicant, filing)
    browser = Client()
    browser.force_login(applicant)
    response = browser.post(
        f"/cabinet/filings/{filing.pk}/steps/kind/",
        {
            "kind": "claim",
            "title": "Қарызды өндіру",
            "language": "kk",
            "claim_amount": "3000000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    filing.refresh_from_db()
    assert filing.claim_amount == Decimal("3000000.00")
    assert filing.duty_status == DutyStatus.MISSING
    summary = duty.duty_summary(filing)
    assert summary.paid > 0 and summary.due > 0
    review = browser.get(f"/cabinet/filings/{filing.pk}/steps/review/").content.decode()
    assert f"{summary.due} ₸ is still due" in review


def test_raising_the_claim_reopens_a_bank_receipt(applicant, make_filing):
    """Issue 9: a bank receipt uploaded for the old amount does not settle a raised duty;
    a deferral stays (it defers the duty whatever its amount)."""
    filing = make_filing(applicant, claim_amount=Decimal("1000000.00"))
    Filing.objects.filter(pk=filing.pk).update(duty_status=DutyStatus.RECEIPT)
    filing_update_draft(acting_user=applicant, filing=filing, claim_amount=Decimal("5000000.00"))
    filing.refresh_from_db()
    assert filing.duty_status == DutyStatus.MISSING
    deferred = make_filing(applicant, claim_amount=Decimal("1000000.00"))
    Filing.objects.filter(pk=deferred.pk).update(duty_status=DutyStatus.DEFERRED)
    filing_update_draft(acting_user=applicant, filing=deferred, claim_amount=Decimal("5000000.00"))
    deferred.refresh_from_db()
    assert deferred.duty_status == DutyStatus.DEFERRED


@pytest.mark.parametrize(
    "current,amount,paid,reopen,expected",
    [
        ("missing", "100.00", "0.00", False, "missing"),
        ("missing", "100.00", "99.99", False, "missing"),
        ("missing", "100.00", "100.00", False, "paid"),
        ("paid", "200.00", "100.00", True, "missing"),
        ("receipt", "200.00", "0.00", False, "receipt"),
        ("receipt", "200.00", "0.00", True, "missing"),
        ("deferred", "200.00", "0.00", True, "deferred"),
        ("deferred", "200.00", "200.00", False, "paid"),
        ("not_required", None, "0.00", False, "not_required"),
        ("not_required", None, "10.00", False, "paid"),  # an additional payment (R-FIL-9)
    ],
)
def test_settled_status(current, amount, paid, reopen, expected):
    """Issue 9: `paid` only when the confirmed sum covers the amount."""
    assert (
        duty.settled_status(
            current=current,
            amount=Decimal(amount) if amount else None,
            paid=Decimal(paid),
            reopen=reopen,
        )
        == expected
    )


# --- 5. bank receipts: one code, one filing ---------------------------------------------------


def receipt_upload(client, filing, code: str):
    return client.post(
        f"/api/v1/filings/{filing.pk}/receipts/",
        {
            "file": SimpleUploadedFile("chek.pdf", pdf_bytes(code), "application/pdf"),
            "code": code,
        },
        format="multipart",
    )


def test_receipt_code_is_unique_in_the_database(applicant, make_filing):
    """Issue 9: a database guarantee, not only a check in the service."""
    first, second = make_filing(applicant), make_filing(applicant)
    fields = {
        "kind": AttachmentKind.DUTY_RECEIPT,
        "title": "Чек",
        "filename": "chek.pdf",
        "original_filename": "chek.pdf",
        "size": 1,
        "sha256": "0" * 64,
        "blob": "x",
        "receipt_code": "KASPI-1",
    }
    Attachment.objects.create(filing=first, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attachment.objects.create(filing=second, **fields)
    # Attachments without a code are not affected.
    Attachment.objects.create(filing=first, **{**fields, "receipt_code": ""})
    Attachment.objects.create(filing=second, **{**fields, "receipt_code": ""})


def test_a_race_cannot_settle_two_filings_with_one_receipt(
    applicant, make_filing, client_for, monkeypatch
):
    """Issue 9: two uploads of one code that both pass the service's check (a race): the
    second gets 409 `receipt_code_used`, never a 500, and stores nothing."""
    api = client_for(applicant)
    first, second = make_filing(applicant), make_filing(applicant)
    assert receipt_upload(api, first, "KASPI-RACE").status_code == 201
    monkeypatch.setattr(receipts_module, "receipt_code_taken", lambda code: False)
    answer = receipt_upload(api, second, "KASPI-RACE")
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "receipt_code_used"
    assert Attachment.objects.filter(receipt_code="KASPI-RACE").count() == 1
    assert not second.attachments.exists()
    second.refresh_from_db()
    assert second.duty_status == DutyStatus.MISSING


def test_gateway_code_taken_by_a_bank_receipt_still_counts_the_payment(
    applicant, make_filing, client_for, api_client
):
    """Issue 9: a code typed in by an applicant cannot block a real payment: it is counted
    under a portal-made code and the audit row keeps the gateway's code."""
    squatter = make_filing(applicant)
    assert receipt_upload(client_for(applicant), squatter, "EGOV-TAKEN").status_code == 201
    filing = make_filing(applicant)
    payment = duty.payment_start(acting_user=applicant, filing=filing)
    answer = callback(api_client, notice(payment, receipt_code="EGOV-TAKEN"))
    assert answer.status_code == 200, answer.content
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.receipt_code.startswith("EP-")
    row = AuditLog.objects.get(action="payment.paid", object_id=str(payment.pk))
    assert row.data["gateway_receipt_code"] == "EGOV-TAKEN"


# --- 5. the receipt check tells no more than the receipt's holder knows ------------------------


def test_receipt_check_hides_the_filing_from_others(
    filing, applicant, make_user, client_for, api_client
):
    """Issue 9: a stranger with the code learns that it is genuine and used, and what the
    receipt itself says; never whose filing, which court, the payer or the order reference."""
    payment = pay(api_client, applicant, filing)
    stranger = client_for(make_user("applicant", login=new_login()))
    seen = stranger.get("/api/v1/payments/check/", {"code": payment.receipt_code})
    assert seen.status_code == 200
    body = seen.json()
    assert body["verified"] is True and body["used"] is True
    assert body["amount"] == "10000.00"
    for hidden in ("filing", "filing_number", "court", "payer", "reference", "uploaded_at"):
        assert body[hidden] is None, hidden
    own = client_for(applicant).get("/api/v1/payments/check/", {"code": payment.receipt_code})
    assert own.json()["filing"] == filing.pk
    assert own.json()["reference"] == payment.reference
    assert own.json()["payer"]["login"] == applicant.login
    browser = Client()
    browser.force_login(make_user("applicant", login=new_login()))
    page = browser.get("/cabinet/duty/check/", {"code": payment.receipt_code}).content.decode()
    assert "10000.00" in page and filing.court.code not in page


def test_receipt_check_of_a_bank_receipt_for_others(applicant, make_filing, make_user, client_for):
    """Issue 9: a guessable bank-receipt code tells a stranger only that it is used."""
    filing = make_filing(applicant, status=FilingStatus.DRAFT)
    assert receipt_upload(client_for(applicant), filing, "HALYK-55").status_code == 201
    stranger = client_for(make_user("applicant", login=new_login()))
    body = stranger.get("/api/v1/payments/check/", {"code": "HALYK-55"}).json()
    assert body["source"] == "bank_receipt" and body["used"] is True
    assert body["filing"] is None and body["court"] is None and body["payer"] is None
    assert body["uploaded_at"] is None
    unknown = stranger.get("/api/v1/payments/check/", {"code": "HALYK-56"})
    assert unknown.status_code == 404


@pytest.mark.parametrize("amount", ["NaN", "sNaN", "Infinity", "0.001", "1e400", "-5"])
def test_web_payment_amount_is_checked_without_a_500(filing, applicant, amount):
    """Issue 9: a payment's amount is a positive sum in tenge; anything else is a message on
    the duty page, never a 500 and never a payment of 0.00 ₸."""
    browser = Client()
    browser.force_login(applicant)
    response = browser.post(f"/cabinet/filings/{filing.pk}/duty/pay/", {"amount": amount})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/cabinet/filings/{filing.pk}/duty/")
    assert not Payment.objects.filter(filing=filing).exists()
