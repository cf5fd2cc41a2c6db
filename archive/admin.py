"""The archivists' screens in the Django admin (SPEC R-ARC-1..4).

- Retention schedule (`RetentionRule`): editable by archivists and superusers (R-ARC-1).
- Archives: read-only cards with items, signatures and the ledger; a "retention ended" filter
  (the disposal-candidates report); actions: run the integrity audit, download the state-archive
  package (R-ARC-4). Archivists see their own courts' archives.
- Disposal acts: created only through the form here (or the API), which calls
  `services.disposal_act_create`; never edited or deleted.
- Ledger entries: read-only; they cannot be changed or deleted at all (models guard).

Every admin read of an archive card and every export is logged like an API read.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sotkabinet.accounts.access import court_ids_of, has_role
from sotkabinet.accounts.models import Role
from sotkabinet.core.services import audit
from sotkabinet.core.timefmt import court_time_column
from sotkabinet.errors import DomainError

from . import export, services, storage
from .audit import audit_transfer
from .models import (
    ArchiveItem,
    ArchiveTransfer,
    DisposalAct,
    LedgerEntry,
    LedgerKind,
    RetentionRule,
    SignatureRecord,
)


def _archivist_courts(request: HttpRequest) -> set[int] | None:
    """Courts whose archives the user manages; None = all (superuser)."""
    if request.user.is_superuser:
        return None
    return court_ids_of(request.user, [Role.ARCHIVIST])


def _is_archivist(request: HttpRequest) -> bool:
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or has_role(user, Role.ARCHIVIST)


class ArchivistOnly:
    """Module and view access for archivists (their courts) and superusers."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_archivist(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return _is_archivist(request)


class ReadOnly(ArchivistOnly):
    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(RetentionRule)
