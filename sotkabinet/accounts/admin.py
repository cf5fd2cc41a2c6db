"""Users, their roles and court membership, for the portal administrators."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from sotkabinet.core.timefmt import court_time_column
from sotkabinet.throttling import password_sign_in_throttle

from .access import chamber_region, has_role
from .models import Membership, Role, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("role", "court")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts by ИИН/БИН. Passwords are set with the admin's password form, never shown."""

    inlines = [MembershipInline]
    list_display = ("login", "full_name", "kind", "email", "is_active", "is_staff")
    list_filter = ("kind", "is_active", "is_staff", "memberships__role")
    search_fields = ("login", "full_name", "email")
    ordering = ("login",)
    filter_horizontal = ("attached_districts", "groups", "user_permissions")
    readonly_fields = ("date_joined_local", "last_login_local")
    # Issue 10: times with the zone named (the portal's zone: a person belongs to no one court).
    date_joined_local = court_time_column(
        "date_joined", User._meta.get_field("date_joined").verbose_name, None
    )
    last_login_local = court_time_column(
        "last_login", User._meta.get_field("last_login").verbose_name, None
    )
    fieldsets = (
        (None, {"fields": ("login", "password")}),
        (
            _("Person"),
            {"fields": ("full_name", "kind", "business_size", "email", "phone", "language")},
        ),
        (
            _("Bailiff territory"),
            {
                "fields": ("district", "attached_districts"),
                "description": _(
                    "The regional chamber's district is its seat: the chamber sees and edits "
                    "the writs and bailiffs of that district's region only."
                ),
            },
        ),
        (
            _("Access"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("date_joined_local", "last_login_local")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("login", "full_name", "kind", "password1", "password2"),
            },
        ),
    )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        user.__dict__.pop("_roles_cache", None)
        if has_role(user, Role.CHAMBER) and chamber_region(user) is None:
            # Issue 9: without a region the chamber sees no writ and no bailiff.
            self.message_user(
                request,
                _("Set this chamber account's district: it gives the chamber its region."),
                messages.WARNING,
            )


# Issue 9: the admin's password sign-in is throttled like the portal's (per address and login).
admin.site.login = password_sign_in_throttle(admin.site.login)
