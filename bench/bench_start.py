"""Benchmark: the whole app's cold start beside a bare PySide6 window with a table.

    python bench/bench_start.py                      # /tmp/big.db, built if missing
    python bench/bench_start.py --db PATH --runs 7 [--households N]

Each run is a fresh Python process, started by this script, alternately:
- *bare*: ``import PySide6.QtWidgets``, a QApplication, a QMainWindow holding a QTableView over
  a QStandardItemModel of 200 rows × 7 columns, ``show()``;
- *app*: the program's own start (``antq_desktop.cli.main(["--db", PATH])``: the command line,
  the Qt check, the fonts and style, opening and checking the database, the sign-in, the main
  window with its first tab), single-user as in a smoke test (``ANTQ_QUIT_AFTER_MS`` set, far
  beyond the run);
- *login*: the same start on a copy of the database with one account (made once by the
  program's own ``users add``): the login dialog comes first (the login-first start,
  ui/opening.py), the child types the account's name and password into it right after its
  first paint and submits; the main window follows once the database is open and the password
  checked;
- *typed*: the same, but the submit comes ``TYPING_MS`` after the dialog's paint, the time an
  officer takes to type a password; timed from the submit to the main window's first tab
  painted (the wait after Enter), against the bare window's whole start.
All are timed from just before the process is launched until the first paint of what the user
looks at is done (the table's viewport; the login dialog; the main window's paint pass, its
current tab included), taken at the next turn of the event loop and read from the system's monotonic clock
in both processes; the child then leaves at once (``os._exit``). The app's child also reports
when ``open_main_window`` returned and when Tổng quan's figures (read in the background)
arrived. After one warm-up pair (not counted) the runs alternate, so both meet the same machine
load; the ratio of the medians is printed, and each process's CPU time until its paint.

``--importtime`` runs one app start under ``python -X importtime`` instead and prints the
slowest top-level imports (``--login``: of the login-first start). Results go to docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 2.0
PROFILE_ENV = "ANTQ_BENCH_PROFILE"


# -- the children ---------------------------------------------------------------------------------
def _on_first_paint(widget, then) -> None:
    """Call ``then()`` at the turn of the event loop after ``widget``'s first paint (when the
    whole paint pass is on screen)."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        seen = False

        def eventFilter(self, watched, event):  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint and not self.seen:
                self.seen = True
                QTimer.singleShot(0, then)  # after this paint pass (the window) is over
            return False

    widget._first_paint = FirstPaint(widget)
    widget.installEventFilter(widget._first_paint)


def _finish_on_paint(widget, marks: dict, loaded=None) -> None:
    """After ``widget``'s first paint has been done (and, with ``loaded``, a signal, after it
    has been emitted too: the figures read in the background): print the marks, leave at
    once."""

    def painted() -> None:
        marks["painted"] = time.monotonic()
        marks["_cpu"] = time.process_time()  # the process's CPU seconds (all its threads)
        if loaded is None or "figures" in marks:
            done()

    def figures() -> None:
        marks["figures"] = time.monotonic()
        if "painted" in marks:
            done()

    def done() -> None:
        print(" ".join(f"{k}={v:.6f}" for k, v in marks.items()
                       if k.endswith("_cpu") or not k.startswith("_")), flush=True)
        if marks.get("_profile") is not None:
            marks["_profile"].disable()
            marks["_profile"].dump_stats(os.environ[PROFILE_ENV])
        os._exit(0)

    if loaded is not None:
        loaded.connect(figures)
    _on_first_paint(widget, painted)


def child_bare() -> None:
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    app = QApplication(sys.argv[:1])
    model = QStandardItemModel(200, 7)
    for row in range(200):
        for col in range(7):
            model.setItem(row, col, QStandardItem(f"Hàng {row}, cột {col}"))
    window = QMainWindow()
    view = QTableView()
    view.setModel(model)
    window.setCentralWidget(view)
    window.resize(1366, 768)
    _finish_on_paint(view.viewport(), {})
    window.show()
    app.exec()


LOGIN_NAME, LOGIN_PASSWORD = "bench", "bench-mật-khẩu-1"
TYPING_MS = 2000  # *typed*: an officer's name and password typed, then Enter
TYPING_ENV = "ANTQ_BENCH_TYPING_MS"


