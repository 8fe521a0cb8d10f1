"""Accounts of the officers who use the program, their areas and failed logins (docs/USERS.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamped, Versioned


class User(Versioned, Timestamped, Base):
    """One account. ``role`` is an access.Role value; ``areas`` empty: every area. Never
    deleted (the audit trail names it): ``disabled`` instead. ``unit_id``: the ward it works
    in (empty on an account made before the ward was set up: the store's ward); ``province``:
    a province account, which reads every ward and writes nothing (migration 0016)."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))  # the login name, as typed
    name_folded: Mapped[str] = mapped_column(String(50), unique=True)  # what a login matches
    display_name: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id, with its parameters
    must_change: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    failed_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)  # UTC, naive
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    province: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    areas: Mapped[list[UserArea]] = relationship(cascade="all, delete-orphan",
                                                 order_by="UserArea.area_id")


class UserArea(Base):
    """An area an area-limited account may work on."""

    __tablename__ = "app_user_area"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), primary_key=True)


class LoginFailure(Base):
    """One failed login: the name typed (folded, never the password), when, and why."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    name_typed: Mapped[str] = mapped_column(String(50))
    at: Mapped[datetime] = mapped_column(DateTime)  # UTC, naive
    reason: Mapped[str] = mapped_column(String(20))  # password | unknown | disabled | locked
