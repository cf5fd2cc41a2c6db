"""Filings made in the cabinet, their attachments and history; state duty; powers of attorney.

Status machine (docs/conventions.md "Filings", SPEC R-ECP-2, R-REG-*):
    draft → submitted → received → registered | rejected
                      ↘ not_received   (failed background ЭЦҚ / file check, 000 п.30)
The allowed transitions are written once, in FILING_TRANSITIONS; services refuse anything else
with a 409 conflict.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Proceeding(models.TextChoices):
    """R-FIL-2."""

    CIVIL = "civil", _("Civil")
    ADMINISTRATIVE = "administrative", _("Administrative")
    CRIMINAL = "criminal", _("Criminal")
    ADMINISTRATIVE_OFFENSE = "administrative_offense", _("Administrative offence")


class Instance(models.TextChoices):
    FIRST = "first", _("First instance")
    APPEAL = "appeal", _("Appeal")
    CASSATION = "cassation", _("Cassation")
    SUPREME = "supreme", _("Supreme Court")


class FilingKind(models.TextChoices):
    """R-FIL-3."""

    CLAIM = "claim", _("Statement of claim")
    STATEMENT = "statement", _("Statement")
    APPEAL = "appeal", _("Appeal")
    CASSATION = "cassation", _("Cassation complaint")
    WITHDRAWAL = "withdrawal", _("Withdrawal")
    MOTION = "motion", _("Motion")
    COUNTERCLAIM = "counterclaim", _("Counterclaim")
    RESPONSE = "response", _("Response")
    PROTOCOL_REMARKS = "protocol_remarks", _("Remarks on the hearing record")
    PROTOCOL_REQUEST = "protocol_request", _("Application for the hearing record")
    APPEAL_LETTER = "appeal_letter", _("Appeal under the law on citizens' appeals")


class FilingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RECEIVED = "received", _("Received")
    NOT_RECEIVED = "not_received", _("Not received")
    REGISTERED = "registered", _("Registered")
    REJECTED = "rejected", _("Rejected")


FILING_TRANSITIONS: dict[str, frozenset[str]] = {
    FilingStatus.DRAFT: frozenset({FilingStatus.SUBMITTED}),
    FilingStatus.SUBMITTED: frozenset({FilingStatus.RECEIVED, FilingStatus.NOT_RECEIVED}),
    FilingStatus.RECEIVED: frozenset({FilingStatus.REGISTERED, FilingStatus.REJECTED}),
    FilingStatus.NOT_RECEIVED: frozenset(),
    FilingStatus.REGISTERED: frozenset(),
    FilingStatus.REJECTED: frozenset(),
}


class NotReceivedReason(models.TextChoices):
    SIGNATURE_INVALID = "signature_invalid", _("The ЭЦҚ is not valid")
    SIGNER_MISMATCH = "signer_mismatch", _("Signed by someone other than the applicant")
    ATTACHMENTS_INVALID = "attachments_invalid", _("Attachments are not valid")


class DutyStatus(models.TextChoices):
    PAID = "paid", _("Paid online (verified)")
    RECEIPT = "receipt", _("Bank receipt uploaded (to check)")
    DEFERRED = "deferred", _("Deferral requested")
    MISSING = "missing", _("Missing")
    NOT_REQUIRED = "not_required", _("Not required")


class RejectionGround(models.TextChoices):
    """R-REG-5 (000 п.37; `other` only in criminal and administrative-offence matters, 001 п.24)."""

    ECP_INVALID = "ecp_invalid", _("The ЭЦҚ is not authentic")
    WRONG_COURT = "wrong_court", _("Not addressed to this court")
    DUPLICATE = "duplicate", _("Resubmission of a document already registered")
    MISSING_ANNEX = "missing_annex", _("Documents listed in the annex are missing")
    UNREADABLE = "unreadable", _("The attached documents are unreadable")
    TITLE_MISMATCH = "title_mismatch", _("An attached document does not match its title")
    WRONG_SECTION = "wrong_section", _("An attached document does not match the chosen section")
    OTHER = "other", _("Other (with the clerk's reason)")


class Filing(models.Model):
    number = models.CharField(
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text="Unique talon number, assigned when the filing is submitted (R-FIL-7).",
    )
    status = models.CharField(
        max_length=16, choices=FilingStatus.choices, default=FilingStatus.DRAFT, db_index=True
    )
    court = models.ForeignKey("courts.Court", on_delete=models.PROTECT, related_name="filings")
    proceeding = models.CharField(max_length=32, choices=Proceeding.choices)
    instance = models.CharField(max_length=16, choices=Instance.choices)
    kind = models.CharField(max_length=32, choices=FilingKind.choices)
    title = models.CharField(max_length=500)
    language = models.CharField(
        max_length=2, default="kk", help_text="Language of proceedings (kk/ru), for distribution."
    )
    parties = models.JSONField(default=list, help_text='[{"role", "name", "iin_bin"}]')
    annex = models.JSONField(default=list, help_text="Titles of the documents in the annex.")
    claim_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    case = models.ForeignKey(
        "registry.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="filings",
        help_text="The case: target of a supplement, or the case opened on registration.",
    )
    supplement_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supplements",
        help_text="Additional documents sent to an existing filing (R-FIL-9).",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="authored_filings",
        help_text="Who made and signs the filing (the applicant, or their attorney).",
    )
    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="filings_on_behalf",
        help_text="On whose behalf an attorney files (R-FIL-10); empty when filing for oneself.",
    )
    power = models.ForeignKey(
        "filings.PowerOfAttorney",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="filings",
    )
    manifest = models.TextField(
        blank=True, help_text="The exact canonical payload the applicant signed (UTF-8 JSON)."
    )
    manifest_sha256 = models.CharField(max_length=64, blank=True)
    signature_cms = models.BinaryField(null=True, blank=True, editable=False)
    signature_verdict = models.JSONField(null=True, blank=True)
    signature_checked_at = models.DateTimeField(null=True, blank=True)
    signer_iin = models.CharField(max_length=12, blank=True)
    signer_bin = models.CharField(max_length=12, blank=True)
    not_received_reason = models.CharField(
        max_length=32, choices=NotReceivedReason.choices, blank=True
    )
    submitted_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="Recorded automatically on sending; counts for time limits (000 п.40–41).",
    )
    received_at = models.DateTimeField(null=True, blank=True)
    registration_deadline = models.DateTimeField(null=True, blank=True, db_index=True)
    duty_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    duty_status = models.CharField(
        max_length=16, choices=DutyStatus.choices, default=DutyStatus.NOT_REQUIRED
    )
    rejection_ground = models.CharField(max_length=32, choices=RejectionGround.choices, blank=True)
    rejection_comment = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True, help_text="Near-deadline reminder.")
    escalated_at = models.DateTimeField(null=True, blank=True, help_text="Overdue escalation.")
    talon_pdf = models.CharField(max_length=300, blank=True, help_text="Stored talon PDF name.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("filing")
        verbose_name_plural = _("filings")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["court", "status", "registration_deadline"])]

    def __str__(self) -> str:
        return self.number or f"draft #{self.pk}"

    @property
    def applicant(self):
        """The person the filing is for: the principal when an attorney files, else the author."""
        return self.principal if self.principal_id else self.author


class FilingEvent(models.Model):
    """History of a filing: every status change and notable event (shown in My cases)."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=FilingStatus.choices)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.filing_id} {self.status} {self.at:%Y-%m-%d %H:%M}"


