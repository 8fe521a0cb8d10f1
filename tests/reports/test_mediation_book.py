"""The mediation team's book (issue 11), opened as a file: one continuous book per team whose
cases are numbered from its opening, never from 1 each year; the cover's number and opening day
come from the team dialog; no police letterhead, place and date or signature block anywhere;
Part II in the model's columns; the note column holds the typed note only."""

import re
from datetime import date

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QDialog

from antq_desktop.enums import CaseOrigin, MediationStatus, MediationType, Sex
from antq_desktop.reports.export import export_xlsx
from antq_desktop.reports.forms.mediation_book import SIGNING_HEIGHT
from antq_desktop.reports.registry import Params
from antq_desktop.services.mediation import CaseData, MediationService, MediatorData, PartyData
from antq_desktop.services.mediation_stats import MediationStats
from antq_desktop.ui.mediation.teams import TeamDialog

TODAY = date(2026, 11, 20)
S, T = MediationStatus, MediationType
TEAM = "Tổ hòa giải Tổ dân phố số 1"
NOTE_B1 = "Hai bên đã ký biên bản hòa giải thành."
NOTE_B3 = "Bà Lan xin hoãn vì đang nằm viện."


@pytest.fixture(autouse=True)
def _pinned(pin_today):
    pin_today(TODAY)


@pytest.fixture
def team(db, ward):
    """Team 1 with three mediators and seven cases over three years, no book data stored:

    2024: a0 · 2025: a1, a2 · 2026: b1 (note typed), b2, b3 (late, note typed), b4 (late)."""
    med = MediationService(db)
    med.ensure_teams()
    team_id = med.team_for_area(ward[0])
    data = med.get_team(team_id)
    data.mediators = [MediatorData("Nguyễn Văn Hòa", Sex.MALE, 1958, is_leader=True),
                      MediatorData("Trần Thị Bích", Sex.FEMALE, 1965),
                      MediatorData("Lê Quang Minh", Sex.MALE, 1970)]
    med.save_team(data, today=TODAY)
    people = [m.id for m in med.get_team(team_id).mediators]

    def case(received, case_type, status=S.IN_PROGRESS, closed=None, who=(0,), notes="",
             origin=CaseOrigin.PARTY_REQUEST):
        agreement = "Hai bên thống nhất." if status is S.SUCCEEDED else ""
        return med.save(CaseData(
            team_id=team_id, received_on=received, origin=origin, case_type=case_type,
            content=f"Vụ việc nhận ngày {received:%d/%m/%Y}",
            parties=[PartyData("Hoàng Văn Khải", birth_year=1971), PartyData("Vũ Thị Lan")],
            mediator_ids=[people[i] for i in who], status=status, closed_on=closed,
            agreement=agreement, notes=notes), today=TODAY)

    case(date(2024, 11, 5), T.EVERYDAY, S.SUCCEEDED, date(2024, 11, 7))
    case(date(2025, 3, 10), T.LAND, S.FAILED, date(2025, 3, 20), who=(2,))
    case(date(2025, 12, 20), T.EVERYDAY, S.SUCCEEDED, date(2026, 1, 3), who=(1,))
    case(date(2026, 1, 5), T.FAMILY, S.SUCCEEDED, date(2026, 1, 8), who=(0, 1), notes=NOTE_B1)
    case(date(2026, 2, 10), T.CIVIL, S.STOPPED, date(2026, 2, 12), who=())
    case(date(2026, 10, 1), T.EVERYDAY, origin=CaseOrigin.ASSIGNED, who=(2,), notes=NOTE_B3)
    case(date(2026, 10, 20), T.EVERYDAY, origin=CaseOrigin.ASSIGNED, who=(2,))
    return team_id


def _book(db, tmp_path, year, area_id=None):
    path = tmp_path / f"book-{year}-{area_id}.xlsx"
    export_xlsx(db, "mediation-book", Params(year, area_id=area_id), path)
    return load_workbook(path)


def _rows(ws):
    return [[c.value for c in row] for row in ws.iter_rows()]


def _texts(ws):
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def _body(ws, columns):
    """The rows under the table's "(1) (2) …" row, and the sheet row of the first of them."""
    rows = _rows(ws)
    n = rows.index([f"({i})" for i in range(1, columns + 1)])
    return rows[n + 1:], n + 2


