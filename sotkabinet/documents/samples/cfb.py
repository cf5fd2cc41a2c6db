"""OLE2 compound files (legacy DOC and XLS, encrypted OOXML, vbaProject.bin) for tests.

Why a writer here: no maintained Python library writes Word binary documents, and ``olefile``
only reads (it can overwrite streams of an existing file, not create one). ``xlwt`` writes XLS
but is unmaintained since 2018 and cannot write VBA storages or FILEPASS records, which the
tests need most. So this module holds a minimal compound-file writer (MS-CFB, version 3,
512-byte sectors, no mini stream: every stream is padded to the 4096-byte mini-stream cutoff,
which the format allows) and builds structurally faithful files on top of it: a Word FIB with
its table stream, BIFF8 workbook records, VBA storages laid out as Office lays them out.
They satisfy what the validators check (MS-DOC FibBase, MS-XLS records, MS-OVBA storages,
MS-OFFCRYPTO EncryptedPackage); they are not full documents that Word or Excel would render.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping

SECTOR = 512
MINI_STREAM_CUTOFF = 4096
FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
PROJECT_ID = "00000000-0000-0000-0000-000000000000"
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

Tree = Mapping[str, "bytes | Tree"]


def compound_file(tree: Tree) -> bytes:
    """A compound file whose root storage holds ``tree`` (name -> bytes stream | dict storage)."""
    entries: list[dict] = [{"name": "Root Entry", "type": 5, "data": None, "children": tree}]
    _flatten(entries, 0)
    sectors: list[bytes] = []
    fat: list[int] = []

    def allocate(data: bytes) -> int:
        start = len(sectors)
        count = max(1, -(-len(data) // SECTOR))
        for index in range(count):
            sectors.append(data[index * SECTOR : (index + 1) * SECTOR].ljust(SECTOR, b"\0"))
            fat.append(start + index + 1 if index < count - 1 else ENDOFCHAIN)
        return start

    for entry in entries:
        if entry["type"] == 2:
            data = entry["data"]
            if len(data) < MINI_STREAM_CUTOFF:  # no mini stream in this writer
                data = data.ljust(MINI_STREAM_CUTOFF, b"\0")
                entry["data"] = data
            entry["start"] = allocate(data)
        else:
            entry["start"] = ENDOFCHAIN if entry["type"] == 5 else 0
    directory = b"".join(_directory_entry(entry) for entry in entries)
    while len(directory) % SECTOR:
        directory += _empty_directory_entry()
    first_directory_sector = allocate(directory)
    fat_sector_count = 1
    while fat_sector_count * (SECTOR // 4) < len(sectors) + fat_sector_count:
        fat_sector_count += 1
    if fat_sector_count > 109:
        raise ValueError("file too large for this test writer (no DIFAT sectors)")
    fat_sector_ids = list(range(len(sectors), len(sectors) + fat_sector_count))
    fat.extend([FATSECT] * fat_sector_count)
    fat.extend([FREESECT] * (fat_sector_count * (SECTOR // 4) - len(fat)))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    difat = fat_sector_ids + [FREESECT] * (109 - fat_sector_count)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        OLE2_SIGNATURE,
        b"\0" * 16,
        0x003E,  # minor version
        0x0003,  # major version 3: 512-byte sectors
        0xFFFE,  # little-endian
        9,  # sector shift
        6,  # mini sector shift
        b"\0" * 6,
        0,  # directory sectors (always 0 in version 3)
        fat_sector_count,
        first_directory_sector,
        0,  # transaction signature
        MINI_STREAM_CUTOFF,
        ENDOFCHAIN,  # no mini FAT
        0,
        ENDOFCHAIN,  # no DIFAT sectors
        0,
    ) + struct.pack("<109I", *difat)
    return header + b"".join(sectors) + fat_bytes


def _flatten(entries: list[dict], storage_index: int) -> None:
    """Append a storage's children: sorted as MS-CFB orders them, chained by right siblings."""
    children = entries[storage_index]["children"]
    names = sorted(children, key=lambda name: (len(name), name.upper()))
    previous = None
    for name in names:
        value = children[name]
        is_storage = isinstance(value, Mapping)
        entries.append(
            {
                "name": name,
                "type": 1 if is_storage else 2,
                "data": None if is_storage else bytes(value),
                "children": value if is_storage else None,
            }
        )
        index = len(entries) - 1
        if previous is None:
            entries[storage_index]["child"] = index
        else:
            entries[previous]["right"] = index
        previous = index
        if is_storage:
            _flatten(entries, index)


