"""Importing households from the ugly office workbook: exactly the bad rows are reported, the
rest comes in, a second import creates nothing, the modes, undo, and the values' rules."""

from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from antq_desktop.db.models import Household, ImportBatch, Resident
from antq_desktop.enums import Relationship, Sex
from antq_desktop.importing import values
from antq_desktop.importing.columns import HOUSEHOLDS
from antq_desktop.importing.reader import ReadError, read_table
from antq_desktop.importing.service import MappingError, Options, run_import, undo
from antq_desktop.importing.workbooks import write_errors, write_template

from .ugly import ugly_workbook


def _count(db, model):
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.fixture
def ugly(tmp_path, ward):
    path = tmp_path / "danh sach.xlsx"
    rows = ugly_workbook(path)
    return path, rows


def test_reader_finds_the_header_under_the_title_block(ugly):
    path, rows = ugly
    table = read_table(path, HOUSEHOLDS)
    assert table.header_rows == (4, 5)
    assert table.title == ["CÔNG AN PHƯỜNG HOÀN KIẾM", "DANH SÁCH HỘ GIA ĐÌNH, NHÂN KHẨU"]
    assert table.headers[3:5] == ["Ngày, tháng, năm sinh Nam", "Ngày, tháng, năm sinh Nữ"]
    # the "(1) (2) …" numbering row and the blank row are no data
    assert [n for n, _ in table.rows] == rows["good"] + rows["bad"]


def test_dry_run_reports_exactly_the_bad_rows_and_writes_nothing(db, ugly, today):
    path, rows = ugly
    report = run_import(db, HOUSEHOLDS, read_table(path, HOUSEHOLDS),
                        Options(dry_run=True, today=today))
    bad = rows["bad"]
    assert sorted(report.errors) == [bad[0], bad[2], bad[3]]
    assert "31/02/1970" in report.errors[bad[0]][0]
    assert "số mũ" in report.errors[bad[2]][0]
    assert "Hàng xóm" in report.errors[bad[3]][0]
    assert list(report.held) == [bad[1]]  # the wife of the household with the bad date
    assert report.created == 2 and report.people_created == 5
    assert rows["good"][0] in report.warnings  # the ID that lost its zero
    assert _count(db, Household) == 0 and _count(db, ImportBatch) == 0


def test_import_refuses_everything_with_errors_unless_partial(db, ugly, today):
    path, _ = ugly
    table = read_table(path, HOUSEHOLDS)
    report = run_import(db, HOUSEHOLDS, table, Options(today=today))
    assert not report.written and _count(db, Household) == 0
    report = run_import(db, HOUSEHOLDS, table, Options(partial=True, today=today))
    assert report.written and report.created == 2
    with db.session() as s:
        people = {r.full_name: r for r in s.scalars(select(Resident))}
    assert set(people) == {"Nguyễn Văn An", "Trần Thị Bình", "Nguyễn Văn Cường", "Lê Văn Dũng",
                           "Phạm Thị Em"}
    an = people["Nguyễn Văn An"]
    assert an.id_number == "001080012345" and an.birth_date == date(1980, 3, 5)
    assert an.sex is Sex.MALE and an.relation is Relationship.HEAD
    assert people["Trần Thị Bình"].sex is Sex.FEMALE
    assert people["Nguyễn Văn Cường"].birth_year_only
    assert people["Nguyễn Văn Cường"].birth_date == date(2010, 1, 1)
    assert people["Lê Văn Dũng"].id_number == "001075012347"
    assert people["Phạm Thị Em"].birth_date == date(1979, 5, 25)  # Excel serial 29000
    with db.session() as s:
        h = s.scalars(select(Household).where(Household.code == "H01")).one()
        assert h.address == "12 Hàng Bạc" and h.member_count == 3
        assert h.head_name == "Nguyễn Văn An" and h.import_batch_id == report.batch_id
        batch = s.get(ImportBatch, report.batch_id)
        assert batch.file_name == "danh sach.xlsx" and len(batch.sha256) == 64
        assert (batch.created, batch.people_created, batch.error_rows) == (2, 5, 3)
    if db.is_sqlite:  # a server database is backed up by its administrator
        assert report.backup_path and "truoc-nhap" in report.backup_path


