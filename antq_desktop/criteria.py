"""The criteria of the title "An toàn về an ninh, trật tự" for each category of unit
(Thông tư 124/2021/TT-BCA; docs/DOMAIN.md §4), as data. Pure: no database, no Qt.

A record's checklist stores one row per criterion ``code``; the texts here are what the dialog
shows and the lists print. Two criteria are computed from other records: a residential area's
criterion 1 (100% of resident households signed up) and the ward's criterion 4 (100% of its
units registered, at least 70% recognised).
"""

from __future__ import annotations

from dataclasses import dataclass

from .enums import CertCategory

SIGNUPS = "signups"  # KDC criterion 1: the households' yearly sign-up
WARD_RATIO = "ward_ratio"  # ward criterion 4: its units' registration and recognition


@dataclass(frozen=True)
class Criterion:
    code: str  # "kdc-1"; stored in cert_criterion.code
    number: int  # 1-based, as the circular numbers it
    short: str  # a few words for a table column
    text: str  # the full Vietnamese text
    computed: str | None = None  # SIGNUPS, WARD_RATIO or None


def _make(prefix: str, items: list[tuple[str, str, str | None]]) -> tuple[Criterion, ...]:
    return tuple(Criterion(f"{prefix}-{i}", i, short, text, computed)
                 for i, (short, text, computed) in enumerate(items, start=1))


_AREA = [
    ("Đăng ký, 100% hộ gia đình tham gia",
     ("Trong quý I, chi bộ có nghị quyết, khu dân cư đăng ký phấn đấu và 100% hộ gia đình cư trú "
     "trên địa bàn đăng ký tham gia xây dựng khu dân cư “An toàn về an ninh, trật tự”."),
     SIGNUPS),
    ("Thực hiện chủ trương, pháp luật",
     ("Triển khai thực hiện có hiệu quả chủ trương của Đảng, chính sách, pháp luật của Nhà nước "
     "về bảo đảm an ninh, trật tự."), None),
    ("Không có vụ việc phức tạp về an ninh",
     ("Không có hoạt động chống Đảng, chống chính quyền, phá hoại mục tiêu trọng điểm; không có "
     "hoạt động tôn giáo trái pháp luật, lợi dụng tôn giáo, dân tộc, tranh chấp để gây mất an "
     "ninh, trật tự, hoạt động ly khai; không có tranh chấp phức tạp kéo dài trong nhân dân, "
     "khiếu kiện đông người bị kích động."), None),
    ("Tội phạm, tệ nạn giảm; không cháy, nổ",
     ("Tội phạm và tệ nạn xã hội giảm so với năm trước; không xảy ra tội phạm nghiêm trọng trở "
     "lên (trừ trường hợp phát hiện, tố giác kịp thời); không phát sinh tụ điểm phức tạp, người "
     "nghiện mới; các đối tượng trên địa bàn được quản lý, giáo dục; không xảy ra cháy, nổ "
     "nghiêm trọng, tai nạn lao động chết người."), None),
    ("Lực lượng cơ sở hoàn thành nhiệm vụ",
     ("Lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở được đánh giá, xếp loại “Hoàn thành "
     "nhiệm vụ” trở lên; không có thành viên bị xử lý kỷ luật."), None),
]

_WARD = [
    ("Nghị quyết, kế hoạch, đăng ký, mô hình",
     ("Trong quý I, cấp ủy có nghị quyết, Ủy ban nhân dân có kế hoạch và đăng ký phấn đấu; có ít "
     "nhất một mô hình phong trào toàn dân bảo vệ an ninh Tổ quốc hoạt động hiệu quả."), None),
    ("Đạt tiêu chuẩn 2, 3, 4 của khu dân cư",
     ("Đạt các tiêu chuẩn 2, 3 và 4 của khu dân cư “An toàn về an ninh, trật tự” trên phạm vi "
     "toàn xã, phường."), None),
    ("Công an tham mưu tốt, không bị kỷ luật",
     ("Công an xã, phường làm tốt công tác tham mưu, nòng cốt; không có cán bộ, chiến sĩ bị xử "
     "lý kỷ luật."), None),
    ("100% đăng ký, ít nhất 70% được công nhận",
     ("100% khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục trên địa bàn đăng ký phấn đấu và "
     "ít nhất 70% trong số đó được công nhận đạt tiêu chuẩn “An toàn về an ninh, trật tự”."),
     WARD_RATIO),
]


