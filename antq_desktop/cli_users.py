"""The command line as a named user (``--user NAME``) and the ``users`` commands (docs/USERS.md).

A database without accounts is in single-user mode: every command works as before, as the
system user. Once it has accounts, every command that opens it needs ``--user NAME`` (or
``ANTQ_USER``) and that account's password (``ANTQ_PASSWORD``, else asked without echo).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from .access import CURRENT_USER, Permission, user_of

USER_ENV = "ANTQ_USER"
PASSWORD_ENV = "ANTQ_PASSWORD"
NEW_PASSWORD_ENV = "ANTQ_NEW_PASSWORD"  # the password of an account being made or reset
COMMANDS = {"users"}
# What a command needs beyond its session writes (which db/guard.py checks anyway).
COMMAND_PERMISSIONS = {
    "export": Permission.EXPORT,
    "backup": Permission.BACKUP,
    "restore": Permission.RESTORE,
    "import": Permission.WRITE,
    "undo-import": Permission.WRITE,
    "demo": Permission.WRITE,
}
NO_ACCOUNTS = ("Cơ sở dữ liệu chưa có tài khoản nào (chế độ một người dùng). Tạo tài khoản quản "
               "trị đầu tiên: antq-desktop users add TÊN --role admin")


def register(parser: argparse.ArgumentParser, sub) -> None:
    parser.add_argument("--user", metavar="TÊN",
                        help=f"làm việc với tư cách tài khoản này (mật khẩu: ${PASSWORD_ENV} "
                             "hoặc hỏi khi chạy)")
    users = sub.add_parser("users", help="tài khoản người dùng: add, list, disable, enable, "
                                         "reset")
    cmds = users.add_subparsers(dest="users_command", metavar="LỆNH", title="các lệnh",
                                parser_class=type(parser))
    cmds.required = True
    add = cmds.add_parser("add", help="thêm tài khoản (mật khẩu: "
                                      f"${NEW_PASSWORD_ENV} hoặc hỏi khi chạy)")
    add.add_argument("name", metavar="TÊN")
    add.add_argument("--role", required=True, metavar="VAI_TRÒ",
                     help="admin (Quản trị), clerk (Cán bộ nhập liệu), leader (Lãnh đạo), "
                          "viewer (Chỉ xem)")
    add.add_argument("--display-name", default="", metavar="HỌ_TÊN")
    add.add_argument("--area", action="append", default=[], metavar="KHU",
                     help="giới hạn vào khu dân cư này (tên hoặc mã; lặp lại được)")
    cmds.add_parser("list", help="liệt kê tài khoản")
    for name, text in (("disable", "khóa tài khoản"), ("enable", "mở lại tài khoản")):
        cmds.add_parser(name, help=text).add_argument("name", metavar="TÊN")
    reset = cmds.add_parser("reset", help="đặt mật khẩu tạm; người dùng phải đổi khi đăng nhập")
    reset.add_argument("name", metavar="TÊN")


def _fail(message: str) -> int:
    print(f"antq-desktop: {message}", file=sys.stderr)
    return 1


def _password(prompt: str, env: str) -> str:
    value = os.environ.get(env)
    if value is not None:
        return value
    return getpass.getpass(prompt)


def _has_accounts(url: str) -> bool:
    """Whether the database at ``url`` has accounts (a file at an older revision has none)."""
    from sqlalchemy import inspect, text

    from .db.engine import open_database

    db = open_database(url, upgrade=False)
    try:
        with db.engine.connect() as conn:
            if "app_user" not in inspect(conn).get_table_names():
                return False
            return bool(conn.execute(text("SELECT count(*) FROM app_user")).scalar())
    finally:
        db.dispose()


def sign_in(url: str, args: argparse.Namespace) -> int | None:
    """Before a command: sign in as --user (or ANTQ_USER) when the database has accounts, and
    check the command's permission. An exit code to stop with, or None to go on."""
    from .cli import database_problem
    from .db.engine import DatabaseOpenError, open_database
    from .services.users import LoginError, UserService

    name = args.user or os.environ.get(USER_ENV)
    if database_problem(url) is not None:
        return None  # the command says what is wrong with it (demo creates it)
    try:
        accounts = _has_accounts(url)
    except DatabaseOpenError:
        return None  # the command reports it in its own words
    if not accounts:
        if args.user:
            return _fail(f"Không đăng nhập được với --user {args.user}: {NO_ACCOUNTS}")
        return None
    if not name:
        return _fail("Cơ sở dữ liệu này có tài khoản người dùng: hãy chạy với --user TÊN "
                     f"(mật khẩu lấy từ ${PASSWORD_ENV} hoặc được hỏi khi chạy).")
    password = _password(f"Mật khẩu của {name}: ", PASSWORD_ENV)
    try:
        db = open_database(url)
    except DatabaseOpenError as exc:
        return _fail(str(exc))
    try:
        user = UserService(db).authenticate(name, password)
        must_change = UserService(db).must_change(name)
    except LoginError as exc:
        return _fail(exc.message)
    finally:
        db.dispose()
    if must_change:
        return _fail("Mật khẩu của tài khoản này là mật khẩu tạm: hãy đăng nhập vào chương "
                     "trình để đổi mật khẩu trước.")
    CURRENT_USER.set(user)
    permission = COMMAND_PERMISSIONS.get(args.command)
    if permission is not None and not user.can(permission):
        return _fail(user.why_not(permission))
    return None


def run(url: str, args: argparse.Namespace) -> int:
    from .cli import _find_area, open_for_command
    from .services.users import UserService, password_errors, role_of
    from .validation import FieldError

    db = open_for_command(url)
    if isinstance(db, int):
        return db
    users = UserService(db)
    try:
        command = args.users_command
        if command == "list":
            if not users.has_users():
                print(NO_ACCOUNTS)
                return 0
            for u in users.list():
                state = "đã khóa" if u.disabled else ("phải đổi mật khẩu" if u.must_change
                                                      else "hoạt động")
                areas = ", ".join(str(a) for a in u.area_ids) or "mọi khu"
                print(f"{u.name}\t{u.role.label}\t{u.display_name}\t{areas}\t{state}")
            return 0
        if command == "add":
            role = role_of(args.role)
            areas = tuple(_find_area(db, a) for a in args.area)
            password = _password(f"Mật khẩu cho {args.name}: ", NEW_PASSWORD_ENV)
            if NEW_PASSWORD_ENV not in os.environ:
                again = getpass.getpass("Nhập lại mật khẩu: ")
                errors = password_errors(password, again)
                if errors:
                    raise errors[0]
            users.add(args.name, password, role, args.display_name, areas)
            print(f"Đã tạo tài khoản {args.name} ({role.label}).")
            return 0
        if command in ("disable", "enable"):
            users.disable(args.name, command == "disable")
            print(f"Đã {'khóa' if command == 'disable' else 'mở lại'} tài khoản {args.name}.")
            return 0
        if command == "reset":
            password = _password(f"Mật khẩu tạm cho {args.name}: ", NEW_PASSWORD_ENV)
            users.reset_password(args.name, password)
            print(f"Đã đặt mật khẩu tạm cho {args.name}; phải đổi khi đăng nhập.")
            return 0
    except (FieldError, ValueError) as exc:
        return _fail(str(exc))
    finally:
        db.dispose()
    return _fail(f"Lệnh users không biết: {args.users_command}")  # argparse stops it first


__all__ = ["COMMANDS", "register", "run", "sign_in", "user_of"]
