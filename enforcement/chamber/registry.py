"""The regional chamber's registry of private bailiffs (SPEC R-ENF-4: 002 п.3, п.17, п.18).

A change that excludes a bailiff (licence suspended, terminated or revoked, expelled, moved to
another district, away over a month) redistributes their open writs in the same transaction;
the voluntary suspension of п.17 needs an unpaid chamber post and only stops new writs.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from enforcement import distribution as engine
from sotkabinet.accounts.models import User
from sotkabinet.core.services import audit
from sotkabinet.errors import DomainError

from . import inputs
from .models import OPEN_REGISTRATION_STATUSES, BailiffAbsence, BailiffProfile, Registration
from .services import bailiff_redistribute

# Reasons a bailiff keeps their open writs: п.17 only stops new ones.
KEEPS_OPEN_WRITS = frozenset({"distribution_suspended"})

PROFILE_FIELDS = frozenset(
    {
        "licence_number",
        "licence_status",
        "expelled",
        "moved_out",
        "chamber_post",
        "distribution_suspended",
    }
)


def bailiff_eligibility(user: User, today: date | None = None) -> str | None:
    """Why ``user`` may not receive writs today (the engine's reason), or None."""
    today = today or inputs.chamber_today()
    profile = BailiffProfile.objects.filter(user=user).first() or BailiffProfile(user=user)
    absent = inputs.current_absences([profile.pk], today).get(profile.pk) if profile.pk else None
    return engine.ineligibility_reason(inputs.engine_bailiff(user, profile, absent, None), today)


def _exclude_if_ineligible(
    user: User, acting_user: User | None, today: date, why: str
) -> list[Registration]:
    reason = bailiff_eligibility(user, today)
    if reason is None or reason in KEEPS_OPEN_WRITS:
        return []
    return bailiff_redistribute(
        bailiff=user, acting_user=acting_user, reason=f"{why}: {reason}", today=today
    )


@transaction.atomic
def bailiff_update(
    *, acting_user: User | None, bailiff: User, changes: dict, today: date | None = None
) -> BailiffProfile:
    """Change the chamber's record of a bailiff. If that excludes them (licence, expulsion,
    move: п.3, п.18), their open writs are redistributed in the same transaction. The voluntary
    suspension (п.17) needs an unpaid chamber post and only stops new writs."""
    today = today or inputs.chamber_today()
    unknown = set(changes) - PROFILE_FIELDS
    if unknown:
        raise DomainError("invalid", details={field: "unknown" for field in sorted(unknown)})
    BailiffProfile.objects.get_or_create(user=bailiff)
    profile = BailiffProfile.objects.select_for_update().get(user=bailiff)
    for field, value in changes.items():
        setattr(profile, field, value)
    if profile.distribution_suspended and not profile.chamber_post:
        raise DomainError("suspension_needs_post")
    profile.save()
    audit(acting_user, "bailiff.update", profile, **{k: str(v) for k, v in changes.items()})
    _exclude_if_ineligible(bailiff, acting_user, today, "registry change")
    return profile


@transaction.atomic
def bailiff_absence_record(
    *,
    acting_user: User | None,
    bailiff: User,
    date_from: date,
    date_to: date | None,
    reason: str,
    note: str = "",
    today: date | None = None,
) -> BailiffAbsence:
    """Record an absence (leave, sickness, trip). Away over a month: excluded, and the open
    writs are redistributed (002 п.3, п.18); the daily job catches absences that cross the
    month later."""
    today = today or inputs.chamber_today()
    profile, _created = BailiffProfile.objects.get_or_create(user=bailiff)
    absence = BailiffAbsence.objects.create(
        profile=profile,
        date_from=date_from,
        date_to=date_to,
        reason=reason,
        note=note,
        recorded_by=acting_user,
    )
    audit(acting_user, "bailiff.absence", profile, date_from=str(date_from), to=str(date_to))
    _exclude_if_ineligible(bailiff, acting_user, today, "absence")
    return absence


def bailiffs_redistribute_ineligible(*, today: date | None = None) -> int:
    """The daily sweep of п.18: any bailiff who became ineligible (an absence crossed a month)
    and still holds open writs loses them. Returns the number of writs moved."""
    today = today or inputs.chamber_today()
    holders = (
        Registration.objects.filter(status__in=OPEN_REGISTRATION_STATUSES, bailiff__isnull=False)
        .values_list("bailiff_id", flat=True)
        .distinct()
    )
    moved = 0
    for user in User.objects.filter(pk__in=list(holders)).select_related("district"):
        moved += len(_exclude_if_ineligible(user, None, today, "daily check"))
    return moved
