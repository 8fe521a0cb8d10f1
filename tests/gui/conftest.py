import gc

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QLabel

from antq_desktop.ui.widgets.lifetime import collect_on_gui_thread


@pytest.fixture(scope="session", autouse=True)
def collector_on_the_gui_thread(qapp):
    """Python's cyclic collector as the program runs it (ui.app.make_app): never automatic, from a
    timer on the GUI thread only (ui/widgets/lifetime.py, docs/TESTING.md)."""
    was = gc.isenabled()
    collector = collect_on_gui_thread(qapp)
    yield
    collector.timer.stop()
    if was:
        gc.enable()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    # pytest-qt closes the test's widgets next: a dialog left with typed input must not stop
    # the run with its "close without saving?" question (GuardedDialog)
    from antq_desktop.ui.widgets.dialogs import GuardedDialog

    from antq_desktop.ui.login.lock import IdleLock

    for widget in QApplication.allWidgets():
        if isinstance(widget, GuardedDialog):
            widget._closing = True
    # and a signed-in window left open must not lock (a modal password prompt) ten minutes
    # later, in the middle of another test
    for window in QApplication.topLevelWidgets():
        for lock in window.findChildren(IdleLock):
            lock.stop()
            lock.timer.stop()
    return (yield)  # pytest-qt closes the test's widgets


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory, qapp):
    """Window sizes and column layouts go to a throw-away folder, not the tester's profile."""
    folder = tmp_path_factory.mktemp("settings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    qapp.setOrganizationName("ANTQ-tests")
    qapp.setApplicationName("ANTQ Desktop tests")
    yield
    # a test that started the program (run_gui → make_app) installed its Qt translation: the
    # next tests see Qt as it comes, as they expect
    translator = getattr(qapp, "_antq_translator", None)
    if translator is not None:
        qapp.removeTranslator(translator)
        qapp._antq_translator = None


@pytest.fixture
def when_modal(qtbot):
    """Run ``fn(dialog)`` on the next modal dialog that opens (the code under test calls exec())."""
    failures = []

    def arm(fn, timeout_ms=5000):
        def poll(left=timeout_ms):
            dialog = QApplication.activeModalWidget()
            if dialog is None:
                if left <= 0:
                    failures.append("no modal dialog opened")
                    return
                QTimer.singleShot(20, lambda: poll(left - 20))
                return
            try:
                fn(dialog)
            except BaseException as exc:  # keep the test from hanging on a blocked exec()
                failures.append(exc)
            if dialog.isVisible():
                texts = [w.text() for w in dialog.findChildren(QLabel) if w.text()]
                failures.append(AssertionError(f"dialog left open; it shows: {texts}"))
                dialog.done(0)  # not reject(): that may ask a question of its own

        QTimer.singleShot(0, poll)

    yield arm
    if failures:
        raise failures[0] if isinstance(failures[0], BaseException) else AssertionError(failures[0])


def type_text(widget, text: str) -> None:
    """Type like a keyboard would, Vietnamese letters included (QTest.keyClicks is ASCII-only)."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    widget.setFocus()
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown,
                                                     Qt.KeyboardModifier.NoModifier, ch))


@pytest.fixture
def layout_threads(monkeypatch) -> list:
    """One entry per PDF laid out (reports/printing.export_pdf): True when it ran on the main
    (GUI) thread, where Qt's text layout belongs."""
    import threading

    from antq_desktop.reports import printing as pdf_printing

    threads = []
    real = pdf_printing.export_pdf

    def export_pdf(doc, path):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(doc, path)

    monkeypatch.setattr(pdf_printing, "export_pdf", export_pdf)
    return threads
