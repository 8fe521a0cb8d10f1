"""The household registers: "Danh sách hộ gia đình, nhân khẩu" of one area (ID numbers masked
unless asked) and "Danh sách hộ chưa đăng ký" of a year, read back from the .xlsx and the PDF."""

from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from antq_desktop.cli import main
from antq_desktop.enums import Relationship, ResidenceKind, Sex
from antq_desktop.reports import registry
from antq_desktop.reports.export import export_pdf, export_xlsx
from antq_desktop.reports.registry import Params, ReportError
from antq_desktop.services.registers import mask_id
from antq_desktop.ui.reports.dialog import ReportsDialog
from tests.conftest import household, member

TODAY = date(2026, 11, 20)


@pytest.fixture
def homes(db, ward, households):
    a1, a2 = ward
    h1 = households.save(household(a1, "HK000010", [
        member("Đặng Đức Anh", id_number="001080012345"),
        member("Nguyễn Thị Hoa", date(1982, 3, 4), Sex.FEMALE, Relationship.WIFE,
               id_number="001182012346"),
        member("Đặng Minh Khôi", date(2010, 9, 1), rel=Relationship.CHILD, id_number=None,
               residence_kind=ResidenceKind.TEMPORARY)], address="12 Hàng Bạc"))
    h2 = households.save(household(a1, "HK000002", [
        member("Lê Văn Tư", date(1970, 1, 2), id_number=None)], address="3 Hàng Bè"))
    h3 = households.save(household(a2, "HK000003", [
        member("Trần Văn Cường", date(1965, 6, 7), id_number=None)], address="9 Lò Sũ"))
    gone = households.save(household(a1, "HK000004", [
        member("Phạm Văn Đi", date(1960, 6, 7), id_number=None)], address="1 Lò Sũ"))
    households.move_away(gone, date(2026, 3, 1), today=TODAY)
    households.sign_up([h2], 2026, date(2026, 2, 1), today=TODAY)
    return {"h1": h1, "h2": h2, "h3": h3, "gone": gone, "a1": a1, "a2": a2}


def _rows(path):
    return [[c.value for c in row] for row in load_workbook(path).active.iter_rows()]


def _body(rows, ncols):
    start = rows.index([f"({i})" for i in range(1, ncols + 1)]) + 1
    end = next(i for i, r in enumerate(rows) if r[0] and str(r[0]).startswith("Tổng cộng"))
    return rows[start:end], rows[end]


def test_mask_shows_the_last_four_digits():
    assert mask_id("001080012345") == "••••••••2345"
    assert mask_id("001080012345", whole=True) == "001080012345"
    assert mask_id(None) == mask_id("") == ""


def test_the_register_of_one_area_cell_by_cell(db, homes, tmp_path, pin_today):
    pin_today(TODAY)
    path = export_xlsx(db, "household-register", Params(2026, area_id=homes["a1"]),
                       tmp_path / "reg.xlsx")
    rows = _rows(path)
    texts = [v for r in rows for v in r if isinstance(v, str)]
    assert "Hộ gia đình, nhân khẩu" in texts and "Tổ dân phố số 1 — năm 2026" in texts
    assert "(Số liệu tính đến ngày 20/11/2026)" in texts  # the year is not over
    body, total = _body(rows, 11)  # (10), (11): ethnicity, religion
    # households in their number's order (HK000002 before HK000010), the head first; the
    # household that moved away in March is not listed
    assert [r[:4] for r in body] == [
        [1, "HK000002", "Lê Văn Tư", "Chủ hộ"],
        [2, "HK000010", "Đặng Đức Anh", "Chủ hộ"],
        [None, None, "Nguyễn Thị Hoa", "Vợ"],
        [None, None, "Đặng Minh Khôi", "Con"]]
    head = body[1]
    assert head[4] == datetime(1980, 5, 1) and head[5] == "Nam"
    assert head[6] == "••••••••2345" and head[7] == "Thường trú" and head[8] == "12 Hàng Bạc"
    assert body[3][7] == "Tạm trú" and body[3][8] is None
    assert "001080012345" not in texts and "Số định danh cá nhân (4 số cuối)" in texts
    assert total[0] == "Tổng cộng: 2 hộ, 4 nhân khẩu"