def test_second_import_creates_nothing(db, ugly, today):
    path, _ = ugly
    table = read_table(path, HOUSEHOLDS)
    run_import(db, HOUSEHOLDS, table, Options(partial=True, today=today, backup=False))
    again = run_import(db, HOUSEHOLDS, table, Options(partial=True, today=today, backup=False))
    assert (again.created, again.people_created, again.skipped) == (0, 0, 2)
    assert _count(db, Household) == 2 and _count(db, Resident) == 5
    assert _count(db, ImportBatch) == 1  # nothing written: no batch recorded


def _sheet(tmp_path, rows, name="b.xlsx"):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Số hộ", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân",
               "Quan hệ với chủ hộ", "Địa chỉ", "Khu dân cư", "Số điện thoại", "Nghề nghiệp"])
    for r in rows:
        ws.append(r)
    wb.save(tmp_path / name)
    return read_table(tmp_path / name, HOUSEHOLDS)


BASE = [["H9", "Ngô Văn Phúc", "01/01/1970", "Nam", "001070012348", "Chủ hộ", "1 Lò Sũ",
         "Tổ dân phố số 1", None, "Thợ may"]]


def test_modes_update_fill_skip_and_empty_cells_never_erase(db, ward, tmp_path, today):
    run_import(db, HOUSEHOLDS, _sheet(tmp_path, BASE), Options(today=today, backup=False))
    change = [["H9", "Ngô Văn Phúc", None, "Nam", "001070012348", "Chủ hộ", "2 Lò Sũ",
               None, "0912345678", "Thợ điện"],
              ["H9", "Ngô Thị Quế", "02/02/2000", "Nữ", None, "Con", None, None, None, None]]
    table = _sheet(tmp_path, change, "c.xlsx")

    skip = run_import(db, HOUSEHOLDS, table, Options(today=today, backup=False))
    assert skip.skipped == 1 and skip.people_created == 0

    fill = run_import(db, HOUSEHOLDS, table, Options(mode="fill", today=today, backup=False))
    assert fill.updated == 1 and fill.people_created == 1
    with db.session() as s:
        h = s.scalars(select(Household).where(Household.code == "H9")).one()
        phuc = next(r for r in h.residents if r.full_name == "Ngô Văn Phúc")
        assert phuc.occupation == "Thợ may"  # fill keeps what is there
        assert phuc.phone == "0912345678"  # and fills what was empty
        assert h.address == "1 Lò Sũ" and h.member_count == 2
        assert phuc.birth_date == date(1970, 1, 1)  # the empty cell erased nothing

    upd = run_import(db, HOUSEHOLDS, table, Options(mode="update", today=today, backup=False))
    assert upd.updated == 1 and upd.people_created == 0
    with db.session() as s:
        h = s.scalars(select(Household).where(Household.code == "H9")).one()
        phuc = next(r for r in h.residents if r.full_name == "Ngô Văn Phúc")
        assert phuc.occupation == "Thợ điện" and h.address == "2 Lò Sũ"
    same = run_import(db, HOUSEHOLDS, table, Options(mode="update", today=today, backup=False))
    assert same.unchanged == 1 and not same.written


def test_matching_by_id_number_or_name_birth_and_area_without_household_numbers(
        db, ward, tmp_path, today):
    run_import(db, HOUSEHOLDS, _sheet(tmp_path, BASE), Options(today=today, backup=False))
    rows = [[None, "NGÔ VĂN PHÚC", "01/01/1970", "Nam", None, "Chủ hộ", "1 Lò Sũ",
             "Tổ dân phố số 1", "0987654321", None],
            [None, "Mai Văn Sơn", "03/03/1990", "Nam", None, "Chủ hộ", "8 Lò Sũ",
             "Tổ dân phố số 1", None, None],
            [None, "Mai Thị Tâm", "04/04/1992", "Nữ", None, "Vợ", None, None, None, None]]
    report = run_import(db, HOUSEHOLDS, _sheet(tmp_path, rows, "d.xlsx"),
                        Options(mode="fill", today=today, backup=False))
    assert report.errors == {}
    assert (report.updated, report.created, report.people_created) == (1, 1, 2)
    with db.session() as s:
        son = s.scalars(select(Household).where(Household.head_name == "Mai Văn Sơn")).one()
        assert son.code.startswith("HK") and son.member_count == 2


