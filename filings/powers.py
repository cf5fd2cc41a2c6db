"""Electronic power of attorney (сенімхат): create, attach the head order, sign, revoke, check.

SPEC R-FIL-10: the principal chooses the powers, names one or more attorneys by ИИН, sets the
validity period and the case summary (фабула), and signs with ЭЦҚ. A legal entity also attaches
the scanned order appointing its head, and the head signs: a key whose BIN is the entity's and
which carries the first-head role OID 1.2.398.3.3.4.1.2.1 (R-ECP-4).

SPEC R-FIL-11: an attorney may sign and file for the principal only under a power that is active,
in its period, and covers the action. `power_authorizes` is the one check every caller uses
(filing create and submit, the web forms).

Expiry is computed on read (`power_status`): a signed power whose `valid_until` has passed is
`expired` without any background job, so no stale row can ever authorise a filing.

Threat model: the head-order scan is attacker-controlled input; it goes through the same
content sniffing and validation as any attachment (R-DOC-1, R-DOC-4) and is stored under its
SHA-256. The CMS is verified by the signatures kernel; this module only decides *whose* key
is required.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sotkabinet.accounts.identity import is_valid_iin
from sotkabinet.core.services import Text, audit, notify
from sotkabinet.errors import Conflict, DomainError

from .models import PowerAttorney, PowerOfAttorney, PowerScope, PowerStatus

# SPEC R-ECP-4: extendedKeyUsage of a legal entity's first head.
HEAD_ROLE_OID = "1.2.398.3.3.4.1.2.1"

# Allowed moves of a power's stored status. `expired` is never stored by a transition: it is
# derived from `valid_until` on read (see power_status).
POWER_TRANSITIONS: dict[str, frozenset[str]] = {
    PowerStatus.DRAFT: frozenset({PowerStatus.ACTIVE, PowerStatus.REVOKED}),
    PowerStatus.ACTIVE: frozenset({PowerStatus.REVOKED}),
    PowerStatus.REVOKED: frozenset(),
    PowerStatus.EXPIRED: frozenset(),
}


def _today() -> date:
    return timezone.localdate()


def power_status(power: PowerOfAttorney, on: date | None = None) -> str:
    """The effective status on `on` (default today): signed and past `valid_until` = expired."""
    on = on or _today()
    if power.status == PowerStatus.ACTIVE and on > power.valid_until:
        return PowerStatus.EXPIRED
    return power.status


def power_names_attorney(power: PowerOfAttorney, login: str) -> bool:
    return power.attorneys.filter(iin=login).exists()


def power_authorizes(
    power: PowerOfAttorney,
    *,
    attorney,
    principal,
    scope: str = PowerScope.FILE_CLAIMS,
    on: date,
) -> None:
    """Raise unless `power` lets `attorney` act for `principal` in `scope` on `on` (R-FIL-11).

    Codes (400, docs/api.md):
    - `power_scope`: the power is not the principal's, does not name the attorney, is not signed
      yet, or does not include `scope`;
    - `power_revoked`: the principal revoked it;
    - `power_expired`: `on` is outside [valid_from, valid_until].
    Who-is-named is checked first so that a stranger learns nothing about someone else's power.
    Pure read, safe to call any number of times.
    """
    if power.principal_id != getattr(principal, "pk", None):
        raise DomainError(
            "power_scope",
            _("The power of attorney was not given by this principal."),
            details={"reason": "other_principal"},
        )
    if not power_names_attorney(power, attorney.login):
        raise DomainError(
            "power_scope",
            _("The power of attorney does not name you as an attorney."),
            details={"reason": "not_attorney"},
        )
    if power.status == PowerStatus.REVOKED:
        raise DomainError("power_revoked")
    if on < power.valid_from or on > power.valid_until or power.status == PowerStatus.EXPIRED:
        raise DomainError(
            "power_expired",
            details={
                "valid_from": power.valid_from.isoformat(),
                "valid_until": power.valid_until.isoformat(),
            },
        )
    if power.status != PowerStatus.ACTIVE:
        raise DomainError(
            "power_scope",
            _("The power of attorney has not been signed yet."),
            details={"reason": "not_signed"},
        )
    if scope not in (power.powers or []):
        raise DomainError("power_scope", details={"reason": "scope", "required": str(scope)})


# --- writes -------------------------------------------------------------------------------


def _require_transition(power: PowerOfAttorney, target: str) -> None:
    if target not in POWER_TRANSITIONS[power.status]:
        raise Conflict("conflict", details={"status": power.status, "target": target})


def _link_user(iin: str):
    from sotkabinet.accounts.models import User

    return User.objects.filter(login=iin).first()


@transaction.atomic
def power_create(
    *,
    acting_user,
    attorneys: list[str],
    powers: list[str],
    valid_from: date,
    valid_until: date,
    fabula: str,
) -> PowerOfAttorney:
    """Create a draft power of attorney given by `acting_user` (R-FIL-10).

    Input is validated here too (services are also called from the web form): attorneys are
    valid ИИН other than the principal, powers come from the fixed list, the period is ordered.
    """
    attorneys = list(dict.fromkeys(a.strip() for a in attorneys))
    if not attorneys:
        raise DomainError("invalid", details={"attorneys": _("Name at least one attorney.")})
    for iin in attorneys:
        if not is_valid_iin(iin):
            raise DomainError("invalid_iin", details={"attorneys": iin})
        if iin == acting_user.login:
            raise DomainError(
                "invalid", details={"attorneys": _("The principal cannot be their own attorney.")}
            )
    unknown = [p for p in powers if p not in PowerScope.values]
    if not powers or unknown:
        raise DomainError("invalid", details={"powers": unknown or _("Choose at least one.")})
    if valid_until < valid_from:
        raise DomainError("invalid_date", details={"valid_until": _("Ends before it starts.")})
    if not fabula.strip():
        raise DomainError("invalid", details={"fabula": _("Write the case summary.")})
    power = PowerOfAttorney.objects.create(
        principal=acting_user,
        powers=[p for p in PowerScope.values if p in powers],
        valid_from=valid_from,
        valid_until=valid_until,
        fabula=fabula.strip(),
    )
    PowerAttorney.objects.bulk_create(
        PowerAttorney(power=power, iin=iin, user=_link_user(iin)) for iin in attorneys
    )
    audit(acting_user, "power.create", power, attorneys=attorneys, powers=power.powers)
    return power


def _lock(power: PowerOfAttorney) -> PowerOfAttorney:
    return PowerOfAttorney.objects.select_for_update().get(pk=power.pk)


def _validate_scan(uploaded) -> str:
    """Validate an uploaded scan like any attachment (R-DOC-1, R-DOC-3, R-DOC-4).

    Returns the sanitised file name; raises the first attachment error code (400). The head
    order is one scan, checked synchronously so the principal learns at once if it is unusable.
    """
    from django.conf import settings

    from sotkabinet.documents.filenames import filename_issue, sanitize_filename
    from sotkabinet.documents.issues import DEFAULT_ALLOWED_FORMATS
    from sotkabinet.documents.upload import pdf_budget
    from sotkabinet.documents.validation import validate_file

    name = getattr(uploaded, "name", "") or ""
    issue = filename_issue(name)
    if issue is not None:
        raise DomainError(issue.code, issue.message, details={"errors": [issue.as_dict()]})
    result = validate_file(
        uploaded.temporary_file_path(),
        allowed_formats=DEFAULT_ALLOWED_FORMATS,
        max_size=settings.ATTACHMENT_MAX_BYTES,
        pdf_budget=pdf_budget(),
    )
    if not result.ok:
        first = result.errors[0]
        status = 413 if first.code == "too_large" else 400
        raise DomainError(
            first.code, first.message, status=status, details={"errors": result.error_dicts()}
        )
    return sanitize_filename(name)


@transaction.atomic
def power_attach_head_order(*, acting_user, power: PowerOfAttorney, uploaded) -> PowerOfAttorney:
    """Attach the scan of the order appointing the legal entity's head (R-FIL-10).

    `uploaded` comes from the documents streaming upload handler (a temporary file, hashed).
    The scan is validated like any attachment and refused with the attachment error code when
    unusable. Replacing the scan is allowed while the power is a draft (the payload names the
    scan's SHA-256, so the head signs exactly this order).
    """
    from sotkabinet.documents.upload import store_blob

    power = _lock(power)
    if not power.principal.is_legal_entity:
        raise DomainError(
            "invalid", _("Only a legal entity attaches an order appointing its head.")
        )
    if power.status != PowerStatus.DRAFT:
        raise Conflict("not_draft")
    filename = _validate_scan(uploaded)
    stored = store_blob(uploaded)
    power.head_order_blob = stored.name
    power.head_order_sha256 = stored.sha256
    power.head_order_filename = filename
    power.save(update_fields=["head_order_blob", "head_order_sha256", "head_order_filename"])
    audit(acting_user, "power.head_order", power, sha256=stored.sha256, size=stored.size)
    return power


def power_document(power: PowerOfAttorney) -> dict[str, Any]:
    """The signed content of the power: what the payload holds and the bundle shows."""
    return {
        "type": "power_of_attorney",
        "id": power.pk,
        # Only immutable facts: the payload must stay byte-identical after signing, so the
        # bundle an attorney downloads still verifies (names can change, logins cannot).
        "principal": power.principal.login,
        "attorneys": sorted(power.attorneys.values_list("iin", flat=True)),
        "powers": list(power.powers),
        "valid_from": power.valid_from.isoformat(),
        "valid_until": power.valid_until.isoformat(),
        "fabula": power.fabula,
        "head_order_sha256": power.head_order_sha256 or None,
    }


def power_signing_payload(power: PowerOfAttorney) -> bytes:
    """Canonical payload bytes the principal (or the entity's head) signs
    (docs/conventions.md "Signing")."""
    from sotkabinet.signatures.services import canonical_payload

    return canonical_payload(power_document(power))


def _require_head_key(cms: str, principal) -> None:
    """A legal entity's power is signed by its head: its BIN, the first-head role (R-ECP-4)."""
    from sotkabinet.ecp import CmsMalformed, inspect_cms

    try:
        inspection = inspect_cms(cms)
    except CmsMalformed:
        raise DomainError("signature_invalid", details={"reason": "malformed"}) from None
    if not any(
        signer.bin == principal.login and HEAD_ROLE_OID in signer.roles
        for signer in inspection.signers
    ):
        raise DomainError("power_not_head")


@transaction.atomic
def power_sign(*, acting_user, power: PowerOfAttorney, cms: str) -> PowerOfAttorney:
    """Verify the principal's ЭЦҚ over the payload and activate the power (R-FIL-10, R-ECP-1).

    An individual signs with their own key (signer ИИН = principal). A legal entity must first
    attach the head order, then sign with its head's key; any other key gives 400
    `power_not_head`. Not safe to repeat: a second sign gives 409 (the power is no longer a draft).
    """
    from sotkabinet.ecp.cms import decode_cms_input
    from sotkabinet.signatures.services import require_valid_signature

    power = _lock(power)
    _require_transition(power, PowerStatus.ACTIVE)
    principal = power.principal
    if principal.is_legal_entity:
        if not power.head_order_sha256:
            raise DomainError("head_order_required")
        _require_head_key(cms, principal)
    payload = power_signing_payload(power)
    verdict = require_valid_signature(cms, payload, identities={principal.login})
    signer = verdict.signers[0] if verdict.signers else None
    if principal.is_legal_entity:
        signer = next(
            (s for s in verdict.signers if s.bin == principal.login and HEAD_ROLE_OID in s.roles),
            None,
        )
        if signer is None:
            raise DomainError("power_not_head")
    power.signature_cms = decode_cms_input(cms)  # DER, whatever encoding the client sent
    power.signature_verdict = verdict.to_dict()
    power.signer_iin = (signer.iin or "") if signer else ""
    power.signed_at = timezone.now()
    power.status = PowerStatus.ACTIVE
    power.save(
        update_fields=["signature_cms", "signature_verdict", "signer_iin", "signed_at", "status"]
    )
    audit(
        acting_user,
        "power.sign",
        power,
        signer_iin=power.signer_iin,
        payload_sha256=hashlib.sha256(payload).hexdigest(),
    )
    for attorney in power.attorneys.select_related("user"):
        user = attorney.user or _link_user(attorney.iin)
        if user is not None:
            notify(
                user,
                "power_granted",
                Text(
                    gettext_lazy("%(principal)s gave you a power of attorney No. %(id)s."),
                    principal=principal.full_name,
                    id=power.pk,
                ),
                link=f"/cabinet/powers/{power.pk}/",
            )
    return power


@transaction.atomic
def power_revoke(*, acting_user, power: PowerOfAttorney) -> PowerOfAttorney:
    """The principal revokes the power; from now on it authorises nothing (R-FIL-10, R-FIL-11).

    A revoked or expired power cannot be revoked again (409 `conflict`).
    """
    power = _lock(power)
    if power_status(power) == PowerStatus.EXPIRED:
        raise Conflict("conflict", details={"status": PowerStatus.EXPIRED})
    _require_transition(power, PowerStatus.REVOKED)
    power.status = PowerStatus.REVOKED
    power.revoked_at = timezone.now()
    power.save(update_fields=["status", "revoked_at"])
    audit(acting_user, "power.revoke", power)
    for attorney in power.attorneys.select_related("user"):
        user = attorney.user or _link_user(attorney.iin)
        if user is not None:
            notify(
                user,
                "power_revoked",
                Text(
                    gettext_lazy("The power of attorney No. %(id)s has been revoked."), id=power.pk
                ),
                link=f"/cabinet/powers/{power.pk}/",
            )
    return power


def powers_visible_to(user, *, as_role: str | None = None):
    """Powers the user gave (`principal`) or holds (`attorney`); both when `as_role` is None."""
    from django.db.models import Q

    given = Q(principal=user)
    held = Q(attorneys__iin=user.login)
    if as_role == "principal":
        condition = given
    elif as_role == "attorney":
        condition = held
    else:
        condition = given | held
    return (
        PowerOfAttorney.objects.filter(condition)
        .select_related("principal")
        .prefetch_related("attorneys__user")
        .distinct()
    )
