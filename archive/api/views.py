"""Archive endpoints (docs/api.md; SPEC R-ARC-1..4).

Views parse, check access (404 for whoever may not see the case or archive, 403 for whoever may
see it but not do this), call a service, and render. Every read of an archive (card, verify,
paper copy, item download, export) is logged in the archive's ledger and the audit log before
the answer leaves (`services.record_access`; `verify` logs through the audit run itself).
"""

from __future__ import annotations

from django.http import FileResponse, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from sotkabinet.accounts.access import can, court_ids_of
from sotkabinet.accounts.models import Role
from sotkabinet.api import FileDownloadMixin, idempotent
from sotkabinet.errors import Conflict, Forbidden, NotFound
from sotkabinet.throttling import ClientRateThrottle

from .. import export, selectors, services, storage
from ..audit import audit_transfer
from ..inventory import inventory_payload
from ..models import ArchiveTransfer, LedgerKind
from .serializers import (
    DisposalInput,
    TransferInput,
    disposal_representation,
    transfer_representation,
    transfer_summary,
)


class _BinaryView(FileDownloadMixin, APIView):
    """A view answering with bytes (JSON payload, PDF, zip); errors still use the envelope."""


def visible_transfer(request, pk: int, action: str | None = None) -> ArchiveTransfer:
    """The archive if the caller may see it (else 404); with `action`, may do it (else 403)."""
    transfer = selectors.transfer_detail(pk)
    if transfer is None or not can(request.user, "view", transfer):
        raise NotFound()
    if action is not None and not can(request.user, action, transfer):
        raise Forbidden()
    return transfer


class InventoryView(_BinaryView):
    """`GET cases/{id}/inventory/`: the inventory bytes the judge signs (R-ARC-3)."""

    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        case = services.require_case_for(request.user, pk, services.may_prepare_inventory)
        response = HttpResponse(inventory_payload(case), content_type="application/json")
        response["Cache-Control"] = "no-store"
        return response


class TransferView(APIView):
    """`POST cases/{id}/archive/`: the secretary transfers the case (R-ARC-3)."""

    @extend_schema(request=TransferInput, responses={201: OpenApiTypes.OBJECT})
    @idempotent
    def post(self, request, pk: int):
        case = services.require_case_for(request.user, pk, services.may_transfer)
        data = TransferInput(data=request.data)
        data.is_valid(raise_exception=True)
        transfer = services.archive_transfer(
            acting_user=request.user, case=case, inventory_cms=data.validated_data["inventory_cms"]
        )
        return Response(transfer_representation(selectors.transfer_detail(transfer.pk)), 201)


