"""Moving one ward between stores (issue 18, docs/BACKUP.md "Moving a ward"): a ward's own file
joins a province store, a province store hands one ward back to a file of its own, or one file's
ward moves to another file. Both ends are SQLite or PostgreSQL.

What a ward is, is read from the models (docs/ARCHITECTURE.md §6), not from a list kept here:
every table of ``Base.metadata`` is either the ward's (its rows reach ``unit`` through their
foreign keys: a ``unit_id`` of their own, or a parent that has one) or one of SHARED_TABLES,
which says why it is not copied row by row. A new table that is neither stops every transfer
(:func:`plan`) and fails ``tests/services/test_transfer.py``.

- **Ids are remapped.** Every copied row gets a new id in the target (the target's sequence on
  PostgreSQL, after its highest id on SQLite), and every reference (foreign keys, the few
  columns that hold an id without one: LOGICAL_REFS, KIND_REFS, and the ids inside a merge's
  undo data and a sign-off's snapshot) is rewritten through the id maps, parents before
  children (the metadata's dependency order). A reference that leaves the ward is a conflict.
- **Nothing is duplicated.** A ward already in the target (same province and ward code) is
  refused, not merged; so are ID numbers of living residents already in the target and login
  names already taken there. Each conflict is reported by row (household code, masked number,
  login name), never with a resident's name.
- **A dry run comes first.** Without ``apply`` nothing is written (a missing target file is not
  even created): the report gives the rows per table, the conflicts and the notes. ``apply``
  does it all in one transaction of the target: all or nothing.
- **The audit trail.** The entries about the ward's records go along, re-chained at the end of
  the target's trail (each keeps its time and actor; its record id, area and the ids among its
  fields rewritten), followed by one "transfer" entry naming the source and the counts. They
  are copied only from a source whose own chain verifies (``audit.verify``): the target's chain
  then vouches for what the source's chain vouched for. The source gets a "transfer" entry too.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Connection, Table, and_, bindparam, func, insert, or_, select, \
    text, update
from sqlalchemy.exc import SQLAlchemyError

from ..access import CurrentUser, Role, mask_number
from ..config import sqlite_path
from ..db.engine import (
    Database,
    DatabaseOpenError,
    describe_error,
    file_state,
    head_revision,
    make_engine,
    masked_url,
    open_database,
    stored_revision,
    url_problem,
)
from ..db.models import Base
from ..db.models.base import utc_now
from ..text import fold, normalize
from . import audit
from .duplicates import KIND_PARTY, KIND_REHAB, KIND_RESIDENT
from .unit import recipients_key

# Tables that are not a ward's rows, and why (every table of the metadata is either the ward's,
# through its foreign keys, or here).
SHARED_TABLES = {
    "setting": "settings of the whole store (the ward's own are WARD_SETTINGS)",
    "audit_entry": "the trail: the ward's entries are re-chained, not copied (module doc)",
}
# Columns that hold another table's id without a foreign key.
LOGICAL_REFS = {("person_not_duplicate", "resident_id"): "resident"}
# ... and those whose table depends on another column: (table, column) → (that column, its
# value → the table).
KIND_REFS = {("person_not_duplicate", "record_id"):
             ("kind", {KIND_RESIDENT: "resident", KIND_REHAB: "rehab_case",
                       KIND_PARTY: "mediation_party"})}
# Unique constraints over the whole store (none of their columns is remapped to the new ward):
# each is checked before writing by a function of its own.
STORE_UNIQUE = {"uq_resident_living_id_number", "uq_app_user_name_folded"}
# Settings that are one ward's: the key of unit ``id``.
WARD_SETTINGS: tuple[Callable[[int | None], str], ...] = (recipients_key,)
BATCH = 2000  # rows per INSERT
LABELS = {**audit.KINDS, "household_search": "Chỉ mục tìm kiếm hộ"}
TRANSFER_ACTION = "transfer"
TRANSFER_LOCK_KEY = 0x414E5451_00000002  # "ANTQ", 2: one transfer into a server at a time


class TransferError(Exception):
    """The transfer cannot start (the message is Vietnamese); nothing was written."""


# -- the plan: which tables, which rows, in which order --------------------------------------------
@dataclass(frozen=True)
class Step:
    """One table of the ward, in dependency order."""

    table: Table
    anchor: str | None  # the column that decides a row belongs (None: the unit itself)
    refs: dict[str, str]  # column → the table whose id it holds (foreign keys and LOGICAL_REFS)
    kind_refs: dict[str, tuple[str, dict[str, str]]]
    self_refs: tuple[str, ...]  # columns referring to the same table (written in a second pass)

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def has_id(self) -> bool:
        """Whether the table has an integer ``id`` of its own, remapped."""
        pk = list(self.table.primary_key.columns)
        return len(pk) == 1 and pk[0].name == "id"


def _refs_of(table: Table) -> dict[str, str]:
    refs = {}
    for column in table.columns:
        for fk in column.foreign_keys:
            refs[column.name] = fk.column.table.name
    for (name, column), target in LOGICAL_REFS.items():
        if name == table.name:
            refs[column] = target
    return refs


def plan() -> list[Step]:
    """The ward's tables in the order they are written (parents first). Raises TransferError
    naming a table that is neither the ward's nor shared."""
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    ward: dict[str, Step] = {}
    pending = [t for t in Base.metadata.sorted_tables if t.name not in SHARED_TABLES]
    order: list[str] = []
    while pending:
        progressed = False
        for table in list(pending):
            refs = _refs_of(table)
            parents = {c: t for c, t in refs.items() if t != table.name}
            kinds = {c: v for (n, c), v in KIND_REFS.items() if n == table.name}
            needed = set(parents.values()) | {t for _, m in kinds.values() for t in m.values()}
            if any(t in (p.name for p in pending) for t in needed):
                continue  # a parent not placed yet
            pending.remove(table)
            progressed = True
            if table.name == "unit":
                ward["unit"] = Step(table, None, {}, {}, ())
                order.append("unit")
                continue
            inside = {c: t for c, t in parents.items() if t in ward}
            if not inside:
                continue  # no path to a ward: classified below
            anchor = next((c for c, t in inside.items() if t == "unit"), None)
            if anchor is None:
                columns = [table.c[c] for c in inside]
                anchor = next((c.name for c in columns if not c.nullable), columns[0].name)
            self_refs = tuple(c for c, t in refs.items() if t == table.name)
            ward[table.name] = Step(table, anchor, {c: t for c, t in refs.items()
                                                    if t != table.name}, kinds, self_refs)
            order.append(table.name)
        if not progressed:  # a cycle between tables: not a shape this program has
            raise TransferError("Không xác định được thứ tự chép các bảng "
                                f"{', '.join(p.name for p in pending)}.")
    missing = sorted(set(tables) - set(ward) - set(SHARED_TABLES))
    if missing:
        raise TransferError(f"Bảng {', '.join(missing)} không thuộc phường, xã nào và không có "
                            "trong danh sách bảng dùng chung: chương trình chưa biết chuyển nó.")
    return [ward[name] for name in order]


