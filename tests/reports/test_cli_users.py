"""The command line as a named user: users add/list/disable, --user with ANTQ_PASSWORD."""

import pytest

from antq_desktop.cli import main

PASSWORD = "mật-khẩu-1"


def run(capsys, *argv):
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def test_single_user_mode_until_the_first_account(capsys, tmp_path, monkeypatch):
    path = str(tmp_path / "antq.db")
    monkeypatch.delenv("ANTQ_USER", raising=False)
    monkeypatch.delenv("ANTQ_PASSWORD", raising=False)
    assert run(capsys, "--db", path, "demo", "--households", "5")[0] == 0
    code, out, _ = run(capsys, "--db", path, "users", "list")
    assert code == 0 and "users add TÊN --role admin" in out
    assert run(capsys, "--db", path, "check")[0] == 0  # works as before, no account needed
    monkeypatch.setenv("ANTQ_NEW_PASSWORD", PASSWORD)
    code, _, err = run(capsys, "--db", path, "users", "add", "ngan", "--role", "viewer")
    assert code == 1 and "Quản trị" in err
    assert run(capsys, "--db", path, "users", "add", "quantri", "--role", "admin")[0] == 0
    # from now on every command needs an account
    code, _, err = run(capsys, "--db", path, "check")
    assert code == 1 and "--user" in err
    monkeypatch.setenv("ANTQ_PASSWORD", "sai-mật-khẩu")
    code, _, err = run(capsys, "--db", path, "--user", "quantri", "check")
    assert code == 1 and "không đúng" in err and "Traceback" not in err
    monkeypatch.setenv("ANTQ_PASSWORD", PASSWORD)
    assert run(capsys, "--db", path, "--user", "quantri", "check")[0] == 0
    assert run(capsys, "--db", path, "--user", "quantri", "users", "add", "chixem",
               "--role", "Chỉ xem")[0] == 0
    code, out, _ = run(capsys, "--db", path, "--user", "quantri", "users", "list")
    assert "chixem\tChỉ xem" in out and "quantri\tQuản trị" in out
    # a viewer can neither export nor add accounts
    out_file = tmp_path / "x.xlsx"
    code, _, err = run(capsys, "--db", path, "--user", "chixem", "export", "yearend-summary",
                       "--year", "2025", "-o", str(out_file))
    assert code == 1 and "in hoặc xuất" in err and not out_file.exists()
    code, _, err = run(capsys, "--db", path, "--user", "chixem", "users", "add", "x1",
                       "--role", "clerk")
    assert code == 1 and "quản lý tài khoản" in err
    assert run(capsys, "--db", path, "--user", "quantri", "users", "disable", "chixem")[0] == 0
    code, _, err = run(capsys, "--db", path, "--user", "chixem", "check")
    assert code == 1 and "đã bị khóa" in err
