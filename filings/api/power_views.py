"""REST endpoints of the electronic power of attorney (docs/api.md).

SPEC R-FIL-10 (create, head order, sign, revoke, the attorney's сенімхат section) and R-FIL-11
(who may act for whom). Views parse input, check access and call `filings.powers`.
Access: the principal does everything; a named attorney may only view and download. Anyone else
gets 404 (they may not learn the power exists); an attorney trying a principal's action gets 403.
"""

from __future__ import annotations

import base64
import hashlib

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from sotkabinet.accounts.access import can
from sotkabinet.api import FileDownloadMixin, Pagination, idempotent
from sotkabinet.documents.upload import LimitedUploadMixin, ensure_not_too_large
from sotkabinet.errors import Forbidden, NotFound

from .. import powers as power_services
from ..models import PowerOfAttorney, PowerScope, PowerStatus

# --- output ---------------------------------------------------------------------------------


class PowerPersonSerializer(serializers.Serializer):
    login = serializers.CharField()
    full_name = serializers.CharField()


class PowerOutput(serializers.Serializer):
    """The power object, plus the signature facts and the head order's hash."""

    id = serializers.IntegerField()
    principal = PowerPersonSerializer()
    attorneys = PowerPersonSerializer(many=True)
    powers = serializers.ListField(child=serializers.ChoiceField(choices=PowerScope.choices))
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    fabula = serializers.CharField()
    status = serializers.ChoiceField(choices=PowerStatus.choices)
    head_order = inline_serializer(
        "PowerHeadOrder",
        {"filename": serializers.CharField(), "sha256": serializers.CharField()},
        allow_null=True,
    )
    signed_at = serializers.DateTimeField(allow_null=True)
    signer_iin = serializers.CharField(allow_blank=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


def power_data(power: PowerOfAttorney) -> dict:
    from sotkabinet.accounts.models import User

    named = list(power.attorneys.all())
    # An attorney who registered after the power was made is not linked yet: look them up.
    unlinked = [a.iin for a in named if a.user is None]
    late = dict(User.objects.filter(login__in=unlinked).values_list("login", "full_name"))
    attorneys = [
        {
            "login": a.iin,
            "full_name": a.user.full_name if a.user is not None else late.get(a.iin, ""),
        }
        for a in named
    ]
    data = {
        "id": power.pk,
        "principal": power.principal.as_person(),
        "attorneys": attorneys,
        "powers": list(power.powers),
        "valid_from": power.valid_from,
        "valid_until": power.valid_until,
        "fabula": power.fabula,
        "status": power_services.power_status(power),
        "head_order": (
            {"filename": power.head_order_filename, "sha256": power.head_order_sha256}
            if power.head_order_sha256
            else None
        ),
        "signed_at": power.signed_at,
        "signer_iin": power.signer_iin,
        "revoked_at": power.revoked_at,
        "created_at": power.created_at,
    }
    return PowerOutput(data).data


def _power_for(request, pk: int, action: str) -> PowerOfAttorney:
    """The power if the caller may `action` it; 404 if they may not see it, 403 if only see."""
    power = get_object_or_404(
        PowerOfAttorney.objects.select_related("principal").prefetch_related("attorneys__user"),
        pk=pk,
    )
    if not can(request.user, "view", power):
        raise NotFound()
    if action != "view" and not can(request.user, action, power):
        raise Forbidden()
    return power


# --- input ----------------------------------------------------------------------------------


class PowerInput(serializers.Serializer):
    attorneys = serializers.ListField(
        child=serializers.CharField(max_length=12), min_length=1, max_length=50
    )
    powers = serializers.ListField(
        child=serializers.ChoiceField(choices=PowerScope.choices), min_length=1
    )
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    fabula = serializers.CharField(max_length=20000)


class PowerCmsInput(serializers.Serializer):
    cms = serializers.CharField(help_text="Base64 CMS over the signing payload.")


class PowerHeadOrderInput(serializers.Serializer):
    file = serializers.FileField()


# --- views ----------------------------------------------------------------------------------


class PowerListCreateView(APIView):
    """GET: the caller's powers (`?as=principal|attorney`); POST: a new draft (R-FIL-10)."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "as", str, enum=["principal", "attorney"], description="Which side; both if absent."
            )
        ],
        responses={200: PowerOutput(many=True)},
    )
    def get(self, request):
        as_role = request.query_params.get("as")
        if as_role not in (None, "", "principal", "attorney"):
            from sotkabinet.errors import DomainError

            raise DomainError("invalid", details={"as": "principal or attorney"})
        queryset = power_services.powers_visible_to(request.user, as_role=as_role or None)
        paginator = Pagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response([power_data(power) for power in page])

    @extend_schema(request=PowerInput, responses={201: PowerOutput})
    @idempotent
    def post(self, request):
        data = PowerInput(data=request.data)
        data.is_valid(raise_exception=True)
        power = power_services.power_create(acting_user=request.user, **data.validated_data)
        return Response(power_data(power), status=status.HTTP_201_CREATED)


class PowerDetailView(APIView):
    @extend_schema(responses={200: PowerOutput})
    def get(self, request, pk: int):
        return Response(power_data(_power_for(request, pk, "view")))


class PowerHeadOrderView(LimitedUploadMixin, APIView):
    """The scanned order appointing a legal entity's head (R-FIL-10). Over 20 MiB: 413."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": PowerHeadOrderInput}, responses={201: PowerOutput}
    )
    @idempotent
    def post(self, request, pk: int):
        power = _power_for(request, pk, "edit")
        data = PowerHeadOrderInput(data=request.data)
        ensure_not_too_large(request)
        data.is_valid(raise_exception=True)
        power = power_services.power_attach_head_order(
            acting_user=request.user, power=power, uploaded=data.validated_data["file"]
        )
        return Response(power_data(power), status=status.HTTP_201_CREATED)


