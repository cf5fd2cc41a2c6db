"""Object-level access to cases and acts (registered with sotkabinet.accounts.access).

A case is seen by its parties (participants), their attorneys acting under an active power of
attorney, the judge, the secretary and the court's staff (docs/api.md).
An act is seen as its case, but parties and attorneys see it only once published (R-ACT-4).
Everyone else gets 404.
"""

from __future__ import annotations

from sotkabinet.accounts.access import register_policy
from sotkabinet.courts.services import court_today

from .act_selectors import is_case_attorney, is_case_staff
from .models import Act, Case


def case_policy(user, action: str, case: Case) -> bool:
    """Parties and their attorneys, the judge and the court's staff see a case.
    close: only the case's judge marks it closed or open (issue 9, closed proceedings)."""
    if action == "close":
        return user.pk == case.judge_id
    if action != "view":
        return False
    if is_case_staff(user, case):
        return True
    if case.participants.filter(user=user).exists():
        return True
    return is_case_attorney(user, case, court_today(case.court))


def act_policy(user, action: str, act: Act) -> bool:
    """As the case; parties see an act once it is signed and published (R-ACT-4)."""
    if action != "view" or not case_policy(user, "view", act.case):
        return False
    return act.published_at is not None or is_case_staff(user, act.case)


register_policy(Case, case_policy)
register_policy(Act, act_policy)
