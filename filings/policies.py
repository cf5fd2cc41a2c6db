"""Object-level access to filings and attachments (registered with sotkabinet.accounts.access)."""

from __future__ import annotations

from sotkabinet.accounts.access import court_ids_of, register_policy

from .models import Attachment, Filing, PowerOfAttorney


def filing_policy(user, action: str, filing: Filing) -> bool:
    """The author and the principal see and act on their filing; the court's staff see it."""
    if user.pk in (filing.author_id, filing.principal_id):
        return True
    if action == "view":
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
