"""Receipts: the "check payment receipt" search and uploaded bank receipts (SPEC R-FIL-5)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sotkabinet.core.services import audit
from sotkabinet.errors import Conflict, DomainError, NotFound

from ..models import (
    Attachment,
    AttachmentKind,
    DutyStatus,
    Filing,
    Payment,
    PaymentStatus,
)
from .payments import require_payable

# --- receipt check ------------------------------------------------------------------------


def _may_see_filing(viewer, filing: Filing) -> bool:
    from sotkabinet.accounts.access import can

    return viewer is not None and can(viewer, "view", filing)


#: What only someone who may see the filing learns from a receipt check (issue 9).
FILING_FIELDS = ("reference", "payer", "filing", "filing_number", "court", "uploaded_at")


def receipt_check(code: str, *, viewer=None) -> dict:
    """Check payment receipt (R-FIL-5): the details of the receipt with this unique code.

    Looks at verified gateway e-receipts first, then uploaded bank receipts. Unknown: 404.
    Never the documents. Issue 9: the answer tells no more than the receipt's holder knows. The
    holder knows the code and what is printed on the receipt (amount, date), and wants to learn
    whether the receipt is genuine and whether it has been used. So anyone signed in gets the
    code, `source`, `verified`, `status`, `amount`, `paid_at` and `used: true` (the code is on a
    filing); which filing, which court, the payer and the gateway order reference are given
    only to someone who may see that filing (its applicant and attorney, the court's staff once
    it is sent), and are null for everyone else. A bank receipt's code is chosen by the
    uploader and may be guessed, so it shows no amount or date at all (the portal does not
    know them).
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
        return _for_viewer(
            viewer,
            payment.filing,
            {
                "code": payment.receipt_code,
                "source": "gateway",
                "verified": True,
                "used": True,
                "status": payment.status,
                "amount": str(payment.amount),
                "paid_at": payment.paid_at.isoformat() if payment.paid_at else None,
                "reference": payment.reference,
                "payer": payment.payer.as_person(),
                "filing": payment.filing_id,
                "filing_number": payment.filing.number,
                "court": payment.filing.court.code,
                "uploaded_at": None,
            },
        )
    attachment = (
        Attachment.objects.select_related("filing__court", "uploaded_by")
        .filter(receipt_code=code, kind=AttachmentKind.DUTY_RECEIPT)
        .order_by("id")
        .first()
    )
    if attachment is None:
        raise NotFound()
    return _for_viewer(
        viewer,
        attachment.filing,
        {
            "code": attachment.receipt_code,
            "source": "bank_receipt",
            "verified": False,
            "used": True,
            "status": attachment.status,
            "amount": None,
            "paid_at": None,
            "reference": None,
            "payer": attachment.uploaded_by.as_person() if attachment.uploaded_by else None,
            "filing": attachment.filing_id,
            "filing_number": attachment.filing.number,
            "court": attachment.filing.court.code,
            "uploaded_at": attachment.created_at.isoformat(),
        },
    )


def _for_viewer(viewer, filing: Filing, details: dict) -> dict:
    if _may_see_filing(viewer, filing):
        return details
    return {**details, **dict.fromkeys(FILING_FIELDS)}


# --- bank receipt -------------------------------------------------------------------------


def receipt_code_taken(code: str) -> bool:
    """A receipt code already used for a verified payment or another uploaded receipt."""
    return (
        Payment.objects.filter(receipt_code=code).exists()
        or Attachment.objects.filter(receipt_code=code).exists()
    )


@transaction.atomic
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
    from ..services import attachment_add

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


@transaction.atomic
def receipt_mark(*, acting_user, attachment: Attachment, code: str) -> Attachment:
    """Mark an uploaded file of the filing as its bank receipt ("attach receipt", R-FIL-5).

    The file went through the normal attachment path (upload, validation); this makes it kind
    `duty_receipt` with the receipt's unique code and sets the duty status to `receipt`, for the
    clerk to check. A code used before (another receipt or an e-receipt) gives 409
    `receipt_code_used`, also when two uploads race (the database's unique constraint on the
    code, issue 9), never a 500.
    """
    code = _clean_receipt_code(code)
    filing = Filing.objects.select_for_update().get(pk=attachment.filing_id)
    require_payable(filing)
    if receipt_code_taken(code):
        raise Conflict("receipt_code_used")
    attachment.kind = AttachmentKind.DUTY_RECEIPT
    attachment.receipt_code = code
    try:
        with transaction.atomic():  # issue 9: the unique constraint decides a race
            attachment.save(update_fields=["kind", "receipt_code"])
    except IntegrityError:
        raise Conflict("receipt_code_used") from None
    if filing.duty_status != DutyStatus.PAID:
        filing.duty_status = DutyStatus.RECEIPT
        filing.save(update_fields=["duty_status", "updated_at"])
    audit(acting_user, "duty.receipt", attachment, filing=filing.pk, code=code)
    return attachment
