"""The receiving side: registrations in the АИС ОИП stand-in and the regional chamber's bailiffs.

SPEC R-ENF-3 (registration number, date, "registered"), R-ENF-4 (002: the bailiff registry and
the distribution it feeds), R-ENF-5 (deadlines), R-ENF-6 (the report counts assignments).
These tables belong to the chamber, not to the court: the court's side reaches them only over
the HTTP API in ``enforcement/chamber/api.py``, and hears back through ``chamber/portal.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LicenceStatus(models.TextChoices):
    """002 п.3, п.18: only an active licence receives writs."""

    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")
    REVOKED = "revoked", _("Revoked")


class BailiffProfile(models.Model):
    """A private bailiff in the regional chamber's registry (SPEC R-ENF-4).

    The districts live on the user (``User.district``, ``User.attached_districts``); this row
    holds what the chamber decides: licence, membership, moves, the voluntary suspension of
    distribution for an unpaid chamber post (002 п.17). A bailiff user without a row counts as
    active with no post.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bailiff_profile"
    )
    licence_number = models.CharField(max_length=40, blank=True)
    licence_status = models.CharField(
        max_length=12, choices=LicenceStatus.choices, default=LicenceStatus.ACTIVE
    )
    expelled = models.BooleanField(
        default=False, help_text="Expelled from the Republican chamber (002 п.3, п.18)."
    )
    moved_out = models.BooleanField(
        default=False, help_text="Moved to another enforcement district (002 п.3, п.18)."
    )
    chamber_post = models.CharField(
        max_length=200,
        blank=True,
        help_text="Unpaid post: head or deputy of the regional chamber, Republican body (п.17).",
    )
    distribution_suspended = models.BooleanField(
        default=False, help_text="Distribution suspended at the bailiff's request (002 п.17)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("private bailiff")
        verbose_name_plural = _("private bailiffs")
        ordering = ["user__login"]
        constraints = [
            models.CheckConstraint(
                # п.17 allows the suspension only to holders of an unpaid chamber post.
                condition=~models.Q(distribution_suspended=True, chamber_post=""),
                name="bailiff_suspension_needs_post",
            )
        ]

    def __str__(self) -> str:
        return f"Bailiff {self.user}"


class BailiffAbsence(models.Model):
    """Leave, sickness or a business trip. Over a month away excludes the bailiff (002 п.3)."""

    class Reason(models.TextChoices):
        LEAVE = "leave", _("Leave (labour or study)")
        SICKNESS = "sickness", _("Sickness")
        BUSINESS_TRIP = "business_trip", _("Business trip")
        OTHER = "other", _("Other")

    profile = models.ForeignKey(BailiffProfile, on_delete=models.CASCADE, related_name="absences")
    date_from = models.DateField()
    date_to = models.DateField(null=True, blank=True, help_text="Empty while still away.")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bailiff's absence")
        verbose_name_plural = _("bailiffs' absences")
        ordering = ["-date_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_to__isnull=True)
                | models.Q(date_to__gte=models.F("date_from")),
                name="bailiff_absence_period_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.profile_id} away {self.date_from}–{self.date_to or '…'}"


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    DISTRIBUTED = "distributed", _("Distributed")
    REFUSED = "refused", _("Refused to initiate")
    RETURNED = "returned", _("Returned without execution")
    BY_TERRITORY = "by_territory", _("Sent by territory")
    ACCEPTED = "accepted", _("Accepted for execution")
    SUSPENDED = "suspended", _("Suspended")
    COMPLETED = "completed", _("Completed")


# In a bailiff's proceedings: counts for п.13/п.14 and moves on redistribution (п.18).
OPEN_REGISTRATION_STATUSES = frozenset(
    {RegistrationStatus.DISTRIBUTED, RegistrationStatus.ACCEPTED, RegistrationStatus.SUSPENDED}
)


class Registration(models.Model):
    """An executive document registered in АИС ОИП (000 п.57): number, date, "registered".

    One row per executive document: a resubmission after return (002 п.5, п.11) reopens it.
    The court's payload is kept as received; the fields the distribution needs are copied out.
    """

    number = models.CharField(max_length=32, unique=True, null=True, blank=True)
    source_writ_id = models.BigIntegerField(
        unique=True, help_text="The court system's id of the writ (payload writ.id)."
    )
    writ_number = models.CharField(max_length=60)
    payload = models.JSONField()
    category = models.CharField(max_length=20)
    immediate = models.BooleanField(default=False)
    state_interest = models.BooleanField(default=False)
    debtor_iin_bin = models.CharField(max_length=12, db_index=True)
    debtor_name = models.CharField(max_length=500)
    debtor_district = models.CharField(max_length=32, help_text="District code (002 п.9).")
    case_number = models.CharField(max_length=40, db_index=True)
    court_code = models.CharField(max_length=32)
    status = models.CharField(
        max_length=16, choices=RegistrationStatus.choices, default=RegistrationStatus.REGISTERED
    )
    registered_at = models.DateTimeField(default=timezone.now)
    resubmitted_at = models.DateTimeField(null=True, blank=True)
    distribution_deadline = models.DateField(null=True, blank=True)
    distribution_overdue_at = models.DateTimeField(null=True, blank=True)
    distribution_rule = models.CharField(max_length=32, blank=True)
    distribution_reason = models.TextField(blank=True)
    bailiff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enforcement_registrations",
    )
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The bailiff who initiated the return or transfer by territory (002 п.11).",
    )
    distributed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enforcement registration")
        verbose_name_plural = _("enforcement registrations")
        ordering = ["-registered_at", "-id"]
        indexes = [models.Index(fields=["status", "distribution_deadline"])]

    def __str__(self) -> str:
        return self.number or f"registration {self.pk}"


