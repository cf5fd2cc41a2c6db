"""The draft: creating a filing and adding or removing its files (R-FIL-2..4, R-FIL-9, R-DOC-*)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sotkabinet.accounts.identity import is_valid_identity_number
from sotkabinet.accounts.models import User
from sotkabinet.core.dispatch import dispatch_on_commit
from sotkabinet.core.services import audit
from sotkabinet.courts.models import Court
from sotkabinet.courts.services import court_today
from sotkabinet.errors import Conflict, DomainError

from ..models import (
    Attachment,
    AttachmentKind,
    AttachmentStatus,
    DutyStatus,
    Filing,
    FilingEvent,
    FilingKind,
    FilingStatus,
    Instance,
    PowerOfAttorney,
    Proceeding,
)
from .common import lock_filing

if TYPE_CHECKING:
    from sotkabinet.documents.upload import StoredBlob

PARTY_ROLES = ("plaintiff", "defendant", "third_party")


def _clean_parties(parties: list[dict]) -> list[dict]:
    if not isinstance(parties, list) or not parties:
        raise DomainError("invalid", details={"parties": [_("Name at least one party.")]})
    cleaned = []
    for index, party in enumerate(parties):
        if not isinstance(party, dict):
            raise DomainError("invalid", details={f"parties[{index}]": [_("Not an object.")]})
        role = party.get("role")
        name = str(party.get("name") or "").strip()
        iin_bin = str(party.get("iin_bin") or "").strip()
        if role not in PARTY_ROLES:
            raise DomainError(
                "invalid", details={f"parties[{index}].role": [_("Unknown party role.")]}
            )
        if not name:
            raise DomainError("invalid", details={f"parties[{index}].name": [_("Required.")]})
        if iin_bin and not is_valid_identity_number(iin_bin):
            raise DomainError(
                "invalid", details={f"parties[{index}].iin_bin": [_("Not a valid IIN/BIN.")]}
            )
        entry = {"role": role, "name": name[:500]}
        if iin_bin:
            entry["iin_bin"] = iin_bin
        cleaned.append(entry)
    return cleaned


def _clean_annex(annex: list[str]) -> list[str]:
    """R-DOC-6: the annex lists the documents; one file is uploaded per entry."""
    if not isinstance(annex, list) or not annex:
        raise DomainError("invalid", details={"annex": [_("List at least one document.")]})
    titles = [str(title).strip() for title in annex]
    if any(not title for title in titles):
        raise DomainError("invalid", details={"annex": [_("A document title is empty.")]})
    return [title[:500] for title in titles]


def _case_for_supplement(case_id: int, applicant: User, court: Court | None = None):
    """R-FIL-9: a supplement goes to a case the applicant takes part in; others do not exist
    (400 `invalid_case`, whatever court holds them). With `court`, the case must be that
    court's (issue 9: 400 `wrong_court`)."""
    from registry.models import Case

    case = Case.objects.filter(pk=case_id, participants__user=applicant).first()
    if case is None:
        raise DomainError("invalid_case", details={"case": [_("No such case among your cases.")]})
    if court is not None:
        require_same_court(court, case=case)
    return case


def _filing_for_supplement(filing_id: int, applicant: User, court: Court | None = None) -> Filing:
    """R-FIL-9: additional documents to an earlier filing of the same applicant, once sent,
    and (issue 9) sent to the same court."""
    from django.db.models import Q

    target = (
        Filing.objects.filter(Q(author=applicant) | Q(principal=applicant), pk=filing_id)
        .exclude(status=FilingStatus.DRAFT)
        .first()
    )
    if target is None:
        raise DomainError(
            "invalid", details={"supplement_to": [_("No such sent filing among yours.")]}
        )
    if court is not None:
        require_same_court(court, supplement_to=target)
    return target


def require_same_court(court: Court, *, case=None, supplement_to: Filing | None = None) -> None:
    """Issue 9: a supplement joins a case of the filing's own court only. The applicant's own
    case or filing in another court is refused with 400 `wrong_court`."""
    if case is not None and case.court_id != court.pk:
        raise DomainError("wrong_court", details={"case": [_("This case is in another court.")]})
    if supplement_to is not None and supplement_to.court_id != court.pk:
        raise DomainError(
            "wrong_court",
            details={"supplement_to": [_("This filing was sent to another court.")]},
        )


