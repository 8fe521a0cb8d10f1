"""Command line front door: the GUI by default, admin subcommands for automation."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import NoReturn

from .config import DB_ENV, resolve_db_url
from .validation import FieldError

# SQLAlchemy (db.engine, the models) is imported by the commands that open a database, not
# here: the windowed program may show its login dialog before it (ui/opening.py)

# argparse's own messages, in Vietnamese (the pattern of each English message, its wording)
_ARGPARSE_MESSAGES = [
    (r"the following arguments are required: (.+)", "thiếu tham số bắt buộc: {0}"),
    (r"unrecognized arguments: (.+)", "tham số không dùng được: {0}"),
    (r"argument (\S+): invalid choice: (.+?) \(choose from (.+)\)",
     "tham số {0}: không có lựa chọn {1} (chọn một trong: {2})"),
    (r"argument (\S+): invalid int value: (.+)", "tham số {0}: {1} không phải là một số"),
    (r"argument (\S+): expected one argument", "tham số {0} cần một giá trị"),
]


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help with its "usage:" heading in Vietnamese."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "Cách dùng: " if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """argparse with its help headings, help line and errors in Vietnamese; an error is one
    line, exit 2. Subcommands are Parsers too (add_subparsers(parser_class=Parser))."""

    def __init__(self, *args, **kwargs):
        kwargs["add_help"] = False
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "tham số"  # "positional arguments:"
        self._optionals.title = "tùy chọn"  # "options:"
        self.add_argument("-h", "--help", action="help", help="xem hướng dẫn này")

    def error(self, message: str) -> NoReturn:
        for pattern, wording in _ARGPARSE_MESSAGES:
            found = re.fullmatch(pattern, message)
            if found:
                message = wording.format(*found.groups())
                break
        self.exit(2, f"{self.prog}: {message}\nXem hướng dẫn: {self.prog} --help\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="antq-desktop",
        description="ANTQ Desktop — sổ sách phong trào Toàn dân bảo vệ an ninh Tổ quốc.",
    )
    parser.add_argument("--db", metavar="PATH",
                        help=f"tệp cơ sở dữ liệu hoặc URL SQLAlchemy (mặc định: ${DB_ENV} "
                             "hoặc tệp trong thư mục dữ liệu người dùng)")
    sub = parser.add_subparsers(dest="command", parser_class=Parser, metavar="LỆNH",
                                title="các lệnh")
    demo = sub.add_parser("demo", help="điền một phường mẫu vào cơ sở dữ liệu trống")
    demo.add_argument("--households", type=int, default=2000, metavar="N",
                      help="số hộ gia đình (mặc định 2000)")
    demo.add_argument("--seed", type=int, default=2026, help=argparse.SUPPRESS)
    sub.add_parser("forms", help="liệt kê các biểu mẫu báo cáo: mã và tên")
    export = sub.add_parser("export", help="xuất một biểu mẫu báo cáo ra tệp Excel (.xlsx) "
                                           "hoặc PDF (.pdf, với biểu in được)")
    export.add_argument("form", metavar="FORM", help="mã biểu mẫu (xem lệnh forms)")
    export.add_argument("--year", required=True, metavar="YYYY", help="năm báo cáo")
    export.add_argument("--quarter", metavar="Q", help="quý 1–4 (với biểu lập theo quý)")
    export.add_argument("--area", metavar="NAME_OR_ID",
                        help="tên hoặc mã số khu dân cư (với biểu lập theo khu)")
    export.add_argument("--category", metavar="LOẠI",
                        help="loại đơn vị (với danh sách công nhận “An toàn về an ninh, trật "
                             "tự”): area, agency, enterprise, school, ward hoặc tên tiếng Việt "
                             "như “khu dân cư”")
    export.add_argument("--unit", action="append", metavar="TÊN_HOẶC_MÃ",
                        help="đơn vị “An toàn về an ninh, trật tự” (tên hoặc mã số; với giấy tờ "
                             "xét công nhận, ví dụ cert-certificate); ghi nhiều lần để chọn "
                             "nhiều đơn vị")
    export.add_argument("--date", metavar="DD/MM/YYYY",
                        help="ngày ghi trên văn bản (mặc định: hôm nay)")
    export.add_argument("--number", metavar="SỐ",
                        help="số văn bản sau “Số:”, ví dụ “12/BC-CAP” (mặc định: để trống "
                             "để ghi tay)")
    export.add_argument("--full-ids", action="store_true",
                        help="in đầy đủ số định danh cá nhân (mặc định: 4 số cuối)")
    export.add_argument("-o", "--output", required=True, metavar="FILE.xlsx|FILE.pdf|FILE.docx",
                        help="tệp kết quả: .xlsx, hoặc .pdf với biểu in được; .docx (hoặc .pdf "
                             "qua LibreOffice) với văn bản Word")
    backup = sub.add_parser("backup", help="sao lưu cơ sở dữ liệu ngay (bản sao được kiểm tra; "
                                           "PostgreSQL: bằng pg_dump)")
    backup.add_argument("-o", "--output", metavar="DIR",
                        help="thư mục nhận bản sao lưu (mặc định: thư mục sao lưu đã cài đặt)")
    backups = sub.add_parser("backups", help="liệt kê các bản sao lưu: ngày, số liệu, "
                                             "dung lượng, tệp")
    backups.add_argument("-d", "--dir", metavar="DIR",
                         help="thư mục sao lưu cần xem (mặc định: thư mục đã cài đặt)")
    restore = sub.add_parser("restore", help="khôi phục cơ sở dữ liệu từ một bản sao lưu "
                                             "(dữ liệu hiện tại được sao lưu trước)")
    restore.add_argument("file", metavar="FILE",
                         help="tệp sao lưu (.db; với PostgreSQL: tệp .dump của pg_dump)")
    sub.add_parser("check", help="kiểm tra cơ sở dữ liệu: toàn vẹn, khóa ngoại, chỉ mục tìm "
                                 "kiếm, các quy tắc của sổ sách")
    from . import cli_audit, cli_import, cli_transfer, cli_users, cli_ward

    cli_import.register(sub)
    cli_audit.register(sub)
    cli_transfer.register(sub)
    cli_users.register(parser, sub)
    cli_ward.register(parser)  # the global --unit (the ward a command works in)
    return parser


def _fail(message: str) -> int:
    print(f"antq-desktop: {message}", file=sys.stderr)
    return 1


def run_demo(url: str, households: int, seed: int) -> int:
    from .db.engine import (
        BUSY_MESSAGE,
        DatabaseOpenError,
        database_error_message,
        is_busy,
        open_database,
    )
    from .services.demo import DemoError, generate

    if households < 1:
        return _fail("--households phải lớn hơn 0.")
    try:
        db = open_database(url)
    except DatabaseOpenError as exc:
        return _fail(str(exc))
    try:
        if is_busy(db):  # another program is writing: say so now, not after a long wait
            return _fail(f"{BUSY_MESSAGE} Chưa ghi dữ liệu mẫu nào.")
        summary = generate(db, households=households, seed=seed)
    except (DemoError, FieldError) as exc:
        return _fail(str(exc))
    except Exception as exc:
        message = database_error_message(exc, url)
        if message is None:
            raise
        return _fail(f"{message} Chưa ghi dữ liệu mẫu nào.")
    finally:
        db.dispose()
    print(summary.describe())
    return 0


def run_forms() -> int:
    """The forms of the signed-in account (--user): a province account's province forms, else
    the ward's forms, with a last line saying how to see the province forms."""
    from .access import CURRENT_USER
    from .reports import registry

    user = CURRENT_USER.get()
    forms = registry.forms_for(user, word=True)
    if not forms:
        print("Chưa có biểu mẫu báo cáo nào.")
    for form in forms:
        print(f"{form.id}\t{form.title}")
    if not user.province and registry.province_forms():
        print("(Các biểu tổng hợp cấp tỉnh chỉ liệt kê cho tài khoản cấp tỉnh: antq-desktop "
              "--db … --user TÊN forms.)")
    return 0