class AttachmentKind(models.TextChoices):
    DOCUMENT = "document", _("Document")
    DUTY_RECEIPT = "duty_receipt", _("State duty receipt")
    DEFERRAL_PROOF = "deferral_proof", _("Proof for a duty deferral")


class AttachmentStatus(models.TextChoices):
    PENDING = "pending", _("Being checked")
    VALID = "valid", _("Valid")
    INVALID = "invalid", _("Invalid")


class Attachment(models.Model):
    """One file = one document (R-DOC-2), stored under its SHA-256."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(
        max_length=16, choices=AttachmentKind.choices, default=AttachmentKind.DOCUMENT
    )
    title = models.CharField(max_length=500)
    filename = models.CharField(max_length=255, help_text="Sanitised name: no path separators.")
    original_filename = models.CharField(max_length=1000, help_text="As sent; display only.")
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    blob = models.CharField(max_length=300, help_text="Content-addressed storage name.")
    # A damaged PDF that the validator repaired (README "Documents we accept"): the repaired
    # copy is what the court reads; `sha256`/`blob` stay the original, the file that was signed.
    repaired_blob = models.CharField(
        max_length=300, blank=True, help_text="Repaired PDF copy for reading (blank: none)."
    )
    repaired_sha256 = models.CharField(max_length=64, blank=True)
    repaired_size = models.BigIntegerField(null=True, blank=True)
    detected_format = models.CharField(max_length=8, default="unknown")
    status = models.CharField(
        max_length=8, choices=AttachmentStatus.choices, default=AttachmentStatus.PENDING
    )
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    receipt_code = models.CharField(
        max_length=64, blank=True, help_text="Bank receipt code (kind duty_receipt)."
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    validated_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(
        null=True, blank=True, help_text="Cabinet copy removed after six months (R-DOC-7)."
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            # Issue 9 "Bank receipts": one receipt code settles one filing, even under a race
            # (R-FIL-5). Gateway e-receipts carry their payment's code, so this covers both.
            models.UniqueConstraint(
                fields=["receipt_code"],
                condition=~models.Q(receipt_code=""),
                name="filings_attachment_receipt_code_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.sha256[:12]})"

    @property
    def reading_blob(self) -> str:
        """The file a person reads: the repaired copy of a damaged PDF, else the original."""
        return self.repaired_blob or self.blob


class PowerStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class PowerScope(models.TextChoices):
    FILE_CLAIMS = "file_claims", _("File claims and other documents")
    SIGN_DOCUMENTS = "sign_documents", _("Sign documents")
    RECEIVE_ACTS = "receive_acts", _("Receive judicial acts")
    APPEAL = "appeal", _("Appeal")
    WITHDRAW_CLAIM = "withdraw_claim", _("Withdraw the claim")
    SETTLE = "settle", _("Settle")


class PowerOfAttorney(models.Model):
    """Electronic power of attorney (R-FIL-10), signed by the principal or an entity's head."""

    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="powers_given"
    )
    powers = models.JSONField(default=list, help_text="PowerScope values.")
    valid_from = models.DateField()
    valid_until = models.DateField()
    fabula = models.TextField(help_text="Case summary (фабула).")
    status = models.CharField(max_length=8, choices=PowerStatus.choices, default=PowerStatus.DRAFT)
    head_order_blob = models.CharField(max_length=300, blank=True)
    head_order_sha256 = models.CharField(max_length=64, blank=True)
    head_order_filename = models.CharField(max_length=255, blank=True)
    signature_cms = models.BinaryField(null=True, blank=True, editable=False)
    signature_verdict = models.JSONField(null=True, blank=True)
    signer_iin = models.CharField(max_length=12, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="power_period_order",
            )
        ]

    def __str__(self) -> str:
        return f"Power #{self.pk} of {self.principal_id} ({self.status})"


