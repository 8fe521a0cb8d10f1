"""Report forms of the certification area (issue 5): the lists of units proposed for, and
granted, the title "An toàn về an ninh, trật tự" in a year, for one category of units or all of
them grouped by category (docs/DOMAIN.md §4). Both are printable documents: print preview, printing
and PDF as well as .xlsx. The proposal list is the police's (it goes with their tờ trình: their
letterhead, number and signature); the list of units recognised is an annex of the People's
Committee's decision (no police header or signature: "Kèm theo Quyết định số … ngày … của …")."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ...enums import CertCategory, CertResult
from ...services.certification import CATEGORY_ORDER, CertificationService, CertRow
from ...services.settings import CertSettings, SettingsService
from ...text import ROMAN
from ..document import TableDocument, to_workbook
from ..layout import Column, Heading
from ..registry import Form, Params, load_letterhead, register

TITLE_NAME = "“An toàn về an ninh, trật tự”"
EMPTY = "Không có đơn vị nào."
# Who the subject line speaks of: all units, or one category.
SUBJECT_LEAD = {
    None: "Các đơn vị",
    CertCategory.AREA: "Khu dân cư",
    CertCategory.AGENCY: "Cơ quan",
    CertCategory.ENTERPRISE: "Doanh nghiệp",
    CertCategory.SCHOOL: "Cơ sở giáo dục",
    CertCategory.WARD: "Xã, phường, đặc khu",
}

_COMMON = [
    Column("STT", 5, "center"),
    Column("Tên đơn vị", 24),
    Column("Địa chỉ", 22),
    Column("Người đứng đầu", 16),
    Column("Ngày đăng ký phấn đấu", 11, "center"),
    Column("Ngày họp đánh giá", 11, "center"),
]
PROPOSED_COLUMNS = [
    *_COMMON,
    Column("Số tiêu chuẩn đạt", 10, "center"),
    Column("Kết quả", 9, "center"),
    Column("Ghi chú", 16),
]
RECOGNISED_COLUMNS = [
    *_COMMON,
    Column("Kết quả", 9, "center"),
    Column("Số, ngày quyết định công nhận", 17, "center"),
    Column("Số Giấy công nhận", 11, "center"),
]


def decision_text(unit: CertRow) -> str:
    """"15/QĐ-UBND ngày 12/11/2025" (either part may be missing)."""
    parts = [unit.decision_number]
    if unit.decision_date is not None:
        parts.append(f"ngày {unit.decision_date:%d/%m/%Y}")
    return " ".join(p for p in parts if p)


def _proposed_row(number: int, u: CertRow) -> list:
    return [number, u.name, u.address, u.head_name, u.registered_on, u.evaluated_on,
            f"{u.criteria_met}/{u.criteria_total}", u.result.label if u.result else "",
            "Đã công nhận" if u.decision_number else ""]


def _recognised_row(number: int, u: CertRow) -> list:
    return [number, u.name, u.address, u.head_name, u.registered_on, u.evaluated_on,
            u.result.label if u.result else "", decision_text(u), u.certificate_number]


def _rows(units: list[CertRow], category: CertCategory | None, row) -> list:
    """One category: numbered 1, 2, …; all: a heading per category ("I. Khu dân cư"), each
    numbered from 1."""
    if category is not None:
        return [row(i, u) for i, u in enumerate(units, start=1)]
    rows: list = []
    present = [c for c in CATEGORY_ORDER if any(u.category is c for u in units)]
    for index, cat in enumerate(present):
        rows.append(Heading(f"{ROMAN[index]}. {cat.label}"))
        chosen = [u for u in units if u.category is cat]
        rows += [row(i, u) for i, u in enumerate(chosen, start=1)]
    return rows


BLANK = "………"  # dotted blanks to fill by hand


def decision_day(on: date | None) -> str:
    """"ngày 12 tháng 11 năm 2025" (ND30: a leading zero for days below 10, for January and
    February), or dotted blanks."""
    if on is None:
        return f"ngày {BLANK} tháng {BLANK} năm {BLANK}"
    month = f"{on.month:02d}" if on.month <= 2 else str(on.month)
    return f"ngày {on.day:02d} tháng {month} năm {on.year}"


def annex_line(units: list[CertRow], params: Params, settings: CertSettings,
               today: date | None = None) -> str:
    """"(Kèm theo Quyết định số … ngày … của <decider>)": the decision this list is an annex of.

    Its number and date are the document's (``--number``, ``--date``); with no number, those of
    the one decision every listed unit was recognised by, if the records have it, else dotted
    blanks (and the date too unless it was given) to fill in by hand. Who decides is a setting per category (the ward
    itself is recognised by a higher body): one category's decider, or the one all listed units
    share; blanks when they differ."""
    number, on = params.document_number(), params.document_date(today)
    if not number:
        decisions = {(u.decision_number, u.decision_date) for u in units}
        shared = decisions.pop() if len(decisions) == 1 else (None, None)
        number, on = shared if shared[0] and shared[1] else (f"{BLANK}/QĐ-{BLANK}", params.on)
    categories = ({params.category} if params.category is not None
                  else {u.category for u in units})
    deciders = {settings.decider_for(c) for c in categories} or {settings.decider_title}
    decider = deciders.pop() if len(deciders) == 1 else BLANK
    return f"(Kèm theo Quyết định số {number} {decision_day(on)} của {decider})"


def _without_result(rows: list, columns: list[Column]) -> tuple[list, list[Column]]:
    """The rows and columns without the "Kết quả" column; its width goes to the name."""
    at = next(i for i, c in enumerate(columns) if c.header == "Kết quả")
    kept = [c for i, c in enumerate(columns) if i != at]
    name = next(i for i, c in enumerate(kept) if c.header == "Tên đơn vị")
    kept[name] = replace(kept[name], width=kept[name].width + columns[at].width)
    out = [row if isinstance(row, Heading) else [v for i, v in enumerate(row) if i != at]
           for row in rows]
    return out, kept


def _document(db, params: Params, which: str, today: date | None = None) -> TableDocument:
    letterhead = load_letterhead(db)
    units = CertificationService(db).listing(params.year, which, params.category)
    proposed = which == "proposed"
    verb = "đề nghị công nhận" if proposed else "được công nhận"
    subject = (f"{SUBJECT_LEAD[params.category]} {verb} đạt tiêu chuẩn {TITLE_NAME} "
               f"năm {params.year}")
    rows = _rows(units, params.category, _proposed_row if proposed else _recognised_row)
    columns = list(PROPOSED_COLUMNS if proposed else RECOGNISED_COLUMNS)
    if units and all(u.result is CertResult.MET for u in units):
        rows, columns = _without_result(rows, columns)  # "Đạt" on every row says nothing
    total = (f"Tổng cộng: {len(units)} đơn vị",) if units else None
    if proposed:  # goes with the police's proposal (tờ trình): its number and signature
        return TableDocument(
            letterhead=letterhead, number=params.document_number(),
            on=params.document_date(today), title="Danh sách", subject_lines=[subject],
            columns=columns, rows=rows, total=total, recipients=letterhead.recipients,
            landscape=True, empty=EMPTY)
    # an annex of the decision that recognises them (issued by the People's Committee)
    return TableDocument(
        letterhead=letterhead, number=None, on=params.document_date(today), title="Danh sách",
        subject_lines=[subject], columns=columns, rows=rows, total=total,
        note=annex_line(units, params, SettingsService(db).cert_settings(), today),
        landscape=True, empty=EMPTY, annex=True)


def proposed_document(db, params: Params) -> TableDocument:
    return _document(db, params, "proposed")


def recognised_document(db, params: Params) -> TableDocument:
    return _document(db, params, "recognised")


PROPOSED = register(Form(
    "cert-proposed", f"Danh sách đề nghị công nhận đạt tiêu chuẩn {TITLE_NAME}",
    lambda db, p: to_workbook(proposed_document(db, p), f"Đề nghị công nhận {p.year}"),
    takes_category=True, document=proposed_document))
RECOGNISED = register(Form(
    "cert-recognised", f"Danh sách công nhận đạt tiêu chuẩn {TITLE_NAME}",
    lambda db, p: to_workbook(recognised_document(db, p), f"Công nhận {p.year}"),
    takes_category=True, document=recognised_document))

__all__ = ["PROPOSED", "RECOGNISED", "proposed_document", "recognised_document"]
