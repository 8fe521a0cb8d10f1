"""The command line's global ``--unit CODE``: which ward of a province store a command works in
(docs/ARCHITECTURE.md §6). A province account names any ward, e.g.
``antq-desktop --user tinh --unit 00070 export yearend-summary …`` exports that ward's form; a
ward account may only name its own; without accounts (single-user mode) any ward may be named.
The ward is found by its code (``00070``, ``70``) or its name without regard to diacritics or
case, with or without its kind ("Hoàn Kiếm", "phuong hoan kiem")."""

from __future__ import annotations

import argparse

from .text import fold

KINDS = ("phuong", "xa", "thi tran", "dac khu")  # folded: the kind a ward's name starts with


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--unit", dest="ward", metavar="MÃ_HOẶC_TÊN",
                        help="phường, xã làm việc (mã hoặc tên, có dấu hay không dấu), ghi "
                             "trước tên lệnh; tài khoản cấp tỉnh chọn được mọi phường, xã")


def _bare(name: str) -> str:
    folded = fold(name)
    for kind in KINDS:
        if folded.startswith(kind + " "):
            return folded[len(kind) + 1:]
    return folded


def find_ward(wards, wanted: str):
    """The WardInfo of ``wanted`` among ``wards``: a code, or a name (folded, with or without
    its kind). Raises ValueError with a Vietnamese message when none or several match."""
    key = wanted.strip()
    if key.isdigit():
        found = [w for w in wards if w.ward_code == int(key)]
    else:
        found = [w for w in wards if fold(w.ward_name) == fold(key)]
        if not found:
            found = [w for w in wards if _bare(w.ward_name) == _bare(key)]
    if not found:
        raise ValueError(f"Không có phường, xã “{wanted}” trong cơ sở dữ liệu này "
                         f"(--unit: mã hoặc tên phường, xã).")
    if len(found) > 1:
        names = "; ".join(f"{w.ward_name}, {w.province_name} (mã {w.ward_code:05d})"
                          for w in found)
        raise ValueError(f"Có nhiều phường, xã “{wanted}”: {names}. Hãy ghi mã phường, xã.")
    return found[0]


def apply(url: str, args: argparse.Namespace) -> int | None:
    """After signing in: the ward of ``--unit`` becomes the one the command's database works
    in (access.CURRENT_USER, which every database opened afterwards takes). An exit code to
    stop with, or None to go on."""
    wanted = getattr(args, "ward", None)
    if not wanted:
        return None
    from .access import CURRENT_USER, PermissionDenied
    from .cli import _fail, open_for_command
    from .db.guard import choose_ward
    from .services.unit import UnitService

    db = open_for_command(url)
    if isinstance(db, int):
        return db
    try:
        ward = find_ward(UnitService(db).wards(), wanted)
        user = choose_ward(db, ward.id)
    except (ValueError, PermissionDenied) as exc:
        return _fail(str(exc))
    finally:
        db.dispose()
    CURRENT_USER.set(user)
    return None

