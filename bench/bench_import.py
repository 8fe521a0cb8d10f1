"""Import of 10,000 households (40,000 resident rows) into an existing 100,000-household ward.

    python bench/bench_import.py [--households 100000] [--new 10000] [--db bench/data/bench-100000.db]

Builds (once) the demo ward with the demo generator and a workbook of ``--new`` households of
four residents each (an office list: title block, numeric ID numbers, text dates), then
measures on a copy of the ward: plain openpyxl reading the same file (read-only, values only),
the app's reading of it, the dry run and the import (backup included), the peak memory of the
process and whether the progress reached the end. Prints a Markdown block for
docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import platform
import random
import resource
import shutil
import sqlite3
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from antq_desktop.db.engine import open_database  # noqa: E402
from antq_desktop.importing.columns import HOUSEHOLDS  # noqa: E402
from antq_desktop.importing.reader import read_table  # noqa: E402
from antq_desktop.importing.service import Options, run_import  # noqa: E402
from antq_desktop.services.demo import generate  # noqa: E402

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Ngọc", "Hữu"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Lan", "Long", "Mai", "Nam", "Phúc",
         "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Việt", "Yến"]


def build_ward(path: Path, households: int) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    db = open_database(f"sqlite:///{path}")
    generate(db, households=households, seed=2026)
    db.dispose()


def build_workbook(path: Path, ward: Path, count: int) -> int:
    from openpyxl import Workbook

    con = sqlite3.connect(ward)
    areas = [r[0] for r in con.execute("select name from area order by sort_order")]
    # numbers already registered are skipped: the import would rightly refuse them
    taken = {r[0] for r in con.execute("select id_number from resident "
                                       "where id_number is not null")}
    con.close()
    rng = random.Random(11)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách")
    ws.append(["CÔNG AN PHƯỜNG"])
    ws.append(["DANH SÁCH HỘ GIA ĐÌNH, NHÂN KHẨU"])
    ws.append([])
    ws.append(["STT", "Số hộ", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD",
               "Quan hệ với chủ hộ", "Địa chỉ", "Tổ dân phố", "Số điện thoại"])
    n = serial = 0
    for h in range(count):
        code = f"NK{h + 1:06d}"
        area = rng.choice(areas)
        surname = rng.choice(SURNAMES)
        address = f"{rng.randint(1, 300)} ngõ {rng.randint(1, 90)} phố Mới"
        family = [("Chủ hộ", "Nam", rng.randint(1950, 1990)), ("Vợ", "Nữ", rng.randint(1952, 1992)),
                  ("Con", rng.choice(["Nam", "Nữ"]), rng.randint(1995, 2015)),
                  ("Con", rng.choice(["Nam", "Nữ"]), rng.randint(1995, 2020))]
        for relation, sex, year in family:
            n += 1
            serial += 1
            digit = (0 if year < 2000 else 2) + (1 if sex == "Nữ" else 0)
            while f"001{digit}{year % 100:02d}{serial:06d}" in taken:
                serial += 1
            number = int(f"001{digit}{year % 100:02d}{serial:06d}")  # lost its two zeros
            name = f"{surname if relation != 'Vợ' else rng.choice(SURNAMES)} " \
                   f"{'Thị' if sex == 'Nữ' else rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            born = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}"
            phone = f"09{rng.randint(10000000, 99999999)}" if relation == "Chủ hộ" else None
            ws.append([n, code, name.upper(), born, sex, number, relation, address, area,
                       phone])
    wb.save(path)
    return n


def plain_read(path: Path) -> float:
    from openpyxl import load_workbook

    start = time.perf_counter()
    wb = load_workbook(path, read_only=True, data_only=True)
    rows = sum(1 for _ in wb.active.iter_rows(values_only=True))
    wb.close()
    assert rows
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=10_000)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    ward = args.db or ROOT / "bench" / "data" / f"bench-{args.households}.db"
    build_ward(ward, args.households)
    work = ward.parent / "import-work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    book = work / f"import-{args.new}.xlsx"
    rows = build_workbook(book, ward, args.new)
    target = work / "ward.db"
    shutil.copyfile(ward, target)
    db = open_database(f"sqlite:///{target}")  # upgrades the copy to head first

    plain = min(plain_read(book) for _ in range(2))
    start = time.perf_counter()
    table = read_table(book, HOUSEHOLDS)
    read = time.perf_counter() - start
    seen = []

    def progress(done, total, text):
        seen.append((done, total))

    today = date(2026, 6, 1)
    start = time.perf_counter()
    dry = run_import(db, HOUSEHOLDS, table, Options(dry_run=True, today=today), progress)
    dry_s = time.perf_counter() - start
    assert dry.errors == {}, list(dry.errors.items())[:3]
    dry_progress = seen[-1][0] == seen[-1][1] == rows
    seen.clear()
    start = time.perf_counter()
    real = run_import(db, HOUSEHOLDS, table, Options(today=today), progress)
    real_s = time.perf_counter() - start
    assert real.written and real.created == args.new and real.people_created == rows
    real_progress = seen[-1][0] == seen[-1][1] == rows
    db.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nResult, {date.today():%Y-%m-%d}, {platform.machine()}, {platform.system()}, "
          f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}; ward of "
          f"{args.households:,} households, file of {args.new:,} households / {rows:,} rows\n")
    print("| step | time | ratio to plain openpyxl read |")
    print("| --- | --- | --- |")
    print(f"| plain openpyxl, read-only, values only (best of 2) | {plain:.1f} s | 1.0 |")
    print(f"| the app reads the file (header found, rows kept) | {read:.1f} s | "
          f"{read / plain:.1f} |")
    print(f"| dry run (parse, validate, write, roll back) | {dry_s:.1f} s | {dry_s / plain:.1f} |")
    print(f"| import (backup, parse, validate, write, commit) | {real_s:.1f} s | "
          f"{real_s / plain:.1f} |")
    print(f"| peak memory of the process (read + dry run + import) | {peak:.0f} MB | |")
    print(f"| progress reached the last row | dry run {dry_progress}, import {real_progress} | |")


if __name__ == "__main__":
    main()
