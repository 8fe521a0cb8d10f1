"""The audit trail (issue 15, docs/AUDIT.md): who did what, when, to which record, each field's
old → new value; written in the same transaction as the change.

One place writes it: a ``before_flush`` listener on every ORM Session turns the new, changed and
deleted objects of a flush into ``AuditEntry`` rows (the search caches and bookkeeping columns
left out), so every service's save is covered without a line of its own. What the ORM does not
see goes through :func:`record`: an import (one entry for the batch, its rows not one by one:
:func:`suppressed`), a merge, an export or a print, a backup, a restore, a login.

Append-only: migration 0014's triggers refuse UPDATE and DELETE; each entry's ``hash`` is
sha256(previous hash + canonical entry), so :func:`verify` finds an entry edited or removed
behind the triggers' back. The chain is extended under the database's write lock (SQLite:
``BEGIN IMMEDIATE`` before the last hash is read; PostgreSQL: a transaction advisory lock), so
two programs saving at once do not fork it.
"""

from __future__ import annotations

import enum
import getpass
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import Enum as SAEnum
from sqlalchemy import event, insert, inspect, select, text
from sqlalchemy.orm import Session

from ..db.models import AuditEntry, Base
from ..db.models.base import utc_now

SYSTEM_ACTOR = "hệ thống"
PG_LOCK_KEY = 0x41554454  # "AUDT": the advisory lock that serialises the chain on PostgreSQL

ACTIONS = {
    "create": "Thêm mới",
    "update": "Sửa",
    "close": "Kết thúc",
    "reopen": "Mở lại",
    "void": "Hủy",
    "delete": "Xóa",
    "merge": "Gộp trùng",
    "import": "Nhập từ tệp",
    "undo_import": "Hoàn tác lần nhập",
    "export": "Xuất tệp",
    "print": "In",
    "backup": "Sao lưu",
    "restore": "Khôi phục",
    "login": "Đăng nhập",
    "logout": "Đăng xuất",
    "login_failed": "Đăng nhập sai",
    "lock": "Khóa sổ",
    "unlock": "Mở khóa sổ",
    "lock_exception": "Ngoại lệ khóa sổ",
    "password_reset": "Đặt lại mật khẩu",
    "password_change": "Đổi mật khẩu",
    "transfer": "Chuyển dữ liệu phường",  # services/transfer.py: a ward into or out of a store
}

KINDS = {
    "household": "Hộ gia đình",
    "resident": "Nhân khẩu",
    "household_signup": "Đăng ký hộ an toàn",
    "rehab_case": "Hồ sơ cai nghiện",
    "rehab_evaluation": "Đánh giá cai nghiện",
    "rehab_support": "Hỗ trợ cai nghiện",
    "mediation_team": "Tổ hòa giải",
    "mediator": "Hòa giải viên",
    "mediation_case": "Vụ việc hòa giải",
    "mediation_party": "Đương sự hòa giải",
    "mediation_case_mediator": "Phân công hòa giải",
    "cert_unit": "Đơn vị công nhận",
    "cert_record": "Kết quả công nhận",
    "cert_criterion": "Tiêu chí công nhận",
    "tip": "Tin báo",
    "movement_model": "Mô hình",
    "patrol": "Tuần tra",
    "outreach": "Tuyên truyền",
    "weapon_handover": "Thu hồi vũ khí",
    "award": "Khen thưởng",
    "unit": "Đơn vị",
    "area": "Khu dân cư",
    "setting": "Cài đặt",
    "person_merge": "Gộp người trùng",
    "person_not_duplicate": "Không trùng",
    "import_batch": "Lần nhập",
    "period_lock": "Khóa sổ",
    "lock_exception": "Ngoại lệ khóa sổ",
    "report": "Biểu mẫu",
    "database": "Cơ sở dữ liệu",
    "user": "Người dùng",
    "app_user": "Tài khoản người dùng",
    "app_user_area": "Khu dân cư của tài khoản",
    "login_failure": "Đăng nhập sai",
}

