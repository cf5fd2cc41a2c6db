"""Cases opened on registration, judges' distribution profiles, and judicial acts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filings.models import Filing
from sotkabinet.errors import Conflict


class CaseCounter(models.Model):
    """Gap-free case numbering per court and year (`<court code>-<year>-<seq>`).

    Incremented under `select_for_update` in the registering transaction, so a rolled-back
    registration never consumes a number and concurrent clerks never share one.
    """

    court = models.ForeignKey("courts.Court", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["court", "year"], name="case_counter_court_year")
        ]

    def __str__(self) -> str:
        return f"{self.court_id}/{self.year}: {self.last}"


class JudgeProfile(models.Model):
    """What automatic distribution weighs for a judge (R-REG-6): languages and categories."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="judge_profiles"
    )
    court = models.ForeignKey("courts.Court", on_delete=models.CASCADE, related_name="+")
    languages = models.JSONField(default=list, help_text='Languages of proceedings: ["kk", "ru"].')
    categories = models.JSONField(
        default=list, help_text="Proceedings the judge handles; empty = all."
    )
    accepts_cases = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("judge's distribution profile")
        verbose_name_plural = _("judges' distribution profiles")
        constraints = [
            models.UniqueConstraint(fields=["user", "court"], name="judge_profile_user_court")
        ]

    def __str__(self) -> str:
        return f"Judge {self.user_id} @ {self.court_id}"


class Case(models.Model):
    number = models.CharField(max_length=40, unique=True)
    court = models.ForeignKey("courts.Court", on_delete=models.PROTECT, related_name="cases")
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases_as_judge"
    )
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_as_secretary",
    )
    proceeding = models.CharField(max_length=32)
    category = models.CharField(max_length=64, help_text="Distribution category (R-REG-6).")
    complexity = models.PositiveSmallIntegerField(default=1, help_text="Distribution weight.")
    language = models.CharField(max_length=2, default="kk")
    closed = models.BooleanField(
        default=False,
        help_text="Closed proceedings (004: adoption secrecy, private life, minors, sexual "
        "offences, state secrets): never shown to the public. Set by the case's judge.",
    )
    closed_reason = models.CharField(
        max_length=500, blank=True, help_text="Why the proceedings are closed (the judge's words)."
    )
    legal_force_date = models.DateField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["court", "year", "sequence"], name="case_court_year_sequence"
            )
        ]

    def __str__(self) -> str:
        return self.number