def test_rules_of_the_households_service_apply(db, ward, tmp_path, today):
    run_import(db, HOUSEHOLDS, _sheet(tmp_path, BASE), Options(today=today, backup=False))
    rows = [["H10", "Phan Văn Tú", "01/01/1980", "Nữ", "001080012349", "Chủ hộ", "3 Lò Sũ",
             "Tổ dân phố số 1", None, None],  # ID says male
            ["H11", "Lý Văn Út", "01/01/1985", "Nam", "001070012348", "Chủ hộ", "4 Lò Sũ",
             "Tổ dân phố số 1", None, None],  # ID of someone registered elsewhere
            ["H12", "Tạ Văn Vinh", "01/01/1985", "Nam", None, "Con", "5 Lò Sũ",
             "Tổ dân phố số 1", None, None],  # no head
            ["H13", "Hà Văn Xuân", "01/01/1985", "Nam", None, "Chủ hộ", "6 Lò Sũ",
             "Tổ dân phố số 9", None, None]]  # no such area
    table = _sheet(tmp_path, rows, "e.xlsx")
    report = run_import(db, HOUSEHOLDS, table, Options(dry_run=True, today=today))
    messages = {n: " ".join(m) for n, m in report.errors.items()}
    assert set(messages) == {2, 3, 4, 5}
    assert "giới tính" in messages[2]
    assert "đã có ở nhân khẩu Ngô Văn Phúc, hộ H9" in messages[3]
    assert "chủ hộ" in messages[4]
    assert "Tổ dân phố số 9" in messages[5] and "chưa có" in messages[5]
    created = run_import(db, HOUSEHOLDS, table, Options(dry_run=True, create_areas=True,
                                                         today=today))
    assert 5 not in created.errors and created.areas_created == ["Tổ dân phố số 9"]


def test_grouping_blank_numbers_are_never_merged(db, ward, tmp_path, today):
    rows = [["H20", "An Văn A", "01/01/1980", "Nam", None, "Chủ hộ", "1 Phố", "Tổ dân phố số 1",
             None, None],
            [None, "An Thị B", "01/01/1982", "Nữ", None, "Vợ", None, None, None, None],
            ["H21", "Bế Văn C", "01/01/1980", "Nam", None, "Chủ hộ", "2 Phố", "Tổ dân phố số 1",
             None, None],
            ["H20", "An Văn D", "01/01/2005", "Nam", None, "Con", None, None, None, None]]
    report = run_import(db, HOUSEHOLDS, _sheet(tmp_path, rows), Options(dry_run=True,
                                                                          today=today))
    assert set(report.errors) == {3, 5}
    assert "không biết thuộc hộ nào" in report.errors[3][0]
    assert "không liền nhau" in report.errors[5][0]


def test_undo_removes_what_the_batch_made_unless_touched(db, ward, ugly, today, households):
    path, _ = ugly
    report = run_import(db, HOUSEHOLDS, read_table(path, HOUSEHOLDS),
                        Options(partial=True, today=today, backup=False))
    with db.session() as s:
        h2 = s.scalars(select(Household).where(Household.code == "H02")).one().id
    # H02 is edited afterwards (the dialog's save): it must stay
    data = households.get(h2)
    data.address = "3 Hàng Bè (sửa)"
    households.save(data, today=today)
    lines = undo(db, report.batch_id, backup=False)
    assert lines[0].startswith("Đã xóa 1 hộ")
    assert any("H02 đã được sửa" in line for line in lines)
    with db.session() as s:
        assert [h.code for h in s.scalars(select(Household))] == ["H02"]
        assert s.get(ImportBatch, report.batch_id).undone_at is not None
    with pytest.raises(MappingError, match="đã được hoàn tác"):
        undo(db, report.batch_id, backup=False)


def test_error_workbook_holds_the_rows_with_a_loi_column(db, ugly, tmp_path, today):
    path, rows = ugly
    table = read_table(path, HOUSEHOLDS)
    report = run_import(db, HOUSEHOLDS, table, Options(dry_run=True, today=today))
    out = write_errors(table, report, tmp_path / "loi.xlsx")
    ws = load_workbook(out).active
    assert ws["A1"].value == "Lỗi" and ws["B1"].value == "Dòng trong tệp gốc"
    assert [ws.cell(r, 2).value for r in range(2, ws.max_row + 1)] == rows["bad"]
    assert "không tồn tại" in ws["A2"].value and ws["E2"].value == "Hoàng Văn Giang"
    # fixed and imported again, the extra columns are ignored
    ws["F2"].value = "01/02/1970"
    ws["H4"].value = "001065012350"
    ws["I5"].value = "Chủ hộ"
    load = ws.parent
    load.save(tmp_path / "sua.xlsx")
    fixed = run_import(db, HOUSEHOLDS, read_table(tmp_path / "sua.xlsx", HOUSEHOLDS),
                       Options(dry_run=True, today=today))
    assert fixed.errors == {} and fixed.created == 3


