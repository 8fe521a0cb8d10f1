"""Issue 15, the audit trail: an entry for each kind of action, written with the change;
append-only (triggers on SQLite and PostgreSQL); tampering found by ``check``."""

import json
import sqlite3
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from antq_desktop.db.models import AuditEntry
from antq_desktop.enums import TipResult, WeaponKind
from antq_desktop.reports.export import export_xlsx
from antq_desktop.reports.registry import Params
from antq_desktop.services import audit
from antq_desktop.services.activities import ActivityService, Kind, TipData, WeaponData
from antq_desktop.services.backup import check
from antq_desktop.services.indicators import IndicatorService
from antq_desktop.validation import FieldError
from tests.conftest import household, member, sqlite_only

TODAY = date(2026, 3, 10)


def trail(db):
    """The entries after the ward's set-up (the unit and its areas)."""
    with db.session() as s:
        return [(e.action, e.kind, e.record_id, json.loads(e.detail))
                for e in s.scalars(select(AuditEntry).where(AuditEntry.kind.not_in(
                    ("unit", "area", "setting"))).order_by(AuditEntry.id))]


def tip(area=None, content="Phát hiện nhóm thanh niên tụ tập"):
    return TipData(date(2026, 3, 1), area, content, False, TipResult.PENDING, 0, "")


def test_create_update_void_each_leave_an_entry(db, ward):
    acts = ActivityService(db)
    rid = acts.save(Kind.TIP, tip(ward[0]), today=TODAY)
    data, version = acts.get_versioned(Kind.TIP, rid)
    acts.save(Kind.TIP, replace(data, content="Nội dung đã sửa"), rid, today=TODAY,
              version=version)
    acts.void(Kind.TIP, rid, "Nhập nhầm", today=TODAY)
    entries = trail(db)
    assert [(a, k, r) for a, k, r, _ in entries] == [
        ("create", "tip", rid), ("update", "tip", rid), ("void", "tip", rid)]
    assert entries[0][3]["content"] == "Phát hiện nhóm thanh niên tụ tập"
    assert "folded" not in entries[0][3]  # no search cache in the trail
    assert entries[1][3] == {"content": ["Phát hiện nhóm thanh niên tụ tập", "Nội dung đã sửa"]}
    assert entries[2][3]["void_reason"] == ["", "Nhập nhầm"]
    with db.session() as s:
        rows = list(s.scalars(select(AuditEntry).where(AuditEntry.kind == "tip")))
        assert {e.area_id for e in rows} == {ward[0]}
        assert all(e.actor == audit.current_actor() for e in rows)


def test_history_has_vietnamese_labels(db, ward):
    acts = ActivityService(db)
    rid = acts.save(Kind.TIP, tip(ward[0]), today=TODAY)
    data, version = acts.get_versioned(Kind.TIP, rid)
    acts.save(Kind.TIP, replace(data, result=TipResult.CASE_SOLVED, valuable=True), rid,
              today=TODAY, version=version)
    changes = audit.history(db, "tip", rid)
    assert [e.action_label for e in changes] == ["Thêm mới", "Sửa"]
    edited = {c.field: (c.old, c.new) for c in changes[1].changes}
    assert edited["Kết quả"] == (TipResult.PENDING.label, TipResult.CASE_SOLVED.label)
    assert edited["Có giá trị"] == ("Không", "Có")
    created = {c.field: c.new for c in changes[0].changes}
    assert created["Ngày tiếp nhận"] == "01/03/2026"


def test_history_lines_merge_records_in_order_and_mask_for_a_viewer(db, ward):
    from antq_desktop.access import MASK, CurrentUser, Role
    from antq_desktop.services.households import HouseholdService
    from tests.conftest import household, member

    acts = ActivityService(db)
    first = acts.save(Kind.TIP, tip(ward[0]), today=TODAY)
    second = acts.save(Kind.TIP, tip(ward[0]), today=TODAY)
    lines = audit.history_lines(db, [("tip", second), ("tip", first), ("tip", None)])
    assert {line[2] for line in lines} == {"Thêm mới"}
    assert len(lines) == len(audit.history(db, "tip", first)[0].changes) * 2
    households = HouseholdService(db)
    hid = households.save(household(ward[0], "HK000777", [member(id_number="001080009876")]))
    rid = households.get(hid).members[0].id
    assert any(line[6] == "001080009876"
               for line in audit.history_lines(db, [("resident", rid)]))
    db.user = CurrentUser(id=None, name="xem", display_name="xem", role=Role.VIEWER)
    shown = audit.history_lines(db, [("resident", rid)])
    assert not any("001080009876" in cell for line in shown for cell in line)
    assert any(line[6] == MASK for line in shown)


