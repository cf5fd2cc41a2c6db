"""OLE2 compound files: legacy DOC and XLS, and encrypted OOXML (SPEC R-DOC-1, R-DOC-4). Pure.

Threat model: the compound file is attacker-controlled. What matters here:
- Macros: VBA lives in storages named ``Macros`` (Word), ``_VBA_PROJECT_CUR`` (Excel) or ``VBA``;
  ActiveX controls leave ``\\x03OCXDATA`` streams; OLE "Package" objects (``\\x01Ole10Native``)
  carry embedded executables. Excel 4 macro sheets (XLM) are declared in BOUNDSHEET records of
  the workbook globals. All of these are ``active_content``.
- Encryption: Word sets ``fEncrypted`` in the FIB; Excel writes a FILEPASS record into the
  workbook globals; an encrypted DOCX/XLSX is an OLE2 file holding ``EncryptedPackage``.
  All are ``encrypted`` (R-DOC-4: the court must be able to read, copy and print the file).
- DDE: a Word field whose instruction is ``DDE``/``DDEAUTO`` runs a program when the document
  opens. Fields live in the text as ``0x13`` instruction [``0x14`` result] ``0x15``. We rebuild
  the text from the piece table (FIB ``fcClx`` in the table stream, MS-DOC 2.9.38), so fields
  split across fast-saved pieces are seen whole, and also scan the raw ``WordDocument`` stream as
  8-bit and UTF-16 text (Word 6/95 keeps its text there; a damaged piece table hides nothing).
  In Excel, a DDE link is a SUPBOOK record whose path is ``server\x03topic`` (MS-XLS 2.4.271)
  followed by EXTERNNAME records for its items (MS-XLS 2.4.105): both are ``active_content``.
  oletools' ``msodde`` does the same; we do not depend on it (see ``ooxml.py``).
- Embedded objects: a Word or Excel object in a storage (a DOC's ``ObjectPool``, an XLS's
  ``MBD`` storages: charts, pasted tables) gets the same field and link checks; a damaged
  embedded object is no ground to refuse (Word shows its cached picture).
- Pre-1997 formats: Word 6.0/95 (FIB wIdent ``0xA5DC``) and Excel 5.0/95 (BIFF5 ``Book``) are
  DOC and XLS that Word, Excel and LibreOffice open: they get the same checks. A Word 6/95
  *template* (FIB ``fDot``) is refused as ``active_content``: WordBasic macros live only in
  templates, which is how the 1995 macro viruses travelled. Older formats (Word for DOS/Windows
  1–2, Excel 2–4) are not compound files and stay ``format_not_allowed``.
- Malformed structures (sector loops, bad FAT, truncation) make olefile raise; any parser failure
  is ``corrupt``. olefile reads a stream into memory, which the upload size limit bounds.
"""

from __future__ import annotations

import logging
import os
import re
import struct
from collections.abc import Iterable, Iterator
from typing import Final

import olefile

from ..issues import ACTIVE_CONTENT, CORRUPT, ENCRYPTED, ValidationResult

logger = logging.getLogger(__name__)

OLE2_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORD_IDENT: Final = 0xA5EC
WORD6_IDENT: Final = 0xA5DC  # Word 6.0 and Word 95 (nFib 101..105)
FIB_DOT: Final = 0x0001
FIB_CCP_TEXT: Final = 0x004C  # FibRgLw97.ccpText
FIB_FC_CLX: Final = 0x01A2  # FibRgFcLcb97.fcClx / lcbClx
MAX_FIELD_TEXT: Final = 1000
DDE_FIELD: Final = re.compile(r'^[\s"]*dde(auto)?\b', re.IGNORECASE)
FIELD_MARK: Final = re.compile("[\x13\x14\x15]")
QUOTE_FIELD: Final = re.compile(r"^\s*quote\s+((?:\d+\s*)+)$", re.IGNORECASE)
BIFF_SUPBOOK: Final = 0x01AE
BIFF_EXTERNNAME: Final = 0x0023
SUPBOOK_SELF: Final = (0x0401, 0x3A01)  # cch markers of internal and add-in references
WORD_97_NFIB: Final = 0x00C1  # Word 97 and later keep their tables in 0Table/1Table
FIB_ENCRYPTED: Final = 0x0100
FIB_WHICH_TABLE: Final = 0x0200
BIFF_BOF: Final = 0x0809
BIFF_EOF: Final = 0x000A
BIFF_FILEPASS: Final = 0x002F
BIFF_BOUNDSHEET: Final = 0x0085
BIFF_MACRO_SHEET_TYPES: Final = {0x01: "Excel 4 macro sheet", 0x06: "VBA module sheet"}
VBA_STORAGES: Final = frozenset({"macros", "_vba_project_cur", "_vba_project", "vba"})
ACTIVE_STREAMS: Final = {"\x03ocxdata": "ActiveX control", "\x01ole10native": "embedded file"}


