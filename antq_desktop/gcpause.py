"""Pausing Python's cyclic garbage collector around bulk work and background work."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0  # pauses open now, in any thread
_was_enabled = False  # the collector's state when the first of them began


@contextmanager
def gc_paused() -> Iterator[None]:
    """Keep the cyclic collector off for the duration.

    Bulk work (the demo's rows, a workbook's cells) makes many long-lived objects without
    reference cycles, which the collector would rescan again and again. This is about speed
    only: which thread collects is ui/widgets/lifetime.py's business (the program collects on
    the GUI thread only; a pause cannot promise that, the code around it still allocates).

    Pauses nest and overlap across threads: the first one turns the collector off, the last one
    to end puts back the state the first one found. The GUI thread's collector
    (``ui.widgets.lifetime``) skips its turn while any pause is open (:func:`paused`)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()


def paused() -> bool:
    """Whether a pause is open now, in any thread."""
    return _depth > 0
