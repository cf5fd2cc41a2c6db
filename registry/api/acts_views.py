"""REST endpoints of the case card and judicial acts (docs/api.md).

Views parse input, look the object up through the selectors (404 for what the caller may not
see), call a service in registry/acts.py and render. Signing payloads are returned as the exact
bytes to sign, never re-serialised.
"""

from __future__ import annotations

from django.http import FileResponse, HttpResponse
from django.utils import translation
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from sotkabinet.api import FileDownloadMixin, Pagination, idempotent
from sotkabinet.core.services import audit
from sotkabinet.courts.services import court_today
from sotkabinet.documents.upload import LimitedUploadMixin, ensure_not_too_large, open_blob
from sotkabinet.errors import Conflict
from sotkabinet.throttling import ClientRateThrottle

from .. import acts as services
from ..act_copies import act_printable_copy
from ..act_selectors import (
    act_for,
    acts_visible_to,
    case_for,
    case_history_visible_to,
    case_writs,
    filings_visible_to,
    stored_file_intact,
)
from .acts_serializers import (
    AbsenceInput,
    AbsenceOutput,
    ActPatchInput,
    ActSerializer,
    ActUploadInput,
    CaseCardOutput,
    LegalForceInput,
    LegalForcePayloadQuery,
    SignInput,
    case_card,
    person,
)

PAYLOAD_CONTENT_TYPE = "application/json; charset=utf-8"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
COPY_LANGUAGES = ("kk", "ru", "en")


def payload_response(payload: bytes) -> HttpResponse:
    """The exact canonical bytes to sign (docs/conventions.md "Signing")."""
    return HttpResponse(payload, content_type=PAYLOAD_CONTENT_TYPE)


def case_card_response(request, case) -> Response:
    """The case card as the caller may see it: only the acts, filings, writs and history entries
    that their rules show this caller."""
    user = request.user
    return Response(
        case_card(
            case,
            acts=acts_visible_to(user, case),
            filings=filings_visible_to(user, case),
            writs=case_writs(user, case),
            events=case_history_visible_to(user, case),
            context={"request": request},
        )
    )


class CaseDetailView(APIView):
    """GET cases/{id}/: the case card for parties, their attorneys, the judge and court staff."""

    @extend_schema(responses=CaseCardOutput)
    def get(self, request, case_id: int):
        return case_card_response(request, case_for(request.user, case_id))


class CaseActsView(LimitedUploadMixin, APIView):
    """GET: the case's acts the caller may see (paginated). POST: the judge uploads a draft."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=ActSerializer(many=True))
    def get(self, request, case_id: int):
        case = case_for(request.user, case_id)
        paginator = Pagination()
        page = paginator.paginate_queryset(acts_visible_to(request.user, case), request, self)
        return paginator.get_paginated_response(ActSerializer(page, many=True).data)

    @extend_schema(request=ActUploadInput, responses={201: ActSerializer})
    @idempotent
    def post(self, request, case_id: int):
        case = case_for(request.user, case_id)
        body = request.data  # parses the multipart body through the limited handler
        ensure_not_too_large(request)
        data = ActUploadInput(data=body)
        data.is_valid(raise_exception=True)
        act = services.act_upload(
            acting_user=request.user,
            case=case,
            uploaded=data.validated_data["file"],
            kind=data.validated_data["kind"],
            title=data.validated_data["title"],
            act_date=data.validated_data.get("date"),
        )
        return Response(ActSerializer(act).data, status=status.HTTP_201_CREATED)


class ActDetailView(LimitedUploadMixin, APIView):
    """GET the act; PATCH a draft (JSON title/kind/date, or multipart file). Signed: 409."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=ActSerializer)
    def get(self, request, act_id: int):
        return Response(ActSerializer(act_for(request.user, act_id)).data)

    @extend_schema(request=ActPatchInput, responses=ActSerializer)
    def patch(self, request, act_id: int):
        act = act_for(request.user, act_id)
        body = request.data
        ensure_not_too_large(request)
        data = ActPatchInput(data=body)
        data.is_valid(raise_exception=True)
        act = services.act_update(
            acting_user=request.user,
            act=act,
            title=data.validated_data.get("title"),
            kind=data.validated_data.get("kind"),
            act_date=data.validated_data.get("date"),
            uploaded=data.validated_data.get("file"),
        )
        return Response(ActSerializer(act).data)


