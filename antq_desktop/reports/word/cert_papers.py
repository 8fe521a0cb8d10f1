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

from dataclasses import dataclass
from datetime import date

from ...criteria import criteria_for
from ...enums import CertCategory, CertResult
from ...services.certification import CATEGORY_ORDER, CertificationService, CertRow
from ...services.settings import WARD_DECIDER, SettingsService
from ...services.unit import UnitService
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


@dataclass(frozen=True)
class Decider:
    """Who recognises a category of units, as the papers print it."""

    header: str  # the issuing body on the left of the header: "ỦY BAN NHÂN DÂN PHƯỜNG …"
    signer: tuple[str, ...]  # ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    caps: str  # "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG HOÀN KIẾM", over a decision's text
    text: str  # in a sentence: "Chủ tịch UBND phường", "Chủ tịch UBND thành phố Hà Nội"
    place: str  # before the date: "Phường Hoàn Kiếm", "Hà Nội"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


_KINDS = ("thị trấn", "đặc khu", "phường", "xã")


def _named(title: str, place: str) -> str:
    """The setting's "Chủ tịch UBND phường" named after the unit's ward: "Chủ tịch UBND
    phường Hoàn Kiếm" (a paper is addressed to, and cites, one chairman); a title naming a
    place already, or of another kind of body, as it is."""
    lowered = _lower_first(place)
    for kind in _KINDS:
        if lowered.startswith(f"{kind} ") and title.lower().endswith(f" {kind}"):
            return f"{title[:-len(kind)]}{lowered}"
    return title


def deciders(db, letterhead: Letterhead):
    """``decider(category)`` → :class:`Decider`: the ward chairman (the setting), or the body
    set for the category; the default setting for the ward itself ("Chủ tịch UBND tỉnh,
    thành phố") is named after the unit's province."""
    settings = SettingsService(db).cert_settings()
    info = UnitService(db).get()
    province = info.province_name.strip() if info is not None else ""

    def decider(category: CertCategory | None) -> Decider:
        title = settings.decider_for(category) if category is not None \
            else settings.decider_title
        if title == settings.decider_title:
            return Decider(committee(letterhead), ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
                           f"CHỦ TỊCH ỦY BAN NHÂN DÂN {letterhead.place.upper()}",
                           _named(title, letterhead.place), letterhead.place)
        place = letterhead.place
        if title == WARD_DECIDER and province:
            title = f"Chủ tịch UBND {_lower_first(province)}"
            for kind in ("Thành phố ", "Tỉnh "):
                place = province.removeprefix(kind) if province.startswith(kind) else place
        words = title.split(maxsplit=2)
        if len(words) == 3 and " ".join(words[:2]).lower() == "chủ tịch":
            body = words[2]
            if body.upper().startswith("UBND "):
                body = "Ủy ban nhân dân " + body[5:]
            if body.lower().startswith("ủy ban nhân dân"):
                return Decider(body.upper(), ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
                               f"CHỦ TỊCH {body.upper()}", title, place)
        return Decider(base.DOTS, (title.upper(),), title.upper(), title, place)

    return decider


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
    if unit.category is CertCategory.AREA:
        lines = [letterhead.place.upper(), unit.name.upper()]
    elif unit.category is CertCategory.WARD:
        lines = [committee(letterhead)]
    else:
        lines = [unit.name.upper()]
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
    decider = deciders(db, letterhead)
    superior = _title_case_place(letterhead.superior)
    for index, unit in enumerate(units):
        if index:
            base.restart_numbering(doc)
        _unit_header(doc, letterhead, unit, unit.registered_on or params.on)
        base.title_block(doc, "Bản đăng ký", [f"Phấn đấu đạt tiêu chuẩn {TITLE_NAME} năm "
                                             f"{params.year}"])
        if unit.category is CertCategory.WARD:  # the ward goes to those above it
            to = f"{decider(unit.category).text}; {superior}"
        else:
            to = f"Ủy ban nhân dân {_lower_first(letterhead.place)}; {issuer}"
        base.para(doc, f"Kính gửi: {to}.", align="center", after=6)
        base.body(doc, f"Căn cứ {CIRCULAR};")
        base.body(doc, f"{unit.name} ({unit.category.label.lower()}; địa chỉ: "
                       f"{unit.address or base.DOTS}) đăng ký phấn đấu đạt tiêu chuẩn "
                       f"{TITLE_NAME} năm {params.year}, với các tiêu chuẩn sau:")
        for c in criteria_for(unit.category):  # tighter: a registration fits on one page
            base.body(doc, f"{c.number}. {c.text}", after=3)
        base.body(doc, f"Biện pháp thực hiện: {base.TO_FILL}")
        base.body(doc, "Chúng tôi cam kết thực hiện đầy đủ các nội dung đã đăng ký./.")
        signer = (["TM. Ủy ban nhân dân", "Chủ tịch"] if unit.category is CertCategory.WARD
                  else [HEAD_TITLE[unit.category]])
        base.signature_block(doc, signer, unit.head_name)
    return doc