def _whole_number(text: str | None, label: str) -> int | None:
    if text is None:
        return None
    try:
        return int(text.strip())
    except ValueError:
        raise ValueError(f"{label} “{text}” không hợp lệ: phải là một số.") from None


def _document_date(text: str | None):
    from .validation import parse_date

    if text is None:
        return None
    try:
        return parse_date(text) or None
    except ValueError as exc:
        raise ValueError(f"Ngày văn bản (--date): {exc}") from None


def _find_area(db, wanted: str) -> int:
    from .services.unit import UnitService
    from .text import fold

    areas = UnitService(db).areas(include_retired=True)
    key = wanted.strip()
    for area in areas:
        if key.isdigit() and area.id == int(key):
            return area.id
    for area in areas:
        if fold(area.name) == fold(key):
            return area.id
    raise ValueError(f"Không có khu dân cư “{wanted}”.")


def _find_category(wanted: str):
    """A CertCategory by its code ("agency") or its Vietnamese label, without diacritics or
    capitals ("co quan", "Cơ quan")."""
    from .enums import CertCategory
    from .text import fold

    key = fold(wanted)
    for category in CertCategory:
        if key in (category.value, fold(category.label)):
            return category
    choices = ", ".join(f"{c.value} ({c.label.lower()})" for c in CertCategory)
    raise ValueError(f"Không có loại đơn vị “{wanted}”: chọn một trong {choices}.")


