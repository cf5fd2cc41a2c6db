"""Office Open XML (DOCX, XLSX) package checks (SPEC R-DOC-1, R-DOC-4). Pure, no Django.

Threat model: the zip is attacker-controlled.
- Zip bombs: an entry that inflates a thousandfold, many overlapping entries, or sizes in the
  central directory that lie. We read the end-of-central-directory record ourselves and refuse
  too many entries before ``zipfile`` builds its index, refuse declared totals and compression
  ratios beyond limits before inflating anything, and then inflate every entry in 64 KiB chunks,
  counting what really comes out (``zipfile`` stops at the declared size and the CRC then fails).
  Memory stays bounded by the chunk size whatever the file claims.
- Nested archives (a zip inside the package) are refused: they defeat these limits and R-DOC-4
  wants no embedded files.
- Macros and ActiveX: macro-enabled main part types (docm, dotm, xlsm, xltm), any
  ``vbaProject.bin``, ActiveX parts, Excel 4 macro sheets, OLE "Package" objects (embedded
  executables) and external template/OLE/frame relationships (remote template injection) are
  ``active_content``.
- XML attacks: a DTD is not allowed in OPC packages, so any DOCTYPE is refused; this rules out
  entity expansion and external entities. Parsing is streaming (expat), never a tree in memory.
- Ambiguity: duplicate entry names, absolute or ``..`` names and encrypted zip entries are refused,
  so that what we check is what Word or Excel would open.
Encrypted OOXML documents are not zips at all (they are OLE2 files, see ``ole2.py``).
"""

from __future__ import annotations

import logging
import os
import posixpath
import struct
import xml.parsers.expat
import zipfile
from collections.abc import Callable
from typing import Final

from ..issues import ACTIVE_CONTENT, CORRUPT, ENCRYPTED, ValidationResult

logger = logging.getLogger(__name__)

MAX_ENTRIES: Final = 5_000
MAX_CENTRAL_DIRECTORY_BYTES: Final = 4 * 1024 * 1024
MAX_TOTAL_INFLATED: Final = 512 * 1024 * 1024
MAX_RATIO: Final = 200  # inflated / compressed, judged for entries above RATIO_FLOOR
RATIO_FLOOR: Final = 1024 * 1024
MAX_PACKAGE_XML: Final = 1024 * 1024  # [Content_Types].xml and _rels/.rels
CHUNK: Final = 64 * 1024

WORD_MAIN: Final = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
WORD_TEMPLATE: Final = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
)
WORD_MACRO: Final = "application/vnd.ms-word.document.macroEnabled.main+xml"
WORD_MACRO_TEMPLATE: Final = "application/vnd.ms-word.template.macroEnabledTemplate.main+xml"
EXCEL_MAIN: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
EXCEL_TEMPLATE: Final = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml"
)
EXCEL_MACRO: Final = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
EXCEL_MACRO_TEMPLATE: Final = "application/vnd.ms-excel.template.macroEnabled.main+xml"

# main part content type -> (detected format, macro-enabled)
MAIN_TYPES: Final = {
    WORD_MAIN: ("docx", False),
    WORD_TEMPLATE: ("docx", False),
    WORD_MACRO: ("docx", True),
    WORD_MACRO_TEMPLATE: ("docx", True),
    EXCEL_MAIN: ("xlsx", False),
    EXCEL_TEMPLATE: ("xlsx", False),
    EXCEL_MACRO: ("xlsx", True),
    EXCEL_MACRO_TEMPLATE: ("xlsx", True),
}
OFFICE_DOCUMENT_RELS: Final = frozenset(
    {
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
        "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
    }
)
# Lower-cased fragments of content types that mean macros or controls.
ACTIVE_CONTENT_TYPES: Final = ("macroenabled", "vbaproject", "vbadata", "activex", "macrosheet")
# External relationships that fetch active content when the document opens.
ACTIVE_EXTERNAL_RELS: Final = ("/attachedtemplate", "/oleobject", "/frame", "/subdocument")
ARCHIVE_MAGIC: Final = (
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"PK\x07\x08",
    b"\x1f\x8b",  # gzip
    b"BZh",  # bzip2
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"\xfd7zXZ\x00",  # xz
)
# The directory entry name of an OLE "Package" object (an embedded file), in UTF-16LE.
OLE_PACKAGE_MARKER: Final = "\x01Ole10Native".encode("utf-16-le")


class _Corrupt(Exception):
    """The package is unreadable or beyond limits; the message is the detail."""


def check_zip_package(path: str | os.PathLike[str], result: ValidationResult) -> None:
    """Decide docx/xlsx/unknown and fill ``result``. A zip that is no OOXML stays ``unknown``."""
    try:
        _check(path, result)
    except _Corrupt as exc:
        result.error(CORRUPT, str(exc))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        logger.info("zip package refused as corrupt: %s: %s", type(exc).__name__, exc)
        result.error(CORRUPT, f"zip: {type(exc).__name__}")


