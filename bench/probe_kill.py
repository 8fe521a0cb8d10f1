"""Fault probe: kill the program at random moments, then check that no record was lost.

    python bench/probe_kill.py [--trials 300] [--jobs 2] [--households 1000] [--seed 12]
                               [--work DIR] [--keep]

Each trial copies a database, starts a worker process that does one kind of work on it, waits
until the worker is ready (imports done, database open), lets it run for a random time within
that kind's window, and SIGKILLs it. The kinds:

- ``save``     households saved one by one through HouseholdService (1–4 members each); after
               each commit the worker appends the household's code and member count to a report
               file (so a reported household *was* committed);
- ``demo``     the demo ward generated into an empty database (one transaction);
- ``export``   report forms exported to .xlsx, one after another (readers only);
- ``upgrade``  open_database on a copy at revision 0005 holding the ward (0006 rebuilds the
               household table, 0007 checks and indexes ID numbers);
- ``create``   open_database on a file that does not exist yet (first start, FTS5 included).

Then the file is checked: ``PRAGMA integrity_check`` ok and ``foreign_key_check`` empty
(else *corrupted*); at a revision the app knows; ``open_database`` opens (and, if needed,
upgrades) it (else *unopenable*); every living household's member_count equals its living
residents and it has exactly one head, every household has its search row (else *half-saved*;
a demo is half-saved unless it wrote all or nothing); every household reported committed is there
with its members (else *lost*). Prints a Markdown block for docs/RELIABILITY.md. Expected:
corrupted, half-saved, lost and unopenable all zero.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TODAY = date(2026, 6, 1)  # the demo's "today": the same ward on every machine
KINDS = {"save": 0.4, "upgrade": 0.2, "demo": 0.15, "export": 0.15, "create": 0.1}
OLD_REVISION = "0005"
DEMO_HOUSEHOLDS = 300
SAVE_WINDOW_S = 2.0


# -- workers (run in the child process) --------------------------------------------------------
def _report(path: Path):
    f = open(path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 — kept open until killed;
    # one write() per line, so a line written survives SIGKILL

    def say(line: str) -> None:
        f.write(line + "\n")
        f.flush()
    return say


def worker(kind: str, db_path: Path, report: Path, seed: int) -> None:
    say = _report(report)
    from antq_desktop.db.engine import open_database

    url = f"sqlite:///{db_path}"
    if kind == "create":
        say("R")
        open_database(url).dispose()
        say("C created")
        return
    if kind == "upgrade":
        from antq_desktop.db import engine  # noqa: F401  (imports done before "ready")
        say("R")
        open_database(url).dispose()
        say("C upgraded")
        return
    db = open_database(url)
    if kind == "save":
        from antq_desktop.enums import Relationship, ResidenceKind, Sex
        from antq_desktop.services.households import HouseholdData, HouseholdService, MemberData
        from antq_desktop.validation import FieldError

        service = HouseholdService(db)
        with db.engine.connect() as conn:
            areas = [r[0] for r in conn.exec_driver_sql("select id from area")]
        rng = random.Random(seed)
        # head, wife, two children: born long ago (ID numbers with these prefixes and serials
        # from 700000 are rare in the demo ward; a clash is refused and noted, not a fault)
        people = [(Relationship.HEAD, Sex.MALE, 1931), (Relationship.WIFE, Sex.FEMALE, 1933),
                  (Relationship.CHILD, Sex.MALE, 1960), (Relationship.CHILD, Sex.FEMALE, 1962)]
        given = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Minh", "Nga"]
        say("R")
        serial = 0
        for i in range(1, 100000):
            members = []
            for relation, sex, born in people[:rng.randint(1, 4)]:
                serial += 1
                century_sex = (born // 100 - 19) * 2 + (sex is Sex.FEMALE)
                members.append(MemberData(
                    full_name=f"Trần Thử {rng.choice(given)}", birth_date=date(born, 1, 1),
                    sex=sex, relation=relation, residence_kind=ResidenceKind.PERMANENT,
                    id_number=f"001{century_sex}{born % 100:02d}{700000 + serial:06d}"))
            code = f"PK{i:06d}"
            try:
                service.save(HouseholdData(code=code, area_id=rng.choice(areas),
                                           address=f"{i} Đường Thử", members=members))
            except FieldError as exc:  # a refusal (validation), not a crash: note and go on
                say(f"E {type(exc).__name__}")
                continue
            say(f"C {code} {len(members)}")
    elif kind == "demo":
        from antq_desktop.services.demo import generate

        say("R")
        generate(db, households=DEMO_HOUSEHOLDS, seed=seed, today=TODAY)
        say("C demo")
    elif kind == "export":
        from antq_desktop.reports import registry
        from antq_desktop.reports.export import export_xlsx

        forms = [f for f in registry.all_forms()]
        out = Path(tempfile.mkdtemp(prefix="probe-export-"))
        say("R")
        try:
            for form in forms:
                try:
                    export_xlsx(db, form.id, registry.Params(year=TODAY.year, on=TODAY),
                                out / f"{form.id}.xlsx")
                except registry.ReportError as exc:  # a form refusing these parameters
                    say(f"E {type(exc).__name__}")
                    continue
                say(f"C {form.id}")
        finally:
            shutil.rmtree(out, ignore_errors=True)
    db.dispose()


# -- the parent: setup, trials, checks ----------------------------------------------------------
def build_bases(work: Path, households: int, old_too: bool = True) -> dict[str, Path]:
    from alembic import command

    from antq_desktop.db.engine import alembic_config, make_engine, open_database
    from antq_desktop.services.demo import generate

    head = work / "base-head.db"
    if not head.exists():
        db = open_database(f"sqlite:///{head}")
        generate(db, households=households, seed=1, today=TODAY)
        db.dispose()
    old = work / f"base-{OLD_REVISION}.db"
    if old_too and not old.exists():
        shutil.copyfile(head, old)
        engine = make_engine(f"sqlite:///{old}")
        command.downgrade(alembic_config(engine), OLD_REVISION)
        engine.dispose()
    for p in (head, old) if old_too else (head,):  # self-contained: no -wal beside the copies
        con = sqlite3.connect(p)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
    return {"head": head, "old": old}


HALF_SAVED_SQL = """
SELECT count(*) FROM household h
WHERE h.moved_out_on IS NULL AND (
  h.member_count != (SELECT count(*) FROM resident r
                     WHERE r.household_id = h.id AND r.moved_out_on IS NULL)
  OR (h.member_count > 0 AND (SELECT count(*) FROM resident r WHERE r.household_id = h.id
                              AND r.moved_out_on IS NULL AND r.relation = 'head') != 1))
