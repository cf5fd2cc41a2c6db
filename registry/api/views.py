"""REST endpoints of the registration desk (docs/api.md): one view per operation.

Views parse input, find the filing and call `registry.services`, which decide access (404 for a
filing the caller may not see, 403 for court staff who are not its clerks) and state (409).
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from filings.api.serializers import FilingSerializer
from filings.models import Filing
from sotkabinet.api import idempotent
from sotkabinet.errors import DomainError, Forbidden, NotFound

from .. import selectors, services
from .serializers import (
    FilingRegisterInput,
    FilingRejectInput,
    QueueItemSerializer,
    RegistrationResultSerializer,
    RegistryQueueQuery,
    registration_result,
)


def _filing_or_404(filing_id: int) -> Filing:
    filing = Filing.objects.select_related("court", "author", "principal").filter(pk=filing_id)
    found = filing.first()
    if found is None:
        raise NotFound()
    return found


def _fresh(filing: Filing) -> Filing:
    """The filing as the filings serializer wants it: with case, judge and history loaded."""
    return (
        Filing.objects.select_related("court", "author", "principal", "case", "case__judge")
        .prefetch_related("attachments", "events")
        .get(pk=filing.pk)
    )


class QueueView(ListAPIView):
    """GET /api/v1/registry/queue/: `received` filings of the caller's courts, earliest
    registration deadline first; `?overdue=1` keeps only overdue ones (R-REG-3)."""

    serializer_class = QueueItemSerializer

    @extend_schema(
        parameters=[OpenApiParameter("overdue", bool, description="Only overdue filings.")],
        summary="The clerk's registration queue",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if not selectors.queue_court_ids(self.request.user):
            raise Forbidden()
        query = RegistryQueueQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        queryset = selectors.registry_queue(
            self.request.user, overdue=query.validated_data["overdue"], now=self.now
        )
        return selectors.with_duplicate_flag(
            queryset.select_related("case", "case__judge").prefetch_related("attachments", "events")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": self.now}

    @property
    def now(self):
        if not hasattr(self, "_now"):
            self._now = timezone.now()
        return self._now


class RegisterView(APIView):
    """POST /api/v1/registry/filings/{id}/register/ (R-REG-6): open a case or join one."""

    @extend_schema(
        request=FilingRegisterInput,
        responses={200: RegistrationResultSerializer},
        summary="Register a received filing",
    )
    @idempotent
    def post(self, request, filing_id: int):
        body = FilingRegisterInput(data=request.data)
        body.is_valid(raise_exception=True)
        filing = _filing_or_404(filing_id)
        case = services.filing_register(
            acting_user=request.user, filing=filing, case=body.validated_data.get("case")
        )
        return Response(registration_result(case))


class RejectView(APIView):
    """POST /api/v1/registry/filings/{id}/reject/ (R-REG-5): reject on a legal ground."""

    @extend_schema(request=FilingRejectInput, responses={200: FilingSerializer}, summary="Reject")
    @idempotent
    def post(self, request, filing_id: int):
        ground = request.data.get("ground") if hasattr(request.data, "get") else None
        comment = request.data.get("comment", "") if hasattr(request.data, "get") else ""
        if not isinstance(ground, str):
            raise DomainError("invalid_ground", details={"ground": ground})
        if not isinstance(comment, str):
            raise DomainError("invalid", details={"comment": ["A string is required."]})
        filing = _filing_or_404(filing_id)
        filing = services.filing_reject(
            acting_user=request.user, filing=filing, ground=ground, comment=comment
        )
        return Response(FilingSerializer(_fresh(filing), context={"request": request}).data)
