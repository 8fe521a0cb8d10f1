"""Tệp → Nhật ký thao tác and Khóa sổ (issue 15)."""

from datetime import date

from openpyxl import load_workbook

from antq_desktop.enums import TipResult
from antq_desktop.services.activities import ActivityService, Kind, TipData
from antq_desktop.services.periods import SIGNUPS, PeriodService
from antq_desktop.services.unit import UnitService
from antq_desktop.ui.audit.dialog import AuditDialog
from antq_desktop.ui.audit.periods import PeriodsDialog

TODAY = date(2026, 3, 10)


def _texts(table, col):
    return [table.item(r, col).text() for r in range(table.rowCount())]


def test_the_trail_filters_and_exports(qtbot, db, ward, tmp_path):
    acts = ActivityService(db)
    rid = acts.save(Kind.TIP, TipData(date(2026, 3, 1), ward[0], "Tin báo số một", False,
                                      TipResult.PENDING, 0, ""), today=TODAY)
    acts.void(Kind.TIP, rid, "Nhập nhầm", today=TODAY)
    dialog = AuditDialog(db)  # the trail's times are the clock's: the default days match
    qtbot.addWidget(dialog)
    assert "Hủy" in _texts(dialog.table, 2) and "Thêm mới" in _texts(dialog.table, 2)
    assert ("Nội dung", "Tin báo số một") in zip(_texts(dialog.table, 5),
                                                 _texts(dialog.table, 7))
    dialog.action.setCurrentIndex(dialog.action.findData("void"))
    assert set(_texts(dialog.table, 2)) == {"Hủy"}
    assert ("Lý do hủy", "—", "Nhập nhầm") in zip(_texts(dialog.table, 5), _texts(dialog.table, 6),
                                                   _texts(dialog.table, 7))
    dialog.area.setCurrentIndex(dialog.area.findData("households"))
    assert dialog.table.rowCount() == 0
    dialog.area.setCurrentIndex(0)
    out = dialog.export(str(tmp_path / "nhat-ky"))
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert {r[3] for r in rows[1:]} == {"Hủy"}
    dialog.resize(1366, 768)
    dialog.grab().save("/tmp/audit-trail.png")


def test_periods_dialog_locks_and_reopens(qtbot, db, ward, when_modal):
    areas = UnitService(db).areas()
    dialog = PeriodsDialog(db, areas, today=TODAY, kind=SIGNUPS, year=2025)
    qtbot.addWidget(dialog)
    assert dialog.lock()
    assert _texts(dialog.table, 0) == ["Đăng ký hộ an toàn"]
    assert _texts(dialog.table, 5) == ["Đang khóa"]
    assert not dialog.lock() and "đã khóa sổ ngày" in dialog.error.text()
    dialog.table.selectRow(0)

    def answer(box):
        box.setTextValue("Lập lại báo cáo")
        box.accept()

    when_modal(answer)
    dialog.reopen()
    assert _texts(dialog.table, 5)[0].startswith("Đã mở lại")
    assert not PeriodService(db).locks()[0].active
    dialog.resize(1366, 768)
    dialog.grab().save("/tmp/audit-periods.png")
