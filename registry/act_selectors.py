"""Reads about cases and judicial acts: who sees what, the case card, the judge's worklist, and the
public verification of an act (SPEC R-ACT-3..5, R-ECP-6, R-FIL-8).

Access follows `registry.policies`: a caller who may not see a case or an act gets 404. Parties
see an act only once it is published (R-ACT-4); the judge and the court's staff see drafts.

Writs belong to the enforcement app, which registry must not import (docs/conventions.md
"Which way imports go"). The case card reads them through `apps.get_model("enforcement",
"Writ")`: the app registry is kernel, so nothing here depends on enforcement's code, and
without the app the list is empty.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.apps import apps
from django.core.files.storage import default_storage
from django.db.models import Q, QuerySet

from filings.models import Filing, FilingStatus, PowerOfAttorney, PowerScope, PowerStatus
from sotkabinet.accounts.access import can, court_ids_of, has_role, is_absent
from sotkabinet.accounts.models import Role, User
from sotkabinet.courts.services import court_today
from sotkabinet.documents.upload import open_blob
from sotkabinet.errors import NotFound
from sotkabinet.signatures.services import verify_signature

from .models import Act, ActStatus, Case, CaseEvent, CaseParticipant

logger = logging.getLogger(__name__)

_HASH_CHUNK = 1024 * 1024


# -- access ---------------------------------------------------------------------------------------


def case_for(user: User, case_id: int) -> Case:
    """The case if `user` may see it, else 404 (docs/conventions.md)."""
    case = Case.objects.select_related("court", "judge", "secretary").filter(pk=case_id).first()
    if case is None or not can(user, "view", case):
        raise NotFound()
    return case


def act_for(user: User, act_id: int) -> Act:
    """The act if `user` may see it (parties: once published, R-ACT-4), else 404."""
    act = (
        Act.objects.select_related(
            "case", "case__court", "case__judge", "signer", "legal_force_signer"
        )
        .filter(pk=act_id)
        .first()
    )
    if act is None or not can(user, "view", act):
        raise NotFound()
    return act


def is_case_staff(user: User, case: Case) -> bool:
    """The judge, the secretary and any staff member of the case's court."""
    return user.pk in (case.judge_id, case.secretary_id) or case.court_id in court_ids_of(user)


def active_attorney_principal_ids(user: User, on: date) -> set[int]:
    """Principals whose active, in-period power of attorney names `user` (R-FIL-10)."""
    powers = PowerOfAttorney.objects.filter(
        attorneys__iin=user.login,
        status=PowerStatus.ACTIVE,
        valid_from__lte=on,
        valid_until__gte=on,
    )
    return set(powers.values_list("principal_id", flat=True))


def is_case_attorney(user: User, case: Case, on: date) -> bool:
    """`user` acts under a power of attorney for one of the case's participants."""
    principals = active_attorney_principal_ids(user, on)
    return bool(principals) and case.participants.filter(user_id__in=principals).exists()


def case_recipients(case: Case, on: date) -> list[User]:
    """Who receives a published act (R-ACT-4): the participants, and the attorneys whose active
    power from a participant covers receiving acts (`receive_acts`)."""
    recipients: dict[int, User] = {
        participant.user.pk: participant.user
        for participant in CaseParticipant.objects.filter(case=case).select_related("user")
    }
    powers = PowerOfAttorney.objects.filter(
        principal_id__in=list(recipients),
        status=PowerStatus.ACTIVE,
        valid_from__lte=on,
        valid_until__gte=on,
    ).prefetch_related("attorneys")
    attorney_logins = {
        attorney.iin
        for power in powers
        if PowerScope.RECEIVE_ACTS in (power.powers or [])
        for attorney in power.attorneys.all()
    }
    if attorney_logins:
        for user in User.objects.filter(login__in=attorney_logins, is_active=True):
            recipients.setdefault(user.pk, user)
    return sorted(recipients.values(), key=lambda user: user.pk)


# -- the case card (GET cases/{id}/) --------------------------------------------------------------