def _directory_entry(entry: dict) -> bytes:
    name = (entry["name"] + "\0").encode("utf-16-le")
    if len(name) > 64:
        raise ValueError(f"name too long: {entry['name']!r}")
    data = entry["data"]
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name.ljust(64, b"\0"),
        len(name),
        entry["type"],
        1,  # black
        NOSTREAM,  # left sibling
        entry.get("right", NOSTREAM),
        entry.get("child", NOSTREAM),
        b"\0" * 16,
        0,
        0,
        0,
        entry["start"],
        len(data) if data is not None else 0,
    )


def _empty_directory_entry() -> bytes:
    return struct.pack(
        "<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"", 0, 0, 0, 0, 0
    )


def _filler(label: str, size: int = 512) -> bytes:
    return (label.encode("utf-8") + b"\0") * (size // (len(label) + 1) + 1)


def vba_storage(module: str = "ThisDocument") -> dict[str, bytes | dict]:
    """A VBA project's storages as MS-OVBA lays them out (``VBA/dir``, ``PROJECT``, ...)."""
    return {
        "VBA": {
            "dir": _filler("compressed dir stream"),
            "_VBA_PROJECT": b"\xcc\x61\xff\xff\x00\x00\x00",
            module: b'Attribute VB_Name = "' + module.encode() + b'"\r\nSub AutoOpen()\r\nEnd Sub',
        },
        "PROJECT": (
            f'ID="{{{PROJECT_ID}}}"\r\nDocument={module}/&H00000000\r\nName="VBAProject"'
        ).encode(),
        "PROJECTwm": module.encode() + b"\0" + module.encode("utf-16-le") + b"\0\0\0\0",
    }


def vba_project_bin() -> bytes:
    """An OOXML ``vbaProject.bin``: a compound file with the VBA project at its root."""
    return compound_file(vba_storage())


def doc_with_embedded_workbook(*, dde: bool = False) -> bytes:
    """A Word 97–2003 document with an Excel chart object in its ObjectPool, as Word stores it
    (``ObjectPool/_1234567890/Workbook`` beside ``\\x01CompObj``); ``dde`` puts a DDE link in
    the embedded workbook."""
    return doc_bytes(embedded_workbook=xls_tree(dde=dde))


def doc_bytes(
    vba: bool = False,
    *,
    encrypted: bool = False,
    text: str = "Талап қою арызы",
    activex: bool = False,
    embedded_workbook: Tree | None = None,
) -> bytes:
    """A Word 97–2003 document: FIB (MS-DOC FibBase) in ``WordDocument``, a ``1Table`` stream.

    ``vba`` adds the ``Macros`` storage Word writes for macros, ``encrypted`` sets fEncrypted,
    ``activex`` adds an ActiveX control in the ObjectPool, ``embedded_workbook`` (an
    ``xls_tree()``) an embedded Excel object there.
    """
    flags = 0x0200 | 0x1000  # fWhichTblStm (1Table), fExtChar
    if encrypted:
        flags |= 0x0100
    fib = struct.pack("<HHHHHH", 0xA5EC, 0x00C1, 0, 0x043F, 0, flags).ljust(32, b"\0")
    word_document = fib.ljust(0x800, b"\0") + text.encode("utf-16-le")
    tree: dict[str, bytes | dict] = {
        "WordDocument": word_document,
        "1Table": _filler("table stream"),
        "\x05SummaryInformation": _filler("summary"),
    }
    if vba:
        tree["Macros"] = vba_storage()
    pool: dict[str, bytes | dict] = {}
    if activex:
        pool["_1234567890"] = {"\x03OCXDATA": _filler("ocx"), "contents": b"x"}
    if embedded_workbook is not None:
        pool["_1234567891"] = {**embedded_workbook, "\x01CompObj": _filler("Excel.Sheet.8")}
    if pool:
        tree["ObjectPool"] = pool
    return compound_file(tree)


def _biff(record_type: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", record_type, len(body)) + body


def xls_bytes(
    vba: bool = False,
    *,
    encrypted: bool = False,
    macro_sheet: bool = False,
    dde: bool = False,
    linked_workbook: bool = False,
) -> bytes:
    """An Excel 97–2003 workbook file; the options are ``xls_tree``'s."""
    return compound_file(
        xls_tree(
            vba,
            encrypted=encrypted,
            macro_sheet=macro_sheet,
            dde=dde,
            linked_workbook=linked_workbook,
        )
    )


def xls_tree(
    vba: bool = False,
    *,
    encrypted: bool = False,
    macro_sheet: bool = False,
    dde: bool = False,
    linked_workbook: bool = False,
) -> dict[str, bytes | dict]:
    """An Excel 97–2003 workbook: BIFF8 globals (BOF, BOUNDSHEET, EOF) and one worksheet.

    ``vba`` adds ``_VBA_PROJECT_CUR``, ``encrypted`` a FILEPASS record (RC4), ``macro_sheet`` an
    Excel 4.0 macro sheet (XLM macros, a classic malware carrier). ``dde`` adds the records Excel
    writes for ``=cmd|'/c calc.exe'!A1``: a SUPBOOK ``cmd\\x03/c calc.exe`` (server, topic) and
    an EXTERNNAME for the item. ``linked_workbook`` adds an ordinary link to another workbook
    (SUPBOOK with a file path, EXTERNNAME of a defined name there), which is no DDE.
    """
    bof_globals = _biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06))
    bof_sheet = _biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 0x06))
    globals_records = [bof_globals]
    if encrypted:
        globals_records.append(_biff(0x002F, struct.pack("<HHH", 1, 1, 1) + b"\x11" * 48))
    globals_records.append(_biff(0x0042, struct.pack("<H", 1200)))  # CODEPAGE: UTF-16
    sheet_name = "Sheet1".encode("ascii")
    sheets = [(sheet_name, 0x00)]
    if macro_sheet:
        sheets.append((b"Macro1", 0x01))
    sheet_records = b"".join(
        [bof_sheet, _biff(0x0200, struct.pack("<IIHHH", 0, 1, 0, 1, 0)), _biff(0x000A)]
    )
    links = b""
    if dde:
        links += _supbook("cmd\x03/c calc.exe") + _externname(0x0002, "_xlbgnm.A1")
    if linked_workbook:
        links += _supbook("\x01C:\\Reports\\2025.xls", sheets=["Sheet1"])
        links += _externname(0x0000, "Total")
    globals_size = (
        sum(len(record) for record in globals_records)
        + sum(4 + 8 + len(name) for name, _type in sheets)
        + len(links)
        + 4  # EOF
    )
    for index, (name, sheet_type) in enumerate(sheets):
        offset = globals_size + index * len(sheet_records)  # lbPlyPos: the sheet's BOF
        globals_records.append(
            _biff(0x0085, struct.pack("<IBBBB", offset, 0, sheet_type, len(name), 0) + name)
        )
    globals_records.append(links)
    globals_records.append(_biff(0x000A))
    workbook = b"".join(globals_records) + sheet_records * len(sheets)
    tree: dict[str, bytes | dict] = {
        "Workbook": workbook,
        "\x05SummaryInformation": _filler("summary"),
    }
    if vba:
        tree["_VBA_PROJECT_CUR"] = vba_storage("ThisWorkbook")
    return tree


