from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from antq_desktop.enums import OutreachKind, TipResult, WeaponKind
from antq_desktop.services.activities import (
    WARD_ONLY,
    ActivityService,
    Kind,
    ModelData,
    OutreachData,
    PatrolData,
    TipData,
    WeaponData,
)
from antq_desktop.ui.activities.tab import ActivitiesTab
from antq_desktop.ui.app import Services
from tests.gui.conftest import type_text

TODAY = date(2026, 6, 15)  # the app's today in these tests (pin_today): they do not read the clock


@pytest.fixture(autouse=True)
def _pinned(pin_today):
    pin_today(TODAY)


def _tab(qtbot, db) -> ActivitiesTab:
    tab = ActivitiesTab(Services.build(db))
    qtbot.addWidget(tab)
    tab.resize(1200, 600)
    tab.show()
    tab.activateWindow()  # keyboard shortcuts go to the active window only
    qtbot.waitUntil(lambda: QApplication.activeWindow() is tab, timeout=2000)
    return tab


def _choose(tab: ActivitiesTab, kind: Kind) -> None:
    tab.kinds.setCurrentRow(list(Kind).index(kind))


def _cells(tab: ActivitiesTab, row: int = 0) -> list[str]:
    return [tab.model.index(row, c).data() for c in range(tab.model.columnCount())]


def _ok(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.findChild(QPushButton, "dialogOk"), Qt.MouseButton.LeftButton)


def _line(dialog, name: str) -> str:
    """The error line under the field ``name`` (ui/widgets/dialogs.FieldForm)."""
    return dialog.findChild(QLabel, f"{name}Error").text()


def _click(qtbot, tab: ActivitiesTab, name: str) -> None:
    qtbot.mouseClick(tab.findChild(QPushButton, name), Qt.MouseButton.LeftButton)


@pytest.mark.parametrize("today", [TODAY, date(2027, 1, 1)], ids=str)
def test_add_a_tip_typed_in_vietnamese(qtbot, db, ward, when_modal, pin_today, today):
    pin_today(today)
    # yesterday, or today on New Year's Day: the tab lists this year's tips
    received = max(today - timedelta(days=1), date(today.year, 1, 1))
    tab = _tab(qtbot, db)
    assert tab.kinds.item(0).text() == "Tin báo (0)" and tab.model.rowCount() == 0
    tab.area.setCurrentIndex(tab.area.findData(ward[1]))
    seen = {}

    def fill(dialog):
        seen["area"] = dialog.area.currentData()  # the area being looked at
        dialog.received.set_date(received)
        type_text(dialog.content, "Phát hiện đối tượng trộm cắp xe máy ở chợ Đồng Xuân")
        dialog.tip_result.set_value(TipResult.ARREST)
        seen["auto"] = (dialog.valuable.isChecked(), dialog.persons.value())
        dialog.persons.setValue(2)
        type_text(dialog.note, "Bắt quả tang, thu hồi xe")
        _ok(qtbot, dialog)

    when_modal(fill)
    _click(qtbot, tab, "activitiesAdd")
    assert seen == {"area": ward[1], "auto": (True, 1)}
    assert tab.model.rowCount() == 1
    assert _cells(tab) == [received.strftime("%d/%m/%Y"), "Tổ dân phố số 2",
                           "Phát hiện đối tượng trộm cắp xe máy ở chợ Đồng Xuân", "✓",
                           "Bắt giữ 2 đối tượng", "Bắt quả tang, thu hồi xe"]
    assert tab.kinds.item(0).text() == "Tin báo (1)"
    assert tab.count_label.text() == "1 tin báo · 1 có giá trị · 2 đối tượng bị bắt giữ"
    assert tab.selected_id() == tab.model.id_at(0)  # the new record is selected


