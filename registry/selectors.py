"""The registration desk's reads: the clerk's queue with deadline flags, duplicate detection
(SPEC R-REG-3, R-REG-5 ground 3), and the registration card's contents (R-REG-1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from filings.duty.settlement import duty_summary
from filings.models import Attachment, AttachmentKind, Deferral, Filing, FilingStatus
from sotkabinet.accounts.access import court_ids_of
from sotkabinet.accounts.models import Role, User
from sotkabinet.courts.services import calendar_for

from .services import REMINDER_WORKING_TIME

# Who sees a court's registration queue: its clerks, and the chairman who supervises them
# (SPEC R-REG-3 "visible to the clerks and their supervisors"). Only clerks decide.
QUEUE_ROLES = (Role.CLERK, Role.CHAIRMAN)


def queue_court_ids(user: User) -> set[int]:
    return court_ids_of(user, QUEUE_ROLES)


def registry_queue(
    user: User, *, overdue: bool = False, now: datetime | None = None
) -> QuerySet[Filing]:
    """`received` filings of the user's courts, earliest registration deadline first (R-REG-3).

    `overdue=True` keeps only those whose deadline has passed. Filings without a deadline (none
    should exist once received) come last.
    """
    now = now or timezone.now()
    queryset = (
        Filing.objects.filter(status=FilingStatus.RECEIVED, court_id__in=queue_court_ids(user))
        .select_related("court", "author", "principal")
        .prefetch_related("payments")  # the duty's `paid` in each item (issue 9)
        .order_by(
            F("registration_deadline").asc(nulls_last=True),
            F("received_at").asc(nulls_last=True),
            "id",
        )
    )
    if overdue:
        queryset = queryset.filter(registration_deadline__lt=now)
    return queryset


@dataclass(frozen=True)
class DeadlineState:
    """How close a filing is to its registration deadline, on its court's calendar."""

    overdue: bool
    near_deadline: bool
    remaining_working_time: timedelta | None

    @property
    def remaining_working_seconds(self) -> int | None:
        if self.remaining_working_time is None:
            return None
        return int(self.remaining_working_time.total_seconds())


def deadline_state(
    filing: Filing, now: datetime | None = None, *, calendars: dict | None = None
) -> DeadlineState:
    """Overdue once the deadline has passed; near when at most two working hours remain.

    `calendars`, a dict the caller keeps for one page, reuses each court's calendar (and its
    loaded holidays) across the filings of that page.
    """
    if filing.registration_deadline is None or filing.status != FilingStatus.RECEIVED:
        return DeadlineState(overdue=False, near_deadline=False, remaining_working_time=None)
    now = now or timezone.now()
    if now >= filing.registration_deadline:
        return DeadlineState(overdue=True, near_deadline=False, remaining_working_time=timedelta(0))
    if calendars is None:
        calendar = calendar_for(filing.court)
    else:
        calendar = calendars.get(filing.court_id)
        if calendar is None:
            calendar = calendars[filing.court_id] = calendar_for(filing.court)
    remaining = calendar.remaining_working_time(
        now, filing.registration_deadline, tz=filing.court.tzinfo
    )
    return DeadlineState(
        overdue=False,
        near_deadline=remaining <= REMINDER_WORKING_TIME,
        remaining_working_time=remaining,
    )


@dataclass(frozen=True)
class DuplicateMatch:
    """A document of this filing whose bytes equal one in a filing registered in the court."""

    attachment_id: int
    sha256: str
    filing_id: int
    filing_number: str
    case_id: int | None
    case_number: str | None


@dataclass
class DuplicateReport:
    matches: list[DuplicateMatch] = field(default_factory=list)

    @property
    def likely_duplicate(self) -> bool:
        return bool(self.matches)


