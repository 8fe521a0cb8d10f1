"""The mediation team's own book, Sổ theo dõi hoạt động hòa giải ở cơ sở (the Ministry of
Justice's model; issues 4 and 11): cover, Part I the cases, Part II the leader's summary by
mediator. One continuous book per team, with its number and opening day on the cover; an
export prints the part for one year, its cases numbered as in the whole book. It is not a
police document: no letterhead, no place and date line, no signature block."""

from __future__ import annotations

import re
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from ...services.mediation import MediationService
from ...services.mediation_stats import Book, MediationStats
from ...services.unit import UnitService
from ..layout import MOTTO, NATIONAL_TITLE, Column, Sheet, font
from ..registry import Form, Params, ReportError, load_letterhead, register
from .mediation import TYPES

BOOK_TITLE = "SỔ THEO DÕI HOẠT ĐỘNG HÒA GIẢI Ở CƠ SỞ"
MARK = "x"  # the tick in the "thành" / "không thành" column
BLANK = "……"
SIGNING_HEIGHT = 48.0  # points: a case's row leaves about 17 mm to sign in column 9

PART_ONE_COLUMNS = [
    Column("STT", 5, "center"),
    Column("Ngày, tháng, năm nhận vụ, việc hòa giải", 12.5, "center"),
    Column("Họ và tên hòa giải viên, người được mời tham gia hòa giải (nếu có)", 18),
    Column("Họ tên, tuổi, địa chỉ các bên, người có quyền, nghĩa vụ liên quan đến vụ, việc "
           "hòa giải (nếu có)", 22),
    Column("Nội dung chủ yếu của vụ, việc", 22),
    Column("Thỏa thuận của các bên (hoặc yêu cầu của mỗi bên) sau khi hòa giải", 22),
    Column("Hòa giải thành", 7, "center", group="Kết quả hòa giải"),
    Column("Hòa giải không thành", 7, "center", group="Kết quả hòa giải"),
    Column("Chữ ký (hòa giải viên; người chứng kiến vụ, việc hòa giải; người được mời tham "
           "gia hòa giải (nếu có))", 13),
    Column("Ghi chú", 15),
]

# The model's Part II: STT | hòa giải viên | vụ, việc chia theo phạm vi | kết quả | ghi chú.
_BY_TYPE = "Vụ, việc hòa giải chia theo phạm vi hòa giải"
PART_TWO_COLUMNS = [
    Column("STT", 5, "center"),
    Column("Hòa giải viên tiến hành hòa giải", 22),
    *[Column(t.short, 9, "center", group=_BY_TYPE) for t in TYPES],
    Column("Hòa giải thành", 8, "center", group="Kết quả hòa giải"),
    Column("Hòa giải không thành", 8, "center", group="Kết quả hòa giải"),
    Column("Ghi chú", 16),
]

def spelled_date(on: date | None) -> str:
    """"ngày 02 tháng 01 năm 2025" (ND30: a leading zero for days below 10 and for January and
    February), or blanks to fill by hand."""
    if on is None:
        return f"ngày {BLANK} tháng {BLANK} năm {BLANK}"
    month = f"{on.month:02d}" if on.month <= 2 else str(on.month)
    return f"ngày {on.day:02d} tháng {month} năm {on.year}"



# -- the book -----------------------------------------------------------------------------------
def _sheet_names(area: str, single: bool) -> tuple[str, str, str]:
    if single:
        return "Bìa", "Phần I", "Phần II"
    short = re.sub(r"[\[\]:*?/\\]", " ", area).strip()[:18].strip()
    return f"{short} - Bìa", f"{short} - Phần I", f"{short} - Phần II"


def _lines(items) -> str:
    """One item per line, each after a dash when there are several."""
    return "\n".join(f"- {x}" for x in items) if len(items) > 1 else "".join(items)


def _restart_numbers(sheet: Sheet) -> None:
    """Each part of the book numbers its own pages (from 2, as ND30 wants), also when the
    workbook is printed whole."""
    sheet.ws.page_setup.firstPageNumber = 1
    sheet.ws.page_setup.useFirstPageNumber = True


def _cover(sheet: Sheet, book: Book, province: str, ward: str) -> None:
    """The book's cover as the model has it: national title, the book's name, where it is
    kept, its number and the days it was opened and closed (the team's stored data, or dots
    to write by hand). No ND30 header and no year: the book runs on from year to year."""
    ws = sheet.ws
    _restart_numbers(sheet)
    ws.oddHeader.center.text = None  # a cover has no page number, whichever team's it is
    sheet.skip(24)
    sheet.paragraph(NATIONAL_TITLE, bold=True, align="center", size=13)
    sheet.paragraph(MOTTO, bold=True, align="center", size=14)
    ws.cell(sheet.row - 1, 1).font = font(14, bold=True, underline="single")
    sheet.skip(150)
    sheet.paragraph(BOOK_TITLE, bold=True, align="center", size=18)
    sheet.skip(140)
    lines = [
        f"Tỉnh, thành phố: {province}",
        f"Xã, phường: {ward}",
        f"Thôn, tổ dân phố: {book.area_name}",
        f"Tổ hòa giải: {book.team_name}",
        f"Quyển số: {book.book_number or BLANK}",
        f"Mở {spelled_date(book.opened_on)}",
        f"Khóa {spelled_date(book.closed_on)}",
    ]
    for line in lines:
        sheet.paragraph(line, align="left", size=14)
        ws.cell(sheet.row - 1, 1).alignment = Alignment(horizontal="left", vertical="center",
                                                        wrap_text=True, indent=10)
        sheet.skip(6)
    ws.print_area = f"A1:C{sheet.row - 1}"


