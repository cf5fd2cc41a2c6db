"""Input and output shapes of the registration desk API (docs/api.md).

The filing object is the filings app's own serializer: the clerk sees the same document the
applicant does, plus the desk's flags.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from filings.api.serializers import CaseSummarySerializer, FilingSerializer, person
from filings.models import RejectionGround

from ..models import Case


class FilingRegisterInput(serializers.Serializer):
    """`{}` opens a case; `{"case": id}` joins an existing case of the court (R-REG-6)."""

    case = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class FilingRejectInput(serializers.Serializer):
    """R-REG-5. The ground is checked by the service (400 `invalid_ground`)."""

    ground = serializers.ChoiceField(choices=RejectionGround.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class RegistryQueueQuery(serializers.Serializer):
    overdue = serializers.BooleanField(required=False, default=False)


class RegistrationResultSerializer(serializers.Serializer):
    """200 of register: `{"case": {"id", "number", "judge": person}}`."""

    case = CaseSummarySerializer()


def registration_result(case: Case) -> dict:
    return {"case": {"id": case.pk, "number": case.number, "judge": person(case.judge)}}


class DuplicateMatchSerializer(serializers.Serializer):
    attachment = serializers.IntegerField(source="attachment_id")
    sha256 = serializers.CharField()
    filing = serializers.IntegerField(source="filing_id")
    filing_number = serializers.CharField()
    case = serializers.IntegerField(source="case_id", allow_null=True)
    case_number = serializers.CharField(allow_null=True)


class QueueItemSerializer(FilingSerializer):
    """A filing in the clerk's queue with the deadline and duplicate flags (R-REG-3, R-REG-5)."""

    applicant = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    near_deadline = serializers.SerializerMethodField()
    remaining_working_seconds = serializers.SerializerMethodField()
    likely_duplicate = serializers.SerializerMethodField()

    class Meta(FilingSerializer.Meta):
        fields = [
            *FilingSerializer.Meta.fields,
            "applicant",
            "overdue",
            "near_deadline",
            "remaining_working_seconds",
            "likely_duplicate",
        ]
        read_only_fields = fields

    def _state(self, filing):
        states = self.context.setdefault("deadline_states", {})
        if filing.pk not in states:
            from ..selectors import deadline_state

            calendars = self.context.setdefault("calendars", {})
            states[filing.pk] = deadline_state(filing, self.context.get("now"), calendars=calendars)
        return states[filing.pk]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_applicant(self, filing) -> dict | None:
        return person(filing.applicant)

    def get_overdue(self, filing) -> bool:
        return self._state(filing).overdue

    def get_near_deadline(self, filing) -> bool:
        return self._state(filing).near_deadline

    @extend_schema_field(OpenApiTypes.INT)
    def get_remaining_working_seconds(self, filing) -> int | None:
        return self._state(filing).remaining_working_seconds

    def get_likely_duplicate(self, filing) -> bool:
        return bool(getattr(filing, "likely_duplicate", False))
