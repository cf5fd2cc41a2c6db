"""The printable copy of an act: its pages, the ЭЦҚ details, the legal-force mark and a QR code
that really encodes the /verify/<code>/ link (SPEC R-ACT-1, R-ACT-5, R-ECP-6)."""

from __future__ import annotations

import io

import pytest
import qrcode
import qrcode.constants
from pypdf import PdfReader

from registry import act_copies
from sotkabinet.documents.samples import pdf_bytes

from .acts_helpers import (  # noqa: F401  (fixtures)
    case_fixture,
    judge_fixture,
    mark_legal_force,
    party_fixture,
    representative_fixture,
    sign_act,
    stranger_fixture,
    tampered,
    upload_act,
)


def qr_matrix(data: str) -> list[list[bool]]:
    """The module matrix (with its 2-module quiet zone) that documents.qr draws for `data`."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def read_qr_modules(image, size: int) -> list[list[bool]]:
    """Sample the centre of each of `size` x `size` modules of a QR image: dark = True."""
    grey = image.convert("L")
    width, height = grey.size
    return [
        [
            grey.getpixel((int((column + 0.5) * width / size), int((row + 0.5) * height / size)))
            < 128
            for column in range(size)
        ]
        for row in range(size)
    ]


def flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def marked_act(case, judge, ecp, tmp_path):
    act = upload_act(case, judge, tmp_path, data=pdf_bytes("Decision text", pages=2))
    return mark_legal_force(sign_act(act, judge, ecp), judge, ecp)


def test_printable_copy_has_the_act_the_mark_and_a_readable_qr(client_for, marked_act, party):
    """R-ACT-5: the copy carries the legal-force mark and the ЭЦҚ as a QR code leading to the
    public verification page (R-ECP-6)."""
    response = client_for(party).get(f"/api/v1/acts/{marked_act.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    reader = PdfReader(io.BytesIO(response.content))
    # the act's own two pages, then the certificate page
    assert len(reader.pages) == 3
    assert "Decision text" in reader.pages[0].extract_text()
    assert "Decision text" in reader.pages[1].extract_text()
    certificate = flat(reader.pages[2].extract_text())
    url = f"/verify/{marked_act.verify_code}/"
    assert flat(url) in certificate
    assert marked_act.sha256 in certificate
    assert marked_act.case.number in certificate
    assert marked_act.legal_force_date.strftime("%d.%m.%Y") in certificate
    assert flat(marked_act.signer.full_name) in certificate

    images = list(reader.pages[2].images)
    assert len(images) == 1
    expected = qr_matrix(act_copies.verify_url(marked_act))
    assert read_qr_modules(images[0].image, len(expected)) == expected


def test_copy_is_rendered_once_per_state(monkeypatch, ecp, case, judge, tmp_path):
    """The copy is kept in storage by the act's state; a new mark gives a new copy."""
    act = sign_act(upload_act(case, judge, tmp_path), judge, ecp)
    calls = []
    real_render = act_copies.render_pdf

    def counting_render(template, context):
        calls.append(context["act"].legal_force_date)
        return real_render(template, context)

    monkeypatch.setattr(act_copies, "render_pdf", counting_render)
    first = act_copies.act_printable_copy(act, language="kk")
    again = act_copies.act_printable_copy(act, language="kk")
    assert first == again and len(calls) == 1
    marked = mark_legal_force(act, judge, ecp)
    with_mark = act_copies.act_printable_copy(marked, language="kk")
    assert len(calls) == 2 and with_mark != first
    assert flat(f"/verify/{marked.verify_code}/") in flat(
        "".join(page.extract_text() for page in PdfReader(io.BytesIO(with_mark)).pages)
    )


def test_docx_act_copy_is_the_certificate_page(client_for, ecp, case, judge, party, tmp_path):
    act = upload_act(case, judge, tmp_path, name="ruling.docx", kind="ruling")
    act = mark_legal_force(sign_act(act, judge, ecp), judge, ecp)
    response = client_for(party).get(f"/api/v1/acts/{act.pk}/pdf/")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    assert "ruling.docx" in reader.pages[0].extract_text()


def test_draft_copy_says_it_is_not_signed(client_for, case, judge, tmp_path):
    act = upload_act(case, judge, tmp_path)
    response = client_for(judge).get(f"/api/v1/acts/{act.pk}/pdf/")
    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "DRAFT" in text or "ЖОБА" in text or "ЧЕРНОВИК" in text


def test_copy_is_authorised_and_refuses_a_tampered_file(client_for, marked_act, stranger, party):
    """R-ARC-2: a changed stored file is never printed or served under the court's mark."""
    client = client_for(party)
    assert client_for(stranger).get(f"/api/v1/acts/{marked_act.pk}/pdf/").status_code == 404
    with tampered(marked_act.blob):
        response = client.get(f"/api/v1/acts/{marked_act.pk}/pdf/")
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "document_tampered"
        assert client.get(f"/api/v1/acts/{marked_act.pk}/document/").status_code == 409
    assert client.get(f"/api/v1/acts/{marked_act.pk}/pdf/").status_code == 200


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_copy_shows_the_signing_time_in_court_time_with_the_zone(marked_act, language):
    """Issue 10: the signing time in the court's zone, the copy's language's format, zone named."""
    from django.utils import translation

    from sotkabinet.core.timefmt import local_time

    with translation.override(language):
        expected = local_time(marked_act.signed_at, marked_act.case.court.timezone)
    reader = PdfReader(io.BytesIO(act_copies.act_printable_copy(marked_act, language=language)))
    certificate = flat(reader.pages[-1].extract_text())
    assert "(Asia/Almaty,UTC+5)" in certificate
    assert flat(expected) in certificate