def store_unique(steps: Iterable[Step]) -> set[str]:
    """The names of the unique constraints of the ward's tables that hold over the whole store
    (none of their columns is remapped): each must be in STORE_UNIQUE, checked before writing."""
    out = set()
    for step in steps:
        remapped = set(step.refs) | set(step.kind_refs) | ({"id"} if step.has_id else set())
        uniques = [c for c in step.table.constraints if c.__class__.__name__ == "UniqueConstraint"]
        uniques += [i for i in step.table.indexes if i.unique]
        for con in uniques:
            if not {c.name for c in con.columns} & remapped:
                out.add(con.name)
    return out


# -- the report -----------------------------------------------------------------------------------
@dataclass
class Report:
    source: str  # masked URLs
    target: str
    ward: str  # "Phường Hoàn Kiếm (mã 70, Thành phố Hà Nội)"
    counts: list[tuple[str, str, int]] = field(default_factory=list)  # table, label, rows
    audit_entries: int = 0
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    applied: bool = False
    new_unit_id: int | None = None
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(n for _, _, n in self.counts)

    def lines(self) -> list[str]:
        """The report as the command line prints it."""
        head = ("Đã chuyển" if self.applied else
                "Chạy thử (chưa ghi gì)" if not self.conflicts else "Không chuyển được")
        out = [f"{head}: {self.ward}", f"  từ: {self.source}", f"  đến: {self.target}"]
        out.append("Số bản ghi theo bảng:")
        width = max((len(label) for _, label, _ in self.counts), default=10)
        for _name, label, n in self.counts:
            if n:
                out.append(f"  {label:<{width}}  {_n(n):>9}")
        out.append(f"  {'Nhật ký thao tác':<{width}}  {_n(self.audit_entries):>9}")
        out.append(f"  Tổng cộng: {_n(self.rows)} bản ghi")
        if self.conflicts:
            out.append(f"Xung đột ({len(self.conflicts)}), phải xử lý trước khi chuyển:")
            out.extend(f"  - {c}" for c in self.conflicts)
        out.extend(f"Lưu ý: {n}" for n in self.notes)
        if self.applied:
            out.append(f"Xong sau {self.seconds:.1f} giây; mã đơn vị mới ở đích: "
                       f"{self.new_unit_id}.")
        elif not self.conflicts:
            out.append("Chạy lại với --apply để chuyển thật.")
        return out


