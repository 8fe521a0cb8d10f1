"""Demo movement activities for the demo ward, over the 18 months up to today: tips from the
public with their results, movement models (one ended last year), a patrol most weeks in each
residential area plus the ward's peak patrols, outreach sessions, weapons and firecrackers
handed in (firecrackers in the weeks around Tết) and awards at the end of last year and this
year. Scaled to the ward's size; every kind has records both last year and this year, so
every year-end indicator has a real value. Every record passes the service's own rules."""

from __future__ import annotations

import random
from dataclasses import asdict
from datetime import date, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ..db.models import Area, Award, Household, MovementModel, Outreach, Patrol, Tip, WeaponHandover
from ..enums import AwardLevel, OutreachKind, TipResult, WeaponKind
from .activities import (
    AwardData,
    Kind,
    ModelData,
    OutreachData,
    PatrolData,
    TipData,
    WeaponData,
    search_text,
)

WINDOW_DAYS = 548  # 18 months
TABLES = {Kind.TIP: Tip, Kind.MODEL: MovementModel, Kind.PATROL: Patrol, Kind.OUTREACH: Outreach,
          Kind.WEAPON: WeaponHandover, Kind.AWARD: Award}
# First day of the lunar new year: the firecracker campaigns run in the weeks around it.
TET = {2023: date(2023, 1, 22), 2024: date(2024, 2, 10), 2025: date(2025, 1, 29),
       2026: date(2026, 2, 17), 2027: date(2027, 2, 6), 2028: date(2028, 1, 26),
       2029: date(2029, 2, 13), 2030: date(2030, 2, 3), 2031: date(2031, 1, 23)}
R = TipResult

PLACES = ["đầu ngõ chợ", "bãi đất trống cạnh nhà văn hóa", "khu nhà trọ cuối ngõ",
          "quán nước vỉa hè", "khu vực bờ hồ", "bãi gửi xe chợ", "gầm cầu đi bộ",
          "quán internet gần trường học", "khu tập thể cũ"]
# (content, results it can lead to, what was done when it helped)
TIPS: list[tuple[str, list[tuple[TipResult, int]], str]] = [
    ("Phát hiện nhóm thanh niên tụ tập, nghi sử dụng trái phép chất ma túy tại {place}.",
     [(R.ARREST, 4), (R.CASE_SOLVED, 3), (R.NO_RESULT, 3)],
     "Kiểm tra hành chính, chuyển Đội Cảnh sát điều tra tội phạm về ma túy"),
    ("Nghi vấn đối tượng lạ thường xuyên ra vào {place}, có biểu hiện mua bán ma túy.",
     [(R.ARREST, 4), (R.NO_RESULT, 4)], "Bắt quả tang, thu giữ tang vật"),
    ("Tố giác tụ điểm đánh bạc ăn tiền (đánh bài, xóc đĩa) tại {place}.",
     [(R.ARREST, 5), (R.CASE_SOLVED, 2), (R.NO_RESULT, 3)], "Bắt quả tang, lập hồ sơ xử lý"),
    ("Phát hiện đối tượng trộm cắp xe máy tại {place}.",
     [(R.ARREST, 3), (R.CASE_SOLVED, 4), (R.NO_RESULT, 3)], "Truy xét, thu hồi tài sản trả lại"),
    ("Phản ánh nhóm thanh niên đua xe, lạng lách, gây mất trật tự vào ban đêm gần {place}.",
     [(R.CASE_SOLVED, 5), (R.NO_RESULT, 5)], "Phối hợp Cảnh sát giao thông tuần tra, ngăn chặn"),
    ("Cung cấp thông tin nơi lẩn trốn của đối tượng đang bị truy nã.",
     [(R.SURRENDER, 5), (R.ARREST, 4), (R.NO_RESULT, 1)], "Phối hợp gia đình vận động"),
    ("Tố giác hoạt động cho vay lãi nặng, đòi nợ bằng cách ném chất bẩn vào nhà dân.",
     [(R.CASE_SOLVED, 5), (R.ARREST, 2), (R.NO_RESULT, 3)], "Chuyển Đội Cảnh sát hình sự"),
    ("Tin báo thủ đoạn lừa đảo qua điện thoại giả danh công an, yêu cầu chuyển tiền.",
     [(R.CASE_SOLVED, 4), (R.NO_RESULT, 6)], ("Cảnh báo trên nhóm Zalo tổ dân phố, ngăn chặn "
                                             "chuyển tiền")),
    ("Phát hiện người tàng trữ, rao bán pháo nổ qua mạng xã hội.",
     [(R.ARREST, 4), (R.CASE_SOLVED, 3), (R.NO_RESULT, 3)], "Thu giữ pháo, lập hồ sơ xử lý"),
    ("Phản ánh trộm cắp điện thoại, xe đạp tại {place}.",
     [(R.CASE_SOLVED, 4), (R.ARREST, 2), (R.NO_RESULT, 4)], "Truy xét qua camera an ninh"),
    ("Tố giác đối tượng cất giấu dao, kiếm tự chế, chuẩn bị đánh nhau.",
     [(R.CASE_SOLVED, 5), (R.ARREST, 3), (R.NO_RESULT, 2)], "Ngăn chặn kịp thời, thu giữ hung khí"),
    ("Phát hiện người từ nơi khác đến ở trọ không khai báo tạm trú tại {place}.",
     [(R.CASE_SOLVED, 6), (R.NO_RESULT, 4)], "Kiểm tra, hướng dẫn khai báo cư trú"),
    ("Phản ánh đối tượng say rượu gây rối, đánh người tại {place}.",
     [(R.CASE_SOLVED, 5), (R.ARREST, 3), (R.NO_RESULT, 2)], "Xử phạt vi phạm hành chính"),
]

