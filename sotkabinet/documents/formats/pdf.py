"""PDF structure and active-content checks (SPEC R-DOC-1, R-DOC-4, R-DOC-5). Pure, no Django.

Threat model: the file is attacker-controlled. It may be truncated or have a broken cross-reference
table (viewers "repair" such files differently, so what we inspect may not be what a judge's viewer
shows: we refuse them as ``corrupt``); it may be encrypted (R-DOC-4: not copyable/printable); it may
carry JavaScript, launch actions, embedded files or multimedia, hidden anywhere in the object graph,
with names obfuscated as ``/J#61vaScript`` (pypdf decodes name escapes) or inside compressed object
streams (pypdf expands them). We parse with pypdf in strict mode and walk every object reachable
from the trailer, without decoding content streams, with a cap on the number of objects visited.
Parser failures of any kind become ``corrupt``: a file the portal cannot read is not "usable".
"""

from __future__ import annotations

import logging
import os
from typing import Final

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
)

from ..issues import ACTIVE_CONTENT, CORRUPT, ENCRYPTED, SCAN_QUALITY, ValidationResult

logger = logging.getLogger(__name__)

MAX_OBJECTS: Final = 2_000_000
EOF_WINDOW: Final = 1024  # "%%EOF" must be within the last 1024 bytes (as Acrobat requires)
SCAN_CHECK_MAX_PAGES: Final = 50
SCAN_DPI_RANGE: Final = (199.5, 300.5)  # SPEC R-DOC-5: 200–300 dpi, rounding tolerated

# A name anywhere (as a dictionary key or a value) that means active content (R-DOC-4).
ACTIVE_NAMES: Final = frozenset(
    {
        "/JavaScript",  # JS action type (/S /JavaScript) and the catalog /Names JS tree
        "/JS",  # the script of a JS action
        "/Launch",  # runs a program or opens a file
        "/EmbeddedFile",  # embedded file stream type
        "/EmbeddedFiles",  # catalog /Names tree of attachments
        "/EF",  # a file specification's embedded file
        "/FileAttachment",  # attachment annotation
        "/RichMedia",  # Flash/video annotation
        "/RichMediaExecute",
        "/Movie",
        "/Sound",
        "/Screen",
        "/Rendition",
        "/3D",
        "/GoToE",  # go-to into an embedded file
        "/XFA",  # XFA forms carry scripts
        "/SubmitForm",  # interactive forms that send data out
        "/ImportData",
    }
)
COLOUR_SPACES: Final = frozenset({"/DeviceRGB", "/DeviceCMYK", "/CalRGB", "/Lab"})


def check_pdf(path: str | os.PathLike[str], result: ValidationResult) -> None:
    """Fill ``result`` (already ``detected_format == "pdf"``) with errors and warnings."""
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        handle.seek(max(0, size - EOF_WINDOW))
        tail = handle.read()
    if b"%%EOF" not in tail:
        result.error(CORRUPT, "no %%EOF marker: the PDF is truncated")
        return
    try:
        reader = PdfReader(path, strict=True)
        if reader.is_encrypted:
            result.error(ENCRYPTED, "the PDF has an /Encrypt dictionary")
            return
        active = _find_active_content(reader)
        if active:
            result.error(ACTIVE_CONTENT, f"PDF contains {active}")
            return
        page_count = len(reader.pages)
        if page_count == 0:
            result.error(CORRUPT, "the PDF has no pages")
            return
        if page_count <= SCAN_CHECK_MAX_PAGES:
            scan_problem = _scan_quality(reader)
            if scan_problem:
                result.warn(SCAN_QUALITY, scan_problem)
    except _TooManyObjects:
        result.error(CORRUPT, f"more than {MAX_OBJECTS} PDF objects")
    except RecursionError:
        result.error(CORRUPT, "PDF objects nested too deeply")
    except Exception as exc:
        # Any parser failure on attacker input is a status (corrupt), not a crash. Logged.
        logger.info("PDF refused as corrupt: %s: %s", type(exc).__name__, exc)
        result.error(CORRUPT, f"PDF parser: {type(exc).__name__}")


class _TooManyObjects(Exception):
    pass


def _find_active_content(reader: PdfReader) -> str | None:
    """The first active-content name reachable from the trailer, e.g. ``"/Launch"``; else None.

    Iterative depth-first walk; each indirect object is visited once.
    """
    seen: set[tuple[int, int]] = set()
    stack: list[object] = [reader.trailer]
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            raise _TooManyObjects
        if isinstance(node, NameObject):
            if node in ACTIVE_NAMES:
                return str(node)
        elif isinstance(node, DictionaryObject):  # includes streams: their dictionary only
            for dict_key, value in node.items():
                if dict_key in ACTIVE_NAMES:
                    return str(dict_key)
                stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return None


def _scan_quality(reader: PdfReader) -> str | None:
    """R-DOC-5 for scanned PDFs: a page that is one full-page image should be 200–300 dpi, grey.

    Cheap: reads image dictionaries only (never decodes pixels). Pages whose image does not
    have the page's proportions (a logo on a text page) are not judged.
    """
    for number, page in enumerate(reader.pages, start=1):
        images = _page_images(page)
        if len(images) != 1:
            continue
        image = images[0]
        width_px = image.get("/Width")
        height_px = image.get("/Height")
        if not isinstance(width_px, NumberObject | int) or not isinstance(
            height_px, NumberObject | int
        ):
            continue
        box = page.mediabox
        page_width_in = float(box.width) / 72
        page_height_in = float(box.height) / 72
        if page_width_in <= 0 or page_height_in <= 0 or width_px <= 0 or height_px <= 0:
            continue
        if abs((width_px / height_px) / (page_width_in / page_height_in) - 1) > 0.05:
            continue
        dpi = width_px / page_width_in
        if not SCAN_DPI_RANGE[0] <= dpi <= SCAN_DPI_RANGE[1]:
            return f"page {number}: scan resolution about {dpi:.0f} dpi"
        if _is_colour(image.get("/ColorSpace")):
            return f"page {number}: colour scan"
    return None


def _page_images(page: DictionaryObject) -> list[DictionaryObject]:
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else None
    if not isinstance(resources, DictionaryObject):
        return []
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else None
    if not isinstance(xobjects, DictionaryObject):
        return []
    images = []
    for reference in xobjects.values():
        xobject = reference.get_object()
        if isinstance(xobject, DictionaryObject) and xobject.get("/Subtype") == "/Image":
            images.append(xobject)
    return images


def _is_colour(colour_space: object) -> bool:
    colour_space = colour_space.get_object() if colour_space is not None else None
    if isinstance(colour_space, NameObject):
        return colour_space in COLOUR_SPACES
    if isinstance(colour_space, ArrayObject) and colour_space:
        family = colour_space[0]
        if family == "/ICCBased" and len(colour_space) > 1:
            profile = colour_space[1].get_object()
            return isinstance(profile, DictionaryObject) and profile.get("/N", 1) >= 3
        if family == "/Indexed" and len(colour_space) > 1:
            return _is_colour(colour_space[1])
        return family in COLOUR_SPACES
    return False
