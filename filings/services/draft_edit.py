"""Changing a draft after it was created: the guided filing wizard's steps (R-FIL-4).

R-FIL-4: the applicant checks the data and may edit it until signing. `filing_create` makes
the draft once court, kind, parties and annex are known; the wizard's later visits to those
steps change the same draft here, with the same checks as `filing_create`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sotkabinet.accounts.models import User
from sotkabinet.core.services import audit
from sotkabinet.courts.models import Court
from sotkabinet.errors import Conflict, DomainError

from ..models import Filing, FilingKind, FilingStatus, Instance, Proceeding
from .common import lock_filing
from .drafts import (
    _case_for_supplement,
    _clean_annex,
    _clean_parties,
    _duty_for,
    require_same_court,
)

#: The fields a draft's owner may change before signing.
EDITABLE_FIELDS = frozenset(
    {
        "court",
        "proceeding",
        "instance",
        "kind",
        "title",
        "language",
        "claim_amount",
        "case_id",
        "parties",
        "annex",
    }
)


def _clean(field: str, value: Any) -> Any:
    if field == "court":
        if not isinstance(value, Court):
            raise DomainError("invalid", details={"court": [_("Unknown court.")]})
        return value
    if field == "proceeding" and value not in Proceeding.values:
        raise DomainError("invalid", details={"proceeding": [_("Unknown proceeding.")]})
    if field == "instance" and value not in Instance.values:
        raise DomainError("invalid", details={"instance": [_("Unknown instance.")]})
    if field == "kind" and value not in FilingKind.values:
        raise DomainError("invalid", details={"kind": [_("Unknown kind of filing.")]})
    if field == "title":
        value = (value or "").strip()
        if not value:
            raise DomainError("invalid", details={"title": [_("Required.")]})
        return value[:500]
    if field == "language":
        return value if value in ("kk", "ru") else "kk"
    if field == "claim_amount" and value is not None and Decimal(value) < 0:
        raise DomainError("invalid", details={"claim_amount": [_("Must not be negative.")]})
    if field == "parties":
        return _clean_parties(value)
    if field == "annex":
        return _clean_annex(value)
    return value


@transaction.atomic
def filing_update_draft(*, acting_user: User, filing: Filing, **changes: Any) -> Filing:
    """Change fields of a draft (R-FIL-4: editable until signed); 409 not_draft afterwards.

    Accepts the `EDITABLE_FIELDS`, checked as in `filing_create`. A change of kind, proceeding
    or claim amount quotes the state duty again (R-FIL-5), whatever was paid before: a duty
    raised above the confirmed payments re-opens the difference as `missing` (a bank receipt
    for the old amount no longer settles it), one lowered to what is paid becomes `paid`
    (issue 9; `filings.duty.settlement`). Running it twice with the same values is harmless.
    """
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise DomainError("invalid", details={name: [_("Cannot be changed.")] for name in unknown})
    filing = lock_filing(filing.pk)
    if filing.status != FilingStatus.DRAFT:
        raise Conflict("not_draft")
    cleaned = {field: _clean(field, value) for field, value in changes.items()}
    applicant = filing.principal or filing.author
    if cleaned.get("case_id") is not None:
        cleaned["case"] = _case_for_supplement(cleaned.pop("case_id"), applicant)
    elif "case_id" in cleaned:
        cleaned.pop("case_id")
        cleaned["case"] = None
    changed = [field for field, value in cleaned.items() if getattr(filing, field) != value]
    for field in changed:
        setattr(filing, field, cleaned[field])
    # Issue 9: the (new) court and the case or filing it supplements must match.
    require_same_court(filing.court, case=filing.case, supplement_to=filing.supplement_to)
    duty_change = {}
    if {"kind", "proceeding", "claim_amount"} & set(changed):
        duty_change = _requote_duty(filing, applicant)
        changed += ["duty_amount", "duty_status"]
    if changed:
        filing.save(update_fields=[*changed, "updated_at"])
        audit(acting_user, "filing.update", filing, fields=sorted(set(changed)), **duty_change)
    return filing


def _requote_duty(filing: Filing, applicant: User) -> dict:
    """Quote the duty of the changed draft and settle its status against what is paid."""
    from ..duty import duty_resettle

    before_amount, before_status = filing.duty_amount, filing.duty_status
    filing.duty_amount, _initial = _duty_for(
        filing.proceeding, filing.kind, filing.claim_amount, applicant
    )
    raised = (filing.duty_amount or 0) > (before_amount or 0)
    duty_resettle(filing, reopen=raised)
    if (before_amount, before_status) == (filing.duty_amount, filing.duty_status):
        return {}
    return {
        "duty_amount": str(filing.duty_amount) if filing.duty_amount is not None else None,
        "duty_status": filing.duty_status,
        "duty_before": str(before_amount) if before_amount is not None else None,
        "duty_status_before": before_status,
    }
