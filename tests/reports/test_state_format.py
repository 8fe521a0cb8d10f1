"""The subject line (trích yếu) of a document: 14 pt bold, with a short rule under it (after the
"Kèm theo …" note when there is one), in the .xlsx and in the printed document alike."""

from datetime import date

from openpyxl import load_workbook

from antq_desktop.reports.document import TableDocument, to_html, to_workbook
from antq_desktop.reports.layout import NBSP, PT_PER_MM, Column, subject_rule_pt

SUBJECT = "Người được quản lý, giáo dục, giúp đỡ tại cộng đồng"


def _doc(letterhead, note=None):
    return TableDocument(letterhead=letterhead, number="", on=date(2026, 1, 5), title="Danh sách",
                         subject_lines=[SUBJECT], note=note,
                         columns=[Column("STT", 5, "center"), Column("Họ và tên", 30)],
                         rows=[[1, "Lê Văn Tư"]])


def _cells(ws):
    return [c for row in ws.iter_rows() for c in row if c.value is not None]


def test_subject_line_is_14_bold_with_a_short_rule_under_it(letterhead):
    ws = to_workbook(_doc(letterhead)).active
    cells = _cells(ws)
    subject = next(c for c in cells if c.value == SUBJECT)
    assert subject.font.b and subject.font.sz == 14
    rule = ws.cell(subject.row + 1, 1)
    assert set(rule.value) == {NBSP} and rule.font.u == "single"
    html = to_html(_doc(letterhead))
    assert html.count("<hr") == 3
    assert html.index(SUBJECT) < html.rindex("<hr") < html.index("<thead>")
    assert "font-size:14pt;margin-top:0px;margin-bottom:0px;font-weight:bold\">" + SUBJECT in html


def test_the_rule_comes_after_the_note(letterhead):
    note = "(Kèm theo Quyết định số 15/QĐ-UBND ngày 12/11/2025)"
    ws = to_workbook(_doc(letterhead, note)).active
    cells = _cells(ws)
    row_of = {c.value: c.row for c in cells}
    assert row_of[note] == row_of[SUBJECT] + 1
    assert set(ws.cell(row_of[note] + 1, 1).value) == {NBSP}
    html = to_html(_doc(letterhead, note))
    assert html.index(note) < html.rindex("<hr")


def test_the_rule_is_a_third_of_the_line_and_at_least_3_cm():
    long_line = "Kết quả quản lý, giáo dục, giúp đỡ người vi phạm pháp luật tại cộng đồng"
    assert 30 * PT_PER_MM < subject_rule_pt([long_line], 700) < 700 / 2
    assert subject_rule_pt(["Năm 2025"], 700) == 30 * PT_PER_MM
