"""The court's side of enforcement: issue, sign, dispatch and follow a writ (атқару құжаты).

SPEC R-ENF-1 (legal force first, unless immediate), R-ENF-2 (the judge's and then the session
secretary's ЭЦҚ over one payload that binds the act's SHA-256), R-ENF-3 (dispatch through the
transactional outbox; registration, distribution and the bailiff's statuses come back),
R-ENF-5 (the distribution deadline on the court calendar).

Every top-level service runs in one transaction that locks the writ row, checks the move
against ``WRIT_TRANSITIONS`` and writes the history entry, the case event, the audit row and
the notices with it. The ``writ_record_*`` services are how the enforcement system's answers
arrive (the outbox's HTTP response, and ``enforcement/chamber/portal.py`` for the chamber this
project ships); they are idempotent, because answers may arrive twice or out of order.
"""

from __future__ import annotations

import base64
import logging
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filings.models import MciValue
from registry.models import Act, ActStatus, Case, CaseEvent, CaseParticipant
from sotkabinet.accounts.access import has_role
from sotkabinet.accounts.models import Role, User
from sotkabinet.core.services import Text, audit, notify
from sotkabinet.courts.models import District
from sotkabinet.courts.services import calendar_for, court_today
from sotkabinet.errors import Conflict, DomainError, Forbidden
from sotkabinet.signatures.services import canonical_payload, require_valid_signature

from . import distribution, payloads
from .models import WRIT_TRANSITIONS, Writ, WritCategory, WritEvent, WritStatus
from .outbox import outbox_enqueue
from .policies import COURT_ONLY_STATUSES

logger = logging.getLogger(__name__)

# 002 п.4: the "state" category covers sums up to 1000 monthly calculation indices (MCI).
STATE_SUM_MCI_LIMIT = 1000


def writ_link(writ: Writ) -> str:
    """Where a notice about ``writ`` points: its cabinet page (R-FIL-12: a link with each
    notice)."""
    return reverse("enforcement_web:writ_detail", args=[writ.pk])


# -- helpers ----------------------------------------------------------------------------------


def _lock(writ_id: int) -> Writ | None:
    return (
        Writ.objects.select_for_update(of=("self",))
        .select_related("case", "case__judge", "court", "act", "bailiff")
        .filter(pk=writ_id)
        .first()
    )


def _move(writ: Writ, target: str, *, actor: User | None, note: str) -> None:
    """Apply one transition of WRIT_TRANSITIONS with its history entry; 409 otherwise."""
    if target not in WRIT_TRANSITIONS[writ.status]:
        raise Conflict(
            "conflict",
            _("The writ is %(status)s; it cannot become %(target)s.")
            % {"status": writ.status, "target": target},
            details={"status": writ.status, "target": target},
        )
    writ.status = target
    WritEvent.objects.create(writ=writ, status=target, note=note, actor=actor)
    if target not in COURT_ONLY_STATUSES:
        # The case history is the parties' too: a writ appears there once it is issued.
        CaseEvent.objects.create(
            case_id=writ.case_id, kind=f"writ.{target}", note=f"{writ.number}: {note}", actor=actor
        )


def _notify_parties(writ: Writ, kind: str, text: Text) -> None:
    """The case participants (parties and their representatives) see it in their cabinets, each
    in their own language (issue 10)."""
    participants = CaseParticipant.objects.filter(case_id=writ.case_id).select_related("user")
    for participant in participants:
        notify(participant.user, kind, text, link=writ_link(writ), case_id=writ.case_id)


def is_court_secretary(user: User, writ: Writ) -> bool:
    """A session secretary of the writ's court (R-ENF-2)."""
    return has_role(user, Role.SECRETARY, writ.court_id)


# -- issue ------------------------------------------------------------------------------------


def _next_sequence(case: Case) -> int:
    """The next writ number of the case; the case row stays locked until the transaction ends."""
    Case.objects.select_for_update().filter(pk=case.pk).first()
    last = Writ.objects.filter(case=case).order_by("-sequence").values_list("sequence", flat=True)
    return (last.first() or 0) + 1


