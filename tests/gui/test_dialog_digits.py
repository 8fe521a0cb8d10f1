"""Numbers typed in dialogs: superscript and full-width digits are read as 0–9 (NFKC), anything
else is a message naming the field; never a ValueError out of int() ("²".isdigit() is True)."""

from datetime import date

import pytest
from PySide6.QtWidgets import QTableWidgetItem

from antq_desktop.enums import Regime, SupportKind
from antq_desktop.services.mediation import MediationService, PartyData
from antq_desktop.services.rehabilitation import CaseData, RehabilitationService
from antq_desktop.ui.mediation.case_dialog import MediationCaseDialog
from antq_desktop.ui.rehabilitation.dialogs import SupportDialog
from antq_desktop.validation import FieldError


def test_the_loan_amount_takes_any_digits_and_refuses_words(qtbot, db, ward, pin_today):
    pin_today(date(2026, 6, 15))
    service = RehabilitationService(db)
    case_id = service.save(CaseData("Lê Văn Tư", Regime.REINTEGRATION, date(2026, 1, 5)))
    dialog = SupportDialog(service, service.get(case_id))
    qtbot.addWidget(dialog)
    dialog.kind.set_value(SupportKind.LOAN)
    dialog.lender.setText("Ngân hàng Chính sách xã hội")
    dialog.amount.setText("30.000.000 đồng")
    with pytest.raises(FieldError, match="Số tiền: chỉ gồm chữ số 0–9"):
        dialog.check()
    assert dialog.saved_id is None
    dialog.amount.setText("３０.０００.０００ đ")  # full-width digits: read as 30.000.000
    dialog.check()
    assert dialog.saved_id is not None
    assert [s.amount for s in service.get(case_id).supports] == [30_000_000]


def test_a_partys_age_takes_any_digits_and_refuses_letters(qtbot, db, ward):
    med = MediationService(db)
    med.ensure_teams()
    dialog = MediationCaseDialog(med, med.list_teams())
    qtbot.addWidget(dialog)
    dialog._append_party(PartyData("Hà Văn Nam"))
    dialog.parties.setItem(0, 2, QTableWidgetItem("5a"))
    with pytest.raises(FieldError, match=r"Tuổi: dòng 1: chỉ gồm chữ số 0–9"):
        dialog.party_rows()
    dialog.parties.setItem(0, 2, QTableWidgetItem("5²"))  # used to raise ValueError
    assert dialog.party_rows()[0].age == 52
    dialog.parties.setItem(0, 2, QTableWidgetItem("５２"))
    assert dialog.party_rows()[0].age == 52
