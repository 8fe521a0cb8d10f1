from datetime import date

from antq_desktop.enums import Classification, Regime
from antq_desktop.regimes import REGIMES, DueState, Period, add_months, next_due


def test_periods():
    q = Period.containing(date(2026, 5, 20), 3)
    assert (q.year, q.number, q.first_day, q.last_day) == (2026, 2, date(2026, 4, 1),
                                                           date(2026, 6, 30))
    assert q.label == "Quý II/2026"
    assert Period(2026, 4, 3).next() == Period(2027, 1, 3)
    m = Period.containing(date(2024, 2, 10), 1)
    assert m.last_day == date(2024, 2, 29) and m.label == "Tháng 02/2024"
    assert Period(2026, 12, 1).next() == Period(2027, 1, 1)


def test_classes_per_regime():
    assert REGIMES[Regime.REINTEGRATION].classes[0] is Classification.A
    assert Classification.A not in REGIMES[Regime.DRUG_USER].classes
    assert all(Classification.RELAPSE in REGIMES[r].classes for r in Regime
               if r is not Regime.REINTEGRATION)
    assert REGIMES[Regime.REINTEGRATION].months_per_period == 3
    assert REGIMES[Regime.SUSPENDED].months_per_period == 1


def test_due_dates_follow_the_cycle():
    # quarterly: started in May, nothing evaluated → Q2 due 05/07
    due = next_due(Regime.REINTEGRATION, date(2026, 5, 20), None, date(2026, 6, 1))
    assert (due.period, due.due_on, due.state) == (Period(2026, 2, 3), date(2026, 7, 5),
                                                   DueState.NOT_DUE)
    assert next_due(Regime.REINTEGRATION, date(2026, 5, 20), None, date(2026, 7, 3)).state == \
        DueState.DUE
    assert next_due(Regime.REINTEGRATION, date(2026, 5, 20), None, date(2026, 7, 6)).state == \
        DueState.OVERDUE
    # after Q2 was evaluated, Q3 is next, due 05/10
    due = next_due(Regime.REINTEGRATION, date(2026, 5, 20), Period(2026, 2, 3), date(2026, 7, 6))
    assert (due.period, due.due_on, due.state) == (Period(2026, 3, 3), date(2026, 10, 5),
                                                   DueState.NOT_DUE)
    # monthly: December evaluated → January next year, due 05/02
    due = next_due(Regime.DRUG_USER, date(2025, 3, 1), Period(2025, 12, 1), date(2026, 2, 6))
    assert (due.period, due.due_on, due.state) == (Period(2026, 1, 1), date(2026, 2, 5),
                                                   DueState.OVERDUE)
    assert "Quá hạn" in due.label and "Tháng 01/2026" in due.label
    assert next_due(Regime.DRUG_USER, date(2025, 3, 1), None, date(2026, 2, 6),
                    closed_on=date(2025, 9, 1)).state == DueState.CLOSED


def test_add_months():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
