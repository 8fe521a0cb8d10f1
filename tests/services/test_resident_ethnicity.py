"""A resident's ethnicity (one of the 54 groups of Quyết định 121-TCTK/PPCĐ) and religion (a
short list plus free text), issue 15: saved and read by the household service, imported from
the "Dân tộc" and "Tôn giáo" columns, masked like ID numbers for an account without the
sensitive right (on read, in the register's .xlsx, in the audit trail and its .xlsx), and
labelled in the audit. Runs on SQLite and, with ANTQ_TEST_PG_URL, PostgreSQL."""

from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from antq_desktop import access
from antq_desktop.access import MASK, CurrentUser, Permission, Role
from antq_desktop.db.models import Resident
from antq_desktop.enums import Relationship, Sex
from antq_desktop.peoples import ethnic_groups, religions
from antq_desktop.services import audit
from antq_desktop.validation import FieldError
from tests.conftest import household, member

TODAY = date(2026, 6, 1)


def _stored(db, hid):
    with db.session() as s:
        return [(r.full_name, r.ethnicity, r.religion) for r in s.scalars(
            select(Resident).where(Resident.household_id == hid).order_by(Resident.id))]


def test_the_lists_are_the_official_54_groups_and_the_short_religion_list():
    groups = ethnic_groups()
    assert len(groups) == 55 and groups[:3] == ("Kinh", "Tày", "Thái")
    assert groups[-1] == "Người nước ngoài" and len(set(groups[:54])) == 54
    assert religions()[:4] == ("Không", "Phật giáo", "Công giáo", "Tin lành")


def test_saved_in_the_lists_spelling_and_read_back(db, ward, households):
    hid = households.save(household(ward[0], members=[
        member(ethnicity="mong", religion="hoà hảo"),
        member("Đặng Thị Hoa", date(1985, 2, 3), Sex.FEMALE, Relationship.WIFE, id_number="",
               ethnicity="  Ê Đê ", religion="Đạo Ông Bà"),
        member("Đặng Minh Khôi", date(2010, 9, 1), rel=Relationship.CHILD, id_number="")]),
        today=TODAY)
    read = households.get(hid).members
    assert [(m.ethnicity, m.religion) for m in read] == [
        ("HMông", "Phật giáo Hòa Hảo"), ("Ê-đê", "Đạo Ông Bà"), ("", "")]
    assert _stored(db, hid)[2] == ("Đặng Minh Khôi", None, None)  # not recorded: NULL
    data = households.get(hid)
    data.members[2].ethnicity, data.members[2].religion = "Kinh", "Không"
    households.save(data, today=TODAY)
    assert _stored(db, hid)[2] == ("Đặng Minh Khôi", "Kinh", "Không")


def test_an_ethnicity_outside_the_list_is_refused_naming_the_field(db, ward, households):
    with pytest.raises(FieldError) as info:
        households.save(household(ward[0], members=[member(ethnicity="Sao Hỏa")]),
                        today=TODAY)
    assert info.value.field == "Dân tộc" and "54 dân tộc" in info.value.message
    with pytest.raises(FieldError) as info:
        households.save(household(ward[0], members=[member(religion="x" * 101)]),
                        today=TODAY)
    assert info.value.field == "Tôn giáo"


def test_the_importer_reads_the_two_columns(db, ward, tmp_path, pin_today):
    from openpyxl import Workbook

    from antq_desktop.importing.columns import HOUSEHOLDS
    from antq_desktop.importing.reader import read_table
    from antq_desktop.importing.service import Options, run_import
    from antq_desktop.importing.workbooks import write_template

    pin_today(TODAY)
    wb = Workbook()
    ws = wb.active
    ws.append(["Số hộ", "Họ và tên", "Ngày sinh", "Giới tính", "Quan hệ với chủ hộ",
               "Địa chỉ", "Khu dân cư", "Dân tộc", "Tôn giáo"])
    ws.append(["H1", "Lò Văn Pọm", "01/01/1970", "Nam", "Chủ hộ", "1 Lò Sũ",
               "Tổ dân phố số 1", "thái", "Công giáo"])
    ws.append(["H1", "Lò Thị Ơn", "02/02/1972", "Nữ", "Vợ", None, None, "Khmer", "Đạo Mẫu"])
    ws.append(["H2", "Vàng A Sử", "03/03/1980", "Nam", "Chủ hộ", "2 Lò Sũ",
               "Tổ dân phố số 1", "Sao Hỏa", None])
    wb.save(tmp_path / "a.xlsx")
    table = read_table(tmp_path / "a.xlsx", HOUSEHOLDS)
    report = run_import(db, HOUSEHOLDS, table, Options(partial=True, today=TODAY,
                                                        backup=False))
    assert set(report.errors) == {4}
    assert "Dân tộc" in " ".join(report.errors[4]) and "54 dân tộc" in " ".join(
        report.errors[4])
    with db.session() as s:
        got = {r.full_name: (r.ethnicity, r.religion) for r in s.scalars(select(Resident))}
    assert got == {"Lò Văn Pọm": ("Thái", "Công giáo"), "Lò Thị Ơn": ("Khơ-me", "Đạo Mẫu")}
    # the template has both columns, with their lists
    template = load_workbook(write_template(HOUSEHOLDS, tmp_path / "mau.xlsx"))
    headers = [c.value for c in template["Dữ liệu"][1]]
    assert "Dân tộc" in headers and "Tôn giáo" in headers
    lists = template["Giá trị cho phép"]
    listed = {lists.cell(1, c).value: [lists.cell(r, c).value for r in range(2, 60)]
              for c in range(1, lists.max_column + 1)}
    assert listed["Dân tộc"][:3] == ["Kinh", "Tày", "Thái"]
    assert "Phật giáo Hòa Hảo" in listed["Tôn giáo"]


