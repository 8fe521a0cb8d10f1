"""Two clients starting at once on one PostgreSQL server never both upgrade (issue 18, server
operations): the upgrade transaction holds an advisory lock (migrations/env.py); the second
waits, then finds the head revision and does nothing. PostgreSQL only."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from antq_desktop.db import engine as db_engine
from antq_desktop.db.engine import DatabaseOpenError, head_revision, open_database
from tests.services.pgtools import needs_pg, scratch_database

pytestmark = needs_pg

ROOT = Path(__file__).resolve().parents[2]
OPEN = """
import logging, sys
logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s %(message)s")
from antq_desktop.db.engine import open_database
open_database(sys.argv[1]).dispose()
print("opened")
"""


def _waiters(conn) -> int:
    return conn.execute(text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )).scalar()


def test_two_clients_starting_at_once_upgrade_once():
    with scratch_database("lock") as url:
        holder = create_engine(url)
        watcher = create_engine(url, isolation_level="AUTOCOMMIT")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        try:
            with holder.connect() as held, watcher.connect() as watch:
                # a third client is "upgrading": it holds the lock until we let go
                held.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                             {"k": db_engine.UPGRADE_LOCK_KEY})
                procs = [subprocess.Popen([sys.executable, "-c", OPEN, url], env=env,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          text=True) for _ in range(2)]
                deadline = time.monotonic() + 60
                while _waiters(watch) < 2 and time.monotonic() < deadline:
                    assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
                    time.sleep(0.1)
                assert _waiters(watch) == 2  # both are inside their upgrade, waiting
                held.rollback()  # the lock goes with the transaction
            outputs = [p.communicate(timeout=120) for p in procs]
        finally:
            holder.dispose()
            watcher.dispose()
        assert [p.returncode for p in procs] == [0, 0], outputs
        assert all(out.strip() == "opened" for out, _err in outputs)
        ran = [err.count("Running upgrade") for _out, err in outputs]
        assert sorted(ran)[0] == 0 and sorted(ran)[1] >= 1, ran  # one upgraded, one did nothing
        check = create_engine(url)
        try:
            with check.connect() as conn:
                assert conn.execute(text("SELECT version_num FROM alembic_version")
                                    ).scalars().all() == [head_revision()]
        finally:
            check.dispose()


def test_a_long_upgrade_elsewhere_is_said_and_nothing_is_changed(monkeypatch):
    monkeypatch.setattr(db_engine, "UPGRADE_WAIT_S", 0.5)
    with scratch_database("lock") as url:
        holder = create_engine(url)
        try:
            with holder.connect() as held:
                held.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                             {"k": db_engine.UPGRADE_LOCK_KEY})
                with pytest.raises(DatabaseOpenError) as caught:
                    open_database(url)
                held.rollback()
                tables = held.execute(text(
                    "SELECT count(*) FROM information_schema.tables "
                    "WHERE table_schema = 'public'")).scalar()
        finally:
            holder.dispose()
        message = str(caught.value)
        assert "Một máy khác đang nâng cấp cơ sở dữ liệu" in message
        assert "mở lại" in message
        password = db_engine.make_url(url).password
        assert password and f":{password}@" not in message and "@" not in message
        assert tables == 0  # rolled back: still empty
        open_database(url).dispose()  # once the other one is done, it opens and upgrades
