"""What each kind of import reads: its columns, the headers office lists give them, the values
they allow (from the enums) and an example row. The template, the header matching, the mapping
step of the dialog and the validation all come from these definitions.

A kind is a list of Column plus a save function (importing/service.py ``SAVERS``); adding a kind
is a new ``Kind`` here and a saver there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from ..enums import (
    CertCategory,
    OutreachKind,
    Regime,
    Relationship,
    ResidenceKind,
    Sex,
    TipResult,
    WeaponKind,
)
from ..peoples import check_ethnicity, clean_ethnicity, clean_religion, ethnic_groups, religions
from ..text import fold
from . import values as v
from .values import fold_header


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the header the template writes
    variants: tuple[str, ...]  # other headers seen in office lists (matched folded)
    parse: Callable
    example: object = None
    required: bool = False
    choices: tuple[str, ...] = ()  # the allowed values, for the template's list sheet
    as_text: bool = False  # formatted as text in the template (ID numbers keep their zeros)
    width: int = 16
    help: str = ""

    def headers(self) -> set[str]:
        return {fold_header(self.label), *(fold_header(x) for x in self.variants)}


@dataclass(frozen=True)
class Kind:
    id: str
    label: str  # Vietnamese, as the dialog lists it
    columns: tuple[Column, ...]
    # groups of keys of which at least one must be mapped (e.g. a birth date column)
    need_one_of: tuple[tuple[str, ...], ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    noun: str = "Hộ"  # what ``Report.created`` counts, in the report's lines
    second_noun: str | None = "Nhân khẩu"  # what ``Report.people_created`` counts, if anything
    uses_areas: bool = True  # the default-area and create-areas options apply

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def _labels(enum, extra: dict[str, object] | None = None) -> tuple[dict[str, object], str]:
    mapping: dict[str, object] = {fold(m.label): m for m in enum}
    mapping.update({fold(m.value): m for m in enum})
    for spelling, member in (extra or {}).items():
        mapping[fold(spelling)] = member
    return mapping, ", ".join(m.label for m in enum)


R = Relationship
_RELATION, _RELATION_SHOWN = _labels(R, {
    "CH": R.HEAD, "chủ hộ": R.HEAD, "chu ho": R.HEAD, "chủ": R.HEAD,
    "con trai": R.CHILD, "con gái": R.CHILD, "con đẻ": R.CHILD, "con nuôi": R.CHILD,
    "bố": R.FATHER, "ba": R.FATHER, "cha đẻ": R.FATHER, "má": R.MOTHER, "mẹ đẻ": R.MOTHER,
    "ông nội": R.GRANDFATHER, "ông ngoại": R.GRANDFATHER,
    "bà nội": R.GRANDMOTHER, "bà ngoại": R.GRANDMOTHER,
    "cháu nội": R.GRANDCHILD, "cháu ngoại": R.GRANDCHILD,
    "anh trai": R.OLDER_BROTHER, "chị gái": R.OLDER_SISTER,
    "em trai": R.YOUNGER_SIBLING, "em gái": R.YOUNGER_SIBLING,
    "con dâu": R.CHILD_IN_LAW, "con rể": R.CHILD_IN_LAW,
})
_SEX, _SEX_SHOWN = _labels(Sex, {"nữ giới": Sex.FEMALE, "nam giới": Sex.MALE, "gái": Sex.FEMALE,
                                 "trai": Sex.MALE})
_RESIDENCE, _RESIDENCE_SHOWN = _labels(ResidenceKind, {
    "thường trú (KT1)": ResidenceKind.PERMANENT, "KT1": ResidenceKind.PERMANENT,
    "tạm trú (KT3)": ResidenceKind.TEMPORARY, "KT3": ResidenceKind.TEMPORARY,
    "KT4": ResidenceKind.TEMPORARY,
})

def _ethnicity(raw):
    """One of the 54 groups in the list's spelling ("Mông" → "HMông"); another is refused."""
    value, _ = v.text(raw)
    if value is None:
        return None, None
    message = check_ethnicity(value)
    if message:
        raise ValueError(f"“{value}” {message}")
    return clean_ethnicity(value), None


