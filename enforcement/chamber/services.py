"""The regional chamber's writes: register what the courts send, distribute it, redistribute
and reassign it, record the bailiffs' statuses (SPEC R-ENF-3, R-ENF-4; 002 = order No. 652 in
the wording of order No. 211, "п.N" = its point N). The bailiff registry is in ``registry.py``,
the deadline job in ``deadlines.py``.

Decisions come from the pure engine (``enforcement/distribution.py``) fed by ``inputs.py`` (the
eligible bailiffs with their load, the open writs the special rules look at); this module stores
what it decided as a :class:`BailiffAssignment` with the rule and the reason, and tells the
court system (``portal.py``). Distributions that may pick the same bailiffs are serialised by
locking those bailiffs' profile rows, in id order, so the evenness of п.4 holds under
concurrency and two distributions never deadlock.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement import distribution as engine
from sotkabinet.accounts.models import User
from sotkabinet.core.dispatch import dispatch_on_commit
from sotkabinet.core.services import Text, audit, notify
from sotkabinet.errors import Conflict, DomainError, Forbidden, NotFound

from . import inputs, portal
from .models import (
    OPEN_REGISTRATION_STATUSES,
    AssignmentEnd,
    AssignmentKind,
    BailiffAssignment,
    InboundRequest,
    Registration,
    RegistrationStatus,
)

logger = logging.getLogger(__name__)

S = RegistrationStatus
REGISTRATION_TRANSITIONS: dict[str, frozenset[str]] = {
    S.REGISTERED: frozenset({S.DISTRIBUTED}),
    S.DISTRIBUTED: frozenset(
        {S.REFUSED, S.RETURNED, S.BY_TERRITORY, S.ACCEPTED, S.DISTRIBUTED, S.REGISTERED}
    ),
    S.ACCEPTED: frozenset(
        {S.SUSPENDED, S.COMPLETED, S.RETURNED, S.BY_TERRITORY, S.DISTRIBUTED, S.REGISTERED}
    ),
    S.SUSPENDED: frozenset({S.ACCEPTED, S.COMPLETED, S.RETURNED, S.DISTRIBUTED, S.REGISTERED}),
    S.RETURNED: frozenset({S.REGISTERED}),  # resubmission, 002 п.5, п.11
    S.BY_TERRITORY: frozenset({S.REGISTERED}),
    S.REFUSED: frozenset(),
    S.COMPLETED: frozenset(),
}
# A bailiff's report that ends their holding of the writ.
ENDING_STATUSES = {
    S.REFUSED: AssignmentEnd.REFUSED,
    S.RETURNED: AssignmentEnd.RETURNED,
    S.BY_TERRITORY: AssignmentEnd.BY_TERRITORY,
    S.COMPLETED: AssignmentEnd.COMPLETED,
}
BAILIFF_REPORTABLE = frozenset(
    {S.REFUSED, S.RETURNED, S.BY_TERRITORY, S.ACCEPTED, S.SUSPENDED, S.COMPLETED}
)


# -- receiving (R-ENF-3) ----------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    status_code: int
    body: dict
    replayed: bool = False


def payload_fingerprint(payload: dict) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def receipt_body(registration: Registration) -> dict:
    """The answer of 000 п.57: registration number, date, status "registered"."""
    return {
        "id": registration.pk,
        "enforcement_number": registration.number,
        "registered_at": registration.registered_at.isoformat(),
        "status": "registered",
        "distribution_deadline": (
            registration.distribution_deadline.isoformat()
            if registration.distribution_deadline
            else None
        ),
    }


def _replay(key: str, fingerprint: str) -> Receipt | None:
    previous = InboundRequest.objects.filter(key=key).first()
    if previous is None:
        return None
    if previous.fingerprint != fingerprint:
        raise DomainError("idempotency_key_reused", status=422)
    return Receipt(previous.response_status, previous.response_body, replayed=True)


def _set_deadline(registration: Registration) -> None:
    """002 п.7: distribute within 3 working days of arrival, or at once when immediate."""
    arrived = registration.resubmitted_at or registration.registered_at
    registration.distribution_deadline = engine.distribution_deadline(
        timezone.localdate(arrived),
        registration.immediate,
        inputs.chamber_calendar(registration.court_code),
    )


def _register(payload: dict) -> tuple[Registration, bool]:
    writ = payload["writ"]
    registration = (
        Registration.objects.select_for_update().filter(source_writ_id=writ["id"]).first()
    )
    if registration is None:
        registration = Registration.objects.create(
            source_writ_id=writ["id"],
            writ_number=writ["number"],
            payload=payload,
            category=writ["category"],
            immediate=bool(writ.get("immediate")),
            state_interest=bool(writ.get("state_interest")),
            debtor_iin_bin=payload["debtor"]["iin_bin"],
            debtor_name=payload["debtor"]["name"],
            debtor_district=payload["debtor"]["district"],
            case_number=payload["case"]["number"],
            court_code=payload["court"]["code"],
            registered_at=timezone.now(),
        )
        registration.number = (
            f"{timezone.localdate(registration.registered_at):%Y}-{registration.pk:07d}"
        )
        _set_deadline(registration)
        registration.save(update_fields=["number", "distribution_deadline"])
        audit(None, "ais_oip.register", registration, writ=writ["number"])
        _distribute_after_commit(registration)
        return registration, True
    if (registration.writ_number, registration.court_code) != (
        writ["number"],
        payload["court"]["code"],
    ):
        # Issue 9: a writ id already registered for another document (another number or court)
        # is not answered with that document's registration: the sender would take someone
        # else's enforcement number for its writ. 409, a permanent failure for the outbox.
        logger.error(
            "ais-oip: writ id %s is registered as %s of %s, refused for %s of %s",
            writ["id"],
            registration.writ_number,
            registration.court_code,
            writ["number"],
            payload["court"]["code"],
        )
        raise Conflict("conflict", details={"writ": {"id": writ["id"], "number": writ["number"]}})
    if payload.get("resubmission") and registration.status in (S.RETURNED, S.BY_TERRITORY):
        # 002 п.5: the registered document is taken out again and distributed (п.11).
        registration.status = S.REGISTERED
        registration.resubmitted_at = timezone.now()
        registration.distribution_overdue_at = None
        registration.payload = payload
        _set_deadline(registration)
        registration.save()
        audit(None, "ais_oip.resubmit", registration, returned_by=registration.returned_by_id)
        _distribute_after_commit(registration)
    return registration, False


def _distribute_after_commit(registration: Registration) -> None:
    from enforcement.tasks import chamber_distribute

    dispatch_on_commit(chamber_distribute, registration.pk)


def registration_receive(*, key: str, payload: dict) -> Receipt:
    """Register an executive document idempotently (SPEC R-ENF-3, 000 п.57).

    The first request with a key gets 201 (a new registration) or 200 (the document was
    already registered: a send under another key, or a resubmission after return, which
    reopens it, 002 п.5). The same key again gets the same answer, marked replayed; the same
    key with another body is refused (422 `idempotency_key_reused`). Distribution follows after
    commit. Validated input is assumed (the API checks the payload's shape).
    """
    fingerprint = payload_fingerprint(payload)
    for _attempt in range(3):
        replay = _replay(key, fingerprint)
        if replay is not None:
            return replay
        try:
            with transaction.atomic():
                registration, created = _register(payload)
                status_code = 201 if created else 200
                body = receipt_body(registration)
                InboundRequest.objects.create(
                    key=key,
                    fingerprint=fingerprint,
                    registration=registration,
                    response_status=status_code,
                    response_body=body,
                )
            return Receipt(status_code, body)
        except IntegrityError:
            # A concurrent request with this key, or for this document, committed first.
            logger.info("ais-oip: concurrent registration for key %s; answering again", key)
    raise Conflict("idempotency_in_progress")


# -- storing a decision -------------------------------------------------------------------------


def _end_current(registration: Registration, reason: str, **fields) -> BailiffAssignment | None:
    current = registration.assignments.filter(ended_at__isnull=True).first()
    if current is not None:
        current.ended_at = timezone.now()
        current.end_reason = reason
        for name, value in fields.items():
            setattr(current, name, value)
        current.save()
    return current


def _apply_decision(
    registration: Registration,
    decision: engine.Decision,
    *,
    kind: str,
    today: date,
    decided_by: User | None = None,
    decision_ref: str = "",
) -> BailiffAssignment | None:
    """Store the engine's decision, tell the bailiff and the court system."""
    changed = (registration.distribution_rule, registration.distribution_reason) != (
        decision.rule,
        decision.reason,
    )
    registration.distribution_rule = decision.rule
    registration.distribution_reason = decision.reason
    if decision.bailiff_id is None:
        was_open = registration.status in OPEN_REGISTRATION_STATUSES
        registration.status = S.REGISTERED
        registration.bailiff = None
        registration.distributed_at = None
        registration.save()
        if changed or was_open:
            audit(decided_by, "ais_oip.undistributed", registration, rule=decision.rule)
        if was_open:
            portal.report_distribution(registration, None, decision.reason)
        return None

    bailiff = User.objects.get(pk=decision.bailiff_id)
    calendar = inputs.chamber_calendar(registration.court_code)
    assignment = BailiffAssignment.objects.create(
        registration=registration,
        bailiff=bailiff,
        kind=kind,
        rule=decision.rule,
        reason=decision.reason,
        category=registration.category,
        debtor_district=registration.debtor_district,
        decided_by=decided_by,
        decision_ref=decision_ref,
        handover_deadline=engine.paper_handover_deadline(today, calendar),
        notification_deadline=engine.claimant_notification_deadline(today, calendar),
    )
    registration.status = S.DISTRIBUTED
    registration.bailiff = bailiff
    registration.distributed_at = assignment.assigned_at
    registration.distribution_overdue_at = None
    registration.save()
    audit(
        decided_by,
        f"ais_oip.{kind}",
        registration,
        bailiff=bailiff.login,
        rule=decision.rule,
        reason=decision.reason,
    )
    notify(
        bailiff,
        "writ.assigned",
        Text(
            gettext_lazy("Executive document %(number)s (case %(case)s) is distributed to you."),
            number=registration.writ_number,
            case=registration.case_number,
        ),
        link=portal.writ_link(registration),
    )
    portal.report_distribution(
        registration,
        bailiff,
        _("Distributed to %(name)s: %(reason)s")
        % {"name": bailiff.full_name, "reason": decision.reason},
    )
    return assignment


def _lock_registration(**lookup) -> Registration | None:
    return Registration.objects.select_for_update().filter(**lookup).first()


# -- distribution (R-ENF-4) ---------------------------------------------------------------------


def registration_distribute(registration_id: int, *, today: date | None = None):
    """Distribute a registered writ among the private bailiffs (SPEC R-ENF-4, 002 п.4, п.9-14).

    Safe to run twice: only a `registered` writ is distributed. If nobody may take it
    (п.10), it stays `registered` with the reason, and the waiting-writs job tries again.
    """
    today = today or inputs.chamber_today()
    with transaction.atomic():
        registration = _lock_registration(pk=registration_id)
        if registration is None or registration.status != S.REGISTERED:
            return registration
        history = inputs.history([registration])
        item = inputs.to_engine(registration, resubmitted=True)
        pool = inputs.pool(
            {registration.debtor_district},
            inputs.designated(history, item.previous_bailiff_id),
            today,
        )
        decision = engine.choose_bailiff(item, pool, history, today)
        _apply_decision(registration, decision, kind=AssignmentKind.DISTRIBUTION, today=today)
    return registration


def registrations_distribute_waiting(*, today: date | None = None) -> int:
    """Try again every writ still waiting for a bailiff (a new bailiff, a licence restored).
    The writs executed in the state's interest are not distributed at all (п.4)."""
    waiting = (
        Registration.objects.filter(status=S.REGISTERED)
        .exclude(distribution_rule=engine.Rule.STATE_INTEREST_EXCLUDED)
        .values_list("pk", flat=True)
    )
    distributed = 0
    for registration_id in list(waiting):
        registration = registration_distribute(registration_id, today=today)
        if registration is not None and registration.status == S.DISTRIBUTED:
            distributed += 1
    return distributed


def bailiff_redistribute(
    *, bailiff: User, acting_user: User | None = None, reason: str, today: date | None = None
) -> list[Registration]:
    """Move every open writ of ``bailiff`` to other bailiffs (002 п.3, п.18).

    For a bailiff who lost the licence, was expelled, moved, is away over a month, or (by the
    chamber's decision) is temporarily replaced. The bailiff is excluded whatever their status;
    a debtor's alimony writs and a case's writs move together (п.13, п.14). The bailiff sends
    the materials back within 3 working days (``materials_deadline``).
    """
    today = today or inputs.chamber_today()
    with transaction.atomic():
        registrations = list(
            Registration.objects.select_for_update()
            .filter(bailiff=bailiff, status__in=OPEN_REGISTRATION_STATUSES)
            .order_by("distributed_at", "pk")
        )
        if not registrations:
            return []
        history = inputs.history(registrations)
        items = [inputs.to_engine(item, resubmitted=False) for item in registrations]
        pool = inputs.pool(
            {registration.debtor_district for registration in registrations},
            inputs.designated(history, bailiff.pk),
            today,
        )
        decisions = engine.redistribute(bailiff.pk, items, pool, history, today)
        calendar = inputs.chamber_calendar()
        materials_deadline = engine.case_materials_handover_deadline(today, calendar)
        for registration, decision in zip(registrations, decisions, strict=True):
            _end_current(
                registration, AssignmentEnd.REDISTRIBUTED, materials_deadline=materials_deadline
            )
            _apply_decision(
                registration,
                decision,
                kind=AssignmentKind.REDISTRIBUTION,
                today=today,
                decided_by=acting_user,
            )
        audit(
            acting_user,
            "bailiff.redistribute",
            bailiff,
            reason=reason,
            writs=[registration.pk for registration in registrations],
        )
    return registrations


@transaction.atomic
def registration_reassign(
    *,
    acting_user: User,
    registration: Registration,
    reason: str,
    decision_ref: str,
    today: date | None = None,
) -> Registration:
    """Give the writ to another bailiff by the disciplinary commission's decision (002 п.12).

    Only on recusal (Law art. 54(1)) or the claimant's confirmed complaint: any other reason is
    400 `reassignment_not_allowed`. The new bailiff is chosen by the same rules without the
    current one; if there is nobody, 409 `no_bailiff_available` and nothing changes.
    """
    today = today or inputs.chamber_today()
    if reason not in engine.REASSIGNMENT_REASONS:
        raise DomainError(
            "reassignment_not_allowed", details={"allowed": list(engine.REASSIGNMENT_REASONS)}
        )
    registration = _lock_registration(pk=registration.pk)
    if registration.status not in OPEN_REGISTRATION_STATUSES:
        raise Conflict("conflict", details={"status": registration.status})
    current = registration.bailiff_id
    history = inputs.history([registration])
    pool = inputs.pool({registration.debtor_district}, inputs.designated(history, current), today)
    item = inputs.to_engine(registration, resubmitted=False)
    try:
        decision = engine.reassign(item, current, pool, history, today, reason=reason)
    except engine.ReassignmentRefused as refused:
        raise DomainError("reassignment_not_allowed", str(refused)) from refused
    if decision.bailiff_id is None:
        raise Conflict("no_bailiff_available", details={"reason": decision.reason})
    _end_current(registration, AssignmentEnd.REASSIGNED)
    _apply_decision(
        registration,
        decision,
        kind=AssignmentKind.REASSIGNMENT,
        today=today,
        decided_by=acting_user,
        decision_ref=decision_ref,
    )
    return registration


# -- the bailiff's statuses (R-ENF-3, 000 п.58) ------------------------------------------------


@transaction.atomic
def registration_report_status(
    *, bailiff: User, source_writ_id: int, status: str, note: str
) -> Registration:
    """The assigned bailiff reports what became of the writ; the court system hears it.

    The first report also counts as taking the writ over (002 п.8) and as telling the claimant
    (п.15): the court system notifies the case participants of every status. Returning it or
    sending it by territory remembers the bailiff for the resubmission (п.11).
    """
    registration = _lock_registration(source_writ_id=source_writ_id)
    if registration is None:
        raise NotFound()
    if registration.bailiff_id != bailiff.pk:
        raise Forbidden()
    if (
        status not in BAILIFF_REPORTABLE
        or status not in REGISTRATION_TRANSITIONS[registration.status]
    ):
        raise Conflict("conflict", details={"status": registration.status, "target": status})
    now = timezone.now()
    assignment = registration.assignments.filter(ended_at__isnull=True).first()
    if assignment is not None:
        assignment.handed_over_at = assignment.handed_over_at or now
        assignment.claimant_notified_at = assignment.claimant_notified_at or now
        if status in ENDING_STATUSES:
            assignment.ended_at = now
            assignment.end_reason = ENDING_STATUSES[status]
        assignment.save()
    if status in (S.RETURNED, S.BY_TERRITORY):
        registration.returned_by = bailiff
    registration.status = status
    registration.save()
    audit(bailiff, "ais_oip.bailiff_status", registration, status=status, note=note)
    portal.report_bailiff_status(registration, bailiff, status, note)
    return registration
