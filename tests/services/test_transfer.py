"""Moving one ward between stores (issue 18; services/transfer.py): a demo ward's own file joins
a store that already holds another ward, and the store hands it back to a new file; the
records, their counts and the year-end figures are the same at every step. A dry run writes
nothing, a second apply is refused, ids are remapped, a failure half-way leaves the target as
it was, accounts go along (their login names checked), and the command line does it all.

The store is the suite's database (SQLite, or PostgreSQL with ANTQ_TEST_PG_URL), so with a
server this runs SQLite → PostgreSQL → SQLite."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import Column, ForeignKey, Integer, Table, create_engine, func, inspect, \
    select, text

from antq_desktop.access import Role
from antq_desktop.cli import main
from antq_desktop.db.engine import open_database
from antq_desktop.db.models import Base, Household, RehabCase, Resident, Tip
from antq_desktop.services import audit
from antq_desktop.services import transfer as transfer_module
from antq_desktop.services.demo import generate
from antq_desktop.services.households import HouseholdService
from antq_desktop.services.indicators import IndicatorService
from antq_desktop.services.transfer import (
    SHARED_TABLES,
    STORE_UNIQUE,
    TransferError,
    plan,
    rights_problem,
    store_unique,
    transfer,
)
from antq_desktop.services.unit import UnitService
from antq_desktop.services.users import UserService
from tests.conftest import PG_URL
from tests.services.pgtools import needs_pg, scratch_database

TODAY = date(2025, 11, 20)
YEAR = 2025
PASSWORD = "mật-khẩu-1"
SECRET = "Mk-b1-mat-9"


# -- stores ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    """A ward's own file: the demo ward (Phường Hoàn Kiếm, code 70), 60 households, as on
    TODAY, with one household edited afterwards (so that its trail has an update)."""
    path = tmp_path_factory.mktemp("transfer") / "phuong.db"
    db = open_database(f"sqlite:///{path}")
    try:
        generate(db, households=60, seed=2026, today=TODAY)
        homes = HouseholdService(db)
        first = homes.query_ids()[0]
        homes.save(replace(homes.get(first), address="99 phố Chuyển Đi"), today=TODAY)
    finally:
        db.dispose()
    return path


@pytest.fixture
def ward_file(demo_template, tmp_path):
    path = tmp_path / "phuong.db"
    shutil.copyfile(demo_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def store(db):
    """The province store: already one ward (Phường Cửa Nam, code 73; a smaller demo of
    another seed), so its ids 1… are taken."""
    generate(db, households=25, seed=7, today=TODAY)
    units = UnitService(db)
    units.save(replace(units.get(), ward_code=73, ward_name="Phường Cửa Nam",
                       header_issuer="CÔNG AN PHƯỜNG CỬA NAM", place_name="Phường Cửa Nam"))
    return db


def _counts(url: str) -> dict[str, int]:
    db = open_database(url)
    try:
        with db.engine.connect() as conn:
            return {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                    for t in Base.metadata.sorted_tables}
    finally:
        db.dispose()


def _handle(url: str, unit_id: int | None = None):
    db = open_database(url)
    db.unit_id = unit_id
    return db


def _figures(url: str, unit_id: int | None = None):
    """The ward's year-end summary as comparable data: the ward, its areas by name."""
    db = _handle(url, unit_id)
    try:
        table = IndicatorService(db).table(YEAR, today=TODAY)
        return ({code: f for code, f in table.ward.figures.items()},
                [(a.name, dict(a.figures)) for a in table.areas],
                None if table.ward_level is None else dict(table.ward_level.figures))
    finally:
        db.dispose()


def _records(url: str, unit_id: int | None = None):
    """A few fields of the ward's records, without ids: households, people, cases, tips."""
    db = _handle(url, unit_id)
    try:
        with db.session() as s:
            homes = sorted(s.execute(select(Household.code, Household.address,
                                            Household.member_count)).all())
            people = sorted(s.execute(
                select(Household.code, Resident.full_name, Resident.birth_date,
                       Resident.id_number).join(Household,
                                                Household.id == Resident.household_id)).all())
            cases = sorted(s.execute(select(RehabCase.person_name, RehabCase.start_date)).all())
            tips = s.scalar(select(func.count()).select_from(Tip))
        return homes, people, cases, tips
    finally:
        db.dispose()