def _find_units(db, wanted: list[str], year: int) -> tuple[int, ...]:
    """Certified units by id or by name (without regard to diacritics)."""
    from .services.certification import CertificationService
    from .text import fold

    rows = CertificationService(db).year_rows(year)
    found = []
    for name in wanted:
        key = name.strip()
        match = [r for r in rows if (key.isdigit() and r.unit_id == int(key))
                 or fold(r.name) == fold(key)]
        if not match:
            raise ValueError(f"Không có đơn vị “{name}” trong danh sách xét công nhận năm "
                             f"{year}.")
        found.append(match[0].unit_id)
    return tuple(found)


def run_export(url: str, args: argparse.Namespace) -> int:
    from pathlib import Path

    from .db.engine import DatabaseOpenError, database_error_message, open_database
    from .reports import registry
    from .reports.export import NOT_WORD, WORD_ONLY, export_docx, export_pdf, export_xlsx

    output = Path(args.output).expanduser()
    suffix = output.suffix.lower()
    if suffix not in (".xlsx", ".pdf", ".docx"):
        return _fail(f"Tệp kết quả phải có đuôi .xlsx, .docx hoặc .pdf: {output}")
    try:
        year = _whole_number(args.year, "Năm")
        quarter = _whole_number(args.quarter, "Quý")
        category = _find_category(args.category) if args.category is not None else None
        on = _document_date(args.date)
        form = registry.get(args.form)
        form.check(registry.Params(year=year, quarter=quarter, category=category, on=on,
                                   number=args.number, full_ids=args.full_ids))
        if args.area is not None and not form.takes_area:
            raise registry.ReportError(registry.NO_AREA.format(title=form.title))
        if not form.dated and (args.date is not None or args.number is not None):
            raise registry.ReportError(f"Biểu “{form.title}” không ghi ngày và số văn bản: bỏ "
                                       "--date và --number.")
        if args.unit and not form.takes_unit:
            raise registry.ReportError(f"Biểu “{form.title}” không lập riêng cho từng đơn vị.")
        if suffix not in form.suffixes:
            raise registry.ReportError((WORD_ONLY if form.is_word else NOT_WORD if
                                        suffix == ".docx" else registry.NOT_PRINTABLE)
                                       .format(title=form.title))
    except (ValueError, registry.ReportError) as exc:
        return _fail(str(exc))
    missing = database_problem(url)
    if missing is not None:  # a mistyped --db: never create an empty database to export from
        return _fail(missing)
    try:
        db = open_database(url)
    except DatabaseOpenError as exc:
        return _fail(str(exc))
    try:
        area_id = _find_area(db, args.area) if args.area is not None else None
        units = _find_units(db, args.unit, year) if args.unit else ()
        params = registry.Params(year=year, quarter=quarter, area_id=area_id,
                                 category=category, on=on, number=args.number,
                                 full_ids=args.full_ids, units=units)
        if form.is_word:
            path = (export_docx if suffix == ".docx" else export_pdf)(db, form.id, params,
                                                                      output)
        elif suffix == ".pdf":
            from .qtcheck import start_problem

            problem = start_problem("offscreen")
            if problem is not None:
                return _fail(problem)
            from .reports.printing import ensure_gui_app

            ensure_gui_app()
            path = export_pdf(db, form.id, params, output)
        else:
            path = export_xlsx(db, form.id, params, output)
    except (ValueError, registry.ReportError, FieldError) as exc:
        return _fail(str(exc))
    except Exception as exc:
        message = database_error_message(exc, url)
        if message is None:
            raise
        return _fail(message)
    finally:
        db.dispose()
    print(path.resolve())
    return 0


