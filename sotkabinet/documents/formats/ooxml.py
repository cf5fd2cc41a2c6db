"""Office Open XML (DOCX, XLSX) package checks (SPEC R-DOC-1, R-DOC-4). Pure, no Django.

Threat model: the zip is attacker-controlled.
- Zip bombs: an entry that inflates a thousandfold, many overlapping entries, or sizes in the
  central directory that lie. We read the end-of-central-directory record ourselves and refuse
  too many entries before ``zipfile`` builds its index, refuse declared totals and compression
  ratios beyond limits before inflating anything, and then inflate every entry in 64 KiB chunks,
  counting what really comes out (``zipfile`` stops at the declared size and the CRC then fails).
  Memory stays bounded by the chunk size whatever the file claims.
- Nested archives (a zip inside the package) are refused: they defeat these limits and R-DOC-4
  wants no embedded files. The one exception is an embedded Word or Excel document under
  ``*/embeddings/``: every chart stores its data as an embedded workbook there. Such a part is
  spooled to a temporary file while it inflates (disk, not memory) and checked with these same
  rules, recursively, at most ``MAX_EMBED_DEPTH`` levels deep; what it holds counts for the
  outer document. Embedded DOC/XLS compound files get the ``ole2.py`` rules.
- Macros and ActiveX: any ``vbaProject.bin`` or vbaProject relationship, ActiveX parts, Excel 4
  macro sheets, OLE "Package" objects (embedded executables) and external OLE/frame/subdocument
  relationships are ``active_content``. A macro-enabled main part type (docm, xlsm...) that holds
  none of these is accepted: what can run is decided by content, never by the type's name.
- Remote templates: an ``attachedTemplate`` relationship to http(s), ftp or a UNC share
  (``\\\\host\\share``, ``file://host/...``) is the known template-injection attack and is
  ``active_content``; a local path (``file:///C:/...``, ``Normal.dotm``) fetches nothing and is
  accepted.
- DDE: a field whose instruction is ``DDE`` or ``DDEAUTO`` (``w:instrText`` runs between
  ``w:fldChar`` begin/separate, or ``w:fldSimple/@w:instr``, in any part: body, headers, footers,
  footnotes, comments, glossary) starts a program when the document opens, and so does a
  spreadsheet ``ddeLink`` (``xl/externalLinks``; its ``oleLink`` sibling starts an OLE server
  the same way): all are ``active_content``. Nested fields are
  followed (a nested field's cached result, or a ``QUOTE`` field's character codes, count as part
  of the outer instruction), which defeats the usual ``{ {QUOTE 68 68 69} ...}`` obfuscation.
  We do not use oletools' ``msodde`` for this: it builds element trees of whole parts in memory
  (no zip-bomb bounds), reports by logging/printing rather than returning a verdict, and pulls in
  a dozen unrelated dependencies; the rule itself is a few lines on the streaming parse we do
  anyway.
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
import re
import struct
import tempfile
import xml.parsers.expat
import zipfile
from collections.abc import Callable
from typing import Final

from ..issues import ACTIVE_CONTENT, CORRUPT, ENCRYPTED, ValidationResult
from .ole2 import OLE2_MAGIC, check_ole2, quote_value

logger = logging.getLogger(__name__)

MAX_ENTRIES: Final = 5_000
MAX_CENTRAL_DIRECTORY_BYTES: Final = 4 * 1024 * 1024
MAX_TOTAL_INFLATED: Final = 512 * 1024 * 1024
MAX_RATIO: Final = 200  # inflated / compressed, judged for entries above RATIO_FLOOR
RATIO_FLOOR: Final = 1024 * 1024
MAX_PACKAGE_XML: Final = 1024 * 1024  # [Content_Types].xml and _rels/.rels
CHUNK: Final = 64 * 1024
#: How deep embedded Office documents are followed (a chart's workbook is depth 1).
MAX_EMBED_DEPTH: Final = 2
ZIP_LOCAL_MAGIC: Final = b"PK\x03\x04"

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
# Lower-cased fragments of content types that mean macros or controls. "macroEnabled" main part
# types are not among them: such a type permits macros, the parts themselves carry them.
ACTIVE_CONTENT_TYPES: Final = ("vbaproject", "vbadata", "activex", "macrosheet")
# External relationships that fetch active content when the document opens.
ACTIVE_EXTERNAL_RELS: Final = ("/oleobject", "/frame", "/subdocument")
# An attached template is active only when it is fetched from elsewhere (see _is_remote_target).
TEMPLATE_REL_SUFFIX: Final = "/attachedtemplate"
# Any relationship (internal or external) of these types carries macros.
MACRO_RELS: Final = ("/vbaproject",)
# Field instructions that run a program (DDE): "DDE", "DDEAUTO", in any case, after blanks/quotes.
DDE_FIELD: Final = re.compile(r'^[\s"]*dde(auto)?\b', re.IGNORECASE)
MAX_FIELD_TEXT: Final = 4096  # an instruction is short; longer text is not kept
# Element names that may carry DDE; XML cannot escape element names, so a byte search finds
# them (UTF-8, and UTF-16 in both byte orders, which OPC parts may use).
FIELD_NEEDLES: Final = tuple(
    name.encode(encoding)
    for name in ("instrText", "fldSimple", "ddeLink", "oleLink")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
MAX_FIELD_SCAN_BYTES: Final = 64 * 1024 * 1024  # a part read twice for fields
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


def check_zip_package(
    path: str | os.PathLike[str], result: ValidationResult, *, depth: int = 0
) -> None:
    """Decide docx/xlsx/unknown and fill ``result``. A zip that is no OOXML stays ``unknown``.

    ``depth`` is how deep inside other documents this package is embedded (0: the upload).
    """
    try:
        _check(path, result, depth)
    except _Corrupt as exc:
        result.error(CORRUPT, str(exc))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        logger.info("zip package refused as corrupt: %s: %s", type(exc).__name__, exc)
        result.error(CORRUPT, f"zip: {type(exc).__name__}")


def _check(path: str | os.PathLike[str], result: ValidationResult, depth: int) -> None:
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
        # A macro-enabled type alone is no ground to refuse: the checks below find any macro.
        result.detected_format, _macro_enabled = MAIN_TYPES[main_type]
        main_info = by_name.get(main_part.lstrip("/"))
        if main_info is None:
            raise _Corrupt(f"the main part {main_part} is missing")
        for content_type in (*defaults.values(), *overrides.values()):
            if any(marker in content_type.lower() for marker in ACTIVE_CONTENT_TYPES):
                result.error(ACTIVE_CONTENT, f"content type {content_type}")
        for name in by_name:
            if _is_active_part_name(name):
                result.error(ACTIVE_CONTENT, f"part {name}")
        _inflate_all(archive, infos, main_info, result, depth)


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
    depth: int,
) -> None:
    """Inflate every entry in bounded chunks.

    Checks CRCs, real sizes, nested archives, OLE package objects, the main part's and the
    relationships' XML, and embedded Word/Excel documents (recursively). XML parts that
    mention a field or a link (a byte search, in UTF-8 and UTF-16) are then read once more
    with the field scanner: Python callbacks per element cost far more than inflating, so
    only the parts that may hold DDE pay for them.
    """
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        name = info.filename.lower()
        parser = None
        if name.endswith(".rels"):
            parser = _xml_parser(_external_rel_checker(info.filename, result))
        elif info is main_info:
            parser = _xml_parser()
        fields = _NeedleSearch(FIELD_NEEDLES) if name.endswith(".xml") else None
        embedded = "/embeddings/" in f"/{name}"
        spool = None
        carry = b""
        produced = 0
        try:
            with archive.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    if produced == 0:
                        spool = _start_spool(info, chunk, embedded, depth)
                    produced += len(chunk)
                    total += len(chunk)
                    if produced > info.file_size or total > MAX_TOTAL_INFLATED:
                        raise _Corrupt(f"{info.filename!r} inflates beyond limits")
                    if parser is not None:
                        _feed(parser, chunk, info.filename)
                    if fields is not None:
                        fields.feed(chunk)
                    if spool is not None:
                        spool.write(chunk)
                    if embedded:
                        window = carry + chunk
                        if OLE_PACKAGE_MARKER in window:
                            result.error(ACTIVE_CONTENT, f"embedded file object in {info.filename}")
                        carry = window[-(len(OLE_PACKAGE_MARKER) - 1) :]
            if produced != info.file_size:
                raise _Corrupt(f"{info.filename!r} is shorter than declared")
            if parser is not None:
                _feed(parser, b"", info.filename, final=True)
            if fields is not None and fields.found:
                _scan_fields(archive, info, result)
            if spool is not None:
                spool.flush()
                _check_embedded(spool.name, info.filename, result, depth)
        finally:
            if spool is not None:
                spool.close()


class _NeedleSearch:
    """Whether any of ``needles`` occurs in a stream fed chunk by chunk (bounded memory)."""

    def __init__(self, needles: tuple[bytes, ...]) -> None:
        self.needles = needles
        self.keep = max(len(needle) for needle in needles) - 1
        self.carry = b""
        self.found = False

    def feed(self, chunk: bytes) -> None:
        if self.found:
            return
        window = self.carry + chunk
        self.found = any(needle in window for needle in self.needles)
        self.carry = window[-self.keep :]


def _scan_fields(archive: zipfile.ZipFile, info: zipfile.ZipInfo, result: ValidationResult) -> None:
    """Second reading of one XML part with the DDE field scanner (the part is within limits)."""
    if info.file_size > MAX_FIELD_SCAN_BYTES:
        raise _Corrupt(
            f"too complex to check: fields in {info.filename!r}, a part over "
            f"{MAX_FIELD_SCAN_BYTES} bytes"
        )
    parser = _FieldScanner(info.filename, result).parser()
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            _feed(parser, chunk, info.filename)
    _feed(parser, b"", info.filename, final=True)


def _start_spool(info: zipfile.ZipInfo, first: bytes, embedded: bool, depth: int):
    """A temporary file for an embedded Office document, None for other parts.

    Archives are refused (``nested archive``) except an OOXML package or a compound file
    under ``*/embeddings/``, which is checked with the same rules once inflated.
    """
    office = embedded and first.startswith((ZIP_LOCAL_MAGIC, OLE2_MAGIC))
    if not office:
        if first.startswith(ARCHIVE_MAGIC):
            raise _Corrupt(f"nested archive {info.filename!r}")
        return None
    if depth >= MAX_EMBED_DEPTH:
        raise _Corrupt(f"embedded documents nested more than {MAX_EMBED_DEPTH} levels deep")
    return tempfile.NamedTemporaryFile(prefix="sotkabinet-embedded-")


def _check_embedded(path: str, part_name: str, result: ValidationResult, depth: int) -> None:
    """Check an embedded document with the outer rules; its findings are the outer file's."""
    with open(path, "rb") as handle:
        magic = handle.read(8)
    inner = ValidationResult()
    if magic.startswith(ZIP_LOCAL_MAGIC):
        check_zip_package(path, inner, depth=depth + 1)
        if inner.detected_format == "unknown" and not inner.errors:
            raise _Corrupt(f"nested archive {part_name!r}")  # a zip that is no Word/Excel
    else:
        check_ole2(path, inner)
        if inner.detected_format == "unknown":
            # An OLE object that is no Word/Excel document (an equation, a drawing): Word shows
            # its cached picture whatever its state, so only what it carries counts.
            inner.errors = [issue for issue in inner.errors if issue.code != CORRUPT]
    for issue in inner.errors:
        result.error(issue.code, f"embedded {part_name}: {issue.detail}")