def _religion(raw):
    """A listed religion in the list's spelling, another as written."""
    value, _ = v.text(raw)
    return (clean_religion(value) or None), None


HOUSEHOLDS = Kind(
    id="households",
    label="Hộ gia đình, nhân khẩu",
    columns=(
        Column("code", "Số hộ", ("Mã hộ", "Mã số hộ", "Số hộ khẩu", "Số sổ hộ khẩu", "Hộ số",
                                 "Số thứ tự hộ", "STT hộ", "Mã hộ gia đình"),
               v.code, "HK000101", width=12,
               help="Các dòng liền nhau cùng số hộ là một hộ. Để trống: hộ mới bắt đầu ở mỗi "
                    "chủ hộ."),
        Column("area", "Khu dân cư", ("Tổ dân phố", "Tổ", "TDP", "KDC", "Thôn", "Khu phố",
                                      "Ấp", "Bản", "Khối", "Tổ dân phố số"),
               v.text, "Tổ dân phố số 1", width=18),
        Column("address", "Địa chỉ", ("Địa chỉ thường trú", "Nơi thường trú", "Nơi ở",
                                      "Nơi ở hiện nay", "Chỗ ở hiện nay", "Số nhà",
                                      "Địa chỉ hộ", "Địa chỉ cư trú"),
               v.text, "12 Hàng Bạc", width=24),
        Column("full_name", "Họ và tên", ("Họ tên", "Họ và tên nhân khẩu", "Tên",
                                          "Họ, chữ đệm và tên", "Họ tên nhân khẩu"),
               v.name, "Nguyễn Văn An", required=True, width=24),
        Column("birth", "Ngày sinh", ("Ngày tháng năm sinh", "Ngày, tháng, năm sinh",
                                      "Năm sinh", "NS", "Sinh ngày"),
               v.birth, date(1980, 3, 5), width=12,
               help="ngày/tháng/năm (05/03/1985) hoặc chỉ năm sinh (1985)."),
        # Forms that put the birth date under a "Nam" or a "Nữ" column: the column gives the sex.
        Column("birth_male", "Ngày sinh (Nam)", ("Ngày sinh Nam", "Ngày tháng năm sinh Nam",
                                                 "Năm sinh Nam", "Ngày, tháng, năm sinh Nam"),
               v.birth, None, width=12),
        Column("birth_female", "Ngày sinh (Nữ)", ("Ngày sinh Nữ", "Ngày tháng năm sinh Nữ",
                                                  "Năm sinh Nữ", "Ngày, tháng, năm sinh Nữ"),
               v.birth, None, width=12),
        Column("sex", "Giới tính", ("Giới", "Nam/Nữ", "Nam, nữ", "Phái"),
               v.choice(_SEX, _SEX_SHOWN), "Nam", choices=tuple(m.label for m in Sex),
               width=10),
        Column("id_number", "Số định danh cá nhân", ("Số định danh", "Mã định danh",
                                                     "Số CCCD", "CCCD", "Căn cước",
                                                     "Số căn cước", "Căn cước công dân",
                                                     "Số CCCD/CMND", "CCCD/CMND",
                                                     "Số CMND/CCCD", "Số ĐDCN", "ĐDCN"),
               v.id_number, "001080012345", as_text=True, width=16),
        Column("old_id_number", "Số CMND cũ", ("CMND", "Số CMND", "CMND cũ",
                                              "Chứng minh nhân dân"),
               v.old_id_number, None, as_text=True, width=12),
        Column("relation", "Quan hệ với chủ hộ", ("Quan hệ", "QH với chủ hộ", "Quan hệ với CH",
                                                  "Quan hệ chủ hộ", "QHCH"),
               v.choice(_RELATION, _RELATION_SHOWN), "Chủ hộ",
               choices=tuple(m.label for m in R), width=14),
        Column("residence_kind", "Loại cư trú", ("Diện cư trú", "Hình thức cư trú", "Cư trú",
                                                "Thường trú/Tạm trú", "Tình trạng cư trú"),
               v.choice(_RESIDENCE, _RESIDENCE_SHOWN), "Thường trú",
               choices=tuple(m.label for m in ResidenceKind), width=12,
               help="để trống: Thường trú."),
        Column("residence_from", "Cư trú từ ngày", ("Ngày đăng ký cư trú", "Từ ngày",
                                                    "Ngày đăng ký thường trú",
                                                    "Ngày đăng ký tạm trú"),
               v.a_date, None, width=12),
        Column("residence_to", "Cư trú đến ngày", ("Đến ngày", "Tạm trú đến ngày"),
               v.a_date, None, width=12),
        Column("phone", "Số điện thoại", ("Điện thoại", "SĐT", "ĐT", "Di động",
                                          "Số ĐT", "Điện thoại liên hệ"),
               v.phone, "0912345678", as_text=True, width=13),
        Column("occupation", "Nghề nghiệp", ("Nghề", "Nghề nghiệp, nơi làm việc",
                                             "Công việc"),
               v.text, "Kinh doanh", width=16),
        Column("ethnicity", "Dân tộc", ("DT", "Dân tộc (54 dân tộc)", "Thành phần dân tộc"),
               _ethnicity, "Kinh", choices=ethnic_groups(), width=10,
               help="một trong 54 dân tộc (Quyết định 121-TCTK/PPCĐ); để trống: chưa ghi."),
        Column("religion", "Tôn giáo", ("TG", "Đạo", "Tôn giáo (nếu có)"),
               _religion, "Không", choices=religions(), width=12,
               help="chọn trong danh sách hoặc ghi tôn giáo khác; không theo tôn giáo nào: "
                    "Không; để trống: chưa ghi."),
        Column("notes", "Ghi chú", ("Chú thích",), v.text, None, width=20),
    ),
    need_one_of=(("birth", "birth_male", "birth_female"),),
    notes=("Mỗi dòng là một nhân khẩu; các nhân khẩu của một hộ đứng liền nhau, chủ hộ trước.",),
)

