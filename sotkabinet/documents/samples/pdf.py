"""Real PDF files built in code, for tests across the project.

The base document is written byte by byte (``raw_pdf``) so that every structure a test needs
(JavaScript in an OpenAction, a page /AA, a link annotation; launch actions; attachment
annotations; multimedia annotations; escaped names) is exactly where the test says. pypdf's
writer then adds what it has public API for, as a real producer would: a document-level
JavaScript name tree (``add_open_action``), an EmbeddedFiles name tree (``add_attachment``) and
encryption (``encrypt``). Text is drawn with the standard Helvetica font (WinAnsi), so characters
outside Latin-1 are written as ``?``; use ``documents.pdf.render_pdf`` for Kazakh text.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections.abc import Sequence

from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.constants import UserAccessPermissions

A4_POINTS = (595, 842)
MULTIMEDIA_SUBTYPES = ("RichMedia", "Screen", "Movie", "Sound", "3D")
USER_PASSWORD = "user"  # test files only  # noqa: S105
OWNER_PASSWORD = "owner"  # noqa: S105
DEFAULT_TEXT = "Sot kabineti: test document"


def stream_object(data: bytes, dictionary: str = "") -> bytes:
    """The body of a PDF stream object holding ``data`` (uncompressed)."""
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), dictionary.encode(), data)


def raw_pdf(objects: Sequence[bytes | str], *, root: int = 1, version: str = "1.7") -> bytes:
    """A PDF with a correct cross-reference table from object bodies (object n is objects[n-1])."""
    out = bytearray(b"%%PDF-%s\n%%\xe2\xe3\xcf\xd3\n" % version.encode())
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        content = body.encode("latin-1") if isinstance(body, str) else body
        out += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        root,
        xref_at,
    )
    return bytes(out)


def _pdf_text(text: str) -> bytes:
    encoded = text.encode("cp1252", errors="replace")
    return re.sub(rb"([()\\])", rb"\\\1", encoded)


def pdf_bytes(
    text: str = DEFAULT_TEXT,
    pages: int = 1,
    *,
    javascript: bool | str = False,
    launch: bool | str = False,
    embedded_file: bool | str = False,
    multimedia: str | None = None,
    encrypted: bool = False,
    size_at_least: int | None = None,
) -> bytes:
    """A valid A4 PDF with ``pages`` pages showing ``text``, optionally with active content.

    - ``javascript``: True or "names" (catalog /Names JavaScript tree, via pypdf),
      "open_action", "page_aa" (page 1 /AA open action), "annotation" (a link with a JS action),
      "obfuscated" (an OpenAction whose names are written ``/J#61vaScript`` and ``/J#53``).
    - ``launch``: True or "open_action", or "annotation" (a link with a /Launch action).
    - ``embedded_file``: True or "names" (/EmbeddedFiles via pypdf), or "annotation"
      (a /FileAttachment annotation with an /EmbeddedFile stream).
    - ``multimedia``: one of RichMedia, Screen, Movie, Sound, 3D (an annotation of that subtype).
    - ``encrypted``: encrypted with AES-256 (user password "user").
    - ``size_at_least``: pad page 1's content stream with a PDF comment up to this many bytes.
    """
    padding = 0
    while True:
        data = _build(text, pages, javascript, launch, embedded_file, multimedia, padding)
        data = _finish_with_pypdf(data, javascript, embedded_file, encrypted)
        if size_at_least is None or len(data) >= size_at_least:
            return data
        padding += size_at_least - len(data) + 64


def _build(
    text: str,
    pages: int,
    javascript: bool | str,
    launch: bool | str,
    embedded_file: bool | str,
    multimedia: str | None,
    padding: int,
) -> bytes:
    objects: list[bytes | str] = [
        b"",
        b"",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    catalog_extra = ""
    page_extra = ""
    annotations: list[int] = []

    def add(body: bytes | str) -> int:
        objects.append(body)
        return len(objects)

    js_action = "<< /Type /Action /S /JavaScript /JS (app.alert\\('R-DOC-4'\\);) >>"
    if javascript == "open_action":
        catalog_extra += f" /OpenAction {add(js_action)} 0 R"
    elif javascript == "obfuscated":
        obfuscated = "<< /Type /Action /S /J#61vaScript /J#53 (app.alert\\(1\\);) >>"
        catalog_extra += f" /OpenAction {add(obfuscated)} 0 R"
    elif javascript == "page_aa":
        page_extra += f" /AA << /O {add(js_action)} 0 R >>"
    elif javascript == "annotation":
        annotations.append(add(_link(f"{add(js_action)} 0 R")))

    launch_action = "<< /Type /Action /S /Launch /F (cmd.exe) /NewWindow true >>"
    if launch in (True, "open_action"):
        catalog_extra += f" /OpenAction {add(launch_action)} 0 R"
    elif launch == "annotation":
        annotations.append(add(_link(f"{add(launch_action)} 0 R")))

    if embedded_file == "annotation":
        payload = b"MZ embedded payload"
        file_stream = add(stream_object(payload, "/Type /EmbeddedFile"))
        annotations.append(
            add(
                "<< /Type /Annot /Subtype /FileAttachment /Rect [72 600 92 620] /Name /PushPin"
                f" /FS << /Type /Filespec /F (payload.exe) /EF << /F {file_stream} 0 R >> >> >>"
            )
        )
    if multimedia is not None:
        if multimedia not in MULTIMEDIA_SUBTYPES:
            raise ValueError(f"multimedia must be one of {MULTIMEDIA_SUBTYPES}")
        annotations.append(add(f"<< /Type /Annot /Subtype /{multimedia} /Rect [72 400 272 600] >>"))

    if annotations:
        page_extra_first = page_extra + " /Annots [" + " ".join(f"{a} 0 R" for a in annotations)
        page_extra_first += "]"
    else:
        page_extra_first = page_extra
    kids = []
    for number in range(pages):
        content = b"BT /F1 14 Tf 72 770 Td (%s) Tj ET\nBT /F1 10 Tf 72 60 Td (%d) Tj ET\n" % (
            _pdf_text(text),
            number + 1,
        )
        if number == 0 and padding:
            content += b"%" + b"0" * padding + b"\n"
        content_object = add(stream_object(content))
        extra = page_extra_first if number == 0 else ""
        kids.append(
            add(
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {A4_POINTS[0]} {A4_POINTS[1]}]"
                f" /Resources << /Font << /F1 3 0 R >> >> /Contents {content_object} 0 R{extra} >>"
            )
        )
    objects[0] = f"<< /Type /Catalog /Pages 2 0 R{catalog_extra} >>"
    objects[1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    )
    return raw_pdf(objects)


def _link(action_reference: str) -> str:
    return (
        "<< /Type /Annot /Subtype /Link /Rect [72 700 300 720] /Border [0 0 0]"
        f" /A {action_reference} >>"
    )


def _finish_with_pypdf(
    data: bytes, javascript: bool | str, embedded_file: bool | str, encrypted: bool
) -> bytes:
    names_js = javascript in (True, "names")
    names_file = embedded_file in (True, "names")
    if not (names_js or names_file or encrypted):
        return data
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    if names_js:
        writer.add_open_action(JavaScript("app.alert('R-DOC-4');"))
    if names_file:
        writer.add_attachment("evidence.exe", b"MZ embedded payload")
    if encrypted:
        writer.encrypt(USER_PASSWORD, OWNER_PASSWORD, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncated_pdf() -> bytes:
    """A three-page PDF cut at two thirds: no cross-reference table, no %%EOF."""
    data = pdf_bytes(pages=3)
    return data[: len(data) * 2 // 3]


def broken_xref_pdf() -> bytes:
    """A PDF that ends in %%EOF but whose startxref points into the middle of an object."""
    data = pdf_bytes()
    head, _sep, _tail = data.rpartition(b"startxref\n")
    return head + b"startxref\n%d\n%%%%EOF\n" % (len(head) // 2)


def scanned_pdf_bytes(dpi: int = 300, *, grey: bool = True) -> bytes:
    """A one-page A4 PDF that is a single full-page JPEG scan at ``dpi`` (SPEC R-DOC-5)."""
    width = round(A4_POINTS[0] / 72 * dpi)
    height = round(A4_POINTS[1] / 72 * dpi)
    image = _page_image((width, height), grey=grey)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=60, dpi=(dpi, dpi))
    colour_space = "/DeviceGray" if grey else "/DeviceRGB"
    content = b"q %d 0 0 %d 0 0 cm /Im1 Do Q\n" % A4_POINTS
    objects: list[bytes | str] = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {A4_POINTS[0]} {A4_POINTS[1]}]"
        " /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>",
        stream_object(
            buffer.getvalue(),
            f"/Type /XObject /Subtype /Image /Width {width} /Height {height}"
            f" /ColorSpace {colour_space} /BitsPerComponent 8 /Filter /DCTDecode",
        ),
        stream_object(content),
    ]
    return raw_pdf(objects)


def _page_image(size: tuple[int, int], *, grey: bool) -> Image.Image:
    """A page-like picture: white paper, dark "text" lines, and a coloured stamp unless grey."""
    width, height = size
    image = Image.new("L" if grey else "RGB", size, "white")
    draw = ImageDraw.Draw(image)
    ink = "black"
    for row in range(height // 12, height - height // 12, max(height // 40, 2)):
        draw.line([(width // 10, row), (width - width // 10, row)], fill=ink, width=1)
    if not grey:
        draw.ellipse(
            [width // 2, height // 2, width // 2 + width // 3, height // 2 + width // 3],
            fill=(30, 60, 200),
        )
    return image


def object_stream_pdf(action: str = "/S /JavaScript /JS (app.alert\\(1\\);)") -> bytes:
    """A PDF 1.5 whose OpenAction dictionary sits inside a compressed object stream.

    Object streams and cross-reference streams hide their objects from byte scanners; the
    validator must find ``action`` (written as is into the compressed dictionary) anyway.
    """
    action_body = f"<< /Type /Action {action} >>".encode("latin-1")
    packed = b"4 0 " + action_body
    first = len(b"4 0 ")
    compressed = zlib.compress(packed)
    content = b"BT /F1 14 Tf 72 770 Td (object stream) Tj ET"
    bodies: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1"
        b" << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> /Contents 5 0 R >>",
        5: stream_object(content),
        6: b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n%s"
        b"\nendstream" % (first, len(compressed), compressed),
    }
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number, body in bodies.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    offsets[7] = len(out)
    rows = [struct.pack(">BIH", 0, 0, 0xFFFF)]
    for number in range(1, 8):
        if number == 4:
            rows.append(struct.pack(">BIH", 2, 6, 0))  # in object stream 6, index 0
        else:
            rows.append(struct.pack(">BIH", 1, offsets[number], 0))
    xref_data = zlib.compress(b"".join(rows))
    out += (
        b"7 0 obj\n<< /Type /XRef /Size 8 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode"
        b" /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (len(xref_data), xref_data)
    )
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[7]
    return bytes(out)


# --- Real-producer defects (issue 10): files every viewer displays, strict parsers refuse ------


def _simple_objects(text: str = DEFAULT_TEXT, extra_page_entries: str = "") -> list[bytes | str]:
    content = b"BT /F1 14 Tf 72 770 Td (%s) Tj ET" % _pdf_text(text)
    return [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1"
        f" 4 0 R >> >> /Contents 5 0 R{extra_page_entries} >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        stream_object(content),
    ]


def incremental_update_pdf(*, prev_in_padding: bool = True, update_action: str = "") -> bytes:
    """A PDF saved once, then updated incrementally as Acrobat does (a new Info dictionary).

    Both saves end in a cross-reference *stream* (PDF 1.5+), padded with blanks as Acrobat pads
    its sections; the update's ``/Prev`` points at the first one. With ``prev_in_padding``
    that offset lands in the padding, 32 bytes before the stream's ``6 0 obj``: viewers and
    qpdf skip the blanks, a strict parser does not.
    ``update_action`` adds an ``/OpenAction`` dictionary body (e.g. ``/S /JavaScript /JS (...)``)
    in the update, to prove the repaired copy is what gets checked.
    """
    out = bytearray(b"%PDF-1.6\r%\xe2\xe3\xcf\xd3\r\n")
    offsets: dict[int, int] = {}
    for number, body in enumerate(_simple_objects("Incremental update"), start=1):
        offsets[number] = len(out)
        content = body.encode("latin-1") if isinstance(body, str) else body
        out += b"%d 0 obj\r%s\rendobj\r" % (number, content)
    out += b" " * 40 + b"\r\n"
    xref_number = 6
    offsets[xref_number] = xref_at = len(out)
    rows = [struct.pack(">BHB", 0, 0, 0xFF)]
    rows += [struct.pack(">BHB", 1, offsets[number], 0) for number in range(1, xref_number + 1)]
    xref_data = b"".join(rows)
    out += (
        b"%d 0 obj\r<< /Type /XRef /Size %d /W [1 2 1] /Root 1 0 R /Length %d >>stream\r\n%s"
        b"\r\nendstream\rendobj\rstartxref\r\n%d\r\n%%%%EOF\r\n"
        % (xref_number, xref_number + 1, len(xref_data), xref_data, xref_at)
    )
    update_offsets = {7: len(out)}
    out += b"7 0 obj\r<< /Producer (Adobe Acrobat Pro 2020) /ModDate (D:20261201120000Z) >>\r"
    out += b"endobj\r"
    if update_action:
        update_offsets[1] = len(out)
        out += b"1 0 obj\r<< /Type /Catalog /Pages 2 0 R /OpenAction << %s >> >>\rendobj\r" % (
            update_action.encode("latin-1")
        )
    update_number = 8
    update_offsets[update_number] = update_xref = len(out)
    index = [0, 1]
    rows = [struct.pack(">BHB", 0, 0, 0xFF)]
    for number in sorted(update_offsets):
        index += [number, 1]
        rows.append(struct.pack(">BHB", 1, update_offsets[number], 0))
    update_data = b"".join(rows)
    prev = xref_at - 32 if prev_in_padding else xref_at  # 32 blanks before "6 0 obj"
    out += (
        b"%d 0 obj\r<< /Type /XRef /Size %d /Index [%s] /W [1 2 1] /Root 1 0 R /Info 7 0 R"
        b" /Prev %d /Length %d >>stream\r\n%s\r\nendstream\rendobj\r"
        % (
            update_number,
            update_number + 1,
            b" ".join(b"%d" % value for value in index),
            prev,
            len(update_data),
            update_data,
        )
    )
    out += b"startxref\r\n%d\r\n%%%%EOF\r\n" % update_xref
    return bytes(out)


def dangling_reference_pdf() -> bytes:
    """A PDF whose page refers to objects that do not exist (``8 0 R``, ``9 0 R``).

    ISO 32000-1 §7.3.10: a reference to a missing object is the null object. Producers leave
    such references behind when they drop unused resources (qpdf's test suite has the case).
    """
    objects = _simple_objects("Dangling references", " /Thumb 8 0 R /PieceInfo 9 0 R")
    return raw_pdf(objects)


def trailing_junk_pdf(junk: bytes | None = None) -> bytes:
    """A valid PDF followed by bytes after ``%%EOF``, as some scanners and mail gateways write.

    The default junk is 4 KiB of a scanner's buffer (binary), well past the 1024-byte window
    in which readers look for ``%%EOF``.
    """
    tail = junk if junk is not None else (bytes(range(256)).replace(b"%", b"-") * 16)
    return raw_pdf(_simple_objects("Scanner output")) + tail


def damaged_pdf_with_orphan_action() -> bytes:
    """A damaged PDF (broken xref) holding a JavaScript action in an object nothing refers to.

    Viewers repair damaged files differently; one might link such an object. The repair path
    scans every object, reachable or not.
    """
    objects = _simple_objects("Orphan action")
    objects.append("<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\);) >>")
    data = raw_pdf(objects)
    head, _sep, _tail = data.rpartition(b"startxref\n")
    return head + b"startxref\n%d\n%%%%EOF\n" % (len(head) // 2)


def many_objects_pdf(count: int = 2000) -> bytes:
    """A one-page PDF whose structure tree has ``count`` elements in one compressed object stream.

    The shape of tagged exports (one structure element per span) that makes a small file
    declare a great many objects; tests lower the budget instead of building a huge file.
    """
    first_element = 7
    numbers = list(range(first_element, first_element + count))
    bodies = [
        b"<< /Type /StructElem /S /Span /P 6 0 R /Pg 3 0 R /K %d >>" % index
        for index in range(count)
    ]
    header = b" ".join(b"%d %d" % pair for pair in _offsets(numbers, bodies))
    packed = header + b"\n" + b"\n".join(bodies)
    compressed = zlib.compress(packed)
    kids = b" ".join(b"%d 0 R" % number for number in numbers)
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R /StructTreeRoot 6 0 R /MarkInfo << /Marked true >> >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R >>",
        5: stream_object(b"BT /F1 12 Tf 72 770 Td (many objects) Tj ET"),
        6: b"<< /Type /StructTreeRoot /K [%s] >>" % kids,
    }
    stream_number = first_element + count
    objects[stream_number] = (
        b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n%s"
        b"\nendstream" % (count, len(header) + 1, len(compressed), compressed)
    )
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number, body in objects.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_number = stream_number + 1
    offsets[xref_number] = len(out)
    rows = [struct.pack(">BII", 0, 0, 0xFFFF)]
    for number in range(1, xref_number + 1):
        if number in offsets:
            rows.append(struct.pack(">BII", 1, offsets[number], 0))
        elif first_element <= number < stream_number:
            rows.append(struct.pack(">BII", 2, stream_number, number - first_element))
        else:
            rows.append(struct.pack(">BII", 0, 0, 0))
    xref_data = zlib.compress(b"".join(rows))
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 4] /Root 1 0 R /Filter /FlateDecode"
        b" /Length %d >>\nstream\n%s\nendstream\nendobj\n"
        % (xref_number, xref_number + 1, len(xref_data), xref_data)
    )
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number]
    return bytes(out)


def _offsets(numbers: list[int], bodies: list[bytes]):
    position = 0
    for number, body in zip(numbers, bodies, strict=True):
        yield number, position
        position += len(body) + 1


def empty_password_pdf(*, allow_print: bool = True, allow_copy: bool = True) -> bytes:
    """A PDF encrypted with an empty open password (it opens without asking) and permissions.

    Producers do this to "protect" a document: anyone may open it, but printing or copying
    text may be forbidden (bits 3 and 5 of /P, ISO 32000-1 Table 22).
    """
    permissions = UserAccessPermissions.all()
    if not allow_print:
        permissions &= ~UserAccessPermissions.PRINT & ~UserAccessPermissions.PRINT_TO_REPRESENTATION
    if not allow_copy:
        permissions &= ~UserAccessPermissions.EXTRACT
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes("Protected"))))
    writer.encrypt("", OWNER_PASSWORD, algorithm="AES-128", permissions_flag=permissions)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