def test_a_refused_save_leaves_no_entry(db, ward):
    acts = ActivityService(db)
    with pytest.raises(FieldError):
        acts.save(Kind.TIP, tip(area=9999), today=TODAY)
    assert trail(db) == []


def test_close_reopen_delete_and_merge(db, ward, households):
    hid = households.save(household(ward[0]), today=TODAY)
    households.move_away(hid, date(2026, 3, 5), "Chuyển nhà", today=TODAY)
    actions = [(a, k) for a, k, _r, _d in trail(db)]
    assert ("create", "household") in actions and ("create", "resident") in actions
    assert ("close", "household") in actions
    hid2 = households.save(household(ward[0], "HK000002", [member("Lê Thị Hoa",
                                                              id_number="")]), today=TODAY)
    households.sign_up(hid2, 2026, date(2026, 3, 1), today=TODAY)
    households.cancel_sign_up(hid2, 2026, today=TODAY)
    actions = [(a, k) for a, k, _r, _d in trail(db)]
    assert ("create", "household_signup") in actions
    assert ("delete", "household_signup") in actions


def test_merge_is_one_named_entry(db, ward, households):
    from antq_desktop.services.duplicates import DuplicateService
    from tests.conftest import member

    a = households.save(household(ward[0], "HK000001", [member("Lê Văn Bình",
                                                             id_number="")]), today=TODAY)
    b = households.save(household(ward[1], "HK000002", [member("Lê Văn Bình",
                                                             id_number="")]), today=TODAY)
    from antq_desktop.db.models import Resident
    with db.session() as s:
        keep, drop = (s.scalar(select(Resident.id).where(Resident.household_id == h))
                      for h in (a, b))
    DuplicateService(db).merge(keep, drop, today=TODAY)
    merges = [(r, d) for act, k, r, d in trail(db) if act == "merge"]
    assert merges and merges[-1][0] == keep and merges[-1][1]["merged"] == drop


def test_export_and_backup_are_recorded(db, ward, tmp_path):
    export_xlsx(db, "household-register", Params(2026, area_id=ward[0]),
                tmp_path / "bao-cao.xlsx")
    [(action, kind, _r, detail)] = [e for e in trail(db) if e[0] == "export"]
    assert kind == "report" and detail["form"] == "household-register"
    assert detail["file"] == "bao-cao.xlsx"
    assert detail["params"] == {"year": 2026, "area_id": ward[0]}
    assert detail["rows"] > 0


@sqlite_only
def test_backup_and_restore_are_recorded(db, ward, tmp_path):
    from antq_desktop.services.backup import backup_now, database_file, restore

    made = backup_now(db, folder=tmp_path / "copies")
    assert [e[3]["file"] for e in trail(db) if e[0] == "backup"] == [made.path.name]
    path = database_file(db)
    db.dispose()
    restore(path, made.path, folder=tmp_path / "copies")
    from antq_desktop.db.engine import open_database

    again = open_database(f"sqlite:///{path}")
    try:
        assert [e[0] for e in trail(again)][-1] == "restore"
        assert check(again) == []
    finally:
        again.dispose()


def test_import_is_one_entry(db, ward, tmp_path, pin_today):
    from antq_desktop.importing.columns import HOUSEHOLDS
    from antq_desktop.importing.reader import read_table
    from antq_desktop.importing.service import Options, run_import, undo
    from tests.importing.ugly import ugly_workbook

    pin_today(date(2026, 6, 1))
    path = tmp_path / "danh sach.xlsx"
    ugly_workbook(path)
    report = run_import(db, HOUSEHOLDS, read_table(path, HOUSEHOLDS),
                        Options(partial=True, backup=False, today=date(2026, 6, 1)))
    assert report.written and report.created > 1
    [(action, kind, batch, detail)] = [e for e in trail(db) if e[0] == "import"]
    assert {e[0] for e in trail(db)} == {"import"}  # the rows are not one entry each
    assert (action, kind, batch) == ("import", "import_batch", report.batch_id)
    assert detail["file"] == "danh sach.xlsx" and detail["created"] == report.created
    undo(db, report.batch_id, backup=False)
    assert [e[0] for e in trail(db)] == ["import", "undo_import"]  # the undo: one entry too
    assert audit.verify(db) == []


def test_record_for_the_login_helper(db):
    with db.session.begin() as s:
        audit.record(s, "login_failed", "user", None, user="canbo1")
    assert trail(db) == [("login_failed", "user", None, {"user": "canbo1"})]