# -- the columns several kinds share ---------------------------------------------------------------
def _area(help: str = "") -> Column:
    return Column("area", "Khu dân cư", ("Tổ dân phố", "Tổ", "TDP", "KDC", "Thôn", "Khu phố",
                                         "Ấp", "Bản", "Khối", "Tổ dân phố số", "Địa bàn",
                                         "Nơi xảy ra", "Địa điểm"),
                  v.text, "Tổ dân phố số 1", width=18, help=help)


def _name(example: str) -> Column:
    return Column("full_name", "Họ và tên", ("Họ tên", "Tên", "Họ, chữ đệm và tên",
                                             "Họ và tên đối tượng", "Họ tên đối tượng",
                                             "Họ và tên hòa giải viên", "Họ tên hòa giải viên",
                                             "Họ và tên người được quản lý"),
                  v.name, example, required=True, width=24)


_SEX_COLUMN = Column("sex", "Giới tính", ("Giới", "Nam/Nữ", "Nam, nữ", "Phái"),
                     v.choice(_SEX, _SEX_SHOWN), "Nam", choices=tuple(m.label for m in Sex),
                     width=10)
_ID_COLUMN = Column("id_number", "Số định danh cá nhân", ("Số định danh", "Mã định danh",
                                                          "Số CCCD", "CCCD", "Căn cước",
                                                          "Số căn cước", "Căn cước công dân",
                                                          "Số CCCD/CMND", "CCCD/CMND",
                                                          "Số CMND/CCCD", "Số ĐDCN", "ĐDCN"),
                    v.id_number, "001090012345", as_text=True, width=16)
_PHONE_COLUMN = Column("phone", "Số điện thoại", ("Điện thoại", "SĐT", "ĐT", "Di động", "Số ĐT",
                                                  "Điện thoại liên hệ"),
                       v.phone, "0912345678", as_text=True, width=13)
_WARD_AREA = ("để trống: của toàn phường (hoặc khu dân cư mặc định đã chọn khi nhập).")

