"""The certification settings dialog edits who recognises each category."""

from PySide6.QtWidgets import QLineEdit

from antq_desktop.enums import CertCategory as C
from antq_desktop.services.settings import WARD_DECIDER, SettingsService
from antq_desktop.ui.certification.dialogs import CertSettingsDialog
from tests.gui.conftest import type_text


def test_the_ward_and_a_school_get_their_own_decider(qtbot, db):
    settings = SettingsService(db)
    dialog = CertSettingsDialog(settings)
    qtbot.addWidget(dialog)
    ward = dialog.findChild(QLineEdit, "decider_ward")
    school = dialog.findChild(QLineEdit, "decider_school")
    assert ward.text() == WARD_DECIDER and school.text() == ""
    assert school.placeholderText() == "như trên"
    ward.clear()
    type_text(ward, "Giám đốc Công an thành phố")
    type_text(school, "Giám đốc Sở Giáo dục và Đào tạo")
    dialog._ok()
    c = settings.cert_settings()
    assert c.decider_for(C.WARD) == "Giám đốc Công an thành phố"
    assert c.decider_for(C.SCHOOL) == "Giám đốc Sở Giáo dục và Đào tạo"
    assert c.decider_for(C.AREA) == "Chủ tịch UBND phường"