def _supbook(path: str, sheets: list[str] | None = None) -> bytes:
    """A SUPBOOK: the path as an 8-bit XLUnicodeStringNoCch, then the linked sheets' names.

    A DDE or OLE source has no sheets (ctab 0); a linked workbook lists them.
    """
    encoded = path.encode("latin-1")
    names = sheets or []
    body = struct.pack("<HHB", len(names), len(encoded), 0) + encoded
    for name in names:
        raw = name.encode("latin-1")
        body += struct.pack("<HB", len(raw), 0) + raw
    return _biff(0x01AE, body)


def _externname(flags: int, name: str) -> bytes:
    """An EXTERNNAME (MS-XLS 2.4.105): flags, reserved, ShortXLUnicodeString name, no formula."""
    encoded = name.encode("latin-1")
    return _biff(0x0023, struct.pack("<HIBB", flags, 0, len(encoded), 0) + encoded)


def _word97_fib(flags: int, ccp_text: int, fc_clx: int, lcb_clx: int) -> bytes:
    """A Word 97 FIB (MS-DOC 2.5.1): FibBase, 14 FibRgW, 22 FibRgLw, 93 FibRgFcLcb97 pairs."""
    base = struct.pack("<HHHHHHH", 0xA5EC, 0x00C1, 0, 0x043F, 0, flags, 0x00BF).ljust(32, b"\0")
    rg_w = struct.pack("<H", 14) + b"\0" * 28
    rg_lw = [0] * 22
    rg_lw[3] = ccp_text
    rg_lw_bytes = struct.pack("<H", 22) + struct.pack("<22I", *rg_lw)
    pairs = [0] * (93 * 2)
    pairs[66], pairs[67] = fc_clx, lcb_clx  # fcClx / lcbClx: pair 33 (offset 0x1A2)
    rg_fc_lcb = struct.pack("<H", 93) + struct.pack(f"<{len(pairs)}I", *pairs)
    fib = base + rg_w + rg_lw_bytes + rg_fc_lcb + struct.pack("<H", 0)
    return fib


