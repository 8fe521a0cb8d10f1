"""Command line front door: the GUI by default, admin subcommands for automation."""

from __future__ import annotations

import argparse
import sys

from .config import DB_ENV, resolve_db_url
from .db.engine import DatabaseOpenError, open_database
from .validation import FieldError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="antq-desktop",
        description="ANTQ Desktop — sổ sách phong trào Toàn dân bảo vệ an ninh Tổ quốc.",
    )
    parser.add_argument("--db", metavar="PATH",
                        help=f"tệp cơ sở dữ liệu hoặc URL SQLAlchemy (mặc định: ${DB_ENV} "
                             "hoặc tệp trong thư mục dữ liệu người dùng)")
    sub = parser.add_subparsers(dest="command")
    demo = sub.add_parser("demo", help="điền một phường mẫu vào cơ sở dữ liệu trống")
    demo.add_argument("--households", type=int, default=2000, metavar="N",
                      help="số hộ gia đình (mặc định 2000)")
    demo.add_argument("--seed", type=int, default=2026, help=argparse.SUPPRESS)
    return parser


def _fail(message: str) -> int:
    print(f"antq-desktop: {message}", file=sys.stderr)
    return 1


def run_demo(url: str, households: int, seed: int) -> int:
    from .services.demo import DemoError, generate

    if households < 1:
        return _fail("--households phải lớn hơn 0.")
    try:
        db = open_database(url)
    except DatabaseOpenError as exc:
        return _fail(str(exc))
    try:
        summary = generate(db, households=households, seed=seed)
    except (DemoError, FieldError) as exc:
        return _fail(str(exc))
    finally:
        db.dispose()
    print(summary.describe())
    return 0


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    url = resolve_db_url(args.db)
    if args.command == "demo":
        sys.exit(run_demo(url, args.households, args.seed))
    from .ui.app import run_gui

    sys.exit(run_gui(url))
