"""Permissions are enforced by the services (db/guard.py, access.require), for each role."""

from datetime import date

import pytest

from antq_desktop.access import SYSTEM, PermissionDenied, Role
from antq_desktop.db.engine import Database
from antq_desktop.enums import Regime
from antq_desktop.services.households import HouseholdService
from antq_desktop.services.rehabilitation import CaseData, RehabilitationService
from antq_desktop.services.unit import UnitService
from antq_desktop.services.users import UserService, login
from tests.conftest import household, member

PASSWORD = "mật-khẩu-1"


@pytest.fixture
def accounts(db, ward):
    """Accounts of each role (made as the system user); the clerk of area 1 only."""
    users = UserService(db)
    users.add("quantri", PASSWORD, Role.ADMIN)
    users.add("nhaplieu", PASSWORD, Role.CLERK)
    users.add("nhaplieu1", PASSWORD, Role.CLERK, area_ids=(ward[0],))
    users.add("lanhdao", PASSWORD, Role.LEADER)
    users.add("chixem", PASSWORD, Role.VIEWER)
    return users


def as_user(db, name) -> Database:
    """A second handle on the same database, signed in as ``name``."""
    from antq_desktop.db.engine import open_database

    other = open_database(db.url)
    login(other, name, PASSWORD)
    return other


@pytest.fixture
def signed_in(db, accounts):
    opened = []

    def sign(name):
        handle = as_user(db, name)
        opened.append(handle)
        return handle
    yield sign
    for handle in opened:
        handle.dispose()


def case_data(area_id, name="Lò Văn Hải", notes="ghi chú riêng"):
    return CaseData(id=None, person_name=name, regime=Regime.REINTEGRATION,
                    start_date=date(2025, 3, 1), area_id=area_id, notes=notes,
                    id_number="001085012345", birth_date=date(1985, 2, 2))


def test_tests_and_the_demo_work_as_the_system_user(db):
    assert db.user is SYSTEM


@pytest.mark.parametrize("name", ["chixem", "lanhdao"])
def test_a_read_only_role_cannot_save_a_household(db, ward, signed_in, name):
    handle = signed_in(name)
    with pytest.raises(PermissionDenied) as exc:
        HouseholdService(handle).save(household(ward[0]))
    assert "không được nhập hoặc sửa dữ liệu" in str(exc.value)
    assert str(exc.value).startswith("Quyền: Tài khoản")
    assert HouseholdService(db).counts().households == 0  # nothing half-saved
    assert HouseholdService(handle).query_ids() == []  # reading is allowed


def test_a_viewer_cannot_sign_up_close_or_move(db, ward, households, signed_in):
    hid = households.save(household(ward[0]))
    viewer = HouseholdService(signed_in("chixem"))
    with pytest.raises(PermissionDenied):
        viewer.sign_up(hid, 2025, date(2025, 2, 1), today=date(2025, 3, 1))
    with pytest.raises(PermissionDenied):
        viewer.move_away(hid, date(2025, 2, 1), "chuyển đi", today=date(2025, 3, 1))
    with pytest.raises(PermissionDenied):
        RehabilitationService(signed_in("chixem")).save(case_data(ward[0]),
                                                        today=date(2025, 3, 2))


def test_clerk_and_admin_enter_data(db, ward, signed_in):
    for name, code in (("nhaplieu", "HK000001"), ("quantri", "HK000002")):
        HouseholdService(signed_in(name)).save(household(ward[0], code,
                                                         [member(id_number=None)]))
    assert HouseholdService(db).counts().households == 2


def test_only_an_admin_changes_the_unit_and_its_areas(db, ward, signed_in):
    for name in ("nhaplieu", "lanhdao", "chixem"):
        with pytest.raises(PermissionDenied) as exc:
            UnitService(signed_in(name)).add_area("Tổ dân phố số 9")
        assert "cài đặt" in str(exc.value)
    UnitService(signed_in("quantri")).add_area("Tổ dân phố số 9")


def test_an_area_limited_clerk_writes_and_lists_only_their_areas(db, ward, households,
                                                                 signed_in):
    other = households.save(household(ward[1], "HK000009", [member(id_number=None)]))
    clerk = HouseholdService(signed_in("nhaplieu1"))
    with pytest.raises(PermissionDenied) as exc:
        clerk.save(household(ward[1], "HK000001", [member(id_number=None)]))
    assert "khu dân cư được giao" in str(exc.value)
    mine = clerk.save(household(ward[0], "HK000002", [member(id_number=None)]))
    assert clerk.query_ids() == [mine]  # the other area's household is not listed
    with pytest.raises(PermissionDenied):  # a member added to another area's household
        data = households.get(other)
        data.members.append(member("Đặng Thị Hoa", rel=__import__(
            "antq_desktop.enums", fromlist=["Relationship"]).Relationship.WIFE, id_number=None))
        clerk.save(data)
    with pytest.raises(PermissionDenied):  # moving one's own household to another area
        data = households.get(mine)
        data.area_id = ward[1]
        clerk.save(data)
    with pytest.raises(PermissionDenied):
        clerk.sign_up(other, 2025, date(2025, 2, 1), today=date(2025, 3, 1))
    clerk.sign_up(mine, 2025, date(2025, 2, 1), today=date(2025, 3, 1))
    rehab = RehabilitationService(signed_in("nhaplieu1"))
    with pytest.raises(PermissionDenied):
        rehab.save(case_data(ward[1]), today=date(2025, 3, 2))
    rehab.save(case_data(ward[0]), today=date(2025, 3, 2))


