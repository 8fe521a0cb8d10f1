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
