"""Households list and search at ward scale, measured through the real window.

    python bench/bench_households.py [--households 100000] [--db bench/data/bench-100000.db]

Builds (once) a demo ward of N households with the demo generator, then measures
1. the time from creating the main window to its households list painted with rows;
2. search latency as the user sees it: the search box's query run, the list reset and the visible
   rows fetched and painted — for names typed with and without diacritics, ID numbers, phones and
   addresses — beside the same search as one raw SQL query through sqlite3, and their ratio.
Prints a Markdown block for docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from antq_desktop.db.engine import open_database  # noqa: E402
from antq_desktop.services.demo import generate  # noqa: E402
from antq_desktop.text import fold, like_escape, lower  # noqa: E402


def build(path: Path, households: int) -> float | None:
    if path.exists():
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    db = open_database(f"sqlite:///{path}")
    start = time.perf_counter()
    generate(db, households=households, seed=2026)
    elapsed = time.perf_counter() - start
    db.dispose()
    return elapsed


def pick_queries(path: Path, n: int = 60) -> list[tuple[str, str]]:
    """(kind, text) pairs drawn from the data, as an officer would type them."""
    con = sqlite3.connect(path)
    rng = random.Random(7)
    total = con.execute("select max(id) from resident").fetchone()[0]
    rows = []
    while len(rows) < n:
        r = con.execute("select r.full_name, r.id_number, r.phone, h.address from resident r "
                        "join household h on h.id = r.household_id where r.id = ? and "
                        "r.moved_out_on is null and h.moved_out_on is null",
                        (rng.randint(1, total),)).fetchone()
        if r:
            rows.append(r)
    con.close()
    queries = []
    for i, (name, number, phone, address) in enumerate(rows):
        kind = i % 6
        if kind == 0:
            queries.append(("tên đủ, có dấu", name))
        elif kind == 1:
            queries.append(("tên đủ, không dấu", fold(name)))
        elif kind == 2:
            parts = fold(name).split()
            queries.append(("họ + tên lót, không dấu", " ".join(parts[:2])))
        elif kind == 3:
            queries.append(("số định danh", number or fold(name)))
        elif kind == 4:
            queries.append(("điện thoại", phone or fold(name)))
        else:
            queries.append(("địa chỉ", fold(address)[:18]))
    return queries


def raw_search(con: sqlite3.Connection, text: str) -> list[int]:
    """The app's search as one hand-written query: trigram FTS5 match, exact spelling first."""
    folded, exact = fold(text), lower(text)
    phrase = '"' + folded.replace('"', '""') + '"'
    if exact != folded:
        sql = ("select h.id from household h join household_search s on s.household_id = h.id "
               "where h.moved_out_on is null and h.id in (select rowid from household_fts where "
               "household_fts match ?) order by case when s.lower like ? escape '\\' then 0 "
               "else 1 end, h.code")
        args = (phrase, f"%{like_escape(exact)}%")
    else:
        sql = ("select h.id from household h where h.moved_out_on is null and h.id in "
               "(select rowid from household_fts where household_fts match ?) order by h.code")
        args = (phrase,)
    return [r[0] for r in con.execute(sql, args)]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    path = args.db or ROOT / "bench" / "data" / f"bench-{args.households}.db"
    built = build(path, args.households)

    from PySide6.QtWidgets import QApplication

    from antq_desktop.ui.app import make_app
    from antq_desktop.ui.main_window import MainWindow

    app = make_app(["bench"])
    app.setOrganizationName("ANTQ-bench")
    db = open_database(f"sqlite:///{path}")

    start = time.perf_counter()
    window = MainWindow(db)
    window.show()
    QApplication.processEvents()
    shown = time.perf_counter() - start
    window.show_tab(window.households_tab)  # Tổng quan comes first: the tab's first read
    window.households_tab.table.viewport().grab()  # paint the visible rows
    painted = time.perf_counter() - start
    counts = window.households.counts()

    tab = window.households_tab
    queries = pick_queries(path)
    ui_times: list[float] = []
    by_kind: dict[str, list[float]] = {}
    hits = []
    for kind, text in queries:
        t0 = time.perf_counter()
        tab.search.setText(text)
        tab.search.flush()  # what the debounce timer does 200 ms after the last key
        tab.table.viewport().grab()
        elapsed = (time.perf_counter() - t0) * 1000
        ui_times.append(elapsed)
        by_kind.setdefault(kind, []).append(elapsed)
        hits.append(tab.model.rowCount())

    con = sqlite3.connect(path)
    con.execute("pragma cache_size=-65536")  # the same pragmas as the app's connections
    con.execute("pragma mmap_size=268435456")
    raw_times = []
    for _kind, text in queries:
        t0 = time.perf_counter()
        raw_search(con, text)
        raw_times.append((time.perf_counter() - t0) * 1000)
    con.close()

    p95_ui, p95_raw = pct(ui_times, 0.95), pct(raw_times, 0.95)
    print(f"### Households: {counts.households:,} households, {counts.residents:,} residents")
    print(f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, {platform.system()} {platform.release()}")
    if built is not None:
        print(f"- demo generation: {built:.1f} s")
    print(f"- main window shown: {shown * 1000:.0f} ms; households list painted: "
          f"{painted * 1000:.0f} ms after the window was created")
    print(f"- search through the window ({len(queries)} queries, result sizes "
          f"{min(hits)}–{max(hits)} rows): p50 {statistics.median(ui_times):.1f} ms, "
          f"p95 {p95_ui:.1f} ms, max {max(ui_times):.1f} ms")
    print(f"- same search as one raw SQL query (sqlite3): p50 {statistics.median(raw_times):.1f} "
          f"ms, p95 {p95_raw:.1f} ms")
    print(f"- ratio app/raw at p95: {p95_ui / p95_raw:.2f}")
    print("\n| query kind | n | p50 ms | max ms |\n|---|---|---|---|")
    for kind, values in by_kind.items():
        print(f"| {kind} | {len(values)} | {statistics.median(values):.1f} | {max(values):.1f} |")
    window.close()
    db.dispose()


if __name__ == "__main__":
    main()
