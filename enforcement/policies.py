"""Object-level access to writs (registered with sotkabinet.accounts.access).

`GET writs/{id}/` (docs/api.md): the case parties, the court's staff, the chamber of the
writ's region (the region of the debtor's district, issue 9) and the assigned bailiff. Parties
and the chamber see a writ once it is issued (dispatched); before that it is the court's draft.
Anyone else gets 404 from the views.
"""

from __future__ import annotations

from sotkabinet.accounts.access import chamber_region, court_ids_of, has_role, register_policy
from sotkabinet.accounts.models import Role

from .models import Writ, WritStatus

# Still the court's draft: only the court sees it.
COURT_ONLY_STATUSES = frozenset({WritStatus.DRAFT, WritStatus.SIGNED_BY_JUDGE})


def is_court_side(user, writ: Writ) -> bool:
    """The case's judge and secretary and the court's staff."""
    return user.pk in (writ.case.judge_id, writ.case.secretary_id) or (
        writ.court_id in court_ids_of(user)
    )


def is_party(user, writ: Writ) -> bool:
    return writ.case.participants.filter(user=user).exists()


def is_regional_chamber(user, writ: Writ) -> bool:
    """The chamber of the writ's region: the region of the debtor's district, where the writ
    is enforced (002 п.9). Another region's chamber does not see it (issue 9)."""
    region = chamber_region(user)
    return region is not None and writ.debtor_district.region == region


def writ_policy(user, action: str, writ: Writ) -> bool:
    """view: as above. sign: the judge or a session secretary of the court (R-ENF-2).
    report_status: the assigned bailiff (R-ENF-3). reassign: the chamber of the writ's region
    (002 п.12, issue 9).
    resubmit: a party (the claimant's application, 002 п.5) or the court's staff."""
    if action == "view":
        if is_court_side(user, writ):
            return True
        if writ.bailiff_id is not None and writ.bailiff_id == user.pk:
            return True
        if writ.status in COURT_ONLY_STATUSES:
            return False
        return is_regional_chamber(user, writ) or is_party(user, writ)
    if action == "sign":
        return user.pk == writ.case.judge_id or has_role(user, Role.SECRETARY, writ.court_id)
    if action == "report_status":
        return writ.bailiff_id is not None and writ.bailiff_id == user.pk
    if action == "reassign":
        return writ.status not in COURT_ONLY_STATUSES and is_regional_chamber(user, writ)
    if action == "resubmit":
        return is_court_side(user, writ) or is_party(user, writ)
    return False


register_policy(Writ, writ_policy)
