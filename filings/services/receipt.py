"""The worker stage of submit: received or not received (R-ECP-1, R-ECP-2, R-REG-1), the talon."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sotkabinet.core.services import Text, audit

from ..models import AttachmentStatus, Filing, FilingStatus, NotReceivedReason
from .common import filing_transition, lock_filing, notify_applicant

# Why a signature failed, as the applicant reads it (the reason codes of docs/conventions.md).
_SIGNATURE_REASONS = {
    "tampered": gettext_lazy("the signature does not match the document"),
    "untrusted": gettext_lazy(
        "the certificate was not issued by a trusted certification authority"
    ),
    "expired": gettext_lazy("the certificate has expired"),
    "not_yet_valid": gettext_lazy("the certificate is not valid yet"),
    "revoked": gettext_lazy("the certificate is revoked"),
    "revocation_unknown": gettext_lazy("the certificate's revocation status is unknown"),
    "key_usage": gettext_lazy("the key is not meant for signing"),
    "signer_mismatch": gettext_lazy("the document was not signed by the applicant"),
    "malformed": gettext_lazy("the signature cannot be read"),
    "unsupported_algorithm": gettext_lazy("the signature algorithm is not supported"),
}


def not_received_text(filing: Filing, signature_reason: str | None) -> Text:
    """Why a filing was not received (000 п.30), written in each reader's language (issue 10)."""
    if filing.not_received_reason == NotReceivedReason.ATTACHMENTS_INVALID:
        why = Text(gettext_lazy("The attached files are invalid"))
    else:
        reason = _SIGNATURE_REASONS.get(
            signature_reason or "", gettext_lazy("it did not pass the check")
        )
        why = Text(gettext_lazy("The ЭЦҚ is invalid: %(reason)s"), reason=reason)
    return Text(
        gettext_lazy("Filing No. %(number)s is not received. %(why)s."),
        number=filing.number,
        why=why,
    )


def filing_signer_identity(filing: Filing) -> str:
    """The identity the synchronous stage accepted: BIN of a legal-entity key, else the IIN."""
    return filing.signer_bin or filing.signer_iin


def filing_verify_now(filing_id: int) -> Filing | None:
    """Full ЭЦҚ verification and the file check of a submitted filing (R-ECP-1, R-ECP-2).

    The signature is verified at the receipt time (`submitted_at`) against the DB trust store,
    revocation included, requiring the identity the synchronous stage accepted. Every attachment
    must be valid. Success: `received`, with the registration-card notice (R-REG-1). Failure:
    `not_received` with the reason and a notice saying why (000 п.30); nothing the applicant sent
    is deleted. Safe to run twice: a filing that is no longer `submitted` is left alone, and None
    is returned.
    """
    from sotkabinet.signatures.services import verify_signature

    filing = Filing.objects.filter(pk=filing_id).first()
    if filing is None or filing.status != FilingStatus.SUBMITTED:
        return None
    # The slow part (chain, CRLs) runs outside the transaction; the decision is taken under lock.
    verdict = verify_signature(
        bytes(filing.signature_cms),
        data=filing.manifest.encode("utf-8"),
        purpose="sign",
        at=filing.submitted_at,
        required_identity=filing_signer_identity(filing),
    )
    return filing_decide(filing_id=filing.pk, verdict=verdict)


@transaction.atomic
def filing_decide(*, filing_id: int, verdict) -> Filing | None:
    """Record the worker's verdict: `received` or `not_received` (FILING_TRANSITIONS)."""
    filing = lock_filing(filing_id)
    if filing.status != FilingStatus.SUBMITTED:
        return None
    now = timezone.now()
    filing.signature_verdict = verdict.to_dict()
    filing.signature_checked_at = now
    invalid_attachments = list(
        filing.attachments.exclude(status=AttachmentStatus.VALID).values_list("pk", flat=True)
    )
    if verdict.valid and not invalid_attachments:
        filing.received_at = now
        filing_transition(
            filing,
            FilingStatus.RECEIVED,
            note=_("ЭЦҚ and files verified; the registration card is created."),
        )
        filing.save(
            update_fields=[
                "status",
                "signature_verdict",
                "signature_checked_at",
                "received_at",
                "updated_at",
            ]
        )
        audit(None, "filing.received", filing, number=filing.number)
        # SPEC R-REG-1: the applicant is told the filing is in and its card is created.
        notify_applicant(
            filing,
            "filing_received",
            Text(
                gettext_lazy(
                    "Filing No. %(number)s is received; its registration card is created."
                ),
                number=filing.number,
            ),
        )
        return filing

    if not verdict.valid:
        filing.not_received_reason = (
            NotReceivedReason.SIGNER_MISMATCH
            if verdict.reason == "signer_mismatch"
            else NotReceivedReason.SIGNATURE_INVALID
        )
    else:
        filing.not_received_reason = NotReceivedReason.ATTACHMENTS_INVALID
    filing_transition(
        filing,
        FilingStatus.NOT_RECEIVED,
        note=_("Not received: %(reason)s (%(detail)s).")
        % {
            "reason": filing.not_received_reason,
            "detail": verdict.reason or "attachments_invalid",
        },
    )
    filing.save(
        update_fields=[
            "status",
            "signature_verdict",
            "signature_checked_at",
            "not_received_reason",
            "updated_at",
        ]
    )
    audit(
        None,
        "filing.not_received",
        filing,
        reason=filing.not_received_reason,
        signature_reason=verdict.reason,
        attachments=invalid_attachments,
    )
    # SPEC R-ECP-2: the applicant gets a notice giving the reason.
    notify_applicant(filing, "filing_not_received", not_received_text(filing, verdict.reason))
    return filing


def filing_store_talon(*, filing_id: int, pdf: bytes) -> str | None:
    """Keep a rendered talon PDF (R-FIL-7) in storage and remember its name. Safe to repeat:
    the first stored copy wins. Returns the stored name, or None for a gone or draft filing."""
    with transaction.atomic():
        filing = Filing.objects.select_for_update().filter(pk=filing_id).first()
        if filing is None or filing.status == FilingStatus.DRAFT:
            return None
        if filing.talon_pdf and default_storage.exists(filing.talon_pdf):
            return filing.talon_pdf
        digest = hashlib.sha256(pdf).hexdigest()
        name = default_storage.save(f"talons/{filing.number}.pdf", ContentFile(pdf))
        filing.talon_pdf = name
        filing.save(update_fields=["talon_pdf", "updated_at"])
        audit(None, "filing.talon", filing, sha256=digest)
    return name
