"""Smoke test of the built folder ``dist/antq-desktop/`` (docs/PACKAGING.md).

    python packaging/make_old_db.py build/old.db          # venv Python: a database at 0001
    python packaging/smoke.py --old-db build/old.db       # any Python 3.8+

It does not import the app: it runs the built programs with subprocess, in a temporary folder,
with a PATH that holds no Python, without VIRTUAL_ENV / PYTHONPATH / PYTHONHOME / ANTQ_DB, and
with QT_QPA_PLATFORM=offscreen. One line per check; the first failure stops it with exit 1.

Checks:
1. ``antq-desktop forms`` lists the report forms;
2. ``antq-desktop --db NEW.db demo --households 50`` fills a new database;
3. an .xlsx export (a zip with a workbook) and 4. a .pdf export (starts with %PDF) from it;
5. the windowed ``antq-desktop-gui`` opens on that database offscreen and closes by itself with
   exit 0 (``ANTQ_QUIT_AFTER_MS``: the app quits that many ms after its main window is shown);
   ``--gui alive`` instead checks it is still running after ``--gui-seconds`` and stops it, for
   a build of the app without that hook;
6. with ``--old-db``: a copy of a database at an old revision is upgraded by an export, then
   checked with sqlite3: ``alembic_version`` at the head of the build's own migrations, its
   rows kept, a backup copy made beside it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WINDOWS = sys.platform == "win32"
EXE = ".exe" if WINDOWS else ""
PYTHON_NAMES = ("python", "python3", "python.exe", "python3.exe", "py.exe", "pythonw.exe")
QUIT_MS = 1500
YEAR = "2026"
XLSX_FORM = "yearend-summary"
PDF_FORM = "cert-recognised"  # the certification lists are printable
TIMEOUT = 180


class Failure(Exception):
    pass


def clean_path() -> str:
    """PATH without the folders that hold a Python (the venv's bin, pyenv shims, ...)."""
    kept = []
    for entry in os.environ.get("PATH", "").split(os.pathsep):
        if not entry:
            continue
        folder = Path(entry)
        if any((folder / name).exists() for name in PYTHON_NAMES):
            continue
        if "venv" in folder.parts or ".venv" in folder.parts:
            continue
        kept.append(entry)
    return os.pathsep.join(kept)


def clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP",
                        "PYTHONUSERBASE", "ANTQ_DB", "ANTQ_QUIT_AFTER_MS", "CONDA_PREFIX",
                        "QT_PLUGIN_PATH", "QT_QPA_PLATFORM_PLUGIN_PATH", "LD_LIBRARY_PATH")}
    env["PATH"] = clean_path()
    env["QT_QPA_PLATFORM"] = "offscreen"
    if not WINDOWS:
        # The user's settings and default data folder go to the temporary folder too.
        env["HOME"] = str(home)
        env["XDG_CONFIG_HOME"] = str(home / "config")
        env["XDG_DATA_HOME"] = str(home / "data")
        env["XDG_RUNTIME_DIR"] = str(home / "runtime")
        (home / "runtime").mkdir(mode=0o700, exist_ok=True)
        env.setdefault("LANG", "C.UTF-8")
    return env


