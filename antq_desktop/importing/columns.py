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

from ..enums import Relationship, ResidenceKind, Sex
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
        Column("notes", "Ghi chú", ("Chú thích",), v.text, None, width=20),
    ),
    need_one_of=(("birth", "birth_male", "birth_female"),),
    notes=("Mỗi dòng là một nhân khẩu; các nhân khẩu của một hộ đứng liền nhau, chủ hộ trước.",),
)

KINDS: dict[str, Kind] = {k.id: k for k in (HOUSEHOLDS,)}
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
