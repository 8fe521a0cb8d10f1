"""The demo on the days where date rules turn: New Year's Eve and Day, the end of the first
quarter (the households' sign-up campaign, the certification's registration), 29/02.

Whatever day it is made for, the demo writes nothing its own services would refuse on that
day. The day is pinned (``today=`` and ``pin_today``): these tests do not read the clock.
"""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from antq_desktop.db.models import Household, HouseholdSignup, RehabCase
from antq_desktop.regimes import REGIMES, DueState, Period
from antq_desktop.services.activities import ActivityService, Kind, activity_errors
from antq_desktop.services.certification import CertificationService
from antq_desktop.services.certification_rules import CriterionData, RecordData, record_errors
from antq_desktop.services.demo import _Generator, _Household, generate
from antq_desktop.services.households import HouseholdService, household_errors
from antq_desktop.services.mediation import MediationService, case_errors, team_errors
from antq_desktop.services.rehabilitation import CaseStatus, RehabilitationService
from antq_desktop.services.rehabilitation import case_errors as rehab_case_errors
from antq_desktop.validation import FieldError, check_event_date

DAYS = [
    date(2026, 12, 31), date(2027, 1, 1),  # the year boundary of the issue
    date(2025, 12, 31), date(2026, 1, 1), date(2026, 1, 2),  # ... and a year earlier
    date(2027, 3, 31), date(2027, 4, 1),  # end of the first quarter
    date(2024, 2, 29), date(2028, 2, 29), date(2027, 2, 28), date(2027, 3, 1),  # leap day
]


def _signup_problems(db, today: date) -> list[str]:
    """Sign-ups the service would refuse on ``today`` (date outside its year, after today) or
    dated when the household did not live here."""
    out = []
    with db.session() as s:
        rows = s.execute(select(HouseholdSignup.year, HouseholdSignup.signed_on, Household.code,
                                Household.since, Household.moved_out_on)
                         .join(Household, Household.id == HouseholdSignup.household_id)).all()
    for year, on, code, since, gone in rows:
        try:
            HouseholdService._check_signup_date(year, on, today)
        except FieldError as e:
            out.append(f"{code} {year} {on}: {e}")
        if year not in (today.year - 1, today.year):
            out.append(f"{code}: sign-up for {year}")
        if since is not None and on <= since:
            out.append(f"{code} {year} {on}: came on {since}")
        if gone is not None and on >= gone:
            out.append(f"{code} {year} {on}: left on {gone}")
    return out


def _rehab_problems(db, today: date) -> list[str]:
    """The checks of RehabilitationService.save, add_evaluation, add_support and close."""
    rehab, out = RehabilitationService(db), []
    with db.session() as s:
        ids = list(s.scalars(select(RehabCase.id)))
    for case_id in ids:
        c = rehab.get(case_id)
        info = REGIMES[c.regime]
        out += [f"case {case_id}: {e}" for e in rehab_case_errors(c, today)]
        first = Period.containing(c.start_date, info.months_per_period)
        periods = set()
        for ev in c.evaluations:
            msg = check_event_date(ev.evaluated_on, c.start_date, today, required=True)
            if msg or (c.closed_on and ev.evaluated_on > c.closed_on):
                out.append(f"case {case_id}: evaluated on {ev.evaluated_on} {msg or ''}")
            if ev.classification not in info.classes or ev.period < first or (
                    ev.period.first_day > ev.evaluated_on) or ev.period in periods:
                out.append(f"case {case_id}: evaluation of {ev.period}")
            periods.add(ev.period)
        for sp in c.supports:
            if check_event_date(sp.given_on, c.start_date, today, required=True):
                out.append(f"case {case_id}: support on {sp.given_on}")
        if c.closed_on and check_event_date(c.closed_on, c.start_date, today, required=True):
            out.append(f"case {case_id}: closed on {c.closed_on}")
    return out


def _record(info) -> RecordData:
    return RecordData(info.registered_on, info.evaluated_on, info.result, info.decision_number,
                      info.decision_date, info.certificate_number, info.notes,
                      [CriterionData(c.criterion.code, c.met, c.note) for c in info.checklist])


