"""Demo mediation for the demo ward: a team per residential area with its mediators — two teams
deliberately short (no woman; only two mediators) so that the law's warnings show — and about
one case per 60 households received over the last 18 months, mostly between registered
residents of the area, with results, follow-up of the agreements and a few late starts."""

from __future__ import annotations

import random
from collections import namedtuple
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.guard import session_ward
from ..db.models import (
    Area,
    Household,
    MediationCase,
    MediationCaseMediator,
    MediationParty,
    MediationTeam,
    Mediator,
    Resident,
)
from ..enums import CaseOrigin, Compliance, MediationStatus, MediationType, Relationship, Sex
from ..text import fold
from .bulk import bulk, insert_ids
from .mediation import START_WITHIN_DAYS, default_team_name

S, T, R = MediationStatus, MediationType, Relationship
M, F = Sex.MALE, Sex.FEMALE
WINDOW_DAYS = 548  # cases received over the last 18 months
HOMES_PER_AREA = 25  # households drawn in each area to take mediators and parties from
NO_WOMAN_TEAM, SHORT_TEAM = 1, 3  # indexes of the teams left short of what the law asks

# {a}/{b}: the first/second party as "ông Khải", "bà Lan", "anh Tú", "chị Hoa"; {A}/{B}
# capitalised. Each type: (main content, agreement when it succeeds, each side's demands when
# it fails).
CONTENTS: dict[MediationType, list[tuple[str, str, str]]] = {
    T.EVERYDAY: [
        (("Gia đình {a} để xe máy, đồ đạc lấn lối đi chung của ngõ; {b} phản đối, hai bên "
          "lời qua tiếng lại."),
         "{A} dọn đồ, không để xe lấn lối đi chung; hai bên giữ lối đi rộng 1,2 m.",
         "{B} yêu cầu dọn ngay toàn bộ đồ đạc; {a} chỉ đồng ý dọn một phần."),
        ("Nước thải sinh hoạt từ nhà {a} chảy sang sân nhà {b}, gây mùi hôi, thấm tường.",
         ("{A} sửa ống thoát nước, đấu vào cống chung trong 15 ngày; {b} không yêu cầu bồi "
          "thường."),
         "{B} yêu cầu bồi thường chi phí chống thấm 8.000.000 đồng; {a} không đồng ý."),
        ("Gia đình {a} hát karaoke đến khuya, tiếng ồn ảnh hưởng đến sinh hoạt nhà {b}.",
         "{A} không hát karaoke sau 22 giờ, giảm âm lượng; hai bên bắt tay làm hòa.",
         "{B} yêu cầu chấm dứt hát karaoke; {a} chỉ nhận hát đến 22 giờ vào cuối tuần."),
        ("Chó nhà {a} thả rông, cắn rách quần áo con {b}; hai gia đình xô xát.",
         "{A} xin lỗi, trả tiền tiêm phòng 1.200.000 đồng, không thả rông chó.",
         "{B} yêu cầu bồi thường 5.000.000 đồng; {a} chỉ nhận trả tiền tiêm phòng."),
        ("Cục nóng điều hòa nhà {a} xả hơi nóng thẳng vào cửa sổ nhà {b}.",
         "{A} chuyển cục nóng điều hòa lên mái trong 7 ngày.",
         "{B} yêu cầu chuyển cục nóng; {a} cho rằng lắp đúng phần nhà mình."),
    ],
    T.CIVIL: [
        ("{A} vay của {b} 50.000.000 đồng, đến hạn chưa trả, hai bên cãi vã.",
         "{A} trả dần 5.000.000 đồng mỗi tháng, trả hết trong 10 tháng; {b} không tính lãi.",
         ("{B} yêu cầu trả ngay toàn bộ; {a} xin trả dần. Đã hướng dẫn các bên khởi kiện tại "
          "Tòa án nếu có yêu cầu.")),
        ("Tranh chấp chia thừa kế ngôi nhà cha mẹ để lại giữa {a} và {b}.",
         ("Hai bên thống nhất bán nhà, chia đôi số tiền sau khi trừ chi phí, làm thủ tục trong "
          "6 tháng."),
         "{A} yêu cầu chia đôi; {b} đòi phần lớn hơn vì đã chăm sóc cha mẹ."),
        ("{B} thuê nhà của {a}; {a} đòi lại nhà trước hạn hợp đồng.",
         "{A} cho {b} ở đến hết hợp đồng, {b} trả tiền thuê đúng hạn.",
         "{A} đòi lại nhà sau 1 tháng; {b} yêu cầu được ở hết hạn hợp đồng."),
        ("Tranh chấp tiền góp họ giữa {a} và {b}: {a} đã hốt họ nhưng ngừng góp.",
         "{A} góp tiếp đủ các kỳ còn lại, mỗi kỳ 3.000.000 đồng.",
         "{B} yêu cầu trả một lần 24.000.000 đồng; {a} chỉ nhận trả dần."),
    ],
    T.LAND: [
        ("Tranh chấp ranh giới: {a} xây tường rào lấn sang đất nhà {b} khoảng 0,3 m.",
         ("Hai bên đo lại theo giấy chứng nhận; {a} lùi tường về đúng ranh, {b} chịu một nửa "
          "chi phí xây lại."),
         ("{B} yêu cầu tháo dỡ tường; {a} cho rằng xây đúng ranh. Đã hướng dẫn đề nghị UBND "
          "phường hòa giải theo Luật Đất đai.")),
        ("{A} làm mái tôn nhô sang, nước mưa chảy xuống sân nhà {b}.",
         "{A} cắt bớt mái tôn, làm máng hứng nước trong 10 ngày.",
         "{B} yêu cầu tháo mái tôn; {a} chỉ đồng ý làm máng hứng nước."),
        ("Tranh chấp phần diện tích ngõ đi chung giữa nhà {a} và nhà {b}.",
         "Hai bên giữ nguyên hiện trạng ngõ đi chung, không ai xây lấn.",
         "{A} yêu cầu chia đôi diện tích; {b} không đồng ý."),
    ],
    T.FAMILY: [  # between two members of one household who are not husband and wife
        ("Mâu thuẫn giữa {a} và {b} về việc chia tiền cho thuê phần nhà chung của gia đình.",
         "Hai bên thống nhất chia đôi tiền cho thuê sau khi trừ chi phí sửa chữa.",
         "{A} yêu cầu chia đôi; {b} không đồng ý."),
        ("Mâu thuẫn trong sinh hoạt chung giữa {a} và {b}, lời qua tiếng lại kéo dài.",
         "Hai bên nhận phần lỗi, thống nhất chia lại việc nhà và chi tiêu chung.",
         "{A} yêu cầu {b} ra ở riêng; {b} không đồng ý."),
    ],
    T.MINOR_VIOLATION: [
        ("{A} và {b} xô xát, {a} đánh {b} gây xây xát nhẹ (chưa đến mức xử lý).",
         "{A} xin lỗi, trả tiền thuốc 500.000 đồng; hai bên không tái diễn.",
         "{B} yêu cầu bồi thường 3.000.000 đồng; {a} không đồng ý."),
        ("Con của {a} (15 tuổi) lấy xe đạp của nhà {b}, đã trả lại.",
         "Gia đình {a} xin lỗi, giáo dục con; {b} không yêu cầu xử lý.",
         "{B} yêu cầu công an xử lý; gia đình {a} xin bỏ qua."),
    ],
    T.OTHER: [
        ("Mâu thuẫn giữa {a} và {b} về mức đóng góp sửa chữa đường ngõ.",
         "Hai bên đóng góp theo biên bản họp tổ dân phố.",
         "{A} không đồng ý mức đóng góp; {b} yêu cầu đóng đủ."),
        ("Tranh chấp chỗ để xe trước cửa giữa hộ kinh doanh của {a} và nhà {b}.",
         "Hai bên để xe theo mặt tiền nhà mình, không lấn sang nhà bên cạnh.",
         "{A} yêu cầu được để xe cả trước cửa nhà {b}; {b} không đồng ý."),
    ],
}
COUPLE_CONTENTS = [  # family matters between husband and wife (the husband first)
    ("Mâu thuẫn vợ chồng giữa {a} và {b}: người chồng uống rượu, thường xuyên cãi vã.",
     "{A} cam kết bỏ rượu, không to tiếng; hai bên đoàn tụ, cùng chăm lo cho con.",
     "{B} đề nghị ly hôn, {a} không đồng ý. Đã hướng dẫn các bên đến Tòa án."),
    ("Vợ chồng {a} và {b} mâu thuẫn về chi tiêu và tài sản chung, {b} bỏ về nhà bố mẹ đẻ.",
     "Hai bên thống nhất cùng quản lý chi tiêu, {b} về lại gia đình.",
     "{B} yêu cầu chia tài sản chung; {a} không đồng ý."),
]
COUPLE = (Relationship.WIFE, Relationship.HUSBAND)
TYPE_MIX = [(T.EVERYDAY, 35), (T.CIVIL, 15), (T.LAND, 12), (T.FAMILY, 20),
            (T.MINOR_VIOLATION, 12), (T.OTHER, 6)]
