"""The transfer subcommand (services/transfer.py, docs/BACKUP.md "Moving a ward"):
``transfer --from SOURCE --to TARGET [--unit CODE] [--apply]`` copies one ward from one store to
another. Without ``--apply`` it is a dry run: it prints what it would copy and writes nothing.

Each store with accounts is signed into as the command's ``--user`` (``ANTQ_USER``; password
``ANTQ_PASSWORD``, else asked), or for the target ``--to-user`` (``ANTQ_TO_PASSWORD``) when the
two stores have different administrators. A store without accounts (single-user mode) is used as
the system user, as every other command does.
"""

from __future__ import annotations

import argparse
import os

from .cli import _fail

COMMANDS = ("transfer",)
TO_PASSWORD_ENV = "ANTQ_TO_PASSWORD"


def register(sub) -> None:
    cmd = sub.add_parser("transfer", help="chuyển dữ liệu một phường, xã sang cơ sở dữ liệu "
                                          "khác (tệp của phường vào máy chủ tỉnh, hoặc ngược "
                                          "lại); chạy thử trước, --apply để chuyển thật")
    cmd.add_argument("--from", dest="source", required=True, metavar="NGUỒN",
                     help="tệp hoặc URL cơ sở dữ liệu nguồn (ví dụ sqlite:///phuong.db)")
    cmd.add_argument("--to", dest="target", required=True, metavar="ĐÍCH",
                     help="tệp hoặc URL cơ sở dữ liệu đích (ví dụ postgresql+psycopg2://"
                          "người_dùng@máy/tên); một tệp chưa có sẽ được tạo")
    cmd.add_argument("--unit", metavar="MÃ",
                     help="mã (hoặc tên) phường, xã cần chuyển; bắt buộc khi nguồn có nhiều "
                          "phường, xã")
    cmd.add_argument("--apply", action="store_true",
                     help="chuyển thật (không có: chỉ chạy thử, không ghi gì)")
    cmd.add_argument("--to-user", metavar="TÊN",
                     help="tài khoản ở cơ sở dữ liệu đích, nếu khác --user (mật khẩu: "
                          f"${TO_PASSWORD_ENV} hoặc hỏi khi chạy)")


def _sign_in(url: str, name: str | None, password_env: str, where: str):
    """The account of ``url`` for ``name`` (SYSTEM when the store has no accounts, or is a file
    not made yet), or a Vietnamese refusal (str)."""
    from .access import SYSTEM
    from .cli_users import PASSWORD_ENV, _has_accounts, _password
    from .db.engine import DatabaseOpenError, file_state, open_database
    from .services.users import LoginError, UserService

    if file_state(url) in ("missing", "empty"):
        return SYSTEM
    try:
        accounts = _has_accounts(url)
    except DatabaseOpenError as exc:
        return f"Cơ sở dữ liệu {where}: {exc}"
    if not accounts:
        return SYSTEM
    if not name:
        return (f"Cơ sở dữ liệu {where} có tài khoản người dùng: hãy chạy với --user TÊN"
                + (" (hoặc --to-user TÊN cho đích)" if where == "đích" else "")
                + f" (mật khẩu lấy từ ${password_env if where == 'đích' else PASSWORD_ENV} "
                  "hoặc được hỏi khi chạy).")
    password = _password(f"Mật khẩu của {name} ở cơ sở dữ liệu {where}: ", password_env)
    try:
        db = open_database(url)
    except DatabaseOpenError as exc:
        return f"Cơ sở dữ liệu {where}: {exc}"
    try:
        service = UserService(db)
        user = service.authenticate(name, password)
        if service.must_change(name):
            return (f"Mật khẩu của tài khoản {name} ở cơ sở dữ liệu {where} là mật khẩu tạm: hãy "
                    "đăng nhập vào chương trình để đổi mật khẩu trước.")
    except LoginError as exc:
        return f"Cơ sở dữ liệu {where}: {exc.message}"
    finally:
        db.dispose()
    return user


def _backup_target(url: str) -> str | None:
    """A verified backup of an existing SQLite target before the transfer writes into it: the
    line to print, or None. Raises BackupError."""
    from .config import sqlite_path
    from .db.engine import file_state
    from .services.backup import backup_file, folder_for

    path = sqlite_path(url)
    if path is None or file_state(url) != "file":
        return None
    made = backup_file(path, folder_for(path))
    return f"Đã sao lưu tệp đích trước khi chuyển: {made.path}"


def run(args: argparse.Namespace) -> int:
    from .cli_users import PASSWORD_ENV, USER_ENV
    from .config import resolve_db_url
    from .db.engine import database_error_message, url_problem
    from .services.backup import BackupError
    from .services.transfer import TransferError, rights_problem, transfer

    source, target = resolve_db_url(args.source), resolve_db_url(args.target)
    for url, option in ((source, "--from"), (target, "--to")):
        problem = url_problem(url)
        if problem is not None:
            return _fail(f"{option}: {problem}")
    from .cli import database_problem

    problem = database_problem(source)
    if problem is not None:
        return _fail(f"--from: {problem}")
    name = args.user or os.environ.get(USER_ENV)
    source_user = _sign_in(source, name, PASSWORD_ENV, "nguồn")
    if isinstance(source_user, str):
        return _fail(source_user)
    target_user = _sign_in(target, args.to_user or name,
                           TO_PASSWORD_ENV if args.to_user else PASSWORD_ENV, "đích")
    if isinstance(target_user, str):
        return _fail(target_user)
    for user, side in ((source_user, "source"), (target_user, "target")):
        problem = rights_problem(user, side)
        if problem:
            return _fail(problem)
    try:
        if args.apply:
            line = _backup_target(target)
            if line:
                print(line)
        report = transfer(source, target, args.unit, apply=args.apply,
                          source_user=source_user, target_user=target_user)
    except (TransferError, BackupError) as exc:
        return _fail(str(exc))
    except Exception as exc:
        message = database_error_message(exc, target) or database_error_message(exc, source)
        if message is None:
            raise
        return _fail(f"{message} Chưa chuyển gì: đích không thay đổi.")
    for line in report.lines():
        print(line)
    return 1 if report.conflicts else 0
