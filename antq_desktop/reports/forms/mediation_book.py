"""The mediation team's own book, Sổ theo dõi hoạt động hòa giải ở cơ sở (the Ministry of
Justice's model; issues 4 and 11): cover, Part I the cases, Part II the leader's summary by
mediator. One continuous book per team, with its number and opening day on the cover; an
export prints the part for one year, its cases numbered as in the whole book. It is not a
police document: no letterhead, no place and date line, no signature block.

One :class:`~..document.SectionedDocument` draws the .xlsx (a sheet per section) and prints
(each team's cover, Part I and Part II on pages of their own), so the two cannot disagree."""

from __future__ import annotations

import re
from datetime import date

from openpyxl import Workbook

from ...services.mediation import MediationService
from ...services.mediation_stats import Book, MediationStats
from ...services.unit import UnitService
from ..document import (
    Line,
    Paragraph,
    Room,
    Section,
    SectionedDocument,
    TableDocument,
    TextPage,
    sections_to_workbook,
)
from ..layout import MOTTO, NATIONAL_TITLE, Column, Letterhead
from ..registry import Form, Params, ReportError, load_letterhead, register
from .mediation import TYPES

BOOK_TITLE = "SỔ THEO DÕI HOẠT ĐỘNG HÒA GIẢI Ở CƠ SỞ"
MARK = "x"  # the tick in the "thành" / "không thành" column
BLANK = "……"
SIGNING_HEIGHT = 48.0  # points: a case's row leaves about 17 mm to sign in column 9
COVER_INDENT = 18  # the cover's lines start this many indent levels in from the left