# -- rehabilitation cases -------------------------------------------------------------------------
G = Regime
_REGIME, _REGIME_SHOWN = _labels(G, {
    "tái hòa nhập": G.REINTEGRATION, "THN": G.REINTEGRATION, "THNCĐ": G.REINTEGRATION,
    "người chấp hành xong án phạt tù": G.REINTEGRATION, "chấp hành xong án phạt tù":
        G.REINTEGRATION,
    "sử dụng ma túy": G.DRUG_USER, "nghiện ma túy": G.DRUG_USER, "ma túy": G.DRUG_USER,
    "người sử dụng ma túy": G.DRUG_USER, "SDTPCMT": G.DRUG_USER,
    "sau cai": G.POST_REHAB, "sau cai nghiện": G.POST_REHAB, "QLSCN": G.POST_REHAB,
    "quản lý sau cai": G.POST_REHAB,
    "giáo dục tại xã": G.WARD_EDUCATION, "giáo dục tại phường": G.WARD_EDUCATION,
    "GDTXP": G.WARD_EDUCATION, "GDTX": G.WARD_EDUCATION, "giáo dục tại xã phường thị trấn":
        G.WARD_EDUCATION,
    "án treo": G.SUSPENDED, "cải tạo không giam giữ": G.SUSPENDED, "tha tù có điều kiện":
        G.SUSPENDED, "CTKGG": G.SUSPENDED,
    "thanh thiếu niên": G.YOUTH, "thanh thiếu niên chậm tiến": G.YOUTH, "TTN": G.YOUTH,
    "chậm tiến": G.YOUTH,
})

REHABILITATION = Kind(
    id="rehabilitation",
    label="Hồ sơ quản lý, giáo dục, giúp đỡ",
    columns=(
        _name("Trần Văn Bình"),
        Column("birth", "Ngày sinh", ("Ngày tháng năm sinh", "Ngày, tháng, năm sinh",
                                      "Năm sinh", "NS", "Sinh ngày"),
               v.birth, date(1990, 4, 12), width=12,
               help="ngày/tháng/năm, hoặc chỉ năm sinh (ghi là 01/01 của năm đó)."),
        _SEX_COLUMN,
        _ID_COLUMN,
        Column("address", "Nơi cư trú", ("Địa chỉ", "Nơi ở", "Nơi ở hiện nay", "Chỗ ở hiện nay",
                                         "Nơi thường trú", "Địa chỉ cư trú", "Trú tại"),
               v.text, "25 Hàng Buồm", width=24),
        _area(),
        Column("regime", "Diện quản lý", ("Diện", "Loại đối tượng", "Diện đối tượng",
                                          "Đối tượng", "Loại", "Diện quản lý, giáo dục"),
               v.choice(_REGIME, _REGIME_SHOWN), G.REINTEGRATION.label, required=True,
               choices=tuple(m.label for m in G), width=22),
        Column("decision_number", "Số quyết định", ("Quyết định", "Số QĐ", "QĐ",
                                                    "Quyết định số", "Số quyết định áp dụng"),
               v.text, "125/QĐ-UBND", as_text=True, width=14),
        Column("decision_date", "Ngày quyết định", ("Ngày QĐ", "Ngày ra quyết định",
                                                    "Ngày ký quyết định", "Ngày ký",
                                                    "Quyết định ngày", "Ngày quyết định áp dụng"),
               v.a_date, date(2026, 2, 3), width=12),
        Column("decision_signer", "Người ký quyết định", ("Người ký", "Cơ quan ra quyết định",
                                                          "Cấp ra quyết định"),
               v.text, None, width=18),
        Column("start_date", "Ngày bắt đầu", ("Ngày bắt đầu quản lý", "Ngày tiếp nhận",
                                              "Bắt đầu từ ngày", "Từ ngày", "Ngày về địa phương",
                                              "Ngày bắt đầu chấp hành"),
               v.a_date, date(2026, 2, 5), required=True, width=12),
        Column("planned_end", "Dự kiến kết thúc", ("Ngày kết thúc", "Đến ngày",
                                                   "Ngày hết hạn", "Thời hạn đến",
                                                   "Dự kiến kết thúc ngày"),
               v.a_date, None, width=12),
        Column("supervisor", "Người được giao quản lý", ("Người, tổ chức giúp đỡ",
                                                         "Người giúp đỡ", "Người quản lý",
                                                         "Người được phân công giúp đỡ",
                                                         "Người theo dõi, giúp đỡ"),
               v.text, "Nguyễn Văn Hùng (công an khu vực)", width=22),
        Column("model", "Mô hình", ("Mô hình giúp đỡ", "Mô hình quản lý"), v.text, None,
               width=16),
        Column("notes", "Ghi chú", ("Chú thích",), v.text, None, width=20),
    ),
    notes=("Mỗi dòng là một hồ sơ: một người theo một diện quản lý.",
           "Hồ sơ đã có (cùng người — số định danh, hoặc họ tên và ngày sinh — cùng diện, cùng "
           "ngày bắt đầu hoặc đang quản lý) không được tạo lần nữa.",
           "Người có số định danh trong sổ hộ khẩu được nối với nhân khẩu đó."),
    noun="Hồ sơ", second_noun=None,
)

