"""A province store (issue 18): build time, household search inside one ward, one ward's
year-end summary against the same ward in its own SQLite file, and (optional) the province
year-end aggregate, side by side in one run.

    python bench/bench_province.py --url postgresql+psycopg2://antq:antq@localhost/antq_provbench \\
        [--wards 10] [--households 20000] [--ward 1] [--runs 20] [--rebuild] [--aggregate]

1. *build*: services/demo_province.py fills the PostgreSQL store (COPY) with ``--wards`` wards
   of ``--households`` households, when it is empty or was built with other parameters (a
   JSON note beside the SQLite file says how it was built); the time is extrapolated linearly
   to 100 wards × 20,000 households (2,000,000). The same ward ``--ward`` is generated alone
   into its own SQLite file (``--sqlite``).
2. *search*: ``HouseholdService.query_ids`` as a ward account of that ward (names, an address,
   digit strings drawn from the ward's data), beside the very statement it runs (captured)
   executed through a bare psycopg2 cursor; p50 / p95 and the ratio at p95; also the plan
   (``ward index``: the trigram index read with the ward in its condition, migration 0019;
   ``store index``: read for every ward's matches), the bare LIKE inside the ward, and the
   same search without the ward on household_search (the index reads every ward's matches and
   the join drops the other wards': the statement before migration 0019).
3. *year-end*: ``IndicatorService.table`` (the data of the year-end summary, two years, every
   area) and the ``yearend-summary`` form built (data + sheet, not saved), for the ward on the
   province store and on its own SQLite file.
4. ``--aggregate``: the province year-end aggregate (``antq_desktop.reports.forms.province``)
   as a province account, in a fresh process so that its peak memory (ru_maxrss) is its own;
   skipped with a line when the module is not importable (``--aggregate-from DIR``: import it
   from another checkout).

Prints Markdown tables for docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, inspect, select, text  # noqa: E402

from antq_desktop.access import CurrentUser, Role  # noqa: E402
from antq_desktop.db.engine import Database, open_database  # noqa: E402
from antq_desktop.db.models import Household, Resident  # noqa: E402
from antq_desktop.reports import registry  # noqa: E402
from antq_desktop.reports.registry import Params  # noqa: E402
from antq_desktop.services import households as households_module  # noqa: E402
from antq_desktop.services.demo_province import generate_province, ward_counts  # noqa: E402
from antq_desktop.db.search import PG_TRGM_INDEX  # noqa: E402
from antq_desktop.services.households import HouseholdService, Status  # noqa: E402
from antq_desktop.services.indicators import IndicatorService  # noqa: E402
from antq_desktop.text import fold, like_escape  # noqa: E402

FULL_WARDS, FULL_HOUSEHOLDS = 100, 20_000
TARGET_BUILD_S = 15 * 60
TARGET_SEARCH_P95_MS, TARGET_SEARCH_RATIO = 50.0, 2.0
TARGET_YEAREND_RATIO = 2.0
TARGET_AGGREGATE_S, TARGET_AGGREGATE_MB = 30.0, 1024


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _empty_pg(db: Database) -> None:
    with db.engine.begin() as conn:
        tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                          + " RESTART IDENTITY CASCADE"))


def build(db: Database, sqlite: Path, args) -> dict:
    """Build the province store and the ward's own file when they are not as asked."""
    note = sqlite.with_suffix(".json")
    wanted = {"url": db.engine.url.render_as_string(hide_password=True), "wards": args.wards,
              "households": args.households, "seed": args.seed, "ward": args.ward,
              "today": args.today.isoformat()}
    if note.exists() and not args.rebuild:
        done = json.loads(note.read_text())
        if {k: done.get(k) for k in wanted} == wanted and sqlite.exists() \
                and sum(h for h, _ in ward_counts(db).values()) == args.wards * args.households:
            done["reused"] = True
            return done
    _empty_pg(db)
    print(f"building {args.wards} wards × {args.households:,} households …", flush=True)
    load = os.getloadavg()[0]
    start, cpu = time.perf_counter(), time.process_time()
    summary = generate_province(db, wards=args.wards, households=args.households,
                                seed=args.seed, today=args.today)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite}{suffix}").unlink(missing_ok=True)
    own = open_database(f"sqlite:///{sqlite}")
    start = time.perf_counter()
    generate_province(own, wards=args.wards, households=args.households, seed=args.seed,
                      today=args.today, only=[args.ward])
    own_wall = time.perf_counter() - start
    own.dispose()
    done = {**wanted, "build_s": wall, "build_cpu_s": cpu, "load_before": load,
            "load_after": os.getloadavg()[0], "households_built": summary.households,
            "residents": summary.residents, "signups": summary.signups,
            "rehab_cases": summary.rehab_cases, "mediation_cases": summary.mediation_cases,
            "activities": summary.activities, "cert_records": summary.cert_records,
            "own_build_s": own_wall, "built_on": date.today().isoformat()}
    note.write_text(json.dumps(done, indent=1))
    return done