def _unit_of(url: str, code: int) -> int:
    db = open_database(url)
    try:
        with db.engine.connect() as conn:
            return conn.execute(text("SELECT id FROM unit WHERE ward_code = :c"),
                                {"c": code}).scalar()
    finally:
        db.dispose()


def _verify(url: str) -> list[str]:
    db = open_database(url)
    try:
        return audit.verify(db)
    finally:
        db.dispose()


# -- the plan covers every table -------------------------------------------------------------
def test_every_table_is_either_the_wards_or_shared():
    steps = plan()
    names = [s.name for s in steps]
    assert set(names) | set(SHARED_TABLES) == set(Base.metadata.tables)
    assert not set(names) & set(SHARED_TABLES)
    for step in steps:  # parents come first
        for parent in step.refs.values():
            assert names.index(parent) < names.index(step.name), (step.name, parent)
    assert store_unique(steps) == STORE_UNIQUE  # a new store-wide unique needs its own check


def test_a_new_table_with_a_path_to_the_ward_is_copied_and_one_without_is_refused():
    child = Table("transfer_test_note", Base.metadata, Column("id", Integer, primary_key=True),
                  Column("household_id", ForeignKey("household.id"), nullable=False))
    try:
        step = next(s for s in plan() if s.name == "transfer_test_note")
        assert (step.anchor, step.refs) == ("household_id", {"household_id": "household"})
    finally:
        Base.metadata.remove(child)
    loose = Table("transfer_test_loose", Base.metadata, Column("id", Integer, primary_key=True))
    try:
        with pytest.raises(TransferError, match="transfer_test_loose"):
            plan()
    finally:
        Base.metadata.remove(loose)


# -- the round trip ---------------------------------------------------------------------------
def test_a_ward_joins_the_store_and_comes_back_the_same(ward_file, store, tmp_path):
    before_figures, before_records = _figures(ward_file), _records(ward_file)
    other_before = _figures(store.url, 1), _records(store.url, 1)
    before = _counts(ward_file)

    report = transfer(ward_file, store.url, apply=True)
    assert report.applied and not report.conflicts
    unit = report.new_unit_id
    assert unit == _unit_of(store.url, 70) != 1
    assert _figures(store.url, unit) == before_figures
    assert _records(store.url, unit) == before_records
    assert (_figures(store.url, 1), _records(store.url, 1)) == other_before  # untouched
    copied = dict((name, n) for name, _, n in report.counts)
    for name, n in before.items():
        if name not in SHARED_TABLES:
            assert copied[name] == n, name
    assert _verify(store.url) == []

    back = f"sqlite:///{tmp_path / 'tra-lai.db'}"
    report = transfer(store.url, back, "70", apply=True)
    assert report.applied and not report.conflicts and report.new_unit_id == 1
    assert _figures(back) == before_figures
    assert _records(back) == before_records
    after = _counts(back)
    for name, n in before.items():
        if name not in SHARED_TABLES:
            assert after[name] == n, name
    assert _verify(back) == []
    # the household search index was filled too: a name finds its household
    db = open_database(back)
    try:
        homes = HouseholdService(db)
        code, name = before_records[1][0][:2]
        assert [homes.get(i).code for i in homes.query_ids(search=name)].count(code) == 1
    finally:
        db.dispose()