# Areas of work, for the trail's "lĩnh vực" filter: record kinds grouped as the tabs are.
AREAS = {
    "households": ("Hộ gia đình", ("household", "resident", "household_signup")),
    "rehabilitation": ("Cai nghiện", ("rehab_case", "rehab_evaluation", "rehab_support")),
    "mediation": ("Hòa giải", ("mediation_team", "mediator", "mediation_case",
                               "mediation_party", "mediation_case_mediator")),
    "certification": ("Công nhận", ("cert_unit", "cert_record", "cert_criterion")),
    "activities": ("Phong trào", ("tip", "movement_model", "patrol", "outreach",
                                  "weapon_handover", "award")),
    "system": ("Hệ thống", ("unit", "area", "setting", "person_merge", "person_not_duplicate",
                            "import_batch", "period_lock", "lock_exception", "report",
                            "database", "user", "app_user", "app_user_area",
                            "login_failure")),
}

FIELDS = {
    "address": "Địa chỉ", "age": "Tuổi", "agreement": "Thỏa thuận", "amount": "Số tiền",
    "area_id": "Khu dân cư", "assigned_on": "Ngày phân công", "attendance": "Số người dự",
    "awarded_on": "Ngày khen thưởng", "birth_date": "Ngày sinh", "birth_year": "Năm sinh",
    "birth_year_only": "Chỉ biết năm sinh", "book_closed_on": "Ngày khóa sổ",
    "book_number": "Số sổ", "book_opened_on": "Ngày mở sổ", "case_id": "Hồ sơ",
    "case_type": "Loại vụ việc", "category": "Loại", "certificate_number": "Số giấy chứng nhận",
    "classification": "Xếp loại", "close_note": "Ghi chú kết thúc",
    "close_reason": "Lý do kết thúc", "closed_on": "Ngày kết thúc", "code": "Mã",
    "collective": "Tập thể", "commander_name": "Chỉ huy", "commander_title": "Chức vụ chỉ huy",
    "compliance": "Chấp hành", "compliance_note": "Ghi chú chấp hành", "content": "Nội dung",
    "decision_date": "Ngày quyết định", "decision_number": "Số quyết định",
    "decision_signer": "Người ký quyết định", "description": "Mô tả", "details": "Chi tiết",
    "ended_on": "Ngày kết thúc", "evaluated_on": "Ngày đánh giá", "file_name": "Tên tệp",
    "full_name": "Họ và tên", "given_on": "Ngày cấp", "head_name": "Chủ hộ",
    "header_issuer": "Cơ quan ban hành", "header_superior": "Cơ quan cấp trên",
    "held_on": "Ngày thực hiện", "household_id": "Hộ", "id_number": "Số định danh",
    "import_batch_id": "Lần nhập", "invited": "Được mời", "is_leader": "Tổ trưởng",
    "key": "Khóa", "kind": "Loại", "left_on": "Ngày thôi", "left_reason": "Lý do thôi",
    "lender": "Người cho vay", "level": "Cấp", "marked_on": "Ngày đánh dấu",
    "mediator_id": "Hòa giải viên", "member_count": "Số thành viên", "members": "Số thành viên",
    "merged_id": "Bản ghi được gộp", "merged_into_id": "Gộp vào", "merged_on": "Ngày gộp",
    "met": "Đạt", "mode": "Cách nhập", "model": "Mô hình", "moved_out_on": "Ngày chuyển đi",
    "moved_out_reason": "Lý do chuyển đi", "name": "Tên", "note": "Ghi chú", "notes": "Ghi chú",
    "occupation": "Nghề nghiệp", "ethnicity": "Dân tộc", "religion": "Tôn giáo",
    "old_id_number": "Số CMND cũ", "origin": "Nguồn",
    "participants": "Số người tham gia", "period_no": "Kỳ", "period_year": "Năm",
    "person_name": "Họ và tên", "persons": "Số người", "phone": "Điện thoại",
    "place_name": "Địa danh", "planned_end": "Ngày dự kiến kết thúc",
    "province_code": "Mã tỉnh", "province_name": "Tỉnh", "quantity": "Số lượng",
    "quarter": "Quý", "reason": "Lý do", "received_on": "Ngày tiếp nhận",
    "recipient": "Người nhận", "regime": "Chế độ", "registered_on": "Ngày đăng ký",
    "relation": "Quan hệ với chủ hộ", "remarks": "Nhận xét", "residence_from": "Cư trú từ",
    "residence_kind": "Loại cư trú", "residence_to": "Cư trú đến", "resident_id": "Nhân khẩu",
    "result": "Kết quả", "result_note": "Ghi chú kết quả", "retired_on": "Ngày thôi",
    "sex": "Giới tính", "signed_on": "Ngày đăng ký", "since": "Cư trú từ ngày",
    "sort_order": "Thứ tự", "start_date": "Ngày bắt đầu", "started_on": "Ngày bắt đầu",
    "status": "Trạng thái", "summary": "Tóm tắt", "supervisor": "Người giám sát",
    "survivor_id": "Bản ghi giữ lại", "team_id": "Tổ hòa giải", "topic": "Chủ đề",
    "undone_on": "Ngày hoàn tác", "unit": "Đơn vị tính", "unit_id": "Đơn vị",
    "valuable": "Có giá trị", "value": "Giá trị", "void_reason": "Lý do hủy",
    "voided_at": "Ngày hủy", "voided_on": "Ngày hủy", "ward_code": "Mã phường", "ward_name": "Tên phường",
    "year": "Năm", "until": "Đến ngày", "locked_by": "Người khóa sổ",
    # accounts (the password's hash is never recorded: SKIPPED_COLUMNS)
    "role": "Vai trò", "display_name": "Họ và tên", "disabled": "Đã khóa tài khoản",
    "must_change": "Phải đổi mật khẩu", "failed_count": "Số lần sai liên tiếp",
    "locked_until": "Tạm khóa đến", "last_login_at": "Đăng nhập lần cuối",
    "user_id": "Tài khoản", "account": "Tài khoản",
    # the parameters of the recorded actions
    "form": "Biểu mẫu", "rows": "Số dòng", "created": "Thêm mới", "updated": "Cập nhật",
    "people_created": "Người thêm mới", "people_updated": "Người cập nhật", "file": "Tệp",
    "params": "Tham số", "count": "Số bản ghi", "survivor": "Giữ lại", "merged": "Gộp",
    "since_day": "Từ ngày", "user": "Người dùng", "import_kind": "Loại dữ liệu nhập",
    "lines": "Số dòng", "title": "Tên biểu mẫu", "loai": "Loại dữ liệu", "ky": "Kỳ",
    "safety": "Bản sao an toàn", "rehab_cases": "Hồ sơ cai nghiện chuyển sang",
    "parties": "Đương sự chuyển sang",
}

