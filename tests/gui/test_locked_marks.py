"""Locked records are marked with a padlock (issue 15): in the households tab, a year whose
sign-ups are signed off shows the padlock and its sign-up buttons are off, saying why."""

from datetime import date

from antq_desktop.services.periods import SIGNUPS, PeriodService
from antq_desktop.ui.app import Services
from antq_desktop.ui.households.tab import HouseholdsTab
from antq_desktop.ui.permissions import PADLOCK
from tests.conftest import household

TODAY = date(2026, 1, 20)


def test_a_signed_off_year_shows_the_padlock(qtbot, db, ward, households, pin_today):
    pin_today(TODAY)
    hid = households.save(household(ward[0]))
    households.sign_up([hid], 2025, date(2025, 3, 1), today=TODAY)
    lock_id = PeriodService(db).lock(SIGNUPS, 2025, today=TODAY)
    tab = HouseholdsTab(Services.build(db))
    qtbot.addWidget(tab)
    tab.show()
    tab.year.setValue(2025)
    tab.table.selectRow(0)
    assert PADLOCK in tab.summary_title.text() and "đã khóa sổ" in tab.summary_title.text()
    for button in (tab.signup_button, tab.signup_area_button):
        assert not button.isEnabled()
        assert button.toolTip().startswith(PADLOCK) and "Năm 2025 đã khóa sổ" in button.toolTip()
    assert tab.edit_button.isEnabled()  # the household itself is not locked

    tab.year.setValue(2026)  # an open year: the buttons and their own tooltips come back
    tab.table.selectRow(0)
    assert PADLOCK not in tab.summary_title.text()
    assert tab.signup_button.isEnabled() and not tab.signup_button.toolTip().startswith(PADLOCK)
    PeriodService(db).reopen(lock_id, "Sửa sai sót đã được duyệt")
    tab.year.setValue(2025)
    tab.table.selectRow(0)
    assert tab.signup_button.isEnabled()