class PowerSigningPayloadView(FileDownloadMixin, APIView):
    @extend_schema(responses={(200, "application/json"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        power = _power_for(request, pk, "edit")
        payload = power_services.power_signing_payload(power)
        return HttpResponse(payload, content_type="application/json; charset=utf-8")


class PowerSignView(APIView):
    """The principal's (or the entity head's) ЭЦҚ activates the power (R-FIL-10, R-ECP-4)."""

    @extend_schema(request=PowerCmsInput, responses={200: PowerOutput})
    def post(self, request, pk: int):
        power = _power_for(request, pk, "edit")
        data = PowerCmsInput(data=request.data)
        data.is_valid(raise_exception=True)
        power = power_services.power_sign(
            acting_user=request.user, power=power, cms=data.validated_data["cms"]
        )
        return Response(power_data(power))


class PowerRevokeView(APIView):
    @extend_schema(request=None, responses={200: PowerOutput})
    def post(self, request, pk: int):
        power = _power_for(request, pk, "edit")
        power = power_services.power_revoke(acting_user=request.user, power=power)
        return Response(power_data(power))


class PowerDocumentView(FileDownloadMixin, APIView):
    """The signed power as a bundle: the exact signed payload and the CMS (the сенімхат download).

    Anyone holding the bundle can check it independently: the payload's SHA-256, and the CMS
    with `POST /api/v1/signatures/verify/` (data = the payload, base64).
    """

    @extend_schema(
        responses={
            200: inline_serializer(
                "PowerBundle",
                {
                    "power": PowerOutput(),
                    "payload": serializers.CharField(),
                    "payload_sha256": serializers.CharField(),
                    "cms": serializers.CharField(allow_null=True),
                    "signature": serializers.JSONField(allow_null=True),
                },
            )
        }
    )
    def get(self, request, pk: int):
        power = _power_for(request, pk, "view")
        return Response(power_bundle(power), headers=_attachment_header(power))


def power_bundle(power: PowerOfAttorney) -> dict:
    payload = power_services.power_signing_payload(power)
    return {
        "power": power_data(power),
        "payload": payload.decode("utf-8"),
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
        "cms": base64.b64encode(bytes(power.signature_cms)).decode()
        if power.signature_cms
        else None,
        "signature": power.signature_verdict,
    }


def _attachment_header(power: PowerOfAttorney) -> dict:
    return {"Content-Disposition": f'attachment; filename="power-{power.pk}.json"'}