def test_ids_are_remapped_and_every_reference_follows(ward_file, store):
    src = open_database(ward_file)
    with src.engine.connect() as conn:
        source_ids = dict(conn.execute(text("SELECT code, id FROM household")).all())
        source_areas = dict(conn.execute(text("SELECT name, id FROM area")).all())
    src.dispose()
    with store.engine.connect() as conn:
        taken = set(conn.execute(text("SELECT id FROM household")).scalars())
    assert taken & set(source_ids.values())  # the same ids are already used in the store
    report = transfer(ward_file, store.url, apply=True)
    unit = report.new_unit_id
    with store.engine.connect() as conn:
        new_ids = dict(conn.execute(text("SELECT code, id FROM household WHERE unit_id = :u"),
                                    {"u": unit}).all())
        areas = dict(conn.execute(text("SELECT name, id FROM area WHERE unit_id = :u"),
                                  {"u": unit}).all())
        assert set(new_ids) == set(source_ids)
        assert not set(new_ids.values()) & taken
        assert set(areas) == set(source_areas) and not set(areas.values()) & \
            set(conn.execute(text("SELECT id FROM area WHERE unit_id = 1")).scalars())
        # every child points at a parent of the new ward
        assert conn.execute(text(
            "SELECT count(*) FROM household h JOIN area a ON a.id = h.area_id "
            "WHERE h.unit_id = :u AND a.unit_id <> :u"), {"u": unit}).scalar() == 0
        assert conn.execute(text(
            "SELECT count(*) FROM resident r JOIN household h ON h.id = r.household_id "
            "WHERE h.unit_id = :u"), {"u": unit}).scalar() == report.counts[
            [c[0] for c in report.counts].index("resident")][2]
        assert conn.execute(text(
            "SELECT count(*) FROM cert_record r JOIN cert_unit c ON c.id = r.unit_id "
            "WHERE c.unit_id = :u"), {"u": unit}).scalar() > 0
        # the trail: the edit of the first household is now that household's history
        first = min(source_ids, key=source_ids.get)
    db = _handle(store.url, unit)
    try:
        lines = audit.history_lines(db, [("household", new_ids[first])])
        assert any("99 phố Chuyển Đi" in line for row in lines for line in row)
    finally:
        db.dispose()


def test_new_records_after_a_transfer_get_free_ids(ward_file, store):
    transfer(ward_file, store.url, apply=True)
    with store.engine.begin() as conn:
        top = conn.execute(text("SELECT max(id) FROM unit")).scalar()
    assert UnitService(store).add_ward(replace(UnitService(store).get(), ward_code=4,
                                               ward_name="Phường Ba Đình")) == top + 1
    from antq_desktop.services.activities import ActivityService, Kind, TipData
    from antq_desktop.enums import TipResult

    tip = ActivityService(store).save(Kind.TIP, TipData(received_on=date(YEAR, 5, 1), area_id=None,
                                                        content="Tin báo sau khi chuyển",
                                                        result=TipResult.PENDING), today=TODAY)
    with store.engine.connect() as conn:
        assert tip == conn.execute(text("SELECT max(id) FROM tip")).scalar()


# -- dry run, refusals, all or nothing -------------------------------------------------------
def test_the_dry_run_writes_nothing(ward_file, store, tmp_path):
    before, source_before = _counts(store.url), _counts(ward_file)
    report = transfer(ward_file, store.url)
    assert not report.applied and not report.conflicts
    assert dict((n, c) for n, _, c in report.counts)["household"] == 60
    assert "Chạy thử (chưa ghi gì)" in report.lines()[0]
    assert _counts(store.url) == before
    assert _counts(ward_file) == source_before
    missing = tmp_path / "moi.db"
    report = transfer(ward_file, f"sqlite:///{missing}")
    assert not missing.exists() and not report.conflicts
    assert dict((n, c) for n, _, c in report.counts)["household"] == 60


@needs_pg
def test_the_dry_run_creates_no_table_on_an_empty_server_database(ward_file):
    with scratch_database("dry") as url:
        report = transfer(ward_file, url)
        assert "còn trống" in " ".join(report.notes) and not report.conflicts
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                assert inspect(conn).get_table_names() == []
        finally:
            engine.dispose()
        assert transfer(ward_file, url, apply=True).applied
        back = transfer(url, ward_file)  # the ward is already in the file it came from
        assert any("đã có" in c for c in back.conflicts)


def test_a_second_apply_is_refused_and_duplicates_nothing(ward_file, store):
    assert transfer(ward_file, store.url, apply=True).applied
    after_first = _counts(store.url)
    report = transfer(ward_file, store.url, apply=True)
    assert not report.applied
    assert any("Phường Hoàn Kiếm (mã 70" in c and "đã có" in c for c in report.conflicts)
    assert _counts(store.url) == after_first


