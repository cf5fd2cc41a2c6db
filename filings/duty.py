"""State duty (мемлекеттік баж): tariff, online payment, bank receipts, receipt check, deferral.

SPEC R-FIL-5 (000 п.20): online payment through a payment gateway whose e-receipt (PDF) is
attached to the filing automatically; or a scanned bank receipt with the "attach receipt" mark;
and a "check payment receipt" search by the receipt's unique code.
SPEC R-REG-4 (000 п.38): a payment counts as verified only through the gateway integration,
i.e. a callback whose HMAC signature checks out (`payment_callback`).
SPEC R-FIL-6 (000 п.20-1): deferral on one of seven grounds; large businesses are not eligible.
SPEC R-FIL-9 (000 п.25): additional payments to an existing filing or case, so payments are
accepted on submitted and registered filings too.

The tariff is data (DutyTariff, MciValue), edited in the admin; nothing here hard-codes a rate.

Threat model: the callback body and its signature header come from the network. The signature is
checked over the exact raw bytes with a constant-time compare before anything is parsed or
written; replays are harmless because a payment in a final state is never changed again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sotkabinet.core.services import audit, notify
from sotkabinet.errors import Conflict, DomainError, NotFound

from .models import (
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
from .services.common import committed

CENT = Decimal("0.01")
SIGNATURE_HEADER = "X-Gateway-Signature"

# R-FIL-9: a payment (first or additional) is accepted on a filing in any of these states.
# A rejected or not-received filing is closed: the applicant files anew.
PAYABLE_STATUSES = frozenset(
    {FilingStatus.DRAFT, FilingStatus.SUBMITTED, FilingStatus.RECEIVED, FilingStatus.REGISTERED}
)


# --- tariff -------------------------------------------------------------------------------


def mci_for(on: date | None = None) -> MciValue:
    """The monthly calculation index (МРП/АЕК) of `on`'s year, else the latest earlier year."""
    year = (on or timezone.localdate()).year
    mci = MciValue.objects.filter(year__lte=year).order_by("-year").first()
    if mci is None:
        mci = MciValue.objects.order_by("year").first()
    if mci is None:
        raise Conflict("duty_not_configured")
    return mci


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _pick_tariff(tariffs: list[DutyTariff], applicant_kind: str, property_claim: bool):
    """Prefer the row of the claim's nature (property = a percentage), then the applicant's kind."""

    def rank(tariff: DutyTariff) -> tuple[bool, bool]:
        is_property = tariff.percent_of_claim > 0
        return (is_property == property_claim, tariff.applicant_kind == applicant_kind)

    return max(tariffs, key=rank) if tariffs else None


@dataclass(frozen=True)
class DutyQuote:
    amount: Decimal | None
    basis: str
    tariff: DutyTariff | None = None
    mci: MciValue | None = None


def duty_quote_details(
    proceeding: str,
    kind: str,
    claim_amount: Decimal | None,
    applicant_kind: str,
    *,
    on: date | None = None,
) -> DutyQuote:
    """`duty_quote` with the tariff row and MCI used (for the form and the quote endpoint)."""
    tariffs = list(
        DutyTariff.objects.filter(
            is_active=True,
            proceeding=proceeding,
            kind=kind,
            applicant_kind__in=[applicant_kind or "", ""],
        )
    )
    property_claim = claim_amount is not None and claim_amount > 0
    tariff = _pick_tariff(tariffs, applicant_kind, property_claim)
    if tariff is None:
        return DutyQuote(None, _("No state duty is charged for this document."))
    mci = mci_for(on)
    amount = Decimal(0)
    if property_claim and tariff.percent_of_claim:
        amount += claim_amount * tariff.percent_of_claim / Decimal(100)
    amount += tariff.fixed_mci * mci.amount
    if tariff.min_mci is not None:
        amount = max(amount, tariff.min_mci * mci.amount)
    if tariff.max_mci is not None:
        amount = min(amount, tariff.max_mci * mci.amount)
    return DutyQuote(_money(amount), tariff.basis, tariff, mci)


def duty_quote(
    proceeding: str,
    kind: str,
    claim_amount: Decimal | None,
    applicant_kind: str,
    *,
    on: date | None = None,
) -> tuple[Decimal | None, str]:
    """The state duty for a document, from the tariff table (R-FIL-5).

    amount = percent_of_claim % of the claim (property claims only) + fixed_mci × MCI,
    then raised to min_mci × MCI and capped at max_mci × MCI; rounded half-up to the tiyn.
    The MCI is the one of `on`'s year (default today). A row for the applicant's kind
    (individual / legal_entity) wins over a row for any kind; a percentage row is used when a
    positive claim amount is given, a fixed row otherwise.
    Returns (None, basis) when no active tariff row applies: no duty is charged.
    """
    quote = duty_quote_details(proceeding, kind, claim_amount, applicant_kind, on=on)
    return quote.amount, quote.basis


def duty_status_for(amount: Decimal | None) -> str:
    """The initial duty status of a new filing: `missing` if a duty is due, else `not_required`."""
    return DutyStatus.MISSING if amount else DutyStatus.NOT_REQUIRED


