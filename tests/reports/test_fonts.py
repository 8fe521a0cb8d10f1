"""The serif shipped with the program: inside the package, every Vietnamese letter in all four
faces, and the only font in the PDFs (whatever this machine has installed); the .xlsx files
keep naming Times New Roman."""

from datetime import date

import pytest
from pypdf import PdfReader

from antq_desktop.reports import fonts, printing
from antq_desktop.reports.document import TableDocument, to_workbook
from antq_desktop.reports.layout import FONT_NAME, Column

pytestmark = pytest.mark.usefixtures("qapp")

# Every letter of Vietnamese, in a row of a table (regular), a bold group heading and the
# italic date line of the header.
LETTERS = fonts.vietnamese_letters()


def _doc(letterhead):
    from antq_desktop.reports.layout import Heading

    rows = [Heading("Nhóm Ưu tiên: Đường Hồ Chí Minh, Bà Rịa – Vũng Tàu"),
            [1, LETTERS[:40], LETTERS[40:80], date(2025, 12, 31)],
            [2, LETTERS[80:], "Nguyễn Thị Hương, Trần Văn Đức", date(2026, 1, 1)]]
    return TableDocument(letterhead=letterhead, number="12/BC-CAP", on=date(2026, 1, 5),
                         title="Danh sách thử phông chữ",
                         subject_lines=["Ấp Phước Lộc, thôn Ỷ La, xóm Ươi"],
                         columns=[Column("STT", 5, "center"), Column("Họ và tên", 30),
                                  Column("Địa chỉ", 30), Column("Ngày", 12, "center")],
                         rows=rows, total=("Tổng cộng: 2",), recipients=["Lưu: VT."])


def test_the_fonts_and_their_licence_are_inside_the_package():
    files = fonts.font_files()
    assert [f.name for f in files] == [f"LiberationSerif-{face}.ttf" for face in fonts.FACES]
    assert all(f.is_file() and f.stat().st_size > 100_000 for f in files)
    licence = (fonts.font_dir() / "LICENSE-LiberationSerif.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence


def test_the_alphabet_probe_is_complete():
    # 12 vowels × 6 tones + đ, in both cases
    assert len(LETTERS) == 2 * (12 * 6 + 1) == len(set(LETTERS))
    assert "ự" in LETTERS and "Ỵ" in LETTERS and "Đ" in LETTERS


def test_every_face_draws_every_vietnamese_letter_itself():
    assert printing.font_family() == fonts.PRINT_FAMILY
    assert fonts.missing_letters() == {}


def test_a_font_that_lacks_letters_is_found_out():
    # A family this machine does not have: Qt substitutes another, which is reported.
    assert set(fonts.missing_letters("Không Có Phông Này")) == set(fonts.FACES)


def test_the_pdf_uses_the_shipped_serif_alone(letterhead, tmp_path):
    path = printing.export_pdf(_doc(letterhead), tmp_path / "fonts.pdf")
    used = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            used.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    # Regular, bold (headers, title) and italic (date line): no other font, so no letter of a
    # word is borrowed from DejaVu or another fallback.
    assert used and all(name.startswith("LiberationSerif") for name in used), used
    assert {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic"} <= used
    text = "".join(page.extract_text() for page in PdfReader(path).pages).replace("\t", " ")
    assert "Nguyễn Thị Hương, Trần Văn Đức" in text


def test_a_missing_font_file_is_a_clear_message(monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "_registered_for", None)
    monkeypatch.setattr(fonts, "font_dir", lambda: tmp_path)
    with pytest.raises(fonts.FontError, match="phông chữ đi kèm chương trình: "
                                              "LiberationSerif-Regular.ttf"):
        fonts.register_fonts()


def test_the_workbook_keeps_naming_times_new_roman(letterhead):
    ws = to_workbook(_doc(letterhead)).active
    names = {cell.font.name for row in ws.iter_rows() for cell in row if cell.value is not None}
    assert names == {FONT_NAME} == {"Times New Roman"}
