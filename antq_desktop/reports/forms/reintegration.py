"""The quarterly A/B/C/D list of people released from prison or pardoned, managed and helped to
reintegrate (Nghị định 49/2020/NĐ-CP, Thông tư 10/2024/TT-BCA, mẫu HCD-09): each person with
that quarter's classification or "chưa đánh giá", never an older quarter's; their certificate
of release or pardon instead of a UBND decision. A printable document."""

from __future__ import annotations

from datetime import date

from ...regimes import ABCD
from ...services.rehab_stats import QuarterPerson, RehabStats
from ...text import ROMAN
from ..document import TableDocument, to_workbook
from ..layout import Column, Heading, Subtotal
from ..registry import Form, Params, ReportError, load_letterhead, register

NOT_EVALUATED = "Chưa đánh giá"
COLUMNS = [
    Column("STT", 5, "center"),
    Column("Họ và tên", 20),
    Column("Năm sinh", 7, "center"),
    Column("Nơi cư trú", 24),
    Column("Giấy chứng nhận chấp hành xong án phạt tù / đặc xá (số, ngày)", 20),
    Column("Ngày bắt đầu quản lý", 11.5, "center"),
    Column("Người, tổ chức giúp đỡ", 18),
    Column("Phân loại quý", 9, "center"),
    Column("Ghi chú", 14),
]
NEEDS_QUARTER = ("Danh sách phân loại A, B, C, D lập theo quý: hãy chọn quý (--quarter 1–4).")


def _row(number: int, p: QuarterPerson) -> list:
    place = ", ".join(x for x in (p.address, p.area) if x)
    shown = p.classification.value if p.classification is not None else NOT_EVALUATED
    return [number, p.name, p.birth_year, place, p.certificate, p.start_date, p.supervisor,
            shown, p.closed and f"Kết thúc {p.closed}"]


def document(db, params: Params, today: date | None = None) -> TableDocument:
    if params.quarter is None:  # Form.check says so first; a direct call too
        raise ReportError(NEEDS_QUARTER)
    letterhead = load_letterhead(db)
    people = RehabStats(db).reintegration_quarter(params.year, params.quarter)
    groups = [(f"Nhóm {c.value}: {c.label.split('– ', 1)[1]}", c) for c in ABCD]
    groups.append((f"{NOT_EVALUATED}, phân loại trong quý", None))
    rows: list = []
    index = 0
    for title, cls in groups:
        chosen = [p for p in people if p.classification is cls]
        if not chosen:
            continue
        rows.append(Heading(f"{ROMAN[index] if index < 4 else 'V'}. {title}"))
        index += 1
        rows += [_row(i, p) for i, p in enumerate(chosen, start=1)]
        rows.append(Subtotal([f"Cộng: {len(chosen)} người"]))
    return TableDocument(
        letterhead=letterhead, number=params.document_number(),
        on=params.document_date(today), title="Danh sách",
        subject_lines=["Người chấp hành xong án phạt tù, được đặc xá đang được quản lý, giúp "
                       "đỡ tái hòa nhập cộng đồng",
                       f"Phân loại quý {ROMAN[params.quarter - 1]} năm {params.year}"],
        note=params.counted_to(today), columns=COLUMNS, rows=rows,
        total=(f"Tổng cộng: {len(people)} người",) if people else None,
        recipients=letterhead.recipients, landscape=True,
        empty=f"(Quý {ROMAN[params.quarter - 1]} năm {params.year} không có người nào.)")


QUARTERLY = register(Form(
    "rehab-reintegration", "Danh sách phân loại A, B, C, D người chấp hành xong án phạt tù, "
    "được đặc xá tái hòa nhập cộng đồng (theo quý)",
    lambda db, p: to_workbook(document(db, p), f"Quý {p.quarter or ''} {p.year}"),
    takes_quarter=True, needs_quarter=True, document=document))

__all__ = ["QUARTERLY", "document"]
