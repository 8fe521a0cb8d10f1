import os
import shutil
import sys
from datetime import date
from pathlib import Path

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
    # the office PC's screen, 1366×768, instead of the plugin's 800×800 square: dialogs fit
    # into it (GuardedDialog) as they would on the officer's desk
    os.environ["QT_QPA_PLATFORM"] = (
        "offscreen:configfile=" + str(Path(__file__).resolve().parent / "office-screen.json"))

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pytest  # noqa: E402

from antq_desktop.db.engine import open_database  # noqa: E402
from antq_desktop.enums import Relationship, ResidenceKind, Sex  # noqa: E402
from antq_desktop.services.households import HouseholdData, HouseholdService, MemberData  # noqa: E402
from antq_desktop.services.unit import UnitInfo, UnitService  # noqa: E402

from antq_desktop.services import users as _users  # noqa: E402

# The program hashes passwords with argon2id's recommended parameters (64 MiB, about 0.3 s for a
# hash and a check here): paid by every account a fixture makes and every login, they were
# minutes of the suite. In-process tests hash with the cheapest argon2id parameters instead
# (the same hash format, still verified for real); tests/services/test_users.py checks the
# program's own hasher (PROGRAM_HASHER), and the fresh-process tests use it unchanged.
PROGRAM_HASHER = _users._hasher
_CHEAP_HASHER: list = []


def _cheap_hasher():
    if not _CHEAP_HASHER:
        from argon2 import PasswordHasher

        _CHEAP_HASHER.append(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    return _CHEAP_HASHER[0]


_users._hasher = _cheap_hasher


def _worker_pg_url(url: str | None) -> str | None:
    """Under pytest-xdist each worker gets a database of its own on the same server (the
    suite's name + ``_gw0``…, created when missing), so that workers never empty each
    other's tables; the scratch databases of tests/services/pgtools.py follow that name."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                {"n": name}).scalar():
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


# e.g. postgresql+psycopg2://antq:antq@localhost/antq
PG_URL = _worker_pg_url(os.environ.get("ANTQ_TEST_PG_URL"))


sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="a feature of the SQLite file")


def _fresh_pg(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """One SQLite file migrated to head; each test gets a copy (the migrations run once)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    open_database(f"sqlite:///{path}").dispose()
    return path


_pg_migrated = False


def _empty_pg(url: str) -> None:
    """Every table of the app emptied (ids restarted), before the app opens it: a fresh
    database without migrating it again, which took most of the PostgreSQL run's time."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
            if tables:
                conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                                  + " RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture
def db(tmp_path, request):
    """A fresh database per test: SQLite in tmp_path, or PostgreSQL when ANTQ_TEST_PG_URL is set
    (migrated once, emptied before each test; a test that changed the schema is upgraded back
    by open_database)."""
    global _pg_migrated
    if PG_URL:
        if _pg_migrated:
            _empty_pg(PG_URL)
        else:
            _fresh_pg(PG_URL)
            _pg_migrated = True
        database = open_database(PG_URL)
    else:
        target = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), target)
        database = open_database(f"sqlite:///{target}")
    yield database
    database.dispose()


@pytest.fixture
def unit_service(db):
    return UnitService(db)


@pytest.fixture
def households(db):
    return HouseholdService(db)


@pytest.fixture
def ward(db, unit_service):
    """A configured unit (Phường Hoàn Kiếm, Hà Nội) with two residential areas."""
    unit_service.save(UnitInfo(
        province_code=1, province_name="Thành phố Hà Nội", ward_code=70,
        ward_name="Phường Hoàn Kiếm", header_superior="CÔNG AN THÀNH PHỐ HÀ NỘI",
        header_issuer="CÔNG AN PHƯỜNG HOÀN KIẾM", place_name="Phường Hoàn Kiếm",
        commander_name="Nguyễn Văn Hùng", commander_title="Trưởng Công an phường",
    ))
    return [unit_service.add_area("Tổ dân phố số 1"), unit_service.add_area("Tổ dân phố số 2")]


def member(name="Đặng Đức Anh", born=date(1980, 5, 1), sex=Sex.MALE, rel=Relationship.HEAD,
           id_number="001080012345", **kw) -> MemberData:
    return MemberData(full_name=name, birth_date=born, sex=sex, relation=rel,
                      residence_kind=kw.pop("residence_kind", ResidenceKind.PERMANENT),
                      id_number=id_number, **kw)


def household(area_id, code="HK000001", members=None, address="12 Hàng Bạc") -> HouseholdData:
    return HouseholdData(code=code, area_id=area_id, address=address,
                         members=members if members is not None else [member()])


class _AnyDate(type):
    def __instancecheck__(cls, obj):  # a real date is still a date where the app checks it
        return isinstance(obj, date)


@pytest.fixture
def pin_today(monkeypatch):
    """``pin_today(day)``: ``date.today()`` answers ``day`` in every antq_desktop module, for the
    checks that read today themselves (e.g. an ID number's birth year "after this year").
    Pass ``today=day`` to whatever takes it as well."""
    pinned = []

    def pin(day: date) -> None:
        class Pinned(date, metaclass=_AnyDate):
            @classmethod
            def today(cls):
                return day

        for name, module in list(sys.modules.items()):
            if name.startswith("antq_desktop") and getattr(module, "date", None) in (
                    date, *pinned):
                monkeypatch.setattr(module, "date", Pinned)
        pinned.append(Pinned)
    return pin
