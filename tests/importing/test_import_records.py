"""Importing the one-row-one-record kinds from ugly office workbooks (a title block, a two-row
merged header, numbering row, blank row, bad rows): rehabilitation cases, mediators with their
teams, certification units, tips, patrols, outreach sessions and weapons handed in.

For each: the dry run reports exactly the bad rows (with the service's own message), the
import brings in the rest, a second import creates nothing, undo removes the batch, and the
template imports."""

from dataclasses import dataclass, field
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from antq_desktop.db.models import (
    CertRecord,
    CertUnit,
    MediationTeam,
    Mediator,
    Outreach,
    Patrol,
    RehabCase,
    RehabEvaluation,
    Tip,
    WeaponHandover,
)
from antq_desktop.enums import (
    CertCategory,
    Classification,
    OutreachKind,
    Regime,
    Sex,
    TipResult,
    WeaponKind,
)
from antq_desktop.importing.columns import KINDS
from antq_desktop.importing.reader import read_table
from antq_desktop.importing.service import Options, run_import, undo
from antq_desktop.importing.workbooks import write_errors, write_template

from .ugly import ugly_sheet


@dataclass
class Case:
    kind: str
    model: type
    title: str
    top: list
    below: list
    good: list
    bad: list  # (cells, a fragment the row's message must hold)
    merges: tuple = ()
    extra: dict = field(default_factory=dict)