def acts_visible_to(user: User, case: Case) -> QuerySet[Act]:
    """The case's acts `user` may see: all for the judge and court staff, published for parties."""
    acts = case.acts.select_related("signer", "legal_force_signer").order_by("date", "id")
    if is_case_staff(user, case):
        return acts
    return acts.filter(published_at__isnull=False)


def filings_visible_to(user: User, case: Case) -> QuerySet[Filing]:
    """The case's filings: staff see every sent one; parties the registered ones and their own."""
    filings = case.filings.exclude(status=FilingStatus.DRAFT).order_by("submitted_at", "id")
    if is_case_staff(user, case):
        return filings
    return filings.filter(Q(status=FilingStatus.REGISTERED) | Q(author=user) | Q(principal=user))


# Events about drafts stay with the court until the act is published (R-ACT-4).
STAFF_ONLY_EVENTS = frozenset({"act_uploaded", "act_updated"})


def case_history_visible_to(user: User, case: Case) -> QuerySet[CaseEvent]:
    """The case's history; parties do not see the events about unpublished drafts."""
    events = case.events.order_by("at", "id")
    if is_case_staff(user, case):
        return events
    return events.exclude(kind__in=STAFF_ONLY_EVENTS)


# Writs still being signed stay with the court; parties see them once dispatched (R-ENF-2/3).
UNSIGNED_WRIT_STATUSES = frozenset({"draft", "signed_by_judge"})


def case_writs(user: User, case: Case) -> list[Any]:
    """The case's executive documents `user` may see, read without importing the enforcement app.

    `apps.get_model` raises LookupError when enforcement is not installed: then there are none.
    """
    try:
        writ_model = apps.get_model("enforcement", "Writ")
    except LookupError:
        return []
    writs = writ_model.objects.filter(case_id=case.pk).select_related("bailiff").order_by("id")
    if not is_case_staff(user, case):
        writs = writs.exclude(status__in=UNSIGNED_WRIT_STATUSES)
    return list(writs)


# -- the judge's worklist -------------------------------------------------------------------------


def acts_to_sign(user: User) -> QuerySet[Act]:
    """Drafts in the judge's cases (R-ACT-3: signed within the procedural time limit)."""
    return (
        Act.objects.filter(case__judge=user, status=ActStatus.DRAFT)
        .select_related("case", "case__court")
        .order_by("date", "id")
    )


def legal_force_due(user: User) -> list[Act]:
    """Signed acts without a legal-force mark that `user` may mark today (R-ACT-5): those of the
    judge's own cases, and for a chairman those of the court's judges who are absent today."""
    pending = (
        Act.objects.filter(status=ActStatus.SIGNED, legal_force_date__isnull=True)
        .select_related("case", "case__court", "case__judge")
        .order_by("date", "id")
    )
    own = list(pending.filter(case__judge=user))
    chaired = court_ids_of(user, [Role.CHAIRMAN])
    if not chaired:
        return own
    others = [
        act
        for act in pending.filter(case__court_id__in=chaired).exclude(case__judge=user)
        if is_absent(act.case.judge, court_today(act.case.court))
    ]
    return own + others


def legal_force_signer_role(user: User, case: Case, on: date) -> str | None:
    """Who may sign the legal-force mark of an act in `case` on `on` (SPEC R-ACT-5):
    "judge" for the assigned judge, "chairman" for the court's chairman while the judge is
    marked absent that day, else None."""
    if user.pk == case.judge_id:
        return "judge"
    if has_role(user, Role.CHAIRMAN, case.court_id) and is_absent(case.judge, on):
        return "chairman"
    return None


# -- stored file integrity and public verification (R-ECP-6, R-ARC-2) ----------------------------


def stored_sha256(blob: str) -> str:
    """SHA-256 of the stored bytes of `blob`, read in chunks."""
    hasher = hashlib.sha256()
    with open_blob(blob) as handle:
        while chunk := handle.read(_HASH_CHUNK):
            hasher.update(chunk)
    return hasher.hexdigest()


