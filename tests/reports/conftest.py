from datetime import date

import pytest

from antq_desktop.reports import registry
from antq_desktop.reports.layout import Column, Letterhead, Sheet

LETTERHEAD = Letterhead(
    superior="CÔNG AN THÀNH PHỐ HÀ NỘI", issuer="CÔNG AN PHƯỜNG HOÀN KIẾM",
    place="Phường Hoàn Kiếm",
    signer_title=("KT. TRƯỞNG CÔNG AN PHƯỜNG", "PHÓ TRƯỞNG CÔNG AN PHƯỜNG"),
    signer_name="Nguyễn Văn Hùng",
)


@pytest.fixture
def letterhead():
    return LETTERHEAD


@pytest.fixture
def test_form():
    """A form registered for one test only; it records the parameters it was built with."""
    calls = []

    def build(db, params):
        from openpyxl import Workbook

        calls.append(params)
        wb = Workbook()
        sheet = Sheet(wb.active, registry.load_letterhead(db),
                      [Column("STT", 6, "center"), Column("Khu dân cư", 30), Column("Số hộ", 10)])
        sheet.header(on=date(2026, 1, 5))
        sheet.title("Danh sách thử", [f"Năm {params.year}"])
        sheet.table([[1, "Tổ dân phố số 1", 12]], total=("Tổng cộng", None, 12))
        sheet.signature(recipients=["Lưu: VT."])
        return wb

    form = registry.register(registry.Form("test-list", "Danh sách thử nghiệm", build,
                                           takes_quarter=True, takes_area=True))
    form_calls = (form, calls)
    yield form_calls
    registry.unregister(form.id)
