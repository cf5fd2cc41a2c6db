"""OLE2 compound files: legacy DOC and XLS, and encrypted OOXML (SPEC R-DOC-1, R-DOC-4). Pure.

Threat model: the compound file is attacker-controlled. What matters here:
- Macros: VBA lives in storages named ``Macros`` (Word), ``_VBA_PROJECT_CUR`` (Excel) or ``VBA``;
  ActiveX controls leave ``\\x03OCXDATA`` streams; OLE "Package" objects (``\\x01Ole10Native``)
  carry embedded executables. Excel 4 macro sheets (XLM) are declared in BOUNDSHEET records of
  the workbook globals. All of these are ``active_content``.
- Encryption: Word sets ``fEncrypted`` in the FIB; Excel writes a FILEPASS record into the
  workbook globals; an encrypted DOCX/XLSX is an OLE2 file holding ``EncryptedPackage``.
  All are ``encrypted`` (R-DOC-4: the court must be able to read, copy and print the file).
- Malformed structures (sector loops, bad FAT, truncation) make olefile raise; any parser failure
  is ``corrupt``. olefile reads a stream into memory, which the upload size limit bounds.
"""

from __future__ import annotations

import logging
import os
import struct
from typing import Final

import olefile

from ..issues import ACTIVE_CONTENT, CORRUPT, ENCRYPTED, ValidationResult

logger = logging.getLogger(__name__)

WORD_IDENT: Final = 0xA5EC
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
    for entry in entries:
        lowered = [part.lower() for part in entry]
        vba = next((part for part in lowered if part in VBA_STORAGES), None)
        if vba is not None:
            result.error(ACTIVE_CONTENT, f"VBA storage {'/'.join(entry)}")
        elif lowered[-1] in ACTIVE_STREAMS:
            result.error(ACTIVE_CONTENT, f"{ACTIVE_STREAMS[lowered[-1]]} ({'/'.join(entry)})")


def _check_word(ole: olefile.OleFileIO, result: ValidationResult) -> None:
    with ole.openstream("WordDocument") as stream:
        fib = stream.read(32)  # FibBase
    if len(fib) < 32:
        result.error(CORRUPT, "WordDocument stream shorter than the FIB")
        return
    ident, nfib, _unused, _lid, _pn_next, flags = struct.unpack("<HHHHHH", fib[:12])
    if ident != WORD_IDENT:
        result.error(CORRUPT, f"FIB wIdent is {ident:#06x}")
        return
    if flags & FIB_ENCRYPTED:
        result.error(ENCRYPTED, "FIB fEncrypted is set")
        return
    table = "1Table" if flags & FIB_WHICH_TABLE else "0Table"
    if nfib >= WORD_97_NFIB and not ole.exists(table):
        result.error(CORRUPT, f"the {table} stream is missing")


def _check_excel(ole: olefile.OleFileIO, result: ValidationResult) -> None:
    """Scan the workbook globals substream (BIFF5/8) up to its EOF record."""
    name = "Workbook" if ole.exists("Workbook") else "Book"
    with ole.openstream(name) as stream:
        data = stream.read()
    position = 0
    first = True
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
        if record_type == BIFF_EOF:
            return
        position += 4 + length
