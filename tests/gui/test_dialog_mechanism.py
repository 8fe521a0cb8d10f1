"""The dialog mechanism itself (ui/widgets/dialogs.py): FieldForm, the guard, fitting."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QLabel, QLineEdit

from antq_desktop.ui.widgets.dialogs import FormDialog
from antq_desktop.validation import ErrorList, FieldError, check_person_name

from .conftest import type_text
from .dialog_checks import (
    assert_esc_asks_only_after_an_edit,
    assert_fits,
    press_ctrl_enter,
    press_ctrl_s,
)


class NameDialog(FormDialog):
    """A two-field form whose rule is a pure function, as a service's ``*_errors()`` is."""

    def __init__(self, rows: int = 2):
        super().__init__("Thử", "")
        self.saved: list[str] = []
        self.name = self.field_row("Họ và tên", "full_name", QLineEdit(objectName="name"))
        self.place = self.field_row("Nơi ở", "place", QLineEdit(objectName="place"))
        for i in range(rows - 2):
            self.field_row(f"Ô {i}", f"extra{i}", QLineEdit(objectName=f"extra{i}"))
        self.finish_layout()

    def live_errors(self) -> list[FieldError]:
        errors = ErrorList()
        errors.add("Họ và tên", check_person_name(self.name.text()), "full_name")
        if not self.place.text().strip():
            errors.add("Nơi ở", "chưa nhập.")  # a rule that gives no key: the label binds it
        return errors

    def check(self) -> None:
        errors = self.live_errors()
        if errors:
            raise errors[0]
        self.saved.append(self.name.text())


def _line(dialog, name: str) -> QLabel:
    return dialog.findChild(QLabel, f"{name}Error")


def test_errors_show_under_their_field_as_you_type_and_clear_when_fixed(qtbot):
    d = NameDialog()
    qtbot.addWidget(d)
    d.show()
    type_text(d.name, "Lan3")
    qtbot.waitUntil(lambda: _line(d, "name").text() != "")
    assert "chữ số" in _line(d, "name").text()
    assert "b00020" in d.name.styleSheet()
    assert _line(d, "place").text() == ""  # not edited yet: not nagged
    height = d.place.mapTo(d, d.place.rect().topLeft()).y()
    d.name.clear()
    type_text(d.name, "Lan")
    qtbot.waitUntil(lambda: _line(d, "name").text() == "")
    assert d.name.styleSheet() == ""
    assert d.place.mapTo(d, d.place.rect().topLeft()).y() == height  # nothing jumped


def test_a_refused_save_marks_every_field_and_focuses_the_first(qtbot):
    d = NameDialog()
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    press_ctrl_enter(d)
    assert d.isVisible() and d.saved == []
    assert _line(d, "name").text() == "chưa nhập."
    assert _line(d, "place").text() == "chưa nhập."  # keyless rule, bound through its label
    assert d.focusWidget() is d.name
    assert "đánh dấu đỏ" in d.error.text()


def test_ctrl_enter_and_ctrl_s_save(qtbot):
    for press in (press_ctrl_enter, press_ctrl_s):
        d = NameDialog()
        qtbot.addWidget(d)
        d.show()
        qtbot.waitExposed(d)
        type_text(d.name, "Đặng Đức Anh")
        type_text(d.place, "Tổ 1")
        press(d)
        assert d.saved == ["Đặng Đức Anh"]
        assert not d.isVisible()


def test_esc_asks_only_after_an_edit(qtbot, when_modal):
    assert_esc_asks_only_after_an_edit(qtbot, when_modal, NameDialog,
                                       lambda d: type_text(d.name, "Lan"))


def test_a_long_form_scrolls_inside_the_screen(qtbot):
    d = NameDialog(rows=60)
    qtbot.addWidget(d)
    assert d.sizeHint().height() > 728  # it would not fit without its scroll area
    assert_fits(d)
    small = QRect(0, 0, 640, 480)
    assert_fits(d, small)


def test_field_error_key_is_stable_and_label_is_the_fallback():
    assert FieldError("Họ và tên", "x", key="full_name").ident == "full_name"
    assert FieldError("Họ và tên", "x").ident == "Họ và tên"
