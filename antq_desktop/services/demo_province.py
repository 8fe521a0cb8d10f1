"""A demo province: many demo wards in one store (issue 18, docs/ARCHITECTURE.md §6).

Each ward is a real ward of Hà Nội (``places.wards(1)``, in the list's order) with its own
``unit`` row, residential areas, households and their members, the search index rows, two
years of sign-ups, and the rehabilitation, mediation, movement-activity and certification
records of the demo ward (services/demo*.py), so that every ward's year-end summary and the
province's aggregate have figures. The content rules are the demo ward's own: the households
come from ``demo._Generator``, the other records from the demo's ``add_*`` functions, run in a
session whose current ward is the ward being built (so they see, and their rows get, that
ward only).

Speed: households, residents, search rows and sign-ups go in with PostgreSQL's ``COPY … FROM
STDIN`` (psycopg2 ``copy_expert``), or one DB-API ``executemany`` per table and chunk on
SQLite; their ids are given here (the tables are locked on PostgreSQL, the sequences moved past
them at the end). The whole province is one transaction: a cancel or an error leaves nothing.
The search index (FTS5 on SQLite, the trigram index on PostgreSQL) and on PostgreSQL the
loaded tables' other secondary indexes are dropped first and built once at the end.

Ward ``i``'s content depends only on ``seed``, ``today``, ``i`` and the number of households:
the same ward generated alone into its own file (``only=[i]``) holds the same people, the same
addresses and the same records (with other ids). ID numbers, old ID numbers and phone numbers
stay unique across the province because each ward draws them from its own slice of the serial
(two digits of the ward's index), which caps a province at ``MAX_WARDS`` wards.

Why here and not in bench/: the tests use it like the demo ward (tests/services/
test_demo_province.py), and a province account, the transfer command and the aggregate forms
need a store of several wards to be tried on; bench/bench_province.py builds its store with it.
"""

from __future__ import annotations

import io
import random
from bisect import bisect
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import accumulate
from typing import Callable, Sequence

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from .. import places
from ..db.engine import Database
from ..db.models import Area, Household, Resident, Unit
from ..db.search import create_household_fts, drop_household_fts
from ..enums import Relationship
from ..gcpause import gc_paused
from ..text import fold
from .demo import (
    _Y,
    CANCELLED,
    NOT_EMPTY,
    DemoError,
    _Generator,
    _Household,
    _is_empty,
    area_count,
)
from .demo_activities import add_activities
from .demo_certification import add_certification
from .demo_mediation import add_mediation
from .demo_rehab import add_rehabilitation
from .households import _search_text, name_sort_key

PROVINCE_CODE = 1  # Thành phố Hà Nội: 126 wards and communes since 01/7/2025
MAX_WARDS = 100  # the number slices below: two decimal digits of the ward's index
CHUNK = 5000  # households per write round (progress and cancel points)

Progress = Callable[[int, int], bool]
R = Relationship

# Columns written for each table, in the order of the rows built below. Left out: created_at,
# updated_at and version, which take their server defaults (the current time, 1).
HOUSEHOLD_COLUMNS = ("id", "unit_id", "code", "area_id", "address", "notes", "since",
                     "moved_out_on", "moved_out_reason", "head_name", "head_sort",
                     "member_count", "residence_kind")
RESIDENT_COLUMNS = ("id", "household_id", "full_name", "name_folded", "birth_date", "sex",
                    "id_number", "old_id_number", "relation", "residence_kind",
                    "residence_from", "residence_to", "phone", "occupation", "notes",
                    "moved_out_on", "moved_out_reason", "birth_year_only")
SEARCH_COLUMNS = ("household_id", "unit_id", "folded", "lower")
SIGNUP_COLUMNS = ("id", "household_id", "year", "signed_on")
# Tables whose ids this module gives (the sequences are moved past them on PostgreSQL).
OWN_IDS = ("unit", "area", "household", "resident", "household_signup")


@dataclass
class ProvinceSummary:
    province_name: str
    unit_ids: list[int] = field(default_factory=list)  # in the order of the wards built
    ward_names: list[str] = field(default_factory=list)
    areas: int = 0
    households: int = 0
    residents: int = 0
    signups: int = 0
    rehab_cases: int = 0
    mediation_cases: int = 0
    activities: int = 0
    cert_records: int = 0

    @property
    def wards(self) -> int:
        return len(self.unit_ids)


