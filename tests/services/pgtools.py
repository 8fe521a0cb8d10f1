"""Helpers of the PostgreSQL-only tests (skipped without ANTQ_TEST_PG_URL): a scratch database
of their own beside the suite's, so that they can start from nothing, drop and restore."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL

needs_pg = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only (ANTQ_TEST_PG_URL)")


def _admin():
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT")


def drop_database(name: str) -> None:
    engine = _admin()
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        engine.dispose()


@contextmanager
def scratch_database(suffix: str):
    """A new, empty database named after the suite's plus ``suffix``; its URL (with the
    password, as the program is given it). Dropped afterwards."""
    url = make_url(PG_URL)
    name = f"{url.database}_{suffix}"
    drop_database(name)
    engine = _admin()
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        drop_database(name)