ORIGIN_MIX = [(CaseOrigin.PARTY_REQUEST, 55), (CaseOrigin.ASSIGNED, 15),
              (CaseOrigin.WITNESSED, 15), (CaseOrigin.PROPOSED, 15)]
RESULT_MIX = [(S.SUCCEEDED, 72), (S.FAILED, 13), (S.STOPPED, 4), (S.REFERRED, 4),
              (S.IN_PROGRESS, 7)]
INVITED = ["Bí thư chi bộ tổ dân phố", "Trưởng ban công tác Mặt trận tổ dân phố",
           "Công an khu vực", "Đại diện Hội Cựu chiến binh phường", "Chi hội trưởng Chi hội Phụ nữ",
           "Người cao tuổi có uy tín trong dòng họ"]
LEFT_REASONS = ["Chuyển nơi cư trú", "Xin thôi vì lý do sức khỏe", "Không còn đủ điều kiện"]
# People from outside the ward, typed by hand: (name, sex, address).
OUTSIDERS = [
    ("Nguyễn Văn Thắng", M, "số 8, phố Hàng Bông, phường Cửa Nam"),
    ("Trần Thị Thu Hà", F, "số 21, phố Lò Đúc, phường Hai Bà Trưng"),
    ("Lê Minh Tuấn", M, "số 5, ngõ 12, phố Kim Mã, phường Ba Đình"),
    ("Phạm Thị Hồng", F, "số 40, phố Đội Cấn, phường Ngọc Hà"),
    ("Vũ Đức Long", M, "số 17, phố Bạch Mai, phường Bạch Mai"),
    ("Đỗ Thị Ngọc Lan", F, "số 3, ngõ 6, phố Phương Mai, phường Kim Liên"),
]