@transaction.atomic
def writ_create(
    *,
    acting_user: User,
    act: Act,
    claimant: dict,
    debtor: dict,
    category: str,
    amount: Decimal | None = None,
    immediate: bool = False,
    state_interest: bool = False,
) -> Writ:
    """Issue a writ on ``act`` as a draft (SPEC R-ENF-1, R-ENF-2; `POST acts/{id}/writs/`).

    The caller is the case's judge (the view checks). The act must be signed (its copy goes
    with the writ, 000 п.52); before legal force only an immediate-execution writ may be issued
    (000 п.51): 409 `not_in_force`. ``debtor["district"]`` is a district code, the bailiff
    territory (002 п.9). A retried POST is made safe by the API's Idempotency-Key.
    """
    act = Act.objects.select_related("case", "case__court", "case__judge").get(pk=act.pk)
    case = act.case
    if act.status != ActStatus.SIGNED:
        raise Conflict("act_not_signed")
    today = court_today(case.court)
    in_force = act.legal_force_date is not None and act.legal_force_date <= today
    if not in_force and not immediate:
        raise Conflict("not_in_force", details={"legal_force_date": act.legal_force_date})
    if state_interest and category != WritCategory.NON_PROPERTY:
        raise DomainError(
            "invalid",
            _("Only a non-property writ can be executed in the state's interest."),
            details={"state_interest": "non_property only"},
        )
    if category == WritCategory.STATE_SUM and amount is not None:
        mci = MciValue.objects.filter(year=today.year).first()
        if mci is not None and amount > mci.amount * STATE_SUM_MCI_LIMIT:
            raise DomainError(
                "state_sum_over_limit",
                details={"limit": f"{mci.amount * STATE_SUM_MCI_LIMIT:.2f}"},
            )
    district = District.objects.get(code=debtor["district"])
    sequence = _next_sequence(case)
    writ = Writ(
        number=f"{case.number}/АҚ-{sequence}",
        sequence=sequence,
        act=act,
        case=case,
        court=case.court,
        category=category,
        claimant=claimant,
        debtor=debtor,
        debtor_district=district,
        amount=amount,
        immediate=immediate,
        state_interest=state_interest,
        act_sha256=act.sha256,
        act_document=act.blob,
        created_by=acting_user,
        created_at=timezone.now(),
    )
    writ.signing_payload = canonical_payload(payloads.signing_document(writ)).decode("utf-8")
    writ.save()
    note = _("Issued on %(act)s.") % {"act": act.title}
    if immediate and not in_force:
        note += " " + _("Immediate execution (000 п.51).")
    WritEvent.objects.create(writ=writ, status=WritStatus.DRAFT, note=note, actor=acting_user)
    audit(acting_user, "writ.create", writ, act=act.pk, category=category, immediate=immediate)
    return writ


# -- sign and dispatch --------------------------------------------------------------------------


@transaction.atomic
def writ_sign(*, acting_user: User, writ: Writ, cms: str) -> Writ:
    """Certify the writ: the judge first, then a session secretary of the court (SPEC R-ENF-2).

    The signature must be valid over ``signing_payload`` and made by the caller's own key
    (identity = login): 400 `signature_invalid` / `signer_mismatch`. A secretary before the
    judge gets 409 `judge_signature_required`. The secretary's signature dispatches the writ at
    once (000 п.56): the outbox row is written in this same transaction (R-ENF-3).
    """
    writ = _lock(writ.pk)
    is_judge = acting_user.pk == writ.case.judge_id
    is_secretary = is_court_secretary(acting_user, writ)
    if not (is_judge or is_secretary):
        raise Forbidden()
    if writ.status == WritStatus.DRAFT:
        if not is_judge:
            raise Conflict("judge_signature_required")
        role = "judge"
    elif writ.status == WritStatus.SIGNED_BY_JUDGE:
        if not is_secretary:
            raise Conflict(
                "conflict",
                _("The judge has signed; the session secretary signs next."),
                details={"status": writ.status},
            )
        role = "secretary"
    else:
        raise Conflict("conflict", details={"status": writ.status})

    verdict = require_valid_signature(
        cms, writ.signing_payload_bytes, identities={acting_user.login}
    )
    now = timezone.now()
    cms_bytes = base64.b64decode(cms) if isinstance(cms, str) else bytes(cms)
    if role == "judge":
        writ.judge_signer = acting_user
        writ.judge_signed_at = now
        writ.judge_signature_cms = cms_bytes
        writ.judge_signature_verdict = verdict.to_dict()
        _move(writ, WritStatus.SIGNED_BY_JUDGE, actor=acting_user, note=_("Signed by the judge."))
        writ.save()
        audit(acting_user, "writ.sign.judge", writ)
        return writ

    writ.secretary_signer = acting_user
    writ.secretary_signed_at = now
    writ.secretary_signature_cms = cms_bytes
    writ.secretary_signature_verdict = verdict.to_dict()
    audit(acting_user, "writ.sign.secretary", writ)
    _dispatch(writ, actor=acting_user, note=_("Signed by the session secretary; sent to АИС ОИП."))
    return writ


