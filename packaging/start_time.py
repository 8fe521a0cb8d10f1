"""Time the GUI's start: from launch until the main window is shown and the program has quit.

    python packaging/start_time.py --db big.db                         # the built folder
    python packaging/start_time.py --db big.db --program .venv/bin/antq-desktop-gui
    python packaging/start_time.py --db big.db --runs 7 --drop-caches  # Linux, root: cold too

Each run starts the program with ``ANTQ_QUIT_AFTER_MS=0`` (the app closes its main window at the
first turn of the event loop after showing it) and QT_QPA_PLATFORM=offscreen, and measures the
wall time of the whole process. The first run is reported apart (files not yet in the page
cache after a build or a copy); the others give min / median / max. With ``--drop-caches``
(Linux, root) the page cache is emptied before every run, which times a start after a reboot.
Any Python runs it; it does not import the app.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXE = ".exe" if sys.platform == "win32" else ""


def drop_caches() -> None:
    subprocess.run(["sync"], check=True)
    Path("/proc/sys/vm/drop_caches").write_text("3\n")


def once(program: Path, db: Path, env: dict) -> float:
    started = time.perf_counter()
    done = subprocess.run([str(program), "--db", str(db)], env=env, capture_output=True,
                          stdin=subprocess.DEVNULL, timeout=600)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{program} exited {done.returncode}:\n"
                         f"{done.stderr.decode('utf-8', 'replace')[-3000:]}")
    return took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True,
                        help="a database with a unit (e.g. antq-desktop --db big.db demo "
                             "--households 100000)")
    parser.add_argument("--program", type=Path,
                        default=ROOT / "dist" / "antq-desktop" / f"antq-desktop-gui{EXE}")
    parser.add_argument("--runs", type=int, default=5, help="warm runs after the first")
    parser.add_argument("--drop-caches", action="store_true",
                        help="Linux, root: empty the page cache before every run")
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k not in ("ANTQ_DB",)}
    env.update(ANTQ_QUIT_AFTER_MS="0", QT_QPA_PLATFORM="offscreen")
    if args.drop_caches:
        drop_caches()
    first = once(args.program, args.db, env)
    times = []
    for _ in range(args.runs):
        if args.drop_caches:
            drop_caches()
        times.append(once(args.program, args.db, env))
    label = "cold (page cache dropped)" if args.drop_caches else "warm"
    print(f"{args.program} --db {args.db}")
    print(f"  first run: {first:.2f} s")
    if times:
        print(f"  {len(times)} {label} runs: min {min(times):.2f} s, median "
              f"{statistics.median(times):.2f} s, max {max(times):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
