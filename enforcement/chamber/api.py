"""HTTP API of the receiving side.

``/api/v1/ais-oip/…``: the АИС ОИП stand-in the court system's outbox talks to (R-ENF-3).
``/api/v1/enforcement/…``: the regional chamber's desk: the bailiff registry (R-ENF-4),
reassignment by the disciplinary commission (002 п.12) and the distribution report (R-ENF-6).

Threat model of ``ais-oip/``: only the court system (the shared service token) may call it (a
chamber user is not the service, issue 9), but the body is still treated as untrusted. Its
shape is validated before anything is stored; the fields the distribution uses are copied out
and checked; the rest is kept as sent and never interpreted. News about a writ reaches the
court's tables only when both its id and its number match a writ there
(``services._same_document``), so a registration cannot move somebody else's writ. Names end up
in HTML (escaped by the templates) and in the CSV report, where a leading ``=``, ``+``, ``-`` or
``@`` is neutralised.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from enforcement import distribution as engine
from enforcement.api.views import visible_writ, writ_response
from sotkabinet.accounts.access import chamber_region, has_role
from sotkabinet.accounts.models import Role, User
from sotkabinet.accounts.tokens import ExpiringTokenAuthentication
from sotkabinet.errors import DomainError, Forbidden, NotFound

from . import inputs, registry, selectors, services
from .auth import IsEnforcementService, ServiceTokenAuthentication
from .models import BailiffAbsence, LicenceStatus, Registration

# -- АИС ОИП stand-in (R-ENF-3) ---------------------------------------------------------------


class _Party(serializers.Serializer):
    name = serializers.CharField(max_length=500)
    iin_bin = serializers.RegexField(r"^\d{12}$")
    district = serializers.CharField(max_length=32, required=False)


class _Debtor(_Party):
    district = serializers.CharField(max_length=32)


class _WritPart(serializers.Serializer):
    id = serializers.IntegerField(min_value=1)
    number = serializers.CharField(max_length=60)
    category = serializers.ChoiceField(choices=list(engine.CATEGORIES))
    immediate = serializers.BooleanField(default=False)
    state_interest = serializers.BooleanField(default=False)


class _Case(serializers.Serializer):
    number = serializers.CharField(max_length=40)


class _Court(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=500)


class RegistrationInput(serializers.Serializer):
    """The parts of the R-ENF-3 payload the registration relies on; the rest is kept as sent."""

    writ = _WritPart()
    claimant = _Party()
    debtor = _Debtor()
    case = _Case()
    court = _Court()
    judge = serializers.DictField()
    act = serializers.DictField()
    resubmission = serializers.BooleanField(default=False)


class ServiceView(APIView):
    authentication_classes = [ServiceTokenAuthentication, ExpiringTokenAuthentication]
    permission_classes = [IsEnforcementService]


class RegistrationCreateView(ServiceView):
    """`POST /ais-oip/writs/` with an Idempotency-Key: register the executive document."""

    @extend_schema(
        request=RegistrationInput,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, True)],
        responses={201: OpenApiTypes.OBJECT, 200: OpenApiTypes.OBJECT},
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key or len(key) > 200:
            raise DomainError("idempotency_key_required")
        if not isinstance(request.data, dict):
            raise DomainError("invalid")
        RegistrationInput(data=request.data).is_valid(raise_exception=True)
        receipt = services.registration_receive(key=key, payload=request.data)
        response = Response(receipt.body, status=receipt.status_code)
        if receipt.replayed:
            response["Idempotent-Replayed"] = "true"
        return response


class RegistrationDetailView(ServiceView):
    """`GET /ais-oip/writs/{number}/`: the registration and its current state."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, number: str):
        registration = Registration.objects.select_related("bailiff").filter(number=number).first()
        if registration is None:
            raise NotFound()
        body = services.receipt_body(registration)
        body.update(
            {
                "state": registration.status,
                "bailiff": registration.bailiff.as_person() if registration.bailiff else None,
                "distribution_rule": registration.distribution_rule or None,
                "distribution_reason": registration.distribution_reason or None,
            }
        )
        return Response(body)


# -- the chamber's desk ---------------------------------------------------------------------


