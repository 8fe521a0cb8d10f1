"""The import subcommands (docs/IMPORT.md): ``template KIND -o FILE.xlsx`` and
``import KIND FILE [--dry-run] [--mode skip|update|fill] [--errors OUT.xlsx] [--area NAME]
[--sheet NAME] [--partial] [--create-areas]``, plus ``imports`` (the batches) and
``undo-import N``.

Exit codes of ``import``: 0 every row imported (or would be, on a dry run), 1 some rows had
errors (nothing written unless --partial), 2 a file that cannot be read or used.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .importing.columns import KIND_NAMES, KINDS, find_kind


def register(sub) -> None:
    kinds = f"loại dữ liệu: {KIND_NAMES}"
    template = sub.add_parser("template", help="tạo tệp Excel mẫu để nhập dữ liệu")
    template.add_argument("kind", metavar="KIND", help=kinds)
    template.add_argument("-o", "--output", required=True, metavar="FILE.xlsx",
                          help="tệp mẫu cần tạo")
    imp = sub.add_parser("import", help="nhập dữ liệu từ tệp Excel (.xlsx, .xls) hoặc .csv")
    imp.add_argument("kind", metavar="KIND", help=kinds)
    imp.add_argument("file", metavar="FILE", help="tệp cần nhập")
    imp.add_argument("--dry-run", action="store_true",
                     help="chỉ kiểm tra, không ghi gì vào cơ sở dữ liệu")
    imp.add_argument("--mode", choices=("skip", "update", "fill"), default="skip",
                     help="với bản ghi đã có: skip bỏ qua (mặc định), update cập nhật ô có dữ "
                          "liệu, fill chỉ điền ô còn trống")
    imp.add_argument("--errors", metavar="OUT.xlsx",
                     help="ghi các dòng lỗi (kèm cột “Lỗi”) ra tệp này")
    imp.add_argument("--area", metavar="NAME",
                     help="khu dân cư cho các dòng không ghi khu dân cư")
    imp.add_argument("--sheet", metavar="NAME", help="trang tính cần đọc (mặc định: tự tìm)")
    imp.add_argument("--partial", action="store_true",
                     help="vẫn nhập các dòng không lỗi khi có dòng lỗi")
    imp.add_argument("--create-areas", action="store_true",
                     help="tự tạo khu dân cư chưa có (mặc định: báo lỗi)")
    sub.add_parser("imports", help="liệt kê các lần nhập dữ liệu")
    und = sub.add_parser("undo-import", help="hoàn tác một lần nhập (xóa bản ghi nó tạo nếu "
                                             "chưa bị sửa)")
    und.add_argument("batch", metavar="N", type=int, help="số của lần nhập (xem lệnh imports)")


COMMANDS = ("template", "import", "imports", "undo-import")


def _fail(message: str, code: int = 1) -> int:
    print(f"antq-desktop: {message}", file=sys.stderr)
    return code


def _kind(name: str):
    try:
        return find_kind(name)
    except KeyError:
        return None


def run(url: str, args: argparse.Namespace) -> int:
    if args.command == "template":
        return run_template(args)
    if args.command == "import":
        return run_import(url, args)
    if args.command == "imports":
        return run_imports(url)
    return run_undo(url, args.batch)


def run_template(args) -> int:
    from .importing.workbooks import write_template

    kind = _kind(args.kind)
    if kind is None:
        return _fail(f"Không có loại dữ liệu “{args.kind}” (chọn một trong: {KIND_NAMES}).", 2)
    output = Path(args.output).expanduser()
    if output.suffix.lower() != ".xlsx":
        return _fail(f"Tệp mẫu phải có đuôi .xlsx: {output}", 2)
    try:
        write_template(kind, output)
    except OSError as exc:
        return _fail(f"Không ghi được tệp {output}: {exc.strerror or exc}.", 2)
    print(output.resolve())
    return 0


def _open(url: str):
    from .cli import database_problem
    from .db.engine import DatabaseOpenError, open_database

    problem = database_problem(url)  # a mistyped --db is refused, never created
    if problem is not None:
        raise DatabaseOpenError(problem)
    return open_database(url)


def run_import(url: str, args) -> int:
    from .db.engine import DatabaseOpenError, database_error_message
    from .importing.reader import ReadError, read_table
    from .importing.service import MappingError, Options
    from .importing.service import run_import as do_import
    from .importing.workbooks import write_errors
    from .services.backup import BackupError

    kind = _kind(args.kind)
    if kind is None:
        return _fail(f"Không có loại dữ liệu “{args.kind}” (chọn một trong: {KIND_NAMES}).", 2)
    try:
        table = read_table(Path(args.file).expanduser(), kind, args.sheet)
    except ReadError as exc:
        return _fail(str(exc), 2)
    try:
        db = _open(url)
    except DatabaseOpenError as exc:
        return _fail(str(exc), 2)
    try:
        report = do_import(db, kind, table, Options(
            mode=args.mode, dry_run=args.dry_run, partial=args.partial, area=args.area,
            create_areas=args.create_areas))
    except MappingError as exc:
        return _fail(str(exc), 2)
    except BackupError as exc:
        return _fail(f"Chưa nhập gì: không sao lưu được trước khi nhập. {exc}", 2)
    except Exception as exc:
        message = database_error_message(exc, url)
        if message is None:
            raise
        return _fail(message, 2)
    finally:
        db.dispose()
    for line in report.lines():
        print(line)
    problems = report.problem_rows()
    for number, message in list(problems.items())[:20]:
        print(f"  Dòng {number}: {message}", file=sys.stderr)
    if len(problems) > 20:
        print(f"  … và {len(problems) - 20} dòng khác.", file=sys.stderr)
    if args.errors and problems:
        try:
            path = write_errors(table, report, Path(args.errors).expanduser())
            print(f"Các dòng lỗi: {path.resolve()}")
        except OSError as exc:
            return _fail(f"Không ghi được tệp lỗi {args.errors}: {exc.strerror or exc}.", 1)
    if report.written:
        print(f"Lần nhập số {report.batch_id}; hoàn tác: antq-desktop undo-import "
              f"{report.batch_id}")
    return 0 if report.ok else 1


def run_imports(url: str) -> int:
    from .db.engine import DatabaseOpenError
    from .importing.service import batches

    try:
        db = _open(url)
    except DatabaseOpenError as exc:
        return _fail(str(exc))
    try:
        found = batches(db)
    finally:
        db.dispose()
    if not found:
        print("Chưa có lần nhập nào.")
    for b in found:
        state = f"đã hoàn tác {b.undone_at:%d/%m/%Y %H:%M}" if b.undone_at else ""
        kind = KINDS.get(b.kind)
        label = kind.label if kind else b.kind
        second = f", {b.people_created} {kind.second_noun.lower()} mới" if (
            kind and kind.second_noun) else ""
        print(f"{b.id}\t{b.imported_at:%d/%m/%Y %H:%M}\t{label}\t{b.file_name}\t"
              f"{b.created} mới, {b.updated} cập nhật{second}\t{state}")
    return 0


def run_undo(url: str, batch_id: int) -> int:
    from .db.engine import DatabaseOpenError
    from .importing.service import MappingError, undo
    from .services.backup import BackupError

    try:
        db = _open(url)
    except DatabaseOpenError as exc:
        return _fail(str(exc))
    try:
        lines = undo(db, batch_id)
    except (MappingError, BackupError) as exc:
        return _fail(str(exc))
    finally:
        db.dispose()
    for line in lines:
        print(line)
    return 0
