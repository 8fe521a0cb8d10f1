"""Vietnamese text helpers: folding for diacritic-insensitive search, name normalising."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_D_MAP = str.maketrans({"Đ": "d", "đ": "d", "Ð": "d", "ð": "d"})
_SPACES = re.compile(r"\s+")


# Roman numerals of headings and quarters ("II. …", "Quý III/2026"): ROMAN[0] is "I".
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def quarter_label(quarter: int) -> str:
    """"Quý III" for 3, as the forms and the lists write a quarter."""
    return f"Quý {ROMAN[quarter - 1]}"


def normalize(text: str | None) -> str:
    """NFC, trimmed, inner whitespace collapsed. Keeps case and diacritics."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def normalize_compat(text: str | None) -> str:
    """``normalize`` after NFKC: full-width letters and digits ("ＨＫ０１"), superscripts and
    ligatures become their plain forms. For codes and names that must be unique: "ＨＫ０００００１"
    is the same household code as "HK000001". Control and invisible characters stay (NFKC keeps
    them), so that validation can still refuse them."""
    if not text:
        return ""
    return normalize(unicodedata.normalize("NFKC", text))


def lower(text: str | None) -> str:
    """Normalised and lower-cased, diacritics kept (for exact-diacritic ranking)."""
    return normalize(text).lower()


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.translate(_D_MAP))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(
        _D_MAP).lower()


def fold(text: str | None) -> str:
    """Fold for search: NFC, Đ/đ→d, strip combining marks, lower-case, collapse spaces.

    >>> fold("  Đặng  Đức ")
    'dang duc'

    Word by word with a cache: names and addresses repeat a small vocabulary, and folding
    400,000 residents' text is the bulk of a demo load or an import.
    """
    if not text:
        return ""
    return " ".join(w.lower() if w.isascii() else _fold_word(w) for w in text.split())


def file_slug(text: str | None, limit: int = 60) -> str:
    """A file-name part in Vietnamese without diacritics: folded, runs of anything but a–z and
    0–9 become one hyphen ("Danh sách hộ (2026)" → "danh-sach-ho-2026"); at most ``limit``
    characters, cut at a hyphen. Plain ASCII, so every file system and e-mail keeps it."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    if len(slug) > limit:
        cut = slug[:limit + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:limit]
    return slug


def title_name(text: str | None) -> str:
    """Normalise a person's name: collapse spaces and capitalise each word ("đặng  đức" → "Đặng Đức")."""
    return " ".join(w[:1].upper() + w[1:].lower() for w in normalize(text).split(" ") if w)


def digits(text: str | None) -> str:
    return "".join(ch for ch in (text or "") if ch.isdigit())


def like_escape(text: str) -> str:
    """Escape LIKE wildcards; use with ``escape='\\\\'``."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# -- characters that do not belong in stored text (issue 12) ------------------------------------
# Invisible characters that change how text looks or sorts without showing: zero-width
# space/joiners, the byte-order mark, the word joiner, and the bidirectional embeddings,
# overrides and isolates (a pasted "U+202E" turns "HK123" into "321KH" on screen).
INVISIBLE = frozenset("\u200b\u200c\u200d\ufeff\u2060"
                      "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_KEEP = frozenset("\n\t")


def _unsafe(ch: str) -> bool:
    """A control character (C0, DEL, C1), a lone surrogate or one of INVISIBLE."""
    return ch in INVISIBLE or unicodedata.category(ch) in ("Cc", "Cs")


def unsafe_chars(text: str | None) -> str:
    """The characters of ``text`` a name or code must not contain (none: "")."""
    return "".join(ch for ch in (text or "") if _unsafe(ch))


def char_names(chars: str) -> str:
    """"U+0007, U+200B": how a message shows characters that cannot be seen."""
    return ", ".join(dict.fromkeys(f"U+{ord(ch):04X}" for ch in chars))


def strip_unsafe(text: str | None, multi_line: bool = False) -> str:
    """``text`` without control and invisible characters; a multi-line text keeps its line
    breaks and tabs (``\\r\\n`` becomes ``\\n``)."""
    if not text:
        return ""
    if multi_line:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return "".join(ch for ch in text if ch in _LINE_KEEP or not _unsafe(ch))
    return "".join(ch for ch in text if not _unsafe(ch))


def clean_multiline(text: str | None) -> str:
    """Free text (notes, content): invisible and control characters removed, NFC, trimmed."""
    return unicodedata.normalize("NFC", strip_unsafe(text, multi_line=True)).strip()


def clean_line(text: str | None) -> str:
    """One-line free text (an address, a reason): invisible characters removed, normalised."""
    return normalize(strip_unsafe(text))


_CELL_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
                           + "".join(sorted(INVISIBLE)) + "]")


def cell_text(value):
    """A value safe for a spreadsheet cell: a string loses the characters Excel refuses
    (openpyxl's IllegalCharacterError) and the invisible ones; anything else is returned as is.
    Text stored before the services refused these characters still exports."""
    if isinstance(value, str) and _CELL_ILLEGAL.search(value):
        return _CELL_ILLEGAL.sub("", value)
    return value


def ascii_digits(text: str | None) -> str:
    """An ID or phone number as typed, NFKC-normalised (full-width "０１２" → "012",
    superscripts → plain digits) with spaces, dots and dashes removed; other characters
    (letters, control or invisible characters) stay so that validation can refuse them."""
    value = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"[\s.\-]", "", value)
