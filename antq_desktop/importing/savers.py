"""The save and undo function of each kind (importing/columns.py ``KINDS``)."""

from .households import save_households, undo_households
from .records import SPECS, saver, undoer

SAVERS = {"households": save_households, **{k: saver(k) for k in SPECS}}
UNDOERS = {"households": undo_households, **{k: undoer(k) for k in SPECS}}