def _n(number: int) -> str:
    """3.000, as Vietnamese writes thousands."""
    return f"{number:,}".replace(",", ".")


# -- rights ---------------------------------------------------------------------------------------
def rights_problem(user: CurrentUser, side: str, unit_id: int | None = None) -> str | None:
    """Why ``user`` may not take part in a transfer on ``side`` ("source" or "target"), or
    None. The source: an administrator, or a province account (which reads every ward); an
    administrator of one ward of a province store may take only that ward. The target: an
    administrator (a province account of the administrator role too: this is the store's own
    operation)."""
    if user.system:
        return None
    where = "nguồn" if side == "source" else "đích"
    if user.role is not Role.ADMIN and not (side == "source" and user.province):
        return (f"Tài khoản “{user.name}” ({user.role.label}) ở cơ sở dữ liệu {where} không được "
                "chuyển dữ liệu phường, xã: cần tài khoản Quản trị"
                + (" hoặc tài khoản cấp tỉnh." if side == "source" else "."))
    if side == "source" and not user.province and user.unit_id is not None \
            and unit_id is not None and user.unit_id != unit_id:
        return (f"Tài khoản “{user.name}” chỉ làm việc với phường, xã của mình: không chuyển "
                "được phường, xã khác.")
    return None


# -- the source's ward ----------------------------------------------------------------------------
def _t(name: str) -> Table:
    return Base.metadata.tables[name]


def _describe_unit(row) -> str:
    return f"{row.ward_name} (mã {row.ward_code}, {row.province_name})"


def choose_unit(conn: Connection, unit: str | None):
    """The source's ward: the one named by ``unit`` (its ward code or name), or the only one."""
    units = conn.execute(select(_t("unit")).order_by(_t("unit").c.id)).all()
    if not units:
        raise TransferError("Cơ sở dữ liệu nguồn chưa có phường, xã nào.")
    if unit is None:
        if len(units) > 1:
            names = "; ".join(f"{u.ward_code} {u.ward_name}" for u in units[:20])
            raise TransferError(f"Cơ sở dữ liệu nguồn có {len(units)} phường, xã: hãy chọn một "
                                f"bằng --unit MÃ (mã phường, xã: {names}).")
        found = units[0]
    else:
        wanted = normalize(unit)
        found = next((u for u in units if wanted.isdigit() and u.ward_code == int(wanted)), None)
        if found is None:
            found = next((u for u in units if fold(u.ward_name) == fold(wanted)), None)
        if found is None:
            raise TransferError(f"--unit: cơ sở dữ liệu nguồn không có phường, xã “{unit}” "
                                "(ghi mã phường, xã hoặc tên).")
    if found.ward_code == 0 and not found.ward_name:
        raise TransferError("Phường, xã ở nguồn chưa khai báo thông tin đơn vị (mã, tên): hãy "
                            "mở chương trình với tệp đó và điền Thông tin đơn vị trước.")
    return found, len(units)


def _member_clause(step: Step, steps: dict[str, Step], unit_id: int, one_ward: bool):
    """WHERE: the row of ``step`` belongs to ward ``unit_id`` of the source."""
    table = step.table
    if step.name == "unit":
        return table.c.id == unit_id
    if step.name == "app_user":  # the ward's accounts, never the province's
        mine = table.c.unit_id == unit_id
        if one_ward:  # an account made before the ward was set up is the file's ward's
            mine = or_(mine, table.c.unit_id.is_(None))
        return and_(mine, table.c.province.is_(False))
    parent = steps[step.refs[step.anchor]]
    inner = select(parent.table.c.id).where(_member_clause(parent, steps, unit_id, one_ward))
    return table.c[step.anchor].in_(inner)