def database_problem(url: str) -> str | None:
    """Why a command that works on an existing database (export, check, backup, backups,
    restore, import) refuses ``url``, as one Vietnamese line; None when it may go on.

    An unknown scheme or a missing driver; for SQLite, a file that does not exist (a mistyped
    --db: these commands never create one) or is empty (zero bytes: not a database yet)."""
    from .config import sqlite_path
    from .db.engine import file_state, url_problem

    problem = url_problem(url)
    if problem is not None:
        return problem
    state = file_state(url)
    path = sqlite_path(url)
    if state == "missing":
        return (f"Không có cơ sở dữ liệu {path}. Hãy kiểm tra đường dẫn --db (lệnh này không "
                "tạo cơ sở dữ liệu mới).")
    if state == "empty":
        return (f"Tệp {path} trống (0 byte), chưa phải là cơ sở dữ liệu. Hãy kiểm tra đường dẫn "
                "--db, hoặc khôi phục từ bản sao lưu.")
    if state == "folder":
        return f"{path} là một thư mục, không phải tệp cơ sở dữ liệu."
    return None



def open_for_command(url: str):
    """The database a command works on, or the exit code once the reason is printed (a
    missing, damaged or locked file, a server not reached)."""
    from .db.engine import DatabaseOpenError, open_database

    problem = database_problem(url)
    if problem is not None:
        return _fail(problem)
    try:
        return open_database(url)
    except DatabaseOpenError as exc:
        return _fail(str(exc))

def _existing_file(url: str) -> Path | str:
    """The SQLite file of ``url``, or the one-line message why the backup commands refuse it."""
    from .config import sqlite_path
    from .services.backup import POSTGRES_MESSAGE

    if url.startswith("postgresql"):  # whatever its driver: the server's own tools
        return POSTGRES_MESSAGE
    problem = database_problem(url)
    if problem is not None:
        return problem
    path = sqlite_path(url)
    if path is None:
        return POSTGRES_MESSAGE
    return path


def _open_server(url: str):
    """A PostgreSQL database for backup, backups and restore, not upgraded (a backup is taken
    as the data is); or the one-line message why not."""
    from .db.engine import DatabaseOpenError, open_database

    problem = database_problem(url)
    if problem is not None:
        return problem
    try:
        return open_database(url, upgrade=False)
    except DatabaseOpenError as exc:
        return str(exc)


def run_server_backup(url: str, output: str | None) -> int:
    from .services.backup import BackupError, backup_server, require_tools

    try:
        require_tools("sao lưu", "pg_dump", "pg_restore")
    except BackupError as exc:
        return _fail(str(exc))
    db = _open_server(url)
    if isinstance(db, str):
        return _fail(db)
    try:
        made = backup_server(db, folder=Path(output).expanduser() if output else None)
    except BackupError as exc:
        return _fail(str(exc))
    finally:
        db.dispose()
    print(f"Đã sao lưu (pg_dump) và kiểm tra: {made.describe_counts()}.")
    print(made.path)
    return 0


