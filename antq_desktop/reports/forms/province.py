"""The province forms (issue 18, docs/ARCHITECTURE.md §6): what a province account prints about
the wards of its store, read through :mod:`antq_desktop.services.province` (one grouped query
per indicator, never one per ward).

- ``province-yearend``: the year-end summary, one block per ward (the ward's own "Toàn
  phường" block, the same indicators and rows) and the province total last;
- ``province-certification``: units registered and recognised "x/y" per category, per ward,
  then the total;
- ``province-overview``: one row per ward with its headline figures, then the total.

They are offered to a province account only (``Form.province``); reports/export.py refuses them
to any other account. The letterhead is the province police's, from the wards' units."""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook

from ... import places
from ...enums import CertCategory
from ...gcpause import gc_paused
from ...numbers import round_half_up
from ...services.indicators import IndicatorError
from ...services.province import (
    CertCounts,
    ProvinceInfo,
    province_certification,
    province_info,
    province_overview,
)
from ...services.province import (
    province_yearend as _province_figures,
)
from ..document import Paragraph, TableDocument, to_workbook
from ..layout import Column, Letterhead
from ..registry import Form, Params, ReportError, register
from . import yearend

NO_WARDS = ("Chưa có phường, xã nào được khai báo trong cơ sở dữ liệu này, nên chưa lập được "
            "biểu tổng hợp cấp tỉnh.")
NO_DATA = "—"
SHARE_FORMAT = "0.0"
COUNT_FORMAT = "#,##0"
MOVEMENT = "phong trào Toàn dân bảo vệ an ninh Tổ quốc"
TITLE_NAME = "“An toàn về an ninh, trật tự”"


# -- the province's letterhead ------------------------------------------------------------------
def _province_name(info: ProvinceInfo) -> str:
    """"Thành phố Hà Nội", "Tỉnh Cao Bằng": the official list's name with its kind."""
    try:
        return _with_kind(places.province(info.code))
    except StopIteration:
        return info.name


def _with_kind(p: places.Place) -> str:
    return p.name if p.kind != "tỉnh" else f"Tỉnh {p.name}"


def _place(name: str) -> str:
    """The place before the date: "Hà Nội" for "Thành phố Hà Nội", "Cao Bằng" for its tỉnh."""
    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def province_letterhead(db) -> tuple[Letterhead, str]:
    """The province police's letterhead (Bộ Công an above it) and the province's name;
    ReportError when no ward is set up yet."""
    info = province_info(db)
    if info is None:
        raise ReportError(NO_WARDS)
    name = _province_name(info)
    issuer = (info.police or f"CÔNG AN {name}").strip().upper()
    return Letterhead(
        superior="BỘ CÔNG AN", issuer=issuer, place=_place(name), signer_title=("GIÁM ĐỐC",),
        recipients=("Cục Xây dựng phong trào bảo vệ an ninh Tổ quốc, Bộ Công an (để báo cáo);",
                    "Công an các phường, xã;", "Lưu: VT.")), name


def _counted_to(cutoff: date, year: int) -> str | None:
    return f"(Số liệu tính đến ngày {cutoff:%d/%m/%Y})" if cutoff < date(year, 12, 31) else None


def _share(ratio) -> float | None:
    share = ratio.share
    return None if share is None else round_half_up(share)


# -- the year-end summary -----------------------------------------------------------------------
YEAREND_TITLE = ("Báo cáo tổng kết phong trào Toàn dân bảo vệ an ninh Tổ quốc toàn tỉnh (các "
                 "chỉ tiêu theo từng phường, xã và toàn tỉnh, so với năm trước)")


def yearend_document(db, params: Params, today: date | None = None) -> TableDocument:
    letterhead, province = province_letterhead(db)
    try:
        table = _province_figures(db, params.year, today)
    except IndicatorError as err:
        raise ReportError(str(err)) from None
    rows: list = []
    for ward in table.wards:
        rows += yearend._rows(table.items, ward_block(ward.name, ward.figures), False)
    rows += yearend._rows(table.items, ward_block(f"TOÀN {province}", table.total), False)
    closing = []
    if any(item.ratio for item in table.definitions.indicators):
        closing.append(Paragraph(yearend.RATIO_NOTE.format(year=params.year,
                                                           last=params.year - 1),
                                 italic=True, size=12))
    return TableDocument(
        letterhead=letterhead, number=params.document_number(),
        on=params.document_date(today), title="Báo cáo",
        subject_lines=[f"Tổng kết {MOVEMENT} năm {params.year}",
                       f"{province}: {len(table.wards)} phường, xã"],
        note=_counted_to(table.cutoff, params.year), columns=yearend.columns(params.year),
        rows=rows, closing=closing, recipients=letterhead.recipients, landscape=True)