def _unit_criteria(unit: str, staff: str) -> list[tuple[str, str, str | None]]:
    """Agency-shaped criteria, worded for ``unit`` ("cơ quan") and its ``staff``."""
    return [
        ("Kế hoạch, đăng ký, nội quy, mô hình",
         (f"Trong quý I, {unit} có kế hoạch và đăng ký phấn đấu; có nội quy, quy chế về bảo vệ "
         f"{unit}, bảo vệ bí mật nhà nước, an toàn lao động, phòng cháy, chữa cháy, bảo vệ môi "
         f"trường; 100% {staff} được phổ biến, quán triệt; có ít nhất một mô hình phong trào "
         "hoạt động hiệu quả."), None),
        ("Phối hợp với cơ quan Công an",
         "Phối hợp chặt chẽ với cơ quan Công an trong công tác bảo đảm an ninh, trật tự.", None),
        ("Không xảy ra vụ việc, sự cố",
         ("Không có hoạt động tôn giáo trái pháp luật, khiếu kiện đông người bị kích động, đình "
         "công trái pháp luật; không xảy ra tội phạm nghiêm trọng trở lên, lộ, mất bí mật nhà "
         f"nước, cháy, nổ nghiêm trọng, tai nạn lao động chết người; không có {staff} bị xử lý "
         "hoặc kỷ luật vì tệ nạn xã hội."), None),
        ("Lực lượng bảo vệ hoàn thành tốt nhiệm vụ",
         f"Lực lượng bảo vệ của {unit} được đánh giá hoàn thành tốt nhiệm vụ.", None),
        ("Ít nhất 70% bộ phận được đánh giá tốt",
         (f"Ít nhất 70% bộ phận, đơn vị trực thuộc {unit} được đánh giá hoàn thành tốt công tác "
         "bảo đảm an ninh, trật tự."), None),
    ]


_SCHOOL_EXTRA = [
    ("Quản lý tốt người học",
     ("Quản lý tốt người học; phối hợp với gia đình và chính quyền địa phương giáo dục người học "
     "chấp hành pháp luật."), None),
    ("Ban đại diện cha mẹ học sinh",
     ("Có Ban đại diện cha mẹ học sinh hoạt động hiệu quả, phối hợp với nhà trường bảo đảm an "
     "ninh, trật tự."), None),
    ("Không có bạo lực học đường",
     "Không xảy ra bạo lực học đường.", None),
]

CRITERIA: dict[CertCategory, tuple[Criterion, ...]] = {
    CertCategory.AREA: _make("kdc", _AREA),
    CertCategory.WARD: _make("ward", _WARD),
    CertCategory.AGENCY: _make("agency", _unit_criteria("cơ quan", "cán bộ, công chức, nhân viên")),
    CertCategory.ENTERPRISE: _make("enterprise", _unit_criteria("doanh nghiệp", "người lao động")),
    CertCategory.SCHOOL: _make(
        "school", _unit_criteria("cơ sở giáo dục", "cán bộ, giáo viên, nhân viên") + _SCHOOL_EXTRA),
}

_BY_CODE = {c.code: c for items in CRITERIA.values() for c in items}


def criteria_for(category: CertCategory) -> tuple[Criterion, ...]:
    """The checklist of a category, in the circular's order."""
    return CRITERIA[category]


def criterion(code: str) -> Criterion:
    """A criterion by its code; KeyError for an unknown one."""
    return _BY_CODE[code]
