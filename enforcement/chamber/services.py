"""The regional chamber's writes: register what the courts send, distribute it, keep the
bailiff registry, record the bailiffs' statuses (SPEC R-ENF-3..6; 002 = order No. 652 in the
wording of order No. 211, "п.N" = its point N).

Decisions come from the pure engine (``enforcement/distribution.py``); this module loads its
inputs from the tables (the eligible bailiffs with their load, the open writs the special rules
look at), stores what it decided as a :class:`BailiffAssignment` with the rule and the reason,
and tells the court system (``portal.py``). Distributions that may pick the same bailiffs are
serialised by locking those bailiffs' profile rows, in id order, so the evenness of п.4 holds
under concurrency and two distributions never deadlock.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement import distribution as engine
from sotkabinet.accounts.models import Role, User
from sotkabinet.core.services import audit, notify
from sotkabinet.courts.models import Court
from sotkabinet.courts.services import calendar_for
from sotkabinet.errors import Conflict, DomainError, Forbidden, NotFound

from . import portal
from .models import (
    OPEN_REGISTRATION_STATUSES,
    AssignmentEnd,
    AssignmentKind,
    BailiffAbsence,
    BailiffAssignment,
    BailiffProfile,
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
# Reasons a bailiff keeps their open writs: п.17 only stops new ones.
KEEPS_OPEN_WRITS = frozenset({"distribution_suspended"})


def chamber_today() -> date:
    """The chamber's working date (the project's time zone)."""
    return timezone.localdate()


def chamber_calendar(court_code: str = ""):
    """The working calendar for the chamber's deadlines (R-ENF-5): the national working days
    with the decrees' transfers; the sending court's hours when it is known here."""
    court = Court.objects.filter(code=court_code).first() if court_code else None
    return calendar_for(court or Court())


def _chamber_staff() -> Iterable[User]:
    return User.objects.filter(memberships__role=Role.CHAMBER, is_active=True).distinct()


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
        chamber_calendar(registration.court_code),
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

    transaction.on_commit(partial(chamber_distribute.delay, registration.pk))


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


# -- the engine's inputs --------------------------------------------------------------------


def _absent_since(profile_ids: Iterable[int], today: date) -> dict[int, date]:
    current = BailiffAbsence.objects.filter(profile_id__in=list(profile_ids), date_from__lte=today)
    current = current.filter(Q(date_to__isnull=True) | Q(date_to__gte=today))
    return {
        row["profile_id"]: row["since"]
        for row in current.values("profile_id").annotate(since=Min("date_from"))
    }


def _loads(bailiff_ids: Iterable[int], year: int) -> dict[int, Counter]:
    """Writs distributed to each bailiff this year, per category (п.4 evenness). A writ that
    moved on by redistribution or reassignment counts for its new holder only."""
    rows = (
        BailiffAssignment.objects.filter(bailiff_id__in=list(bailiff_ids), assigned_at__year=year)
        .exclude(end_reason__in=[AssignmentEnd.REDISTRIBUTED, AssignmentEnd.REASSIGNED])
        .values("bailiff_id", "category")
        .annotate(n=Count("id"))
    )
    loads: dict[int, Counter] = {}
    for row in rows:
        if row["category"] in engine.CATEGORIES:
            loads.setdefault(row["bailiff_id"], Counter())[row["category"]] = row["n"]
    return loads


def _engine_bailiff(user: User, profile: BailiffProfile, absent_since, load) -> engine.Bailiff:
    return engine.Bailiff(
        id=user.pk,
        district=user.district.code if user.district_id else "",
        attached_districts=frozenset(district.code for district in user.attached_districts.all()),
        licence=profile.licence_status,
        expelled=profile.expelled,
        absent_since=absent_since,
        moved_out=profile.moved_out,
        distribution_suspended=profile.distribution_suspended,
        load=dict(load or {}),
    )


def _lock_profiles(user_ids: list[int]) -> dict[int, BailiffProfile]:
    """Create missing profiles, then lock them in id order (serialises overlapping runs)."""
    BailiffProfile.objects.bulk_create(
        [BailiffProfile(user_id=user_id) for user_id in user_ids], ignore_conflicts=True
    )
    profiles = BailiffProfile.objects.select_for_update().filter(user_id__in=user_ids)
    return {profile.user_id: profile for profile in profiles.order_by("pk")}


def _pool(districts: set[str], extra_ids: set[int], today: date) -> list[engine.Bailiff]:
    """The bailiffs who serve ``districts`` (registered or attached, 002 п.9), plus those a
    special rule designates, as the engine sees them today."""
    users = list(
        User.objects.filter(memberships__role=Role.BAILIFF, is_active=True)
        .filter(
            Q(district__code__in=districts)
            | Q(attached_districts__code__in=districts)
            | Q(pk__in=extra_ids)
        )
        .distinct()
        .select_related("district")
        .prefetch_related("attached_districts")
        .order_by("pk")
    )
    profiles = _lock_profiles([user.pk for user in users])
    absent = _absent_since([profile.pk for profile in profiles.values()], today)
    loads = _loads(list(profiles), today.year)
    return [
        _engine_bailiff(
            user,
            profiles[user.pk],
            absent.get(profiles[user.pk].pk),
            loads.get(user.pk),
        )
        for user in users
    ]


def _history(registrations: list[Registration]) -> engine.History:
    """The open writs against these debtors: п.13 (alimony) and п.14 (same case) look here."""
    debtors = {registration.debtor_iin_bin for registration in registrations}
    others = (
        Registration.objects.filter(
            debtor_iin_bin__in=debtors,
            status__in=OPEN_REGISTRATION_STATUSES,
            bailiff__isnull=False,
        )
        .exclude(pk__in=[registration.pk for registration in registrations])
        .order_by("distributed_at", "pk")
    )
    alimony: dict[str, int] = {}
    by_case: dict[tuple[str, str], int] = {}
    for other in others:
        if other.category == "alimony":
            alimony[other.debtor_iin_bin] = other.bailiff_id
        by_case[(other.case_number, other.debtor_iin_bin)] = other.bailiff_id
    return engine.History(alimony_bailiff_by_debtor=alimony, bailiff_by_case_debtor=by_case)


def _to_engine(registration: Registration, *, resubmitted: bool) -> engine.WritToDistribute:
    previous = registration.returned_by_id if resubmitted and registration.resubmitted_at else None
    return engine.WritToDistribute(
        id=registration.pk,
        category=registration.category,
        debtor_id=registration.debtor_iin_bin,
        debtor_district=registration.debtor_district,
        case_id=registration.case_number,
        immediate=registration.immediate,
        previous_bailiff_id=previous,
        state_interest=registration.state_interest,
    )


def _designated(history: engine.History, *extra: int | None) -> set[int]:
    ids = set(history.alimony_bailiff_by_debtor.values())
    ids |= set(history.bailiff_by_case_debtor.values())
    return ids | {bailiff_id for bailiff_id in extra if bailiff_id is not None}


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
    calendar = chamber_calendar(registration.court_code)
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
        _("Executive document %(number)s (case %(case)s) is distributed to you.")
        % {"number": registration.writ_number, "case": registration.case_number},
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
    today = today or chamber_today()
    with transaction.atomic():
        registration = _lock_registration(pk=registration_id)
        if registration is None or registration.status != S.REGISTERED:
            return registration
        history = _history([registration])
        item = _to_engine(registration, resubmitted=True)
        pool = _pool(
            {registration.debtor_district},
            _designated(history, item.previous_bailiff_id),
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
    today = today or chamber_today()
    with transaction.atomic():
        registrations = list(
            Registration.objects.select_for_update()
            .filter(bailiff=bailiff, status__in=OPEN_REGISTRATION_STATUSES)
            .order_by("distributed_at", "pk")
        )
        if not registrations:
            return []
        history = _history(registrations)
        items = [_to_engine(registration, resubmitted=False) for registration in registrations]
        pool = _pool(
            {registration.debtor_district for registration in registrations},
            _designated(history, bailiff.pk),
            today,
        )
        decisions = engine.redistribute(bailiff.pk, items, pool, history, today)
        calendar = chamber_calendar()
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
    today = today or chamber_today()
    if reason not in engine.REASSIGNMENT_REASONS:
        raise DomainError(
            "reassignment_not_allowed", details={"allowed": list(engine.REASSIGNMENT_REASONS)}
        )
    registration = _lock_registration(pk=registration.pk)
    if registration.status not in OPEN_REGISTRATION_STATUSES:
        raise Conflict("conflict", details={"status": registration.status})
    current = registration.bailiff_id
    history = _history([registration])
    pool = _pool({registration.debtor_district}, _designated(history, current), today)
    item = _to_engine(registration, resubmitted=False)
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


# -- the bailiff registry (R-ENF-4: 002 п.3, п.17, п.18) -------------------------------------


PROFILE_FIELDS = frozenset(
    {
        "licence_number",
        "licence_status",
        "expelled",
        "moved_out",
        "chamber_post",
        "distribution_suspended",
    }
)


def bailiff_eligibility(user: User, today: date | None = None) -> str | None:
    """Why ``user`` may not receive writs today (the engine's reason), or None."""
    today = today or chamber_today()
    profile = BailiffProfile.objects.filter(user=user).first() or BailiffProfile(user=user)
    absent = _absent_since([profile.pk], today).get(profile.pk) if profile.pk else None
    return engine.ineligibility_reason(_engine_bailiff(user, profile, absent, None), today)


def _exclude_if_ineligible(
    user: User, acting_user: User | None, today: date, why: str
) -> list[Registration]:
    reason = bailiff_eligibility(user, today)
    if reason is None or reason in KEEPS_OPEN_WRITS:
        return []
    return bailiff_redistribute(
        bailiff=user, acting_user=acting_user, reason=f"{why}: {reason}", today=today
    )


@transaction.atomic
def bailiff_update(
    *, acting_user: User | None, bailiff: User, changes: dict, today: date | None = None
) -> BailiffProfile:
    """Change the chamber's record of a bailiff. If that excludes them (licence, expulsion,
    move: п.3, п.18), their open writs are redistributed in the same transaction. The voluntary
    suspension (п.17) needs an unpaid chamber post and only stops new writs."""
    today = today or chamber_today()
    unknown = set(changes) - PROFILE_FIELDS
    if unknown:
        raise DomainError("invalid", details={field: "unknown" for field in sorted(unknown)})
    BailiffProfile.objects.get_or_create(user=bailiff)
    profile = BailiffProfile.objects.select_for_update().get(user=bailiff)
    for field, value in changes.items():
        setattr(profile, field, value)
    if profile.distribution_suspended and not profile.chamber_post:
        raise DomainError("suspension_needs_post")
    profile.save()
    audit(acting_user, "bailiff.update", profile, **{k: str(v) for k, v in changes.items()})
    _exclude_if_ineligible(bailiff, acting_user, today, "registry change")
    return profile


@transaction.atomic
def bailiff_absence_record(
    *,
    acting_user: User | None,
    bailiff: User,
    date_from: date,
    date_to: date | None,
    reason: str,
    note: str = "",
    today: date | None = None,
) -> BailiffAbsence:
    """Record an absence (leave, sickness, trip). Away over a month: excluded, and the open
    writs are redistributed (002 п.3, п.18); the daily job catches absences that cross the
    month later."""
    today = today or chamber_today()
    profile, _created = BailiffProfile.objects.get_or_create(user=bailiff)
    absence = BailiffAbsence.objects.create(
        profile=profile,
        date_from=date_from,
        date_to=date_to,
        reason=reason,
        note=note,
        recorded_by=acting_user,
    )
    audit(acting_user, "bailiff.absence", profile, date_from=str(date_from), to=str(date_to))
    _exclude_if_ineligible(bailiff, acting_user, today, "absence")
    return absence


def bailiffs_redistribute_ineligible(*, today: date | None = None) -> int:
    """The daily sweep of п.18: any bailiff who became ineligible (an absence crossed a month)
    and still holds open writs loses them. Returns the number of writs moved."""
    today = today or chamber_today()
    holders = (
        Registration.objects.filter(status__in=OPEN_REGISTRATION_STATUSES, bailiff__isnull=False)
        .values_list("bailiff_id", flat=True)
        .distinct()
    )
    moved = 0
    for user in User.objects.filter(pk__in=list(holders)).select_related("district"):
        moved += len(_exclude_if_ineligible(user, None, today, "daily check"))
    return moved


# -- deadlines (R-ENF-5) ------------------------------------------------------------------------


def chamber_flag_overdue(*, today: date | None = None) -> dict[str, int]:
    """Flag what missed a deadline of 002 п.7 (distribution), п.8 (handover) and п.15 (telling
    the claimant), and notify the chamber (and the bailiff). Each is flagged once."""
    today = today or chamber_today()
    now = timezone.now()
    counts = {"distribution": 0, "handover": 0, "notification": 0}
    staff = list(_chamber_staff())

    late = Registration.objects.filter(
        status=S.REGISTERED,
        distribution_deadline__lt=today,
        distribution_overdue_at__isnull=True,
    ).exclude(distribution_rule=engine.Rule.STATE_INTEREST_EXCLUDED)
    for registration in late:
        with transaction.atomic():
            updated = Registration.objects.filter(
                pk=registration.pk, distribution_overdue_at__isnull=True
            ).update(distribution_overdue_at=now)
            if not updated:
                continue
            audit(None, "ais_oip.distribution_overdue", registration)
            for user in staff:
                notify(
                    user,
                    "writ.distribution_overdue",
                    _("%(number)s was not distributed by %(date)s (002 п.7): %(reason)s")
                    % {
                        "number": registration.number,
                        "date": registration.distribution_deadline.isoformat(),
                        "reason": registration.distribution_reason or "-",
                    },
                    link=portal.writ_link(registration),
                )
        counts["distribution"] += 1

    checks = (
        ("handover", "handed_over_at", "handover_deadline", "handover_overdue_at", "п.8"),
        (
            "notification",
            "claimant_notified_at",
            "notification_deadline",
            "notification_overdue_at",
            "п.15",
        ),
    )
    for name, done, deadline, flag, point in checks:
        overdue = BailiffAssignment.objects.filter(
            ended_at__isnull=True,
            **{f"{done}__isnull": True, f"{deadline}__lt": today, f"{flag}__isnull": True},
        ).select_related("registration", "bailiff")
        for assignment in overdue:
            with transaction.atomic():
                updated = BailiffAssignment.objects.filter(
                    pk=assignment.pk, **{f"{flag}__isnull": True}
                ).update(**{flag: now})
                if not updated:
                    continue
                audit(None, f"ais_oip.{name}_overdue", assignment.registration)
                text = _("%(number)s: the %(what)s deadline %(date)s (002 %(point)s) passed.") % {
                    "number": assignment.registration.number,
                    "what": name,
                    "date": getattr(assignment, deadline).isoformat(),
                    "point": point,
                }
                for user in [assignment.bailiff, *staff]:
                    notify(
                        user,
                        f"writ.{name}_overdue",
                        text,
                        link=portal.writ_link(assignment.registration),
                    )
            counts[name] += 1
    return counts