# --- online payment -----------------------------------------------------------------------


def callback_signature(body: bytes, secret: str | None = None) -> str:
    """Hex HMAC-SHA256 of the raw callback body with the gateway secret (R-REG-4)."""
    key = (secret if secret is not None else settings.PAYMENT_GATEWAY_SECRET).encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def _require_payable(filing: Filing) -> None:
    if filing.status not in PAYABLE_STATUSES:
        raise Conflict("conflict", _("A payment cannot be made to this filing."))


def _new_reference() -> str:
    return secrets.token_hex(16)


@committed
def payment_start(*, acting_user, filing: Filing, amount: Decimal | None = None) -> Payment:
    """Start an online payment: a pending Payment and the gateway page to send the payer to.

    `amount` defaults to the filing's computed duty. Additional payments (R-FIL-9) give an
    explicit amount and work on submitted and registered filings too. Each call starts a new
    payment (use the Idempotency-Key header to make retries safe).
    """
    filing = Filing.objects.select_for_update().get(pk=filing.pk)
    _require_payable(filing)
    if amount is None:
        amount = filing.duty_amount
    if amount is None or amount <= 0:
        raise DomainError("invalid", details={"amount": _("Give a positive amount.")})
    payment = Payment.objects.create(
        filing=filing, amount=_money(Decimal(amount)), payer=acting_user, reference=_new_reference()
    )
    audit(acting_user, "payment.start", payment, filing=filing.pk, amount=str(payment.amount))
    return payment


def payment_redirect_url(payment: Payment) -> str:
    from .gateway import get_gateway

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


@committed
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
    if _money(paid_amount) != payment.amount:
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


# --- receipt check ------------------------------------------------------------------------


def _may_see_payer(viewer, filing: Filing) -> bool:
    from sotkabinet.accounts.access import can

    return viewer is not None and can(viewer, "view", filing)


def receipt_check(code: str, *, viewer=None) -> dict:
    """Check payment receipt (R-FIL-5): the details of the receipt with this unique code.

    Looks at verified gateway e-receipts first, then uploaded bank receipts. Unknown: 404.
    Shows the payment's facts (amount, date, court, filing number), never the documents. The
    payer's identity is shown only to someone who may see the filing (its applicant, attorney,
    the court): a bank receipt's code is chosen by the uploader and may be guessable.
    """
    code = (code or "").strip()
    if not code:
        raise NotFound()
    payment = (
        Payment.objects.select_related("filing__court", "payer")
        .filter(receipt_code=code, status=PaymentStatus.PAID)
        .first()
    )
    if payment is not None:
        return {
            "code": payment.receipt_code,
            "source": "gateway",
            "verified": True,
            "status": payment.status,
            "amount": str(payment.amount),
            "paid_at": payment.paid_at.isoformat() if payment.paid_at else None,
            "reference": payment.reference,
            "payer": payment.payer.as_person() if _may_see_payer(viewer, payment.filing) else None,
            "filing": payment.filing_id,
            "filing_number": payment.filing.number,
            "court": payment.filing.court.code,
        }
    attachment = (
        Attachment.objects.select_related("filing__court", "uploaded_by")
        .filter(receipt_code=code, kind=AttachmentKind.DUTY_RECEIPT)
        .order_by("id")
        .first()
    )
    if attachment is None:
        raise NotFound()
    return {
        "code": attachment.receipt_code,
        "source": "bank_receipt",
        "verified": False,
        "status": attachment.status,
        "amount": None,
        "paid_at": None,
        "reference": None,
        "payer": attachment.uploaded_by.as_person()
        if attachment.uploaded_by and _may_see_payer(viewer, attachment.filing)
        else None,
        "filing": attachment.filing_id,
        "filing_number": attachment.filing.number,
        "court": attachment.filing.court.code,
        "uploaded_at": attachment.created_at.isoformat(),
    }


# --- deferral -----------------------------------------------------------------------------


def deferral_allowed(applicant) -> bool:
    """R-FIL-6: everyone but a large business (a legal entity with business_size `large`)."""
    return not (applicant.is_legal_entity and applicant.business_size == "large")


@committed
def deferral_request(
    *, acting_user, filing: Filing, ground: str, explanation: str, proof: Attachment
) -> Deferral:
    """Ask to defer the state duty (R-FIL-6, 000 п.20-1); the clerk sees it on the card.

    The applicant is the filing's principal when an attorney files. Refused with 400
    `deferral_not_allowed` for a large business and `invalid_ground` for anything but the seven
    grounds. The proof attachment (of this filing) becomes kind `deferral_proof`. One deferral
    per filing: a second request gives 409 `conflict`.
    """
    filing = (
        Filing.objects.select_for_update().select_related("author", "principal").get(pk=filing.pk)
    )
    if ground not in DeferralGround.values:
        raise DomainError(
            "invalid_ground",
            _("Choose one of the seven grounds for a deferral."),
            details={"allowed": list(DeferralGround.values)},
        )
    if not deferral_allowed(filing.applicant):
        raise DomainError("deferral_not_allowed")
    if filing.status != FilingStatus.DRAFT:
        raise Conflict("not_draft")
    if Deferral.objects.filter(filing=filing).exists():
        raise Conflict("conflict", _("A deferral has already been requested for this filing."))
    if proof.filing_id != filing.pk:
        raise DomainError("invalid", details={"proof": _("Attach the proof to this filing.")})
    if not explanation.strip():
        raise DomainError("invalid", details={"explanation": _("Explain the request.")})
    proof.kind = AttachmentKind.DEFERRAL_PROOF
    proof.save(update_fields=["kind"])
    deferral = Deferral.objects.create(
        filing=filing, ground=ground, explanation=explanation.strip(), proof=proof
    )
    filing.duty_status = DutyStatus.DEFERRED
    filing.save(update_fields=["duty_status", "updated_at"])
    audit(acting_user, "duty.deferral", deferral, filing=filing.pk, ground=ground)
    return deferral