# The ward's own models: (name, members: low, high, notes)
WARD_MODELS = [("Camera an ninh kết nối Công an phường", 0, 0,
                "Camera của các hộ, cơ sở kinh doanh chia sẻ hình ảnh với Công an phường"),
               ("Nhà trọ an toàn về an ninh, trật tự", 20, 60,
                "Chủ nhà trọ cam kết khai báo cư trú, quản lý người thuê trọ"),
               ("Cổng trường an toàn giao thông", 10, 24,
                "Phân công người điều tiết giao thông giờ tan học"),
               ("Tuyến phố văn minh, an toàn", 15, 40,
                "Hộ kinh doanh cam kết không lấn chiếm vỉa hè, giữ trật tự")]
# Each area's: (name, members: low, high); the notes are drawn from MODEL_NOTES
AREA_MODELS = [("Tổ an ninh tự quản", 7, 15), ("Tổ liên gia tự quản", 10, 30),
               ("Nhóm Zalo an ninh trật tự", 60, 250), ("Khu dân cư không có ma túy", 15, 40),
               ("Chi hội phụ nữ không có người thân vi phạm pháp luật", 20, 60),
               ("Dòng họ tự quản về an ninh, trật tự", 12, 35)]
MODEL_NOTES = ["Họp định kỳ hằng tháng tại nhà văn hóa", "Duy trì trực, tuần tra buổi tối",
               "Kết nối với Công an phường qua nhóm Zalo", ""]

PATROL_NOTES = ["Tuần tra các tuyến ngõ, nhắc nhở nhóm thanh niên tụ tập",
                "Tuần tra đêm, kiểm tra nhà trọ", "Tuần tra khu vực chợ, bãi gửi xe",
                "Nhắc nhở hộ kinh doanh đóng cửa đúng giờ", "", "", ""]