CASES = {
    "rehabilitation": Case(
        "rehabilitation", RehabCase, "DANH SÁCH ĐỐI TƯỢNG QUẢN LÝ, GIÁO DỤC",
        ["STT", "Họ và tên", "Năm sinh", "Số CCCD", "Nơi cư trú", "Tổ dân phố", "Diện quản lý",
         "Quyết định", None, "Ngày bắt đầu", "Người, tổ chức giúp đỡ", "Ghi chú"],
        [None, None, None, None, None, None, None, "Số", "Ngày", None, None, None],
        [["TRẦN VĂN BÌNH", 1990, 1090012345, "25 Hàng Buồm  ", "Tổ dân phố số 1",
          "Tái hòa nhập", "125/QĐ-UBND", "03/02/2026", "05/02/2026", "Nguyễn Văn Hùng", None],
         ["lê thị cúc", "12/05/1985", None, "3 Hàng Bè", "Tổ dân phố số 2", "ma túy",
          "45/QĐ-UBND", datetime(2025, 11, 20), datetime(2025, 12, 1), None, None],
         ["Phạm Văn Đức", "2008", None, None, "Tổ dân phố số 1", "GDTXP", None, None,
          46037, None, "học sinh"]],  # 46037: an Excel serial (15/01/2026)
        [(["Đỗ Văn Em", 1980, None, None, "Tổ dân phố số 1", "Trộm cắp", None, None,
           "01/03/2026", None, None], "Trộm cắp"),
         (["Vũ Văn Giang", 1982, None, None, "Tổ dân phố số 1", "Án treo", None, None,
           "31/02/2026", None, None], "31/02/2026"),
         (["Hồ Văn Hải", 1983, None, None, "Tổ dân phố số 2", "Án treo", None, None,
           "01/09/2026", None, None], "sau ngày hôm nay"),
         (["Mai Văn Khoa", 1984, None, None, "Tổ dân phố số 9", "Án treo", None, None,
           "01/03/2026", None, None], "Tổ dân phố số 9")],
        merges=("H4:I4",)),
    "mediators": Case(
        "mediators", Mediator, "DANH SÁCH TỔ HÒA GIẢI VÀ HÒA GIẢI VIÊN",
        ["STT", "Tổ hòa giải", "Họ và tên", "Giới tính", "Năm sinh", "Chức vụ",
         "Quyết định công nhận", None, "SĐT"],
        [None, None, None, None, None, None, "Số", "Ngày", None],
        [["Tổ hòa giải Tổ dân phố số 1", "NGUYỄN THỊ LAN", "Nữ", 1968, "Tổ trưởng",
          "15/QĐ-UBND", "10/01/2024", "0912 345 678"],
         ["Tổ hòa giải Tổ dân phố số 1", "trần văn nam", "nam", "1975", "Tổ viên", None,
          None, None],
         ["Tổ hòa giải Tổ dân phố số 2", "Lê Văn Tư", "Nam", 1960, "x", None, None, None]],
        [(["Tổ hòa giải Tổ dân phố số 1", "Đỗ Văn Năm", "Không rõ", 1970, None, None, None,
           None], "Không rõ"),
         (["Tổ hòa giải Tổ dân phố số 1", "Hoàng Văn Sáu", "Nam", 1971, "Tổ trưởng", None,
           None, None], "chỉ được một"),
         (["Tổ hòa giải Tổ dân phố số 2", "Phan Văn Bảy", "Nam", 2015, None, None, None,
           None], "18 tuổi"),
         (["Tổ hòa giải Tổ dân phố số 9", "Lý Văn Tám", "Nam", 1970, None, None, None, None],
          "Tổ dân phố số 9")],
        merges=("G4:H4",)),
    "cert_units": Case(
        "cert_units", CertUnit, "DANH SÁCH CƠ QUAN, DOANH NGHIỆP, NHÀ TRƯỜNG ĐĂNG KÝ",
        ["STT", "Tên cơ quan, doanh nghiệp, nhà trường", "Loại hình", "Địa chỉ",
         "Người đứng đầu", None],
        [None, None, None, None, "Họ tên", "Điện thoại"],
        [["Trường Tiểu học Hàng Bạc", "Trường học", "10 Hàng Bạc", "PHẠM THỊ LAN",
          "024 3825 1234"],
         ["Công ty TNHH Minh Phát", "DN", "22 Hàng Bè", "Lê Văn Phát", None],
         ["Trạm Y tế phường", "Cơ quan", None, None, None]],
        [(["Tổ dân phố số 1", "Khu dân cư", None, None, None], "Thông tin đơn vị"),
         (["Công ty Cổ phần Sao Mai", "Tập đoàn", None, None, None], "Tập đoàn"),
         (["Trường Mầm non Hoa Sen", "Trường học", None, None, "abc"], "Số điện thoại"),
         (["trường tiểu học hàng bạc", "Trường học", None, None, None], "Trùng với dòng")],
        merges=("E4:F4",)),
    "tips": Case(
        "tips", Tip, "SỔ TIẾP NHẬN TIN BÁO CỦA QUẦN CHÚNG",
        ["STT", "Ngày, tháng", "Tổ dân phố", "Nội dung tin báo", "Kết quả xử lý", None,
         "Ghi chú"],
        [None, None, None, None, "Kết quả", "Số đối tượng", None],
        [["02/03/2026", "Tổ dân phố số 1", "Có người lạ tụ tập đánh bạc tại nhà số 5",
          "Bắt giữ", 3, "Đã chuyển Công an quận"],
         [datetime(2026, 3, 9), None, "Xe máy để trên vỉa hè nhiều ngày", "Đang xác minh", None,
          None],
         ["15-3-2026", "Tổ dân phố số 2", "Tiếng nổ lớn lúc nửa đêm", "không kết quả", None,
          None]],
        [(["02/03/26", "Tổ dân phố số 1", "Tin khác", None, None, None], "4 chữ số"),
         (["10/03/2026", "Tổ dân phố số 1", "Trộm chó", "Bắt giữ", None, None],
          "Số đối tượng"),
         (["11/03/2026", "Tổ dân phố số 1", None, "Đang xác minh", None, None],
          "Nội dung tin báo"),
         (["12/03/2026", "Tổ dân phố số 1", "Cãi nhau", "Đang xác minh", "ba", None], "ba")],
        merges=("E4:F4",)),
    "patrols": Case(
        "patrols", Patrol, "DANH SÁCH CÁC LẦN TUẦN TRA",
        ["STT", "Tuần tra", None, "Số người tham gia", "Ghi chú"],
        [None, "Ngày", "Địa bàn", None, None],
        [["07/03/2026", "Tổ dân phố số 1", 6, "Tuần tra đêm tuyến Hàng Bạc"],
         ["07/03/2026", "Tổ dân phố số 2", "8 người", None],
         [datetime(2026, 3, 14), None, 12, "Cả phường"]],
        [(["08/03/2026", "Tổ dân phố số 1", 0, None], "Số người tham gia"),
         (["09/03/2026", "Tổ dân phố số 1", None, "quên ghi số người"], "Số người tham gia"),
         (["3/2026", "Tổ dân phố số 1", 5, None], "thiếu ngày")],
        merges=("B4:C4",)),
    "outreach": Case(
        "outreach", Outreach, "DANH SÁCH BUỔI TUYÊN TRUYỀN",
        ["STT", "Ngày tổ chức", "Tổ dân phố", "Tuyên truyền", None, "Số người tham dự"],
        [None, None, None, "Hình thức", "Nội dung", None],
        [["10/03/2026", "Tổ dân phố số 1", "Họp dân", "Phòng chống cháy nổ mùa khô", 80],
         ["12/03/2026", None, "Loa", "Phòng chống lừa đảo qua mạng", None],
         ["20/03/2026", "Tổ dân phố số 2", "Zalo", "Cảnh giác trộm cắp dịp lễ", "1.200"]],
        [(["11/03/2026", "Tổ dân phố số 1", "Chiếu phim", "An toàn giao thông", 30],
          "Chiếu phim"),
         (["13/03/2026", "Tổ dân phố số 1", "Họp dân", None, 30], "Nội dung tuyên truyền"),
         (["14/03/2026", "Tổ dân phố số 1", "Họp dân", "Ma túy", "2,5"], "số nguyên")],
        merges=("D4:E4",)),
    "weapons": Case(
        "weapons", WeaponHandover, "DANH SÁCH THU HỒI VŨ KHÍ, VẬT LIỆU NỔ, CÔNG CỤ HỖ TRỢ",
        ["STT", "Ngày thu hồi", "Tổ dân phố", "Loại", "Vũ khí, vật liệu nổ thu hồi", None,
         "Ghi chú"],
        [None, None, None, None, "Số lượng", "ĐVT", None],
        [["12/03/2026", "Tổ dân phố số 1", "Pháo", "2,5", "kg", "Pháo nổ tự chế"],
         ["13/03/2026", "Tổ dân phố số 2", "Dao", 3, None, "Dao nhọn"],
         ["14/03/2026", None, "súng tự chế", 1, None, None]],
        [(["15/03/2026", "Tổ dân phố số 1", "Súng", "1,5", "khẩu", None], "số nguyên"),
         (["16/03/2026", "Tổ dân phố số 1", "Lựu đạn", 0, "quả", None], "lớn hơn 0"),
         (["17/03/2026", "Tổ dân phố số 1", "Xe máy", 1, "chiếc", None], "Xe máy")],
        merges=("E4:F4",)),
}


