"""The duplicate-people scan and the while-typing match at ward scale.

    python bench/bench_duplicates.py [--households 100000] [--db bench/data/bench-100000.db]
                                     [--runs 3]

Builds (once, with the demo generator, as bench_households.py does) a ward of N households
(100,000 → ~390,000 residents), then measures
1. ``services.duplicates.scan`` over the whole ward (the three rules grouped in SQL, the pairs
   built and scored in Python), median of ``--runs``, beside the same three grouped queries
   written by hand and read with sqlite3 (the floor), and their ratio;
2. ``probable_matches`` as the dialogs call it after a typing pause (name + birth date + ID
   number) for 200 residents drawn from the data: p50 / p95.
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
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from antq_desktop.db.engine import open_database
from antq_desktop.services.demo import generate
from antq_desktop.services.duplicates import probable_matches, scan

RAW = [
    # same ID number
    ("select r.id, r.full_name, r.birth_date, r.sex, r.id_number, r.household_id, h.code, "
    "h.address, h.area_id, a.name, r.relation, r.moved_out_on, r.name_folded from resident r "
    "join household h on h.id = r.household_id join area a on a.id = h.area_id join "
    "(select id_number from resident where merged_into_id is null and id_number is not null "
    "group by id_number having count(*) > 1) k on k.id_number = r.id_number "
    "where r.merged_into_id is null"),
    # same folded name + birth date
    ("select r.id, r.full_name, r.birth_date, r.sex, r.id_number, r.household_id, h.code, "
    "h.address, h.area_id, a.name, r.relation, r.moved_out_on, r.name_folded from resident r "
    "join household h on h.id = r.household_id join area a on a.id = h.area_id join "
    "(select name_folded, birth_date from resident where merged_into_id is null "
    "group by name_folded, birth_date having count(*) > 1) k "
    "on k.name_folded = r.name_folded and k.birth_date = r.birth_date "
    "where r.merged_into_id is null"),
    # same folded name + birth year + area
    ("select r.id, r.full_name, r.birth_date, r.sex, r.id_number, r.household_id, h.code, "
    "h.address, h.area_id, a.name, r.relation, r.moved_out_on, r.name_folded from resident r "
    "join household h on h.id = r.household_id join area a on a.id = h.area_id join "
    "(select r2.name_folded, h2.area_id, cast(strftime('%Y', r2.birth_date) as integer) born "
    "from resident r2 join household h2 on h2.id = r2.household_id "
    "where r2.merged_into_id is null group by 1, 2, 3 having count(*) > 1) k "
    "on k.name_folded = r.name_folded and k.area_id = h.area_id "
    "and cast(strftime('%Y', r.birth_date) as integer) = k.born where r.merged_into_id is null"),
]


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


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    path = args.db or ROOT / "bench" / "data" / f"bench-{args.households}.db"
    built = build(path, args.households)
    db = open_database(f"sqlite:///{path}")  # upgrades an older bench file first

    app_times, pairs = [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        with db.session() as s:
            pairs = scan(s)
        app_times.append(time.perf_counter() - t0)

    con = sqlite3.connect(path)
    con.execute("pragma cache_size=-65536")  # the same pragmas as the app's connections
    con.execute("pragma mmap_size=268435456")
    residents = con.execute("select count(*) from resident").fetchone()[0]
    raw_times, raw_rows = [], 0
    for _ in range(args.runs):
        t0 = time.perf_counter()
        raw_rows = sum(len(con.execute(sql).fetchall()) for sql in RAW)
        raw_times.append(time.perf_counter() - t0)
    rng = random.Random(13)
    total = con.execute("select max(id) from resident").fetchone()[0]
    people = []
    while len(people) < 200:
        row = con.execute("select full_name, birth_date, id_number from resident where id = ?",
                          (rng.randint(1, total),)).fetchone()
        if row:
            people.append(row)
    con.close()

    match_times = []
    with db.session() as s:
        for name, born, number in people:
            t0 = time.perf_counter()
            probable_matches(s, name, date.fromisoformat(born), id_number=number)
            match_times.append((time.perf_counter() - t0) * 1000)
    db.dispose()

    app, raw = statistics.median(app_times), statistics.median(raw_times)
    kinds: dict[tuple, int] = {}
    for p in pairs:
        kinds[p.reasons] = kinds.get(p.reasons, 0) + 1
    print(f"### Duplicate scan: {residents:,} residents, {args.households:,} households")
    print(f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
          f"{platform.system()} {platform.release()}")
    if built is not None:
        print(f"- demo generation: {built:.1f} s")
    print(f"- scan through the service, median of {args.runs}: {app:.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in app_times)}); {len(pairs)} pairs offered")
    print(f"- the three grouped queries by hand (sqlite3), median: {raw:.2f} s, "
          f"{raw_rows:,} member rows")
    print(f"- ratio service / raw SQL: {app / raw:.2f}")
    print(f"- probable_matches (name + birth date + ID), 200 lookups: p50 "
          f"{statistics.median(match_times):.2f} ms, p95 {pct(match_times, 0.95):.2f} ms")
    print("\n| reasons | pairs |\n|---|---|")
    for reasons, n in sorted(kinds.items(), key=lambda kv: -kv[1]):
        print(f"| {' + '.join(reasons)} | {n} |")


if __name__ == "__main__":
    main()
