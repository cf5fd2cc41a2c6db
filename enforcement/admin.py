"""Admin screens of enforcement.

The court's side (staff of the writ's court, and operators): writs with their history, read-only
(they change only through the signing and dispatch services), and the outbox to АИС ОИП with its
dead letters and a "queue again" action (SPEC R-ENF-3).

The chamber's side (staff users with the chamber role): the bailiff registry, where a change that
excludes a bailiff redistributes their open writs (002 п.3, п.18), absences, the registrations
with their assignment history, and the distribution report with a CSV download (R-ENF-6).
Every change goes through the services, so the admin adds no rule of its own.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from sotkabinet.accounts.access import chamber_region, court_ids_of, has_role
from sotkabinet.accounts.models import Role
from sotkabinet.core.timefmt import court_time_column
from sotkabinet.errors import DomainError

from .chamber import inputs as chamber_inputs
from .chamber import registry as chamber_registry
from .chamber import selectors as chamber_selectors
from .chamber import services as chamber
from .chamber.models import RegistrationStatus
from .models import (
    BailiffAbsence,
    BailiffAssignment,
    BailiffProfile,
    OutboxMessage,
    OutboxStatus,
    Registration,
    Writ,
    WritEvent,
)
from .outbox import outbox_requeue


def _court_scope(request: HttpRequest) -> set[int] | None:
    """Courts whose writs the user sees here; None = all (superuser)."""
    if request.user.is_superuser:
        return None
    return court_ids_of(request.user)


def _is_chamber(request: HttpRequest) -> bool:
    user = request.user
    return user.is_active and user.is_staff and (user.is_superuser or has_role(user, Role.CHAMBER))


def _in_region(request: HttpRequest, queryset, region_lookup: str | None = None):
    """A regional chamber sees and edits its own region only (issue 9): the region of the
    bailiff's district (``region_lookup``) or, for registrations, of the debtor's district.
    Operators (superusers) see every region; a chamber account without a region sees nothing."""
    if request.user.is_superuser:
        return queryset
    region = chamber_region(request.user)
    if region is None:
        return queryset.none()
    if region_lookup is None:
        codes = chamber_selectors.region_district_codes(region)
        return queryset.filter(debtor_district__in=codes)
    return queryset.filter(**{region_lookup: region})


class CourtSideAdmin(admin.ModelAdmin):
    """Visible to operators and to staff of the writ's court; nothing is edited by hand."""

    court_lookup = "court_id__in"

    def has_module_permission(self, request):
        user = request.user
        return user.is_active and user.is_staff and (user.is_superuser or bool(court_ids_of(user)))

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scope = _court_scope(request)
        return queryset if scope is None else queryset.filter(**{self.court_lookup: scope})


class WritEventInline(admin.TabularInline):
    model = WritEvent
    extra = 0
    can_delete = False
    fields = ("at_local", "status", "note", "actor")
    readonly_fields = fields
    # Issue 10: times in the court's zone, the page language's format, zone named.
    at_local = court_time_column("at", WritEvent._meta.get_field("at").verbose_name, "writ.court")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OutboxInline(admin.TabularInline):
    model = OutboxMessage
    extra = 0
    can_delete = False
    fields = (
        "topic",
        "status",
        "attempts",
        "next_attempt_at_local",
        "delivered_at_local",
        "last_error",
    )
    readonly_fields = fields
    show_change_link = True
    next_attempt_at_local = court_time_column(
        "next_attempt_at",
        OutboxMessage._meta.get_field("next_attempt_at").verbose_name,
        "writ.court",
    )
    delivered_at_local = court_time_column(
        "delivered_at", OutboxMessage._meta.get_field("delivered_at").verbose_name, "writ.court"
    )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Writ)
class WritAdmin(CourtSideAdmin):
    list_display = (
        "number",
        "status",
        "category",
        "court",
        "enforcement_number",
        "bailiff",
        "distribution_deadline",
        "overdue",
    )
    list_filter = ("status", "category", "immediate", "court")
    search_fields = ("number", "enforcement_number", "case__number")
    date_hierarchy = "created_at"
    inlines = (WritEventInline, OutboxInline)
    exclude = ("judge_signature_cms", "secretary_signature_cms")
    list_select_related = ("court", "bailiff")

    @admin.display(boolean=True, description=_("overdue"))
    def overdue(self, writ: Writ) -> bool:
        return writ.distribution_overdue_at is not None