def _part(book: Book) -> str:
    """Which part of the continuous book a sheet prints: the year and the cases' numbers."""
    numbers = book.numbers
    if numbers is None:
        return f"{book.team_name} — năm {book.year}"
    first, last = numbers
    which = f"vụ, việc số {first}" if first == last else f"vụ, việc số {first} đến số {last}"
    return f"{book.team_name} — năm {book.year}: {which}"


def _table(sheet: Sheet, rows, *, empty: str, total=None, min_height: float = 0) -> None:
    """The part's table, which closes the sheet: no signature block (the book is signed case
    by case, in column 9), so the print area and the header rows repeated on every page are
    set here. ``min_height`` leaves room to sign in each case's row."""
    ws, top = sheet.ws, sheet.row
    sheet.table(rows, total=total, empty=empty)
    header_rows = (2 if any(c.group for c in sheet.columns) else 1) + 1  # and "(1) (2) …"
    ws.print_title_rows = f"{top}:{top + header_rows - 1}"
    if min_height and rows:
        for r in range(top + header_rows, top + header_rows + len(rows)):
            height = ws.row_dimensions[r].height or 0
            ws.row_dimensions[r].height = max(height, min_height)
    ws.print_area = f"A1:{get_column_letter(sheet.ncols)}{sheet.row - 1}"


def _part_one(sheet: Sheet, book: Book) -> None:
    """Part I, the mediators' record: the cases received in the year, numbered as in the
    whole book. Column 9 is left for the signatures, column 10 holds the note typed for the
    case only (never the program's reminders, such as the 3-day rule)."""
    _restart_numbers(sheet)
    sheet.title("PHẦN I", ["GHI CHÉP CỦA HÒA GIẢI VIÊN"], note=_part(book))
    rows = [[e.number, e.received_on, e.mediators, _lines(e.parties), e.content, e.agreement,
             MARK if e.succeeded else None, MARK if e.failed else None, None, e.notes or None]
            for e in book.entries]
    _table(sheet, rows, empty=f"(Năm {book.year} chưa có vụ, việc hòa giải nào.)",
           min_height=SIGNING_HEIGHT)


def _part_two(sheet: Sheet, book: Book) -> None:
    """Part II, the leader's summary of the year's cases by mediator, in the model's columns:
    STT | mediator | cases by scope | result | notes."""
    _restart_numbers(sheet)
    sheet.title("PHẦN II", ["THEO DÕI, TỔNG HỢP CỦA TỔ TRƯỞNG TỔ HÒA GIẢI"], note=_part(book))
    rows = []
    number = 0
    for m in book.mediators:
        counted = m.name != "Chưa ghi hòa giải viên"
        number += counted
        rows.append([number if counted else None, m.name, *[m.by_type[t] for t in TYPES],
                     m.succeeded, m.failed, m.note or None])
    t = book.total
    _table(sheet, rows, total=["Cộng", None, *[t.by_type[x] for x in TYPES], t.succeeded,
                               t.failed],
           empty=f"(Năm {book.year} tổ chưa có hòa giải viên, chưa có vụ, việc hòa giải nào.)")
    sheet.paragraph("Một vụ, việc do nhiều hòa giải viên cùng tiến hành được tính cho mỗi người; "
                    "dòng Cộng tính mỗi vụ, việc một lần.", italic=True, size=12)
    sheet.ws.print_area = f"A1:{get_column_letter(sheet.ncols)}{sheet.row - 1}"


def build_book(db, params: Params) -> Workbook:
    """Per team: the cover, Part I and Part II of its book for the cases received in
    ``params.year``. No police letterhead, place and date line or signature on any sheet:
    the book is the mediation team's own (DOMAIN.md §3)."""
    letterhead = load_letterhead(db)  # the sheets' fonts and page setup only: never printed
    unit = UnitService(db).get()
    stats = MediationStats(db)
    if params.area_id is not None:
        team_id = MediationService(db).team_for_area(params.area_id)
        if team_id is None:
            name = next((a.name for a in UnitService(db).areas(include_retired=True)
                         if a.id == params.area_id), "này")
            raise ReportError(f"Khu dân cư {name} chưa có tổ hòa giải; hãy lập tổ ở thẻ "
                              "Hòa giải trước.")
        team_ids = [team_id]
    else:
        team_ids = stats.book_teams(params.year)
        if not team_ids:
            raise ReportError("Chưa có tổ hòa giải nào; hãy lập tổ ở thẻ Hòa giải trước.")
    wb = Workbook()
    wb.remove(wb.active)
    for team_id in team_ids:
        book = stats.book(team_id, params.year)
        names = _sheet_names(book.area_name, len(team_ids) == 1)
        cover = Sheet(wb.create_sheet(names[0]), letterhead,
                      [Column("", 20), Column("", 60), Column("", 20)])
        _cover(cover, book, unit.province_name, unit.ward_name)
        _part_one(Sheet(wb.create_sheet(names[1]), letterhead, PART_ONE_COLUMNS,
                        landscape=True), book)
        _part_two(Sheet(wb.create_sheet(names[2]), letterhead, PART_TWO_COLUMNS,
                        landscape=True), book)
    return wb


BOOK = register(Form("mediation-book", "Sổ theo dõi hoạt động hòa giải ở cơ sở (bìa, phần I "
                     "ghi chép vụ, việc, phần II tổng hợp theo hòa giải viên)", build_book,
                     takes_area=True))

__all__ = ["BOOK", "build_book", "spelled_date"]