PART_ONE_COLUMNS = [
    Column("STT", 5, "center"),
    Column("Ngày, tháng, năm nhận vụ, việc hòa giải", 11, "center"),
    Column("Họ và tên hòa giải viên, người được mời tham gia hòa giải (nếu có)", 18),
    Column("Họ tên, tuổi, địa chỉ các bên, người có quyền, nghĩa vụ liên quan đến vụ, việc "
           "hòa giải (nếu có)", 22),
    Column("Nội dung chủ yếu của vụ, việc", 20),
    Column("Thỏa thuận của các bên (hoặc yêu cầu của mỗi bên) sau khi hòa giải", 20),
    Column("Hòa giải thành", 7, "center", group="Kết quả hòa giải"),
    Column("Hòa giải không thành", 7, "center", group="Kết quả hòa giải"),
    Column("Chữ ký (hòa giải viên; người chứng kiến vụ, việc hòa giải; người được mời tham "
           "gia hòa giải (nếu có))", 20),  # wide: its long header repeats on every page
    Column("Ghi chú", 12),
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


def _cover(book: Book, province: str, ward: str) -> TextPage:
    """The book's cover as the model has it: national title, the book's name, where it is
    kept, its number and the days it was opened and closed (the team's stored data, or dots
    to write by hand). No ND30 header and no year: the book runs on from year to year. On the
    book's landscape paper, like its parts."""
    lines = [
        Line(NATIONAL_TITLE, 13, bold=True, space_before=10),
        Line(MOTTO, 14, bold=True, underline=True),
        Line(BOOK_TITLE, 18, bold=True, space_before=110),
    ]
    details = [
        f"Tỉnh, thành phố: {province}",
        f"Xã, phường: {ward}",
        f"Thôn, tổ dân phố: {book.area_name}",
        f"Tổ hòa giải: {book.team_name}",
        f"Quyển số: {book.book_number or BLANK}",
        f"Mở {spelled_date(book.opened_on)}",
        f"Khóa {spelled_date(book.closed_on)}",
    ]
    lines += [Line(text, 14, align="left", indent=COVER_INDENT,
                   space_before=100 if i == 0 else 6) for i, text in enumerate(details)]
    return TextPage(BOOK_TITLE, lines, landscape=True)


def _part(book: Book) -> str:
    """Which part of the continuous book a sheet prints: the year and the cases' numbers."""
    numbers = book.numbers
    if numbers is None:
        return f"{book.team_name} — năm {book.year}"
    first, last = numbers
    which = f"vụ, việc số {first}" if first == last else f"vụ, việc số {first} đến số {last}"
    return f"{book.team_name} — năm {book.year}: {which}"


def _table(letterhead: Letterhead, title: str, subject: str, book: Book, columns, rows, *,
           empty: str, total=None, closing=()) -> TableDocument:
    """A part of the book: no police header and no signature block (the book is signed case
    by case, in column 9); the column headers repeat on every page."""
    return TableDocument(
        letterhead=letterhead, number=None, on=date(book.year, 12, 31), title=title,
        subject_lines=[subject], note=_part(book), columns=columns, rows=rows, total=total,
        landscape=True, empty=empty, closing=closing, state_header=False, signed=False)


def _part_one(letterhead: Letterhead, book: Book) -> TableDocument:
    """Part I, the mediators' record: the cases received in the year, numbered as in the
    whole book. Column 9 is left for the signatures (a row tall enough to sign in), column 10
    holds the note typed for the case only (never the program's reminders, such as the 3-day
    rule)."""
    rows = [[e.number, e.received_on, e.mediators, _lines(e.parties), e.content, e.agreement,
             MARK if e.succeeded else None, MARK if e.failed else None, Room(SIGNING_HEIGHT),
             e.notes or None]
            for e in book.entries]
    return _table(letterhead, "PHẦN I", "GHI CHÉP CỦA HÒA GIẢI VIÊN", book, PART_ONE_COLUMNS,
                  rows, empty=f"(Năm {book.year} chưa có vụ, việc hòa giải nào.)")


def _part_two(letterhead: Letterhead, book: Book) -> TableDocument:
    """Part II, the leader's summary of the year's cases by mediator, in the model's columns:
    STT | mediator | cases by scope | result | notes."""
    rows = []
    number = 0
    for m in book.mediators:
        counted = m.name != "Chưa ghi hòa giải viên"
        number += counted
        rows.append([number if counted else None, m.name, *[m.by_type[t] for t in TYPES],
                     m.succeeded, m.failed, m.note or None])
    t = book.total
    return _table(
        letterhead, "PHẦN II", "THEO DÕI, TỔNG HỢP CỦA TỔ TRƯỞNG TỔ HÒA GIẢI", book,
        PART_TWO_COLUMNS, rows,
        total=["Cộng", None, *[t.by_type[x] for x in TYPES], t.succeeded, t.failed],
        empty=f"(Năm {book.year} tổ chưa có hòa giải viên, chưa có vụ, việc hòa giải nào.)",
        closing=[Paragraph("Một vụ, việc do nhiều hòa giải viên cùng tiến hành được tính cho "
                           "mỗi người; dòng Cộng tính mỗi vụ, việc một lần.", italic=True,
                           size=12)])


def book_document(db, params: Params) -> SectionedDocument:
    """Per team, in turn: the cover, Part I and Part II of its book for the cases received in
    ``params.year``, each on pages of its own. No police letterhead, place and date line or
    signature anywhere: the book is the mediation team's own (docs/DOMAIN.md §3)."""
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
    sections = []
    for team_id in team_ids:
        book = stats.book(team_id, params.year)
        names = _sheet_names(book.area_name, len(team_ids) == 1)
        sections += [Section(names[0], _cover(book, unit.province_name, unit.ward_name)),
                     Section(names[1], _part_one(letterhead, book)),
                     Section(names[2], _part_two(letterhead, book))]
    return SectionedDocument(BOOK_TITLE.capitalize(), sections,
                             subject_lines=[f"Năm {params.year}"])


def build_book(db, params: Params) -> Workbook:
    """The book as a workbook: for each team its cover, Part I and Part II on sheets of their
    own, drawn from the same document that prints."""
    return sections_to_workbook(book_document(db, params))


BOOK = register(Form("mediation-book", "Sổ theo dõi hoạt động hòa giải ở cơ sở (bìa, phần I "
                     "ghi chép vụ, việc, phần II tổng hợp theo hòa giải viên)", build_book,
                     takes_area=True, document=book_document, dated=False))

__all__ = ["BOOK", "book_document", "build_book", "spelled_date"]
