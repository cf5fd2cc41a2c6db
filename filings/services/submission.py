"""Signing and sending: the canonical manifest and the synchronous stage of submit (R-FIL-4, 11).

Threat model: the posted CMS is attacker-controlled. Here it is only decoded (size-bounded,
strictly, by `sotkabinet.ecp.inspect_cms`) to refuse fast what can never be accepted: a CMS that
does not parse, one that is not over this filing's current payload, or one whose claimed signer
is nobody allowed to sign. Nothing here trusts the claimed signer; acceptance needs the
worker's full verification (`receipt.filing_verify_now`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sotkabinet.accounts.models import User
from sotkabinet.core.dispatch import dispatch_on_commit
from sotkabinet.core.services import Text, audit
from sotkabinet.courts.services import court_registration_deadline, court_today
from sotkabinet.errors import Conflict, DomainError

from ..models import AttachmentKind, AttachmentStatus, Filing, FilingStatus
from .common import (
    filing_transition,
    lock_filing,
    notify_applicant,
)

# Alphabet of the talon number's random part: no 0/O, 1/I/L look-alikes.
_NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def filing_document(filing: Filing) -> dict[str, Any]:
    """What the applicant signs: the form fields and every attachment's SHA-256 (docs/api.md)."""
    return {
        "type": "filing",
        "id": filing.pk,
        "court": {"id": filing.court_id, "code": filing.court.code, "name": filing.court.name},
        "proceeding": filing.proceeding,
        "instance": filing.instance,
        "kind": filing.kind,
        "title": filing.title,
        "language": filing.language,
        "parties": filing.parties,
        "annex": filing.annex,
        "case": filing.case_id,
        "supplement_to": filing.supplement_to_id,
        "claim_amount": str(filing.claim_amount) if filing.claim_amount is not None else None,
        "author": filing.author.login,
        "principal": filing.principal.login if filing.principal_id else None,
        "power": filing.power_id,
        "attachments": [
            {
                "id": attachment.pk,
                "kind": attachment.kind,
                "title": attachment.title,
                "filename": attachment.filename,
                "size": attachment.size,
                "sha256": attachment.sha256,
            }
            for attachment in filing.attachments.order_by("id")
        ],
    }


def filing_signing_payload(filing: Filing) -> bytes:
    """The exact bytes to sign: the canonical manifest (docs/conventions.md "Signing").
    A pure read."""
    from sotkabinet.signatures.services import canonical_payload

    return canonical_payload(filing_document(filing))


def signer_identity(signer) -> str | None:
    """The login a key speaks for: the BIN of a legal-entity key, else the IIN (R-ECP-4)."""
    return signer.identity


def allowed_signers(filing: Filing) -> set[str]:
    """R-FIL-11: the applicant, or their attorney while the power still holds (else 400)."""
    from ..powers import power_authorizes

    allowed = {filing.applicant.login}
    if filing.principal_id and filing.power_id:
        power_authorizes(
            filing.power,
            attorney=filing.author,
            principal=filing.principal,
            on=court_today(filing.court),
        )
        allowed.add(filing.author.login)
    return allowed


def _check_attachments(filing: Filing) -> None:
    attachments = list(filing.attachments.all())
    pending = [a.pk for a in attachments if a.status == AttachmentStatus.PENDING]
    if pending:
        raise DomainError("attachments_pending", details={"attachments": pending})
    invalid = [a.pk for a in attachments if a.status == AttachmentStatus.INVALID]
    if invalid:
        raise DomainError("attachments_invalid", details={"attachments": invalid})
    documents = sum(1 for a in attachments if a.kind == AttachmentKind.DOCUMENT)
    if documents != len(filing.annex):
        # R-DOC-6: one file per document in the annex; receipts and proofs do not count.
        raise DomainError(
            "annex_mismatch", details={"annex": len(filing.annex), "documents": documents}
        )