def _numbers(wb):
    body, _ = _body(wb["Phần I"], 10)
    return [r[0] for r in body]


def _edit_in_dialog(qtbot, db, team_id, number, opened, closed=""):
    """Types the book's number and days in the team dialog, as the officer does, and saves."""
    med = MediationService(db)
    dialog = TeamDialog(med, med.get_team(team_id), "Tổ dân phố số 1")
    qtbot.addWidget(dialog)
    dialog.book_number.setText(number)
    dialog.book_opened.setText(opened)
    dialog.book_closed.setText(closed)
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.error.text()


def test_one_continuous_book_numbered_from_the_teams_first_case(db, ward, team, tmp_path):
    # no opening day stored: the book runs from the team's first case (November 2024)
    assert _numbers(_book(db, tmp_path, 2024, ward[0])) == [1]
    assert _numbers(_book(db, tmp_path, 2025, ward[0])) == [2, 3]
    wb = _book(db, tmp_path, 2026, ward[0])
    assert _numbers(wb) == [4, 5, 6, 7]  # not 1–4: the book does not restart with the year
    assert f"{TEAM} — năm 2026: vụ, việc số 4 đến số 7" in _texts(wb["Phần I"])
    body, _ = _body(wb["Phần I"], 10)
    assert [r[1].date() for r in body] == [date(2026, 1, 5), date(2026, 2, 10),
                                           date(2026, 10, 1), date(2026, 10, 20)]
    # the ward-wide print numbers the same cases the same way
    ward_wide = _book(db, tmp_path, 2026)
    part_one, _ = _body(ward_wide["Tổ dân phố số 1 - Phần I"], 10)
    assert [r[0] for r in part_one] == [4, 5, 6, 7]
    # the cover has no year, and dots to fill by hand for what is not stored
    cover = _texts(wb["Bìa"])
    assert not any(re.search(r"\b20\d\d\b", t) for t in cover)
    assert "Quyển số: ……" in cover
    assert "Mở ngày …… tháng …… năm ……" in cover and "Khóa ngày …… tháng …… năm ……" in cover


def test_number_and_opening_day_from_the_team_dialog(qtbot, db, ward, team, tmp_path):
    _edit_in_dialog(qtbot, db, team, "02", "02/01/2025")
    wb = _book(db, tmp_path, 2026, ward[0])
    cover = _texts(wb["Bìa"])
    assert "Quyển số: 02" in cover and "Mở ngày 02 tháng 01 năm 2025" in cover
    assert "Khóa ngày …… tháng …… năm ……" in cover
    # the book opens on 02/01/2025: the 2024 case belongs to the book before this one
    assert _numbers(wb) == [3, 4, 5, 6]
    assert _numbers(_book(db, tmp_path, 2025, ward[0])) == [1, 2]
    quiet = _texts(_book(db, tmp_path, 2024, ward[0])["Phần I"])
    assert "(Năm 2024 chưa có vụ, việc hòa giải nào.)" in quiet
    book = MediationStats(db).book(team, 2026, today=TODAY)
    assert (book.book_number, book.opened_on, book.earlier, book.later) == (
        "02", date(2025, 1, 2), 2, 0)


def test_a_closed_book_keeps_the_cases_up_to_its_closing_day(qtbot, db, ward, team, tmp_path):
    _edit_in_dialog(qtbot, db, team, "02", "02/01/2025", "30/06/2026")
    wb = _book(db, tmp_path, 2026, ward[0])
    assert "Khóa ngày 30 tháng 6 năm 2026" in _texts(wb["Bìa"])
    assert _numbers(wb) == [3, 4]  # the October cases go into the next book