def _duty_for(
    proceeding: str, kind: str, claim_amount: Decimal | None, applicant: User
) -> tuple[Decimal | None, str]:
    """R-FIL-5: the state duty due, from the duty tariff; `missing` until it is paid."""
    from ..duty import duty_quote

    amount, _basis = duty_quote(proceeding, kind, claim_amount, applicant.kind)
    if amount is not None and Decimal(amount) > 0:
        return Decimal(amount), DutyStatus.MISSING
    return None, DutyStatus.NOT_REQUIRED


def _resolve_principal(
    *, acting_user: User, principal_login: str, power_id: int | None, court: Court
) -> tuple[User, PowerOfAttorney]:
    """R-FIL-10/11: filing for someone needs their active power covering `file_claims`."""
    from ..powers import power_authorizes

    if power_id is None:
        raise DomainError("invalid", details={"power": [_("A power of attorney is required.")]})
    principal = User.objects.filter(login=principal_login).first()
    power = PowerOfAttorney.objects.filter(pk=power_id).first()
    if principal is None or power is None:
        raise DomainError("power_scope", details={"reason": "unknown_power"})
    power_authorizes(power, attorney=acting_user, principal=principal, on=court_today(court))
    return principal, power


@transaction.atomic
def filing_create(
    *,
    acting_user: User,
    court: Court,
    proceeding: str,
    instance: str,
    kind: str,
    title: str,
    parties: list[dict],
    annex: list[str],
    case_id: int | None = None,
    claim_amount: Decimal | None = None,
    principal_login: str | None = None,
    power_id: int | None = None,
    language: str = "kk",
    supplement_to_id: int | None = None,
) -> Filing:
    """Create a draft filing (R-FIL-2, R-FIL-3, R-FIL-4, R-FIL-9, R-FIL-10).

    Editable until signed. With `principal_login` and `power_id` the acting user files as an
    attorney: the power must be active, in its period and cover `file_claims` (400
    power_expired / power_revoked / power_scope). A supplement names a case the applicant takes
    part in, or (`supplement_to_id`) an earlier sent filing of the applicant's. The state duty
    is quoted now (R-FIL-5). Not idempotent by itself; the API's Idempotency-Key makes a retried
    POST safe.
    """
    if proceeding not in Proceeding.values:
        raise DomainError("invalid", details={"proceeding": [_("Unknown proceeding.")]})
    if instance not in Instance.values:
        raise DomainError("invalid", details={"instance": [_("Unknown instance.")]})
    if kind not in FilingKind.values:
        raise DomainError("invalid", details={"kind": [_("Unknown kind of filing.")]})
    title = (title or "").strip()
    if not title:
        raise DomainError("invalid", details={"title": [_("Required.")]})
    if claim_amount is not None and Decimal(claim_amount) < 0:
        raise DomainError("invalid", details={"claim_amount": [_("Must not be negative.")]})
    parties = _clean_parties(parties)
    annex = _clean_annex(annex)

    principal = power = None
    if principal_login and principal_login != acting_user.login:
        principal, power = _resolve_principal(
            acting_user=acting_user, principal_login=principal_login, power_id=power_id, court=court
        )
    elif power_id is not None:
        raise DomainError("invalid", details={"principal": [_("Name the principal.")]})
    applicant = principal or acting_user
    case = _case_for_supplement(case_id, applicant, court) if case_id is not None else None
    supplement_to = (
        _filing_for_supplement(supplement_to_id, applicant, court)
        if supplement_to_id is not None
        else None
    )
    duty_amount, duty_status = _duty_for(proceeding, kind, claim_amount, applicant)

    filing = Filing.objects.create(
        court=court,
        proceeding=proceeding,
        instance=instance,
        kind=kind,
        title=title[:500],
        language=language if language in ("kk", "ru") else "kk",
        parties=parties,
        annex=annex,
        claim_amount=claim_amount,
        case=case,
        supplement_to=supplement_to,
        author=acting_user,
        principal=principal,
        power=power,
        duty_amount=duty_amount,
        duty_status=duty_status,
    )
    FilingEvent.objects.create(
        filing=filing, status=FilingStatus.DRAFT, note=_("Draft created."), actor=acting_user
    )
    audit(
        acting_user,
        "filing.create",
        filing,
        court=court.code,
        kind=kind,
        principal=principal.login if principal else None,
        power=power.pk if power else None,
        case=case.pk if case else None,
        supplement_to=supplement_to.pk if supplement_to else None,
    )
    return filing


def attachment_max_bytes(filing: Filing) -> int:
    """R-DOC-3: 20 MiB per file; 10 MiB in criminal proceedings (001 п.12)."""
    if filing.proceeding == Proceeding.CRIMINAL:
        return settings.ATTACHMENT_MAX_BYTES_CRIMINAL
    return settings.ATTACHMENT_MAX_BYTES


