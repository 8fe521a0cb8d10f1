"""Domain enumerations with their Vietnamese labels, in one place (docs/DOMAIN.md §1)."""

from __future__ import annotations

import enum


class LabeledEnum(str, enum.Enum):
    """A string enum whose members carry a Vietnamese label: ``Member = ("code", "Nhãn")``."""

    def __new__(cls, value: str, label: str):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class Sex(LabeledEnum):
    MALE = ("male", "Nam")
    FEMALE = ("female", "Nữ")


class Relationship(LabeledEnum):
    HEAD = ("head", "Chủ hộ")
    WIFE = ("wife", "Vợ")
    HUSBAND = ("husband", "Chồng")
    CHILD = ("child", "Con")
    FATHER = ("father", "Cha")
    MOTHER = ("mother", "Mẹ")
    GRANDFATHER = ("grandfather", "Ông")
    GRANDMOTHER = ("grandmother", "Bà")
    GRANDCHILD = ("grandchild", "Cháu")
    OLDER_BROTHER = ("older_brother", "Anh")
    OLDER_SISTER = ("older_sister", "Chị")
    YOUNGER_SIBLING = ("younger_sibling", "Em")
    CHILD_IN_LAW = ("child_in_law", "Con dâu/con rể")
    OTHER = ("other", "Khác")


class ResidenceKind(LabeledEnum):
    PERMANENT = ("permanent", "Thường trú")
    TEMPORARY = ("temporary", "Tạm trú")
    ABSENT = ("absent", "Tạm vắng")


# -- rehabilitation (docs/DOMAIN.md §2) ------------------------------------------------------------
class Regime(LabeledEnum):
    REINTEGRATION = ("reintegration", "Tái hòa nhập cộng đồng")
    DRUG_USER = ("drug_user", "Người sử dụng trái phép chất ma túy")
    POST_REHAB = ("post_rehab", "Quản lý sau cai nghiện")
    WARD_EDUCATION = ("ward_education", "Giáo dục tại xã, phường")
    SUSPENDED = ("suspended", "Án treo, cải tạo không giam giữ, tha tù có điều kiện")
    YOUTH = ("youth", "Thanh thiếu niên chậm tiến, có nguy cơ")


class Classification(LabeledEnum):
    A = ("A", "Loại A – chấp hành tốt, ổn định")
    B = ("B", "Loại B – chấp hành nhưng còn khó khăn")
    C = ("C", "Loại C – không chấp hành, không hợp tác")
    D = ("D", "Loại D – bị tạm giữ, tạm giam hoặc ở cơ sở")
    PROGRESS = ("progress", "Tiến bộ")
    NO_PROGRESS = ("no_progress", "Chưa tiến bộ")
    VIOLATION = ("violation", "Vi phạm")
    RELAPSE = ("relapse", "Tái phạm")

    @property
    def short(self) -> str:
        return self.value if len(self.value) == 1 else self.label


class SupportKind(LabeledEnum):
    VOCATIONAL = ("vocational", "Học nghề")
    JOB = ("job", "Giới thiệu việc làm")
    LOAN = ("loan", "Vay vốn")
    PAPERS = ("papers", "Giấy tờ tùy thân, hộ tịch")
    SCHOOLING = ("schooling", "Học văn hóa")
    COUNSELLING = ("counselling", "Tư vấn tâm lý, pháp lý")


class EndReason(LabeledEnum):
    COMPLETED = ("completed", "Chấp hành xong, hết thời hạn")
    RECORD_CLEARED = ("record_cleared", "Được xóa án tích")
    MOVED = ("moved", "Chuyển nơi cư trú (chuyển hồ sơ)")
    EMIGRATED = ("emigrated", "Xuất cảnh")
    MISSING = ("missing", "Bỏ trốn, mất tích")
    DEAD = ("dead", "Chết")
    NEW_SENTENCE = ("new_sentence", "Bị kết án mới, đưa vào cơ sở")
    OTHER = ("other", "Lý do khác")


# -- grassroots mediation (docs/DOMAIN.md §3) ------------------------------------------------------
class MediationType(LabeledEnum):
    """Scope of a case (Nghị định 15/2014/NĐ-CP, Điều 5)."""

    EVERYDAY = ("everyday", "Mâu thuẫn, tranh chấp trong sinh hoạt hằng ngày")
    CIVIL = ("civil", "Tranh chấp dân sự")
    LAND = ("land", "Tranh chấp đất đai")
    FAMILY = ("family", "Hôn nhân và gia đình")
    MINOR_VIOLATION = ("minor_violation", "Vi phạm pháp luật nhỏ chưa đến mức xử lý")
    OTHER = ("other", "Việc khác")

    @property
    def short(self) -> str:
        """A few words for narrow table columns and lists."""
        return _MEDIATION_TYPE_SHORT[self.value]


_MEDIATION_TYPE_SHORT = {
    "everyday": "Sinh hoạt hằng ngày", "civil": "Dân sự", "land": "Đất đai",
    "family": "Hôn nhân, gia đình", "minor_violation": "Vi phạm nhỏ", "other": "Việc khác",
}


