"""Pieces every dialog shares (docs/ARCHITECTURE.md, "Dialogs"):

- ``GuardedDialog``: Esc, Cancel or the window's close button ask before unsaved input is
  thrown away; Ctrl+S saves, Ctrl+Enter saves and closes; the dialog never opens larger than
  the screen's free area (long forms scroll inside it, see ``scrolled``).
- ``FieldForm``: binds a service's ``FieldError`` (by its stable ``key``) to the widget it is
  about: the message under the widget, a red frame, the focus; it re-runs the service's pure
  ``*_errors()`` on every edit, so a dialog validates as you type.
- ``FormDialog``: a titled form with both, its error line and the OK/Cancel row.
- ``view_only`` / ``open_read_only``: a record dialog opened only to look at it (a record of a
  signed-off period, with the padlock; an account that may not write): every input read-only,
  no save, no validation, a note at the top saying why.
"""

from __future__ import annotations

from datetime import date
from typing import Callable, Iterable

from PySide6.QtCore import QEvent, QObject, QRect, QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QBoxLayout,
    QCalendarWidget,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QScrollArea,
    QScrollBar,
    QTabBar,
    QTableWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ...validation import FieldError
from ..permissions import LOCKED_TITLE, PADLOCK, HeldOff, cannot_write
from .fields import DateField
from .messages import confirm, save_failure

ERROR_STYLE = "color: #b00020;"


def button_row(ok_text: str, on_ok: Callable[[], None], on_cancel: Callable[[], None],
               ok_name: str = "", cancel_text: str = "Hủy") -> QDialogButtonBox:
    """An OK/Cancel row whose OK runs ``on_ok`` (which validates and closes, or not)."""
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                           | QDialogButtonBox.StandardButton.Cancel)
    ok = box.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    if ok_name:
        ok.setObjectName(ok_name)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text)
    box.accepted.connect(on_ok)
    box.rejected.connect(on_cancel)
    return box


def inline(*parts: QWidget | str | tuple[QWidget, int] | None) -> QHBoxLayout:
    """Fields on one form line: a widget, ``(widget, stretch)``, a text (shown as a label), or
    None for a stretch that keeps the rest to the left."""
    row = QHBoxLayout()
    for part in parts:
        if part is None:
            row.addStretch(1)
        elif isinstance(part, str):
            row.addWidget(QLabel(part))
        elif isinstance(part, tuple):
            row.addWidget(*part)
        else:
            row.addWidget(part)
    return row


def fit_placeholder(w: QLineEdit) -> QLineEdit:
    """A text field at least as wide as its placeholder (a hint cut to "Ví dụ: nhập nhầm kỳ,
    nhầ…" helps no one). Call it before the field goes into a layout: a layout does not see a
    hidden widget's new minimum."""
    hint = w.placeholderText()
    if hint and w.minimumWidth() != w.maximumWidth():  # fixed-width fields (dates) stay
        margins = w.textMargins()
        frame = w.style().pixelMetric(w.style().PixelMetric.PM_DefaultFrameWidth)
        need = w.fontMetrics().horizontalAdvance(hint) + margins.left() + margins.right() \
            + 2 * frame + 12
        w.setMinimumWidth(max(w.minimumWidth(), min(need, 600)))
    return w


def error_label(name: str, bold: bool = False) -> QLabel:
    label = QLabel(objectName=name, wordWrap=True)
    label.setStyleSheet(ERROR_STYLE + (" font-weight: bold;" if bold else ""))
    return label


# -- what the officer typed: a snapshot of every input widget ----------------------------------
def with_error_lines(row: QLayout | QWidget, lines: list[QLabel]) -> QWidget:
    """A form row of several fields (``row``) with the error lines of its fields under it."""
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(0)
    if isinstance(row, QLayout):
        column.addLayout(row)
    else:
        column.addWidget(row)
    for line in lines:
        column.addWidget(line)
    return holder


