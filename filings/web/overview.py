"""What "My cases" shows at a glance (R-FIL-8, R-FIL-12, R-ACT-4).

For each filing: its status, the deadline that matters now and the next step, in words; the
judicial acts of its case with the day each appeared in the cabinet (that day counts as the
day of receipt, R-ACT-4); and whether an unread notice concerns it, so new acts and status
changes stand out. Acts belong to the registry, a later stage: they are read through the app
registry (apps.get_model), never imported (STYLE "Which way imports run").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext as _

from sotkabinet.core.models import Notification

from ..models import Filing, FilingStatus


@dataclass
class FilingSummary:
    filing: Filing
    next_step: str
    deadline: object = None
    unread: bool = False
    acts: list = field(default_factory=list)


def next_step_of(filing: Filing) -> str:
    """The applicant's next step, or what the court does next, in one sentence."""
    status = filing.status
    if status == FilingStatus.DRAFT:
        return _("Finish the steps and sign the filing with your ЭЦҚ.")
    if status == FilingStatus.SUBMITTED:
        return _("The signature and the files are being checked; the talon is ready.")
    if status == FilingStatus.RECEIVED:
        return _("Received. The court office registers it within one working day.")
    if status == FilingStatus.NOT_RECEIVED:
        return _("Not received: %(reason)s. Correct it and send a new filing.") % {
            "reason": filing.get_not_received_reason_display() or _("see the filing")
        }
    if status == FilingStatus.REGISTERED:
        if filing.case_id:
            return _("Registered in case %(case)s. The judge's acts will appear here.") % {
                "case": filing.case.number
            }
        return _("Registered.")
    if status == FilingStatus.REJECTED:
        return _("Rejected: %(ground)s.") % {"ground": filing.get_rejection_ground_display()}
    return ""


def summaries_for(user, filings: list[Filing]) -> list[FilingSummary]:
    """One summary per filing, with the published acts of its case and the unread flags."""
    unread = list(
        Notification.objects.filter(user=user, read_at__isnull=True).values_list(
            "filing_id", "case_id", "link"
        )
    )
    unread_filings = {filing_id for filing_id, _case, _link in unread if filing_id}
    unread_cases = {case_id for _filing, case_id, _link in unread if case_id}
    unread_links = {link for _filing, _case, link in unread if link}
    case_ids = {filing.case_id for filing in filings if filing.case_id}
    acts_by_case: dict[int, list] = {}
    if case_ids:
        act_model = apps.get_model("registry", "Act")
        for act in act_model.objects.filter(
            case_id__in=case_ids, published_at__isnull=False
        ).order_by("published_at", "pk"):
            act.is_new = f"/api/v1/acts/{act.pk}/" in unread_links
            act.received_on = timezone.localdate(act.published_at)
            acts_by_case.setdefault(act.case_id, []).append(act)
    summaries = []
    for filing in filings:
        deadline = filing.registration_deadline if filing.status == FilingStatus.RECEIVED else None
        summaries.append(
            FilingSummary(
                filing=filing,
                next_step=next_step_of(filing),
                deadline=deadline,
                unread=filing.pk in unread_filings
                or (filing.case_id is not None and filing.case_id in unread_cases),
                acts=acts_by_case.get(filing.case_id, []) if filing.case_id else [],
            )
        )
    return summaries


def mark_read(user, **where) -> int:
    """Mark the user's unread notices matching `where` (filing_id=…, case_id=…) as read."""
    return Notification.objects.filter(user=user, read_at__isnull=True, **where).update(
        read_at=timezone.now()
    )