def test_no_police_letterhead_place_date_or_signature(db, ward, team, tmp_path):
    for wb in (_book(db, tmp_path, 2026, ward[0]), _book(db, tmp_path, 2026)):
        for ws in wb.worksheets:
            texts = _texts(ws)
            where = ws.title
            assert not any("CÔNG AN" in t.upper() for t in texts), where
            assert not any(re.search(r"ngày \d\d tháng \d+ năm \d{4}$", t) and
                           not t.startswith(("Mở ", "Khóa ")) for t in texts), where
            assert not any(t.startswith(("TRƯỞNG", "TỔ TRƯỞNG", "KT.", "Số:", "Nơi nhận"))
                           for t in texts), where
            assert "Nguyễn Văn Hùng" not in texts, where  # the police commander
    wb = _book(db, tmp_path, 2026, ward[0])
    for name, columns in (("Phần I", 10), ("Phần II", 11)):
        ws = wb[name]
        body, first = _body(ws, columns)
        # the header rows repeat on every page; nothing after the table but Part II's footnote
        assert ws.print_title_rows == f"${first - 3}:${first - 1}", name
        last = first + len(body) - 1
        assert str(ws.print_area).endswith(f"${last}"), name
    body, first = _body(wb["Phần I"], 10)
    assert len(body) == 4  # four cases, no "Cộng" row and no leader's name under the table
    assert "Nguyễn Văn Hòa" not in [v for row in body for v in row[3:]]
    assert all(r[8] is None for r in body)  # column 9: signed by hand, case by case
    ws = wb["Phần I"]
    assert all(ws.row_dimensions[first + i].height >= SIGNING_HEIGHT for i in range(4))
    footnote = _body(wb["Phần II"], 11)[0][-1][0]
    assert footnote.startswith("Một vụ, việc do nhiều hòa giải viên")


def test_notes_hold_the_typed_note_only(db, ward, team, tmp_path):
    wb = _book(db, tmp_path, 2026, ward[0])
    body, _ = _body(wb["Phần I"], 10)
    # b3 and b4 are late by the 3-day rule: the program says so in its lists, never here
    assert [r[9] for r in body] == [NOTE_B1, None, NOTE_B3, None]
    for ws in wb.worksheets:
        assert not any(w in t for t in _texts(ws) for w in (
            "Quá 3 ngày", "chậm", "Đang hòa giải", "Kết thúc ngày", "Chấm dứt theo yêu cầu",
            "Thực hiện thỏa thuận")), ws.title
    book = MediationStats(db).book(team, 2026, today=date(2027, 5, 1))
    assert [e.notes for e in book.entries] == [NOTE_B1, "", NOTE_B3, ""]


def test_part_two_in_the_models_columns(db, ward, team, tmp_path):
    ws = _book(db, tmp_path, 2026, ward[0])["Phần II"]
    rows = _rows(ws)
    assert rows[0][0] == "PHẦN II" and rows[1][0] == "THEO DÕI, TỔNG HỢP CỦA TỔ TRƯỞNG TỔ HÒA GIẢI"
    body, first = _body(ws, 11)
    upper, lower = rows[first - 4], rows[first - 3]  # the two header rows above "(1) (2) …"
    # STT | hòa giải viên | vụ, việc chia theo phạm vi (6) | kết quả (2) | ghi chú
    assert upper == ["STT", "Hòa giải viên tiến hành hòa giải",
                     "Vụ, việc hòa giải chia theo phạm vi hòa giải", *[None] * 5,
                     "Kết quả hòa giải", None, "Ghi chú"]
    assert lower[2:10] == ["Sinh hoạt hằng ngày", "Dân sự", "Đất đai", "Hôn nhân, gia đình",
                           "Vi phạm nhỏ", "Việc khác", "Hòa giải thành", "Hòa giải không thành"]
    assert not any("Tổng số" in t for t in _texts(ws))
    # 2026 only: b1 (Hòa, Bích), b2 (no mediator), b3 and b4 (Minh)
    assert body[:5] == [
        [1, "Nguyễn Văn Hòa", 0, 0, 0, 1, 0, 0, 1, 0, "Tổ trưởng"],
        [2, "Trần Thị Bích", 0, 0, 0, 1, 0, 0, 1, 0, None],
        [3, "Lê Quang Minh", 2, 0, 0, 0, 0, 0, 0, 0, None],
        [None, "Chưa ghi hòa giải viên", 0, 1, 0, 0, 0, 0, 0, 0, None],
        ["Cộng", None, 2, 1, 0, 1, 0, 0, 1, 0, None]]