@transaction.atomic
def attachment_add(
    *,
    acting_user: User,
    filing: Filing,
    uploaded,
    title: str,
    kind: str = AttachmentKind.DOCUMENT,
) -> Attachment:
    """Store an uploaded file as a pending attachment of a draft, and queue its validation.

    `uploaded` comes from the documents streaming upload handler: size-limited while streaming
    (413 `too_large`) and hashed. The blob is content-addressed; the name is sanitised and the
    original kept for display only. The attachment stays `pending` until
    `tasks.attachment_validate` decides (R-DOC-1..4). Not a draft any more: 409 `not_draft`.
    """
    from sotkabinet.documents.filenames import sanitize_filename
    from sotkabinet.documents.upload import store_blob

    from .. import tasks

    filing = lock_filing(filing.pk)
    if filing.status != FilingStatus.DRAFT:
        raise Conflict("not_draft")
    if kind not in AttachmentKind.values:
        raise DomainError("invalid", details={"kind": [_("Unknown attachment kind.")]})
    title = (title or "").strip()
    if not title:
        raise DomainError("invalid", details={"title": [_("Required.")]})
    if uploaded.size > attachment_max_bytes(filing):
        # The streaming handler refuses earlier; this guards callers that bypass it.
        raise DomainError("too_large", status=413, details={"limit": attachment_max_bytes(filing)})
    original = getattr(uploaded, "name", "") or ""
    stored = store_blob(uploaded)
    attachment = Attachment.objects.create(
        filing=filing,
        kind=kind,
        title=title[:500],
        filename=sanitize_filename(original),
        original_filename=original[:1000],
        size=stored.size,
        sha256=stored.sha256,
        blob=stored.name,
        status=AttachmentStatus.PENDING,
        uploaded_by=acting_user,
    )
    audit(
        acting_user,
        "attachment.add",
        attachment,
        filing=filing.pk,
        sha256=attachment.sha256,
        size=attachment.size,
    )
    if stored.size == 0:
        # Nothing for the worker to read: an empty file is `invalid` (`empty`) in the upload's
        # own answer, 201 with the problem in `errors` (docs/conventions.md "Attachments").
        tasks.attachment_validate(attachment.pk)
        attachment.refresh_from_db()
    else:
        dispatch_on_commit(tasks.attachment_validate, attachment.pk)
    return attachment


@transaction.atomic
def attachment_delete(*, acting_user: User, attachment: Attachment) -> None:
    """Remove an attachment from a draft (R-FIL-4: editable until signing); else 409 not_draft.

    The blob stays: it is content-addressed and may back other attachments.
    """
    filing = lock_filing(attachment.filing_id)
    if filing.status != FilingStatus.DRAFT:
        raise Conflict("not_draft")
    audit(acting_user, "attachment.delete", attachment, filing=filing.pk, sha256=attachment.sha256)
    Attachment.objects.filter(pk=attachment.pk).delete()


def attachment_record_validation(
    *,
    attachment_id: int,
    detected_format: str,
    errors: list[dict],
    warnings: list[dict],
    repaired: StoredBlob | None = None,
) -> Attachment | None:
    """Store the validation verdict of a pending attachment (R-DOC-1..5). Safe to run twice.

    ``repaired``: the stored repaired copy of a damaged PDF (name, sha256, size), kept beside
    the original, which stays the signed file (README "Documents we accept"). Returns None when
    the attachment is gone or was already decided.
    """
    with transaction.atomic():
        attachment = Attachment.objects.select_for_update().filter(pk=attachment_id).first()
        if attachment is None or attachment.status != AttachmentStatus.PENDING:
            return None
        attachment.detected_format = detected_format
        attachment.errors = errors
        attachment.warnings = warnings
        attachment.status = AttachmentStatus.INVALID if errors else AttachmentStatus.VALID
        attachment.validated_at = timezone.now()
        if repaired is not None and not errors:
            attachment.repaired_blob = repaired.name
            attachment.repaired_sha256 = repaired.sha256
            attachment.repaired_size = repaired.size
        attachment.save(
            update_fields=[
                "detected_format",
                "errors",
                "warnings",
                "status",
                "validated_at",
                "repaired_blob",
                "repaired_sha256",
                "repaired_size",
            ]
        )
        audit(
            None,
            "attachment.validate",
            attachment,
            status=attachment.status,
            codes=[error["code"] for error in errors],
            repaired_sha256=attachment.repaired_sha256,
        )
    return attachment
