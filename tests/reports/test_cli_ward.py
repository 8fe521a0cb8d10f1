"""The command line's global --unit (issue 18): a province account exports one ward's form; a
ward account may name only its own ward; a ward is found by its code or its name without
diacritics."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from antq_desktop.access import Role
from antq_desktop.cli import main
from antq_desktop.db.engine import open_database
from antq_desktop.services.households import HouseholdService
from antq_desktop.services.unit import UnitService
from antq_desktop.services.users import UserService
from tests.conftest import household, member
from tests.services.test_multi_ward import CUA_NAM, HOAN_KIEM

PASSWORD = "mật-khẩu-1"
TODAY = date(2025, 11, 20)


def run(capsys, *argv):
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def texts(path) -> str:
    book = load_workbook(path, read_only=True)
    return "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                     for v in row if v is not None)


@pytest.fixture
def store(tmp_path, monkeypatch):
    """Two wards on one SQLite file, one household each (the head's name tells them apart), a
    ward administrator of Hoàn Kiếm and a province account."""
    path = tmp_path / "tinh.db"
    db = open_database(f"sqlite:///{path}")
    try:
        UnitService(db).save(HOAN_KIEM)
        other = UnitService(db).add_ward(CUA_NAM)
        for unit, name in ((1, "Hoàng Văn Khánh"), (other, "Hoàng Thị Bích")):
            handle = open_database(db.url)
            handle.unit_id = unit
            try:
                area = UnitService(handle).add_area("Tổ dân phố số 1")
                HouseholdService(handle).save(household(area, "HK000001", [member(
                    name, id_number="")]), today=TODAY)
            finally:
                handle.dispose()
        users = UserService(db)
        users.add("quantri", PASSWORD, Role.ADMIN)
        users.add("tinh", PASSWORD, Role.LEADER, province=True)
    finally:
        db.dispose()
    monkeypatch.setenv("ANTQ_PASSWORD", PASSWORD)
    monkeypatch.delenv("ANTQ_USER", raising=False)
    return str(path)


def export(capsys, path, out, *before):
    """The household register of "Tổ dân phố số 1": an area of that name in each ward."""
    return run(capsys, "--db", path, *before, "export", "household-register", "--area",
               "to dan pho so 1", "--year", "2025", "-o", str(out))


def test_a_province_account_exports_the_ward_it_names(capsys, store, tmp_path):
    for i, unit in enumerate(("00073", "73", "Phường Cửa Nam", "cua nam", "PHUONG CUA NAM")):
        out = tmp_path / f"cua-nam-{i}.xlsx"
        code, printed, err = export(capsys, store, out, "--user", "tinh", "--unit", unit)
        assert code == 0, err
        assert printed.strip().endswith(out.name)
        found = texts(out)
        assert "Hoàng Thị Bích" in found and "Hoàng Văn Khánh" not in found, unit
    out = tmp_path / "hoan-kiem.xlsx"
    assert export(capsys, store, out, "--user", "tinh", "--unit", "hoan kiem")[0] == 0
    found = texts(out)
    assert "Hoàng Văn Khánh" in found and "Hoàng Thị Bích" not in found


def test_a_ward_account_names_only_its_own_ward(capsys, store, tmp_path):
    out = tmp_path / "x.xlsx"
    code, _out, err = export(capsys, store, out, "--user", "quantri", "--unit", "Cửa Nam")
    assert code == 1 and not out.exists()
    assert "Tài khoản “quantri” làm việc với dữ liệu của Phường Hoàn Kiếm" in err
    assert "chỉ tài khoản cấp tỉnh" in err and "Traceback" not in err
    code, _out, err = export(capsys, store, out, "--user", "quantri", "--unit", "Hoàn Kiếm")
    assert code == 0, err
    assert "Hoàng Văn Khánh" in texts(out)


def test_an_unknown_ward_is_named_in_the_message(capsys, store, tmp_path):
    out = tmp_path / "x.xlsx"
    code, _out, err = export(capsys, store, out, "--user", "tinh", "--unit", "Ba Đình")
    assert code == 1 and "Không có phường, xã “Ba Đình”" in err and not out.exists()
    code, _out, err = export(capsys, store, out, "--user", "tinh", "--unit", "12345")
    assert code == 1 and "Không có phường, xã “12345”" in err


def test_the_export_subcommands_own_unit_option_is_still_its_own(capsys, store, tmp_path):
    """``export … --unit`` after the command names certified units, as before; the global one
    stands before the command."""
    out = tmp_path / "x.xlsx"
    code, _out, err = run(capsys, "--db", store, "--user", "tinh", "--unit", "73", "export",
                          "household-register", "--year", "2025", "--unit", "X", "-o",
                          str(out))
    assert code == 1 and "không lập riêng cho từng đơn vị" in err
