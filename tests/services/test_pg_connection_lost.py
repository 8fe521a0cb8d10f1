"""The server goes away in the middle of a session and comes back (issue 18, server
operations): a save during the outage is refused with "Mất kết nối tới máy chủ …", nothing of
it is written, the typed data is untouched, and the same save works once the server answers
again. PostgreSQL only: the outage is made by terminating the program's backends
(pg_terminate_backend) and refusing new connections to its database for a while."""

from __future__ import annotations

import copy
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import DBAPIError

from antq_desktop.db.engine import database_error_message, open_database
from antq_desktop.services.households import HouseholdService
from antq_desktop.services.unit import UnitInfo, UnitService
from antq_desktop.ui.widgets.messages import save_failure
from tests.conftest import PG_URL, household, member
from tests.services.pgtools import needs_pg, scratch_database

pytestmark = needs_pg

TODAY = date(2026, 3, 2)


def _password_shown(message: str, url: str) -> bool:
    from sqlalchemy.engine import make_url

    return f":{make_url(url).password}@" in message or "@" in message


@pytest.fixture
def server():
    """(url, database, service, household id, outage control) on a scratch database."""
    with scratch_database("outage") as url:
        db = open_database(url)
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        name = db.engine.url.database
        try:
            units = UnitService(db)
            units.save(UnitInfo(province_code=1, province_name="Thành phố Hà Nội", ward_code=70,
                                ward_name="Phường Hoàn Kiếm", place_name="Phường Hoàn Kiếm",
                                header_superior="CÔNG AN THÀNH PHỐ HÀ NỘI",
                                header_issuer="CÔNG AN PHƯỜNG HOÀN KIẾM"))
            area = units.add_area("Tổ dân phố số 1")
            service = HouseholdService(db)
            hid = service.save(household(area, members=[member()]), today=TODAY)

            @contextmanager
            def outage():
                with admin.connect() as conn:
                    conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
                    conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                      "WHERE datname = :n"), {"n": name})
                    try:
                        yield
                    finally:
                        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))

            yield url, db, service, hid, outage
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            admin.dispose()
            db.dispose()


def test_a_save_during_an_outage_is_refused_clearly_and_works_once_the_server_is_back(server):
    url, db, service, hid, outage = server
    typed = service.get(hid)
    typed.address = "15 Hàng Bạc"
    kept = copy.deepcopy(typed)
    with outage():
        with pytest.raises(DBAPIError) as caught:
            service.save(typed, today=TODAY)
    message = save_failure(caught.value, url)
    assert message.startswith("Mất kết nối tới máy chủ cơ sở dữ liệu localhost")
    assert "dữ liệu đang nhập vẫn giữ nguyên, hãy thử lại" in message
    assert not _password_shown(message, url)
    cli_message = database_error_message(caught.value, url)  # the command line's and the GUI's
    assert cli_message.startswith("Mất kết nối tới máy chủ cơ sở dữ liệu")  # error handler
    assert not _password_shown(cli_message, url)
    assert typed == kept  # what the officer typed is untouched, ready for another try

    hid_again = service.save(typed, today=TODAY)  # the server is back: the same save works
    assert hid_again == hid
    saved = service.get(hid)
    assert saved.address == "15 Hàng Bạc"
    assert saved.version == typed.version + 1  # written once: the failed try wrote nothing


def test_a_connection_dropped_in_the_middle_of_a_save_loses_nothing(server):
    url, db, service, hid, _outage = server
    typed = service.get(hid)
    typed.address = "20 Hàng Bạc"
    typed.members[0].occupation = "Kỹ sư"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    killed = []

    def kill_own_backend(conn, cursor, statement, params, context, executemany):
        if not killed and statement.lstrip().upper().startswith("UPDATE"):
            pid = cursor.connection.info.backend_pid
            with admin.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
            killed.append(pid)

    event.listen(db.engine, "before_cursor_execute", kill_own_backend)
    try:
        with pytest.raises(DBAPIError) as caught:
            service.save(typed, today=TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", kill_own_backend)
        admin.dispose()
    assert killed
    assert "Mất kết nối tới máy chủ cơ sở dữ liệu" in save_failure(caught.value, url)
    assert service.get(hid).address == "12 Hàng Bạc"  # nothing of the half-done save
    service.save(typed, today=TODAY)
    assert service.get(hid).address == "20 Hàng Bạc"


def test_a_server_restarted_while_idle_is_not_noticed(server):
    """Connections the server dropped while nobody saved are replaced when next taken
    (pool_pre_ping): the first save afterwards simply works."""
    url, db, service, hid, outage = server
    typed = service.get(hid)
    with outage():
        pass  # every backend of the program is gone; the server accepts connections again
    typed.address = "30 Hàng Bạc"
    service.save(typed, today=TODAY)
    assert service.get(hid).address == "30 Hàng Bạc"
