"""Courts, districts and the working calendar's decree table (admin-editable, R-REG-2)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import CalendarOverride, Court, District


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "region")
    search_fields = ("code", "name", "region")


@admin.register(Court)
class CourtAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "instance", "timezone", "work_start", "work_end", "district")
    list_filter = ("instance", "timezone")
    search_fields = ("code", "name", "region")


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """Each year's government decree: transferred days off and extra working days.

    The `holidays` package has no transfer decrees after 2025, so the court administration
    enters them here; deadlines use them at once (the calendar cache is cleared on save).
    """

    list_display = ("date", "kind", "note")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("note",)
    fieldsets = (
        (
            None,
            {
                "fields": ("date", "kind", "note"),
                "description": _(
                    "A transferred day off or an extra working day from the government decree."
                ),
            },
        ),
    )
