"""Small dialogs of the households tab: a household (or one member) moving away, yearly sign-up."""

from __future__ import annotations

from datetime import date
from typing import Callable

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from ...services.unit import AreaInfo
from ..widgets.dialogs import FormDialog, fit_placeholder
from ..widgets.fields import DateField

# the window frame's icon and its minimise/close buttons, beside the title
TITLE_FRAME = 150
NARROWEST = 440


def fit_title(dialog: QWidget, narrowest: int = NARROWEST) -> None:
    """Make ``dialog`` wide enough for its whole title (a short form with a word-wrapped intro
    otherwise opens about 200 px wide, the title cut to "Đăng k… 2026"). The title is drawn in
    the frame's (often bold) font: a margin is allowed for it."""
    title = dialog.fontMetrics().horizontalAdvance(dialog.windowTitle())
    dialog.setMinimumWidth(min(max(narrowest, int(title * 1.15) + TITLE_FRAME), 1366 - 40))


class MoveAwayDialog(FormDialog):
    """``save(on, reason)`` records the move; a FieldError from it keeps the dialog open.

    For a household by default; ``title`` and ``intro`` make it a member's move out of a
    household (the household dialog's "Bỏ nhân khẩu" on a stored member)."""

    def __init__(self, household_text: str, save: Callable[[date, str], object],
                 parent: QWidget | None = None, *, title: str = "Hộ chuyển đi",
                 intro: str | None = None, on: date | None = None):
        super().__init__(title, intro if intro is not None else
                         f"Ghi {household_text} chuyển khỏi địa bàn. Hồ sơ của hộ vẫn được giữ "
                         "và xem được ở bộ lọc “Đã chuyển đi”.", parent)
        self.setObjectName("moveAwayDialog")
        self.on = DateField(self, on or date.today(), objectName="moveAwayDate")
        self.reason = QLineEdit(maxLength=300, objectName="moveAwayReason")
        self.reason.setPlaceholderText("Ví dụ: chuyển hộ khẩu về phường Bến Thành, TP Hồ Chí Minh")
        fit_placeholder(self.reason)
        # a household's rule names "Ngày hộ chuyển đi", a member's "Ngày chuyển đi": both here
        self.field_row("Ngày chuyển đi", "moved_out_on", self.on, "Ngày hộ chuyển đi")
        self.field_row("Lý do, nơi đến", "moved_out_reason", self.reason, "Lý do chuyển đi",
                       "Lý do hộ chuyển đi")
        self.finish_layout()
        fit_title(self)
        self.save = save

    def check(self) -> None:
        self.save(self.read_date(self.on, "Ngày chuyển đi"), self.reason.text())


class SignupDialog(FormDialog):
    """Sign-up date for the chosen households, or for every unsigned household of one area.

    ``save(on, area_id)`` records it (the service checks the date); its result is kept in
    ``result_value``, and a FieldError from it keeps the dialog open.
    """

    def __init__(self, year: int, intro: str, save: Callable[[date, int | None], object],
                 areas: list[AreaInfo] | None = None, parent: QWidget | None = None,
                 today: date | None = None):
        super().__init__(f"Đăng ký xây dựng khu dân cư “An toàn về ANTT” năm {year}", intro, parent)
        self.setObjectName("signupDialog")
        self.year = year
        self.area: QComboBox | None = None
        if areas is not None:
            self.area = QComboBox(objectName="signupArea")
            for a in areas:
                self.area.addItem(a.name, a.id)
            self.field_row("Khu dân cư", "area_id", self.area)
        today = today or date.today()
        default = today if today.year == year else date(year, 1, 15)
        self.on = DateField(self, default)
        self.on.setObjectName("signupDate")
        self.field_row("Ngày đăng ký", "signup", self.on)
        self.finish_layout()
        fit_title(self)
        self.save = save
        self.result_value = None

    def check(self) -> None:
        self.result_value = self.save(self.read_date(self.on, "Ngày đăng ký"), self.area_id())

    def area_id(self) -> int | None:
        return self.area.currentData() if self.area is not None else None
