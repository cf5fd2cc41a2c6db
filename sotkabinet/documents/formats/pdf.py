"""PDF structure and active-content checks, with repair of damaged files (SPEC R-DOC-1, R-DOC-4,
R-DOC-5). Pure, no Django.

Threat model: the file is attacker-controlled. It may carry JavaScript, launch actions, embedded
files or multimedia, hidden anywhere in the object graph, with names obfuscated as
``/J#61vaScript`` (both parsers decode name escapes) or inside compressed object streams (both
expand them). It may be encrypted (R-DOC-4: the court must read, copy and print it). It may be
built to exhaust the worker: hundreds of thousands of objects in one object stream. Parser
failures of any kind become a status, never a crash.

Two readings (README "Documents we accept"):

1. pypdf in strict mode reads the file and walks every object reachable from the trailer
   (dictionaries and arrays, never content streams). A clean file is judged on this reading
   and stored as is.
2. A file that strict reading refuses, but that was written to the end (a ``%%EOF`` with no
   cut-off update after it), is repaired with qpdf (pikepdf): qpdf rebuilds a broken
   cross-reference table, follows an xref offset that lands in padding, reads references to
   missing objects as null (ISO 32000-1 §7.3.10) and drops junk after ``%%EOF``, as every viewer
   does. qpdf also reads *every* object of the original, reachable or not, for active content
   (a damaged file is where readers' repairs disagree). The repaired copy is written out and
   must then pass reading 1 itself. The caller keeps both: the original is what was signed,
   the repaired copy is what the judge reads (``ValidationResult.repaired``).
A file without ``%%EOF``, or whose last update is cut off, is truncated: ``corrupt``.

Encryption: a PDF that needs a password to open is ``encrypted``. One encrypted with an empty
open password opens in every viewer; it is accepted when its permissions allow printing and
copying, and refused as ``encrypted`` (detail: which permission is missing) when they do not,
because R-DOC-4 requires both.

Budgets (``PdfBudget``, set by the caller from settings): a file whose cross-reference declares
more than ``max_objects`` objects is refused before any object is parsed (pypdf keeps every
parsed object in memory, about 5 KiB apiece, so this bounds memory), and the whole check may use
``seconds`` of CPU time (of the checking thread). Time is enforced twice: the walk checks the
clock at every object, and
in the main thread (a Celery prefork worker runs tasks there) a CPU-time timer (``SIGPROF``)
interrupts a single parse that runs long inside pypdf. Either answers ``corrupt`` with the detail
"too complex to check". A 1.5 MB file with 65,000 objects in one object stream takes about 9 s;
the same shape at 20 MB declares ~850,000 objects and is refused at once.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final

import pikepdf
from pypdf import PdfReader
from pypdf.constants import UserAccessPermissions
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
)

from ..issues import (
    ACTIVE_CONTENT,
    CORRUPT,
    ENCRYPTED,
    FORBIDS_PRINT_COPY,
    SCAN_QUALITY,
    TOO_COMPLEX,
    TRUNCATED,
    RepairedCopy,
    ValidationResult,
)

logger = logging.getLogger(__name__)

MAX_NODES: Final = 2_000_000  # direct objects too (numbers in arrays...), whatever the budget
EOF_WINDOW: Final = 1024  # "%%EOF" must be within the last 1024 bytes (as Acrobat requires)
EOF_MARKER: Final = b"%%EOF"
SEARCH_CHUNK: Final = 1024 * 1024
# After the last %%EOF, any of these means an incremental update was cut off (truncation).
CUT_UPDATE: Final = re.compile(rb"\d+\s+\d+\s+obj\b|\bxref\b|\btrailer\b|startxref")
SCAN_CHECK_MAX_PAGES: Final = 50
SCAN_DPI_RANGE: Final = (199.5, 300.5)  # SPEC R-DOC-5: 200–300 dpi, rounding tolerated
REQUIRED_PERMISSIONS: Final = {
    UserAccessPermissions.PRINT: "printing",
    UserAccessPermissions.EXTRACT: "copying",
}

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


@dataclass(frozen=True, slots=True)
class PdfBudget:
    """How much one PDF check may take: CPU seconds and objects (a memory bound)."""

    seconds: float = 20.0
    max_objects: int = 100_000


DEFAULT_BUDGET: Final = PdfBudget()


class _OverBudget(BaseException):
    """The check ran out of time or objects; the message is the detail.

    A BaseException, so that no ``except Exception`` inside a parser swallows it.
    """


class _Clock:
    def __init__(self, budget: PdfBudget) -> None:
        self.budget = budget
        self.deadline = time.thread_time() + budget.seconds

    def remaining(self) -> float:
        return self.deadline - time.thread_time()

    def check(self) -> None:
        if self.remaining() <= 0:
            raise self.out_of_time()

    def out_of_time(self) -> _OverBudget:
        return _OverBudget(f"too complex to check: more than {self.budget.seconds:g} s of CPU time")

    def count(self, objects: int) -> None:
        if objects > self.budget.max_objects:
            raise _OverBudget(
                f"too complex to check: more than {self.budget.max_objects} PDF objects"
            )


class _Unreadable(Exception):
    """Strict reading failed: the file may be repairable. The message is the detail."""


def check_pdf(
    path: str | os.PathLike[str],
    result: ValidationResult,
    *,
    budget: PdfBudget | None = None,
    repaired_path: str | os.PathLike[str] | None = None,
) -> None:
    """Fill ``result`` (already ``detected_format == "pdf"``) with errors and warnings.

    When the file needed repair and the repaired copy is acceptable, ``result.repaired``
    describes it and, if ``repaired_path`` is given, the copy is written there.
    """
    clock = _Clock(budget or DEFAULT_BUDGET)
    try:
        with _cpu_timer(clock):
            _check(path, result, clock, repaired_path)
    except _OverBudget as exc:
        result.errors.clear()
        result.warnings.clear()
        result.repaired = None
        result.error(CORRUPT, str(exc), reason=TOO_COMPLEX)


@contextmanager
def _cpu_timer(clock: _Clock) -> Iterator[None]:
    """Interrupt the check with _OverBudget when its CPU time runs out (main thread only).

    Signals are delivered to the main thread only; elsewhere the walk's own checks suffice.
    The previous SIGPROF handler and timer are restored afterwards.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return

    def on_timer(_signum: int, _frame: object) -> None:
        raise clock.out_of_time()

    previous_handler = signal.signal(signal.SIGPROF, on_timer)
    previous_timer = signal.setitimer(signal.ITIMER_PROF, max(clock.remaining(), 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous_handler)
        if previous_timer[0] > 0:
            signal.setitimer(signal.ITIMER_PROF, *previous_timer)


def _check(
    path: str | os.PathLike[str],
    result: ValidationResult,
    clock: _Clock,
    repaired_path: str | os.PathLike[str] | None,
) -> None:
    truncated = _truncation(path)
    if truncated:
        result.error(CORRUPT, truncated, reason=TRUNCATED)
        return
    try:
        if not _eof_in_tail(path):
            raise _Unreadable("data after %%EOF")
        _inspect(path, result, clock)
    except _Unreadable as exc:
        _repair_and_inspect(path, result, clock, str(exc), repaired_path)


def _truncation(path: str | os.PathLike[str]) -> str | None:
    """Why the file is truncated (no %%EOF, or an update cut off after the last one), or None."""
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        position = size
        while position > 0:
            start = max(0, position - SEARCH_CHUNK)
            handle.seek(start)
            window = handle.read(position - start + len(EOF_MARKER) - 1)
            found = window.rfind(EOF_MARKER)
            if found >= 0:
                handle.seek(start + found + len(EOF_MARKER))
                after = handle.read(size)  # at most the file size, bounded by R-DOC-3
                if CUT_UPDATE.search(after):
                    return "an update after the last %%EOF is cut off: the PDF is truncated"
                return None
            position = start
    return "no %%EOF marker: the PDF is truncated"


def _eof_in_tail(path: str | os.PathLike[str]) -> bool:
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        handle.seek(max(0, size - EOF_WINDOW))
        return EOF_MARKER in handle.read()


def _inspect(path: str | os.PathLike[str], result: ValidationResult, clock: _Clock) -> None:
    """Reading 1: strict pypdf. Raises _Unreadable when the file needs repair."""
    try:
        reader = PdfReader(path, strict=True)
        clock.count(len(reader.xref_objStm) + sum(len(row) for row in reader.xref.values()))
        if reader.is_encrypted and not _open_encrypted(reader, result):
            return
        active = _find_active_content(reader, clock)
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
    except _Unreadable:
        raise
    except RecursionError:
        result.error(CORRUPT, "PDF objects nested too deeply")
    except Exception as exc:
        # Any parser failure on attacker input is a status, not a crash: try the repair.
        raise _Unreadable(f"{type(exc).__name__}: {exc}"[:200]) from None


def _open_encrypted(reader: PdfReader, result: ValidationResult) -> bool:
    """Open an encrypted PDF with the empty password; False (and an error) if it cannot be used."""
    if not reader.decrypt(""):
        result.error(ENCRYPTED, "the PDF needs a password to open")
        return False
    permissions = reader.user_access_permissions
    missing = [name for flag, name in REQUIRED_PERMISSIONS.items() if not permissions & flag]
    if missing:
        result.error(
            ENCRYPTED,
            f"the PDF forbids {' and '.join(missing)} (R-DOC-4)",
            reason=FORBIDS_PRINT_COPY,
        )
        return False
    return True


def _repair_and_inspect(
    path: str | os.PathLike[str],
    result: ValidationResult,
    clock: _Clock,
    reason: str,
    repaired_path: str | os.PathLike[str] | None,
) -> None:
    """Reading 2: repair with qpdf, scan every original object, then check the repaired copy."""
    logger.info("PDF needs repair: %s", reason)
    try:
        original = pikepdf.open(os.fspath(path))
    except pikepdf.PasswordError:
        result.error(ENCRYPTED, "the PDF needs a password to open")
        return
    except Exception as exc:
        result.error(
            CORRUPT, f"PDF unreadable ({reason}) and not repairable ({type(exc).__name__})"
        )
        return
    try:
        with original, tempfile.TemporaryDirectory(prefix="sotkabinet-pdf-") as workdir:
            _check_repaired(original, workdir, result, clock, reason, repaired_path)
    except RecursionError:
        result.error(CORRUPT, "PDF objects nested too deeply")
    except Exception as exc:
        logger.info("PDF repair failed: %s: %s", type(exc).__name__, exc)
        result.error(
            CORRUPT, f"PDF unreadable ({reason}) and not repairable ({type(exc).__name__})"
        )


def _check_repaired(
    original: pikepdf.Pdf,
    workdir: str,
    result: ValidationResult,
    clock: _Clock,
    reason: str,
    repaired_path: str | os.PathLike[str] | None,
) -> None:
    declared = original.trailer.get("/Size")
    if isinstance(declared, int):
        clock.count(declared)  # before qpdf resolves every object into memory
    clock.count(len(original.objects))
    if original.is_encrypted:
        allowed = original.allow
        required = (("printing", allowed.print_lowres), ("copying", allowed.extract))
        missing = [name for name, ok in required if not ok]
        if missing:
            result.error(
                ENCRYPTED,
                f"the PDF forbids {' and '.join(missing)} (R-DOC-4)",
                reason=FORBIDS_PRINT_COPY,
            )
            return
    active = _qpdf_active_content(original, clock)
    if active:
        result.error(ACTIVE_CONTENT, f"PDF contains {active}")
        return
    copy = os.path.join(workdir, "repaired.pdf")
    original.save(copy, encryption=False)  # a fresh xref; missing objects written as null
    clock.check()
    checked = ValidationResult(detected_format="pdf")
    try:
        _inspect(copy, checked, clock)
    except _Unreadable as exc:
        result.error(CORRUPT, f"PDF unreadable even after repair ({exc})")
        return
    result.errors.extend(checked.errors)
    result.warnings.extend(checked.warnings)
    if checked.errors:
        return
    result.repaired = RepairedCopy(
        sha256=_sha256(copy), size=os.path.getsize(copy), reason=reason[:200]
    )
    if repaired_path is not None:
        shutil.copyfile(copy, repaired_path)


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(SEARCH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _qpdf_active_content(pdf: pikepdf.Pdf, clock: _Clock) -> str | None:
    """The first active-content name in any object of the file (reachable or not), else None."""
    nodes = 0
    for obj in pdf.objects:
        stack = [obj]
        while stack:
            node = stack.pop()
            nodes += 1
            if nodes % 1024 == 0:
                clock.check()
            if nodes > MAX_NODES:
                raise _OverBudget(f"too complex to check: more than {MAX_NODES} PDF nodes")
            if isinstance(node, pikepdf.Stream):
                node = node.stream_dict
            if isinstance(node, pikepdf.Name):
                if str(node) in ACTIVE_NAMES:
                    return str(node)
            elif isinstance(node, pikepdf.Dictionary):
                for key, value in node.items():
                    if key in ACTIVE_NAMES:
                        return key
                    if _is_direct_container(value):
                        stack.append(value)
            elif isinstance(node, pikepdf.Array):
                stack.extend(item for item in node if _is_direct_container(item))
    return None


def _is_direct_container(value: object) -> bool:
    """A direct name, dictionary, array or stream (pikepdf gives scalars as Python values)."""
    return isinstance(value, pikepdf.Object) and not value.is_indirect


def _find_active_content(reader: PdfReader, clock: _Clock) -> str | None:
    """The first active-content name reachable from the trailer, e.g. ``"/Launch"``; else None.

    Iterative depth-first walk; each indirect object is visited once, within the budget.
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
            clock.count(len(seen))
            clock.check()
            node = node.get_object()
        visited += 1
        if visited > MAX_NODES:
            raise _OverBudget(f"too complex to check: more than {MAX_NODES} PDF nodes")
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