def _sign_in_on_paint(marks: dict) -> None:
    """The login dialog: at its first paint, the mark (and whether SQLAlchemy is loaded yet),
    then the account's name and password typed in and submitted, at once or (TYPING_ENV)
    after an officer's typing time; the submit is marked."""
    from PySide6.QtCore import QTimer

    from antq_desktop.ui.login import dialogs

    original = dialogs.LoginDialog.exec
    typing = int(os.environ.get(TYPING_ENV, "0"))

    def exec_(dialog):
        def submit() -> None:
            dialog.name.setText(LOGIN_NAME)
            dialog.password.setText(LOGIN_PASSWORD)
            marks["submitted"] = time.monotonic()
            dialog.ok.click()  # the database may still be opening: the submit finishes it

        def painted() -> None:
            marks["login"] = time.monotonic()
            marks["_login_cpu"] = time.process_time()
            marks["sqlalchemy"] = float("sqlalchemy" in sys.modules)
            if typing:
                QTimer.singleShot(typing, submit)
            else:
                submit()

        _on_first_paint(dialog, painted)
        return original(dialog)

    dialogs.LoginDialog.exec = exec_


def child_app(db: str, login: bool = False) -> None:
    marks: dict = {}
    if login:
        _sign_in_on_paint(marks)
    from antq_desktop import cli
    from antq_desktop.ui import app as app_module

    if os.environ.get(PROFILE_ENV):  # --profile: cProfile of the start, written at the paint
        import cProfile

        marks["_profile"] = cProfile.Profile()
        marks["_profile"].enable()
    original = app_module.open_main_window

    def open_main_window(*args, **kwargs):
        window = original(*args, **kwargs)
        marks["window"] = time.monotonic()
        # the window's own first paint starts the pass that paints its tab: the mark is taken
        # at the next turn of the event loop, when the whole pass is on screen (and before
        # the work the window itself leaves for after its first paint)
        tab = window.tabs.currentWidget()
        _finish_on_paint(window, marks, getattr(tab, "loaded", None))  # Tổng quan: its figures
        return window

    app_module.open_main_window = open_main_window
    cli.main(["--db", db])
    raise SystemExit("the app quit before its window was painted")


# -- the parent -----------------------------------------------------------------------------------
def child_env(root: Path = ROOT) -> dict:
    # PYTHONDONTWRITEBYTECODE off: an installed program starts from compiled bytecode (the
    # warm-up run writes it), not by compiling every module again
    env = {k: v for k, v in os.environ.items() if k not in (
        "ANTQ_DB", "ANTQ_USER", "ANTQ_PASSWORD", "PYTHONDONTWRITEBYTECODE")}
    # single-user, no question asked; the window would close after 10 minutes
    env.update(QT_QPA_PLATFORM="offscreen", ANTQ_QUIT_AFTER_MS="600000",
               PYTHONPATH=str(root))  # the program from this tree (or --compare's)
    return env


def run_child(kind: str, db: Path, root: Path = ROOT) -> dict[str, float]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--db", str(db)]
    env = child_env(root)
    if kind in ("login", "typed"):
        command[3] = "app"
        command.append("--login")
        if kind == "typed":
            env[TYPING_ENV] = str(TYPING_MS)
    started = time.monotonic()
    done = subprocess.run(command, env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=300)
    if done.returncode != 0 or "painted=" not in done.stdout:
        raise SystemExit(f"{kind} start failed ({done.returncode}):\n{done.stderr[-3000:]}")
    marks = dict(item.split("=") for item in done.stdout.splitlines()[-1].split() if "=" in item)
    return {k: float(v) * (1 if k == "sqlalchemy" else 1000) if k in ("_cpu", "_login_cpu",
                                                                     "sqlalchemy")
            else (float(v) - started) * 1000 for k, v in marks.items()}


def ensure_database(path: Path, households: int) -> None:
    if path.exists():
        return
    print(f"building the {households:,}-household demo in {path}…", flush=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(path), "demo",
                    "--households", str(households)], check=True, env=child_env())
    print(f"  built in {time.perf_counter() - started:.1f} s", flush=True)


