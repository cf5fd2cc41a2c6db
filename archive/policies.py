"""Object-level access to archives (registered with sotkabinet.accounts.access). SPEC R-ARC-2:
"protect documents from unauthorised access" and "give interested persons access in the lawful
order".

- view (the archive card, `verify`, the paper copy, item downloads): the case's judge and
  secretary, the archivists of the case's court, and the case's participants and their
  attorneys under an active power of attorney: for their own case only;
- export (the state-archive package, R-ARC-4) and dispose (R-ARC-1): archivists of the court.

Anyone else gets 404 from the views. Every permitted read is logged (`services.record_access`).
"""

from __future__ import annotations

from registry.act_selectors import is_case_attorney
from sotkabinet.accounts.access import has_role, register_policy
from sotkabinet.accounts.models import Role
from sotkabinet.courts.services import court_today

from .models import ArchiveTransfer


def is_archivist(user, transfer: ArchiveTransfer) -> bool:
    return has_role(user, Role.ARCHIVIST, transfer.court_id)


def is_case_party(user, transfer: ArchiveTransfer) -> bool:
    case = transfer.case
    if case.participants.filter(user=user).exists():
        return True
    return is_case_attorney(user, case, court_today(transfer.court))


def archive_policy(user, action: str, transfer: ArchiveTransfer) -> bool:
    case = transfer.case
    if action == "view":
        return (
            user.pk in (case.judge_id, case.secretary_id)
            or is_archivist(user, transfer)
            or is_case_party(user, transfer)
        )
    if action in ("export", "dispose"):
        return is_archivist(user, transfer)
    return False


register_policy(ArchiveTransfer, archive_policy)