def talon_number(filing: Filing, at: datetime) -> str:
    """R-FIL-7: unique (it holds the filing id) and unguessable (random tail), since the public
    talon check looks filings up by it. The date is the court's local date of sending."""
    local = at.astimezone(filing.court.tzinfo)
    tail = "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(6))
    return f"{local:%Y%m%d}-{filing.pk:06d}-{tail}"


@transaction.atomic
def filing_submit(*, acting_user: User, filing: Filing, cms: str | bytes) -> Filing:
    """Sign and send a draft: the synchronous stage (docs/conventions.md "Filings"; R-FIL-4,
    R-FIL-11).

    Refused with 400: attachments_pending, attachments_invalid, annex_mismatch (R-DOC-6),
    signature_invalid (reason `malformed`: the CMS does not parse; `tampered`: it is not over
    this filing's current payload), signer_mismatch (with details.reason `no_signing_right` for a
    company key without the right to sign), and the power codes when an attorney's power
    no longer holds. On success the filing is `submitted` with its talon number, `submitted_at`
    (the moment of sending, 000 п.40–41) and the registration deadline (R-REG-2); the worker's
    full check is queued on commit. A second submit gives 409 `conflict`.
    """
    from sotkabinet.ecp import CmsMalformed, inspect_cms
    from sotkabinet.signatures.services import NO_SIGNING_RIGHT, signer_may_sign

    from .. import tasks

    filing = lock_filing(filing.pk)
    if filing.status != FilingStatus.DRAFT:
        raise Conflict("conflict", details={"status": filing.status})
    _check_attachments(filing)
    payload = filing_signing_payload(filing)
    try:
        inspection = inspect_cms(cms)
    except CmsMalformed:
        raise DomainError("signature_invalid", details={"reason": "malformed"}) from None
    if not inspection.covers(payload):
        raise DomainError("signature_invalid", details={"reason": "tampered"})
    allowed = allowed_signers(filing)
    speaking = [s for s in inspection.signers if signer_identity(s) in allowed]
    # Issue 9 "Legal entities": for a company only its first head or a person with the right
    # to sign may sign; a plain employee's key signs in but not a filing.
    signer = next((s for s in speaking if signer_may_sign(s)), None)
    if signer is None:
        details = {"signers": [signer_identity(s) for s in inspection.signers]}
        if speaking:
            details["reason"] = NO_SIGNING_RIGHT
        raise DomainError("signer_mismatch", details=details)

    now = timezone.now()
    filing.number = talon_number(filing, now)
    filing.manifest = payload.decode("utf-8")
    filing.manifest_sha256 = hashlib.sha256(payload).hexdigest()
    filing.signature_cms = inspection.der
    filing.signer_iin = signer.iin or ""
    filing.signer_bin = signer.bin or ""
    filing.submitted_at = now
    filing.registration_deadline = court_registration_deadline(filing.court, now)
    filing_transition(
        filing,
        FilingStatus.SUBMITTED,
        actor=acting_user,
        note=_("Signed and sent. Talon No. %(number)s.") % {"number": filing.number},
    )
    filing.save(
        update_fields=[
            "number",
            "status",
            "manifest",
            "manifest_sha256",
            "signature_cms",
            "signer_iin",
            "signer_bin",
            "submitted_at",
            "registration_deadline",
            "updated_at",
        ]
    )
    audit(
        acting_user,
        "filing.submit",
        filing,
        number=filing.number,
        manifest_sha256=filing.manifest_sha256,
        signer=signer_identity(signer),
    )
    # The worker stage is queued first: a failing notice send after commit must not drop it.
    dispatch_on_commit(tasks.filing_verify, filing.pk)
    notify_applicant(
        filing,
        "filing_submitted",
        Text(
            gettext_lazy("Filing No. %(number)s is sent and is being checked."),
            number=filing.number,
        ),
    )
    # The caller answers with the filing as this stage left it (docs/api.md: 202, `submitted`), even
    # when an eager worker has moved it on by the time the response is rendered.
    prefetch_related_objects([filing], "attachments", "events", "case__judge")
    return filing
