"""Make a SQLite database at the first schema revision, for the smoke test's upgrade check.

    python packaging/make_old_db.py build/old.db [--revision 0001]

Run it with the project's venv Python (it uses the app's migrations through alembic, the way a
database made by the first released version looks). It writes the unit (Phường Hoàn Kiếm, Hà
Nội), one residential area and two households with plain SQL, so the data does not depend on
today's models. ``packaging/smoke.py --old-db build/old.db`` then lets the built program upgrade
it and checks the revision and the rows.

The file is made anew each time (an existing one is replaced).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

from alembic import command

from antq_desktop.db.engine import alembic_config, make_engine

UNIT = {
    "province_code": 1,
    "province_name": "Thành phố Hà Nội",
    "ward_code": 70,
    "ward_name": "Phường Hoàn Kiếm",
    "header_superior": "CÔNG AN THÀNH PHỐ HÀ NỘI",
    "header_issuer": "CÔNG AN PHƯỜNG HOÀN KIẾM",
    "place_name": "Phường Hoàn Kiếm",
    "commander_name": "Nguyễn Văn An",
    "commander_title": "Trưởng Công an phường",
}
AREA = "Tổ dân phố số 1"
HOUSEHOLDS = [
    ("HK-0001", "12 Hàng Bạc", "Trần Thị Bình", "binh tran thi", 3, "permanent"),
    ("HK-0002", "5 Hàng Đào", "Lê Văn Cường", "cuong le van", 4, "temporary"),
]


def make(path: Path, revision: str) -> None:
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{path.resolve().as_posix()}")
    try:
        command.upgrade(alembic_config(engine), revision)
    finally:
        engine.dispose()
    conn = sqlite3.connect(path)
    try:
        with conn:
            columns = ", ".join(UNIT)
            marks = ", ".join("?" for _ in UNIT)
            conn.execute(f"INSERT INTO unit ({columns}) VALUES ({marks})", list(UNIT.values()))
            area_id = conn.execute(
                "INSERT INTO area (name, sort_order) VALUES (?, 1)", (AREA,)).lastrowid
            for code, address, head, head_sort, members, kind in HOUSEHOLDS:
                conn.execute(
                    "INSERT INTO household (code, area_id, address, notes, moved_out_reason, "
                    "head_name, head_sort, member_count, residence_kind) "
                    "VALUES (?, ?, ?, '', '', ?, ?, ?, ?)",
                    (code, area_id, address, head, head_sort, members, kind))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        found = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        conn.close()
    print(f"{path}: schema revision {found}, 1 unit, 1 area, {len(HOUSEHOLDS)} households")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="the SQLite file to write")
    parser.add_argument("--revision", default="0001",
                        help="alembic revision to stop at (default: 0001, the first)")
    args = parser.parse_args(argv)
    make(args.path, args.revision)
    return 0


if __name__ == "__main__":
    sys.exit(main())
