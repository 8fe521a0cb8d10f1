"""The ward's yearly statistics of mediation cases by team, type and outcome (issue 4), a
printable document (print preview, printing and PDF as well as .xlsx). The teams' own book is in
:mod:`.mediation_book`."""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook

from ...enums import MediationType
from ...numbers import percent_text
from ...services.mediation_stats import MediationStats, OutcomeRow
from ..document import Paragraph, TableDocument, to_workbook
from ..layout import Column, Heading, Subtotal
from ..registry import Form, Params, load_letterhead, register

TYPES = list(MediationType)

STATS_COLUMNS = [
    Column("STT", 5, "center"),
    Column("Tổ hòa giải / loại vụ, việc", 29),
    Column("Tổng số vụ, việc tiếp nhận", 8.5, "center"),
    *[Column(t.short, 7.5, "center", group="Chia theo loại vụ, việc") for t in TYPES],
    Column("Hòa giải thành", 7.5, "center", group="Chia theo kết quả hòa giải"),
    Column("Hòa giải không thành", 7.5, "center", group="Chia theo kết quả hòa giải"),
    Column("Chấm dứt theo yêu cầu", 7.5, "center", group="Chia theo kết quả hòa giải"),
    Column("Chuyển cơ quan có thẩm quyền", 8, "center", group="Chia theo kết quả hòa giải"),
    Column("Đang hòa giải", 7.5, "center", group="Chia theo kết quả hòa giải"),
]


def percent(value: float) -> str:
    """37.5 → "37,5", 81.25 → "81,3" (rounded half up; decimal comma, none when whole)."""
    return percent_text(value)


# -- the ward's statistics ----------------------------------------------------------------------
def _figures(row: OutcomeRow, types: bool = True) -> list:
    by_type = [row.by_type[t] for t in TYPES] if types else [None] * len(TYPES)
    return [row.received, *by_type, *row.outcomes]


def stats_document(db, params: Params) -> TableDocument:
    letterhead = load_letterhead(db)
    year = MediationStats(db).year_outcomes(params.year)
    rows: list = [Heading("I. THEO TỔ HÒA GIẢI")]
    rows += [[i, r.label, *_figures(r)] for i, r in enumerate(year.teams, start=1)]
    rows.append(Subtotal(["Cộng", None, *_figures(year.total)]))
    rows.append(Heading("II. THEO LOẠI VỤ, VIỆC"))
    rows += [[i, t.label, *_figures(year.by_type[t], types=False)]
             for i, t in enumerate(TYPES, start=1)]
    type_total = OutcomeRow("Cộng")
    for r in year.by_type.values():
        type_total.add(r)
    rows.append(Subtotal(["Cộng", None, *_figures(type_total, types=False)]))
    note = None
    if year.cutoff < date(params.year, 12, 31):
        note = f"(Số liệu tính đến ngày {year.cutoff:%d/%m/%Y})"
    t = year.total
    rate = (f" (đạt {percent(t.success_rate)}% số vụ, việc tiếp nhận)"
            if t.success_rate is not None else "")
    closing = Paragraph(
        f"Năm {params.year}, toàn phường có {year.team_count} tổ hòa giải với {year.mediators} "
        f"hòa giải viên ({year.women} nữ); tiếp nhận {t.received} vụ, việc: hòa giải thành "
        f"{t.succeeded}{rate}, không thành {t.failed}, chấm dứt theo yêu cầu {t.stopped}, "
        f"chuyển cơ quan có thẩm quyền {t.referred}, đang hòa giải {t.in_progress}.",
        italic=True)
    closings = [closing]
    if year.closed_later:
        closings.append(Paragraph(
            f"Ghi chú: {year.closed_later} vụ, việc tiếp nhận trong năm {params.year} kết thúc "
            f"sau ngày {year.cutoff:%d/%m/%Y} được tính là đang hòa giải tại thời điểm báo cáo.",
            italic=True))
    return TableDocument(
        letterhead=letterhead, number=params.document_number(), on=params.document_date(),
        title="Báo cáo", subject_lines=["Kết quả hoạt động hòa giải ở cơ sở",
                                        f"Năm {params.year}"],
        note=note, columns=STATS_COLUMNS, rows=rows, closing=closings,
        recipients=letterhead.recipients, landscape=True)


def build_stats(db, params: Params) -> Workbook:
    return to_workbook(stats_document(db, params), f"Hòa giải {params.year}")


STATS = register(Form("mediation-stats", "Báo cáo kết quả hoạt động hòa giải ở cơ sở trong năm "
                      "(theo tổ hòa giải, loại vụ, việc và kết quả)", build_stats,
                      document=stats_document))

__all__ = ["STATS", "TYPES", "build_stats", "percent", "stats_document"]