class _Block:
    """A block of the year-end summary: its heading and its figures by indicator code."""

    def __init__(self, name: str, figures):
        self.name, self.figures, self.area_id = name, figures, None

    def __getitem__(self, code: str):
        return self.figures[code]


def ward_block(name: str, figures) -> _Block:
    return _Block(name.upper(), figures)


def province_yearend(db, year: int, today: date | None = None) -> Workbook:
    """The province year-end summary's workbook for ``year`` (the benchmark's entry point):
    ``db`` must work for a province account."""
    return yearend_build(db, Params(year=year), today)


def yearend_build(db, params: Params, today: date | None = None) -> Workbook:
    with gc_paused():
        return to_workbook(yearend_document(db, params, today), f"Tổng kết tỉnh {params.year}",
                           sheet_class=yearend.YearEndSheet)


# -- the certification ratios -------------------------------------------------------------------
CERT_TITLE = f"Tổng hợp kết quả xây dựng đơn vị {TITLE_NAME} theo từng phường, xã"
CERT_SHOWN = (CertCategory.AREA, CertCategory.AGENCY, CertCategory.ENTERPRISE,
              CertCategory.SCHOOL, CertCategory.WARD)
CERT_LABELS = {CertCategory.AREA: "Khu dân cư", CertCategory.AGENCY: "Cơ quan",
               CertCategory.ENTERPRISE: "Doanh nghiệp", CertCategory.SCHOOL: "Nhà trường",
               CertCategory.WARD: "Phường, xã"}
CERT_NOTE = ("Mỗi ô “x/y”: x đơn vị đã đăng ký (hoặc đã được công nhận) trên y đơn vị tính cho "
             "năm {year} (không kể đơn vị đã thôi hoạt động); cột “Phường, xã”: chính phường, xã "
             "đó. Tỷ lệ công nhận và tiêu chí tính trên khu dân cư, cơ quan, doanh nghiệp, nhà "
             "trường: đạt khi 100% đã đăng ký và ít nhất 70% được công nhận.")


def cert_columns() -> list[Column]:
    cols = [Column("STT", 5, "center"), Column("Phường, xã", 21)]
    for category in CERT_SHOWN:
        cols += [Column("Đăng ký", 8, "center", group=CERT_LABELS[category]),
                 Column("Công nhận", 8, "center", group=CERT_LABELS[category])]
    return cols + [Column("Tỷ lệ công nhận (%)", 8, "center", SHARE_FORMAT),
                   Column("Đạt tiêu chí", 10, "center")]


def _cert_values(categories, counted: CertCounts) -> list:
    values = []
    for category in CERT_SHOWN:
        c = categories[category]
        values += [str(c.registered_ratio), str(c.recognised_ratio)]
    share = _share(counted.recognised_ratio)
    return values + [share if share is not None else NO_DATA]


def cert_document(db, params: Params, today: date | None = None) -> TableDocument:
    letterhead, province = province_letterhead(db)
    data = province_certification(db, params.year)
    rows = [[number, ward.name, *_cert_values(ward.categories, ward.counted),
             "Đạt" if ward.met else "Chưa đạt"]
            for number, ward in enumerate(data.wards, start=1)]
    total = data.total
    return TableDocument(
        letterhead=letterhead, number=params.document_number(),
        on=params.document_date(today), title="Báo cáo",
        subject_lines=[(f"Kết quả xây dựng khu dân cư, cơ quan, doanh nghiệp, nhà trường "
                        f"{TITLE_NAME} năm {params.year}"),
                       f"{province}: {len(data.wards)} phường, xã"],
        columns=cert_columns(), rows=rows,
        total=("Tổng cộng", None, *_cert_values(total.categories, total.counted),
               f"{data.wards_met} đạt"),
        closing=[Paragraph(CERT_NOTE.format(year=params.year), italic=True, size=12)],
        recipients=letterhead.recipients, landscape=True, empty=NO_WARDS)


