"""Deferral of the state duty on one of the seven grounds (SPEC R-FIL-6, 000 п.20-1)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from sotkabinet.core.services import audit
from sotkabinet.errors import Conflict, DomainError

from ..models import (
    Attachment,
    AttachmentKind,
    Deferral,
    DeferralGround,
    DutyStatus,
    Filing,
    FilingStatus,
)

# --- deferral -----------------------------------------------------------------------------


def deferral_allowed(applicant) -> bool:
    """R-FIL-6: everyone but a large business (a legal entity with business_size `large`)."""
    return not (applicant.is_legal_entity and applicant.business_size == "large")


@transaction.atomic
def deferral_request(
    *, acting_user, filing: Filing, ground: str, explanation: str, proof: Attachment
) -> Deferral:
    """Ask to defer the state duty (R-FIL-6, 000 п.20-1); the clerk sees it on the card.

    The applicant is the filing's principal when an attorney files. Refused with 400
    `deferral_not_allowed` for a large business and `invalid_ground` for anything but the seven
    grounds. The proof attachment (of this filing) becomes kind `deferral_proof`. One deferral
    per filing: a second request gives 409 `conflict`.
    """
    # PostgreSQL cannot lock the nullable side of the outer join to `principal`: lock the filing.
    filing = (
        Filing.objects.select_for_update(of=("self",))
        .select_related("author", "principal")
        .get(pk=filing.pk)
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


@transaction.atomic
def deferral_request_with_upload(
    *, acting_user, filing: Filing, ground: str, explanation: str, uploaded
) -> Deferral:
    """The web form's deferral: upload the proof (normal attachment path) and request, atomically.

    The eligibility and the ground are checked before anything is stored, so a refused request
    leaves no stray attachment behind.
    """
    from ..services import attachment_add

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
