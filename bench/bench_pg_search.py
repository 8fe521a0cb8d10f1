"""Household search on PostgreSQL: the service's search (LIKE on the folded text, answered by the
pg_trgm GIN index of migration 0015) beside the same query as raw SQL through psycopg2, and
beside the service with the index dropped (what the search cost before it).

    python bench/bench_pg_search.py --url postgresql+psycopg2://antq:antq@localhost/antq_bench \\
        [--households 100000] [--runs 30]

The database must exist and be empty at first run (the demo ward is generated into it, and its
build time printed); later runs reuse it. Prints a Markdown block for docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from antq_desktop.db.engine import open_database  # noqa: E402
from antq_desktop.db.models import Household  # noqa: E402
from antq_desktop.db.search import PG_TRGM_INDEX  # noqa: E402
from antq_desktop.services.demo import generate  # noqa: E402
from antq_desktop.services.households import HouseholdService  # noqa: E402
from antq_desktop.text import fold, like_escape  # noqa: E402

TERMS = ["nguyen van", "tran thi lan", "hang bac", "0912", "001080", "le minh tuan", "pho so 3"]


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    db = open_database(args.url)
    with db.session() as s:
        have = s.scalar(select(func.count()).select_from(Household))
    if not have:
        start = time.perf_counter()
        generate(db, households=args.households, seed=2026)
        print(f"built {args.households} households in {time.perf_counter() - start:.0f} s")
    service = HouseholdService(db)
    raw = db.engine.raw_connection()
    raw.dbapi_connection.autocommit = True  # no transaction left open between the queries
    cur = raw.cursor()

    def raw_query(term: str):
        cur.execute("SELECT household_id FROM household_search WHERE folded LIKE %s",
                    (f"%{like_escape(fold(term))}%",))
        return cur.fetchall()

    rows = []
    for phase in ("index", "no index"):
        if phase == "no index":
            with db.engine.begin() as conn:
                conn.exec_driver_sql(f"DROP INDEX IF EXISTS {PG_TRGM_INDEX}")
        for term in TERMS:
            service.query_ids(term)  # warm
            app = timed(lambda t=term: service.query_ids(t), args.runs)
            sql = timed(lambda t=term: raw_query(t), args.runs)
            rows.append((phase, term, len(service.query_ids(term)), statistics.median(app),
                         p95(app), statistics.median(sql), p95(sql)))
    with db.engine.begin() as conn:  # put the index back as the migration made it
        conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {PG_TRGM_INDEX} ON household_search "
                             "USING gin (unit_id, folded gin_trgm_ops)")  # migration 0019
    with db.session() as s:
        households = s.scalar(select(func.count()).select_from(Household))
    print(f"\n{households} households; {platform.machine()}, {platform.python_version()}, "
          f"PostgreSQL {raw.dbapi_connection.server_version}\n")
    print("| index | search | hits | service p50 / p95 ms | raw SQL p50 / p95 ms | ratio p95 |")
    print("|---|---|---|---|---|---|")
    for phase, term, hits, a50, a95, s50, s95 in rows:
        print(f"| {phase} | `{term}` | {hits} | {a50:.1f} / {a95:.1f} | {s50:.1f} / {s95:.1f} | "
              f"{a95 / s95:.2f} |")
    raw.close()
    db.dispose()


if __name__ == "__main__":
    main()