# -- the copy ----------------------------------------------------------------------------------
class _Refused(Exception):
    """A conflict found while copying: the transaction rolls back."""


@dataclass
class _Run:
    steps: list[Step]
    unit_id: int
    one_ward: bool
    write: bool
    report: Report
    maps: dict[str, dict[int, int]] = field(default_factory=dict)
    bad_refs: int = 0

    def new_id(self, table: str, old) -> int | None:
        return None if old is None else self.maps.get(table, {}).get(old)


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _allocate(conn: Connection | None, table: Table, n: int) -> list[int]:
    """``n`` new ids of ``table`` in the target, ascending. PostgreSQL: from the table's
    sequence (first moved past the highest id, which explicit inserts may have left behind),
    so that other sessions inserting meanwhile get other ids; SQLite: after the highest id
    (the transaction holds the write lock)."""
    if n == 0:
        return []
    if conn is None:  # a dry run without a target: any ids
        return list(range(1, n + 1))
    top = conn.execute(select(func.max(table.c.id))).scalar() or 0
    if conn.dialect.name == "postgresql":
        seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"),
                           {"t": table.name}).scalar()
        if seq is not None:
            used = conn.execute(text("SELECT nextval(CAST(:s AS regclass))"),
                                {"s": seq}).scalar() - 1
            if max(top, used) > 0:  # the next value follows both
                conn.execute(text("SELECT setval(CAST(:s AS regclass), :v)"),
                             {"s": seq, "v": max(top, used)})
            else:
                conn.execute(text("SELECT setval(CAST(:s AS regclass), 1, false)"), {"s": seq})
            ids = conn.execute(text("SELECT nextval(CAST(:s AS regclass)) FROM "
                                    "generate_series(1, :n)"), {"s": seq, "n": n}).scalars()
            return sorted(ids)
        conn.execute(text(f'LOCK TABLE "{table.name}" IN EXCLUSIVE MODE'))
    return list(range(top + 1, top + n + 1))


def _fix_merge(run: _Run, row: dict) -> None:
    """person_merge.before: the ids the undo of a merge reads (services/duplicates.py)."""
    try:
        before = json.loads(row["before"])
    except (TypeError, ValueError):
        return
    for side in ("survivor", "merged"):
        part = before.get(side)
        if isinstance(part, dict):
            part["household_id"] = run.new_id("household", part.get("household_id"))
            part["merged_into_id"] = run.new_id("resident", part.get("merged_into_id"))
    before["rehab"] = [run.new_id("rehab_case", i) for i in before.get("rehab", [])]
    before["party"] = [run.new_id("mediation_party", i) for i in before.get("party", [])]
    before["households"] = {str(run.new_id("household", int(k))): v
                            for k, v in before.get("households", {}).items()}
    row["before"] = json.dumps(before, ensure_ascii=False)


def _fix_snapshot(run: _Run, row: dict) -> None:
    """period_lock.snapshot: the signed-off figures by area id (services/periods.py)."""
    try:
        snap = json.loads(row["snapshot"]) if row.get("snapshot") else None
    except ValueError:
        return
    if isinstance(snap, dict) and isinstance(snap.get("areas"), dict):
        snap["areas"] = {str(run.new_id("area", int(k)) or k): v
                         for k, v in snap["areas"].items()}
        row["snapshot"] = json.dumps(snap, ensure_ascii=False)


def _fix_user(run: _Run, row: dict) -> None:
    row["unit_id"] = run.maps["unit"][run.unit_id]  # an account of no ward: the ward's now


ROW_FIXES: dict[str, Callable[[_Run, dict], None]] = {
    "person_merge": _fix_merge, "period_lock": _fix_snapshot, "app_user": _fix_user}


