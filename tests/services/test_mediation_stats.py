from datetime import date

import pytest

from antq_desktop.enums import CaseOrigin, Compliance, MediationStatus, MediationType, Sex
from antq_desktop.services.mediation import (
    CaseData,
    MediationService,
    MediatorData,
    PartyData,
    TeamData,
)
from antq_desktop.services.mediation_stats import MediationStats

TODAY = date(2026, 11, 20)
S, T = MediationStatus, MediationType


@pytest.fixture
def records(db, ward, unit_service):
    """Three teams and their cases, counted by hand in the tests below.

    Team 1 (Tổ dân phố số 1): leader Nguyễn Văn Hòa, Trần Thị Bích, Lê Quang Minh.
    Team 2 (Tổ dân phố số 2): leader Phạm Văn Tư, Đỗ Văn Năm (short of a woman and a mediator).
    Team 3 (Tổ dân phố số 3, retired in June 2026): no mediators, one case in 2026.
    """
    med = MediationService(db)
    area3 = unit_service.add_area("Tổ dân phố số 3")
    med.ensure_teams()
    t1, t2, t3 = (row.id for row in med.list_teams())

    def team(team_id, people, **cover):
        data = med.get_team(team_id)
        data.mediators = [MediatorData(n, sex, is_leader=i == 0, birth_year=y)
                          for i, (n, sex, y) in enumerate(people)]
        for k, v in cover.items():
            setattr(data, k, v)
        med.save_team(data, today=TODAY)
        return {m.full_name: m.id for m in med.get_team(team_id).mediators}

    m1 = team(t1, [("Nguyễn Văn Hòa", Sex.MALE, 1958), ("Trần Thị Bích", Sex.FEMALE, 1965),
                   ("Lê Quang Minh", Sex.MALE, 1970)],
              book_number="01", book_opened_on=date(2025, 1, 2))
    m2 = team(t2, [("Phạm Văn Tư", Sex.MALE, 1960), ("Đỗ Văn Năm", Sex.MALE, 1972)])

    def case(team_id, received, case_type, status=S.IN_PROGRESS, closed=None, who=(),
             origin=CaseOrigin.PARTY_REQUEST, agreement="", **kw):
        if status is S.SUCCEEDED and not agreement:
            agreement = "Hai bên thống nhất tự tháo dỡ, trả lại hiện trạng."
        return med.save(CaseData(
            team_id=team_id, received_on=received, origin=origin, case_type=case_type,
            content=f"Vụ việc {case_type.short.lower()} nhận ngày {received:%d/%m/%Y}",
            parties=kw.pop("parties", [PartyData("Hoàng Văn Khải", birth_year=1971,
                                                 address="số 3, ngõ 5, phố Hàng Bạc"),
                                       PartyData("Vũ Thị Lan", age=50)]),
            mediator_ids=list(who), status=status, closed_on=closed, agreement=agreement,
            **kw), today=TODAY)

    ids = {
        # 2025, closed only in January 2026: in progress at the end of 2025
        "c0": case(t1, date(2025, 12, 20), T.EVERYDAY, S.SUCCEEDED, date(2026, 1, 3),
                   [m1["Lê Quang Minh"]]),
        "c1": case(t1, date(2026, 1, 5), T.EVERYDAY, S.SUCCEEDED, date(2026, 1, 8),
                   [m1["Trần Thị Bích"], m1["Nguyễn Văn Hòa"]], compliance=Compliance.DONE,
                   invited="Ông Trần Văn Bảo, Bí thư chi bộ", started_on=date(2026, 1, 6)),
        "c2": case(t1, date(2026, 2, 10), T.LAND, S.FAILED, date(2026, 2, 20),
                   [m1["Lê Quang Minh"]],
                   agreement="Ông Khải đòi lại 0,5 m đất; bà Lan không đồng ý."),
        "c3": case(t1, date(2026, 3, 1), T.FAMILY, S.SUCCEEDED, date(2026, 3, 3),
                   [m1["Trần Thị Bích"]]),
        "c4": case(t1, date(2026, 4, 1), T.CIVIL, S.STOPPED, date(2026, 4, 2)),
        "c5": case(t1, date(2026, 10, 1), T.EVERYDAY, origin=CaseOrigin.ASSIGNED),
        "d1": case(t2, date(2026, 5, 5), T.MINOR_VIOLATION, S.REFERRED, date(2026, 5, 20),
                   [m2["Phạm Văn Tư"]]),
        "d2": case(t2, date(2026, 6, 1), T.FAMILY, S.SUCCEEDED, date(2026, 6, 3),
                   [m2["Phạm Văn Tư"], m2["Đỗ Văn Năm"]]),
        "e1": case(t3, date(2026, 1, 15), T.OTHER, parties=[PartyData("Lý Văn Sơn")]),
    }
    unit_service.retire_area(area3, date(2026, 6, 30))
    return {"teams": (t1, t2, t3), "m1": m1, "m2": m2, **ids}


def _outcomes(row):
    return (row.received, row.succeeded, row.failed, row.stopped, row.referred,
            row.in_progress)