def test_the_viewer_sees_id_numbers_and_case_notes_masked(db, ward, households, signed_in):
    hid = households.save(household(ward[0]))
    case_id = RehabilitationService(db).save(case_data(ward[0]), today=date(2025, 3, 2))
    viewer = signed_in("chixem")
    assert HouseholdService(viewer).get(hid).members[0].id_number == "••••••••2345"
    case = RehabilitationService(viewer).get(case_id)
    assert case.id_number == "••••••••2345" and case.notes == "•••"
    assert case.regime.label == "(ẩn)"
    leader = signed_in("lanhdao")  # a leader may see them
    assert HouseholdService(leader).get(hid).members[0].id_number == "001080012345"
    assert RehabilitationService(leader).get(case_id).regime is Regime.REINTEGRATION


def test_exports_refuse_a_viewer_and_mask_id_numbers_without_the_right(db, ward, households,
                                                                      signed_in, tmp_path):
    from antq_desktop.reports.export import export_xlsx
    from antq_desktop.reports.registry import Params
    from antq_desktop.services.registers import RegisterService

    households.save(household(ward[0]))
    viewer = signed_in("chixem")
    with pytest.raises(PermissionDenied) as exc:
        export_xlsx(viewer, "yearend-summary", Params(year=2025), tmp_path / "x.xlsx")
    assert "in hoặc xuất" in str(exc.value)
    assert not (tmp_path / "x.xlsx").exists()
    rows = RegisterService(viewer).register(2025, today=date(2025, 6, 1))
    assert rows[0].members[0].id_number == "••••••••2345"
    rows = RegisterService(signed_in("lanhdao")).register(2025, today=date(2025, 6, 1))
    assert rows[0].members[0].id_number == "001080012345"


def test_settings_need_an_admin(db, signed_in):
    from antq_desktop.services.settings import SettingsService

    service = SettingsService(signed_in("nhaplieu"))
    with pytest.raises(PermissionDenied):
        service.save_cert_settings(service.cert_settings())
    admin = SettingsService(signed_in("quantri"))
    admin.save_cert_settings(admin.cert_settings())


def test_signing_off_a_period_is_the_leaders_and_the_trail_names_the_account(
        db, signed_in, ward):
    """Issue 15: the Lãnh đạo (or the Quản trị) signs off and reopens a period, a Cán bộ nhập
    liệu cannot; every entry of the trail names the account that acted."""
    from sqlalchemy import select

    from antq_desktop.db.models import AuditEntry
    from antq_desktop.services.periods import SIGNUPS, PeriodService

    with pytest.raises(PermissionDenied, match="khóa sổ"):
        PeriodService(signed_in("nhaplieu")).lock(SIGNUPS, 2025, today=date(2026, 1, 10))
    leader = signed_in("lanhdao")
    lock_id = PeriodService(leader).lock(SIGNUPS, 2025, today=date(2026, 1, 10))
    with pytest.raises(PermissionDenied):
        PeriodService(signed_in("chixem")).reopen(lock_id, "Sửa số liệu")
    PeriodService(signed_in("quantri")).reopen(lock_id, "Sửa số liệu")
    with db.session() as s:
        actors = dict(s.execute(select(AuditEntry.action, AuditEntry.actor)
                                .where(AuditEntry.action.in_(("lock", "unlock")))).all())
    assert actors == {"lock": "lanhdao", "unlock": "quantri"}


def test_an_account_that_may_not_back_up_is_told_whom_to_ask(db, signed_in, tmp_path):
    """The status bar and the overview's due work point a viewer to someone who can back up,
    not to Tệp → Sao lưu ngay, which is disabled for them."""
    from datetime import date, datetime

    from antq_desktop.services import backup
    from antq_desktop.services.overview import OverviewService

    assert "Tệp → Sao lưu ngay" in backup.backup_warning(None, datetime(2026, 3, 1))
    told = backup.backup_warning(None, datetime(2026, 3, 1), can_backup=False)
    assert "Sao lưu ngay" not in told and "hãy báo cán bộ có quyền sao lưu" in told
    if not db.is_sqlite:
        return  # PostgreSQL: no file backups, no due item
    for name, wanted in (("chixem", "hãy báo cán bộ có quyền sao lưu"),
                         ("nhaplieu", "bấm để sao lưu ngay")):
        view = OverviewService(signed_in(name)).load(2026, today=date(2026, 3, 1),
                                                     now=datetime(2026, 3, 1, 9),
                                                     backup_folder=tmp_path)
        (item,) = [d for d in view.due if d.kind == "backup"]
        assert item.text.endswith(wanted)
