"""The Tổng quan tab in the main window: first tab, read in the background, cards showing the
year-end figures, and clicks on a card, a due item or a bar opening the filtered list."""

from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage

from antq_desktop.db.models import MediationCase, RehabCase
from antq_desktop.enums import CaseOrigin, CertCategory, MediationStatus, MediationType, Regime
from antq_desktop.services.households import Status
from antq_desktop.services.mediation import MediationService
from antq_desktop.services.rehabilitation import DueFilter
from antq_desktop.text import fold
from antq_desktop.ui.main_window import MainWindow
from tests.conftest import household, member
from tests.services.test_indicators import TODAY, records  # noqa: F401


@pytest.fixture
def window(qtbot, db, pin_today):
    pin_today(TODAY)

    def make():
        w = MainWindow(db)
        qtbot.addWidget(w)
        w.resize(1366, 768)
        return w
    return make


def _shown(qtbot, w, year=None):
    tab = w.overview_tab
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        w.show()
        if year is not None:
            tab.year.setCurrentIndex(tab.year.findData(year))
    return tab


def test_the_first_tab_loads_in_the_background(qtbot, db, records, window):  # noqa: F811
    w = window()
    assert w.tabs.widget(0) is w.overview_tab and w.tabs.tabText(0) == "Tổng quan"
    assert w.tabs.currentWidget().objectName() == "overviewTab"
    tab = w.overview_tab
    assert tab.year.currentData() == 2026  # this year by default
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        w.show()
        # the window is back before the figures: they arrive from the worker
        assert tab.data is None and tab.status.text() == "Đang tải số liệu…"
    assert tab.data.year == 2026
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        tab.year.setCurrentIndex(tab.year.findData(2025))
    card = tab.cards["tips_received"]
    assert card.value.text() == "6" and card.compare.text() == "Năm trước: 2"
    assert card.change.text() == "▲ +200 %"
    assert tab.cards["households_signed"].value.text() == "75 %"
    assert "Tổ dân phố số 2" in tab.cards["households_signed"].details.text()
    assert tab.panels["signup"].chart.data.bars[0].label == "Tổ dân phố số 1"
    tab.wait_idle()


def test_a_card_click_opens_the_tab_with_its_filter(qtbot, db, records, window):  # noqa: F811
    w = window()
    tab = _shown(qtbot, w, 2025)
    qtbot.mouseClick(tab.cards["households_signed"], Qt.MouseButton.LeftButton)
    households = w.households_tab
    assert w.tabs.currentWidget() is households
    assert households.year.value() == 2025 and households.sort_key == "signup"
    assert households.status.currentData() == Status.ACTIVE
    assert households.model.rowCount() == 4
    assert households.model.item(0).signed_on is None  # the one not signed up comes first
    assert households.model.item(3).signed_on is not None
    w.tabs.setCurrentWidget(tab)
    qtbot.mouseClick(tab.cards["mediation_received"], Qt.MouseButton.LeftButton)
    assert w.tabs.currentWidget() is w.mediation_tab
    assert w.mediation_tab.year.currentData() == 2025
    assert w.mediation_tab.count_label.text().startswith("5 vụ việc")


