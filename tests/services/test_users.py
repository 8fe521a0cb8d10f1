"""Accounts: argon2id hashes, lock-out after five failures, password change and reset."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from antq_desktop.access import PermissionDenied, Role
from antq_desktop.db.models import LoginFailure, User
from antq_desktop.services.users import LoginError, UserService, login
from antq_desktop.validation import FieldError

NOW = datetime(2026, 1, 5, 8, 0)
PASSWORD = "mật-khẩu-1"


@pytest.fixture
def users(db):
    service = UserService(db)
    service.add("quantri", PASSWORD, Role.ADMIN, "Nguyễn Văn Hùng")
    service.add("chixem", PASSWORD, Role.VIEWER)
    return service


def test_the_first_account_must_be_an_administrator(db):
    service = UserService(db)
    assert not service.has_users()
    with pytest.raises(FieldError, match="Quản trị"):
        service.add("nhaplieu", PASSWORD, Role.CLERK)
    service.add("QuanTri", PASSWORD, Role.ADMIN)
    assert service.has_users()
    with pytest.raises(FieldError, match="đã có"):
        service.add("quantri", PASSWORD, Role.VIEWER)  # names match without case


def test_passwords_are_argon2id_hashes_never_the_text(db, users):
    with db.session() as s:
        stored = s.scalar(select(User.password_hash).where(User.name == "quantri"))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert users.authenticate("QUANTRI", PASSWORD).role is Role.ADMIN
    with pytest.raises(FieldError, match="ít nhất 8"):
        users.add("ngan", "1234", Role.VIEWER)


def test_the_program_hashes_with_argon2s_recommended_parameters():
    """The suite hashes cheaply (tests/conftest.py); the program's own hasher is argon2id
    with the RFC 9106 low-memory profile, 64 MiB and three passes."""
    from argon2 import Type, profiles

    from antq_desktop.services import users as module
    from tests.conftest import PROGRAM_HASHER

    kept = list(module._HASHER)
    module._HASHER.clear()
    try:
        hasher = PROGRAM_HASHER()
    finally:
        module._HASHER[:] = kept
    wanted = profiles.RFC_9106_LOW_MEMORY
    assert (hasher.type, hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (
        Type.ID, wanted.time_cost, wanted.memory_cost, wanted.parallelism)
    assert hasher.memory_cost == 65536 and hasher.hash(PASSWORD).startswith("$argon2id$")


def test_five_failures_in_a_row_lock_the_account_for_five_minutes(db, users):
    for i in range(4):
        with pytest.raises(LoginError, match="không đúng"):
            users.authenticate("quantri", "sai", now=NOW + timedelta(seconds=i))
    with pytest.raises(LoginError, match="5 lần liên tiếp"):
        users.authenticate("quantri", "sai", now=NOW + timedelta(seconds=5))
    with pytest.raises(LoginError, match="bị khóa"):  # even the right password, for now
        users.authenticate("quantri", PASSWORD, now=NOW + timedelta(minutes=4))
    assert users.authenticate("quantri", PASSWORD, now=NOW + timedelta(minutes=5, seconds=6))
    with db.session() as s:
        reasons = s.scalars(select(LoginFailure.reason).order_by(LoginFailure.id)).all()
        typed = set(s.scalars(select(LoginFailure.name_typed)))
    assert reasons == ["password"] * 5 + ["locked"]
    assert typed == {"quantri"}  # the name, never the password
    with pytest.raises(LoginError, match="không đúng"):
        users.authenticate("không-có-ai", "x", now=NOW)
    assert users.failures("không-có-ai") == 1


def test_a_success_resets_the_count(db, users):
    for _ in range(4):
        with pytest.raises(LoginError):
            users.authenticate("quantri", "sai", now=NOW)
    users.authenticate("quantri", PASSWORD, now=NOW)
    for _ in range(4):
        with pytest.raises(LoginError, match="không đúng"):
            users.authenticate("quantri", "sai", now=NOW)


def test_a_disabled_account_cannot_log_in(db, users):
    users.disable("chixem")
    with pytest.raises(LoginError, match="đã bị khóa"):
        users.authenticate("chixem", PASSWORD)
    users.disable("chixem", False)
    users.authenticate("chixem", PASSWORD)


def test_password_change_and_the_admin_reset(db, users):
    with pytest.raises(FieldError, match="không khớp"):
        users.change_password("chixem", PASSWORD, "mới-12345", "mới-1234")
    with pytest.raises(LoginError):
        users.change_password("chixem", "sai-cũ-123", "mới-12345", "mới-12345")
    users.change_password("chixem", PASSWORD, "mới-12345", "mới-12345")
    users.authenticate("chixem", "mới-12345")
    login(db, "quantri", PASSWORD)
    users.reset_password("chixem", "tạm-thời-1")
    assert users.must_change("chixem")
    with pytest.raises(LoginError):
        users.authenticate("chixem", "mới-12345")
    users.change_password("chixem", "tạm-thời-1", "riêng-tôi-1", "riêng-tôi-1")
    assert not users.must_change("chixem")


def test_only_an_admin_manages_accounts(db, users):
    login(db, "chixem", PASSWORD)
    with pytest.raises(PermissionDenied, match="quản lý tài khoản"):
        users.add("ngan", PASSWORD, Role.CLERK)
    with pytest.raises(PermissionDenied):
        users.reset_password("quantri", "tạm-thời-1")
    with pytest.raises(PermissionDenied):
        users.list()
    login(db, "quantri", PASSWORD)
    with pytest.raises(FieldError, match="ít nhất một Quản trị"):
        users.set_role("quantri", Role.VIEWER)
    with pytest.raises(FieldError, match="không tự khóa"):
        users.disable("quantri")
    assert [u.name for u in users.list()] == ["chixem", "quantri"]


def test_every_account_call_is_refused_to_a_non_admin(db, users):
    users.add("lanhdao", PASSWORD, Role.LEADER)
    login(db, "lanhdao", PASSWORD)  # may sign off periods, not manage accounts
    calls = [lambda: users.list(), lambda: users.add("ngan", PASSWORD, Role.CLERK),
             lambda: users.set_role("chixem", Role.CLERK, (), "Ai đó"),
             lambda: users.disable("chixem"), lambda: users.disable("chixem", False),
             lambda: users.reset_password("chixem", "tạm-thời-1", "tạm-thời-1")]
    for call in calls:
        with pytest.raises(PermissionDenied, match="không được quản lý tài khoản"):
            call()
    login(db, "quantri", PASSWORD)
    info = users.get("chixem")
    assert info.role is Role.VIEWER and not info.disabled and not info.must_change


def test_the_second_password_must_match_and_the_full_name_changes(db, users):
    login(db, "quantri", PASSWORD)
    with pytest.raises(FieldError, match="Nhập lại mật khẩu: không khớp"):
        users.add("ngan", PASSWORD, Role.CLERK, again="khác-hẳn-1")
    with pytest.raises(FieldError, match="Nhập lại mật khẩu"):
        users.reset_password("chixem", "tạm-thời-1", "tạm-thời-2")
    users.add("ngan", PASSWORD, Role.CLERK, "Ngân", must_change=True, again=PASSWORD)
    users.set_role("ngan", Role.LEADER, display_name="  Hoàng   Thị Ngân ")
    info = users.get("ngan")
    assert info.role is Role.LEADER and info.display_name == "Hoàng Thị Ngân" and info.must_change


def test_logins_and_password_changes_are_named_in_the_trail(db, users):
    from antq_desktop.services import audit

    with pytest.raises(LoginError):
        users.authenticate("chixem", "sai-mật-khẩu")
    with pytest.raises(LoginError):
        users.authenticate("matkhau-go-nham", "x")  # no such account: no name recorded
    login(db, "chixem", PASSWORD)
    users.change_password("chixem", PASSWORD, "mới-hẳn-123", "mới-hẳn-123")
    # newest first; the change checks the old password as a login does
    me = users.get("chixem").id
    assert [(e.action, e.record_id) for e in audit.entries(db)][:5] == [
        ("password_change", me), ("login", me), ("login", me), ("login_failed", None),
        ("login_failed", me)]
    failed = audit.entries(db, audit.Filter(action="login_failed"))
    assert failed[-1].actor == "chixem" and failed[-1].changes[0].new == "password"
    assert all(e.actor != "matkhau-go-nham" for e in audit.entries(db))
    assert not [e for e in audit.entries(db) if e.kind == "login_failure"]
    assert all(c.field != "password_hash" for e in audit.entries(db) for c in e.changes)
