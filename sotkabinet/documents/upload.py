"""Streaming uploads with a hard size limit, hashing on the way, content-addressed storage.

SPEC R-DOC-3 (20 MiB per file, 10 MiB in criminal proceedings); over the limit the answer is
413 ``too_large`` (an answer, never a dropped connection) and nothing is stored.

Threat model: the request body is attacker-controlled and may be huge or never end. The body is
read from the network once, in 64 KiB chunks, straight into a temporary file in
``settings.FILE_UPLOAD_TEMP_DIR`` while SHA-256 and the size are computed; nothing is held in
memory. A Content-Length beyond the limit (plus multipart overhead) is refused before any byte is
written; a body that lies about its length is cut off at the first byte past the limit. In both
cases the rest of the body is read and discarded (so the client receives the 413 instead of a
connection reset), the partial temporary file is deleted, and the request is marked. The client's
file name and Content-Type are never trusted: storage names are the SHA-256 of the content.

How a view uses it (the handler must be installed before anything reads ``request.POST``,
``request.FILES`` or DRF's ``request.data``)::

    # DRF view: the mixin installs the handler in initial(), before authentication (whose
    # CSRF check may read request.POST).
    class AttachmentCreate(LimitedUploadMixin, APIView):
        def post(self, request, filing_id):
            filing = ...                                   # access checks
            set_upload_limit(request, limit_for(filing))   # e.g. 10 MiB for criminal cases
            uploaded = request.data.get("file")            # parsing happens here
            ensure_not_too_large(request)                  # DomainError too_large, 413
            uploaded.sha256, uploaded.size, uploaded.temporary_file_path()

    # Template view with CSRF: the decorator makes the CSRF check run after installing.
    @limited_upload()                    # or limited_upload(lambda request, pk: ...)
    def upload_view(request, pk): ...
        if upload_too_large(request): ... answer 413 with the form's error

``request.upload_too_large`` is True after parsing when the limit was hit (also readable through
a DRF request). ``request.upload_limit`` holds the limit in bytes.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from functools import wraps
from typing import IO, Any, Final

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from sotkabinet.errors import DomainError

from .issues import TOO_LARGE

DEFAULT_MAX_BYTES: Final = 20 * 1024 * 1024  # SPEC R-DOC-3; settings.ATTACHMENT_MAX_BYTES wins
MULTIPART_OVERHEAD: Final = 64 * 1024  # boundaries, part headers and small form fields
CHUNK: Final = 64 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_BLOB_NAME = re.compile(r"^blobs/([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})$")


def default_limit() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def pdf_budget():
    """The PDF check's budget: `DOCUMENT_CHECK_SECONDS` and `DOCUMENT_CHECK_MAX_OBJECTS`.

    Every caller of `validate_file` passes it: the worker's attachment check, and the checks made
    in a web request (an act's file, a head order's scan), README "Documents we accept".
    """
    from .validation import PdfBudget

    return PdfBudget(
        seconds=settings.DOCUMENT_CHECK_SECONDS, max_objects=settings.DOCUMENT_CHECK_MAX_OBJECTS
    )


def _django_request(request: Any) -> HttpRequest:
    """The Django request behind a DRF ``Request`` (or the request itself)."""
    return getattr(request, "_request", request)


class HashedTemporaryUploadedFile(TemporaryUploadedFile):
    """A streamed upload on disk with its ``sha256`` (hex) and ``size`` known.

    The temporary file is deleted when the file is closed (Django closes uploaded files at the
    end of the request). ``path`` is ``temporary_file_path()``.
    """

    sha256: str = ""

    @property
    def path(self) -> str:
        return self.temporary_file_path()


class LimitedHashingUploadHandler(FileUploadHandler):
    """Upload handler: temporary file + SHA-256 + hard per-file size limit (SPEC R-DOC-3).

    The limit is read when parsing starts, from ``request.upload_limit`` (bytes), falling back to
    ``settings.ATTACHMENT_MAX_BYTES``. When exceeded it sets ``request.upload_too_large = True``
    and stops the upload with ``StopUpload(connection_reset=False)``: Django then reads and drops
    the rest of the body and the view answers 413. No file of that request reaches
    ``request.FILES`` past the limit, and the partial temporary file is deleted.
    """

    chunk_size = CHUNK

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = default_limit()
        self._hasher = hashlib.sha256()
        self._received = 0

    def _mark_too_large(self) -> None:
        if self.request is not None:
            self.request.upload_too_large = True

    def handle_raw_input(
        self,
        input_data: IO[bytes],
        META: dict[str, Any],
        content_length: int,
        boundary: bytes,
        encoding: str | None = None,
    ) -> tuple[QueryDict, MultiValueDict] | None:
        limit = getattr(self.request, "upload_limit", None)
        self.limit = int(limit) if limit is not None else default_limit()
        if self.request is not None:
            self.request.upload_limit = self.limit
            self.request.upload_too_large = False
        if content_length > self.limit + MULTIPART_OVERHEAD:
            self._mark_too_large()
            _drain(input_data)
            return QueryDict(encoding=encoding), MultiValueDict()
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self._hasher = hashlib.sha256()
        self._received = 0
        self.file = HashedTemporaryUploadedFile(
            self.file_name, self.content_type, 0, self.charset, self.content_type_extra
        )

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self._received += len(raw_data)
        if self._received > self.limit:
            self._mark_too_large()
            raise StopUpload(connection_reset=False)
        self._hasher.update(raw_data)
        self.file.write(raw_data)
        return None  # no later handler sees the data

    def file_complete(self, file_size: int) -> HashedTemporaryUploadedFile:
        self.file.seek(0)
        self.file.size = file_size
        self.file.sha256 = self._hasher.hexdigest()
        return self.file

    def upload_interrupted(self) -> None:
        if hasattr(self, "file"):
            self.file.close()  # deletes the temporary file


def _drain(stream: IO[bytes]) -> None:
    """Read and drop the rest of the body, so the client gets our answer, not a reset."""
    while stream.read(CHUNK):
        pass


def install_upload_handler(request: Any, limit: int | None = None) -> LimitedHashingUploadHandler:
    """Make ``request`` stream its files through ``LimitedHashingUploadHandler`` only.

    Call before anything touches ``request.POST``/``FILES``/``data`` (Django raises
    AttributeError otherwise). ``limit`` in bytes; None keeps ``request.upload_limit`` if a view
    set it, else ``settings.ATTACHMENT_MAX_BYTES``. Accepts a Django or a DRF request.
    """
    django_request = _django_request(request)
    if limit is not None:
        django_request.upload_limit = limit
    django_request.upload_too_large = False
    handler = LimitedHashingUploadHandler(django_request)
    django_request.upload_handlers = [handler]
    return handler


def set_upload_limit(request: Any, limit: int) -> None:
    """Change the limit after installing the handler, as long as the body is not parsed yet."""
    _django_request(request).upload_limit = limit


def upload_too_large(request: Any) -> bool:
    """True when parsing the body hit the size limit (nothing was kept)."""
    return bool(getattr(_django_request(request), "upload_too_large", False))


def ensure_not_too_large(request: Any) -> None:
    """Raise ``DomainError("too_large", status=413)`` when the upload hit the limit."""
    if upload_too_large(request):
        limit = getattr(_django_request(request), "upload_limit", default_limit())
        raise DomainError(TOO_LARGE, status=413, details={"limit": limit})


def limited_upload(
    limit: int | Callable[..., int] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator for template (non-DRF) views that receive files.

    CSRF middleware reads ``request.POST`` before the view runs, which would parse the body with
    Django's default handlers. So the view is exempted from the middleware and protected again
    after the handler is installed (Django docs, "Modifying upload handlers on the fly").
    ``limit`` may be a callable ``(request, *args, **kwargs) -> int``.
    """

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        protected = csrf_protect(view)

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            resolved = limit(request, *args, **kwargs) if callable(limit) else limit
            install_upload_handler(request, resolved)
            return protected(request, *args, **kwargs)

        return csrf_exempt(wrapper)

    return decorator


