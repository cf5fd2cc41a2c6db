"""Judicial acts: upload and edit a draft, sign (lock and publish), the legal-force mark, and staff
absences that open the chairman's path (SPEC R-ACT-1..5, R-ECP-6).

Every write follows docs/conventions.md "State changes": one transaction, the act row locked with
`select_for_update`, the case event, the audit row and the notices written together. Slow work
happens before the transaction: validating and storing the file (`act_files`, content-addressed: a
stored blob whose transaction rolls back is harmless), and verifying the ЭЦҚ (may fetch CRLs).
After the lock the state is checked again, so two concurrent calls cannot both succeed.

The lock (R-ACT-3) lives in three places: these services (409 `locked`), `Act.save()` and a
database trigger (migration `registry.0003_act_lock`).

Access: someone who may not see the case or act gets 404; someone who sees it but may not act
(a party, a clerk, a chairman while the judge is present) gets 403 (docs/conventions.md).
"""

from __future__ import annotations

import logging
import secrets
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sotkabinet.accounts.access import can, court_ids_of
from sotkabinet.accounts.models import Absence, Role, User
from sotkabinet.core.services import Text, audit, notify
from sotkabinet.core.timefmt import LocalDate
from sotkabinet.courts.services import court_today
from sotkabinet.ecp.cms import decode_cms_input
from sotkabinet.errors import Conflict, DomainError, Forbidden, NotFound
from sotkabinet.signatures.services import canonical_payload, require_valid_signature

from .act_files import store_act_file
from .act_selectors import case_recipients, legal_force_signer_role, stored_file_intact
from .models import Act, ActKind, ActStatus, Case, CaseEvent

logger = logging.getLogger(__name__)

VERIFY_CODE_BYTES = 16  # secrets.token_urlsafe: 22 characters, 128 bits, unguessable


# -- links ----------------------------------------------------------------------------------------


def act_link(act: Act) -> str:
    """Where a notice about `act` points (R-FIL-12: each notice carries a link to the act)."""
    return f"/api/v1/acts/{act.pk}/"


def verify_url(act: Act) -> str | None:
    """The public page the QR code of the legal-force mark leads to (R-ECP-6), or None."""
    if not act.verify_code:
        return None
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}/verify/{act.verify_code}/"


# -- checks ---------------------------------------------------------------------------------------


def require_judge_of(user: User, case: Case) -> None:
    """Only the assigned judge uploads, edits and signs the case's acts (R-ACT-3)."""
    if not can(user, "view", case):
        raise NotFound()
    if user.pk != case.judge_id:
        raise Forbidden(_("Only the judge assigned to the case may do this."))


def _require_draft(act: Act) -> None:
    if act.status == ActStatus.SIGNED:
        raise Conflict("locked")


def check_act_date(value: date, today: date) -> None:
    """The act's own date may lie in the past, never in the future (docs/api.md; R-ACT-1)."""
    if value > today:
        raise DomainError(
            "invalid_date",
            _("The act's date cannot be in the future."),
            details={"date": value.isoformat(), "today": today.isoformat()},
        )


def check_legal_force_date(value: date, act: Act, today: date) -> None:
    """Legal force: not before the act's own date, never in the future (docs/api.md, R-ACT-5)."""
    if value > today:
        raise DomainError(
            "invalid_date",
            _("The legal-force date cannot be in the future."),
            details={"date": value.isoformat(), "today": today.isoformat()},
        )
    if value < act.date:
        raise DomainError(
            "invalid_date",
            _("The legal-force date cannot be before the act's date."),
            details={"date": value.isoformat(), "act_date": act.date.isoformat()},
        )


def _lock_act(act: Act) -> Act:
    return (
        Act.objects.select_for_update()
        .select_related("case", "case__court", "case__judge")
        .get(pk=act.pk)
    )


# -- upload and edit ------------------------------------------------------------------------------