def test_year_outcomes_against_hand_counts(db, records):
    year = MediationStats(db).year_outcomes(2026, today=TODAY)
    assert year.cutoff == TODAY
    assert [r.label for r in year.teams] == ["Tổ hòa giải Tổ dân phố số 1",
                                             "Tổ hòa giải Tổ dân phố số 2",
                                             "Tổ hòa giải Tổ dân phố số 3"]
    one, two, three = year.teams
    assert _outcomes(one) == (5, 2, 1, 1, 0, 1)
    assert one.by_type == {T.EVERYDAY: 2, T.CIVIL: 1, T.LAND: 1, T.FAMILY: 1,
                           T.MINOR_VIOLATION: 0, T.OTHER: 0}
    assert _outcomes(two) == (2, 1, 0, 0, 1, 0)
    assert _outcomes(three) == (1, 0, 0, 0, 0, 1)
    assert _outcomes(year.total) == (8, 3, 1, 1, 1, 2)
    assert list(year.total.by_type.values()) == [2, 1, 1, 2, 1, 1]
    assert _outcomes(year.by_type[T.FAMILY]) == (2, 2, 0, 0, 0, 0)
    assert _outcomes(year.by_type[T.EVERYDAY]) == (2, 1, 0, 0, 0, 1)
    assert sum(r.received for r in year.by_type.values()) == 8
    assert year.total.success_rate == pytest.approx(37.5)
    assert (year.team_count, year.mediators, year.women) == (2, 5, 1)


def test_outcomes_as_they_stood_at_the_year_end(db, records):
    stats = MediationStats(db)
    last = stats.year_outcomes(2025, today=TODAY)
    assert last.cutoff == date(2025, 12, 31)
    # the retired area's team received nothing in 2025: left out
    assert [r.label for r in last.teams] == ["Tổ hòa giải Tổ dân phố số 1",
                                             "Tổ hòa giải Tổ dân phố số 2"]
    assert _outcomes(last.teams[0]) == (1, 0, 0, 0, 0, 1)  # closed on 03/01/2026
    assert _outcomes(last.total) == (1, 0, 0, 0, 0, 1)
    assert last.closed_later == 1  # the form's note: closed in January, counted in progress
    assert stats.year_outcomes(2026, today=TODAY).closed_later == 0
    # early in 2026, the February failure was still being mediated
    early = stats.year_outcomes(2026, today=date(2026, 2, 15))
    assert _outcomes(early.teams[0]) == (2, 1, 0, 0, 0, 1)


def test_book_part_one_and_two(db, records):
    t1 = records["teams"][0]
    book = MediationStats(db).book(t1, 2026, today=TODAY)
    assert (book.team_name, book.area_name, book.book_number, book.opened_on, book.leader) == (
        "Tổ hòa giải Tổ dân phố số 1", "Tổ dân phố số 1", "01", date(2025, 1, 2),
        "Nguyễn Văn Hòa")
    # one continuous book opened on 02/01/2025: c0 (20/12/2025) is its case 1
    assert [e.number for e in book.entries] == [2, 3, 4, 5, 6]
    assert (book.earlier, book.later) == (1, 0)
    assert [e.received_on for e in book.entries] == [
        date(2026, 1, 5), date(2026, 2, 10), date(2026, 3, 1), date(2026, 4, 1),
        date(2026, 10, 1)]
    first = book.entries[0]
    assert first.mediators == ("Hòa giải viên: Nguyễn Văn Hòa, Trần Thị Bích\n"
                               "Người được mời: Ông Trần Văn Bảo, Bí thư chi bộ")
    assert first.parties == ("Hoàng Văn Khải, 55 tuổi, số 3, ngõ 5, phố Hàng Bạc",
                             "Vũ Thị Lan, 50 tuổi")
    assert first.succeeded and not first.failed
    assert first.notes == ""  # only the note typed for the case; none was
    assert book.entries[1].failed and book.entries[1].agreement.startswith("Ông Khải đòi")
    assert book.entries[3].notes == "" and book.entries[3].status is S.STOPPED
    assert book.entries[4].notes == ""  # late by the 3-day rule: the book never says so
    # Part II: the leader first; a case with two mediators counts for each of them
    summary = [(m.name, m.total, m.succeeded, m.failed, m.note) for m in book.mediators]
    assert summary == [("Nguyễn Văn Hòa", 1, 1, 0, "Tổ trưởng"),
                       ("Trần Thị Bích", 2, 2, 0, ""),
                       ("Lê Quang Minh", 1, 0, 1, ""),
                       ("Chưa ghi hòa giải viên", 2, 0, 0, "")]
    assert book.mediators[1].by_type[T.FAMILY] == 1
    assert (book.total.total, book.total.succeeded, book.total.failed) == (5, 2, 1)
    assert list(book.total.by_type.values()) == [2, 1, 1, 1, 0, 0]


def test_book_of_a_quiet_year_lists_the_team(db, records):
    t2 = records["teams"][1]
    book = MediationStats(db).book(t2, 2024, today=TODAY)
    assert book.entries == [] and book.total.total == 0
    assert [m.name for m in book.mediators] == ["Phạm Văn Tư", "Đỗ Văn Năm"]
    stats = MediationStats(db)
    assert stats.book_teams(2026) == list(records["teams"])
    assert stats.book_teams(2025) == list(records["teams"][:2])


def test_mediator_who_left_before_the_year_is_not_in_part_two(db, records):
    med = MediationService(db)
    t1 = records["teams"][0]
    data = med.get_team(t1)
    data.mediators[2].left_on = date(2026, 12, 1)
    med.save_team(data, today=date(2026, 12, 2))
    assert [m.name for m in MediationStats(db).book(t1, 2027, today=date(2027, 3, 1)).mediators
            ] == ["Nguyễn Văn Hòa", "Trần Thị Bích"]
    row = MediationStats(db).book(t1, 2026, today=date(2027, 3, 1)).mediators[2]
    assert (row.name, row.note) == ("Lê Quang Minh", "Thôi làm hòa giải viên từ 01/12/2026")
    assert isinstance(data, TeamData)
