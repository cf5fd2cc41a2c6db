"""Online payment through the gateway and its signed callback (SPEC R-FIL-5, R-FIL-9, R-REG-4).

Threat model: the callback body and its signature header come from the network. The signature is
checked over the exact raw bytes with a constant-time compare before anything is parsed or
written; replays are harmless because a payment in a final state is never changed again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sotkabinet.core.services import audit, notify
from sotkabinet.errors import Conflict, DomainError, NotFound

from ..models import (
    Attachment,
    AttachmentKind,
    DutyStatus,
    Filing,
    FilingStatus,
    Payment,
    PaymentStatus,
)
from .tariff import money

SIGNATURE_HEADER = "X-Gateway-Signature"

# R-FIL-9: a payment (first or additional) is accepted on a filing in any of these states.
# A rejected or not-received filing is closed: the applicant files anew.
PAYABLE_STATUSES = frozenset(
    {FilingStatus.DRAFT, FilingStatus.SUBMITTED, FilingStatus.RECEIVED, FilingStatus.REGISTERED}
)


# --- online payment -----------------------------------------------------------------------


def callback_signature(body: bytes, secret: str | None = None) -> str:
    """Hex HMAC-SHA256 of the raw callback body with the gateway secret (R-REG-4)."""
    key = (secret if secret is not None else settings.PAYMENT_GATEWAY_SECRET).encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def require_payable(filing: Filing) -> None:
    if filing.status not in PAYABLE_STATUSES:
        raise Conflict("conflict", _("A payment cannot be made to this filing."))


def _new_reference() -> str:
    return secrets.token_hex(16)


@transaction.atomic
def payment_start(*, acting_user, filing: Filing, amount: Decimal | None = None) -> Payment:
    """Start an online payment: a pending Payment and the gateway page to send the payer to.

    `amount` defaults to the filing's computed duty. Additional payments (R-FIL-9) give an
    explicit amount and work on submitted and registered filings too. Each call starts a new
    payment (use the Idempotency-Key header to make retries safe).
    """
    filing = Filing.objects.select_for_update().get(pk=filing.pk)
    require_payable(filing)
    if amount is None:
        amount = filing.duty_amount
    if amount is None or amount <= 0:
        raise DomainError("invalid", details={"amount": _("Give a positive amount.")})
    payment = Payment.objects.create(
        filing=filing, amount=money(Decimal(amount)), payer=acting_user, reference=_new_reference()
    )
    audit(acting_user, "payment.start", payment, filing=filing.pk, amount=str(payment.amount))
    return payment


def payment_redirect_url(payment: Payment) -> str:
    from ..gateway import get_gateway

    return get_gateway().redirect_url(payment)


def _parse_callback(raw_body: bytes) -> dict:
    try:
        data = json.loads(raw_body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise DomainError("malformed_request") from None
    if not isinstance(data, dict) or not isinstance(data.get("reference"), str):
        raise DomainError("invalid", details={"reference": _("Required.")})
    if data.get("status") not in (PaymentStatus.PAID, PaymentStatus.FAILED):
        raise DomainError("invalid", details={"status": _("paid or failed.")})
    return data


def _parse_paid_at(value) -> datetime:
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return moment
    return timezone.now()


def payment_callback(raw_body: bytes, signature: str | None) -> Payment:
    """Apply the gateway's signed notice about a payment (R-FIL-5, R-REG-4).

    The signature is an HMAC-SHA256 (hex) of the exact raw body with PAYMENT_GATEWAY_SECRET;
    a missing or wrong one gives 400 `bad_signature` and changes nothing. Body:
    `{"reference", "status": "paid"|"failed", "amount", "receipt_code"?, "transaction_id"?,
    "paid_at"?}`. Idempotent: a payment already paid or failed is returned unchanged, so the
    gateway may retry or replay the notice any number of times. On `paid` the e-receipt PDF is
    rendered and attached to the filing as kind `duty_receipt`, and the duty status becomes `paid`.
    """
    expected = callback_signature(raw_body)
    if not signature or not hmac.compare_digest(expected, signature.strip().lower()):
        raise DomainError("bad_signature")
    data = _parse_callback(raw_body)
    return _apply_callback(data)


@transaction.atomic
def _apply_callback(data: dict) -> Payment:
    """Decide a pending payment from a verified notice, under the payment's row lock."""
    payment = (
        Payment.objects.select_for_update()
        .select_related("filing", "payer")
        .filter(reference=data["reference"])
        .first()
    )
    if payment is None:
        raise NotFound(_("No payment with this reference."))
    if payment.status != PaymentStatus.PENDING:
        return payment  # a replay: the first notice already decided this payment
    try:
        paid_amount = Decimal(str(data.get("amount", payment.amount)))
    except InvalidOperation:
        raise DomainError("invalid", details={"amount": _("Not a number.")}) from None
    payment.callback_payload = data
    if data["status"] == PaymentStatus.FAILED:
        payment.status = PaymentStatus.FAILED
        payment.save(update_fields=["status", "callback_payload"])
        audit(None, "payment.failed", payment, reference=payment.reference)
        notify(
            payment.payer,
            "payment_failed",
            _("The state duty payment %(reference)s did not go through.")
            % {"reference": payment.reference},
            link=f"/cabinet/filings/{payment.filing_id}/duty/",
            filing_id=payment.filing_id,
        )
        return payment
    if money(paid_amount) != payment.amount:
        raise DomainError(
            "invalid",
            _("The paid amount differs from the payment's amount."),
            details={"amount": str(paid_amount), "expected": str(payment.amount)},
        )
    _mark_paid(payment, data)
    return payment


