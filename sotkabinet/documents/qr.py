"""QR codes for printed copies: the ЭЦҚ verification link on acts, talons and archive copies.

``qr_svg`` gives inline SVG markup (vector, crisp in print, no image fetch in WeasyPrint);
``qr_png_data_uri`` gives a ``data:image/png;base64,...`` URI for places that need a raster image.
Error correction level M: a printed copy survives a stamp or a fold over part of the code.
"""

from __future__ import annotations

import base64
import io
import re

import qrcode
import qrcode.constants
import qrcode.image.svg
from django.utils.safestring import SafeString, mark_safe

_SVG_SIZE = re.compile(r'^<svg width="[^"]*" height="[^"]*"')


def _qr(data: str, border: int) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=border)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_svg(data: str, *, size: str = "30mm", border: int = 2) -> SafeString:
    """Inline ``<svg>`` markup of a QR code for ``data``, ``size`` wide and high (CSS length).

    Safe to put in a template as is: the markup holds only path geometry, never ``data``.
    """
    if not re.fullmatch(r"\d+(\.\d+)?(mm|cm|in|px|pt)", size):
        raise ValueError(f"size must be a CSS length like '30mm', not {size!r}")
    image = _qr(data, border).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    markup = image.to_string(encoding="unicode")
    markup = _SVG_SIZE.sub(f'<svg width="{size}" height="{size}"', markup, count=1)
    return mark_safe(markup)  # noqa: S308 (generated geometry, no user text inside)


def qr_png_data_uri(data: str, *, box_size: int = 8, border: int = 2) -> str:
    """A ``data:image/png;base64,...`` URI of a QR code for ``data`` (for ``<img src>``)."""
    code = _qr(data, border)
    code.box_size = box_size
    image = code.make_image()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