# Never in the trail: search caches and bookkeeping, and the trail itself.
SKIPPED_TABLES = frozenset({"household_search", "audit_entry", "alembic_version"})
SKIPPED_COLUMNS = frozenset({"folded", "name_folded", "head_sort", "version", "created_at",
                             "updated_at", "id", "snapshot", "password_hash"})
# Setting a column of CLOSING from empty closes the record; emptying it reopens it.
CLOSING = frozenset({"closed_on", "ended_on", "moved_out_on", "retired_on", "left_on",
                     "book_closed_on", "undone_on"})


# -- who ------------------------------------------------------------------------------------------
_actor: str | None = None


def current_actor(session: Session | None = None) -> str:
    """Who is acting: the account signed in (the user of ``session``'s database, else the
    command line's ``--user``; :func:`set_actor` overrides both); with no account (single-user
    mode) the operating system's user name, or "hệ thống"."""
    if _actor:
        return _actor
    from ..access import CURRENT_USER, user_of

    db = session.info.get("antq_db") if session is not None else None
    user = user_of(db) if db is not None else CURRENT_USER.get()
    if not user.system:
        return user.name
    try:
        return getpass.getuser() or SYSTEM_ACTOR
    except Exception:  # no user name in the environment (a service account)
        return SYSTEM_ACTOR


def set_actor(name: str | None) -> None:
    """The login's hook: every later entry is recorded as ``name`` (None: back to the default)."""
    global _actor
    _actor = name


# -- writing ---------------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value.value if isinstance(value, enum.Enum) else value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return None
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical(entry: AuditEntry) -> str:
    """The text an entry's hash covers: every field but ``id`` and the hashes."""
    at = entry.at.strftime("%Y-%m-%d %H:%M:%S")
    return _dumps([at, entry.actor, entry.action, entry.kind or "", entry.record_id,
                   entry.area_id, entry.detail])