def _unique_receipt_code(proposed: str | None) -> str:
    code = (proposed or "").strip()[:64]
    if code and not Payment.objects.filter(receipt_code=code).exists():
        return code
    if code:
        raise DomainError("invalid", details={"receipt_code": _("Already used.")})
    while True:
        code = f"EP-{secrets.token_hex(8).upper()}"
        if not Payment.objects.filter(receipt_code=code).exists():
            return code


def render_e_receipt(payment: Payment) -> Attachment:
    """Render the gateway e-receipt as a PDF and attach it to the filing as `duty_receipt`.

    The PDF is made by the portal from the verified callback, so it is stored already `valid`
    (it needs no applicant-file validation) under its SHA-256, like every attachment.
    """
    from django.urls import reverse
    from django.utils.http import urlencode

    from sotkabinet.documents.pdf import render_pdf
    from sotkabinet.documents.qr import qr_svg
    from sotkabinet.documents.upload import store_blob

    check_url = (
        settings.PORTAL_BASE_URL.rstrip("/")
        + reverse("web:receipt_check")
        + "?"
        + urlencode({"code": payment.receipt_code})
    )
    pdf = render_pdf(
        "filings/duty/e_receipt_pdf.html",
        {
            "payment": payment,
            "filing": payment.filing,
            "court": payment.filing.court,
            "transaction_id": (payment.callback_payload or {}).get("transaction_id"),
            "check_url": check_url,
            "qr": qr_svg(check_url),
        },
    )
    stored = store_blob(pdf)
    filename = f"e-receipt-{payment.receipt_code}.pdf"
    return Attachment.objects.create(
        filing=payment.filing,
        kind=AttachmentKind.DUTY_RECEIPT,
        title=_("State duty e-receipt %(code)s") % {"code": payment.receipt_code},
        filename=filename,
        original_filename=filename,
        size=len(pdf),
        sha256=stored.sha256,
        blob=stored.name,
        detected_format="pdf",
        status="valid",
        receipt_code=payment.receipt_code,
        uploaded_by=payment.payer,
        validated_at=timezone.now(),
    )


def _mark_paid(payment: Payment, data: dict) -> None:
    payment.status = PaymentStatus.PAID
    payment.paid_at = _parse_paid_at(data.get("paid_at"))
    payment.receipt_code = _unique_receipt_code(data.get("receipt_code"))
    attachment = render_e_receipt(payment)
    payment.receipt_attachment = attachment
    try:
        with transaction.atomic():
            payment.save(
                update_fields=[
                    "status",
                    "paid_at",
                    "receipt_code",
                    "receipt_attachment",
                    "callback_payload",
                ]
            )
    except IntegrityError:
        raise DomainError("invalid", details={"receipt_code": _("Already used.")}) from None
    filing = Filing.objects.select_for_update().get(pk=payment.filing_id)
    filing.duty_status = DutyStatus.PAID
    filing.save(update_fields=["duty_status", "updated_at"])
    audit(
        None,
        "payment.paid",
        payment,
        reference=payment.reference,
        receipt_code=payment.receipt_code,
        amount=str(payment.amount),
    )
    notify(
        payment.payer,
        "payment_paid",
        _("The state duty of %(amount)s ₸ is paid. Receipt code: %(code)s.")
        % {"amount": payment.amount, "code": payment.receipt_code},
        link=f"/cabinet/filings/{filing.pk}/duty/",
        filing_id=filing.pk,
        case_id=filing.case_id,
    )
