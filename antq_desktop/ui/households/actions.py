"""Small dialogs of the households tab: a household moving away, yearly sign-up."""

from __future__ import annotations

from datetime import date
from typing import Callable

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from ...services.unit import AreaInfo
from ..widgets.dialogs import FormDialog
from ..widgets.fields import DateField


class MoveAwayDialog(FormDialog):
    """``save(on, reason)`` records the move; a FieldError from it keeps the dialog open."""

    def __init__(self, household_text: str, save: Callable[[date, str], object],
                 parent: QWidget | None = None):
        super().__init__("Hộ chuyển đi",
                         f"Ghi {household_text} chuyển khỏi địa bàn. Hồ sơ của hộ vẫn được giữ "
                         "và xem được ở bộ lọc “Đã chuyển đi”.", parent)
        self.on = DateField(self, date.today())
        self.reason = QLineEdit(maxLength=300)
        self.reason.setPlaceholderText("Ví dụ: chuyển hộ khẩu về phường Bến Thành, TP Hồ Chí Minh")
        self.form.addRow("Ngày chuyển đi:", self.on)
        self.form.addRow("Lý do, nơi đến:", self.reason)
        self.finish_layout()
        self.save = save

    def check(self) -> None:
        self.save(self.read_date(self.on, "Ngày chuyển đi"), self.reason.text())


class SignupDialog(FormDialog):
    """Sign-up date for the chosen households, or for every unsigned household of one area.

    ``save(on, area_id)`` records it (the service checks the date); its result is kept in
    ``result_value``, and a FieldError from it keeps the dialog open.
    """

    def __init__(self, year: int, intro: str, save: Callable[[date, int | None], object],
                 areas: list[AreaInfo] | None = None, parent: QWidget | None = None):
        super().__init__(f"Đăng ký xây dựng khu dân cư “An toàn về ANTT” năm {year}", intro, parent)
        self.year = year
        self.area: QComboBox | None = None
        if areas is not None:
            self.area = QComboBox(objectName="signupArea")
            for a in areas:
                self.area.addItem(a.name, a.id)
            self.form.addRow("Khu dân cư:", self.area)
        default = date.today() if date.today().year == year else date(year, 1, 15)
        self.on = DateField(self, default)
        self.on.setObjectName("signupDate")
        self.form.addRow("Ngày đăng ký:", self.on)
        self.finish_layout()
        self.save = save
        self.result_value = None

    def check(self) -> None:
        self.result_value = self.save(self.read_date(self.on, "Ngày đăng ký"), self.area_id())

    def area_id(self) -> int | None:
        return self.area.currentData() if self.area is not None else None
