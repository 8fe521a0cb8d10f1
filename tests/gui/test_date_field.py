"""Date fields take the short ways of typing a date and have a calendar button."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt

from antq_desktop.ui.widgets.fields import DateField, expand_date, full_year
from tests.gui.conftest import type_text

TODAY = date(2026, 4, 10)


@pytest.mark.parametrize("typed, expected", [
    ("15031985", "15/03/1985"), ("150385", "15/03/1985"), ("15/3/85", "15/03/1985"),
    ("15/3/1985", "15/03/1985"), ("1.2.2001", "01/02/2001"), ("5-6-07", "05/06/2007"),
    (" 15 3 85 ", "15/03/1985"), ("15/03/1985", "15/03/1985"),
    ("31021985", "31021985"), ("1503", "1503"), ("abc", "abc"), ("", ""),
])
def test_short_dates_are_written_in_full(typed, expected):
    assert expand_date(typed, today=TODAY) == expected


def test_two_digit_years_reach_a_few_years_ahead_and_birth_dates_none():
    assert full_year(30, TODAY) == 2030 and full_year(31, TODAY) == 2031
    assert full_year(32, TODAY) == 1932 and full_year(85, TODAY) == 1985
    assert full_year(26, TODAY, past=True) == 2026 and full_year(27, TODAY, past=True) == 1927
    assert full_year(0, TODAY) == 2000 and full_year(99, TODAY) == 1999


def test_the_field_writes_the_date_in_full_when_left(qtbot, pin_today):
    pin_today(TODAY)
    field = DateField(objectName="memberBirthDate")  # a birth date: never in the future
    qtbot.addWidget(field)
    assert field.past
    type_text(field, "1503 28".replace(" ", ""))
    assert field.date() == date(1928, 3, 15)  # read before leaving: the same date
    field.editingFinished.emit()
    assert field.text() == "15/03/1928"
    field.undo()
    assert field.text() == "150328"  # an ordinary edit: Ctrl+Z brings the typing back
    other = DateField(objectName="modelEnded")
    qtbot.addWidget(other)
    type_text(other, "1/1/28")
    qtbot.keyClick(other, Qt.Key.Key_Return)
    assert other.text() == "01/01/2028"


def test_an_impossible_date_is_left_for_the_message(qtbot):
    field = DateField()
    qtbot.addWidget(field)
    type_text(field, "31022024")
    field.editingFinished.emit()
    assert field.text() == "31022024"
    with pytest.raises(ValueError):
        field.date()


def test_the_calendar_button_picks_a_day(qtbot, pin_today):
    pin_today(TODAY)
    field = DateField(value=date(1985, 3, 15))
    qtbot.addWidget(field)
    field.show()
    button = [a for a in field.actions() if a.objectName() == "dateCalendarButton"]
    assert button and button[0].toolTip().startswith("Chọn ngày")
    edited = []
    field.textEdited.connect(edited.append)
    button[0].trigger()
    popup = field._popup
    assert popup.isVisible()
    assert popup.calendar.selectedDate() == QDate(1985, 3, 15)  # opens on the typed date
    assert popup.calendar.locale().language().name == "Vietnamese"
    popup.calendar.setSelectedDate(QDate(1985, 4, 2))
    popup.calendar.activated.emit(QDate(1985, 4, 2))
    assert not popup.isVisible()
    assert field.text() == "02/04/1985" and field.date() == date(1985, 4, 2)
    assert edited == ["02/04/1985"]  # the dialog sees an edit (unsaved changes, validation)
    field.clear()
    qtbot.keyClick(field, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert field._popup.isVisible()
    assert field._popup.calendar.selectedDate() == QDate(2026, 4, 10)  # empty: today
