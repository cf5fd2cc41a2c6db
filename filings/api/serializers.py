"""Input and output shapes of the applicant's filing API (docs/api.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sotkabinet.core.models import Notification
from sotkabinet.documents.issues import MESSAGES as DOCUMENT_MESSAGES
from sotkabinet.documents.issues import message_for

from ..duty.settlement import duty_summary
from ..models import (
    Attachment,
    AttachmentKind,
    AttachmentStatus,
    Filing,
    FilingKind,
    FilingStatus,
    Instance,
    Proceeding,
)
from ..talon import talon_download_path


def _inline_enum(choices) -> type[serializers.ChoiceField]:
    """A ChoiceField whose enum stays inline in the schema (wrapped in `allOf`).

    The API has several different choice sets `kind` and `status` (filing, attachment, act);
    drf-spectacular would hoist each into a component named after the field and warn about the
    collision. Inline, each field documents exactly its own values.
    """
    field = type(f"{choices.__name__}Field", (serializers.ChoiceField,), {})
    schema = {"allOf": [{"type": "string", "enum": list(choices.values)}]}
    return extend_schema_field(schema)(field)


FilingKindField = _inline_enum(FilingKind)
FilingStatusField = _inline_enum(FilingStatus)
AttachmentKindField = _inline_enum(AttachmentKind)
AttachmentStatusField = _inline_enum(AttachmentStatus)


def person(user) -> dict | None:
    """The person object."""
    if user is None:
        return None
    return {"login": user.login, "full_name": user.full_name}


class FilingPersonSerializer(serializers.Serializer):
    login = serializers.CharField()
    full_name = serializers.CharField()


# --- input ------------------------------------------------------------------------------------


class FilingPartyInput(serializers.Serializer):
    role = serializers.ChoiceField(choices=["plaintiff", "defendant", "third_party"])
    name = serializers.CharField(max_length=500)
    iin_bin = serializers.CharField(max_length=12, required=False, allow_blank=True)


class FilingCreateInput(serializers.Serializer):
    court = serializers.IntegerField()
    proceeding = serializers.ChoiceField(choices=Proceeding.choices)
    instance = serializers.ChoiceField(choices=Instance.choices)
    kind = FilingKindField(choices=FilingKind.choices)
    title = serializers.CharField(max_length=500)
    parties = FilingPartyInput(many=True, allow_empty=False)
    annex = serializers.ListField(
        child=serializers.CharField(max_length=500), allow_empty=False, max_length=200
    )
    case = serializers.IntegerField(required=False, allow_null=True)
    supplement_to = serializers.IntegerField(
        required=False, allow_null=True, help_text="An earlier sent filing (R-FIL-9)."
    )
    claim_amount = serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    principal = serializers.CharField(max_length=12, required=False, allow_blank=True)
    power = serializers.IntegerField(required=False, allow_null=True)
    language = serializers.ChoiceField(choices=["kk", "ru"], required=False, default="kk")


class AttachmentCreateInput(serializers.Serializer):
    # An empty file is stored and answered 201 with `errors: [{"code": "empty"}]` (docs/api.md),
    # not 400.
    file = serializers.FileField(allow_empty_file=True)
    title = serializers.CharField(max_length=500)
    kind = AttachmentKindField(
        choices=AttachmentKind.choices, required=False, default=AttachmentKind.DOCUMENT
    )


class FilingSubmitInput(serializers.Serializer):
    cms = serializers.CharField(help_text="Base64 (or PEM) CMS over the signing payload.")


class FilingListQuery(serializers.Serializer):
    status = FilingStatusField(choices=FilingStatus.choices, required=False)


# --- output -----------------------------------------------------------------------------------


class AttachmentErrorSerializer(serializers.Serializer):
    """One issue of a file: the stable code and its text in the request's language (kk/ru/en,
    from sotkabinet.documents MESSAGES; the stored English text for an unknown code)."""

    code = serializers.CharField()
    message = serializers.SerializerMethodField()

    def get_message(self, issue: dict) -> str:
        code = issue.get("code", "")
        if code in DOCUMENT_MESSAGES:
            language = get_language() or settings.LANGUAGE_CODE
            return message_for(code, language, issue.get("reason", ""))  # README: documents
        return str(issue.get("message", code))


class AttachmentSerializer(serializers.ModelSerializer):
    """The attachment object (docs/conventions.md)."""

    kind = AttachmentKindField(choices=AttachmentKind.choices, read_only=True)
    status = AttachmentStatusField(choices=AttachmentStatus.choices, read_only=True)
    errors = AttachmentErrorSerializer(many=True, read_only=True)

    class Meta:
        model = Attachment
        fields = [
            "id",
            "kind",
            "title",
            "filename",
            "original_filename",
            "size",
            "sha256",
            "detected_format",
            "status",
            "errors",
        ]
        read_only_fields = fields


class FilingHistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    status = serializers.CharField()
    note = serializers.CharField()


class FilingSignerSerializer(serializers.Serializer):
    iin = serializers.CharField(allow_null=True)
    bin = serializers.CharField(allow_null=True)
    full_name = serializers.CharField(allow_null=True)
    organization = serializers.CharField(allow_null=True)
    certificate_serial = serializers.CharField()
    issuer = serializers.CharField()
    not_before = serializers.DateTimeField()
    not_after = serializers.DateTimeField()
    key_usage = serializers.ChoiceField(choices=["sign", "auth"])
    signing_time = serializers.DateTimeField(allow_null=True)
    algorithm = serializers.CharField()


class FilingSignatureSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    reason = serializers.CharField(allow_null=True)
    signers = FilingSignerSerializer(many=True)
    checked_at = serializers.DateTimeField()


class FilingDutySerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    paid = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        help_text="The sum of confirmed gateway payments (issue 9).",
    )
    status = serializers.CharField(
        help_text="paid | receipt | deferred | missing | not_required; `paid` only once `paid` "
        "covers `amount`."
    )


class FilingTalonSerializer(serializers.Serializer):
    number = serializers.CharField()
    url = serializers.CharField()


class FilingRejectionSerializer(serializers.Serializer):
    ground = serializers.CharField()
    comment = serializers.CharField()


class CaseSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    judge = FilingPersonSerializer()


class FilingSerializer(serializers.ModelSerializer):
    """The filing object."""

    status = FilingStatusField(choices=FilingStatus.choices, read_only=True)
    kind = FilingKindField(choices=FilingKind.choices, read_only=True)
    court = serializers.IntegerField(source="court_id")
    parties = serializers.JSONField()
    annex = serializers.ListField(child=serializers.CharField())
    attachments = AttachmentSerializer(many=True, read_only=True)
    submitted_at_local = serializers.SerializerMethodField()
    talon = serializers.SerializerMethodField()
    signature = serializers.SerializerMethodField()
    duty = serializers.SerializerMethodField()
    acting_for = serializers.SerializerMethodField()
    power = serializers.IntegerField(source="power_id", allow_null=True)
    supplement_to = serializers.IntegerField(source="supplement_to_id", allow_null=True)
    rejection = serializers.SerializerMethodField()
    case = serializers.SerializerMethodField()
    not_received_reason = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()
    claim_amount = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    author = serializers.SerializerMethodField()

    class Meta:
        model = Filing
        fields = [
            "id",
            "number",
            "status",
            "court",
            "proceeding",
            "instance",
            "kind",
            "title",
            "language",
            "parties",
            "annex",
            "claim_amount",
            "attachments",
            "submitted_at",
            "submitted_at_local",
            "registration_deadline",
            "talon",
            "signature",
            "duty",
            "author",
            "acting_for",
            "power",
            "rejection",
            "case",
            "supplement_to",
            "not_received_reason",
            "history",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_submitted_at_local(self, filing: Filing) -> str | None:
        """`submitted_at` in the court's own time zone (000 п.41)."""
        if filing.submitted_at is None:
            return None
        return filing.submitted_at.astimezone(filing.court.tzinfo).isoformat()

    @extend_schema_field(FilingTalonSerializer(allow_null=True))
    def get_talon(self, filing: Filing) -> dict | None:
        if not filing.number:
            return None
        return {"number": filing.number, "url": talon_download_path(filing)}

    @extend_schema_field(FilingSignatureSerializer(allow_null=True))
    def get_signature(self, filing: Filing) -> dict | None:
        if filing.signature_verdict is None:
            return None
        checked_at = filing.signature_checked_at
        return {
            **filing.signature_verdict,
            "checked_at": checked_at.isoformat() if checked_at else None,
        }

    @extend_schema_field(FilingDutySerializer)
    def get_duty(self, filing: Filing) -> dict:
        return duty_summary(filing).as_api()

    @extend_schema_field(FilingPersonSerializer)
    def get_author(self, filing: Filing) -> dict | None:
        return person(filing.author)

    @extend_schema_field(FilingPersonSerializer(allow_null=True))
    def get_acting_for(self, filing: Filing) -> dict | None:
        return person(filing.principal) if filing.principal_id else None

    @extend_schema_field(FilingRejectionSerializer(allow_null=True))
    def get_rejection(self, filing: Filing) -> dict | None:
        if filing.status != FilingStatus.REJECTED and not filing.rejection_ground:
            return None
        return {"ground": filing.rejection_ground, "comment": filing.rejection_comment}

    @extend_schema_field(CaseSummarySerializer(allow_null=True))
    def get_case(self, filing: Filing) -> dict | None:
        case = filing.case
        if case is None:
            return None
        return {"id": case.pk, "number": case.number, "judge": person(case.judge)}

    @extend_schema_field(
        serializers.ChoiceField(
            choices=["signature_invalid", "signer_mismatch", "attachments_invalid"],
            allow_null=True,
        )
    )
    def get_not_received_reason(self, filing: Filing) -> str | None:
        return filing.not_received_reason or None

    @extend_schema_field(FilingHistoryEntrySerializer(many=True))
    def get_history(self, filing: Filing) -> list[dict[str, Any]]:
        return [
            {"at": event.at.isoformat(), "status": event.status, "note": event.note}
            for event in filing.events.all()
        ]


class NotificationSerializer(serializers.ModelSerializer):
    """A notice: `{"id", "created_at", "filing", "case", "kind", "text", "link"}`."""

    filing = serializers.IntegerField(source="filing_id", allow_null=True)
    case = serializers.IntegerField(source="case_id", allow_null=True)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "created_at", "filing", "case", "kind", "text", "link", "read"]
        read_only_fields = fields

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None
