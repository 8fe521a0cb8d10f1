"""When Qt objects made from Python are destroyed, and on which thread (docs/TESTING.md, "The
crash after a save").

A Qt object must be destroyed on the thread it lives on, the GUI thread for every widget: a
widget destroyed on another thread leaves its timers registered with the GUI thread (Qt cannot
stop them from there, "QBasicTimer::stop: Failed"), and the next one to fire is delivered to
freed memory, a segfault in Qt's event processing. Python destroys a Qt object its wrapper
owns when the wrapper dies, on whichever thread drops the last reference or runs the cyclic
collector. Two rules keep that on the GUI thread:

- :func:`modal` (or :func:`run_modal`) runs a dialog and destroys it when the caller is done
  with it. PySide's
  ``QDialog.exec()`` cuts the Python tie to the dialog's parent, so that a dialog made for one
  use does not live as long as its parent: from then on Python owns it, and a dialog with
  reference cycles (slots, lambdas, ``on_change`` callbacks pointing back at it) would
  otherwise wait for the cyclic collector.
- :func:`collect_on_gui_thread` turns Python's automatic collections off and runs them from a
  timer on the GUI thread instead, so that no collection ever runs on a worker thread (or in
  the middle of another thread's Python code), whatever cycle still holds a widget.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer
from PySide6.QtWidgets import QDialog

from ...gcpause import paused

COLLECT_EVERY_MS = 1000


@contextmanager
def modal(dialog: QDialog) -> Iterator[int]:
    """``with modal(dialog) as accepted:`` runs ``dialog.exec()`` and destroys the dialog, on
    this (the GUI) thread, when the block ends; read what it holds inside the block."""
    try:
        yield dialog.exec()
    finally:
        if shiboken6.isValid(dialog):
            shiboken6.delete(dialog)


def run_modal(dialog: QDialog) -> int:
    """``dialog.exec()``, the dialog destroyed as soon as it closes (nothing of it is read)."""
    with modal(dialog) as result:
        return result


class GuiThreadCollector(QObject):
    """Runs Python's cyclic collector from the GUI thread's event loop, generation by
    generation as the automatic collector would (``gc.get_threshold()``), never while bulk work
    has it paused (``gcpause.gc_paused``)."""

    def __init__(self, parent: QObject, interval_ms: int = COLLECT_EVERY_MS):
        super().__init__(parent)
        self.setObjectName("gcCollector")
        self.timer = QTimer(self, interval=interval_ms)
        self.timer.timeout.connect(self.collect)
        self.timer.start()

    def collect(self) -> int | None:
        """The collection the automatic collector would run now, if any; its count of
        unreachable objects, or None when none was due."""
        if paused():
            return None
        counts, thresholds = gc.get_count(), gc.get_threshold()
        generation = None
        for i in range(3):
            if counts[i] > thresholds[i]:
                generation = i
        if generation is None:
            return None
        return gc.collect(generation)


def collect_on_gui_thread(app: QCoreApplication,
                          interval_ms: int = COLLECT_EVERY_MS) -> GuiThreadCollector:
    """Turn automatic collection off and collect from ``app``'s (GUI) thread instead; once per
    application (a second call returns the first collector)."""
    assert QThread.currentThread() is app.thread(), "call on the GUI thread"
    existing = app.findChild(GuiThreadCollector, "gcCollector")
    if existing is not None:
        return existing
    gc.disable()
    return GuiThreadCollector(app, interval_ms)