def field_error_line(name: str) -> QLabel:
    """An error line as FieldForm.add makes one (``<name>Error``, one line kept free), for a
    field laid out in a row of several and bound with FieldForm.bind."""
    line = QLabel(objectName=f"{name}Error", wordWrap=True)
    line.setStyleSheet(ERROR_STYLE)
    font = line.font()
    font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
    line.setFont(font)
    line.setMinimumHeight(line.fontMetrics().lineSpacing() + 1)
    line.setProperty("guardIgnore", True)
    return line


def _value_of(widget: QWidget):
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, (QPlainTextEdit,)):
        return widget.toPlainText()
    if isinstance(widget, QTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return (widget.currentIndex(), widget.currentText() if widget.isEditable() else None)
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QAbstractButton) and widget.isCheckable():
        return widget.isChecked()
    if isinstance(widget, QTableWidget):
        return tuple(
            tuple((widget.item(r, c).text() if widget.item(r, c) else "",
                   widget.item(r, c).checkState() if widget.item(r, c)
                   and widget.item(r, c).flags() & Qt.ItemFlag.ItemIsUserCheckable else None)
                  for c in range(widget.columnCount()))
            for r in range(widget.rowCount()))
    return None


def input_snapshot(root: QWidget) -> tuple:
    """The values of every input widget under ``root`` (by position in the widget tree, so two
    snapshots of one dialog compare field by field)."""
    found = []
    for w in root.findChildren(QWidget):
        if w.property("guardIgnore"):
            continue
        value = _value_of(w)
        if value is not None:
            found.append((w.objectName(), type(w).__name__, value))
    return tuple(found)


def screen_area(widget: QWidget) -> QRect:
    """The free part (task bar left out) of the screen ``widget`` is on. Read through
    QGuiApplication: a QScreen wrapper taken from ``QWidget.screen()`` crashed Qt later."""
    app = QGuiApplication.instance()
    centre = widget.frameGeometry().center()
    screen = app.screenAt(centre) or app.primaryScreen()
    return QRect(screen.availableGeometry()) if screen is not None else QRect(0, 0, 1366, 728)


def fit_into(dialog: QWidget, area: QRect) -> None:
    """Shrink ``dialog`` to ``area`` (a screen's free part, the task bar left out) and move it
    inside: its scroll areas take what no longer fits."""
    frame = dialog.frameGeometry()
    extra_w = max(0, frame.width() - dialog.width())
    extra_h = max(0, frame.height() - dialog.height())
    width = min(dialog.width(), area.width() - extra_w)
    height = min(dialog.height(), area.height() - extra_h)
    if (width, height) != (dialog.width(), dialog.height()):
        dialog.resize(max(width, 100), max(height, 100))
    x = min(max(dialog.x(), area.left()), area.right() - dialog.width() - extra_w + 1)
    y = min(max(dialog.y(), area.top()), area.bottom() - dialog.height() - extra_h + 1)
    if (x, y) != (dialog.x(), dialog.y()):
        dialog.move(max(x, area.left()), max(y, area.top()))


class FormScroll(QScrollArea):
    """A frameless, vertical-only scroll area that asks for its content's whole size: the
    dialog opens showing the entire form where the screen allows, and scrolls where not."""

    def __init__(self, content: QWidget, name: str = ""):
        super().__init__(objectName=name or "dialogScroll")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(content)

    def sizeHint(self):
        hint = self.widget().sizeHint()
        bar = self.verticalScrollBar().sizeHint().width()
        return hint.grownBy(self.contentsMargins()).expandedTo(self.minimumSizeHint()) \
            + type(hint)(bar, 0)

    def minimumSizeHint(self):
        hint = self.widget().minimumSizeHint()
        bar = self.verticalScrollBar().sizeHint().width()
        return type(hint)(hint.width() + bar, min(hint.height(), 120))


def scrolled(content: QWidget | QLayout, name: str = "") -> QScrollArea:
    """``content`` inside a ``FormScroll``: a long form scrolls inside its dialog instead of
    growing past the screen."""
    if isinstance(content, QLayout):
        holder = QWidget()
        holder.setLayout(content)
        content = holder
    return FormScroll(content, name)