"""
NO_SEARCH_SQL = ("SELECT count(*) FROM household h WHERE NOT EXISTS "
                 "(SELECT 1 FROM household_search s WHERE s.household_id = h.id)")


def household_faults(con: sqlite3.Connection) -> int:
    names = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
    if "household" not in names:
        return 0
    return con.execute(HALF_SAVED_SQL).fetchone()[0] + con.execute(NO_SEARCH_SQL).fetchone()[0]


def check(kind: str, path: Path, lines: list[str], known: set[str], head: str,
          base_faults: int, demo_total: int, base_households: int) -> dict:
    from antq_desktop.db.engine import DatabaseOpenError, open_database

    out = Counter()
    committed = [line.split() for line in lines if line.startswith("C ")]
    if path.exists():
        con = sqlite3.connect(path)
        try:
            ok = con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            fk = con.execute("PRAGMA foreign_key_check").fetchall()
            if not ok or fk:
                out["corrupted"] += 1
            names = {r[0] for r in con.execute("select name from sqlite_master "
                                                 "where type='table'")}
            revision = (con.execute("select version_num from alembic_version").fetchone()
                        if "alembic_version" in names else None)
            revision = revision[0] if revision else None
            if revision is None and names - {"alembic_version"}:
                out["bad_revision"] += 1  # tables without a revision: a half-made file
            elif revision is not None and revision not in known:
                out["bad_revision"] += 1
            if kind == "upgrade":
                out["left_old" if revision == OLD_REVISION else "left_head"] += 1
                if committed and revision != head:
                    out["lost"] += 1
            if kind == "create" and committed and revision != head:
                out["lost"] += 1
        finally:
            con.close()
    try:
        open_database(f"sqlite:///{path}").dispose()
    except DatabaseOpenError as exc:
        out["unopenable"] += 1
        out["message:" + str(exc)[:120]] += 1
        return dict(out)
    con = sqlite3.connect(path)
    try:
        faults = household_faults(con) - (base_faults if kind in ("save", "export", "upgrade")
                                           else 0)
        if faults > 0:
            out["half_saved"] += 1
        count = con.execute("select count(*) from household").fetchone()[0]
        if kind == "demo":
            if count not in (0, demo_total):
                out["half_saved"] += 1
            if committed and count != demo_total:
                out["lost"] += 1
            out["demo_written" if count else "demo_nothing"] += 1
        if kind in ("export", "upgrade") and count != base_households:
            out["lost"] += 1
        if kind == "save":
            rows = dict(con.execute(
                "select h.code, (select count(*) from resident r where r.household_id = h.id) "
                "from household h where h.code like 'PK%'").fetchall())
            for _, code, n in (c for c in committed if len(c) == 3):
                if rows.get(code) != int(n):
                    out["lost"] += 1
                    break
            out["saves_committed"] += sum(1 for c in committed if len(c) == 3)
    finally:
        con.close()
    return dict(out)


def run_trial(n: int, kind: str, bases: dict, work: Path, window: float, seed: int,
              ctx: dict) -> dict:
    folder = work / f"t{n:04d}"
    folder.mkdir()
    path = folder / "antq.db"
    if kind in ("save", "export"):
        shutil.copyfile(bases["head"], path)
    elif kind == "upgrade":
        shutil.copyfile(bases["old"], path)
    elif kind == "demo":
        shutil.copyfile(ctx["empty"], path)
    report = folder / "report.txt"
    report.touch()
    proc = subprocess.Popen([sys.executable, __file__, "--worker", kind, str(path), str(report),
                             str(seed)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while "R\n" not in report.read_text(encoding="utf-8") and proc.poll() is None:
        if time.monotonic() > deadline:
            break
        time.sleep(0.005)
    delay = random.Random(seed).uniform(0, window)
    time.sleep(delay)
    finished = proc.poll() is not None
    if not finished:
        os.kill(proc.pid, signal.SIGKILL)
    _, err = proc.communicate()
    lines = report.read_text(encoding="utf-8").splitlines()
    result = check(kind, path, lines, ctx["known"], ctx["head"], ctx["base_faults"],
                   ctx["demo_total"], ctx["base_households"])
    result["finished_before_kill"] = int(finished)
    if finished and proc.returncode != 0:
        result["worker_error"] = 1
        result["stderr:" + err.decode(errors="replace").strip().splitlines()[-1][:120]] = 1
    if not ctx["keep"]:
        shutil.rmtree(folder, ignore_errors=True)
    return result


def calibrate(kind: str, bases: dict, work: Path, ctx: dict) -> float:
    """How long the work takes from "ready" to the end, uninterrupted (the kill window)."""
    if kind == "save":
        return SAVE_WINDOW_S
    folder = work / f"calibrate-{kind}"
    folder.mkdir()
    path = folder / "antq.db"
    if kind == "upgrade":
        shutil.copyfile(bases["old"], path)
    elif kind in ("export",):
        shutil.copyfile(bases["head"], path)
    elif kind == "demo":
        shutil.copyfile(ctx["empty"], path)
    report = folder / "report.txt"
    report.touch()
    proc = subprocess.Popen([sys.executable, __file__, "--worker", kind, str(path), str(report),
                             "1"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ready = None
    while proc.poll() is None:
        if ready is None and "R\n" in report.read_text(encoding="utf-8"):
            ready = time.monotonic()
        time.sleep(0.002)
    end = time.monotonic()
    _, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"calibration of {kind} failed:\n{err.decode(errors='replace')}")
    if kind == "demo":
        con = sqlite3.connect(path)
        ctx["demo_total"] = con.execute("select count(*) from household").fetchone()[0]
        con.close()
    shutil.rmtree(folder, ignore_errors=True)
    return max((end - (ready or end)) * 1.1, 0.05)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} CPU, "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--households", type=int, default=1000, help="the ward in the copies")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--work", help="working folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep every trial's files")
    parser.add_argument("--kinds", default=",".join(KINDS),
                        help=f"comma-separated subset of {', '.join(KINDS)}")
    parser.add_argument("--worker", nargs=4, metavar=("KIND", "DB", "REPORT", "SEED"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        kind, db, report, seed = args.worker
        worker(kind, Path(db), Path(report), int(seed))
        return 0

    from alembic.script import ScriptDirectory

    from antq_desktop.db.engine import MIGRATIONS, head_revision, open_database

    started = time.monotonic()
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="probe-kill-"))
    work.mkdir(parents=True, exist_ok=True)
    bases = build_bases(work, args.households, old_too="upgrade" in args.kinds.split(","))
    empty = work / "base-empty.db"
    if not empty.exists():
        open_database(f"sqlite:///{empty}").dispose()
    con = sqlite3.connect(bases["head"])
    base_faults = household_faults(con)
    base_households = con.execute("select count(*) from household").fetchone()[0]
    con.close()
    ctx = {"known": {s.revision for s in ScriptDirectory(str(MIGRATIONS)).walk_revisions()},
           "head": head_revision(), "base_faults": base_faults, "demo_total": 0,
           "base_households": base_households, "empty": empty, "keep": args.keep}
    kinds = {k: KINDS[k] for k in args.kinds.split(",")}
    windows = {kind: calibrate(kind, bases, work, ctx) for kind in kinds}
    rng = random.Random(args.seed)
    plan = rng.choices(list(kinds), weights=list(kinds.values()), k=args.trials)
    totals: dict[str, Counter] = {kind: Counter() for kind in kinds}
    lock = threading.Lock()
    done = [0]

    def one(n: int) -> None:
        kind = plan[n]
        result = run_trial(n, kind, bases, work, windows[kind], args.seed * 100003 + n, ctx)
        with lock:
            totals[kind]["trials"] += 1
            totals[kind].update(result)
            done[0] += 1
            if done[0] % 25 == 0 or done[0] == args.trials:
                print(f"  {done[0]}/{args.trials} trials, {time.monotonic() - started:.0f} s",
                      file=sys.stderr, flush=True)

    with ThreadPoolExecutor(args.jobs) as pool:
        list(pool.map(one, range(args.trials)))
    elapsed = time.monotonic() - started

    faults = ("corrupted", "half_saved", "lost", "unopenable", "bad_revision", "worker_error")
    print(f"Command: `python bench/probe_kill.py --trials {args.trials} --jobs {args.jobs} "
          f"--households {args.households} --seed {args.seed}"
          + (f" --kinds {args.kinds}" if args.kinds != ",".join(KINDS) else "") + "`  ")
    print(f"Machine: {machine()}  ")
    print(f"Ward in the copies: {base_households} households; demo trials write "
          f"{ctx['demo_total']}; run time {elapsed:.0f} s.")
    print()
    print("| kind | trials | kill window (s) | killed | finished first | " +
          " | ".join(faults) + " | notes |")
    print("|---|---:|---:|---:|---:|" + "---:|" * len(faults) + "---|")
    grand = Counter()
    for kind in kinds:
        t = totals[kind]
        grand.update(t)
        notes = []
        if kind == "save":
            notes.append(f"{t['saves_committed']} households reported committed, all checked")
        if kind == "upgrade":
            notes.append(f"left at {OLD_REVISION}: {t['left_old']}, at head: {t['left_head']}")
        if kind == "demo":
            notes.append(f"all written: {t['demo_written']}, nothing: {t['demo_nothing']}")
        notes += [k.split(":", 1)[1] for k in t if ":" in k][:3]
        print(f"| {kind} | {t['trials']} | {windows[kind]:.2f} | "
              f"{t['trials'] - t['finished_before_kill']} | {t['finished_before_kill']} | " +
              " | ".join(str(t[f]) for f in faults) + f" | {'; '.join(notes)} |")
    print(f"| **all** | {grand['trials']} | | {grand['trials'] - grand['finished_before_kill']} "
          f"| {grand['finished_before_kill']} | " + " | ".join(str(grand[f]) for f in faults) +
          " | |")
    if not args.work and not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if any(grand[f] for f in faults) else 0


if __name__ == "__main__":
    sys.exit(main())