def _copy_table(run: _Run, step: Step, source: Connection, target: Connection | None) -> int:
    table = step.table
    clause = _member_clause(step, {s.name: s for s in run.steps}, run.unit_id, run.one_ward)
    pk = list(table.primary_key.columns)
    if step.has_id:
        old = list(source.execute(select(table.c.id).where(clause).order_by(table.c.id))
                   .scalars())
        new = _allocate(target if run.write else None, table, len(old))
        run.maps[step.name] = dict(zip(old, new))
    mapping = run.maps.get(step.name)
    rows = source.execute(select(table).where(clause).order_by(*pk)
                          .execution_options(yield_per=BATCH))
    later: list[dict] = []  # self references, written once every row is in
    batch: list[dict] = []
    count = 0
    fix = ROW_FIXES.get(step.name)
    for row in rows:
        values = dict(row._mapping)
        where = f"{LABELS.get(step.name, step.name)} số {values.get('id', '?')}"
        if mapping is not None:
            values["id"] = mapping[values["id"]]
        for column, parent in step.refs.items():
            if values[column] is None or (step.name == "app_user" and column == "unit_id"):
                continue
            mapped = run.new_id(parent, values[column])
            if mapped is None:
                _bad_ref(run, f"{where} ở nguồn trỏ tới {LABELS.get(parent, parent)} số "
                              f"{values[column]} không thuộc phường, xã này.")
            values[column] = mapped
        for column, (kind_column, tables) in step.kind_refs.items():
            parent = tables.get(values[kind_column])
            mapped = run.new_id(parent, values[column]) if parent else None
            if mapped is None:
                _bad_ref(run, f"{where} ở nguồn trỏ tới một bản ghi không thuộc phường, xã "
                              "này.")
            values[column] = mapped
        if step.name == "person_not_duplicate" and values["kind"] == KIND_RESIDENT \
                and values["record_id"] is not None and values["resident_id"] is not None \
                and values["record_id"] > values["resident_id"]:  # the pair's order kept
            values["record_id"], values["resident_id"] = values["resident_id"], \
                values["record_id"]
        for column in step.self_refs:
            if values[column] is not None:
                later.append({"b_id": values["id"],
                              "b_ref": run.new_id(step.name, values[column])})
                values[column] = None
        if fix is not None:
            fix(run, values)
        count += 1
        if run.write:
            batch.append(values)
            if len(batch) >= BATCH:
                target.execute(insert(table), batch)
                batch = []
    if run.write and batch:
        target.execute(insert(table), batch)
    for column in step.self_refs:
        pairs = [p for p in later if p["b_ref"] is not None]
        if run.write and pairs:
            for chunk in _chunks(pairs, BATCH):
                target.execute(update(table).where(table.c.id == bindparam("b_id"))
                               .values({column: bindparam("b_ref")}), chunk)
    return count


def _bad_ref(run: _Run, message: str) -> None:
    run.bad_refs += 1
    run.write = False  # the rest is counted only; what was written is rolled back
    if run.bad_refs <= 20:
        run.report.conflicts.append(message)


# -- conflicts -------------------------------------------------------------------------------------
def _conflicts(run: _Run, source: Connection, target: Connection | None, unit) -> None:
    """What already exists in the target: the ward, living residents' ID numbers, logins."""
    if target is None:
        return
    units = _t("unit")
    same = target.execute(select(units).where(units.c.province_code == unit.province_code,
                                              units.c.ward_code == unit.ward_code)).first()
    if same is not None:
        run.report.conflicts.append(
            f"{_describe_unit(same)} đã có trong cơ sở dữ liệu đích (đơn vị số {same.id}): "
            "không chuyển lần nữa, không gộp. Nếu cần thay thế, hãy khôi phục đích từ bản sao "
            "lưu trước lần chuyển kia.")
        return  # its people and accounts are the same ones: listing them says nothing more
    if target.dialect.name == "sqlite":
        there = target.execute(select(units).order_by(units.c.id)).all()
        if there:
            run.report.notes.append(
                f"Tệp đích đã có {', '.join(_describe_unit(u) for u in there)}: sau khi chuyển "
                f"tệp có {len(there) + 1} phường, xã; chương trình mở tệp với phường, xã đầu "
                "tiên, trừ tài khoản của phường, xã khác (làm việc với phường, xã của mình).")
    steps = {s.name: s for s in run.steps}
    residents, homes = _t("resident"), _t("household")
    living = and_(residents.c.id_number.is_not(None), residents.c.id_number != "",
                  residents.c.moved_out_on.is_(None))
    mine = select(residents.c.id, residents.c.id_number, homes.c.code).join(
        homes, homes.c.id == residents.c.household_id).where(
        living, _member_clause(steps["resident"], steps, run.unit_id, run.one_ward))
    numbers: dict[str, tuple[int, str]] = {n: (i, code) for i, n, code in source.execute(mine)}
    clashes = []
    for chunk in _chunks(sorted(numbers), 500):
        there = target.execute(
            select(residents.c.id_number, units.c.ward_name, homes.c.code)
            .join(homes, homes.c.id == residents.c.household_id)
            .join(units, units.c.id == homes.c.unit_id)
            .where(living, residents.c.id_number.in_(chunk)))
        clashes.extend((*numbers[number], number, code, ward) for number, ward, code in there)
    clashes.sort()
    for rid, own, number, code, ward in clashes[:50]:
        run.report.conflicts.append(
            f"Nhân khẩu số {rid} (hộ {own}): số định danh {mask_number(number)} đã có ở một "
            f"người đang cư trú tại hộ {code}, {ward} trong cơ sở dữ liệu đích.")
    if len(clashes) > 50:
        run.report.conflicts.append(f"… và {_n(len(clashes) - 50)} số định danh trùng khác.")
    users = _t("app_user")
    names = {n: shown for n, shown in source.execute(
        select(users.c.name_folded, users.c.name).where(
            _member_clause(steps["app_user"], steps, run.unit_id, run.one_ward)))}
    for chunk in _chunks(sorted(names), 500):
        for (taken,) in target.execute(select(users.c.name_folded)
                                       .where(users.c.name_folded.in_(chunk))):
            run.report.conflicts.append(
                f"Tài khoản “{names[taken]}”: tên đăng nhập này đã có trong cơ sở dữ liệu đích "
                "(tên đăng nhập là duy nhất trong cả cơ sở dữ liệu); hãy đổi tên một trong hai "
                "tài khoản trước.")