class _WardGenerator(_Generator):
    """The demo's household generator; its unique numbers come from the ward's own slice, so
    that wards generated independently never share an ID number or a phone number."""

    def __init__(self, seed: int, today: date, slot: int):
        super().__init__(seed, today)
        self.slot = f"{slot:02d}"  # _Generator._serial


def ward_seed(seed: int, index: int) -> int:
    return seed * 1000 + index


# -- writing rows -------------------------------------------------------------------------------
def _copy_value(v) -> str:
    if v is None:
        return "\\N"
    if isinstance(v, bool):
        return "t" if v else "f"
    if isinstance(v, str):
        if "\\" in v or "\t" in v or "\n" in v or "\r" in v:
            v = (v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                 .replace("\r", "\\r"))
        return v
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def _sqlite_value(v):
    if isinstance(v, date):
        return v.isoformat()  # as SQLAlchemy's SQLite Date stores it
    if isinstance(v, bool):
        return int(v)
    return v


class _Writer:
    """Rows into a table on the transaction's own DB-API connection: COPY on PostgreSQL,
    ``executemany`` on SQLite."""

    def __init__(self, conn):
        self.dbapi = conn.connection.dbapi_connection
        self.pg = conn.dialect.name == "postgresql"

    def write(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        if not rows:
            return
        cur = self.dbapi.cursor()
        try:
            if self.pg:
                buf = io.StringIO()
                buf.writelines("\t".join(map(_copy_value, row)) + "\n" for row in rows)
                buf.seek(0)
                cur.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buf)
            else:
                marks = ", ".join("?" * len(columns))
                cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                                [tuple(map(_sqlite_value, row)) for row in rows])
        finally:
            cur.close()


class _Ids:
    """The next free id of each table whose ids this module gives."""

    def __init__(self, conn):
        self.next = {t: (conn.execute(text(f"SELECT max(id) FROM {t}")).scalar() or 0) + 1
                     for t in OWN_IDS}

    def take(self, table: str, n: int) -> int:
        first = self.next[table]
        self.next[table] = first + n
        return first


# -- one ward -----------------------------------------------------------------------------------
def _ward_view(db: Database, conn, unit_id: int) -> Database:
    """A handle on ``conn`` (the build's one transaction) working in ward ``unit_id``: the
    demo's add_* functions see, and their rows get, that ward only (db/guard.py)."""
    view = replace(db, session=sessionmaker(bind=conn, expire_on_commit=False),
                   unit_id=unit_id)
    view.session.configure(info={"antq_db": view})
    return view


def _household_rows(gen: _Generator, chunk: list[_Household], first_id: int, unit_id: int,
                    area_ids: list[int], campaigns, ids: _Ids):
    """The rows of a chunk of households, as demo._write_chunk and HouseholdService write
    them (the list's cached columns, the search text)."""
    homes, people, search, signups = [], [], [], []
    for offset, h in enumerate(chunk):
        hid = first_id + offset
        active = [m for m in h.members if m.active]
        head = next(m for m in active if m.relation is R.HEAD)
        homes.append((
            hid, unit_id, h.code, area_ids[h.area_index], h.address, h.notes,
            date.fromordinal(h.since) if h.since > gen.t - _Y[10] else None,
            h.moved_out_on, h.moved_out_reason, head.full_name, name_sort_key(head.full_name),
            len(active), head.residence_kind.value))
        folded, lowered = _search_text(h.code, h.address, h.members)
        search.append((hid, unit_id, folded, lowered))
        for m in h.members:
            people.append([
                hid, m.full_name, fold(m.full_name), m.birth_date, m.sex.value,
                m.id_number or None, m.old_id_number or None, m.relation.value,
                m.residence_kind.value, m.residence_from, m.residence_to, m.phone,
                m.occupation, m.notes, m.moved_out_on, m.moved_out_reason, False])
        signups += gen.signups(hid, h, campaigns)
    rid = ids.take("resident", len(people))
    people = [(rid + i, *row) for i, row in enumerate(people)]
    sid = ids.take("household_signup", len(signups))
    signups = [(sid + i, r["household_id"], r["year"], r["signed_on"])
               for i, r in enumerate(signups)]
    return homes, people, search, signups


