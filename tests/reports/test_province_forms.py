"""The province forms (issue 18; docs/ARCHITECTURE.md §6, docs/REPORTS.md): a store of several
demo wards, each ward's own forms exported as that ward, the province forms exported as a
province account. The aggregate forms equal the sum of the wards' own forms; their statement
count does not grow with the number of wards; a ward account cannot get them. Runs on SQLite
and, with ANTQ_TEST_PG_URL, on PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import event, select

from antq_desktop import places
from antq_desktop.access import CurrentUser, PermissionDenied, Role
from antq_desktop.cli import main
from antq_desktop.db.engine import Database, open_database
from antq_desktop.db.models import Area, Household
from antq_desktop.enums import CertCategory
from antq_desktop.reports import registry
from antq_desktop.reports.export import export_xlsx
from antq_desktop.reports.forms import province as forms
from antq_desktop.reports.registry import Params, ReportError
from antq_desktop.services import audit, demo
from antq_desktop.services.certification import CertificationService
from antq_desktop.services.indicators import IndicatorService
from antq_desktop.services.province import (
    province_certification,
    province_overview,
    province_yearend,
)
from antq_desktop.services.unit import UnitInfo, UnitService
from antq_desktop.services.users import UserService, login

TODAY = date(2025, 11, 20)
YEAR = 2025
PASSWORD = "mật-khẩu-1"
PROVINCE_FORMS = ("province-yearend", "province-certification", "province-overview")
SIZES = (50, 90, 70, 40, 60)  # households of the demo wards, one after another


def _only_ward(s) -> bool:
    """demo._is_empty for a ward of a province store: its own areas and households (the
    session is scoped to the ward); the unit row exists already (add_ward)."""
    return all(s.scalar(select(m.id).limit(1)) is None for m in (Area, Household))


def add_demo_ward(db: Database, index: int, monkeypatch) -> tuple[int, Database]:
    """The ``index``-th demo ward of the store (ward codes of the demo province in order),
    made by the demo generator in a handle working in that ward. Returns (unit id, handle)."""
    code = places.wards(demo.DEMO_PROVINCE_CODE)[index].code
    monkeypatch.setattr(demo, "DEMO_WARD_CODE", code)
    if index == 0:
        demo.generate(db, households=SIZES[0], seed=11, today=TODAY)
        return UnitService(db).wards()[0].id, db
    p = places.province(demo.DEMO_PROVINCE_CODE)
    w = places.ward(p.code, code)
    superior, issuer = places.default_headers(p, w)
    unit = UnitService(db).add_ward(UnitInfo(p.code, p.name, w.code, w.name, superior, issuer,
                                             w.name))
    handle = open_database(db.url)
    handle.unit_id = unit
    with monkeypatch.context() as m:
        m.setattr(demo, "_is_empty", _only_ward)
        demo.generate(handle, households=SIZES[index], seed=11 + index, today=TODAY)
    return unit, handle


@pytest.fixture
def store(db, monkeypatch):
    """A province store with three demo wards; ``add(n)`` adds wards up to ``n``."""
    wards: list[tuple[int, Database]] = []

    def add(n: int) -> list[tuple[int, Database]]:
        while len(wards) < n:
            wards.append(add_demo_ward(db, len(wards), monkeypatch))
        return wards

    add(3)
    yield add
    for _unit, handle in wards[1:]:
        handle.dispose()


def province_handle(db: Database) -> Database:
    handle = open_database(db.url)
    handle.user = CurrentUser(None, "tinh", "Công an tỉnh", Role.LEADER, province=True)
    return handle


@pytest.fixture
def province(db):
    handle = province_handle(db)
    yield handle
    handle.dispose()


# -- reading the sheets back --------------------------------------------------------------------
def blocks(path: Path) -> dict[str, list[tuple]]:
    """The year-end sheet's blocks: heading → its rows (section rows and indicator rows, every
    cell as written)."""
    ws = openpyxl.load_workbook(path).active
    out: dict[str, list[tuple]] = {}
    current = None
    for row in ws.iter_rows(values_only=True):
        first = row[0]
        if isinstance(first, str) and all(v is None for v in row[1:]) and first.isupper() \
                and first not in ("BÁO CÁO",) and not first.startswith("CÔNG AN") \
                and first != "BỘ CÔNG AN":
            current = first
            out[current] = []
        elif current is not None and row[1] is not None and first is not None \
                and (isinstance(first, int) or (isinstance(first, str) and first.isalpha())):
            out[current].append(tuple(row[:10]))
        elif current is not None and isinstance(first, str) and first.startswith("Chỉ tiêu dạng"):
            current = None
    return out


def table_rows(path: Path) -> list[tuple]:
    """The rows of a one-table form from its first numbered row to the total ("Tổng cộng",
    "Toàn tỉnh")."""
    ws = openpyxl.load_workbook(path).active
    rows, started = [], False
    for row in ws.iter_rows(values_only=True):
        if row[0] == 1 and isinstance(row[1], str):
            started = True
        if started:
            rows.append(row)
            if row[0] in ("Tổng cộng", "Toàn tỉnh"):
                break
    return rows


def ratio(text: str) -> tuple[int, int]:
    num, den = text.split("/")
    return int(num.replace(".", "")), int(den.replace(".", ""))


def add_up(values: list):
    """The sum of one cell over the wards: "x/y" adds x and y, "—" (no records) counts 0."""
    values = [v for v in values if v != "—"]
    if values and isinstance(values[0], str):
        pairs = [ratio(v) for v in values]
        return f"{sum(p[0] for p in pairs):,}/{sum(p[1] for p in pairs):,}".replace(",", ".")
    return round(sum(values or [0]), 2)


def ward_export(handle: Database, tmp_path: Path, unit: int) -> dict[str, list[tuple]]:
    path = export_xlsx(handle, "yearend-summary", Params(YEAR, on=TODAY),
                       tmp_path / f"phuong-{unit}.xlsx")
    return blocks(path)


# -- the tests ----------------------------------------------------------------------------------
def test_the_province_yearend_is_the_wards_own_summaries_and_their_sum(db, store, province,
                                                                       tmp_path):
    wards = store(3)
    path = export_xlsx(province, "province-yearend", Params(YEAR, on=TODAY),
                       tmp_path / "tinh.xlsx")
    got = blocks(path)
    names = {w.id: w.ward_name for w in UnitService(province).wards()}
    expected_headings = sorted(names[u].upper() for u, _ in wards)
    assert list(got)[:-1] == sorted(expected_headings, key=lambda n: forms_fold(n))
    assert list(got)[-1] == "TOÀN THÀNH PHỐ HÀ NỘI"
    own_blocks = []
    for unit, handle in wards:
        own = ward_export(handle, tmp_path, unit)
        (whole,) = [rows for heading, rows in own.items() if heading.startswith("TOÀN ")]
        assert got[names[unit].upper()] == whole  # the ward's own "Toàn phường", cell by cell
        own_blocks.append(whole)
    total = got["TOÀN THÀNH PHỐ HÀ NỘI"]
    assert [r[:3] for r in total] == [r[:3] for r in own_blocks[0]]
    checked = 0
    for at, row in enumerate(total):
        if not isinstance(row[0], int):
            continue
        for column in (3, 4):  # last year, this year
            assert add_up([b[at][column] for b in own_blocks]) == (
                round(row[column], 2) if isinstance(row[column], (int, float)) else row[column])
            checked += 1
    assert checked > 50
    sums = {r[1]: r[4] for r in total if isinstance(r[0], int)}
    assert sums["Tin báo, tố giác của quần chúng"] > 0
    assert "/" in sums["Hộ gia đình đăng ký tham gia xây dựng khu dân cư “An toàn về an ninh, "
                       "trật tự”"]


def forms_fold(name: str) -> str:
    from antq_desktop.text import fold

    return fold(name)


def test_the_figures_are_the_wards_own(db, store, province):
    wards = store(3)
    table = province_yearend(province, YEAR, today=TODAY)
    by_unit = {w.unit_id: w for w in table.wards}
    for unit, handle in wards:
        own = IndicatorService(handle).table(YEAR, today=TODAY).ward
        assert dict(by_unit[unit].figures) == dict(own.figures)
    whole = IndicatorService(province).table(YEAR, today=TODAY).ward  # every area of the store
    assert dict(table.total) == dict(whole.figures)


def test_the_certification_ratios_are_each_wards_own(db, store, province, tmp_path):
    wards = store(3)
    data = province_certification(province, YEAR)
    by_unit = {w.unit_id: w for w in data.wards}
    for unit, handle in wards:
        service = CertificationService(handle)
        ratios = service.category_ratios(YEAR)
        mine = by_unit[unit]
        for category, (recognised, units) in ratios.items():
            assert (mine.categories[category].recognised, mine.categories[category].units) \
                == (recognised, units), category
        criterion = service.ward_ratio(YEAR)
        assert (mine.counted.units, mine.counted.registered, mine.counted.recognised) == (
            criterion.units, criterion.registered, criterion.recognised)
        assert mine.met == criterion.met
    path = export_xlsx(province, "province-certification", Params(YEAR, on=TODAY),
                       tmp_path / "cong-nhan.xlsx")
    rows = table_rows(path)
    assert [r[1] for r in rows[:-1]] == [w.name for w in data.wards]
    total = rows[-1]
    for column in range(2, 12):  # every "x/y" cell of the total is the sum of the wards'
        assert total[column] == add_up([r[column] for r in rows[:-1]])
    assert total[13] == f"{data.wards_met} đạt"
    assert [r[13] for r in rows[:-1]] == ["Đạt" if w.met else "Chưa đạt" for w in data.wards]
    own = data.total.categories[CertCategory.WARD]  # each ward itself, recognised or not
    assert total[10:12] == (str(own.registered_ratio), str(own.recognised_ratio))
    assert own.units == 3
    area = data.total.categories[CertCategory.AREA]
    assert total[2] == f"{area.registered}/{area.units}" and area.units > 0


def test_the_overview_row_of_a_ward_is_its_own(db, store, province, tmp_path):
    wards = store(3)
    data = province_overview(province, YEAR, today=TODAY)
    by_unit = {w.unit_id: w for w in data.wards}
    for unit, handle in wards:
        own = IndicatorService(handle).table(YEAR, today=TODAY).ward
        row = by_unit[unit]
        assert row.signup == own["households_signed"].this
        assert row.rehab_managed == own["rehab_managed"].this
        assert row.mediation_received == own["mediation_received"].this
        assert row.mediation_succeeded == own["mediation_succeeded"].this
        assert row.tips == own["tips_received"].this
        assert row.patrols == own["patrols"].this
    path = export_xlsx(province, "province-overview", Params(YEAR, on=TODAY),
                       tmp_path / "tong-hop.xlsx")
    rows = table_rows(path)
    assert len(rows) == 4 and rows[-1][0] == "Toàn tỉnh"
    for column in (2, 4, 5, 6, 7, 10, 11):
        assert rows[-1][column] == add_up([r[column] for r in rows[:-1]]), column
    assert rows[-1][2] == str(data.total.signup)
    assert rows[-1][9] == f"{sum(r[9] == 'Đạt' for r in rows[:-1])}/3 đạt"


def _statements(db: Database, fn) -> int:
    counted = []

    def count(*_args):
        counted.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(counted)


def test_the_statement_count_does_not_grow_with_the_wards(db, store):
    def builds(handle):
        return [lambda: forms.yearend_document(handle, Params(YEAR, on=TODAY), TODAY),
                lambda: forms.cert_document(handle, Params(YEAR, on=TODAY)),
                lambda: forms.overview_document(handle, Params(YEAR, on=TODAY), TODAY)]

    store(2)
    handle = province_handle(db)
    try:
        two = [_statements(handle, fn) for fn in builds(handle)]
    finally:
        handle.dispose()
    store(5)
    handle = province_handle(db)
    try:
        five = [_statements(handle, fn) for fn in builds(handle)]
        assert len(province_yearend(handle, YEAR, today=TODAY).wards) == 5
    finally:
        handle.dispose()
    assert two == five
    indicators = len(IndicatorService(db).definitions().indicators)
    assert five[0] <= 2 * indicators + 8  # two grouped statements per indicator, and the units


def test_a_ward_account_cannot_get_them(db, store, province, tmp_path, capsys, monkeypatch):
    (_unit, handle), *_ = store(3)
    for form_id in PROVINCE_FORMS:
        with pytest.raises(ReportError, match="biểu tổng hợp cấp tỉnh: chỉ tài khoản cấp tỉnh"):
            export_xlsx(handle, form_id, Params(YEAR), tmp_path / "x.xlsx")
    with pytest.raises(PermissionDenied, match="không phải tài khoản cấp tỉnh"):
        province_yearend(handle, YEAR, today=TODAY)
    assert not (tmp_path / "x.xlsx").exists()
    ward_ids = {f.id for f in registry.forms_for(handle.user, word=True)}
    assert "yearend-summary" in ward_ids and not ward_ids & set(PROVINCE_FORMS)
    assert {f.id for f in registry.forms_for(province.user, word=True)} == set(PROVINCE_FORMS)
    # through the command line, signed in
    users = UserService(db)
    users.add("quantri", PASSWORD, Role.ADMIN)
    users.add("tinh", PASSWORD, Role.LEADER, province=True)
    monkeypatch.setenv("ANTQ_PASSWORD", PASSWORD)
    target = tmp_path / "tinh.xlsx"
    with pytest.raises(SystemExit) as exit_:
        main(["--db", db.url, "--user", "quantri", "export", "province-overview", "--year",
              str(YEAR), "-o", str(target)])
    err = capsys.readouterr().err
    assert exit_.value.code != 0 and "chỉ tài khoản cấp tỉnh mới lập được" in err
    assert not target.exists()
    with pytest.raises(SystemExit) as exit_:
        main(["--db", db.url, "--user", "quantri", "forms"])
    out = capsys.readouterr().out
    assert exit_.value.code == 0 and "yearend-summary\t" in out and "province-" not in \
        out.replace("--user TÊN forms", "")
    with pytest.raises(SystemExit) as exit_:
        main(["--db", db.url, "--user", "tinh", "forms"])
    out = capsys.readouterr().out
    assert [line.split("\t")[0] for line in out.splitlines()] == list(PROVINCE_FORMS)
    with pytest.raises(SystemExit) as exit_:
        main(["--db", db.url, "--user", "tinh", "export", "province-overview", "--year",
              str(YEAR), "--date", "20/11/2025", "-o", str(target)])
    assert exit_.value.code == 0, capsys.readouterr().err
    assert target.exists()
    signed_in = open_database(db.url)
    try:
        login(signed_in, "tinh", PASSWORD)
        (entry,) = audit.entries(signed_in, audit.Filter(action="export", user="tinh"))
    finally:
        signed_in.dispose()
    assert entry.kind == "report"
    assert any("province-overview" in str(c) for c in entry.changes)


def test_the_exports_are_audited(db, store, province, tmp_path):
    store(2)
    export_xlsx(province, "province-yearend", Params(YEAR, on=TODAY), tmp_path / "a.xlsx")
    export_xlsx(province, "province-certification", Params(YEAR, on=TODAY), tmp_path / "b.xlsx")
    found = audit.entries(db, audit.Filter(action="export"))
    assert len(found) == 2
    assert {str(c) for e in found for c in e.changes if "province-" in str(c)}


def test_the_reports_dialog_lists_them_for_a_province_account_only(qtbot, db, store, province):
    from antq_desktop.ui.reports.dialog import ReportsDialog

    (_unit, ward), *_ = store(2)
    mine = ReportsDialog(province)
    qtbot.addWidget(mine)
    assert [mine.form.itemData(i) for i in range(mine.form.count())] == list(PROVINCE_FORMS)
    theirs = ReportsDialog(ward)
    qtbot.addWidget(theirs)
    ids = [theirs.form.itemData(i) for i in range(theirs.form.count())]
    assert "yearend-summary" in ids and not set(ids) & set(PROVINCE_FORMS)


def test_no_ward_set_up_is_refused_clearly(db, province, tmp_path):
    with pytest.raises(ReportError, match="Chưa có phường, xã nào"):
        export_xlsx(province, "province-overview", Params(YEAR), tmp_path / "x.xlsx")


@pytest.mark.libreoffice
def test_libreoffice_prints_the_planned_pages(db, store, province, tmp_path):
    """The province forms' .xlsx as LibreOffice prints them with only DejaVu (as
    tests/reports/test_libreoffice_pages.py checks the ward's forms): the planned pages, each
    with its planned rows, the signature block whole on the last."""
    import shutil
    import subprocess

    from tests.reports import test_libreoffice_pages as lo

    if lo.MISSING or not lo.DEJAVU.is_dir():
        pytest.skip("needs LibreOffice, poppler-utils and the DejaVu fonts")
    store(4)
    files = [export_xlsx(province, form_id, Params(YEAR, on=TODAY), tmp_path / f"{form_id}.xlsx")
             for form_id in PROVINCE_FORMS]
    conf = tmp_path / "dejavu-only.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
                    f"<fontconfig><dir>{lo.DEJAVU}</dir><cachedir>{tmp_path / 'fc'}</cachedir>"
                    "</fontconfig>", encoding="utf-8")
    out = tmp_path / "pdf"
    env = {"FONTCONFIG_FILE": str(conf), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [shutil.which("soffice"), f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
         "--headless", "--convert-to", "pdf", "--outdir", str(out), *map(str, files)],
        check=False, capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stderr
    for path in files:
        pdf = out / f"{path.stem}.pdf"
        ws = openpyxl.load_workbook(path).active
        plan = lo._plan(ws)
        assert lo._page_count(pdf) == len(plan), f"{path.stem}: pages broken elsewhere"
        for number, page in enumerate(plan, start=1):
            words = lo._words(lo._page_text(pdf, number))
            for row in page.rows:
                assert not lo._row_words(ws, row) - words, (path.stem, number, row)
            for line in page.tail:
                assert lo._words(line) <= words, (path.stem, number, line)
        if path.stem == "province-yearend":
            assert len(plan) > 4  # four wards and the total, about three pages each


def test_a_province_account_makes_a_wards_form_only_with_that_ward_chosen(db, store, province,
                                                                          tmp_path):
    """Every ward in view: the province forms, and a ward's form is refused (it would mix
    every ward under one letterhead). One ward chosen: its own forms, the province's refused
    (they would count that ward only). The dialog offers what may be made."""
    from antq_desktop.db.guard import choose_ward
    from antq_desktop.reports.registry import (PROVINCE_ONE_WARD, WARD_FORM_NEEDS_WARD,
                                               forms_for)

    (first, _), (second, _), _third = store(3)
    with pytest.raises(ReportError) as refused:
        export_xlsx(province, "yearend-summary", Params(YEAR, on=TODAY), tmp_path / "x.xlsx")
    assert str(refused.value) == WARD_FORM_NEEDS_WARD.format(
        title=registry.get("yearend-summary").title)
    assert {f.id for f in forms_for(province.user)} == {"province-yearend",
                                                         "province-certification",
                                                         "province-overview"}
    choose_ward(province, second)
    assert "yearend-summary" in {f.id for f in forms_for(province.user)}
    assert not [f for f in forms_for(province.user) if f.province]
    chosen = ward_export(province, tmp_path, second)
    assert chosen and not (tmp_path / "x.xlsx").exists()
    with pytest.raises(ReportError) as refused:
        export_xlsx(province, "province-yearend", Params(YEAR, on=TODAY), tmp_path / "p.xlsx")
    assert str(refused.value) == PROVINCE_ONE_WARD.format(
        title=registry.get("province-yearend").title)
    choose_ward(province, None)  # every ward again
    assert export_xlsx(province, "province-yearend", Params(YEAR, on=TODAY),
                       tmp_path / "p.xlsx").exists()