def act_upload(
    *,
    acting_user: User,
    case: Case,
    uploaded: Any,
    kind: str,
    title: str,
    act_date: date | None = None,
) -> Act:
    """The assigned judge places an act in the case as a draft (SPEC R-ACT-1).

    `act_date` is the act's own date (pronounced, or signed on paper); it defaults to the
    court's today and is never in the future (400 `invalid_date`). The file is validated and
    stored under its SHA-256. Not idempotent by itself: the API's Idempotency-Key makes a
    retried upload safe.
    """
    require_judge_of(acting_user, case)
    today = court_today(case.court)
    act_date = act_date or today
    check_act_date(act_date, today)
    file = store_act_file(uploaded)
    with transaction.atomic():
        act = Act.objects.create(
            case=case,
            kind=kind,
            title=title,
            date=act_date,
            status=ActStatus.DRAFT,
            blob=file.blob,
            filename=file.filename,
            detected_format=file.detected_format,
            size=file.size,
            sha256=file.sha256,
            created_by=acting_user,
        )
        CaseEvent.objects.create(
            case=case,
            kind="act_uploaded",
            note=_("Draft %(kind)s “%(title)s” placed in the case.")
            % {"kind": act.get_kind_display(), "title": title},
            actor=acting_user,
        )
        audit(acting_user, "act.upload", act, case=case.number, sha256=file.sha256, kind=kind)
    return act


def act_update(
    *,
    acting_user: User,
    act: Act,
    title: str | None = None,
    kind: str | None = None,
    act_date: date | None = None,
    uploaded: Any = None,
    via_admin: bool = False,
) -> Act:
    """Change a draft act: title, kind, date or the file (SPEC R-ACT-3: only until signed).

    After signing: 409 `locked`. The assigned judge edits through the API and web page;
    `via_admin=True` is the admin screen, where Django's own change permission decides who.
    """
    if not via_admin:
        require_judge_of(acting_user, act.case)
    _require_draft(act)
    if act_date is not None:
        check_act_date(act_date, court_today(act.case.court))
    file = store_act_file(uploaded) if uploaded is not None else None
    with transaction.atomic():
        act = _lock_act(act)
        _require_draft(act)
        changed: dict[str, Any] = {}
        for name, value in (("title", title), ("kind", kind), ("date", act_date)):
            if value is not None and getattr(act, name) != value:
                changed[name] = value
        if file is not None and file.sha256 != act.sha256:
            changed.update(
                blob=file.blob,
                sha256=file.sha256,
                size=file.size,
                detected_format=file.detected_format,
                filename=file.filename,
            )
        if not changed:
            return act
        for name, value in changed.items():
            setattr(act, name, value)
        act.save()
        CaseEvent.objects.create(
            case=act.case,
            kind="act_updated",
            note=_("Draft act “%(title)s” changed: %(fields)s.")
            % {"title": act.title, "fields": ", ".join(sorted(changed))},
            actor=acting_user,
        )
        audit(
            acting_user,
            "act.update",
            act,
            fields=sorted(changed),
            sha256=act.sha256,
            via="admin" if via_admin else "judge",
        )
    return act


# -- signing and publication ----------------------------------------------------------------------


def act_signing_payload(act: Act) -> bytes:
    """The bytes the judge signs (docs/api.md): act id, case number, court, kind and the file's
    SHA-256, as canonical JSON. `purpose` keeps it from being mistaken for a legal-force mark."""
    return canonical_payload(
        {
            "act": act.pk,
            "case": act.case.number,
            "court": act.case.court.code,
            "kind": act.kind,
            "sha256": act.sha256,
            "purpose": "judicial_act",
        }
    )