def check_ole2(path: str | os.PathLike[str], result: ValidationResult) -> None:
    """Decide doc/xls/unknown and fill ``result``."""
    try:
        with olefile.OleFileIO(os.fspath(path)) as ole:
            _check(ole, result)
    except Exception as exc:
        # Any parser failure on attacker input is a status (corrupt), not a crash. Logged.
        logger.info("OLE2 file refused as corrupt: %s: %s", type(exc).__name__, exc)
        result.error(CORRUPT, f"OLE2 parser: {type(exc).__name__}")


def _check(ole: olefile.OleFileIO, result: ValidationResult) -> None:
    entries = ole.listdir(streams=True, storages=True)
    if ole.exists("EncryptedPackage"):
        # An encrypted DOCX or XLSX: which one cannot be known without the password.
        result.error(ENCRYPTED, "encrypted Office Open XML package")
        return
    if ole.exists("WordDocument"):
        result.detected_format = "doc"
        _check_word(ole, result)
    elif ole.exists("Workbook") or ole.exists("Book"):
        result.detected_format = "xls"
        _check_excel(ole, result)
    else:
        return  # PowerPoint, Outlook, Visio...: the caller answers format_not_allowed
    _check_embedded_documents(ole, entries, result)
    for entry in entries:
        lowered = [part.lower() for part in entry]
        vba = next((part for part in lowered if part in VBA_STORAGES), None)
        if vba is not None:
            result.error(ACTIVE_CONTENT, f"VBA storage {'/'.join(entry)}")
        elif lowered[-1] in ACTIVE_STREAMS:
            result.error(ACTIVE_CONTENT, f"{ACTIVE_STREAMS[lowered[-1]]} ({'/'.join(entry)})")


def _check_embedded_documents(
    ole: olefile.OleFileIO, entries: list[list[str]], result: ValidationResult
) -> None:
    """Word and Excel objects embedded in storages (a DOC's ObjectPool, an XLS's MBD storages:
    charts, pasted tables) get the same field and link checks; what they carry counts for the
    file. A damaged embedded object is not a ground to refuse: Word shows its cached picture."""
    storages = {tuple(entry[:-1]) for entry in entries if len(entry) > 1}
    for storage in sorted(storages):
        prefix = "/".join(storage) + "/"
        inner = ValidationResult()
        try:
            if ole.exists(prefix + "WordDocument"):
                _check_word(ole, inner, prefix)
            elif ole.exists(prefix + "Workbook") or ole.exists(prefix + "Book"):
                _check_excel(ole, inner, prefix)
            else:
                continue
        except Exception as exc:  # a broken embedded object: its picture still shows
            logger.info("embedded object %s unreadable: %s", prefix, type(exc).__name__)
            continue
        for issue in inner.errors:
            if issue.code != CORRUPT:
                result.error(issue.code, f"embedded {prefix.rstrip('/')}: {issue.detail}")


