"""Starting the program loads what the first tab needs and no more (docs/PERFORMANCE.md,
"Cold start"): no alembic on an up-to-date database, no openpyxl, docx or reportlab until an
export, and the list tabs read their data when first shown."""

import subprocess
import sys
from pathlib import Path

from antq_desktop.services.mediation import MediationService
from antq_desktop.ui.main_window import MainWindow
from antq_desktop.ui.widgets.lists import ListTab

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("alembic", "openpyxl", "docx", "reportlab", "mako",
         "vietnam_provinces")  # the official list of places: the unit's dialog loads it

# The program's own start (the command line, run_gui) with a hook at the main window: when it
# has been built and shown, print what is loaded and which list tabs have read, then close.
START = """
import sys
from PySide6.QtCore import QTimer
from antq_desktop import cli
from antq_desktop.ui import app as app_module

original = app_module.open_main_window

def open_main_window(*args, **kwargs):
    window = original(*args, **kwargs)
    def report():
        print("loaded:" + ",".join(m for m in {heavy!r} if m in sys.modules))
        print("read:" + ",".join(t.AREA for t in window.list_tabs() if not t.unread))
        print("current:" + window.tabs.currentWidget().objectName())
    QTimer.singleShot(0, report)
    return window

app_module.open_main_window = open_main_window
cli.main(["--db", {url!r}])
"""


def test_the_program_starts_without_alembic_openpyxl_or_the_hidden_tabs_data(db, ward):
    url = db.url
    if not url.startswith("sqlite"):
        return  # the same code path; the subprocess needs no server
    db.dispose()
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen",
           "ANTQ_QUIT_AFTER_MS": "0", "HOME": str(Path(url.removeprefix("sqlite:///")).parent),
           "XDG_CONFIG_HOME": str(Path(url.removeprefix("sqlite:///")).parent / "config")}
    done = subprocess.run([sys.executable, "-c", START.format(heavy=HEAVY, url=url)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = dict(line.split(":", 1) for line in done.stdout.splitlines() if ":" in line)
    assert lines["loaded"] == ""  # none of HEAVY
    assert lines["current"] == "overviewTab"
    assert lines["read"] == ""  # no list tab has read its data yet


def test_a_list_tab_reads_when_first_shown(qtbot, db, ward):
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    tabs = window.list_tabs()
    assert tabs and all(isinstance(t, ListTab) and t.unread for t in tabs)
    # the teams follow the areas from the start, though the mediation tab has not read yet
    assert len(MediationService(db).list_teams()) == len(ward)
    assert window.mediation_tab.team.count() == 0
    window.tabs.setCurrentWidget(window.mediation_tab)
    assert not window.mediation_tab.unread
    assert window.mediation_tab.team.count() == 1 + len(ward)  # "Mọi tổ" and one per area
    assert all(t.unread for t in tabs if t is not window.mediation_tab)
    assert window.households_tab.area.count() == 0
    window.show_tab(window.households_tab)
    assert window.households_tab.area.count() == 1 + len(ward)


def test_a_hidden_window_reads_a_tab_it_is_asked_for(qtbot, db, ward):
    window = MainWindow(db)
    qtbot.addWidget(window)  # never shown: a first show cannot do it
    assert window.show_tab(window.rehabilitation_tab) is True
    assert not window.rehabilitation_tab.unread
    assert window.rehabilitation_tab.area.count() == 1 + len(ward)
    assert window.show_tab(window.rehabilitation_tab) is False  # read once


def test_unread_tabs_are_left_for_their_first_show_when_the_lists_reload(qtbot, db, ward):
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentWidget(window.households_tab)
    calls = []
    for tab in window.list_tabs():
        tab.reload_all = (lambda t=tab: calls.append(t.AREA))
    window.reload_lists()
    assert calls == ["households"]


def test_the_status_counts_follow_the_first_paint(qtbot, db, ward, households):
    from tests.conftest import household

    households.save(household(ward[0]))
    window = MainWindow(db)
    qtbot.addWidget(window)
    assert window.unit_label.text() == "Phường Hoàn Kiếm, Thành phố Hà Nội"
    assert window.count_label.text() == ""  # not read while the window is built
    window.show()
    qtbot.waitUntil(lambda: "1 hộ · 1 nhân khẩu" in window.count_label.text(), timeout=3000)