class LimitedUploadMixin:
    """For DRF views that receive files: installs the handler first thing in ``initial()``.

    Override ``get_upload_limit`` or set ``upload_limit``; ``set_upload_limit`` still works later
    in the handler method, before ``request.data`` is read.
    """

    upload_limit: int | None = None

    def get_upload_limit(self, request: Any, *args: Any, **kwargs: Any) -> int | None:
        return self.upload_limit

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        install_upload_handler(request, self.get_upload_limit(request, *args, **kwargs))
        super().initial(request, *args, **kwargs)  # type: ignore[misc]


# --- content-addressed blob storage -----------------------------------------------------------


class StoredBlob(str):
    """The storage name of a blob (a ``str``), with ``.name``, ``.sha256`` and ``.size``."""

    sha256: str
    size: int

    def __new__(cls, name: str, sha256: str, size: int) -> StoredBlob:
        blob = super().__new__(cls, name)
        blob.sha256 = sha256
        blob.size = size
        return blob

    @property
    def name(self) -> str:
        return str(self)


def blob_name(sha256: str) -> str:
    """``blobs/<sha[:2]>/<sha[2:4]>/<sha256>`` for a lower-case hex SHA-256."""
    if not _SHA256.match(sha256):
        raise ValueError("sha256 must be 64 lower-case hex digits")
    return f"blobs/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def _open_source(source: Any) -> tuple[IO[bytes], bool]:
    """(binary file object positioned at 0, whether we opened it and must close it)."""
    if isinstance(source, str | os.PathLike):
        return open(source, "rb"), True
    if hasattr(source, "temporary_file_path"):
        return open(source.temporary_file_path(), "rb"), True
    if hasattr(source, "open") and getattr(source, "closed", False):
        source.open("rb")
    source.seek(0)
    return source, False


