"""Benchmark: the Tổng quan tab on the 100,000-household demo ward, beside its raw queries.

    python bench/bench_overview.py                 # /tmp/overview-100k.db, built if missing
    python bench/bench_overview.py --db PATH --runs 5 --year 2026

Each run, offscreen at 1366×768, in one process:
- *tab shown*: from creating the OverviewTab and showing it to its first paint (placeholders:
  the figures are still being read in the background);
- *figures shown*: from the show to the figures painted (the worker's result on screen);
- *longest GUI stall*: the longest gap between two ticks of a 5 ms timer on the GUI thread while
  the figures are read — what "never blocking the window" means in numbers;
- *raw queries*: the same readings called directly (``OverviewService.load``, no Qt), and the
  year-end indicator table alone (``IndicatorService.table``), as the floor to compare with.
The database is made with the demo generator when missing. Results go to docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6 import __version__ as PYSIDE_VERSION  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from antq_desktop.config import resources_dir  # noqa: E402
from antq_desktop.db.engine import open_database  # noqa: E402
from antq_desktop.services.demo import generate  # noqa: E402
from antq_desktop.services.indicators import IndicatorService  # noqa: E402
from antq_desktop.services.overview import OverviewService  # noqa: E402
from antq_desktop.ui.overview.tab import OverviewTab  # noqa: E402

TARGET_MS = 300


def ensure_database(path: Path, households: int):
    db = open_database(f"sqlite:///{path}")
    if OverviewService(db).households.is_empty():
        started = time.perf_counter()
        generate(db, households=households)
        print(f"demo of {households:,} households built in {time.perf_counter() - started:.1f} s",
              flush=True)
    return db


def one_run(app: QApplication, db, year: int) -> dict[str, float]:
    ticks: list[float] = []
    clock = QElapsedTimer()
    timer = QTimer(interval=5)
    timer.timeout.connect(lambda: ticks.append(clock.nsecsElapsed() / 1e6))
    done: list[float] = []
    clock.start()
    tab = OverviewTab(db)
    tab.year.blockSignals(True)
    tab.year.setCurrentIndex(tab.year.findData(year))
    tab.year.blockSignals(False)
    tab.resize(1366, 768)
    tab.loaded.connect(lambda: done.append(clock.nsecsElapsed() / 1e6))
    tab.show()
    tab.grab()  # the first paint, placeholders only
    shown = clock.nsecsElapsed() / 1e6
    timer.start()
    while not done:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    tab.grab()  # the figures painted
    painted = clock.nsecsElapsed() / 1e6
    gaps = [b - a for a, b in zip(ticks, ticks[1:])] or [0.0]
    tab.wait_idle()
    tab.close()
    tab.deleteLater()
    app.processEvents()
    return {"shown": shown, "figures": painted - 0, "stall": max(gaps)}


def raw(db, year: int) -> dict[str, float]:
    started = time.perf_counter()
    OverviewService(db).load(year)
    load = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    IndicatorService(db).table(year)
    table = (time.perf_counter() - started) * 1000
    return {"load": load, "table": table}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/overview-100k.db"))
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--year", type=int, default=date.today().year)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    app.setStyleSheet((resources_dir() / "style.qss").read_text(encoding="utf-8"))
    db = ensure_database(args.db, args.households)
    one_run(app, db, args.year)  # warm: imports, the page cache, the first query plans
    raw(db, args.year)
    gui, direct = [], []
    for _ in range(args.runs):  # interleaved, so both see the same load of the machine
        gui.append(one_run(app, db, args.year))
        direct.append(raw(db, args.year))

    def med(rows, key):
        values = [r[key] for r in rows]
        return min(values), statistics.median(values)

    print(f"Python {platform.python_version()}, PySide6 {PYSIDE_VERSION}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
          f"{args.runs} runs, year {args.year}")
    print("| measure | best ms | median ms |")
    print("| --- | --- | --- |")
    for label, rows, key in (("tab shown (first paint, figures loading)", gui, "shown"),
                             ("figures shown (worker done, painted)", gui, "figures"),
                             ("longest GUI-thread stall while loading", gui, "stall"),
                             ("raw: OverviewService.load, no Qt", direct, "load"),
                             ("raw: IndicatorService.table alone", direct, "table")):
        best, median = med(rows, key)
        print(f"| {label} | {best:.0f} | {median:.0f} |")
    ratio = statistics.median(r["figures"] for r in gui) / statistics.median(
        r["load"] for r in direct)
    shown = statistics.median(r["shown"] for r in gui)
    print(f"ratio figures shown / raw load (medians): {ratio:.2f}")
    print(f"tab shown {shown:.0f} ms: {'within' if shown <= TARGET_MS else 'OVER'} the "
          f"{TARGET_MS} ms target")


if __name__ == "__main__":
    main()
