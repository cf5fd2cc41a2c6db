"""Object-level access to filings and attachments (registered with sotkabinet.accounts.access)."""

from __future__ import annotations

from sotkabinet.accounts.access import court_ids_of, register_policy

from .models import Attachment, Filing, FilingStatus, PowerOfAttorney


def filing_policy(user, action: str, filing: Filing) -> bool:
    """The author and the principal see and act on their filing; the court's staff see it
    once it is sent. An unsent draft is private to its author and principal: no court role
    (clerk, judge, secretary, chairman, archivist) sees it, and it is 404 to them (issue 9,
    "Unsent drafts are private"; README "Access")."""
    if user.pk in (filing.author_id, filing.principal_id):
        return True
    if action == "view" and filing.status != FilingStatus.DRAFT:
        return filing.court_id in court_ids_of(user)
    return False


def attachment_policy(user, action: str, attachment: Attachment) -> bool:
    return filing_policy(user, action, attachment.filing)


def power_policy(user, action: str, power: PowerOfAttorney) -> bool:
    if user.pk == power.principal_id:
        return True
    if action == "view":
        return power.attorneys.filter(iin=user.login).exists()
    return False


register_policy(Filing, filing_policy)
register_policy(Attachment, attachment_policy)
register_policy(PowerOfAttorney, power_policy)
