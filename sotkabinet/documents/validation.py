"""Attachment validation: format from content, size, structure, active content (pure, no Django).

SPEC R-DOC-1 (allowed formats), R-DOC-3 (size), R-DOC-4 (usable: no encryption, scripts,
embedded files, multimedia or macros), R-DOC-5 (scan quality: warnings only).

Threat model: every byte of the file and its name come from the applicant, who may be hostile.
The format is decided from the content (magic bytes, then structure), never from the name or the
client's Content-Type: an ``.exe`` renamed ``.pdf`` is ``format_not_allowed``. The size is checked
before anything is parsed. Each parser is bounded (object counts, inflated bytes, pixels) so a
20 MiB file cannot take gigabytes of memory, and any parser failure is a ``corrupt`` verdict, not
a crash. See the modules in ``formats/`` for each format's own threat model.

Usage::

    result = validate_file(path, allowed_formats=DEFAULT_ALLOWED_FORMATS, max_size=20 * 2**20)
    if not result.ok:
        [issue.as_dict() for issue in result.errors]   # the attachment's "errors"

Validation reads the file several times from disk; run it in a worker, not on the request path
(a 20 MiB PDF with many objects can take seconds; ``pdf_budget`` caps it). It is side-effect
free apart from writing a repaired PDF to ``repaired_path`` when asked, so re-running is safe.

A damaged PDF that qpdf repairs and whose repaired copy passes every check is valid:
``result.repaired`` then holds the copy's sha256 and size, and the copy itself is written to
``repaired_path`` (see ``formats/pdf.py`` and README "Documents we accept").
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

import filetype

from .filenames import filename_issue, sanitize_filename
from .formats.jpeg import check_jpeg
from .formats.ole2 import check_ole2
from .formats.ooxml import check_zip_package
from .formats.pdf import DEFAULT_BUDGET, PdfBudget, check_pdf
from .issues import (
    ACTIVE_CONTENT,
    CORRUPT,
    CRIMINAL_ALLOWED_FORMATS,
    DEFAULT_ALLOWED_FORMATS,
    DETECTED_FORMATS,
    EMPTY,
    ENCRYPTED,
    FORMAT_NOT_ALLOWED,
    MESSAGES,
    NAME_INVALID,
    OLD_OFFICE_FORMAT,
    SCAN_QUALITY,
    TOO_LARGE,
    Issue,
    RepairedCopy,
    ValidationResult,
    message_for,
)

__all__ = [
    "ACTIVE_CONTENT",
    "CORRUPT",
    "CRIMINAL_ALLOWED_FORMATS",
    "DEFAULT_ALLOWED_FORMATS",
    "DEFAULT_MAX_SIZE",
    "DETECTED_FORMATS",
    "EMPTY",
    "ENCRYPTED",
    "FORMAT_NOT_ALLOWED",
    "MESSAGES",
    "NAME_INVALID",
    "SCAN_QUALITY",
    "TOO_LARGE",
    "Issue",
    "PdfBudget",
    "RepairedCopy",
    "ValidationResult",
    "filename_issue",
    "message_for",
    "sanitize_filename",
    "sniff_format",
    "validate_file",
]

PDF_MAGIC: Final = b"%PDF-"
ZIP_MAGIC: Final = (b"PK\x03\x04", b"PK\x05\x06")
OLE2_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
JPEG_MAGIC: Final = b"\xff\xd8\xff"
DEFAULT_MAX_SIZE: Final = 20 * 1024 * 1024  # SPEC R-DOC-3 (20,971,520 bytes)
CHUNK: Final = 64 * 1024


def sniff_format(head: bytes) -> str:
    """The container family from the first bytes: pdf, zip, ole2, jpeg or unknown.

    ``zip`` and ``ole2`` are not final answers: the structure decides docx/xlsx and doc/xls.
    A PDF must start with ``%PDF-`` (no leading junk: that is how polyglot files hide).
    """
    if head.startswith(PDF_MAGIC):
        return "pdf"
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(OLE2_MAGIC):
        return "ole2"
    if head.startswith(JPEG_MAGIC):
        return "jpeg"
    return "unknown"


def validate_file(
    source: str | os.PathLike[str] | Any,
    *,
    allowed_formats: frozenset[str] = DEFAULT_ALLOWED_FORMATS,
    max_size: int = DEFAULT_MAX_SIZE,
    filename: str | None = None,
    pdf_budget: PdfBudget = DEFAULT_BUDGET,
    repaired_path: str | os.PathLike[str] | None = None,
) -> ValidationResult:
    """Check one uploaded file against R-DOC-1/3/4/5 (and the name, when ``filename`` is given).

    ``source`` is a path; an uploaded file with ``temporary_file_path()`` (what the upload handler
    produces) or any binary file object also works (the latter is copied to a temporary file,
    at most ``max_size + 1`` bytes). ``allowed_formats`` is a subset of ``DETECTED_FORMATS``:
    ``DEFAULT_ALLOWED_FORMATS``, or ``CRIMINAL_ALLOWED_FORMATS`` which adds JPEG (R-DOC-1).
    ``max_size`` is in bytes (R-DOC-3: 20 MiB, 10 MiB in criminal proceedings).

    Errors use the API codes: format_not_allowed, empty, corrupt, encrypted, active_content,
    too_large, and name_invalid (only with ``filename``); warnings: scan_quality. With
    ``filename``, ``result.filename`` is the sanitised name. ``pdf_budget`` bounds a PDF's check
    (time, objects); ``repaired_path`` receives the repaired copy of a damaged PDF when
    ``result.repaired`` is set (nothing is written otherwise).
    """
    unknown = set(allowed_formats) - DETECTED_FORMATS
    if unknown:
        raise ValueError(f"unknown formats in allowed_formats: {sorted(unknown)}")
    with _local_path(source, max_size) as path:
        result = _validate_path(path, allowed_formats, max_size, pdf_budget, repaired_path)
    if filename is not None:
        result.filename = sanitize_filename(filename)
        issue = filename_issue(filename)
        if issue is not None:
            result.errors.append(issue)
    return result


@contextmanager
def _local_path(source: Any, max_size: int) -> Iterator[str | os.PathLike[str]]:
    if isinstance(source, str | os.PathLike):
        yield source
        return
    if hasattr(source, "temporary_file_path"):
        yield source.temporary_file_path()
        return
    # A file object (e.g. an in-memory upload in a test): spool to disk, bounded.
    with tempfile.NamedTemporaryFile(prefix="sotkabinet-validate-") as spool:
        source.seek(0)
        remaining = max_size + 1
        while remaining > 0 and (chunk := source.read(min(CHUNK, remaining))):
            spool.write(chunk)
            remaining -= len(chunk)
        source.seek(0)
        spool.flush()
        yield spool.name


def _validate_path(
    path: str | os.PathLike[str],
    allowed_formats: frozenset[str],
    max_size: int,
    pdf_budget: PdfBudget,
    repaired_path: str | os.PathLike[str] | None,
) -> ValidationResult:
    result = ValidationResult()
    size = os.path.getsize(path)
    if size == 0:
        result.error(EMPTY, "0 bytes")
        return result
    with open(path, "rb") as handle:
        head = handle.read(8)
    family = sniff_format(head)
    if size > max_size:
        if family in ("pdf", "jpeg"):
            result.detected_format = family
        result.error(TOO_LARGE, f"more than {max_size} bytes")
        return result
    if family in ("pdf", "jpeg"):
        result.detected_format = family
        if family not in allowed_formats:
            result.error(FORMAT_NOT_ALLOWED, f"{family} is not allowed here")
            return result
        if family == "pdf":
            check_pdf(path, result, budget=pdf_budget, repaired_path=repaired_path)
        else:
            check_jpeg(path, result)
        return result
    if family == "zip":
        check_zip_package(path, result)
    elif family == "ole2":
        check_ole2(path, result)
    if result.detected_format != "unknown" and result.detected_format not in allowed_formats:
        result.errors = [Issue.of(FORMAT_NOT_ALLOWED, f"{result.detected_format} is not allowed")]
        result.warnings = []
    elif result.detected_format == "unknown" and not result.errors:
        legacy = _legacy_office(head)
        if legacy:
            result.error(FORMAT_NOT_ALLOWED, legacy, reason=OLD_OFFICE_FORMAT)
        else:
            result.error(FORMAT_NOT_ALLOWED, _describe_unknown(path, family))
    return result


def _legacy_office(head: bytes) -> str | None:
    """The name of a pre-1995 Word or Excel format (not a compound file), or None.

    Word 6.0/95 and Excel 5.0/95 are compound files and are accepted as DOC/XLS; these older
    ones are not DOC/XLS containers at all (README "Documents we accept").
    """
    if head[:2] in (b"\x9b\xa5", b"\xdb\xa5"):  # Word for Windows 1.x / 2.0 wIdent
        return "a Word for Windows 1.x/2.0 document (before Word 6.0)"
    if head[:4] == b"\x31\xbe\x00\x00":
        return "a Word for DOS document"
    if head[:2] in (b"\x09\x00", b"\x09\x02", b"\x09\x04") and head[2:4] in (
        b"\x04\x00",
        b"\x06\x00",
    ):  # BIFF2/3/4 BOF record
        return "an Excel 2.x-4.0 workbook (before Excel 5.0)"
    return None


def _describe_unknown(path: str | os.PathLike[str], family: str) -> str:
    """A detail for format_not_allowed, e.g. "content looks like application/x-msdownload"."""
    if family == "zip":
        return "a zip archive that is not a DOCX or XLSX document"
    if family == "ole2":
        return "an OLE2 file that is not a DOC or XLS document"
    kind = filetype.guess(os.fspath(path))
    return f"content looks like {kind.mime}" if kind else "unrecognised content"
