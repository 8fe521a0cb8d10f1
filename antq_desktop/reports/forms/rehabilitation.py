"""Report forms of the rehabilitation area (issue 3): the list of people under management with
their latest classification, and the year's summary per regime and per residential area. Both
are printable documents: print preview, printing and PDF as well as .xlsx."""

from __future__ import annotations

from openpyxl import Workbook

from ...enums import Regime
from ...regimes import ABCD
from ...services.rehab_stats import ManagedPerson, RehabStats, SummaryRow
from ...text import ROMAN
from ..document import Paragraph, TableDocument, to_workbook
from ..layout import Column, Heading, Subtotal
from ..registry import Form, Params, load_letterhead, register

LIST_COLUMNS = [
    Column("STT", 5, "center"),
    Column("Họ và tên", 22),
    Column("Năm sinh", 7, "center"),
    Column("Nơi cư trú", 26),
    Column("Quyết định", 17),
    Column("Ngày bắt đầu", 11, "center"),
    Column("Người, tổ chức giúp đỡ", 20),
    Column("Xếp loại gần nhất", 15, "center"),
    Column("Ghi chú", 18),
]


def _period_text(params: Params) -> str:
    if params.quarter:
        return f"Quý {ROMAN[params.quarter - 1]} năm {params.year}"
    return f"Năm {params.year}"


def _person_row(number: int, p: ManagedPerson) -> list:
    place = ", ".join(x for x in (p.address, p.area) if x)
    latest = f"{p.latest.short} ({p.latest_period})" if p.latest else "Chưa đánh giá"
    return [number, p.name, p.birth_year, place, p.decision, p.start_date, p.supervisor, latest,
            p.closed and f"Kết thúc {p.closed}"]


def list_document(db, params: Params) -> TableDocument:
    letterhead = load_letterhead(db)
    managed = RehabStats(db).managed(params.year, params.quarter)
    rows: list = []
    total = 0
    for index, regime in enumerate(r for r in Regime if managed[r]):
        people = managed[regime]
        rows.append(Heading(f"{ROMAN[index]}. {regime.label.upper()}"))
        if regime is Regime.REINTEGRATION:  # HCD-09: the quarterly list by group A/B/C/D
            groups = [(f"Nhóm {c.value}: {c.label.split('– ', 1)[1]}", [c]) for c in ABCD]
            groups.append(("Chưa đánh giá, xếp loại", [None]))
        else:
            groups = [("", None)]
        number = 0
        for title, classes in groups:
            chosen = [p for p in people if classes is None or p.latest in classes]
            if classes is not None and not chosen:
                continue
            if title:
                rows.append(Heading(title))
            for p in chosen:
                number += 1
                rows.append(_person_row(number, p))
        rows.append(Subtotal(["Cộng", None, f"{len(people)} người"]))
        total += len(people)
    return TableDocument(
        letterhead=letterhead, number=params.document_number(), on=params.document_date(),
        title="Danh sách",
        subject_lines=["Người được quản lý, giáo dục, giúp đỡ tại cộng đồng",
                       f"{_period_text(params)} (xếp loại gần nhất đến hết kỳ)"],
        note=params.counted_to(), columns=LIST_COLUMNS, rows=rows,
        total=["Tổng cộng", None, f"{total} người"] if total else None,
        recipients=letterhead.recipients, landscape=True)


def build_list(db, params: Params) -> Workbook:
    return to_workbook(list_document(db, params), "Danh sách")


SUMMARY_COLUMNS = [
    Column("STT", 5, "center"),
    Column("Diện quản lý / khu dân cư", 30),
    Column("Đang quản lý", 9, "center"),
    Column("Tiếp nhận trong năm", 10, "center"),
    Column("Tiến bộ rõ", 9, "center"),
    Column("Học nghề", 8, "center", group="Được giúp đỡ (người)"),
    Column("Việc làm", 8, "center", group="Được giúp đỡ (người)"),
    Column("Vay vốn", 8, "center", group="Được giúp đỡ (người)"),
    Column("Số tiền vay (đồng)", 14, "right", "#,##0"),
    Column("Tái phạm", 8, "center"),
    Column("Kết thúc quản lý", 9, "center"),
]


def _figures(row: SummaryRow) -> list:
    return [row.under_management, row.received, row.improved, row.vocational, row.jobs,
            row.loans, row.loan_amount, row.relapsed, row.closed]


SUMMARY_SUBJECT = "Kết quả quản lý, giáo dục, giúp đỡ người vi phạm pháp luật tại cộng đồng"


def summary_document(db, params: Params) -> TableDocument:
    letterhead = load_letterhead(db)
    summary = RehabStats(db).year_summary(params.year)
    rows: list = [Heading("I. THEO DIỆN QUẢN LÝ")]
    for i, r in enumerate(summary.by_regime, start=1):
        rows.append([i, r.label, *_figures(r)])
    rows.append(Subtotal(["Cộng", None, *_figures(summary.total)]))
    rows.append(Heading("II. THEO KHU DÂN CƯ"))
    area_total = SummaryRow("Cộng")
    for i, r in enumerate(summary.by_area, start=1):
        rows.append([i, r.label, *_figures(r)])
        area_total.add(r)
    rows.append(Subtotal(["Cộng", None, *_figures(area_total)]))
    t = summary.total
    closing = Paragraph(
        f"Trong năm {params.year}: tiếp nhận {t.received} người; {t.improved} người tiến bộ rõ; "
        f"giúp {t.vocational} người học nghề, {t.jobs} người có việc làm, {t.loans} người vay "
        f"vốn; {t.relapsed} người tái phạm; kết thúc quản lý {t.closed} người.", italic=True)
    return TableDocument(
        letterhead=letterhead, number=params.document_number(), on=params.document_date(),
        title="Báo cáo",
        subject_lines=[SUMMARY_SUBJECT, f"Năm {params.year}"], note=params.counted_to(),
        columns=SUMMARY_COLUMNS, rows=rows, closing=[closing],
        recipients=letterhead.recipients, landscape=True)


def build_summary(db, params: Params) -> Workbook:
    return to_workbook(summary_document(db, params), f"Tổng hợp {params.year}")


LIST = register(Form("rehab-list", "Danh sách người được quản lý, giáo dục, giúp đỡ "
                     "(theo diện; tái hòa nhập theo nhóm A, B, C, D)", build_list,
                     takes_quarter=True, document=list_document))
SUMMARY = register(Form("rehab-summary", "Báo cáo tổng hợp kết quả quản lý, giáo dục, giúp đỡ "
                        "trong năm (theo diện và khu dân cư)", build_summary,
                        document=summary_document))

__all__ = ["LIST", "SUMMARY", "build_list", "build_summary", "list_document",
           "summary_document"]