def test_whole_ids_only_when_asked(db, homes, tmp_path, pin_today):
    pin_today(TODAY)
    path = export_xlsx(db, "household-register",
                       Params(2026, area_id=homes["a1"], full_ids=True), tmp_path / "reg.xlsx")
    texts = [v for r in _rows(path) for v in r if isinstance(v, str)]
    assert "001080012345" in texts and "001182012346" in texts
    assert "Số định danh cá nhân" in texts
    with pytest.raises(ReportError, match="không in số định danh"):
        registry.get("households-unsigned").check(Params(2026, full_ids=True), today=TODAY)


def test_the_register_needs_an_area(db, homes, tmp_path):
    with pytest.raises(ReportError, match="lập cho từng khu dân cư"):
        export_xlsx(db, "household-register", Params(2026), tmp_path / "reg.xlsx")


def test_a_past_year_counts_its_own_households(db, homes, tmp_path, pin_today):
    pin_today(TODAY)
    path = export_xlsx(db, "household-register", Params(2025, area_id=homes["a1"]),
                       tmp_path / "reg.xlsx")
    body, total = _body(_rows(path), 11)
    assert "HK000004" in [r[1] for r in body]  # still living there at the end of 2025
    assert not any(isinstance(v, str) and v.startswith("(Số liệu tính đến")
                   for r in _rows(path) for v in r)


def test_households_not_signed_up_per_area(db, homes, tmp_path, pin_today):
    pin_today(TODAY)
    path = export_xlsx(db, "households-unsigned", Params(2026), tmp_path / "uns.xlsx")
    rows = _rows(path)
    texts = [v for r in rows for v in r if isinstance(v, str)]
    assert any(t.startswith("Hộ gia đình chưa đăng ký xây dựng khu dân cư") and
               t.endswith("năm 2026") for t in texts)
    body, total = _body(rows, 6)
    assert [r[:5] for r in body] == [
        ["Tổ dân phố số 1", None, None, None, None],
        [1, "HK000010", "Đặng Đức Anh", "12 Hàng Bạc", 3],
        ["Cộng: 1 hộ", None, None, None, None],
        ["Tổ dân phố số 2", None, None, None, None],
        [1, "HK000003", "Trần Văn Cường", "9 Lò Sũ", 1],
        ["Cộng: 1 hộ", None, None, None, None]]
    assert total[0] == "Tổng cộng: 2 hộ chưa đăng ký"


def test_both_print_to_pdf_from_the_command_line(capsys, qapp, db, homes, tmp_path,
                                                 pin_today):
    pin_today(TODAY)
    target = tmp_path / "reg.pdf"
    with pytest.raises(SystemExit) as stop:
        main(["--db", db.url, "export", "household-register", "--year", "2026", "--area",
              "Tổ dân phố số 1", "--full-ids", "-o", str(target)])
    assert stop.value.code == 0, capsys.readouterr().err
    text = "".join(p.extract_text() for p in PdfReader(target).pages).replace("\t", " ")
    assert "Đặng Đức Anh" in text and "001080012345" in text
    path = export_pdf(db, "households-unsigned", Params(2026, area_id=homes["a2"]),
                      tmp_path / "uns.pdf")
    text = "".join(p.extract_text() for p in PdfReader(path).pages).replace("\t", " ")
    assert "Trần Văn Cường" in text and "Đặng Đức Anh" not in text


def test_the_dialog_offers_whole_ids_only_for_the_register(qtbot, db, homes):
    dialog = ReportsDialog(db)
    qtbot.addWidget(dialog)
    dialog.form.setCurrentIndex(dialog.form.findData("household-register"))
    assert dialog.full_ids.isEnabled() and not dialog.full_ids.isChecked()
    dialog.full_ids.setChecked(True)
    assert dialog.params().full_ids
    dialog.form.setCurrentIndex(dialog.form.findData("households-unsigned"))
    assert not dialog.full_ids.isEnabled() and not dialog.params().full_ids
