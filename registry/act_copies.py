"""The printable copy of a judicial act: the act, then a page with its ЭЦҚ details, the legal-force
mark and the QR code that leads to /verify/<code>/ (SPEC R-ACT-1, R-ACT-5, R-ECP-6).

Rendering costs a WeasyPrint run (about a second), so a copy is rendered once per state and kept
in storage: its name is derived from everything it shows (the act's hash, signature, mark and
the language), so a new mark gives a new copy and an unchanged act is served from storage.
A PDF act's own pages come first (merged with pypdf); a DOCX act cannot be laid out here, so its
copy is the certificate page, which names the file and its SHA-256.

The stored file is checked against the act's SHA-256 first: a tampered file is never printed
under the court's mark (409 `document_tampered`).
"""

from __future__ import annotations

import hashlib
import io
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from sotkabinet.documents.pdf import render_pdf
from sotkabinet.documents.qr import qr_png_data_uri
from sotkabinet.documents.upload import open_blob
from sotkabinet.errors import Conflict

from .act_selectors import stored_file_intact
from .acts import verify_url
from .models import Act

logger = logging.getLogger(__name__)

COPY_TEMPLATE = "registry/act_copy.html"
# Bump when the template changes, so stored copies are rendered again.
COPY_LAYOUT_VERSION = "1"


def copy_storage_name(act: Act, language: str) -> str:
    """The storage name of the copy of `act` in its current state, in `language`."""
    state = "|".join(
        str(part)
        for part in (
            COPY_LAYOUT_VERSION,
            act.pk,
            act.sha256,
            act.status,
            act.signed_at,
            act.signer_id,
            act.legal_force_date,
            act.legal_force_signer_id,
            act.verify_code,
            language,
        )
    )
    return f"act-copies/{act.pk}/{hashlib.sha256(state.encode()).hexdigest()}.pdf"


def _certificate_page(act: Act, language: str) -> bytes:
    url = verify_url(act)
    signature = act.signature_verdict or {}
    legal_force = act.legal_force_verdict or {}
    with translation.override(language):
        return render_pdf(
            COPY_TEMPLATE,
            {
                "language": language,
                "act": act,
                "case": act.case,
                "court": act.case.court,
                "signed_at": timezone.localtime(act.signed_at, act.case.court.tzinfo)
                if act.signed_at
                else None,
                "signature_signers": signature.get("signers", []),
                "legal_force_signers": legal_force.get("signers", []),
                "verify_url": url,
                "qr": qr_png_data_uri(url, box_size=10) if url else None,
            },
        )


def _merged(act: Act, certificate: bytes) -> bytes:
    if act.detected_format != "pdf":
        return certificate
    writer = PdfWriter()
    try:
        with open_blob(act.blob) as handle:
            writer.append(PdfReader(io.BytesIO(handle.read())))
        writer.append(PdfReader(io.BytesIO(certificate)))
        output = io.BytesIO()
        writer.write(output)
    except (PyPdfError, ValueError, KeyError) as error:
        # The file passed validation, so this is a pypdf limitation, not an attack: the
        # certificate page alone still carries the hash, the signers and the mark.
        logger.warning("Act %s: pages not merged into the printable copy: %s", act.pk, error)
        return certificate
    return output.getvalue()


def act_printable_copy(act: Act, *, language: str) -> bytes:
    """PDF bytes of the printable copy of `act` (rendered once per state, then from storage).

    Raises 409 `document_tampered` when the stored file no longer has the act's SHA-256.
    Safe to call concurrently: two renders of one state store the same name once.
    """
    if not stored_file_intact(act):
        raise Conflict("document_tampered")
    name = copy_storage_name(act, language)
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    pdf = _merged(act, _certificate_page(act, language))
    saved = default_storage.save(name, ContentFile(pdf))
    if saved != name:
        default_storage.delete(saved)  # another request stored this state meanwhile
    return pdf
