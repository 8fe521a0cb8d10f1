"""The dialogs that are not a record's form (the record dialogs have their own mechanism tests,
tests/gui/test_*_dialogs_mechanism.py) also fit the office screen, 1366×768 less the task bar,
with no button or title cut off (issue 14)."""

from __future__ import annotations

from datetime import date

import pytest

from antq_desktop.access import Role
from antq_desktop.services.duplicates import DuplicateService
from antq_desktop.services.users import UserService, login
from antq_desktop.ui.audit.dialog import AuditDialog
from antq_desktop.ui.audit.history import HistoryDialog
from antq_desktop.ui.audit.periods import PeriodsDialog
from antq_desktop.ui.backup_dialog import RestoreDialog
from antq_desktop.ui.duplicates.dialog import DuplicatesDialog
from antq_desktop.ui.importing.dialog import ImportDialog
from antq_desktop.ui.login import ChangePasswordDialog, FirstAdminDialog, LoginDialog
from antq_desktop.ui.mediation.teams import TeamsDialog
from antq_desktop.ui.reports.dialog import ReportsDialog
from antq_desktop.ui.users.dialog import UsersDialog

from .dialog_checks import assert_fits

PASSWORD = "mật-khẩu-1"
TODAY = date(2026, 5, 4)


@pytest.fixture
def admin(db, ward):
    users = UserService(db)
    users.add("quantri", PASSWORD, Role.ADMIN, "Nguyễn Văn Hùng")
    login(db, "quantri", PASSWORD)
    return users


MAKERS = {
    "periods": lambda db, areas, users: PeriodsDialog(db, areas, today=TODAY),
    "audit": lambda db, areas, users: AuditDialog(db, today=TODAY),
    "reports": lambda db, areas, users: ReportsDialog(db),
    "import": lambda db, areas, users: ImportDialog(db),
    "restore": lambda db, areas, users: RestoreDialog(db),
    "users": lambda db, areas, users: UsersDialog(db),
    "duplicates": lambda db, areas, users: DuplicatesDialog(DuplicateService(db), areas),
    "history": lambda db, areas, users: HistoryDialog(db, "Hộ HK000001", [("household", 1)]),
    "login": lambda db, areas, users: LoginDialog(users, "Phường Hoàn Kiếm"),
    "first_admin": lambda db, areas, users: FirstAdminDialog(users),
    "change_password": lambda db, areas, users: ChangePasswordDialog(users, "quantri"),
}


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_the_dialog_fits_the_office_screen(qtbot, db, ward, admin, unit_service, kind):
    dialog = MAKERS[kind](db, unit_service.areas(), admin)
    qtbot.addWidget(dialog)
    assert_fits(dialog)
    dialog.done(0)


def test_the_teams_list_fits(qtbot, db, ward, admin):
    from antq_desktop.services.mediation import MediationService

    service = MediationService(db)
    service.ensure_teams()
    dialog = TeamsDialog(service)
    qtbot.addWidget(dialog)
    assert_fits(dialog)
    dialog.done(0)