def word97_doc_bytes(pieces: list[str], *, stored_order: list[int] | None = None) -> bytes:
    """A Word 97–2003 document whose text is ``pieces`` joined, through a real piece table.

    Each piece is stored as UTF-16LE in the WordDocument stream, in ``stored_order`` (a
    fast-saved document keeps pieces out of order: the piece table puts them back). Fields are
    written as Word writes them: ``\\x13`` instruction ``\\x14`` result ``\\x15``.
    """
    order = stored_order if stored_order is not None else list(range(len(pieces)))
    text_start = 0x800
    offsets: dict[int, int] = {}
    stored = b""
    for index in order:
        offsets[index] = text_start + len(stored)
        stored += pieces[index].encode("utf-16-le")
    cps = [0]
    for piece in pieces:
        cps.append(cps[-1] + len(piece))
    plc = struct.pack(f"<{len(cps)}I", *cps) + b"".join(
        struct.pack("<HIH", 0, offsets[index], 0) for index in range(len(pieces))
    )
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    fc_clx = 0x200
    table = _filler("table stream")[:fc_clx].ljust(fc_clx, b"\0") + clx
    fib = _word97_fib(0x0200 | 0x1000, cps[-1], fc_clx, len(clx))
    word_document = fib.ljust(text_start, b"\0") + stored
    return compound_file(
        {
            "WordDocument": word_document,
            "1Table": table,
            "\x05SummaryInformation": _filler("summary"),
        }
    )


DOC_DDE_FIELD = '\x13 DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc.exe" \x14\x15'


