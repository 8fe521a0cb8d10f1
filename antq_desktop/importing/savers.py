"""The save and undo function of each kind (importing/columns.py ``KINDS``)."""

from .households import save_households, undo_households

SAVERS = {"households": save_households}
UNDOERS = {"households": undo_households}