# -- mediation teams and mediators -------------------------------------------------------------
MEDIATORS = Kind(
    id="mediators",
    label="Tổ hòa giải, hòa giải viên",
    columns=(
        _area("tổ hòa giải của khu dân cư này (chưa có thì được tạo)."),
        Column("team", "Tổ hòa giải", ("Tên tổ hòa giải", "Tên tổ", "Tổ HGCS", "Tổ hòa giải số",
                                       "Thuộc tổ hòa giải"),
               v.text, None, width=24,
               help="tên tổ (khi không có cột Khu dân cư); tổ mới lấy tên này."),
        _name("Lê Thị Hoa"),
        Column("sex", "Giới tính", ("Giới", "Nam/Nữ", "Nam, nữ", "Phái"),
               v.choice(_SEX, _SEX_SHOWN), "Nữ", choices=tuple(m.label for m in Sex),
               width=10),
        Column("birth_year", "Năm sinh", ("Ngày sinh", "Ngày tháng năm sinh",
                                          "Ngày, tháng, năm sinh", "NS"),
               v.year, 1970, width=10),
        _PHONE_COLUMN,
        Column("is_leader", "Tổ trưởng", ("Chức vụ", "Chức vụ trong tổ", "Chức danh",
                                          "Là tổ trưởng", "Vai trò"),
               v.flag, "x", width=10,
               help="“x”, “Có” hoặc “Tổ trưởng”: tổ trưởng; để trống: tổ viên."),
        Column("decision_number", "Số quyết định công nhận", ("Quyết định công nhận",
                                                              "Số quyết định", "Số QĐ",
                                                              "QĐ công nhận",
                                                              "Quyết định công nhận số"),
               v.text, "15/QĐ-UBND", as_text=True, width=16),
        Column("decision_date", "Ngày quyết định công nhận", ("Ngày quyết định", "Ngày QĐ",
                                                              "Ngày công nhận",
                                                              "Quyết định công nhận ngày"),
               v.a_date, date(2024, 1, 10), width=12),
        Column("left_on", "Ngày thôi làm hòa giải viên", ("Ngày thôi", "Thôi từ ngày",
                                                          "Ngày cho thôi"),
               v.a_date, None, width=12),
        Column("left_reason", "Lý do thôi", ("Lý do",), v.text, None, width=18),
    ),
    need_one_of=(("area", "team"),),
    notes=("Mỗi dòng là một hòa giải viên; tổ hòa giải theo khu dân cư (mỗi khu dân cư một tổ).",
           "Hòa giải viên đã có (cùng tổ, cùng họ tên và năm sinh) không được tạo lần nữa.",
           "Mỗi tổ chỉ một tổ trưởng đang làm."),
    noun="Hòa giải viên", second_noun="Tổ hòa giải",
)

# -- certification units -------------------------------------------------------------------------
C = CertCategory
_CATEGORY, _CATEGORY_SHOWN = _labels(C, {
    "cơ quan, đơn vị": C.AGENCY, "đơn vị": C.AGENCY, "cơ quan nhà nước": C.AGENCY, "CQ": C.AGENCY,
    "DN": C.ENTERPRISE, "công ty": C.ENTERPRISE, "doanh nghiệp, cơ sở kinh doanh": C.ENTERPRISE,
    "cơ sở kinh doanh": C.ENTERPRISE, "hợp tác xã": C.ENTERPRISE,
    "trường": C.SCHOOL, "trường học": C.SCHOOL, "nhà trường": C.SCHOOL, "giáo dục": C.SCHOOL,
    "cơ sở giáo dục, nhà trường": C.SCHOOL, "CSGD": C.SCHOOL, "mầm non": C.SCHOOL,
})
_IMPORTED_CATEGORIES = (C.AGENCY, C.ENTERPRISE, C.SCHOOL)