def _count(db, model):
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def _write(case: Case, path):
    return ugly_sheet(path, case.title, case.top, case.below, case.good,
                      [cells for cells, _ in case.bad], case.merges)


@pytest.fixture(params=list(CASES))
def case(request, ward, tmp_path):
    c = CASES[request.param]
    path = tmp_path / f"{c.kind} cũ.xlsx"
    rows = _write(c, path)
    return c, KINDS[c.kind], path, rows


def test_dry_run_reports_exactly_the_bad_rows(db, case, today):
    c, kind, path, rows = case
    table = read_table(path, kind)
    assert table.header_rows == (4, 5)
    report = run_import(db, kind, table, Options(dry_run=True, today=today))
    assert sorted(report.errors) == rows["bad"], report.errors
    for number, (_, fragment) in zip(rows["bad"], c.bad):
        assert fragment in " ".join(report.errors[number]), (number, report.errors[number])
    assert report.created == len(c.good)
    assert _count(db, c.model) == 0


def test_import_brings_the_rest_a_second_import_creates_nothing_and_undo(db, case, today,
                                                                         tmp_path):
    c, kind, path, rows = case
    table = read_table(path, kind)
    refused = run_import(db, kind, table, Options(today=today, backup=False))
    assert not refused.written and _count(db, c.model) == 0
    report = run_import(db, kind, table, Options(partial=True, today=today, backup=False))
    assert report.written and report.created == len(c.good)
    assert _count(db, c.model) == len(c.good)
    with db.session() as s:
        assert {o.import_batch_id for o in s.scalars(select(c.model))} == {report.batch_id}
    again = run_import(db, kind, table, Options(partial=True, today=today, backup=False))
    assert again.created == 0 and again.skipped == len(c.good) and not again.written
    assert _count(db, c.model) == len(c.good)
    # the error workbook holds exactly the bad rows, with the reason
    out = write_errors(table, report, tmp_path / "loi.xlsx")
    ws = load_workbook(out).active
    got = [r for r in ws.iter_rows(min_row=2, values_only=True) if any(r)]
    assert [r[1] for r in got] == rows["bad"]
    assert all(r[0] for r in got)
    lines = undo(db, report.batch_id, backup=False)
    assert lines[0].startswith("Đã xóa 3 ")
    assert _count(db, c.model) == 0


def test_template_round_trip(db, ward, tmp_path, today):
    for kind in KINDS.values():
        path = write_template(kind, tmp_path / f"mau-{kind.id}.xlsx")
        wb = load_workbook(path)
        assert [c.value for c in wb["Dữ liệu"][1]][0] == kind.columns[0].label
        lists = wb["Giá trị cho phép"]
        choices = [c for c in kind.columns if c.choices]
        assert [lists.cell(1, i + 1).value for i in range(len(choices))] == \
            [c.label for c in choices]
        report = run_import(db, kind, read_table(path, kind), Options(today=today, backup=False))
        assert report.errors == {} and report.created == 1 and report.written, kind.id


