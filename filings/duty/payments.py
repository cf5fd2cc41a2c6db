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
from django.utils.translation import gettext_lazy

from sotkabinet.core.services import Text, audit, notify
from sotkabinet.errors import Conflict, DomainError, NotFound

from ..models import (
    Attachment,
    AttachmentKind,
    Filing,
    FilingStatus,
    Payment,
    PaymentStatus,
)
from .settlement import duty_due, duty_paid, duty_resettle
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

    `amount` defaults to what is still due: the duty less the confirmed payments (issue 9); a
    smaller amount is a part payment. Additional payments (R-FIL-9) give an explicit amount and
    work on submitted and registered filings too. Each call starts a new payment (use the
    Idempotency-Key header to make retries safe).
    """
    filing = Filing.objects.select_for_update().get(pk=filing.pk)
    require_payable(filing)
    if amount is None:
        amount = duty_due(filing.duty_amount, duty_paid(filing))
        if amount <= 0:
            raise DomainError(
                "invalid",
                details={"amount": _("Nothing is due: give the amount of an additional payment.")},
            )
    amount = _payable_amount(amount)
    payment = Payment.objects.create(
        filing=filing, amount=amount, payer=acting_user, reference=_new_reference()
    )
    audit(acting_user, "payment.start", payment, filing=filing.pk, amount=str(payment.amount))
    return payment


#: A payment's amount fits the Payment.amount column (18 digits, 2 of them decimals).
MAX_AMOUNT = Decimal("9999999999999999.99")


def _payable_amount(amount) -> Decimal:
    """A finite amount in tenge, rounded to the tiyn, from 0.01 up to MAX_AMOUNT; else 400
    `invalid` (never a 500 for NaN, infinity or an amount that rounds to zero)."""
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        amount = Decimal("NaN")
    if not amount.is_finite() or not (0 < amount <= MAX_AMOUNT) or money(amount) <= 0:
        raise DomainError(
            "invalid",
            details={"amount": _("Give an amount from 0.01 to %(max)s ₸.") % {"max": MAX_AMOUNT}},
        )
    return money(amount)


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
    "paid_at"?}`; `amount` is required with `paid`. Idempotent: a payment already decided is
    returned unchanged, so the gateway may retry or replay the notice any number of times.
    On `paid` with the payment's exact amount, the e-receipt PDF is rendered and attached to the
    filing as kind `duty_receipt`, and the duty is `paid` once the confirmed payments cover it.

    Issue 9: a `paid` notice for another amount than the payment's is not counted. The payment
    is recorded as `mismatch` (final; audit row `payment.mismatch`, a notice to the payer) and
    the gateway gets 409 `amount_mismatch`, again on every replay, so an operator settles it.
    """
    if not settings.PAYMENT_GATEWAY_SECRET.strip():
        # An empty HMAC key proves nothing: anyone can compute it (issue 9 "Money").
        raise DomainError("bad_signature")
    expected = callback_signature(raw_body)
    if not signature or not hmac.compare_digest(expected, signature.strip().lower()):
        raise DomainError("bad_signature")
    data = _parse_callback(raw_body)
    payment = _apply_callback(data)  # commits, so a mismatch stays recorded
    if payment.status == PaymentStatus.MISMATCH:
        raise Conflict(
            "amount_mismatch",
            details={
                "reference": payment.reference,
                "amount": (payment.callback_payload or {}).get("amount"),
                "expected": str(payment.amount),
            },
        )
    return payment


def _confirmed_amount(data: dict) -> Decimal:
    """The `amount` of a `paid` notice, as an exact decimal; 400 `invalid` if absent or bad."""
    raw = data.get("amount")
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise DomainError("invalid", details={"amount": _("Required.")})
    try:
        amount = Decimal(str(raw).strip())
    except InvalidOperation:
        raise DomainError("invalid", details={"amount": _("Not a number.")}) from None
    if not amount.is_finite():
        raise DomainError("invalid", details={"amount": _("Not a number.")})
    return amount


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
    payment.callback_payload = data
    if data["status"] == PaymentStatus.FAILED:
        payment.status = PaymentStatus.FAILED
        payment.save(update_fields=["status", "callback_payload"])
        audit(None, "payment.failed", payment, reference=payment.reference)
        notify(
            payment.payer,
            "payment_failed",
            Text(
                gettext_lazy("The state duty payment %(reference)s did not go through."),
                reference=payment.reference,
            ),
            link=f"/cabinet/filings/{payment.filing_id}/duty/",
            filing_id=payment.filing_id,
        )
        return payment
    confirmed = _confirmed_amount(data)
    if confirmed != payment.amount:  # exact: 10000 == 10000.00, but 10000.004 is not
        _mark_mismatch(payment, confirmed)
        return payment
    _mark_paid(payment, data)
    return payment