class CaseParticipant(models.Model):
    """A user who is a party to a case (or acts for one): sees the case and its acts."""

    class Role(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        REPRESENTATIVE = "representative", _("Representative")
        PARTY = "party", _("Party")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_participations"
    )
    role = models.CharField(max_length=16, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="case_participant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.case_id} ({self.role})"


class CaseEvent(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=64)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class ActKind(models.TextChoices):
    DECISION = "decision", _("Decision")
    RULING = "ruling", _("Ruling")
    OPERATIVE_PART = "operative_part", _("Operative part")
    ORDER = "order", _("Court order")


class ActStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")


# SPEC R-ACT-3: once an act is signed these never change. The same list is enforced three times:
# by the services (409 `locked`), by `Act.save` below, and by a database trigger
# (migration registry 0003_act_lock), so neither a queryset `.update()` nor raw SQL gets past it.
ACT_LOCKED_FIELDS: tuple[str, ...] = (
    "case",
    "kind",
    "title",
    "date",
    "status",
    "blob",
    "filename",
    "detected_format",
    "size",
    "sha256",
    "created_by",
    "signed_at",
    "signer",
    "signature_payload",
    "signature_cms",
    "signature_verdict",
    "published_at",
)
# SPEC R-ACT-5: the legal-force mark is set once, on a signed act, and then never changes.
ACT_LEGAL_FORCE_FIELDS: tuple[str, ...] = (
    "legal_force_date",
    "legal_force_signer",
    "legal_force_signed_at",
    "legal_force_payload",
    "legal_force_cms",
    "legal_force_verdict",
    "verify_code",
)


def _comparable(value):
    """BinaryField values come back as memoryview on PostgreSQL and bytes on SQLite."""
    if isinstance(value, memoryview | bytearray):
        return bytes(value)
    return value


class Act(models.Model):
    """A judicial act (R-ACT-*). Locked once signed (R-ACT-3).

    `save()` refuses to change any of `ACT_LOCKED_FIELDS` of a row that is signed in the
    database, and any of `ACT_LEGAL_FORCE_FIELDS` once the legal-force mark is set (409
    `locked`); `delete()` refuses a signed act. The database trigger of migration
    `registry.0003_act_lock` refuses the same updates below the ORM. Services in
    `registry/acts.py` are the only writers.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="acts")
    kind = models.CharField(max_length=16, choices=ActKind.choices)
    title = models.CharField(max_length=500)
    date = models.DateField(help_text="The act's own date (pronounced / signed on paper).")
    status = models.CharField(max_length=8, choices=ActStatus.choices, default=ActStatus.DRAFT)
    blob = models.CharField(max_length=300)
    filename = models.CharField(max_length=255)
    detected_format = models.CharField(max_length=8)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signature_payload = models.TextField(blank=True)
    signature_cms = models.BinaryField(null=True, blank=True, editable=False)
    signature_verdict = models.JSONField(null=True, blank=True)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="Appeared in the parties' cabinets = received (R-ACT-4)."
    )
    legal_force_date = models.DateField(null=True, blank=True)
    legal_force_signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    legal_force_signed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the legal-force mark was signed: its signature is re-verified as of then.",
    )
    legal_force_payload = models.TextField(blank=True)
    legal_force_cms = models.BinaryField(null=True, blank=True, editable=False)
    legal_force_verdict = models.JSONField(null=True, blank=True)
    verify_code = models.CharField(max_length=40, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("judicial act")
        verbose_name_plural = _("judicial acts")
        ordering = ["date", "id"]
        constraints = [
            # SPEC R-ACT-5: the legal-force mark re-signs a signed act.
            models.CheckConstraint(
                condition=models.Q(legal_force_date__isnull=True) | models.Q(status="signed"),
                name="act_legal_force_needs_signature",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"

    def save(self, *args, **kwargs) -> None:
        changed = self.locked_changes()
        if changed:
            raise Conflict("locked", details={"fields": changed})
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if type(self)._base_manager.filter(pk=self.pk, status=ActStatus.SIGNED).exists():
            raise Conflict("locked")
        return super().delete(*args, **kwargs)

    @property
    def is_signed(self) -> bool:
        return self.status == ActStatus.SIGNED

    def locked_changes(self) -> list[str]:
        """The protected fields this instance would change in its stored row (R-ACT-3, R-ACT-5)."""
        if self._state.adding or self.pk is None:
            return []
        fields = [self._meta.get_field(name) for name in ACT_LOCKED_FIELDS + ACT_LEGAL_FORCE_FIELDS]
        stored = (
            type(self)
            ._base_manager.using(self._state.db or "default")
            .filter(pk=self.pk)
            .values(*(field.attname for field in fields))
            .first()
        )
        if stored is None or stored["status"] != ActStatus.SIGNED:
            return []
        protected = list(ACT_LOCKED_FIELDS)
        if stored["legal_force_date"] is not None:
            protected += ACT_LEGAL_FORCE_FIELDS
        changed = []
        for field in fields:
            if field.name not in protected:
                continue
            current = _comparable(getattr(self, field.attname))
            if current != _comparable(stored[field.attname]):
                changed.append(field.name)
        return changed


class IncomingFiling(Filing):
    """The clerk's view of a filing: the registration card and queue in the admin (R-REG-1).

    A proxy of `filings.Filing`, so the registration desk has its own admin screen and
    permissions without touching the filings app's own admin.
    """

    class Meta:
        proxy = True
        verbose_name = _("incoming filing (registration card)")
        verbose_name_plural = _("registration queue")
