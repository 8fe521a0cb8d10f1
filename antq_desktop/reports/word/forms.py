"""The Word forms (issue 17): registered with the report registry like the table forms."""

from __future__ import annotations

from ..forms.certification import TITLE_NAME
from ..registry import Form, register
from . import cert_papers, yearend_report

YEAREND_REPORT = register(Form("yearend-report", yearend_report.TITLE, None,
                               word=yearend_report.document))
REGISTRATION = register(Form(
    "cert-registration", f"Bản đăng ký phấn đấu đạt tiêu chuẩn {TITLE_NAME} (từng đơn vị)",
    None, word=cert_papers.registration, takes_category=True, takes_unit=True))
MINUTES = register(Form(
    "cert-minutes", f"Biên bản họp đánh giá, đề nghị công nhận {TITLE_NAME} (từng đơn vị)",
    None, word=cert_papers.minutes, takes_category=True, takes_unit=True))
PROPOSAL = register(Form(
    "cert-proposal", f"Tờ trình đề nghị công nhận đạt tiêu chuẩn {TITLE_NAME}, kèm danh sách",
    None, word=cert_papers.proposal, takes_category=True, takes_unit=True))
DECISION = register(Form(
    "cert-decision", f"Quyết định công nhận đạt tiêu chuẩn {TITLE_NAME}, kèm danh sách",
    None, word=cert_papers.decision, takes_category=True, takes_unit=True))
CERTIFICATE = register(Form(
    "cert-certificate", f"Giấy công nhận đạt tiêu chuẩn {TITLE_NAME} (mỗi đơn vị một trang)",
    None, word=cert_papers.certificates, takes_category=True, takes_unit=True))

__all__ = ["CERTIFICATE", "DECISION", "MINUTES", "PROPOSAL", "REGISTRATION", "YEAREND_REPORT"]