def doc_dde_bytes(*, fast_saved: bool = False, quoted: bool = False) -> bytes:
    """A Word 97–2003 document with a DDEAUTO field that starts ``cmd.exe`` in its text.

    ``fast_saved``: the field is cut in two pieces stored in reverse order, so it appears whole
    only when the text is rebuilt from the piece table. ``quoted``: the word DDEAUTO is spelt
    by a nested ``QUOTE 68 68 69 65 85 84 79`` field (its cached result is "DDEAUTO").
    """
    if quoted:
        codes = " ".join(str(ord(char)) for char in "DDEAUTO")
        field = f"\x13\x13 QUOTE {codes} \x14DDEAUTO\x15 c:\\windows\\cmd.exe \x14\x15"
        return word97_doc_bytes(["Талап қою арызы\r", field, "\r"])
    if not fast_saved:
        return word97_doc_bytes(["Талап қою арызы\r", DOC_DDE_FIELD, "\r"])
    cut = DOC_DDE_FIELD.index("EAUTO")
    first = "Талап қою арызы\r" + DOC_DDE_FIELD[:cut]
    return word97_doc_bytes([first, DOC_DDE_FIELD[cut:] + "\r"], stored_order=[1, 0])


def doc_with_fields_bytes() -> bytes:
    """A Word 97–2003 document with the ordinary PAGE and DATE fields (accepted)."""
    return word97_doc_bytes(
        [
            "Талап қою арызы\r",
            "\x13 PAGE \x141\x15\r",
            '\x13 DATE \\@ "dd.MM.yyyy" \x1401.12.2026\x15\r',
        ]
    )


def word6_doc_bytes(*, version: str = "95", template: bool = False, dde: bool = False) -> bytes:
    """A Word 6.0 or Word 95 document: FIB wIdent 0xA5DC, nFib 101 (6.0) or 104 (95).

    Word 6/95 keep their tables and 8-bit text inside the WordDocument stream (no 0Table/1Table);
    ``fcMin``/``fcMac`` (FIB 0x18/0x1C) delimit the text. ``template`` sets fDot (a .dot: the
    only Word 6/95 files that carry WordBasic macros), ``dde`` puts a DDEAUTO field in the text.
    """
    nfib = {"6.0": 0x0065, "95": 0x0068}[version]
    flags = 0x0001 if template else 0
    text = "Исковое заявление\r"
    if dde:
        text += '\x13 DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc.exe" \x14\x15\r'
    encoded = text.encode("cp1251")
    fc_min = 0x300
    fib = struct.pack("<HHHHHH", 0xA5DC, nfib, 0, 0x0419, 0, flags).ljust(0x18, b"\0")
    fib += struct.pack("<II", fc_min, fc_min + len(encoded))
    return compound_file(
        {
            "WordDocument": fib.ljust(fc_min, b"\0") + encoded,
            "\x01CompObj": _filler("Microsoft Word 6.0 Document"),
            "\x05SummaryInformation": _filler("summary"),
        }
    )


def encrypted_ooxml_bytes() -> bytes:
    """A password-protected DOCX/XLSX as Office saves it (MS-OFFCRYPTO agile encryption)."""
    descriptor = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        b'<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption">'
        b'<keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64"'
        b' cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512"/>'
        b"</encryption>"
    )
    return compound_file(
        {
            "EncryptionInfo": struct.pack("<HHI", 4, 4, 0x40) + descriptor,
            "EncryptedPackage": struct.pack("<Q", 8000) + bytes(range(256)) * 32,
            "\x06DataSpaces": {
                "Version": _filler("Microsoft.Container.DataSpaces"),
                "DataSpaceMap": _filler("EncryptedPackage"),
            },
        }
    )


def ole_package_object() -> bytes:
    """An embedded OLE "Package" object (``\\x01Ole10Native``) wrapping an executable."""
    native = struct.pack("<I", 64) + b"\x02\x00payload.exe\0C:\\payload.exe\0" + b"MZ" * 16
    return compound_file({"\x01Ole10Native": native, "\x01CompObj": _filler("Package")})
