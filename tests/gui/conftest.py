import gc

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QLabel


@pytest.fixture(scope="session", autouse=True)
def collector_between_tests_only():
    """The cyclic collector runs only between GUI tests, in the GUI thread (see the teardown
    hook below), never in the middle of Qt's event delivery or on a worker thread: a cycle
    that holds a widget freed there crashed the suite now and then (docs/TESTING.md)."""
    was = gc.isenabled()
    gc.disable()
    yield
    if was:
        gc.enable()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    # pytest-qt closes the test's widgets next: a dialog left with typed input must not stop
    # the run with its "close without saving?" question (GuardedDialog)
    from antq_desktop.ui.widgets.dialogs import GuardedDialog

    for widget in QApplication.allWidgets():
        if isinstance(widget, GuardedDialog):
            widget._closing = True
    result = yield  # pytest-qt has closed the test's widgets
    gc.collect()
    return result


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