def test_allowed_values_come_from_the_enums():
    assert KINDS["rehabilitation"].column("regime").choices == tuple(r.label for r in Regime)
    assert KINDS["outreach"].column("kind").choices == tuple(k.label for k in OutreachKind)
    assert KINDS["weapons"].column("kind").choices == tuple(k.label for k in WeaponKind)
    assert KINDS["tips"].column("result").choices == tuple(r.label for r in TipResult)
    assert KINDS["cert_units"].column("category").choices == (
        CertCategory.AGENCY.label, CertCategory.ENTERPRISE.label, CertCategory.SCHOOL.label)


def _import(db, kind_id, path, today, **kw):
    kind = KINDS[kind_id]
    return run_import(db, kind, read_table(path, kind),
                      Options(today=today, backup=False, **kw))


def test_rehabilitation_values_link_modes_and_undo_refusal(db, ward, tmp_path, today,
                                                           households):
    from tests.conftest import member
    from antq_desktop.services.households import HouseholdData

    households.save(HouseholdData(code="HK1", area_id=ward[1], address="25 Hàng Buồm",
                                  members=[member("Trần Văn Bình", date(1990, 4, 12),
                                                  id_number="001090012345")]), today=today)
    c = CASES["rehabilitation"]
    path = tmp_path / "hs.xlsx"
    ugly_sheet(path, c.title, c.top, c.below, c.good, [], c.merges)
    report = _import(db, "rehabilitation", path, today)
    assert report.written and report.created == 3
    with db.session() as s:
        cases = {x.person_name: x for x in s.scalars(select(RehabCase))}
    binh = cases["Trần Văn Bình"]
    assert binh.id_number == "001090012345" and binh.resident_id is not None
    assert binh.regime is Regime.REINTEGRATION and binh.decision_number == "125/QĐ-UBND"
    assert binh.decision_date == date(2026, 2, 3) and binh.start_date == date(2026, 2, 5)
    assert binh.address == "25 Hàng Buồm" and binh.area_id == ward[0]
    assert cases["Lê Thị Cúc"].regime is Regime.DRUG_USER
    assert cases["Lê Thị Cúc"].birth_date == date(1985, 5, 12)
    assert cases["Phạm Văn Đức"].regime is Regime.WARD_EDUCATION
    assert cases["Phạm Văn Đức"].start_date == date(2026, 1, 15)
    # update: a changed supervisor is taken, an empty cell erases nothing
    changed = [list(r) for r in c.good]
    changed[0][9] = "Lê Văn Tâm"
    changed[0][6] = None  # the decision number left empty
    path2 = tmp_path / "hs2.xlsx"
    ugly_sheet(path2, c.title, c.top, c.below, changed, [], c.merges)
    assert _import(db, "rehabilitation", path2, today).skipped == 3
    fill = _import(db, "rehabilitation", path2, today, mode="fill")
    assert fill.updated == 0 and fill.unchanged == 3  # the supervisor is already filled
    upd = _import(db, "rehabilitation", path2, today, mode="update")
    assert upd.updated == 1 and upd.unchanged == 2 and upd.created == 0
    with db.session() as s:
        binh = s.get(RehabCase, binh.id)
        assert binh.supervisor == "Lê Văn Tâm" and binh.decision_number == "125/QĐ-UBND"
        s.add(RehabEvaluation(case_id=binh.id, evaluated_on=date(2026, 3, 1), period_year=2026,
                              period_no=1, classification=Classification.A))
        s.commit()
    lines = undo(db, report.batch_id, backup=False)
    assert lines[0] == "Đã xóa 2 hồ sơ do lần nhập này tạo."
    assert "Trần Văn Bình" in lines[1] and _count(db, RehabCase) == 1