def require_chamber(request) -> str:
    """The caller's region (issue 9): the chamber sees and edits its own region only. Not a
    chamber user: 403. A chamber account without a seat district has no region: 403 too."""
    if not has_role(request.user, Role.CHAMBER):
        raise Forbidden()
    region = chamber_region(request.user)
    if region is None:
        raise Forbidden(_("This chamber account has no region: its district is not set."))
    return region


def bailiff_by_login(login: str, region: str) -> User:
    """A bailiff registered in the chamber's region; any other login is 404 (issue 9)."""
    user = User.objects.filter(
        login=login, memberships__role=Role.BAILIFF, district__region=region
    ).first()
    if user is None:
        raise NotFound()
    return user


def bailiff_representation(user: User) -> dict:
    profile = getattr(user, "bailiff_profile", None)
    return {
        **user.as_person(),
        "district": user.district.code if user.district_id else None,
        "attached_districts": sorted(d.code for d in user.attached_districts.all()),
        "licence_number": profile.licence_number if profile else "",
        "licence_status": profile.licence_status if profile else LicenceStatus.ACTIVE,
        "expelled": profile.expelled if profile else False,
        "moved_out": profile.moved_out if profile else False,
        "chamber_post": profile.chamber_post if profile else "",
        "distribution_suspended": profile.distribution_suspended if profile else False,
        "ineligible_reason": registry.bailiff_eligibility(user),
        "open_writs": getattr(user, "open_writs", None),
    }


