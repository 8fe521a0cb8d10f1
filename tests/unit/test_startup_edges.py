"""What a broken installation or a Windows pipe meets at start: clear Vietnamese lines."""

import io
import sys

import pytest

from antq_desktop import cli
from antq_desktop.db import engine


def test_an_installation_without_its_migrations_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "MIGRATIONS", tmp_path / "migrations")  # missing
    with pytest.raises(engine.DatabaseOpenError, match="Thiếu các tệp nâng cấp cơ sở dữ liệu"):
        engine.open_database(f"sqlite:///{tmp_path / 'a.db'}")
    (tmp_path / "migrations").mkdir()  # there, but empty
    with pytest.raises(engine.DatabaseOpenError, match="hãy cài lại chương trình"):
        engine.open_database(f"sqlite:///{tmp_path / 'a.db'}")
    assert not (tmp_path / "a.db").exists()


def test_vietnamese_goes_through_a_pipe_in_a_windows_code_page(monkeypatch):
    raw = io.BytesIO()
    pipe = io.TextIOWrapper(raw, encoding="cp1252")  # what Windows gives a redirected stream
    monkeypatch.setattr(sys, "stdout", pipe)
    with pytest.raises(UnicodeEncodeError):
        print("Đã tạo phường mẫu", file=pipe, flush=True)
    cli._utf8_streams()
    print("Đã tạo phường mẫu", file=sys.stdout, flush=True)
    assert raw.getvalue().decode("utf-8").endswith("Đã tạo phường mẫu\n")


def test_a_start_failure_in_a_smoke_test_goes_to_stderr(monkeypatch, capsys):
    from antq_desktop.ui import app as app_module

    monkeypatch.setenv(app_module.QUIT_AFTER_ENV, "100")
    monkeypatch.setattr(app_module.QMessageBox, "critical",
                        lambda *a: pytest.fail("no box in a smoke test"))
    assert app_module._stop("Tệp x bị hỏng.") == 1
    assert capsys.readouterr().err == "antq-desktop: Tệp x bị hỏng.\n"
