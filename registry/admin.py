"""The clerk's desk in the Django admin (SPEC R-REG-1..5): the registration queue with deadline
badges, the registration card, and the Register / Reject decisions.

Clerks (staff users with the clerk role) see only the filings of their own courts; the court
chairman sees the same queue read-only (R-REG-3 "visible to ... their supervisors"). Every
decision goes through `registry.services`, which checks access again, so the admin adds no rule
of its own. Attachments are served by authorised views: as a download, and PDFs inline for the
preview frame.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from filings.models import (
    Attachment,
    AttachmentStatus,
    FilingStatus,
    RejectionGround,
)
from sotkabinet.accounts.access import court_ids_of, has_role
from sotkabinet.accounts.models import Role
from sotkabinet.core.services import audit
from sotkabinet.core.timefmt import court_time_column, local_time
from sotkabinet.documents.upload import open_blob
from sotkabinet.errors import DomainError

from . import selectors, services
from .models import Case, CaseEvent, CaseParticipant, IncomingFiling, JudgeProfile

DESK_ROLES = selectors.QUEUE_ROLES


def _desk_court_ids(request: HttpRequest) -> set[int] | None:
    """The courts whose filings the user sees at the desk; None = all (superuser)."""
    if request.user.is_superuser:
        return None
    return court_ids_of(request.user, DESK_ROLES)


def _may_use_desk(request: HttpRequest) -> bool:
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or bool(court_ids_of(user, DESK_ROLES))


class QueueFilter(admin.SimpleListFilter):
    """Which part of the desk to show; the default is the queue of undecided filings."""

    title = _("queue")
    parameter_name = "queue"
    DEFAULT = "received"

    def lookups(self, request, model_admin):
        return [
            ("received", _("Awaiting decision")),
            ("overdue", _("Overdue")),
            ("near", _("Near the deadline")),
            ("decided", _("Registered or rejected")),
            ("all", _("All sent filings")),
        ]

    def value(self):
        return super().value() or self.DEFAULT

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        now = timezone.now()
        received = queryset.filter(status=FilingStatus.RECEIVED)
        if value == "received":
            return received
        if value == "overdue":
            return received.filter(registration_deadline__lt=now)
        if value == "near":
            near_ids = [
                filing.pk
                for filing in received.filter(registration_deadline__gte=now).select_related(
                    "court"
                )
                if selectors.deadline_state(filing, now).near_deadline
            ]
            return received.filter(pk__in=near_ids)
        if value == "decided":
            return queryset.filter(status__in=[FilingStatus.REGISTERED, FilingStatus.REJECTED])
        return queryset


BADGE = (
    '<span style="display:inline-block;padding:2px 8px;border-radius:10px;'
    'font-weight:bold;color:{};background:{}">{}</span>'
)


def titled_filter(filter_class: type, title) -> type:
    """`filter_class` with a translated title (the model fields carry no verbose_name)."""

    class TitledFilter(filter_class):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.title = title

    return TitledFilter


def deadline_badge_html(filing, now=None) -> str:
    """Red for overdue, amber within two working hours of the deadline (R-REG-3)."""
    if filing.registration_deadline is None:
        return "—"
    # Issue 10: the court's zone, the page language's format, the zone named.
    text = local_time(filing.registration_deadline, filing.court.timezone)
    state = selectors.deadline_state(filing, now)
    if state.overdue:
        return format_html(BADGE, "#fff", "#ba2121", f"{text} · {_('overdue')}")
    if state.near_deadline:
        return format_html(BADGE, "#000", "#f5b400", f"{text} · {_('near deadline')}")
    return format_html("<span>{}</span>", text)


class CourtDeskReadOnly:
    """Desk screens: seen by the desk's people for their own courts, changed only by services."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may_use_desk(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        if not _may_use_desk(request):
            return False
        court_ids = _desk_court_ids(request)
        return obj is None or court_ids is None or obj.court_id in court_ids

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(IncomingFiling)
class IncomingFilingAdmin(CourtDeskReadOnly, admin.ModelAdmin):
    """The registration queue and card (R-REG-1, R-REG-3)."""

    # The deadline badge comes right after the number: the queue is read by deadline (R-REG-3).
    list_display = [
        "talon_number",
        "deadline_badge",
        "short_title",
        "applicant_display",
        "kind_display",
        "court_code",
        "submitted_local",
        "duty_display",
        "duplicate_flag",
        "status_display",
    ]
    # One click on the number or the title opens the registration card.
    list_display_links = ["talon_number", "short_title"]
    list_filter = [
        QueueFilter,
        ("proceeding", titled_filter(admin.ChoicesFieldListFilter, _("Proceeding"))),
        ("kind", titled_filter(admin.ChoicesFieldListFilter, _("Kind"))),
        ("duty_status", titled_filter(admin.ChoicesFieldListFilter, _("State duty"))),
    ]
    search_fields = ["number", "title", "author__login", "author__full_name", "principal__login"]
    list_select_related = ["court", "author", "principal"]
    list_per_page = 50
    actions = ["register_selected"]
    card_template = "admin/registry/incomingfiling/card.html"

    # -- who sees what --------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = (
            super()
            .get_queryset(request)
            .exclude(status=FilingStatus.DRAFT)
            .select_related("court", "author", "principal", "case", "case__judge")
        )
        court_ids = _desk_court_ids(request)
        if court_ids is not None:
            queryset = queryset.filter(court_id__in=court_ids)
        return selectors.with_duplicate_flag(queryset)

    def get_ordering(self, request):
        return ["registration_deadline", "received_at", "id"]

    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        if not (request.user.is_superuser or court_ids_of(request.user, [Role.CLERK])):
            actions.pop("register_selected", None)
        return actions

    # -- list columns ---------------------------------------------------------------------

    @admin.display(description=_("Talon No."), ordering="number")
    def talon_number(self, filing) -> str:
        return filing.number

    @admin.display(description=_("Court"), ordering="court__code")
    def court_code(self, filing) -> str:
        # The code keeps the deadline column in view; the full name is the tooltip.
        return format_html('<abbr title="{}">{}</abbr>', filing.court.name, filing.court.code)

    @admin.display(description=_("Kind"), ordering="kind")
    def kind_display(self, filing) -> str:
        return f"{filing.get_kind_display()} ({filing.get_proceeding_display()})"

    @admin.display(description=_("State duty"), ordering="duty_status")
    def duty_display(self, filing) -> str:
        return filing.get_duty_status_display()

    @admin.display(description=_("Status"), ordering="status")
    def status_display(self, filing) -> str:
        return filing.get_status_display()

    @admin.display(description=_("title"))
    def short_title(self, filing) -> str:
        return filing.title if len(filing.title) <= 60 else filing.title[:57] + "…"

    @admin.display(description=_("applicant"))
    def applicant_display(self, filing) -> str:
        applicant = filing.applicant
        return f"{applicant.full_name} ({applicant.login})"

    @admin.display(description=_("sent (court time)"), ordering="submitted_at")
    def submitted_local(self, filing) -> str:
        if filing.submitted_at is None:
            return "—"
        return local_time(filing.submitted_at, filing.court.timezone)

    @admin.display(description=_("registration deadline"), ordering="registration_deadline")
    def deadline_badge(self, filing) -> str:
        if filing.status != FilingStatus.RECEIVED:
            return "—"
        return deadline_badge_html(filing)

    @admin.display(description=_("duplicate?"))
    def duplicate_flag(self, filing) -> str:
        if getattr(filing, "likely_duplicate", False):
            return format_html(BADGE, "#fff", "#7a4d00", _("likely duplicate (ground 3)"))
        return ""

    # -- bulk action ----------------------------------------------------------------------

    @admin.action(description=_("Register the selected filings (open cases, distribute judges)"))
    def register_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for filing in queryset.order_by("registration_deadline", "id"):
            try:
                case = services.filing_register(acting_user=request.user, filing=filing)
            except DomainError as error:
                self.message_user(request, f"{filing}: {error.message}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(filing)s registered in case %(case)s, judge %(judge)s.")
                    % {"filing": filing, "case": case.number, "judge": case.judge.full_name},
                    messages.SUCCESS,
                )

    # -- the registration card and its decisions ------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/register/",
                wrap(self.register_view),
                name="registry_incomingfiling_register",
            ),
            path(
                "<path:object_id>/reject/",
                wrap(self.reject_view),
                name="registry_incomingfiling_reject",
            ),
            path(
                "<path:object_id>/attachments/<int:attachment_id>/download/",
                wrap(self.attachment_download_view),
                name="registry_incomingfiling_attachment_download",
            ),
            path(
                "<path:object_id>/attachments/<int:attachment_id>/preview/",
                wrap(xframe_options_sameorigin(self.attachment_preview_view)),
                name="registry_incomingfiling_attachment_preview",
            ),
            *super().get_urls(),
        ]

    def _get_filing_or_404(self, request: HttpRequest, object_id: str):
        filing = self.get_object(request, object_id)
        if filing is None or not self.has_view_permission(request, filing):
            raise Http404(_("No such filing at your desk."))
        return filing

    def _card_url(self, filing) -> str:
        return reverse("admin:registry_incomingfiling_change", args=[filing.pk])

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        """The registration card (R-REG-1): everything the clerk needs to decide."""
        filing = self._get_filing_or_404(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            **selectors.registration_card(filing),
            "opts": self.opts,
            "title": _("Registration card: %(number)s") % {"number": filing},
            "original": filing,
            "has_view_permission": True,
            "may_decide": filing.status == FilingStatus.RECEIVED
            and has_role(request.user, Role.CLERK, filing.court_id),
            "grounds": self._grounds_for(filing),
            "register_url": reverse("admin:registry_incomingfiling_register", args=[filing.pk]),
            "reject_url": reverse("admin:registry_incomingfiling_reject", args=[filing.pk]),
            "changelist_url": reverse("admin:registry_incomingfiling_changelist"),
        }
        context["attachment_rows"] = [
            {
                "attachment": attachment,
                "download_url": reverse(
                    "admin:registry_incomingfiling_attachment_download",
                    args=[filing.pk, attachment.pk],
                ),
                "preview_url": reverse(
                    "admin:registry_incomingfiling_attachment_preview",
                    args=[filing.pk, attachment.pk],
                )
                if _previewable(attachment)
                else None,
            }
            for attachment in context["attachments"]
        ]
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.card_template, context)

    @staticmethod
    def _grounds_for(filing) -> list[tuple[str, str]]:
        """R-REG-5 grounds offered for this filing (`other` only where 001 п.24 allows it)."""
        return [
            (value, label)
            for value, label in RejectionGround.choices
            if value != RejectionGround.OTHER
            or filing.proceeding in services.OTHER_GROUND_PROCEEDINGS
        ]

    def register_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return require_POST(self._register)(request, object_id)

    def _register(self, request: HttpRequest, object_id: str) -> HttpResponse:
        filing = self._get_filing_or_404(request, object_id)
        case_ref = (request.POST.get("case") or "").strip()
        case = None
        if case_ref:
            case = (
                Case.objects.filter(court_id=filing.court_id, number=case_ref).first()
                if not case_ref.isdigit()
                else int(case_ref)
            )
            if case is None:
                self.message_user(
                    request, _("No case %(ref)s in this court.") % {"ref": case_ref}, messages.ERROR
                )
                return redirect(self._card_url(filing))
        try:
            registered_in = services.filing_register(
                acting_user=request.user, filing=filing, case=case
            )
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return redirect(self._card_url(filing))
        self.message_user(
            request,
            _("%(filing)s registered in case %(case)s, judge %(judge)s.")
            % {
                "filing": filing,
                "case": registered_in.number,
                "judge": registered_in.judge.full_name,
            },
            messages.SUCCESS,
        )
        return redirect(reverse("admin:registry_incomingfiling_changelist"))

    def reject_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return require_POST(self._reject)(request, object_id)

    def _reject(self, request: HttpRequest, object_id: str) -> HttpResponse:
        filing = self._get_filing_or_404(request, object_id)
        try:
            services.filing_reject(
                acting_user=request.user,
                filing=filing,
                ground=request.POST.get("ground", ""),
                comment=request.POST.get("comment", ""),
            )
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return redirect(self._card_url(filing))
        self.message_user(request, _("%(filing)s rejected.") % {"filing": filing}, messages.SUCCESS)
        return redirect(reverse("admin:registry_incomingfiling_changelist"))

    # -- authorised file views ------------------------------------------------------------

    def _attachment(self, request: HttpRequest, object_id: str, attachment_id: int):
        filing = self._get_filing_or_404(request, object_id)
        attachment = Attachment.objects.filter(pk=attachment_id, filing=filing).first()
        if attachment is None or attachment.purged_at is not None or not attachment.blob:
            raise Http404(_("No such file."))
        return filing, attachment

    def attachment_download_view(
        self, request: HttpRequest, object_id: str, attachment_id: int
    ) -> FileResponse:
        filing, attachment = self._attachment(request, object_id, attachment_id)
        audit(request.user, "attachment.download", attachment, filing=filing.pk, desk=True)
        response = FileResponse(
            open_blob(attachment.blob),
            as_attachment=True,
            filename=attachment.filename,
            content_type="application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def attachment_preview_view(
        self, request: HttpRequest, object_id: str, attachment_id: int
    ) -> FileResponse:
        """A valid PDF, inline, for the card's preview frame (same origin only).

        A damaged PDF shows its repaired copy, the one the validator checked (README "Documents
        we accept"); the download stays the original that was signed.
        """
        filing, attachment = self._attachment(request, object_id, attachment_id)
        if not _previewable(attachment):
            raise Http404(_("Only checked PDF documents can be previewed."))
        audit(
            request.user,
            "attachment.preview",
            attachment,
            filing=filing.pk,
            desk=True,
            repaired=bool(attachment.repaired_blob),
        )
        response = FileResponse(
            open_blob(attachment.reading_blob),
            as_attachment=False,
            filename=attachment.filename,
            content_type="application/pdf",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


def _previewable(attachment: Attachment) -> bool:
    return (
        attachment.detected_format == "pdf"
        and attachment.status == AttachmentStatus.VALID
        and attachment.purged_at is None
        and bool(attachment.blob)
    )


# -- cases and judge profiles -----------------------------------------------------------------


class CaseParticipantInline(admin.TabularInline):
    model = CaseParticipant
    extra = 0
    fields = ["user", "role"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    fields = ["at_local", "kind", "note", "actor"]
    readonly_fields = fields
    at_local = court_time_column("at", _("When"), "case.court")
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(CourtDeskReadOnly, admin.ModelAdmin):
    """Cases of the clerk's courts, read-only: numbering and distribution are the services' job."""

    list_display = [
        "number",
        "court",
        "judge",
        "proceeding",
        "complexity",
        "language",
        "created_at_local",
    ]
    list_filter = ["proceeding", "language", "year"]
    search_fields = ["number", "judge__full_name", "judge__login"]
    list_select_related = ["court", "judge"]
    inlines = [CaseParticipantInline, CaseEventInline]
    readonly_fields = [
        "number",
        "court",
        "year",
        "sequence",
        "judge",
        "secretary",
        "proceeding",
        "category",
        "complexity",
        "language",
        "closed",
        "closed_reason",
        "legal_force_date",
        "archived_at_local",
        "created_at_local",
    ]
    fields = readonly_fields
    # Issue 10: times in the court's zone, the page language's format, zone named.
    created_at_local = court_time_column("created_at", _("created"))
    archived_at_local = court_time_column("archived_at", _("archived"))

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        court_ids = _desk_court_ids(request)
        return queryset if court_ids is None else queryset.filter(court_id__in=court_ids)


@admin.register(JudgeProfile)
class JudgeProfileAdmin(admin.ModelAdmin):
    """What automatic distribution weighs per judge (R-REG-6); kept by the administrators."""

    list_display = ["user", "court", "languages", "categories", "accepts_cases"]
    list_filter = ["court", "accepts_cases"]
    search_fields = ["user__full_name", "user__login"]
    raw_id_fields = ["user"]


from . import admin_acts  # noqa: E402,F401
