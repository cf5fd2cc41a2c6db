"""The electronic archive (SPEC R-ARC-1..4): transfers, their items, the validation evidence of
every signature, the tamper-evident ledger, the retention schedule and disposal acts.

One `ArchiveTransfer` per case. Its items are copies of the case materials in their original
format (R-ARC-1), stored in `STORAGES["archive"]` under their SHA-256 (local:
`DATA_DIR/archive/<sha256>`, README "Operations"). For each signature a `SignatureRecord` ties
the CMS item, the signed-data item and an evidence item (certificates, chain, CRLs, verdict and
time, R-ARC-2), so authenticity stays provable after the certificates expire.

Tamper evidence: items and ledger entries are immutable through the ORM (`save`/`delete` and the
queryset's `update`/`delete` refuse with 409 `append_only`); anything done beneath the ORM is
found by the integrity audit (`archive.audit`), which recomputes item hashes and the chain.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sotkabinet.errors import Conflict


class RetentionRule(models.Model):
    """How long an archived case is kept (R-ARC-1, 000 п.60: as the paper equivalent).

    The most specific active rule wins: (proceeding, category), then (proceeding, any category),
    then (any, any). No rule at all means permanent storage, so nothing becomes disposable by a
    gap in the schedule. A transfer keeps the period it was given: editing a rule later changes
    only future transfers.
    """

    proceeding = models.CharField(
        max_length=32, blank=True, help_text="civil, administrative, criminal, ...; empty = any."
    )
    category = models.CharField(
        max_length=64, blank=True, help_text="The case category (as on the case); empty = any."
    )
    years = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Retention in years; empty = permanent storage."
    )
    basis = models.CharField(max_length=500, help_text="Legal basis (the nomenclature article).")
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["proceeding", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["proceeding", "category"],
                condition=models.Q(is_active=True),
                name="retention_rule_active_unique",
            )
        ]

    def __str__(self) -> str:
        period = _("permanent") if self.years is None else f"{self.years} y"
        return f"{self.proceeding or '*'}/{self.category or '*'}: {period}"

    @property
    def permanent(self) -> bool:
        return self.years is None


class ArchiveTransfer(models.Model):
    """A case transferred to the archive with the judge-signed inventory (R-ARC-3)."""

    case = models.OneToOneField(
        "registry.Case", on_delete=models.PROTECT, related_name="archive_transfer"
    )
    court = models.ForeignKey("courts.Court", on_delete=models.PROTECT, related_name="+")
    transferred_at = models.DateTimeField(default=timezone.now)
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    inventory_signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The judge whose ЭЦҚ signed the inventory (іс тізімдемесі).",
    )
    inventory_sha256 = models.CharField(max_length=64)
    legal_force_date = models.DateField()
    retention_years = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="As given at transfer; empty = permanent."
    )
    retention_basis = models.CharField(max_length=500, blank=True)
    retention_until = models.DateField(
        null=True, blank=True, help_text="Last day of storage; empty = permanent (R-ARC-4)."
    )
    ledger_length = models.PositiveIntegerField(default=0, help_text="Entries in the chain.")
    ledger_head = models.CharField(max_length=64, blank=True, help_text="Hash of the last entry.")
    last_audit_at = models.DateTimeField(null=True, blank=True)
    last_audit_ok = models.BooleanField(null=True, blank=True)
    disposed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("archive transfer")
        verbose_name_plural = _("archive transfers")
        ordering = ["-transferred_at", "-id"]
        indexes = [models.Index(fields=["retention_until"])]

    def __str__(self) -> str:
        return f"Archive #{self.pk} ({self.case})"

    @property
    def permanent(self) -> bool:
        return self.retention_until is None


class ItemKind(models.TextChoices):
    ATTACHMENT = "attachment", _("Filed document")
    FILING_MANIFEST = "filing_manifest", _("Filing manifest (signed data)")
    FILING_SIGNATURE = "filing_signature", _("Filing ЭЦҚ (CMS)")
    ACT = "act", _("Judicial act")
    ACT_PAYLOAD = "act_payload", _("Act signing payload (signed data)")
    ACT_SIGNATURE = "act_signature", _("Act ЭЦҚ (CMS)")
    LEGAL_FORCE_PAYLOAD = "legal_force_payload", _("Legal-force mark (signed data)")
    LEGAL_FORCE_SIGNATURE = "legal_force_signature", _("Legal-force mark ЭЦҚ (CMS)")
    INVENTORY = "inventory", _("Inventory (іс тізімдемесі)")
    INVENTORY_SIGNATURE = "inventory_signature", _("Inventory ЭЦҚ (CMS)")
    EVIDENCE = "evidence", _("Signature validation evidence")


# Kept by a disposal act: the record of what the archive held and who signed for it.
DISPOSAL_KEEPS: frozenset[str] = frozenset(
    {ItemKind.INVENTORY, ItemKind.INVENTORY_SIGNATURE, ItemKind.EVIDENCE}
)


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk `update()` / `delete()` are refused: archive records change only by appending."""

    def update(self, **kwargs):
        raise Conflict("append_only")

    def delete(self):
        raise Conflict("append_only")

    def _raw_delete(self, using):
        raise Conflict("append_only")