CERT_UNITS = Kind(
    id="cert_units",
    label="Đơn vị đăng ký “An toàn về ANTT” (cơ quan, doanh nghiệp, trường học)",
    columns=(
        Column("category", "Loại đơn vị", ("Loại", "Loại hình", "Phân loại", "Khối",
                                           "Loại cơ sở", "Loại hình đơn vị"),
               v.choice(_CATEGORY, ", ".join(c.label for c in _IMPORTED_CATEGORIES)),
               C.SCHOOL.label, required=True,
               choices=tuple(c.label for c in _IMPORTED_CATEGORIES), width=16),
        Column("name", "Tên đơn vị", ("Tên cơ quan, doanh nghiệp", "Tên cơ quan, đơn vị",
                                      "Tên cơ quan", "Tên doanh nghiệp", "Tên trường",
                                      "Đơn vị", "Tên cơ sở", "Cơ quan, doanh nghiệp, nhà trường",
                                      "Tên cơ quan, doanh nghiệp, nhà trường"),
               v.text, "Trường Tiểu học Hàng Bạc", required=True, width=30),
        Column("address", "Địa chỉ", ("Trụ sở", "Địa chỉ trụ sở", "Nơi đóng", "Địa điểm"),
               v.text, "10 Hàng Bạc", width=24),
        Column("head_name", "Người đứng đầu", ("Thủ trưởng", "Thủ trưởng, người đứng đầu",
                                               "Thủ trưởng đơn vị", "Giám đốc", "Hiệu trưởng",
                                               "Người đại diện", "Lãnh đạo"),
               v.name, "Phạm Thị Lan", width=20),
        _PHONE_COLUMN,
    ),
    notes=("Mỗi dòng là một cơ quan, doanh nghiệp hoặc cơ sở giáo dục; khu dân cư và phường "
           "lấy theo Tệp → Thông tin đơn vị và khu dân cư, không nhập ở đây.",
           "Đơn vị đã có (cùng loại, cùng tên) không được tạo lần nữa."),
    noun="Đơn vị", second_noun=None, uses_areas=False,
)

# -- movement activities ----------------------------------------------------------------------------
_TIP_RESULT, _TIP_RESULT_SHOWN = _labels(TipResult, {
    "đang xử lý": TipResult.PENDING, "chưa có kết quả": TipResult.PENDING,
    "xác minh": TipResult.PENDING, "không kết quả": TipResult.NO_RESULT,
    "giải quyết vụ việc": TipResult.CASE_SOLVED, "đã giải quyết": TipResult.CASE_SOLVED,
    "bắt giữ": TipResult.ARREST, "bắt": TipResult.ARREST, "đầu thú": TipResult.SURRENDER,
    "vận động đầu thú": TipResult.SURRENDER,
})
_OUTREACH, _OUTREACH_SHOWN = _labels(OutreachKind, {
    "họp dân": OutreachKind.MEETING, "hội nghị": OutreachKind.MEETING,
    "họp tổ dân phố": OutreachKind.MEETING, "loa": OutreachKind.LOUDSPEAKER,
    "loa phát thanh": OutreachKind.LOUDSPEAKER, "tờ rơi": OutreachKind.LEAFLET,
    "pa nô": OutreachKind.LEAFLET, "băng rôn": OutreachKind.LEAFLET,
    "sân khấu hóa": OutreachKind.STAGE, "văn nghệ": OutreachKind.STAGE,
    "zalo": OutreachKind.ONLINE, "facebook": OutreachKind.ONLINE,
    "mạng xã hội": OutreachKind.ONLINE, "khác": OutreachKind.OTHER,
})
_WEAPON, _WEAPON_SHOWN = _labels(WeaponKind, {
    "súng": WeaponKind.FIREARM, "vũ khí quân dụng": WeaponKind.FIREARM,
    "súng tự chế": WeaponKind.FIREARM, "súng hơi": WeaponKind.FIREARM,
    "đạn": WeaponKind.AMMUNITION, "vật liệu nổ": WeaponKind.EXPLOSIVE,
    "thuốc nổ": WeaponKind.EXPLOSIVE, "lựu đạn": WeaponKind.EXPLOSIVE,
    "pháo": WeaponKind.FIRECRACKER, "pháo nổ": WeaponKind.FIRECRACKER,
    "pháo hoa": WeaponKind.FIRECRACKER, "dao": WeaponKind.KNIFE, "kiếm": WeaponKind.KNIFE,
    "vũ khí thô sơ": WeaponKind.KNIFE, "mã tấu": WeaponKind.KNIFE,
    "công cụ hỗ trợ": WeaponKind.SUPPORT_TOOL, "CCHT": WeaponKind.SUPPORT_TOOL,
    "roi điện": WeaponKind.SUPPORT_TOOL, "bình xịt hơi cay": WeaponKind.SUPPORT_TOOL,
})
_DATE_VARIANTS = ("Ngày", "Ngày, tháng", "Ngày tháng", "Ngày, tháng, năm", "Thời gian")