def test_mediators_make_their_teams_and_undo_removes_them(db, ward, tmp_path, today):
    c = CASES["mediators"]
    path = tmp_path / "hgv.xlsx"
    ugly_sheet(path, c.title, c.top, c.below, c.good, [], c.merges)
    report = _import(db, "mediators", path, today)
    assert report.created == 3 and report.people_created == 2  # two teams made
    assert "Tổ hòa giải: 2 thêm mới" in "\n".join(report.lines())
    with db.session() as s:
        people = {m.full_name: m for m in s.scalars(select(Mediator))}
        teams = {t.area_id: t.name for t in s.scalars(select(MediationTeam))}
    assert teams == {ward[0]: "Tổ hòa giải Tổ dân phố số 1",
                     ward[1]: "Tổ hòa giải Tổ dân phố số 2"}
    lan = people["Nguyễn Thị Lan"]
    assert lan.is_leader and lan.sex is Sex.FEMALE and lan.birth_year == 1968
    assert lan.phone == "0912345678" and lan.decision_date == date(2024, 1, 10)
    assert not people["Trần Văn Nam"].is_leader and people["Trần Văn Nam"].birth_year == 1975
    assert people["Lê Văn Tư"].is_leader
    # a second leader for team 1 in update mode is refused by the team's own rule
    path2 = tmp_path / "hgv2.xlsx"
    ugly_sheet(path2, c.title, c.top, c.below, [c.good[1][:4] + ["x"] + c.good[1][5:]], [],
               c.merges)
    upd = _import(db, "mediators", path2, today, mode="update")
    assert "chỉ được một" in " ".join(next(iter(upd.errors.values())))
    lines = undo(db, report.batch_id, backup=False)
    assert lines == ["Đã xóa 3 hòa giải viên do lần nhập này tạo.",
                     "Đã xóa 2 tổ hòa giải do lần nhập này tạo."]
    assert _count(db, MediationTeam) == 0


def test_certification_units_keep_records_on_undo(db, ward, tmp_path, today):
    c = CASES["cert_units"]
    path = tmp_path / "dv.xlsx"
    ugly_sheet(path, c.title, c.top, c.below, c.good, [], c.merges)
    report = _import(db, "cert_units", path, today)
    with db.session() as s:
        units = {u.name: u for u in s.scalars(select(CertUnit))}
        school = units["Trường Tiểu học Hàng Bạc"]
        assert school.category is CertCategory.SCHOOL and school.head_name == "Phạm Thị Lan"
        assert school.phone == "02438251234"
        assert units["Công ty TNHH Minh Phát"].category is CertCategory.ENTERPRISE
        assert units["Trạm Y tế phường"].category is CertCategory.AGENCY
        s.add(CertRecord(unit_id=school.id, year=2026))
        s.commit()
    lines = undo(db, report.batch_id, backup=False)
    assert lines[0] == "Đã xóa 2 đơn vị do lần nhập này tạo."
    assert "Trường Tiểu học Hàng Bạc đã có hồ sơ" in lines[1]


def test_activities_values_and_update_mode(db, ward, tmp_path, today):
    c = CASES["tips"]
    path = tmp_path / "tb.xlsx"
    ugly_sheet(path, c.title, c.top, c.below, c.good, [], c.merges)
    _import(db, "tips", path, today)
    with db.session() as s:
        tips = {t.content: t for t in s.scalars(select(Tip))}
    first = tips["Có người lạ tụ tập đánh bạc tại nhà số 5"]
    assert first.result is TipResult.ARREST and first.persons == 3 and first.valuable
    assert first.area_id == ward[0] and first.folded.startswith("co nguoi la")
    assert tips["Xe máy để trên vỉa hè nhiều ngày"].area_id is None  # the whole ward
    changed = [list(r) for r in c.good]
    changed[1][3] = "Không có kết quả"
    ugly_sheet(path, c.title, c.top, c.below, changed, [], c.merges)
    upd = _import(db, "tips", path, today, mode="update")
    assert upd.updated == 1 and upd.unchanged == 2 and upd.created == 0
    with db.session() as s:
        assert s.scalar(select(Tip.result).where(Tip.content.like("Xe máy%"))) \
            is TipResult.NO_RESULT
    w = CASES["weapons"]
    path = tmp_path / "vk.xlsx"
    ugly_sheet(path, w.title, w.top, w.below, w.good, [], w.merges)
    _import(db, "weapons", path, today, area="Tổ dân phố số 2")
    with db.session() as s:
        got = {x.kind: x for x in s.scalars(select(WeaponHandover))}
    assert got[WeaponKind.FIRECRACKER].quantity == 2.5 and got[WeaponKind.FIRECRACKER].unit == "kg"
    assert got[WeaponKind.KNIFE].unit == "chiếc"  # the kind's own unit
    assert got[WeaponKind.FIREARM].area_id == ward[1]  # the default area
    o = CASES["outreach"]
    path = tmp_path / "tt.xlsx"
    ugly_sheet(path, o.title, o.top, o.below, o.good, [], o.merges)
    _import(db, "outreach", path, today)
    with db.session() as s:
        assert sorted(s.scalars(select(Outreach.attendance))) == [0, 80, 1200]