def test_id_numbers_and_logins_already_in_the_store_are_reported_by_row(ward_file, store):
    src = open_database(ward_file)
    with src.engine.connect() as conn:
        number, code = conn.execute(text(
            "SELECT r.id_number, h.code FROM resident r JOIN household h ON h.id = "
            "r.household_id WHERE r.id_number IS NOT NULL AND r.moved_out_on IS NULL "
            "ORDER BY r.id LIMIT 1")).one()
    UserService(src).add("quantri", PASSWORD, Role.ADMIN)
    src.dispose()
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE resident SET id_number = :n WHERE id = (SELECT min(r.id) "
                          "FROM resident r WHERE r.moved_out_on IS NULL)"), {"n": number})
    UserService(store).add("QuanTri", PASSWORD, Role.ADMIN)
    before = _counts(store.url)
    report = transfer(ward_file, store.url, apply=True)
    assert not report.applied
    assert any(f"(hộ {code}): số định danh ••••••••{number[-4:]} đã có" in c
               and "Phường Cửa Nam" in c for c in report.conflicts)
    assert any("Tài khoản “quantri”" in c for c in report.conflicts)
    assert not any(number in c for c in report.conflicts)  # masked
    assert _counts(store.url) == before


def test_a_source_whose_trail_was_edited_is_refused(ward_file, store):
    import sqlite3

    con = sqlite3.connect(ward_file.removeprefix("sqlite:///"))
    con.execute("DROP TRIGGER audit_entry_no_update")
    con.execute("UPDATE audit_entry SET actor = 'người khác' WHERE id = 1")
    con.commit()
    con.close()
    before = _counts(store.url)
    report = transfer(ward_file, store.url, apply=True)
    assert not report.applied and "Nhật ký thao tác của nguồn không còn nguyên vẹn" in \
        report.conflicts[0]
    assert _counts(store.url) == before


def test_a_failure_half_way_leaves_the_target_unchanged(ward_file, store, monkeypatch):
    before = _counts(store.url)
    real = transfer_module._copy_table

    def failing(run, step, source, target):
        n = real(run, step, source, target)
        if step.name == "resident":
            raise RuntimeError("the disk went away")
        return n

    monkeypatch.setattr(transfer_module, "_copy_table", failing)
    with pytest.raises(RuntimeError):
        transfer(ward_file, store.url, apply=True)
    assert _counts(store.url) == before
    monkeypatch.setattr(transfer_module, "_copy_table", real)
    assert transfer(ward_file, store.url, apply=True).applied  # and it can be done again