def _pick(rng: random.Random, pairs):
    values, weights = zip(*pairs)
    return rng.choices(values, weights)[0]


def case_count(households: int) -> int:
    return max(10, min(2000, households // 60))


def _call(name: str, sex: Sex, age: int | None) -> str:
    """How a case's text names a party: "ông Khải", "chị Hoa"."""
    young = age is not None and age < 35
    title = ("anh" if young else "ông") if sex is M else ("chị" if young else "bà")
    return f"{title} {name.rsplit(' ', 1)[-1]}"


def _fill(text: str, a: str, b: str) -> str:
    return text.format(a=a, b=b, A=a[:1].upper() + a[1:], B=b[:1].upper() + b[1:])


# Plain tuples: a SQLAlchemy Row's attributes cost a microsecond each, and the pools are read
# often when the demo ward has 100,000 households.
Adult = namedtuple("Adult", "id full_name birth_date sex relation phone household_id address "
                            "area_id")


class _Pool:
    """The adults of one area (or of the ward), with their households and couples, built once."""

    def __init__(self, adults: list[Adult]):
        self.adults = adults
        self.homes: dict[int, list[Adult]] = {}
        for r in adults:
            self.homes.setdefault(r.household_id, []).append(r)
        self._couples: list[tuple[Adult, Adult]] | None = None
        self._shared: list[list[Adult]] | None = None

    @property
    def couples(self) -> list[tuple[Adult, Adult]]:
        """(husband, wife) of the households whose head lives with a spouse."""
        if self._couples is None:
            self._couples = [
                (h, w) for members in self.homes.values() if len(members) > 1
                for h in members for w in members
                if h.sex is M and w.sex is F and R.HEAD in (h.relation, w.relation)
                and {h.relation, w.relation} & set(COUPLE)]
        return self._couples

    @property
    def shared(self) -> list[list[Adult]]:
        """Households with two adults or more."""
        if self._shared is None:
            self._shared = [m for m in self.homes.values() if len(m) > 1]
        return self._shared

    def neighbour(self, rng: random.Random, of: Adult, ward: _Pool) -> Adult:
        """An adult of another household, of this area if it has one."""
        for pool in (self, ward):
            if len(pool.homes) > 1:
                while True:
                    other = rng.choice(pool.adults)
                    if other.household_id != of.household_id:
                        return other
        return rng.choice(ward.adults)


def _sample_adults(s: Session, rng: random.Random, today: date) -> dict[int, list[Adult]]:
    """The adults (20 and over) of up to HOMES_PER_AREA households drawn in each area: enough
    for its mediators and its cases, and a few hundred milliseconds at 100,000 households
    where reading every resident takes seconds."""
    homes: dict[int, list[int]] = {}
    living = select(Household.id, Household.area_id).where(Household.moved_out_on.is_(None))
    # Core rows (fast), so the session's ward scope does not apply: the ward's own households
    # only (a province store holds many wards, services/demo_province.py)
    if (ward := session_ward(s)) is not None:
        living = living.where(Household.unit_id == ward)
    for household_id, area_id in s.connection().execute(living.order_by(Household.id)).all():
        homes.setdefault(area_id, []).append(household_id)
    chosen = sorted(h for ids in homes.values()
                    for h in rng.sample(ids, min(HOMES_PER_AREA, len(ids))))
    by_area: dict[int, list[Adult]] = {}
    for i in range(0, len(chosen), 2000):
        rows = s.connection().execute(
            select(Resident.id, Resident.full_name, Resident.birth_date, Resident.sex,
                   Resident.relation, Resident.phone, Resident.household_id, Household.address,
                   Household.area_id)
            .join(Household, Household.id == Resident.household_id)
            .where(Resident.household_id.in_(chosen[i:i + 2000]),
                   Resident.moved_out_on.is_(None),
                   Resident.birth_date < date(today.year - 20, 1, 1))
            .order_by(Resident.id)).all()
        for r in rows:
            by_area.setdefault(r.area_id, []).append(Adult(*r))
    return by_area


def add_mediation(s: Session, rng: random.Random, households: int, today: date) -> int:
    """Insert teams, mediators and cases for the demo ward's areas; return the number of cases."""
    areas = s.execute(select(Area.id, Area.name).order_by(Area.sort_order, Area.id)).all()
    if not areas:
        return 0
    by_area = _sample_adults(s, rng, today)
    adults = [r for people in by_area.values() for r in people]
    ward = _Pool(adults)
    pools = {area_id: _Pool(people) for area_id, people in by_area.items()}
    team_ids = insert_ids(s, MediationTeam, [{"area_id": area_id, "name": default_team_name(name), "book_number": "01",
          "book_opened_on": date(today.year - 2, 1, rng.randint(2, 15)), "book_closed_on": None}
         for area_id, name in areas])
    mediator_rows = []
    for index, ((area_id, _), team_id) in enumerate(zip(areas, team_ids)):
        people = _mediators(rng, index, by_area.get(area_id, []), today)
        for m in people:
            m["team_id"] = team_id
        mediator_rows += people
    mediator_ids = insert_ids(s, Mediator, mediator_rows)
    serving: dict[int, list[tuple[int, date | None]]] = {}
    for mid, row in zip(mediator_ids, mediator_rows):
        serving.setdefault(row["team_id"], []).append((mid, row["left_on"]))

    cases, parties, links = [], [], []
    weights = [len(pools[a].homes) if a in pools else 0.1 for a, _ in areas]
    for _ in range(case_count(households) if adults else 0):
        index = rng.choices(range(len(areas)), weights)[0]
        area_id, team_id = areas[index][0], team_ids[index]
        case, who = _case(rng, today, pools.get(area_id) or ward, ward)
        cases.append({"team_id": team_id, **case})
        parties.append(who)
        team = [mid for mid, left in serving.get(team_id, [])
                if left is None or left > case["received_on"]]
        chosen = rng.sample(team, min(len(team), rng.choice([1, 1, 2]))) if team else []
        links.append(chosen)
    case_ids = insert_ids(s, MediationCase, cases)
    party_rows = [{"case_id": cid, **p} for cid, who in zip(case_ids, parties) for p in who]
    link_rows = [{"case_id": cid, "mediator_id": mid}
                 for cid, chosen in zip(case_ids, links) for mid in chosen]
    if party_rows:
        s.execute(bulk(MediationParty), party_rows)
    if link_rows:
        s.execute(bulk(MediationCaseMediator), link_rows)
    return len(cases)


def _mediators(rng: random.Random, index: int, residents: list, today: date) -> list[dict]:
    """4–6 mediators from the area's adults aged 35–75, a woman among them and the leader
    first — except the team left without a woman and the one with only two still serving."""
    fit = [r for r in residents if 35 <= today.year - r.birth_date.year <= 75]
    if index == NO_WOMAN_TEAM:
        fit = [r for r in fit if r.sex is M]
    count = 3 if index == SHORT_TEAM else rng.randint(4, 6)
    chosen = rng.sample(fit, min(count, len(fit)))
    if index != NO_WOMAN_TEAM and chosen and not any(r.sex is F for r in chosen):
        women = [r for r in fit if r.sex is F and r not in chosen]
        if women:
            chosen[-1] = rng.choice(women)
    chosen.sort(key=lambda r: r.birth_date)  # the eldest leads the team
    leaving = None
    if index == SHORT_TEAM and len(chosen) == 3:
        # The one who left: the youngest who is not the team's only woman, so that the team
        # is short of mediators only (its only woman leaving would add a second warning).
        women = [r for r in chosen if r.sex is F]
        only_woman = women[0] if len(women) == 1 else None
        leaving = next(i for i in (2, 1) if chosen[i] is not only_woman)
    rows = []
    for i, r in enumerate(chosen):
        decided = today - timedelta(days=rng.randint(2 * 365, 5 * 365))
        left = reason = None
        if i == leaving:
            left = today - timedelta(days=rng.randint(150, 300))
            reason = rng.choice(LEFT_REASONS)
        rows.append({
            "full_name": r.full_name, "name_folded": fold(r.full_name), "sex": r.sex,
            "birth_year": r.birth_date.year, "phone": r.phone or "",
            "decision_number": f"{rng.randint(5, 240)}/QĐ-UBND", "decision_date": decided,
            "is_leader": i == 0, "left_on": left, "left_reason": reason or "",
        })
    return rows


def _party(r) -> dict:
    return {"full_name": r.full_name, "name_folded": fold(r.full_name),
            "birth_year": r.birth_date.year, "age": None, "address": r.address,
            "resident_id": r.id}


def _outsider(rng: random.Random) -> tuple[dict, str]:
    name, sex, address = rng.choice(OUTSIDERS)
    age = rng.randint(28, 68)
    row = {"full_name": name, "name_folded": fold(name), "birth_year": None, "age": age,
           "address": address, "resident_id": None}
    return row, _call(name, sex, age)


def _family_pair(rng: random.Random, pool: _Pool):
    """Two adults of one household — husband and wife (the husband first) when a household
    has a couple — or None when no household has two adults."""
    if pool.couples and rng.random() < 0.6:
        return (*rng.choice(pool.couples), True)
    if not pool.shared:
        return None
    first, second = rng.sample(rng.choice(pool.shared), 2)
    couple = bool({first.relation, second.relation} & set(COUPLE)) and R.HEAD in (
        first.relation, second.relation)
    if couple and first.sex is F:
        first, second = second, first
    return first, second, couple


def _two_parties(rng: random.Random, case_type: MediationType, pool: _Pool, ward: _Pool,
                 on: date) -> tuple[list[dict], str, str, list]:
    """Two parties, the way the text calls them, and the contents that fit them: two
    households of the area (sometimes someone from outside the ward); for family matters two
    members of one household."""
    contents = CONTENTS[case_type]
    pair = _family_pair(rng, pool) if case_type is T.FAMILY else None
    if pair is not None:
        first, second, couple = pair
        contents = COUPLE_CONTENTS if couple else contents
    else:
        if case_type is T.FAMILY:  # nobody lives with anyone here: a neighbours' quarrel
            contents = CONTENTS[T.EVERYDAY]
        first = rng.choice(pool.adults)
        if rng.random() < 0.12:
            row, call = _outsider(rng)
            age = on.year - first.birth_date.year
            return [_party(first), row], _call(first.full_name, first.sex, age), call, contents
        second = pool.neighbour(rng, first, ward)
    calls = [_call(r.full_name, r.sex, on.year - r.birth_date.year) for r in (first, second)]
    if calls[0] == calls[1]:
        calls[1] = calls[1] + " (nhà bên)" if pair is None else calls[1] + " (người thứ hai)"
    return [_party(first), _party(second)], calls[0], calls[1], contents


def _case(rng: random.Random, today: date, pool: _Pool, ward: _Pool) -> tuple[dict, list]:
    received = today - timedelta(days=rng.randint(0, WINDOW_DAYS))
    case_type = _pick(rng, TYPE_MIX)
    origin = _pick(rng, ORIGIN_MIX)
    who, a, b, contents = _two_parties(rng, case_type, pool, ward, received)
    if contents is CONTENTS[T.EVERYDAY]:
        case_type = T.EVERYDAY
    content, success, demands = rng.choice(contents)
    assigned = None
    if origin in (CaseOrigin.PARTY_REQUEST, CaseOrigin.PROPOSED):
        assigned = min(received + timedelta(days=rng.randint(0, 2)), today)
    start_from = assigned or received
    late = rng.random() < 0.08 and origin is not CaseOrigin.WITNESSED
    if origin is CaseOrigin.WITNESSED:
        started = received
    elif late:
        started = start_from + timedelta(days=rng.randint(START_WITHIN_DAYS + 2, 12))
    else:
        started = start_from + timedelta(days=rng.randint(0, START_WITHIN_DAYS))
    age = (today - received).days
    status = S.IN_PROGRESS if age < 12 else _pick(rng, RESULT_MIX)
    if started > today or (status is S.IN_PROGRESS and age > 20 and rng.random() < 0.5):
        started = None  # not started yet: late once the 3 days are over
    closed = agreement = None
    if status.closed:
        begin = started or start_from
        closed = min(begin + timedelta(days=rng.randint(0, 20)), today)
        if status is S.STOPPED and rng.random() < 0.5:
            started = None
            closed = min(start_from + timedelta(days=rng.randint(0, 2)), today)
    if status is S.SUCCEEDED:
        agreement = _fill(success, a, b)
    elif status in (S.FAILED, S.REFERRED):
        agreement = _fill(demands, a, b)
    elif status is S.STOPPED:
        agreement = _fill("{B} rút yêu cầu hòa giải, hai bên tự thỏa thuận.", a, b)
    compliance, note = None, ""
    if status is S.SUCCEEDED:
        if (today - closed).days < 30:
            compliance = Compliance.MONITORING
        else:
            compliance = _pick(rng, [(Compliance.DONE, 70), (Compliance.PARTIAL, 12),
                                     (Compliance.NOT_DONE, 5), (None, 13)])
        if compliance is Compliance.PARTIAL:
            note = "tổ tiếp tục đôn đốc"
        elif compliance is Compliance.NOT_DONE:
            note = "đã hướng dẫn các bên đề nghị cơ quan có thẩm quyền giải quyết"
    notes = ""
    if status is S.REFERRED:
        notes = "Đã chuyển hồ sơ đến UBND phường."
    case = {
        "received_on": received, "origin": origin, "case_type": case_type,
        "content": _fill(content, a, b),
        "invited": rng.choice(INVITED) if rng.random() < 0.3 else "",
        "assigned_on": assigned, "started_on": started, "status": status, "closed_on": closed,
        "agreement": agreement or "", "compliance": compliance, "compliance_note": note,
        "notes": notes,
    }
    return case, who
