"""SQLCipher (encryption at rest) for the SQLite file: what it would cost, measured side by side.

    pip install sqlcipher3          # (0.6.2 and later are self-contained wheels, Windows too)
    python bench/bench_sqlcipher.py [--households 100000] [--db bench/data/bench-100000.db]
                                    [--runs 3] [--opens 15] [--starts 5] [--skip-start]

Needs the ``sqlcipher3`` module (``sqlcipher3`` or ``sqlcipher3-binary`` from PyPI) in the
environment that runs it; the program itself never imports it (docs/ENCRYPTION.md).

Builds (once) the N-household demo like bench/bench_households.py, then two encrypted copies
with ``sqlcipher_export`` (ATTACH … KEY): one keyed with a passphrase (SQLCipher 4's default
key derivation, PBKDF2-HMAC-SHA512 with 256,000 iterations) and one with a raw 256-bit key
(``x'…'``: no key derivation; what a data key unwrapped from a user's password would use).
Then, in one run, alternating the variants so they meet the same machine load:

- *plain (sqlite3)*: the standard library's sqlite3 on the plain file — the program today;
- *plain (sqlcipher3)*: the sqlcipher3 module without a key on the plain file — the same SQLite
  build as the encrypted runs, so the ratios measure the encryption and not a SQLite version;
- *encrypted, raw key* and *encrypted, passphrase*: sqlcipher3 on the encrypted copies.

Measured: (a) opening a connection (connect, key, the program's pragmas, the first query);
(b) the household search — the program's FTS5 trigram query (bench_households.raw_search) and a
LIKE scan of household_search — on a warm connection, p50/p95, and the first search on a fresh
connection (SQLite's page cache empty, the file in the OS cache); a whole-table scan on a
fresh connection (decryption throughput); (c) the program's own path through SQLAlchemy's
``sqlite+pysqlcipher://`` dialect: ``open_database`` + HouseholdService's list and searches, and
the whole GUI start in a fresh process (bench_start.child_app) on each URL; (d) the backup API
(``Connection.backup``) encrypted → encrypted with the same key, and whether the copy opens;
(e) the sizes the one-folder build would carry. Also the argon2id unwrap of a wrapped data key
(the design in docs/ENCRYPTION.md). Ratios are encrypted ÷ plain (sqlcipher3): 1.20 is 20 %
slower. Prints a Markdown block for docs/ENCRYPTION.md.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlcipher3  # noqa: E402  (the point of this bench)
from sqlalchemy import event  # noqa: E402
from sqlalchemy.dialects import registry  # noqa: E402
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite  # noqa: E402

from antq_desktop.db.engine import BUSY_TIMEOUT_MS, _sqlite_pragmas  # noqa: E402
from antq_desktop.text import fold, like_escape  # noqa: E402
from bench.bench_households import build, pct, pick_queries, raw_search  # noqa: E402

PASSPHRASE = "mật khẩu thử của bench"  # a bench's throwaway key
RAW_KEY = hashlib.sha256(b"antq bench data key").hexdigest()  # 256 bits, as hex
RAW_PRAGMA = f"x'{RAW_KEY}'"
FIRST_QUERY = "SELECT version_num FROM alembic_version"  # what open_database reads first

BIG_CACHE = "PRAGMA cache_size=-262144"  # 256 MiB: the hot tables stay decrypted in memory
# name -> (module, file suffix, key as PRAGMA key's value or None, pragmas after the program's)
VARIANTS = {
    "plain (sqlite3)": (sqlite3, "", None, ()),
    "plain (sqlcipher3)": (sqlcipher3, "", None, ()),
    "plain (sqlcipher3), no mmap": (sqlcipher3, "", None, ("PRAGMA mmap_size=0",)),
    "encrypted, raw key": (sqlcipher3, ".enc-raw", RAW_PRAGMA, ()),
    "encrypted, passphrase": (sqlcipher3, ".enc-pass", PASSPHRASE, ()),
    "encrypted, raw key, 256 MiB cache": (sqlcipher3, ".enc-raw", RAW_PRAGMA, (BIG_CACHE,)),
}
BASE = "plain (sqlcipher3)"
# the program's own path (c): SQLAlchemy URLs, so no extra pragmas but the big cache's
APP_NAMES = ["plain (sqlite3)", "plain (sqlcipher3)", "encrypted, raw key",
             "encrypted, passphrase", "encrypted, raw key, 256 MiB cache",
             "encrypted, raw key, QueuePool"]
START_NAMES = APP_NAMES[:4]


def variant_path(plain: Path, suffix: str) -> Path:
    return plain if not suffix else plain.with_name(plain.stem + suffix + ".db")


def quoted(key: str) -> str:
    return '"' + key.replace('"', '""') + '"'


def connect(name: str, plain: Path):
    module, suffix, key, extra = VARIANTS[name]
    con = module.connect(str(variant_path(plain, suffix)), check_same_thread=False)
    if key is not None:
        con.execute(f"PRAGMA key={quoted(key)}")
    _sqlite_pragmas(con, BUSY_TIMEOUT_MS)  # the program's: WAL, 64 MiB cache, 256 MiB mmap
    for pragma in extra:
        con.execute(pragma)
    return con


def export(plain: Path) -> dict[str, float]:
    """The encrypted copies (made once): sqlcipher_export from the plain file."""
    times = {}
    for name in ("encrypted, raw key", "encrypted, passphrase"):
        _, suffix, key, _ = VARIANTS[name]
        target = variant_path(plain, suffix)
        if target.exists() and target.stat().st_mtime >= plain.stat().st_mtime:
            continue
        for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
            leftover.unlink(missing_ok=True)
        start = time.perf_counter()
        con = sqlcipher3.connect(str(plain))
        con.execute(f"ATTACH DATABASE ? AS enc KEY {quoted(key)}", (str(target),))
        con.execute("SELECT sqlcipher_export('enc')")
        con.execute("PRAGMA enc.journal_mode=WAL")
        con.execute("DETACH DATABASE enc")
        con.close()
        times[name] = time.perf_counter() - start
        os.chmod(target, 0o600)
    return times


def check_encrypted(plain: Path) -> list[str]:
    """The encrypted files really are: sqlite3 cannot read them, the wrong key neither."""
    notes = []
    for name in ("encrypted, raw key", "encrypted, passphrase"):
        path = variant_path(plain, VARIANTS[name][1])
        with open(path, "rb") as f:
            head = f.read(16)
        readable = True
        try:
            sqlite3.connect(str(path)).execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError:
            readable = False
        wrong = sqlcipher3.connect(str(path))
        wrong.execute("PRAGMA key='not the key'")
        try:
            wrong.execute("SELECT count(*) FROM sqlite_master").fetchone()
            wrong_ok = True
        except sqlcipher3.DatabaseError:
            wrong_ok = False
        wrong.close()
        notes.append(f"{name}: header is SQLite's: {head.startswith(b'SQLite format 3')}; "
                     f"stdlib sqlite3 reads it: {readable}; a wrong key reads it: {wrong_ok}")
    return notes


# -- (a) open cost --------------------------------------------------------------------------------
def open_once(name: str, plain: Path) -> float:
    start = time.perf_counter()
    con = connect(name, plain)
    con.execute(FIRST_QUERY).fetchall()
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed * 1000


# -- (b) search ---------------------------------------------------------------------------------
def like_scan(con, text: str) -> int:
    pattern = f"%{like_escape(fold(text))}%"
    return con.execute("SELECT count(*) FROM household_search WHERE folded LIKE ? ESCAPE '\\'",
                       (pattern,)).fetchone()[0]


def full_scan(con) -> int:
    """Every resident row read (no index answers it): the decryption throughput."""
    return con.execute("SELECT count(*) FROM resident WHERE full_name LIKE '%zzq%'"
                       " OR notes LIKE '%zzq%'").fetchone()[0]


def timed(fn, *args) -> tuple[float, object, float]:
    """(wall ms, result, this thread's CPU ms): on a shared 2-core machine the CPU time is
    the steadier figure of work done (decryption is CPU work)."""
    cpu, start = time.thread_time(), time.perf_counter()
    result = fn(*args)
    return (time.perf_counter() - start) * 1000, result, (time.thread_time() - cpu) * 1000


# -- (c) the program's path ------------------------------------------------------------------------
class PlainCipherDialect(SQLiteDialect_pysqlite):
    """SQLAlchemy's pysqlite dialect on the sqlcipher3 module without a key: the program's path
    on the plain file with the encrypted runs' SQLite build (``sqlite+pysqlcipher://`` refuses
    an empty key)."""

    supports_statement_cache = True

    @classmethod
    def import_dbapi(cls):
        return sqlcipher3


class KeyedCipherDialect(PlainCipherDialect):
    """The same, keyed from the URL's ``?key=`` before the program's pragmas: an encrypted file
    with the pool the program has today (QueuePool), not pysqlcipher's SingletonThreadPool —
    the way a build would do it (the key set in a connect hook, never in the URL)."""

    supports_statement_cache = True

    def on_connect_url(self, url):
        then = super().on_connect_url(url)
        key = url.query["key"]

        def on_connect(conn):
            conn.execute(f"PRAGMA key={quoted(key)}")
            if then:
                then(conn)

        return on_connect

    def create_connect_args(self, url):
        return super().create_connect_args(url.difference_update_query(["key"]))


registry.register("sqlite.benchcipher", "bench.bench_sqlcipher", "PlainCipherDialect")
registry.register("sqlite.benchcipherkey", "bench.bench_sqlcipher", "KeyedCipherDialect")


def app_url(name: str, plain: Path) -> str:
    if name.endswith(", QueuePool"):
        path = variant_path(plain, VARIANTS[name.removesuffix(", QueuePool")][1]).resolve()
        key = VARIANTS[name.removesuffix(", QueuePool")][2]
        return f"sqlite+benchcipherkey:///{path}?key={quote(key, safe='')}"
    module, suffix, key, _ = VARIANTS[name]
    path = variant_path(plain, suffix).resolve()
    if key is None:
        return f"sqlite:///{path}" if module is sqlite3 else f"sqlite+benchcipher:///{path}"
    return f"sqlite+pysqlcipher://:{quote(key, safe='')}@/{path}"


def app_open(name: str, plain: Path):
    """open_database + the households list (ids, first 200 rows, counts): (db, service, ms)."""
    from antq_desktop.db.engine import open_database
    from antq_desktop.services.households import HouseholdService

    marks = {}
    start = time.perf_counter()
    db = open_database(app_url(name, plain))
    for pragma in VARIANTS.get(name, (0, 0, 0, ()))[3]:  # pooled connection and later ones
        event.listen(db.engine, "connect", lambda con, _rec, sql=pragma: con.execute(sql))
        with db.engine.connect() as conn:
            conn.exec_driver_sql(pragma)
    marks["open_database"] = (time.perf_counter() - start) * 1000
    service = HouseholdService(db)
    t = time.perf_counter()
    ids = service.query_ids("")
    service.rows(ids[:200])
    service.counts()
    marks["list"] = (time.perf_counter() - t) * 1000
    marks["open + list"] = (time.perf_counter() - start) * 1000
    assert db.has_fts, name  # the FTS5 trigram index was found through this driver
    return db, service, marks


def app_search(service, text: str) -> tuple[float, float]:
    """The households tab's search: the ids in display order, the first block of rows
    (wall ms, CPU ms)."""
    cpu, t = time.thread_time(), time.perf_counter()
    found = service.query_ids(text)
    service.rows(found[:200])
    return (time.perf_counter() - t) * 1000, (time.thread_time() - cpu) * 1000


def gui_start(url: str) -> dict[str, float]:
    """The whole program's start in a fresh process (bench_start's child) on ``url``."""
    from bench.bench_start import child_env

    command = [sys.executable, str(Path(__file__).resolve()), "--child-app", url]
    started = time.monotonic()
    done = subprocess.run(command, env=child_env(), capture_output=True, text=True, check=False,
                          stdin=subprocess.DEVNULL, timeout=300)
    if done.returncode != 0 or "painted=" not in done.stdout:
        raise SystemExit(f"start failed ({done.returncode}):\n{done.stderr[-3000:]}")
    marks = dict(item.split("=") for item in done.stdout.split()[-5:] if "=" in item)
    return {k: float(v) * 1000 if k == "_cpu" else (float(v) - started) * 1000
            for k, v in marks.items()}


def cli_run(url: str, *command: str) -> tuple[float, float]:
    """One command line run in a fresh process on ``url``: (wall ms, the child's CPU ms)."""
    import resource

    from bench.bench_start import child_env

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child-cli",
                           "--db", url, *command], env=child_env(), capture_output=True,
                          text=True, check=False, stdin=subprocess.DEVNULL, timeout=600)
    wall = (time.perf_counter() - start) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{command} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000
    return wall, cpu


