"""Sanitising the file names applicants send (pure, no Django).

Threat model: the name in a multipart upload is attacker-controlled text. It may carry a path
("../../etc/passwd", "C:\\Windows\\x.pdf"), control characters, bidi overrides that make
"cod.exe" display as "exe.doc", NTFS stream syntax ("a.pdf:evil"), Windows device names (CON, NUL),
or be long enough to break a file system. We never use the name to build a storage path (blobs are
content-addressed, see ``upload.store_blob``); the sanitised name is only what the cabinet shows and
offers on download (SPEC R-DOC-2: the file name identifies the document). So the rules aim at a
name that is safe to display and to put into a Content-Disposition header on any OS, while keeping
Kazakh and Russian letters intact.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from .issues import NAME_INVALID, Issue

FALLBACK_NAME: Final = "document"
MAX_NAME_CHARS: Final = 150
MAX_NAME_BYTES: Final = 255  # ext4/NTFS limit; Cyrillic takes 2 bytes a letter in UTF-8
MAX_EXTENSION_CHARS: Final = 10

_WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*]')
_WHITESPACE = re.compile(r"\s+")
_LINE_BREAKS = re.compile("[\t\n\v\f\r\x85\u2028\u2029]+")
_EXTENSION = re.compile(rf"\.[^\W_]{{1,{MAX_EXTENSION_CHARS}}}$")
_RESERVED_WINDOWS = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"COM{n}" for n in range(10)}
    | {f"LPT{n}" for n in range(10)}
)
# Cc control, Cf format (bidi overrides, zero-width), Cs surrogates, Co private use,
# Cn unassigned, Zl/Zp line and paragraph separators.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _clean(name: str) -> str:
    """The name without path, invisible characters and edge dots; may be empty."""
    name = unicodedata.normalize("NFC", name)
    name = re.split(r"[/\\]", name)[-1]
    name = _LINE_BREAKS.sub(" ", name)  # tabs and newlines become spaces before controls go
    name = "".join(ch for ch in name if unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    name = _WINDOWS_FORBIDDEN.sub("_", name)
    name = _WHITESPACE.sub(" ", name)
    # Leading dots hide files on Unix and make "..": trailing dots and spaces vanish on Windows.
    return name.lstrip(". ").rstrip(". ")


def _fits(name: str) -> bool:
    return len(name) <= MAX_NAME_CHARS and len(name.encode("utf-8")) <= MAX_NAME_BYTES


def _truncate(name: str) -> str:
    match = _EXTENSION.search(name)
    extension = match.group(0) if match and match.start() > 0 else ""
    stem = name[: len(name) - len(extension)]
    while stem and not _fits(stem + extension):
        stem = stem[:-1]
    stem = stem.rstrip(". ")
    return (stem or FALLBACK_NAME) + extension


def sanitize_filename(name: str) -> str:
    """A display-safe version of an uploaded file's name (the attachment's ``filename``,
    docs/conventions.md "Attachments").

    Keeps only the last path component (``/`` and ``\\`` both count), drops control and
    invisible characters, replaces ``<>:"|?*`` with ``_``, strips leading dots and trailing
    dots/spaces, prefixes Windows device names with ``_``, and limits the length to
    150 characters / 255 UTF-8 bytes while keeping the extension. Never empty: a name with
    nothing usable becomes ``"document"`` (and ``filename_issue`` reports ``name_invalid``).
    Applying it twice gives the same result.
    """
    cleaned = _clean(name)
    if not cleaned:
        return FALLBACK_NAME
    if cleaned.split(".")[0].rstrip(" ").upper() in _RESERVED_WINDOWS:
        cleaned = "_" + cleaned
    if not _fits(cleaned):
        cleaned = _truncate(cleaned)
    return cleaned


def filename_issue(name: str) -> Issue | None:
    """``name_invalid`` when the name has nothing usable left (empty, only dots/slashes/controls).

    A path such as ``../../etc/passwd`` is not an issue: it is sanitised to ``passwd``.
    """
    if not _clean(name):
        return Issue.of(NAME_INVALID, "the file name has no usable characters")
    return None
