"""The household dialog's member rows show ethnicity and religion (editable combos of the 54
groups and the religions, with completion), save them, and show them masked to an account
without the sensitive right (issue 15)."""

from datetime import date

from antq_desktop.access import MASK, CurrentUser, Role
from antq_desktop.services.unit import UnitService
from antq_desktop.ui.households.dialog import HouseholdDialog
from tests.conftest import household, member
from tests.gui.dialog_checks import assert_fits, press_ctrl_s

TODAY = date(2026, 6, 15)


def _dialog(qtbot, db, households, hid):
    d = HouseholdDialog(households, UnitService(db).areas(), households.get(hid), year=2026,
                        today=TODAY)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


def test_the_member_rows_show_edit_and_save_them(qtbot, db, households, ward):
    hid = households.save(household(ward[0], members=[member(ethnicity="Tày")]), today=TODAY)
    d = _dialog(qtbot, db, households, hid)
    assert_fits(d)
    headers = [d.members.horizontalHeaderItem(c).text() for c in range(d.members.columnCount())]
    col = headers.index("Dân tộc")
    assert d.members.item(0, col).text() == "Tày" and d.form.ethnicity.currentText() == "Tày"
    assert d.form.ethnicity.count() == 56 and d.form.religion.findText("Công giáo") > 0
    d.form.religion.setEditText("Công giáo")
    d.form.ethnicity.setEditText("mong")
    assert d.members.item(0, col + 1).text() == "Công giáo"
    press_ctrl_s(d)
    qtbot.waitUntil(lambda: households.get(hid).members[0].religion == "Công giáo")
    assert households.get(hid).members[0].ethnicity == "HMông"
    d.form.ethnicity.setEditText("Sao Hỏa")  # not one of the 54: said under the field
    qtbot.waitUntil(lambda: "54 dân tộc" in d.findChild(
        type(d.error), "memberEthnicityError").text())


def test_masked_on_screen_for_an_account_without_the_right(qtbot, db, households, ward):
    hid = households.save(household(ward[0], members=[member(ethnicity="Tày",
                                                             religion="Tin lành")]),
                          today=TODAY)
    db.user = CurrentUser(id=None, name="xem", display_name="xem", role=Role.VIEWER)
    d = _dialog(qtbot, db, households, hid)
    headers = [d.members.horizontalHeaderItem(c).text() for c in range(d.members.columnCount())]
    row = [d.members.item(0, c).text() for c in range(d.members.columnCount())]
    assert row[headers.index("Dân tộc")] == MASK and row[headers.index("Tôn giáo")] == MASK
    assert d.form.ethnicity.currentText() == MASK and d.form.religion.currentText() == MASK
    assert "Tày" not in row and "Tin lành" not in row
