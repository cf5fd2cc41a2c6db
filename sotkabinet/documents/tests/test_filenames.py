"""sanitize_filename and filename_issue (the attachment's "filename" and name_invalid,
docs/conventions.md "Attachments"; R-DOC-2)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sotkabinet.documents.filenames import (
    FALLBACK_NAME,
    MAX_NAME_BYTES,
    MAX_NAME_CHARS,
    filename_issue,
    sanitize_filename,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\System32\\evil.pdf", "evil.pdf"),
        ("C:\\Users\\Әсел\\Талап қою арызы.pdf", "Талап қою арызы.pdf"),
        ("Қарсы талап.docx", "Қарсы талап.docx"),
        ("  .hidden.pdf", "hidden.pdf"),
        ("report.pdf. . ", "report.pdf"),
        ("a\x00b\x1fc\x7f.pdf", "abc.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # bidi override: "exe.pdf" spoofing
        ("a:b*c?.pdf", "a_b_c_.pdf"),  # NTFS stream syntax and wildcards
        ("CON.pdf", "_CON.pdf"),
        ("lpt1", "_lpt1"),
        ("Сот\tактісі\n.pdf", "Сот актісі .pdf"),
    ],
)
def test_sanitize_filename_examples(raw, expected):  # SPEC R-DOC-2
    assert sanitize_filename(raw) == expected
    assert filename_issue(raw) is None


def test_sanitize_filename_keeps_decomposed_kazakh_letters_composed():
    decomposed = unicodedata.normalize("NFD", "Әділет.pdf")  # as macOS sends names
    assert sanitize_filename(decomposed) == "Әділет.pdf"


@pytest.mark.parametrize("raw", ["", "..", "../..", "/", "\\\\", " . . ", "\x00\x01", "dir/"])
def test_unusable_names_fall_back_and_report_name_invalid(raw):  # name_invalid
    assert sanitize_filename(raw) == FALLBACK_NAME
    issue = filename_issue(raw)
    assert issue is not None
    assert issue.code == "name_invalid"


def test_long_names_are_cut_keeping_the_extension():
    name = "Өтінішхат " * 60 + ".docx"
    sanitized = sanitize_filename(name)
    assert sanitized.endswith(".docx")
    assert len(sanitized) <= MAX_NAME_CHARS
    assert len(sanitized.encode("utf-8")) <= MAX_NAME_BYTES
    assert sanitized.startswith("Өтінішхат")


@given(st.text(max_size=400))
def test_sanitized_names_are_always_safe(raw):  # SPEC R-DOC-2
    sanitized = sanitize_filename(raw)
    assert sanitized
    assert "/" not in sanitized
    assert "\\" not in sanitized
    assert not sanitized.startswith(".")
    assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in sanitized)
    assert len(sanitized.encode("utf-8")) <= MAX_NAME_BYTES
    assert sanitize_filename(sanitized) == sanitized


@given(st.lists(st.sampled_from(["..", ".", "/", "\\", " ", "\x00"]), max_size=30))
def test_names_made_of_separators_only_are_invalid(parts):
    raw = "".join(parts)
    assert sanitize_filename(raw) == FALLBACK_NAME
    assert filename_issue(raw) is not None