def test_template_round_trip(db, ward, tmp_path, today):
    path = write_template(HOUSEHOLDS, tmp_path / "mau.xlsx")
    wb = load_workbook(path)
    ws = wb["Dữ liệu"]
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["Số hộ", "Khu dân cư", "Địa chỉ", "Họ và tên"]
    id_col = headers.index("Số định danh cá nhân") + 1
    assert ws.cell(2, id_col).value == "001080012345" and ws.cell(3, id_col).number_format == "@"
    assert "Giá trị cho phép" in wb.sheetnames
    report = run_import(db, HOUSEHOLDS, read_table(path, HOUSEHOLDS),
                        Options(today=today, backup=False))
    assert report.errors == {} and report.created == 1 and report.people_created == 1


def cp1258(text: str) -> bytes:
    """Text as a Vietnamese Windows writes it: a letter cp1258 lacks ("ộ") becomes the letter it
    has ("ô") followed by a combining tone mark."""
    import unicodedata

    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        for mark in list(marks):
            joined = unicodedata.normalize("NFC", base + mark)
            try:
                joined.encode("cp1258")
            except UnicodeEncodeError:
                continue
            if len(joined) == 1:
                base = joined
                marks.remove(mark)
        out += (base + "".join(marks)).encode("cp1258")
    return out


def test_csv_windows_1258_and_utf8_bom(db, ward, tmp_path, today):
    text = ("Họ và tên;Ngày sinh;Giới tính;Quan hệ với chủ hộ;Địa chỉ;Khu dân cư;CCCD\n"
            "ĐẶNG ĐỨC ANH;05/03/1985;Nam;Chủ hộ;12 Hàng Bạc;Tổ dân phố số 1;01085012345\n")
    (tmp_path / "a.csv").write_bytes(cp1258(text))
    assert cp1258("ộ") == b"\xf4\xf2"  # a combining dot below: the decoder must recompose
    (tmp_path / "b.csv").write_bytes(text.encode("utf-8-sig"))
    for name in ("a.csv", "b.csv"):
        report = run_import(db, HOUSEHOLDS, read_table(tmp_path / name, HOUSEHOLDS),
                            Options(dry_run=True, today=today))
        assert report.errors == {} and report.people_created == 1
        assert report.warnings  # 11 digits: the zero added back
    report = run_import(db, HOUSEHOLDS, read_table(tmp_path / "a.csv", HOUSEHOLDS),
                        Options(today=today, backup=False))
    with db.session() as s:
        r = s.scalars(select(Resident)).one()
        assert r.full_name == "Đặng Đức Anh" and r.id_number == "001085012345"


