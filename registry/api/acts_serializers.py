"""Input and output shapes of the case card and judicial-act endpoints (docs/api.md).
Output serializers only read; every rule lives in registry/acts.py."""

from __future__ import annotations

from datetime import date
from typing import Any

from rest_framework import serializers

from sotkabinet.errors import DomainError

from ..acts import verify_url
from ..models import Act, ActKind, Case

MAX_CMS_CHARS = 2_000_000  # a CMS over a small payload is a few KiB; this bounds the body


def person(user) -> dict[str, str] | None:
    """The person object, or None."""
    return user.as_person() if user is not None else None


class ApiDateField(serializers.DateField):
    """`YYYY-MM-DD`; anything else is 400 `invalid_date` (not the generic `invalid`)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", input_formats=["%Y-%m-%d"], **kwargs)

    def to_internal_value(self, value: Any) -> date:
        try:
            return super().to_internal_value(value)
        except serializers.ValidationError:
            raise DomainError(
                "invalid_date", details={self.field_name or "date": "Use YYYY-MM-DD."}
            ) from None


# -- acts -----------------------------------------------------------------------------------------


class ActSerializer(serializers.ModelSerializer):
    """The act object, plus the file's name, size and format, and the case number."""

    signer = serializers.SerializerMethodField()
    legal_force_signer = serializers.SerializerMethodField()
    qr_url = serializers.SerializerMethodField()
    case_number = serializers.CharField(source="case.number", read_only=True)

    class Meta:
        model = Act
        fields = [
            "id",
            "case",
            "case_number",
            "kind",
            "title",
            "date",
            "status",
            "sha256",
            "filename",
            "size",
            "detected_format",
            "signed_at",
            "signer",
            "published_at",
            "legal_force_date",
            "legal_force_signer",
            "verify_code",
            "qr_url",
        ]
        read_only_fields = fields

    def get_signer(self, act: Act) -> dict | None:
        return person(act.signer)

    def get_legal_force_signer(self, act: Act) -> dict | None:
        return person(act.legal_force_signer)

    def get_qr_url(self, act: Act) -> str | None:
        return verify_url(act)


class ActUploadInput(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    kind = serializers.ChoiceField(choices=ActKind.choices)
    title = serializers.CharField(max_length=500)
    date = ApiDateField(required=False)


class ActPatchInput(serializers.Serializer):
    file = serializers.FileField(required=False, allow_empty_file=True)
    kind = serializers.ChoiceField(choices=ActKind.choices, required=False)
    title = serializers.CharField(max_length=500, required=False)
    date = ApiDateField(required=False)


class SignInput(serializers.Serializer):
    cms = serializers.CharField(max_length=MAX_CMS_CHARS)


class LegalForceInput(serializers.Serializer):
    date = ApiDateField()
    cms = serializers.CharField(max_length=MAX_CMS_CHARS)


class LegalForcePayloadQuery(serializers.Serializer):
    date = ApiDateField(required=False)


class AbsenceInput(serializers.Serializer):
    """`{"from", "to", "reason"}` (`from` is a Python keyword, hence the class-body dict)."""

    vars()["from"] = ApiDateField()
    to = ApiDateField()
    reason = serializers.CharField(max_length=500)


class PersonOutput(serializers.Serializer):
    login = serializers.CharField()
    full_name = serializers.CharField()


class AbsenceOutput(serializers.Serializer):
    """201 answer of POST staff/{login}/absence/."""

    id = serializers.IntegerField()
    judge = PersonOutput()
    vars()["from"] = serializers.DateField()
    to = serializers.DateField()
    reason = serializers.CharField()
    recorded_by = PersonOutput()


# -- the case card --------------------------------------------------------------------------------


class CaseCardOutput(serializers.Serializer):
    """The shape `case_card` returns (for the OpenAPI schema)."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    court = serializers.IntegerField()
    court_code = serializers.CharField()
    court_name = serializers.CharField()
    judge = PersonOutput()
    secretary = PersonOutput(allow_null=True)
    proceeding = serializers.CharField()
    filings = serializers.ListField(child=serializers.DictField())
    acts = ActSerializer(many=True)
    writs = serializers.ListField(child=serializers.DictField())
    history = serializers.ListField(child=serializers.DictField())
    legal_force_date = serializers.DateField(allow_null=True)
    closed = serializers.BooleanField()
    closed_reason = serializers.CharField(allow_null=True)


def _iso(moment) -> str | None:
    return serializers.DateTimeField().to_representation(moment) if moment else None


def filing_summary(filing) -> dict[str, Any]:
    return {
        "id": filing.pk,
        "number": filing.number,
        "kind": filing.kind,
        "title": filing.title,
        "status": filing.status,
        "submitted_at": _iso(filing.submitted_at),
    }


def writ_summary(writ) -> dict[str, Any]:
    """A writ as the case card shows it; the enforcement app owns the full object."""
    return {
        "id": writ.pk,
        "number": getattr(writ, "number", ""),
        "act": getattr(writ, "act_id", None),
        "status": getattr(writ, "status", ""),
        "category": getattr(writ, "category", ""),
        "bailiff": person(getattr(writ, "bailiff", None)),
    }


def case_card(
    case: Case, *, acts, filings, writs, events, context: dict | None = None
) -> dict[str, Any]:
    """`{"id", "number", "court", "judge", "filings", "acts", "writs", "history",
    "legal_force_date", "closed", "closed_reason"}` plus the court's code and name and the
    secretary."""
    return {
        "id": case.pk,
        "number": case.number,
        "court": case.court_id,
        "court_code": case.court.code,
        "court_name": case.court.name,
        "judge": person(case.judge),
        "secretary": person(case.secretary),
        "proceeding": case.proceeding,
        "filings": [filing_summary(filing) for filing in filings],
        "acts": ActSerializer(acts, many=True, context=context or {}).data,
        "writs": [writ_summary(writ) for writ in writs],
        "history": [
            {"at": _iso(event.at), "kind": event.kind, "note": event.note} for event in events
        ],
        "legal_force_date": case.legal_force_date.isoformat() if case.legal_force_date else None,
        "closed": case.closed,
        "closed_reason": case.closed_reason or None,
    }