def run_server_backups(url: str, folder_arg: str | None) -> int:
    from sqlalchemy.engine import make_url

    from .services.backup import describe, list_backups, server_folder

    db = _open_server(url)
    if isinstance(db, str):
        return _fail(db)
    try:
        folder = Path(folder_arg).expanduser() if folder_arg else server_folder(db)
    finally:
        db.dispose()
    found = list_backups(folder, None if folder_arg else make_url(url).database)
    return _print_backups(found, folder, describe)


def _print_backups(found, folder: Path, describe) -> int:
    """The ``backups`` listing, of a file's or a server database's backups."""
    if not found:
        print(f"Chưa có bản sao lưu nào trong thư mục {folder}.")
    for b in found:
        print(describe(b))
    return 0


def run_server_restore(url: str, file: str) -> int:
    from .db.engine import DatabaseOpenError, open_database
    from .services.backup import BackupError, require_tools, restore_server

    try:
        require_tools("khôi phục", "pg_restore", "psql", "pg_dump")
    except BackupError as exc:
        return _fail(str(exc))
    db = _open_server(url)
    if isinstance(db, str):
        return _fail(db)
    try:
        result = restore_server(db, Path(file))
    except BackupError as exc:
        return _fail(str(exc))
    finally:
        db.dispose()
    try:  # upgrades a dump of an older schema
        open_database(url).dispose()
    except DatabaseOpenError as exc:
        return _fail(str(exc))
    print(result.describe())
    return 0


def run_backup(url: str, output: str | None) -> int:
    from .services.backup import (
        BackupError,
        backup_file,
        clean_partial,
        folder_for,
        prune,
        read_settings_file,
        secure_database,
    )

    if url.startswith("postgresql"):
        return run_server_backup(url, output)
    path = _existing_file(url)
    if isinstance(path, str):
        return _fail(path)
    settings = read_settings_file(path)
    folder = Path(output).expanduser() if output else folder_for(path, settings)
    try:
        clean_partial(path, folder)
        secure_database(path)
        made = backup_file(path, folder)
        if not output:  # a folder named for one backup is the user's: nothing deleted there
            prune(folder, path.stem, made.created, settings.size_cap_mb * 1024 * 1024)
    except BackupError as exc:
        return _fail(str(exc))
    print(f"Đã sao lưu và kiểm tra: {made.describe_counts()}.")
    print(made.path)
    return 0


def run_backups(url: str, folder_arg: str | None) -> int:
    from .services.backup import describe, folder_for, list_backups

    if url.startswith("postgresql"):
        return run_server_backups(url, folder_arg)
    path = _existing_file(url)
    if isinstance(path, str):
        return _fail(path)
    folder = Path(folder_arg).expanduser() if folder_arg else folder_for(path)
    found = list_backups(folder, None if folder_arg else path.stem)
    return _print_backups(found, folder, describe)


def run_restore(url: str, file: str) -> int:
    from .db.engine import DatabaseOpenError, open_database
    from .services.backup import BackupError, restore

    if url.startswith("postgresql"):
        return run_server_restore(url, file)
    path = _existing_file(url)
    if isinstance(path, str):
        return _fail(path)
    try:
        result = restore(path, Path(file))
    except BackupError as exc:
        return _fail(str(exc))
    try:  # upgrades a backup of an older schema
        open_database(url).dispose()
    except DatabaseOpenError as exc:
        return _fail(str(exc))
    print(result.describe())
    return 0


