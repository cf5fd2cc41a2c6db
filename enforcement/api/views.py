"""The court's enforcement endpoints (docs/api.md): issue, sign, follow a writ, and the
assigned bailiff's status reports. The chamber's own endpoints are in ``chamber/api.py``.

Views parse, check access (404 for whoever may not see the writ, 403 for whoever may but is
not the right person), call a service, and render.
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from enforcement import selectors, services
from enforcement.chamber import services as chamber
from enforcement.models import Writ, WritStatus
from registry.models import Act
from sotkabinet.accounts.access import can
from sotkabinet.api import FileDownloadMixin, idempotent
from sotkabinet.errors import Forbidden, NotFound

from .serializers import (
    BailiffStatusInput,
    CmsInput,
    WritCreateInput,
    writ_representation,
)


def visible_writ(request, pk: int, action: str | None = None) -> Writ:
    """The writ if the caller may see it (else 404); with ``action``, also do it (else 403)."""
    writ = selectors.writ_detail(pk)
    if writ is None or not can(request.user, "view", writ):
        raise NotFound()
    if action is not None and not can(request.user, action, writ):
        raise Forbidden()
    return writ


def writ_response(request, writ_id: int, status: int = 200) -> Response:
    writ = selectors.writ_detail(writ_id)
    return Response(writ_representation(writ, request.user), status=status)


class ActWritCreateView(APIView):
    """`POST /acts/{id}/writs/`: the case's judge issues a writ (SPEC R-ENF-1, R-ENF-2)."""

    @extend_schema(request=WritCreateInput, responses={201: OpenApiTypes.OBJECT})
    @idempotent
    def post(self, request, pk: int):
        act = Act.objects.select_related("case").filter(pk=pk).first()
        if act is None or not can(request.user, "view", act):
            raise NotFound()
        if request.user.pk != act.case.judge_id:
            raise Forbidden()
        data = WritCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        writ = services.writ_create(
            acting_user=request.user,
            act=act,
            claimant=dict(values["claimant"]),
            debtor=dict(values["debtor"]),
            category=values["category"],
            amount=values.get("amount"),
            immediate=values["immediate"],
            state_interest=values["state_interest"],
        )
        return writ_response(request, writ.pk, status=201)


class WritListView(GenericAPIView):
    """`GET /writs/`: the writs the caller may see (``?case=``, ``?status=``)."""

    @extend_schema(
        operation_id="writs_list",
        parameters=[
            OpenApiParameter("case", int, required=False),
            OpenApiParameter("status", str, required=False, enum=WritStatus.values),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        queryset = selectors.writs_visible_to(request.user).prefetch_related("events")
        case = request.query_params.get("case")
        if case:
            if not case.isdigit():
                raise NotFound()
            queryset = queryset.filter(case_id=int(case))
        status = request.query_params.get("status")
        if status:
            queryset = queryset.filter(status=status)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(
            [writ_representation(writ, request.user) for writ in page]
        )


class WritDetailView(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        writ = visible_writ(request, pk)
        return Response(writ_representation(writ, request.user))


class WritSigningPayloadView(FileDownloadMixin, APIView):
    """The exact bytes the judge and the secretary sign (docs/conventions.md "Signing", R-ENF-2)."""

    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        writ = visible_writ(request, pk, "sign")
        response = HttpResponse(writ.signing_payload_bytes, content_type="application/json")
        response["Cache-Control"] = "no-store"
        return response


class WritSignView(APIView):
    """The judge's, then the secretary's ЭЦҚ (R-ENF-2); the second dispatches (R-ENF-3)."""

    @extend_schema(request=CmsInput, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        writ = visible_writ(request, pk)
        data = CmsInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.writ_sign(acting_user=request.user, writ=writ, cms=data.validated_data["cms"])
        return writ_response(request, writ.pk)


class WritResubmitView(APIView):
    """Resubmit a writ returned or sent by territory (002 п.5, п.11)."""

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        writ = visible_writ(request, pk, "resubmit")
        services.writ_resubmit(acting_user=request.user, writ=writ)
        return writ_response(request, writ.pk)


class BailiffStatusView(APIView):
    """`POST /enforcement/writs/{id}/status/`: the assigned bailiff's status (000 п.58)."""

    @extend_schema(request=BailiffStatusInput, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        writ = visible_writ(request, pk, "report_status")
        data = BailiffStatusInput(data=request.data)
        data.is_valid(raise_exception=True)
        chamber.registration_report_status(
            bailiff=request.user,
            source_writ_id=writ.pk,
            status=data.validated_data["status"],
            note=data.validated_data["note"],
        )
        return writ_response(request, writ.pk)
