"""The quarterly A/B/C/D list: only people released from prison or pardoned, each with that
quarter's class or "Chưa đánh giá" (never an older quarter's), with their certificate."""

from datetime import date

import pytest
from openpyxl import load_workbook

from antq_desktop.enums import Classification, Regime
from antq_desktop.reports import registry
from antq_desktop.reports.export import export_xlsx
from antq_desktop.reports.registry import Params, ReportError
from antq_desktop.services.rehab_stats import RehabStats
from antq_desktop.services.rehabilitation import RehabilitationService
from tests.services.test_rehab_stats import TODAY, records  # noqa: F401

C = Classification


def _by_name(people):
    return {p.name: p for p in people}


def test_each_person_has_that_quarters_class_only(db, records):  # noqa: F811
    stats = RehabStats(db)
    q2 = _by_name(stats.reintegration_quarter(2026, 2))
    q4 = _by_name(stats.reintegration_quarter(2026, 4))
    # Lê Văn An: A, B, A in Q1–Q3; Hà Em: C in Q1; Đỗ Dũng closed in 2025
    assert set(q2) == {"Lê Văn An", "Hà Em"}  # ex-prisoners only: no drug user, no youth
    assert q2["Lê Văn An"].classification is C.B
    assert q2["Hà Em"].classification is None  # evaluated C in Q1, not in Q2
    assert q4["Lê Văn An"].classification is None  # A in Q3 does not carry into Q4
    assert _by_name(stats.reintegration_quarter(2026, 1))["Hà Em"].classification is C.C


def test_the_list_groups_by_class_and_shows_the_certificate(db, records, tmp_path,  # noqa: F811
                                                            pin_today):
    pin_today(TODAY)
    path = export_xlsx(db, "rehab-reintegration", Params(2026, quarter=2), tmp_path / "q.xlsx")
    rows = [[c.value for c in row] for row in load_workbook(path).active.iter_rows()]
    texts = [v for r in rows for v in r if isinstance(v, str)]
    assert "Phân loại quý II năm 2026" in texts
    assert "Giấy chứng nhận chấp hành xong án phạt tù / đặc xá (số, ngày)" in texts
    assert not any("Quyết định" == t for t in texts)
    headings = [t for t in texts if t.startswith(("I. ", "II. ", "III. "))]
    assert headings == ["I. Nhóm B: chấp hành nhưng còn khó khăn",
                        "II. Chưa đánh giá, phân loại trong quý"]
    an = next(r for r in rows if r[1] == "Lê Văn An")
    em = next(r for r in rows if r[1] == "Hà Em")
    assert an[7] == "B" and em[7] == "Chưa đánh giá"
    assert "Tổng cộng: 2 người" in texts
    assert not any(t in texts for t in ("Phạm Bình", "Trần Cường", "Đỗ Dũng"))


def test_it_is_made_for_one_quarter(db, records, tmp_path):  # noqa: F811
    form = registry.get("rehab-reintegration")
    assert form.printable and form.needs_quarter
    with pytest.raises(ReportError, match="lập theo quý"):
        form.check(Params(2026), today=TODAY)
    with pytest.raises(ReportError, match="lập theo quý"):
        export_xlsx(db, "rehab-reintegration", Params(2026), tmp_path / "q.xlsx")


def test_the_dialog_names_the_certificate_for_an_ex_prisoner(qtbot, db, ward, unit_service):
    from antq_desktop.ui.rehabilitation.dialogs import (
        CERTIFICATE_LABEL,
        DECISION_LABEL,
        CaseDialog,
    )

    dialog = CaseDialog(RehabilitationService(db), unit_service.areas())
    qtbot.addWidget(dialog)
    dialog.regime.setCurrentIndex(dialog.regime.findData(Regime.REINTEGRATION.value))
    assert dialog.decision_label.text() == CERTIFICATE_LABEL == "Giấy chứng nhận số:"
    assert "chấp hành xong án phạt tù" in dialog.decision_label.toolTip()
    dialog.regime.setCurrentIndex(dialog.regime.findData(Regime.DRUG_USER.value))
    assert dialog.decision_label.text() == DECISION_LABEL
