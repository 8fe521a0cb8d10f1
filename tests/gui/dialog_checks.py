"""Checks every data-entry dialog must pass (issue 14), shared by the per-area dialog tests.

- ``assert_fits(dialog)``: opened on the office screen (1366×768 less a 40 px task bar) the
  dialog is inside it and its buttons are in view, not scrolled or cut off;
- ``assert_esc_asks_only_after_an_edit(qtbot, when_modal, make, edit)``: Esc closes an untouched
  dialog at once; after ``edit(dialog)`` it asks, "Hủy" keeps the dialog and the typed text,
  "Đóng, không lưu" closes it;
- ``press_ctrl_enter(dialog)`` / ``press_ctrl_s(dialog)``: the keyboard saves.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialogButtonBox, QMessageBox

from antq_desktop.ui.widgets.dialogs import fit_into, input_snapshot

OFFICE_SCREEN = QRect(0, 0, 1366, 768 - 40)


def assert_fits(dialog, area: QRect = OFFICE_SCREEN) -> None:
    dialog.show()
    QApplication.processEvents()
    fit_into(dialog, area)
    QApplication.processEvents()
    hint = dialog.minimumSizeHint()
    assert hint.width() <= area.width() and hint.height() <= area.height(), (
        f"{type(dialog).__name__} cannot shrink to the screen: it needs {hint.width()}×{hint.height()}")
    assert dialog.width() <= area.width() and dialog.height() <= area.height(), (
        f"{type(dialog).__name__} is {dialog.width()}×{dialog.height()}")
    assert area.contains(dialog.frameGeometry()), (type(dialog).__name__, dialog.frameGeometry())
    for box in dialog.findChildren(QDialogButtonBox):
        for button in box.buttons():
            if not button.isVisible():
                continue
            top_left = button.mapTo(dialog, button.rect().topLeft())
            bottom_right = button.mapTo(dialog, button.rect().bottomRight())
            assert dialog.rect().contains(top_left) and dialog.rect().contains(bottom_right), (
                f"{type(dialog).__name__}: button {button.text()!r} is outside the window")
            wanted = button.fontMetrics().horizontalAdvance(button.text().replace("&", ""))
            assert button.width() >= wanted, f"button {button.text()!r} is cut off"
    title_room = area.width() - 120  # the close/minimise buttons of the window frame
    assert dialog.fontMetrics().horizontalAdvance(dialog.windowTitle()) <= max(
        dialog.width(), title_room), f"title {dialog.windowTitle()!r} is cut off"


def _button(box: QMessageBox, text: str) -> QAbstractButton:
    for b in box.buttons():
        if b.text().replace("&", "") == text:
            return b
    raise AssertionError(f"no button {text!r} in {[b.text() for b in box.buttons()]}")


def assert_esc_asks_only_after_an_edit(qtbot, when_modal, make, edit) -> None:
    """``make()`` opens a fresh dialog (not shown); ``edit(dialog)`` changes one field."""
    untouched = make()
    qtbot.addWidget(untouched)
    untouched.show()
    qtbot.waitExposed(untouched)
    QTest.keyClick(untouched, Qt.Key.Key_Escape)
    assert not untouched.isVisible(), f"{type(untouched).__name__} asked with nothing typed"

    dialog = make()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    edit(dialog)
    typed = input_snapshot(dialog)
    asked = []

    def stay(box):
        asked.append(box.text())
        _button(box, "Hủy").click()

    when_modal(stay)
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: bool(asked), timeout=3000)
    assert dialog.isVisible(), "Hủy closed the dialog"
    assert input_snapshot(dialog) == typed, "Hủy lost what was typed"

    def leave(box):
        _button(box, "Đóng, không lưu").click()

    when_modal(leave)
    dialog.close()  # the window's close button asks the same question
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)


def _activate(dialog) -> None:
    dialog.activateWindow()
    QApplication.processEvents()


def press_ctrl_enter(dialog) -> None:
    _activate(dialog)
    QTest.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return,
                   Qt.KeyboardModifier.ControlModifier)


def press_ctrl_s(dialog) -> None:
    _activate(dialog)
    QTest.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_S,
                   Qt.KeyboardModifier.ControlModifier)
