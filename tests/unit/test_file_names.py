"""Suggested file names are Vietnamese without diacritics, plain ASCII."""

from __future__ import annotations

import re

from antq_desktop.enums import CertCategory
from antq_desktop.reports import registry
from antq_desktop.reports.registry import Params
from antq_desktop.text import file_slug
from antq_desktop.ui.reports.dialog import FILE_NAMES, default_file_name


def test_file_slug():
    assert file_slug("Danh sách hộ (2026)") == "danh-sach-ho-2026"
    assert file_slug("  Đà Nẵng — Hải Châu  ") == "da-nang-hai-chau"
    assert file_slug("Sổ theo dõi hòa giải ở cơ sở", 20) == "so-theo-doi-hoa-giai"
    assert file_slug("") == ""


def test_report_names():
    form = registry.get("yearend-summary")
    assert default_file_name(form, Params(2026)) == "bao-cao-tong-ket-2026.xlsx"
    assert default_file_name(registry.get("rehab-reintegration"), Params(2026, quarter=1),
                             ".pdf") == "phan-loai-tai-hoa-nhap-2026-quy1.pdf"
    assert default_file_name(registry.get("cert-proposed"),
                             Params(2025, category=CertCategory.SCHOOL)) \
        == "de-nghi-cong-nhan-an-toan-antt-2025-co-so-giao-duc.xlsx"


def test_every_form_has_a_vietnamese_ascii_name():
    for form in registry.all_forms(word=True):
        suffix = ".docx" if form in registry.word_forms() else ".xlsx"
        name = default_file_name(form, Params(2026), suffix)
        assert re.fullmatch(r"[a-z0-9-]+" + re.escape(suffix), name), name
        assert form.id in FILE_NAMES, form.id  # not the English id
        assert not name.startswith(form.id)