def _build_ward(db: Database, conn, writer: _Writer, ids: _Ids, index: int, households: int,
                seed: int, today: date, summary: ProvinceSummary, report) -> None:
    province = places.province(PROVINCE_CODE)
    ward = places.wards(PROVINCE_CODE)[index]
    superior, issuer = places.default_headers(province, ward)
    wseed = ward_seed(seed, index)
    gen = _WardGenerator(wseed, today, slot=index)
    rng = gen.rng
    unit_id = ids.take("unit", 1)
    conn.execute(Unit.__table__.insert(), [{
        "id": unit_id, "province_code": province.code, "province_name": province.name,
        "ward_code": ward.code, "ward_name": ward.name, "header_superior": superior,
        "header_issuer": issuer, "place_name": ward.name, "commander_name": gen.commander(),
        "commander_title": "Trưởng Công an phường" if ward.kind == "phường"
        else "Trưởng Công an xã", "version": 1}])
    k = area_count(households)
    area_streets = gen.areas(k)
    area_weights = list(accumulate(rng.uniform(0.6, 1.4) for _ in range(k)))
    first_area = ids.take("area", k)
    area_ids = list(range(first_area, first_area + k))
    conn.execute(Area.__table__.insert(), [
        {"id": area_ids[i], "unit_id": unit_id, "name": f"Tổ dân phố số {i + 1}",
         "sort_order": i + 1, "retired_on": None, "version": 1} for i in range(k)])
    last_year, this_year = today.year - 1, today.year
    campaigns = [(last_year, gen.signup_dates(last_year, k, 0.94, 1.0)),
                 (this_year, gen.signup_dates(this_year, k, 0.85, 1.0, full_share=0.6))]
    for start in range(0, households, CHUNK):
        chunk = []
        for number in range(start + 1, min(start + CHUNK, households) + 1):
            a = bisect(area_weights, rng.random() * area_weights[-1])
            chunk.append(gen.household(number, a, gen.address(area_streets[a])))
        first = ids.take("household", len(chunk))
        homes, people, search, signups = _household_rows(gen, chunk, first, unit_id, area_ids,
                                                         campaigns, ids)
        writer.write("household", HOUSEHOLD_COLUMNS, homes)
        writer.write("resident", RESIDENT_COLUMNS, people)
        writer.write("household_search", SEARCH_COLUMNS, search)
        writer.write("household_signup", SIGNUP_COLUMNS, signups)
        summary.households += len(homes)
        summary.residents += len(people)
        summary.signups += len(signups)
        report(len(chunk))
    view = _ward_view(db, conn, unit_id)
    with view.session() as s:
        summary.rehab_cases += add_rehabilitation(s, random.Random(wseed + 1), households, today)
        summary.mediation_cases += add_mediation(s, random.Random(wseed + 2), households, today)
        summary.activities += add_activities(s, random.Random(wseed + 4), households, today)
        summary.cert_records += add_certification(s, random.Random(wseed + 3), today)
        s.flush()
    summary.unit_ids.append(unit_id)
    summary.ward_names.append(ward.name)
    summary.areas += k


# Indexes the load keeps on PostgreSQL: the keys, the constraints, and what the demo's own
# queries of each ward go through (its households, their members, the areas).
KEEP_INDEXES = {"ix_household_unit_id", "ix_household_area_id", "ix_resident_household_id"}
LOADED_TABLES = ("household", "resident", "household_signup", "household_search")


def _drop_load_indexes(conn) -> list[str]:
    """Drop the other indexes of the loaded tables (the trigram index among them) and return
    the statements that make them again: built once at the end, as the FTS5 index on SQLite.
    Row by row they cost most of the COPY's time. Indexes behind a constraint stay."""
    rows = conn.exec_driver_sql(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = "
        "current_schema() AND i.tablename IN %(tables)s AND NOT EXISTS (SELECT 1 FROM "
        "pg_constraint c WHERE c.conindid = to_regclass(quote_ident(i.indexname)))",
        {"tables": LOADED_TABLES}).all()
    made = []
    for name, ddl in rows:
        if name in KEEP_INDEXES:
            continue
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
        made.append(ddl)
    return made


