"""Admin screens for the state duty (R-FIL-5, R-FIL-6, R-REG-4). Imported by filings/admin.py.

The tariff table and the MCI are data, edited here (never hard-coded in views). Payments and
deferrals are facts recorded by the gateway callback and the applicant: read-only here, so the
clerk sees them on the registration card and nobody edits a verified payment by hand.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Deferral, DutyTariff, MciValue, Payment


@admin.register(DutyTariff)
class DutyTariffAdmin(admin.ModelAdmin):
    list_display = (
        "proceeding",
        "kind",
        "applicant_kind",
        "percent_of_claim",
        "fixed_mci",
        "min_mci",
        "max_mci",
        "is_active",
        "basis",
    )
    list_filter = ("proceeding", "kind", "applicant_kind", "is_active")
    list_editable = ("is_active",)
    search_fields = ("basis",)
    fieldsets = (
        (None, {"fields": ("proceeding", "kind", "applicant_kind", "is_active")}),
        (
            _("Rate"),
            {
                "fields": ("percent_of_claim", "fixed_mci", "min_mci", "max_mci"),
                "description": _(
                    "Duty = percent of the claim (property claims) + fixed MCI, then at least "
                    "min MCI and at most max MCI. A row for the applicant's kind wins over a row "
                    "for any kind (empty)."
                ),
            },
        ),
        (_("Shown to the applicant"), {"fields": ("basis",)}),
    )


@admin.register(MciValue)
class MciValueAdmin(admin.ModelAdmin):
    list_display = ("year", "amount")
    ordering = ("-year",)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("reference", "filing", "amount", "status", "receipt_code", "paid_at", "payer")
    list_filter = ("status",)
    search_fields = ("reference", "receipt_code", "filing__number", "payer__login")
    list_select_related = ("filing", "payer")
    readonly_fields = (
        "filing",
        "amount",
        "status",
        "reference",
        "receipt_code",
        "payer",
        "receipt_attachment",
        "paid_at",
        "callback_payload",
        "created_at",
    )


@admin.register(Deferral)
class DeferralAdmin(ReadOnlyAdmin):
    list_display = ("filing", "ground", "created_at")
    list_filter = ("ground",)
    search_fields = ("filing__number", "explanation")
    list_select_related = ("filing",)
    readonly_fields = ("filing", "ground", "explanation", "proof", "created_at")
