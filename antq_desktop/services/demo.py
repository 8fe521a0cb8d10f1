"""A realistic demo ward to try the app on and to measure it with (``antq-desktop demo``).

Fills an *empty* database with one real ward from the official list, its residential areas,
households with their members, and two years of household sign-ups. Everything is made up but
shaped like real records: Vietnamese names in Vietnamese order with full diacritics, families
whose ages fit together, ID numbers whose digits agree with sex and birth year (docs/DOMAIN.md §1),
temporary residents, absent and moved-out people, households that moved away.

Rows go in with bulk ``insert(Model)`` statements in one transaction (docs/ARCHITECTURE.md §3); the
household columns cached for the list are filled by the same functions HouseholdService uses.
The output depends only on ``seed`` and ``today`` (the day the demo is made for: by default
``date.today()``; tests pass a fixed day). No record is dated after ``today``.
"""

from __future__ import annotations

import random
import unicodedata
from bisect import bisect
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from typing import Callable

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from .. import places
from ..db.engine import Database
from ..db.models import Area, Household, HouseholdSearch, HouseholdSignup, Resident, Unit
from ..db.search import create_household_fts, drop_household_fts
from ..enums import Relationship, ResidenceKind, Sex
from ..gcpause import gc_paused
from ..text import fold
from ..validation import ID_PROVINCE_CODES
from .bulk import bulk
from .demo_activities import add_activities
from .demo_certification import add_certification
from .demo_duplicates import add_duplicates
from .demo_mediation import add_mediation
from .demo_rehab import add_rehabilitation
from .households import TEMPORARY_RESIDENCE_MAX_DAYS, MemberData, _search_text, name_sort_key
from .unit import UnitInfo, UnitService
from ..numbers import grouped

DEMO_PROVINCE_CODE = 1  # Thành phố Hà Nội
DEMO_WARD_CODE = 70  # Phường Hoàn Kiếm
HOME_ID_PROVINCE = 1  # "001": birth registered in Hà Nội
MAX_MEMBERS = 7
INSERT_CHUNK = 2000  # households per insert round (progress and cancel points)
SQLITE_CACHE_KIB = 128 * 1024  # page cache while loading

Progress = Callable[[int, int], bool]

M, F = Sex.MALE, Sex.FEMALE
R = Relationship
TEMPORARY, ABSENT = ResidenceKind.TEMPORARY, ResidenceKind.ABSENT
YEAR = 365.2425
_Y = [int(n * YEAR) for n in range(100)]  # whole years in days
_Y14, _Y15 = int(1.4 * YEAR), int(1.5 * YEAR)


class DemoError(Exception):
    """The demo cannot run (database not empty, cancelled); the message is Vietnamese."""


@dataclass(frozen=True)
class DemoSummary:
    place_name: str
    province_name: str
    areas: int
    households: int  # rows created, the ~1 % that moved away included
    residents: int  # rows created, moved-out people included
    signups: int  # household sign-ups over last year and this year
    rehab_cases: int = 0
    mediation_cases: int = 0
    cert_records: int = 0  # "An toàn về ANTT" records over two years
    activities: int = 0  # movement activity records of every kind

    def describe(self) -> str:
        return (f"Đã tạo phường mẫu {self.place_name} ({self.province_name}): "
                f"{_n(self.areas)} khu dân cư, {_n(self.households)} hộ, "
                f"{_n(self.residents)} nhân khẩu, {_n(self.signups)} lượt đăng ký, "
                f"{_n(self.rehab_cases)} hồ sơ quản lý, giáo dục, giúp đỡ, "
                f"{_n(self.mediation_cases)} vụ, việc hòa giải"
                + (f", {_n(self.activities)} hoạt động phong trào" if self.activities else "")
                + (f", {_n(self.cert_records)} hồ sơ “An toàn về an ninh, trật tự”"
                   if self.cert_records else "")
                + ".")


_n = grouped


# -- word lists ---------------------------------------------------------------------------------
def _nfc(items):
    return [unicodedata.normalize("NFC", x) for x in items]


