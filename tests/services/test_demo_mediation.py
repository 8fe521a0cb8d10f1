"""The demo ward's mediation: teams and cases that pass the service's own rules."""

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from antq_desktop.db.engine import open_database
from antq_desktop.db.models import MediationCase, MediationParty, Mediator, Resident
from antq_desktop.enums import CaseOrigin, Compliance, MediationStatus, MediationType, Sex
from antq_desktop.services.demo import generate
from antq_desktop.services.demo_mediation import WINDOW_DAYS, case_count
from antq_desktop.services.mediation import MediationService, case_errors, team_errors
from antq_desktop.services.mediation_stats import MediationStats
from antq_desktop.text import fold

N = 1200
TODAY = date(2026, 10, 15)  # the day the demo is made for (the tests do not read the clock)


@pytest.fixture(scope="module")
def ward(tmp_path_factory):
    """One demo ward for the module (SQLite: these tests read only)."""
    db = open_database(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    summary = generate(db, households=N, seed=11, today=TODAY)
    yield db, summary
    db.dispose()


def test_a_team_per_area_and_the_warnings_show(ward):
    db, summary = ward
    med = MediationService(db)
    teams = med.list_teams()
    assert len(teams) == summary.areas and all(t.leader for t in teams)
    for t in teams:
        assert team_errors(med.get_team(t.id), TODAY) == []
    warnings = [w for t in teams for w in t.warnings]
    assert warnings == [f"{teams[1].name} chưa có hòa giải viên nữ.",
                        f"{teams[3].name} mới có 2 hòa giải viên; cần ít nhất 3."]
    full = [t for i, t in enumerate(teams) if i not in (1, 3)]
    assert all(4 <= t.mediators <= 6 and t.women >= 1 for t in full)
    assert med.ensure_teams() == 0
    left = [m for m in med.get_team(teams[3].id).mediators if not m.active]
    assert len(left) == 1 and left[0].left_reason


def test_cases_follow_the_rules(ward):
    db, summary = ward
    med = MediationService(db)
    rows = med.list_cases(today=TODAY)
    assert len(rows) == summary.mediation_cases == case_count(N) == 20
    for row in rows:
        data = med.get(row.id)
        assert case_errors(data, TODAY) == [], row.id
        assert TODAY - timedelta(days=WINDOW_DAYS) <= data.received_on <= TODAY
        assert len(data.parties) == 2 and data.content and "{" not in data.content
        choices = {m.id for m in med.mediator_choices(data.team_id, on=data.received_on)}
        assert set(data.mediator_ids) <= choices
        if data.status is MediationStatus.SUCCEEDED:
            assert data.agreement and "{" not in data.agreement
    statuses = Counter(r.status for r in rows)
    closed = len(rows) - statuses[MediationStatus.IN_PROGRESS]
    assert statuses[MediationStatus.SUCCEEDED] > closed / 2  # most closed cases succeed
    assert statuses[MediationStatus.SUCCEEDED] + statuses[MediationStatus.IN_PROGRESS] < len(rows)
    assert any(r.late_start for r in rows) and sum(r.late_start for r in rows) < len(rows) / 4
    assert len({r.case_type for r in rows}) >= 4
    assert any(r.compliance in (Compliance.DONE, Compliance.PARTIAL) for r in rows)


def test_parties_are_mostly_registered_residents(ward):
    db, _ = ward
    with db.session() as s:
        parties = s.execute(select(MediationParty, Resident.full_name).outerjoin(
            Resident, Resident.id == MediationParty.resident_id)).all()
        origins = Counter(s.scalars(select(MediationCase.origin)))
    registered = [(p, name) for p, name in parties if p.resident_id is not None]
    assert len(registered) > 0.7 * len(parties)
    assert all(p.full_name == name and p.name_folded == fold(name) for p, name in registered)
    assert all(p.age or p.birth_year for p, _ in parties)
    assert CaseOrigin.PARTY_REQUEST in origins


def test_family_cases_are_between_members_of_one_household(ward):
    db, _ = ward
    with db.session() as s:
        homes = s.execute(
            select(MediationParty.case_id, func.count(func.distinct(Resident.household_id)))
            .join(Resident, Resident.id == MediationParty.resident_id)
            .join(MediationCase, MediationCase.id == MediationParty.case_id)
            .where(MediationCase.case_type == MediationType.FAMILY)
            .group_by(MediationParty.case_id)).all()
    assert homes and all(n == 1 for _, n in homes)


def test_mediators_are_adults_of_both_sexes(ward):
    db, _ = ward
    with db.session() as s:
        people = s.scalars(select(Mediator)).all()
    assert {m.sex for m in people} == {Sex.MALE, Sex.FEMALE}
    assert all(35 <= TODAY.year - m.birth_year <= 75 for m in people)
    assert sum(m.is_leader for m in people) == len({m.team_id for m in people})


def test_the_forms_figures_add_up(ward):
    db, _ = ward
    year = MediationStats(db).year_outcomes(TODAY.year, TODAY)
    assert year.total.received == sum(r.received for r in year.teams) == sum(
        year.total.by_type.values()) == sum(year.total.outcomes)
    assert year.total.received == len(MediationService(db).list_cases(year=TODAY.year,
                                                                       today=TODAY))


def test_same_seed_same_cases(tmp_path):
    def dump(path):
        db = open_database(f"sqlite:///{path}")
        try:
            generate(db, households=200, seed=5, today=TODAY)
            with db.session() as s:
                return (s.execute(select(MediationCase.received_on, MediationCase.content,
                                         MediationCase.status)
                                  .order_by(MediationCase.id)).all(),
                        s.execute(select(Mediator.full_name).order_by(Mediator.id)).all())
        finally:
            db.dispose()
    assert dump(tmp_path / "a.db") == dump(tmp_path / "b.db")
