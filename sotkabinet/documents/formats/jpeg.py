"""JPEG checks for criminal-proceedings scans (SPEC R-DOC-1, R-DOC-5). Pure, no Django.

Threat model: the image is attacker-controlled. A small JPEG can declare gigapixel dimensions
(a decompression bomb): we refuse more than ``MAX_PIXELS`` before decoding anything, and Pillow's
own bomb guard stays on. A truncated or damaged JPEG is refused as ``corrupt``: ``verify()`` checks
the structure, then the image is decoded in JPEG draft mode (scaled down by the decoder, so memory
stays small). Truncation is also checked on the marker structure (an EOI marker must follow the
first scan), because Pillow's ``ImageFile.LOAD_TRUNCATED_IMAGES`` is a process-wide switch that
WeasyPrint turns on when imported: in a worker that renders PDFs, Pillow alone would accept a
truncated JPEG. Decoding happens in libjpeg via Pillow; keeping Pillow patched is the mitigation
for decoder bugs.
"""

from __future__ import annotations

import logging
import mmap
import os
import struct
import warnings
from typing import Final

from PIL import Image, ImageChops

from ..issues import CORRUPT, SCAN_QUALITY, ValidationResult

logger = logging.getLogger(__name__)

MAX_PIXELS: Final = 40_000_000  # A2 at 300 dpi is ~ 35 Mpx; court documents are A4/A3
DPI_RANGE: Final = (199.5, 300.5)  # SPEC R-DOC-5: 200–300 dpi
COLOUR_TOLERANCE: Final = 24  # channel spread that still counts as grey (JPEG noise, paper tint)
COLOUR_SHARE: Final = 0.01
DRAFT_SIZE: Final = (256, 256)


def check_jpeg(path: str | os.PathLike[str], result: ValidationResult) -> None:
    """Fill ``result`` (already ``detected_format == "jpeg"``) with errors and scan warnings."""
    structure_problem = _structure_problem(path)
    if structure_problem:
        result.error(CORRUPT, structure_problem)
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.format != "JPEG":
                    result.error(CORRUPT, f"not a JPEG image ({image.format})")
                    return
                width, height = image.size
                if width * height > MAX_PIXELS:
                    result.error(CORRUPT, f"{width}x{height} pixels exceeds the limit")
                    return
                image.verify()
            with Image.open(path) as image:
                dpi = image.info.get("dpi")
                image.draft("RGB" if image.mode != "L" else "L", DRAFT_SIZE)
                image.load()
                colour = _is_colour(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        result.error(CORRUPT, "decompression bomb")
        return
    except Exception as exc:
        # Any decoder failure on attacker input is a status (corrupt), not a crash. Logged.
        logger.info("JPEG refused as corrupt: %s: %s", type(exc).__name__, exc)
        result.error(CORRUPT, f"JPEG decoder: {type(exc).__name__}")
        return
    problems = []
    if dpi:
        horizontal = float(dpi[0])
        if not DPI_RANGE[0] <= horizontal <= DPI_RANGE[1]:
            problems.append(f"resolution {horizontal:.0f} dpi")
    if colour:
        problems.append("colour image")
    if problems:
        result.warn(SCAN_QUALITY, ", ".join(problems))


def _structure_problem(path: str | os.PathLike[str]) -> str | None:
    """Walk the marker segments up to the first scan, then require an EOI marker after it."""
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        size = len(data)
        position = 2  # after SOI
        while True:
            if position + 4 > size:
                return "truncated before the image data"
            if data[position] != 0xFF:
                return f"no marker at offset {position}"
            marker = data[position + 1]
            if marker == 0xFF:  # fill byte
                position += 1
                continue
            if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # standalone markers
                position += 2
                continue
            if marker == 0xD9:
                return "end of image before any image data"
            (length,) = struct.unpack(">H", data[position + 2 : position + 4])
            if length < 2:
                return f"bad segment length at offset {position}"
            position += 2 + length
            if marker == 0xDA:  # start of scan: entropy-coded data follows
                break
        if data.find(b"\xff\xd9", position) < 0:
            return "no end-of-image marker: the JPEG is truncated"
    return None


def _is_colour(image: Image.Image) -> bool:
    """True when the (draft-sized) image has real colour, not just grey stored as RGB.

    A pixel is coloured when its channels differ by more than ``COLOUR_TOLERANCE``; JPEG chroma
    noise makes a few such pixels in any grey scan, so more than ``COLOUR_SHARE`` of them counts.
    """
    if image.mode in ("1", "L", "LA", "I", "F"):
        return False
    red, green, blue = image.convert("RGB").split()
    spread = ImageChops.lighter(
        ImageChops.lighter(ImageChops.difference(red, green), ImageChops.difference(green, blue)),
        ImageChops.difference(red, blue),
    )
    histogram = spread.histogram()
    coloured = sum(histogram[COLOUR_TOLERANCE + 1 :])
    return coloured > COLOUR_SHARE * sum(histogram)
