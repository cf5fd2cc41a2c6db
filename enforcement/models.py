"""Executive documents (writs), their history, and the transactional outbox to АИС ОИП.

This module is the court's side (SPEC R-ENF-1..3, R-ENF-5). The receiving side, the regional
chamber's stand-in for АИС ОИП with the bailiff registry (R-ENF-4, R-ENF-6), keeps its own
tables in ``enforcement/chamber/models.py``; they are re-exported at the bottom so Django sees
one app.

Writ status machine (docs/conventions.md "Writs"; the table below is the only place it is written):

    draft → signed_by_judge → dispatched → registered → distributed → bailiff's statuses
    (judge's ЭЦҚ)  (secretary's ЭЦҚ;   (АИС ОИП's    (bailiff
                    outbox row)         number)       assigned)

The bailiff's statuses are those of 000 п.58 (R-ENF-3): refused to initiate, returned without
execution, sent by territory, accepted for execution, suspended, completed. A writ returned or
sent by territory may be resubmitted (002 п.5, п.11): it goes back to ``dispatched``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WritCategory(models.TextChoices):
    """The five distribution categories of 002 п.4 (SPEC R-ENF-4)."""

    INDIVIDUAL_SUM = "individual_sum", _("Sums for an individual")
    LEGAL_ENTITY_SUM = "legal_entity_sum", _("Sums for a legal entity")
    STATE_SUM = "state_sum", _("Sums for the state up to 1000 MCI")
    ALIMONY = "alimony", _("Alimony")
    NON_PROPERTY = "non_property", _("Non-property (eviction, moving in, demolition, ...)")


class WritStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED_BY_JUDGE = "signed_by_judge", _("Signed by the judge")
    DISPATCHED = "dispatched", _("Sent to the enforcement system")
    REGISTERED = "registered", _("Registered by the enforcement system")
    DISTRIBUTED = "distributed", _("Distributed to a bailiff")
    # The bailiff's statuses, 000 п.58 (R-ENF-3).
    REFUSED = "refused", _("Refused to initiate")
    RETURNED = "returned", _("Returned without execution")
    BY_TERRITORY = "by_territory", _("Sent by territory")
    ACCEPTED = "accepted", _("Accepted for execution")
    SUSPENDED = "suspended", _("Suspended")
    COMPLETED = "completed", _("Completed")


# The bailiff may report these (docs/api.md: `POST /enforcement/writs/{id}/status/`).
BAILIFF_STATUSES: tuple[str, ...] = (
    WritStatus.REFUSED,
    WritStatus.RETURNED,
    WritStatus.BY_TERRITORY,
    WritStatus.ACCEPTED,
    WritStatus.SUSPENDED,
    WritStatus.COMPLETED,
)
# A writ in one of these is in a bailiff's proceedings: it moves with them on redistribution.
OPEN_STATUSES: frozenset[str] = frozenset(
    {WritStatus.DISTRIBUTED, WritStatus.ACCEPTED, WritStatus.SUSPENDED}
)

WRIT_TRANSITIONS: dict[str, frozenset[str]] = {
    WritStatus.DRAFT: frozenset({WritStatus.SIGNED_BY_JUDGE}),
    WritStatus.SIGNED_BY_JUDGE: frozenset({WritStatus.DISPATCHED}),
    WritStatus.DISPATCHED: frozenset({WritStatus.REGISTERED}),
    WritStatus.REGISTERED: frozenset({WritStatus.DISTRIBUTED}),
    WritStatus.DISTRIBUTED: frozenset(
        {
            WritStatus.REFUSED,
            WritStatus.RETURNED,
            WritStatus.BY_TERRITORY,
            WritStatus.ACCEPTED,
            WritStatus.DISTRIBUTED,  # redistribution (п.18) or reassignment (п.12)
        }
    ),
    WritStatus.ACCEPTED: frozenset(
        {
            WritStatus.SUSPENDED,
            WritStatus.COMPLETED,
            WritStatus.RETURNED,
            WritStatus.BY_TERRITORY,
            WritStatus.DISTRIBUTED,
        }
    ),
    WritStatus.SUSPENDED: frozenset(
        {
            WritStatus.ACCEPTED,
            WritStatus.COMPLETED,
            WritStatus.RETURNED,
            WritStatus.DISTRIBUTED,
        }
    ),
    # 002 п.5, п.11: the claimant's application resubmits a returned writ.
    WritStatus.RETURNED: frozenset({WritStatus.DISPATCHED}),
    WritStatus.BY_TERRITORY: frozenset({WritStatus.DISPATCHED}),
    WritStatus.REFUSED: frozenset(),
    WritStatus.COMPLETED: frozenset(),
}


class Writ(models.Model):
    """An executive document (атқару құжаты): SPEC R-ENF-1, R-ENF-2.

    Issued on a signed act after legal force (or at once for immediate execution), certified by
    the judge's and then the session secretary's ЭЦҚ over ``signing_payload``, which holds the
    writ's fields and the act's SHA-256, so the copy of the act travels bound to the writ.
    """

    number = models.CharField(max_length=60, unique=True, help_text="<case number>/АҚ-<n>.")
    sequence = models.PositiveIntegerField(help_text="n-th writ of the case.")
    act = models.ForeignKey("registry.Act", on_delete=models.PROTECT, related_name="writs")
    case = models.ForeignKey("registry.Case", on_delete=models.PROTECT, related_name="writs")
    court = models.ForeignKey("courts.Court", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=16, choices=WritStatus.choices, default=WritStatus.DRAFT, db_index=True
    )
    category = models.CharField(max_length=20, choices=WritCategory.choices)
    claimant = models.JSONField(help_text='{"name", "iin_bin", "district"?}: өндіріп алушы.')
    debtor = models.JSONField(help_text='{"name", "iin_bin", "district"}: борышкер.')
    debtor_district = models.ForeignKey(
        "courts.District",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Where the debtor is registered: the bailiff territory (002 п.9-10).",
    )
    amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    immediate = models.BooleanField(
        default=False, help_text="Immediate execution: before legal force (000 п.51, 002 п.7)."
    )
    state_interest = models.BooleanField(
        default=False,
        help_text="Non-property writ executed in the state's interest: not distributed (002 п.4).",
    )
    act_sha256 = models.CharField(max_length=64, help_text="The act's signed SHA-256.")
    act_document = models.CharField(max_length=300, help_text="The act's stored document.")
    signing_payload = models.TextField(
        help_text="Canonical JSON the judge and the secretary sign (docs/conventions.md 'Signing')."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    judge_signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    judge_signed_at = models.DateTimeField(null=True, blank=True)
    judge_signature_cms = models.BinaryField(null=True, blank=True, editable=False)
    judge_signature_verdict = models.JSONField(null=True, blank=True)
    secretary_signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    secretary_signed_at = models.DateTimeField(null=True, blank=True)
    secretary_signature_cms = models.BinaryField(null=True, blank=True, editable=False)
    secretary_signature_verdict = models.JSONField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    resubmissions = models.PositiveSmallIntegerField(
        default=0, help_text="Times resubmitted after return / transfer by territory (002 п.11)."
    )
    enforcement_number = models.CharField(
        max_length=64, blank=True, help_text="АИС ОИП registration number (000 п.57)."
    )
    registered_at = models.DateTimeField(null=True, blank=True)
    distribution_deadline = models.DateField(
        null=True, blank=True, help_text="3 working days after registration, or at once (002 п.7)."
    )
    distribution_overdue_at = models.DateTimeField(
        null=True, blank=True, help_text="When the deadline job found it undistributed in time."
    )
    bailiff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="writs_as_bailiff",
        help_text="The private bailiff the writ was distributed to.",
    )
    distributed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("executive document")
        verbose_name_plural = _("executive documents")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "sequence"], name="writ_case_sequence"),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="writ_amount_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["status", "distribution_deadline"])]

    def __str__(self) -> str:
        return self.number

    @property
    def signing_payload_bytes(self) -> bytes:
        return self.signing_payload.encode("utf-8")


class WritEvent(models.Model):
    """The writ's history (the writ's `history`): every status, with who and why."""

    writ = models.ForeignKey(Writ, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=WritStatus.choices)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.writ_id} {self.status} {self.at:%Y-%m-%d %H:%M}"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Dead letter")


class OutboxMessage(models.Model):
    """A message to АИС ОИП, written in the same transaction as the writ's status change.

    SPEC R-ENF-3. The row exists iff the dispatch does; a worker (and the beat job that picks up
    anything due) sends it over HTTP with ``idempotency_key`` as the Idempotency-Key header, so
    re-sending after a crash cannot register the writ twice. ``next_attempt_at`` doubles as the
    lease of the worker that claimed it: a claim pushes it forward, so a crashed send is retried
    once the lease runs out.
    """

    topic = models.CharField(max_length=32, help_text="writ.dispatch | writ.resubmit")
    writ = models.ForeignKey(Writ, on_delete=models.PROTECT, related_name="outbox_messages")
    idempotency_key = models.CharField(max_length=200, unique=True)
    payload = models.JSONField(help_text="The R-ENF-3 payload, as sent.")
    status = models.CharField(
        max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True, help_text="АИС ОИП's answer.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.topic} {self.idempotency_key} ({self.status})"


from enforcement.chamber.models import (  # noqa: E402  (one app, two sides)
    AssignmentEnd,
    AssignmentKind,
    BailiffAbsence,
    BailiffAssignment,
    BailiffProfile,
    InboundRequest,
    LicenceStatus,
    Registration,
    RegistrationStatus,
)

__all__ = [
    "BAILIFF_STATUSES",
    "OPEN_STATUSES",
    "WRIT_TRANSITIONS",
    "AssignmentEnd",
    "AssignmentKind",
    "BailiffAbsence",
    "BailiffAssignment",
    "BailiffProfile",
    "InboundRequest",
    "LicenceStatus",
    "OutboxMessage",
    "OutboxStatus",
    "Registration",
    "RegistrationStatus",
    "Writ",
    "WritCategory",
    "WritEvent",
    "WritStatus",
]