def test_bad_value_keeps_the_dialog_open_and_saves_nothing(qtbot, db, ward, when_modal):
    tab = _tab(qtbot, db)
    seen = {}

    def fill(dialog):
        type_text(dialog.content, "Nghi vấn mua bán ma túy")
        dialog.received.set_date(TODAY + timedelta(days=1))
        _ok(qtbot, dialog)
        seen["future"] = (dialog.isVisible(), _line(dialog, "tipReceived"))
        dialog.received.setText("31/02/2026")
        _ok(qtbot, dialog)
        seen["impossible"] = _line(dialog, "tipReceived")
        dialog.received.set_date(TODAY)
        dialog.content.setPlainText("  ")
        _ok(qtbot, dialog)
        seen["empty"] = (dialog.isVisible(), _line(dialog, "tipContent"),
                         dialog.focusWidget() is dialog.content)
        dialog.done(0)

    when_modal(fill)
    _click(qtbot, tab, "activitiesAdd")
    # each message under its own field; the line over the buttons says why nothing was saved
    assert seen["future"] == (True, "không được sau ngày hôm nay.")
    assert seen["impossible"] == "ngày 31/02/2026 không tồn tại."
    assert seen["empty"] == (True, "chưa nhập.", True)
    assert tab.model.rowCount() == 0 and ActivityService(db).rows(Kind.TIP) == []


def test_patrol_without_participants_refused(qtbot, db, ward, when_modal):
    tab = _tab(qtbot, db)
    _choose(tab, Kind.PATROL)
    assert tab.add_button.text() == "&Thêm lượt tuần tra"
    seen = {}

    def fill(dialog):
        assert dialog.objectName() == "patrolDialog"
        _ok(qtbot, dialog)
        seen["error"] = (_line(dialog, "patrolParticipants"), dialog.error.text())
        dialog.participants.setValue(7)
        _ok(qtbot, dialog)

    when_modal(fill)
    _click(qtbot, tab, "activitiesAdd")
    assert seen["error"] == ("chưa nhập.", "Chưa lưu: hãy sửa các ô được đánh dấu đỏ.")
    assert _cells(tab)[1:3] == ["Toàn phường", "7"]
    assert tab.count_label.text() == "1 lượt tuần tra · 7 lượt người"


def test_switch_kind_shows_its_columns_and_counts(qtbot, db, ward):
    acts = ActivityService(db)
    acts.save(Kind.WEAPON, WeaponData(TODAY, ward[0], WeaponKind.FIRECRACKER, 2.5))
    acts.save(Kind.WEAPON, WeaponData(TODAY, None, WeaponKind.FIRECRACKER, 1))
    acts.save(Kind.OUTREACH, OutreachData(TODAY, None, OutreachKind.MEETING, "Luật Cư trú", 60))
    tab = _tab(qtbot, db)
    assert [tab.kinds.item(i).text() for i in range(6)] == [
        "Tin báo (0)", "Mô hình (0)", "Tuần tra (0)", "Tuyên truyền (1)",
        "Thu hồi vũ khí, vật liệu nổ (2)", "Khen thưởng (0)"]
    _choose(tab, Kind.WEAPON)
    headers = [tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
    assert headers == ["Ngày tiếp nhận", "Khu dân cư", "Loại", "Số lượng", "Mô tả"]
    assert tab.model.rowCount() == 2 and _cells(tab, 1)[3] == "2,5 kg"
    assert tab.count_label.text() == "2 lượt giao nộp: Pháo 3,5 kg"
    _choose(tab, Kind.OUTREACH)
    assert tab.model.columnCount() == 5 and _cells(tab)[2:4] == ["Họp dân, hội nghị", "60"]
    assert tab.delete_button.isVisibleTo(tab) and not tab.end_button.isVisibleTo(tab)


def test_search_year_and_area_filters(qtbot, db, ward):
    acts = ActivityService(db)
    acts.save(Kind.TIP, TipData(TODAY, ward[0], "Tụ điểm đánh bạc ở ngõ Hàng Đào"))
    acts.save(Kind.TIP, TipData(TODAY, None, "Cho vay nặng lãi"))
    acts.save(Kind.TIP, TipData(date(TODAY.year - 1, 6, 1), ward[0], "Đánh nhau ở chợ"))
    tab = _tab(qtbot, db)
    assert tab.year.currentData() == TODAY.year and tab.model.rowCount() == 2
    type_text(tab.search, "danh")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=2000)  # debounced
    assert _cells(tab)[2] == "Tụ điểm đánh bạc ở ngõ Hàng Đào"
    tab.year.setCurrentIndex(tab.year.findData(None))  # "Mọi năm"
    assert tab.model.rowCount() == 2
    tab.search.clear()
    tab.search.flush()
    assert tab.model.rowCount() == 3
    tab.area.setCurrentIndex(tab.area.findData(WARD_ONLY))
    assert tab.area.currentText() == "Toàn phường"
    assert [_cells(tab, r)[2] for r in range(tab.model.rowCount())] == ["Cho vay nặng lãi"]
    assert tab.kinds.item(0).text() == "Tin báo (1)"
    tab.area.setCurrentIndex(tab.area.findData(ward[0]))
    assert tab.model.rowCount() == 2
    tab.reload()  # keeps the filters
    assert tab.area.currentData() == ward[0] and tab.year.currentData() is None


