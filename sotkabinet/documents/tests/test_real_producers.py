"""Documents as real producers write them: DDE, charts, templates, old formats (issue 10).

Every file is built by ``sotkabinet.documents.samples`` the way Word, Excel or LibreOffice write
it; each test names the rule (SPEC R-DOC-1, R-DOC-4; README "Documents we accept"). Pure: no
database, no settings.
"""

from __future__ import annotations

import hashlib
import io
import signal
import zipfile
from pathlib import Path

import olefile
import pytest
from pypdf import PdfReader

from sotkabinet.documents import samples
from sotkabinet.documents.formats import ole2, ooxml
from sotkabinet.documents.formats import pdf as pdf_format
from sotkabinet.documents.issues import MESSAGES, REASON_MESSAGES, message_for
from sotkabinet.documents.validation import DEFAULT_ALLOWED_FORMATS, PdfBudget, validate_file


def check(tmp_path, data: bytes, name: str = "upload.bin"):
    path = samples.write_sample(tmp_path, name, data)
    return validate_file(path, allowed_formats=DEFAULT_ALLOWED_FORMATS, max_size=20 * 2**20)


# --- The whole real-producer set, each with its verdict (README "Documents we accept") ----------


REAL_PRODUCER_SET = samples.real_producer_set()


@pytest.mark.parametrize(
    ("name", "data", "expected_format", "expected_codes"),
    REAL_PRODUCER_SET,
    ids=[entry[0] for entry in REAL_PRODUCER_SET],
)
def test_real_producer_set_verdicts(tmp_path, name, data, expected_format, expected_codes):
    result = check(tmp_path, data, name)
    assert result.detected_format == expected_format
    assert result.error_codes == expected_codes, result.errors


# --- DDE is active content in all four formats (SPEC R-DOC-4, issue 10) -------------------------


@pytest.mark.parametrize("place", samples.DDE_PLACES)
def test_docx_dde_field_is_active_content(tmp_path, place):  # SPEC R-DOC-4
    result = check(tmp_path, samples.docx_dde_bytes(place), "claim.docx")
    assert result.detected_format == "docx"
    assert result.error_codes == ["active_content"]
    assert "DDE field" in result.errors[0].detail


@pytest.mark.parametrize("link", ["dde", "ole"])
def test_xlsx_dde_and_ole_links_are_active_content(tmp_path, link):  # SPEC R-DOC-4
    result = check(tmp_path, samples.xlsx_dde_bytes(ole=link == "ole"), "table.xlsx")
    assert result.detected_format == "xlsx"
    assert result.error_codes == ["active_content"]
    assert f"{link}Link" in result.errors[0].detail


@pytest.mark.parametrize("fast_saved", [False, True], ids=["contiguous", "fast-saved-pieces"])
def test_doc_dde_field_is_active_content(tmp_path, fast_saved):  # SPEC R-DOC-4
    result = check(tmp_path, samples.doc_dde_bytes(fast_saved=fast_saved), "claim.doc")
    assert result.detected_format == "doc"
    assert result.error_codes == ["active_content"]
    assert "DDEAUTO" in result.errors[0].detail


def test_fast_saved_dde_is_only_visible_through_the_piece_table():
    """The fast-saved sample really needs the piece table: the raw stream hides the field."""
    with olefile.OleFileIO(samples.doc_dde_bytes(fast_saved=True)) as ole:
        document = ole.openstream("WordDocument").read()
        table = ole.openstream("1Table").read()
    assert all(ole2._dde_instruction(text) is None for text in ole2._raw_texts(document))
    assert (
        ole2._dde_instruction(ole2._piece_table_text(document, table)).strip().startswith("DDEAUTO")
    )


