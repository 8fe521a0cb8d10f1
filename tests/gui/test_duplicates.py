"""Duplicate people in the GUI (issue 13): the hint under the name in the three dialogs, and
Tệp → Tìm người trùng… (lists, marks "không trùng", merges with confirmation, undoes)."""

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QTableWidgetItem
from sqlalchemy import select

from antq_desktop.db.models import Resident
from antq_desktop.enums import Relationship, Sex
from antq_desktop.services.duplicates import DuplicateService
from antq_desktop.services.mediation import MediationService
from antq_desktop.ui.duplicates.dialog import DuplicatesDialog
from antq_desktop.ui.main_window import MainWindow
from tests.conftest import household, member
from tests.gui.conftest import type_text

BORN = date(1980, 5, 1)


def _registered(households, ward):
    """HK000001: Đặng Đức Anh (area 1). HK000002: Lê Văn Bình and "dang duc anh" again."""
    households.save(household(ward[0], "HK000001", [member(phone="0912000001")]))
    households.save(household(ward[1], "HK000002", [
        member("Lê Văn Bình", date(1975, 1, 1), id_number="001075000002"),
        member("dang duc anh", BORN, rel=Relationship.OTHER, id_number="")],
        address="5 Hàng Buồm"))


def _answer(text):
    """For when_modal: click the message box's button reading ``text``."""
    def click(box):
        next(b for b in box.buttons() if b.text() == text).click()
    return click


def _window(qtbot, db):
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    return window


def _type(field, text):
    field.clear()
    type_text(field, text)


def test_household_dialog_hint_appears_opens_and_dismisses(qtbot, db, households, ward,
                                                           when_modal):
    households.save(household(ward[0], "HK000001", [member()]))
    window = _window(qtbot, db)
    dialog = window.households_tab.open_dialog(None)  # a child of the window
    dialog.show()
    hint = dialog.form.duplicate
    _type(dialog.form.full_name, "dang duc anh")
    assert not hint.isVisible()  # a name alone is no match
    _type(dialog.form.birth_date, "01/05/1980")
    qtbot.waitUntil(hint.isVisible, timeout=3000)
    assert "Đặng Đức Anh (01/05/1980)" in hint.text.text()
    assert "hộ HK000001" in hint.text.text() and "cùng họ tên và ngày sinh" in hint.text.text()

    opened = []

    def look(other):
        opened.append(other.windowTitle())
        other.done(0)

    when_modal(look)
    qtbot.mouseClick(dialog.findChild(QPushButton, "memberDuplicateOpen"),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(opened), timeout=3000)
    assert opened == ["Sửa hộ HK000001"]

    qtbot.mouseClick(dialog.findChild(QPushButton, "memberDuplicateDismiss"),
                     Qt.MouseButton.LeftButton)
    assert not hint.isVisible()
    _type(dialog.form.phone, "0912345678")  # typing on: the dismissed person stays away
    qtbot.wait(400)
    assert not hint.isVisible()
    # an ID number held in another household shows the holder
    dialog.add_member()
    _type(dialog.form.full_name, "Ai Khác")
    _type(dialog.form.id_number, "001080012345")
    qtbot.waitUntil(hint.isVisible, timeout=3000)
    assert "cùng số định danh" in hint.text.text()
    dialog.done(0)


def test_rehabilitation_hint_takes_the_registered_person(qtbot, db, households, ward):
    _registered(households, ward)
    window = _window(qtbot, db)
    dialog = window.rehabilitation_tab.open_dialog(None)  # a child of the window
    dialog.show()
    dialog.unregistered.setChecked(True)
    _type(dialog.name, "Đặng Đức Anh")
    _type(dialog.birth, "01/05/1980")
    qtbot.waitUntil(dialog.duplicate.isVisible, timeout=3000)
    assert "(và 1 người khác)" in dialog.duplicate.text.text()
    qtbot.mouseClick(dialog.findChild(QPushButton, "rehabDuplicateOpen"),
                     Qt.MouseButton.LeftButton)
    assert dialog.registered.isChecked() and not dialog.duplicate.isVisible()
    with db.session() as s:
        anh = s.scalar(select(Resident.id).where(Resident.full_name == "Đặng Đức Anh"))
    assert dialog.resident_id == anh
    dialog.done(0)


def test_mediation_typed_party_hint(qtbot, db, households, ward):
    _registered(households, ward)
    MediationService(db).ensure_teams()
    window = _window(qtbot, db)
    window.mediation_tab.reload_teams()
    dialog = window.mediation_tab.open_dialog(None)  # a child of the window
    dialog.show()
    dialog.team.setCurrentIndex(
        dialog.team.findText("(Tổ dân phố số 2)", Qt.MatchFlag.MatchEndsWith))
    qtbot.mouseClick(dialog.add_typed, Qt.MouseButton.LeftButton)
    row = dialog.parties.rowCount() - 1
    dialog.parties.item(row, 0).setText("le van binh")
    dialog.parties.setItem(row, 1, QTableWidgetItem("1975"))
    qtbot.waitUntil(dialog.duplicate.isVisible, timeout=3000)
    assert "Lê Văn Bình" in dialog.duplicate.text.text()
    assert "cùng họ tên, năm sinh và khu dân cư" in dialog.duplicate.text.text()
    qtbot.mouseClick(dialog.findChild(QPushButton, "partyDuplicateOpen"),
                     Qt.MouseButton.LeftButton)
    (party,) = dialog.party_rows()
    assert party.full_name == "Lê Văn Bình" and party.resident_id is not None
    dialog.done(0)


