"""Vietnamese text helpers: folding for diacritic-insensitive search, name normalising."""

from __future__ import annotations

import re
import unicodedata

_D_MAP = str.maketrans({"Đ": "d", "đ": "d", "Ð": "d", "ð": "d"})
_SPACES = re.compile(r"\s+")


def normalize(text: str | None) -> str:
    """NFC, trimmed, inner whitespace collapsed. Keeps case and diacritics."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def lower(text: str | None) -> str:
    """Normalised and lower-cased, diacritics kept (for exact-diacritic ranking)."""
    return normalize(text).lower()


def fold(text: str | None) -> str:
    """Fold for search: NFC, Đ/đ→d, strip combining marks, lower-case, collapse spaces.

    >>> fold("  Đặng  Đức ")
    'dang duc'
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.translate(_D_MAP)).strip().lower()


def title_name(text: str | None) -> str:
    """Normalise a person's name: collapse spaces and capitalise each word ("đặng  đức" → "Đặng Đức")."""
    return " ".join(w[:1].upper() + w[1:].lower() for w in normalize(text).split(" ") if w)


def digits(text: str | None) -> str:
    return "".join(ch for ch in (text or "") if ch.isdigit())


def like_escape(text: str) -> str:
    """Escape LIKE wildcards; use with ``escape='\\\\'``."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