HEAVY = {  # whole-file work: the integrity check, the ward's year-end summary
    "check (integrity, foreign keys, search index)": ("check",),
    "export yearend-summary --year 2025": ("export", "yearend-summary", "--year", "2025", "-o"),
}
HEAVY_NAMES = ["plain (sqlite3)", "plain (sqlcipher3)", "encrypted, raw key"]


# -- (d) backup ---------------------------------------------------------------------------------
def backup(name: str, plain: Path, target: Path) -> tuple[float, str]:
    module, _, key, _ = VARIANTS[name]
    for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)
    start = time.perf_counter()
    src = connect(name, plain)
    dst = module.connect(str(target))
    if key is not None:
        dst.execute(f"PRAGMA key={quoted(key)}")
    src.backup(dst)
    dst.close()
    src.close()
    elapsed = (time.perf_counter() - start) * 1000
    check = module.connect(str(target))
    if key is not None:
        check.execute(f"PRAGMA key={quoted(key)}")
    try:
        ok = check.execute("PRAGMA quick_check").fetchone()[0]
        n = check.execute("SELECT count(*) FROM household").fetchone()[0]
        state = f"opens, quick_check {ok}, {n:,} households"
    except Exception as exc:  # noqa: BLE001 (reported, not hidden)
        state = f"does not open: {exc}"
    check.close()
    return elapsed, state


