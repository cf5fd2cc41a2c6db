"""POST /api/v1/cases/{id}/closed/: the case's judge marks closed proceedings (issue 9; 004).

Body `{"closed": bool, "reason"}`. 200 with the case card, which carries `"closed"` and
`"closed_reason"`. A missing or empty reason is 400 `reason_required`; a caller who may not see
the case gets 404, one who sees it but is not its judge 403 (docs/conventions.md).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from ..act_selectors import case_for
from ..closed_cases import case_set_closed
from .acts_serializers import CaseCardOutput
from .acts_views import case_card_response


class ClosedInput(serializers.Serializer):
    closed = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, allow_null=True)


class CaseClosedView(APIView):
    @extend_schema(request=ClosedInput, responses=CaseCardOutput, summary="Closed proceedings")
    def post(self, request, case_id: int):
        case = case_for(request.user, case_id)
        data = ClosedInput(data=request.data)
        data.is_valid(raise_exception=True)
        case = case_set_closed(
            acting_user=request.user,
            case=case,
            closed=data.validated_data["closed"],
            reason=data.validated_data.get("reason"),
        )
        return case_card_response(request, case_for(request.user, case.pk))