def run_check(url: str) -> int:
    from .db.engine import database_error_message
    from .services.backup import check

    db = open_for_command(url)
    if isinstance(db, int):
        return db
    try:
        problems = check(db)
    except Exception as exc:  # a damaged file is a finding, not a traceback
        message = database_error_message(exc, url)
        if message is None:
            raise
        problems = [message]
    finally:
        db.dispose()
    for line in problems:
        print(f"antq-desktop: {line}", file=sys.stderr)
    if problems:
        return 1
    print("Không phát hiện vấn đề nào.")
    return 0


def gui_main(argv: list[str] | None = None) -> None:
    """The windowed program (``antq-desktop-gui``; on Windows it opens no console window).

    A windowed program on Windows has no standard streams (``sys.stdout`` is None); writes to
    them are dropped instead of failing."""
    import os

    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
    main(argv)


def _utf8_streams() -> None:
    """Write Vietnamese to a pipe or a file whatever the system's code page: on Windows a
    redirected stream uses the ANSI code page (cp1252, cp1258), which lacks most Vietnamese
    letters, and printing failed with UnicodeEncodeError. A console already takes UTF-8."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if stream is not None and encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")


def main(argv: list[str] | None = None) -> None:
    _utf8_streams()
    args = build_parser().parse_args(argv)
    from .access import CURRENT_USER

    token = CURRENT_USER.set(CURRENT_USER.get())  # --user holds for this run only
    try:
        _main(args)
    finally:
        CURRENT_USER.reset(token)


def _main(args: argparse.Namespace) -> None:
    try:
        _dispatch(args)
    except KeyboardInterrupt:
        sys.exit(_fail("Đã dừng theo yêu cầu (Ctrl+C); thao tác đang làm chưa được lưu.") + 129)
    except RecursionError:
        sys.exit(_fail("Dữ liệu lồng nhau quá sâu, không đọc được."))
    except Exception as exc:  # never a traceback, nor an SQL statement with personal data
        from .db.engine import database_error_message

        url = _url_or_none(args)
        message = database_error_message(exc, url) if url else None
        sys.exit(_fail(message or "Đã xảy ra lỗi không mong muốn; thao tác chưa hoàn thành. "
                                  f"Chi tiết kỹ thuật: {type(exc).__name__}"
                                  + (f" {exc.name}" if isinstance(exc, ImportError) and exc.name
                                     else "") + "."))


def _url_or_none(args: argparse.Namespace) -> str | None:
    try:
        return resolve_db_url(args.db)
    except Exception:
        return None


def _dispatch(args: argparse.Namespace) -> None:
    from . import cli_transfer

    if args.command in cli_transfer.COMMANDS:  # two stores, each signed into on its own
        sys.exit(cli_transfer.run(args))
    url = resolve_db_url(args.db)
    from . import cli_users

    # the GUI signs in with its own dialog; "forms" only when --user names an account
    if args.command not in (None, "forms") or (args.command == "forms" and getattr(args, "user", None)):
        refused = cli_users.sign_in(url, args)
        if refused is None and args.command != "demo":
            from . import cli_ward

            refused = cli_ward.apply(url, args)
        if refused is not None:
            sys.exit(refused)
        if args.command in cli_users.COMMANDS:
            sys.exit(cli_users.run(url, args))
    if args.command == "demo":
        sys.exit(run_demo(url, args.households, args.seed))
    if args.command == "forms":
        sys.exit(run_forms())
    if args.command == "export":
        sys.exit(run_export(url, args))
    if args.command == "backup":
        sys.exit(run_backup(url, args.output))
    if args.command == "backups":
        sys.exit(run_backups(url, args.dir))
    if args.command == "restore":
        sys.exit(run_restore(url, args.file))
    if args.command == "check":
        sys.exit(run_check(url))
    from . import cli_import

    if args.command in cli_import.COMMANDS:
        sys.exit(cli_import.run(url, args))
    from . import cli_audit

    if args.command in cli_audit.COMMANDS:
        sys.exit(cli_audit.run(url, args))
    from .qtcheck import start_problem

    problem = start_problem()
    if problem is not None:
        sys.exit(_fail(problem))
    from .ui.app import run_gui

    sys.exit(run_gui(url, getattr(args, "ward", None)))