class _FieldScanner:
    """Finds DDE in one XML part: ``w:instrText`` fields, ``w:fldSimple`` and ``ddeLink``.

    Streaming: keeps only the instruction texts of the fields currently open (bounded).
    """

    def __init__(self, part_name: str, result: ValidationResult) -> None:
        self.part_name = part_name
        self.result = result
        # Open fields, innermost last: [instruction, cached result, collecting instruction?]
        self.fields: list[list] = []
        self.in_instr = False
        self.in_text = False
        self.loose = ""  # instrText outside any fldChar markers

    def parser(self):
        parser = _xml_parser(self.start)
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.chars
        return parser

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == "ddeLink":
            self._found(f"ddeLink to {attributes.get('ddeService', '?')!r}")
        elif tag == "oleLink":  # an external link that starts an OLE server to update
            self._found(f"oleLink to {attributes.get('progId', '?')!r}")
        elif tag == "fldSimple":
            self._check(_attribute(attributes, "instr"))
        elif tag == "fldChar":
            kind = _attribute(attributes, "fldCharType")
            if kind == "begin":
                self.fields.append(["", "", True])
            elif kind == "separate" and self.fields:
                self.fields[-1][2] = False
                self._check(self.fields[-1][0])
            elif kind == "end" and self.fields:
                instruction, cached, collecting = self.fields.pop()
                if collecting:
                    self._check(instruction)
                value = cached or quote_value(instruction)
                if self.fields and self.fields[-1][2]:
                    self._append(value)
        elif tag == "instrText":
            self.in_instr = True
        elif tag == "t":
            self.in_text = True

    def end(self, name: str) -> None:
        tag = name.rsplit(" ", 1)[-1]
        if tag == "instrText":
            self.in_instr = False
            if not self.fields:  # an instruction outside fldChar markers: judge it alone
                self._check(self.loose)
                self.loose = ""
        elif tag == "t":
            self.in_text = False

    def chars(self, data: str) -> None:
        if self.in_instr:
            if self.fields and self.fields[-1][2]:
                self._append(data)
            elif not self.fields:
                self.loose = (self.loose + data)[:MAX_FIELD_TEXT]
        elif self.in_text and self.fields and not self.fields[-1][2]:
            field = self.fields[-1]
            field[1] = (field[1] + data)[:MAX_FIELD_TEXT]

    def _append(self, data: str) -> None:
        field = self.fields[-1]
        field[0] = (field[0] + data)[:MAX_FIELD_TEXT]

    def _check(self, instruction: str) -> None:
        if DDE_FIELD.match(instruction):
            self._found(f"DDE field {instruction.strip()[:60]!r}")

    def _found(self, what: str) -> None:
        self.result.error(ACTIVE_CONTENT, f"{what} in {self.part_name}")


