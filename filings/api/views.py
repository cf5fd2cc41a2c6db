"""REST endpoints of the applicant's filing flow (docs/api.md).

Views parse input, check access and call a service (STYLE "Where logic goes"). A filing, an
attachment, a talon or a notice that the caller may not see is 404 (docs/conventions.md); the
court's staff, who may see a filing, get 403 when they try to change it.
"""

from __future__ import annotations

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from sotkabinet.accounts.access import can
from sotkabinet.api import FileDownloadMixin, idempotent
from sotkabinet.courts.models import Court
from sotkabinet.documents.upload import (
    LimitedUploadMixin,
    ensure_not_too_large,
    set_upload_limit,
)
from sotkabinet.errors import Conflict, DomainError, Forbidden, NotFound
from sotkabinet.faults import retry_after

from .. import selectors, services, tasks
from ..models import Attachment, Filing, FilingStatus
from .serializers import (
    AttachmentCreateInput,
    AttachmentSerializer,
    FilingCreateInput,
    FilingListQuery,
    FilingSerializer,
    FilingSubmitInput,
    NotificationSerializer,
)

# Well inside gunicorn's 5 s keep-alive, so the poll reuses a connection the server still keeps
# open (2 s landed on the old 2 s keep-alive and was reset; README "Faults").
TALON_RETRY_AFTER_SECONDS = 1
TALON_RENDER_LOCK_SECONDS = 120


def visible_filing(request, pk: int, *, edit: bool = False) -> Filing:
    """The filing if the caller may see it (else 404); with `edit`, also change it (else 403)."""
    filing = selectors.filing_detail(pk)
    if filing is None or not can(request.user, "view", filing):
        raise NotFound()
    if edit and not can(request.user, "edit", filing):
        raise Forbidden()
    return filing


def visible_attachment(request, filing_pk: int, pk: int, *, edit: bool = False) -> Attachment:
    filing = visible_filing(request, filing_pk, edit=edit)
    attachment = next((a for a in filing.attachments.all() if a.pk == pk), None)
    if attachment is None:
        raise NotFound()
    attachment.filing = filing
    return attachment


def filing_response(pk: int, status_code: int = 200) -> Response:
    return Response(FilingSerializer(selectors.filing_detail(pk)).data, status=status_code)


class FilingListCreateView(GenericAPIView):
    """My cases (R-FIL-8) and new drafts (R-FIL-4)."""

    serializer_class = FilingSerializer

    def get_queryset(self):
        query = FilingListQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.filings_visible_to(
            self.request.user, status=query.validated_data.get("status")
        ).prefetch_related("attachments", "events")

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=list(FilingStatus.values))],
        responses=FilingSerializer(many=True),
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(FilingSerializer(page, many=True).data)

    @extend_schema(request=FilingCreateInput, responses={201: FilingSerializer})
    @idempotent
    def post(self, request):
        data = FilingCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        court = Court.objects.filter(pk=values["court"]).first()
        if court is None:
            raise DomainError("invalid", details={"court": ["Unknown court."]})
        filing = services.filing_create(
            acting_user=request.user,
            court=court,
            proceeding=values["proceeding"],
            instance=values["instance"],
            kind=values["kind"],
            title=values["title"],
            parties=[dict(party) for party in values["parties"]],
            annex=list(values["annex"]),
            case_id=values.get("case"),
            claim_amount=values.get("claim_amount"),
            principal_login=values.get("principal") or None,
            power_id=values.get("power"),
            language=values.get("language", "kk"),
            supplement_to_id=values.get("supplement_to"),
        )
        return filing_response(filing.pk, status.HTTP_201_CREATED)


class FilingDetailView(APIView):
    @extend_schema(responses=FilingSerializer)
    def get(self, request, pk: int):
        return Response(FilingSerializer(visible_filing(request, pk)).data)


