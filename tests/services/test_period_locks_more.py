"""Period locking (issue 15) for the records it did not cover yet: rehabilitation support
entries (the evaluations' lock: a signed-off quarter or year by the day given), a case's
counted facts (start and decision, regime and area, close; docs/DOMAIN.md §2) and a mediation
team's roster in a signed-off year (docs/DOMAIN.md §3). Each is refused with the standard
message and let through by an exception. Runs on SQLite and, with ANTQ_TEST_PG_URL, PostgreSQL."""

from dataclasses import replace
from datetime import date

import pytest

from antq_desktop.enums import EndReason, Regime, Sex, SupportKind
from antq_desktop.services.mediation import MediationService, MediatorData
from antq_desktop.services.periods import EVALUATIONS, MEDIATION, PeriodLocked, PeriodService
from antq_desktop.services.rehabilitation import CaseData, RehabilitationService, SupportData

TODAY = date(2026, 2, 10)


@pytest.fixture
def rehab(db):
    return RehabilitationService(db)


@pytest.fixture
def case(rehab, ward):
    """A case started in 2025 with a loan in Q2/2025 and a job in Q1/2026."""
    cid = rehab.save(CaseData("Lê Văn An", Regime.REINTEGRATION, date(2025, 3, 1),
                              area_id=ward[0], decision_number="25/GCN",
                              decision_date=date(2025, 2, 20)), today=TODAY)
    rehab.add_support(cid, SupportData(date(2025, 5, 1), SupportKind.LOAN, "", 30_000_000,
                                       "NHCSXH"), today=TODAY)
    rehab.add_support(cid, SupportData(date(2026, 1, 15), SupportKind.JOB, "Thợ hàn"),
                      today=TODAY)
    return cid


def _refused(info) -> None:
    message = info.value.message
    assert " đã khóa sổ ngày " in message and " bởi " in message


# -- rehabilitation support ---------------------------------------------------------------
def test_a_signed_off_quarter_refuses_support_given_in_it(db, rehab, case):
    PeriodService(db).lock(EVALUATIONS, 2025, quarter=2, today=TODAY)
    loan, job = rehab.get(case).supports
    with pytest.raises(PeriodLocked) as info:
        rehab.add_support(case, SupportData(date(2025, 6, 1), SupportKind.PAPERS), today=TODAY)
    assert info.value.message.startswith("Quý II/2025 đã khóa sổ ngày ")
    with pytest.raises(PeriodLocked):  # corrected in place
        rehab.update_support(case, replace(loan, amount=40_000_000), today=TODAY)
    with pytest.raises(PeriodLocked):  # moved out of the signed-off quarter
        rehab.update_support(case, replace(loan, given_on=date(2025, 7, 1)), today=TODAY)
    with pytest.raises(PeriodLocked):  # moved into it
        rehab.update_support(case, replace(job, given_on=date(2025, 5, 2)), today=TODAY)
    with pytest.raises(PeriodLocked):
        rehab.void_support(case, loan.id, "Nhập nhầm", version=loan.version, today=TODAY)
    assert rehab.get(case).supports == [loan, job]
    # another quarter stays open
    rehab.add_support(case, SupportData(date(2025, 8, 1), SupportKind.PAPERS), today=TODAY)
    rehab.update_support(case, replace(job, details="Thợ hàn điện"), today=TODAY)
    assert rehab.support_lock(rehab.get(case), date(2025, 5, 1), today=TODAY)
    assert rehab.support_lock(rehab.get(case), date(2025, 8, 1), today=TODAY) is None