@admin.register(OutboxMessage)
class OutboxMessageAdmin(CourtSideAdmin):
    """The outbox to АИС ОИП; filter by status "dead letter" to see what needs an operator."""

    court_lookup = "writ__court_id__in"
    list_display = (
        "id",
        "topic",
        "writ",
        "status_badge",
        "attempts",
        "next_attempt_at_local",
        "last_attempt_at_local",
        "short_error",
    )
    next_attempt_at_local = court_time_column(
        "next_attempt_at",
        OutboxMessage._meta.get_field("next_attempt_at").verbose_name,
        "writ.court",
    )
    last_attempt_at_local = court_time_column(
        "last_attempt_at",
        OutboxMessage._meta.get_field("last_attempt_at").verbose_name,
        "writ.court",
    )
    list_filter = ("status", "topic")
    search_fields = ("idempotency_key", "writ__number")
    readonly_fields = (
        "topic",
        "writ",
        "idempotency_key",
        "status",
        "attempts",
        "next_attempt_at_local",
        "last_attempt_at_local",
        "delivered_at_local",
        "last_error",
        "response",
        "payload",
        "created_at_local",
    )
    delivered_at_local = court_time_column(
        "delivered_at", OutboxMessage._meta.get_field("delivered_at").verbose_name, "writ.court"
    )
    created_at_local = court_time_column(
        "created_at", OutboxMessage._meta.get_field("created_at").verbose_name, "writ.court"
    )
    actions = ("requeue",)
    list_select_related = ("writ",)

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, message: OutboxMessage) -> str:
        colour = {"dead": "#ba2121", "pending": "#b8860b", "delivered": "#1e7b34"}[message.status]
        return format_html(
            '<strong style="color: {}">{}</strong>', colour, message.get_status_display()
        )

    @admin.display(description=_("last error"))
    def short_error(self, message: OutboxMessage) -> str:
        return message.last_error[:120]

    @admin.action(description=_("Queue again now (dead letters and waiting messages)"))
    def requeue(self, request, queryset):
        count = 0
        for message in queryset.exclude(status=OutboxStatus.DELIVERED):
            outbox_requeue(acting_user=request.user, message=message)
            count += 1
        self.message_user(
            request, _("%(count)d message(s) queued again.") % {"count": count}, messages.SUCCESS
        )


# -- the chamber's side ------------------------------------------------------------------------


class ChamberAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return _is_chamber(request)

    def has_view_permission(self, request, obj=None):
        return _is_chamber(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AbsenceInline(admin.TabularInline):
    model = BailiffAbsence
    extra = 0
    can_delete = False
    fields = ("date_from", "date_to", "reason", "note", "recorded_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class BailiffProfileForm(forms.ModelForm):
    class Meta:
        model = BailiffProfile
        fields = (
            "licence_number",
            "licence_status",
            "expelled",
            "moved_out",
            "chamber_post",
            "distribution_suspended",
        )


@admin.register(BailiffProfile)
class BailiffProfileAdmin(ChamberAdmin):
    """The bailiff registry (R-ENF-4). Saving a change that excludes the bailiff (licence,
    expulsion, move) redistributes their open writs (002 п.18) in the same transaction."""

    form = BailiffProfileForm
    list_display = (
        "user",
        "district",
        "licence_status",
        "expelled",
        "moved_out",
        "chamber_post",
        "distribution_suspended",
        "eligibility",
    )
    list_filter = ("licence_status", "expelled", "moved_out", "distribution_suspended")
    search_fields = ("user__login", "user__full_name", "licence_number")
    inlines = (AbsenceInline,)
    actions = ("redistribute",)
    list_select_related = ("user", "user__district")

    def has_change_permission(self, request, obj=None):
        return _is_chamber(request)

    def get_queryset(self, request):
        return _in_region(request, super().get_queryset(request), "user__district__region")

    @admin.display(description=_("district"))
    def district(self, profile: BailiffProfile) -> str:
        return profile.user.district.code if profile.user.district_id else "-"

    @admin.display(description=_("may receive writs"))
    def eligibility(self, profile: BailiffProfile) -> str:
        return chamber_registry.bailiff_eligibility(profile.user) or _("yes")

    def save_model(self, request, obj, form, change):
        changes = {field: form.cleaned_data[field] for field in form.changed_data}
        try:
            chamber_registry.bailiff_update(
                acting_user=request.user, bailiff=obj.user, changes=changes
            )
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)

    @admin.action(description=_("Redistribute the open writs (002 п.18)"))
    def redistribute(self, request, queryset):
        moved = 0
        for profile in queryset.select_related("user"):
            moved += len(
                chamber.bailiff_redistribute(
                    bailiff=profile.user, acting_user=request.user, reason="chamber (admin)"
                )
            )
        self.message_user(request, _("%(count)d writ(s) redistributed.") % {"count": moved})


@admin.register(BailiffAbsence)
class BailiffAbsenceAdmin(ChamberAdmin):
    """Record absences here: over a month away excludes the bailiff (002 п.3, п.18)."""

    list_display = ("profile", "date_from", "date_to", "reason")
    list_filter = ("reason",)
    fields = ("profile", "date_from", "date_to", "reason", "note")

    def has_add_permission(self, request):
        return _is_chamber(request)

    def get_queryset(self, request):
        return _in_region(request, super().get_queryset(request), "profile__user__district__region")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "profile":
            kwargs["queryset"] = _in_region(
                request, BailiffProfile.objects.select_related("user"), "user__district__region"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        chamber_registry.bailiff_absence_record(
            acting_user=request.user,
            bailiff=obj.profile.user,
            date_from=obj.date_from,
            date_to=obj.date_to,
            reason=obj.reason,
            note=obj.note,
        )


class AssignmentInline(admin.TabularInline):
    model = BailiffAssignment
    extra = 0
    can_delete = False
    fields = (
        "bailiff",
        "kind",
        "rule",
        "reason",
        "assigned_at_local",
        "decision_ref",
        "handover_deadline",
        "notification_deadline",
        "ended_at_local",
        "end_reason",
    )
    readonly_fields = fields
    # Issue 10: the chamber's own records carry no court; the portal's zone, named.
    assigned_at_local = court_time_column(
        "assigned_at", BailiffAssignment._meta.get_field("assigned_at").verbose_name, None
    )
    ended_at_local = court_time_column(
        "ended_at", BailiffAssignment._meta.get_field("ended_at").verbose_name, None
    )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReportForm(forms.Form):
    date_from = forms.DateField(label=_("from"))
    date_to = forms.DateField(label=_("to"))
    district = forms.CharField(label=_("district code"), required=False)


@admin.register(Registration)
class RegistrationAdmin(ChamberAdmin):
    """What АИС ОИП registered, who holds it and why (the rule and reason of each decision)."""

    list_display = (
        "number",
        "writ_number",
        "category",
        "status",
        "bailiff",
        "debtor_district",
        "distribution_deadline",
        "overdue",
    )
    list_filter = ("status", "category", "debtor_district")
    search_fields = ("number", "writ_number", "case_number", "debtor_iin_bin")
    inlines = (AssignmentInline,)
    actions = ("distribute",)
    exclude = ("payload",)
    change_list_template = "enforcement/admin/registration_change_list.html"

    def get_queryset(self, request):
        return _in_region(request, super().get_queryset(request))

    @admin.display(boolean=True, description=_("overdue"))
    def overdue(self, registration: Registration) -> bool:
        return registration.distribution_overdue_at is not None

    @admin.action(description=_("Distribute the waiting ones now"))
    def distribute(self, request, queryset):
        done = 0
        for registration in queryset.filter(status=RegistrationStatus.REGISTERED):
            result = chamber.registration_distribute(registration.pk)
            done += result is not None and result.status == RegistrationStatus.DISTRIBUTED
        self.message_user(request, _("%(count)d writ(s) distributed.") % {"count": done})

    def get_urls(self):
        report = self.admin_site.admin_view(self.report_view)
        return [
            path("report/", report, name="enforcement_distribution_report"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "report_url": reverse("admin:enforcement_distribution_report"),
        }
        return super().changelist_view(request, extra_context)

    def report_view(self, request):
        """The distribution report per bailiff and category (002 п.15, п.16), as a page or CSV."""
        if not _is_chamber(request):
            return HttpResponse(status=403)
        region = None if request.user.is_superuser else chamber_region(request.user)
        if region is None and not request.user.is_superuser:
            return HttpResponse(status=403)  # a chamber account without a region (issue 9)
        today = chamber_inputs.chamber_today()
        form = ReportForm(
            request.GET or {"date_from": date(today.year, today.month, 1), "date_to": today}
        )
        report = None
        if form.is_valid():
            report = chamber_selectors.distribution_report(
                form.cleaned_data["date_from"],
                form.cleaned_data["date_to"],
                form.cleaned_data["district"] or None,
                region=region,
            )
            if request.GET.get("format") == "csv":
                return _report_csv(report)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Distribution of executive documents"),
            "form": form,
            "report": report,
            "opts": self.model._meta,
            "csv_query": request.GET.urlencode(),
        }
        return TemplateResponse(request, "enforcement/admin/report.html", context)


def _report_csv(report) -> HttpResponse:
    response = HttpResponse(
        chamber_selectors.report_as_csv(report), content_type="text/csv; charset=utf-8"
    )
    filename = chamber_selectors.report_filename(report)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