def _attribute(attributes: dict[str, str], local: str) -> str:
    """An attribute by local name, whatever its namespace (w: transitional or strict)."""
    for key, value in attributes.items():
        if key.rsplit(" ", 1)[-1] == local:
            return value
    return ""


def _feed(parser, chunk: bytes, name: str, *, final: bool = False) -> None:
    try:
        parser.Parse(chunk, final)
    except xml.parsers.expat.ExpatError as exc:
        raise _Corrupt(f"{name} is not well-formed XML ({exc})") from None


def _external_rel_checker(
    rels_name: str, result: ValidationResult
) -> Callable[[str, dict[str, str]], None]:
    def on_start(tag: str, attributes: dict[str, str]) -> None:
        if tag != "Relationship":
            return
        if attributes.get("Type", "").lower().endswith(MACRO_RELS):
            result.error(ACTIVE_CONTENT, f"vbaProject relationship in {rels_name}")
        if attributes.get("TargetMode", "").lower() != "external":
            return
        relationship_type = attributes.get("Type", "").lower()
        if relationship_type.endswith(TEMPLATE_REL_SUFFIX):
            target = attributes.get("Target", "")
            if _is_remote_target(target):
                result.error(ACTIVE_CONTENT, f"remote attached template in {rels_name}")
            return
        if relationship_type.endswith(ACTIVE_EXTERNAL_RELS):
            result.error(
                ACTIVE_CONTENT,
                f"external {relationship_type.rsplit('/', 1)[-1]} relationship in {rels_name}",
            )

    return on_start


def _is_remote_target(target: str) -> bool:
    """True for a target fetched over the network: a URL other than a local file, a UNC path.

    ``file:///C:/x.dotm``, ``file://localhost/C:/x``, ``C:\\x.dot`` and ``Normal.dotm`` are local;
    ``https://...``, ``\\\\host\\share\\x.dotm``, ``//host/x`` and ``file://host/x`` are remote.
    """
    value = target.strip().replace("\\", "/")
    lowered = value.lower()
    if lowered.startswith("//"):
        return True  # UNC share (SMB or WebDAV)
    scheme = re.match(r"^([a-z][a-z0-9+.-]*):", lowered)
    if scheme is None or len(scheme.group(1)) == 1:
        return False  # a relative path or a drive letter
    if scheme.group(1) != "file":
        return True
    rest = lowered[len("file:") :]
    if rest.startswith("///"):
        return rest.startswith("////")  # file:////host/share is UNC
    if rest.startswith("//"):
        host = rest[2:].split("/", 1)[0]
        return host not in ("", "localhost")
    return False