def test_chain_links_every_entry(db, ward):
    acts = ActivityService(db)
    for n in range(3):
        acts.save(Kind.TIP, tip(ward[0], f"Tin số {n}"), today=TODAY)
    with db.session() as s:
        rows = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert rows[0].prev_hash == "" and all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:]))
    assert audit.verify(db) == []


def test_triggers_refuse_update_and_delete(db, ward):
    ActivityService(db).save(Kind.TIP, tip(ward[0]), today=TODAY)
    for sql in ("UPDATE audit_entry SET actor = 'ai đó'", "DELETE FROM audit_entry"):
        with pytest.raises(DBAPIError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text(sql))
    assert len(trail(db)) == 1


@sqlite_only
def test_check_finds_an_entry_edited_behind_the_triggers(db, ward, capsys):
    from antq_desktop.cli import run_check
    from antq_desktop.services.backup import database_file

    acts = ActivityService(db)
    acts.save(Kind.TIP, tip(ward[0]), today=TODAY)
    acts.save(Kind.WEAPON, WeaponData(TODAY, ward[0], WeaponKind.KNIFE, 2), today=TODAY)
    assert check(db) == []
    path = database_file(db)
    db.dispose()
    con = sqlite3.connect(path)
    con.execute("DROP TRIGGER audit_entry_no_update")
    con.execute("UPDATE audit_entry SET actor = 'người khác' WHERE id = 1")
    con.commit()
    con.close()
    assert run_check(f"sqlite:///{path}") == 1
    err = capsys.readouterr().err
    assert "nội dung mục số 1" in err and "đã bị sửa" in err
    assert "thiếu trigger audit_entry_no_update" in err


@sqlite_only
def test_check_finds_a_removed_entry(db, ward):
    from antq_desktop.services.backup import database_file

    acts = ActivityService(db)
    for n in range(3):
        acts.save(Kind.TIP, tip(ward[0], f"Tin số {n}"), today=TODAY)
    path = database_file(db)
    con = sqlite3.connect(path)
    con.execute("DROP TRIGGER audit_entry_no_delete")
    con.execute("DELETE FROM audit_entry WHERE id = 2")
    con.commit()
    con.close()
    problems = check(db)
    assert any("mục số 3" in p and "không nối tiếp" in p for p in problems)


def test_voided_records_leave_lists_counts_and_indicators(db, ward):
    acts = ActivityService(db)
    keep = acts.save(Kind.TIP, tip(ward[0], "Tin thật"), today=TODAY)
    gone = acts.save(Kind.TIP, tip(ward[0], "Nhập nhầm"), today=TODAY)
    before = IndicatorService(db).table(2026, today=TODAY).ward.figures
    acts.void(Kind.TIP, gone, "Trùng với tin đã nhập", today=TODAY)
    assert [r.id for r in acts.rows(Kind.TIP)] == [keep]
    assert acts.counts(2026)[Kind.TIP] == 1
    assert [(r.id, why) for r, _at, why in acts.voided(Kind.TIP)] == [
        (gone, "Trùng với tin đã nhập")]
    after = IndicatorService(db).table(2026, today=TODAY).ward.figures
    changed = [c for c in before if before[c] != after[c]]
    assert changed and all(after[c].this < before[c].this for c in changed)
    with pytest.raises(FieldError, match="lý do"):
        acts.void(Kind.TIP, keep, "  ", today=TODAY)
    with db.session() as s:  # never removed from the database
        assert s.scalar(text("SELECT count(*) FROM tip")) == 2


def test_voiding_a_rehabilitation_evaluation_is_a_void_entry(db, ward):
    """Rehabilitation entries keep the day they were voided (``voided_on``), activities the
    moment (``voided_at``): both are "void" in the trail, with the reason."""
    from antq_desktop.enums import Classification, Regime
    from antq_desktop.regimes import Period
    from antq_desktop.services.rehabilitation import (
        CaseData,
        EvaluationData,
        RehabilitationService,
    )

    rehab = RehabilitationService(db)
    cid = rehab.save(CaseData("Lê Văn An", Regime.REINTEGRATION, date(2025, 6, 1),
                              area_id=ward[0]), today=TODAY)
    q4 = Period(2025, 4, 3)
    eid = rehab.add_evaluation(cid, EvaluationData(q4.last_day, q4, Classification.A),
                               today=TODAY)
    rehab.void_evaluation(cid, eid, "Nhầm kỳ", today=TODAY)
    voids = [(k, r, d) for a, k, r, d in trail(db) if a == "void"]
    assert [(k, r) for k, r, _ in voids] == [("rehab_evaluation", eid)]
    assert voids[0][2]["void_reason"] == ["", "Nhầm kỳ"]
    assert [e.action_label for e in audit.history(db, "rehab_evaluation", eid)][-1] == "Hủy"