def test_a_signed_off_year_refuses_support_and_an_exception_lets_it_through(db, rehab, case):
    periods = PeriodService(db)
    periods.lock(EVALUATIONS, 2025, today=TODAY)
    loan = rehab.get(case).supports[0]
    with pytest.raises(PeriodLocked) as info:
        rehab.void_support(case, loan.id, "Nhập nhầm", version=loan.version, today=TODAY)
    _refused(info)
    assert info.value.message.startswith("Năm 2025 ")
    periods.grant_exception(EVALUATIONS, 2025, date(2026, 2, 28), "Sửa khoản vay nhập nhầm",
                            today=TODAY)
    rehab.update_support(case, replace(loan, amount=25_000_000), today=TODAY)
    assert rehab.get(case).supports[0].amount == 25_000_000
    loan = rehab.get(case).supports[0]
    with pytest.raises(PeriodLocked):  # the exception has run out
        rehab.void_support(case, loan.id, "Nhập nhầm", version=loan.version,
                           today=date(2026, 3, 1))


# -- rehabilitation cases -----------------------------------------------------------------
def test_a_signed_off_year_holds_a_cases_start_decision_regime_area_and_close(db, rehab, case,
                                                                            ward):
    PeriodService(db).lock(EVALUATIONS, 2025, today=TODAY)
    data = rehab.get(case)
    locks = rehab.case_locks(data, today=TODAY)
    assert locks.dates and locks.counted and locks.close is None
    for change in ({"start_date": date(2025, 4, 1)}, {"decision_number": "26/GCN"},
                   {"decision_date": date(2025, 2, 21)}, {"area_id": ward[1]},
                   {"regime": Regime.DRUG_USER}):
        with pytest.raises(PeriodLocked) as info:
            rehab.save(replace(rehab.get(case), **change), today=TODAY)
        _refused(info)
    # what no signed figure counts stays editable: the case is still managed
    rehab.save(replace(rehab.get(case), supervisor="Tổ dân phố số 1", notes="Đi làm đều",
                       address="12 Hàng Bạc"), today=TODAY)
    assert rehab.get(case).supervisor == "Tổ dân phố số 1"
    with pytest.raises(PeriodLocked):  # a new case started in the signed-off year
        rehab.save(CaseData("Trần Văn Bình", Regime.REINTEGRATION, date(2025, 9, 1),
                            area_id=ward[0]), today=TODAY)
    new = rehab.save(CaseData("Trần Văn Bình", Regime.REINTEGRATION, date(2026, 1, 5),
                              area_id=ward[0]), today=TODAY)
    rehab.save(replace(rehab.get(new), area_id=ward[1]), today=TODAY)  # 2026 is open


def test_a_close_in_a_signed_off_period_is_refused_and_cannot_be_reopened(db, rehab, ward):
    cid = rehab.save(CaseData("Phạm Văn Cường", Regime.REINTEGRATION, date(2025, 1, 10),
                              area_id=ward[0]), today=TODAY)
    other = rehab.save(CaseData("Đỗ Văn Dũng", Regime.REINTEGRATION, date(2025, 1, 10),
                                area_id=ward[1]), today=TODAY)
    rehab.close(other, date(2025, 12, 1), EndReason.COMPLETED, today=TODAY)
    periods = PeriodService(db)
    periods.lock(EVALUATIONS, 2025, quarter=4, area_id=ward[0], today=TODAY)
    with pytest.raises(PeriodLocked) as info:
        rehab.close(cid, date(2025, 11, 30), EndReason.COMPLETED, today=TODAY)
    assert info.value.message.startswith("Quý IV/2025 ")
    rehab.close(cid, date(2026, 1, 2), EndReason.COMPLETED, today=TODAY)  # Q1/2026 is open
    rehab.reopen(cid, today=TODAY)
    rehab.reopen(other, today=TODAY)  # the area lock leaves the other area open
    rehab.close(other, date(2025, 12, 1), EndReason.COMPLETED, today=TODAY)
    periods.lock(EVALUATIONS, 2025, today=TODAY)
    assert rehab.case_locks(rehab.get(other), today=TODAY).close
    with pytest.raises(PeriodLocked):
        rehab.reopen(other, today=TODAY)
    periods.grant_exception(EVALUATIONS, 2025, date(2026, 2, 20), "Đóng nhầm hồ sơ",
                            today=TODAY)
    rehab.reopen(other, today=TODAY)
    assert rehab.get(other).closed_on is None


