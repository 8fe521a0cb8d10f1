"""Benchmark: one small household search inside one ward of a PostgreSQL store, through the
service and as the same SQL on a bare psycopg2 cursor, interleaved (docs/PERFORMANCE.md, "A
province store").

    python bench/bench_small_search.py --url postgresql+psycopg2://antq:antq@localhost/STORE \
        [--ward 2] [--term "Vũ Lan Vân"] [--runs 60]

The store is one bench/bench_province.py built. Prints the compile time of the list's
statement and p50 / p95 of both, and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from sqlalchemy.engine import make_url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--ward", type=int, default=2, help="the unit id searched in")
    parser.add_argument("--term", default="Vũ Lan Vân")
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()

    import psycopg2

    from antq_desktop.db.engine import open_database
    from antq_desktop.db.guard import choose_ward
    from antq_desktop.services.households import HouseholdService

    year = date(2026, 12, 2).year
    db = open_database(args.url)
    choose_ward(db, args.ward)
    homes = HouseholdService(db)
    stmt = homes._ids_query(args.term, None, "active", "code", False, year)
    started = time.perf_counter()
    for _ in range(50):
        compiled = stmt.compile(dialect=db.engine.dialect)
    print(f"compiling the list's statement: {(time.perf_counter() - started) / 50 * 1000:.2f} ms")
    url = make_url(args.url)
    raw = psycopg2.connect(dbname=url.database, user=url.username, password=url.password,
                           host=url.host or "localhost", port=url.port or 5432)
    raw.autocommit = True
    cursor = raw.cursor()
    sql, params = compiled.string, compiled.construct_params()
    service, bare = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        ids = homes.query_ids(args.term, year=year)
        service.append(time.perf_counter() - started)
        started = time.perf_counter()
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        bare.append(time.perf_counter() - started)

    def p(values, q):
        return sorted(values)[min(len(values) - 1, int(len(values) * q))] * 1000

    print(f"hits {len(ids)} (raw {len(rows)}); service p50 {statistics.median(service) * 1000:.2f}"
          f" / p95 {p(service, .95):.2f} ms; raw p50 {statistics.median(bare) * 1000:.2f} / p95 "
          f"{p(bare, .95):.2f} ms; ratio p50 {statistics.median(service) / statistics.median(bare):.2f}"
          f", p95 {p(service, .95) / p(bare, .95):.2f}")
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