def duplicate_matches(filing: Filing) -> DuplicateReport:
    """Documents whose SHA-256 matches a document of a filing already registered in the same
    court: a likely resubmission (SPEC R-REG-5 ground 3, `duplicate`). The clerk decides.

    Only documents count (a duty receipt may legitimately be reused as proof elsewhere).
    """
    own = dict(filing.attachments.filter(kind=AttachmentKind.DOCUMENT).values_list("sha256", "id"))
    if not own:
        return DuplicateReport()
    rows = (
        Attachment.objects.filter(
            kind=AttachmentKind.DOCUMENT,
            sha256__in=list(own),
            filing__court_id=filing.court_id,
            filing__status=FilingStatus.REGISTERED,
        )
        .exclude(filing_id=filing.pk)
        .select_related("filing", "filing__case")
        .order_by("filing_id", "id")
    )
    report = DuplicateReport()
    for attachment in rows:
        other = attachment.filing
        report.matches.append(
            DuplicateMatch(
                attachment_id=own[attachment.sha256],
                sha256=attachment.sha256,
                filing_id=other.pk,
                filing_number=other.number or "",
                case_id=other.case_id,
                case_number=other.case.number if other.case_id else None,
            )
        )
    return report


def with_duplicate_flag(queryset: QuerySet[Filing]) -> QuerySet[Filing]:
    """Annotate `likely_duplicate`: a document of the filing has the SHA-256 of a document of a
    filing already registered in the same court (R-REG-5 ground 3), in one SQL query."""
    registered_same = Attachment.objects.filter(
        kind=AttachmentKind.DOCUMENT,
        sha256=OuterRef("sha256"),
        filing__court_id=OuterRef("filing__court_id"),
        filing__status=FilingStatus.REGISTERED,
    ).exclude(filing_id=OuterRef("filing_id"))
    own_documents = Attachment.objects.filter(
        filing_id=OuterRef("pk"), kind=AttachmentKind.DOCUMENT
    ).filter(Exists(registered_same))
    return queryset.annotate(likely_duplicate=Exists(own_documents))


def registration_card(filing: Filing, now: datetime | None = None) -> dict:
    """Everything on the incoming document's registration card (SPEC R-REG-1, 000 п.34):
    the form data, attachments, the ЭЦҚ verdict and signer, duty, history, deadline and the
    duplicate check."""
    now = now or timezone.now()
    court = filing.court
    tz = court.tzinfo
    applicant = filing.applicant
    attorney = filing.author if filing.principal_id else None
    attachments = list(filing.attachments.order_by("kind", "id"))
    documents = [a for a in attachments if a.kind == AttachmentKind.DOCUMENT]
    verdict = filing.signature_verdict or None
    suggested_case = filing.case
    if suggested_case is None and filing.supplement_to_id:
        suggested_case = filing.supplement_to.case

    duty = duty_summary(filing)

    def local(moment: datetime | None) -> datetime | None:
        return timezone.localtime(moment, tz) if moment else None

    return {
        "filing": filing,
        "court": court,
        "applicant": applicant,
        "attorney": attorney,
        "parties": filing.parties or [],
        "annex": filing.annex or [],
        "attachments": attachments,
        # R-DOC-6: a document count that differs from the annex is rejection ground 4.
        "annex_mismatch": len(documents) != len(filing.annex or []),
        "signature": verdict,
        "signers": (verdict or {}).get("signers", []),
        "signature_checked_at": local(filing.signature_checked_at),
        "duty": {
            "amount": filing.duty_amount,
            # Issue 9: the confirmed gateway payments and what they leave due.
            "paid": duty.paid,
            "due": duty.due,
            "status": filing.duty_status,
            "status_label": filing.get_duty_status_display(),
            "payments": list(filing.payments.order_by("created_at")),
            "deferral": Deferral.objects.filter(filing=filing).first(),
        },
        "history": list(filing.events.select_related("actor").order_by("at", "id")),
        "deadline": deadline_state(filing, now),
        "submitted_local": local(filing.submitted_at),
        "received_local": local(filing.received_at),
        "deadline_local": local(filing.registration_deadline),
        "duplicates": duplicate_matches(filing),
        "suggested_case": suggested_case,
    }
