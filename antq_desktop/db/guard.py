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

The same session knows its ward (docs/ARCHITECTURE.md §6): every ORM SELECT, ``Session.get``,
lazy load and ORM UPDATE/DELETE of such a session gets ``with_loader_criteria`` limiting every
ward-owned model to the current ward (``unit_id``, or through the parent for the children), and
new records get the ward of their area, else the current ward (at flush and in bulk inserts).
A province account is limited only to the ward it chose (none: every ward) and never writes. The system user is limited too: a
handle works in one ward (``Database.unit_id``, else the store's first unit). A SQLite file
that holds one ward only is read without the criteria (``unscoped``), until a second ward is in
it.
"""

from __future__ import annotations

import dataclasses
import functools

from contextlib import contextmanager
from itertools import chain

from sqlalchemy import event, exists, func, inspect, literal_column, select
from sqlalchemy.orm import RelationshipDirection, Session, with_loader_criteria
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.elements import TextClause

from ..access import (
    AREA_DENIED,
    OTHER_WARD,
    PROVINCE_DENIED,
    Permission,
    PermissionDenied,
    mask_number,
    mask_text,
    user_of,
)
from .models import (
    Area,
    Base,
    CertCriterion,
    CertRecord,
    CertUnit,
    Household,
    HouseholdSearch,
    HouseholdSignup,
    MediationCase,
    MediationCaseMediator,
    MediationParty,
    MediationTeam,
    Mediator,
    NotDuplicate,
    PersonMerge,
    RehabCase,
    RehabEvaluation,
    RehabSupport,
    Resident,
    Unit,
    UserArea,
)
from .models.base import WardOwned

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
    (Resident, "ethnicity", mask_text),
    (Resident, "religion", mask_text),
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
    _assign_wards(session)
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
    if state.is_select or state.is_update or state.is_delete:
        _scope(state)
    if state.is_insert:
        _fill_insert_wards(state)
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


# -- the current ward (docs/ARCHITECTURE.md §6) -------------------------------------------------
WARD_MODELS = tuple(sorted((m.class_ for m in Base.registry.mappers
                            if issubclass(m.class_, WardOwned)), key=lambda c: c.__name__))
WARD_TABLES = frozenset(m.__table__.name for m in WARD_MODELS)


def first_unit(conn) -> int | None:
    """The store's first unit (a ward's own file has only it), or None before any."""
    return conn.execute(select(func.min(Unit.__table__.c.id))).scalar()


def scope_of(db) -> int | None:
    """The ward ``db`` works in: its user's (a ward account's own; a province account's the
    ward it chose, services/users.choose_ward), else its own, else the store's first unit;
    None for a province account that chose no ward (every ward) or a store with no unit yet."""
    user = user_of(db)
    if user.unit_id is not None:
        return user.unit_id
    if user.province:
        return None
    if db.unit_id is None:
        with db.engine.connect() as conn:  # committed units only, so that it may be kept
            db.unit_id = first_unit(conn)
    return db.unit_id


OWN_WARD_ONLY = ("Tài khoản “{name}” làm việc với dữ liệu của {ward}: chỉ tài khoản cấp tỉnh "
                 "mới chọn được phường, xã khác.")


def choose_ward(db, unit: int | None):
    """Make ``unit`` (None: every ward) the ward ``db`` works in, for a province account (the
    ward chooser, ``--unit``): the one place is ``CurrentUser.unit_id``, which scope_of reads.
    A ward account may only name its own ward (PermissionDenied otherwise); the system user
    (no accounts) may name any. Returns the user now working."""
    user = user_of(db)
    if not user.province and not user.system:
        own = scope_of(db)
        if unit != own:
            with db.engine.connect() as conn:
                name = conn.execute(select(Unit.__table__.c.ward_name)
                                    .where(Unit.__table__.c.id == own)).scalar()
            raise PermissionDenied(OWN_WARD_ONLY.format(name=user.name,
                                                        ward=name or "phường, xã mình"))
        return user
    if unit is None and user.system:
        db.unit_id = None  # the store's first, looked up again
    db.user = dataclasses.replace(user, unit_id=unit)
    return db.user


def ward_filter(db, column):
    """A WHERE clause limiting ``column`` (a ``unit_id``) to the ward of ``db``, or None (a
    province account; a SQLite file of one ward, ``unscoped``): for queries that bypass the
    session (the household list's ids)."""
    unit = scope_of(db)
    if unit is None:
        return None
    if db.is_sqlite:
        with db.engine.connect() as conn:
            if unscoped(db, conn):
                return None
    return ward_is(column, unit, db.is_sqlite)


def ward_is(column, unit: int, sqlite: bool):
    """``column = unit``; on SQLite as ``column + 0 = unit``, which no index serves. A SQLite
    file holds one ward, so its ``ix_<table>_unit_id`` indexes match every row; without
    statistics (no ANALYZE) the planner still took them for selective and drove joins with
    them: the households tab's sign-up summary scanned every household once per area (12 s
    instead of 0.5 s on 100,000 households, docs/PERFORMANCE.md "The ward filter's cost").
    PostgreSQL keeps its statistics and its unit index serves a province's wards."""
    return (column + literal_column("0")) == unit if sqlite else column == unit


def session_ward(session: Session) -> int | None:
    """The ward a session of the app works in (None: a province account, or no unit yet)."""
    db = session.info.get("antq_db")
    if db is None:  # tests' own sessions, Alembic: not limited
        return None
    unit = scope_of(db)
    if unit is None and not user_of(db).province:
        unit = first_unit(session.connection())  # the first unit, made in this transaction
    return unit


def _through(child_column, parent, *more):
    """``EXISTS`` the parent row of ``child_column`` in the ward, following ``more`` (pairs of a
    foreign key column name and the next parent model) up to the model with ``unit_id``. Aliased
    tables: the condition never correlates with the outer query's own tables."""
    alias = parent.__table__.alias()
    clauses = [alias.c.id == child_column]
    for column, model in more:
        upper = model.__table__.alias()
        clauses.append(alias.c[column] == upper.c.id)
        alias = upper
    return alias, clauses


@functools.lru_cache(maxsize=512)  # a province's wards; rebuilding them cost ~20 ms a query
def _scope_options(unit: int, sqlite: bool = False) -> tuple:
    """The loader criteria of ward ``unit``, built once per ward (and dialect, ``ward_is``):
    the aliased parent tables of the EXISTS clauses copy every column, and building them for
    each statement made every ORM query ~20 ms slower. The options are immutable and shared
    by every statement."""
    def via(child_column, parent, *more):
        alias, clauses = _through(child_column, parent, *more)
        return exists().where(*clauses, ward_is(alias.c.unit_id, unit, sqlite))

    options = [with_loader_criteria(m, ward_is(m.unit_id, unit, sqlite), include_aliases=True)
               for m in WARD_MODELS]
    children = [
        (Resident, via(Resident.household_id, Household)),
        (HouseholdSearch, via(HouseholdSearch.household_id, Household)),
        (HouseholdSignup, via(HouseholdSignup.household_id, Household)),
        (RehabEvaluation, via(RehabEvaluation.case_id, RehabCase)),
        (RehabSupport, via(RehabSupport.case_id, RehabCase)),
        (Mediator, via(Mediator.team_id, MediationTeam)),
        (MediationCase, via(MediationCase.team_id, MediationTeam)),
        (MediationParty, via(MediationParty.case_id, MediationCase,
                             ("team_id", MediationTeam))),
        (MediationCaseMediator, via(MediationCaseMediator.case_id, MediationCase,
                                    ("team_id", MediationTeam))),
        (CertRecord, via(CertRecord.unit_id, CertUnit)),
        (CertCriterion, via(CertCriterion.record_id, CertRecord, ("unit_id", CertUnit))),
        (UserArea, via(UserArea.area_id, Area)),
        (NotDuplicate, via(NotDuplicate.resident_id, Resident, ("household_id", Household))),
        (PersonMerge, via(PersonMerge.survivor_id, Resident, ("household_id", Household))),
    ]
    options.extend(with_loader_criteria(model, clause, include_aliases=True)
                   for model, clause in children)
    return tuple(options)


ONE_WARD_CHECK = "SELECT 1 FROM unit LIMIT 1 OFFSET 1"


def one_ward(conn) -> bool:
    """Whether the store on ``conn`` holds at most one unit, so that every ward-owned row is
    that ward's (``unit_id`` is never NULL) and the ward scope would only cost time."""
    return conn.exec_driver_sql(ONE_WARD_CHECK).first() is None


def unscoped(db, conn) -> bool:
    """Whether the ward scope may be left out for a statement about to run on ``conn``: a
    SQLite file that holds one ward (a ward's own file, the usual case). The criteria cost the
    households list ~3× and the search ~1.5× there (docs/PERFORMANCE.md "The ward filter's
    cost"): the ``unit_id`` comparison needs every row read from the table where a covering
    index served before. Asked before each statement, on the statement's own connection (its
    own uncommitted writes included; one row read, a few µs): the moment a second ward is in
    the file (UnitService.add_ward, a transfer, another program's commit), the scope is back.
    A PostgreSQL store (a province's server, many wards) is always scoped."""
    return db.is_sqlite and one_ward(conn)


def _scope(state) -> None:
    if state.is_select and (state.is_column_load or state.is_relationship_load):
        return  # a load of an object already read: the options travel with it
    unit = session_ward(state.session)
    if unit is None:
        return
    db = state.session.info["antq_db"]
    if unscoped(db, state.session.connection()):
        return
    state.statement = state.statement.options(*_scope_options(unit, db.is_sqlite))


def _area_unit(session: Session, area_id: int) -> int | None:
    table = Area.__table__
    return session.connection().execute(
        select(table.c.unit_id).where(table.c.id == area_id)).scalar()


def ensure_unit(session: Session) -> int:
    """The ward for a record made before any unit: the store's first, or a blank one (which
    the unit's dialog completes; services/unit.py treats it as not set up)."""
    conn = session.connection()
    unit = first_unit(conn)
    if unit is None:
        conn.execute(Unit.__table__.insert().values(
            id=1, province_code=0, province_name="", ward_code=0, ward_name="",
            header_superior="", header_issuer="", place_name="", commander_name="",
            commander_title="", version=1))
        unit = 1
    return unit


def _default_ward(session: Session) -> int:
    db = session.info.get("antq_db")
    user = _user(session) if db is not None else None
    if db is not None and user_of(db).province and not session.info.get("antq_housekeeping"):
        raise PermissionDenied(PROVINCE_DENIED.format(name=user_of(db).name))
    unit = session_ward(session) if db is not None else None
    return unit if unit is not None else ensure_unit(session)


def _assign_wards(session: Session) -> None:
    """New ward-owned records get their area's ward (else the current one); a record of
    another ward, or pointing at an area of another ward, is refused."""
    db = session.info.get("antq_db")
    ward = None
    with session.no_autoflush:
        for obj in chain(session.new, session.dirty):
            if not isinstance(obj, WardOwned):
                continue
            area_id = getattr(obj, "area_id", None)
            area_unit = _area_unit(session, area_id) if area_id is not None else None
            if obj.unit_id is None:
                obj.unit_id = area_unit if area_unit is not None else _default_ward(session)
            elif area_unit is not None and area_unit != obj.unit_id:
                raise PermissionDenied(OTHER_WARD.format(name=user_of(db).name if db else ""))
            if db is None or user_of(db).province:
                continue
            if ward is None:
                ward = session_ward(session)
            if ward is not None and obj.unit_id != ward:
                raise PermissionDenied(OTHER_WARD.format(name=user_of(db).name))


def _fill_insert_wards(state) -> None:
    """A bulk ``insert(Model)`` of ward-owned rows: each row without a ``unit_id`` gets its
    area's ward, else the current ward."""
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) not in WARD_TABLES:
        return
    params = state.parameters
    rows = params if isinstance(params, list) else [params] if params else []
    if not rows or all(row.get("unit_id") is not None for row in rows):
        return
    session = state.session
    units: dict = {}
    filled = []
    with session.no_autoflush:
        for row in rows:
            if row.get("unit_id") is None:
                area_id = row.get("area_id")
                if area_id not in units:
                    found = _area_unit(session, area_id) if area_id is not None else None
                    units[area_id] = found if found is not None else _default_ward(session)
                row = {**row, "unit_id": units[area_id]}
            filled.append(row)
    state.parameters = filled if isinstance(params, list) else filled[0]