def _dialog(qtbot, db, unit_service):
    dialog = DuplicatesDialog(DuplicateService(db), unit_service.areas())
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.scanned, timeout=10000):
        qtbot.mouseClick(dialog.scan_button, Qt.MouseButton.LeftButton)
    return dialog


def test_dialog_lists_pairs_and_forgets_one_marked_not_duplicate(qtbot, db, households, ward,
                                                                 unit_service):
    _registered(households, ward)
    dialog = _dialog(qtbot, db, unit_service)
    assert dialog.pair_table.rowCount() == 1
    assert dialog.pair_table.item(0, 1).text().startswith("Đặng Đức Anh (01/05/1980)")
    assert dialog.pair_table.item(0, 2).text().startswith("Dang Duc Anh (01/05/1980), chưa có")
    assert dialog.pair_table.item(0, 3).text() == "cùng họ tên và ngày sinh"
    assert "1 cặp có thể trùng" in dialog.status.text()
    qtbot.mouseClick(dialog.distinct_button, Qt.MouseButton.LeftButton)
    assert dialog.pair_table.rowCount() == 0
    again = _dialog(qtbot, db, unit_service)
    assert again.pair_table.rowCount() == 0


def test_dialog_merges_after_confirmation_and_undoes(qtbot, db, households, ward, unit_service,
                                                     when_modal):
    _registered(households, ward)
    dialog = _dialog(qtbot, db, unit_service)
    changes = []
    dialog.changed.connect(lambda: changes.append(1))
    pair = dialog.pairs[0]
    merge = dialog.merge_dialog(pair)  # a child of the dialog
    merge.show()
    # the differing fields are marked; equal ones offer nothing to choose
    assert merge.choices["phone"][0].styleSheet() and merge.choices["household"][0].styleSheet()
    assert not merge.choices["birth_date"][1].isEnabled()
    merge.choices["occupation"][1].setChecked(True)
    # the confirmation comes first: "Hủy" merges nothing
    when_modal(_answer("Hủy"))
    qtbot.mouseClick(merge.findChild(QPushButton, "mergeOk"), Qt.MouseButton.LeftButton)
    assert merge.merge_id is None and households.counts().residents == 3
    when_modal(_answer("Đồng ý"))
    qtbot.mouseClick(merge.findChild(QPushButton, "mergeOk"), Qt.MouseButton.LeftButton)
    assert merge.merge_id is not None
    dialog.after_merge(pair)
    assert households.counts().residents == 2 and changes == [1]
    assert dialog.pair_table.rowCount() == 0
    assert dialog.merge_table.rowCount() == 1
    assert [dialog.merge_table.item(0, c).text() for c in (1, 2, 3)] == [
        "Đặng Đức Anh", "Dang Duc Anh", "Đã gộp"]
    # the household dialog shows the merged-away member marked, read-only
    hid = next(r.id for r in households.rows(households.query_ids()).values()
               if r.code == "HK000002")
    data = households.get(hid)
    gone = next(m for m in data.members if m.merged)
    assert gone.moved_out_reason == "Đã gộp vào Đặng Đức Anh (hộ HK000001)"

    dialog.tabs.setCurrentIndex(2)
    dialog.merge_table.selectRow(0)
    when_modal(_answer("Đồng ý"))
    qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)
    assert dialog.merge_table.item(0, 3).text().startswith("Đã hoàn tác")
    assert households.counts().residents == 3 and changes == [1, 1]
    with qtbot.waitSignal(dialog.scanned, timeout=10000):
        qtbot.mouseClick(dialog.scan_button, Qt.MouseButton.LeftButton)
    assert dialog.pair_table.rowCount() == 1


def test_menu_item_opens_the_dialog(qtbot, db, ward, when_modal):
    window = _window(qtbot, db)
    seen = []

    def close(dialog):
        seen.append(dialog.objectName())
        dialog.done(0)

    when_modal(close)
    action = next(a for a in window.menuBar().actions()[0].menu().actions()
                  if a.objectName() == "actionDuplicates")
    assert action.text() == "Tìm người trùng…"
    action.trigger()
    assert seen == ["duplicatesDialog"]


def test_hand_typed_people_listed_and_linked(qtbot, db, households, ward, unit_service,
                                            when_modal):
    from antq_desktop.enums import Regime
    from antq_desktop.services.rehabilitation import CaseData, RehabilitationService

    households.save(household(ward[0], "HK000001", [member()]))
    RehabilitationService(db).save(CaseData("dang duc anh", Regime.YOUTH, date(2026, 1, 5),
                                            birth_date=BORN, sex=Sex.MALE))
    dialog = _dialog(qtbot, db, unit_service)
    assert dialog.typed_table.rowCount() == 1
    assert dialog.typed_table.item(0, 1).text() == "Dang Duc Anh"
    dialog.tabs.setCurrentIndex(1)
    dialog.typed_table.selectRow(0)
    when_modal(_answer("Đồng ý"))
    qtbot.mouseClick(dialog.link_button, Qt.MouseButton.LeftButton)
    assert dialog.typed_table.rowCount() == 0
    assert DuplicateService(db).hand_typed() == []
