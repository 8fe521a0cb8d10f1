"""Every registered form (whatever the areas register) exported for a small populated ward and
opened as a file: A4 print setup, Times New Roman, repeated table header rows, the ND30 header
lines, values only (no formulas) — and, when LibreOffice is installed, converted to PDF to prove
the file opens without repair; and every form printed to PDF by the program itself."""

import re
import shutil
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook

from antq_desktop.db.models import (
    Award,
    CertRecord,
    CertUnit,
    MovementModel,
    Outreach,
    Patrol,
    Tip,
    WeaponHandover,
)
from antq_desktop.enums import (
    AwardLevel,
    CaseOrigin,
    CertCategory,
    CertResult,
    MediationStatus,
    MediationType,
    OutreachKind,
    Regime,
    Sex,
    TipResult,
    WeaponKind,
)
from antq_desktop.reports import registry
from antq_desktop.reports.export import export_xlsx
from antq_desktop.reports.layout import FONT_NAME, MOTTO, NATIONAL_TITLE
from antq_desktop.reports.registry import Params
from antq_desktop.services.mediation import CaseData as MediationCaseData
from antq_desktop.services.mediation import MediationService, MediatorData, PartyData
from antq_desktop.services.rehabilitation import CaseData as RehabCaseData
from antq_desktop.services.rehabilitation import RehabilitationService
from antq_desktop.text import fold
from tests.conftest import household, member

YEAR = 2025  # a whole past year: every record date is allowed
FORM_IDS = [f.id for f in registry.all_forms()]


@pytest.fixture
def populated(db, ward, households):
    """A little of everything: households signed up, a rehabilitation case, mediation teams
    with cases, activities of each kind and certified units."""
    a1, a2 = ward
    h1 = households.save(household(a1, "HK000001", [member("Nguyễn Văn An", id_number=None)]))
    households.save(household(a2, "HK000002", [member("Trần Văn Bình", id_number=None)]))
    households.sign_up([h1], YEAR, date(YEAR, 2, 1))
    RehabilitationService(db).save(RehabCaseData("Lê Văn Tư", Regime.REINTEGRATION,
                                                 date(YEAR, 1, 5)))
    med = MediationService(db)
    med.ensure_teams()
    for team in med.list_teams():
        data = med.get_team(team.id)
        data.mediators = [MediatorData("Phạm Văn Tư", Sex.MALE, is_leader=True, birth_year=1960),
                          MediatorData("Đỗ Thị Năm", Sex.FEMALE, birth_year=1972),
                          MediatorData("Lý Văn Sáu", Sex.MALE, birth_year=1975)]
        med.save_team(data)
        med.save(MediationCaseData(
            team_id=team.id, received_on=date(YEAR, 3, 1), origin=CaseOrigin.PARTY_REQUEST,
            case_type=MediationType.EVERYDAY, content="Tranh chấp lối đi chung",
            parties=[PartyData("Hoàng Văn Khải", birth_year=1971), PartyData("Vũ Thị Lan")],
            status=MediationStatus.SUCCEEDED, closed_on=date(YEAR, 3, 3),
            agreement="Hai bên thống nhất mở lại lối đi."))
    with db.session.begin() as s:
        on = date(YEAR, 6, 1)
        s.add(Tip(received_on=on, area_id=a1, content="Tin báo trộm cắp", valuable=True,
                  result=TipResult.ARREST, persons=1))
        s.add(MovementModel(name="Camera an ninh", area_id=a1, started_on=on, members=12))
        s.add(Patrol(held_on=on, area_id=a2, participants=6))
        s.add(Outreach(held_on=on, area_id=None, kind=OutreachKind.MEETING, attendance=80))
        s.add(WeaponHandover(received_on=on, area_id=a2, kind=WeaponKind.FIRECRACKER,
                             quantity=1.5, unit="kg"))
        s.add(Award(awarded_on=on, recipient="Tổ dân phố số 1", collective=True, area_id=a1,
                    level=AwardLevel.WARD_POLICE))
        for category, name, area in ((CertCategory.AREA, "Tổ dân phố số 1", a1),
                                     (CertCategory.AGENCY, "Kho bạc phường", None),
                                     (CertCategory.SCHOOL, "Trường THCS Lê Lợi", None)):
            unit = CertUnit(category=category, area_id=area, name=name, name_folded=fold(name))
            s.add(unit)
            s.flush()
            s.add(CertRecord(unit_id=unit.id, year=YEAR, registered_on=date(YEAR, 2, 1),
                             evaluated_on=date(YEAR, 10, 20), result=CertResult.MET,
                             decision_number="15/QĐ-UBND", decision_date=date(YEAR, 11, 12)))
    return ward