WARD_PATROLS = ["Ra quân tuần tra cao điểm bảo đảm an ninh, trật tự dịp Tết Nguyên đán",
                "Tuần tra bảo đảm an ninh, trật tự lễ hội", "Tuần tra cao điểm dịp 30/4 – 1/5",
                "Tuần tra bảo vệ Ngày hội toàn dân bảo vệ an ninh Tổ quốc 19/8",
                "Tuần tra bảo đảm an ninh, trật tự dịp Quốc khánh 2/9",
                "Tuần tra kiểm soát đêm, phòng chống đua xe trái phép"]

TOPICS = ["Phòng chống lừa đảo chiếm đoạt tài sản qua mạng", "Luật Cư trú, khai báo tạm trú",
          "Phòng cháy, chữa cháy tại hộ gia đình, nhà trọ", ("Phòng chống ma túy trong thanh "
          "thiếu niên"), "Vận động giao nộp vũ khí, vật liệu nổ, công cụ hỗ trợ",
          "Luật Lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở",
          "Bảo đảm trật tự, an toàn giao thông", "Phòng chống bạo lực gia đình",
          "Cài đặt, kích hoạt tài khoản định danh điện tử VNeID",
          "Phòng chống tín dụng đen, cho vay lãi nặng"]
TET_TOPIC = "Không sản xuất, mua bán, tàng trữ, đốt pháo nổ dịp Tết Nguyên đán"
AUGUST_TOPIC = "Ngày hội toàn dân bảo vệ an ninh Tổ quốc 19/8"
AREA_OUTREACH = [(OutreachKind.MEETING, 6), (OutreachKind.LOUDSPEAKER, 3),
                 (OutreachKind.LEAFLET, 2), (OutreachKind.ONLINE, 3)]
WARD_OUTREACH = [(OutreachKind.MEETING, 4), (OutreachKind.STAGE, 2), (OutreachKind.ONLINE, 3),
                 (OutreachKind.LOUDSPEAKER, 2)]
ATTENDANCE = {OutreachKind.MEETING: (35, 150), OutreachKind.STAGE: (150, 500),
              OutreachKind.ONLINE: (80, 600)}  # loudspeakers and leaflets are not counted

# (kind, weight, quantity low, high, descriptions)
WEAPONS = [
    (WeaponKind.KNIFE, 4, 1, 5, ["Dao phóng, kiếm tự chế", "Mã tấu, dao quắm"]),
    (WeaponKind.SUPPORT_TOOL, 3, 1, 3, ["Bình xịt hơi cay", "Dùi cui điện", "Súng bắn điện"]),
    (WeaponKind.FIREARM, 2, 1, 2, ["Súng hơi tự chế", "Súng kíp, súng săn cũ"]),
    (WeaponKind.AMMUNITION, 2, 5, 40, ["Đạn quân dụng còn sót lại", "Đạn thể thao"]),
    (WeaponKind.EXPLOSIVE, 1, 1, 8, ["Thuốc nổ, kíp nổ đào được khi xây nhà"]),
]
FIRECRACKERS = ["Pháo nổ tự chế", "Pháo hoa nổ mua trôi nổi trên mạng",
                "Pháo bi, pháo dây do học sinh giao nộp qua nhà trường"]

NAMES = ["Nguyễn Văn Hải", "Trần Thị Lan", "Lê Minh Tuấn", "Phạm Thị Hương", "Hoàng Văn Nam",
         "Vũ Thị Mai", "Đặng Quốc Khánh", "Bùi Thị Thu", "Đỗ Văn Long", "Ngô Thị Hạnh"]
AWARD_REASONS = [("Có thành tích xuất sắc trong phong trào Toàn dân bảo vệ an ninh Tổ quốc "
                 "năm {year}"), "Có thành tích trong phát hiện, tố giác tội phạm",
                 "Tích cực tham gia tuần tra, giữ gìn an ninh, trật tự tại khu dân cư",
                 "Có thành tích trong vận động giao nộp vũ khí, vật liệu nổ"]


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted)
    return rng.choices(values, weights)[0]


def _clamp(d: date, low: date, high: date) -> date:
    return max(low, min(high, d))


