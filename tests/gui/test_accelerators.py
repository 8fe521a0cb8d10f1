"""Every accelerator (the letter after "&" that Alt types) is a letter or digit of a US keyboard:
"&Đồng ý" could not be typed on one. Checked three ways: every string in the UI code, every menu,
action and button that the main window, its tabs and the set-up dialogs show, and the program's
translation of Qt's own texts."""

from __future__ import annotations

import ast
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMenu, QWidget

import antq_desktop
from antq_desktop.config import resources_dir

UI = Path(antq_desktop.__file__).parent / "ui"
MARK = re.compile(r"&(?!&)(.)")  # "&&" is a literal ampersand


def _bad(text: str) -> list[str]:
    """The accelerator letters in ``text`` that a US keyboard cannot type."""
    text = re.sub(r"&(#?\w+);", "", text)  # HTML entities (&nbsp; &lt;) are no accelerators
    return [ch for ch in MARK.findall(text.replace("&&", "")) if not (ch.isascii() and ch.isalnum())
            and not ch.isspace()]


def test_the_check_sees_a_vietnamese_accelerator():
    assert _bad("&Đồng ý") == ["Đ"] and _bad("Trợ &giúp") == [] and _bad("A && B") == []
    assert _bad("Lưu (&S)") == [] and _bad("Chép &đường dẫn") == ["đ"]


def test_every_string_in_the_ui_code():
    found = []
    for path in sorted(UI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if "&" in node.value and _bad(node.value) and "<" not in node.value:
                    found.append(f"{path.relative_to(UI)}:{node.lineno}: {node.value!r}")
    assert found == []


def test_the_qt_translation():
    root = ET.parse(resources_dir() / "translations" / "qt_vi.ts").getroot()
    found = [m.findtext("translation") for m in root.iter("message")
             if _bad(m.findtext("translation") or "") and "<" not in m.findtext("translation")]
    assert found == []


def _widget_texts(widget: QWidget) -> list[str]:
    texts = []
    for child in [widget, *widget.findChildren(QWidget)]:
        if isinstance(child, (QAbstractButton, QLabel)):
            texts.append(child.text())
        if isinstance(child, QGroupBox):
            texts.append(child.title())
        for action in child.actions():
            texts.append(action.text())
            if action.menu() is not None:
                texts += [a.text() for a in action.menu().actions()]
    for menu in widget.findChildren(QMenu):
        texts += [menu.title()] + [a.text() for a in menu.actions()]
    return [t for t in texts if t and "<" not in t]


def test_menus_and_buttons_of_the_main_window_and_set_up_dialogs(qtbot, db, ward):
    from antq_desktop.services.unit import UnitService
    from antq_desktop.ui.main_window import MainWindow
    from antq_desktop.ui.reports.dialog import ReportsDialog
    from antq_desktop.ui.unit_dialog import UnitDialog

    window = MainWindow(db)
    qtbot.addWidget(window)
    texts = _widget_texts(window)
    menus = [a.text() for a in window.menuBar().actions()]
    assert "Trợ &giúp" in menus and len(texts) > 30
    for dialog in (UnitDialog(UnitService(db), parent=window), ReportsDialog(db, window)):
        texts += _widget_texts(dialog)
    assert [t for t in texts if _bad(t)] == []
