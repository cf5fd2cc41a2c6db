"""The registration desk's writes: register a filing (open or join a case), reject it, and the
deadline reminders (SPEC R-REG-1..7).

Every top-level service runs in one transaction that locks the filing row first
(`select_for_update`), re-reads its status, and writes the history entry, the case event, the
audit row and the applicant's notice together, so a decision exists with all its traces or not
at all. Lock order is always filing, then case counter: two clerks never deadlock.

Access: only a clerk of the filing's court decides. Someone who may not see the filing gets
404; court staff or the applicant, who know it exists, get 403 (docs/conventions.md).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from filings.models import FILING_TRANSITIONS, Filing, FilingStatus, Proceeding, RejectionGround
from filings.services.common import bilingual, filing_link, filing_transition
from sotkabinet.accounts.access import can, has_role
from sotkabinet.accounts.models import Absence, Membership, Role, User
from sotkabinet.core.services import Text, audit, notify
from sotkabinet.core.timefmt import LocalTime
from sotkabinet.courts.services import calendar_for, court_today
from sotkabinet.errors import Conflict, DomainError, Forbidden, NotFound

from .distribution import (
    CaseToDistribute,
    JudgeCandidate,
    NoEligibleJudge,
    case_complexity,
    choose_judge,
)
from .models import Case, CaseCounter, CaseEvent, CaseParticipant, JudgeProfile

logger = logging.getLogger(__name__)

# SPEC R-REG-5 / 001 п.24: the clerk's own reason is a ground only in these proceedings.
OTHER_GROUND_PROCEEDINGS = frozenset({Proceeding.CRIMINAL, Proceeding.ADMINISTRATIVE_OFFENSE})
# SPEC R-REG-5: the grounds as the applicant reads them, in Kazakh and Russian (000 п.37).
GROUND_TEXTS: dict[str, tuple[str, str]] = {
    RejectionGround.ECP_INVALID: ("ЭЦҚ түпнұсқа емес", "ЭЦП не является подлинной"),
    RejectionGround.WRONG_COURT: (
        "құжат осы сотқа жолданбаған",
        "документ не адресован данному суду",
    ),
    RejectionGround.DUPLICATE: (
        "бұрын тіркелген құжат қайта жіберілген",
        "повторная подача ранее зарегистрированного документа",
    ),
    RejectionGround.MISSING_ANNEX: (
        "қосымшада көрсетілген құжаттар жоқ",
        "отсутствуют документы, указанные в приложении",
    ),
    RejectionGround.UNREADABLE: (
        "қоса берілген құжаттар оқылмайды",
        "приложенные документы не читаются",
    ),
    RejectionGround.TITLE_MISMATCH: (
        "қоса берілген құжат атауына сәйкес келмейді",
        "приложенный документ не соответствует своему наименованию",
    ),
    RejectionGround.WRONG_SECTION: (
        "қоса берілген құжат таңдалған бөлімге сәйкес келмейді",
        "приложенный документ не соответствует выбранному разделу",
    ),
    RejectionGround.OTHER: ("өзге негіз", "иное основание"),
}
# SPEC R-REG-3: clerks are reminded this much working time before the deadline.
REMINDER_WORKING_TIME = timedelta(hours=2)
_COUNTER_ATTEMPTS = 3


# -- links shown in notices -------------------------------------------------------------------


def case_link(case: Case) -> str:
    """Where a notice about `case` points the applicant: the case card (R-FIL-12, R-REG-7)."""
    return reverse("api-case-detail", args=[case.pk])


def registration_card_link(filing: Filing) -> str:
    """The clerk's registration card in the admin."""
    return reverse("admin:registry_incomingfiling_change", args=[filing.pk])


# -- access and state checks ------------------------------------------------------------------


def _require_clerk_of(acting_user: User, filing: Filing) -> None:
    """404 for someone who may not see the filing, 403 for one who may but is not its clerk.

    The clerk of the filing's court passes even for an unsent draft, which the clerk may not
    see: the state check then refuses it with 409 `not_received` (docs/api.md), showing nothing."""
    if has_role(acting_user, Role.CLERK, filing.court_id):
        return
    if not can(acting_user, "view", filing):
        raise NotFound()
    raise Forbidden()