def backup_to_plain(plain: Path, target: Path) -> str:
    """The backup API from an encrypted source into an unkeyed target (what the program's
    backup, stdlib sqlite3 on both ends, would have to become): refused or not."""
    target.unlink(missing_ok=True)
    src = connect("encrypted, raw key", plain)
    dst = sqlcipher3.connect(str(target))
    try:
        src.backup(dst)
        result = "copied"
    except Exception as exc:  # noqa: BLE001
        result = f"refused: {type(exc).__name__}: {exc}"
    dst.close()
    src.close()
    target.unlink(missing_ok=True)
    return result


# -- the wrapped data key (design sketch, docs/ENCRYPTION.md) ---------------------------------------
def unwrap_cost(runs: int = 5) -> tuple[float, float]:
    """argon2id with argon2-cffi's default parameters (the program's PasswordHasher): deriving
    64 bytes from a password and a salt — the key-encryption key (XOR pad) and the MAC key of
    a wrapped data key — and the program's own password check, for comparison (ms, medians)."""
    from argon2 import PasswordHasher
    from argon2.low_level import Type, hash_secret_raw

    ph = PasswordHasher()
    salt, data_key = os.urandom(16), os.urandom(32)
    derive = []
    for _ in range(runs):
        t = time.perf_counter()
        material = hash_secret_raw(b"mat khau", salt, time_cost=ph.time_cost,
                                   memory_cost=ph.memory_cost, parallelism=ph.parallelism,
                                   hash_len=64, type=Type.ID)
        pad, mac_key = material[:32], material[32:]
        wrapped = bytes(a ^ b for a, b in zip(data_key, pad))
        tag = hmac.new(mac_key, salt + wrapped, "sha256").digest()
        assert hmac.compare_digest(tag, hmac.new(mac_key, salt + wrapped, "sha256").digest())
        assert bytes(a ^ b for a, b in zip(wrapped, pad)) == data_key
        derive.append((time.perf_counter() - t) * 1000)
    stored = ph.hash("mat khau")
    verify = []
    for _ in range(runs):
        t = time.perf_counter()
        ph.verify(stored, "mat khau")
        verify.append((time.perf_counter() - t) * 1000)
    return statistics.median(derive), statistics.median(verify)