def _variants(form, ward) -> list[tuple[str, Params]]:
    out = [] if form.needs_area or form.needs_quarter else [("", Params(YEAR))]
    if form.takes_area:
        out.append(("-area", Params(YEAR, area_id=ward[0])))
    if form.takes_quarter:
        out.append(("-q4", Params(YEAR, quarter=4)))
    return out


ANNEXES = {"cert-recognised"}  # annexes of another body's decision (ND30, Phụ lục III mẫu 2.1)
OWN_BOOKS = {"mediation-book"}  # the mediation team's own book


def _check_workbook(path, letterhead: str = "police") -> None:
    """``letterhead``: "police" — the tables carry the police's ND30 header; "annex" — an
    annex of the People's Committee's decision: its title and "(Kèm theo Quyết định …)", no
    police header, number, place and date or signature block; "none" — the mediation team's
    own book."""
    wb = load_workbook(path)
    documents = 0
    for ws in wb.worksheets:
        where = f"{path.name} / {ws.title}"
        assert int(ws.page_setup.paperSize) == 9, where  # A4
        assert ws.page_setup.orientation in ("portrait", "landscape"), where
        cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
        assert cells, where
        assert all(c.font.name == FONT_NAME for c in cells), where
        assert not [c.coordinate for c in cells if c.data_type == "f"
                    or (isinstance(c.value, str) and c.value.startswith("="))], where
        if ws.print_title_rows:  # a document with a table (a book's cover has neither)
            documents += 1
            first = [ws.cell(1, i).value for i in range(1, ws.max_column + 1)]
            second = [ws.cell(2, i).value for i in range(1, ws.max_column + 1)]
            texts = [str(c.value) for c in cells]
            if letterhead == "police":
                assert first[0] == "CÔNG AN THÀNH PHỐ HÀ NỘI" and NATIONAL_TITLE in first, where
                assert second[0] == "CÔNG AN PHƯỜNG HOÀN KIẾM" and MOTTO in second, where
            elif letterhead == "annex":
                third = ws.cell(3, 1).value
                assert first[0] == "DANH SÁCH" and third.startswith("(Kèm theo Quyết định số "), \
                    where
                assert not any("CÔNG AN" in t or NATIONAL_TITLE in t or t.startswith("Số:")
                               or "Nơi nhận" in t or "Phường Hoàn Kiếm, ngày" in t for t in texts), where
            else:
                assert not any("CÔNG AN" in str(v) for v in first + second if v), where
            assert ws.print_area, where
    assert documents, f"{path.name}: no sheet with a table and repeated header rows"


def test_there_are_forms_of_every_area():
    prefixes = {form_id.split("-")[0] for form_id in FORM_IDS}
    assert {"rehab", "mediation", "yearend"} <= prefixes


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_form_exports_in_the_state_format(db, populated, tmp_path, form_id):
    form = registry.get(form_id)
    for suffix, params in _variants(form, populated):
        path = export_xlsx(db, form_id, params, tmp_path / f"{form_id}{suffix}.xlsx")
        _check_workbook(path, letterhead="annex" if form_id in ANNEXES
                        else "none" if form_id in OWN_BOOKS else "police")


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_form_prints_and_exports_as_pdf(qapp, db, populated, tmp_path, form_id):
    """Every form, the mediation team's book too, is a printable document; its PDF holds the
    pages the print preview shows, and only the book and the annex of the decision go without
    the police letterhead."""
    from pypdf import PdfReader

    from antq_desktop.reports import printing
    from antq_desktop.reports.export import export_pdf

    form = registry.get(form_id)
    assert form.printable, form_id
    params = _variants(form, populated)[0][1]
    path = export_pdf(db, form_id, params, tmp_path / f"{form_id}.pdf")
    reader = PdfReader(path)
    assert len(reader.pages) == printing.page_count(form.document(db, params)) >= 1
    first = reader.pages[0].extract_text().replace("\t", " ")
    assert ("CÔNG AN PHƯỜNG HOÀN KIẾM" in first) == (
        form_id not in ("mediation-book", "cert-recognised")), form_id


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_every_form_opens_in_libreoffice(db, populated, tmp_path):
    files = [export_xlsx(db, form_id, _variants(registry.get(form_id), populated)[0][1],
                         tmp_path / f"{form_id}.xlsx")
             for form_id in FORM_IDS]
    out = tmp_path / "pdf"
    profile = (tmp_path / "lo-profile").as_uri()  # its own profile: runs beside another office
    result = subprocess.run(
        ["libreoffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), *map(str, files)],
        check=False, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    for path in files:
        pdf = out / f"{path.stem}.pdf"
        assert pdf.is_file(), f"{path.name} did not convert: {result.stdout} {result.stderr}"
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF") and re.search(rb"/Type\s*/Page\b", data), path.name