@committed
def deferral_request_with_upload(
    *, acting_user, filing: Filing, ground: str, explanation: str, uploaded
) -> Deferral:
    """The web form's deferral: upload the proof (normal attachment path) and request, atomically.

    The eligibility and the ground are checked before anything is stored, so a refused request
    leaves no stray attachment behind.
    """
    from .services import attachment_add

    if ground not in DeferralGround.values:
        raise DomainError("invalid_ground", _("Choose one of the seven grounds for a deferral."))
    if not deferral_allowed(filing.applicant):
        raise DomainError("deferral_not_allowed")
    proof = attachment_add(
        acting_user=acting_user,
        filing=filing,
        uploaded=uploaded,
        title=_("Proof for the duty deferral"),
        kind=AttachmentKind.DEFERRAL_PROOF,
    )
    return deferral_request(
        acting_user=acting_user, filing=filing, ground=ground, explanation=explanation, proof=proof
    )


# --- bank receipt -------------------------------------------------------------------------


def receipt_code_taken(code: str) -> bool:
    """A receipt code already used for a verified payment or another uploaded receipt."""
    return (
        Payment.objects.filter(receipt_code=code).exists()
        or Attachment.objects.filter(receipt_code=code, kind=AttachmentKind.DUTY_RECEIPT).exists()
    )


@committed
def receipt_upload(
    *, acting_user, filing: Filing, uploaded, code: str, title: str | None = None
) -> Attachment:
    """Upload a bank receipt scan with the "attach receipt" mark (R-FIL-5).

    The scan takes the normal attachment path (`services.attachment_add`: stored under its
    SHA-256, validated in the worker like every attachment), as kind `duty_receipt` with the
    receipt's code; the duty status becomes `receipt` for the clerk to check. Like any
    attachment it goes on a draft (409 `not_draft` otherwise): an additional bank payment for a
    registered filing or case is sent on a supplement (R-FIL-9), while online payments work on
    submitted and registered filings directly. One transaction: a refused code stores nothing.
    """
    from .services import attachment_add

    code = _clean_receipt_code(code)
    if receipt_code_taken(code):
        raise Conflict("receipt_code_used")
    attachment = attachment_add(
        acting_user=acting_user,
        filing=filing,
        uploaded=uploaded,
        title=(title or "").strip() or _("Bank receipt %(code)s") % {"code": code},
        kind=AttachmentKind.DUTY_RECEIPT,
    )
    return receipt_mark(acting_user=acting_user, attachment=attachment, code=code)


def _clean_receipt_code(code: str) -> str:
    code = (code or "").strip()
    if not code or len(code) > 64:
        raise DomainError("invalid", details={"code": _("Give the receipt's code (≤ 64 chars).")})
    return code


@committed
def receipt_mark(*, acting_user, attachment: Attachment, code: str) -> Attachment:
    """Mark an uploaded file of the filing as its bank receipt ("attach receipt", R-FIL-5).

    The file went through the normal attachment path (upload, validation); this makes it kind
    `duty_receipt` with the receipt's unique code and sets the duty status to `receipt`, for the
    clerk to check. A code used before (another receipt or an e-receipt) gives 409
    `receipt_code_used`.
    """
    code = _clean_receipt_code(code)
    filing = Filing.objects.select_for_update().get(pk=attachment.filing_id)
    _require_payable(filing)
    if receipt_code_taken(code):
        raise Conflict("receipt_code_used")
    attachment.kind = AttachmentKind.DUTY_RECEIPT
    attachment.receipt_code = code
    attachment.save(update_fields=["kind", "receipt_code"])
    if filing.duty_status != DutyStatus.PAID:
        filing.duty_status = DutyStatus.RECEIPT
        filing.save(update_fields=["duty_status", "updated_at"])
    audit(acting_user, "duty.receipt", attachment, filing=filing.pk, code=code)
    return attachment


__all__ = [
    "SIGNATURE_HEADER",
    "DutyQuote",
    "callback_signature",
    "deferral_allowed",
    "deferral_request",
    "deferral_request_with_upload",
    "duty_quote",
    "duty_quote_details",
    "duty_status_for",
    "mci_for",
    "payment_callback",
    "payment_redirect_url",
    "payment_start",
    "receipt_check",
    "receipt_code_taken",
    "receipt_mark",
    "receipt_upload",
]
