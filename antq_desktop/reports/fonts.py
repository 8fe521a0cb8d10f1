"""The serif the program prints with, shipped inside the package (the Qt edge of reports/).

Print preview, printing and PDF use Liberation Serif 2.x from ``resources/fonts``: it has the
metrics of Times New Roman (so a page breaks where it would with Times New Roman) and every
Vietnamese letter in all four faces (so Qt never borrows a letter from another font in the middle
of a word). It is registered with Qt as an application font, so the documents look the same on
every machine whatever fonts are installed. The .xlsx files keep naming "Times New Roman", which
Windows offices have (see :mod:`.layout`).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QRawFont

from ..config import resources_dir

PRINT_FAMILY = "Liberation Serif"
FACES = ("Regular", "Bold", "Italic", "BoldItalic")


def font_dir() -> Path:
    return resources_dir() / "fonts"


def font_files() -> list[Path]:
    return [font_dir() / f"LiberationSerif-{face}.ttf" for face in FACES]


def vietnamese_letters() -> str:
    """Every letter of Vietnamese, lower and upper case: a, ă, â, e, ê, i, o, ô, ơ, u, ư, y with
    each of the five tone marks and without, and đ."""
    vowels = "aăâeêioôơuưy"
    tones = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")  # huyền sắc ngã hỏi nặng
    letters = [unicodedata.normalize("NFC", v + t) for v in vowels for t in tones] + ["đ"]
    return "".join(letters) + "".join(c.upper() for c in letters)


class FontError(RuntimeError):
    """The shipped fonts are missing or damaged (a broken installation)."""


_registered_for: int | None = None


def register_fonts() -> str:
    """Register the shipped faces with Qt (once per QGuiApplication) and return their family.

    Needs a QGuiApplication. Raises FontError, with a Vietnamese message, when a font file is
    missing or Qt cannot read it."""
    global _registered_for
    app = QGuiApplication.instance()
    if app is None:
        raise RuntimeError("register_fonts() needs a QGuiApplication")
    if _registered_for == id(app):  # every print calls this: no font enumeration here
        return PRINT_FAMILY
    for path in font_files():
        font_id = QFontDatabase.addApplicationFont(str(path)) if path.exists() else -1
        if font_id < 0 or PRINT_FAMILY not in QFontDatabase.applicationFontFamilies(font_id):
            raise FontError(f"Không đọc được phông chữ đi kèm chương trình: {path.name}. "
                            "Hãy cài lại chương trình.")
    _registered_for = id(app)
    return PRINT_FAMILY


def face(bold: bool = False, italic: bool = False, family: str = PRINT_FAMILY) -> QFont:
    font = QFont(family)
    font.setBold(bold)
    font.setItalic(italic)
    return font


def missing_letters(family: str = PRINT_FAMILY) -> dict[str, str]:
    """The Vietnamese letters each face of ``family`` cannot draw itself, by face name
    ("Regular", "Bold", …); empty when every face has them all."""
    letters = vietnamese_letters()
    missing = {}
    for name, bold, italic in (("Regular", False, False), ("Bold", True, False),
                               ("Italic", False, True), ("BoldItalic", True, True)):
        raw = QRawFont.fromFont(face(bold, italic, family))
        lacking = "".join(c for c in letters
                          if not raw.isValid() or not raw.supportsCharacter(ord(c)))
        if lacking or raw.familyName() != family:
            missing[name] = lacking or letters
    return missing