def ensure_login_database(db: Path) -> Path:
    """A copy of ``db`` with one administrator account (made by the program's own ``users add``),
    for the login-first start; made again when ``db`` is newer."""
    import sqlite3

    copy = db.with_name(f"{db.stem}-login{db.suffix}")
    if copy.exists() and copy.stat().st_mtime >= db.stat().st_mtime:
        return copy
    print(f"copying {db} to {copy} with one account…", flush=True)
    for tail in ("", "-wal", "-shm"):
        Path(f"{copy}{tail}").unlink(missing_ok=True)
    source, target = sqlite3.connect(db), sqlite3.connect(copy)
    with target:
        source.backup(target)
    source.close()
    target.close()
    env = dict(child_env(), ANTQ_NEW_PASSWORD=LOGIN_PASSWORD)
    subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(copy), "users", "add",
                    LOGIN_NAME, "--role", "admin", "--display-name", "Cán bộ đo thời gian"],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    return copy


def importtime(db: Path, top: int = 25, login: bool = False) -> None:
    command = [sys.executable, "-X", "importtime", str(Path(__file__).resolve()),
               "--child", "app", "--db", str(db)] + (["--login"] if login else [])
    done = subprocess.run(command, env=child_env(), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=300)
    rows = []  # (cumulative µs, self µs, nesting level, module)
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, cumulative, name = line.split(":", 1)[1].split("|")
        level = (len(name) - len(name.lstrip(" ")) - 1) // 2
        rows.append((int(cumulative), int(own), level, name.strip()))
    first_level = [(c, o, n) for c, o, level, n in rows if level == 0]
    print("slowest imports (cumulative ms, self ms, module) — top level of the start:")
    for cumulative, own, name in sorted(first_level, reverse=True)[:top]:
        print(f"  {cumulative / 1000:8.1f} {own / 1000:7.1f}  {name}")
    wanted = ("alembic", "openpyxl", "reportlab", "docx", "lxml", "argon2", "PySide6.QtCharts")
    loaded = [m for m in wanted if any(n == m for *_, n in rows)]
    print(f"of {', '.join(wanted)} loaded at start: {', '.join(loaded) or 'none'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/big.db"))
    parser.add_argument("--households", type=int, default=100_000,
                        help="the demo's size when --db has to be built")
    parser.add_argument("--runs", type=int, default=7, help="counted runs of each")
    parser.add_argument("--importtime", action="store_true",
                        help="one app start under -X importtime: the slowest imports")
    parser.add_argument("--profile", type=Path,
                        help="one app start under cProfile, the statistics written to PROFILE")
    parser.add_argument("--compare", type=Path, metavar="TREE",
                        help="also time the app from another source tree (e.g. a `git archive` "
                             "of the commit before a change), in the same rounds")
    parser.add_argument("--child", choices=("bare", "app"), help=argparse.SUPPRESS)
    parser.add_argument("--login", action="store_true",
                        help="with --importtime or --profile: the login-first start (a copy of "
                             "--db with one account, signed in at the dialog's first paint)")
    args = parser.parse_args(argv)
    if args.child == "bare":
        child_bare()
        return 0
    if args.child == "app":
        child_app(str(args.db), args.login)
        return 0
    ensure_database(args.db, args.households)
    login_db = ensure_login_database(args.db)
    if args.importtime:
        importtime(login_db if args.login else args.db, login=args.login)
        return 0
    if args.profile:
        os.environ[PROFILE_ENV] = str(args.profile)
        kind, db = ("login", login_db) if args.login else ("app", args.db)
        print(f"app start under cProfile: {run_child(kind, db)['painted']:.0f} ms; "
              f"python -m pstats {args.profile}")
        return 0
    from PySide6 import __version__ as pyside

    print(f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"PySide6 {pyside}, load average {os.getloadavg()[0]:.2f}; database {args.db} "
          f"({args.db.stat().st_size / 2**20:.0f} MiB)", flush=True)
    run_child("bare", args.db)  # warm-up: the page cache, Python's bytecode cache
    run_child("app", args.db)
    run_child("login", login_db)
    run_child("typed", login_db)
    if args.compare:
        run_child("app", args.db, args.compare.resolve())
        run_child("login", login_db, args.compare.resolve())
    seen: dict[str, list[float]] = {}
    for i in range(args.runs):
        line = [f"  run {i + 1}:"]
        if args.compare:
            o = run_child("app", args.db, args.compare.resolve())
            seen.setdefault("compare", []).append(o["painted"])
            seen.setdefault("compare cpu", []).append(o["_cpu"])
            c = run_child("login", login_db, args.compare.resolve())
            seen.setdefault("compare login", []).append(c["login"])
            seen.setdefault("compare signed in", []).append(c["painted"])
            line.append(f"compared app {o['painted']:5.0f} ms (CPU {o['_cpu']:4.0f}), login "
                        f"dialog {c['login']:4.0f} ms, signed in {c['painted']:5.0f} ms ·")
        b = run_child("bare", args.db)
        a = run_child("app", args.db)
        g = run_child("login", login_db)
        t = run_child("typed", login_db)
        if g["sqlalchemy"]:
            raise SystemExit("the login dialog was painted after SQLAlchemy was imported")
        for key, value in (("bare", b["painted"]), ("bare cpu", b["_cpu"]),
                           ("window", a["window"]), ("app", a["painted"]),
                           ("app cpu", a["_cpu"]),
                           ("figures", a.get("figures", float("nan")) - a["window"]),
                           ("login", g["login"]), ("login cpu", g["_login_cpu"]),
                           ("signed in", g["painted"]), ("signed in cpu", g["_cpu"]),
                           ("after enter", t["painted"] - t["submitted"])):
            seen.setdefault(key, []).append(value)
        line.append(f"bare {b['painted']:4.0f} ms (CPU {b['_cpu']:4.0f}) · app {a['painted']:5.0f}"
                    f" ms (CPU {a['_cpu']:4.0f}; window built {a['window']:5.0f} ms; Tổng quan's "
                    f"figures {seen['figures'][-1]:4.0f} ms after) · login dialog "
                    f"{g['login']:4.0f} ms (CPU {g['_login_cpu']:4.0f}), signed in, first tab "
                    f"{g['painted']:5.0f} ms (CPU {g['_cpu']:4.0f}) · typed, Enter to first tab "
                    f"{seen['after enter'][-1]:4.0f} ms")
        print(" ".join(line), flush=True)

    def show(label: str, key: str) -> None:
        values = seen[key]
        print(f"{label:<52} min {min(values):5.0f} / median {statistics.median(values):5.0f} / "
              f"max {max(values):5.0f} ms")

    show("bare window with a table, painted", "bare")
    show("app: main window built", "window")
    show("app: first tab (Tổng quan) painted", "app")
    show("app: Tổng quan's figures shown, after the window", "figures")
    show("login-first: login dialog painted", "login")
    show("login-first: signed in at once, first tab painted", "signed in")
    show(f"login-first: typed ({TYPING_MS} ms), Enter → first tab painted", "after enter")
    if args.compare:
        show(f"app from {args.compare}: first tab painted", "compare")
        show(f"login from {args.compare}: login dialog painted", "compare login")
        show(f"login from {args.compare}: signed in, first tab painted", "compare signed in")
    med = {k: statistics.median(v) for k, v in seen.items()}
    print(f"CPU until the paint, medians: bare {med['bare cpu']:.0f} ms, app {med['app cpu']:.0f} "
          f"ms (ratio {med['app cpu'] / med['bare cpu']:.2f})"
          + (f", compared app {med['compare cpu']:.0f} ms" if args.compare else ""))
    print(f"CPU, login-first: login dialog {med['login cpu']:.0f} ms (ratio "
          f"{med['login cpu'] / med['bare cpu']:.2f}), main window after the sign-in "
          f"{med['signed in cpu']:.0f} ms")
    print(f"ratio login dialog painted / bare (medians): {med['login'] / med['bare']:.2f} "
          f"(target ≤ {TARGET_RATIO:.1f}); signed-in first tab / bare "
          f"{med['signed in'] / med['bare']:.2f}; typed, Enter → first tab / bare "
          f"{med['after enter'] / med['bare']:.2f}")
    print(f"ratio app / bare (medians): {med['app'] / med['bare']:.2f} (target ≤ "
          f"{TARGET_RATIO:.1f})" + (f"; compared app / bare {med['compare'] / med['bare']:.2f}"
                                    if args.compare else "")
          + f"; load average now {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