def _reencode_part(data: bytes, part: str, encoding: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == part:
                text = content.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
                content = text.encode(encoding)
            target.writestr(info.filename, content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_docx_dde_in_a_utf16_part_is_found(tmp_path):  # SPEC R-DOC-4: OPC allows UTF-16 parts
    data = _reencode_part(samples.docx_dde_bytes("split"), "word/document.xml", "utf-16")
    result = check(tmp_path, data, "claim.docx")
    assert result.error_codes == ["active_content"]


def test_a_huge_part_with_fields_is_too_complex(tmp_path, monkeypatch):  # issue 10: budgets
    monkeypatch.setattr(ooxml, "MAX_FIELD_SCAN_BYTES", 256)
    result = check(tmp_path, samples.docx_with_fields(), "claim.docx")
    assert result.error_codes == ["corrupt"]
    assert "too complex to check" in result.errors[0].detail


def test_xls_dde_link_is_active_content(tmp_path):  # SPEC R-DOC-4
    result = check(tmp_path, samples.xls_bytes(dde=True), "table.xls")
    assert result.detected_format == "xls"
    assert result.error_codes == ["active_content"]
    assert "DDE" in result.errors[0].detail


@pytest.mark.parametrize(
    ("data", "expected_format"),
    [
        (samples.docx_with_fields(), "docx"),  # TOC, PAGE, DATE, HYPERLINK, NUMPAGES
        (samples.doc_with_fields_bytes(), "doc"),  # PAGE, DATE in a Word 97 text stream
        (samples.xls_bytes(linked_workbook=True), "xls"),  # a link to another workbook file
    ],
    ids=["docx-fields", "doc-fields", "xls-linked-workbook"],
)
def test_ordinary_fields_and_links_are_accepted(tmp_path, data, expected_format):
    result = check(tmp_path, data)
    assert result.ok, result.errors
    assert result.detected_format == expected_format


# --- Charts: embedded workbooks are checked, not refused (issue 10) ----------------------------


def test_docx_with_charts_is_accepted(tmp_path):  # SPEC R-DOC-1
    data = samples.docx_with_chart()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
    assert "word/embeddings/Microsoft_Excel_Worksheet.xlsx" in names  # a whole XLSX inside
    result = check(tmp_path, data, "report.docx")
    assert result.ok, result.errors
    assert result.detected_format == "docx"


def test_xlsx_with_chart_and_embedded_workbook_is_accepted(tmp_path):  # SPEC R-DOC-1
    result = check(tmp_path, samples.xlsx_with_chart(), "table.xlsx")
    assert result.ok, result.errors
    assert result.detected_format == "xlsx"


@pytest.mark.parametrize(
    ("workbook", "code"),
    [
        (samples.chart_workbook(dde=True), "active_content"),
        (samples.chart_workbook(macro=True), "active_content"),
        (samples.xls_bytes(vba=True), "active_content"),  # an Excel 97-2003 object
        (samples.zip_bomb_docx(8, lying=True), "corrupt"),
    ],
    ids=["dde-workbook", "macro-workbook", "vba-xls-object", "lying-bomb"],
)
def test_embedded_documents_get_the_same_rules(tmp_path, workbook, code):  # SPEC R-DOC-4
    result = check(tmp_path, samples.docx_with_chart(1, workbook=workbook), "report.docx")
    assert result.error_codes == [code]
    assert "embedded word/embeddings/" in result.errors[0].detail


def test_embedded_rules_apply_inside_xlsx_too(tmp_path):  # SPEC R-DOC-4
    data = samples.xlsx_with_chart(embedded_workbook=samples.chart_workbook(dde=True))
    assert check(tmp_path, data, "table.xlsx").error_codes == ["active_content"]


def test_embedding_depth_is_limited(tmp_path, monkeypatch):  # issue 10: recursion bound
    two_levels = samples.docx_with_chart(1, nested_workbook_depth=1)
    assert check(tmp_path, two_levels, "report.docx").ok
    monkeypatch.setattr(ooxml, "MAX_EMBED_DEPTH", 1)
    result = check(tmp_path, two_levels, "report.docx")
    assert result.error_codes == ["corrupt"]
    assert "nested more than 1 levels deep" in result.errors[0].detail


def test_unreadable_embedded_ole_object_that_is_no_office_document_is_ignored(tmp_path):
    """An equation or drawing object Word cannot parse still shows its cached picture."""
    broken = samples.ole_package_object()[:512] + b"\0" * 100  # header only: olefile fails
    result = check(tmp_path, samples.docx_with_chart(1, workbook=broken), "report.docx")
    assert result.ok, result.errors


def test_embedded_plain_zip_is_still_a_nested_archive(tmp_path):  # code corrupt
    data = samples.docx_with_chart(1, workbook=samples.plain_zip())
    result = check(tmp_path, data, "report.docx")
    assert result.error_codes == ["corrupt"]
    assert "nested archive" in result.errors[0].detail


# --- Templates, macro-enabled types (policy, README "Documents we accept") --------------------


@pytest.mark.parametrize(
    "target",
    [
        "file:///C:\\Users\\Aigerim\\AppData\\Roaming\\Microsoft\\Templates\\Normal.dotm",
        "file:///C:\\Program%20Files\\Application\\Publication%20Styles.DOT",
        "file://localhost/C:/Templates/court.dotx",
        "C:\\Templates\\court.dot",
        "Normal.dotm",
    ],
)
def test_local_attached_template_is_accepted(tmp_path, target):  # policy: fetches nothing
    result = check(tmp_path, samples.docx_with_template(target), "claim.docx")
    assert result.ok, result.errors


@pytest.mark.parametrize(
    "target",
    [
        "https://attacker.example/template.dotm",
        "http://10.0.0.1/t.dotm",
        "\\\\attacker.example\\share\\t.dotm",
        "\\\\attacker.example@SSL\\DavWWWRoot\\t.dotm",
        "//attacker.example/share/t.dotm",
        "file://attacker.example/share/t.dotm",
        "file:////attacker.example/share/t.dotm",
    ],
)
def test_remote_attached_template_is_active_content(tmp_path, target):  # SPEC R-DOC-4
    result = check(tmp_path, samples.docx_with_template(target), "claim.docx")
    assert result.error_codes == ["active_content"]
    assert "remote attached template" in result.errors[0].detail


def test_macro_enabled_type_without_macros_is_accepted(tmp_path):  # policy: content decides
    result = check(tmp_path, samples.docm_without_macros(), "claim.docm")
    assert result.ok, result.errors
    assert result.detected_format == "docx"


def test_macro_enabled_type_with_macros_is_still_refused(tmp_path):  # SPEC R-DOC-4
    for data in (samples.docm_bytes(), samples.xlsm_bytes()):
        assert check(tmp_path, data, "claim.docm").error_codes == ["active_content"]


# --- Pre-1997 Office formats (policy, README "Documents we accept") ----------------------------


@pytest.mark.parametrize("version", ["6.0", "95"])
def test_word_6_and_95_documents_are_accepted_as_doc(tmp_path, version):  # SPEC R-DOC-1
    data = samples.word6_doc_bytes(version=version)
    with olefile.OleFileIO(data) as ole:
        assert ole.openstream("WordDocument").read(2) == b"\xdc\xa5"  # wIdent 0xA5DC
        assert not ole.exists("1Table") and not ole.exists("0Table")
    result = check(tmp_path, data, "old.doc")
    assert result.ok, result.errors
    assert result.detected_format == "doc"


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"template": True}, "active_content"),  # WordBasic macros live in templates
        ({"dde": True}, "active_content"),
    ],
    ids=["template", "dde"],
)
def test_word_6_95_refusals(tmp_path, options, code):  # SPEC R-DOC-4
    assert check(tmp_path, samples.word6_doc_bytes(**options), "old.doc").error_codes == [code]


