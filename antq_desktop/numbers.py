"""Rounding as Vietnamese reports do it: half up (13/16 = 81,25 % → 81,3 %), never Python's
round-half-to-even on binary floats (which gives 81,2 %)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: float | int, digits: int = 1) -> float:
    """``value`` to ``digits`` decimals, halves away from zero (-0,25 → -0,3).

    The float is read as the shortest decimal that names it (81.25, not 81.2499…), so a
    share computed as 100 * 13 / 16 rounds the way it reads."""
    step = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP))


def percent_text(value: float, digits: int = 1) -> str:
    """37.5 → "37,5"; 81.25 → "81,3"; 50.0 → "50" (decimal comma, no trailing zeros)."""
    text = f"{round_half_up(value, digits):.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def grouped(value: int) -> str:
    """A whole number with Vietnamese thousands dots: 12345 → "12.345"."""
    return f"{value:,}".replace(",", ".")


def number_text(value: float | int) -> str:
    """Vietnamese: 1250 → "1.250", 3.5 → "3,5", 1250.75 → "1.250,75" (at most two decimals)."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".").replace(",", " ").replace(
            ".", ",").replace(" ", ".")
    return grouped(int(value))