class Smoke:
    def __init__(self, app: Path, work: Path):
        self.cli = app / f"antq-desktop{EXE}"
        self.gui = app / f"antq-desktop-gui{EXE}"
        self.work = work
        self.env = clean_env(work)
        self.app = app

    def run(self, program: Path, *args: str, env: dict | None = None,
            timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
        try:
            return subprocess.run([str(program), *args], cwd=self.work, env=env or self.env,
                                  capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise Failure(f"{program.name} {' '.join(args)} did not finish in {timeout:.0f} s")

    def cli_ok(self, *args: str) -> str:
        done = self.run(self.cli, *args)
        out = done.stdout.decode("utf-8", "replace")
        if done.returncode != 0:
            err = done.stderr.decode("utf-8", "replace")
            raise Failure(f"antq-desktop {' '.join(args)} exited {done.returncode}\n"
                          f"--- stdout\n{out[-2000:]}\n--- stderr\n{err[-4000:]}")
        return out


def check(name: str):
    def wrap(fn):
        def run(*args, **kwargs):
            started = time.monotonic()
            try:
                detail = fn(*args, **kwargs)
            except Failure as exc:
                print(f"FAIL {name}: {exc}", flush=True)
                raise SystemExit(1) from None
            print(f"ok   {name} ({time.monotonic() - started:.1f} s): {detail}", flush=True)
        return run
    return wrap


@check("forms")
def forms(s: Smoke) -> str:
    out = s.cli_ok("forms")
    ids = [line.split("\t", 1)[0] for line in out.splitlines() if "\t" in line]
    if not ids:
        raise Failure(f"antq-desktop forms listed no form:\n{out}")
    for wanted in (XLSX_FORM, PDF_FORM):
        if wanted not in ids:
            raise Failure(f"form {wanted} missing from antq-desktop forms: {ids}")
    return f"{len(ids)} forms ({', '.join(ids)})"


@check("demo on a new database")
def demo(s: Smoke, db: Path) -> str:
    out = s.cli_ok("--db", str(db), "demo", "--households", "50")
    if not db.is_file() or db.stat().st_size == 0:
        raise Failure(f"{db} was not made")
    return out.strip().splitlines()[-1][:120] if out.strip() else f"{db.name} made"


@check("export .xlsx")
def export_xlsx(s: Smoke, db: Path) -> str:
    target = s.work / "out.xlsx"
    s.cli_ok("--db", str(db), "export", XLSX_FORM, "--year", YEAR, "-o", str(target))
    if not target.is_file():
        raise Failure(f"{target} was not written")
    if not zipfile.is_zipfile(target):
        raise Failure(f"{target} is not a zip file")
    with zipfile.ZipFile(target) as z:
        if "xl/workbook.xml" not in z.namelist():
            raise Failure(f"{target} has no xl/workbook.xml")
    return f"{XLSX_FORM} → {target.name}, {target.stat().st_size} bytes"


@check("export .pdf")
def export_pdf(s: Smoke, db: Path) -> str:
    target = s.work / "out.pdf"
    s.cli_ok("--db", str(db), "export", PDF_FORM, "--year", YEAR, "-o", str(target))
    if not target.is_file():
        raise Failure(f"{target} was not written")
    head = target.read_bytes()[:5]
    if head != b"%PDF-":
        raise Failure(f"{target} does not start with %PDF- ({head!r})")
    return f"{PDF_FORM} → {target.name}, {target.stat().st_size} bytes"


@check("GUI opens offscreen and closes")
def gui(s: Smoke, db: Path, mode: str, seconds: float) -> str:
    args = [str(s.gui), "--db", str(db)]
    if mode == "quit":
        env = dict(s.env, ANTQ_QUIT_AFTER_MS=str(QUIT_MS))
        started = time.monotonic()
        done = s.run(s.gui, "--db", str(db), env=env, timeout=60)
        took = time.monotonic() - started
        if done.returncode != 0:
            raise Failure(f"antq-desktop-gui exited {done.returncode} (expected 0 after "
                          f"ANTQ_QUIT_AFTER_MS={QUIT_MS})\n"
                          f"{done.stderr.decode('utf-8', 'replace')[-4000:]}")
        return f"exit 0 after {took:.1f} s (window shown, quit {QUIT_MS} ms later)"
    proc = subprocess.Popen(args, cwd=s.work, env=s.env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return f"still running after {seconds:.0f} s, stopped (--gui alive)"
    _out, err = proc.communicate()
    raise Failure(f"antq-desktop-gui ended by itself with exit {proc.returncode} within "
                  f"{seconds:.0f} s\n{err.decode('utf-8', 'replace')[-4000:]}")


def migration_head(app: Path) -> str:
    """The head revision of the migrations inside the build (no app import)."""
    folder = app / "_internal" / "antq_desktop" / "db" / "migrations" / "versions"
    revisions, parents = set(), set()
    for script in folder.glob("*.py"):
        text = script.read_text(encoding="utf-8")
        rev = re.search(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", text, re.M)
        down = re.search(r"^down_revision\s*=\s*['\"]([^'\"]+)['\"]", text, re.M)
        if rev:
            revisions.add(rev.group(1))
        if down:
            parents.add(down.group(1))
    heads = revisions - parents
    if len(heads) != 1:
        raise Failure(f"cannot tell the migrations' head in {folder}: {sorted(heads)}")
    return heads.pop()


def table_count(conn: sqlite3.Connection, table: str) -> int:
    return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@check("upgrade of an old database")
def upgrade(s: Smoke, old: Path) -> str:
    head = migration_head(s.app)
    db = s.work / "old.db"
    shutil.copyfile(old, db)
    conn = sqlite3.connect(db)
    try:
        before = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        counts = {t: table_count(conn, t) for t in ("unit", "area", "household")}
    finally:
        conn.close()
    if before == head:
        raise Failure(f"{old} is already at the head revision {head}: nothing to upgrade")
    target = s.work / "old.xlsx"
    s.cli_ok("--db", str(db), "export", XLSX_FORM, "--year", YEAR, "-o", str(target))
    conn = sqlite3.connect(db)
    try:
        after = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        kept = {t: table_count(conn, t) for t in counts}
    finally:
        conn.close()
    if after != head:
        raise Failure(f"alembic_version is {after} after the upgrade, expected {head}")
    if kept != counts:
        raise Failure(f"rows changed by the upgrade: {counts} → {kept}")
    pattern = f"old.truoc-nang-cap-{before}-*.db"  # in the backup folder (sao-luu) beside it
    backups = list((s.work / "sao-luu").glob(pattern)) + list(s.work.glob(pattern))
    if not backups:
        raise Failure(f"no backup copy {pattern} in {s.work / 'sao-luu'} nor beside {db}")
    manifest = backups[0].with_name(backups[0].name + ".json")
    if backups[0].parent.name == "sao-luu" and not manifest.is_file() and not \
            backups[0].with_suffix(".json").is_file():
        raise Failure(f"the backup {backups[0].name} has no manifest beside it")
    if not zipfile.is_zipfile(target):
        raise Failure(f"{target} (export after the upgrade) is not a zip file")
    return f"{before} → {after}, rows kept {kept}, backup {backups[0].name}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist" / "antq-desktop",
                        help="the built folder (default: dist/antq-desktop)")
    parser.add_argument("--old-db", type=Path,
                        help="a database at an old revision (packaging/make_old_db.py); "
                             "without it the upgrade check is skipped")
    parser.add_argument("--gui", choices=("quit", "alive"), default="quit",
                        help="quit: expect exit 0 with ANTQ_QUIT_AFTER_MS (default); alive: "
                             "expect the GUI still running after --gui-seconds")
    parser.add_argument("--gui-seconds", type=float, default=8.0)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)

    app = args.dist.resolve()
    for program in (app / f"antq-desktop{EXE}", app / f"antq-desktop-gui{EXE}"):
        if not program.is_file():
            print(f"FAIL build: {program} is missing; build it with python packaging/build.py")
            return 1
    if args.old_db is not None and not args.old_db.is_file():
        print(f"FAIL upgrade: {args.old_db} does not exist (python packaging/make_old_db.py "
              f"{args.old_db})")
        return 1
    work = Path(tempfile.mkdtemp(prefix="antq-smoke-"))
    print(f"smoke: {app} in {work}; PATH={clean_path() or '(empty)'}", flush=True)
    try:
        s = Smoke(app, work)
        db = work / "new.db"
        forms(s)
        demo(s, db)
        export_xlsx(s, db)
        export_pdf(s, db)
        gui(s, db, args.gui, args.gui_seconds)
        if args.old_db is not None:
            upgrade(s, args.old_db.resolve())
        else:
            print("skip upgrade of an old database: no --old-db "
                  "(python packaging/make_old_db.py build/old.db)")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("smoke: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
