"""The chamber's deadline job (SPEC R-ENF-5): 002 п.7 distribution within 3 working days (or at
once), п.8 handover within 3 working days, п.15 telling the claimant within 3 working days."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from enforcement import distribution as engine
from sotkabinet.core.services import Text, audit, notify
from sotkabinet.core.timefmt import LocalDate

from . import inputs, portal
from .models import BailiffAssignment, Registration, RegistrationStatus

S = RegistrationStatus


def chamber_flag_overdue(*, today: date | None = None) -> dict[str, int]:
    """Flag what missed a deadline of 002 п.7 (distribution), п.8 (handover) and п.15 (telling
    the claimant), and notify the chamber (and the bailiff). Each is flagged once."""
    today = today or inputs.chamber_today()
    now = timezone.now()
    counts = {"distribution": 0, "handover": 0, "notification": 0}
    staff = list(inputs.chamber_staff())

    late = Registration.objects.filter(
        status=S.REGISTERED,
        distribution_deadline__lt=today,
        distribution_overdue_at__isnull=True,
    ).exclude(distribution_rule=engine.Rule.STATE_INTEREST_EXCLUDED)
    for registration in late:
        with transaction.atomic():
            updated = Registration.objects.filter(
                pk=registration.pk, distribution_overdue_at__isnull=True
            ).update(distribution_overdue_at=now)
            if not updated:
                continue
            audit(None, "ais_oip.distribution_overdue", registration)
            for user in staff:
                notify(
                    user,
                    "writ.distribution_overdue",
                    Text(
                        gettext_lazy(
                            "%(number)s was not distributed by %(date)s (002 п.7): %(reason)s"
                        ),
                        number=registration.number,
                        date=LocalDate(registration.distribution_deadline),
                        reason=registration.distribution_reason or "-",
                    ),
                    link=portal.writ_link(registration),
                )
        counts["distribution"] += 1

    checks = (
        ("handover", "handed_over_at", "handover_deadline", "handover_overdue_at", "п.8"),
        (
            "notification",
            "claimant_notified_at",
            "notification_deadline",
            "notification_overdue_at",
            "п.15",
        ),
    )
    for name, done, deadline, flag, point in checks:
        overdue = BailiffAssignment.objects.filter(
            ended_at__isnull=True,
            **{f"{done}__isnull": True, f"{deadline}__lt": today, f"{flag}__isnull": True},
        ).select_related("registration", "bailiff")
        for assignment in overdue:
            with transaction.atomic():
                updated = BailiffAssignment.objects.filter(
                    pk=assignment.pk, **{f"{flag}__isnull": True}
                ).update(**{flag: now})
                if not updated:
                    continue
                audit(None, f"ais_oip.{name}_overdue", assignment.registration)
                text = Text(
                    gettext_lazy(
                        "%(number)s: the %(what)s deadline %(date)s (002 %(point)s) passed."
                    ),
                    number=assignment.registration.number,
                    what=name,
                    date=LocalDate(getattr(assignment, deadline)),
                    point=point,
                )
                for user in [assignment.bailiff, *staff]:
                    notify(
                        user,
                        f"writ.{name}_overdue",
                        text,
                        link=portal.writ_link(assignment.registration),
                    )
            counts[name] += 1
    return counts
