"""The unit's setup: province and ward from the official list, document header lines, signer,
and the residential areas.

A GuardedDialog with a FieldForm (ui/widgets/dialogs.py): each field's error shows under it as
you type (services/unit.unit_errors), Esc asks before typed input is lost, Ctrl+S and
Ctrl+Enter save and close. The areas are saved at once, each by its own button."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .. import places
from ..services.unit import (
    UnitInfo,
    UnitService,
    default_recipients,
    recipient_lines,
    unit_errors,
)
from ..validation import FieldError
from .widgets import messages
from .widgets.dialogs import FieldForm, GuardedDialog, button_row, error_label
from .widgets.place_picker import PlacePicker


WARD_NOT_PICKED = FieldError("Phường/xã", "hãy chọn một đơn vị trong danh sách.", key="ward_code")


class UnitDialog(GuardedDialog):
    def __init__(self, units: UnitService, first_start: bool = False,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("unitDialog")
        self.units = units
        self.setWindowTitle("Thiết lập đơn vị" if first_start else "Thông tin đơn vị và khu dân cư")
        info = units.get()
        self.version = info.version if info else None  # the unit's, read as the dialog opened
        self._auto_headers = info is None
        self._auto_recipients = True  # follow the chosen ward until the user edits them
        self._filling = False

        self.province = PlacePicker(objectName="unitProvince")  # "da nang" finds Đà Nẵng
        for p in places.provinces():
            self.province.addItem(p.name, p.code)
        self.ward = PlacePicker(objectName="unitWard")
        self.header_superior = QLineEdit(objectName="unitHeaderSuperior", maxLength=200)
        self.header_issuer = QLineEdit(objectName="unitHeaderIssuer", maxLength=200)
        self.place_name = QLineEdit(objectName="unitPlaceName", maxLength=100)
        self.place_name.setToolTip("Địa danh ghi trước ngày tháng: “Phường X, ngày … tháng … năm …”")
        self.commander_title = QLineEdit(objectName="unitCommanderTitle", maxLength=200)
        self.commander_title.setPlaceholderText("Ví dụ: TRƯỞNG CÔNG AN PHƯỜNG")
        self.commander_name = QLineEdit(objectName="unitCommanderName", maxLength=100)
        self.recipients = QPlainTextEdit(objectName="unitRecipients")
        self.recipients.setTabChangesFocus(True)
        self.recipients.setToolTip("Nơi nhận ghi cuối văn bản, mỗi dòng một nơi; để trống: "
                                   "theo tên tỉnh và phường đã chọn")
        self.recipients.setFixedHeight(self.recipients.fontMetrics().lineSpacing() * 4 + 12)
        for w in (self.header_superior, self.header_issuer, self.place_name):
            w.textEdited.connect(self._headers_edited)
        self.recipients.textChanged.connect(self._recipients_edited)

        self.error = error_label("unitError")
        self.field_form = ff = FieldForm(self.live_errors, self.error)
        unit_box = QGroupBox("Đơn vị")
        form = QFormLayout(unit_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(2)
        if first_start:
            form.addRow(QLabel("Chào mừng đến với ANTQ Desktop. Hãy chọn đơn vị của mình; các "
                               "thông tin này in trên đầu và cuối mọi văn bản, sửa lại được trong "
                               "Tệp → Thông tin đơn vị.", wordWrap=True))
        for label, key, widget, aliases in (
                ("Tỉnh/thành phố", "province_name", self.province, ("province_code",)),
                ("Phường/xã/đặc khu", "ward_code", self.ward, ("ward_name", "Phường/xã")),
                ("Dòng cơ quan cấp trên", "header_superior", self.header_superior, ()),
                ("Dòng cơ quan ban hành", "header_issuer", self.header_issuer, ()),
                ("Địa danh ghi ngày tháng", "place_name", self.place_name, ("Địa danh",)),
                ("Chức danh người ký", "commander_title", self.commander_title, ()),
                ("Họ tên người ký", "commander_name", self.commander_name, ()),
                ("Nơi nhận", "recipients", self.recipients, ())):
            text = QLabel(label + ":")
            text.setBuddy(widget)
            form.addRow(text, ff.add(key, widget, label, *aliases))
        ff.watch(self.ward.lineEdit(), "ward_code")  # a ward typed, not picked

        self.area_list = QListWidget(objectName="unitAreas")
        self.area_add = QPushButton("Thêm khu…", objectName="unitAreaAdd")
        self.area_rename = QPushButton("Đổi tên…", objectName="unitAreaRename")
        self.area_retire = QPushButton("Thôi sử dụng", objectName="unitAreaRetire")
        area_box = QGroupBox("Khu dân cư (tổ dân phố, thôn, ấp…) — lưu ngay khi thay đổi")
        area_buttons = QVBoxLayout()
        for b in (self.area_add, self.area_rename, self.area_retire):
            area_buttons.addWidget(b)
        area_buttons.addStretch(1)
        area_layout = QHBoxLayout(area_box)
        area_layout.addWidget(self.area_list, 1)
        area_layout.addLayout(area_buttons)
        self.area_add.clicked.connect(self.add_area)
        self.area_rename.clicked.connect(self.rename_area)
        self.area_retire.clicked.connect(self.toggle_retired)
        self.area_list.itemDoubleClicked.connect(lambda _i: self.rename_area())
        self.area_list.currentRowChanged.connect(lambda _r: self._update_area_buttons())

        buttons = button_row("&Lưu", self.save, self.reject, "unitSave",
                             "Thoát" if first_start else "Hủy")

        layout = QVBoxLayout(self)
        layout.addWidget(unit_box)
        layout.addWidget(area_box, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(640, 680)

        self.province.currentIndexChanged.connect(self._province_changed)
        self.ward.currentIndexChanged.connect(lambda _i: self._fill_headers())
        if info is not None:
            self.province.setCurrentIndex(self.province.findData(info.province_code))
            self._province_changed()
            self.ward.setCurrentIndex(self.ward.findData(info.ward_code))
            self.header_superior.setText(info.header_superior)
            self.header_issuer.setText(info.header_issuer)
            self.place_name.setText(info.place_name)
            self.commander_title.setText(info.commander_title)
            self.commander_name.setText(info.commander_name)
            self._set_recipients(info.recipients)
            self._auto_recipients = tuple(info.recipients) == default_recipients(info)
        else:
            self.province.setCurrentIndex(0)
            self._province_changed()
            self.commander_title.setText("TRƯỞNG CÔNG AN PHƯỜNG")
        self.reload_areas()

    # -- unit ---------------------------------------------------------------------------------
    def _headers_edited(self) -> None:
        self._auto_headers = False

    def _recipients_edited(self) -> None:
        if not self._filling:
            self._auto_recipients = False

    def _set_recipients(self, lines) -> None:
        self._filling = True
        self.recipients.setPlainText("\n".join(lines))
        self._filling = False

    def _chosen_info(self, recipients: tuple[str, ...] = ()) -> UnitInfo:
        return UnitInfo(
            province_code=self.province.currentData(), province_name=self.province.currentText(),
            ward_code=self.ward.currentData(), ward_name=self.ward.currentText(),
            header_superior=self.header_superior.text(), header_issuer=self.header_issuer.text(),
            place_name=self.place_name.text(), commander_name=self.commander_name.text(),
            commander_title=self.commander_title.text(), recipients=recipients,
        )

    def _province_changed(self, *_args) -> None:
        code = self.province.currentData()
        self.ward.blockSignals(True)
        self.ward.clear()
        for w in places.wards(code) if code is not None else []:
            self.ward.addItem(w.name, w.code)
        self.ward.blockSignals(False)
        self._fill_headers()

    def _fill_headers(self) -> None:
        if self._auto_recipients and self.ward.currentData() is not None:
            self._set_recipients(default_recipients(self._chosen_info()))
        if not self._auto_headers or self.ward.currentData() is None:
            return
        p = places.province(self.province.currentData())
        w = places.ward(p.code, self.ward.currentData())
        superior, issuer = places.default_headers(p, w)
        self.header_superior.setText(superior)
        self.header_issuer.setText(issuer)
        self.place_name.setText(w.name)
        self.commander_title.setText(f"TRƯỞNG CÔNG AN {w.kind.upper()}")

    def _ward_picked(self) -> bool:
        return self.ward.currentData() is not None and self.ward.currentText() == \
            self.ward.itemText(self.ward.currentIndex())

    def live_errors(self) -> list[FieldError]:
        """services/unit.unit_errors on what is typed now (a ward typed but not picked from
        the list is the dialog's own check)."""
        found = unit_errors(self._chosen_info(recipient_lines(self.recipients.toPlainText())))
        if not self._ward_picked():
            found = [WARD_NOT_PICKED] + [e for e in found if e.key != "ward_code"]
        return found

    def _refused(self, err: FieldError) -> None:
        self.field_form.show([err])
        self.error.setText(str(err))

    def save(self) -> None:
        if not self._ward_picked():
            self._refused(WARD_NOT_PICKED)
            return
        info = self._chosen_info(recipient_lines(self.recipients.toPlainText()))
        info.version = self.version
        try:
            self.units.save(info)
        except FieldError as err:
            self._refused(err)
            return
        self.accept()

    # -- areas --------------------------------------------------------------------------------
    def reload_areas(self, select_id: int | None = None) -> None:
        self.area_list.clear()
        for a in self.units.areas(include_retired=True):
            text = a.name + (f" — {a.household_count} hộ" if a.household_count else "")
            if not a.active:
                text += f" (thôi sử dụng từ {a.retired_on:%d/%m/%Y})"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, a)
            if not a.active:
                item.setForeground(Qt.GlobalColor.gray)
            self.area_list.addItem(item)
            if a.id == select_id:
                self.area_list.setCurrentItem(item)
        self._update_area_buttons()

    def _current_area(self):
        item = self.area_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _update_area_buttons(self) -> None:
        area = self._current_area()
        self.area_rename.setEnabled(area is not None)
        self.area_retire.setEnabled(area is not None)
        self.area_retire.setText("Dùng lại" if area is not None and not area.active
                                 else "Thôi sử dụng")

    def add_area(self, name: str | None = None) -> None:
        if not name:
            name, ok = QInputDialog.getText(self, "Thêm khu dân cư",
                                            "Tên khu dân cư (ví dụ: Tổ dân phố số 5):")
            if not ok:
                return
        try:
            area_id = self.units.add_area(name)
        except FieldError as err:
            messages.error(self, str(err))
            return
        self.reload_areas(area_id)

    def rename_area(self) -> None:
        area = self._current_area()
        if area is None:
            return
        name, ok = QInputDialog.getText(self, "Đổi tên khu dân cư", "Tên mới:", text=area.name)
        if not ok:
            return
        try:
            self.units.rename_area(area.id, name, area.version)
        except FieldError as err:
            messages.error(self, str(err))
            return
        self.reload_areas(area.id)

    def toggle_retired(self) -> None:
        area = self._current_area()
        if area is None:
            return
        try:
            if area.active:
                if not messages.confirm(self, f"Thôi sử dụng “{area.name}”? Hồ sơ cũ của khu vẫn "
                                              "được giữ; có thể dùng lại sau."):
                    return
                self.units.retire_area(area.id)
            else:
                self.units.restore_area(area.id)
        except FieldError as err:
            messages.error(self, str(err))
            return
        self.reload_areas(area.id)