def chain_hash(prev_hash: str, entry: AuditEntry) -> str:
    return hashlib.sha256((prev_hash + canonical(entry)).encode("utf-8")).hexdigest()


def _pending(session: Session) -> list[AuditEntry]:
    return session.info.setdefault("audit_pending", [])


def record(session: Session, action: str, kind: str = "", record_id: int | None = None,
           area_id: int | None = None, actor: str | None = None,
           detail: dict[str, Any] | None = None, **params: Any) -> AuditEntry:
    """Add one entry to ``session``'s transaction (written at its next flush, committed with
    it). ``detail``: the action's parameters (form, file name, row count…), never personal
    data beyond what the record holds. The users' helper records logins through this."""
    detail = {**(detail or {}), **params}
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(at=utc_now().replace(microsecond=0), actor=(actor or current_actor(session))[:100],
                       action=action, kind=kind, record_id=record_id, area_id=area_id,
                       detail=_dumps({k: _plain(v) for k, v in detail.items()}),
                       prev_hash="", hash="")
    session.add(entry)
    _pending(session).append(entry)
    return entry


def record_now(db, action: str, kind: str = "", record_id: int | None = None,
               area_id: int | None = None, **detail: Any) -> None:
    """:func:`record` in a transaction of its own (an export, a print, a backup)."""
    with db.session.begin() as s:
        record(s, action, kind, record_id, area_id, **detail)


@contextmanager
def suppressed(session: Session) -> Iterator[None]:
    """Within: the ORM changes of ``session`` are not recorded one by one (an import's rows;
    the caller records the batch as one entry)."""
    session.info["audit_off"] = True
    try:
        yield
    finally:
        session.info.pop("audit_off", None)


def suppress(session: Session) -> None:
    """:func:`suppressed` until the session's transaction ends."""
    session.info["audit_off"] = True


def set_action(session: Session, action: str) -> None:
    """Name the next flush's updates (e.g. "merge") instead of the inferred "update"/"close"."""
    session.info["audit_action"] = action


def _values(state, mapper) -> dict[str, Any]:
    """The record's fields as the flush saw them (never loading anything)."""
    return {attr.key: _plain(state.dict[attr.key]) for attr in mapper.column_attrs
            if attr.key not in SKIPPED_COLUMNS and attr.key in state.dict}


def _changes(state, mapper) -> dict[str, list]:
    out: dict[str, list] = {}
    columns = mapper.column_attrs
    for key in list(state.committed_state):  # only the attributes this flush changes
        if key in SKIPPED_COLUMNS or key not in columns:
            continue
        hist = state.attrs[key].history  # passive: an unloaded attribute has no history
        if not hist.has_changes():
            continue
        old = _plain(hist.deleted[0]) if hist.deleted else None
        new = _plain(hist.added[0]) if hist.added else None
        if old != new:
            out[key] = [old, new]
    return out


def _infer(changes: dict[str, list]) -> str:
    for key in ("voided_at", "voided_on"):  # activities keep the moment, rehab entries the day
        if key in changes and changes[key][1] is not None:
            return "void"
    for key in sorted(CLOSING & changes.keys()):
        old, new = changes[key]
        if old is None and new is not None:
            return "close"
        if old is not None and new is None:
            return "reopen"
    return "update"