class ArchiveItem(models.Model):
    """One stored file of an archive, in its original format, named by its SHA-256 (R-ARC-1).

    Immutable: only `disposed_at` may be set (by a disposal act); everything else is refused
    with 409 `append_only`.
    """

    MUTABLE_FIELDS = frozenset({"disposed_at"})

    transfer = models.ForeignKey(ArchiveTransfer, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveIntegerField(help_text="Order within the archive (1, 2, ...).")
    kind = models.CharField(max_length=32, choices=ItemKind.choices)
    title = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField()
    extension = models.CharField(max_length=8, help_text="pdf, docx, json, p7s, ...")
    content_type = models.CharField(max_length=100)
    source = models.CharField(
        max_length=100, blank=True, help_text='Where it came from: "filings.Attachment:12".'
    )
    in_inventory = models.BooleanField(
        default=True, help_text="Listed in the judge-signed inventory (evidence is added after)."
    )
    created_at = models.DateTimeField(default=timezone.now)
    disposed_at = models.DateTimeField(null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["transfer", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["transfer", "position"], name="archive_item_transfer_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.sha256[:12]})"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= self.MUTABLE_FIELDS:
                raise Conflict("append_only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Conflict("append_only")

    @property
    def storage_name(self) -> str:
        return self.sha256


class SignatureRecord(models.Model):
    """One archived signature: the CMS, the bytes it signs and the evidence to re-verify it."""

    transfer = models.ForeignKey(
        ArchiveTransfer, on_delete=models.PROTECT, related_name="signatures"
    )
    title = models.CharField(max_length=500)
    signature_item = models.ForeignKey(ArchiveItem, on_delete=models.PROTECT, related_name="+")
    data_item = models.ForeignKey(ArchiveItem, on_delete=models.PROTECT, related_name="+")
    evidence_item = models.ForeignKey(ArchiveItem, on_delete=models.PROTECT, related_name="+")
    validated_at = models.DateTimeField(
        help_text="The original signing / receipt time the signature is verified as of."
    )
    required_identity = models.CharField(
        max_length=12, blank=True, help_text="IIN/BIN that must be among the signers."
    )
    purpose = models.CharField(max_length=8, default="sign")
    archived_verdict = models.JSONField(help_text="The verdict when archived (the verify object).")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["transfer", "id"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise Conflict("append_only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Conflict("append_only")


class LedgerKind(models.TextChoices):
    TRANSFER = "transfer", _("Transfer")
    ITEM = "item", _("Item stored")
    READ = "read", _("Read")
    DOWNLOAD = "download", _("Download")
    PAPER_COPY = "paper_copy", _("Paper copy")
    EXPORT = "export", _("Export to the state archive")
    AUDIT = "audit", _("Integrity audit")
    DISPOSAL = "disposal", _("Disposal")


class LedgerEntry(models.Model):
    """An entry of an archive's hash chain (`archive.ledger`). Append-only.

    Written only by `archive.services.ledger_append`, which serialises appends with a row lock
    on the archive; the unique (transfer, seq) constraint makes a fork impossible even so.
    """

    transfer = models.ForeignKey(ArchiveTransfer, on_delete=models.PROTECT, related_name="ledger")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    kind = models.CharField(max_length=16, choices=LedgerKind.choices)
    payload = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["transfer", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["transfer", "seq"], name="archive_ledger_transfer_seq")
        ]

    def __str__(self) -> str:
        return f"#{self.transfer_id}/{self.seq} {self.kind} {self.hash[:12]}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise Conflict("append_only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Conflict("append_only")


class DisposalAct(models.Model):
    """The explicit, logged decision to destroy an archive's materials after retention (R-ARC-1).

    Nothing is deleted from the archive without one. The inventory, its signature and the
    evidence stay as the record of what was held; the ledger is never touched.
    """

    transfer = models.OneToOneField(
        ArchiveTransfer, on_delete=models.PROTECT, related_name="disposal"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(help_text="Why (the expert commission's decision, its number).")
    basis = models.CharField(max_length=500, blank=True, help_text="The retention rule applied.")
    created_at = models.DateTimeField(default=timezone.now)
    items_disposed = models.PositiveIntegerField(default=0)
    ledger_seq = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("disposal act")
        verbose_name_plural = _("disposal acts")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Disposal of archive #{self.transfer_id}"