# -- settings and the trail ---------------------------------------------------------------------
def _copy_settings(run: _Run, source: Connection, target: Connection | None) -> None:
    settings = _t("setting")
    new_unit = run.maps["unit"][run.unit_id]
    copied = 0
    for key_of in WARD_SETTINGS:
        value = source.execute(select(settings.c.value).where(
            settings.c.key == key_of(run.unit_id))).scalar()
        if value is None:
            continue
        key = key_of(new_unit)
        if target is not None and target.execute(select(settings.c.key).where(
                settings.c.key == key)).first() is not None:
            run.report.notes.append(f"Cài đặt “{key}” đã có ở đích: giữ nguyên của đích.")
            continue
        copied += 1
        if run.write:
            target.execute(insert(settings), {"key": key, "value": value, "version": 1,
                                              "updated_at": utc_now()})
    run.report.counts.append(("setting", "Cài đặt của phường, xã", copied))
    others = source.execute(select(func.count()).select_from(settings)).scalar() - copied
    if others:
        run.report.notes.append(
            f"{others} cài đặt chung của cơ sở dữ liệu nguồn (hạn nộp, sao lưu, người ký…) "
            "không được chuyển: đích giữ cài đặt của mình.")


def _entry_detail(run: _Run, kind: str, detail: str, refs: dict[str, str]) -> str:
    try:
        data = json.loads(detail or "{}")
    except ValueError:
        return detail
    if not isinstance(data, dict):
        return detail
    extra = {"survivor": "resident", "merged": "resident", "rehab_cases": "rehab_case",
             "parties": "mediation_party"} if kind == "resident" else {}

    def remap(value, table):
        if isinstance(value, bool) or not isinstance(value, (int, list)):
            return value
        if isinstance(value, list):
            return [remap(v, table) for v in value]
        return run.new_id(table, value)

    for key, value in data.items():
        table = refs.get(key) or extra.get(key)
        if table is not None:
            data[key] = remap(value, table)
    return audit._dumps(data)


def _entries(run: _Run, source: Connection) -> Iterator[dict]:
    """The source's entries about the ward's records (module doc), remapped, oldest first."""
    trail = _t("audit_entry")
    refs = {s.name: s.refs for s in run.steps}
    kinds = [s.name for s in run.steps]
    area_map = run.maps.get("area", {})
    rows = source.execute(select(trail).where(trail.c.kind.in_(kinds)).order_by(trail.c.id)
                          .execution_options(yield_per=BATCH))
    for row in rows:
        if row.record_id is not None:
            record = run.new_id(row.kind, row.record_id)
            if record is None:
                continue
        elif row.area_id is None or row.area_id not in area_map:
            continue
        else:
            record = None
        yield {"at": row.at, "actor": row.actor, "action": row.action, "kind": row.kind,
               "record_id": record, "area_id": area_map.get(row.area_id),
               "detail": _entry_detail(run, row.kind, row.detail, refs.get(row.kind, {}))}


