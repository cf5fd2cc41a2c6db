"""Automatic distribution of new cases among a court's judges (SPEC R-REG-6). PURE: no Django.

The registration service collects the candidate judges of the court with their current load and
asks :func:`choose_judge` for one; tests feed the same function plain data.

The rule (SPEC R-REG-6, thesis 003: "category, complexity and the language of proceedings,
evenly across judges"):

1. **Eligibility.** A judge takes new cases only if they accept cases (not suspended, not absent),
   speak the language of proceedings, and handle the category (an empty set of languages or
   categories means "any"). Language is a hard rule: a case in Russian never goes to a judge who
   conducts proceedings only in Kazakh. When nobody is eligible, :class:`NoEligibleJudge` is
   raised and the clerk must fix the court's judge profiles; the filing stays in the queue.
2. **Even load per category, weighted by complexity.** Each judge's load is the sum of the
   complexity weights of their cases in this category (the service counts the current year's
   cases). The case goes to the eligible judge with the least load in the category.
3. **Ties** go to the judge with the least total load over all categories, then to the lower
   judge id, so the outcome is deterministic and auditable.

Greedy "least loaded first" keeps the judges of one category within one case's weight of each
other when they start level: after any sequence of cases, max(load) - min(load) <= the heaviest
complexity (tested with hypothesis).

Complexity comes from :func:`case_complexity`, the court's weighting table, kept here in one
place so it can be reviewed and changed with its tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import KW_ONLY, dataclass, field
from decimal import Decimal

__all__ = [
    "CaseToDistribute",
    "JudgeCandidate",
    "NoEligibleJudge",
    "case_complexity",
    "choose_judge",
    "eligible_judges",
]

# Complexity weights (R-REG-6). A first-instance claim is the reference weight 2; procedural
# statements and motions are light; a cassation complaint is the heaviest single item.
_KIND_WEIGHT: Mapping[str, int] = {
    "claim": 2,
    "counterclaim": 2,
    "appeal": 2,
    "cassation": 3,
    "statement": 1,
    "withdrawal": 1,
    "motion": 1,
    "response": 1,
    "protocol_remarks": 1,
    "protocol_request": 1,
    "appeal_letter": 1,
}
# A large claim (in tenge) and a many-sided dispute each add one weight.
LARGE_CLAIM_AMOUNT = Decimal("100000000")
MANY_PARTIES = 4
MAX_COMPLEXITY = 5


def case_complexity(*, kind: str, claim_amount: Decimal | None = None, parties: int = 0) -> int:
    """The distribution weight of a new case, 1..MAX_COMPLEXITY (R-REG-6)."""
    weight = _KIND_WEIGHT.get(kind, 1)
    if claim_amount is not None and claim_amount >= LARGE_CLAIM_AMOUNT:
        weight += 1
    if parties >= MANY_PARTIES:
        weight += 1
    return max(1, min(weight, MAX_COMPLEXITY))


@dataclass(frozen=True)
class CaseToDistribute:
    """What distribution needs to know about the new case."""

    category: str
    complexity: int
    language: str


@dataclass(frozen=True)
class JudgeCandidate:
    """A judge of the court and their current load.

    ``load`` maps a category to the summed complexity of the judge's cases in it.
    ``languages`` / ``categories``: empty means any.
    """

    judge_id: int
    _: KW_ONLY
    languages: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    accepts_cases: bool = True
    load: Mapping[str, int] = field(default_factory=dict)

    @property
    def total_load(self) -> int:
        return sum(self.load.values())

    def is_eligible_for(self, case: CaseToDistribute) -> bool:
        if not self.accepts_cases:
            return False
        if self.languages and case.language not in self.languages:
            return False
        return not (self.categories and case.category not in self.categories)


class NoEligibleJudge(LookupError):
    """No judge of the court may take this case (language / category / availability)."""

    def __init__(self, case: CaseToDistribute) -> None:
        self.case = case
        super().__init__(f"no judge accepts {case.category} cases in language {case.language!r}")


def eligible_judges(
    case: CaseToDistribute, candidates: Iterable[JudgeCandidate]
) -> list[JudgeCandidate]:
    """The candidates who may take ``case`` (rule 1)."""
    return [candidate for candidate in candidates if candidate.is_eligible_for(case)]


def choose_judge(case: CaseToDistribute, candidates: Iterable[JudgeCandidate]) -> int:
    """The id of the judge who gets ``case`` (rules 1–3). Raises NoEligibleJudge."""
    eligible = eligible_judges(case, candidates)
    if not eligible:
        raise NoEligibleJudge(case)
    chosen = min(
        eligible,
        key=lambda c: (c.load.get(case.category, 0), c.total_load, c.judge_id),
    )
    return chosen.judge_id
