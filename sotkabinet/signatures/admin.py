"""Admin screens for the ЭЦҚ trust store: upload a CA certificate or a CRL file to add it.

Uploads go through the same services as `ecp_trust import` / `ecp_crl import`, so the admin and
the commands cannot disagree on what a file means (self-signed -> anchor by default).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sotkabinet.core.timefmt import court_time_column
from sotkabinet.errors import DomainError

from .models import CertificateRevocationList, SignInNonce, TrustedCertificate
from .services import crl_import, trust_import

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # NCA's full CRLs are a few MiB


def _read_upload(upload) -> bytes:
    if upload.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(_("The file is too large."))
    return b"".join(upload.chunks())


def _copy_into(target, source) -> None:
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    target._state.adding = False


class TrustedCertificateUploadForm(forms.ModelForm):
    file = forms.FileField(label=_("Certificate file (PEM or DER)"))
    kind = forms.ChoiceField(
        label=_("Trust as"),
        choices=[
            ("auto", _("Automatic: self-signed is an anchor, any other an intermediate")),
            ("anchor", _("Anchor (also for a CA that is not self-signed)")),
            ("intermediate", _("Intermediate")),
        ],
        initial="auto",
    )

    class Meta:
        model = TrustedCertificate
        fields: list[str] = []

    def clean(self) -> dict:
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None and "kind" in cleaned:
            kind = cleaned["kind"]
            anchor = None if kind == "auto" else kind == "anchor"
            # Runs inside the admin's transaction: a later failure undoes the import.
            try:
                cleaned["rows"] = trust_import(_read_upload(upload), anchor=anchor)
            except DomainError as error:
                raise forms.ValidationError(error.message) from None
        return cleaned


@admin.register(TrustedCertificate)
class TrustedCertificateAdmin(admin.ModelAdmin):
    list_display = ("subject", "is_anchor", "not_after_local", "fingerprint", "added_at_local")
    list_filter = ("is_anchor",)
    search_fields = ("subject", "issuer", "fingerprint")
    readonly_fields = (
        "subject",
        "issuer",
        "fingerprint",
        "not_before_local",
        "not_after_local",
        "added_at_local",
    )
    fields = ("is_anchor", *readonly_fields)
    # Issue 10: times with the zone named (the portal's zone: a certificate belongs to no court).
    not_before_local = court_time_column(
        "not_before", TrustedCertificate._meta.get_field("not_before").verbose_name, None
    )
    not_after_local = court_time_column(
        "not_after", TrustedCertificate._meta.get_field("not_after").verbose_name, None
    )
    added_at_local = court_time_column(
        "added_at", TrustedCertificate._meta.get_field("added_at").verbose_name, None
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = TrustedCertificateUploadForm
            kwargs["fields"] = ["file", "kind"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["file", "kind"] if obj is None else list(self.fields)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        rows = form.cleaned_data["rows"]
        _copy_into(obj, rows[0])
        if len(rows) > 1:
            self.message_user(request, _("%(count)d certificates added.") % {"count": len(rows)})


class CrlUploadForm(forms.ModelForm):
    file = forms.FileField(label=_("CRL file (PEM or DER)"))

    class Meta:
        model = CertificateRevocationList
        fields: list[str] = []

    def clean(self) -> dict:
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None:
            content = _read_upload(upload)
            try:
                cleaned["row"] = crl_import(content)
            except DomainError as error:
                raise forms.ValidationError(error.message) from None
        return cleaned


@admin.register(CertificateRevocationList)
class CertificateRevocationListAdmin(admin.ModelAdmin):
    list_display = ("issuer", "this_update_local", "next_update_local", "origin", "source_url")
    list_filter = ("origin",)
    search_fields = ("issuer", "fingerprint", "source_url")
    readonly_fields = (
        "issuer",
        "this_update_local",
        "next_update_local",
        "origin",
        "source_url",
        "fingerprint",
        "added_at_local",
    )
    # Issue 10: times with the zone named (the portal's zone).
    this_update_local = court_time_column(
        "this_update", CertificateRevocationList._meta.get_field("this_update").verbose_name, None
    )
    next_update_local = court_time_column(
        "next_update", CertificateRevocationList._meta.get_field("next_update").verbose_name, None
    )
    added_at_local = court_time_column(
        "added_at", CertificateRevocationList._meta.get_field("added_at").verbose_name, None
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = CrlUploadForm
            kwargs["fields"] = ["file"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["file"] if obj is None else list(self.readonly_fields)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None) -> bool:
        # A CRL is a signed document: it is replaced, never edited.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        _copy_into(obj, form.cleaned_data["row"])


@admin.register(SignInNonce)
class SignInNonceAdmin(admin.ModelAdmin):
    list_display = ("value", "purpose", "created_at_local", "expires_at_local", "used_at_local")
    list_filter = ("purpose",)
    readonly_fields = (
        "value",
        "purpose",
        "session_hash",
        "created_at_local",
        "expires_at_local",
        "used_at_local",
    )
    # Issue 10: times with the zone named (the portal's zone).
    created_at_local = court_time_column(
        "created_at", SignInNonce._meta.get_field("created_at").verbose_name, None
    )
    expires_at_local = court_time_column(
        "expires_at", SignInNonce._meta.get_field("expires_at").verbose_name, None
    )
    used_at_local = court_time_column(
        "used_at", SignInNonce._meta.get_field("used_at").verbose_name, None
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