class GuardedDialog(QDialog):
    """A dialog that never loses typed input by accident and fits the screen.

    - Esc, Cancel and the close button call ``reject()``, which asks first when the input
      differs from what the dialog opened with (``is_dirty``).
    - Ctrl+S calls ``save_in_place()`` (saves, stays open: dialogs that can reload what they
      saved override it; others save and close, as their one "Lưu" does), Ctrl+Enter and
      Ctrl+Return call ``save_and_close()``.
    - On show it shrinks into the screen's free area.

    A subclass sets ``save_and_close`` to its save routine (FormDialog does), calls
    ``mark_clean()`` once its fields are filled if that happens after the first show, and
    overrides ``state()`` when part of its input lives outside widgets.
    """

    guard_question = "Đóng cửa sổ này mà không lưu các thay đổi vừa nhập?"
    guard_edits = True  # False for dialogs that only look things up (their search box is no edit)
    read_only: str | None = None  # why the dialog only shows its record (open_read_only)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._clean_state: object = None
        self._closing = False
        for keys, slot in (("Ctrl+S", self._shortcut_save), ("Ctrl+Return", self._shortcut_close),
                           ("Ctrl+Enter", self._shortcut_close)):
            QShortcut(QKeySequence(keys), self, activated=slot)

    # -- unsaved input ------------------------------------------------------------------------
    def state(self) -> object:
        return input_snapshot(self)

    def mark_clean(self) -> None:
        self._clean_state = self.state()

    def is_dirty(self) -> bool:
        if not self.guard_edits or self.read_only is not None:  # nothing typed can be saved
            return False
        if self._clean_state is None:
            return False
        return self.state() != self._clean_state

    def reject(self) -> None:
        if self._closing or not self.is_dirty():
            super().reject()
            return
        if confirm(self, self.guard_question, "Đóng mà không lưu", "Đóng, không lưu"):
            super().reject()

    def done(self, result: int) -> None:
        self._closing = True  # a close after a good save asks nothing
        super().done(result)

    # -- saving from the keyboard -------------------------------------------------------------
    def save_and_close(self) -> None:
        """Validate, save and close: the dialog's own ``save()`` (its "Lưu" button), which
        closes the dialog when the save went through and keeps it open with the message when
        not. A dialog without one has nothing to save from the keyboard."""
        save = getattr(self, "save", None)
        if callable(save):
            save()

    def save_in_place(self) -> None:
        """Ctrl+S. By default the same as the dialog's save button (save and close)."""
        self.save_and_close()

    def _shortcut_save(self) -> None:
        if self.read_only is None:  # a read-only dialog saves nothing, not from the keyboard
            self.save_in_place()

    def _shortcut_close(self) -> None:
        if self.read_only is None:
            self.save_and_close()

    # -- the screen ---------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._clean_state is None:
            self.mark_clean()
        # after the show has settled (a resize inside the show event crashed Qt), and never on
        # a dialog gone meanwhile: the timer is the dialog's own child
        QTimer.singleShot(0, self, self.fit_screen)

    def fit_screen(self) -> None:
        if self.isVisible():
            fit_into(self, screen_area(self))


