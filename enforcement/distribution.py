"""Distribution of executive documents (writs) among private bailiffs. PURE: no Django here.

SPEC R-ENF-4, R-ENF-5, R-ENF-6; the rules are the Minister of Justice's order No. 652 of
29 Dec 2015 in the wording of order No. 211 of 28 Feb 2026 ("002"); ``п.N`` below is its point N.
Frozen dataclasses go in, a :class:`Decision` comes out; the enforcement services load the rows,
call this module, and store and audit what it decided (STYLE: "Pure rule engines stay pure").

The order in which :func:`choose_bailiff` applies the rules:

1. Non-property writs executed in the state's interest are not distributed at all (п.4).
2. Eligibility (п.3, п.17, п.18): a bailiff receives nothing whose licence is suspended,
   terminated or revoked, who is expelled from the Republican chamber, absent for over a month,
   moved to another enforcement district, or whose distribution is suspended at their own request
   because they hold an unpaid chamber post.
3. Special rules, in this order, each only if that bailiff is still eligible and serves the
   debtor's district (п.10 forbids anyone else, without exception):
   п.11 a writ resubmitted after "returned without execution" or "sent by territory" goes back to
   the bailiff who initiated that; п.13 alimony against a debtor who already has an alimony case
   goes to that case's bailiff; п.14 several claimants against one debtor in one case go to one
   bailiff. If the designated bailiff is not available, the writ falls through to the next rule
   and the decision's ``reason`` says why.
4. Territory (п.9, п.10): the bailiffs registered in the debtor's district; if none of them is
   eligible, the bailiffs attached to that district; never anyone else -> rule ``no_bailiff``.
5. Evenness by category (п.4): among the candidates, the one with the least load in the writ's
   category; ties go to the lowest total load, then the lowest id (deterministic).

Reassignment to another bailiff happens only on recusal or a confirmed complaint (п.12), and
pending writs of a bailiff who left are redistributed (п.3, п.18) with the same rules.
"""

from __future__ import annotations

import calendar as month_calendar
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Literal, Protocol

__all__ = [
    "CATEGORIES",
    "LICENCE_STATUSES",
    "REASSIGNMENT_REASONS",
    "Assignment",
    "Bailiff",
    "Decision",
    "History",
    "ReassignmentRefused",
    "ReportRow",
    "Rule",
    "SpreadRow",
    "WorkingDays",
    "WritToDistribute",
    "case_materials_handover_deadline",
    "choose_bailiff",
    "claimant_notification_deadline",
    "distribute_batch",
    "distribution_deadline",
    "distribution_report",
    "distribution_spread",
    "ineligibility_reason",
    "paper_handover_deadline",
    "reassign",
    "redistribute",
]

Category = Literal["individual_sum", "legal_entity_sum", "state_sum", "alimony", "non_property"]
# 002 п.4, in the order of the order: sums for individuals, for legal entities, for the state up
# to 1000 MCI, alimony, non-property (eviction, moving in, demolition, land seizure, ...).
CATEGORIES: tuple[str, ...] = (
    "individual_sum",
    "legal_entity_sum",
    "state_sum",
    "alimony",
    "non_property",
)
LicenceStatus = Literal["active", "suspended", "terminated", "revoked"]
LICENCE_STATUSES: tuple[str, ...] = ("active", "suspended", "terminated", "revoked")
ReassignmentReason = Literal["recusal", "complaint_confirmed"]
# 002 п.12: 1) recusal on the grounds of Law art. 54(1); 2) the claimant's complaint confirmed
# by an unscheduled inspection of the regional chamber or by a court act in legal force.
REASSIGNMENT_REASONS: tuple[str, ...] = ("recusal", "complaint_confirmed")

DebtorId = Hashable
CaseId = Hashable


class Rule(StrEnum):
    """Which rule produced a :class:`Decision` (stored with the assignment, shown in audit)."""

    STATE_INTEREST_EXCLUDED = "state_interest_excluded"  # п.4
    RESUBMISSION_SAME_BAILIFF = "resubmission_same_bailiff"  # п.11
    ALIMONY_SAME_BAILIFF = "alimony_same_bailiff"  # п.13
    SAME_CASE_SAME_BAILIFF = "same_case_same_bailiff"  # п.14
    DEBTOR_DISTRICT = "debtor_district"  # п.9 first sentence, п.4 evenness
    ATTACHED_DISTRICT = "attached_district"  # п.9 second sentence, п.4 evenness
    NO_BAILIFF = "no_bailiff"  # п.10