def _mark_mismatch(payment: Payment, confirmed: Decimal) -> None:
    """Record a confirmation of another amount: not counted towards the duty (issue 9)."""
    payment.status = PaymentStatus.MISMATCH
    payment.save(update_fields=["status", "callback_payload"])
    audit(
        None,
        "payment.mismatch",
        payment,
        reference=payment.reference,
        filing=payment.filing_id,
        amount=str(confirmed),
        expected=str(payment.amount),
    )
    notify(
        payment.payer,
        "payment_mismatch",
        Text(
            gettext_lazy(
                "The payment gateway confirmed %(confirmed)s ₸ for the state duty payment "
                "%(reference)s of %(amount)s ₸, so it is not counted towards the duty. Ask the "
                "payment service to correct or refund it."
            ),
            confirmed=confirmed,
            reference=payment.reference,
            amount=payment.amount,
        ),
        link=f"/cabinet/filings/{payment.filing_id}/duty/",
        filing_id=payment.filing_id,
    )


def _receipt_code_free(code: str) -> bool:
    return not (
        Payment.objects.filter(receipt_code=code).exists()
        or Attachment.objects.filter(receipt_code=code).exists()
    )


def _portal_receipt_code() -> str:
    while True:
        code = f"EP-{secrets.token_hex(8).upper()}"
        if _receipt_code_free(code):
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
    """Count a confirmed payment: its e-receipt, then the duty status from the paid sum.

    The e-receipt takes the gateway's receipt code. If that code is already used on the portal
    (a bank receipt uploaded under it, or a race), the verified payment still counts under a
    portal-made `EP-…` code and the audit row keeps the gateway's code: a code typed in by an
    applicant must not block someone else's real payment (issue 9 "Bank receipts").
    """
    filing = Filing.objects.select_for_update().get(pk=payment.filing_id)
    payment.status = PaymentStatus.PAID
    payment.paid_at = _parse_paid_at(data.get("paid_at"))
    proposed = str(data.get("receipt_code") or "").strip()[:64]
    code = proposed if proposed and _receipt_code_free(proposed) else _portal_receipt_code()
    for _attempt in range(3):
        payment.receipt_code = code
        try:
            with transaction.atomic():  # the unique constraints decide a race
                payment.receipt_attachment = render_e_receipt(payment)
                payment.save(
                    update_fields=[
                        "status",
                        "paid_at",
                        "receipt_code",
                        "receipt_attachment",
                        "callback_payload",
                    ]
                )
            break
        except IntegrityError:
            code = _portal_receipt_code()
    else:
        raise Conflict("receipt_code_used")
    status = duty_resettle(filing)
    filing.save(update_fields=["duty_status", "updated_at"])
    paid = duty_paid(filing)
    audit(
        None,
        "payment.paid",
        payment,
        reference=payment.reference,
        receipt_code=payment.receipt_code,
        gateway_receipt_code=proposed if proposed != payment.receipt_code else None,
        amount=str(payment.amount),
        duty_paid=str(paid),
        duty_status=status,
    )
    due = duty_due(filing.duty_amount, paid)
    if due > 0:
        text = Text(
            gettext_lazy(
                "A payment of %(amount)s ₸ towards the state duty is received (receipt code: "
                "%(code)s); %(due)s ₸ is still due."
            ),
            amount=payment.amount,
            code=payment.receipt_code,
            due=due,
        )
    else:
        text = Text(
            gettext_lazy("The state duty of %(amount)s ₸ is paid. Receipt code: %(code)s."),
            amount=payment.amount,
            code=payment.receipt_code,
        )
    notify(
        payment.payer,
        "payment_paid",
        text,
        link=f"/cabinet/filings/{filing.pk}/duty/",
        filing_id=filing.pk,
        case_id=filing.case_id,
    )
