"""Demo certification for the demo ward: agencies, enterprises and lower/upper secondary schools
with made-up but real-looking names, heads and phones, and two years (last year and this year)
of registrations, checklists, evaluation meetings, results and decisions.

The records obey the service's own rules (certification_rules.record_errors): registrations in
the first quarter, evaluations in October and early November, one decision of the ward
chairman per year before the recognition deadline, the ward's own decision by the level above.
This year's decisions exist only once today is past the deadline. A residential area's
criterion 1 is ticked exactly when all its resident households signed up that year, as the
households' sign-ups say; the ward's criterion 4 exactly when its units' 100%/70% rule holds.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..criteria import WARD_RATIO, criteria_for
from ..db.guard import session_ward
from ..db.models import Area, CertCriterion, CertRecord, CertUnit, Unit
from ..enums import CertCategory, CertResult, CertState
from ..text import fold
from .bulk import bulk, insert_ids
from .certification import sync_units_in
from .certification_rules import COUNTED_FOR_WARD, derive_state, ward_ratio_of
from .households import signup_summary_in
from .settings import read_cert_settings

C = CertCategory
NOT_MET_SHARE = 0.12  # agencies, enterprises and schools that fail a criterion in a year

# {x}: the ward's name without "Phường " ("Hoàn Kiếm").
_AGENCIES = [
    ("Ủy ban nhân dân phường {x}", "số 126, phố Hàng Trống"),
    ("Trạm Y tế phường {x}", "số 32, phố Hàng Bạc"),
    ("Bưu điện {x}", "số 75, đường Đinh Tiên Hoàng"),
    ("Trung tâm Văn hóa - Thể thao phường {x}", "số 20, phố Hàng Buồm"),
    ("Bảo hiểm xã hội cơ sở {x}", "số 14, phố Lý Đạo Thành"),
    ("Ban Quản lý chợ Hàng Da", "số 15, phố Hàng Da"),
    ("Phòng Giao dịch Ngân hàng Chính sách xã hội phường {x}", "số 48, phố Hàng Bài"),
]
_ENTERPRISES = [
    ("Công ty Cổ phần Du lịch Hồ Gươm", "số 9, phố Hàng Khay"),
    ("Công ty TNHH Khách sạn Phố Cổ", "số 41, phố Hàng Bè"),
    ("Công ty Cổ phần Thương mại Tràng Tiền", "số 24, phố Tràng Tiền"),
    ("Công ty TNHH Vàng bạc Kim Ngân", "số 58, phố Hàng Bạc"),
    ("Công ty Cổ phần Lữ hành Kiếm Hồ", "số 17, phố Hàng Gai"),
    ("Công ty TNHH Sách và Thiết bị Văn Miếu", "số 31, phố Đinh Lễ"),
    ("Công ty Cổ phần Dịch vụ Bảo vệ Thăng Long", "số 6, phố Hàng Chuối"),
    ("Công ty TNHH Nhà hàng Phố Hàng Buồm", "số 88, phố Hàng Buồm"),
    ("Công ty Cổ phần Điện máy Hàng Bài", "số 62, phố Hàng Bài"),
    ("Công ty TNHH Dệt may Hàng Đào", "số 35, phố Hàng Đào"),
]
_SCHOOLS = [
    ("Trường THCS Trưng Vương", "số 26, phố Hàng Bài"),
    ("Trường THCS Ngô Sĩ Liên", "số 27, phố Bà Triệu"),
    ("Trường THCS Chu Văn An", "số 10, phố Lò Sũ"),
    ("Trường THPT Trần Phú", "số 8, phố Hai Bà Trưng"),
    ("Trường THPT Việt Đức", "số 47, phố Lý Thường Kiệt"),
    ("Trường THPT Phan Đình Phùng", "số 67, phố Cửa Bắc"),
]
_SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Phan",
             "Dương", "Đinh", "Trịnh", "Đào"]
_MALE = [("Văn", "Hùng"), ("Đức", "Thắng"), ("Minh", "Tuấn"), ("Quang", "Huy"), ("Hữu", "Long"),
         ("Quốc", "Bảo"), ("Xuân", "Trường"), ("Đình", "Khải"), ("Mạnh", "Cường")]
_FEMALE = [("Thị", "Hương"), ("Thu", "Hà"), ("Thị Thanh", "Mai"), ("Ngọc", "Lan"),
           ("Thị", "Hằng"), ("Phương", "Thảo"), ("Minh", "Nguyệt"), ("Thị Kim", "Oanh")]

# Why a unit fails (criterion number → note), per category; the first entries are the likeliest.
_FAILURES = {
    C.AREA: [(4, "Xảy ra 01 vụ cố ý gây thương tích nghiêm trọng, chưa phát hiện kịp thời."),
             (3, "Còn 01 vụ tranh chấp đất đai kéo dài, nhiều hộ khiếu kiện."),
             (5, "01 thành viên tổ bảo vệ an ninh, trật tự bị kỷ luật khiển trách.")],
    C.AGENCY: [(3, "Để xảy ra 01 vụ trộm cắp tài sản tại trụ sở."),
               (5, ("Chỉ 60% bộ phận được đánh giá hoàn thành tốt công tác bảo đảm an ninh, "
                   "trật tự.")),
               (1, ("Chưa xây dựng mô hình phong trào; nội quy phòng cháy, chữa cháy chưa cập "
                   "nhật."))],
    C.ENTERPRISE: [(3, "Xảy ra 01 vụ cháy kho hàng, thiệt hại lớn về tài sản."),
                   (3, "01 người lao động bị xử phạt vì sử dụng trái phép chất ma túy."),
                   (4, "Lực lượng bảo vệ chưa hoàn thành tốt nhiệm vụ, để mất tài sản.")],
    C.SCHOOL: [(8, "Xảy ra 01 vụ học sinh đánh nhau, quay video đăng lên mạng xã hội."),
               (6, "Còn học sinh vi phạm luật giao thông, chưa phối hợp tốt với gia đình."),
               (7, "Ban đại diện cha mẹ học sinh chưa họp định kỳ.")],
}


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def _head(rng: random.Random) -> str:
    if rng.random() < 0.6:
        middle, given = rng.choice(_MALE)
    else:
        middle, given = rng.choice(_FEMALE)
    return f"{rng.choice(_SURNAMES)} {middle} {given}"


def _phone(rng: random.Random, landline: bool) -> str:
    if landline:
        return f"024 38{rng.randint(10, 99)} {rng.randint(1000, 9999)}"
    return f"09{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}"


def _units(s: Session, rng: random.Random, place: str) -> None:
    """4–6 agencies (the ward's People's Committee and health station first), 5–8 enterprises,
    3–5 schools."""
    agencies = _AGENCIES[:2] + rng.sample(_AGENCIES[2:], rng.randint(2, 4))
    picked = ([(C.AGENCY, n, a) for n, a in agencies]
              + [(C.ENTERPRISE, n, a) for n, a in rng.sample(_ENTERPRISES, rng.randint(5, 8))]
              + [(C.SCHOOL, n, a) for n, a in rng.sample(_SCHOOLS, rng.randint(3, 5))])
    rows = []
    for category, name, address in picked:
        name = name.format(x=place)
        rows.append({"category": category, "area_id": None, "name": name,
                     "name_folded": fold(name), "address": address, "head_name": _head(rng),
                     "phone": _phone(rng, category is not C.ENTERPRISE).replace(" ", ""),
                     "retired_on": None})
    insert_ids(s, CertUnit, rows)


def _signups(s: Session, year: int, today: date) -> dict[int, tuple[int, int]]:
    """area id → (signed, total) as HouseholdService.signup_summary counts them."""
    return {a.area_id: (a.signed, a.total) for a in signup_summary_in(s, year, today)}


def add_certification(s: Session, rng: random.Random, today: date) -> int:
    """Insert the demo ward's units and two years of records; return the number of records.
    The unit row and the areas must exist (the area and ward units are made from them)."""
    ward_name = s.scalar(select(Unit.ward_name).where(Unit.id == session_ward(s)))
    if not ward_name:
        return 0
    place = ward_name.removeprefix("Phường ").removeprefix("Xã ")
    sync_units_in(s)
    _units(s, rng, place)
    settings = read_cert_settings(s)
    order = dict(iter(s.execute(select(Area.id, Area.sort_order))))
    units = sorted(s.execute(select(CertUnit.id, CertUnit.category, CertUnit.area_id)).all(),
                   key=lambda u: (u.category is C.WARD, order.get(u.area_id, 0), u.id))
    made = 0
    for year in (today.year - 1, today.year):
        made += _year(s, rng, year, today, units, settings)
    return made


def _year(s: Session, rng: random.Random, year: int, today: date, units, settings) -> int:
    if date(year, 1, 5) > today:
        return 0
    signups = _signups(s, year, today)
    deadline = settings.recognition_on(year)
    decided_on = _day(rng, deadline - timedelta(days=8), deadline - timedelta(days=2))
    decide = today > deadline
    decision = f"{rng.randint(95, 240)}/QĐ-UBND"
    records, checklists, states = [], [], []
    certificate = 0
    for unit_id, category, area_id in units:
        if category is C.WARD:
            continue
        registered = _day(rng, date(year, 1, 5), date(year, 3, 25))
        if registered > today:
            states.append((category, CertState.NOT_REGISTERED))
            continue
        items = criteria_for(category)
        met = {c.code: (True, "") for c in items}
        if category is C.AREA:  # criterion 1 is what the sign-ups say, evaluated or not
            signed, total = signups.get(area_id, (0, 0))
            if not (total and signed == total):
                met["kdc-1"] = (False, f"Còn {total - signed}/{total} hộ chưa đăng ký tham gia.")
        if rng.random() < NOT_MET_SHARE * (0.5 if category is C.AREA else 1):
            number, note = rng.choice(_FAILURES[category][:2] if rng.random() < 0.8
                                      else _FAILURES[category])
            met[items[number - 1].code] = (False, note)
        evaluated = _day(rng, date(year, 10, 12), deadline - timedelta(days=10))
        row = {"unit_id": unit_id, "year": year, "registered_on": registered,
               "evaluated_on": None, "result": None, "decision_number": "",
               "decision_date": None, "certificate_number": "", "notes": ""}
        if evaluated > today:  # not evaluated yet: only the computed criterion is ticked
            met = {c.code: (met[c.code][0] if c.computed else False, "") for c in items}
        else:
            result = CertResult.MET if all(m for m, _ in met.values()) else CertResult.NOT_MET
            row.update(evaluated_on=evaluated, result=result)
            if result is CertResult.MET and decide:
                certificate += 1
                row.update(decision_number=decision, decision_date=decided_on,
                           certificate_number=f"{certificate:02d}/GCN-UBND")
        records.append(row)
        checklists.append(met)
        states.append((category, derive_state(row["registered_on"], row["result"],
                                              row["decision_number"])))
    ward = next((u for u in units if u.category is C.WARD), None)
    if ward is not None:
        ratio = ward_ratio_of([st for cat, st in states if cat in COUNTED_FOR_WARD])
        row, met = _ward_record(rng, year, today, ward.id, ratio.met, ratio.text, settings)
        if row is not None:
            records.append(row)
            checklists.append(met)
    ids = insert_ids(s, CertRecord, records)
    rows = [{"record_id": rid, "code": code, "met": m, "note": note}
            for rid, met in zip(ids, checklists) for code, (m, note) in met.items()]
    if rows:
        s.execute(bulk(CertCriterion), rows)
    return len(records)


def _ward_record(rng: random.Random, year: int, today: date, unit_id: int, ratio_met: bool,
                 ratio_text: str, settings):
    """The ward's own record: registered in January, evaluated once its units are decided,
    recognised by the level above before the other units' deadline."""
    registered = _day(rng, date(year, 1, 5), date(year, 1, 20))
    if registered > today:
        return None, None
    deadline = settings.other_recognition_on(year)
    evaluated = settings.recognition_on(year) + timedelta(days=1)
    done = evaluated <= today and evaluated < deadline
    met = {}
    for c in criteria_for(C.WARD):
        if c.computed == WARD_RATIO:
            met[c.code] = (ratio_met, "" if ratio_met else ratio_text)
        else:
            met[c.code] = (done, "")
    row = {"unit_id": unit_id, "year": year, "registered_on": registered, "evaluated_on": None,
           "result": None, "decision_number": "", "decision_date": None,
           "certificate_number": "", "notes": ""}
    if done:
        result = CertResult.MET if all(m for m, _ in met.values()) else CertResult.NOT_MET
        row.update(evaluated_on=evaluated, result=result)
        if result is CertResult.MET and today > deadline:
            row.update(decision_number=f"{rng.randint(3100, 4800)}/QĐ-UBND",
                       decision_date=deadline - timedelta(days=1),
                       certificate_number=f"{rng.randint(100, 400)}/GCN-UBND")
    return row, met


__all__ = ["add_certification"]
