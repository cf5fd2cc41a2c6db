"""PDF rendering (WeasyPrint, DejaVu fonts for Kazakh) and QR codes.

Each render costs ~0.3 s, so only one test renders.
"""

from __future__ import annotations

import base64
import io

import pytest
from django.conf import settings as django_settings
from PIL import Image
from pypdf import PdfReader

from sotkabinet.documents.pdf import _fetcher, render_pdf
from sotkabinet.documents.qr import qr_png_data_uri, qr_svg
from sotkabinet.documents.validation import validate_file

KAZAKH_TEMPLATE = """{% extends "documents/base_print.html" %}
{% block content %}<h1>{{ title }}</h1><p>{{ body }}</p><div class="qr">{{ qr }}</div>{% endblock %}
"""


@pytest.fixture
def kazakh_template(settings):
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [django_settings.BASE_DIR / "templates"],
            "OPTIONS": {
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {"documents/test_kazakh.html": KAZAKH_TEMPLATE},
                    ),
                    "django.template.loaders.filesystem.Loader",
                ]
            },
        }
    ]
    return "documents/test_kazakh.html"


def test_kazakh_text_renders_with_real_glyphs(kazakh_template, tmp_path):
    """GIVEN a template with Kazakh letters, ₸ and applicant text with markup
    WHEN rendered THEN the text is extractable (real glyphs, not boxes), the markup stays text,
    and the PDF passes our own attachment validation (SPEC R-DOC-4)."""
    pdf = render_pdf(
        kazakh_template,
        {
            "title": "Қазақстан Республикасының соты",
            "body": "<b>x</b> Баж: 12 500 ₸. Әділет сәті, Ғабит, Өмір, Ұлан, Үміт, Һ, Іс.",
            "qr": qr_svg("https://sotkabinet.example/verify/ABC123/"),
        },
    )
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    fonts = [font.get_object()["/BaseFont"] for font in page["/Resources"]["/Font"].values()]
    assert fonts
    assert all("DejaVu" in name for name in fonts)  # the base print stylesheet's font
    text = page.extract_text()
    for expected in ("Қазақстан", "Әділет", "Ғабит", "Өмір", "Ұлан", "Үміт", "₸", "ә", "<b>x</b>"):
        assert expected in text
    path = tmp_path / "talon.pdf"
    path.write_bytes(pdf)
    result = validate_file(path)
    assert result.ok, result.errors
    assert result.detected_format == "pdf"


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "http://127.0.0.1:9/", "https://example.com/x.png"]
)
def test_renderer_fetches_nothing_but_data_urls(url):
    with pytest.raises(ValueError, match="disallowed protocol"):
        _fetcher().fetch(url)


def test_renderer_accepts_data_urls():
    response = _fetcher().fetch(qr_png_data_uri("x"))
    try:
        assert response.read().startswith(b"\x89PNG")
    finally:
        response.close()


def test_qr_svg_is_inline_markup_of_the_requested_size():
    markup = qr_svg("https://sotkabinet.example/verify/ABC123/", size="25mm")
    assert markup.startswith('<svg width="25mm" height="25mm"')
    assert "<?xml" not in markup
    assert "verify" not in markup  # geometry only, never the data as text
    assert qr_svg("a") != qr_svg("b")
    assert qr_svg("a") == qr_svg("a")


def test_qr_svg_refuses_an_injected_size():
    with pytest.raises(ValueError):
        qr_svg("a", size='1" onload="alert(1)')


def test_qr_png_data_uri_is_a_square_png():
    uri = qr_png_data_uri("https://sotkabinet.example/verify/ABC123/")
    prefix = "data:image/png;base64,"
    assert uri.startswith(prefix)
    image = Image.open(io.BytesIO(base64.b64decode(uri.removeprefix(prefix))))
    assert image.format == "PNG"
    assert image.width == image.height >= 21 * 8