class TransferListView(GenericAPIView):
    """`GET archive/`: the archives the caller may read (summaries; not logged as reads)."""

    @extend_schema(operation_id="archive_list", responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        page = self.paginate_queryset(selectors.transfers_visible_to(request.user))
        return self.get_paginated_response([transfer_summary(transfer) for transfer in page])


class DueView(GenericAPIView):
    """`GET archive/due/`: cases of the caller's courts due for transfer (R-ARC-3)."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        courts = court_ids_of(request.user, [Role.SECRETARY, Role.JUDGE, Role.ARCHIVIST])
        rows = [
            {
                "case": case.pk,
                "number": case.number,
                "court": case.court.code,
                "legal_force_date": case.legal_force_date.isoformat(),
                "transfer_from": allowed_from.isoformat(),
                "secretary": case.secretary.as_person() if case.secretary else None,
            }
            for case, allowed_from in selectors.cases_due_for_transfer(court_ids=courts)
        ]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(page)


class DisposalCandidatesView(GenericAPIView):
    """`GET archive/disposal-candidates/`: archivists' report of expired retention (R-ARC-1)."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        courts = court_ids_of(request.user, [Role.ARCHIVIST])
        if not courts:
            raise Forbidden()
        page = self.paginate_queryset(selectors.disposal_candidates(court_ids=courts))
        return self.get_paginated_response(
            [
                {**transfer_summary(transfer), "retention_basis": transfer.retention_basis}
                for transfer in page
            ]
        )


class TransferDetailView(APIView):
    """`GET archive/{id}/`: the archive card. Logged (R-ARC-2)."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        transfer = visible_transfer(request, pk)
        services.record_access(request.user, transfer, LedgerKind.READ, what="card")
        return Response(transfer_representation(selectors.transfer_detail(pk)))


class VerifyView(APIView):
    """`GET archive/{id}/verify/`: an integrity audit now (item hashes, signatures from the
    stored evidence, the ledger). The run is the logged read. It hashes every stored item, so it
    is throttled per caller (scope `archive_verify`, THROTTLE_ARCHIVE_VERIFY; issue 9)."""

    throttle_classes = [ClientRateThrottle]
    throttle_scope = "archive_verify"

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        transfer = visible_transfer(request, pk)
        report = audit_transfer(transfer, trigger="api", acting_user=request.user)
        return Response(report)


class PaperCopyView(_BinaryView):
    """`GET archive/{id}/paper-copy.pdf` (R-ARC-2, 000 п.61). Logged. Rendering a PDF is
    expensive: throttled per caller (scope `printable_copy`, THROTTLE_PRINTABLE_COPY; issue 9)."""

    throttle_classes = [ClientRateThrottle]
    throttle_scope = "printable_copy"

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        transfer = visible_transfer(request, pk)
        language = getattr(request, "LANGUAGE_CODE", None) or "kk"
        pdf = export.paper_copy_pdf(transfer, language=language)
        services.record_access(request.user, transfer, LedgerKind.PAPER_COPY, language=language)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="archive-{transfer.pk}-paper-copy.pdf"'
        )
        return response


class ItemDownloadView(_BinaryView):
    """`GET archive/{id}/items/{item}/`: one stored item in its original format. Logged."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk: int, item_id: int):
        transfer = visible_transfer(request, pk)
        item = transfer.items.filter(pk=item_id).first()
        if item is None:
            raise NotFound()
        if item.disposed_at is not None:
            raise Conflict("already_disposed")
        if storage.stored_digest(item.sha256) != (item.sha256, item.size):
            raise Conflict("document_tampered", details={"item": item.pk})
        services.record_access(
            request.user, transfer, LedgerKind.DOWNLOAD, item=item.pk, sha256=item.sha256
        )
        return FileResponse(
            storage.open_item(item.sha256),
            as_attachment=True,
            filename=f"{item.position:04d}-{item.sha256[:16]}.{item.extension}",
            content_type=item.content_type,
        )


class ExportView(_BinaryView):
    """`GET archive/{id}/export.zip`: the state-archive package (R-ARC-4). Archivists. Logged."""

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        transfer = visible_transfer(request, pk, "export")
        try:
            package = export.export_package(transfer)
        except storage.ContentMismatch:
            raise Conflict("document_tampered") from None
        services.record_access(request.user, transfer, LedgerKind.EXPORT, format="zip")
        return FileResponse(
            package,
            as_attachment=True,
            filename=f"archive-{transfer.pk}-{transfer.case.number}.zip",
            content_type="application/zip",
        )


class DisposalView(APIView):
    """`POST archive/{id}/disposal/` {"reason"}: the disposal act (R-ARC-1). Archivists."""

    @extend_schema(request=DisposalInput, responses={201: OpenApiTypes.OBJECT})
    @idempotent
    def post(self, request, pk: int):
        transfer = visible_transfer(request, pk, "dispose")
        data = DisposalInput(data=request.data)
        data.is_valid(raise_exception=True)
        act = services.disposal_act_create(
            acting_user=request.user, transfer=transfer, reason=data.validated_data["reason"]
        )
        return Response(disposal_representation(act), status=201)