def act_sign(*, acting_user: User, act: Act, cms: str | bytes) -> Act:
    """The assigned judge signs the act: it is locked and published (SPEC R-ACT-2..4).

    The CMS must be a valid signature over `act_signing_payload` by the assigned judge's key
    (400 `signature_invalid` with the reason, or `signer_mismatch`). The stored file is hashed
    again first, so the judge signs exactly the bytes the parties will get (409
    `document_tampered` otherwise). Publication is
    immediate: `published_at` is the moment the act appears in the parties' cabinets and counts
    as their date of receipt (R-ACT-4); an operative part is thus published the day it is signed
    (R-ACT-2). Each participant, and each attorney empowered to receive acts, gets a notice with
    a link. A second call gives 409 `locked`.
    """
    case = act.case
    require_judge_of(acting_user, case)
    _require_draft(act)
    payload = act_signing_payload(act)
    if not stored_file_intact(act):
        raise Conflict("document_tampered")
    verdict = require_valid_signature(cms, payload, identities={case.judge.login})
    with transaction.atomic():
        act = _lock_act(act)
        _require_draft(act)
        if act_signing_payload(act) != payload:
            # The draft changed while the judge was signing: the signature covers the old one.
            raise DomainError("signature_invalid", details={"reason": "tampered"})
        now = timezone.now()
        today = court_today(case.court)
        act.status = ActStatus.SIGNED
        act.signed_at = now
        act.signer = acting_user
        act.signature_payload = payload.decode("utf-8")
        act.signature_cms = decode_cms_input(cms)
        act.signature_verdict = {**verdict.to_dict(), "checked_at": now.isoformat()}
        act.published_at = now
        act.save()
        late_operative_part = act.kind == ActKind.OPERATIVE_PART and today != act.date
        CaseEvent.objects.create(
            case=case,
            at=now,
            kind="act_published",
            note=_("%(kind)s “%(title)s” signed by the judge's ЭЦҚ and published.")
            % {"kind": act.get_kind_display(), "title": act.title},
            actor=acting_user,
        )
        audit(
            acting_user,
            "act.sign",
            act,
            case=case.number,
            sha256=act.sha256,
            published_at=now.isoformat(),
            late_operative_part=late_operative_part,
        )
        if late_operative_part:
            logger.warning(
                "Operative part %s of case %s published on %s, pronounced on %s (R-ACT-2)",
                act.pk,
                case.number,
                today,
                act.date,
            )
        text = Text(
            gettext_lazy(
                "%(kind)s “%(title)s” in case %(case)s was published in your cabinet on %(date)s. "
                "That day counts as the day you received it."
            ),
            kind=ActKind(act.kind).label,
            title=act.title,
            case=case.number,
            date=LocalDate(today),
        )
        for user in case_recipients(case, today):
            notify(user, "act_published", text, link=act_link(act), case_id=case.pk)
    return act


# -- the legal-force mark -------------------------------------------------------------------------


def legal_force_payload(act: Act, on: date) -> bytes:
    """The bytes of the legal-force mark (docs/api.md): act id, act SHA-256, the date, the court."""
    return canonical_payload(
        {
            "act": act.pk,
            "sha256": act.sha256,
            "date": on.isoformat(),
            "court": act.case.court.code,
            "purpose": "legal_force",
        }
    )


def require_legal_force_signer(user: User, act: Act) -> str:
    """ "judge" or "chairman" (R-ACT-5), else 404 (cannot see the act) or 403."""
    case = act.case
    if not can(user, "view", act):
        raise NotFound()
    role = legal_force_signer_role(user, case, court_today(case.court))
    if role is None:
        raise Forbidden(
            _(
                "Only the judge signs the legal-force mark; the court chairman only while the "
                "judge is marked absent."
            )
        )
    return role


def legal_force_payload_for(*, acting_user: User, act: Act, on: date) -> bytes:
    """The legal-force payload for someone who may sign it, with the date checked (R-ACT-5)."""
    require_legal_force_signer(acting_user, act)
    _require_signed_unmarked(act)
    check_legal_force_date(on, act, court_today(act.case.court))
    return legal_force_payload(act, on)


def _require_signed_unmarked(act: Act) -> None:
    if act.status != ActStatus.SIGNED:
        raise Conflict("conflict", _("The act must be signed before it enters legal force."))
    if act.legal_force_date is not None:
        raise Conflict("locked", _("The act already has its legal-force mark."))


