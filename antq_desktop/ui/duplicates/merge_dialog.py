"""Merge two records of one person: both side by side, the differing fields marked, the officer
picks each value; a confirmation, then one transaction (services.duplicates.merge)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QGroupBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ...services.duplicates import DuplicateService, MergePreview
from ...validation import FieldError
from ..widgets import messages
from ..widgets.dialogs import RememberedDialog, button_row, error_label

DIFFERS_STYLE = "background: #fff4d6;"


def _links_text(cases: int, parties: int) -> str:
    parts = []
    if cases:
        parts.append(f"{cases} hồ sơ quản lý, giúp đỡ")
    if parties:
        parts.append(f"{parties} lần là một bên hòa giải")
    return ", ".join(parts) or "không có hồ sơ liên quan"


class MergeDialog(RememberedDialog):
    """``MergeDialog(service, a_id, b_id)``; ``merge_id`` is set after a merge."""

    def __init__(self, service: DuplicateService, a_id: int, b_id: int,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mergeDialog")
        self.setWindowTitle("Gộp hai hồ sơ của cùng một người")
        self.service = service
        self.merge_id: int | None = None
        self.preview: MergePreview = service.preview(a_id, b_id)
        p = self.preview
        self.ids = (p.a.id, p.b.id)

        keep_box = QGroupBox("Giữ lại hồ sơ")
        keep_layout = QVBoxLayout(keep_box)
        self.keep_a = QRadioButton(f"Thứ nhất: {p.a.full_name} (hộ {p.a.household_code})",
                                   objectName="mergeKeepA")
        self.keep_b = QRadioButton(f"Thứ hai: {p.b.full_name} (hộ {p.b.household_code})",
                                   objectName="mergeKeepB")
        self.keep_a.setChecked(True)
        keep_layout.addWidget(self.keep_a)
        keep_layout.addWidget(self.keep_b)
        keep_layout.addWidget(QLabel(
            "Hồ sơ kia không bị xóa: được đánh dấu “đã gộp vào …”, không còn được tính ở danh "
            "sách, số liệu và báo cáo. Các hồ sơ quản lý, giúp đỡ và các vụ hòa giải của người "
            "đó chuyển sang hồ sơ được giữ lại. Có thể hoàn tác.", wordWrap=True))

        grid_box = QGroupBox("Chọn giá trị đúng cho từng thông tin (dòng tô màu: hai hồ sơ khác "
                             "nhau)")
        grid = QGridLayout(grid_box)
        grid.addWidget(QLabel("<b>Thông tin</b>"), 0, 0)
        grid.addWidget(QLabel("<b>Hồ sơ thứ nhất</b>"), 0, 1)
        grid.addWidget(QLabel("<b>Hồ sơ thứ hai</b>"), 0, 2)
        self.choices: dict[str, tuple[QRadioButton, QRadioButton]] = {}
        for row, f in enumerate(p.fields, start=1):
            label = QLabel(f.label + ":")
            a = QRadioButton(f.a_text or "(trống)", objectName=f"merge_{f.key}_a")
            b = QRadioButton(f.b_text or "(trống)", objectName=f"merge_{f.key}_b")
            group = QButtonGroup(self)
            group.addButton(a)
            group.addButton(b)
            a.setChecked(True)
            if f.differs:
                for w in (label, a, b):
                    w.setStyleSheet(DIFFERS_STYLE)
                label.setText(f"<b>{f.label}:</b>")
            else:
                b.setEnabled(False)
            grid.addWidget(label, row, 0)
            grid.addWidget(a, row, 1)
            grid.addWidget(b, row, 2)
            self.choices[f.key] = (a, b)
        links = len(p.fields) + 1
        grid.addWidget(QLabel("Liên quan:"), links, 0)
        grid.addWidget(QLabel(_links_text(*p.links[p.a.id])), links, 1)
        grid.addWidget(QLabel(_links_text(*p.links[p.b.id])), links, 2)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        self.keep_b.toggled.connect(self._keep_changed)

        self.error = error_label("mergeError", bold=True)
        buttons = button_row("&Gộp…", self.do_merge, self.reject, "mergeOk")
        layout = QVBoxLayout(self)
        layout.addWidget(keep_box)
        layout.addWidget(grid_box, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.remember_size("mergeDialog", 900, 560)

    def _keep_changed(self, keep_b: bool) -> None:
        """Picking the other record to keep starts from its own values."""
        for a, b in self.choices.values():
            (b if keep_b and b.isEnabled() else a).setChecked(True)

    def keep_drop(self) -> tuple[int, int]:
        a, b = self.ids
        return (b, a) if self.keep_b.isChecked() else (a, b)

    def take(self) -> dict[str, int]:
        a, b = self.ids
        return {key: (b if rb.isChecked() else a) for key, (_ra, rb) in self.choices.items()}

    def summary(self) -> str:
        keep, _drop = self.keep_drop()
        p = self.preview
        kept = p.a if keep == p.a.id else p.b
        gone = p.b if keep == p.a.id else p.a
        return (f"Gộp hồ sơ “{gone.full_name}” (hộ {gone.household_code}) vào hồ sơ "
                f"“{kept.full_name}” (hộ {kept.household_code})? Hồ sơ “{gone.full_name}” sẽ "
                "được đánh dấu đã gộp; có thể hoàn tác ở thẻ “Đã gộp”.")

    def do_merge(self, confirmed: bool = False) -> None:
        if not confirmed and not messages.confirm(self, self.summary(), "Xác nhận gộp"):
            return
        keep, drop = self.keep_drop()
        try:
            self.merge_id = self.service.merge(keep, drop, self.take())
        except FieldError as err:
            self.error.setText(f"Chưa gộp. {err}")
            return
        self.accept()