class ReassignmentRefused(ValueError):
    """п.12 allows reassignment only on recusal or a confirmed complaint."""

    code = "reassignment_not_allowed"


@dataclass(frozen=True)
class Bailiff:
    """A private bailiff as the distribution sees them.

    ``load`` counts the writs already distributed to them, per category (п.4 evenness).
    ``distribution_suspended`` is the voluntary suspension of a bailiff holding an unpaid
    chamber post (п.17).
    """

    id: int
    district: str
    attached_districts: frozenset[str] = frozenset()
    licence: LicenceStatus = "active"
    expelled: bool = False
    absent_since: date | None = None
    moved_out: bool = False
    distribution_suspended: bool = False
    load: Mapping[str, int] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if self.licence not in LICENCE_STATUSES:
            raise ValueError(f"unknown licence status {self.licence!r}")
        unknown = set(self.load) - set(CATEGORIES)
        if unknown:
            raise ValueError(f"unknown categories in load: {sorted(unknown)}")
        if any(count < 0 for count in self.load.values()):
            raise ValueError("load counts cannot be negative")

    @property
    def total_load(self) -> int:
        return sum(self.load.values())

    def serves(self, district: str) -> bool:
        """Registered in, or attached to, ``district`` (п.9-10)."""
        return self.district == district or district in self.attached_districts


@dataclass(frozen=True)
class WritToDistribute:
    """An executive document waiting for a bailiff.

    ``previous_bailiff_id`` is set on resubmission after "returned without execution" or "sent
    by territory": the bailiff who initiated that (п.11). ``state_interest`` marks a
    non-property writ executed in the state's interest (excluded by п.4).
    """

    id: int
    category: Category
    debtor_id: DebtorId
    debtor_district: str
    case_id: CaseId
    immediate: bool = False
    previous_bailiff_id: int | None = None
    state_interest: bool = False

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown writ category {self.category!r}")


@dataclass(frozen=True)
class History:
    """Existing assignments the special rules look at.

    ``alimony_bailiff_by_debtor``: debtor -> the bailiff holding an alimony case against them
    (п.13). ``bailiff_by_case_debtor``: (case, debtor) -> the bailiff already enforcing that
    case against that debtor for another claimant (п.14).
    """

    alimony_bailiff_by_debtor: Mapping[DebtorId, int] = field(default_factory=dict)
    bailiff_by_case_debtor: Mapping[tuple[CaseId, DebtorId], int] = field(default_factory=dict)

    def with_assignment(self, writ: WritToDistribute, bailiff_id: int) -> History:
        """A new History that also knows ``writ`` went to ``bailiff_id``."""
        alimony = dict(self.alimony_bailiff_by_debtor)
        if writ.category == "alimony":
            alimony[writ.debtor_id] = bailiff_id
        by_case = dict(self.bailiff_by_case_debtor)
        by_case[(writ.case_id, writ.debtor_id)] = bailiff_id
        return History(alimony_bailiff_by_debtor=alimony, bailiff_by_case_debtor=by_case)


@dataclass(frozen=True)
class Decision:
    """The outcome for one writ: ``bailiff_id`` is None when nobody may take it."""

    bailiff_id: int | None
    rule: str
    reason: str
    writ_id: int | None = None