class RetentionRuleAdmin(ArchivistOnly, admin.ModelAdmin):
    """The configurable retention schedule (R-ARC-1). Changes apply to future transfers."""

    list_display = ["proceeding", "category", "years", "basis", "is_active"]
    list_filter = ["proceeding", "is_active"]
    search_fields = ["category", "basis"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_archivist(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return _is_archivist(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        audit(
            request.user,
            "archive.retention_rule",
            obj,
            proceeding=obj.proceeding,
            category=obj.category,
            years=obj.years,
        )


class ItemInline(ReadOnly, admin.TabularInline):
    model = ArchiveItem
    fields = ["position", "kind", "title", "sha256", "size", "in_inventory", "disposed_at_local"]
    readonly_fields = fields
    disposed_at_local = court_time_column(
        "disposed_at", ArchiveItem._meta.get_field("disposed_at").verbose_name, "transfer.court"
    )
    extra = 0
    can_delete = False


class SignatureInline(ReadOnly, admin.TabularInline):
    model = SignatureRecord
    fields = ["title", "signature_item", "data_item", "evidence_item", "validated_at_local"]
    readonly_fields = fields
    validated_at_local = court_time_column(
        "validated_at",
        SignatureRecord._meta.get_field("validated_at").verbose_name,
        "transfer.court",
    )
    extra = 0
    can_delete = False


class RetentionEndedFilter(admin.SimpleListFilter):
    """The disposal-candidates report: retention ended, not disposed (R-ARC-1)."""

    title = _("retention")
    parameter_name = "retention"

    def lookups(self, request, model_admin):
        return [
            ("ended", _("Ended: disposal candidates")),
            ("permanent", _("Permanent storage")),
            ("disposed", _("Disposed")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "ended":
            return queryset.filter(
                retention_until__lt=timezone.localdate(), disposed_at__isnull=True
            )
        if value == "permanent":
            return queryset.filter(retention_until__isnull=True)
        if value == "disposed":
            return queryset.filter(disposed_at__isnull=False)
        return queryset


@admin.register(ArchiveTransfer)
class ArchiveTransferAdmin(ReadOnly, admin.ModelAdmin):
    list_display = [
        "case",
        "court",
        "transferred_at_local",
        "retention_until",
        "last_audit_at_local",
        "last_audit_ok",
        "disposed_at_local",
    ]
    # Issue 10: times in the court's zone, the page language's format, zone named.
    transferred_at_local = court_time_column(
        "transferred_at", ArchiveTransfer._meta.get_field("transferred_at").verbose_name
    )
    last_audit_at_local = court_time_column(
        "last_audit_at", ArchiveTransfer._meta.get_field("last_audit_at").verbose_name
    )
    disposed_at_local = court_time_column(
        "disposed_at", ArchiveTransfer._meta.get_field("disposed_at").verbose_name
    )
    list_filter = [RetentionEndedFilter, "court", "last_audit_ok"]
    search_fields = ["case__number", "inventory_sha256"]
    readonly_fields = [
        "case",
        "court",
        "transferred_at_local",
        "transferred_by",
        "inventory_signer",
        "inventory_sha256",
        "legal_force_date",
        "retention_years",
        "retention_basis",
        "retention_until",
        "ledger_length",
        "ledger_head",
        "last_audit_at_local",
        "last_audit_ok",
        "disposed_at_local",
    ]
    fields = readonly_fields
    inlines = [ItemInline, SignatureInline]
    actions = ["run_integrity_audit", "download_export"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request).select_related("case", "court")
        courts = _archivist_courts(request)
        return queryset if courts is None else queryset.filter(court_id__in=courts)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        transfer = self.get_queryset(request).filter(pk=object_id).first()
        if transfer is not None:
            services.record_access(request.user, transfer, LedgerKind.READ, what="admin card")
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Run the integrity audit now"))
    def run_integrity_audit(self, request, queryset) -> None:
        broken = []
        for transfer in queryset:
            report = audit_transfer(transfer, trigger="admin", acting_user=request.user)
            if not report["ok"]:
                broken.append(str(transfer.case))
        if broken:
            self.message_user(
                request, _("Integrity breaks: %s") % ", ".join(broken), messages.ERROR
            )
        else:
            self.message_user(request, _("All selected archives are intact."), messages.SUCCESS)

    @admin.action(description=_("Download the state-archive package (zip)"))
    def download_export(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one archive."), messages.WARNING)
            return None
        transfer = queryset.get()
        try:
            package = export.export_package(transfer)
        except storage.ContentMismatch:
            self.message_user(
                request, _("An item is damaged; run the integrity audit."), messages.ERROR
            )
            return None
        services.record_access(request.user, transfer, LedgerKind.EXPORT, format="zip")
        return FileResponse(
            package,
            as_attachment=True,
            filename=f"archive-{transfer.pk}-{transfer.case.number}.zip",
            content_type="application/zip",
        )


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["transfer", "seq", "at", "kind", "short_hash"]
    list_filter = ["kind"]
    search_fields = ["hash", "transfer__case__number"]
    fields = ["transfer", "seq", "at", "kind", "payload", "prev_hash", "hash"]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request).select_related("transfer__case")
        courts = _archivist_courts(request)
        return queryset if courts is None else queryset.filter(transfer__court_id__in=courts)

    @admin.display(description=_("hash"))
    def short_hash(self, entry: LedgerEntry) -> str:
        return entry.hash[:16]


class DisposalForm(forms.ModelForm):
    class Meta:
        model = DisposalAct
        fields = ["transfer", "reason"]


@admin.register(DisposalAct)
class DisposalActAdmin(ArchivistOnly, admin.ModelAdmin):
    """Disposal acts: made here through the service (checks retention, logs, ledger)."""

    form = DisposalForm
    list_display = ["transfer", "decided_by", "created_at_local", "items_disposed", "ledger_seq"]
    created_at_local = court_time_column(
        "created_at", DisposalAct._meta.get_field("created_at").verbose_name, "transfer.court"
    )
    readonly_fields = ["decided_by", "basis", "created_at", "items_disposed", "ledger_seq"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request).select_related("transfer__case")
        courts = _archivist_courts(request)
        return queryset if courts is None else queryset.filter(transfer__court_id__in=courts)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "transfer":
            queryset = ArchiveTransfer.objects.filter(disposed_at__isnull=True)
            courts = _archivist_courts(request)
            if courts is not None:
                queryset = queryset.filter(court_id__in=courts)
            kwargs["queryset"] = queryset.select_related("case")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_archivist(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return obj is None and _is_archivist(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["transfer", "reason"]
        return ["transfer", "reason", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return (
            self.readonly_fields if obj is None else ["transfer", "reason", *self.readonly_fields]
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            return base

        class CheckedDisposalForm(base):
            def clean(self):
                data = super().clean()
                transfer = data.get("transfer")
                if transfer is not None:
                    try:
                        services.disposal_check(acting_user=request.user, transfer=transfer)
                    except DomainError as error:
                        raise forms.ValidationError(str(error.message)) from None
                return data

        return CheckedDisposalForm

    def save_model(self, request, obj, form, change) -> None:
        """Through the service only: it re-checks under the lock, logs and writes the ledger."""
        act = services.disposal_act_create(
            acting_user=request.user, transfer=obj.transfer, reason=obj.reason
        )
        obj.pk = act.pk
        obj.refresh_from_db()