def _check(path: str | os.PathLike[str], result: ValidationResult) -> None:
    entries, directory_size = _declared_directory(path)
    if entries > MAX_ENTRIES:
        raise _Corrupt(f"the zip declares {entries} entries (limit {MAX_ENTRIES})")
    if directory_size > MAX_CENTRAL_DIRECTORY_BYTES:
        raise _Corrupt(f"the zip central directory is {directory_size} bytes")
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        by_name = _index_entries(infos)
        _check_declared_sizes(infos)
        for info in infos:
            if info.flag_bits & 0x1:
                result.error(ENCRYPTED, f"zip entry {info.filename!r} is encrypted")
                return
        content_types_info = by_name.get("[content_types].xml")
        if content_types_info is None:
            return  # a plain zip: the caller answers format_not_allowed
        defaults, overrides = _content_types(archive, content_types_info)
        main_part = _main_part(archive, by_name.get("_rels/.rels"))
        main_type = overrides.get(main_part) or defaults.get(_extension(main_part), "")
        if main_type not in MAIN_TYPES:
            return  # pptx, vsdx, ...: not allowed (R-DOC-1)
        result.detected_format, macro_enabled = MAIN_TYPES[main_type]
        main_info = by_name.get(main_part.lstrip("/"))
        if main_info is None:
            raise _Corrupt(f"the main part {main_part} is missing")
        if macro_enabled:
            result.error(ACTIVE_CONTENT, f"macro-enabled main part ({main_type})")
        for content_type in (*defaults.values(), *overrides.values()):
            if any(marker in content_type.lower() for marker in ACTIVE_CONTENT_TYPES):
                result.error(ACTIVE_CONTENT, f"content type {content_type}")
        for name in by_name:
            if _is_active_part_name(name):
                result.error(ACTIVE_CONTENT, f"part {name}")
        _inflate_all(archive, infos, main_info, result)


def _declared_directory(path: str | os.PathLike[str]) -> tuple[int, int]:
    """(entry count, central directory size) from the end records, read without zipfile."""
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        tail_start = max(0, size - (22 + 65535))
        handle.seek(tail_start)
        tail = handle.read()
        position = tail.rfind(b"PK\x05\x06")
        if position < 0 or len(tail) - position < 22:
            raise _Corrupt("no end of central directory: the zip is truncated")
        (_sig, _disk, _cd_disk, _here, entries, directory_size, directory_offset, _comment) = (
            struct.unpack("<4s4H2LH", tail[position : position + 22])
        )
        if entries == 0xFFFF or directory_size == 0xFFFFFFFF or directory_offset == 0xFFFFFFFF:
            locator_at = position - 20
            if locator_at < 0 or tail[locator_at : locator_at + 4] != b"PK\x06\x07":
                raise _Corrupt("zip64 locator missing")
            (zip64_offset,) = struct.unpack("<Q", tail[locator_at + 8 : locator_at + 16])
            handle.seek(zip64_offset)
            record = handle.read(56)
            if len(record) < 56 or record[:4] != b"PK\x06\x06":
                raise _Corrupt("zip64 end of central directory missing")
            entries, directory_size = struct.unpack("<QQ", record[32:48])
    return entries, directory_size