def _hash_stream(stream: IO[bytes]) -> tuple[str, int]:
    hasher = hashlib.sha256()
    size = 0
    stream.seek(0)
    while chunk := stream.read(CHUNK):
        hasher.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return hasher.hexdigest(), size


def store_blob(source: Any, sha256: str | None = None) -> StoredBlob:
    """Save ``source`` in ``default_storage`` under its content address; return the name.

    ``source``: an uploaded file (ours, Django's), a path, a binary file object or ``bytes``.
    ``sha256``: the expected hash (e.g. ``uploaded.sha256``); the content is hashed again and a
    mismatch raises ValueError, so a blob name always matches its content. If the blob already
    exists nothing is copied (same content, same name): a second call is harmless. The copy is
    chunked (``File.chunks``), never the whole file in memory.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        actual = hashlib.sha256(data).hexdigest()
        _check_expected(sha256, actual)
        name = blob_name(actual)
        if not default_storage.exists(name):
            from django.core.files.base import ContentFile

            _save(name, ContentFile(data))
        return StoredBlob(name, actual, len(data))
    if sha256 is None:
        sha256 = getattr(source, "sha256", None) or None
    stream, owned = _open_source(source)
    try:
        actual, size = _hash_stream(stream)
        _check_expected(sha256, actual)
        name = blob_name(actual)
        if not default_storage.exists(name):
            _save(name, File(stream, name=actual))
        return StoredBlob(name, actual, size)
    finally:
        if owned:
            stream.close()


def _check_expected(expected: str | None, actual: str) -> None:
    if expected is not None and expected.lower() != actual:
        raise ValueError(f"content hash {actual} does not match the expected {expected}")


def _save(name: str, content: File) -> None:
    saved = default_storage.save(name, content)
    if saved != name:
        # Another request stored the same content meanwhile; the storage picked a new name.
        # Same hash, same bytes: keep the canonical one.
        default_storage.delete(saved)


def open_blob(name: str) -> File:
    """Open a stored blob for reading (binary). Only ``blobs/..`` content-address names."""
    match = _BLOB_NAME.match(name)
    if not match or match.group(3)[:2] != match.group(1) or match.group(3)[2:4] != match.group(2):
        raise ValueError(f"not a blob name: {name!r}")
    return default_storage.open(name, "rb")


def posted_file(request: HttpRequest, field: str, missing_message: str):
    """The file a web form posted in `field`, or None after telling the user why there is none.

    For template views behind `limited_upload`: an upload stopped at the size limit, or a form
    sent without a file, becomes a flash message; the caller redirects back to its page.
    """
    from django.contrib import messages
    from django.utils.translation import gettext as _

    if upload_too_large(request):
        messages.error(request, _("The file is too large."))
        return None
    uploaded = request.FILES.get(field)
    if uploaded is None:
        messages.error(request, missing_message)
    return uploaded