# -- entry point --------------------------------------------------------------------------------
def generate_province(db: Database, wards: int = 10, households: int = 2000, seed: int = 2026,
                      today: date | None = None, progress: Progress | None = None,
                      only: Sequence[int] | None = None) -> ProvinceSummary:
    """Fill an empty store with ``wards`` demo wards of ``households`` households each (the
    first wards of Hà Nội's list), as they would be on ``today``.

    ``only``: build just these wards (indexes below ``wards``), each exactly as in the whole
    province, e.g. one ward into its own SQLite file. ``progress(done, total)`` after each
    chunk of households; returning False cancels and nothing is written. Raises DemoError when
    the store is not empty, on a bad count, or on cancel.
    """
    with gc_paused():  # as the demo ward: millions of short-lived objects, no cycles
        return _generate(db, wards, households, seed, today or date.today(), progress, only)


def _generate(db: Database, wards: int, households: int, seed: int, today: date,
              progress: Progress | None, only: Sequence[int] | None) -> ProvinceSummary:
    available = min(MAX_WARDS, len(places.wards(PROVINCE_CODE)))
    if not 1 <= wards <= available:
        raise DemoError(f"Số phường, xã phải từ 1 đến {available}.")
    if households < 1:
        raise DemoError("Số hộ phải lớn hơn 0.")
    indexes = list(range(wards)) if only is None else list(only)
    if not indexes or any(not 0 <= i < wards for i in indexes) or len(set(indexes)) < len(indexes):
        raise DemoError(f"Phường, xã cần tạo phải nằm trong 0…{wards - 1}, không trùng nhau.")
    total = households * len(indexes)
    done = 0

    def report(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None and progress(done, total) is False:
            raise DemoError(CANCELLED)

    summary = ProvinceSummary(province_name=places.province(PROVINCE_CODE).name)
    with db.engine.connect() as conn:
        with conn.begin():  # one transaction: a cancel or an error leaves nothing
            pg = conn.dialect.name == "postgresql"
            if pg:  # nobody else writes these tables while their ids are given here
                conn.exec_driver_sql("LOCK TABLE " + ", ".join(OWN_IDS) + " IN EXCLUSIVE MODE")
            with Session(bind=conn) as s:
                if not _is_empty(s):
                    raise DemoError(NOT_EMPTY)
            if progress is not None and progress(0, total) is False:
                raise DemoError(CANCELLED)
            fts = db.is_sqlite and db.has_fts
            if fts:
                drop_household_fts(conn)
            rebuild = []
            if pg:
                conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
                rebuild = _drop_load_indexes(conn)
            if not pg:
                conn.exec_driver_sql("PRAGMA cache_size=-131072")
            ids, writer = _Ids(conn), _Writer(conn)
            for index in indexes:
                _build_ward(db, conn, writer, ids, index, households, seed, today, summary,
                            report)
            if fts:
                create_household_fts(conn)
            for ddl in rebuild:  # the unique one checks the ID numbers of the whole store
                conn.exec_driver_sql(ddl)
            if pg:
                for table in OWN_IDS:
                    conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))")
                # fresh statistics, so that the first searches are planned on the real sizes
                conn.exec_driver_sql("ANALYZE household, resident, household_search, "
                                     "household_signup, area, unit")
            else:
                with suppress(Exception):
                    conn.exec_driver_sql("PRAGMA cache_size=-65536")
    if db.is_sqlite:
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    return summary


def ward_counts(db: Database) -> dict[int, tuple[int, int]]:
    """unit id → (households, residents) of the store, read as a province account would (a
    check for the bench and the tests)."""
    with db.engine.connect() as conn:
        homes = dict(iter(conn.execute(select(Household.unit_id, func.count())
                                       .group_by(Household.unit_id))))
        people = dict(iter(conn.execute(
            select(Household.unit_id, func.count()).select_from(Resident)
            .join(Household, Household.id == Resident.household_id)
            .group_by(Household.unit_id))))
    return {u: (homes[u], people.get(u, 0)) for u in homes}


__all__ = ["MAX_WARDS", "ProvinceSummary", "generate_province", "ward_counts", "ward_seed"]
