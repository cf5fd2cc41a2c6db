"""An act's file: validated like an attachment and stored under its SHA-256 (SPEC R-ACT-1,
R-DOC-1, R-DOC-3, R-DOC-4).

Threat model: the judge's upload is still an uploaded file: its bytes and name are untrusted.
The format comes from the content (`validate_file`), the name is sanitised for display only,
and the stored name is the content address, so a file can never overwrite another.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from sotkabinet.documents.filenames import sanitize_filename
from sotkabinet.documents.upload import pdf_budget, store_blob
from sotkabinet.documents.validation import validate_file
from sotkabinet.errors import DomainError

# An act is made as an electronic document: PDF or DOCX (R-ACT-1, validated like R-DOC-1/4).
ACT_FORMATS = frozenset({"pdf", "docx"})


@dataclass(frozen=True)
class ActFile:
    """A validated act file in content-addressed storage."""

    blob: str
    sha256: str
    size: int
    detected_format: str
    filename: str


def _local_path(uploaded: Any) -> tuple[str, bool]:
    """A path on disk for `uploaded` (streamed upload, path, or file object) and whether it is a
    temporary copy we must delete."""
    if isinstance(uploaded, str | os.PathLike):
        return os.fspath(uploaded), False
    if hasattr(uploaded, "temporary_file_path"):
        return uploaded.temporary_file_path(), False
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below, deleted by the caller)
        dir=settings.FILE_UPLOAD_TEMP_DIR, delete=False
    )
    with handle:
        for chunk in uploaded.chunks() if hasattr(uploaded, "chunks") else [uploaded.read()]:
            handle.write(chunk)
    return handle.name, True


def store_act_file(uploaded: Any, *, filename: str | None = None) -> ActFile:
    """Validate an act's file like an attachment (R-DOC-1, R-DOC-3, R-DOC-4) and store it.

    Only PDF and DOCX are acts. Errors use the attachment codes (`format_not_allowed`, `corrupt`,
    `encrypted`, `active_content`, `empty`; `too_large` is 413) with every finding in
    `details.errors`; nothing is stored then. Safe to repeat: the same bytes get the same blob.
    """
    path, temporary = _local_path(uploaded)
    try:
        result = validate_file(
            path,
            allowed_formats=ACT_FORMATS,
            max_size=settings.ATTACHMENT_MAX_BYTES,
            pdf_budget=pdf_budget(),
        )
        if not result.ok:
            first = result.errors[0]
            raise DomainError(
                first.code,
                first.message,
                status=413 if first.code == "too_large" else 400,
                details={"errors": [issue.as_dict() for issue in result.errors]},
            )
        stored = store_blob(path, sha256=getattr(uploaded, "sha256", None) or None)
    finally:
        if temporary:
            os.unlink(path)
    name = filename or getattr(uploaded, "name", None) or os.path.basename(path)
    return ActFile(
        blob=stored.name,
        sha256=stored.sha256,
        size=stored.size,
        detected_format=result.detected_format,
        filename=sanitize_filename(os.path.basename(str(name))),
    )