def _area_of(values: dict[str, Any]) -> int | None:
    value = values.get("area_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _tracked(objects) -> Iterator[tuple[Any, Any, str]]:
    for obj in objects:
        if isinstance(obj, AuditEntry) or not isinstance(obj, Base):
            continue
        table = obj.__table__.name
        if table not in SKIPPED_TABLES:
            state = inspect(obj)
            yield state, state.mapper, table


def _ident(state) -> int | None:
    value = state.dict.get("id")
    if value is None and state.identity:
        value = state.identity[0]
    return value if isinstance(value, int) else None


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    """Turn the flush's new, changed and deleted records into entries (ids are known now; the
    attribute history is still there) and insert them at once, chained, on the flush's own
    connection: they commit with the change or not at all."""
    named = session.info.pop("audit_action", None)
    if session.info.get("audit_off"):
        return
    found = []
    for state, mapper, table in _tracked(session.new):
        values = _values(state, mapper)
        found.append(("create", table, _ident(state), _area_of(values), values))
    for state, mapper, table in _tracked(session.dirty):
        changes = _changes(state, mapper)
        if changes:
            area = _area_of({"area_id": state.dict.get("area_id")})
            found.append((named or _infer(changes), table, _ident(state), area, changes))
    for state, mapper, table in _tracked(session.deleted):
        values = _values(state, mapper)
        found.append(("delete", table, _ident(state), _area_of(values), values))
    if not found:
        return
    prev = _last_hash(session)
    at = utc_now().replace(microsecond=0)
    actor = current_actor(session)[:100]
    rows = []
    for action, table, record_id, area_id, detail in found:
        entry = AuditEntry(at=at, actor=actor, action=action, kind=table, record_id=record_id,
                           area_id=area_id, detail=_dumps(detail))
        digest = chain_hash(prev, entry)
        rows.append({"at": at, "actor": actor, "action": action, "kind": table,
                     "record_id": record_id, "area_id": area_id, "detail": entry.detail,
                     "prev_hash": prev, "hash": digest})
        prev = digest
    session.connection().execute(insert(AuditEntry.__table__), rows)
    session.info["audit_last"] = prev


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context, _instances) -> None:
    """Chain the entries this flush writes onto the trail's last hash, in insert order."""
    pending = session.info.get("audit_pending")
    if not pending:
        return
    pending = [e for e in pending if e in session.new]
    session.info["audit_pending"] = []
    if not pending:
        return
    with session.no_autoflush:
        prev = _last_hash(session)
    for entry in pending:
        entry.prev_hash = prev
        entry.hash = prev = chain_hash(prev, entry)
    session.info["audit_last"] = prev


def _last_hash(session: Session) -> str:
    """The chain's end, read once per transaction under the write lock (which the transaction
    then holds, so nobody else appends meanwhile)."""
    if "audit_last" in session.info:
        return session.info["audit_last"]
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        raw = conn.connection.driver_connection
        if not raw.in_transaction:  # take the write lock before reading the chain's end
            conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK_KEY})
    last = conn.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc())
                        .limit(1)).first()
    # every entry after this one up to the commit is this transaction's (services/changes.py)
    session.info.setdefault("audit_base", last.id if last else 0)
    return last.hash if last else ""


def _reset(session: Session, *_args) -> None:
    for key in ("audit_pending", "audit_action", "audit_off", "audit_last", "audit_base"):
        session.info.pop(key, None)


def _forget_end(session: Session, *_args) -> None:
    session.info.pop("audit_last", None)  # a savepoint rolled back may have held entries


event.listen(Session, "after_soft_rollback", _forget_end)
event.listen(Session, "after_commit", _reset)
event.listen(Session, "after_rollback", _reset)


# -- checking ----------------------------------------------------------------------------------
TRIGGERS_SQLITE = ("audit_entry_no_update", "audit_entry_no_delete")
TRIGGERS_PG = ("audit_entry_append_only",)


def _local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc).astimezone().replace(tzinfo=None)


