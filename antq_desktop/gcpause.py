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

    - Bulk work (the demo's rows, a workbook's cells) makes many long-lived objects without
      reference cycles, which the collector would rescan again and again.
    - Work on a background thread (ui/widgets/worker.py): a collection that runs there may free
      a cycle holding Qt widgets, and a widget destroyed off the GUI thread crashes the program.
      With the collector off while any background work runs, collections happen on the GUI
      thread.

    Pauses nest and overlap across threads: the first one turns the collector off, the last one
    to end puts back the state the first one found."""
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