# --- PDFs: repair what every viewer displays, keep both copies (issue 10) ----------------------


def _sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "builder",
    [
        samples.incremental_update_pdf,  # Acrobat: /Prev lands in padding
        samples.dangling_reference_pdf,  # ISO 32000-1 §7.3.10: missing object = null
        samples.trailing_junk_pdf,  # a scanner's buffer after %%EOF
        samples.broken_xref_pdf,  # Word 2019-style broken xref offset
    ],
    ids=["incremental-update", "dangling-refs", "trailing-junk", "broken-xref"],
)
def test_damaged_pdf_is_repaired_and_accepted(tmp_path, builder):  # README policy, R-DOC-4
    data = builder()
    original = samples.write_sample(tmp_path, "claim.pdf", data)
    repaired = tmp_path / "claim.repaired.pdf"
    result = validate_file(original, repaired_path=repaired)
    assert result.ok, result.errors
    assert result.detected_format == "pdf"
    assert result.repaired is not None
    assert original.read_bytes() == data  # the signed original is never touched
    assert result.repaired.sha256 == _sha256(repaired) != hashlib.sha256(data).hexdigest()
    assert result.repaired.size == repaired.stat().st_size
    assert len(PdfReader(repaired, strict=True).pages) == 1  # the judge's copy reads strictly


