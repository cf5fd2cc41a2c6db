"""Forms of the applicant's cabinet: sign-up, sign-in, the filing form, upload, submit."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sotkabinet.accounts.models import User
from sotkabinet.courts.models import Court

from ..models import AttachmentKind, FilingKind, Instance, Proceeding
from ..services.drafts import PARTY_ROLES


class SignUpForm(forms.Form):
    """R-FIL-1: registration with ИИН/БИН and a password."""

    login = forms.CharField(
        label=_("IIN / BIN"), max_length=12, min_length=12, help_text=_("12 digits.")
    )
    kind = forms.ChoiceField(label=_("Applicant type"), choices=User.Kind.choices)
    full_name = forms.CharField(label=_("Full name or organisation name"), max_length=500)
    business_size = forms.ChoiceField(
        label=_("Business size (legal entities)"),
        choices=[("", "—"), *User.BusinessSize.choices],
        required=False,
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password_again = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput, strip=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", _("The passwords do not match."))
        return cleaned


class SignInForm(forms.Form):
    login = forms.CharField(label=_("IIN / BIN"), max_length=12)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)


class FilingForm(forms.Form):
    """The electronic form of a filing (R-FIL-2, R-FIL-3, R-FIL-4, R-FIL-9, R-FIL-10)."""

    court = forms.ModelChoiceField(label=_("Court"), queryset=Court.objects.order_by("name"))
    proceeding = forms.ChoiceField(label=_("Proceeding"), choices=Proceeding.choices)
    instance = forms.ChoiceField(label=_("Instance"), choices=Instance.choices)
    kind = forms.ChoiceField(label=_("Kind of document"), choices=FilingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=500)
    language = forms.ChoiceField(
        label=_("Language of proceedings"), choices=[("kk", "Қазақша"), ("ru", "Русский")]
    )
    parties = forms.CharField(
        label=_("Parties"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One party per line: role; name; IIN/BIN (optional). "
            "Roles: plaintiff, defendant, third_party."
        ),
    )
    annex = forms.CharField(
        label=_("Annex: the documents you will attach"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One document title per line; upload one file per line (R-DOC-6)."),
    )
    claim_amount = forms.DecimalField(
        label=_("Claim amount, tenge"), required=False, min_value=0, decimal_places=2
    )
    case = forms.IntegerField(
        label=_("Existing case (for additional documents)"), required=False, min_value=1
    )
    principal = forms.CharField(
        label=_("Filing on behalf of (IIN/BIN of the principal)"), max_length=12, required=False
    )
    power = forms.IntegerField(label=_("Power of attorney No."), required=False, min_value=1)

    def clean_parties(self) -> list[dict]:
        parties = []
        for number, line in enumerate(self.cleaned_data["parties"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(";")]
            if len(parts) < 2 or parts[0] not in PARTY_ROLES or not parts[1]:
                raise forms.ValidationError(
                    _("Line %(number)s: write role; name; IIN/BIN.") % {"number": number}
                )
            party = {"role": parts[0], "name": parts[1]}
            if len(parts) > 2 and parts[2]:
                party["iin_bin"] = parts[2]
            parties.append(party)
        if not parties:
            raise forms.ValidationError(_("Name at least one party."))
        return parties

    def clean_annex(self) -> list[str]:
        titles = [line.strip() for line in self.cleaned_data["annex"].splitlines() if line.strip()]
        if not titles:
            raise forms.ValidationError(_("List at least one document."))
        return titles


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, DOC, DOCX, XLS, XLSX)"))
    title = forms.CharField(label=_("Document title (as in the annex)"), max_length=500)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=AttachmentKind.choices, initial=AttachmentKind.DOCUMENT
    )


class SubmitForm(forms.Form):
    cms = forms.CharField(widget=forms.HiddenInput, required=False)
    demo = forms.BooleanField(widget=forms.HiddenInput, required=False)