TIPS = Kind(
    id="tips",
    label="Phong trào: tin báo của quần chúng",
    columns=(
        Column("received_on", "Ngày tiếp nhận", ("Ngày nhận", "Ngày tiếp nhận tin",
                                                 "Ngày nhận tin", *_DATE_VARIANTS),
               v.a_date, date(2026, 3, 2), required=True, width=12),
        _area(_WARD_AREA),
        Column("content", "Nội dung tin báo", ("Nội dung", "Nội dung tin", "Tóm tắt nội dung",
                                               "Nội dung sự việc"),
               v.text, "Báo có người lạ tụ tập đánh bạc tại nhà số 5", required=True, width=40),
        Column("valuable", "Tin có giá trị", ("Có giá trị", "Giá trị", "Tin có giá trị (x)"),
               v.flag, "x", width=10, help="“x” hoặc “Có”: tin có giá trị."),
        Column("result", "Kết quả xử lý", ("Kết quả", "Kết quả giải quyết", "Kết quả xác minh"),
               v.choice(_TIP_RESULT, _TIP_RESULT_SHOWN), TipResult.CASE_SOLVED.label,
               choices=tuple(m.label for m in TipResult), width=24,
               help="để trống: Đang xác minh."),
        Column("persons", "Số đối tượng", ("Số đối tượng bắt giữ", "Số người", "Số đối tượng "
                                           "bắt giữ, đầu thú", "Số đối tượng bị bắt"),
               v.integer, None, width=10,
               help="chỉ khi kết quả là bắt giữ hoặc vận động đầu thú."),
        Column("result_note", "Ghi chú kết quả", ("Ghi chú", "Chú thích"), v.text, None,
               width=24),
    ),
    notes=("Mỗi dòng là một tin báo.",
           "Tin báo đã có (cùng ngày, cùng khu dân cư, cùng nội dung) không được tạo lần nữa."),
    noun="Tin báo", second_noun=None,
)

PATROLS = Kind(
    id="patrols",
    label="Phong trào: tuần tra",
    columns=(
        Column("held_on", "Ngày tuần tra", ("Ngày", "Ngày, tháng", "Ngày tháng", "Thời gian",
                                            "Ngày tổ chức", "Ngày, tháng, năm"),
               v.a_date, date(2026, 3, 7), required=True, width=12),
        _area(_WARD_AREA),
        Column("participants", "Số người tham gia", ("Số người", "Số lượt người",
                                                     "Số người tham gia tuần tra", "Quân số",
                                                     "Số lượt người tham gia"),
               v.integer, 6, required=True, width=12),
        Column("notes", "Ghi chú", ("Nội dung", "Tuyến tuần tra", "Kết quả", "Chú thích"),
               v.text, "Tuần tra đêm tuyến Hàng Bạc – Hàng Bè", width=36),
    ),
    notes=("Mỗi dòng là một lần tuần tra.",
           "Lần tuần tra đã có (cùng ngày, cùng khu dân cư, cùng ghi chú) không được tạo lần nữa."),
    noun="Lần tuần tra", second_noun=None,
)