def test_clean_pdf_is_not_repaired(tmp_path):
    repaired = tmp_path / "none.pdf"
    result = validate_file(
        samples.write_sample(tmp_path, "a.pdf", samples.pdf_bytes()), repaired_path=repaired
    )
    assert result.ok
    assert result.repaired is None
    assert not repaired.exists()


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        (samples.truncated_pdf(), "no %%EOF"),
        (samples.incremental_update_pdf()[:-120], "update after the last %%EOF is cut off"),
    ],
    ids=["truncated", "cut-off-update"],
)
def test_truncated_pdf_is_not_repaired(tmp_path, data, detail):  # README policy
    repaired = tmp_path / "r.pdf"
    result = validate_file(samples.write_sample(tmp_path, "a.pdf", data), repaired_path=repaired)
    assert result.error_codes == ["corrupt"]
    assert detail in result.errors[0].detail
    assert result.errors[0].reason == "truncated"
    assert result.repaired is None
    assert not repaired.exists()


@pytest.mark.parametrize(
    "data",
    [
        samples.incremental_update_pdf(update_action="/S /JavaScript /JS (app.alert\\(1\\);)"),
        samples.damaged_pdf_with_orphan_action(),  # JS in an object nothing refers to
    ],
    ids=["js-in-update", "orphan-js-in-damaged-file"],
)
def test_repair_never_launders_active_content(tmp_path, data):  # SPEC R-DOC-4
    repaired = tmp_path / "r.pdf"
    result = validate_file(samples.write_sample(tmp_path, "a.pdf", data), repaired_path=repaired)
    assert result.error_codes == ["active_content"]
    assert result.repaired is None
    assert not repaired.exists()


# --- Encrypted with an empty open password (SPEC R-DOC-4: readable, copyable, printable) -------


def test_empty_password_pdf_that_allows_print_and_copy_is_accepted(tmp_path):
    data = samples.empty_password_pdf()
    assert PdfReader(io.BytesIO(data)).is_encrypted
    result = check(tmp_path, data, "a.pdf")
    assert result.ok, result.errors


@pytest.mark.parametrize(
    ("options", "missing"),
    [
        ({"allow_print": False}, "printing"),
        ({"allow_copy": False}, "copying"),
        ({"allow_print": False, "allow_copy": False}, "printing and copying"),
    ],
)
def test_empty_password_pdf_that_forbids_print_or_copy_is_refused(tmp_path, options, missing):
    result = check(tmp_path, samples.empty_password_pdf(**options), "a.pdf")  # SPEC R-DOC-4
    assert result.error_codes == ["encrypted"]
    assert f"forbids {missing}" in result.errors[0].detail
    assert result.errors[0].reason == "forbids_print_copy"


def test_pdf_with_an_open_password_is_encrypted(tmp_path):  # SPEC R-DOC-4
    result = check(tmp_path, samples.pdf_bytes(encrypted=True), "a.pdf")
    assert result.error_codes == ["encrypted"]
    assert "password" in result.errors[0].detail


# --- Budgets: the object walk is bounded (issue 10) --------------------------------------------


def test_many_objects_within_the_budget_are_checked(tmp_path):
    data = samples.many_objects_pdf(2000)
    assert len(PdfReader(io.BytesIO(data)).xref_objStm) == 2000
    assert check(tmp_path, data, "a.pdf").ok


