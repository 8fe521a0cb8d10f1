"""Permissions enforced where every write goes through: the ORM session (docs/USERS.md).

A session made by ``Database.session`` knows its database (``session.info["antq_db"]``) and so
the user it works for (``Database.user``). Before each flush every new, changed or deleted
object is checked: the user's role must allow writing its table, and an area-limited user may
only touch records of their own areas (the area is found through the record's foreign keys:
a resident through its household, an evaluation through its case, a party through its case's
team). Bulk ``insert()/update()/delete()`` statements and textual DML through the session are
checked too. Objects loaded for a user without the right to see sensitive data come back with
their ID numbers and case notes masked. Sessions of other origins (tests' own, Alembic) and the
system user are not checked.
"""

from __future__ import annotations

from contextlib import contextmanager
from itertools import chain

from sqlalchemy import event, inspect
from sqlalchemy.orm import RelationshipDirection, Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.elements import TextClause

from ..access import (
    AREA_DENIED,
    Permission,
    PermissionDenied,
    mask_number,
    mask_text,
    user_of,
)
from .models import Base, RehabCase, Resident

# Tables that need more than Permission.WRITE.
TABLE_PERMISSIONS: dict[str, Permission] = {
    "unit": Permission.SETTINGS,
    "area": Permission.SETTINGS,
    # signing off a period, reopening it, its exceptions: the Lãnh đạo's (services/periods.py)
    "period_lock": Permission.LOCK,
    "lock_exception": Permission.LOCK,
}
# Tables whose service checks its callers itself: the accounts (a failed login is recorded
# before anyone is signed in; a user changes their own password), and the audit trail, which
# the service layer writes for whatever the user was allowed to do (an export, a sign-off).
EXEMPT_TABLES = {"app_user", "app_user_area", "login_failure", "audit_entry"}
_NO_PATH = {"import_batch"}  # a foreign key that says nothing about a record's area
_MAX_DEPTH = 3

# Fields hidden from a user without Permission.SENSITIVE: (model, attribute, masking).
MASKED_FIELDS = [
    (Resident, "id_number", mask_number),
    (Resident, "old_id_number", mask_number),
    (RehabCase, "id_number", mask_number),
    (RehabCase, "notes", mask_text),
]

_installed = False


def install() -> None:
    """Register the checks (once per process)."""
    global _installed
    if _installed:
        return
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "do_orm_execute", _do_orm_execute)
    for model in {m for m, _attr, _fn in MASKED_FIELDS}:
        event.listen(model, "load", _masked_load)
        event.listen(model, "refresh", _masked_refresh)
    _installed = True


@contextmanager
def housekeeping(session: Session):
    """Inside: the program's own upkeep (one mediation team and one certification unit per
    area, made when any list is opened), not checked against the user, who asked for none of
    it. The caller's own pending changes are flushed (and checked) first."""
    session.flush()
    before = session.info.get("antq_housekeeping")
    session.info["antq_housekeeping"] = True
    try:
        yield
        session.flush()
    finally:
        session.info["antq_housekeeping"] = before


def _user(session: Session):
    if session.info.get("antq_housekeeping"):
        return None
    db = session.info.get("antq_db")
    return None if db is None else user_of(db)


def _table_of(obj) -> str:
    return inspect(obj).mapper.local_table.name


def _check_table(user, table: str) -> None:
    if table in EXEMPT_TABLES:
        return
    permission = TABLE_PERMISSIONS.get(table, Permission.WRITE)
    if not user.can(permission):
        raise PermissionDenied(user.why_not(permission))


def _class_of(table: str):
    for mapper in Base.registry.mappers:
        if mapper.local_table.name == table:
            return mapper.class_
    return None