def _problems(db, today: date) -> list[str]:
    """Everything in the demo ward that its service would refuse on ``today``."""
    households = HouseholdService(db)
    out = []
    with db.session() as s:
        ids = list(s.scalars(select(Household.id)))
    for hid in ids:
        data = households.get(hid)
        out += [f"{data.code}: {e}" for e in household_errors(data, today)]
    out += _signup_problems(db, today)
    out += _rehab_problems(db, today)
    med = MediationService(db)
    for t in med.list_teams():
        out += [f"{t.name}: {e}" for e in team_errors(med.get_team(t.id), today)]
    for row in med.list_cases(today=today):
        out += [f"mediation {row.id}: {e}" for e in case_errors(med.get(row.id), today)]
    acts = ActivityService(db)
    for kind in Kind:
        for row in acts.rows(kind):
            out += [f"{kind} {row.id}: {e}" for e in activity_errors(kind, acts.get(kind, row.id),
                                                                     today)]
    cert = CertificationService(db)
    for year in (today.year - 1, today.year):
        for row in cert.year_rows(year):
            info = cert.record(row.unit_id, year)
            if info.exists:
                out += [f"{row.name} {year}: {e}"
                        for e in record_errors(row.category, year, _record(info), today)]
    return out


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_nothing_the_services_would_refuse(db, pin_today, today):
    pin_today(today)
    summary = generate(db, households=300, seed=7, today=today)
    assert summary.signups > 0
    assert _problems(db, today) == []
    # The lists still show what the demo is for, whatever the day.
    assert MediationService(db).warnings() == [
        "Tổ hòa giải Tổ dân phố số 2 chưa có hòa giải viên nữ.",
        "Tổ hòa giải Tổ dân phố số 4 mới có 2 hòa giải viên; cần ít nhất 3."]
    cases = RehabilitationService(db).list_cases(status=CaseStatus.ALL, today=today)
    assert any(r.due.state in (DueState.DUE, DueState.OVERDUE) for r in cases)


# Days and seeds where the demo used to sign a household that came in the last days of
# December up for that year in January (with fewer households it happens less often).
@pytest.mark.parametrize("today, households, seed", [
    (date(2026, 12, 31), 3000, 3), (date(2027, 1, 1), 1000, 5), (date(2026, 12, 1), 1000, 0)],
    ids=str)
def test_no_sign_up_after_its_year_or_today(db, today, households, seed):
    """The issue: a household arriving in late December signed up for that year in January."""
    generate(db, households=households, seed=seed, today=today)
    with db.session() as s:
        came = s.scalars(select(Household.since).where(Household.since.is_not(None))).all()
    year = today.year - 1
    assert [d for d in came if date(year, 12, 22) <= d <= date(year, 12, 31)]  # the case is there
    assert _signup_problems(db, today) == []


def _late_arrival_signups(today: date, arrived: date, times: int = 300) -> list:
    gen = _Generator(1, today)
    year = arrived.year
    campaigns = [(year, gen.signup_dates(year, 1, 1.0, 1.0, full_share=1.0))]
    assert campaigns[0][1][0][0] == 1.0  # an area where every household signs
    h = _Household("HK000001", 0, "số 1, phố Hàng Bạc", [], since=arrived.toordinal())
    return [row["signed_on"] for _ in range(times) for row in gen.signups(1, h, campaigns)]


@pytest.mark.parametrize("today", [date(2027, 1, 1), date(2027, 1, 20), date(2027, 6, 1)],
                         ids=str)
def test_a_household_arriving_in_late_december_signs_within_the_year(today):
    for arrived in (date(2026, 12, 20), date(2026, 12, 27), date(2026, 12, 30)):
        days = _late_arrival_signups(today, arrived)
        assert days, arrived  # it still signs on arrival when the year leaves room
        assert all(arrived < d <= date(2026, 12, 31) for d in days), arrived
    assert _late_arrival_signups(today, date(2026, 12, 31)) == []  # no day left in the year


def test_a_household_arriving_on_new_years_eve_signs_by_today():
    """Today 31/12: the one who came the day before signs today at the latest."""
    days = _late_arrival_signups(date(2026, 12, 31), date(2026, 12, 30))
    assert days and set(days) == {date(2026, 12, 31)}
    days = _late_arrival_signups(date(2026, 12, 31), date(2026, 12, 20))
    assert days and all(d <= date(2026, 12, 31) for d in days)


def test_the_clock_is_not_read_when_today_is_given(db, pin_today, tmp_path):
    """Two demos for the same day are the same, made on one day or on another."""
    from antq_desktop.db.engine import open_database
    from tests.services.test_demo import dump_ward

    day = date(2027, 1, 1)
    pin_today(day - timedelta(days=1))
    generate(db, households=150, seed=5, today=day)
    other = open_database(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        pin_today(day + timedelta(days=400))
        generate(other, households=150, seed=5, today=day)
        assert dump_ward(other) == dump_ward(db)
    finally:
        other.dispose()
