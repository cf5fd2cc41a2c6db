"""Images and executables for tests: JPEG scans (SPEC R-DOC-1, R-DOC-5), PNG, a Windows PE file."""

from __future__ import annotations

import io
import struct

from .pdf import _page_image


def jpeg_bytes(
    dpi: int | None = 300, grey: bool = True, *, size: tuple[int, int] = (620, 877)
) -> bytes:
    """A JPEG page scan with ``dpi`` in its JFIF header (None: no density), grey or colour.

    The default size is small for speed; the density, not the pixel count, is what R-DOC-5
    warnings look at.
    """
    buffer = io.BytesIO()
    options = {"dpi": (dpi, dpi)} if dpi else {}
    _page_image(size, grey=grey).save(buffer, "JPEG", quality=80, **options)
    return buffer.getvalue()


def truncated_jpeg() -> bytes:
    """A JPEG cut in the middle of its entropy-coded data."""
    data = jpeg_bytes()
    return data[: len(data) // 2]


def jpeg_bomb() -> bytes:
    """A tiny JPEG whose frame header declares 60000 x 60000 pixels (a decompression bomb)."""
    data = bytearray(jpeg_bytes(size=(16, 16)))
    for marker in (b"\xff\xc0", b"\xff\xc2"):  # baseline or progressive frame header
        at = data.find(marker)
        if at >= 0:
            data[at + 5 : at + 9] = struct.pack(">HH", 60000, 60000)
            return bytes(data)
    raise AssertionError("no SOF marker in the generated JPEG")


def png_bytes() -> bytes:
    """A valid PNG: an image format the portal does not accept (R-DOC-1)."""
    buffer = io.BytesIO()
    _page_image((100, 140), grey=True).save(buffer, "PNG")
    return buffer.getvalue()


def exe_bytes() -> bytes:
    """A minimal Windows PE executable header (MZ stub, PE signature, COFF header)."""
    dos_header = bytearray(64)
    dos_header[0:2] = b"MZ"
    dos_header[0x3C:0x40] = struct.pack("<I", 0x80)
    stub = b"This program cannot be run in DOS mode.\r\r\n$".ljust(0x80 - 64, b"\0")
    coff = struct.pack("<4sHHIIIHH", b"PE\0\0", 0x8664, 0, 0, 0, 0, 0xF0, 0x0022)
    return bytes(dos_header) + stub + coff + bytes(512)