def ward_handle(url: str, unit_id: int) -> Database:
    """The store as a ward account of ``unit_id`` sees it (a clerk, every area of the ward)."""
    handle = open_database(url)
    handle.user = CurrentUser(id=None, name="canbo.bench", display_name="Cán bộ (bench)",
                              role=Role.CLERK, unit_id=unit_id)
    return handle


def search_terms(handle: Database, unit_id: int) -> list[tuple[str, str]]:
    """(kind, text) drawn from the ward's data, as an officer would type them."""
    with handle.engine.connect() as conn:
        def one(code):
            return conn.execute(
                select(Resident.full_name, Resident.id_number, Resident.phone, Household.address)
                .join(Household, Household.id == Resident.household_id)
                .where(Household.unit_id == unit_id, Household.code == code,
                       Resident.id_number.is_not(None), Resident.phone != "")
                .order_by(Resident.id).limit(1)).one()
        name, number, phone, _ = one("HK000100")
        _, _, _, address = one("HK000200")
    street = fold(address.rsplit(", ", 1)[-1]).split(" ", 1)[-1]  # "phố Hàng Bạc" → hang bac
    return [
        ("full name, with diacritics", name),
        ("surname + middle name", "nguyen van"),
        ("full name, without diacritics", "tran thi lan"),
        ("street of an address", street),
        ("ID number", number),
        ("ID prefix (men born 1980 in Hà Nội)", "001080"),
        ("phone prefix, 4 digits", phone[:4]),
        ("4 digits", "0912"),
    ]


def bench_search(url: str, unit_id: int, runs: int) -> list[tuple]:
    handle = ward_handle(url, unit_id)
    service = HouseholdService(handle)
    raw = handle.engine.raw_connection()
    raw.dbapi_connection.autocommit = True  # no transaction left open between the queries
    cur = raw.cursor()
    real_fetch = households_module.fetch_column
    captured: list = []

    def capture(conn, stmt):  # the statement query_ids runs, compiled as it sends it
        compiled = stmt.compile(dialect=conn.dialect)
        captured[:] = [compiled.string, compiled.construct_params()]
        return real_fetch(conn, stmt)

    rows = []
    try:
        for kind, term in search_terms(handle, unit_id):
            households_module.fetch_column = capture
            ids = service.query_ids(term)
            households_module.fetch_column = real_fetch
            sql, params = captured

            def same_sql():
                cur.execute(sql, params)
                return cur.fetchall()

            def bare_like():  # the floor: the LIKE alone, in the ward's index, no order
                cur.execute("SELECT s.household_id FROM household_search s JOIN household h "
                            "ON h.id = s.household_id WHERE s.unit_id = %s AND "
                            "h.moved_out_on IS NULL AND s.folded LIKE %s",
                            (unit_id, f"%{like_escape(fold(term))}%"))
                return cur.fetchall()

            assert [r[0] for r in same_sql()] == ids
            cur.execute("EXPLAIN " + sql, params)
            plan = [r[0] for r in cur.fetchall()]
            at = next((i for i, line in enumerate(plan) if PG_TRGM_INDEX in line), None)
            kind_of_plan = ("no index" if at is None else "ward index"
                            if "unit_id =" in plan[at + 1] else "store index")
            real_match = households_module.search_row_match
            households_module.search_row_match = lambda folded, unit: real_match(folded, None)
            try:
                with handle.engine.connect() as conn:
                    old = service._ids_query(term, None, Status.ACTIVE, "code", False, None)
                    old = old.compile(dialect=conn.dialect)
            finally:
                households_module.search_row_match = real_match
            old_sql, old_params = old.string, old.construct_params()

            def index_plan():  # without the ward on household_search: before migration 0019
                cur.execute(old_sql, old_params)
                return cur.fetchall()

            assert [r[0] for r in index_plan()] == ids
            app, sql_t, like, before = [], [], [], []
            for _ in range(runs):  # interleaved, so that the machine's load hits them all
                app += timed(lambda t=term: service.query_ids(t), 1)
                sql_t += timed(same_sql, 1)
                like += timed(bare_like, 1)
                before += timed(index_plan, 1)
            rows.append((kind, term, len(ids), app, sql_t, like, before, kind_of_plan))
    finally:
        households_module.fetch_column = real_fetch
        raw.close()
        handle.dispose()
    return rows


