"""Shared REST plumbing: pagination and the Idempotency-Key contract (docs/conventions.md)."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from sotkabinet.errors import DomainError


class FileDownloadMixin:
    """For an APIView that answers with a file or exact bytes (a PDF, a document, a payload).

    The client may ask for the file by its type (`Accept: application/pdf`), with `*/*`, or send
    no Accept at all: the answer is never 406 (issue 10). DRF's negotiation only knows the JSON
    renderer, so it is forced: the file goes out as the view built it, and an error (404, 403,
    409) still comes as the JSON envelope (docs/conventions.md).
    """

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)


class Pagination(PageNumberPagination):
    """`{"count", "next", "previous", "results"}` on every list (docs/conventions.md)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def request_fingerprint(request) -> str:
    """A hash of what the client sent: JSON body, or form fields plus uploaded files' hashes.

    Multipart bodies are not re-read (they were streamed to disk); the upload handler's SHA-256
    of each file stands in for the bytes.
    """
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(request.path.encode())
    content_type = request.content_type or ""
    if content_type.startswith("multipart/") or content_type.startswith(
        "application/x-www-form-urlencoded"
    ):
        fields = sorted((key, request.POST.getlist(key)) for key in request.POST)
        digest.update(json.dumps(fields, ensure_ascii=False).encode())
        for name in sorted(request.FILES):
            for uploaded in request.FILES.getlist(name):
                file_hash = getattr(uploaded, "sha256", None)
                if file_hash is None:
                    hasher = hashlib.sha256()
                    for chunk in uploaded.chunks():
                        hasher.update(chunk)
                    uploaded.seek(0)
                    file_hash = hasher.hexdigest()
                digest.update(f"{name}:{uploaded.size}:{file_hash}".encode())
    else:
        digest.update(request.body)
    return digest.hexdigest()


def idempotent(view_method: Callable) -> Callable:
    """Decorate a creating `post` so a replayed Idempotency-Key returns the first response.

    Same key + same body: the stored status and body, with `Idempotent-Replayed: true`, and
    nothing is created. Same key + another body: 422 `idempotency_key_reused`. The record is a
    unique row per (user, key), so two concurrent first requests cannot both run the view.
    """
    from sotkabinet.core.models import IdempotencyRecord

    @functools.wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if not key or not request.user.is_authenticated:
            return view_method(self, request, *args, **kwargs)
        if len(key) > 200:
            raise DomainError("invalid", "Idempotency-Key is too long.")
        fingerprint = request_fingerprint(request)
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=request.user, key=key, fingerprint=fingerprint, path=request.path
                )
        except IntegrityError:
            record = IdempotencyRecord.objects.get(user=request.user, key=key)
            if record.fingerprint != fingerprint:
                raise DomainError("idempotency_key_reused", status=422) from None
            if record.status_code is None:
                raise DomainError("idempotency_in_progress", status=409) from None
            replay = Response(record.response_body, status=record.status_code)
            replay["Idempotent-Replayed"] = "true"
            return replay
        try:
            response = view_method(self, request, *args, **kwargs)
        except Exception:
            # The first attempt failed before producing a response: free the key so the
            # client's retry runs again instead of being stuck "in progress".
            record.delete()
            raise
        record.status_code = response.status_code
        record.response_body = getattr(response, "data", None)
        record.save(update_fields=["status_code", "response_body"])
        return response

    return wrapper
