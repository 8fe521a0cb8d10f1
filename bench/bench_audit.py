"""The audit trail's cost (issue 15): a household save and a 10,000-household import, each
measured with and without the trail in the same run (the trail's session events removed for
the "without" runs), reported as a ratio.

    python bench/bench_audit.py [--households 2000] [--new 10000] [--saves 200]

The ward is built with the demo generator (bench/data/bench-audit-<N>.db, once); the import
workbook is bench_import.py's office list. Prints a Markdown block for docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import event  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from antq_desktop.db.engine import open_database  # noqa: E402
from antq_desktop.importing.columns import HOUSEHOLDS  # noqa: E402
from antq_desktop.importing.reader import read_table  # noqa: E402
from antq_desktop.importing.service import Options, run_import  # noqa: E402
from antq_desktop.services import audit  # noqa: E402
from antq_desktop.services.households import HouseholdService  # noqa: E402
from bench_import import build_ward, build_workbook  # noqa: E402

TODAY = date(2026, 6, 1)
LISTENERS = (("after_flush", audit._after_flush), ("before_flush", audit._before_flush))


def trail(on: bool) -> None:
    for name, fn in LISTENERS:
        if on and not event.contains(Session, name, fn):
            event.listen(Session, name, fn)
        elif not on and event.contains(Session, name, fn):
            event.remove(Session, name, fn)


def saves(db, ids: list[int], n: int, on: bool) -> list[float]:
    trail(on)
    svc = HouseholdService(db)
    out = []
    for i in range(n):
        data = svc.get(ids[i % len(ids)])
        changed = replace(data, address=f"{i} phố Đo Thời Gian")
        start = time.perf_counter()
        svc.save(changed)
        out.append(time.perf_counter() - start)
    trail(True)
    return out


def one_import(ward: Path, book: Path, on: bool, work: Path) -> float:
    copy = work / f"import-{'on' if on else 'off'}.db"
    shutil.copyfile(ward, copy)
    db = open_database(f"sqlite:///{copy}")
    table = read_table(book, HOUSEHOLDS)
    trail(on)
    try:
        start = time.perf_counter()
        report = run_import(db, HOUSEHOLDS, table, Options(backup=False))
        took = time.perf_counter() - start
    finally:
        trail(True)
        db.dispose()
    assert report.written, report.lines()
    return took


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=2000)
    ap.add_argument("--new", type=int, default=10_000)
    ap.add_argument("--saves", type=int, default=200)
    args = ap.parse_args()
    data = ROOT / "bench" / "data"
    ward = data / f"bench-audit-{args.households}.db"
    build_ward(ward, args.households)
    book = data / f"audit-import-{args.new}.xlsx"
    if not book.exists():
        build_workbook(book, ward, args.new)
    work = data / "audit-work"
    work.mkdir(exist_ok=True)
    copy = work / "saves.db"
    shutil.copyfile(ward, copy)
    db = open_database(f"sqlite:///{copy}")
    svc = HouseholdService(db)
    ids = svc.query_ids()[:50]
    on, off = [], []
    for _round in range(3):  # interleaved, so that drift hits both alike
        off += saves(db, ids, args.saves // 3, False)
        on += saves(db, ids, args.saves // 3, True)
    db.dispose()
    imp_off = min(one_import(ward, book, False, work) for _ in range(2))
    imp_on = min(one_import(ward, book, True, work) for _ in range(2))
    shutil.rmtree(work, ignore_errors=True)
    m_off, m_on = statistics.median(off), statistics.median(on)
    print(f"Result, {date.today():%Y-%m-%d}, {platform.machine()}, Python "
          f"{platform.python_version()}, ward of {args.households:,} demo households:\n")
    print("| measure | without trail | with trail | ratio |")
    print("|---|---|---|---|")
    print(f"| household save (4 members), median of {len(on)} | {m_off * 1000:.1f} ms | "
          f"{m_on * 1000:.1f} ms | {m_on / m_off:.2f} |")
    print(f"| import of {args.new:,} households ({args.new * 4:,} rows), best of 2 | "
          f"{imp_off:.1f} s | {imp_on:.1f} s | {imp_on / imp_off:.2f} |")


if __name__ == "__main__":
    main()