def _index_entries(infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
    by_name: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        normalised = posixpath.normpath(name.replace("\\", "/"))
        if name.startswith(("/", "\\")) or normalised.startswith("..") or ":" in name:
            raise _Corrupt(f"unsafe entry name {name!r}")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _Corrupt(f"unsupported compression in {name!r}")
        key = name.lower()
        if key in by_name:
            raise _Corrupt(f"duplicate entry {name!r}")
        by_name[key] = info
    return by_name


def _check_declared_sizes(infos: list[zipfile.ZipInfo]) -> None:
    total = 0
    for info in infos:
        total += info.file_size
        if total > MAX_TOTAL_INFLATED:
            raise _Corrupt(f"the zip declares more than {MAX_TOTAL_INFLATED} inflated bytes")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _Corrupt(
                f"entry {info.filename!r} inflates {info.file_size // max(info.compress_size, 1)}"
                f"-fold (limit {MAX_RATIO})"
            )


def _read_small(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > MAX_PACKAGE_XML:
        raise _Corrupt(f"{info.filename} is {info.file_size} bytes")
    with archive.open(info) as stream:
        data = stream.read(MAX_PACKAGE_XML + 1)
    if len(data) > MAX_PACKAGE_XML:
        raise _Corrupt(f"{info.filename} inflates beyond its declared size")
    return data


def _xml_parser(on_start: Callable[[str, dict[str, str]], None] | None = None):
    """A namespace-aware expat parser that refuses any DTD (OPC forbids them)."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")

    def refuse_doctype(*_args: object) -> None:
        raise _Corrupt("a DTD in an OOXML part")

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    if on_start is not None:

        def start(name: str, attributes: dict[str, str]) -> None:
            on_start(name.rsplit(" ", 1)[-1], attributes)

        parser.StartElementHandler = start
    return parser


def _parse_xml(
    data: bytes, name: str, on_start: Callable[[str, dict[str, str]], None] | None = None
) -> None:
    try:
        _xml_parser(on_start).Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise _Corrupt(f"{name} is not well-formed XML ({exc})") from None


def _content_types(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo
) -> tuple[dict[str, str], dict[str, str]]:
    """(defaults by lower-case extension, overrides by lower-case part name)."""
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}

    def on_start(tag: str, attributes: dict[str, str]) -> None:
        if tag == "Default":
            defaults[attributes.get("Extension", "").lower()] = attributes.get("ContentType", "")
        elif tag == "Override":
            overrides[attributes.get("PartName", "").lower()] = attributes.get("ContentType", "")

    _parse_xml(_read_small(archive, info), info.filename, on_start)
    return defaults, overrides


def _main_part(archive: zipfile.ZipFile, rels_info: zipfile.ZipInfo | None) -> str:
    """The lower-case part name (``/word/document.xml``) of the package's officeDocument."""
    if rels_info is None:
        raise _Corrupt("_rels/.rels is missing")
    targets: list[str] = []

    def on_start(tag: str, attributes: dict[str, str]) -> None:
        if tag == "Relationship" and attributes.get("Type") in OFFICE_DOCUMENT_RELS:
            targets.append(attributes.get("Target", ""))

    _parse_xml(_read_small(archive, rels_info), rels_info.filename, on_start)
    if len(targets) != 1:
        raise _Corrupt(f"the package names {len(targets)} main documents")
    return "/" + posixpath.normpath(targets[0].lstrip("/")).lower()


def _extension(part_name: str) -> str:
    return posixpath.splitext(part_name)[1].lstrip(".")


def _is_active_part_name(name: str) -> bool:
    base = posixpath.basename(name)
    return (
        base == "vbaproject.bin"
        or base == "vbadata.xml"
        or "/activex/" in f"/{name}"
        or "/macrosheets/" in f"/{name}"
    )


def _inflate_all(
    archive: zipfile.ZipFile,
    infos: list[zipfile.ZipInfo],
    main_info: zipfile.ZipInfo,
    result: ValidationResult,
) -> None:
    """Inflate every entry in bounded chunks.

    Checks CRCs, real sizes, nested archives, OLE package objects and XML well-formedness.
    """
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        name = info.filename.lower()
        parser = None
        if info is main_info:
            parser = _xml_parser()
        elif name.endswith(".rels"):
            parser = _xml_parser(_external_rel_checker(info.filename, result))
        scan_package_marker = "/embeddings/" in f"/{name}"
        carry = b""
        produced = 0
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                if produced == 0 and chunk.startswith(ARCHIVE_MAGIC):
                    raise _Corrupt(f"nested archive {info.filename!r}")
                produced += len(chunk)
                total += len(chunk)
                if produced > info.file_size or total > MAX_TOTAL_INFLATED:
                    raise _Corrupt(f"{info.filename!r} inflates beyond limits")
                if parser is not None:
                    _feed(parser, chunk, info.filename)
                if scan_package_marker:
                    window = carry + chunk
                    if OLE_PACKAGE_MARKER in window:
                        result.error(ACTIVE_CONTENT, f"embedded file object in {info.filename}")
                    carry = window[-(len(OLE_PACKAGE_MARKER) - 1) :]
        if produced != info.file_size:
            raise _Corrupt(f"{info.filename!r} is shorter than declared")
        if parser is not None:
            _feed(parser, b"", info.filename, final=True)


def _feed(parser, chunk: bytes, name: str, *, final: bool = False) -> None:
    try:
        parser.Parse(chunk, final)
    except xml.parsers.expat.ExpatError as exc:
        raise _Corrupt(f"{name} is not well-formed XML ({exc})") from None


def _external_rel_checker(
    rels_name: str, result: ValidationResult
) -> Callable[[str, dict[str, str]], None]:
    def on_start(tag: str, attributes: dict[str, str]) -> None:
        if tag != "Relationship" or attributes.get("TargetMode", "").lower() != "external":
            return
        relationship_type = attributes.get("Type", "").lower()
        if relationship_type.endswith(ACTIVE_EXTERNAL_RELS):
            result.error(
                ACTIVE_CONTENT,
                f"external {relationship_type.rsplit('/', 1)[-1]} relationship in {rels_name}",
            )

    return on_start
