"""No message of the command line shows a database password (issue 18, "passwords never
printed"): every command given a PostgreSQL URL with a password, on a server that cannot be
reached, a driver that is not installed, or an address that is not a URL, fails with one
Vietnamese line that names the server, never the password. No server is needed."""

from __future__ import annotations

import pytest

from antq_desktop.cli import main
from antq_desktop.db.engine import masked_url

SECRET = "Mk-b1-mat-9"
URLS = {
    "unreachable": f"postgresql+psycopg2://antq:{SECRET}@127.0.0.1:1/antq_nowhere",
    "in the query": f"postgresql+psycopg2://antq@127.0.0.1:1/antq_nowhere?password={SECRET}",
    "no driver": f"postgresql+nosuchdriver://antq:{SECRET}@127.0.0.1:1/antq_nowhere",
    "unknown scheme": f"oracle://antq:{SECRET}@127.0.0.1:1/antq_nowhere",
    "not a URL": f"postgresql+psycopg2://antq:{SECRET}@[bad/antq",
}
COMMANDS = [
    ["check"], ["backup"], ["backups"], ["restore", "x.dump"], ["demo", "--households", "1"],
    ["export", "yearend", "--year", "2026", "-o", "{tmp}/a.xlsx"],
    ["import", "{tmp}/a.csv"], ["imports"], ["undo-import", "1"],
    ["audit", "-o", "{tmp}/a.xlsx"], ["users", "list"], [],
]


@pytest.mark.parametrize("kind", list(URLS))
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:1]) or "gui")
def test_no_command_prints_the_password(capsys, tmp_path, monkeypatch, kind, command):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setenv("ANTQ_QUIT_AFTER_MS", "1")  # the GUI, if it got that far, says it on stderr
    (tmp_path / "a.csv").write_text("Mã hộ\n", encoding="utf-8")
    argv = ["--db", URLS[kind], *[part.format(tmp=tmp_path) for part in command]]
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    assert exc.value.code != 0
    assert SECRET not in out + err
    assert "Traceback" not in err
    assert err.startswith("antq-desktop") or "Cách dùng" in err


@pytest.mark.parametrize("kind", list(URLS))
def test_masked_url_hides_every_password(kind):
    assert SECRET not in masked_url(URLS[kind])


def test_a_server_database_of_another_program_is_named_without_its_password(capsys):
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from tests.services.pgtools import PG_URL, scratch_database

    if not PG_URL:
        pytest.skip("PostgreSQL only (ANTQ_TEST_PG_URL)")
    with scratch_database("other") as url:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE other_program (id int)"))
        engine.dispose()
        with pytest.raises(SystemExit):
            main(["--db", url, "check"])
        _out, err = capsys.readouterr()
    assert "không phải cơ sở dữ liệu của ANTQ Desktop" in err
    assert f":{make_url(url).password}@" not in err and "***" in err
