"""ИИН / БИН: 12 digits with the official control digit (R-FIL-1, docs/api.md).

The control digit (12th) is the weighted sum of the first 11 digits with weights 1..11, mod 11.
When that gives 10, the weights 3..11, 1, 2 are used; a second 10 means the number is invalid.
"""

from __future__ import annotations

_FIRST_WEIGHTS = tuple(range(1, 12))
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def control_digit(first_eleven: str) -> int | None:
    """The control digit for 11 digits, or None when no valid one exists."""
    digits = [int(char) for char in first_eleven]
    remainder = sum(d * w for d, w in zip(digits, _FIRST_WEIGHTS, strict=True)) % 11
    if remainder == 10:
        remainder = sum(d * w for d, w in zip(digits, _SECOND_WEIGHTS, strict=True)) % 11
        if remainder == 10:
            return None
    return remainder


def is_valid_identity_number(value: str) -> bool:
    """True for 12 ASCII digits whose last digit is the correct control digit."""
    if not isinstance(value, str) or len(value) != 12 or not value.isascii() or not value.isdigit():
        return False
    return control_digit(value[:11]) == int(value[11])


# ИИН and БИН share the algorithm; the names keep call sites readable.
is_valid_iin = is_valid_identity_number
is_valid_bin = is_valid_identity_number
