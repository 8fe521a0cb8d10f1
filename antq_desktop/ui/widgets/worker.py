"""Long work off the GUI thread: a QRunnable whose result or error comes back as a signal."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ...gcpause import gc_paused


class _Signals(QObject):
    progress = Signal(int, str)
    finished = Signal(object)
    failed = Signal(object)


class Worker(QRunnable):
    """Runs ``fn(report)`` in the thread pool; ``report(percent, text)`` emits ``progress``.

    Connect to ``signals`` before ``start()``; results and errors arrive on the GUI thread.
    """

    def __init__(self, fn: Callable[[Callable[[int, str], None]], Any]):
        super().__init__()
        self.fn = fn
        self.signals = _Signals()

    def run(self) -> None:
        try:
            with gc_paused():  # no collection on this thread (gcpause.py: Qt objects in cycles)
                result = self.fn(lambda percent, text: self.signals.progress.emit(int(percent),
                                                                                  text))
        except Exception as exc:  # handed to the GUI, which shows a message
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)

    def start(self) -> None:
        QThreadPool.globalInstance().start(self)
