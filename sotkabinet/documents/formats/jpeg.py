"""JPEG checks for criminal-proceedings scans (SPEC R-DOC-1, R-DOC-5). Pure, no Django.

Threat model: the image is attacker-controlled. A small JPEG can declare gigapixel dimensions
(a decompression bomb): we refuse more than ``MAX_PIXELS`` before decoding anything, and Pillow's
own bomb guard stays on. A truncated or damaged JPEG is refused as ``corrupt``: ``verify()`` checks
the structure, then the image is decoded in JPEG draft mode (scaled down by the decoder, so memory
stays small) to make sure all the entropy-coded data is there. Decoding happens in libjpeg via
Pillow; keeping Pillow patched is the mitigation for decoder bugs.
"""

from __future__ import annotations

import logging
import os
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
