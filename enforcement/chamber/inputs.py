"""What the pure distribution engine needs, loaded from the chamber's tables (SPEC R-ENF-4).

The eligible bailiffs with their load per category (002 п.4), their absences (п.3), the open
writs the special rules look at (п.13 alimony, п.14 same case), and the chamber's date and
working calendar (R-ENF-5). Loading the pool locks the bailiffs' profile rows in id order, so
distributions over the same bailiffs run one after another.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Min, Q
from django.utils import timezone

from enforcement import distribution as engine
from sotkabinet.accounts.models import Role, User
from sotkabinet.courts.models import Court
from sotkabinet.courts.services import calendar_for

from .models import (
    OPEN_REGISTRATION_STATUSES,
    AssignmentEnd,
    BailiffAbsence,
    BailiffAssignment,
    BailiffProfile,
    Registration,
)


def chamber_today() -> date:
    """The chamber's working date (the project's time zone)."""
    return timezone.localdate()


def chamber_calendar(court_code: str = ""):
    """The working calendar for the chamber's deadlines (R-ENF-5): the national working days
    with the decrees' transfers; the sending court's hours when it is known here."""
    court = Court.objects.filter(code=court_code).first() if court_code else None
    return calendar_for(court or Court())


def chamber_staff() -> Iterable[User]:
    return User.objects.filter(memberships__role=Role.CHAMBER, is_active=True).distinct()


def current_absences(profile_ids: Iterable[int], today: date) -> dict[int, date]:
    current = BailiffAbsence.objects.filter(profile_id__in=list(profile_ids), date_from__lte=today)
    current = current.filter(Q(date_to__isnull=True) | Q(date_to__gte=today))
    return {
        row["profile_id"]: row["since"]
        for row in current.values("profile_id").annotate(since=Min("date_from"))
    }


def category_loads(bailiff_ids: Iterable[int], year: int) -> dict[int, Counter]:
    """Writs distributed to each bailiff this year, per category (п.4 evenness). A writ that
    moved on by redistribution or reassignment counts for its new holder only."""
    rows = (
        BailiffAssignment.objects.filter(bailiff_id__in=list(bailiff_ids), assigned_at__year=year)
        .exclude(end_reason__in=[AssignmentEnd.REDISTRIBUTED, AssignmentEnd.REASSIGNED])
        .values("bailiff_id", "category")
        .annotate(n=Count("id"))
    )
    loads: dict[int, Counter] = {}
    for row in rows:
        if row["category"] in engine.CATEGORIES:
            loads.setdefault(row["bailiff_id"], Counter())[row["category"]] = row["n"]
    return loads


def engine_bailiff(user: User, profile: BailiffProfile, absent_since, load) -> engine.Bailiff:
    return engine.Bailiff(
        id=user.pk,
        district=user.district.code if user.district_id else "",
        attached_districts=frozenset(district.code for district in user.attached_districts.all()),
        licence=profile.licence_status,
        expelled=profile.expelled,
        absent_since=absent_since,
        moved_out=profile.moved_out,
        distribution_suspended=profile.distribution_suspended,
        load=dict(load or {}),
    )


def lock_profiles(user_ids: list[int]) -> dict[int, BailiffProfile]:
    """Create missing profiles, then lock them in id order (serialises overlapping runs)."""
    BailiffProfile.objects.bulk_create(
        [BailiffProfile(user_id=user_id) for user_id in user_ids], ignore_conflicts=True
    )
    profiles = BailiffProfile.objects.select_for_update().filter(user_id__in=user_ids)
    return {profile.user_id: profile for profile in profiles.order_by("pk")}


def pool(districts: set[str], extra_ids: set[int], today: date) -> list[engine.Bailiff]:
    """The bailiffs who serve ``districts`` (registered or attached, 002 п.9), plus those a
    special rule designates, as the engine sees them today."""
    users = list(
        User.objects.filter(memberships__role=Role.BAILIFF, is_active=True)
        .filter(
            Q(district__code__in=districts)
            | Q(attached_districts__code__in=districts)
            | Q(pk__in=extra_ids)
        )
        .distinct()
        .select_related("district")
        .prefetch_related("attached_districts")
        .order_by("pk")
    )
    profiles = lock_profiles([user.pk for user in users])
    absent = current_absences([profile.pk for profile in profiles.values()], today)
    loads = category_loads(list(profiles), today.year)
    return [
        engine_bailiff(
            user,
            profiles[user.pk],
            absent.get(profiles[user.pk].pk),
            loads.get(user.pk),
        )
        for user in users
    ]


def history(registrations: list[Registration]) -> engine.History:
    """The open writs against these debtors: п.13 (alimony) and п.14 (same case) look here."""
    debtors = {registration.debtor_iin_bin for registration in registrations}
    others = (
        Registration.objects.filter(
            debtor_iin_bin__in=debtors,
            status__in=OPEN_REGISTRATION_STATUSES,
            bailiff__isnull=False,
        )
        .exclude(pk__in=[registration.pk for registration in registrations])
        .order_by("distributed_at", "pk")
    )
    alimony: dict[str, int] = {}
    by_case: dict[tuple[str, str], int] = {}
    for other in others:
        if other.category == "alimony":
            alimony[other.debtor_iin_bin] = other.bailiff_id
        by_case[(other.case_number, other.debtor_iin_bin)] = other.bailiff_id
    return engine.History(alimony_bailiff_by_debtor=alimony, bailiff_by_case_debtor=by_case)


def to_engine(registration: Registration, *, resubmitted: bool) -> engine.WritToDistribute:
    previous = registration.returned_by_id if resubmitted and registration.resubmitted_at else None
    return engine.WritToDistribute(
        id=registration.pk,
        category=registration.category,
        debtor_id=registration.debtor_iin_bin,
        debtor_district=registration.debtor_district,
        case_id=registration.case_number,
        immediate=registration.immediate,
        previous_bailiff_id=previous,
        state_interest=registration.state_interest,
    )


def designated(history: engine.History, *extra: int | None) -> set[int]:
    ids = set(history.alimony_bailiff_by_debtor.values())
    ids |= set(history.bailiff_by_case_debtor.values())
    return ids | {bailiff_id for bailiff_id in extra if bailiff_id is not None}