def _check_word(ole: olefile.OleFileIO, result: ValidationResult, prefix: str = "") -> None:
    with ole.openstream(prefix + "WordDocument") as stream:
        fib = stream.read(32)  # FibBase
    if len(fib) < 32:
        result.error(CORRUPT, "WordDocument stream shorter than the FIB")
        return
    ident, nfib, _unused, _lid, _pn_next, flags = struct.unpack("<HHHHHH", fib[:12])
    if ident not in (WORD_IDENT, WORD6_IDENT):
        result.error(CORRUPT, f"FIB wIdent is {ident:#06x}")
        return
    if flags & FIB_ENCRYPTED:
        result.error(ENCRYPTED, "FIB fEncrypted is set")
        return
    with ole.openstream(prefix + "WordDocument") as stream:
        document = stream.read()
    if ident == WORD6_IDENT:
        if flags & FIB_DOT:
            result.error(ACTIVE_CONTENT, "Word 6/95 template: may carry WordBasic macros")
        _check_fields(_raw_texts(document), result)
        return
    table = prefix + ("1Table" if flags & FIB_WHICH_TABLE else "0Table")
    if nfib >= WORD_97_NFIB and not ole.exists(table):
        result.error(CORRUPT, f"the {table} stream is missing")
        return
    _check_fields(_word97_texts(ole, document, table), result)


def _word97_texts(ole: olefile.OleFileIO, document: bytes, table: str) -> Iterator[str]:
    """The text from the piece table (when readable), then the raw readings of the stream."""
    if ole.exists(table):
        with ole.openstream(table) as stream:
            piece_text = _piece_table_text(document, stream.read())
        if piece_text is not None:
            yield piece_text
            piece_text = None  # release it before the raw readings are decoded
    yield from _raw_texts(document)


def _raw_texts(document: bytes) -> Iterator[str]:
    """The WordDocument stream read as 8-bit text and as UTF-16 at both byte alignments.

    One decoded copy at a time (a generator), so memory stays a small multiple of the stream.
    """
    yield document.decode("latin-1")
    yield document.decode("utf-16-le", errors="replace")
    yield document[1:].decode("utf-16-le", errors="replace")


def _piece_table_text(document: bytes, table: bytes) -> str | None:
    """The document's text in CP order from the piece table (MS-DOC 2.9.38 Clx); None if broken.

    Each piece is 8-bit (fCompressed, cp1252-like) or UTF-16LE in the WordDocument stream.
    """
    if len(document) < FIB_FC_CLX + 8:
        return None
    fc_clx, lcb_clx = struct.unpack_from("<II", document, FIB_FC_CLX)
    clx = table[fc_clx : fc_clx + lcb_clx]
    position = 0
    while position < len(clx) and clx[position] == 0x01:  # Prc: skip property modifiers
        if position + 3 > len(clx):
            return None
        (size,) = struct.unpack_from("<H", clx, position + 1)
        position += 3 + size
    if position + 5 > len(clx) or clx[position] != 0x02:
        return None
    (lcb,) = struct.unpack_from("<I", clx, position + 1)
    plc = clx[position + 5 : position + 5 + lcb]
    count = (len(plc) - 4) // 12
    if count <= 0:
        return None
    cps = struct.unpack_from(f"<{count + 1}I", plc, 0)
    parts = []
    for index in range(count):
        _flags, fc, _prm = struct.unpack_from("<HIH", plc, 4 * (count + 1) + 8 * index)
        length = max(0, cps[index + 1] - cps[index])
        if fc & 0x40000000:
            start = (fc & ~0x40000000) // 2
            parts.append(document[start : start + length].decode("cp1252", errors="replace"))
        else:
            parts.append(document[fc : fc + 2 * length].decode("utf-16-le", errors="replace"))
    return "".join(parts)


def _check_fields(texts: Iterable[str], result: ValidationResult) -> None:
    for text in texts:
        instruction = _dde_instruction(text)
        if instruction is not None:
            result.error(ACTIVE_CONTENT, f"DDE field {instruction.strip()[:60]!r} in the text")
            return


