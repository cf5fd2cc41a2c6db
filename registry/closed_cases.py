"""Closed proceedings (issue 9; 004: adoption secrecy, private life, minors, sexual offences,
state secrets).

The case's judge marks a case closed, or open again, with a reason. A closed case shows the
public nothing but a document's hash and verdict: `/verify/<code>/` leaves out the act's title,
the case number, the court and the parties (registry.act_selectors.ActVerification). Every
change leaves an audit row and a case event.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sotkabinet.accounts.access import can
from sotkabinet.accounts.models import User
from sotkabinet.core.services import audit
from sotkabinet.errors import DomainError, Forbidden, NotFound

from .models import Case, CaseEvent

REASON_MAX_LENGTH = 500

#: The grounds of 004 the judge's page offers as reasons (any text is accepted).
CLOSED_GROUNDS = [
    gettext_lazy("Secrecy of adoption"),
    gettext_lazy("Private life of the participants"),
    gettext_lazy("Protection of minors"),
    gettext_lazy("Sexual offence"),
    gettext_lazy("State secrets"),
]


def require_may_close(user: User, case: Case) -> None:
    """404 to whoever may not see the case; 403 to those who see it but are not its judge."""
    if not can(user, "view", case):
        raise NotFound()
    if not can(user, "close", case):
        raise Forbidden(_("Only the judge assigned to the case may close or open it."))


@transaction.atomic
def case_set_closed(*, acting_user: User, case: Case, closed: bool, reason: str | None) -> Case:
    """Mark `case` closed (or open again) with the judge's reason.

    Errors: 404 / 403 (access, as above), 400 `reason_required` when the reason is empty.
    Setting the state the case already has is harmless: the reason is updated and recorded.
    """
    require_may_close(acting_user, case)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", details={"reason": [_("Give a reason.")]})
    reason = reason[:REASON_MAX_LENGTH]
    case = Case.objects.select_for_update().get(pk=case.pk)
    was_closed = case.closed
    case.closed = bool(closed)
    case.closed_reason = reason if case.closed else ""
    case.save(update_fields=["closed", "closed_reason"])
    CaseEvent.objects.create(
        case=case,
        kind="closed" if case.closed else "opened",
        note=reason,
        actor=acting_user,
    )
    audit(
        acting_user,
        "case.closed" if case.closed else "case.opened",
        case,
        reason=reason,
        was_closed=was_closed,
    )
    return case