def test_sort_by_header(qtbot, db, ward):
    acts = ActivityService(db)
    for n, area in ((12, ward[0]), (3, ward[1]), (30, None)):
        acts.save(Kind.PATROL, PatrolData(TODAY, area, n))
    tab = _tab(qtbot, db)
    _choose(tab, Kind.PATROL)
    header = tab.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(2) + 5, 5))
    assert [_cells(tab, r)[2] for r in range(3)] == ["3", "12", "30"]
    header.sectionClicked.emit(2)  # again: descending
    assert [_cells(tab, r)[2] for r in range(3)] == ["30", "12", "3"]


def test_edit_with_enter(qtbot, db, ward, when_modal):
    acts = ActivityService(db)
    acts.save(Kind.OUTREACH, OutreachData(TODAY, ward[0], OutreachKind.LOUDSPEAKER,
                                          "Phòng cháy chữa cháy"))
    tab = _tab(qtbot, db)
    _choose(tab, Kind.OUTREACH)
    tab.table.selectRow(0)
    tab.table.setFocus()

    def edit(dialog):
        assert dialog.topic.text() == "Phòng cháy chữa cháy"
        assert dialog.area.currentData() == ward[0]
        dialog.outreach_kind.set_value(OutreachKind.MEETING)
        dialog.attendance.setValue(85)
        _ok(qtbot, dialog)

    when_modal(edit)
    QTest.keyClick(tab.table, Qt.Key.Key_Return)
    assert _cells(tab)[2:4] == ["Họp dân, hội nghị", "85"]
    assert len(acts.rows(Kind.OUTREACH)) == 1


def test_delete_voids_with_a_reason(qtbot, db, ward, when_modal):
    """Issue 15: the delete action voids the record with a reason; it stays in the database,
    listed under "Đã hủy", and leaves the list and the counts."""
    acts = ActivityService(db)
    rid = acts.save(Kind.WEAPON, WeaponData(TODAY, ward[0], WeaponKind.KNIFE, 2,
                                            description="Mã tấu"))
    tab = _tab(qtbot, db)
    _choose(tab, Kind.WEAPON)
    tab.table.selectRow(0)
    tab.table.setFocus()
    seen = {}

    def cancel(dialog):
        seen["question"] = dialog.labelText()
        dialog.reject()

    when_modal(cancel)
    QTest.keyClick(tab.table, Qt.Key.Key_Delete)
    assert "Hủy lượt giao nộp vũ khí, vật liệu nổ ngày" in seen["question"]
    assert "dao, kiếm, vũ khí thô sơ 2 chiếc" in seen["question"]
    assert tab.model.rowCount() == 1

    def give_reason(dialog):
        dialog.setTextValue("Nhập trùng")
        dialog.accept()

    when_modal(give_reason)
    _click(qtbot, tab, "activitiesDelete")
    assert tab.model.rowCount() == 0 and acts.rows(Kind.WEAPON) == []
    assert tab.kinds.item(4).text() == "Thu hồi vũ khí, vật liệu nổ (0)"
    [(row, _at, reason)] = acts.voided(Kind.WEAPON)
    assert row.id == rid and reason == "Nhập trùng"