def _dde_instruction(text: str) -> str | None:
    """The first DDE/DDEAUTO field instruction in ``text`` (0x13 instr [0x14 result] 0x15).

    Nested fields count as part of the outer instruction through their result text.
    """
    fields: list[list] = []  # [instruction, result, collecting instruction?]
    position = 0
    for mark in FIELD_MARK.finditer(text):
        piece = text[position : mark.start()]
        position = mark.end()
        if fields:
            field = fields[-1]
            slot = 0 if field[2] else 1
            field[slot] = (field[slot] + piece)[:MAX_FIELD_TEXT]
        char = mark.group()
        if char == "\x13":
            fields.append(["", "", True])
        elif char == "\x14" and fields:
            fields[-1][2] = False
            if DDE_FIELD.match(fields[-1][0]):
                return fields[-1][0]
        elif char == "\x15" and fields:
            instruction, cached, _collecting = fields.pop()
            if DDE_FIELD.match(instruction):
                return instruction
            if fields and fields[-1][2]:
                value = cached or quote_value(instruction)
                fields[-1][0] = (fields[-1][0] + value)[:MAX_FIELD_TEXT]
    return None


def _check_excel(ole: olefile.OleFileIO, result: ValidationResult, prefix: str = "") -> None:
    """Scan the workbook globals substream (BIFF5/8) up to its EOF record."""
    name = prefix + ("Workbook" if ole.exists(prefix + "Workbook") else "Book")
    with ole.openstream(name) as stream:
        data = stream.read()
    position = 0
    first = True
    dde_link = False  # the last SUPBOOK is a DDE/OLE link: its EXTERNNAMEs are DDE items
    while True:
        if position + 4 > len(data):
            result.error(CORRUPT, "workbook globals end without an EOF record")
            return
        record_type, length = struct.unpack_from("<HH", data, position)
        body = data[position + 4 : position + 4 + length]
        if len(body) < length:
            result.error(CORRUPT, "truncated BIFF record")
            return
        if first and record_type != BIFF_BOF:
            result.error(CORRUPT, f"the workbook starts with record {record_type:#06x}, not BOF")
            return
        first = False
        if record_type == BIFF_FILEPASS:
            result.error(ENCRYPTED, "FILEPASS record in the workbook globals")
            return
        if record_type == BIFF_BOUNDSHEET and length >= 6 and body[5] in BIFF_MACRO_SHEET_TYPES:
            result.error(ACTIVE_CONTENT, BIFF_MACRO_SHEET_TYPES[body[5]])
        if record_type == BIFF_SUPBOOK:
            dde_link = _supbook_is_dde(body)
            if dde_link:
                result.error(ACTIVE_CONTENT, "DDE/OLE link (SUPBOOK server|topic)")
        if record_type == BIFF_EXTERNNAME and dde_link:
            result.error(ACTIVE_CONTENT, "DDE external name (EXTERNNAME of a DDE link)")
        if record_type == BIFF_EOF:
            return
        position += 4 + length


def _supbook_is_dde(body: bytes) -> bool:
    """True when a SUPBOOK is a DDE or OLE data source (MS-XLS 2.4.271), not a workbook.

    Internal (``cch`` 0x0401) and add-in (0x3A01) references have no path; a linked workbook
    lists its sheets (``ctab`` > 0). A data source has no sheets (``ctab`` 0) and a path
    ``server\\x03topic``; either sign is enough (oletools' ``msodde`` classifies the same way).
    """
    if len(body) < 5:
        return False
    ctab, cch = struct.unpack_from("<HH", body, 0)
    if cch in SUPBOOK_SELF:
        return False
    high_byte = body[4] & 0x01
    raw = body[5 : 5 + cch * (2 if high_byte else 1)]
    path = raw.decode("utf-16-le" if high_byte else "latin-1", errors="replace")
    if path in ("", " ", "\x00"):  # unused, or a same-sheet reference
        return False
    return ctab == 0 or "\x03" in path


def quote_value(instruction: str) -> str:
    """The text a ``QUOTE 68 68 69`` field yields ("DDE"); "" for other fields."""
    match = QUOTE_FIELD.match(instruction)
    if not match:
        return ""
    try:
        return "".join(chr(int(code)) for code in match.group(1).split())
    except (ValueError, OverflowError):
        return ""