class InboundRequest(models.Model):
    """The first answer to each Idempotency-Key the receiving API saw (R-ENF-3, docs/api.md)."""

    key = models.CharField(max_length=200, unique=True)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the request body.")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="inbound_requests"
    )
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key


class AssignmentKind(models.TextChoices):
    DISTRIBUTION = "distribution", _("Distribution")
    REDISTRIBUTION = "redistribution", _("Redistribution (002 п.3, п.18)")
    REASSIGNMENT = "reassignment", _("Reassignment by the disciplinary commission (002 п.12)")


class AssignmentEnd(models.TextChoices):
    REFUSED = "refused", _("Refused to initiate")
    RETURNED = "returned", _("Returned without execution")
    BY_TERRITORY = "by_territory", _("Sent by territory")
    COMPLETED = "completed", _("Completed")
    REDISTRIBUTED = "redistributed", _("Redistributed")
    REASSIGNED = "reassigned", _("Reassigned")


class BailiffAssignment(models.Model):
    """Who held which writ, when, and why: the history the special rules and the report use.

    002 п.11 (who returned it), п.12 (reassignments with the commission's decision), п.13, п.14,
    п.18; R-ENF-5 deadlines per assignment; R-ENF-6 counts these rows.
    """

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="assignments"
    )
    bailiff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bailiff_assignments"
    )
    kind = models.CharField(max_length=16, choices=AssignmentKind.choices)
    rule = models.CharField(max_length=32, help_text="distribution.Rule that chose the bailiff.")
    reason = models.TextField()
    category = models.CharField(max_length=20)
    debtor_district = models.CharField(max_length=32)
    assigned_at = models.DateTimeField(default=timezone.now, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_ref = models.CharField(
        max_length=100, blank=True, help_text="The disciplinary commission's decision (п.12)."
    )
    handover_deadline = models.DateField(help_text="002 п.8: 3 working days.")
    handed_over_at = models.DateTimeField(null=True, blank=True)
    handover_overdue_at = models.DateTimeField(null=True, blank=True)
    notification_deadline = models.DateField(help_text="002 п.15: tell the claimant in 3 days.")
    claimant_notified_at = models.DateTimeField(null=True, blank=True)
    notification_overdue_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=16, choices=AssignmentEnd.choices, blank=True)
    materials_deadline = models.DateField(
        null=True, blank=True, help_text="002 п.18: the leaving bailiff sends the materials back."
    )

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=models.Q(ended_at__isnull=True),
                name="one_current_assignment_per_registration",
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} → {self.bailiff_id} ({self.kind})"