def _require_undecided(filing: Filing, target: str) -> None:
    """409 `already_decided` after a decision, 409 `not_received` before receipt (docs/api.md)."""
    if filing.status in (FilingStatus.REGISTERED, FilingStatus.REJECTED):
        raise Conflict("already_decided", details={"status": filing.status})
    if target not in FILING_TRANSITIONS[filing.status]:
        raise Conflict("not_received", details={"status": filing.status})


def _lock_filing(filing: Filing) -> Filing:
    # OF self: lock the filing row only, not the joined court and user rows (and PostgreSQL
    # refuses FOR UPDATE on the nullable side of the outer join to the principal).
    return (
        Filing.objects.select_for_update(of=("self",))
        .select_related("court", "author", "principal")
        .get(pk=filing.pk)
    )


def _applicant_and_attorney(filing: Filing) -> tuple[User, User | None]:
    """The person the filing is for and, when an attorney filed it, the attorney."""
    if filing.principal_id and filing.principal_id != filing.author_id:
        return filing.principal, filing.author
    return filing.author, None


def _notify_filers(filing: Filing, kind: str, text: Text, *, link: str, case_id=None) -> None:
    """The applicant, and the attorney who filed for them, get the notice (R-REG-7), each in
    their own language (issue 10)."""
    applicant, attorney = _applicant_and_attorney(filing)
    for user in (applicant, attorney):
        if user is not None:
            notify(user, kind, text, link=link, filing_id=filing.pk, case_id=case_id)


# -- case numbering ---------------------------------------------------------------------------


def next_case_sequence(court, year: int) -> int:
    """The next gap-free sequence number of `court` in `year`; call inside a transaction.

    The counter row is locked with `select_for_update` until the registering transaction ends,
    so a rolled-back registration gives its number back and concurrent clerks queue up. The first
    registration of a year creates the row; when two create it at once, the loser's INSERT fails
    on the unique constraint inside its own savepoint and it retries by locking the winner's row.
    """
    for _attempt in range(_COUNTER_ATTEMPTS):
        counter = CaseCounter.objects.select_for_update().filter(court=court, year=year).first()
        if counter is None:
            try:
                with transaction.atomic():
                    CaseCounter.objects.create(court=court, year=year, last=0)
            except IntegrityError:
                logger.info("case counter %s/%s created concurrently; retrying", court.pk, year)
            continue
        counter.last += 1
        counter.save(update_fields=["last"])
        return counter.last
    raise RuntimeError(f"could not lock the case counter of court {court.pk} for {year}")


def case_number(court, year: int, sequence: int) -> str:
    """`<court code>-<year>-<seq>` (issue 2 §4)."""
    return f"{court.code}-{year}-{sequence}"


# -- judge distribution (R-REG-6) -------------------------------------------------------------


