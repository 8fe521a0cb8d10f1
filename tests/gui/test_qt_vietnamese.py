"""Qt's own texts (standard buttons, the text fields' menu, the file, print and print-preview
dialogs) are in Vietnamese once the program's translation is installed (ui.app.make_app).

A text counts as English when it is one of the English source strings of the translation file
(accelerator marks removed) whose Vietnamese differs: without the translation every one of these
widgets shows such strings ("OK", "&Undo", "File &name:", "Zoom in"…)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

from antq_desktop.config import resources_dir
from antq_desktop.ui import app as app_module

TS = resources_dir() / "translations" / "qt_vi.ts"


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip()


def _english() -> set[str]:
    words = set()
    for message in ET.parse(TS).getroot().iter("message"):
        source = message.findtext("source") or ""
        if _plain(source) != _plain(message.findtext("translation") or ""):
            words.add(_plain(source))
    return words - {""}


ENGLISH = _english()


@pytest.fixture
def vietnamese(qapp):
    assert app_module.install_qt_translation(qapp)
    yield
    qapp.removeTranslator(qapp._antq_translator)  # other tests see Qt as it comes
    qapp._antq_translator = None


def _texts(widget: QWidget) -> list[str]:
    """Every text a person can see or hover on in ``widget``: labels, buttons, actions and their
    tool tips, combo items, item-view headers, the window title."""
    out = [widget.windowTitle()]
    for child in [widget, *widget.findChildren(QWidget)]:
        if isinstance(child, (QLabel, QAbstractButton)):
            out.append(child.text())
        out.append(child.toolTip())
        for action in child.actions():
            out += [action.text(), action.toolTip(), action.iconText()]
        if isinstance(child, QComboBox):
            out += [child.itemText(i) for i in range(child.count())]
        if isinstance(child, QAbstractItemView) and child.model() is not None:
            model = child.model()
            out += [str(model.headerData(c, _horizontal()) or "")
                    for c in range(model.columnCount())]
    return [_plain(t) for t in out if t]


def _horizontal():
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal


def _english_in(texts: list[str]) -> list[str]:
    return sorted({t for t in texts if t in ENGLISH})


def test_the_translation_file_is_built_from_its_source(tmp_path):
    """The committed .qm is what lrelease makes of the .ts (a change to the .ts was rebuilt)."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    lrelease = shutil.which("pyside6-lrelease") or str(Path(sys.executable).parent /
                                                        "pyside6-lrelease")
    if not Path(lrelease).exists():
        pytest.skip("pyside6-lrelease is not installed")
    built = tmp_path / "qt_vi.qm"
    subprocess.run([lrelease, "-silent", str(TS), "-qm", str(built)], check=True, timeout=60)
    assert built.read_bytes() == (TS.parent / "qt_vi.qm").read_bytes(), \
        "run: pyside6-lrelease antq_desktop/resources/translations/qt_vi.ts"


def test_without_the_translation_the_check_sees_english(qapp, qtbot):
    box = QMessageBox(QMessageBox.Icon.Question, "ANTQ", "?",
                      QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert {"OK", "Cancel"} <= set(_english_in(_texts(box)))


def test_message_box_buttons(vietnamese, qtbot):
    box = QMessageBox(QMessageBox.Icon.Question, "ANTQ", "Xóa?",
                      QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel
                      | QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
                      | QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                      | QMessageBox.StandardButton.Close)
    box.setDetailedText("chi tiết")
    qtbot.addWidget(box)
    box.show()
    texts = _texts(box)
    assert _english_in(texts) == []
    assert {"Đồng ý", "Hủy", "Có", "Không"} <= set(texts)


def test_input_dialog_buttons(vietnamese, qtbot):
    from PySide6.QtWidgets import QInputDialog

    dialog = QInputDialog()
    dialog.setLabelText("Tên khu dân cư:")
    qtbot.addWidget(dialog)
    dialog.show()
    texts = _texts(dialog)
    assert _english_in(texts) == [] and "Đồng ý" in texts and "Hủy" in texts


@pytest.mark.parametrize("kind", [QLineEdit, QPlainTextEdit])
def test_text_field_context_menu(vietnamese, qtbot, kind):
    field = kind()
    qtbot.addWidget(field)
    menu = field.createStandardContextMenu()
    texts = []
    for action in menu.actions():
        texts.append(_plain(action.text()))
        if action.menu() is not None:
            texts += [_plain(a.text()) for a in action.menu().actions()]
    texts = [t.split("\t")[0] for t in texts if t]
    assert _english_in(texts) == []
    assert {"Hoàn tác", "Cắt", "Chép", "Dán", "Chọn tất cả"} <= set(texts)


@pytest.mark.parametrize("mode", [QFileDialog.AcceptMode.AcceptOpen,
                                  QFileDialog.AcceptMode.AcceptSave])
def test_file_dialog_drawn_by_qt(vietnamese, qtbot, tmp_path, mode):
    (tmp_path / "so-ho.xlsx").write_bytes(b"")
    dialog = QFileDialog(None, "Chọn tệp", str(tmp_path), "Excel (*.xlsx)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setAcceptMode(mode)
    dialog.setViewMode(QFileDialog.ViewMode.Detail)
    qtbot.addWidget(dialog)
    dialog.show()
    texts = _texts(dialog)
    assert _english_in(texts) == []
    assert "Tên" in texts and ("Lưu" in texts or "Mở" in texts)


def test_print_dialog_drawn_by_qt(vietnamese, qtbot):
    printer = QPrinter()
    dialog = QPrintDialog(printer)
    qtbot.addWidget(dialog)
    dialog.show()
    texts = _texts(dialog)
    assert _english_in(texts) == [] and "In" in texts


def test_print_preview_tooltips(vietnamese, qtbot):
    printer = QPrinter()
    dialog = QPrintPreviewDialog(printer)
    qtbot.addWidget(dialog)
    dialog.show()
    QTimer.singleShot(0, lambda: None)
    texts = _texts(dialog)
    assert _english_in(texts) == []
    assert {"Phóng to", "Thu nhỏ", "Trang sau", "Xem trước khi in"} <= set(texts)