def act_mark_legal_force(*, acting_user: User, act: Act, on: date, cms: str | bytes) -> Act:
    """Sign the legal-force mark (SPEC R-ACT-5, R-ECP-6).

    The judge, or the court chairman only while the judge is marked absent today (else 403),
    signs `legal_force_payload(act, on)`. `on` may lie in the past, not before the act's date,
    never in the future (400 `invalid_date`). Sets the act's mark and its unguessable
    verification code (the QR code's link), and the case's legal-force date, which the archive
    and enforcement read. A second mark gives 409 `locked`.
    """
    role = require_legal_force_signer(acting_user, act)
    _require_signed_unmarked(act)
    case = act.case
    check_legal_force_date(on, act, court_today(case.court))
    payload = legal_force_payload(act, on)
    verdict = require_valid_signature(cms, payload, identities={acting_user.login})
    with transaction.atomic():
        act = _lock_act(act)
        _require_signed_unmarked(act)
        case = Case.objects.select_for_update().get(pk=act.case_id)
        now = timezone.now()
        act.legal_force_date = on
        act.legal_force_signer = acting_user
        act.legal_force_signed_at = now
        act.legal_force_payload = payload.decode("utf-8")
        act.legal_force_cms = decode_cms_input(cms)
        act.legal_force_verdict = {**verdict.to_dict(), "checked_at": now.isoformat()}
        act.verify_code = secrets.token_urlsafe(VERIFY_CODE_BYTES)
        act.save()
        # The case is in force from its latest mark (an appeal ruling may follow a decision).
        if case.legal_force_date is None or on > case.legal_force_date:
            case.legal_force_date = on
            case.save(update_fields=["legal_force_date"])
        CaseEvent.objects.create(
            case=case,
            at=now,
            kind="legal_force",
            note=_("“%(title)s” entered legal force on %(date)s (mark signed by the %(role)s).")
            % {"title": act.title, "date": on.isoformat(), "role": role},
            actor=acting_user,
        )
        audit(
            acting_user,
            "act.legal_force",
            act,
            case=case.number,
            date=on.isoformat(),
            role=role,
            sha256=act.sha256,
        )
        text = Text(
            gettext_lazy("%(kind)s “%(title)s” in case %(case)s entered legal force on %(date)s."),
            kind=ActKind(act.kind).label,
            title=act.title,
            case=case.number,
            date=LocalDate(on),
        )
        for user in case_recipients(case, court_today(case.court)):
            notify(user, "act_legal_force", text, link=act_link(act), case_id=case.pk)
    return act


# -- staff absence --------------------------------------------------------------------------------


def staff_absence_record(
    *, acting_user: User, login: str, date_from: date, date_to: date, reason: str
) -> Absence:
    """Mark a judge absent for a good reason from `date_from` to `date_to` (SPEC R-ACT-5).

    Allowed to a chairman or a clerk of a court where the judge sits (else 403); an unknown
    login or one that is no judge gives 404; `date_to` before `date_from` gives 400
    `invalid_date`. Each call records a new period.
    """
    judge = User.objects.filter(login=login, is_active=True).first()
    judge_courts = court_ids_of(judge, [Role.JUDGE]) if judge is not None else set()
    if not judge_courts:
        raise NotFound(_("No judge with this login."))
    if not judge_courts & court_ids_of(acting_user, [Role.CHAIRMAN, Role.CLERK]):
        raise Forbidden(_("Only the chairman or a clerk of the judge's court may do this."))
    if date_to < date_from:
        raise DomainError(
            "invalid_date",
            _("The absence must end on or after its first day."),
            details={"from": date_from.isoformat(), "to": date_to.isoformat()},
        )
    with transaction.atomic():
        absence = Absence.objects.create(
            user=judge,
            date_from=date_from,
            date_to=date_to,
            reason=reason,
            recorded_by=acting_user,
        )
        audit(
            acting_user,
            "staff.absence",
            absence,
            judge=judge.login,
            date_from=date_from.isoformat(),
            date_to=date_to.isoformat(),
        )
    return absence