# -- mediation teams ----------------------------------------------------------------------
def _team(db, ward):
    service = MediationService(db)
    service.ensure_teams()
    team_id = service.team_for_area(ward[0])
    data = service.get_team(team_id)
    data.mediators = [
        MediatorData("Nguyễn Thị Hoa", Sex.FEMALE, 1970, decision_number="15/QĐ-UBND",
                     decision_date=date(2024, 1, 10), is_leader=True),
        MediatorData("Trần Văn Nam", Sex.MALE, 1965, decision_date=date(2025, 3, 1)),
        MediatorData("Lê Văn Sơn", Sex.MALE, 1980, decision_date=date(2026, 1, 5)),
    ]
    data.book_opened_on = date(2024, 1, 15)
    service.save_team(data, today=TODAY)
    return service, team_id


def test_a_signed_off_year_holds_the_team_roster_counted_in_it(db, ward):
    service, team_id = _team(db, ward)
    periods = PeriodService(db)
    periods.lock(MEDIATION, 2025, today=TODAY)
    data = service.get_team(team_id)
    locks = service.team_locks(data, today=TODAY)
    nam = data.mediators[1]
    assert locks.joined.get(nam.id) and not locks.left
    assert set(locks.joined) == {nam.id} and locks.book is None

    def save(edit):
        d = service.get_team(team_id)
        edit(d)
        return service.save_team(d, today=TODAY)

    for edit in (lambda d: setattr(d.mediators[1], "decision_date", date(2025, 4, 1)),
                 lambda d: setattr(d.mediators[1], "decision_number", "7/QĐ-UBND"),
                 lambda d: setattr(d.mediators[1], "left_on", date(2025, 12, 31)),
                 lambda d: setattr(d.mediators[0], "left_on", date(2025, 6, 1)),  # left then
                 lambda d: setattr(d.mediators[2], "decision_date", date(2025, 12, 1)),
                 lambda d: d.mediators.append(MediatorData("Võ Thị Lan", Sex.FEMALE, 1990,
                                                           decision_date=date(2025, 5, 5)))):
        with pytest.raises(PeriodLocked) as info:
            save(edit)
        _refused(info)
        assert info.value.message.startswith("Năm 2025 ")
    assert service.get_team(team_id) == data
    # joined or left in an open year, or a field no roster counts: saved
    save(lambda d: setattr(d.mediators[1], "phone", "0912345678"))
    save(lambda d: setattr(d.mediators[1], "left_on", date(2026, 2, 1)))  # joined in 2025
    assert service.team_locks(service.get_team(team_id), today=TODAY).left == {}
    save(lambda d: d.mediators.append(MediatorData("Võ Thị Lan", Sex.FEMALE, 1990,
                                                   decision_date=date(2026, 2, 1))))
    assert len(service.get_team(team_id).mediators) == 4
    # the book's opening day in a signed-off year
    periods.lock(MEDIATION, 2024, area_id=ward[0], today=TODAY)
    assert service.team_locks(service.get_team(team_id), today=TODAY).book
    with pytest.raises(PeriodLocked):
        save(lambda d: setattr(d, "book_opened_on", date(2024, 2, 1)))
    # an exception lets the correction through
    periods.grant_exception(MEDIATION, 2025, date(2026, 2, 28), "Sai ngày quyết định",
                            today=TODAY)
    save(lambda d: setattr(d.mediators[1], "decision_date", date(2025, 3, 2)))
    assert service.get_team(team_id).mediators[1].decision_date == date(2025, 3, 2)


def test_a_lock_of_another_area_leaves_the_team_open(db, ward):
    service, team_id = _team(db, ward)
    PeriodService(db).lock(MEDIATION, 2025, area_id=ward[1], today=TODAY)
    d = service.get_team(team_id)
    d.mediators[1].left_on = date(2025, 12, 31)
    service.save_team(d, today=TODAY)
    assert service.team_locks(service.get_team(team_id), today=TODAY).left == {}