# -- the report -------------------------------------------------------------------------------------
def row(label: str, values: dict[str, float], fmt: str = "{:.1f}") -> str:
    """One Markdown row: each variant's value, and after it its ratio to plain (sqlcipher3)."""
    cells = []
    for n, v in values.items():
        ratio = "" if n == BASE or BASE not in values else f" ({v / values[BASE]:.2f}×)"
        cells.append(fmt.format(v) + ratio)
    return f"| {label} | " + " | ".join(cells) + " |"


def header(label: str, names) -> list[str]:
    return [f"| {label} | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--runs", type=int, default=3, help="passes over the 60 searches")
    parser.add_argument("--opens", type=int, default=15, help="connections opened per variant")
    parser.add_argument("--starts", type=int, default=5, help="GUI starts per variant")
    parser.add_argument("--skip-start", action="store_true", help="no GUI starts (c)")
    parser.add_argument("--skip-heavy", action="store_true", help="no check/export runs (f)")
    parser.add_argument("--child-app", help=argparse.SUPPRESS)
    parser.add_argument("--child-cli", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_cli:
        from antq_desktop import cli

        sys.exit(cli.main(args.child_cli))
    if args.child_app:
        from bench.bench_start import child_app

        child_app(args.child_app)
        return
    plain = (args.db or ROOT / "bench" / "data" / f"bench-{args.households}.db").resolve()
    built = build(plain, args.households)
    exported = export(plain)
    names = list(VARIANTS)
    load = [os.getloadavg()[0]]

    def p(*lines: str) -> None:
        print(*lines, sep="\n", flush=True)

    cipher = sqlcipher3.connect(":memory:")
    cipher_version = cipher.execute("PRAGMA cipher_version").fetchone()[0]
    cipher_sqlite = cipher.execute("SELECT sqlite_version()").fetchone()[0]
    cipher.close()
    from importlib.metadata import version

    dist = next((d for d in ("sqlcipher3", "sqlcipher3-binary") if _has_dist(d)), "?")
    p(f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
      f"stdlib SQLite {sqlite3.sqlite_version}, {dist} {version(dist)} (SQLCipher "
      f"{cipher_version}, SQLite {cipher_sqlite}); load average {load[0]:.2f}")
    p(f"database {plain} ({plain.stat().st_size / 2**20:.0f} MiB)"
      + (f"; demo built in {built:.1f} s" if built else ""))
    for n, s in exported.items():
        p(f"sqlcipher_export → {n}: {s:.1f} s")
    p(*check_encrypted(plain))

    queries = [text for _, text in pick_queries(plain)]

    # (a) open cost, alternating
    opens: dict[str, list[float]] = {n: [] for n in names}
    for n in names:
        open_once(n, plain)  # warm-up: the OS cache, the modules
    for _ in range(args.opens):
        for n in names:
            opens[n].append(open_once(n, plain))
    load.append(os.getloadavg()[0])

    # (b) search on warm connections: one connection per variant, warm-up pass, then passes
    cons = {n: connect(n, plain) for n in names}
    fts: dict[str, list[float]] = {n: [] for n in names}
    fts_cpu: dict[str, list[float]] = {n: [] for n in names}
    like: dict[str, list[float]] = {n: [] for n in names}
    hits = {}
    for n in names:
        hits[n] = [len(raw_search(cons[n], q)) for q in queries]
        for q in queries[:10]:
            like_scan(cons[n], q)
    assert all(h == hits[names[0]] for h in hits.values()), "the variants found different rows"
    for _ in range(args.runs):
        for q in queries:
            for n in names:
                wall, _, cpu = timed(raw_search, cons[n], q)
                fts[n].append(wall)
                fts_cpu[n].append(cpu)
        for q in queries[::3]:
            for n in names:
                like[n].append(timed(like_scan, cons[n], q)[0])
    for con in cons.values():
        con.close()
    load.append(os.getloadavg()[0])

    # (b') the first search on a fresh connection, and a whole-table scan on a fresh connection
    first: dict[str, list[float]] = {n: [] for n in names}
    scan: dict[str, list[float]] = {n: [] for n in names}
    for i in range(max(5, args.runs * 3)):
        for n in names:
            con = connect(n, plain)
            con.execute(FIRST_QUERY).fetchall()
            first[n].append(timed(raw_search, con, queries[i % len(queries)])[0])
            con.close()
            con = connect(n, plain)
            con.execute(FIRST_QUERY).fetchall()
            scan[n].append(timed(full_scan, con)[0])
            con.close()
    load.append(os.getloadavg()[0])

    # (c) the program's path through SQLAlchemy: each round opens every variant, then runs
    # each search on all of them in turn (the same machine load for all)
    app_names = APP_NAMES
    app: dict[str, list[dict]] = {n: [] for n in app_names}
    app_searches: dict[str, list[float]] = {n: [] for n in app_names}
    app_cpu: dict[str, list[float]] = {n: [] for n in app_names}
    for n in app_names:
        app_open(n, plain)[0].dispose()  # warm-up
    for _ in range(args.runs):
        opened = {}
        for n in app_names:
            db, service, marks = app_open(n, plain)
            opened[n] = (db, service)
            app[n].append(marks)
        for q in queries:
            for n in app_names:
                wall, cpu = app_search(opened[n][1], q)
                app_searches[n].append(wall)
                app_cpu[n].append(cpu)
        for db, _ in opened.values():
            db.dispose()
    load.append(os.getloadavg()[0])
    starts: dict[str, list[dict]] = {n: [] for n in START_NAMES}
    start_error = None
    if not args.skip_start:
        try:
            for n in START_NAMES:
                gui_start(app_url(n, plain))  # warm-up
            for _ in range(args.starts):
                for n in START_NAMES:
                    starts[n].append(gui_start(app_url(n, plain)))
        except SystemExit as exc:
            start_error = str(exc)
        load.append(os.getloadavg()[0])

    # (f) whole-file operations through the command line, alternating
    heavy: dict[tuple[str, str], list[tuple[float, float]]] = {}
    if not args.skip_heavy:
        out = plain.with_name("bench-sqlcipher-export.xlsx")
        for _ in range(2):
            for label, command in HEAVY.items():
                extra = (str(out),) if command[-1] == "-o" else ()
                for n in HEAVY_NAMES:
                    heavy.setdefault((label, n), []).append(
                        cli_run(app_url(n, plain), *command, *extra))
        out.unlink(missing_ok=True)
        load.append(os.getloadavg()[0])

    # (d) backup
    tmp = plain.with_name(plain.stem + ".backup-bench.db")
    backups = {}
    for n in ("plain (sqlite3)", "plain (sqlcipher3)", "encrypted, raw key",
              "encrypted, passphrase"):
        backups[n] = backup(n, plain, tmp)
    to_plain = backup_to_plain(plain, tmp)
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    load.append(os.getloadavg()[0])

    derive, verify = unwrap_cost()

    # -- print
    def med(d):
        return {n: statistics.median(v) for n, v in d.items() if v}

    def p95(d):
        return {n: pct(v, 0.95) for n, v in d.items() if v}

    p("", f"load average during the run: {' → '.join(f'{x:.2f}' for x in load)}", "")
    p(*header("measure, ms (× plain (sqlcipher3))", names))
    p(row(f"(a) open: connect + key + pragmas + first query, median of {args.opens}", med(opens)),
      row("(a) open, max", {n: max(v) for n, v in opens.items()}),
      row(f"(b) FTS5 search, warm connection, p50 ({len(fts[BASE])} searches)", med(fts)),
      row("(b) FTS5 search, warm connection, p95", p95(fts)),
      row("(b) FTS5 search, warm connection, CPU p50", med(fts_cpu)),
      row("(b) FTS5 search, warm connection, CPU p95", p95(fts_cpu)),
      row(f"(b) LIKE scan of household_search, warm, p50 ({len(like[BASE])})", med(like)),
      row("(b) LIKE scan of household_search, warm, p95", p95(like)),
      row(f"(b) first FTS5 search on a fresh connection, median of {len(first[BASE])}",
          med(first)),
      row("(b) whole resident table scanned, fresh connection, median", med(scan)))
    p("", *header(f"the program's path, ms, median of {args.runs} (× plain (sqlcipher3))", app_names))
    for key in ("open_database", "list", "open + list"):
        p(row(key, {n: statistics.median(m[key] for m in app[n]) for n in app_names}))
    p(row(f"search, p50 of {len(app_searches[BASE])}", med(app_searches)),
      row("search, p95", p95(app_searches)),
      row("search, CPU p50", med(app_cpu)), row("search, CPU p95", p95(app_cpu)))
    if starts[START_NAMES[0]]:
        p("", *header(f"GUI start in a fresh process, ms, median of {args.starts}", START_NAMES))
        for key, label in (("window", "main window built"), ("painted", "first tab painted"),
                           ("figures", "Tổng quan's figures shown"),
                           ("_cpu", "CPU until the paint")):
            p(row(label, {n: statistics.median(m[key] for m in starts[n]) for n in START_NAMES},
                  "{:.0f}"))
    if start_error:
        p("", "GUI start failed: " + start_error[-1500:])
    if heavy:
        p("", *header("command line, fresh process, ms: best of 2 wall / CPU", HEAVY_NAMES))
        for label in HEAVY:
            walls = {n: min(w for w, _ in heavy[label, n]) for n in HEAVY_NAMES}
            cpus = {n: min(c for _, c in heavy[label, n]) for n in HEAVY_NAMES}
            p(row(f"{label}, wall", walls, "{:.0f}"), row(f"{label}, CPU", cpus, "{:.0f}"))
    p("", "| backup API (Connection.backup), same key on both ends | ms | the copy |",
      "|---|---|---|")
    for n, (ms, state) in backups.items():
        p(f"| {n} | {ms:.0f} | {state} |")
    p(f"encrypted source → unkeyed target: {to_plain}")
    so = Path(sqlcipher3.__file__).parent
    exts = sorted(so.glob("_sqlite3*"))
    p("", "sqlcipher3's extension module(s): " + ", ".join(
        f"{e.name} {e.stat().st_size / 2**20:.1f} MiB" for e in exts))
    p(f"argon2id (argon2-cffi defaults) deriving 64 bytes to unwrap a data key: {derive:.0f} ms; "
      f"the program's password check (PasswordHasher.verify): {verify:.0f} ms")


def _has_dist(name: str) -> bool:
    from importlib.metadata import PackageNotFoundError, version

    try:
        version(name)
    except PackageNotFoundError:
        return False
    return True


if __name__ == "__main__":
    main()
