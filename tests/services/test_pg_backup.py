"""`backup` / `backups` / `restore` on PostgreSQL (issue 18, server operations): pg_dump in its
custom format into the backup folder with a manifest, the password through PGPASSWORD only, a
restore in one transaction through pg_restore and psql, and a clear message when the
PostgreSQL client tools are missing (that part needs no server)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from datetime import date, datetime

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from antq_desktop.cli import main
from antq_desktop.db.engine import open_database
from antq_desktop.services import backup as svc
from antq_desktop.services.households import HouseholdService
from antq_desktop.services.unit import UnitInfo, UnitService
from tests.conftest import household, member
from tests.services.pgtools import needs_pg, scratch_database

TODAY = date(2026, 3, 2)
SECRET_URL = "postgresql+psycopg2://antq:Mk-b1-mat-9@127.0.0.1:1/antq_nowhere"


def run(capsys, *argv):
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def _ward(db):
    units = UnitService(db)
    units.save(UnitInfo(province_code=1, province_name="Thành phố Hà Nội", ward_code=70,
                        ward_name="Phường Hoàn Kiếm", place_name="Phường Hoàn Kiếm",
                        header_superior="CÔNG AN THÀNH PHỐ HÀ NỘI",
                        header_issuer="CÔNG AN PHƯỜNG HOÀN KIẾM"))
    return units.add_area("Tổ dân phố số 1")


def _count(url, table):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar()
    finally:
        engine.dispose()


@pytest.mark.parametrize("command", [("backup",), ("restore", "x.dump")])
def test_missing_pg_dump_is_said_with_its_package(capsys, tmp_path, monkeypatch, command):
    monkeypatch.setenv("PATH", str(tmp_path))  # no PostgreSQL tools anywhere
    code, out, err = run(capsys, "--db", SECRET_URL, *command)
    assert code == 1 and out == ""
    assert err.startswith("antq-desktop: Không tìm thấy chương trình pg_")
    assert "postgresql-client" in err and "PATH" in err
    assert "Mk-b1-mat-9" not in err


@needs_pg
def test_backup_with_pg_dump_and_restore_in_one_transaction(tmp_path, monkeypatch):
    calls = []
    real_run, real_popen = subprocess.run, subprocess.Popen

    def spy_run(cmd, *a, **kw):
        calls.append((list(cmd), kw.get("env") or {}))
        return real_run(cmd, *a, **kw)

    def spy_popen(cmd, *a, **kw):
        calls.append((list(cmd), kw.get("env") or {}))
        return real_popen(cmd, *a, **kw)

    monkeypatch.setattr(svc.subprocess, "run", spy_run)
    monkeypatch.setattr(svc.subprocess, "Popen", spy_popen)
    folder = tmp_path / "sao-luu"
    with scratch_database("backup") as url:
        password = make_url(url).password
        db = open_database(url)
        try:
            area = _ward(db)
            households = HouseholdService(db)
            households.save(household(area, members=[member()]), today=TODAY)
            made = svc.backup_now(db, folder=folder, now=datetime(2026, 3, 2, 9, 30))
            households.save(household(area, code="HK000002", address="3 Hàng Đào",
                                      members=[member(id_number="001080099999")]), today=TODAY)
        finally:
            db.dispose()
        name = make_url(url).database
        assert made.path == folder / f"{name}.thu-cong-20260302-093000.dump"
        assert made.path.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
        manifest = json.loads(made.path.with_suffix(".json").read_text(encoding="utf-8"))
        assert manifest["counts"]["household"] == 1 and manifest["schema"]
        assert manifest["file"] == made.path.name and manifest["database"] == name
        assert manifest["unit"] == "Phường Hoàn Kiếm"
        if os.name == "posix":
            assert stat.S_IMODE(made.path.stat().st_mode) == 0o600
        assert svc.list_backups(folder, name) == [made]
        dump_calls = [(cmd, env) for cmd, env in calls if cmd[0].endswith("pg_dump")]
        assert dump_calls and "-Fc" in dump_calls[0][0]
        for cmd, env in calls:  # the password travels in the environment only
            # (the suite's role may have its name as password: look for what would carry it)
            assert not any("://" in part or "password" in part.lower() or
                           f":{password}@" in part for part in cmd)
            assert "-w" in cmd or cmd[0].endswith("pg_restore")  # never a prompt
            assert env.get("PGPASSWORD") == password

        db = open_database(url, upgrade=False)
        result = svc.restore_server(db, made.path, folder=folder,
                                    now=datetime(2026, 3, 2, 10, 0))
        assert _count(url, "household") == 1  # back to the backup's one household
        assert result.safety is not None and result.safety.count("household") == 2
        text_ = result.describe()
        assert "Đã khôi phục dữ liệu của bản sao lưu lúc 02/03/2026 09:30" in text_
        assert "truoc-khoi-phuc" in text_
        db = open_database(url)  # the restored database opens, searchable and writable
        try:
            found = HouseholdService(db).get(1)
            assert found.code == "HK000001"
        finally:
            db.dispose()


@needs_pg
def test_a_changed_dump_is_refused_and_the_data_stays(tmp_path):
    folder = tmp_path / "sao-luu"
    with scratch_database("backup") as url:
        db = open_database(url)
        try:
            area = _ward(db)
            HouseholdService(db).save(household(area, members=[member()]), today=TODAY)
            made = svc.backup_now(db, folder=folder)
        finally:
            db.dispose()
        with open(made.path, "r+b") as f:
            f.seek(200)
            f.write(b"\0\0\0\0")
        db = open_database(url, upgrade=False)
        try:
            with pytest.raises(svc.BackupError, match="sha256 không khớp"):
                svc.restore_server(db, made.path, folder=folder)
        finally:
            db.dispose()
        assert _count(url, "household") == 1


@needs_pg
def test_the_command_line_backs_up_lists_and_restores(capsys, tmp_path):
    folder = tmp_path / "ra"
    with scratch_database("backup") as url:
        db = open_database(url)
        try:
            area = _ward(db)
            HouseholdService(db).save(household(area, members=[member()]), today=TODAY)
        finally:
            db.dispose()
        code, out, err = run(capsys, "--db", url, "backup", "-o", str(folder))
        password = make_url(url).password
        assert code == 0 and err == ""
        assert out.startswith("Đã sao lưu (pg_dump) và kiểm tra: 1 hộ, 1 nhân khẩu")
        dump = out.strip().splitlines()[-1]
        assert dump.endswith(".dump") and f":{password}@" not in out
        code, out, _err = run(capsys, "--db", url, "backups", "-d", str(folder))
        assert code == 0 and dump in out and "1 hộ" in out
        code, out, err = run(capsys, "--db", url, "restore", str(tmp_path / "khong-co.db"))
        assert code == 1 and "Không có tệp sao lưu" in err
        code, out, err = run(capsys, "--db", url, "restore", dump)
        assert code == 0, err
        assert out.startswith("Đã khôi phục dữ liệu của bản sao lưu lúc")
        assert f":{password}@" not in out + err