OUTREACH = Kind(
    id="outreach",
    label="Phong trào: tuyên truyền",
    columns=(
        Column("held_on", "Ngày tuyên truyền", ("Ngày tổ chức", "Ngày", "Ngày, tháng",
                                                "Ngày tháng", "Thời gian", "Ngày, tháng, năm"),
               v.a_date, date(2026, 3, 10), required=True, width=12),
        _area(_WARD_AREA),
        Column("kind", "Hình thức", ("Hình thức tuyên truyền", "Hình thức tổ chức", "Loại hình"),
               v.choice(_OUTREACH, _OUTREACH_SHOWN), OutreachKind.MEETING.label, required=True,
               choices=tuple(m.label for m in OutreachKind), width=22),
        Column("topic", "Nội dung tuyên truyền", ("Nội dung", "Chủ đề", "Nội dung chính"),
               v.text, "Phòng chống cháy nổ mùa khô", required=True, width=36),
        Column("attendance", "Số người dự", ("Số người tham dự", "Số lượt người", "Số người",
                                             "Số lượt người nghe", "Số người tham gia"),
               v.integer, 80, width=12),
    ),
    notes=("Mỗi dòng là một buổi (lần) tuyên truyền.",
           "Buổi đã có (cùng ngày, khu dân cư, hình thức và nội dung) không được tạo lần nữa."),
    noun="Buổi tuyên truyền", second_noun=None,
)

WEAPONS = Kind(
    id="weapons",
    label="Phong trào: thu hồi vũ khí, vật liệu nổ",
    columns=(
        Column("received_on", "Ngày tiếp nhận", ("Ngày thu hồi", "Ngày giao nộp", "Ngày nhận",
                                                 *_DATE_VARIANTS),
               v.a_date, date(2026, 3, 12), required=True, width=12),
        _area(_WARD_AREA),
        Column("kind", "Loại", ("Loại vũ khí", "Chủng loại", "Loại vũ khí, vật liệu nổ",
                                "Tên vũ khí, vật liệu nổ, công cụ hỗ trợ", "Loại VK, VLN, CCHT"),
               v.choice(_WEAPON, _WEAPON_SHOWN), WeaponKind.FIRECRACKER.label, required=True,
               choices=tuple(m.label for m in WeaponKind), width=24),
        Column("quantity", "Số lượng", ("SL", "Số lượng thu hồi"), v.quantity, 2.5,
               required=True, width=10),
        Column("unit", "Đơn vị tính", ("ĐVT", "Đơn vị"), v.text, "kg", width=10,
               help="để trống: đơn vị quen dùng của loại (khẩu, viên, kg, chiếc)."),
        Column("description", "Mô tả", ("Ghi chú", "Người giao nộp", "Đặc điểm", "Chú thích"),
               v.text, "Pháo nổ tự chế do người dân giao nộp", width=30),
    ),
    notes=("Mỗi dòng là một lần tiếp nhận vũ khí, vật liệu nổ, pháo, công cụ hỗ trợ.",
           "Lần đã có (cùng ngày, khu dân cư, loại và mô tả) không được tạo lần nữa."),
    noun="Lần thu hồi", second_noun=None,
)

KINDS: dict[str, Kind] = {k.id: k for k in (HOUSEHOLDS, REHABILITATION, MEDIATORS, CERT_UNITS,
                                            TIPS, PATROLS, OUTREACH, WEAPONS)}
KIND_NAMES = ", ".join(KINDS)


def find_kind(wanted: str) -> Kind:
    key = fold(wanted)
    for kind in KINDS.values():
        if key in (kind.id, fold(kind.label)):
            return kind
    raise KeyError(wanted)


def match_headers(kind: Kind, headers: list[str]) -> dict[int, str]:
    """Column index → column key for the headers recognised (each key at most once, the first
    header that names it)."""
    lookup: dict[str, str] = {}
    for column in kind.columns:
        for h in column.headers():
            lookup.setdefault(h, column.key)
    found: dict[int, str] = {}
    for index, header in enumerate(headers):
        key = lookup.get(fold_header(header))
        if key is not None and key not in found.values():
            found[index] = key
    return found


def header_score(kind: Kind, headers: list[str]) -> int:
    return len(match_headers(kind, headers))