def stored_file_intact(act: Act) -> bool:
    """The stored file still has the act's size and SHA-256 (a changed or missing file: False).

    Hashed on every call, never cached: a cache keyed by the file's modification time would
    miss a change made within the file system's timestamp granularity, or one that restores the
    time. Callers on public paths bound the cost by throttling (registry/verify_views.py).
    """
    try:
        if default_storage.size(act.blob) != act.size:
            return False
        return stored_sha256(act.blob) == act.sha256
    except (OSError, ValueError) as error:
        logger.error("Act %s: stored file %s unreadable: %s", act.pk, act.blob, error)
        return False


@dataclass
class ActVerification:
    """What /verify/<code>/ answers: docs/api.md `{"code", "kind", "document_sha256", "valid",
    "reason", "signers", "legal_force_date"}`, plus what may be shown of an open case."""

    act: Act
    valid: bool
    reason: str | None
    signers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def shows_content(self) -> bool:
        """Closed proceedings (adoption, privacy, state secrets) never show content to the
        public: only the hash and the verdict (SPEC "Hearings and openness")."""
        return not self.act.case.closed

    def as_dict(self) -> dict[str, Any]:
        act = self.act
        answer: dict[str, Any] = {
            "code": act.verify_code,
            "kind": act.kind,
            "document_sha256": act.sha256,
            "valid": self.valid,
            "reason": self.reason,
            "signers": [public_signer(signer) for signer in self.signers],
            "legal_force_date": act.legal_force_date.isoformat() if act.legal_force_date else None,
        }
        if self.shows_content:
            answer.update(
                {
                    "title": act.title,
                    "date": act.date.isoformat(),
                    "case_number": act.case.number,
                    "court_name": act.case.court.name,
                }
            )
        return answer


def public_signer(signer: dict[str, Any]) -> dict[str, Any]:
    """The signer as the public page shows it: without the ИИН (personal data, docs/api.md
    `/verify/`); the name, organisation, certificate and times stay."""
    return {key: value for key, value in signer.items() if key != "iin"}


def act_by_verify_code(code: str) -> Act:
    """The act with this verification code (anyone may ask), else 404."""
    act = (
        Act.objects.select_related("case", "case__court", "signer", "legal_force_signer")
        .filter(verify_code=code, status=ActStatus.SIGNED)
        .first()
    )
    if act is None:
        raise NotFound()
    return act


def _payload_sha256(payload: str) -> str | None:
    try:
        value = json.loads(payload).get("sha256")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def verify_act(act: Act) -> ActVerification:
    """Re-verify an act for the public page (SPEC R-ECP-6, R-ACT-5).

    Valid when the stored file still has the signed SHA-256, the judge's signature and the
    legal-force signature both verify as of the moment each was made (so a certificate that
    expires or is revoked later does not undo them), each signed payload names this document,
    and each key is the recorded signer's. Verdicts are cached by `verify_signature`.
    The first failure gives `reason`: `tampered` for any mismatch between file, hash and
    payload; otherwise the signature's own reason code.
    """
    reasons: list[str] = []
    signers: list[dict[str, Any]] = []
    if not stored_file_intact(act):
        reasons.append("tampered")
    signatures = [
        (act.signature_cms, act.signature_payload, act.signed_at, act.signer),
        (
            act.legal_force_cms,
            act.legal_force_payload,
            act.legal_force_signed_at,
            act.legal_force_signer,
        ),
    ]
    for cms, payload, signed_at, signer in signatures:
        if cms is None:
            continue
        if _payload_sha256(payload) != act.sha256:
            reasons.append("tampered")
        verdict = verify_signature(bytes(cms), data=payload.encode("utf-8"), at=signed_at)
        signers.extend(details.to_dict() for details in verdict.signers)
        if not verdict.valid:
            reasons.append(verdict.reason or "malformed")
        elif signer is not None and not any(
            details.identity == signer.login for details in verdict.signers
        ):
            reasons.append("signer_mismatch")
    if act.signature_cms is None or act.legal_force_cms is None:
        reasons.append("malformed")
    return ActVerification(
        act=act, valid=not reasons, reason=reasons[0] if reasons else None, signers=signers
    )