class FieldForm:
    """Binds a dialog's widgets to the service's field errors.

    ``add(key, widget)`` registers a widget under the key its service's FieldErrors carry (the
    data attribute, e.g. "birth_date"; the Vietnamese label is accepted as an alias for rules
    that give no key) and returns the widget with its error line under it, to put in a layout.
    The error line always keeps its height, so fields never jump as messages come and go.

    ``errors`` is the pure rule of the record (it builds the data from the widgets and calls the
    service's ``*_errors()``); it re-runs on every edit. Messages show for the fields the
    officer has edited, and for all of them once a save was tried (``show``).
    """

    BAD_STYLE = "border: 1px solid #b00020;"

    def __init__(self, errors: Callable[[], Iterable[FieldError]] | None = None,
                 general: QLabel | None = None):
        self.errors = errors
        self.general = general  # where an error no widget is bound to goes
        self.widgets: dict[str, QWidget] = {}
        self.lines: dict[str, QLabel] = {}
        self.aliases: dict[str, str] = {}
        self.touched: set[str] = set()
        self.show_all = False
        self.quiet = False  # a read-only dialog: nothing is checked, no message shown
        self.shown: list[FieldError] = []
        self._timer = QTimer(singleShot=True, interval=0)
        self._timer.timeout.connect(self.revalidate)

    @staticmethod
    def _keep_height(widget: QWidget) -> None:
        """A red frame (a style sheet) changes a one-line field's natural height: pin it."""
        if isinstance(widget, (QLineEdit, QComboBox, QAbstractSpinBox)):
            widget.setFixedHeight(widget.sizeHint().height())

    def add(self, key: str, widget: QWidget, *aliases: str) -> QWidget:
        self._keep_height(widget)
        self.widgets[key] = widget
        for alias in aliases:
            self.aliases[alias] = key
        line = QLabel(objectName=f"{widget.objectName() or key}Error")
        line.setStyleSheet(ERROR_STYLE)
        font = line.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        line.setFont(font)
        line.setWordWrap(True)
        line.setMinimumHeight(line.fontMetrics().lineSpacing() + 1)
        line.setProperty("guardIgnore", True)
        self.lines[key] = line
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(widget)
        column.addWidget(line)
        self.watch(widget, key)
        return box

    def bind(self, key: str, widget: QWidget, line: QLabel, *aliases: str) -> None:
        """Like ``add`` for a widget already laid out, with its own error line."""
        self._keep_height(widget)
        self.widgets[key] = widget
        self.lines[key] = line
        for alias in aliases:
            self.aliases[alias] = key
        self.watch(widget, key)

    def watch(self, widget: QWidget, key: str | None = None) -> None:
        """Re-run the rule when ``widget`` changes (``key``: the field it marks as edited)."""
        if self._timer.parent() is None:
            self._timer.setParent(widget)  # gone with the form: never fires on a deleted dialog
        def edited(*_args, key=key):
            if key is not None:
                self.touched.add(key)
            self._timer.start()

        if isinstance(widget, QLineEdit):
            signal = widget.textEdited
        elif isinstance(widget, (QPlainTextEdit, QTextEdit)):
            signal = widget.textChanged
        elif isinstance(widget, QComboBox):
            signal = widget.currentIndexChanged
        elif isinstance(widget, QAbstractSpinBox) and hasattr(widget, "valueChanged"):
            signal = widget.valueChanged
        elif isinstance(widget, QAbstractButton):
            signal = widget.toggled
        else:
            return
        signal.connect(edited)

    def key_of(self, err: FieldError) -> str | None:
        for name in (err.key, err.field):
            if name in self.widgets:
                return name
            if name in self.aliases:
                return self.aliases[name]
        return None

    def silence(self) -> None:
        """A read-only dialog (open_read_only): what it shows is the stored record, perhaps
        masked ("••••••••4374"), never checked: every message and red frame goes, for good."""
        self.quiet = True
        self._timer.stop()
        self.display([])

    def revalidate(self) -> list[FieldError]:
        if self.quiet:
            return []
        found = list(self.errors()) if self.errors is not None else []
        shown = [e for e in found if self.show_all or self.key_of(e) in self.touched]
        self.display(shown)
        return found

    def display(self, errors: list[FieldError]) -> None:
        # the errors shown before are let go only when this returns: a refused save's error
        # (its traceback) may hold the last reference to the dialog, which must not be
        # destroyed while its lines are being written
        previous, self.shown = self.shown, errors  # noqa: F841
        by_key: dict[str, list[str]] = {}
        loose: list[str] = []
        for err in errors:
            key = self.key_of(err)
            (by_key.setdefault(key, []) if key else loose).append(
                err.message if key else str(err))
        for key, widget in self.widgets.items():
            messages = by_key.get(key, [])
            self.lines[key].setText(" ".join(dict.fromkeys(messages)))
            widget.setStyleSheet(self.BAD_STYLE if messages else "")
        if self.general is not None:
            self.general.setText("\n".join(dict.fromkeys(loose)))

    def show(self, errors: list[FieldError], focus: bool = True) -> None:
        """A save was refused with ``errors``: show every one of them and focus the first."""
        if self.quiet:
            return
        self.show_all = True
        found = []
        if self.errors is not None:
            found = list(self.errors())
        merged = list(errors) + [e for e in found if e not in errors]
        self.display(merged)
        if focus and merged:
            self.focus(merged[0])

    def focus(self, err: FieldError) -> None:
        key = self.key_of(err)
        widget = self.widgets.get(key) if key else None
        if widget is None:
            return
        parent = widget.parentWidget()
        while parent is not None:
            if isinstance(parent, QScrollArea):
                parent.ensureWidgetVisible(widget)
                break
            parent = parent.parentWidget()
        widget.setFocus()
        if isinstance(widget, QLineEdit):
            widget.selectAll()


