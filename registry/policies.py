"""Object-level access to cases and acts (registered with sotkabinet.accounts.access)."""

from __future__ import annotations

from sotkabinet.accounts.access import court_ids_of, register_policy

from .models import Act, Case


def case_policy(user, action: str, case: Case) -> bool:
    """Parties and their attorneys, the judge and the court's staff see a case."""
    if action == "view":
        if user.pk in (case.judge_id, case.secretary_id):
            return True
        if case.court_id in court_ids_of(user):
            return True
        return case.participants.filter(user=user).exists()
    return False


def act_policy(user, action: str, act: Act) -> bool:
    if action == "view":
        if not case_policy(user, "view", act.case):
            return False
        # Parties see an act once it is signed and published (R-ACT-4); staff see drafts.
        return (
            act.published_at is not None
            or act.case.court_id in court_ids_of(user)
            or (user.pk == act.case.judge_id)
        )
    return False


register_policy(Case, case_policy)
register_policy(Act, act_policy)