# -- the overview -------------------------------------------------------------------------------
OVERVIEW_TITLE = "Tổng hợp các chỉ tiêu chính của phong trào theo từng phường, xã"
LINE = 70  # percent of units recognised: the certification's line


def overview_columns() -> list[Column]:
    households, mediation = "Hộ đăng ký", "Hòa giải"
    cert, other = "Đơn vị được công nhận", "Tin báo, tuần tra"
    return [
        Column("STT", 5, "center"),
        Column("Phường, xã", 22),
        Column("Số hộ/hộ cư trú", 13, "center", group=households),
        Column("Tỷ lệ (%)", 8, "center", SHARE_FORMAT, group=households),
        Column("Người được quản lý, giáo dục", 12, "center", COUNT_FORMAT),
        Column("Tiếp nhận", 9, "center", COUNT_FORMAT, group=mediation),
        Column("Thành", 9, "center", COUNT_FORMAT, group=mediation),
        Column("Số đơn vị/tổng số", 10, "center", group=cert),
        Column("Tỷ lệ (%)", 8, "center", SHARE_FORMAT, group=cert),
        Column(f"So với {LINE}%", 9, "center", group=cert),
        Column("Tin báo", 9, "center", COUNT_FORMAT, group=other),
        Column("Buổi tuần tra", 9, "center", COUNT_FORMAT, group=other),
    ]


def _overview_values(row) -> list:
    counted = row.certification.counted
    cert_share = _share(counted.recognised_ratio)
    signup = _share(row.signup)
    return [str(row.signup), NO_DATA if signup is None else signup, row.rehab_managed,
            row.mediation_received, row.mediation_succeeded,
            str(counted.recognised_ratio), NO_DATA if cert_share is None else cert_share,
            NO_DATA if cert_share is None else ("Đạt" if cert_share >= LINE else "Chưa đạt"),
            row.tips, row.patrols]


OVERVIEW_NOTE = ("Hộ đăng ký: hộ gia đình đăng ký xây dựng khu dân cư “An toàn về an ninh, trật "
                 "tự” trên số hộ đang cư trú; hòa giải: vụ, việc tiếp nhận và hòa giải thành; "
                 "đơn vị được công nhận “An toàn về an ninh, trật tự”: khu dân cư, cơ quan, "
                 "doanh nghiệp, nhà trường, so với mức {line}% của tiêu chí phường, xã.")


def overview_document(db, params: Params, today: date | None = None) -> TableDocument:
    letterhead, province = province_letterhead(db)
    data = province_overview(db, params.year, today)
    rows = [[number, ward.name, *_overview_values(ward)]
            for number, ward in enumerate(data.wards, start=1)]
    total = ["Toàn tỉnh", None, *_overview_values(data.total)]
    at_line = sum(row[9] == "Đạt" for row in rows)
    total[9] = f"{at_line}/{len(rows)} đạt"  # the wards at the line, not the province's share
    return TableDocument(
        letterhead=letterhead, number=params.document_number(),
        on=params.document_date(today), title="Báo cáo",
        subject_lines=[f"Các chỉ tiêu chính của {MOVEMENT} năm {params.year}",
                       f"{province}: {len(data.wards)} phường, xã"],
        note=_counted_to(data.cutoff, params.year), columns=overview_columns(), rows=rows,
        total=total, closing=[Paragraph(OVERVIEW_NOTE.format(line=LINE), italic=True, size=12)],
        recipients=letterhead.recipients, landscape=True, empty=NO_WARDS)


# -- the registry -------------------------------------------------------------------------------
YEAREND = register(Form("province-yearend", YEAREND_TITLE, yearend_build,
                        document=yearend_document, province=True))
CERTIFICATION = register(Form(
    "province-certification", CERT_TITLE,
    lambda db, p: to_workbook(cert_document(db, p), f"Công nhận {p.year}"),
    document=cert_document, province=True))
OVERVIEW = register(Form(
    "province-overview", OVERVIEW_TITLE,
    lambda db, p: to_workbook(overview_document(db, p), f"Tổng hợp {p.year}"),
    document=overview_document, province=True))

__all__ = ["CERTIFICATION", "OVERVIEW", "YEAREND", "cert_document", "overview_document",
           "province_letterhead", "province_yearend", "yearend_document"]
