"""The lists' change poll (issue 18, services/changes.py) at ward scale: what the main window's
timer costs every few seconds, beside a raw ``SELECT 1`` on the same driver, as a ratio.

    python bench/bench_change_poll.py [--households 100000] [--entries 500000] [--runs 3000]
    python bench/bench_change_poll.py --url postgresql+psycopg2://antq:…@localhost/antq_poll

Builds (once) a demo ward of N households with the demo generator (SQLite:
bench/data/bench-poll-<N>.db; a PostgreSQL database given by --url must be empty) and adds
``--entries`` audit entries (a year or more of an office's saves), then measures
1. *poll, nothing changed*: ``ChangeWatch.poll()`` as the timer calls it: a pooled connection
   and ``SELECT max(audit_entry.id)``; this is every tick but the rare one after a save;
2. *poll after another session's save*: the same after a second ``Database`` on the same data
   saved a household (the save not timed): the counter, the entries since the last poll (a
   primary-key range) and who made them;
3. *raw SELECT 1*: the driver's own cursor on a raw connection, the floor of any query;
4. *raw max(id)*: the poll's query through that raw cursor;
5. with ``--window``: the main window's tick after another session's save, the households list
   shown (offscreen Qt): the poll, the list read again keeping selection and scroll, and the
   status bar's counts — what an officer's screen spends when a colleague saves.
Prints the query plan and a Markdown block for docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from antq_desktop.access import CurrentUser, Role  # noqa: E402
from antq_desktop.db.engine import open_database  # noqa: E402
from antq_desktop.db.models import AuditEntry, Household  # noqa: E402
from antq_desktop.db.models.base import utc_now  # noqa: E402
from antq_desktop.services.changes import ChangeWatch  # noqa: E402
from antq_desktop.services.demo import generate  # noqa: E402
from antq_desktop.services.households import HouseholdService  # noqa: E402


def build(url: str, households: int, entries: int) -> list[str]:
    """The ward and the trail, once; what was built, for the report."""
    notes = []
    db = open_database(url)
    try:
        with db.session() as s:
            have = s.scalar(select(func.count()).select_from(Household))
            trail = s.scalar(select(func.count()).select_from(AuditEntry))
        if not have:
            start = time.perf_counter()
            generate(db, households=households, seed=2026)
            notes.append(f"demo ward of {households:,} households built in "
                         f"{time.perf_counter() - start:.0f} s")
        if trail < entries:
            start = time.perf_counter()
            at = utc_now() - timedelta(days=400)
            batch = []
            for i in range(entries - trail):
                batch.append({"at": at + timedelta(seconds=60 * i), "actor": f"canbo{i % 7}",
                              "action": "update", "kind": "household",
                              "record_id": 1 + i % households, "area_id": None,
                              "detail": '{"address":["a","b"]}', "prev_hash": "", "hash": ""})
                if len(batch) == 10_000:
                    with db.engine.begin() as conn:
                        conn.execute(insert(AuditEntry.__table__), batch)
                    batch = []
            if batch:
                with db.engine.begin() as conn:
                    conn.execute(insert(AuditEntry.__table__), batch)
            notes.append(f"{entries - trail:,} audit entries added in "
                         f"{time.perf_counter() - start:.0f} s")
    finally:
        db.dispose()
    return notes


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def p95(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95) - 1]


def window_ticks(db, svc, homes: int, n: int) -> list[float]:
    """The main window's tick (``poll_changes``) after another session saved a household."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from antq_desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow(db)
    window.changes_timer.stop()  # driven here
    window.resize(1366, 768)
    window.show()
    window.show_tab(window.households_tab)
    tab = window.households_tab
    tab.table.selectRow(500)
    app.processEvents()
    out = []
    for i in range(n):
        hid = 1 + (i * 104729) % homes
        svc.save(replace(svc.get(hid), notes=f"window bench {time.time_ns()}"))
        start = time.perf_counter()
        window.poll_changes()
        tab.table.viewport().grab()  # the visible rows fetched and painted
        out.append(time.perf_counter() - start)
        assert not tab.stale
    window.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=3000)
    parser.add_argument("--saves", type=int, default=100)
    parser.add_argument("--url", help="a PostgreSQL URL (default: a SQLite file in bench/data)")
    parser.add_argument("--window", type=int, default=0, metavar="N",
                        help="also time N ticks of the main window after another's save")
    args = parser.parse_args()
    if args.url:
        url = args.url
    else:
        path = ROOT / "bench" / "data" / f"bench-poll-{args.households}.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{path}"
    notes = build(url, args.households, args.entries)

    db = open_database(url)
    other = open_database(url)
    other.user = CurrentUser(id=None, name="canbo2", display_name="Cán bộ hai", role=Role.CLERK)
    try:
        watch = ChangeWatch(db)
        raw = db.engine.raw_connection()
        cur = raw.cursor()

        def select_1():
            cur.execute("SELECT 1")
            cur.fetchall()

        def raw_max():
            cur.execute("SELECT max(id) FROM audit_entry")
            cur.fetchall()

        def layer_1():  # what any query through the engine costs (pool, result)
            with db.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1").all()

        explain = ("EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN ") + \
            "SELECT max(id) FROM audit_entry"
        cur.execute(explain)
        plan = [str(row[-1]).strip() for row in cur.fetchall()]
        with db.engine.connect() as conn:
            total = conn.scalar(select(func.count()).select_from(AuditEntry))
            homes = conn.scalar(select(func.count()).select_from(Household))
        measured = {"poll": watch.poll, "select_1": select_1, "raw_max": raw_max,
                    "layer_1": layer_1}
        for fn in measured.values():  # warm
            timed(fn, 200)
        results: dict[str, list[float]] = {key: [] for key in measured}
        for _round in range(3):  # interleaved, so the machine's load falls on all alike
            for key, fn in measured.items():
                results[key] += timed(fn, args.runs // 3)
        svc = HouseholdService(other)
        ids = [1 + (i * 7919) % homes for i in range(args.saves)]
        changed = []
        for hid in ids:
            data = svc.get(hid)
            svc.save(replace(data, notes=f"poll bench {time.time_ns()}"))
            start = time.perf_counter()
            seen = watch.poll()
            changed.append(time.perf_counter() - start)
            assert seen is not None and seen.concerns("household")
        assert watch.poll() is None
        cur.close()
        raw.close()
        watch.close()
        ticks = window_ticks(db, svc, homes, args.window) if args.window else []
    finally:
        other.dispose()
        db.dispose()

    def ms(values):
        return f"{statistics.median(values) * 1000:.3f} ms"

    def p95ms(values):
        return f"{p95(values) * 1000:.3f} ms"

    floor = statistics.median(results["select_1"])
    kind = "SQLite (WAL)" if url.startswith("sqlite") else "PostgreSQL"
    print(f"#### Change poll, {kind}: {homes:,} households, {total:,} audit entries\n")
    print(f"`python bench/bench_change_poll.py --households {args.households} --entries "
          f"{args.entries} --runs {args.runs}{f' --window {args.window}' if args.window else ''}"
          f"{' --url …' if args.url else ''}` "
          f"({platform.machine()}, Python {platform.python_version()})\n")
    for note in notes:
        print(f"- {note}")
    print(f"- plan of the poll's query: {' / '.join(plan)}\n")
    print("| measure | median | p95 | ratio to raw SELECT 1 (median) |")
    print("|---|---|---|---|")
    rows = [("poll, nothing changed (`ChangeWatch.poll`)", results["poll"]),
            (f"poll after another session's save ({len(changed)} saves)", changed),
            ("raw `SELECT max(id) FROM audit_entry`", results["raw_max"]),
            ("`SELECT 1` through the engine (pooled connection)", results["layer_1"]),
            ("raw `SELECT 1`", results["select_1"])]
    if ticks:
        rows.append((f"window tick after another's save, households list shown "
                     f"({len(ticks)})", ticks))
    for name, values in rows:
        print(f"| {name} | {ms(values)} | {p95ms(values)} | "
              f"{statistics.median(values) / floor:.1f} |")


if __name__ == "__main__":
    main()