# Rough frequencies of Vietnamese family names (per mille), northern flavour.
_SURNAMES = [
    ("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 70), ("Hoàng", 50), ("Huỳnh", 8),
    ("Phan", 40), ("Vũ", 39), ("Võ", 10), ("Đặng", 21), ("Bùi", 20), ("Đỗ", 18), ("Hồ", 10),
    ("Ngô", 13), ("Dương", 10), ("Lý", 5), ("Đinh", 9), ("Trịnh", 8), ("Đào", 8), ("Mai", 5),
    ("Lương", 5), ("Tạ", 4), ("Cao", 4), ("Lưu", 4), ("Chu", 4), ("Kiều", 3), ("Tô", 3),
    ("Hà", 4), ("Phùng", 4), ("Nghiêm", 2), ("Quách", 2), ("Lại", 2), ("Khuất", 2), ("Triệu", 2),
    ("Vương", 2), ("Đoàn", 5), ("Thái", 2), ("Trương", 4), ("Lâm", 3), ("Doãn", 2), ("Đàm", 2),
]
_MIDDLE_MALE_OLD = [("Văn", 55), ("Đức", 8), ("Minh", 6), ("Quốc", 4), ("Hữu", 6), ("Quang", 5),
                    ("Xuân", 4), ("Đình", 5), ("Ngọc", 3), ("Công", 4), ("Mạnh", 2), ("Thế", 3),
                    ("Trọng", 3), ("Tiến", 2), ("Thanh", 3)]
_MIDDLE_MALE_YOUNG = [("Văn", 12), ("Đức", 12), ("Minh", 14), ("Quốc", 6), ("Hữu", 4),
                      ("Quang", 7), ("Thành", 4), ("Tiến", 3), ("Mạnh", 3), ("Công", 4),
                      ("Ngọc", 3), ("Trọng", 3), ("Hoàng", 5), ("Tuấn", 4), ("Gia", 6),
                      ("Anh", 3), ("Việt", 4), ("Bảo", 4), ("Duy", 4), ("Hải", 3), ("Nhật", 3)]
_MIDDLE_FEMALE_OLD = [("Thị", 75), ("Ngọc", 4), ("Thu", 4), ("Thanh", 4), ("Kim", 3), ("Hồng", 3),
                      ("Minh", 2), ("Bích", 2), ("Phương", 1), ("Mai", 1), ("Lan", 1)]
_MIDDLE_FEMALE_YOUNG = [("Thị", 22), ("Ngọc", 10), ("Thu", 8), ("Thanh", 8), ("Minh", 6),
                        ("Phương", 6), ("Hồng", 4), ("Thùy", 6), ("Mai", 3), ("Kim", 3),
                        ("Khánh", 5), ("Bảo", 4), ("Diệu", 2), ("Quỳnh", 3), ("Hoài", 2),
                        ("Hải", 3), ("Bích", 2), ("Lan", 2)]
_GIVEN_MALE = _nfc([
    "Anh", "Hùng", "Dũng", "Minh", "Tuấn", "Hải", "Long", "Nam", "Quân", "Sơn", "Thắng", "Trung",
    "Cường", "Hiếu", "Huy", "Khoa", "Phong", "Tùng", "Thành", "Bình", "Đạt", "Hoàng", "Khánh",
    "Kiên", "Lâm", "Lợi", "Nghĩa", "Phúc", "Quang", "Tài", "Thịnh", "Toàn", "Trí", "Việt", "Vinh",
    "Duy", "Đức", "Hưng", "Mạnh", "Tâm", "Thái", "Bảo", "Đông", "Giang", "Hiệp", "Hòa", "Khải",
    "Nhân", "Quý", "Tiến", "Chiến", "Thanh", "Lộc", "Phương", "Hậu", "Công", "Vũ", "Khôi", "Tú",
])
_GIVEN_FEMALE = _nfc([
    "Anh", "Hà", "Hương", "Lan", "Linh", "Mai", "Ngọc", "Nhung", "Phương", "Thảo", "Trang", "Vân",
    "Yến", "Hằng", "Huyền", "Giang", "Hạnh", "Hoa", "Hồng", "Liên", "Loan", "Ly", "My", "Nga",
    "Ngân", "Nhi", "Oanh", "Quyên", "Quỳnh", "Tâm", "Thu", "Thủy", "Tuyết", "Uyên", "Vy", "Xuân",
    "Dung", "Diệp", "Hiền", "Hậu", "Khánh", "Chi", "Châu", "Hoài", "Nhàn", "Thơm", "Tươi", "Lụa",
    "Bình", "Minh", "Thoa", "Duyên", "Lê", "Hường", "Thúy", "Vui", "Sen", "Hạnh", "Trâm", "Lý",
])
# Given names of two words, fashionable for children born since the 1990s.
_GIVEN_FEMALE_PAIR = _nfc(["Minh Anh", "Bảo Anh", "Phương Anh", "Khánh Linh", "Bảo Ngọc",
                           "Hà My", "Tuệ Lâm", "Ngọc Diệp", "Gia Hân", "Thảo Nguyên"])
_GIVEN_MALE_PAIR = _nfc(["Minh Khôi", "Gia Huy", "Bảo Long", "Đăng Khoa", "Minh Quân",
                         "Anh Tuấn", "Nhật Minh", "Quang Huy"])

# Streets of the old quarter and around Hoàn Kiếm lake, with their kind as written in addresses.
_STREETS = [("phố", s) for s in _nfc([
    "Hàng Bạc", "Hàng Đào", "Hàng Ngang", "Hàng Gai", "Hàng Bông", "Hàng Trống", "Lương Văn Can",
    "Hàng Bồ", "Hàng Buồm", "Mã Mây", "Tạ Hiện", "Hàng Khay", "Tràng Tiền", "Hàng Bài",
    "Bà Triệu", "Hàng Chiếu", "Hàng Mã", "Hàng Lược", "Hàng Cót", "Hàng Thiếc", "Hàng Nón",
    "Hàng Điếu", "Hàng Da", "Đường Thành", "Hàng Chĩnh", "Nguyễn Hữu Huân", "Lò Sũ", "Hàng Vôi",
    "Cầu Gỗ", "Hàng Hành", "Bảo Khánh", "Nhà Thờ", "Nhà Chung", "Ấu Triệu", "Hàng Hòm",
    "Hàng Quạt", "Hàng Mành", "Hàng Rươi", "Chả Cá", "Hàng Phèn", "Hàng Giấy", "Đào Duy Từ",
    "Đinh Lễ", "Tông Đản", "Lý Đạo Thành", "Hàng Tre", "Hàng Muối", "Phủ Doãn", "Hàng Dầu",
    "Hàng Vải", "Hàng Cân", "Hàng Đường", "Hàng Khoai", "Gia Ngư", "Đông Thái", "Hàng Bè",
    "Cầu Đông", "Ngõ Gạch", "Hàng Chai", "Nguyễn Siêu", "Hàng Thùng", "Lò Rèn", "Hàng Gà",
])] + [("đường", s) for s in _nfc([
    "Đinh Tiên Hoàng", "Lê Thái Tổ", "Trần Quang Khải", "Phùng Hưng", "Trần Nhật Duật",
])]

_OCCUPATIONS = _nfc([
    "Kinh doanh", "Buôn bán", "Công nhân", "Công chức", "Viên chức", "Giáo viên", "Bác sĩ",
    "Kỹ sư", "Nhân viên văn phòng", "Lao động tự do", "Lái xe", "Thợ may", "Thợ điện", "Kế toán",
    "Điều dưỡng", "Nội trợ", "Nhân viên bán hàng", "Đầu bếp", "Thợ sửa xe",
    "Hướng dẫn viên du lịch",
    "Lập trình viên", "Nhân viên ngân hàng", "Bảo vệ", "Thợ kim hoàn", "Kiến trúc sư", "Luật sư",
])
_OCCUPATION_WEIGHTS = [14, 12, 6, 6, 6, 5, 2, 4, 9, 10, 3, 2, 2, 3, 2, 5, 5, 2, 2, 2, 3, 3, 2, 1,
                       1, 1]
_OLDER_OCCUPATIONS = {M: _nfc(["Kinh doanh", "Buôn bán", "Lao động tự do", "Bảo vệ"]),
                      F: _nfc(["Kinh doanh", "Buôn bán", "Lao động tự do", "Nội trợ"])}
# Not impossible the other way round, only rare enough to look odd in a demo.
_UNLIKELY_OCCUPATIONS = {M: frozenset(_nfc(["Nội trợ", "Thợ may"])),
                         F: frozenset(_nfc(["Thợ điện", "Bảo vệ", "Lái xe", "Thợ sửa xe"]))}
_ABSENT_REASONS = _nfc([
    "Đi làm việc tại Thành phố Hồ Chí Minh", "Đi học tại Thành phố Hồ Chí Minh",
    "Đi làm việc tại tỉnh Bắc Ninh", "Đi lao động tại Nhật Bản", "Đi lao động tại Hàn Quốc",
    "Đi học tập tại nước ngoài", "Đi làm việc tại Thành phố Đà Nẵng",
])
_MEMBER_MOVED_REASONS = _nfc([
    "Chuyển đi nơi khác sinh sống", "Chuyển hộ khẩu đến phường khác", "Định cư ở nước ngoài",
])
_YOUNG_MOVED_REASON = unicodedata.normalize(
    "NFC", "Đi học tập, làm việc tại Thành phố Hồ Chí Minh")
_HOUSEHOLD_MOVED_REASONS = _nfc([
    "Chuyển đến nơi ở mới tại phường khác", "Bán nhà, chuyển đi nơi khác",
    "Chuyển về quê sinh sống", "Hết thời hạn tạm trú, không gia hạn",
])


def _weighted(pairs):
    words = _nfc([w for w, _ in pairs])
    cum = list(accumulate(n for _, n in pairs))
    return words, cum


class _Random(random.Random):
    """``random.Random`` with one-call ``randint`` and ``choice`` (the stock ones go through
    three Python frames each: a tenth of the generation time). Still fully set by the seed."""

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


class _Picker:
    """Fast weighted choice (``random.choices`` rebuilds its cumulative list on every call)."""

    def __init__(self, rng: random.Random, pairs):
        self.rng = rng
        self.words, self.cum = _weighted(pairs)
        self.total = self.cum[-1]

    def __call__(self) -> str:
        return self.words[bisect(self.cum, self.rng.random() * self.total)]


# -- the generator ------------------------------------------------------------------------------
@dataclass
class _Household:
    code: str
    area_index: int
    address: str
    members: list[MemberData]
    since: int  # ordinal date from which the household lives here (for its sign-ups)
    notes: str = ""
    moved_out_on: date | None = None
    moved_out_reason: str = ""


class _Generator:
    def __init__(self, seed: int, today: date):
        self.rng = _Random(seed)
        self.today = today
        self.t = today.toordinal()
        rng = self.rng
        self.surname = _Picker(rng, _SURNAMES)
        self.middle = {
            (M, True): _Picker(rng, _MIDDLE_MALE_OLD), (M, False): _Picker(rng, _MIDDLE_MALE_YOUNG),
            (F, True): _Picker(rng, _MIDDLE_FEMALE_OLD),
            (F, False): _Picker(rng, _MIDDLE_FEMALE_YOUNG),
        }
        self.occupation = _Picker(rng, list(zip(_OCCUPATIONS, _OCCUPATION_WEIGHTS)))
        self.other_provinces = sorted(ID_PROVINCE_CODES - {HOME_ID_PROVINCE})
        self.used_ids: set[str] = set()
        self.used_old_ids: set[str] = set()
        self.used_phones: set[str] = set()
        self.min_birth = date(1900, 1, 1).toordinal()

    # -- small helpers ----------------------------------------------------------------------------
    def age(self, birth: int) -> float:
        return (self.t - birth) / YEAR

    def name(self, surname: str, sex: Sex, born: int) -> str:
        """A full name in Vietnamese order for someone born in the year ``born``."""
        rng = self.rng
        if born >= 1990 and rng.random() < (0.22 if sex is F else 0.12):
            given = rng.choice(_GIVEN_FEMALE_PAIR if sex is F else _GIVEN_MALE_PAIR)
            if rng.random() < 0.5:
                return f"{surname} {given}"
        else:
            given = rng.choice(_GIVEN_FEMALE if sex is F else _GIVEN_MALE)
        pick = self.middle[(sex, born < 1975)]
        middle = pick()
        while middle in given.split() or middle == surname:
            middle = pick()
        return f"{surname} {middle} {given}"

    slot = ""  # a demo province's ward (services/demo_province.py): its two digits lead every
    #            serial, so that ID and phone numbers never clash between the wards of a store

    def _serial(self, width: int) -> str:
        digits = width - len(self.slot)
        return f"{self.slot}{self.rng.randint(0, 10 ** digits - 1):0{digits}d}"

    def id_number(self, sex: Sex, year: int) -> str:
        """Province of birth registration, century and sex, year, serial (docs/DOMAIN.md §1)."""
        rng = self.rng
        province = (HOME_ID_PROVINCE if rng.random() < 0.82
                    else rng.choice(self.other_provinces))
        prefix = f"{province:03d}{(year // 100 - 19) * 2 + (sex is F)}{year % 100:02d}"
        while True:
            number = f"{prefix}{self._serial(6)}"
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def old_id_number(self) -> str:
        while True:
            number = f"01{self._serial(7)}"
            if number not in self.used_old_ids:
                self.used_old_ids.add(number)
                return number

    def phone(self) -> str:
        rng = self.rng
        r = rng.random()
        prefix = "09" if r < 0.6 else "03" if r < 0.8 else "08" if r < 0.92 else "07"
        while True:
            number = f"{prefix}{self._serial(8)}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def person(self, surname: str, sex: Sex, birth: int, relation: Relationship) -> MemberData:
        rng = self.rng
        age = self.age(birth)
        born = date.fromordinal(birth)
        m = MemberData(full_name=self.name(surname, sex, born.year), birth_date=born, sex=sex,
                       relation=relation)
        if rng.random() < (0.99 if age >= 14 else 0.55):
            m.id_number = self.id_number(sex, born.year)
        if age >= 33 and rng.random() < 0.15:
            m.old_id_number = self.old_id_number()
        if age >= 18 and rng.random() < (0.3 if age >= 75 else 0.78):
            m.phone = self.phone()
        if age >= 60 or (sex is F and age >= 56):
            m.occupation = ("Hưu trí" if rng.random() < 0.75
                            else rng.choice(_OLDER_OCCUPATIONS[sex]))
        elif age >= 18:
            m.occupation = "Sinh viên" if age < 23 and rng.random() < 0.6 else self.occupation()
            while m.occupation in _UNLIKELY_OCCUPATIONS[sex]:
                m.occupation = self.occupation()
        elif age >= 6:
            m.occupation = "Học sinh"
        return m

    def birth(self, lo: int, hi: int) -> int:
        """A birth date between two ordinals, never in the future nor before 1900."""
        hi = min(hi, self.t - 1)
        lo = min(max(lo, self.min_birth), hi)
        return self.rng.randint(lo, hi)

    # -- one household ----------------------------------------------------------------------------
    def head_age(self, temporary: bool) -> float:
        rng = self.rng
        if temporary:
            return rng.uniform(19, 48)
        r = rng.random()
        for limit, lo, hi in ((0.07, 22, 30), (0.29, 30, 40), (0.53, 40, 50), (0.73, 50, 60),
                              (0.89, 60, 70), (0.985, 70, 85)):
            if r < limit:
                return rng.uniform(lo, hi)
        return rng.uniform(85, 96)

    def family(self, temporary: bool) -> list[MemberData]:
        rng, t = self.rng, self.t
        head_age = self.head_age(temporary)
        head_sex = M if rng.random() < (0.62 if temporary else 0.72) else F
        head_birth = t - int(head_age * YEAR)
        head_sur = self.surname()
        head = self.person(head_sur, head_sex, head_birth, R.HEAD)
        members = [head]

        # spouse
        spouse = None
        if head_age >= 21:
            if head_sex is M:
                married = rng.random() < (0.45 if temporary and head_age < 28 else
                                          0.7 if head_age >= 75 else 0.88)
            else:
                married = rng.random() < (0.3 if head_age < 70 else 0.12)
            if married:
                gap = rng.randint(0, _Y[7])
                if head_sex is M:
                    sp_birth = self.birth(head_birth + gap - _Y[1], head_birth + gap)
                    spouse = self.person(self.surname(), F, max(sp_birth, head_birth - _Y[2]),
                                         R.WIFE)
                else:
                    spouse = self.person(self.surname(), M, self.birth(head_birth - gap,
                                                                       head_birth - gap + _Y[1]),
                                         R.HUSBAND)
                if (t - spouse.birth_date.toordinal()) / YEAR >= 18:
                    members.append(spouse)
                else:
                    spouse = None
        father = head if head_sex is M else spouse
        child_sur = father.full_name.split()[0] if father else (
            head_sur if rng.random() < 0.5 else self.surname())

        # children: 18 to 40 years younger than each parent living here
        parents = [p.birth_date.toordinal() for p in (head, spouse) if p]
        lo, hi = max(parents) + _Y[19], min(parents) + _Y[40]
        children: list[MemberData] = []
        if lo <= hi and lo < t:
            wanted = rng.choices((0, 1, 2, 3), (2, 18, 50, 30))[0]
            if temporary:
                wanted = min(wanted, rng.choice((0, 0, 1, 2)))
            birth = lo + rng.randint(0, _Y[9])
            for _ in range(wanted):
                if birth > hi or birth >= t or len(members) >= MAX_MEMBERS:
                    break
                sex = M if rng.random() < 0.52 else F
                age = (t - birth) / YEAR
                # Grown children mostly leave; some stay, sons more than daughters.
                stays = age < 23 or rng.random() < (0.75 if sex is M else 0.5)
                if stays:
                    child = self.person(child_sur, sex, birth, R.CHILD)
                    children.append(child)
                    members.append(child)
                birth += rng.randint(_Y14, _Y[6])

        # a married son living with his parents, his wife and their children
        son = next((c for c in children
                    if c.sex is M and t - c.birth_date.toordinal() >= _Y[24]), None)
        if son is not None and rng.random() < 0.8 and len(members) < MAX_MEMBERS:
            son_birth = son.birth_date.toordinal()
            dil = self.person(self.surname(), F,
                              self.birth(son_birth, son_birth + _Y[5]), R.CHILD_IN_LAW)
            dil_birth = dil.birth_date.toordinal()
            if (t - dil_birth) / YEAR >= 20:
                dil.residence_from = date.fromordinal(
                    self.birth(dil_birth + _Y[20], t))
                members.append(dil)
                g_lo = max(son_birth, dil_birth) + _Y[20]
                g_hi = min(son_birth, dil_birth) + _Y[40]
                birth = g_lo + rng.randint(0, _Y[8])
                for _ in range(rng.choices((0, 1, 2, 3), (15, 40, 38, 7))[0]):
                    if birth > g_hi or birth >= t or len(members) >= MAX_MEMBERS:
                        break
                    sex = M if rng.random() < 0.52 else F
                    members.append(self.person(son.full_name.split()[0], sex, birth,
                                               R.GRANDCHILD))
                    birth += rng.randint(_Y15, _Y[6])

        # a widowed parent of the head, or both parents (the father up to 7 years older)
        if 25 <= head_age <= 62 and not temporary and rng.random() < 0.35:
            mother_birth = self.birth(head_birth - _Y[38], head_birth - _Y[20])
            father_birth = max(self.birth(mother_birth - _Y[7], mother_birth),
                               head_birth - _Y[40])
            r = rng.random()
            for sex in (F,) if r < 0.6 else (M,) if r < 0.76 else (F, M):
                p_birth = mother_birth if sex is F else father_birth
                if t - p_birth > _Y[97] or len(members) >= MAX_MEMBERS:
                    continue
                if sex is M:  # the head took the father's family name
                    members.append(self.person(head_sur, M, p_birth, R.FATHER))
                else:
                    members.append(self.person(self.surname(), F, p_birth, R.MOTHER))

        # a younger brother or sister, or (renting) a friend
        if len(members) < MAX_MEMBERS and rng.random() < (0.12 if temporary else 0.04):
            s_birth = self.birth(head_birth + _Y[1], head_birth + _Y[12])
            if (t - s_birth) / YEAR >= 16:
                sex = M if rng.random() < 0.5 else F
                if temporary and rng.random() < 0.5:
                    members.append(self.person(self.surname(), sex, s_birth, R.OTHER))
                else:
                    members.append(self.person(head_sur, sex, s_birth, R.YOUNGER_SIBLING))
        return members

    def stay_end(self, start: int) -> int:
        """End of a temporary stay begun on ``start``: at most two years, usually still running."""
        last = start + TEMPORARY_RESIDENCE_MAX_DAYS
        return self.rng.randint(min(max(start + 180, self.t + 1), last), last)

    def temporary_stay(self, m: MemberData, start: int, end: int | None = None) -> None:
        """Tạm trú from ``start`` (or from birth, for a baby born since) until ``end``."""
        begin = max(start, m.birth_date.toordinal())
        m.residence_kind = TEMPORARY
        m.residence_from = date.fromordinal(begin)
        m.residence_to = date.fromordinal(end if end is not None else self.stay_end(begin))

    def household(self, number: int, area_index: int, address: str) -> _Household:
        rng, t = self.rng, self.t
        temporary = rng.random() < 0.10
        members = self.family(temporary)
        since = arrived = self.min_birth
        notes = ""
        if temporary:
            start = arrived = t - rng.randint(0, 700)
            end = self.stay_end(start)
            for m in members:
                self.temporary_stay(m, start, end)
            since = start
            if rng.random() < 0.5:
                # The current registration renews an earlier one: they have lived here longer.
                adult = members[0].birth_date.toordinal() + _Y[18]
                since = max(start - rng.randint(100, 1800), adult)
                if since < start - 60:
                    notes = (f"Tạm trú tại phường từ năm {date.fromordinal(since).year}, "
                             "đã gia hạn.")
                else:
                    since = start
        else:
            for m in members[1:]:
                birth = m.birth_date.toordinal()
                age = self.age(birth)
                r = rng.random()
                if r < 0.025 and age >= 16 and m.relation is not R.CHILD_IN_LAW:
                    # moved out (or died), kept in the records with a date
                    m.moved_out_on = date.fromordinal(max(birth + _Y[16],
                                                          t - rng.randint(1, 2000)))
                    if age >= 78:
                        m.moved_out_reason = "Đã qua đời"
                    elif (m.sex is F and 20 <= age <= 40 and rng.random() < 0.5
                          and m.relation in (R.CHILD, R.GRANDCHILD, R.YOUNGER_SIBLING)):
                        m.moved_out_reason = "Kết hôn, chuyển đến nơi cư trú của chồng"
                    elif age < 35 and rng.random() < 0.4:
                        m.moved_out_reason = _YOUNG_MOVED_REASON
                    else:
                        m.moved_out_reason = rng.choice(_MEMBER_MOVED_REASONS)
                elif r < 0.045 and 18 <= age <= 45:
                    m.residence_kind = ABSENT
                    left = max(birth + _Y[18], t - rng.randint(20, 900))
                    m.residence_from = date.fromordinal(left)
                    m.residence_to = date.fromordinal(left + rng.randint(180, 1100))
                    m.notes = rng.choice(_ABSENT_REASONS)
                elif r < 0.07 and m.relation in (R.CHILD_IN_LAW, R.YOUNGER_SIBLING, R.OTHER,
                                                 R.WIFE, R.HUSBAND):
                    self.temporary_stay(m, t - rng.randint(0, 700))
                elif m.relation in (R.WIFE, R.HUSBAND) and age >= 21 and rng.random() < 0.3:
                    m.residence_from = date.fromordinal(
                        self.birth(birth + _Y[20], t - 30))
        h = _Household(code=f"HK{number:06d}", area_index=area_index, address=address,
                       members=members, since=since, notes=notes)
        if rng.random() < 0.01:
            first = min(max(arrived + 30, t - 900), t - 1)
            h.moved_out_on = date.fromordinal(rng.randint(first, t - 1))
            h.moved_out_reason = rng.choice(_HOUSEHOLD_MOVED_REASONS)
        return h

    # -- the ward ---------------------------------------------------------------------------------
    def areas(self, count: int) -> list[list[tuple[str, str]]]:
        """For each area, the 2–4 streets its houses stand on."""
        return [self.rng.sample(_STREETS, self.rng.randint(2, 4)) for _ in range(count)]

    def address(self, streets: list[tuple[str, str]]) -> str:
        rng = self.rng
        kind, street = rng.choice(streets)
        r = rng.random()
        if r < 0.55:
            return f"số {rng.randint(1, 160)}, {kind} {street}"
        lane = rng.randint(1, 120)
        if r < 0.9:
            return f"số {rng.randint(1, 60)}, ngõ {lane}, {kind} {street}"
        alley = f"{lane}/{rng.randint(1, 40)}"
        return f"số {rng.randint(1, 30)}, ngách {alley}, ngõ {lane}, {kind} {street}"

    def signup_dates(self, year: int, areas: int, low: float, high: float,
                     full_share: float = 0.3):
        """Per area: (rate, meeting day, first day, last day) of the first-quarter campaign.
        ``full_share`` of the areas sign up every household (rate 1.0)."""
        first = date(year, 1, 2).toordinal()
        last = min(date(year, 3, 31).toordinal(), self.t)
        plans = []
        for _ in range(areas):
            if high >= 1 and self.rng.random() < full_share:
                rate = 1.0  # every household of the area signed
            else:
                rate = self.rng.uniform(low, min(high, 0.999))
            latest_meeting = min(date(year, 2, 28).toordinal(), last)
            meeting = self.rng.randint(first, latest_meeting) if first <= last else last
            plans.append((rate, meeting, min(first, last), last))
        return plans

    def signups(self, household_id: int, h: _Household, campaigns) -> list[dict]:
        """The household's sign-up rows: never before it came nor after it left."""
        rng, rows = self.rng, []
        gone = h.moved_out_on.toordinal() if h.moved_out_on else self.t + 1
        for year, plans in campaigns:
            rate, meeting, first, last = plans[h.area_index]
            if rng.random() >= rate:
                continue
            day = meeting if rng.random() < 0.7 else rng.randint(first, last)
            day = max(day, min(h.since + 1, last))
            if rate >= 1 and h.since >= last and date.fromordinal(h.since).year == year:
                # an area where everyone signs: a household that comes later signs on arrival,
                # within the year it signs up for (one that comes on 31/12 does not sign up
                # for that year) and not after today
                day = min(h.since + rng.randint(1, 10), self.t,
                          date(year, 12, 31).toordinal())
                if h.since < day < gone:
                    rows.append({"household_id": household_id, "year": year,
                                 "signed_on": date.fromordinal(day)})
                continue
            if day < gone and h.since < day <= last:
                rows.append({"household_id": household_id, "year": year,
                             "signed_on": date.fromordinal(day)})
        return rows

    def commander(self) -> str:
        return self.name(self.surname(), M, self.today.year - self.rng.randint(40, 52))


# -- entry point --------------------------------------------------------------------------------
def _is_empty(s) -> bool:
    return all(s.scalar(select(model.id).limit(1)) is None for model in (Unit, Area, Household))


NOT_EMPTY = ("Cơ sở dữ liệu đã có dữ liệu; lệnh demo chỉ điền vào cơ sở dữ liệu trống. "
             "Hãy chỉ định một tệp mới bằng --db.")
CANCELLED = "Đã hủy tạo dữ liệu mẫu; cơ sở dữ liệu không thay đổi."


@contextmanager
def _big_sqlite_cache(db: Database, s: Session):
    """A bigger SQLite page cache while loading, the usual one afterwards.

    The name and ID-number indexes take their keys in random order; with the default 2 MB cache
    SQLite keeps re-reading their pages (a tenth of the load time at 100,000 households).
    """
    if not db.is_sqlite:
        yield
        return
    conn = s.connection()
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with suppress(SQLAlchemyError):
            conn.exec_driver_sql(f"PRAGMA cache_size={int(before)}")


def _write_chunk(s: Session, gen: _Generator, chunk: list[_Household], area_ids: list[int],
                 campaigns) -> tuple[int, int]:
    """Insert a batch of households, their members and sign-ups; return (members, sign-ups)."""
    rows = []
    for h in chunk:
        # The cached list columns, exactly as HouseholdService._refresh_cache sets them.
        active = [m for m in h.members if m.active]
        head = next(m for m in active if m.relation is R.HEAD)
        rows.append({
            "code": h.code, "area_id": area_ids[h.area_index], "address": h.address,
            "notes": h.notes, "moved_out_on": h.moved_out_on,
            # the arrival of those who came in the last ten years; older ones left empty
            "since": date.fromordinal(h.since) if h.since > gen.t - _Y[10] else None,
            "moved_out_reason": h.moved_out_reason, "head_name": head.full_name,
            "head_sort": name_sort_key(head.full_name), "residence_kind": head.residence_kind,
            "member_count": len(active),
        })
    s.execute(bulk(Household), rows)
    # Ids looked up by code rather than with RETURNING: a plain executemany is a third faster.
    codes = [h.code for h in chunk]
    ids = {code: (hid, unit) for code, hid, unit in s.execute(
        select(Household.code, Household.id, Household.unit_id).where(Household.code.in_(codes)))}
    people, signed, search = [], [], []
    for h in chunk:
        hid, unit = ids[h.code]
        # The search text exactly as HouseholdService._refresh_cache writes it.
        folded, lowered = _search_text(h.code, h.address, h.members)
        search.append({"household_id": hid, "unit_id": unit, "folded": folded,
                       "lower": lowered})
        for m in h.members:
            people.append({
                "household_id": hid, "full_name": m.full_name,
                "name_folded": fold(m.full_name), "birth_date": m.birth_date,
                "sex": m.sex, "id_number": m.id_number or None,
                "old_id_number": m.old_id_number or None, "relation": m.relation,
                "residence_kind": m.residence_kind, "residence_from": m.residence_from,
                "residence_to": m.residence_to, "phone": m.phone, "occupation": m.occupation,
                "notes": m.notes, "moved_out_on": m.moved_out_on,
                "moved_out_reason": m.moved_out_reason,
            })
        signed += gen.signups(hid, h, campaigns)
    s.execute(bulk(Resident), people)
    s.execute(bulk(HouseholdSearch), search)
    if signed:
        s.execute(bulk(HouseholdSignup), signed)
    return len(people), len(signed)


def area_count(households: int) -> int:
    return max(6, min(300, households // 350))


def generate(db: Database, households: int = 2000, seed: int = 2026,
             progress: Progress | None = None, today: date | None = None) -> DemoSummary:
    """Fill an empty database with a demo ward of ``households`` households, as it would be
    on ``today`` (by default the real today).

    ``progress(done, total)`` is called after each batch of households written (total =
    ``households``); returning False cancels, and nothing is written. Raises DemoError when
    the database already holds a unit, an area or a household, or on cancel.
    """
    # Hundreds of thousands of small objects are made and dropped; the cyclic garbage collector
    # would rescan the long-lived ones (SQLAlchemy's, the sets of used numbers) again and again
    # — it doubled the run time — and the demo makes no reference cycles.
    with gc_paused():
        return _generate(db, households, seed, progress, today or date.today())


def _generate(db: Database, households: int, seed: int, progress: Progress | None,
              today: date) -> DemoSummary:
    if households < 1:
        raise DemoError("Số hộ phải lớn hơn 0.")
    with db.session() as s:
        if not _is_empty(s):
            raise DemoError(NOT_EMPTY)

    def report(done: int) -> None:
        if progress is not None and progress(done, households) is False:
            raise DemoError(CANCELLED)

    gen = _Generator(seed, today)
    rng = gen.rng
    province = places.province(DEMO_PROVINCE_CODE)
    ward = places.ward(DEMO_PROVINCE_CODE, DEMO_WARD_CODE)
    superior, issuer = places.default_headers(province, ward)
    unit = UnitInfo(province_code=province.code, province_name=province.name,
                    ward_code=ward.code, ward_name=ward.name, header_superior=superior,
                    header_issuer=issuer, place_name=ward.name, commander_name=gen.commander(),
                    commander_title="Trưởng Công an phường")
    k = area_count(households)
    area_streets = gen.areas(k)
    area_weights = list(accumulate(rng.uniform(0.6, 1.4) for _ in range(k)))
    last_year, this_year = today.year - 1, today.year
    # Last year nearly everyone signed; this year most areas reach 100%, so the criterion
    # "100% of households signed up" of the certification is met there and not elsewhere.
    campaigns = [(last_year, gen.signup_dates(last_year, k, 0.94, 1.0)),
                 (this_year, gen.signup_dates(this_year, k, 0.85, 1.0, full_share=0.6))]
    report(0)

    residents = signups = 0
    with db.session.begin() as s:  # one transaction: a cancel or an error leaves nothing
        if not _is_empty(s):
            raise DemoError(NOT_EMPTY)
        with _big_sqlite_cache(db, s):
            area_ids = list(s.scalars(
                bulk(Area).returning(Area.id, sort_by_parameter_order=True),
                [{"name": f"Tổ dân phố số {i + 1}", "sort_order": i + 1, "retired_on": None}
                 for i in range(k)]))
            # The search index is built once at the end, not row by row through its triggers
            # (five times faster). After the first INSERT, so the DDL is inside the
            # transaction: a cancel or an error puts the index and its triggers back.
            fts = db.is_sqlite and db.has_fts
            if fts:
                drop_household_fts(s.connection())
            for start in range(0, households, INSERT_CHUNK):
                chunk = []
                for number in range(start + 1, min(start + INSERT_CHUNK, households) + 1):
                    a = bisect(area_weights, rng.random() * area_weights[-1])
                    chunk.append(gen.household(number, a, gen.address(area_streets[a])))
                people, signed = _write_chunk(s, gen, chunk, area_ids, campaigns)
                residents += people
                signups += signed
                report(start + len(chunk))
            if fts:
                create_household_fts(s.connection())  # creates and fills it from household_search
            cases = add_rehabilitation(s, random.Random(seed + 1), households, today)
            mediation = add_mediation(s, random.Random(seed + 2), households, today)
            activities = add_activities(s, random.Random(seed + 4), households, today)
            residents += add_duplicates(s, random.Random(seed + 5), today)  # two typed twice
            UnitService.save_in(s, unit)
            certification = add_certification(s, random.Random(seed + 3), today)
    return DemoSummary(place_name=ward.name, province_name=province.name, areas=k,
                       households=households, residents=residents, signups=signups,
                       rehab_cases=cases, mediation_cases=mediation,
                       cert_records=certification,
                       activities=activities)


__all__ = ["DemoError", "DemoSummary", "generate", "area_count"]