class BailiffListView(GenericAPIView):
    """The chamber's registry of private bailiffs (``?district=``)."""

    @extend_schema(
        operation_id="enforcement_bailiffs_list",
        parameters=[OpenApiParameter("district", str, required=False)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        region = require_chamber(request)
        page = self.paginate_queryset(
            selectors.bailiffs(request.query_params.get("district"), region=region)
        )
        return self.get_paginated_response([bailiff_representation(user) for user in page])


class BailiffUpdateInput(serializers.Serializer):
    licence_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    licence_status = serializers.ChoiceField(choices=LicenceStatus.choices, required=False)
    expelled = serializers.BooleanField(required=False)
    moved_out = serializers.BooleanField(required=False)
    chamber_post = serializers.CharField(max_length=200, required=False, allow_blank=True)
    distribution_suspended = serializers.BooleanField(required=False)


class BailiffDetailView(APIView):
    """`GET`/`PATCH /enforcement/bailiffs/{login}/`: the registry entry (002 п.3, п.17, п.18).
    A change that excludes the bailiff redistributes their open writs."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, login: str):
        region = require_chamber(request)
        return Response(bailiff_representation(bailiff_by_login(login, region)))

    @extend_schema(request=BailiffUpdateInput, responses={200: OpenApiTypes.OBJECT})
    def patch(self, request, login: str):
        region = require_chamber(request)
        user = bailiff_by_login(login, region)
        data = BailiffUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        registry.bailiff_update(acting_user=request.user, bailiff=user, changes=data.validated_data)
        return Response(bailiff_representation(selectors.bailiffs().get(pk=user.pk)))


class BailiffAbsenceInput(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField(required=False, allow_null=True)
    reason = serializers.ChoiceField(choices=BailiffAbsence.Reason.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def to_internal_value(self, data):
        # docs/api.md spells periods as {"from", "to"}.
        if hasattr(data, "get") and "from" in data:
            data = {**data, "date_from": data.get("from"), "date_to": data.get("to")}
        return super().to_internal_value(data)

    def validate(self, attrs):
        if attrs.get("date_to") and attrs["date_to"] < attrs["date_from"]:
            raise serializers.ValidationError({"to": "Before the start."})
        return attrs


class BailiffAbsenceView(APIView):
    """`POST /enforcement/bailiffs/{login}/absences/` `{"from", "to"?, "reason", "note"?}`."""

    @extend_schema(request=BailiffAbsenceInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, login: str):
        region = require_chamber(request)
        user = bailiff_by_login(login, region)
        data = BailiffAbsenceInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        absence = registry.bailiff_absence_record(
            acting_user=request.user,
            bailiff=user,
            date_from=values["date_from"],
            date_to=values.get("date_to"),
            reason=values["reason"],
            note=values["note"],
        )
        return Response(
            {
                "id": absence.pk,
                "from": absence.date_from.isoformat(),
                "to": absence.date_to.isoformat() if absence.date_to else None,
                "reason": absence.reason,
                "bailiff": bailiff_representation(selectors.bailiffs().get(pk=user.pk)),
            },
            status=201,
        )


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class BailiffRedistributeView(APIView):
    """`POST /enforcement/bailiffs/{login}/redistribute/`: the chamber moves a bailiff's open
    writs to others (002 п.18, e.g. temporarily replaced)."""

    @extend_schema(request=ReasonInput, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, login: str):
        region = require_chamber(request)
        user = bailiff_by_login(login, region)
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        moved = services.bailiff_redistribute(
            bailiff=user, acting_user=request.user, reason=data.validated_data["reason"]
        )
        return Response(
            {
                "moved": [
                    {
                        "writ": registration.source_writ_id,
                        "enforcement_number": registration.number,
                        "bailiff": (
                            registration.bailiff.as_person() if registration.bailiff else None
                        ),
                        "rule": registration.distribution_rule,
                    }
                    for registration in moved
                ]
            }
        )


class ReassignInput(serializers.Serializer):
    reason = serializers.CharField(max_length=40, help_text="recusal | complaint_confirmed")
    decision = serializers.CharField(
        max_length=100, help_text="The disciplinary commission's decision (number and date)."
    )


class WritReassignView(APIView):
    """`POST /enforcement/writs/{id}/reassign/`: the disciplinary commission's decision
    (002 п.12), through the chamber. Nobody else can move a writ to another bailiff."""

    @extend_schema(request=ReassignInput, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        writ = visible_writ(request, pk, "reassign")
        data = ReassignInput(data=request.data)
        data.is_valid(raise_exception=True)
        registration = selectors.registration_for_writ(writ.pk)
        if registration is None:
            raise NotFound()
        services.registration_reassign(
            acting_user=request.user,
            registration=registration,
            reason=data.validated_data["reason"],
            decision_ref=data.validated_data["decision"],
        )
        return writ_response(request, writ.pk)


# -- the distribution report (R-ENF-6) ------------------------------------------------------


class CsvRenderer(BaseRenderer):
    """Lets DRF accept ``?format=csv``; the view builds the CSV itself."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else str(data).encode("utf-8")


class ReportQuery(serializers.Serializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    district = serializers.CharField(max_length=32, required=False)


class DistributionReportView(GenericAPIView):
    """`GET /enforcement/report/?from=&to=[&district=][&format=csv]` (the chamber, R-ENF-6)."""

    renderer_classes = [JSONRenderer, CsvRenderer]

    def handle_exception(self, exc):
        # Errors keep the JSON envelope even when CSV was asked for.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=False),
            OpenApiParameter("to", OpenApiTypes.DATE, required=False),
            OpenApiParameter("district", str, required=False),
            OpenApiParameter("format", str, required=False, enum=["json", "csv"]),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        region = require_chamber(request)
        params = request.query_params
        query = ReportQuery(
            data={
                key: value
                for key, value in (
                    ("date_from", params.get("from")),
                    ("date_to", params.get("to")),
                    ("district", params.get("district")),
                )
                if value
            }
        )
        query.is_valid(raise_exception=True)
        today = inputs.chamber_today()
        date_from = query.validated_data.get("date_from", date(today.year, today.month, 1))
        date_to = query.validated_data.get("date_to", today)
        if date_to < date_from:
            raise DomainError("invalid", details={"to": "Before from."})
        report = selectors.distribution_report(
            date_from, date_to, query.validated_data.get("district"), region=region
        )
        if request.accepted_renderer.format == "csv":
            return self._csv(report)
        page = self.paginate_queryset(report.rows)
        response = self.get_paginated_response(page)
        response.data.update(
            {
                "from": date_from.isoformat(),
                "to": date_to.isoformat(),
                "total": report.total,
                "spread": report.spread,
            }
        )
        return response

    @staticmethod
    def _csv(report: selectors.Report):
        response = Response(selectors.report_as_csv(report))
        response["Content-Disposition"] = (
            f'attachment; filename="{selectors.report_filename(report)}"'
        )
        return response