def _chain(conn: Connection) -> str:
    """The target trail's last hash, under its write lock (services/audit.py _last_hash)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": audit.PG_LOCK_KEY})
    trail = _t("audit_entry")
    last = conn.execute(select(trail.c.hash).order_by(trail.c.id.desc()).limit(1)).scalar()
    return last or ""


def _append(conn: Connection, rows: Iterable[dict]) -> int:
    """Write ``rows`` (without hashes) at the end of the trail, chained."""
    trail = _t("audit_entry")
    prev = _chain(conn)
    batch, n = [], 0
    for values in rows:
        entry = audit.AuditEntry(**values)
        values = {**values, "prev_hash": prev, "hash": audit.chain_hash(prev, entry)}
        prev = values["hash"]
        batch.append(values)
        n += 1
        if len(batch) >= BATCH:
            conn.execute(insert(trail), batch)
            batch = []
    if batch:
        conn.execute(insert(trail), batch)
    return n


def _summary_entry(actor: str, action_detail: dict, unit_id: int | None) -> dict:
    return {"at": utc_now().replace(microsecond=0), "actor": actor[:100],
            "action": TRANSFER_ACTION, "kind": "unit", "record_id": unit_id, "area_id": None,
            "detail": audit._dumps({k: audit._plain(v) for k, v in action_detail.items()})}


# -- the whole --------------------------------------------------------------------------------------
def _open(url: str, what: str) -> Database:
    try:
        return open_database(url)
    except DatabaseOpenError as exc:
        raise TransferError(f"Cơ sở dữ liệu {what}: {exc}") from None


def _peek(url: str) -> tuple[Database | None, str | None]:
    """A dry run's target, opened only if that writes nothing (it is at the head revision),
    else None and what --apply will do first."""
    if file_state(url) in ("missing", "empty"):
        return None, "Tệp đích chưa có: sẽ được tạo và nâng cấp khi chạy --apply."
    problem = url_problem(url)
    if problem is not None:
        raise TransferError(f"Cơ sở dữ liệu đích: {problem}")
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            current, tables = stored_revision(conn)
    except (SQLAlchemyError, OSError) as exc:
        raise TransferError(f"Cơ sở dữ liệu đích: {describe_error(exc, url)}") from None
    finally:
        engine.dispose()
    if current == head_revision():
        return _open(url, "đích"), None
    if current is None and not tables - {"alembic_version"}:
        return None, ("Cơ sở dữ liệu đích còn trống: các bảng sẽ được tạo khi chạy --apply.")
    return None, (f"Cơ sở dữ liệu đích đang ở phiên bản {current or '?'}: sẽ được nâng cấp "
                  f"lên {head_revision()} khi chạy --apply; trùng lặp ở đích chỉ kiểm tra được "
                  "khi đó (lần chạy --apply kiểm tra lại trước khi ghi).")


def _same_store(a: str, b: str) -> bool:
    pa, pb = sqlite_path(a), sqlite_path(b)
    if pa is not None and pb is not None:
        return pa.expanduser().resolve() == pb.expanduser().resolve()
    return masked_url(a) == masked_url(b)


def transfer(source_url: str, target_url: str, unit: str | None = None, *,
             apply: bool = False, source_user: CurrentUser | None = None,
             target_user: CurrentUser | None = None) -> Report:
    """Copy one ward of ``source_url`` into ``target_url`` (module doc). Without ``apply``: a
    dry run that writes nothing. With it: one transaction of the target; a conflict writes
    nothing either (the report lists it). Raises TransferError when it cannot start."""
    from ..access import SYSTEM

    source_user, target_user = source_user or SYSTEM, target_user or SYSTEM
    if _same_store(source_url, target_url):
        raise TransferError("Nguồn và đích là cùng một cơ sở dữ liệu.")
    problem = rights_problem(target_user, "target")
    if problem:
        raise TransferError(problem)
    started = time.monotonic()
    steps = plan()
    src = _open(source_url, "nguồn")
    tgt, pending = None, None
    try:
        if apply:
            tgt = _open(target_url, "đích")
        else:
            tgt, pending = _peek(target_url)
        with src.engine.connect() as source:
            if src.is_sqlite:  # one consistent state of the source for the whole copy
                source.exec_driver_sql("BEGIN")
            else:
                source = source.execution_options(isolation_level="REPEATABLE READ",
                                                  postgresql_readonly=True)
                source.begin()
            found, n_units = choose_unit(source, unit)
            problem = rights_problem(source_user, "source", found.id)
            if problem:
                raise TransferError(problem)
            report = Report(masked_url(source_url), masked_url(target_url),
                            _describe_unit(found))
            if pending:
                report.notes.append(pending)
            run = _Run(steps, found.id, n_units == 1, bool(apply), report)
            chain = audit.verify(src)
            if chain:
                report.conflicts.append("Nhật ký thao tác của nguồn không còn nguyên vẹn (xem "
                                        "antq-desktop check): không chuyển nhật ký đó sang nơi "
                                        "khác. " + chain[0])
            if tgt is None:
                _copy(run, source, None)
                return report
            with tgt.engine.connect() as target:
                if tgt.is_sqlite and apply:
                    target.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock, for the ids
                elif apply:  # two transfers at once would both find the ward missing
                    target.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                                   {"k": TRANSFER_LOCK_KEY})
                try:
                    _conflicts(run, source, target, found)
                    run.write = bool(apply) and not run.report.conflicts  # else: counts only
                    _copy(run, source, target)
                    if run.report.conflicts:
                        raise _Refused
                    if not apply:
                        target.rollback()
                        return report
                    actor = target_user.name if not target_user.system \
                        else audit.current_actor()
                    entries = list(_entries(run, source))
                    new_unit = run.maps["unit"][found.id]
                    detail = {"source": masked_url(source_url), "ward": report.ward,
                              "rows": report.rows, "entries": len(entries)}
                    report.audit_entries = _append(target, [
                        *entries, _summary_entry(actor, {**detail, "direction": "in"},
                                                 new_unit)]) - 1
                    target.commit()
                except _Refused:
                    target.rollback()
                    report.applied = False
                    return report
                except BaseException:
                    target.rollback()
                    raise
            report.applied = True
            report.new_unit_id = new_unit
        try:
            _note_in_source(src, source_user, found.id, target_url, report)
        except Exception:  # the transfer is done; a source that cannot be written says so
            report.notes.append("Không ghi được mục “Chuyển dữ liệu phường” vào nhật ký thao "
                                "tác của nguồn (tệp chỉ đọc hoặc đang bận); dữ liệu đã chuyển "
                                "xong.")
        report.seconds = time.monotonic() - started
        return report
    finally:
        src.dispose()
        if tgt is not None:
            tgt.dispose()


def _copy(run: _Run, source: Connection, target: Connection | None) -> None:
    for step in run.steps:
        n = _copy_table(run, step, source, target)
        run.report.counts.append((step.name, LABELS.get(step.name, step.name), n))
        if step.name == "unit":
            _copy_settings(run, source, target)
    if run.bad_refs > 20:
        run.report.conflicts.append(f"… và {run.bad_refs - 20} tham chiếu khác ra ngoài "
                                    "phường, xã.")
    if not run.write:
        run.report.audit_entries = sum(1 for _ in _entries(run, source))
    users = dict((n, c) for n, _, c in run.report.counts).get("app_user", 0)
    if not users:
        open_file = target is None or (target.dialect.name == "sqlite" and not target.execute(
            select(func.count()).select_from(_t("app_user"))).scalar())
        run.report.notes.append("Phường, xã này không có tài khoản người dùng nào để chuyển"
                                + (": tệp đích mở ở chế độ một người dùng (không cần đăng "
                                   "nhập) cho tới khi tạo tài khoản quản trị."
                                   if open_file else "."))


def _note_in_source(src: Database, user: CurrentUser, unit_id: int, target_url: str,
                    report: Report) -> None:
    """One "transfer" entry in the source's trail: this ward's data was copied elsewhere."""
    actor = user.name if not user.system else audit.current_actor()
    with src.engine.connect() as conn:
        if src.is_sqlite:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        _append(conn, [_summary_entry(actor, {"target": masked_url(target_url),
                                              "ward": report.ward, "rows": report.rows,
                                              "direction": "out"}, unit_id)])
        conn.commit()


__all__ = ["KIND_REFS", "LOGICAL_REFS", "SHARED_TABLES", "STORE_UNIQUE", "Report",
           "TransferError", "plan", "rights_problem", "store_unique", "transfer"]
