"""Archive storage: `STORAGES["archive"]`, one file per distinct content, named by its SHA-256.

SPEC R-ARC-1 (original format) and README "Operations" (local: `DATA_DIR/archive/<sha256>`).
The name is the content address, so two items with the same bytes share one file and a stored
file can always be checked against its name. Nothing here trusts the caller's hash: every copy
is hashed while it is written and refused on a mismatch.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import tempfile
from typing import IO

from django.core.files import File
from django.core.files.storage import Storage, storages

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024
SPOOL_BYTES = 4 * 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class ContentMismatch(ValueError):
    """The bytes do not hash to the SHA-256 they were recorded with."""


def archive_storage() -> Storage:
    return storages["archive"]


def _checked_name(sha256: str) -> str:
    if not _SHA256.match(sha256):
        raise ValueError("an archive name is 64 lower-case hex digits")
    return sha256


def stored_digest(sha256: str) -> tuple[str, int] | None:
    """(sha256, size) of the stored file named `sha256`, recomputed; None if it is missing."""
    storage = archive_storage()
    name = _checked_name(sha256)
    if not storage.exists(name):
        return None
    digest = hashlib.sha256()
    size = 0
    with storage.open(name, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def store_stream(stream: IO[bytes], expected_sha256: str) -> int:
    """Copy `stream` to the archive under `expected_sha256`; return its size.

    The bytes are hashed while spooled, and ContentMismatch is raised unless they hash to
    `expected_sha256` (a changed cabinet file is never archived under the signed hash). A file
    already stored under that name is kept if intact; a damaged one is replaced (and logged).
    Safe to repeat.
    """
    name = _checked_name(expected_sha256)
    digest = hashlib.sha256()
    size = 0
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            spool.write(chunk)
            size += len(chunk)
        actual = digest.hexdigest()
        if actual != name:
            raise ContentMismatch(f"content hashes to {actual}, not {name}")
        storage = archive_storage()
        existing = stored_digest(name)
        if existing is not None and existing[0] == name:
            return size
        if existing is not None:
            logger.error("Archive file %s was damaged; rewriting it from the source", name)
            storage.delete(name)
        spool.seek(0)
        saved = storage.save(name, File(spool, name=name))
        if saved != name:
            # Another transfer stored the same content meanwhile: same hash, same bytes.
            storage.delete(saved)
    return size


def store_bytes(data: bytes) -> tuple[str, int]:
    """Store `data`; return (sha256, size)."""
    sha256 = hashlib.sha256(data).hexdigest()
    return sha256, store_stream(io.BytesIO(data), sha256)


def read_bytes(sha256: str) -> bytes | None:
    """The stored bytes, or None if missing. For small items (CMS, payloads, evidence)."""
    storage = archive_storage()
    name = _checked_name(sha256)
    if not storage.exists(name):
        return None
    with storage.open(name, "rb") as handle:
        return handle.read()


def open_item(sha256: str) -> File:
    """Open a stored file for streaming (binary)."""
    return archive_storage().open(_checked_name(sha256), "rb")


def delete(sha256: str) -> None:
    """Remove a stored file (disposal acts only, `archive.services.disposal_act_create`)."""
    archive_storage().delete(_checked_name(sha256))