def _sensitive_household(households, ward):
    return households.save(household(ward[0], members=[
        member(ethnicity="Tày", religion="Tin lành")]), today=TODAY)


def test_masked_on_read_for_an_account_without_the_right(db, ward, households):
    from antq_desktop.services.households import HouseholdService

    hid = _sensitive_household(households, ward)
    db.user = CurrentUser(id=None, name="xem", display_name="xem", role=Role.VIEWER)
    m = HouseholdService(db).get(hid).members[0]
    assert (m.ethnicity, m.religion, m.id_number) == (MASK, MASK, "••••••••2345")
    db.user = CurrentUser(id=None, name="ld", display_name="ld", role=Role.LEADER)
    m = HouseholdService(db).get(hid).members[0]
    assert (m.ethnicity, m.religion) == ("Tày", "Tin lành")


def test_masked_in_the_register_xlsx_without_the_right(db, ward, households, tmp_path,
                                                       monkeypatch, pin_today):
    """An account that may export but not see sensitive data (a role so configured): the
    register's cells hold the mask; with the right, the values."""
    from antq_desktop.reports.export import export_xlsx
    from antq_desktop.reports.registry import Params

    pin_today(TODAY)
    _sensitive_household(households, ward)

    def cells(name):
        path = export_xlsx(db, "household-register", Params(2026, area_id=ward[0]),
                           tmp_path / name)
        ws = load_workbook(path).active
        rows = [[c.value for c in row] for row in ws.iter_rows()]
        header = next(r for r in rows if "Dân tộc" in r)
        head = next(r for r in rows if "Đặng Đức Anh" in r)
        return head[header.index("Dân tộc")], head[header.index("Tôn giáo")], \
            [v for r in rows for v in r if isinstance(v, str)]

    ethnicity, religion, _texts = cells("full.xlsx")
    assert (ethnicity, religion) == ("Tày", "Tin lành")
    monkeypatch.setitem(access.ROLE_PERMISSIONS, Role.VIEWER,
                        frozenset({Permission.READ, Permission.EXPORT}))
    db.user = CurrentUser(id=None, name="xem", display_name="xem", role=Role.VIEWER)
    ethnicity, religion, texts = cells("masked.xlsx")
    assert (ethnicity, religion) == (MASK, MASK)
    assert "Tày" not in texts and "Tin lành" not in texts


def test_audit_labels_and_the_trail_masked_for_a_viewer(db, ward, households, tmp_path):
    hid = _sensitive_household(households, ward)
    rid = households.get(hid).members[0].id
    created = audit.history(db, "resident", rid)[0]
    fields = {c.field: c.new for c in created.changes}
    assert fields["Dân tộc"] == "Tày" and fields["Tôn giáo"] == "Tin lành"
    db.user = CurrentUser(id=None, name="xem", display_name="xem", role=Role.VIEWER)
    lines = audit.history_lines(db, [("resident", rid)])
    assert [line[6] for line in lines if line[4] == "Dân tộc"] == [MASK]
    found = audit.entries(db, audit.Filter(kind="resident"))
    audit.write_xlsx(found, tmp_path / "trail.xlsx")
    values = [c.value for row in load_workbook(tmp_path / "trail.xlsx").active.iter_rows()
              for c in row]
    assert "Dân tộc" in values and "Tày" not in values and "Tin lành" not in values
    assert "001080012345" not in values and MASK in values
