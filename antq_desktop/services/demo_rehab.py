"""Demo rehabilitation cases for the demo ward: people from the register under each regime,
with a history of evaluations (some left overdue), support given and a few closed cases."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..db.models import Household, RehabCase, RehabEvaluation, RehabSupport, Resident
from ..enums import Classification, EndReason, Regime, SupportKind
from ..regimes import REGIMES, Period, add_months, periods_between
from ..text import fold

# regime → share of cases (reintegration and drug users are the bulk in ward reports)
MIX = [(Regime.REINTEGRATION, 35), (Regime.DRUG_USER, 20), (Regime.POST_REHAB, 10),
       (Regime.WARD_EDUCATION, 10), (Regime.SUSPENDED, 15), (Regime.YOUTH, 10)]
SUPERVISORS = ["Hội Cựu chiến binh phường", "Hội Liên hiệp Phụ nữ phường",
               "Đoàn Thanh niên phường", "Ban công tác Mặt trận tổ dân phố",
               "Tổ trưởng tổ dân phố", "Công an khu vực", "Gia đình và Chi hội Phụ nữ"]
SIGNERS = ["Chủ tịch UBND phường", "Phó Chủ tịch UBND phường"]
SUPPORT_DETAILS = {
    SupportKind.VOCATIONAL: ["Lớp sửa chữa xe máy 3 tháng", "Lớp nấu ăn 2 tháng",
                             "Lớp điện dân dụng"],
    SupportKind.JOB: ["Giới thiệu làm bảo vệ tại công ty", "Phụ bếp nhà hàng trên phố",
                      "Lái xe công nghệ"],
    SupportKind.LOAN: ["Vay vốn chăn nuôi", "Vay vốn buôn bán nhỏ", "Vay vốn mở tiệm sửa xe"],
    SupportKind.PAPERS: ["Làm lại căn cước", "Đăng ký thường trú"],
    SupportKind.SCHOOLING: ["Học bổ túc THCS"],
    SupportKind.COUNSELLING: ["Tư vấn tâm lý tại trạm y tế", "Trợ giúp pháp lý về thừa kế"],
}
GOOD = {Regime.REINTEGRATION: [(Classification.A, 60), (Classification.B, 28),
                               (Classification.C, 8), (Classification.D, 4)]}
OTHER = [(Classification.PROGRESS, 66), (Classification.NO_PROGRESS, 22),
         (Classification.VIOLATION, 8), (Classification.RELAPSE, 4)]


def _pick(rng: random.Random, pairs):
    values, weights = zip(*pairs)
    return rng.choices(values, weights)[0]


def case_count(households: int) -> int:
    return max(12, min(600, households // 250))


def add_rehabilitation(s: Session, rng: random.Random, households: int, today: date) -> int:
    """Insert demo cases for adults of the register; return how many cases were made."""
    wanted = case_count(households)
    adults = s.execute(
        select(Resident.id, Resident.full_name, Resident.birth_date, Resident.sex,
               Resident.id_number, Household.address, Household.area_id)
        .join(Household, Household.id == Resident.household_id)
        .where(Household.moved_out_on.is_(None), Resident.moved_out_on.is_(None),
               Resident.birth_date < date(today.year - 16, 1, 1),
               Resident.birth_date > date(today.year - 60, 1, 1))
        .order_by(Resident.id)).all()
    chosen = rng.sample(adults, min(wanted, len(adults)))
    cases, evaluations, supports = [], [], []
    # At least one open case waits for its last evaluation (whatever the day, so that the
    # list shows the "due" and "overdue" states), then about one in five.
    waiting = False
    for number, person in enumerate(chosen, start=1):
        regime = _pick(rng, MIX)
        info = REGIMES[regime]
        youth = regime is Regime.YOUTH
        start = today - timedelta(days=rng.randint(20, 700 if not youth else 400))
        term = info.default_term_months
        planned = add_months(start, term) if term else (
            add_months(start, rng.choice([12, 24, 36])) if regime is Regime.SUSPENDED else None)
        decided = start - timedelta(days=rng.randint(1, 10))
        closed_on = reason = None
        if planned and planned < today - timedelta(days=10):
            closed_on, reason = planned, EndReason.COMPLETED
        elif rng.random() < 0.06:
            closed_on = start + timedelta(days=rng.randint(60, max(61, (today - start).days)))
            closed_on = min(closed_on, today)
            reason = rng.choice([EndReason.MOVED, EndReason.NEW_SENTENCE, EndReason.MISSING])
        cases.append({
            "resident_id": person.id, "person_name": person.full_name,
            "name_folded": fold(person.full_name), "birth_date": person.birth_date,
            "sex": person.sex, "id_number": person.id_number, "address": person.address,
            "area_id": person.area_id, "regime": regime,
            "decision_number": f"{rng.randint(10, 480)}/QĐ-UBND" if not youth else "",
            "decision_date": decided if not youth else None,
            "decision_signer": rng.choice(SIGNERS) if not youth else "",
            "start_date": start, "planned_end": planned,
            "supervisor": rng.choice(SUPERVISORS),
            "model": "3 cộng 1" if youth or rng.random() < 0.2 else "",
            "notes": "", "closed_on": closed_on, "close_reason": reason,
            "close_note": "",
        })
        # evaluations for every finished period, the last one sometimes still missing
        months = info.months_per_period
        end = closed_on or today
        last_done = Period.containing(end, months)
        if last_done.last_day >= end:
            last_done = _previous(last_done)
        first = Period.containing(start, months)
        periods = periods_between(first, last_done) if last_done >= first else []
        if periods and closed_on is None and (not waiting or rng.random() < 0.2):
            periods = periods[:-1]  # not yet evaluated: shows as due or overdue
            waiting = True
        classes = GOOD.get(regime, OTHER)
        for p in periods:
            on = min(p.last_day + timedelta(days=rng.randint(1, 5)), end)
            evaluations.append({
                "case_id": number, "evaluated_on": on, "period_year": p.year,
                "period_no": p.number, "classification": _pick(rng, classes),
                "remarks": "",
            })
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            kind = rng.choice(list(SUPPORT_DETAILS))
            given = start + timedelta(days=rng.randint(0, max(0, (end - start).days)))
            supports.append({
                "case_id": number, "given_on": given, "kind": kind,
                "details": rng.choice(SUPPORT_DETAILS[kind]),
                "amount": rng.choice([20, 30, 50, 70]) * 1_000_000 if kind is SupportKind.LOAN
                else None,
                "lender": "Ngân hàng Chính sách xã hội" if kind is SupportKind.LOAN else "",
            })
    # Ids come back from the database (explicit ids would leave PostgreSQL's sequence behind).
    ids = list(s.scalars(insert(RehabCase).returning(RehabCase.id, sort_by_parameter_order=True),
                         cases))
    for row in evaluations + supports:
        row["case_id"] = ids[row["case_id"] - 1]
    if evaluations:
        s.execute(insert(RehabEvaluation), evaluations)
    if supports:
        s.execute(insert(RehabSupport), supports)
    return len(cases)


def _previous(p: Period) -> Period:
    if p.number == 1:
        return Period(p.year - 1, 12 // p.months, p.months)
    return Period(p.year, p.number - 1, p.months)