def judge_candidates(court, year: int, category: str) -> list[JudgeCandidate]:
    """The court's judges with their profile and this year's load, for `choose_judge`.

    A judge without a JudgeProfile takes any language and category. Judges who are marked
    absent today, or whose profile says they take no cases, are not eligible.
    """
    judge_ids = list(
        Membership.objects.filter(role=Role.JUDGE, court=court, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    profiles = {
        profile.user_id: profile
        for profile in JudgeProfile.objects.filter(court=court, user_id__in=judge_ids)
    }
    loads: dict[int, dict[str, int]] = {judge_id: {} for judge_id in judge_ids}
    rows = (
        Case.objects.filter(court=court, year=year, judge_id__in=judge_ids)
        .order_by()
        .values("judge_id", "category")
        .annotate(weight=Sum("complexity"))
    )
    for row in rows:
        loads[row["judge_id"]][row["category"]] = row["weight"] or 0
    today = court_today(court)
    absent = set(
        Absence.objects.filter(
            user_id__in=judge_ids, date_from__lte=today, date_to__gte=today
        ).values_list("user_id", flat=True)
    )
    candidates = []
    for judge_id in judge_ids:
        profile = profiles.get(judge_id)
        candidates.append(
            JudgeCandidate(
                judge_id=judge_id,
                languages=frozenset(profile.languages if profile else ()),
                categories=frozenset(profile.categories if profile else ()),
                accepts_cases=(profile.accepts_cases if profile else True)
                and judge_id not in absent,
                load=loads[judge_id],
            )
        )
    return candidates


def distribute_judge(court, year: int, *, category: str, complexity: int, language: str) -> User:
    """Pick the judge for a new case (R-REG-6); 409 `no_judge_available` when none may take it."""
    case = CaseToDistribute(category=category, complexity=complexity, language=language)
    try:
        judge_id = choose_judge(case, judge_candidates(court, year, category))
    except NoEligibleJudge:
        raise Conflict(
            "no_judge_available", details={"category": category, "language": language}
        ) from None
    return User.objects.get(pk=judge_id)


def _least_loaded_secretary(court, year: int) -> User | None:
    """The court's session secretary with the fewest cases this year, if the court has one."""
    return (
        User.objects.filter(
            is_active=True, memberships__role=Role.SECRETARY, memberships__court=court
        )
        .annotate(
            case_count=Count(
                "cases_as_secretary",
                filter=Q(cases_as_secretary__court=court, cases_as_secretary__year=year),
            )
        )
        .order_by("case_count", "pk")
        .first()
    )


# -- register ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    case: Case
    opened: bool  # False when the filing joined an existing case


def _target_case(filing: Filing, case: Case | int | None) -> Case | None:
    """The existing case a filing joins: the clerk's choice, else the filing's own case, else
    the case of the filing it supplements (R-REG-6 "Supplements and appeals join their case")."""
    if case is not None:
        case_id = case.pk if isinstance(case, Case) else case
        found = Case.objects.filter(pk=case_id, court_id=filing.court_id).first()
        if found is None:
            raise DomainError("invalid_case", details={"case": case_id})
        return found
    if filing.case_id:
        return _same_court(filing, filing.case)
    if filing.supplement_to_id:
        target = filing.supplement_to
        if target.case_id is None:
            raise Conflict("supplement_target_undecided", details={"supplement_to": target.pk})
        return _same_court(filing, target.case)
    return None


def _same_court(filing: Filing, case: Case) -> Case:
    """Issue 9: a supplement joins a case of the filing's own court only (400 `wrong_court`)."""
    if case.court_id != filing.court_id:
        raise DomainError("wrong_court", details={"case": case.pk})
    return case


@transaction.atomic
def filing_register(*, acting_user: User, filing: Filing, case: Case | int | None = None) -> Case:
    """Register a received filing (SPEC R-REG-1, R-REG-2, R-REG-6, R-REG-7).

    Opens a case numbered `<court code>-<year>-<seq>` (gap-free per court and court-local year)
    and assigns a judge by automatic distribution, or joins an existing case: the one given
    as `case`, the filing's own `case` (a supplement), or that of the filing it supplements.
    The applicant (principal, else author) and the attorney become case participants; history,
    case event, audit and the applicant's notice are written in the same transaction.

    Errors: 404/403 (access), 409 `already_decided`, 409 `not_received`, 400 `invalid_case`,
    409 `no_judge_available`. A second call is refused with `already_decided`.
    """
    _require_clerk_of(acting_user, filing)
    filing = _lock_filing(filing)
    _require_undecided(filing, FilingStatus.REGISTERED)
    now = timezone.now()
    court = filing.court
    existing = _target_case(filing, case)
    applicant, attorney = _applicant_and_attorney(filing)

    if existing is None:
        year = court_today(court).year
        complexity = case_complexity(
            kind=filing.kind, claim_amount=filing.claim_amount, parties=len(filing.parties or [])
        )
        # The counter lock serialises the court's registrations for the year, so the judges'
        # loads read next already include every case registered before this one. When no
        # judge is eligible, the raise rolls the counter back: numbering stays gap-free.
        sequence = next_case_sequence(court, year)
        judge = distribute_judge(
            court,
            year,
            category=filing.proceeding,
            complexity=complexity,
            language=filing.language,
        )
        target = Case.objects.create(
            number=case_number(court, year, sequence),
            court=court,
            year=year,
            sequence=sequence,
            judge=judge,
            secretary=_least_loaded_secretary(court, year),
            proceeding=filing.proceeding,
            category=filing.proceeding,
            complexity=complexity,
            language=filing.language,
            created_at=now,
        )
        CaseEvent.objects.create(
            case=target,
            at=now,
            kind="opened",
            note=bilingual(
                f"{filing.number} өтініші тіркеліп, іс қозғалды; судья автоматты түрде "
                f"бөлінді: {judge.full_name}.",
                f"Дело заведено при регистрации обращения {filing.number}; судья назначен "
                f"автоматическим распределением: {judge.full_name}.",
            ),
            actor=acting_user,
        )
    else:
        target = existing
        CaseEvent.objects.create(
            case=target,
            at=now,
            kind="filing_joined",
            note=bilingual(
                f"{filing.number} өтініші іске қосылды.",
                f"Обращение {filing.number} приобщено к делу.",
            ),
            actor=acting_user,
        )

    CaseParticipant.objects.get_or_create(
        case=target, user=applicant, defaults={"role": CaseParticipant.Role.APPLICANT}
    )
    if attorney is not None:
        CaseParticipant.objects.get_or_create(
            case=target, user=attorney, defaults={"role": CaseParticipant.Role.REPRESENTATIVE}
        )

    filing_transition(
        filing,
        FilingStatus.REGISTERED,
        actor=acting_user,
        note=bilingual(
            f"{target.number} ісі бойынша тіркелді.", f"Зарегистрировано по делу {target.number}."
        ),
    )
    filing.case = target
    filing.decided_at = now
    filing.decided_by = acting_user
    filing.save(update_fields=["status", "case", "decided_at", "decided_by", "updated_at"])
    audit(
        acting_user,
        "filing.register",
        filing,
        case=target.number,
        case_id=target.pk,
        judge=target.judge.login,
        opened=existing is None,
    )
    _notify_filers(
        filing,
        "filing_registered",
        Text(
            gettext_lazy(
                "Your filing %(filing)s is registered in case %(case)s. Judge: %(judge)s."
            ),
            filing=filing.number,
            case=target.number,
            judge=target.judge.full_name,
        ),
        link=case_link(target),
        case_id=target.pk,
    )
    return target


# -- reject -----------------------------------------------------------------------------------


def validate_rejection_ground(filing: Filing, ground: str, comment: str) -> None:
    """SPEC R-REG-5: one of the seven grounds of 000 п.37; `other` (001 п.24) only in criminal and
    administrative-offence matters and only with the clerk's reason. Else 400 `invalid_ground`."""
    if ground not in RejectionGround.values:
        raise DomainError("invalid_ground", details={"ground": ground})
    if ground == RejectionGround.OTHER:
        if filing.proceeding not in OTHER_GROUND_PROCEEDINGS:
            raise DomainError(
                "invalid_ground", details={"ground": ground, "proceeding": filing.proceeding}
            )
        if not comment.strip():
            raise DomainError("invalid_ground", details={"ground": ground, "comment": "required"})


@transaction.atomic
def filing_reject(*, acting_user: User, filing: Filing, ground: str, comment: str = "") -> Filing:
    """Reject a received filing on a legal ground (SPEC R-REG-5, R-REG-7).

    The applicant is notified with the ground's text and the clerk's comment. Errors: 404/403,
    400 `invalid_ground`, 409 `already_decided`, 409 `not_received`. Not repeatable: a second
    call gives `already_decided`.
    """
    _require_clerk_of(acting_user, filing)
    comment = (comment or "").strip()
    validate_rejection_ground(filing, ground, comment)
    filing = _lock_filing(filing)
    _require_undecided(filing, FilingStatus.REJECTED)
    now = timezone.now()
    kazakh, russian = GROUND_TEXTS[ground]
    reason = f" {comment}" if comment else ""
    filing_transition(
        filing,
        FilingStatus.REJECTED,
        actor=acting_user,
        note=bilingual(f"Негіз: {kazakh}.{reason}", f"Основание: {russian}.{reason}"),
    )
    filing.rejection_ground = ground
    filing.rejection_comment = comment
    filing.decided_at = now
    filing.decided_by = acting_user
    filing.save(
        update_fields=[
            "status",
            "rejection_ground",
            "rejection_comment",
            "decided_at",
            "decided_by",
            "updated_at",
        ]
    )
    audit(acting_user, "filing.reject", filing, ground=ground, comment=comment)
    _notify_filers(
        filing,
        "filing_rejected",
        Text(
            gettext_lazy(
                "Your filing %(filing)s is not registered. Ground: %(ground)s.%(comment)s"
            ),
            filing=filing.number,
            ground=RejectionGround(ground).label,
            comment=reason,
        ),
        link=filing_link(filing),
    )
    return filing


# -- deadline reminders and escalation (R-REG-3) ----------------------------------------------


def _court_users(court_id: int, role: str):
    return User.objects.filter(
        is_active=True, memberships__role=role, memberships__court_id=court_id
    ).distinct()


def remaining_working_time(filing: Filing, now: datetime) -> timedelta:
    """Working time left until the filing's registration deadline, on its court's calendar."""
    if filing.registration_deadline is None:
        return timedelta.max
    return calendar_for(filing.court).remaining_working_time(
        now, filing.registration_deadline, tz=filing.court.tzinfo
    )


@transaction.atomic
def filing_deadline_check(*, filing_id: int, now: datetime | None = None) -> str | None:
    """Remind the court's clerks two working hours before the deadline; escalate an overdue
    filing to the court chairman (SPEC R-REG-3). Returns "reminded", "escalated" or None.

    Idempotent: `reminded_at` / `escalated_at` are set in the same transaction as the notices,
    under the filing's row lock, so a second run (or a concurrent beat) sends nothing again.
    A filing that is no longer `received`, or gone, is left alone.
    """
    now = now or timezone.now()
    filing = (
        Filing.objects.select_for_update(of=("self",))
        .select_related("court")
        .filter(pk=filing_id, status=FilingStatus.RECEIVED)
        .first()
    )
    if filing is None or filing.registration_deadline is None:
        return None
    if now >= filing.registration_deadline:
        if filing.escalated_at is not None:
            return None
        filing.escalated_at = now
        filing.save(update_fields=["escalated_at", "updated_at"])
        recipients = list(_court_users(filing.court_id, Role.CHAIRMAN))
        text = Text(
            gettext_lazy("%(court)s: filing %(filing)s was not registered in time (%(deadline)s)."),
            court=filing.court.name,
            filing=filing.number,
            deadline=LocalTime(filing.registration_deadline, filing.court.timezone),
        )
        for user in recipients:
            notify(
                user,
                "registry_overdue",
                text,
                link=registration_card_link(filing),
                filing_id=filing.pk,
            )
        audit(
            None,
            "filing.registration_overdue",
            filing,
            deadline=filing.registration_deadline.isoformat(),
            notified=[user.login for user in recipients],
        )
        return "escalated"
    if filing.reminded_at is not None:
        return None
    if remaining_working_time(filing, now) > REMINDER_WORKING_TIME:
        return None
    filing.reminded_at = now
    filing.save(update_fields=["reminded_at", "updated_at"])
    recipients = list(_court_users(filing.court_id, Role.CLERK))
    text = Text(
        gettext_lazy("Filing %(filing)s must be registered by %(deadline)s."),
        filing=filing.number,
        deadline=LocalTime(filing.registration_deadline, filing.court.timezone),
    )
    for user in recipients:
        notify(
            user,
            "registry_deadline_near",
            text,
            link=registration_card_link(filing),
            filing_id=filing.pk,
        )
    audit(
        None,
        "filing.registration_reminder",
        filing,
        deadline=filing.registration_deadline.isoformat(),
        notified=[user.login for user in recipients],
    )
    return "reminded"
