"""The papers of the "An toàn về an ninh, trật tự" certification (Thông tư 124/2021/TT-BCA,
docs/DOMAIN.md §4) as Word documents, in the state document format (Nghị định 30/2020). The circular
annexes no official forms, so these follow the usual layout of such papers:

- ``cert-registration``: the unit's registration (bản đăng ký phấn đấu), one per unit;
- ``cert-minutes``: the minutes of its evaluation meeting (biên bản họp đánh giá), one per unit,
  with its criteria checklist;
- ``cert-proposal``: the police's proposal (tờ trình) with the list of units proposed as annex;
- ``cert-decision``: the People's Committee chairman's decision with the list recognised as
  annex (the annex is the one of ``cert-recognised``);
- ``cert-certificate``: the certificate (Giấy công nhận), one landscape framed page per
  recognised unit; a unit not recognised (no decision) gets none.
"""

from __future__ import annotations

from datetime import date

from ...criteria import criteria_for
from ...enums import CertCategory, CertResult
from ...services.certification import CATEGORY_ORDER, CertificationService, CertRow
from ...services.settings import SettingsService
from ..forms.certification import (
    SUBJECT_LEAD,
    TITLE_NAME,
    decision_day,
    decision_text,
)
from ..layout import Letterhead, place_date
from ..registry import Params, ReportError, load_letterhead
from . import base
from .yearend_report import _title_case_place

CIRCULAR = ("Thông tư số 124/2021/TT-BCA ngày 28/12/2021 của Bộ trưởng Bộ Công an quy định "
            "khu dân cư, xã, phường, thị trấn, cơ quan, doanh nghiệp, cơ sở giáo dục đạt tiêu "
            "chuẩn “An toàn về an ninh, trật tự”")
HEAD_TITLE = {
    CertCategory.AREA: "Trưởng khu dân cư",
    CertCategory.AGENCY: "Thủ trưởng cơ quan",
    CertCategory.ENTERPRISE: "Giám đốc doanh nghiệp",
    CertCategory.SCHOOL: "Hiệu trưởng",
    CertCategory.WARD: "Chủ tịch Ủy ban nhân dân",
}


def _day(on: date | None) -> str:
    return f"{on:%d/%m/%Y}" if on else base.DOTS


def committee(letterhead: Letterhead) -> str:
    """"ỦY BAN NHÂN DÂN PHƯỜNG HOÀN KIẾM", from the unit's place name."""
    return f"ỦY BAN NHÂN DÂN {letterhead.place.upper()}"


def _select(rows: list[CertRow], params: Params) -> list[CertRow]:
    if params.units:
        wanted = set(params.units)
        rows = [r for r in rows if r.unit_id in wanted]
    return rows


def _unit_header(doc, letterhead: Letterhead, unit: CertRow, on: date | None) -> None:
    lines = ([letterhead.place.upper(), unit.name.upper()] if unit.category is CertCategory.AREA
             else [unit.name.upper()])
    place = letterhead.place
    base.header_block(doc, lines, None, place, on)


def _units_for(db, params: Params, keep) -> list[CertRow]:
    rows = CertificationService(db).year_rows(params.year, params.category)
    chosen = _select(rows, params)
    return chosen if params.units else [r for r in chosen if keep(r)]


# -- the registration ---------------------------------------------------------------------------
def registration(db, params: Params, today: date | None = None):
    letterhead = load_letterhead(db)
    units = _units_for(db, params, lambda r: r.registered_on is not None)
    if not units:
        raise ReportError(f"Năm {params.year} chưa có đơn vị nào đăng ký phấn đấu.")
    doc = base.new_document()
    issuer = _title_case_place(letterhead.issuer)
    for index, unit in enumerate(units):
        if index:
            base.restart_numbering(doc)
        _unit_header(doc, letterhead, unit, unit.registered_on or params.on)
        base.title_block(doc, "Bản đăng ký", [f"Phấn đấu đạt tiêu chuẩn {TITLE_NAME} năm "
                                             f"{params.year}"])
        base.para(doc, f"Kính gửi: Ủy ban nhân dân {letterhead.place}; {issuer}.",
                  align="center", after=6)
        base.body(doc, f"Căn cứ {CIRCULAR};")
        base.body(doc, f"{unit.name} ({unit.category.label.lower()}; địa chỉ: "
                       f"{unit.address or base.DOTS}) đăng ký phấn đấu đạt tiêu chuẩn "
                       f"{TITLE_NAME} năm {params.year}, với các tiêu chuẩn sau:")
        for c in criteria_for(unit.category):
            base.body(doc, f"{c.number}. {c.text}")
        base.body(doc, f"Biện pháp thực hiện: {base.TO_FILL}")
        base.body(doc, "Chúng tôi cam kết thực hiện đầy đủ các nội dung đã đăng ký./.")
        base.signature_block(doc, [HEAD_TITLE[unit.category]], unit.head_name)
    return doc


