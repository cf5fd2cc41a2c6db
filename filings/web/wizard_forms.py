"""Forms of the guided filing wizard, one per step (R-FIL-2, R-FIL-3, R-FIL-4, R-FIL-10).

The parties and the annex are repeated rows (`party-<n>-role`, `annex-<n>`): the page shows
the rows it has plus an empty one, and "Add a row" posts back for one more.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sotkabinet.accounts.identity import is_valid_identity_number
from sotkabinet.courts.models import Court

from ..models import FilingKind, Instance, Proceeding

PARTY_ROLE_CHOICES = [
    ("plaintiff", _("Plaintiff")),
    ("defendant", _("Defendant")),
    ("third_party", _("Third party")),
]
LANGUAGE_CHOICES = [("kk", "Қазақша"), ("ru", "Русский")]
MAX_ROWS = 50


class CourtStepForm(forms.Form):
    court = forms.ModelChoiceField(
        label=_("Court"),
        queryset=Court.objects.order_by("name"),
        empty_label=_("— choose the court —"),
        error_messages={"required": _("Choose the court.")},
    )
    proceeding = forms.ChoiceField(label=_("Proceeding"), choices=Proceeding.choices)
    instance = forms.ChoiceField(label=_("Instance"), choices=Instance.choices)


class KindStepForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of document"),
        choices=[("", _("— choose the kind —")), *FilingKind.choices],
        error_messages={"required": _("Choose the kind of document.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=500,
        help_text=_("For example: Statement of claim for the recovery of a debt."),
        error_messages={"required": _("Write the title of the document.")},
    )
    language = forms.ChoiceField(label=_("Language of proceedings"), choices=LANGUAGE_CHOICES)
    claim_amount = forms.DecimalField(
        label=_("Claim amount, tenge"),
        required=False,
        min_value=0,
        decimal_places=2,
        help_text=_("Only for a property claim: the state duty depends on it."),
    )
    case = forms.IntegerField(
        label=_("Existing case No. (for additional documents)"),
        required=False,
        min_value=1,
        help_text=_("Leave empty for a new case."),
    )


class RowsForm(forms.Form):
    """A form whose rows come from the POST (or the initial list) plus one empty row."""

    row_prefix = ""

    def __init__(self, data=None, *, initial_rows: list | None = None, extra: int = 1) -> None:
        super().__init__(data)
        rows = self._posted_rows(data) if data is not None else len(initial_rows or [])
        self.row_count = min(MAX_ROWS, max(1, rows + extra))
        self.initial_rows = initial_rows or []
        for index in range(self.row_count):
            self.add_row(index)

    def _posted_rows(self, data) -> int:
        try:
            return int(data.get(f"{self.row_prefix}-count", 0))
        except (TypeError, ValueError):
            return 0

    def add_row(self, index: int) -> None:
        """Add the fields of row `index`. Each step form (parties, annex) defines its own row;
        RowsForm itself is never instantiated."""
        raise NotImplementedError

    def rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[name] for name in self.fields if name.startswith(f"{self.row_prefix}-{index}-")]
            for index in range(self.row_count)
        ]


class PartiesStepForm(RowsForm):
    row_prefix = "party"

    def __init__(self, data=None, *, initial_rows=None, extra=1, with_principal=False) -> None:
        super().__init__(data, initial_rows=initial_rows, extra=extra)
        self.with_principal = with_principal
        if with_principal:
            self.fields["principal"] = forms.CharField(
                label=_("Filing on behalf of (IIN/BIN of the principal)"),
                max_length=12,
                required=False,
                help_text=_("Only a representative with a power of attorney fills this in."),
            )
            self.fields["power"] = forms.IntegerField(
                label=_("Power of attorney No."), required=False, min_value=1
            )

    def add_row(self, index: int) -> None:
        initial = self.initial_rows[index] if index < len(self.initial_rows) else {}
        number = index + 1
        self.fields[f"party-{index}-role"] = forms.ChoiceField(
            label=_("Role of party %(number)s") % {"number": number},
            choices=[("", "—"), *PARTY_ROLE_CHOICES],
            required=False,
            initial=initial.get("role", ""),
        )
        self.fields[f"party-{index}-name"] = forms.CharField(
            label=_("Name of party %(number)s") % {"number": number},
            max_length=500,
            required=False,
            initial=initial.get("name", ""),
        )
        self.fields[f"party-{index}-iin_bin"] = forms.CharField(
            label=_("IIN/BIN of party %(number)s (if known)") % {"number": number},
            max_length=12,
            required=False,
            initial=initial.get("iin_bin", ""),
        )

    def clean(self):
        cleaned = super().clean()
        parties = []
        for index in range(self.row_count):
            role = cleaned.get(f"party-{index}-role") or ""
            name = (cleaned.get(f"party-{index}-name") or "").strip()
            iin_bin = (cleaned.get(f"party-{index}-iin_bin") or "").strip()
            if not (role or name or iin_bin):
                continue
            if not role:
                self.add_error(f"party-{index}-role", _("Choose the role."))
            if not name:
                self.add_error(f"party-{index}-name", _("Write the name."))
            if iin_bin and not is_valid_identity_number(iin_bin):
                self.add_error(f"party-{index}-iin_bin", _("Not a valid IIN/BIN."))
            party = {"role": role, "name": name}
            if iin_bin:
                party["iin_bin"] = iin_bin
            parties.append(party)
        if not parties and not self.errors:
            self.add_error(None, _("Name at least one party."))
        cleaned["parties"] = parties
        return cleaned


class AnnexStepForm(RowsForm):
    row_prefix = "annex"

    def add_row(self, index: int) -> None:
        initial = self.initial_rows[index] if index < len(self.initial_rows) else ""
        self.fields[f"annex-{index}-title"] = forms.CharField(
            label=_("Document %(number)s") % {"number": index + 1},
            max_length=500,
            required=False,
            initial=initial,
        )

    def clean(self):
        cleaned = super().clean()
        titles = [
            (cleaned.get(f"annex-{index}-title") or "").strip() for index in range(self.row_count)
        ]
        titles = [title for title in titles if title]
        if not titles:
            self.add_error(None, _("List at least one document."))
        elif len(set(titles)) != len(titles):
            self.add_error(None, _("Each document needs its own title."))
        cleaned["annex"] = titles
        return cleaned
