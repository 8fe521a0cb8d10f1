"""Ten officers saving at once (issue 18, concurrent officers): N processes for S seconds, each
saving households and sign-ups through the services, some of them deliberately on the same
records, so that the version check (services/versions.py) refuses the stale ones.

    python bench/bench_concurrent.py --url postgresql+psycopg2://antq:antq@localhost/antq_bench
    python bench/bench_concurrent.py --url sqlite:////tmp/antq-concurrent.db

The database is emptied and a demo ward generated into it first (PostgreSQL: the schema is
dropped; SQLite: the file is replaced). Each worker, in a loop until the deadline:
- 70 %: reads a household (``get``), changes its address to a tag of its own and saves it;
  one time in three the household is one of a few shared ("hot") ones all workers edit;
- 30 %: signs up a household for this year (``sign_up``), hot or its own.

Checked afterwards, from the database:
- no lost save: for every household, the versions that successful saves wrote (read + 1) are
  exactly the versions it went through, each once, and its address is the tag of the save that
  wrote its final version; every successful sign-up is there;
- no refusal without a reason: every refused household save is a StaleRecord with its
  message; a refused sign-up is the unique sign-up message (another officer signed it first);
  any other exception is counted and printed by type.
Prints a Markdown block for docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HOT = 5  # households every worker edits
TAG = " #"  # address = original + TAG + worker-sequence


def prepare(url: str, households: int) -> list[int]:
    from sqlalchemy import create_engine, select, text

    from antq_desktop.config import sqlite_path
    from antq_desktop.db.engine import open_database
    from antq_desktop.db.models import Household
    from antq_desktop.services.demo import generate

    path = sqlite_path(url)
    if path is not None:
        for tail in ("", "-wal", "-shm"):
            Path(str(path) + tail).unlink(missing_ok=True)
    else:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    db = open_database(url)
    try:
        generate(db, households=households, seed=7)
        with db.session() as s:
            return list(s.scalars(select(Household.id).where(Household.moved_out_on.is_(None))
                                  .order_by(Household.id)))
    finally:
        db.dispose()


def worker(url: str, index: int, own: list[int], hot: list[int], start_at: float,
           seconds: float, year: int) -> dict:
    from antq_desktop.db.engine import open_database
    from antq_desktop.services.households import HouseholdService
    from antq_desktop.services.versions import StaleRecord
    from antq_desktop.validation import FieldError

    rng = random.Random(index)
    db = open_database(url)
    service = HouseholdService(db)
    today = date.today()
    out = {"latency": [], "saved": [], "signed": [], "stale": 0, "stale_bad": 0,
           "signup_taken": 0, "refused_other": Counter(), "errors": Counter(), "attempts": 0}
    seq = 0
    while time.time() < start_at:
        time.sleep(0.01)
    deadline = start_at + seconds
    try:
        while time.time() < deadline:
            hid = rng.choice(hot) if rng.random() < 1 / 3 else rng.choice(own)
            seq += 1
            out["attempts"] += 1
            if rng.random() < 0.7:
                data = service.get(hid)
                base = data.address.split(TAG)[0][:150]
                tag = f"{index}-{seq}"
                data.address = f"{base}{TAG}{tag}"
                read = data.version
                began = time.perf_counter()
                try:
                    service.save(data, today=today)
                    out["saved"].append((hid, read + 1, tag))
                except StaleRecord as exc:
                    out["stale"] += 1
                    if "Hồ sơ đã được sửa ở nơi khác" not in str(exc):
                        out["stale_bad"] += 1
                except FieldError as exc:
                    out["refused_other"][f"{exc.field}: {exc.message}"[:80]] += 1
                except Exception as exc:  # noqa: BLE001 - counted and printed by type
                    out["errors"][type(exc).__name__ + ": " + str(exc)[:60]] += 1
                out["latency"].append(time.perf_counter() - began)
            else:
                began = time.perf_counter()
                try:
                    service.sign_up(hid, year, today, today=today)
                    out["signed"].append((hid, year))
                except FieldError as exc:
                    if "đã đăng ký" in exc.message or "đăng ký năm" in exc.message:
                        out["signup_taken"] += 1
                    else:
                        out["refused_other"][f"{exc.field}: {exc.message}"[:80]] += 1
                except Exception as exc:  # noqa: BLE001
                    out["errors"][type(exc).__name__ + ": " + str(exc)[:60]] += 1
                out["latency"].append(time.perf_counter() - began)
    finally:
        db.dispose()
    return out


def verify(url: str, results: list[dict], initial: dict[int, int]) -> dict:
    from sqlalchemy import select

    from antq_desktop.db.engine import open_database
    from antq_desktop.db.models import Household, HouseholdSignup

    db = open_database(url)
    try:
        with db.session() as s:
            final = {hid: (v, a) for hid, v, a in s.execute(
                select(Household.id, Household.version, Household.address))}
            signed = set(s.execute(select(HouseholdSignup.household_id, HouseholdSignup.year)))
    finally:
        db.dispose()
    writes = defaultdict(list)
    for r in results:
        for hid, version, tag in r["saved"]:
            writes[hid].append((version, tag))
    lost = 0
    for hid, done in writes.items():
        versions = sorted(v for v, _t in done)
        v0, (vf, address) = initial[hid], final[hid]
        if versions != list(range(v0 + 1, vf + 1)):
            lost += 1  # two saves at one version, or a version nobody's save explains
            continue
        last_tag = dict(done)[vf]
        if not address.endswith(TAG + last_tag):
            lost += 1
    missing_signups = sum(1 for r in results for key in r["signed"] if key not in signed)
    return {"lost_households": lost, "households_written": len(writes),
            "missing_signups": missing_signups}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--workers", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--households", type=int, default=1000)
    args = parser.parse_args()

    from antq_desktop.db.engine import masked_url, open_database
    from antq_desktop.db.models import Household

    began = time.perf_counter()
    ids = prepare(args.url, args.households)
    print(f"prepared {len(ids)} households in {time.perf_counter() - began:.1f} s", flush=True)
    rng = random.Random(1)
    rng.shuffle(ids)
    hot, rest = ids[:HOT], ids[HOT:]
    slices = [rest[i::args.workers] for i in range(args.workers)]
    db = open_database(args.url)
    from sqlalchemy import select

    with db.session() as s:
        initial = dict(s.execute(select(Household.id, Household.version)).all())
    db.dispose()
    year = date.today().year
    ctx = multiprocessing.get_context("spawn")
    start_at = time.time() + 8  # every worker imported and connected before the clock starts
    with ctx.Pool(args.workers) as pool:
        jobs = [pool.apply_async(worker, (args.url, i, slices[i], hot, start_at, args.seconds,
                                          year)) for i in range(args.workers)]
        results = [j.get() for j in jobs]
    checked = verify(args.url, results, initial)

    latency = sorted(x for r in results for x in r["latency"])
    saves = sum(len(r["saved"]) + len(r["signed"]) for r in results)
    attempts = sum(r["attempts"] for r in results)
    stale = sum(r["stale"] for r in results)
    stale_bad = sum(r["stale_bad"] for r in results)
    taken = sum(r["signup_taken"] for r in results)
    other = sum((r["refused_other"] for r in results), Counter())
    errors = sum((r["errors"] for r in results), Counter())
    p95 = latency[int(0.95 * (len(latency) - 1))] * 1000 if latency else 0
    p50 = statistics.median(latency) * 1000 if latency else 0
    engine = "PostgreSQL" if args.url.startswith("postgresql") else "SQLite (WAL)"
    print(f"""
### {args.workers} concurrent writers, {args.seconds:.0f} s, {engine}

`python bench/bench_concurrent.py --url {masked_url(args.url)} --workers {args.workers} \\
--seconds {args.seconds:.0f} --households {args.households}`
({platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()})

| | |
|---|---|
| attempts (household saves + sign-ups) | {attempts:,} |
| successful saves | {saves:,} ({saves / args.seconds:.1f}/s) |
| save latency p50 / p95 | {p50:.1f} ms / {p95:.1f} ms |
| refused as stale (StaleRecord, with its message) | {stale:,} (without the message: {stale_bad}) |
| sign-up refused: already signed by another officer | {taken:,} |
| other refusals | {sum(other.values())} {dict(other) if other else ''} |
| errors | {sum(errors.values())} {dict(errors) if errors else ''} |
| lost saves (households / sign-ups) | {checked['lost_households']} / {checked['missing_signups']} (over {checked['households_written']} households written) |
""")


if __name__ == "__main__":
    main()