def _dispatch(writ: Writ, *, actor: User | None, note: str, resubmission: bool = False) -> None:
    """Move to `dispatched` and write the outbox row in the caller's transaction (R-ENF-3)."""
    _move(writ, WritStatus.DISPATCHED, actor=actor, note=note)
    writ.dispatched_at = timezone.now()
    writ.distribution_overdue_at = None
    writ.save()
    outbox_enqueue(
        writ=writ,
        topic="writ.resubmit" if resubmission else "writ.dispatch",
        payload=payloads.dispatch_payload(writ, resubmission=resubmission),
    )
    _notify_parties(
        writ,
        "writ.dispatched",
        Text(
            gettext_lazy("Executive document %(number)s was sent for enforcement."),
            number=writ.number,
        ),
    )


@transaction.atomic
def writ_resubmit(*, acting_user: User, writ: Writ) -> Writ:
    """Send a writ returned without execution or sent by territory again (002 п.5, п.11).

    On the claimant's application (a case participant) or by the court's staff. АИС ОИП finds
    the registered document and gives it back to the bailiff who returned it (п.11).
    """
    writ = _lock(writ.pk)
    if writ.status not in (WritStatus.RETURNED, WritStatus.BY_TERRITORY):
        raise Conflict("conflict", details={"status": writ.status})
    writ.resubmissions += 1
    audit(acting_user, "writ.resubmit", writ, resubmission=writ.resubmissions)
    _dispatch(
        writ,
        actor=acting_user,
        note=_("Resubmitted for enforcement (002 п.11)."),
        resubmission=True,
    )
    return writ


# -- answers from the enforcement system (idempotent) ---------------------------------------


def _apply_registration(writ: Writ, enforcement_number: str, registered_at: datetime) -> bool:
    """`dispatched` → `registered` with АИС ОИП's number and date (000 п.57). False if already."""
    if writ.status != WritStatus.DISPATCHED:
        if writ.enforcement_number and writ.enforcement_number != enforcement_number:
            logger.error(
                "writ %s: АИС ОИП answered number %s, but it is registered as %s",
                writ.pk,
                enforcement_number,
                writ.enforcement_number,
            )
        return False
    if not writ.enforcement_number:
        writ.enforcement_number = enforcement_number
        writ.registered_at = registered_at
    # 002 п.7: 3 working days from the arrival (a resubmission arrives anew), or at once.
    arrived = max(writ.registered_at, writ.dispatched_at or writ.registered_at)
    calendar = calendar_for(writ.court)
    writ.distribution_deadline = distribution.distribution_deadline(
        arrived.astimezone(writ.court.tzinfo).date(), writ.immediate, calendar
    )
    _move(
        writ,
        WritStatus.REGISTERED,
        actor=None,
        note=_("Registered by АИС ОИП: № %(number)s of %(date)s.")
        % {
            "number": enforcement_number,
            "date": registered_at.astimezone(writ.court.tzinfo).date().isoformat(),
        },
    )
    writ.save()
    audit(None, "writ.registered", writ, enforcement_number=enforcement_number)
    _notify_parties(
        writ,
        "writ.registered",
        Text(
            gettext_lazy(
                "Executive document %(number)s is registered for enforcement under № %(reg)s."
            ),
            number=writ.number,
            reg=enforcement_number,
        ),
    )
    return True


@transaction.atomic
def writ_record_registration(
    *, writ_id: int, enforcement_number: str, registered_at: datetime
) -> Writ | None:
    """АИС ОИП registered the writ (R-ENF-3, 000 п.57). Safe to call twice or after
    distribution already arrived; None if the writ does not exist."""
    writ = _lock(writ_id)
    if writ is None:
        logger.warning("registration for unknown writ %s (№ %s)", writ_id, enforcement_number)
        return None
    _apply_registration(writ, enforcement_number, registered_at)
    return writ