def test_models_are_ended_not_deleted(qtbot, db, ward, when_modal):
    acts = ActivityService(db)
    acts.save(Kind.MODEL, ModelData("Camera an ninh", ward[0], date(2020, 3, 1), 20))
    tab = _tab(qtbot, db)
    _choose(tab, Kind.MODEL)
    assert not tab.delete_button.isVisibleTo(tab) and tab.end_button.isVisibleTo(tab)
    assert not tab.end_button.isEnabled()
    tab.table.selectRow(0)
    tab.table.setFocus()
    assert tab.end_button.isEnabled()
    seen = {}

    def info(box):
        seen["info"] = box.text()
        box.accept()

    when_modal(info)
    QTest.keyClick(tab.table, Qt.Key.Key_Delete)
    assert "không xóa được" in seen["info"] and tab.model.rowCount() == 1

    def end(dialog):
        dialog.on.set_date(date(2019, 1, 1))
        _ok(qtbot, dialog)
        seen["error"] = _line(dialog, "endModelDate")
        dialog.on.set_date(TODAY)
        _ok(qtbot, dialog)

    when_modal(end)
    _click(qtbot, tab, "activitiesEndModel")
    assert seen["error"] == "không được trước ngày 01/03/2020."
    assert _cells(tab)[4] == f"Đã kết thúc {TODAY:%d/%m/%Y}"
    assert not tab.end_button.isEnabled()
    assert tab.count_label.text() == "1 mô hình · 0 đang duy trì · 0 thành viên"


def test_full_text_in_tooltip(qtbot, db, ward):
    ActivityService(db).save(Kind.TIP, TipData(TODAY, None, "Dòng một\nDòng hai",
                                               result_note="Đã chuyển Đội Cảnh sát hình sự"))
    tab = _tab(qtbot, db)
    assert _cells(tab)[2] == "Dòng một Dòng hai"
    assert tab.model.index(0, 2).data(Qt.ItemDataRole.ToolTipRole) == (
        "Dòng một\nDòng hai\nĐã chuyển Đội Cảnh sát hình sự")


def test_a_record_of_another_year_shows_once_saved(qtbot, db, ward, when_modal):
    service = ActivityService(db)
    service.save(Kind.TIP, TipData(received_on=date(2026, 3, 1), area_id=ward[0],
                                   content="Tin báo năm nay", result=TipResult.NO_RESULT),
                 today=TODAY)
    tab = _tab(qtbot, db)
    tab.year.setCurrentIndex(tab.year.findData(2026))
    assert tab.model.rowCount() == 1

    def fill(dialog):
        dialog.received.set_date(date(2025, 12, 20))  # last year's tip, entered late
        type_text(dialog.content, "Tin báo năm trước nhập bổ sung")
        dialog.tip_result.set_value(TipResult.NO_RESULT)
        _ok(qtbot, dialog)

    when_modal(fill)
    _click(qtbot, tab, "activitiesAdd")
    # the filters widen to show it, selected, instead of it seeming lost
    assert tab.year.currentData() is None and tab.model.rowCount() == 2
    shown = tab.model.row_of(tab.selected_id())
    assert _cells(tab, shown)[2] == "Tin báo năm trước nhập bổ sung"