def _one_month_after(day: date) -> date:
    """The same day next month, clamped to the month's end (31 Jan -> 28/29 Feb)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    last_day = month_calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


def ineligibility_reason(bailiff: Bailiff, today: date) -> str | None:
    """Why ``bailiff`` may not receive writs ``today``, or None if they may.

    п.3 and п.18: licence suspended, terminated or revoked; expelled from the Republican chamber;
    absent for a long time (over a month: eligible up to and including the same date next
    month); moved to another enforcement district. п.17: distribution suspended on request.
    """
    if bailiff.licence != "active":
        return f"licence_{bailiff.licence}"
    if bailiff.expelled:
        return "expelled"
    if bailiff.absent_since is not None and today > _one_month_after(bailiff.absent_since):
        return "absent_over_month"
    if bailiff.moved_out:
        return "moved_out"
    if bailiff.distribution_suspended:
        return "distribution_suspended"
    return None


class _Pool:
    """Bailiffs indexed for one run of decisions, with loads that grow as writs are assigned."""

    def __init__(self, bailiffs: Iterable[Bailiff], today: date, exclude: frozenset[int]) -> None:
        self.by_id: dict[int, Bailiff] = {}
        for bailiff in bailiffs:
            if bailiff.id in self.by_id:
                raise ValueError(f"bailiff {bailiff.id} is listed twice")
            self.by_id[bailiff.id] = bailiff
        self.exclude = exclude
        self.unavailable: dict[int, str] = {}
        for bailiff in self.by_id.values():
            why = "excluded" if bailiff.id in exclude else ineligibility_reason(bailiff, today)
            if why is not None:
                self.unavailable[bailiff.id] = why
        self.loads: dict[int, Counter[str]] = {
            bailiff.id: Counter(bailiff.load) for bailiff in self.by_id.values()
        }
        self.totals: dict[int, int] = {
            bailiff.id: bailiff.total_load for bailiff in self.by_id.values()
        }
        self.registered: dict[str, list[int]] = {}
        self.attached: dict[str, list[int]] = {}
        for bailiff in self.by_id.values():
            if bailiff.id in self.unavailable:
                continue
            self.registered.setdefault(bailiff.district, []).append(bailiff.id)
            for district in bailiff.attached_districts:
                self.attached.setdefault(district, []).append(bailiff.id)

    def why_not(self, bailiff_id: int, district: str) -> str | None:
        """Why the designated bailiff of a special rule cannot take a writ in ``district``."""
        bailiff = self.by_id.get(bailiff_id)
        if bailiff is None:
            return "not in the chamber's list"
        if bailiff_id in self.unavailable:
            return self.unavailable[bailiff_id]
        if not bailiff.serves(district):
            return f"neither registered in nor attached to {district} (п.10)"
        return None

    def least_loaded(self, candidates: Sequence[int], category: str) -> int:
        return min(
            candidates,
            key=lambda bailiff_id: (
                self.loads[bailiff_id][category],
                self.totals[bailiff_id],
                bailiff_id,
            ),
        )

    def record(self, bailiff_id: int, category: str) -> None:
        self.loads[bailiff_id][category] += 1
        self.totals[bailiff_id] += 1


def _decide(writ: WritToDistribute, pool: _Pool, history: History) -> Decision:
    def decision(bailiff_id: int | None, rule: Rule, reason: str) -> Decision:
        return Decision(bailiff_id=bailiff_id, rule=rule, reason=reason, writ_id=writ.id)

    # п.4: non-property cases executed in the state's interest are outside the distribution.
    if writ.category == "non_property" and writ.state_interest:
        return decision(
            None,
            Rule.STATE_INTEREST_EXCLUDED,
            "п.4: a non-property writ executed in the state's interest is not distributed",
        )

    skipped: list[str] = []
    special_rules: list[tuple[int | None, Rule, str]] = [
        (
            writ.previous_bailiff_id,
            Rule.RESUBMISSION_SAME_BAILIFF,
            "п.11: resubmitted after return or transfer by territory",
        ),
    ]
    if writ.category == "alimony":
        special_rules.append(
            (
                history.alimony_bailiff_by_debtor.get(writ.debtor_id),
                Rule.ALIMONY_SAME_BAILIFF,
                "п.13: the debtor already has an alimony case with this bailiff",
            )
        )
    special_rules.append(
        (
            history.bailiff_by_case_debtor.get((writ.case_id, writ.debtor_id)),
            Rule.SAME_CASE_SAME_BAILIFF,
            "п.14: this bailiff already enforces the case against the debtor",
        )
    )
    for bailiff_id, rule, because in special_rules:
        if bailiff_id is None:
            continue
        why_not = pool.why_not(bailiff_id, writ.debtor_district)
        if why_not is None:
            return decision(bailiff_id, rule, "".join(skipped) + because)
        skipped.append(f"{because.split(':')[0]} bailiff {bailiff_id} skipped: {why_not}; ")
    prefix = "".join(skipped)

    # п.9-10: the debtor's district first, then the bailiffs attached to it, nobody else.
    registered = pool.registered.get(writ.debtor_district)
    if registered:
        chosen = pool.least_loaded(registered, writ.category)
        return decision(
            chosen,
            Rule.DEBTOR_DISTRICT,
            f"{prefix}п.9: least loaded in {writ.category} of {len(registered)} eligible "
            f"bailiff(s) registered in {writ.debtor_district} (п.4)",
        )
    attached = pool.attached.get(writ.debtor_district)
    if attached:
        chosen = pool.least_loaded(attached, writ.category)
        return decision(
            chosen,
            Rule.ATTACHED_DISTRICT,
            f"{prefix}п.9: no eligible bailiff registered in {writ.debtor_district}; least "
            f"loaded in {writ.category} of {len(attached)} attached bailiff(s) (п.4)",
        )
    return decision(
        None,
        Rule.NO_BAILIFF,
        f"{prefix}п.10: no eligible bailiff registered in or attached to {writ.debtor_district}",
    )


def choose_bailiff(
    writ: WritToDistribute,
    bailiffs: Iterable[Bailiff],
    history: History,
    today: date,
) -> Decision:
    """Decide which bailiff gets ``writ`` (SPEC R-ENF-4; the rule order is in the module doc).

    Pure: nothing is mutated; the caller stores the decision and bumps the bailiff's load.
    """
    return _decide(writ, _Pool(bailiffs, today, frozenset()), history)


def _run(
    writs: Iterable[WritToDistribute],
    bailiffs: Iterable[Bailiff],
    history: History,
    today: date,
    exclude: frozenset[int],
) -> list[Decision]:
    pool = _Pool(bailiffs, today, exclude)
    alimony = dict(history.alimony_bailiff_by_debtor)
    by_case = dict(history.bailiff_by_case_debtor)
    # The mappings are updated in place as writs are assigned, so that п.13 and п.14 also hold
    # inside one batch; this History is private to the run.
    running = History(alimony_bailiff_by_debtor=alimony, bailiff_by_case_debtor=by_case)
    decisions = []
    for writ in writs:
        decision = _decide(writ, pool, running)
        if decision.bailiff_id is not None:
            pool.record(decision.bailiff_id, writ.category)
            if writ.category == "alimony":
                alimony[writ.debtor_id] = decision.bailiff_id
            by_case[(writ.case_id, writ.debtor_id)] = decision.bailiff_id
        decisions.append(decision)
    return decisions


def distribute_batch(
    writs: Iterable[WritToDistribute],
    bailiffs: Iterable[Bailiff],
    history: History,
    today: date,
) -> list[Decision]:
    """Decide a queue of writs in order, as if each decision were stored before the next.

    Each assignment raises the chosen bailiff's load and joins the history, so evenness (п.4)
    and the п.13/п.14 grouping also hold within the batch. The inputs are not mutated.
    """
    return _run(writs, bailiffs, history, today, frozenset())


def reassign(
    writ: WritToDistribute,
    current_bailiff_id: int,
    bailiffs: Iterable[Bailiff],
    history: History,
    today: date,
    *,
    reason: str,
) -> Decision:
    """Pick another bailiff for ``writ`` on recusal or a confirmed complaint (SPEC R-ENF-4, п.12).

    The decision itself belongs to the regional chamber's disciplinary commission; this picks
    the bailiff "in the order of these Rules": the same rules with ``current_bailiff_id``
    excluded. Any other ``reason`` raises :class:`ReassignmentRefused`.
    """
    if reason not in REASSIGNMENT_REASONS:
        raise ReassignmentRefused(
            f"п.12: a writ is reassigned only on {' or '.join(REASSIGNMENT_REASONS)}, "
            f"not on {reason!r}"
        )
    decided = _run([writ], bailiffs, history, today, frozenset({current_bailiff_id}))[0]
    return replace(decided, reason=f"п.12 {reason}: {decided.reason}")


def redistribute(
    excluded_bailiff_id: int,
    open_writs: Iterable[WritToDistribute],
    bailiffs: Iterable[Bailiff],
    history: History,
    today: date,
) -> list[Decision]:
    """Redistribute the pending writs of a bailiff who may no longer hold them (п.3, п.18).

    The bailiff is excluded whatever their current status (also one merely on leave, п.18).
    History entries pointing at them are skipped (the reason records it), and the first new
    bailiff of a debtor's alimony (п.13) or of a case and debtor (п.14) takes the rest of the
    group, so grouped writs move together.
    """
    return _run(open_writs, bailiffs, history, today, frozenset({excluded_bailiff_id}))


# -- deadlines (SPEC R-ENF-5) -------------------------------------------------------------------


class WorkingDays(Protocol):
    """What the deadlines need from a calendar (sotkabinet.courts.calendar.WorkingCalendar)."""

    def add_working_days(self, day: date, n: int) -> date: ...


def distribution_deadline(registered_at_date: date, immediate: bool, calendar: WorkingDays) -> date:
    """Last day to distribute and hand over the writ: 3 working days, or at once (п.7).

    For immediate execution the writ is distributed as soon as it arrives: the same day.
    The day of arrival is not counted among the three.
    """
    if immediate:
        return registered_at_date
    return calendar.add_working_days(registered_at_date, 3)


def paper_handover_deadline(distributed_on: date, calendar: WorkingDays) -> date:
    """The bailiff collects a paper writ from the chamber within 3 working days (п.8)."""
    return calendar.add_working_days(distributed_on, 3)


def claimant_notification_deadline(received_on: date, calendar: WorkingDays) -> date:
    """The bailiff notifies the claimant within 3 working days of receiving the writ (п.15)."""
    return calendar.add_working_days(received_on, 3)


def case_materials_handover_deadline(event_on: date, calendar: WorkingDays) -> date:
    """A bailiff who leaves (licence, expulsion, absence, move) sends the case materials to the
    regional chamber within 3 working days (п.18)."""
    return calendar.add_working_days(event_on, 3)


# -- report (SPEC R-ENF-6) ----------------------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    """One distributed writ, as the report counts it."""

    bailiff_id: int
    category: str
    debtor_district: str


@dataclass(frozen=True)
class ReportRow:
    bailiff_id: int
    category: str
    count: int


@dataclass(frozen=True)
class SpreadRow:
    """How even the distribution is in one district and category (п.16): most minus least."""

    district: str
    category: str
    least: int
    most: int
    spread: int


def _counts(assignments: Iterable[Assignment]) -> Counter[tuple[int, str]]:
    return Counter((assignment.bailiff_id, assignment.category) for assignment in assignments)


def distribution_report(
    assignments: Iterable[Assignment], bailiffs: Iterable[Bailiff] = ()
) -> list[ReportRow]:
    """Writs per bailiff and category (п.15 second paragraph: the published report).

    Every bailiff in ``bailiffs`` gets a row for every category, zero included; bailiffs who
    only appear in ``assignments`` get rows for the categories they received. Sorted by
    bailiff id, then category in the order of п.4.
    """
    counts = _counts(assignments)
    keys = set(counts)
    for bailiff in bailiffs:
        keys.update((bailiff.id, category) for category in CATEGORIES)
    order = {category: index for index, category in enumerate(CATEGORIES)}
    return [
        ReportRow(bailiff_id=bailiff_id, category=category, count=counts[(bailiff_id, category)])
        for bailiff_id, category in sorted(keys, key=lambda key: (key[0], order[key[1]]))
    ]


def distribution_spread(
    assignments: Iterable[Assignment], bailiffs: Iterable[Bailiff]
) -> list[SpreadRow]:
    """Per district of registration and category, the least and most writs any of its
    ``bailiffs`` received, for the Republican chamber's evenness check (п.16)."""
    counts = _counts(assignments)
    by_district: dict[str, list[int]] = {}
    for bailiff in bailiffs:
        by_district.setdefault(bailiff.district, []).append(bailiff.id)
    rows = []
    for district in sorted(by_district):
        for category in CATEGORIES:
            numbers = [counts[(bailiff_id, category)] for bailiff_id in by_district[district]]
            rows.append(
                SpreadRow(
                    district=district,
                    category=category,
                    least=min(numbers),
                    most=max(numbers),
                    spread=max(numbers) - min(numbers),
                )
            )
    return rows
