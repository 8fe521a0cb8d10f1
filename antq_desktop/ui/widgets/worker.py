"""Long work off the GUI thread: a QRunnable whose result or error comes back as a signal."""

from __future__ import annotations

from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

# Workers made and not yet back: the GUI thread holds the last reference to each, so that the
# worker, its function and whatever that function captured (a dialog, a tab) are released on
# the GUI thread. Were it left to the pool, the runnable's deletion on the pool thread would
# drop them there, and a Qt object destroyed off its thread crashes (ui/widgets/lifetime.py).
_running: set[Worker] = set()


class _Signals(QObject):
    progress = Signal(int, str)
    finished = Signal(object)
    failed = Signal(object)
    done = Signal()  # after finished or failed: the worker may be released


class Worker(QRunnable):
    """Runs ``fn(report)`` in the thread pool; ``report(percent, text)`` emits ``progress``.

    Make it on the GUI thread and connect to ``signals`` before starting it (``start()`` or a
    pool's ``start(worker)``); results and errors arrive on the GUI thread.
    """

    def __init__(self, fn: Callable[[Callable[[int, str], None]], Any]):
        super().__init__()
        self.fn = fn
        self.signals = _Signals()
        _running.add(self)
        # queued (emitted on the pool thread): runs on the GUI thread after the caller's slots
        self.signals.done.connect(self._release)

    def run(self) -> None:
        try:
            result = self.fn(lambda percent, text: self.signals.progress.emit(int(percent), text))
        except Exception as exc:  # handed to the GUI, which shows a message
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)
        finally:
            self.signals.done.emit()

    def _release(self) -> None:
        if shiboken6.isValid(self):  # the pool has not yet deleted the runnable: let it first
            QTimer.singleShot(1, self._release)
            return
        _running.discard(self)

    def start(self) -> None:
        QThreadPool.globalInstance().start(self)