def test_a_due_item_click_opens_the_filtered_list(qtbot, db, ward, households, window):
    a1, a2 = ward
    h1 = households.save(household(a1, "HK000001", [member("Nguyễn Văn An", id_number=None)]))
    households.save(household(a2, "HK000002", [member("Trần Thị Bình", id_number=None)]))
    households.sign_up([h1], 2026, date(2026, 2, 1), today=TODAY)
    MediationService(db).ensure_teams()
    team = MediationService(db).list_teams()[0]
    with db.session.begin() as s:
        s.add(RehabCase(person_name="Lê Văn Tư", name_folded=fold("Lê Văn Tư"), area_id=a1,
                        regime=Regime.REINTEGRATION, start_date=date(2025, 5, 1)))
        s.add(MediationCase(team_id=team.id, received_on=date(2026, 11, 10),
                            origin=CaseOrigin.ASSIGNED, case_type=MediationType.CIVIL,
                            content="Tranh chấp", status=MediationStatus.IN_PROGRESS))
        s.add(MediationCase(team_id=team.id, received_on=date(2026, 11, 19),
                            origin=CaseOrigin.ASSIGNED, case_type=MediationType.CIVIL,
                            content="Tranh chấp", status=MediationStatus.IN_PROGRESS))
    w = window()
    tab = _shown(qtbot, w)
    items = {}
    for i in range(tab.due.count()):  # the first item of each kind
        items.setdefault(tab.due.item(i).data(Qt.ItemDataRole.UserRole).kind, tab.due.item(i))
    assert {"evaluation_overdue", "mediation_late", "signup", "team"} <= set(items)
    assert items["signup"].text() == ("⚠ 31/03/2026  Tổ dân phố số 2: 1 hộ chưa đăng ký xây "
                                      "dựng KDC an toàn năm 2026")

    def click(kind):
        w.tabs.setCurrentWidget(tab)
        rect = tab.due.visualItemRect(items[kind])
        qtbot.mouseClick(tab.due.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    click("mediation_late")
    mediation = w.mediation_tab
    assert w.tabs.currentWidget() is mediation and mediation.late_only.isChecked()
    assert mediation.model.rowCount() == 1  # the case of 10/11, not that of 19/11
    click("evaluation_overdue")
    rehab = w.rehabilitation_tab
    assert w.tabs.currentWidget() is rehab
    assert rehab.due.currentData() == DueFilter.OVERDUE and rehab.model.rowCount() == 1
    click("signup")
    hh = w.households_tab
    assert w.tabs.currentWidget() is hh and hh.area.currentData() == a2
    assert hh.model.rowCount() == 1
    click("team")
    assert w.tabs.currentWidget() is mediation and mediation.team.currentData() == team.id
    tab.backupRequested.disconnect()  # the window would back up now and show the result
    with qtbot.waitSignal(tab.backupRequested, timeout=1000):
        click("backup")


def test_a_bar_click_opens_the_tab_and_a_chart_saves(qtbot, db, records, window,  # noqa: F811
                                                     tmp_path):
    w = window()
    tab = _shown(qtbot, w, 2025)
    w.tabs.setCurrentWidget(tab)
    chart = tab.panels["certification"].chart
    chart.grab()  # painted once: the bars have their places
    rect = chart.bar_rect(1)  # Cơ quan
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=QPoint(int(rect.center().x()),
                                                                   int(rect.center().y())))
    cert = w.certification_tab
    assert w.tabs.currentWidget() is cert
    assert cert.category.value() is CertCategory.AGENCY and cert.current_year() == 2025
    png = tab.save_chart("months_tips", tmp_path / "tin-bao.png")
    image = QImage(str(png))
    assert not image.isNull() and image.width() >= 560
    pdf = tab.save_chart("signup", tmp_path / "dang-ky.pdf")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000


def test_a_failed_read_is_one_vietnamese_line(qtbot, db, ward, window, monkeypatch):
    w = window()

    def broken(*_a, **_k):
        raise RuntimeError("disk I/O error at /home/officer/antq.db")
    monkeypatch.setattr(w.overview_tab.service, "load", broken)
    tab = _shown(qtbot, w)
    assert tab.error.isVisible() and "/home" not in tab.error.text()
    assert tab.error.text() == "Không đọc được số liệu tổng quan. Hãy thử lại (F5)."
    monkeypatch.delattr(w.overview_tab.service, "load")  # the class's method again
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        qtbot.mouseClick(tab.refresh_button, Qt.MouseButton.LeftButton)
    assert not tab.error.isVisible() and tab.data is not None


def test_ctrl_f_from_the_overview_goes_to_the_households_search(qtbot, db, ward, window):
    w = window()
    tab = _shown(qtbot, w)
    assert w.tabs.currentWidget() is tab
    w.activateWindow()  # keyboard shortcuts go to the active window only
    qtbot.waitUntil(w.isActiveWindow)
    qtbot.keyClick(tab.due, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert w.tabs.currentWidget() is w.households_tab
    qtbot.keyClick(w.households_tab.search, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert w.tabs.currentWidget() is w.households_tab  # its own shortcut, not ambiguous
    assert w.households_tab.search.hasFocus()


def test_one_area_at_a_glance(qtbot, db, records, window):  # noqa: F811
    w = window()
    tab = _shown(qtbot, w, 2025)
    assert tab.area.itemText(0) == "Toàn phường" and tab.area.currentData() is None
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        tab.area.setCurrentIndex(tab.area.findData(records["A1"]))
    assert tab.data.area_id == records["A1"]
    assert tab.status.text().startswith("Tổ dân phố số 1: Năm 2025")
    assert tab.cards["tips_received"].value.text() == "3"
    qtbot.mouseClick(tab.cards["tips_received"], Qt.MouseButton.LeftButton)
    activities = w.activities_tab
    assert w.tabs.currentWidget() is activities
    assert activities.area.currentData() == records["A1"] and activities.year.currentData() == 2025
    assert activities.model.rowCount() == 3
