"""Admin screens for judicial acts and judges' absences. Imported by registry/admin.py.

Acts (SPEC R-ACT-3): a signed act is read-only here. The change form shows no inputs and a POST
to it is refused (403), nothing deletes it, and even a forged save would hit `Act.save()` and the
database trigger. A draft's title, kind and date may be corrected by an operator with Django's
change permission, through `registry.acts.act_update`, which re-checks the draft state under a
row lock and writes the audit row. Files are uploaded and acts signed by the judge on the web
page or the API, never here.

Absences (SPEC R-ACT-5): the chairman or a clerk records a judge's absence for a good reason,
which opens the chairman's legal-force path; recorded through `staff_absence_record`.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sotkabinet.accounts.access import court_ids_of
from sotkabinet.accounts.models import Absence, Role
from sotkabinet.core.services import audit
from sotkabinet.core.timefmt import court_time_column
from sotkabinet.errors import DomainError

from . import acts
from .models import Act, ActStatus

ACT_FIELDS = (
    "case",
    "kind",
    "title",
    "date",
    "status",
    "filename",
    "detected_format",
    "size",
    "sha256",
    "created_by",
    "created_at_local",
    "signer",
    "signed_at_local",
    "published_at_local",
    "legal_force_date",
    "legal_force_signer",
    "legal_force_signed_at_local",
    "verify_code",
)
DRAFT_EDITABLE = ("title", "kind", "date")


@admin.register(Act)
class ActAdmin(admin.ModelAdmin):
    list_display = ("id", "case", "kind", "title", "date", "status", "published_at_local")
    list_filter = ("status", "kind", "legal_force_date")
    search_fields = ("title", "case__number", "sha256", "verify_code")
    list_select_related = ("case",)
    fields = ACT_FIELDS
    ordering = ("-id",)
    # Issue 10: times in the court's zone, the page language's format, zone named.
    created_at_local = court_time_column("created_at", _("created"), "case.court")
    signed_at_local = court_time_column("signed_at", _("Signed at"), "case.court")
    published_at_local = court_time_column(
        "published_at", _("Published to the parties"), "case.court"
    )
    legal_force_signed_at_local = court_time_column(
        "legal_force_signed_at", _("legal force signed"), "case.court"
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Act]:
        acts_qs = super().get_queryset(request).select_related("case", "signer")
        if request.user.is_superuser:
            return acts_qs
        return acts_qs.filter(case__court_id__in=court_ids_of(request.user))

    def get_readonly_fields(self, request: HttpRequest, obj: Act | None = None):
        if obj is not None and obj.status == ActStatus.DRAFT:
            return tuple(name for name in ACT_FIELDS if name not in DRAFT_EDITABLE)
        return ACT_FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the judge uploads acts with their file (web page, API)

    def has_change_permission(self, request: HttpRequest, obj: Act | None = None) -> bool:
        if obj is not None and obj.status != ActStatus.DRAFT:
            return False  # SPEC R-ACT-3: locked once signed
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Act | None = None) -> bool:
        if obj is not None and obj.status != ActStatus.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a bulk delete would skip the per-act check
        return actions

    def save_model(self, request: HttpRequest, obj: Act, form, change: bool) -> None:
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            acts.act_update(
                acting_user=request.user,
                act=Act.objects.get(pk=obj.pk),
                title=changes.get("title"),
                kind=changes.get("kind"),
                act_date=changes.get("date"),
                via_admin=True,
            )
        except DomainError as error:
            # Signed meanwhile (409 locked) or a date in the future: nothing was saved.
            raise PermissionDenied(str(error.message)) from error
        obj.refresh_from_db()


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ("user", "date_from", "date_to", "reason", "recorded_by", "created_at_local")
    list_filter = ("date_from",)
    search_fields = ("user__login", "user__full_name", "reason")
    raw_id_fields = ("user",)
    fields = ("user", "date_from", "date_to", "reason", "recorded_by", "created_at_local")
    readonly_fields = ("recorded_by", "created_at_local")
    # Issue 10: the time with the zone named (the portal's zone: an absence belongs to a person).
    created_at_local = court_time_column(
        "created_at", Absence._meta.get_field("created_at").verbose_name, None
    )
    ordering = ("-date_from",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Absence]:
        absences = super().get_queryset(request).select_related("user", "recorded_by")
        if request.user.is_superuser:
            return absences
        courts = court_ids_of(request.user, [Role.CHAIRMAN, Role.CLERK])
        return absences.filter(
            user__memberships__role=Role.JUDGE, user__memberships__court_id__in=courts
        ).distinct()

    def save_model(self, request: HttpRequest, obj: Absence, form, change: bool) -> None:
        if change or request.user.is_superuser:
            if not change:
                obj.recorded_by = request.user
            super().save_model(request, obj, form, change)
            audit(
                request.user,
                "staff.absence",
                obj,
                judge=obj.user.login,
                date_from=obj.date_from.isoformat(),
                date_to=obj.date_to.isoformat(),
                via="admin",
            )
            return
        try:
            created = acts.staff_absence_record(
                acting_user=request.user,
                login=obj.user.login,
                date_from=obj.date_from,
                date_to=obj.date_to,
                reason=obj.reason,
            )
        except DomainError as error:
            raise PermissionDenied(str(error.message)) from error
        obj.pk = created.pk
        obj.recorded_by = created.recorded_by
        obj.created_at = created.created_at