def test_a_source_of_many_wards_needs_unit(store, tmp_path):
    UnitService(store).add_ward(replace(UnitService(store).get(), ward_code=8,
                                        ward_name="Phường Ngọc Hà"))
    with pytest.raises(TransferError, match="có 2 phường, xã: hãy chọn một bằng --unit"):
        transfer(store.url, f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(TransferError, match="không có phường, xã “75”"):
        transfer(store.url, f"sqlite:///{tmp_path / 'x.db'}", "75")
    report = transfer(store.url, f"sqlite:///{tmp_path / 'x.db'}", "Phường Ngọc Hà",
                      apply=True)
    assert report.applied and dict((n, c) for n, _, c in report.counts)["household"] == 0


# -- accounts and rights -----------------------------------------------------------------------
def test_the_wards_accounts_go_along_and_sign_in_to_their_ward(ward_file, store, tmp_path):
    src = open_database(ward_file)
    users = UserService(src)
    users.add("quantri", PASSWORD, Role.ADMIN)
    src.user = users.authenticate("quantri", PASSWORD)
    area = UnitService(src).areas()[1].id
    users.add("canbo", PASSWORD, Role.CLERK, area_ids=(area,))
    area_name = UnitService(src).areas()[1].name
    src.dispose()
    UserService(store).add("tinh", PASSWORD, Role.ADMIN)
    report = transfer(ward_file, store.url, apply=True)
    assert report.applied
    clerk = UserService(store).authenticate("canbo", PASSWORD)
    assert clerk.unit_id == report.new_unit_id and clerk.role is Role.CLERK
    with store.engine.connect() as conn:  # its area, by SQL (the sign-in reads it scoped)
        rows = conn.execute(text(
            "SELECT a.name, a.unit_id FROM app_user_area x JOIN app_user u ON u.id = x.user_id "
            "JOIN area a ON a.id = x.area_id WHERE u.name = 'canbo'")).all()
    assert rows == [(area_name, report.new_unit_id)]
    assert UserService(store).authenticate("quantri", PASSWORD).unit_id == report.new_unit_id
    # handed back: the ward's two accounts, not the store's others nor a province account
    store.user = UserService(store).authenticate("tinh", PASSWORD)
    UserService(store).add("xem_tinh", PASSWORD, Role.VIEWER, province=True)
    back = f"sqlite:///{tmp_path / 'tra-lai.db'}"
    assert transfer(store.url, back, "70", apply=True).applied
    db = open_database(back)
    try:
        with db.engine.connect() as conn:
            assert sorted(conn.execute(text("SELECT name, unit_id FROM app_user")).all()) == [
                ("canbo", 1), ("quantri", 1)]
            assert conn.execute(text(
                "SELECT a.name FROM app_user_area x JOIN area a ON a.id = x.area_id")).all() \
                == [(area_name,)]
        assert UserService(db).authenticate("canbo", PASSWORD).area_ids is not None
    finally:
        db.dispose()


def test_only_an_administrator_may_transfer():
    from antq_desktop.access import CurrentUser

    clerk = CurrentUser(1, "canbo", "", Role.CLERK)
    admin = CurrentUser(2, "quantri", "", Role.ADMIN, unit_id=3)
    viewer_province = CurrentUser(3, "tinh", "", Role.VIEWER, province=True)
    assert "Quản trị" in rights_problem(clerk, "source")
    assert "Quản trị" in rights_problem(clerk, "target")
    assert rights_problem(admin, "source", 3) is None
    assert "phường, xã khác" in rights_problem(admin, "source", 4)
    assert rights_problem(viewer_province, "source", 4) is None
    assert rights_problem(viewer_province, "target") is not None
    with pytest.raises(TransferError, match="Quản trị"):
        transfer("sqlite:///a.db", "sqlite:///b.db", target_user=clerk)


# -- the command line ---------------------------------------------------------------------------
def _run(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def test_the_command_runs_dry_then_applies_then_refuses(ward_file, store, capsys, monkeypatch):
    monkeypatch.delenv("ANTQ_USER", raising=False)
    before = _counts(store.url)
    code, out, err = _run(["transfer", "--from", ward_file, "--to", store.url], capsys)
    assert (code, err) == (0, "")
    assert "Chạy thử (chưa ghi gì): Phường Hoàn Kiếm (mã 70" in out
    assert "Chạy lại với --apply" in out and _counts(store.url) == before
    code, out, err = _run(["transfer", "--from", ward_file, "--to", store.url, "--apply"],
                          capsys)
    assert code == 0 and "Đã chuyển: Phường Hoàn Kiếm" in out
    if store.is_sqlite:
        assert "Đã sao lưu tệp đích trước khi chuyển" in out
    code, out, err = _run(["transfer", "--from", ward_file, "--to", store.url, "--apply"],
                          capsys)
    assert code == 1 and "Không chuyển được" in out and "đã có trong cơ sở dữ liệu đích" in out
    if PG_URL:
        from sqlalchemy.engine import make_url

        assert f":{make_url(PG_URL).password}@" not in out + err  # never the password


def test_the_command_signs_into_each_store(ward_file, store, capsys, monkeypatch, tmp_path):
    src = open_database(ward_file)
    users = UserService(src)
    users.add("quantri", PASSWORD, Role.ADMIN)
    src.user = users.authenticate("quantri", PASSWORD)
    users.add("canbo", PASSWORD, Role.CLERK)
    src.dispose()
    monkeypatch.delenv("ANTQ_USER", raising=False)
    monkeypatch.setenv("ANTQ_PASSWORD", PASSWORD)
    back = f"sqlite:///{tmp_path / 'moi.db'}"
    code, out, err = _run(["transfer", "--from", ward_file, "--to", back], capsys)
    assert code == 1 and "hãy chạy với --user" in err
    code, out, err = _run(["--user", "canbo", "transfer", "--from", ward_file, "--to", back],
                          capsys)
    assert code == 1 and "Cán bộ nhập liệu" in err and "Quản trị" in err
    code, out, err = _run(["--user", "quantri", "transfer", "--from", ward_file, "--to", back,
                           "--apply"], capsys)
    assert code == 0 and "Đã chuyển" in out
    UserService(store).add("tinh", "mật-khẩu-tỉnh", Role.ADMIN)
    monkeypatch.setenv("ANTQ_TO_PASSWORD", "sai")
    code, out, err = _run(["--user", "quantri", "transfer", "--from", ward_file, "--to",
                           store.url, "--to-user", "tinh"], capsys)
    assert code == 1 and "đích" in err
    monkeypatch.setenv("ANTQ_TO_PASSWORD", "mật-khẩu-tỉnh")
    code, out, err = _run(["--user", "quantri", "transfer", "--from", ward_file, "--to",
                           store.url, "--to-user", "tinh", "--apply"], capsys)
    assert code == 0 and "Đã chuyển" in out
    assert "Tài khoản người dùng" in out  # the two accounts went along
    db = _handle(store.url)
    try:
        entries = audit.entries(db, audit.Filter(action="transfer"))
        assert entries and entries[0].actor == "tinh"
    finally:
        db.dispose()


def test_the_command_never_prints_a_password(ward_file, capsys):
    url = f"postgresql+psycopg2://antq:{SECRET}@127.0.0.1:1/antq_transfer_nowhere"
    for argv in (["transfer", "--from", ward_file, "--to", url],
                 ["transfer", "--from", url, "--to", ward_file]):
        code, out, err = _run(argv, capsys)
        assert code != 0 and SECRET not in out + err and "Traceback" not in err


def test_a_merge_and_a_not_duplicate_mark_keep_their_people(ward_file, store):
    """The ids without a foreign key: a merge's undo data, a "Không trùng" pair."""
    from antq_desktop.enums import Relationship
    from antq_desktop.services.duplicates import DuplicateService

    src = open_database(ward_file)
    try:
        with src.session() as s:
            rows = s.execute(
                select(Resident.id, Resident.full_name, Household.code)
                .join(Household, Household.id == Resident.household_id)
                .where(Resident.moved_out_on.is_(None), Household.moved_out_on.is_(None),
                       Resident.relation != Relationship.HEAD)
                .order_by(Household.code, Resident.id)).all()
        keep, drop = rows[0], next(r for r in rows if r.code != rows[0].code)
        first, second = [r for r in rows if r.code not in (keep.code, drop.code)][:2]
        dup = DuplicateService(src)
        dup.merge(keep.id, drop.id, today=TODAY)
        dup.mark_not_duplicate(first.id, second.id, today=TODAY)
    finally:
        src.dispose()
    report = transfer(ward_file, store.url, apply=True)
    assert report.applied
    db = _handle(store.url, report.new_unit_id)
    try:
        dup = DuplicateService(db)
        (row,) = dup.merges()
        assert (row.survivor, row.merged, row.undone_on) == (keep.full_name, drop.full_name,
                                                             None)
        dup.undo(row.id, today=TODAY)
        with db.session() as s:
            back = s.execute(select(Resident.full_name, Household.code, Resident.moved_out_on,
                                    Resident.merged_into_id)
                             .join(Household, Household.id == Resident.household_id)
                             .where(Resident.full_name == drop.full_name,
                                    Household.code == drop.code)).one()
            assert back[2:] == (None, None)  # living in its own household again
            pair = s.execute(text(
                "SELECT a.full_name, b.full_name FROM person_not_duplicate p "
                "JOIN resident a ON a.id = p.record_id JOIN resident b ON b.id = p.resident_id "
                "JOIN household h ON h.id = a.household_id WHERE h.unit_id = :u"),
                {"u": report.new_unit_id}).one()
        assert set(pair) == {first.full_name, second.full_name}
    finally:
        db.dispose()
