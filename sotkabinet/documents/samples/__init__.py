"""Real files built in code, for tests across the whole project.

Every builder returns ``bytes`` that the validators accept or refuse for the real reason (a
valid DOCX is a real minimal WordprocessingML package, a JavaScript PDF really has a JS action,
a zip bomb really inflates to a gigabyte). Import from here::

    from sotkabinet.documents.samples import pdf_bytes, docx_bytes, zip_bomb_docx

``write_sample(tmp_path, "claim.pdf", pdf_bytes())`` saves one to a temporary directory.
"""

from __future__ import annotations

from pathlib import Path

from .cfb import (
    compound_file,
    doc_bytes,
    doc_dde_bytes,
    doc_with_fields_bytes,
    encrypted_ooxml_bytes,
    ole_package_object,
    vba_project_bin,
    word6_doc_bytes,
    word97_doc_bytes,
    xls_bytes,
)
from .images import exe_bytes, jpeg_bomb, jpeg_bytes, png_bytes, truncated_jpeg
from .office import (
    docm_bytes,
    docx_bytes,
    nested_zip,
    plain_zip,
    raw_zip,
    xlsm_bytes,
    xlsx_bytes,
    zip_bomb_docx,
)
from .pdf import (
    broken_xref_pdf,
    damaged_pdf_with_orphan_action,
    dangling_reference_pdf,
    empty_password_pdf,
    incremental_update_pdf,
    many_objects_pdf,
    object_stream_pdf,
    pdf_bytes,
    raw_pdf,
    scanned_pdf_bytes,
    stream_object,
    trailing_junk_pdf,
    truncated_pdf,
)
from .producers import (
    DDE_PLACES,
    chart_workbook,
    docm_without_macros,
    docx_dde_bytes,
    docx_with_chart,
    docx_with_fields,
    docx_with_template,
    real_producer_set,
    xlsx_dde_bytes,
    xlsx_with_chart,
)

__all__ = [
    "DDE_PLACES",
    "broken_xref_pdf",
    "chart_workbook",
    "compound_file",
    "damaged_pdf_with_orphan_action",
    "dangling_reference_pdf",
    "doc_bytes",
    "doc_dde_bytes",
    "doc_with_fields_bytes",
    "docm_bytes",
    "docm_without_macros",
    "docx_bytes",
    "docx_dde_bytes",
    "docx_with_chart",
    "docx_with_fields",
    "docx_with_template",
    "empty_password_pdf",
    "encrypted_ooxml_bytes",
    "exe_bytes",
    "incremental_update_pdf",
    "jpeg_bomb",
    "jpeg_bytes",
    "many_objects_pdf",
    "nested_zip",
    "object_stream_pdf",
    "ole_package_object",
    "pdf_bytes",
    "plain_zip",
    "png_bytes",
    "raw_pdf",
    "raw_zip",
    "real_producer_set",
    "scanned_pdf_bytes",
    "stream_object",
    "trailing_junk_pdf",
    "truncated_jpeg",
    "truncated_pdf",
    "vba_project_bin",
    "word6_doc_bytes",
    "word97_doc_bytes",
    "write_sample",
    "xls_bytes",
    "xlsm_bytes",
    "xlsx_bytes",
    "xlsx_dde_bytes",
    "xlsx_with_chart",
    "zip_bomb_docx",
]


def write_sample(directory: Path, name: str, data: bytes) -> Path:
    """Write ``data`` to ``directory / name`` and return the path."""
    path = Path(directory) / name
    path.write_bytes(data)
    return path
