"""Benchmark: the year-end summary (yearend-summary) exported to .xlsx on a 100,000-household
demo ward, beside writing the same cell values with plain openpyxl (no styles).

    python bench/bench_yearend.py                      # /tmp/yearend100k.db, built if needed
    python bench/bench_yearend.py --db PATH --runs 5

The database is made with the demo generator (``antq-desktop demo``) when it is missing, and made
again when it lacks movement activities or certification records (an older demo), so that every
indicator has real values. Results go to docs/PERFORMANCE.md by hand.
"""

from __future__ import annotations

import argparse
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import Workbook, load_workbook
from openpyxl.xml import LXML
from sqlalchemy import func, select

from antq_desktop.db.engine import open_database
from antq_desktop.db.models import CertRecord, Household, Patrol, Tip
from antq_desktop.reports import registry
from antq_desktop.reports.export import export_xlsx, save_atomically
from antq_desktop.reports.registry import Params
from antq_desktop.services.demo import generate
from antq_desktop.services.indicators import IndicatorService

FORM = "yearend-summary"
TARGET_S = 3.0


def _counts(db) -> dict[str, int]:
    with db.session() as s:
        return {
            "households": s.scalar(select(func.count()).select_from(Household)) or 0,
            "tips": s.scalar(select(func.count()).select_from(Tip)) or 0,
            "patrols": s.scalar(select(func.count()).select_from(Patrol)) or 0,
            "cert_records": s.scalar(select(func.count()).select_from(CertRecord)) or 0,
        }


def ensure_database(path: Path, households: int):
    """Open the demo database, (re)building it when missing or without the newer demo data."""
    url = f"sqlite:///{path}"
    if path.exists():
        db = open_database(url)
        counts = _counts(db)
        if counts["households"] == households and counts["tips"] and counts["cert_records"]:
            return db, counts, None
        db.dispose()
        print(f"{path} lacks activities or certification records, or has another size: "
              "building it again.", flush=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = open_database(url)
    started = time.perf_counter()
    generate(db, households=households)
    built = time.perf_counter() - started
    return db, _counts(db), built


CPU: dict[str, list[float]] = {}


def _timed(fn, name: str | None = None):
    """Wall time of ``fn()``; its process CPU time is kept under ``name`` (less sensitive to
    other programs sharing a 2-core machine than the wall time)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = fn()
    if name:
        CPU.setdefault(name, []).append(time.process_time() - cpu)
    return time.perf_counter() - started, result


def _row(label: str, name: str, times: dict[str, list[float]]) -> str:
    wall = times[name]
    return (f"| {label} | {min(wall):.2f} / {statistics.median(wall):.2f} | "
            f"{statistics.median(CPU[name]):.2f} |")


def bench(db, year: int, runs: int, folder: Path) -> dict:
    form = registry.get(FORM)
    params = Params(year)
    out = folder / "yearend.xlsx"
    plain = folder / "plain.xlsx"
    times: dict[str, list[float]] = {k: [] for k in ("data", "draw", "save", "export", "plain")}
    export_xlsx(db, FORM, params, out)  # warm the page cache and imports once
    for _ in range(runs):
        t_data, _table = _timed(lambda: IndicatorService(db).table(year), "data")
        t_build, wb = _timed(lambda: form.build(db, params), "build")
        t_save, _ = _timed(lambda wb=wb: save_atomically(wb, folder / "parts.xlsx"), "save")
        t_export, _ = _timed(lambda: export_xlsx(db, FORM, params, out), "export")
        CPU.setdefault("draw", []).append(CPU["build"][-1] - CPU["data"][-1])
        times["data"].append(t_data)
        times["draw"].append(t_build - t_data)  # build = data + drawing
        times["save"].append(t_save)
        times["export"].append(t_export)
    # the same cell values, written with plain openpyxl: no styles, merges, heights or setup
    values = [list(row) for row in load_workbook(out, read_only=True).active.iter_rows(
        values_only=True)]
    cells = sum(v is not None for row in values for v in row)
    for _ in range(runs):
        def write_plain():
            wb = Workbook()
            ws = wb.active
            for row in values:
                ws.append(row)
            wb.save(plain)
        times["plain"].append(_timed(write_plain, "plain")[0])
    per_source = []
    table = IndicatorService(db)
    with db.session() as s:
        for ind in table.definitions().indicators:
            t, _ = _timed(lambda ind=ind: ind.values(s, year))
            per_source.append((t, ind.code, ind.source))
    per_source.sort(reverse=True)
    return {"times": times, "rows": len(values), "cells": cells,
            "size_kb": out.stat().st_size // 1024, "sources": per_source[:5]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/yearend100k.db"))
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--year", type=int, default=date.today().year)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    db, counts, built = ensure_database(args.db.resolve(), args.households)
    areas = len(IndicatorService(db).table(args.year).areas)
    with tempfile.TemporaryDirectory(prefix="bench-yearend-") as tmp:
        result = bench(db, args.year, args.runs, Path(tmp))
    db.dispose()
    t = result["times"]
    export_med = statistics.median(t["export"])
    plain_med = statistics.median(t["plain"])
    export_cpu, plain_cpu = statistics.median(CPU["export"]), statistics.median(CPU["plain"])
    print()
    print(f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
          f"{platform.machine()}, {platform.system()} {platform.release()}")
    print(f"{args.db}: {counts['households']:,} households, {areas} residential areas, "
          f"{counts['tips']:,} tips, {counts['patrols']:,} patrols, "
          f"{counts['cert_records']:,} certification records"
          + (f" (demo built in {built:.1f} s)" if built else ""))
    print("openpyxl writes through "
          + ("lxml" if LXML else "its pure-Python XML writer (lxml not installed)"))
    print(f"year {args.year}: {result['rows']:,} rows, {result['cells']:,} filled cells, "
          f"{result['size_kb']:,} KiB; {args.runs} runs, best / median in seconds")
    print()
    print("| measure | wall s, best / median | CPU s, median |")
    print("|---|---|---|")
    print(_row("indicator queries (both years, all areas)", "data", t))
    print(_row("drawing the sheet (forms/yearend.YearEndSheet)", "draw", t))
    print(_row("saving the .xlsx", "save", t))
    print(_row("**(a) full export** (export_xlsx: data + drawing + save)", "export", t))
    print(_row("**(b) same values, plain openpyxl**, no styles", "plain", t))
    print(f"| ratio (a) / (b), medians | {export_med / plain_med:.2f} | "
          f"{export_cpu / plain_cpu:.2f} |")
    print()
    print("slowest sources (one year): " + ", ".join(
        f"{code} ({name}) {sec * 1000:.0f} ms" for sec, code, name in result["sources"]))
    verdict = "met" if export_med < TARGET_S else "MISSED"
    print(f"target (a) < {TARGET_S:.0f} s: {verdict}")
    return 0 if export_med < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