class FormDialog(GuardedDialog):
    """A titled form with OK/Cancel, a red error line and a ``FieldForm``.

    ``check()`` validates (and may save) before the dialog closes; a FieldError it raises keeps
    the dialog open with the message under its field, so a failed save never loses what was
    typed. ``live_errors()`` (optional) is the pure rule re-run on every edit. The form scrolls
    inside the dialog when the screen is too small for it; the error line and the buttons stay
    in view.
    """

    def __init__(self, title: str, intro: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self._outer = QVBoxLayout(self)
        self._body = QWidget()
        self.form = QFormLayout(self._body)
        self.form.setContentsMargins(0, 0, 0, 0)
        if intro:
            label = QLabel(intro, wordWrap=True)
            self.form.addRow(label)
        self.error = error_label("dialogError")
        own_rule = type(self).live_errors is not FormDialog.live_errors
        self.field_form = FieldForm(self.live_errors if own_rule else None, self.error)
        self.buttons = button_row("Đồng ý", self._ok, self.reject, "dialogOk")

    def live_errors(self) -> list[FieldError]:
        """The record's rule on what is typed now (the service's pure ``*_errors()``)."""
        return []

    def field_row(self, label: str, key: str, widget: QWidget, *aliases: str) -> QWidget:
        """A form row whose widget shows its own error under it; ``label`` ends without ':'.
        The label text is an alias of ``key``, for rules that name the field only by label."""
        text = QLabel(label + ":")
        text.setBuddy(widget)
        self.form.addRow(text, self.field_form.add(key, widget, label, *aliases))
        return widget

    def finish_layout(self) -> None:
        self._outer.addWidget(scrolled(self._body), 1)
        self._outer.addWidget(self.error)
        self._outer.addWidget(self.buttons)

    def check(self) -> None:
        """Raise FieldError to keep the dialog open with the message."""

    def save_and_close(self) -> None:
        self._ok()

    def _ok(self) -> None:
        if self.read_only is not None:
            return
        try:
            self.check()
        except FieldError as err:
            self.error.setText("")
            self.field_form.show([err])
            if self.field_form.key_of(err) is not None:
                self.error.setText("Chưa lưu: hãy sửa các ô được đánh dấu đỏ.")
            else:
                self.error.setText(str(err))
            return
        except Exception as exc:  # the database is busy, full or damaged: say so, keep the data
            text = save_failure(exc, self._database_url())
            if text is None:
                raise
            self.error.setText(text)
            return
        self.accept()

    def _database_url(self) -> str:
        """The database the dialog saves to (its service's), for the failure's message."""
        db = getattr(getattr(self, "service", None), "db", None)
        return getattr(db, "url", "") or ""

    @staticmethod
    def read_date(field: DateField, label: str, required: bool = True) -> date | None:
        try:
            value = field.date()
        except ValueError as exc:
            raise FieldError(label, str(exc)) from None
        if value is None and required:
            raise FieldError(label, "chưa nhập.")
        return value


class RememberedDialog(GuardedDialog):
    """A dialog that reopens at the size and place the officer last gave it (and, as every
    GuardedDialog, asks before unsaved input is thrown away and fits the screen)."""

    _size_key = ""

    def remember_size(self, key: str, width: int, height: int) -> None:
        self._size_key = f"{key}/geometry"
        self.resize(width, height)
        geometry = QSettings().value(self._size_key)
        if geometry is not None:
            self.restoreGeometry(geometry)

    def done(self, result: int) -> None:
        if self._size_key:
            QSettings().setValue(self._size_key, self.saveGeometry())
        super().done(result)


# -- read-only: a record to look at, not to change ------------------------------------------------
VIEW_ONLY_NOTE = "Chỉ xem — tài khoản của bạn không được sửa dữ liệu."
VIEW_ONLY_TITLE = "chỉ xem"  # after the title of a dialog opened by who may not write
NOTE_STYLE = ("QLabel#{name} {{ background: #f3f3f3; border: 1px solid #b0b0b0;"
              " border-radius: 3px; padding: 4px; color: #333; }}")
SAVE_ROLES = (QDialogButtonBox.ButtonRole.AcceptRole, QDialogButtonBox.ButtonRole.YesRole,
              QDialogButtonBox.ButtonRole.ApplyRole)
# the button row's buttons that only show something ("Lịch sử…" is in the reset role)
_LOOK_ROLES = (QDialogButtonBox.ButtonRole.ResetRole, QDialogButtonBox.ButtonRole.HelpRole)
# parts of other widgets that are no input of the record: tab headers, scroll bars, a calendar
_NOT_INPUTS = (QTabBar, QScrollBar, QCalendarWidget, QDialogButtonBox)


def read_only_note(text: str, tip: str = "", name: str = "readOnlyNote") -> QLabel:
    """The line at the top of a read-only dialog, ``tip`` (or the text) as its tooltip."""
    label = QLabel(text, objectName=name, wordWrap=True)
    label.setToolTip(tip or text)
    label.setStyleSheet(NOTE_STYLE.format(name=name))
    return label


def lock_banner(message: str) -> QLabel:
    """"🔒 Chỉ xem — Năm 2025 đã khóa sổ ngày … bởi …": a record of a signed-off period
    (services/periods.py), ``message`` (the refusal the service would give) as its tooltip."""
    return read_only_note(f"{PADLOCK} Chỉ xem — {message}", f"{PADLOCK} {message}",
                          "lockedNote")


class _NoDoubleClick(QObject):
    """On a list's viewport: a double-click opens no edit (a correction dialog, a cell)."""

    def eventFilter(self, watched, event) -> bool:
        return event.type() == QEvent.Type.MouseButtonDblClick


def _part_of_other_widget(w: QWidget, root: QWidget) -> bool:
    parent = w
    while parent is not None and parent is not root:
        if isinstance(parent, _NOT_INPUTS):
            return True
        parent = parent.parentWidget()
    return False


def make_read_only(root: QWidget, keep: Iterable[QWidget] = ()) -> None:
    """Every input under ``root`` shows its value and takes no edit:

    - texts, dates and numbers are read-only (still selectable and copyable), a date's
      calendar off;
    - choices, ticks and buttons are disabled, and stay so when the dialog's own code enables
      them again (a selection change); "Lịch sử" and ``keep`` stay as they are;
    - lists of entries: no cell edits or ticks, no edit menu, a double-click opens nothing; the
      rows can still be chosen (a household's members, each shown in the form below).

    A dialog's button row is left to ``open_read_only``."""
    kept = set(keep)
    held = HeldOff(root)
    no_double_click = _NoDoubleClick(root)
    for w in root.findChildren(QWidget):
        if w in kept or _part_of_other_widget(w, root):
            continue
        if isinstance(w, (QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox)):
            w.setReadOnly(True)
            for action in w.actions():  # a date field's calendar button
                action.setEnabled(False)
            if isinstance(w, QLineEdit):
                w.setPlaceholderText("")  # a hint how to type ("dd/mm/yyyy"): none to type
            palette = w.palette()  # greyed as the disabled choices are: nothing to type here
            palette.setColor(QPalette.ColorRole.Base, palette.color(QPalette.ColorRole.Window))
            w.setPalette(palette)
        elif isinstance(w, (QComboBox, QListWidget)) or (
                isinstance(w, QAbstractButton) and w.objectName() != "historyButton"):
            w.setEnabled(False)  # choosing, ticking, adding, removing: all edits
            w.installEventFilter(held)
        elif isinstance(w, QAbstractItemView):
            w.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            if w.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu:
                w.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)  # its edits
            w.viewport().installEventFilter(no_double_click)
            if isinstance(w, QTableWidget):
                locked = ~(Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsUserCheckable)
                for row in range(w.rowCount()):
                    for col in range(w.columnCount()):
                        item = w.item(row, col)
                        if item is not None:
                            item.setFlags(item.flags() & locked)


