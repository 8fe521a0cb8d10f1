"""Changes saved by other sessions (issue 18): the lists learn that another officer saved
something, and which rows another account changed a moment ago (docs/ARCHITECTURE.md §4,
"Changes from other sessions").

The audit trail is the change log: every save writes its entries in the save's own transaction
(services/audit.py), so the newest entry's id is a change counter that moves exactly when
something was committed, on SQLite and PostgreSQL alike, and reading it is one step down the
primary key (``SELECT max(id)``). :class:`ChangeWatch` polls it; when it moved, the entries
since the last poll (a primary-key range, a handful of rows) say what changed and who did it.

This program's own saves are told apart exactly, not by the account's name (the same officer
may work on two computers): while a transaction holds the database's write lock, the entries
after the one it read as the chain's end are its own (``audit_base``, set by the trail's writer),
up to the newest one when it flushed. Those id ranges are remembered for the watched database
and skipped by the next poll, so a save does not make its own list read twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import event, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..db.models import AuditEntry, Base, User
from ..db.models.base import utc_now
from . import audit

log = logging.getLogger(__name__)

RECENT_MINUTES = 5  # a row changed by another account this recently shows who did it
MAX_READ = 2000  # entries read per poll at most; more (a large merge): every list is stale

# Actions that change no list (the trail records them all the same).
QUIET_ACTIONS = frozenset({"export", "print", "backup", "login", "logout", "login_failed",
                           "password_reset", "password_change"})
# A change of these touches every list and what its filters offer (areas, the unit and the
# teams are in the filters; imports, merges and locks change rows of several lists at once):
# the lists read everything again (ListTab.reload_all), not only their rows.
WIDE_KINDS = frozenset({"unit", "area", "mediation_team", "setting", "import_batch", "person_merge",
                        "person_not_duplicate", "period_lock", "lock_exception", "database",
                        "app_user", "app_user_area"})
# A child record's change is shown on its parent's row: table → (parent table, its column).
PARENTS = {
    "resident": ("household", "household_id"),
    "household_signup": ("household", "household_id"),
    "rehab_evaluation": ("rehab_case", "case_id"),
    "rehab_support": ("rehab_case", "case_id"),
    "mediation_party": ("mediation_case", "case_id"),
    "cert_record": ("cert_unit", "unit_id"),
}
# Tables keyed by (parent id, …): the trail's record_id is already the parent's id.
KEYED_BY_PARENT = {"mediation_case_mediator": "mediation_case"}

ALL = "*"  # in Changes.kinds: every list is concerned
# A list is concerned by any change in its area of work (audit.AREAS: a mediation team's change
# is in the cases list's filter, any activity's in the activities tab's counts).
GROUPS = {kind: frozenset(kinds) for key, (_label, kinds) in audit.AREAS.items()
          if key != "system" for kind in kinds}


@dataclass(frozen=True)
class Touch:
    """A row another account changed: who (the account's display name, else its login name)
    and when (naive UTC, as stored)."""

    actor: str
    at: datetime


@dataclass(frozen=True)
class Changes:
    """What other sessions saved since the last poll: the record kinds (table names) of the
    lists concerned (ALL: every list)."""

    kinds: frozenset[str]

    @property
    def wide(self) -> bool:
        """Every list and its filters: read everything again, not only the rows."""
        return ALL in self.kinds

    def concerns(self, kind: str) -> bool:
        """A list of ``kind`` rows (""; unknown: any change concerns it) must be read again."""
        if ALL in self.kinds or not kind:
            return True
        return not self.kinds.isdisjoint(GROUPS.get(kind, (kind,)))


@dataclass(eq=False)  # each transaction's own, compared by identity
class _Own:
    """The entry ids one transaction of this program wrote: (base, top]."""

    base: int
    top: int = field(default=0)
    done: bool = False  # committed: once the poll has seen ``top`` it is forgotten


class ChangeWatch:
    """The change counter of one database and what moved it.

    ``poll()`` is called from a timer (the main window's); it costs one indexed query while
    nothing changed. ``touched(kind, id)`` says who of another account changed that row in the
    last ``RECENT_MINUTES``. ``clock`` gives now in naive UTC (tests pass their own)."""

    def __init__(self, db, *, recent_minutes: int = RECENT_MINUTES,
                 clock: Callable[[], datetime] = utc_now):
        self.db = db
        self.recent = timedelta(minutes=recent_minutes)
        self.clock = clock
        self._own: list[_Own] = []
        self._lock = threading.Lock()  # saves may commit on a worker thread
        self._touches: dict[tuple[str, int], Touch] = {}
        self._names: dict[str, str] = {}  # login name → display name
        db._change_watch = self  # the session hooks below find it through session.info
        with db.engine.connect() as conn:
            self.seen = audit.last_id(conn)
            since = self.clock() - self.recent
            rows = conn.execute(self._entries().where(AuditEntry.at >= since)
                                .order_by(AuditEntry.id.desc()).limit(MAX_READ)).all()
        self._remember(list(reversed(rows)))  # rows changed just before this program started

    def close(self) -> None:
        if getattr(self.db, "_change_watch", None) is self:
            self.db._change_watch = None

    # -- this program's own writes (the session hooks) ---------------------------------------
    def _flushed(self, session: Session, base: int) -> None:
        own = session.info.get("changes_own")
        if own is None:
            own = session.info["changes_own"] = _Own(base)
            with self._lock:
                self._own.append(own)
        # still under the transaction's write lock: the newest entry is this transaction's
        own.top = audit.last_id(session.connection())

    def _rolled_back(self, own: _Own) -> None:
        with self._lock:  # those ids were never committed (SQLite may hand them out again)
            self._own = [o for o in self._own if o is not own]

    def _is_own(self, entry_id: int) -> bool:
        return any(o.base < entry_id <= o.top for o in self._own)

    # -- polling ----------------------------------------------------------------------------------
    def counter(self) -> int:
        """The change counter now (one indexed query)."""
        with self.db.engine.connect() as conn:
            return audit.last_id(conn)

    def poll(self) -> Changes | None:
        """What other sessions saved since the last poll, or None (nothing, or only this
        program's own saves). A database that cannot be reached right now is None too: the
        next poll tries again (a save says so to the officer; a timer never does)."""
        try:
            return self._poll()
        except SQLAlchemyError as exc:
            log.warning("change poll failed: %s", type(exc).__name__)  # no data, no address
            return None

    def _poll(self) -> Changes | None:
        with self.db.engine.connect() as conn:
            top = audit.last_id(conn)
            if top <= self.seen:
                return None
            rows = conn.execute(self._entries().where(AuditEntry.id > self.seen,
                                                      AuditEntry.id <= top)
                                .order_by(AuditEntry.id).limit(MAX_READ + 1)).all()
        with self._lock:
            others = [r for r in rows if not self._is_own(r.id)]
        many = len(rows) > MAX_READ
        others = [r for r in others[:MAX_READ] if r.action not in QUIET_ACTIONS]
        self._remember(others)
        # all read: from here on this range is seen (an open transaction keeps its own ids)
        with self._lock:
            self._own = [o for o in self._own if not o.done or o.top > top]
        self.seen = top
        if many:
            return Changes(frozenset({ALL}))
        if not others:
            return None
        kinds: set[str] = set()
        for r in others:
            kind = r.kind or ""
            if kind in WIDE_KINDS or not kind:
                kinds.add(ALL)
            kinds.add(kind)
            parent = PARENTS.get(kind, (KEYED_BY_PARENT.get(kind),))[0]
            if parent:
                kinds.add(parent)
        return Changes(frozenset(kinds))

    @staticmethod
    def _entries():
        return select(AuditEntry.id, AuditEntry.at, AuditEntry.actor, AuditEntry.action,
                      AuditEntry.kind, AuditEntry.record_id)

    # -- who changed a row ------------------------------------------------------------------------
    def _remember(self, rows: Iterable) -> None:
        """Note the rows another account changed (never this program's account)."""
        me = audit.current_actor(_Probe(self.db))
        rows = [r for r in rows if r.actor != me and r.record_id is not None
                and r.action not in QUIET_ACTIONS]
        if not rows:
            return
        parents = self._parents(rows)
        names = self._display_names({r.actor for r in rows})
        for r in rows:
            touch = Touch(names.get(r.actor, r.actor), r.at)
            self._touches[(r.kind, r.record_id)] = touch
            target = KEYED_BY_PARENT.get(r.kind)
            if target:
                self._touches[(target, r.record_id)] = touch
            elif (r.kind, r.record_id) in parents:
                self._touches[parents[(r.kind, r.record_id)]] = touch
        self._forget_old()

    def _parents(self, rows) -> dict[tuple[str, int], tuple[str, int]]:
        """(child table, id) → (parent table, id) for the child records among ``rows``; one
        query per child table present (a deleted child is simply not found)."""
        wanted: dict[str, set[int]] = {}
        for r in rows:
            if r.kind in PARENTS:
                wanted.setdefault(r.kind, set()).add(r.record_id)
        out: dict[tuple[str, int], tuple[str, int]] = {}
        if not wanted:
            return out
        with self.db.engine.connect() as conn:
            for kind, ids in wanted.items():
                parent, column = PARENTS[kind]
                table = Base.metadata.tables[kind]
                for child, parent_id in conn.execute(
                        select(table.c.id, table.c[column]).where(table.c.id.in_(ids))):
                    out[(kind, child)] = (parent, parent_id)
        return out

    def _display_names(self, actors: set[str]) -> dict[str, str]:
        missing = actors - self._names.keys()
        if missing:
            with self.db.engine.connect() as conn:
                found = dict(conn.execute(select(User.name, User.display_name)
                                          .where(User.name.in_(missing))).all())
            for name in missing:
                self._names[name] = found.get(name) or name
        return {a: self._names[a] for a in actors}

    def _forget_old(self) -> None:
        since = self.clock() - self.recent
        self._touches = {k: t for k, t in self._touches.items() if t.at >= since}

    def touched(self, kind: str, record_id: int) -> Touch | None:
        """Who of another account changed this row in the last few minutes, or None."""
        touch = self._touches.get((kind, record_id))
        if touch is None or touch.at < self.clock() - self.recent:
            return None
        return touch


class _Probe:
    """Enough of a Session for audit.current_actor: whose entries this program writes."""

    def __init__(self, db):
        self.info = {"antq_db": db}


def _watch_of(session: Session) -> ChangeWatch | None:
    db = session.info.get("antq_db")
    return getattr(db, "_change_watch", None) if db is not None else None


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    """After the trail's own after_flush (registered first): remember this transaction's
    entries as this program's."""
    base = session.info.get("audit_base")
    if base is None:
        return
    watch = _watch_of(session)
    if watch is not None:
        watch._flushed(session, base)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    own = session.info.pop("changes_own", None)
    if own is not None:
        own.done = True


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    own = session.info.pop("changes_own", None)
    watch = _watch_of(session)
    if own is not None and watch is not None:
        watch._rolled_back(own)