def areas_of(session: Session, obj, depth: int = 0) -> list | None:
    """The area ids a record belongs to (its area now and, if it changes, before), found
    through its foreign keys; None when nothing about it leads to an area."""
    state = inspect(obj)
    mapper = state.mapper
    table = mapper.local_table
    direct = [c for c in table.columns if any(fk.column.table.name == "area"
                                              for fk in c.foreign_keys)]
    if direct:
        found = []
        for column in direct:
            key = mapper.get_property_by_column(column).key
            found.append(getattr(obj, key))
            found.extend(state.attrs[key].history.deleted or ())
        return found
    if depth >= _MAX_DEPTH:
        return None
    for column in table.columns:
        for fk in column.foreign_keys:
            target = fk.column.table.name
            if target == table.name or target in _NO_PATH:
                continue
            rel = next((r for r in mapper.relationships
                        if r.direction is RelationshipDirection.MANYTOONE
                        and column in r.local_columns), None)
            related = getattr(obj, rel.key) if rel is not None else None
            if related is None:
                value = getattr(obj, mapper.get_property_by_column(column).key)
                cls = _class_of(target)
                if value is None or cls is None:
                    continue
                related = session.get(cls, value)
                if related is None:
                    continue
            found = areas_of(session, related, depth + 1)
            if found is not None:
                return found
    return None


def _check_areas(user, found: list | None) -> None:
    if found is None:  # a record of no area (an import batch, a duplicate mark)
        return
    if not all(user.may_area(area) for area in found):
        raise PermissionDenied(AREA_DENIED.format(name=user.name))


def _before_flush(session: Session, _context, _instances) -> None:
    user = _user(session)
    if user is None or user.system:
        return
    with session.no_autoflush:
        for obj in chain(session.new, session.dirty, session.deleted):
            if obj in session.dirty and not session.is_modified(obj):
                continue
            table = _table_of(obj)
            _check_table(user, table)
            if user.area_ids is not None and table not in EXEMPT_TABLES:
                _check_areas(user, areas_of(session, obj))


def _row_areas(session: Session, model, row: dict) -> list | None:
    obj = model(**{k: v for k, v in row.items() if isinstance(k, str) and hasattr(model, k)})
    try:
        return areas_of(session, obj)
    finally:
        if obj in session:
            session.expunge(obj)


def _do_orm_execute(state) -> None:
    if state.is_select:
        return
    user = _user(state.session)
    if user is None or user.system:
        return
    statement = state.statement
    if isinstance(statement, TextClause):
        first = statement.text.lstrip().split(None, 1)[:1]
        if first and first[0].lower() in ("insert", "update", "delete", "replace"):
            if not user.can(Permission.WRITE):
                raise PermissionDenied(user.why_not(Permission.WRITE))
        return
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(statement, "table", None)
    name = getattr(table, "name", "")
    _check_table(user, name)
    if user.area_ids is None or name in EXEMPT_TABLES:
        return
    model = _class_of(name)
    if model is None:
        return
    if state.is_insert:
        params = state.parameters
        rows = params if isinstance(params, list) else [params] if params else []
        with state.session.no_autoflush:
            for row in rows:
                _check_areas(user, _row_areas(state.session, model, row))
        return
    if _has_area_path(table):
        raise PermissionDenied(
            f"Tài khoản “{user.name}” chỉ làm việc với các khu dân cư được giao: không thực "
            "hiện được thao tác hàng loạt này.")


def _has_area_path(table, depth: int = 0) -> bool:
    """Whether records of ``table`` belong to an area (through their foreign keys)."""
    for column in table.columns:
        for fk in column.foreign_keys:
            target = fk.column.table
            if target.name == "area":
                return True
            if target is not table and target.name not in _NO_PATH and depth < _MAX_DEPTH \
                    and _has_area_path(target, depth + 1):
                return True
    return False


def _mask(target, session) -> None:
    user = _user(session) if session is not None else None
    if user is None or user.can(Permission.SENSITIVE):
        return
    for model, attr, fn in MASKED_FIELDS:
        if isinstance(target, model) and attr in target.__dict__:
            set_committed_value(target, attr, fn(target.__dict__[attr]))


def _masked_load(target, context) -> None:
    _mask(target, context.session)


def _masked_refresh(target, context, _attrs) -> None:
    _mask(target, context.session)