def verify(db) -> list[str]:
    """Problems of the trail, one Vietnamese line each (empty: intact): an entry whose hash
    does not match its content (edited), one whose link to the previous entry is broken (an
    entry removed), or the triggers that keep it append-only missing."""
    problems: list[str] = []
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            found = {r[0] for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
            missing = [t for t in TRIGGERS_SQLITE if t not in found]
        else:
            found = {r[0] for r in conn.exec_driver_sql(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
            missing = [t for t in TRIGGERS_PG if t not in found]
        if missing:
            problems.append("Nhật ký thao tác mất lớp bảo vệ chống sửa, xóa (thiếu trigger "
                            f"{', '.join(missing)}): có người đã can thiệp trực tiếp vào tệp.")
        prev = ""
        shown = 0
        rows = conn.execute(select(AuditEntry.__table__).order_by(AuditEntry.id)
                            .execution_options(yield_per=2000))
        for row in rows:
            entry = AuditEntry(at=row.at, actor=row.actor, action=row.action, kind=row.kind,
                               record_id=row.record_id, area_id=row.area_id, detail=row.detail)
            when = f"{_local(row.at):%d/%m/%Y %H:%M}" if row.at else "?"
            if row.prev_hash != prev:
                problems.append(f"Nhật ký thao tác bị can thiệp: mục số {row.id} (ghi lúc "
                                f"{when}) không nối tiếp mục trước nó — có mục đã bị xóa hoặc "
                                "sửa.")
                shown += 1
            elif chain_hash(prev, entry) != row.hash:
                problems.append(f"Nhật ký thao tác bị can thiệp: nội dung mục số {row.id} (ghi "
                                f"lúc {when}) đã bị sửa sau khi ghi.")
                shown += 1
            prev = row.hash
            if shown >= 20:
                break
    return problems


# -- reading -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    field: str  # Vietnamese label
    old: str
    new: str


@dataclass(frozen=True)
class Entry:
    id: int
    at: datetime  # local time
    actor: str
    action: str
    action_label: str
    kind: str
    kind_label: str
    record_id: int | None
    area_id: int | None
    changes: tuple[Change, ...]  # the fields (or the action's parameters), labelled


def _enum_labels() -> dict[tuple[str, str], dict[str, str]]:
    """(table, column) → {stored value: Vietnamese label} for the enum columns."""
    out: dict[tuple[str, str], dict[str, str]] = {}
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, SAEnum) and column.type.enum_class is not None:
                out[(table.name, column.name)] = {
                    m.value: getattr(m, "label", m.value) for m in column.type.enum_class}
    return out


def _shown(value: Any, labels: dict[str, str] | None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if labels and isinstance(value, str) and value in labels:
        return labels[value]
    if isinstance(value, str) and len(value) == 19 and value[4] == "-" and value[10] == " ":
        try:
            return _local(datetime.fromisoformat(value)).strftime("%d/%m/%Y %H:%M")
        except ValueError:
            pass
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            pass
    if isinstance(value, (list, dict)):
        return _dumps(value)
    return str(value)


def describe(row: AuditEntry, enums=None) -> Entry:
    enums = _enum_labels() if enums is None else enums
    try:
        detail = json.loads(row.detail or "{}")
    except ValueError:
        detail = {}
    changes = []
    for key, value in detail.items():
        labels = enums.get((row.kind, key))
        label = FIELDS.get(key, key)
        if row.action in ("update", "close", "reopen", "void", "unlock", "merge") and \
                isinstance(value, list) and len(value) == 2:
            changes.append(Change(label, _shown(value[0], labels), _shown(value[1], labels)))
        elif row.action == "delete":
            changes.append(Change(label, _shown(value, labels), "—"))
        else:
            changes.append(Change(label, "", _shown(value, labels)))
    return Entry(row.id, _local(row.at), row.actor, row.action,
                 ACTIONS.get(row.action, row.action), row.kind or "",
                 KINDS.get(row.kind, row.kind or ""), row.record_id, row.area_id,
                 tuple(changes))


@dataclass(frozen=True)
class Filter:
    user: str | None = None
    since: date | None = None  # local days, inclusive
    until: date | None = None
    area: str | None = None  # a key of AREAS
    kind: str | None = None  # a table name
    action: str | None = None
    area_id: int | None = None  # a residential area
    limit: int | None = None  # newest first, at most this many


def _utc(day: date) -> datetime:
    local = datetime(day.year, day.month, day.day).astimezone()
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def entries(db, flt: Filter = Filter()) -> list[Entry]:
    """The trail, newest first, narrowed by ``flt``."""
    from datetime import timedelta

    stmt = select(AuditEntry).order_by(AuditEntry.id.desc())
    if flt.user:
        stmt = stmt.where(AuditEntry.actor == flt.user)
    if flt.since:
        stmt = stmt.where(AuditEntry.at >= _utc(flt.since))
    if flt.until:
        stmt = stmt.where(AuditEntry.at < _utc(flt.until + timedelta(days=1)))
    if flt.area:
        stmt = stmt.where(AuditEntry.kind.in_(AREAS[flt.area][1]))
    if flt.kind:
        stmt = stmt.where(AuditEntry.kind == flt.kind)
    if flt.action:
        stmt = stmt.where(AuditEntry.action == flt.action)
    if flt.area_id is not None:
        stmt = stmt.where(AuditEntry.area_id == flt.area_id)
    if flt.limit:
        stmt = stmt.limit(flt.limit)
    enums = _enum_labels()
    with db.session() as s:
        found = [describe(r, enums) for r in s.scalars(stmt)]
    hide = _hidden_labels(db)
    if not hide:
        return found
    from dataclasses import replace

    from ..access import MASK

    # the trail, its screen and its .xlsx show what the account may see (db/guard.py)
    return [replace(e, changes=tuple(
        Change(c.field, MASK if c.old else "", MASK if c.new else "")
        if c.field in hide else c for c in e.changes)) for e in found]


def _hidden_labels(db) -> set[str]:
    """The labels of the fields the account may not see whole (guard.MASKED_FIELDS)."""
    from ..access import Permission
    from ..db.guard import MASKED_FIELDS

    user = getattr(db, "user", None)
    if user is None or user.can(Permission.SENSITIVE):
        return set()
    return {FIELDS.get(attr, attr) for _model, attr, _fn in MASKED_FIELDS}


def last_id(conn) -> int:
    """The change counter: the newest entry's id (0: none), one step down the primary key.
    Every saved change writes an entry in its own transaction, so this moves exactly when
    something was saved (services/changes.py polls it)."""
    return conn.execute(_LAST_ID).scalar() or 0


_LAST_ID = text("SELECT max(id) FROM audit_entry")  # plain text: no statement to build per call


def actors(db) -> list[str]:
    with db.session() as s:
        return sorted(s.scalars(select(AuditEntry.actor).distinct()))


def history(db, kind: str, record_id: int) -> list[Entry]:
    """One record's changes, oldest first, with Vietnamese field labels (the "Lịch sử" button
    of a record dialog). ``kind`` is the record's table name ("household", "tip"…)."""
    enums = _enum_labels()
    with db.session() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.kind == kind,
                                                  AuditEntry.record_id == record_id)
                         .order_by(AuditEntry.id))
        return [describe(r, enums) for r in rows]


def history_lines(db, targets) -> list[tuple[str, ...]]:
    """The "Lịch sử" of ``targets`` ((table name, id) pairs: a household and its members, say)
    as lines (time, actor, action, record kind, field, old, new) in the order the changes were
    made. The values of the fields the user may not see whole (guard.MASKED_FIELDS) are masked,
    as everywhere else."""
    from ..access import MASK, Permission
    from ..db.guard import MASKED_FIELDS

    found = [e for kind, record_id in targets if record_id is not None
             for e in history(db, kind, record_id)]
    found.sort(key=lambda e: e.id)
    user = getattr(db, "user", None)
    hide = (set() if user is None or user.can(Permission.SENSITIVE)
            else {FIELDS.get(attr, attr) for _model, attr, _fn in MASKED_FIELDS})
    lines = []
    for e in found:
        base = (e.at.strftime("%d/%m/%Y %H:%M"), e.actor, e.action_label, e.kind_label)
        if not e.changes:
            lines.append(base + ("", "", ""))
        for c in e.changes:
            old, new = (MASK if c.old else "", MASK) if c.field in hide else (c.old, c.new)
            lines.append(base + (c.field, old, new))
    return lines


def write_xlsx(found: list[Entry], path) -> int:
    """The entries as a workbook, one line per changed field; returns the entries written."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Nhật ký thao tác"
    head = ["Số", "Thời gian", "Người thực hiện", "Thao tác", "Loại bản ghi", "Mã bản ghi",
            "Trường / tham số", "Giá trị cũ", "Giá trị mới"]
    ws.append(head)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for e in found:
        base = [e.id, e.at.strftime("%d/%m/%Y %H:%M:%S"), e.actor, e.action_label,
                e.kind_label, e.record_id]
        if not e.changes:
            ws.append(base + ["", "", ""])
        for c in e.changes:
            ws.append(base + [c.field, c.old, c.new])
    for col, width in zip("ABCDEFGHI", (8, 20, 18, 16, 22, 10, 24, 30, 30)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    import os
    from pathlib import Path

    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise AuditExportError(f"Không ghi được tệp {path} (thư mục không tồn tại, không có "
                               "quyền ghi, ổ đĩa đầy hoặc tệp đang mở trong Excel).") from None
    return len(found)


class AuditExportError(Exception):
    """The trail's workbook could not be written; the message is Vietnamese."""