def _same_document(writ: Writ | None, writ_id: int, writ_number: str) -> bool:
    """The enforcement system's news names the writ by id and number; both must match."""
    if writ is None or writ.number != writ_number:
        logger.error(
            "news from АИС ОИП for writ %s (%s) matches no writ here", writ_id, writ_number
        )
        return False
    return True


@transaction.atomic
def writ_record_distribution(
    *,
    writ_id: int,
    writ_number: str,
    enforcement_number: str,
    registered_at: datetime,
    bailiff: User | None,
    note: str,
) -> Writ | None:
    """The chamber distributed (or redistributed, п.3, п.12, п.18) the writ: SPEC R-ENF-4.

    ``bailiff`` None means the writ waits for redistribution (no eligible bailiff). Arrives
    from the enforcement system, possibly before the HTTP answer to the dispatch: a
    `dispatched` writ is registered first. A repeat of the current state changes nothing.
    """
    writ = _lock(writ_id)
    if not _same_document(writ, writ_id, writ_number):
        return None
    if writ.status == WritStatus.DISPATCHED:
        _apply_registration(writ, enforcement_number, registered_at)
    bailiff_id = bailiff.pk if bailiff is not None else None
    if writ.bailiff_id == bailiff_id and writ.status == WritStatus.DISTRIBUTED:
        return writ
    if bailiff is None:
        if writ.status == WritStatus.REGISTERED:
            return writ
        _move(writ, WritStatus.REGISTERED, actor=None, note=note)
        writ.bailiff = None
        writ.distributed_at = None
        writ.save()
        audit(None, "writ.undistributed", writ, note=note)
        return writ
    _move(writ, WritStatus.DISTRIBUTED, actor=None, note=note)
    writ.bailiff = bailiff
    writ.distributed_at = timezone.now()
    writ.save()
    audit(None, "writ.distributed", writ, bailiff=bailiff.login)
    _notify_parties(
        writ,
        "writ.distributed",
        Text(
            gettext_lazy(
                "Executive document %(number)s was distributed to the private bailiff %(name)s."
            ),
            number=writ.number,
            name=bailiff.full_name,
        ),
    )
    return writ


@transaction.atomic
def writ_record_bailiff_status(
    *, writ_id: int, writ_number: str, bailiff: User, status: str, note: str
) -> Writ | None:
    """The bailiff's status (000 п.58; R-ENF-3): shown in the case and the parties' cabinets."""
    writ = _lock(writ_id)
    if not _same_document(writ, writ_id, writ_number):
        return None
    if writ.bailiff_id != bailiff.pk:
        raise Forbidden()
    label = WritStatus(status).label
    _move(writ, status, actor=bailiff, note=f"{label}. {note}".strip())
    writ.save()
    audit(bailiff, "writ.bailiff_status", writ, status=status, note=note)
    text = Text(
        "%(text)s%(note)s",
        text=Text(
            gettext_lazy("Executive document %(number)s: %(status)s."),
            number=writ.number,
            status=WritStatus(status).label,
        ),
        note=f" {note}" if note else "",
    )
    _notify_parties(writ, f"writ.{status}", text)
    return writ


# -- deadlines (SPEC R-ENF-5) -----------------------------------------------------------------


def writs_flag_overdue(now: datetime | None = None) -> list[int]:
    """Flag registered writs whose distribution deadline passed (002 п.7), for the court's view
    of the writ (`overdue`). The chamber's own job tells the chamber. Safe to re-run: a flagged
    writ is not flagged again. Returns the flagged ids."""
    now = now or timezone.now()
    flagged = []
    candidates = Writ.objects.filter(
        status=WritStatus.REGISTERED,
        distribution_overdue_at__isnull=True,
        distribution_deadline__isnull=False,
    ).select_related("court")
    for candidate in candidates:
        if now.astimezone(candidate.court.tzinfo).date() <= candidate.distribution_deadline:
            continue
        with transaction.atomic():
            writ = _lock(candidate.pk)
            if writ.status != WritStatus.REGISTERED or writ.distribution_overdue_at is not None:
                continue
            writ.distribution_overdue_at = now
            writ.save(update_fields=["distribution_overdue_at", "updated_at"])
            audit(None, "writ.distribution_overdue", writ, deadline=str(writ.distribution_deadline))
        flagged.append(candidate.pk)
    return flagged