def open_read_only(dialog: GuardedDialog, reason: str, *, locked: bool = False,
                   save_buttons: Iterable[QAbstractButton] = (), keep: Iterable[QWidget] = (),
                   place: bool = True) -> QLabel:
    """Open ``dialog`` (built, its record shown) only to look at its record.

    ``reason``: the refusal the service would give a save: a signed-off period's message
    (``locked``, shown with the padlock) or why the account may not write. Every input becomes
    read-only (``make_read_only``); the save is not offered: the buttons of its button rows
    that accept (and ``save_buttons``) are hidden, Cancel reads "Đóng", the dialog's keyboard
    shortcuts (Ctrl+S, Ctrl+Enter, its own) do nothing; Esc closes without a question; no rule
    is checked and no error line shows (what it shows may be masked, "••••••••4374"); "Lịch
    sử" still opens. The note saying why goes at the top of the dialog (``place``; else the
    caller lays it out) and is returned."""
    dialog.read_only = reason
    if locked:
        dialog.locked = reason
    make_read_only(dialog, keep)
    hidden = list(save_buttons)
    for box in dialog.findChildren(QDialogButtonBox):
        for button in box.buttons():
            role = box.buttonRole(button)
            if role in SAVE_ROLES:
                hidden.append(button)
            elif role == QDialogButtonBox.ButtonRole.RejectRole:
                button.setText("Đóng")
            elif role not in _LOOK_ROLES and button.objectName() != "historyButton":
                button.setEnabled(False)  # an action of the row (add, delete): an edit
    for button in hidden:
        button.setEnabled(False)
        button.hide()
    for shortcut in dialog.findChildren(QShortcut):  # GuardedDialog's own check read_only
        if shortcut.parent() is not dialog or shortcut.key() not in _GUARD_KEYS:
            shortcut.setEnabled(False)
    for owner in (dialog, *dialog.findChildren(QWidget)):
        for value in list(getattr(owner, "__dict__", {}).values()):
            if isinstance(value, FieldForm):
                value.silence()
    title = dialog.windowTitle()
    if locked:
        if LOCKED_TITLE not in title:
            dialog.setWindowTitle(f"{title} — {LOCKED_TITLE}")
        note = lock_banner(reason)
    else:
        dialog.setWindowTitle(f"Xem {title[4:]}" if title.startswith("Sửa ")
                              else f"{title} — {VIEW_ONLY_TITLE}")
        note = read_only_note(VIEW_ONLY_NOTE, reason)
    layout = dialog.layout()
    if place and isinstance(layout, QBoxLayout):
        layout.insertWidget(0, note)
    return note


_GUARD_KEYS = (QKeySequence("Ctrl+S"), QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter"))


def view_only(dialog: GuardedDialog, db, locked: str | None = None, **options) -> QLabel | None:
    """The one call a record dialog makes once it is built and shows its record: read-only
    (``open_read_only``) when the record lies in a signed-off period (``locked``, the lock's
    message) or when the account of ``db`` may not write (Chỉ xem, Lãnh đạo, a province
    account); None (and nothing done) when the record may be edited. ``options`` go to
    ``open_read_only``."""
    if locked:
        return open_read_only(dialog, locked, locked=True, **options)
    reason = cannot_write(db)
    if reason is None:
        return None
    return open_read_only(dialog, reason, **options)
