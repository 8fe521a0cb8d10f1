"""The demo ward's movement activities: every kind in both years, records that pass the
service's own rules, firecrackers around Tết."""

import random
from collections import Counter
from datetime import date, timedelta

import pytest

from antq_desktop.db.engine import open_database
from antq_desktop.enums import WeaponKind
from antq_desktop.services.activities import ActivityService, Kind, activity_errors
from antq_desktop.services.demo import generate
from antq_desktop.services.demo_activities import (
    TET,
    WINDOW_DAYS,
    add_activities,
    demo_records,
)
from antq_desktop.text import fold

TODAY = date(2026, 5, 20)  # the day the demo is made for (the tests do not read the clock)
DATE_OF = {Kind.TIP: "received_on", Kind.MODEL: "started_on", Kind.PATROL: "held_on",
           Kind.OUTREACH: "held_on", Kind.WEAPON: "received_on", Kind.AWARD: "awarded_on"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One small demo ward for the module (SQLite: these tests read only)."""
    db = open_database(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    summary = generate(db, households=400, seed=7, today=TODAY)
    yield ActivityService(db), summary
    db.dispose()


def test_every_kind_in_last_year_and_this_year(demo):
    acts, summary = demo
    for year in (TODAY.year - 1, TODAY.year):
        counts = acts.counts(year)
        assert all(counts[kind] > 0 for kind in Kind), (year, counts)
    assert summary.activities == sum(len(acts.rows(kind)) for kind in Kind)
    assert f"{summary.activities:,}".replace(",", ".") + " hoạt động phong trào" in (
        summary.describe())


def test_records_pass_the_service_rules_and_stay_in_the_window(demo):
    acts, _summary = demo
    first = TODAY - timedelta(days=WINDOW_DAYS)
    for kind in Kind:
        for row in acts.rows(kind):
            data = acts.get(kind, row.id)
            assert activity_errors(kind, data, TODAY) == [], (kind, data)
            if kind is not Kind.MODEL:  # models may have started years ago
                assert first <= getattr(data, DATE_OF[kind]) <= TODAY


def test_realistic_mix(demo):
    acts, summary = demo
    tips = acts.rows(Kind.TIP)
    assert len({t.content for t in tips}) > 5 and "{" not in "".join(t.content for t in tips)
    assert sum(t.valuable for t in tips) >= len(tips) // 3
    assert any(t.persons for t in tips)  # arrests or surrenders
    areas = {r.area_name for r in acts.rows(Kind.PATROL)}
    assert len(areas) == summary.areas + 1  # every area, and the ward's own peak patrols
    models = acts.rows(Kind.MODEL)
    assert any(m.ended_on for m in models) and sum(m.active for m in models) >= 3
    kept = Counter((m.area_name, fold(m.name)) for m in models if m.active)
    assert max(kept.values()) == 1  # never one model typed twice
    awards = acts.rows(Kind.AWARD)
    assert any(a.collective for a in awards) and any(not a.collective for a in awards)
    assert any(a.awarded_on.year == TODAY.year - 1 and a.awarded_on.month == 12 for a in awards)


def test_firecrackers_in_kg_around_tet(demo):
    acts, _summary = demo
    first = TODAY - timedelta(days=WINDOW_DAYS)
    if not any(first <= t + timedelta(days=10) and t - timedelta(days=40) <= TODAY
               for t in TET.values()):
        pytest.skip("no Tết in the demo's window")
    firecrackers = [w for w in acts.rows(Kind.WEAPON) if w.kind is WeaponKind.FIRECRACKER]
    assert firecrackers and all(w.unit == "kg" for w in firecrackers)
    for w in firecrackers:
        assert any(-40 <= (w.received_on - t).days <= 10 for t in TET.values())
    assert acts.rows(Kind.WEAPON, search="phao")  # the search text was written


@pytest.mark.parametrize("today", [date(2026, 1, 1), date(2026, 2, 17), date(2026, 8, 18),
                                   date(2026, 8, 19), date(2026, 12, 31)])
def test_both_years_whatever_the_day(db, ward, today):
    """On New Year's Day as on New Year's Eve, each kind has a record in each year."""
    with db.session() as s:
        records = demo_records(s, random.Random(3), 2000, today)
    for kind, items in records.items():
        years = Counter(getattr(d, DATE_OF[kind]).year for d in items)
        assert years[today.year - 1] and years[today.year], (kind, years)
        assert all(activity_errors(kind, d, today) == [] for d in items), kind


def test_written_in_the_callers_transaction_and_scaled(db, ward):
    acts = ActivityService(db)
    with db.session.begin() as s:
        small = add_activities(s, random.Random(1), 500, TODAY)
    counts = acts.counts()
    assert small == sum(counts.values())
    with db.session() as s:
        big = demo_records(s, random.Random(1), 8000, TODAY)
    assert len(big[Kind.TIP]) > 3 * counts[Kind.TIP]
    with db.session() as s:
        again = demo_records(s, random.Random(1), 500, TODAY)
    assert sum(len(v) for v in again.values()) == small  # the seed decides everything