# -- the minutes --------------------------------------------------------------------------------
def minutes(db, params: Params, today: date | None = None):
    letterhead = load_letterhead(db)
    units = _units_for(db, params, lambda r: r.evaluated_on is not None or r.result is not None)
    if not units:
        raise ReportError(f"Năm {params.year} chưa có đơn vị nào họp đánh giá.")
    service = CertificationService(db)
    decider = deciders(db, letterhead)
    doc = base.new_document()
    for index, unit in enumerate(units):
        if index:
            base.restart_numbering(doc)
        record = service.record(unit.unit_id, params.year)
        _unit_header(doc, letterhead, unit, unit.evaluated_on)
        base.title_block(doc, "Biên bản", [f"Họp đánh giá, đề nghị công nhận đạt tiêu chuẩn "
                                          f"{TITLE_NAME} năm {params.year}"])
        on = unit.evaluated_on
        when = decision_day(on)
        base.body(doc, f"Hôm nay, vào hồi {base.DOTS} giờ {base.DOTS}, {when}, tại "
                       f"{unit.address or base.DOTS}, {unit.name} tổ chức họp đánh giá kết quả "
                       f"thực hiện các tiêu chuẩn {TITLE_NAME} năm {params.year} theo {CIRCULAR}.")
        base.heading(doc, "I. THÀNH PHẦN")
        head = HEAD_TITLE[unit.category]
        if unit.category is CertCategory.WARD:  # "Chủ tịch Ủy ban nhân dân phường Hoàn Kiếm"
            head = f"{head} {_lower_first(letterhead.place)}"
        base.body(doc, f"Chủ trì: {unit.head_name or base.DOTS}, {head}.")
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
        verdict = (f"đề nghị {decider(unit.category).text} xem xét, công nhận"
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
    # The number and date columns (width 0) are as wide as their widest word or number
    # (grid_table), the names, addresses and heads share the rest of the landscape page.
    widths = [0, 36, 30, 24, 0, 0]
    if recognised:
        headers += ["Số, ngày quyết định", "Số Giấy công nhận"]
        widths += [0, 0]
    else:
        headers += ["Số tiêu chuẩn đạt"]
        widths += [12]
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
            # "238/QĐ-UBND" over "ngày 09/11/2025" when the column is narrower than both
            row += ([decision_text(u).replace("ngày ", f"ngày{base.NBSP}"),
                     u.certificate_number] if recognised
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


def _one_decider(db, units: list[CertRow], params: Params) -> list[CertRow]:
    """The units of one proposal or decision: all of them when one body recognises them all
    (a category, or the units chosen); else those the ward chairman recognises (the ward
    itself is recognised by a higher body: its paper is made with its category)."""
    settings = SettingsService(db).cert_settings()
    if params.category is not None or len({settings.decider_for(u.category)
                                             for u in units}) <= 1:
        return units
    return [u for u in units if settings.decider_for(u.category) == settings.decider_title]


def proposal(db, params: Params, today: date | None = None):
    letterhead = load_letterhead(db)
    units = _select(CertificationService(db).listing(params.year, "proposed", params.category),
                    params)
    units = _one_decider(db, units, params)
    if not units:
        raise ReportError(f"Năm {params.year} chưa có đơn vị nào được đề nghị công nhận.")
    lead = SUBJECT_LEAD[params.category].lower()
    subject = f"Về việc đề nghị công nhận {lead} đạt tiêu chuẩn {TITLE_NAME} năm {params.year}"
    number, on = params.document_number(), params.document_date(today)
    decider = deciders(db, letterhead)(units[0].category).text
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
    base.new_section(doc, landscape=True, restart=True)
    base.para(doc, "DANH SÁCH", bold=True, align="center")
    base.para(doc, f"{SUBJECT_LEAD[params.category]} đề nghị công nhận đạt tiêu chuẩn "
                   f"{TITLE_NAME} năm {params.year}", bold=True, align="center")
    base.para(doc, f"(Kèm theo Tờ trình số {number or base.DOTS} {decision_day(params.on or on)}"
                   f" của {issuer})", italic=True, align="center", after=12)
    _annex_table(doc, units, params.category, recognised=False)
    return doc


def _recognised(db, params: Params) -> list[CertRow]:
    return _select(CertificationService(db).listing(params.year, "recognised", params.category),
                   params)


def decision(db, params: Params, today: date | None = None):
    letterhead = load_letterhead(db)
    units = _one_decider(db, _recognised(db, params), params)
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
    decider = deciders(db, letterhead)(units[0].category)
    lead = SUBJECT_LEAD[params.category].lower()
    issuer = _title_case_place(letterhead.issuer)
    doc = base.new_document()
    base.header_block(doc, [decider.header], number or f"{base.DOTS}/QĐ-UBND", decider.place,
                      on)
    base.title_block(doc, "Quyết định", [f"Về việc công nhận {lead} đạt tiêu chuẩn "
                                         f"{TITLE_NAME} năm {params.year}"])
    base.para(doc, decider.caps, bold=True, align="center", after=6)
    base.body(doc, "Căn cứ Luật Tổ chức chính quyền địa phương;", italic=True)
    base.body(doc, f"Căn cứ {CIRCULAR};", italic=True)
    base.body(doc, f"Xét đề nghị của {issuer}.", italic=True)
    base.para(doc, "QUYẾT ĐỊNH:", bold=True, align="center", before=6, after=6, keep=True)
    base.body(doc, f"Công nhận {len(units)} đơn vị ({_counts_text(units)}) đạt tiêu chuẩn "
                   f"{TITLE_NAME} năm {params.year} (có danh sách kèm theo).", lead="Điều 1.")
    base.body(doc, "Quyết định này có hiệu lực kể từ ngày ký.", lead="Điều 2.")
    base.body(doc, f"Văn phòng Ủy ban nhân dân, {issuer} và các đơn vị có tên tại Điều 1 chịu "
                   "trách nhiệm thi hành Quyết định này./.", lead="Điều 3.")
    base.signature_block(doc, decider.signer, "", recipients=("Như Điều 3;", "Lưu: VT."))
    base.new_section(doc, landscape=True, restart=True)
    base.para(doc, "DANH SÁCH", bold=True, align="center")
    base.para(doc, f"{SUBJECT_LEAD[params.category]} được công nhận đạt tiêu chuẩn "
                   f"{TITLE_NAME} năm {params.year}", bold=True, align="center")
    base.para(doc, f"(Kèm theo Quyết định số {number or base.DOTS} {decision_day(on)} của "
                   f"{decider.text})", italic=True, align="center", after=12)
    _annex_table(doc, units, params.category, recognised=True)
    return doc


# -- the certificate ----------------------------------------------------------------------------
CERT_MARGIN_MM = 22  # inside the frame, which is drawn 24 pt from the page's edge
RED = "8B0000"
LONG_NAME = 40  # characters: a longer name is set smaller, to stay within two lines


def _top_space(name: str) -> float:
    """Points above the header: more for a name on one line than for one on two or three."""
    per_line = 48 if len(name) <= LONG_NAME else 58  # capitals at 24 pt, 20 pt across 253 mm
    lines = -(-len(name) // per_line)
    return {1: 68, 2: 44}.get(lines, 0)


def certificates(db, params: Params, today: date | None = None):
    """One framed landscape page per recognised unit (of the category, or the units chosen):
    the decider's header, "CÔNG NHẬN" and the unit's name large, the title and the decision,
    then the certificate's number, the date of the decision and the signer with room to sign.
    Spaced to fill the frame, and kept to one page even when the unit's name takes two
    lines."""
    letterhead = load_letterhead(db)
    units = _recognised(db, params)
    if not units:
        if params.units:
            raise ReportError(f"Đơn vị đã chọn chưa được công nhận đạt tiêu chuẩn {TITLE_NAME} "
                              f"năm {params.year} (chưa có số quyết định) nên chưa có Giấy công "
                              "nhận.")
        raise ReportError(f"Năm {params.year} chưa có đơn vị nào được công nhận nên chưa có Giấy "
                          "công nhận.")
    decider_of = deciders(db, letterhead)
    doc = base.new_document(landscape=True, numbered=False)
    section = doc.sections[0]
    for side in ("top", "bottom", "left", "right"):
        setattr(section, f"{side}_margin", base.Mm(CERT_MARGIN_MM))
    base.page_frame(section)
    width = base.text_width_mm(doc)
    for index, u in enumerate(units):
        decider = decider_of(u.category)
        # The header's table cannot carry the page break itself; this paragraph does, and
        # moves a short certificate down so that it fills its frame (Writer ignores a
        # section's vertical centring).
        first = base.para(doc, before=_top_space(u.name))
        first.paragraph_format.line_spacing = base.Pt(1)
        if index:
            first.paragraph_format.page_break_before = True
        keep = base.place_phrases(letterhead.place)
        base.header_block(doc, [decider.header], None, None, None, keep=keep)
        base.para(doc, decider.caps, 16, bold=True, align="center", before=24)
        title = base.para(doc, "CÔNG NHẬN", 40, bold=True, align="center", before=14, after=8)
        title.runs[0].font.color.rgb = base.RGBColor.from_string(RED)
        size = 24 if len(u.name) <= LONG_NAME else 20
        base.para(doc, base.balanced(u.name.upper(), width, size, bold=True, keep=keep), size,
                  bold=True, align="center", after=8)
        base.para(doc, f"({u.category.label}; địa chỉ: {u.address or base.DOTS})", 14,
                  italic=True, align="center", after=14)
        base.para(doc, f"Đạt tiêu chuẩn {TITLE_NAME} năm {params.year}",
                  22, bold=True, align="center", after=12)
        base.para(doc, f"(Quyết định số {u.decision_number or base.DOTS} "
                       f"{decision_day(u.decision_date)} của {decider.text})",
                  14, italic=True, align="center", after=18)
        table = base.layout_table(doc, [width * 0.4, width * 0.6])
        left, right = table.rows[0].cells
        number = left.paragraphs[0]
        base.add_run(number, f"Số: {u.certificate_number or base.DOTS}", 14)
        number.alignment = base.WD_ALIGN_PARAGRAPH.CENTER
        on = u.decision_date
        base._first_paragraph(right, place_date(decider.place, on) if on
                              else f"{decider.place}, {decision_day(None)}", 14, italic=True)
        for line in decider.signer:
            base.para(right, line, 14, bold=True, align="center")
        for _ in range(3):  # room to sign and seal
            base.para(right, align="center")
        base.para(right, "", 14, bold=True, align="center")
    return doc