class _Dates:
    """Dates inside the window (the 18 months up to today)."""

    def __init__(self, rng: random.Random, today: date):
        self.rng, self.today = rng, today
        self.start = today - timedelta(days=WINDOW_DAYS)

    def any(self) -> date:
        return self.start + timedelta(days=self.rng.randint(0, WINDOW_DAYS))

    def between(self, low: date, high: date) -> date:
        """A day from ``low`` to ``high`` within the window (the nearest one if they miss it)."""
        low = _clamp(low, self.start, self.today)
        high = _clamp(high, low, self.today)
        return low + timedelta(days=self.rng.randint(0, (high - low).days))

    def in_year(self, year: int) -> date:
        return self.between(date(year, 1, 1), date(year, 12, 31))

    def spread(self, n: int) -> list[date]:
        """``n`` dates (n ≥ 2): one last year, one this year, the rest anywhere in the window."""
        y = self.today.year
        return [self.in_year(y - 1), self.in_year(y)] + [self.any() for _ in range(n - 2)]


def _tips(rng: random.Random, dates: _Dates, areas: list[int], n: int) -> list[TipData]:
    out = []
    for on in dates.spread(n):
        content, results, done = rng.choice(TIPS)
        content = content.format(place=rng.choice(PLACES))
        age = (dates.today - on).days
        result = R.PENDING if age < 20 and rng.random() < 0.7 else _pick(rng, results)
        persons = rng.choice([1, 1, 1, 2, 2, 3, 4]) if result in (R.ARREST, R.SURRENDER) else 0
        if result is R.SURRENDER:
            persons = 1
        valuable = result not in (R.PENDING, R.NO_RESULT) or rng.random() < 0.25
        note = done if result not in (R.PENDING, R.NO_RESULT) else (
            "Đã xác minh, không phát hiện vi phạm" if result is R.NO_RESULT else "")
        area = None if rng.random() < 0.12 else rng.choice(areas)
        out.append(TipData(on, area, content, valuable, result, persons, note))
    return out


def _models(rng: random.Random, dates: _Dates, areas: list[tuple[int, str]]) -> list[ModelData]:
    """The ward's own models and one or two in most areas, mostly years old; one started last
    year, one this year, one ended last year."""
    today, y = dates.today, dates.today.year

    def years_ago() -> date:
        return today - timedelta(days=rng.randint(2 * 365, 9 * 365))

    out = []
    for name, low, high, notes in WARD_MODELS:
        out.append(ModelData(name, None, years_ago(), rng.randint(low, high), notes=notes))
    for area_id, area_name in areas:
        for name, low, high in rng.sample(AREA_MODELS, rng.choice([0, 1, 1, 1, 2])):
            out.append(ModelData(f"{name} {area_name}", area_id, years_ago(),
                                 rng.randint(low, high), notes=rng.choice(MODEL_NOTES)))
    (last_id, last_name), (this_id, this_name) = rng.choice(areas), rng.choice(areas)
    out.append(ModelData(f"Tổ bảo vệ an ninh, trật tự {last_name}", last_id,
                         dates.in_year(y - 1), rng.randint(3, 5),
                         notes="Thành lập theo Luật Lực lượng tham gia bảo vệ an ninh, trật tự "
                               "ở cơ sở"))
    out.append(ModelData(f"Điểm sáng an ninh, trật tự {this_name}", this_id, dates.in_year(y),
                         rng.randint(8, 20), notes="Mô hình mới"))
    started = years_ago()
    ended = dates.in_year(y - 1)
    area_id, area_name = rng.choice(areas)
    out.append(ModelData(f"Đội thanh niên xung kích {area_name}", area_id,
                         min(started, ended), rng.randint(8, 15), ended,
                         "Sáp nhập vào Tổ bảo vệ an ninh, trật tự"))
    return out