def bench_yearend(handle: Database, year: int, today: date, runs: int) -> dict:
    form = registry.get("yearend-summary")
    params = Params(year, on=today)
    IndicatorService(handle).table(year, today=today)  # warm
    data = timed(lambda: IndicatorService(handle).table(year, today=today), runs)
    built = timed(lambda: form.build(handle, params), runs)
    return {"data": data, "form": built}


AGGREGATE = r"""
import json, resource, sys, time
from datetime import date
from antq_desktop.access import CurrentUser, Role
from antq_desktop.db.engine import open_database
try:
    from antq_desktop.reports.forms import province
except ImportError as exc:
    print(json.dumps({"skip": str(exc)})); sys.exit(0)
db = open_database(sys.argv[1])
db.user = CurrentUser(id=None, name="tinh.bench", display_name="Công an tỉnh (bench)",
                      role=Role.VIEWER, province=True)
year, today = int(sys.argv[2]), date.fromisoformat(sys.argv[3])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
times = []
for _ in range(int(sys.argv[4])):
    start = time.perf_counter()
    wb = province.province_yearend(db, year, today=today)
    times.append(time.perf_counter() - start)
    rows = wb.active.max_row
    del wb
print(json.dumps({"times": times, "rows": rows, "rss_before_kb": before,
                  "rss_peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def bench_aggregate(url: str, year: int, today: date, runs: int, source: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(source)}
    out = subprocess.run([sys.executable, "-c", AGGREGATE, url, str(year), today.isoformat(),
                          str(runs)], capture_output=True, text=True, env=env, cwd=source)
    if out.returncode != 0:
        return {"skip": out.stderr.strip().splitlines()[-1] if out.stderr else "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--wards", type=int, default=10)
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--ward", type=int, default=1, help="index of the ward measured")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 12, 2))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--yearend-runs", type=int, default=5)
    parser.add_argument("--sqlite", type=Path, default=Path("/tmp/provbench-ward.db"))
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--aggregate", action="store_true")
    parser.add_argument("--aggregate-from", type=Path, default=ROOT)
    args = parser.parse_args()
    db = open_database(args.url)
    done = build(db, args.sqlite.resolve(), args)
    units = sorted(ward_counts(db))
    unit_id = units[args.ward]
    year = args.today.year

    search = bench_search(args.url, unit_id, args.runs)
    ward_pg = ward_handle(args.url, unit_id)
    own = open_database(f"sqlite:///{args.sqlite.resolve()}")
    yearend = {"province store": bench_yearend(ward_pg, year, args.today, args.yearend_runs),
               "own SQLite file": bench_yearend(own, year, args.today, args.yearend_runs)}
    same = (IndicatorService(ward_pg).table(year, today=args.today).ward.figures
            == IndicatorService(own).table(year, today=args.today).ward.figures)
    ward_pg.dispose()
    own.dispose()
    aggregate = (bench_aggregate(args.url, year, args.today, 3, args.aggregate_from.resolve())
                 if args.aggregate else None)

    with db.engine.connect() as conn:
        server = conn.exec_driver_sql("SHOW server_version").scalar()
        totals = conn.execute(select(func.count()).select_from(Household)).scalar(), \
            conn.execute(select(func.count()).select_from(Resident)).scalar()
    db.dispose()
    print()
    print(f"{date.today().isoformat()}, {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, PostgreSQL {server}; load average now "
          f"{' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"store: {len(units)} wards, {totals[0]:,} households, {totals[1]:,} residents; "
          f"measured ward index {args.ward} (unit {unit_id}); today {args.today}")
    print()
    print("#### Build")
    print()
    scale = FULL_WARDS * FULL_HOUSEHOLDS / (done["wards"] * done["households"])
    print("| measure | result | extrapolated to 100 × 20,000 (linear) | target |")
    print("|---|---|---|---|")
    print(f"| province store, {done['wards']} wards × {done['households']:,} households "
          f"({done['residents']:,} residents), PostgreSQL COPY | {done['build_s']:.0f} s "
          f"(CPU of the generator {done['build_cpu_s']:.0f} s; load {done['load_before']:.1f} → "
          f"{done['load_after']:.1f}) | {done['build_s'] * scale / 60:.1f} min | < 15 min |")
    print(f"| the same ward alone into its own SQLite file | {done['own_build_s']:.1f} s | | |")
    if done.get("reused"):
        print(f"\n(store reused: built on {done['built_on']}; figures from that build)")
    print()
    print("#### Household search inside one ward (a ward account)")
    print()
    print("| search | hits | plan | service p50 / p95 ms | same SQL, psycopg2, p50 / p95 ms | "
          "ratio p95 | bare LIKE in the ward p50 / p95 ms | without the ward in the index "
          "(before 0019) p50 / p95 ms |")
    print("|---|---|---|---|---|---|---|---|")
    worst_p95 = worst_ratio = 0.0
    for kind, term, hits, app, sql_t, like, before, plan in search:
        ratio = p95(app) / p95(sql_t)
        worst_p95, worst_ratio = max(worst_p95, p95(app)), max(worst_ratio, ratio)
        print(f"| {kind}: `{term}` | {hits:,} | {plan} | {statistics.median(app):.1f} / "
              f"{p95(app):.1f} | {statistics.median(sql_t):.1f} / {p95(sql_t):.1f} | "
              f"{ratio:.2f} | {statistics.median(like):.1f} / {p95(like):.1f} | "
              f"{statistics.median(before):.1f} / {p95(before):.1f} |")
    print(f"\nworst p95 {worst_p95:.1f} ms (target < {TARGET_SEARCH_P95_MS:.0f}), worst ratio "
          f"{worst_ratio:.2f} (target ≤ {TARGET_SEARCH_RATIO:.0f}); {args.runs} runs each")
    print()
    print("#### One ward's year-end summary")
    print()
    print("| measure (median / best ms) | province store (PostgreSQL) | own SQLite file | ratio |")
    print("|---|---|---|---|")
    for part, label in (("data", "indicator table (2 years, every area)"),
                        ("form", "`yearend-summary` built (data + sheet, not saved)")):
        a, b = yearend["province store"][part], yearend["own SQLite file"][part]
        print(f"| {label} | {statistics.median(a):.0f} / {min(a):.0f} | "
              f"{statistics.median(b):.0f} / {min(b):.0f} | "
              f"{statistics.median(a) / statistics.median(b):.2f} |")
    print(f"\nthe ward's figures on both stores are {'equal' if same else 'DIFFERENT'}")
    print()
    if aggregate is None:
        print("province aggregate: not asked (--aggregate)")
    elif "skip" in aggregate:
        print(f"province aggregate skipped: antq_desktop.reports.forms.province is not "
              f"importable ({aggregate['skip']})")
    else:
        t = aggregate["times"]
        peak_mb = aggregate["rss_peak_kb"] / 1024
        print("#### Province year-end aggregate (a province account, fresh process)")
        print()
        print("| measure | result | extrapolated to 100 wards | target |")
        print("|---|---|---|---|")
        k = FULL_WARDS / len(units)
        print(f"| `province_yearend` workbook, {len(units)} wards ({aggregate['rows']:,} rows), "
              f"median / best of {len(t)} | {statistics.median(t):.1f} / {min(t):.1f} s | "
              f"{statistics.median(t) * k:.0f} s | < {TARGET_AGGREGATE_S:.0f} s |")
        print(f"| peak memory of the process (ru_maxrss; {aggregate['rss_before_kb'] / 1024:.0f} "
              f"MB before the first call) | {peak_mb:.0f} MB | | < {TARGET_AGGREGATE_MB} MB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
