"""``yearend-report``: the written year-end report of the movement ("Báo cáo tổng kết phong trào
Toàn dân bảo vệ an ninh Tổ quốc năm …") as an editable Word document (issue 17).

Its figures are the whole ward's of the year-end summary (``yearend-summary``: the same
IndicatorService table, so the two cannot disagree), written into the sentences of
``report_sentences.json`` (:mod:`.sentences`); what only a person can write is marked
"[Nội dung do đơn vị bổ sung]" for the unit to fill in Word.
"""

from __future__ import annotations

from datetime import date

from ...services.indicators import IndicatorError, IndicatorService
from ...text import ROMAN
from ..registry import Params, ReportError, load_letterhead
from . import base
from .sentences import fill, load_sentences, sentences_path, template_values

TITLE = "Báo cáo tổng kết phong trào Toàn dân bảo vệ an ninh Tổ quốc (văn bản Word)"


def subject(year: int) -> str:
    return f"Tổng kết phong trào Toàn dân bảo vệ an ninh Tổ quốc năm {year}"


def document(db, params: Params, today: date | None = None):
    letterhead = load_letterhead(db)
    try:
        table = IndicatorService(db).table(params.year, today=today)
    except IndicatorError as err:
        raise ReportError(str(err)) from None
    path = sentences_path(db)
    sentences = load_sentences(path)
    year = params.year
    issuer_name = _title_case_place(letterhead.issuer)
    values = template_values(dict(table.ward.figures), year=year, last_year=year - 1,
                             next_year=year + 1, place=letterhead.place, issuer_name=issuer_name)

    def text(template: str) -> str:
        return fill(template, values, path)

    doc = base.new_document()
    base.header_block(doc, [letterhead.superior, letterhead.issuer], params.document_number(),
                      letterhead.place, params.document_date(today))
    note = None
    if table.cutoff < date(year, 12, 31):
        note = f"(Số liệu tính đến ngày {table.cutoff:%d/%m/%Y})"
    base.title_block(doc, "Báo cáo", [subject(year)], note)
    parts = [("Tình hình", sentences.situation, None),
             ("Kết quả thực hiện", (), sentences.results),
             ("Hạn chế, tồn tại và nguyên nhân", sentences.limitations, None),
             (f"Phương hướng, nhiệm vụ năm {year + 1}", sentences.tasks, None)]
    for number, (name, lines, results) in enumerate(parts):
        base.heading(doc, f"{ROMAN[number]}. {name.upper()}")
        for line in lines:
            base.body(doc, text(line))
        if results is not None:
            if sentences.results_intro:
                base.body(doc, text(sentences.results_intro))
            for index, (head, items) in enumerate(results, start=1):
                if head:
                    base.para(doc, base.heading_text(doc, f"{index}. {text(head)}"), bold=True,
                              indent=True, align="left", after=6, keep=True)
                for line in items:
                    base.body(doc, text(line))
            if not results:
                base.body(doc, base.TO_FILL)
    base.body(doc, f"Trên đây là báo cáo tổng kết phong trào Toàn dân bảo vệ an ninh Tổ quốc "
                   f"năm {year} của {issuer_name}./.")
    base.signature_block(doc, letterhead.signer_title, letterhead.signer_name,
                         recipients=letterhead.recipients)
    return doc


def _title_case_place(issuer: str) -> str:
    """"CÔNG AN PHƯỜNG HOÀN KIẾM" → "Công an phường Hoàn Kiếm", "CÔNG AN THÀNH PHỐ HÀ NỘI" →
    "Công an thành phố Hà Nội" (the words after the kind of place keep their capitals)."""
    words = issuer.split()
    if not words:
        return "đơn vị"
    out = [words[0].capitalize()]
    proper = False
    for word in words[1:]:
        if proper:
            out.append(word.capitalize())
            continue
        low = word.lower()
        previous = out[-1]
        out.append(low)
        if low in ("phường", "xã", "khu", "tỉnh") or (low == "phố" and previous == "thành"):
            proper = True
    return " ".join(out)