class PowerAttorney(models.Model):
    """An attorney named by ИИН; linked to the account once it exists."""

    power = models.ForeignKey(PowerOfAttorney, on_delete=models.CASCADE, related_name="attorneys")
    iin = models.CharField(max_length=12)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="powers_received",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["power", "iin"], name="power_attorney_unique")
        ]

    def __str__(self) -> str:
        return f"{self.iin} under power #{self.power_id}"


class DutyTariff(models.Model):
    """State duty tariff (R-FIL-5), edited in the admin: a percentage of the claim and/or MCI."""

    proceeding = models.CharField(max_length=32, choices=Proceeding.choices)
    kind = models.CharField(max_length=32, choices=FilingKind.choices)
    applicant_kind = models.CharField(
        max_length=16, blank=True, help_text="individual / legal_entity; empty = any."
    )
    percent_of_claim = models.DecimalField(max_digits=6, decimal_places=3, default=0)
    fixed_mci = models.DecimalField(
        max_digits=8, decimal_places=2, default=0, help_text="Fixed part, in MCI."
    )
    min_mci = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    max_mci = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    basis = models.CharField(max_length=500, help_text="Legal basis shown to the applicant.")
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("state duty tariff")
        verbose_name_plural = _("state duty tariffs")
        ordering = ["proceeding", "kind"]

    def __str__(self) -> str:
        return f"{self.proceeding}/{self.kind}: {self.basis}"


class MciValue(models.Model):
    """Monthly calculation index (МРП/АЕК) by year, for the duty tariff."""

    year = models.PositiveSmallIntegerField(unique=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("MCI value")
        verbose_name_plural = _("MCI values")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"MCI {self.year}: {self.amount}"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    # The gateway confirmed another amount than the payment's: not counted (issue 9).
    MISMATCH = "mismatch", _("Amount mismatch (not counted)")


class Payment(models.Model):
    """An online state-duty payment through the gateway (R-FIL-5, R-REG-4)."""

    filing = models.ForeignKey(Filing, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    status = models.CharField(
        max_length=8, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    reference = models.CharField(max_length=64, unique=True, help_text="Gateway order id.")
    receipt_code = models.CharField(
        max_length=64, unique=True, null=True, blank=True, help_text="Unique e-receipt code."
    )
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    receipt_attachment = models.ForeignKey(
        Attachment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    callback_payload = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("state duty payment")
        verbose_name_plural = _("state duty payments")

    def __str__(self) -> str:
        return f"Payment {self.reference} ({self.status})"


class DeferralGround(models.TextChoices):
    """R-FIL-6 (000 п.20-1): the seven grounds."""

    DISASTER = "disaster", _("Natural disaster")
    UNPAID_SALARY = "unpaid_salary", _("Unpaid salary")
    UNEMPLOYED = "unemployed", _("Registered unemployed")
    ILLNESS = "illness", _("Serious illness over three months")
    UNPAID_GOODS = "unpaid_goods", _("Legal entity unpaid for goods or services")
    SEASONAL = "seasonal", _("Seasonal business")
    SOCIAL_ASSISTANCE = "social_assistance", _("Targeted social assistance")


class Deferral(models.Model):
    filing = models.OneToOneField(Filing, on_delete=models.CASCADE, related_name="deferral")
    ground = models.CharField(max_length=32, choices=DeferralGround.choices)
    explanation = models.TextField()
    proof = models.ForeignKey(Attachment, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("state duty deferral")
        verbose_name_plural = _("state duty deferrals")

    def __str__(self) -> str:
        return f"Deferral of {self.filing_id}: {self.ground}"