# -- the minutes --------------------------------------------------------------------------------
def minutes(db, params: Params, today: date | None = None):
    letterhead = load_letterhead(db)
    units = _units_for(db, params, lambda r: r.evaluated_on is not None or r.result is not None)
    if not units:
        raise ReportError(f"Năm {params.year} chưa có đơn vị nào họp đánh giá.")
    service = CertificationService(db)
    doc = base.new_document()
    for index, unit in enumerate(units):
        if index:
            base.restart_numbering(doc)
        record = service.record(unit.unit_id, params.year)
        _unit_header(doc, letterhead, unit, unit.evaluated_on)
        base.title_block(doc, "Biên bản", [f"Họp đánh giá, đề nghị công nhận đạt tiêu chuẩn "
                                          f"{TITLE_NAME} năm {params.year}"])
        on = unit.evaluated_on
        when = (f"ngày {on.day:02d} tháng {on.month:02d} năm {on.year}" if on
                else decision_day(None))
        base.body(doc, f"Hôm nay, vào hồi {base.DOTS} giờ {base.DOTS}, {when}, tại "
                       f"{unit.address or base.DOTS}, {unit.name} tổ chức họp đánh giá kết quả "
                       f"thực hiện các tiêu chuẩn {TITLE_NAME} năm {params.year} theo {CIRCULAR}.")
        base.heading(doc, "I. THÀNH PHẦN")
        base.body(doc, f"Chủ trì: {unit.head_name or base.DOTS}, {HEAD_TITLE[unit.category]}.")
        base.body(doc, f"Thư ký: {base.DOTS}")
        base.body(doc, f"Đại diện {_title_case_place(letterhead.issuer)} và các thành phần "
                       f"khác: {base.TO_FILL}")
        base.heading(doc, "II. NỘI DUNG")
        base.body(doc, "Cuộc họp đánh giá từng tiêu chuẩn như sau:")
        rows = [[str(s.criterion.number), s.criterion.text, "Đạt" if s.met else "Chưa đạt",
                 s.note or (s.computed_text or "")] for s in record.checklist]
        base.grid_table(doc, ["TT", "Tiêu chuẩn", "Kết quả", "Ghi chú"], rows,
                        [6, 60, 12, 22], size=12, centred=(0, 2))
        met = sum(s.met for s in record.checklist)
        result = record.result
        verdict = ("đề nghị Chủ tịch Ủy ban nhân dân xem xét, công nhận"
                   if result is CertResult.MET else "chưa đủ điều kiện đề nghị công nhận")
        base.heading(doc, "III. KẾT QUẢ")
        base.body(doc, f"{unit.name} đạt {met}/{len(record.checklist)} tiêu chuẩn; kết quả: "
                       f"{result.label.lower() if result else base.DOTS}. Cuộc họp thống nhất "
                       f"{verdict} đạt tiêu chuẩn {TITLE_NAME} năm {params.year}.")
        base.body(doc, f"Ý kiến khác: {base.TO_FILL}")
        base.body(doc, f"Cuộc họp kết thúc vào hồi {base.DOTS} giờ {base.DOTS} cùng ngày; biên "
                       "bản đã được đọc lại cho mọi người cùng nghe và nhất trí./.")
        base.signature_block(doc, ["Chủ trì"], unit.head_name, left_title=["Thư ký"])
    return doc


# -- the proposal and the decision ----------------------------------------------------------------
def _annex_table(doc, units: list[CertRow], category: CertCategory | None,
                 recognised: bool) -> None:
    headers = ["STT", "Tên đơn vị", "Địa chỉ", "Người đứng đầu", "Ngày đăng ký",
               "Ngày họp đánh giá"]
    widths = [8, 32, 28, 22, 17, 17]
    if recognised:
        headers += ["Số, ngày quyết định", "Số Giấy công nhận"]
        widths += [24, 17]
    else:
        headers += ["Số tiêu chuẩn đạt"]
        widths += [14]
    rows: list[list[str]] = []
    bold: list[int] = []
    present = [c for c in CATEGORY_ORDER if any(u.category is c for u in units)]
    for cat in present:
        chosen = [u for u in units if u.category is cat]
        if category is None:
            bold.append(len(rows))
            rows.append(["", cat.label.upper()] + [""] * (len(headers) - 2))
        for i, u in enumerate(chosen, start=1):
            row = [str(i), u.name, u.address, u.head_name, _day(u.registered_on),
                   _day(u.evaluated_on)]
            row += ([decision_text(u), u.certificate_number] if recognised
                    else [f"{u.criteria_met}/{u.criteria_total}"])
            rows.append(row)
    base.grid_table(doc, headers, rows, widths, size=12, centred=(0, 4, 5, 6, 7),
                    bold_rows=bold)
    base.para(doc, f"Tổng cộng: {len(units)} đơn vị.", bold=True, before=6)


