"""gc_paused nests and overlaps across threads: the collector stays off until the last pause
ends, then comes back as the first one found it."""

import gc
import threading

import pytest

from antq_desktop.gcpause import gc_paused


@pytest.fixture(autouse=True)
def collector_on():
    """Each test starts with the collector on (the GUI tests leave it to the GUI thread's
    timer, ui/widgets/lifetime.py)."""
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_overlapping_pauses_in_two_threads_keep_the_collector_off_until_the_last():
    assert gc.isenabled()
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen = []

    def second():
        first_in.wait()
        with gc_paused():
            second_in.set()
            first_out.wait()
            seen.append(gc.isenabled())  # the first pause ended: still off for this one

    worker = threading.Thread(target=second)
    worker.start()
    with gc_paused():
        first_in.set()
        second_in.wait()
    first_out.set()
    worker.join()
    assert seen == [False]
    assert gc.isenabled()


def test_a_pause_keeps_a_disabled_collector_disabled():
    gc.disable()
    with gc_paused():
        with gc_paused():
            pass
    assert not gc.isenabled()


def test_paused_says_whether_any_pause_is_open():
    from antq_desktop.gcpause import paused

    assert not paused()
    with gc_paused():
        with gc_paused():
            assert paused()
        assert paused()
    assert not paused()