def test_unreadable_files(tmp_path):
    (tmp_path / "x.xlsx").write_bytes(b"not a zip")
    with pytest.raises(ReadError, match="tệp hỏng"):
        read_table(tmp_path / "x.xlsx", HOUSEHOLDS)
    (tmp_path / "y.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ReadError, match="dòng tiêu đề"):
        read_table(tmp_path / "y.csv", HOUSEHOLDS)
    with pytest.raises(ReadError, match="chỉ nhận"):
        (tmp_path / "z.ods").write_bytes(b"")
        read_table(tmp_path / "z.ods", HOUSEHOLDS)


@pytest.mark.parametrize("raw, expected", [
    (1080012345, ("001080012345", values.PADDED_ZERO)),
    (1080012345.0, ("001080012345", values.PADDED_ZERO)),
    ("01080012345", ("001080012345", values.PADDED_ZERO)),
    ("001.080.012 345", ("001080012345", None)),
    ("  001080012345 ", ("001080012345", None)),
])
def test_id_numbers(raw, expected):
    assert values.id_number(raw) == expected


@pytest.mark.parametrize("raw", ["1.08E+11", "1,08009E+11", 1.2e17, 123.5])
def test_id_numbers_refused(raw):
    with pytest.raises(ValueError):
        values.id_number(raw)


@pytest.mark.parametrize("raw, expected", [
    ("05/03/1985", values.Birth(date(1985, 3, 5))),
    ("5-3-1985", values.Birth(date(1985, 3, 5))),
    ("5.3.1985", values.Birth(date(1985, 3, 5))),
    ("1985-03-05", values.Birth(date(1985, 3, 5))),
    (31111, values.Birth(date(1985, 3, 5))),
    ("1985", values.Birth(date(1985, 1, 1), True)),
    (1985, values.Birth(date(1985, 1, 1), True)),
])
def test_birth_dates(raw, expected):
    assert values.birth(raw)[0] == expected


@pytest.mark.parametrize("raw, word", [("5/3/85", "4 chữ số"), ("03/1985", "thiếu ngày"),
                                       ("05/13/1985", "tháng 13"), ("31/02/1985", "không tồn tại"),
                                       ("mùng 5", "không đúng dạng")])
def test_ambiguous_dates_refused(raw, word):
    with pytest.raises(ValueError, match=word):
        values.birth(raw)


def test_year_alone_only_for_birth():
    with pytest.raises(ValueError, match="chỉ có năm"):
        values.a_date("1985")


def test_missing_required_column(db, ward, tmp_path, today):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Họ và tên", "Địa chỉ", "Khu dân cư"])
    wb.active.append(["A", "B", "C"])
    wb.save(tmp_path / "f.xlsx")
    with pytest.raises(MappingError, match="Ngày sinh"):
        run_import(db, HOUSEHOLDS, read_table(tmp_path / "f.xlsx", HOUSEHOLDS),
                   Options(dry_run=True, today=today))


def test_a_birth_year_alone_is_printed_as_a_year(db, ugly, tmp_path, today):
    from antq_desktop.reports.export import export_xlsx
    from antq_desktop.reports.registry import Params

    path, _ = ugly
    report = run_import(db, HOUSEHOLDS, read_table(path, HOUSEHOLDS),
                        Options(partial=True, today=today, backup=False))
    out = export_xlsx(db, "household-register", Params(2026, area_id=report.area_ids[0]),
                      tmp_path / "so.xlsx")
    ws = load_workbook(out).active
    cells = {row[2]: row[4] for row in ws.iter_rows(values_only=True) if row[2]}
    assert cells["Nguyễn Văn Cường"] == 2010
    assert cells["Nguyễn Văn An"].date() == date(1980, 3, 5)


def test_the_dry_run_reports_probable_duplicates_per_row(db, ward, households, tmp_path,
                                                         today):
    """The duplicate finder's rules run in the dry run (issue 13): a new person with the name
    and birth date of a registered resident (typed without diacritics, in another household,
    no ID number) is warned about on its row, and still imported; a namesake with another ID
    number is a different person."""
    from tests.conftest import household, member

    households.save(household(ward[0], "HK000001", [
        member("Đặng Đức Anh", date(1980, 5, 1), id_number="001080012345")]), today=today)
    text = ("Họ và tên;Ngày sinh;Giới tính;Quan hệ với chủ hộ;Địa chỉ;Khu dân cư;CCCD\n"
            "dang duc anh;01/05/1980;Nam;Chủ hộ;5 Hàng Buồm;Tổ dân phố số 2;\n"
            "Lê Văn Bình;02/02/1975;Nam;Chủ hộ;7 Hàng Buồm;Tổ dân phố số 2;001075000002\n"
            "Đặng Đức Anh;01/05/1980;Nam;Chủ hộ;9 Hàng Buồm;Tổ dân phố số 2;001080099999\n")
    (tmp_path / "moi.csv").write_text(text, encoding="utf-8")
    report = run_import(db, HOUSEHOLDS, read_table(tmp_path / "moi.csv", HOUSEHOLDS),
                        Options(dry_run=True, today=today))
    assert report.errors == {} and report.created == 3
    first = min(report.warnings)
    assert list(report.warnings) == [first]  # the namesake with another ID is not warned
    (warning,) = report.warnings[first]
    assert warning.startswith("Có thể trùng người đã có: Đặng Đức Anh (01/05/1980)")
    assert "hộ HK000001" in warning and "cùng họ tên và ngày sinh" in warning
    assert report.probable_duplicates == 1
    assert any("có thể đã có trong sổ hộ khẩu" in line for line in report.lines())