def _counts_text(units: list[CertRow]) -> str:
    parts = []
    for cat in CATEGORY_ORDER:
        n = sum(u.category is cat for u in units)
        if n:
            parts.append(f"{n} {cat.label.lower()}")
    return ", ".join(parts) or "0 đơn vị"


def proposal(db, params: Params, today: date | None = None):
    letterhead = load_letterhead(db)
    settings = SettingsService(db).cert_settings()
    units = _select(CertificationService(db).listing(params.year, "proposed", params.category),
                    params)
    if not units:
        raise ReportError(f"Năm {params.year} chưa có đơn vị nào được đề nghị công nhận.")
    lead = SUBJECT_LEAD[params.category].lower()
    subject = f"Về việc đề nghị công nhận {lead} đạt tiêu chuẩn {TITLE_NAME} năm {params.year}"
    number, on = params.document_number(), params.document_date(today)
    categories = {u.category for u in units}
    deciders = {settings.decider_for(c) for c in categories}
    decider = deciders.pop() if len(deciders) == 1 else settings.decider_title
    doc = base.new_document()
    base.header_block(doc, [letterhead.superior, letterhead.issuer], number, letterhead.place,
                      on)
    base.title_block(doc, "Tờ trình", [subject])
    base.para(doc, f"Kính gửi: {decider}.", align="center", after=6)
    issuer = _title_case_place(letterhead.issuer)
    base.body(doc, f"Căn cứ {CIRCULAR};")
    base.body(doc, f"Căn cứ kết quả họp đánh giá của các đơn vị và hồ sơ đề nghị xét công nhận "
                   f"năm {params.year}, {issuer} kính trình {decider} xem xét, công nhận "
                   f"{len(units)} đơn vị ({_counts_text(units)}) đạt tiêu chuẩn {TITLE_NAME} "
                   f"năm {params.year} (có danh sách kèm theo).")
    base.body(doc, f"Đánh giá chung: {base.TO_FILL}")
    base.body(doc, f"Kính trình {decider} xem xét, quyết định./.")
    base.signature_block(doc, letterhead.signer_title, letterhead.signer_name,
                         recipients=("Như trên;", "Lưu: VT."))
    base.new_section(doc, landscape=True)
    base.para(doc, "DANH SÁCH", bold=True, align="center")
    base.para(doc, f"{SUBJECT_LEAD[params.category]} đề nghị công nhận đạt tiêu chuẩn "
                   f"{TITLE_NAME} năm {params.year}", bold=True, align="center")
    base.para(doc, f"(Kèm theo Tờ trình số {number or base.DOTS} {decision_day(params.on or on)}"
                   f" của {issuer})", italic=True, align="center", after=12)
    _annex_table(doc, units, params.category, recognised=False)
    return doc


def _decider_lines(settings, category: CertCategory | None, letterhead: Letterhead):
    """(header line, signer lines, the decider's title in text) for the decision: the ward's
    People's Committee, or the body set for the category when another decides it."""
    decider = settings.decider_for(category) if category is not None else settings.decider_title
    if decider == settings.decider_title:
        return committee(letterhead), ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), \
            f"CHỦ TỊCH ỦY BAN NHÂN DÂN {letterhead.place.upper()}"
    return base.DOTS, (decider.upper(),), decider.upper()


def _recognised(db, params: Params) -> list[CertRow]:
    return _select(CertificationService(db).listing(params.year, "recognised", params.category),
                   params)


