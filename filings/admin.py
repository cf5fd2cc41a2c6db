"""Admin screens of the filing flow: a read-only view of filings for support and operations.

The clerk's registration desk is the registry's (`registry.IncomingFiling`). Here operators see
any filing with its files and history, and can re-queue a filing stuck in `submitted` (what the
sweeper does every minute, SPEC R-ECP-3). Nothing here changes a filing's data.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sotkabinet.core.timefmt import court_time_column

from . import (
    admin_duty,  # noqa: F401  (state duty: tariff, MCI, payments, deferrals)
    services,
    tasks,
)
from .models import Attachment, Filing, FilingEvent, FilingStatus


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["kind", "title", "filename", "size", "sha256", "detected_format", "status", "errors"]
    readonly_fields = fields


class FilingEventInline(ReadOnlyInline):
    model = FilingEvent
    fields = ["at_local", "status", "note", "actor"]
    readonly_fields = fields
    # Issue 10: times in the court's zone, the page language's format, zone named.
    at_local = court_time_column(
        "at", FilingEvent._meta.get_field("at").verbose_name, "filing.court"
    )


@admin.register(Filing)
class FilingAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "status",
        "court",
        "kind",
        "author",
        "principal",
        "submitted_at_local",
    ]
    submitted_at_local = court_time_column(
        "submitted_at", Filing._meta.get_field("submitted_at").verbose_name
    )
    list_filter = ["status", "proceeding", "court"]
    search_fields = ["number", "title", "author__login", "principal__login"]
    date_hierarchy = "created_at"
    inlines = [AttachmentInline, FilingEventInline]
    list_select_related = ["court", "author", "principal"]
    actions = ["requeue_verification"]
    exclude = ["signature_cms"]

    def get_queryset(self, request):
        """Sent filings only: an unsent draft is private to its author and principal (issue 9,
        README "Access"), even for operators."""
        user = request.user
        return (
            super()
            .get_queryset(request)
            .filter(~Q(status=FilingStatus.DRAFT) | Q(author=user) | Q(principal=user))
        )

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        return [field.name for field in Filing._meta.fields if field.name != "signature_cms"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # R-ECP-2: nothing the applicant sent is deleted

    @admin.action(description=_("Re-queue the background check of submitted filings"))
    def requeue_verification(self, request, queryset) -> None:
        submitted = queryset.filter(status=FilingStatus.SUBMITTED).values_list("pk", flat=True)
        queued = sum(services.dispatch(tasks.filing_verify, pk) for pk in submitted)
        self.message_user(
            request,
            _("%(count)s filing(s) queued for verification.") % {"count": queued},
            messages.SUCCESS if queued else messages.WARNING,
        )
