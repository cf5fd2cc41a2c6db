"""IIN / BIN with a valid control digit (the official Kazakh algorithm), for test identities."""

from __future__ import annotations


def control_digit(first_eleven: str) -> int | None:
    """The official Kazakh IIN/BIN control digit for 11 digits, or None if none exists."""
    digits = [int(ch) for ch in first_eleven]
    total = sum(weight * digit for weight, digit in zip(range(1, 12), digits, strict=True)) % 11
    if total == 10:
        weights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
        total = sum(weight * digit for weight, digit in zip(weights, digits, strict=True)) % 11
        if total == 10:
            return None
    return total


def make_iin(seed: int) -> str:
    """A deterministic, valid IIN: birth date YYMMDD, century/sex digit, serial, control digit."""
    for attempt in range(100):
        value = (seed * 7919 + attempt * 104729) & 0xFFFFFFFF
        year = 50 + value % 50  # 1950..1999
        month = 1 + (value >> 8) % 12
        day = 1 + (value >> 12) % 28
        century_sex = 3 + (value >> 17) % 2  # 3/4: born in the 20th century
        serial = (seed + attempt * 37) % 10000
        first = f"{year:02d}{month:02d}{day:02d}{century_sex}{serial:04d}"
        check = control_digit(first)
        if check is not None:
            return f"{first}{check}"
    raise ValueError(f"no valid IIN for seed {seed}")


def make_bin(seed: int) -> str:
    """A deterministic, valid BIN: registration YYMM, type 4 (legal entity), attribute, serial."""
    for attempt in range(100):
        value = (seed * 6007 + attempt * 7727) & 0xFFFFFFFF
        year = value % 25  # 2000..2024
        month = 1 + (value >> 8) % 12
        attribute = (value >> 12) % 3
        serial = (seed + attempt * 53) % 100000
        first = f"{year:02d}{month:02d}4{attribute}{serial:05d}"
        check = control_digit(first)
        if check is not None:
            return f"{first}{check}"
    raise ValueError(f"no valid BIN for seed {seed}")
