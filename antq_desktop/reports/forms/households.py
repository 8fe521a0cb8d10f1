"""The household registers: "Danh sách hộ gia đình, nhân khẩu" of one residential area (the
register officers print most) and "Danh sách hộ chưa đăng ký" for the year's sign-up campaign.
Both are printable documents (.xlsx and PDF from the same TableDocument)."""

from __future__ import annotations

from datetime import date

from ...services.registers import RegisterHousehold, RegisterService, mask_id
from ...services.unit import UnitService
from ..document import TableDocument, to_workbook
from ..layout import Column, Heading, Subtotal
from ..registry import Form, Params, ReportError, load_letterhead, register

REGISTER_COLUMNS = [
    Column("STT", 5, "center"),
    Column("Số hộ", 10, "center"),
    Column("Họ và tên", 20),
    Column("Quan hệ với chủ hộ", 10, "center"),
    Column("Ngày sinh", 11.5, "center"),
    Column("Giới tính", 7, "center"),
    Column("Số định danh cá nhân", 14, "center"),
    Column("Loại cư trú", 10, "center"),
    Column("Địa chỉ", 19),
    Column("Dân tộc", 9, "center"),  # sensitive, like the ID numbers: masked without the
    Column("Tôn giáo", 10, "center"),  # right (services/registers.py)
]
UNSIGNED_COLUMNS = [
    Column("STT", 6, "center"),
    Column("Số hộ", 12, "center"),
    Column("Họ và tên chủ hộ", 26),
    Column("Địa chỉ", 30),
    Column("Số nhân khẩu", 9, "center"),
    Column("Ghi chú", 17),
]
SIGNUP_NAME = "xây dựng khu dân cư “An toàn về an ninh, trật tự”"
NEEDS_AREA = ("Danh sách hộ gia đình, nhân khẩu lập cho từng khu dân cư: hãy chọn một khu dân "
              "cư.")


def _area_name(db, area_id: int) -> str:
    return next((a.name for a in UnitService(db).areas(include_retired=True)
                 if a.id == area_id), "")


def _member_rows(number: int, h: RegisterHousehold, full_ids: bool) -> list:
    rows = []
    for i, m in enumerate(h.members):
        first = i == 0
        rows.append([number if first else None, h.code if first else None, m.name,
                     m.relation.label, m.born, m.sex.label,
                     mask_id(m.id_number, full_ids), m.residence_kind.label,
                     h.address if first else None, m.ethnicity, m.religion])
    if not rows:  # a household whose members all left by then: still listed
        rows.append([number, h.code, h.head_name, None, None, None, None, None, h.address,
                     None, None])
    return rows


def register_document(db, params: Params, today: date | None = None) -> TableDocument:
    if params.area_id is None:
        raise ReportError(NEEDS_AREA)
    letterhead = load_letterhead(db)
    households = RegisterService(db).register(params.year, params.area_id, today)
    rows: list = []
    for number, h in enumerate(households, start=1):
        rows += _member_rows(number, h, params.full_ids)
    people = sum(h.member_count for h in households)
    columns = list(REGISTER_COLUMNS)
    if not params.full_ids:  # the header says the numbers are cut
        columns[6] = Column("Số định danh cá nhân (4 số cuối)", 14, "center")
    return TableDocument(
        letterhead=letterhead, number=params.document_number(),
        on=params.document_date(today), title="Danh sách",
        subject_lines=["Hộ gia đình, nhân khẩu",
                       f"{_area_name(db, params.area_id)} — năm {params.year}"],
        note=params.counted_to(today), columns=columns, rows=rows,
        total=(f"Tổng cộng: {len(households)} hộ, {people} nhân khẩu",) if households else None,
        recipients=letterhead.recipients, landscape=True,
        empty="(Khu dân cư chưa có hộ gia đình nào.)")


def unsigned_document(db, params: Params, today: date | None = None) -> TableDocument:
    letterhead = load_letterhead(db)
    households = RegisterService(db).unsigned(params.year, params.area_id, today)
    rows: list = []
    by_area: dict[int, list[RegisterHousehold]] = {}
    for h in households:
        by_area.setdefault(h.area_id, []).append(h)
    for chosen in by_area.values():
        if params.area_id is None:
            rows.append(Heading(chosen[0].area_name))
        rows += [[i, h.code, h.head_name, h.address, h.member_count, None]
                 for i, h in enumerate(chosen, start=1)]
        if params.area_id is None:
            rows.append(Subtotal([f"Cộng: {len(chosen)} hộ"]))
    where = (_area_name(db, params.area_id) if params.area_id is not None
             else letterhead.place)
    return TableDocument(
        letterhead=letterhead, number=params.document_number(),
        on=params.document_date(today), title="Danh sách",
        subject_lines=[f"Hộ gia đình chưa đăng ký {SIGNUP_NAME} năm {params.year}", where],
        note=params.counted_to(today), columns=UNSIGNED_COLUMNS, rows=rows,
        total=(f"Tổng cộng: {len(households)} hộ chưa đăng ký",) if households else None,
        recipients=letterhead.recipients,
        empty=f"(Mọi hộ gia đình đã đăng ký năm {params.year}.)")


REGISTER = register(Form(
    "household-register", "Danh sách hộ gia đình, nhân khẩu (theo khu dân cư)",
    lambda db, p: to_workbook(register_document(db, p), "Hộ, nhân khẩu"),
    takes_area=True, needs_area=True, takes_full_ids=True, document=register_document))
UNSIGNED = register(Form(
    "households-unsigned", f"Danh sách hộ chưa đăng ký {SIGNUP_NAME} trong năm",
    lambda db, p: to_workbook(unsigned_document(db, p), f"Chưa đăng ký {p.year}"),
    takes_area=True, document=unsigned_document))

__all__ = ["REGISTER", "UNSIGNED", "register_document", "unsigned_document"]
