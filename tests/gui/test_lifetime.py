"""Qt objects made from Python are destroyed on the GUI thread (ui/widgets/lifetime.py): a
dialog when it closes, a worker's function and what it captured when its result is back, and
cycles only by the GUI thread's collector (docs/TESTING.md, "The crash after a save")."""

import gc
import threading

import shiboken6
from PySide6.QtCore import QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QPushButton, QWidget

from antq_desktop.gcpause import gc_paused
from antq_desktop.ui.widgets.lifetime import GuiThreadCollector, modal, run_modal
from antq_desktop.ui.widgets.worker import Worker
from tests.conftest import household, member


def _accept_soon(dialog: QDialog) -> None:
    QTimer.singleShot(0, dialog.accept)


def test_pyside_exec_leaves_a_parented_dialog_to_python(qtbot):
    """The reason for modal(): after exec() the parent no longer keeps the dialog's wrapper."""
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = QDialog(parent)
    assert not shiboken6.ownedByPython(dialog)
    _accept_soon(dialog)
    dialog.exec()
    assert shiboken6.ownedByPython(dialog) and dialog.parent() is parent


def test_a_modal_dialog_is_destroyed_when_its_block_ends(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = QDialog(parent)
    dialog.on_change = dialog.accept  # a cycle: only the collector would free it
    _accept_soon(dialog)
    with modal(dialog) as accepted:
        assert accepted and shiboken6.isValid(dialog)
    assert not shiboken6.isValid(dialog)
    assert parent.findChildren(QDialog) == []

    other = QDialog(parent)
    _accept_soon(other)
    assert run_modal(other) and not shiboken6.isValid(other)


def test_the_household_dialog_is_gone_once_its_save_is_confirmed(qtbot, db, households, ward,
                                                                   when_modal):
    from antq_desktop.ui.main_window import MainWindow

    households.save(household(ward[0], "HK000123", [member(id_number="")]))
    window = MainWindow(db)
    qtbot.addWidget(window)
    tab = window.households_tab
    window.show_tab(tab)  # a list reads its rows when first shown
    tab.table.selectRow(0)
    when_modal(lambda dialog: dialog.findChild(QPushButton, "householdSave").click())
    tab.edit_selected()
    assert window.statusBar().currentMessage() == "Đã lưu hộ HK000123."
    assert tab.findChildren(QDialog) == []  # destroyed here, not by a later collection


def test_a_workers_function_is_released_on_the_gui_thread(qtbot):
    freed_on = []

    class Captured:  # what a worker's closure holds: a dialog, a tab, a service
        def __del__(self):
            freed_on.append(threading.current_thread() is threading.main_thread())

    def work(_report, held=Captured()):
        return 42

    worker = Worker(work)
    results = []
    worker.signals.finished.connect(results.append)  # a plain function: no receiver object
    del work
    pool = QThreadPool()  # its own: the global one may still be busy with another test's work
    pool.start(worker)
    del worker  # as the tabs do: nothing keeps it but the pool
    # released by the GUI thread's own turn (and, for a cycle, its collector, run here as the
    # program's GuiThreadCollector does); generous for a loaded machine
    qtbot.waitUntil(lambda: bool(freed_on) or (gc.collect() < 0), timeout=15000)
    pool.waitForDone()
    assert results == [42]  # the signals object lived until its result was delivered
    assert freed_on == [True]


def test_the_collector_runs_on_the_gui_thread_and_waits_for_pauses(qtbot):
    assert not gc.isenabled()  # the session's collector (conftest) turned automatic ones off
    collector = GuiThreadCollector(QApplication.instance(), interval_ms=10_000)
    try:
        collected_on = []

        def note(phase, _info):
            if phase == "start":
                collected_on.append(threading.current_thread() is threading.main_thread())

        gc.callbacks.append(note)
        try:
            for _ in range(gc.get_threshold()[0] + 10):
                a, b = [], []
                a.append(b)
                b.append(a)  # garbage cycles: the count goes past the threshold
            with gc_paused():
                assert collector.collect() is None
            assert collector.collect() is not None
        finally:
            gc.callbacks.remove(note)
        assert collected_on and all(collected_on)
    finally:
        collector.timer.stop()
        shiboken6.delete(collector)