def _patrols(rng: random.Random, dates: _Dates, areas: list[int], n_ward: int) -> list[PatrolData]:
    """A patrol in most weeks in each area (Friday to Sunday evenings), and the ward's own
    peak patrols with more people."""
    out = []
    first = dates.start - timedelta(days=dates.start.weekday())  # a Monday
    weeks = (dates.today - first).days // 7 + 1
    for area_id in areas:
        for w in range(weeks):
            on = first + timedelta(days=7 * w + rng.randint(4, 6))
            if dates.start <= on <= dates.today and rng.random() < 0.85:
                out.append(PatrolData(on, area_id, rng.randint(3, 10), rng.choice(PATROL_NOTES)))
    for on in dates.spread(n_ward):
        out.append(PatrolData(on, None, rng.randint(15, 45), rng.choice(WARD_PATROLS)))
    return out


def _outreach(rng: random.Random, dates: _Dates, areas: list[int], n_ward: int) -> list[OutreachData]:
    out = []

    def session(on: date, area: int | None, mix) -> OutreachData:
        kind = _pick(rng, mix)
        tet = TET.get(on.year + (1 if on.month >= 11 else 0))
        topic = rng.choice(TOPICS)
        if tet is not None and -40 <= (on - tet).days <= 5:
            topic = TET_TOPIC
        elif on.month == 8 and on.day <= 19 and rng.random() < 0.6:
            topic = AUGUST_TOPIC
        low, high = ATTENDANCE.get(kind, (0, 0))
        return OutreachData(on, area, kind, topic, rng.randint(low, high) if high else 0)

    months = WINDOW_DAYS // 30
    for area_id in areas:
        for _ in range(rng.randint(months // 3, months // 2)):
            out.append(session(dates.any(), area_id, AREA_OUTREACH))
    for on in dates.spread(n_ward):
        out.append(session(on, None, WARD_OUTREACH))
    return out


def _weapons(rng: random.Random, dates: _Dates, areas: list[int], n: int) -> list[WeaponData]:
    """A few handovers; firecrackers in kg in the weeks before and just after Tết."""
    out = []
    tets = [t for t in TET.values()
            if dates.start <= t + timedelta(days=10) and t - timedelta(days=40) <= dates.today]
    for i, on in enumerate(dates.spread(n)):
        area = None if rng.random() < 0.2 else rng.choice(areas)
        if i < 2:  # the dates that keep a handover in each year stay as they are
            firecrackers = any(-40 <= (on - t).days <= 10 for t in tets) and rng.random() < 0.6
        else:
            firecrackers = bool(tets) and (i == 2 or rng.random() < 0.45)
            if firecrackers:
                tet = rng.choice(tets)
                on = dates.between(tet - timedelta(days=40), tet + timedelta(days=10))
        if firecrackers:
            kg = round(rng.uniform(0.5, 15), 1)
            out.append(WeaponData(on, area, WeaponKind.FIRECRACKER, kg, "kg",
                                  f"{rng.choice(FIRECRACKERS)}; người dân tự nguyện giao nộp"))
            continue
        kind, _w, low, high, texts = rng.choices(WEAPONS, [w[1] for w in WEAPONS])[0]
        quantity = rng.randint(low, high)
        if kind is WeaponKind.EXPLOSIVE:
            quantity = quantity / 4  # 0,25 – 2 kg
        out.append(WeaponData(on, area, kind, quantity, kind.default_unit,
                              f"{rng.choice(texts)}; người dân tự nguyện giao nộp"))
    return out


def _awards(rng: random.Random, dates: _Dates, areas: list[tuple[int, str]],
            people: list[tuple[str, int]], collectives: int, persons: int) -> list[AwardData]:
    """The year-end awards of last year (late December) and this year's (19/8 if it has come,
    else at the conference that closed last year, in January)."""
    y = dates.today.year
    out = []
    occasions = [(dates.between(date(y - 1, 12, 15), date(y - 1, 12, 30)), y - 1, 1.0)]
    august = date(y, 8, 19)
    this_year = august if august <= dates.today else dates.between(date(y, 1, 5), date(y, 1, 20))
    occasions.append((this_year, y if this_year == august else y - 1, 0.5))
    for on, year, share in occasions:
        decisions: dict[AwardLevel, str] = {}  # one decision per level names everyone
        for i in range(max(1, round(collectives * share))):
            area_id, area_name = rng.choice(areas)
            level = AwardLevel.WARD_COMMITTEE if i or rng.random() < 0.7 else (
                AwardLevel.PROVINCE_COMMITTEE)
            out.append(AwardData(on, area_name, level, True, area_id, _decision(rng, decisions, level),
                                 AWARD_REASONS[0].format(year=year)))
        for _ in range(max(1, round(persons * share))):
            name, area_id = rng.choice(people)
            level = _pick(rng, [(AwardLevel.WARD_POLICE, 6), (AwardLevel.WARD_COMMITTEE, 3),
                                (AwardLevel.PROVINCE_POLICE, 1)])
            reason = rng.choice(AWARD_REASONS).format(year=year)
            out.append(AwardData(on, name, level, False, area_id, _decision(rng, decisions, level), reason))
    return out


def _decision(rng: random.Random, decisions: dict[AwardLevel, str], level: AwardLevel) -> str:
    if level not in decisions:
        issuer = {AwardLevel.WARD_POLICE: "QĐ-CAP", AwardLevel.PROVINCE_POLICE: "QĐ-CAT"}
        decisions[level] = f"{rng.randint(40, 480)}/{issuer.get(level, 'QĐ-UBND')}"
    return decisions[level]


def _award_people(s: Session, rng: random.Random, k: int) -> list[tuple[str, int]]:
    """Heads of households still living in the ward, drawn at random (made-up names when the
    ward has no households yet)."""
    low, high = s.execute(select(func.min(Household.id), func.max(Household.id))).one()
    found: list[tuple[str, int]] = []
    if low is not None:
        ids = rng.sample(range(low, high + 1), min(3 * k, high - low + 1))
        found = [tuple(r) for r in s.execute(
            select(Household.head_name, Household.area_id)
            .where(Household.id.in_(ids), Household.moved_out_on.is_(None),
                   Household.head_name != "")
            .order_by(Household.id))]
    if not found:
        areas = list(s.scalars(select(Area.id)))
        found = [(name, rng.choice(areas)) for name in NAMES]
    return found


def demo_records(s: Session, rng: random.Random, households: int,
                 today: date) -> dict[Kind, list]:
    """The demo's records of each kind, as the service's data classes. The ward has at least
    one residential area."""
    areas = [tuple(r) for r in s.execute(select(Area.id, Area.name)
                                         .where(Area.retired_on.is_(None))
                                         .order_by(Area.sort_order, Area.id))]
    area_ids = [a for a, _name in areas]
    scale = households / 2000
    dates = _Dates(rng, today)
    collectives = max(1, round(len(areas) / 3))
    persons = max(2, round(5 * scale ** 0.5))
    return {
        Kind.TIP: _tips(rng, dates, area_ids, max(8, round(45 * scale))),
        Kind.MODEL: _models(rng, dates, areas),
        Kind.PATROL: _patrols(rng, dates, area_ids, max(4, round(30 * scale ** 0.5))),
        Kind.OUTREACH: _outreach(rng, dates, area_ids, max(4, round(24 * scale ** 0.5))),
        Kind.WEAPON: _weapons(rng, dates, area_ids, max(4, round(8 * scale))),
        Kind.AWARD: _awards(rng, dates, areas, _award_people(s, rng, 2 * persons),
                            collectives, persons),
    }


def add_activities(s: Session, rng: random.Random, households: int, today: date) -> int:
    """Write the demo's activities in the caller's transaction; return how many records."""
    total = 0
    for kind, records in demo_records(s, rng, households, today).items():
        rows = [asdict(d) | {"folded": search_text(kind, d)} for d in records]
        if rows:
            s.execute(insert(TABLES[kind]), rows)
        total += len(rows)
    return total