class ActDocumentView(FileDownloadMixin, APIView):
    """GET acts/{id}/document/: the act's file, as an attachment, to whoever may see the act."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, act_id: int):
        act = act_for(request.user, act_id)
        if not stored_file_intact(act):
            raise Conflict("document_tampered")
        audit(request.user, "act.download", act, sha256=act.sha256)
        return FileResponse(
            open_blob(act.blob),
            as_attachment=True,
            filename=act.filename,
            content_type=CONTENT_TYPES.get(act.detected_format, "application/octet-stream"),
        )


class ActSigningPayloadView(FileDownloadMixin, APIView):
    """GET acts/{id}/signing-payload/: the bytes the assigned judge signs."""

    @extend_schema(responses={(200, PAYLOAD_CONTENT_TYPE): bytes})
    def get(self, request, act_id: int):
        act = act_for(request.user, act_id)
        services.require_judge_of(request.user, act.case)
        return payload_response(services.act_signing_payload(act))


class ActSignView(APIView):
    """POST acts/{id}/sign/ {"cms"}: sign, lock and publish (R-ACT-2..4)."""

    @extend_schema(request=SignInput, responses=ActSerializer)
    def post(self, request, act_id: int):
        act = act_for(request.user, act_id)
        data = SignInput(data=request.data)
        data.is_valid(raise_exception=True)
        act = services.act_sign(acting_user=request.user, act=act, cms=data.validated_data["cms"])
        return Response(ActSerializer(act).data)


class ActLegalForcePayloadView(FileDownloadMixin, APIView):
    """GET acts/{id}/legal-force-payload/?date=YYYY-MM-DD (default: the court's today)."""

    @extend_schema(
        parameters=[OpenApiParameter("date", str, description="YYYY-MM-DD")],
        responses={(200, PAYLOAD_CONTENT_TYPE): bytes},
    )
    def get(self, request, act_id: int):
        act = act_for(request.user, act_id)
        query = LegalForcePayloadQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        on = query.validated_data.get("date") or court_today(act.case.court)
        return payload_response(
            services.legal_force_payload_for(acting_user=request.user, act=act, on=on)
        )


class ActLegalForceView(APIView):
    """POST acts/{id}/legal-force/ {"date", "cms"}: the legal-force mark (R-ACT-5)."""

    @extend_schema(request=LegalForceInput, responses=ActSerializer)
    def post(self, request, act_id: int):
        act = act_for(request.user, act_id)
        data = LegalForceInput(data=request.data)
        data.is_valid(raise_exception=True)
        act = services.act_mark_legal_force(
            acting_user=request.user,
            act=act,
            on=data.validated_data["date"],
            cms=data.validated_data["cms"],
        )
        return Response(ActSerializer(act).data)


class ActPdfView(FileDownloadMixin, APIView):
    """GET acts/{id}/pdf/: the printable copy with the ЭЦҚ QR code and the legal-force mark.
    Rendering a PDF is expensive: throttled per caller (scope `printable_copy`; issue 9)."""

    throttle_classes = [ClientRateThrottle]
    throttle_scope = "printable_copy"

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request, act_id: int):
        act = act_for(request.user, act_id)
        language = (translation.get_language() or "kk")[:2]
        if language not in COPY_LANGUAGES:
            language = "kk"
        pdf = act_printable_copy(act, language=language)
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = f"{act.case.number}-{act.pk}.pdf".replace("/", "-")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class StaffAbsenceView(APIView):
    """POST staff/{login}/absence/ {"from", "to", "reason"}: a chairman or clerk of the judge's
    court marks the judge absent, which enables the chairman's legal-force path (R-ACT-5)."""

    @extend_schema(request=AbsenceInput, responses={201: AbsenceOutput})
    @idempotent
    def post(self, request, login: str):
        data = AbsenceInput(data=request.data)
        data.is_valid(raise_exception=True)
        absence = services.staff_absence_record(
            acting_user=request.user,
            login=login,
            date_from=data.validated_data["from"],
            date_to=data.validated_data["to"],
            reason=data.validated_data["reason"],
        )
        return Response(
            {
                "id": absence.pk,
                "judge": person(absence.user),
                "from": absence.date_from.isoformat(),
                "to": absence.date_to.isoformat(),
                "reason": absence.reason,
                "recorded_by": person(absence.recorded_by),
            },
            status=status.HTTP_201_CREATED,
        )