def decision(db, params: Params, today: date | None = None):
    letterhead = load_letterhead(db)
    settings = SettingsService(db).cert_settings()
    units = _recognised(db, params)
    if params.category is None:  # one decision per decider: the ward's own is a higher body's
        units = [u for u in units if settings.decider_for(u.category) == settings.decider_title]
    if not units:
        raise ReportError(f"Năm {params.year} chưa có đơn vị nào được công nhận (chưa nhập số "
                          "quyết định công nhận).")
    number = params.document_number()
    on = params.on
    if not number:
        shared = {(u.decision_number, u.decision_date) for u in units}
        if len(shared) == 1:
            number, on = shared.pop()
    on = on or params.document_date(today)
    header, signer, decider = _decider_lines(settings, params.category, letterhead)
    lead = SUBJECT_LEAD[params.category].lower()
    doc = base.new_document()
    base.header_block(doc, [header], number or f"{base.DOTS}/QĐ-UBND", letterhead.place, on)
    base.title_block(doc, "Quyết định", [f"Về việc công nhận {lead} đạt tiêu chuẩn "
                                         f"{TITLE_NAME} năm {params.year}"])
    base.para(doc, decider, bold=True, align="center", after=6)
    base.body(doc, "Căn cứ Luật Tổ chức chính quyền địa phương;", italic=True)
    base.body(doc, f"Căn cứ {CIRCULAR};", italic=True)
    base.body(doc, f"Xét đề nghị của {_title_case_place(letterhead.issuer)}.", italic=True)
    base.para(doc, "QUYẾT ĐỊNH:", bold=True, align="center", before=6, after=6)
    base.body(doc, f"Điều 1. Công nhận {len(units)} đơn vị ({_counts_text(units)}) đạt tiêu "
                   f"chuẩn {TITLE_NAME} năm {params.year} (có danh sách kèm theo).")
    base.body(doc, "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.")
    base.body(doc, f"Điều 3. Văn phòng Ủy ban nhân dân, {_title_case_place(letterhead.issuer)} "
                   "và các đơn vị có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.")
    base.signature_block(doc, signer, "", recipients=("Như Điều 3;", "Lưu: VT."))
    base.new_section(doc, landscape=True)
    base.para(doc, "DANH SÁCH", bold=True, align="center")
    base.para(doc, f"{SUBJECT_LEAD[params.category]} được công nhận đạt tiêu chuẩn "
                   f"{TITLE_NAME} năm {params.year}", bold=True, align="center")
    base.para(doc, f"(Kèm theo Quyết định số {number or base.DOTS} {decision_day(on)} của "
                   f"{settings.decider_for(params.category) if params.category else settings.decider_title})",
              italic=True, align="center", after=12)
    _annex_table(doc, units, params.category, recognised=True)
    return doc


# -- the certificate ----------------------------------------------------------------------------
def certificates(db, params: Params, today: date | None = None):
    """One framed landscape page per recognised unit (of the category, or the units chosen)."""
    letterhead = load_letterhead(db)
    settings = SettingsService(db).cert_settings()
    units = _recognised(db, params)
    if not units:
        if params.units:
            raise ReportError(f"Đơn vị đã chọn chưa được công nhận đạt tiêu chuẩn {TITLE_NAME} "
                              f"năm {params.year} (chưa có số quyết định) nên chưa có Giấy công "
                              "nhận.")
        raise ReportError(f"Năm {params.year} chưa có đơn vị nào được công nhận nên chưa có Giấy "
                          "công nhận.")
    doc = base.new_document(landscape=True, numbered=False)
    section = doc.sections[0]
    for side in ("top", "bottom", "left", "right"):
        setattr(section, f"{side}_margin", base.Mm(25))
    base.page_frame(section)
    for index, u in enumerate(units):
        if index:
            base.page_break(doc)
        header, signer, decider = _decider_lines(settings, u.category, letterhead)
        base.header_block(doc, [header], None, None, None)
        base.para(doc, decider, 16, bold=True, align="center", before=18)
        base.para(doc, "CÔNG NHẬN", 30, bold=True, align="center", before=12, after=6)
        base.para(doc, u.name.upper(), 22, bold=True, align="center", after=4)
        base.para(doc, f"({u.category.label}; địa chỉ: {u.address or base.DOTS})", 14,
                  italic=True, align="center", after=10)
        base.para(doc, f"Đạt tiêu chuẩn {TITLE_NAME} năm {params.year}",
                  18, bold=True, align="center", after=8)
        base.para(doc, f"(Quyết định số {u.decision_number or base.DOTS} "
                       f"{decision_day(u.decision_date)} của {settings.decider_for(u.category)})",
                  14, italic=True, align="center", after=14)
        width = base.text_width_mm(doc)
        table = base.layout_table(doc, [width * 0.45, width * 0.55])
        left, right = table.rows[0].cells
        left.paragraphs[0].add_run(f"Số: {u.certificate_number or base.DOTS}").font.size = \
            base.Pt(14)
        left.paragraphs[0].alignment = base.WD_ALIGN_PARAGRAPH.CENTER
        on = u.decision_date
        base._first_paragraph(right, place_date(letterhead.place, on) if on
                              else f"{letterhead.place}, {decision_day(None)}", 14, italic=True)
        for line in signer:
            base.para(right, line, 14, bold=True, align="center")
    return doc