class CaseOrigin(LabeledEnum):
    """How a mediation starts (Luật Hòa giải ở cơ sở 2013, Điều 16)."""

    PARTY_REQUEST = ("party_request", "Một bên hoặc các bên yêu cầu")
    WITNESSED = ("witnessed", "Hòa giải viên chứng kiến hoặc biết")
    ASSIGNED = ("assigned", "Tổ trưởng tổ hòa giải phân công")
    PROPOSED = ("proposed", "Cơ quan, tổ chức, cá nhân đề nghị")


class MediationStatus(LabeledEnum):
    IN_PROGRESS = ("in_progress", "Đang hòa giải")
    SUCCEEDED = ("succeeded", "Hòa giải thành")
    FAILED = ("failed", "Hòa giải không thành")
    STOPPED = ("stopped", "Chấm dứt theo yêu cầu")
    REFERRED = ("referred", "Chuyển cơ quan có thẩm quyền")

    @property
    def closed(self) -> bool:
        return self is not MediationStatus.IN_PROGRESS


class Compliance(LabeledEnum):
    """Follow-up of whether the parties carried out their agreement."""

    MONITORING = ("monitoring", "Đang theo dõi")
    DONE = ("done", "Đã thực hiện")
    PARTIAL = ("partial", "Thực hiện một phần")
    NOT_DONE = ("not_done", "Không thực hiện")


# -- "An toàn về ANTT" certification (docs/DOMAIN.md §4) ------------------------------------------
class CertCategory(LabeledEnum):
    """Who can be recognised "An toàn về an ninh, trật tự" (Thông tư 124/2021/TT-BCA)."""

    AREA = ("area", "Khu dân cư")
    AGENCY = ("agency", "Cơ quan")
    ENTERPRISE = ("enterprise", "Doanh nghiệp")
    SCHOOL = ("school", "Cơ sở giáo dục")
    WARD = ("ward", "Xã, phường, đặc khu")  # the names of the level since 01/7/2025


class CertResult(LabeledEnum):
    MET = ("met", "Đạt")
    NOT_MET = ("not_met", "Chưa đạt")


class CertState(LabeledEnum):
    """Where a unit stands in a year; derived from its record, never stored."""

    NOT_REGISTERED = ("not_registered", "Chưa đăng ký")
    REGISTERED = ("registered", "Đã đăng ký")
    EVALUATED = ("evaluated", "Đã đánh giá, đề nghị công nhận")
    RECOGNISED = ("recognised", "Đã công nhận")
    NOT_MET = ("not_met", "Chưa đạt")


# -- movement activities (docs/DOMAIN.md §5) -------------------------------------------------------
class TipResult(LabeledEnum):
    """What a tip from the public led to."""

    PENDING = ("pending", "Đang xác minh")
    NO_RESULT = ("no_result", "Không có kết quả")
    CASE_SOLVED = ("case_solved", "Phục vụ giải quyết vụ việc")
    ARREST = ("arrest", "Bắt giữ đối tượng")
    SURRENDER = ("surrender", "Vận động đối tượng truy nã đầu thú")


class OutreachKind(LabeledEnum):
    MEETING = ("meeting", "Họp dân, hội nghị")
    LOUDSPEAKER = ("loudspeaker", "Loa truyền thanh")
    LEAFLET = ("leaflet", "Tờ rơi, pa nô, áp phích")
    STAGE = ("stage", "Sân khấu hóa, văn nghệ")
    ONLINE = ("online", "Mạng xã hội, nhóm Zalo")
    OTHER = ("other", "Hình thức khác")


class WeaponKind(LabeledEnum):
    """Weapons, explosives and the like handed in; each with the unit it is counted in."""

    FIREARM = ("firearm", "Vũ khí quân dụng, súng")
    AMMUNITION = ("ammunition", "Đạn")
    EXPLOSIVE = ("explosive", "Vật liệu nổ")
    FIRECRACKER = ("firecracker", "Pháo")
    KNIFE = ("knife", "Dao, kiếm, vũ khí thô sơ")
    SUPPORT_TOOL = ("support_tool", "Công cụ hỗ trợ")

    @property
    def default_unit(self) -> str:
        return _WEAPON_UNITS[self.value]


_WEAPON_UNITS = {"firearm": "khẩu", "ammunition": "viên", "explosive": "kg", "firecracker": "kg",
                 "knife": "chiếc", "support_tool": "chiếc"}


class AwardLevel(LabeledEnum):
    WARD_POLICE = ("ward_police", "Giấy khen của Trưởng Công an phường")
    WARD_COMMITTEE = ("ward_committee", "Giấy khen của Chủ tịch UBND phường")
    PROVINCE_POLICE = ("province_police", "Giấy khen của Giám đốc Công an tỉnh")
    PROVINCE_COMMITTEE = ("province_committee", "Bằng khen của Chủ tịch UBND tỉnh")
    MINISTRY = ("ministry", "Bằng khen của Bộ trưởng Bộ Công an")
    OTHER = ("other", "Hình thức khác")