class AttachmentCreateView(LimitedUploadMixin, APIView):
    """Upload one file = one document (R-DOC-2), streamed with the size limit (R-DOC-3)."""

    def initial(self, request, *args, **kwargs):
        # The mixin installs the streaming handler before authentication reads anything.
        super().initial(request, *args, **kwargs)
        filing = visible_filing(request, kwargs["pk"], edit=True)
        if filing.status != FilingStatus.DRAFT:
            raise Conflict("not_draft")  # before a byte of the body is read
        set_upload_limit(request, services.attachment_max_bytes(filing))
        self.filing = filing

    @extend_schema(
        request={"multipart/form-data": AttachmentCreateInput},
        responses={201: AttachmentSerializer, 413: OpenApiResponse(description="too_large")},
    )
    @idempotent
    def post(self, request, pk: int):
        request.data  # noqa: B018 (parsing streams the file through the handler)
        ensure_not_too_large(request)
        data = AttachmentCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            acting_user=request.user,
            filing=self.filing,
            uploaded=data.validated_data["file"],
            title=data.validated_data["title"],
            kind=data.validated_data["kind"],
        )
        attachment.refresh_from_db()
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentDetailView(APIView):
    @extend_schema(responses=AttachmentSerializer)
    def get(self, request, pk: int, attachment_pk: int):
        return Response(AttachmentSerializer(visible_attachment(request, pk, attachment_pk)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int, attachment_pk: int):
        attachment = visible_attachment(request, pk, attachment_pk, edit=True)
        services.attachment_delete(acting_user=request.user, attachment=attachment)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SigningPayloadView(FileDownloadMixin, APIView):
    """The exact manifest bytes to sign (docs/conventions.md "Signing")."""

    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        filing = visible_filing(request, pk)
        if filing.status == FilingStatus.DRAFT:
            payload = services.filing_signing_payload(filing)
        else:
            payload = filing.manifest.encode("utf-8")  # what was signed, byte for byte
        response = HttpResponse(payload, content_type="application/json")
        response["Cache-Control"] = "no-store"
        return response


class SubmitView(APIView):
    """Sign and send: the synchronous stage, then the worker's (docs/conventions.md "Filings")."""

    @extend_schema(request=FilingSubmitInput, responses={202: FilingSerializer})
    @idempotent
    def post(self, request, pk: int):
        filing = visible_filing(request, pk, edit=True)
        data = FilingSubmitInput(data=request.data)
        data.is_valid(raise_exception=True)
        filing = services.filing_submit(
            acting_user=request.user, filing=filing, cms=data.validated_data["cms"]
        )
        return Response(FilingSerializer(filing).data, status=status.HTTP_202_ACCEPTED)


class TalonView(FileDownloadMixin, APIView):
    """The talon PDF (R-FIL-7): rendered lazily once, then served from storage."""

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            202: OpenApiResponse(description="Being rendered; retry after Retry-After seconds."),
        }
    )
    def get(self, request, pk: int):
        filing = visible_filing(request, pk)
        if filing.status == FilingStatus.DRAFT:
            raise Conflict("not_submitted")
        if not (filing.talon_pdf and default_storage.exists(filing.talon_pdf)):
            lock = tasks.talon_lock_key(filing.pk)
            if cache.add(lock, 1, TALON_RENDER_LOCK_SECONDS) and not services.dispatch(
                tasks.talon_render, filing.pk
            ):
                cache.delete(lock)
            filing.refresh_from_db(fields=["talon_pdf"])
            if not filing.talon_pdf:
                return Response(
                    {"status": "rendering"},
                    status=status.HTTP_202_ACCEPTED,
                    headers={"Retry-After": retry_after(TALON_RETRY_AFTER_SECONDS)},
                )
        return FileResponse(
            default_storage.open(filing.talon_pdf, "rb"),
            as_attachment=True,
            filename=f"talon-{filing.number}.pdf",
            content_type="application/pdf",
        )


class NotificationListView(GenericAPIView):
    """The caller's notices (R-FIL-12)."""

    serializer_class = NotificationSerializer

    def get_queryset(self):
        return selectors.notifications_for(self.request.user)

    @extend_schema(responses=NotificationSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(NotificationSerializer(page, many=True).data)


class NotificationDetailView(APIView):
    @extend_schema(responses=NotificationSerializer)
    def get(self, request, pk: int):
        notification = selectors.notifications_for(request.user).filter(pk=pk).first()
        if notification is None:
            raise NotFound()
        return Response(NotificationSerializer(notification).data)