@pytest.mark.parametrize(
    "data",
    [samples.many_objects_pdf(2000), samples.damaged_pdf_with_orphan_action()],
    ids=["clean", "repair-path"],
)
def test_object_budget_answers_corrupt_too_complex(tmp_path, data):
    path = samples.write_sample(tmp_path, "a.pdf", data)
    result = validate_file(path, pdf_budget=PdfBudget(seconds=60, max_objects=5))
    assert result.error_codes == ["corrupt"]
    assert result.errors[0].detail == "too complex to check: more than 5 PDF objects"
    assert result.errors[0].reason == "too_complex"  # the applicant is told why, in kk/ru/en
    assert result.error_dicts()[0] == {
        "code": "corrupt",
        "message": REASON_MESSAGES["too_complex"]["en"],
        "reason": "too_complex",
    }


def test_time_budget_answers_corrupt_too_complex(tmp_path):
    path = samples.write_sample(tmp_path, "a.pdf", samples.many_objects_pdf(2000))
    result = validate_file(path, pdf_budget=PdfBudget(seconds=0, max_objects=10**6))
    assert result.error_codes == ["corrupt"]
    assert result.errors[0].detail == "too complex to check: more than 0 s of CPU time"
    assert result.warnings == []


def test_cpu_timer_interrupts_a_long_parse():
    """One parser call that never returns to the walk is still stopped (SIGPROF, main thread)."""
    clock = pdf_format._Clock(PdfBudget(seconds=0.05))
    total = 0
    with (
        pytest.raises(pdf_format._OverBudget, match="too complex to check"),
        pdf_format._cpu_timer(clock),
    ):
        for number in range(10**8):  # seconds of pure Python, far over the 0.05 s budget
            total += number
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)  # the timer is gone afterwards


def test_every_reason_has_kazakh_russian_and_english_text():
    for reason, texts in REASON_MESSAGES.items():
        assert set(texts) == {"kk", "ru", "en"}, reason
        assert all(texts.values()), reason
    assert message_for("corrupt", "kk", "too_complex") == REASON_MESSAGES["too_complex"]["kk"]
    assert message_for("corrupt", "kk", "unknown-reason") == MESSAGES["corrupt"]["kk"]


@pytest.mark.parametrize(
    ("path", "sheets", "dde"),
    [
        ("cmd\x03/c calc.exe", None, True),  # server|topic
        ("cmd", None, True),  # no sheets: a data source, whatever the path
        ("Excel.Sheet.12\x03C:\\x.xlsx", ["Sheet1"], True),  # OLE server|item
        ("\x01C:\\Reports\\2025.xls", ["Sheet1"], False),  # a linked workbook
        (" ", None, False),  # an unused SUPBOOK
    ],
)
def test_xls_supbook_classification(path, sheets, dde):  # SPEC R-DOC-4, MS-XLS 2.4.271
    from sotkabinet.documents.samples.cfb import _supbook

    assert ole2._supbook_is_dde(_supbook(path, sheets)[4:]) is dde


def test_doc_dde_spelt_by_quote_codes_without_a_cached_result(tmp_path):  # SPEC R-DOC-4
    codes = " ".join(str(ord(char)) for char in "DDEAUTO")
    field = f"\x13\x13 QUOTE {codes} \x15 c:\\windows\\cmd.exe \x14\x15"
    data = samples.word97_doc_bytes(["Талап қою арызы\r", field, "\r"])
    assert check(tmp_path, data, "claim.doc").error_codes == ["active_content"]


@pytest.mark.parametrize(
    ("head", "what"),
    [
        (b"\xdb\xa5\x2d\x00", "Word for Windows 1.x/2.0"),
        (b"\x9b\xa5\x21\x00", "Word for Windows 1.x/2.0"),
        (b"\x31\xbe\x00\x00", "Word for DOS"),
        (b"\x09\x04\x06\x00\x00\x00\x10\x00", "Excel 2.x-4.0"),  # BIFF4 BOF
        (b"\x09\x00\x04\x00\x02\x00\x10\x00", "Excel 2.x-4.0"),  # BIFF2 BOF
    ],
)
def test_office_formats_before_word_6_are_not_allowed_and_say_why(tmp_path, head, what):
    """README policy: not DOC/XLS containers; the message tells the applicant to re-save."""
    result = check(tmp_path, head + bytes(600), "old.doc")
    assert result.error_codes == ["format_not_allowed"]
    assert what in result.errors[0].detail
    assert result.errors[0].message == REASON_MESSAGES["old_office_format"]["en"]
