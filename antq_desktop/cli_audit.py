"""The audit subcommand (docs/AUDIT.md): ``audit [--since DD/MM/YYYY] [--user NAME]
-o FILE.xlsx`` writes the audit trail (newest first, one line per changed field) to a workbook."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path

COMMANDS = ("audit",)


def register(sub) -> None:
    audit = sub.add_parser("audit", help="xuất nhật ký thao tác (ai làm gì, lúc nào) ra tệp "
                                         "Excel")
    audit.add_argument("--since", metavar="DD/MM/YYYY", help="chỉ các thao tác từ ngày này")
    # after the command, --user filters the trail; before it, it is the login (cli_users.py)
    audit.add_argument("--user", dest="actor", metavar="NAME",
                       help="chỉ các thao tác của người dùng này")
    audit.add_argument("-o", "--output", required=True, metavar="FILE.xlsx",
                       help="tệp kết quả (.xlsx)")


def _fail(message: str) -> int:
    print(f"antq-desktop: {message}", file=sys.stderr)
    return 1


def _day(text: str) -> date | None:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def run(url: str, args: argparse.Namespace) -> int:
    from .cli import open_for_command
    from .services import audit

    since = None
    if args.since:
        since = _day(args.since)
        if since is None:
            return _fail(f"--since: “{args.since}” không phải ngày hợp lệ (dạng dd/mm/yyyy).")
    out = Path(args.output)
    if out.suffix.lower() != ".xlsx":
        return _fail(f"Tệp kết quả phải có đuôi .xlsx: {out}")
    db = open_for_command(url)
    if isinstance(db, int):
        return db
    try:
        found = audit.entries(db, audit.Filter(user=args.actor or None, since=since))
        try:
            audit.write_xlsx(found, out)
        except audit.AuditExportError as exc:
            return _fail(str(exc))
        audit.record_now(db, "export", "report", None, None, form="audit",
                         params={"since": since, "user": args.actor}, file=out.name,
                         rows=len(found))
    finally:
        db.dispose()
    print(f"Đã ghi {len(found)} thao tác vào {out}.")
    return 0
