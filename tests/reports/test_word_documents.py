"""The Word documents (issue 17), read back with python-docx: the year-end report's figures
against the year-end summary's, its sentence templates overridden from the data folder, and the
certification papers (a unit not recognised gets no certificate)."""

import dataclasses
import json
import re
from datetime import date

import pytest
from docx import Document

from antq_desktop.numbers import percent_text
from antq_desktop.reports import registry
from antq_desktop.reports.export import export_docx, export_file, export_xlsx
from antq_desktop.reports.forms.yearend import cell_values
from antq_desktop.reports.layout import MOTTO, NATIONAL_TITLE
from antq_desktop.reports.registry import Params, ReportError
from antq_desktop.reports.word import yearend_report
from antq_desktop.reports.word.sentences import OVERRIDE_NAME, figure_text
from antq_desktop.services.indicators import IndicatorService, Ratio, override_path
from tests.reports.test_cert_forms import DECISION, YEAR, certified_ward
from tests.services.test_indicators import TODAY, records  # noqa: F401

ON = date(2026, 1, 15)


def _texts(doc) -> list[str]:
    """Every paragraph's text, the tables' cells included, in order; a non-breaking space
    (which keeps a long name's lines even, a title on one line) read as a space."""
    out = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                out += [p.text for p in cell.paragraphs]
    return [t.replace("\u00a0", " ") for t in out]


def _report(db, tmp_path, **kw):
    doc = yearend_report.document(db, Params(2025, on=ON, number="12/BC-CAP", **kw),
                                  today=TODAY)
    path = tmp_path / "bao-cao.docx"
    doc.save(path)
    return Document(path)


def _numbers(text: str) -> list[str]:
    """The figures in a text: "4.380", "12,5", "29/30" (years and section numbers too)."""
    return re.findall(r"\d+(?:\.\d{3})*(?:,\d+)?(?:/\d+(?:\.\d{3})*)?", text)


def test_the_report_has_the_state_format_header_subject_and_signature(db, records, tmp_path):
    doc = _report(db, tmp_path)
    texts = _texts(doc)
    for line in ("CÔNG AN THÀNH PHỐ HÀ NỘI", "CÔNG AN PHƯỜNG HOÀN KIẾM", "Số: 12/BC-CAP",
                 NATIONAL_TITLE, MOTTO, "Phường Hoàn Kiếm, ngày 15 tháng 01 năm 2026", "BÁO CÁO",
                 "Tổng kết phong trào Toàn dân bảo vệ an ninh Tổ quốc năm 2025",
                 "TRƯỞNG CÔNG AN PHƯỜNG", "Nguyễn Văn Hùng", "Nơi nhận:"):
        assert line in texts, line
    body = [p.text for p in doc.paragraphs]
    for heading in ("I. TÌNH HÌNH", "II. KẾT QUẢ THỰC HIỆN", "III. HẠN CHẾ, TỒN TẠI VÀ NGUYÊN NHÂN",
                    "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2026"):
        assert heading in body
    assert any("[Nội dung do đơn vị bổ sung]" in t for t in body)
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (30, 15)
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert doc.styles["Normal"].font.size.pt == 14
    # page numbers from page 2: a first page of its own with an empty header
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert not section.first_page_header.paragraphs[0].text


def test_every_figure_in_the_report_is_the_summary_s(db, records, tmp_path):
    table = IndicatorService(db).table(2025, today=TODAY)
    ward = table.ward.figures
    doc = _report(db, tmp_path)
    results = [p.text for p in doc.paragraphs]
    start = results.index("II. KẾT QUẢ THỰC HIỆN")
    end = results.index("III. HẠN CHẾ, TỒN TẠI VÀ NGUYÊN NHÂN")
    allowed = {"2024", "2025", *map(str, range(1, 10))}  # years and the numbered headings
    for code, f in ward.items():
        last, this, *_ = cell_values(f)
        for value in (last, this):
            allowed.add(figure_text(Ratio(*map(int, value.split("/"))) if "/" in str(value)
                                    else value))
        if f.is_ratio and f.this.share is not None:
            allowed.add(percent_text(f.this.share))
    found = [n for text in results[start:end] for n in _numbers(text)]
    assert found and set(found) <= allowed, set(found) - allowed
    text = "\n".join(results[start:end])
    patrols = ward["patrols"]
    assert (f"Tổ chức tuần tra {patrols.this} buổi (năm 2024: {patrols.last})") in text
    received = ward["rehab_received"]
    assert f"Tiếp nhận quản lý, giáo dục {received.this} người (năm 2024: {received.last})" in text


def test_each_indicator_written_by_a_template_equals_the_summary_cell(db, records, tmp_path):
    """A template naming every indicator: each this-year and last-year figure is the one the
    year-end summary's ward block prints."""
    wb = None
    codes = [i.code for i in IndicatorService(db).definitions().indicators]
    folder = override_path(db).parent
    (folder / OVERRIDE_NAME).write_text(json.dumps({"results": [{"heading": "Số liệu", "sentences": [
        f"{c}: {{{c}}} | {{{c}.last}}" for c in codes]}]}), encoding="utf-8")
    doc = _report(db, tmp_path)
    lines = {p.text.split(": ")[0]: p.text.split(": ", 1)[1] for p in doc.paragraphs
             if p.text.split(": ")[0] in codes}
    assert set(lines) == set(codes)
    export_xlsx(db, "yearend-summary", Params(2025), tmp_path / "s.xlsx")
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "s.xlsx").active
    labels = {i.label: i.code for i in IndicatorService(db).definitions().indicators}
    seen = set()
    for row in ws.iter_rows(values_only=True):
        code = labels.get(row[1])
        if code is None or code in seen:
            continue  # the first block is the whole ward's
        seen.add(code)
        last, this = row[3], row[4]
        expected = " | ".join(v if isinstance(v, str) else figure_text(v) for v in (this, last))
        assert lines[code] == expected, code
    assert seen == set(codes)
    del wb


def test_the_sentences_can_be_reworded_in_the_data_folder(db, records, tmp_path):
    path = override_path(db).parent / OVERRIDE_NAME
    path.write_text(json.dumps({
        "situation": ["Địa bàn {place} năm {year} yên bình."],
        "results": [{"heading": "Tuần tra", "sentences": [
            "Lực lượng tuần tra {patrols} lần, {patrols.change} so với năm {last_year}."]}],
    }, ensure_ascii=False), encoding="utf-8")
    table = IndicatorService(db).table(2025, today=TODAY)
    patrols = table.ward["patrols"]
    texts = [p.text for p in _report(db, tmp_path).paragraphs]
    assert "Địa bàn Phường Hoàn Kiếm năm 2025 yên bình." in texts
    delta = patrols.this - patrols.last
    change = "bằng" if delta == 0 else f"{'tăng' if delta > 0 else 'giảm'} {abs(delta)}"
    assert f"Lực lượng tuần tra {patrols.this} lần, {change} so với năm 2024." in texts
    assert not any("Tổ chức tuần tra" in t for t in texts)  # the packaged sentence is replaced


def test_a_template_naming_no_indicator_is_refused_in_vietnamese(db, records, tmp_path):
    (override_path(db).parent / OVERRIDE_NAME).write_text(
        json.dumps({"results": [{"heading": "X", "sentences": ["{khong_co} vụ"]}]}),
        encoding="utf-8")
    with pytest.raises(ReportError, match="“{khong_co}” không có"):
        _report(db, tmp_path)


def test_figures_are_written_the_vietnamese_way():
    assert figure_text(4380) == "4.380"
    assert figure_text(26000.0) == "26.000"
    assert figure_text(12.5) == "12,5"
    assert figure_text(Ratio(1234, 1300)) == "1.234/1.300"


# -- the certification papers -------------------------------------------------------------------
def _paper(db, tmp_path, form_id, **kw):
    path = tmp_path / f"{form_id}.docx"
    export_docx(db, form_id, Params(YEAR, on=date(2026, 1, 10), **kw), path)
    return Document(path)


def test_a_certificate_for_each_recognised_unit_and_none_for_the_others(db, ward, tmp_path):
    ids = certified_ward(db, ward)
    doc = _paper(db, tmp_path, "cert-certificate")
    texts = _texts(doc)
    assert texts.count("CÔNG NHẬN") == 3
    for name in ("TỔ DÂN PHỐ SỐ 1", "NGÂN HÀNG SAO MAI", "CÔNG TY ÁNH DƯƠNG"):
        assert name in texts
    for name in ("TỔ DÂN PHỐ SỐ 2", "BƯU ĐIỆN HÀNG BẠC", "TRƯỜNG THCS TRƯNG VƯƠNG"):
        assert name not in texts
    assert any(f"Quyết định số {DECISION} ngày 12 tháng 11 năm 2025" in t for t in texts)
    assert "Số: GCN-01" in texts
    section = doc.sections[0]
    assert section.page_width > section.page_height  # landscape
    assert "pgBorders" in section._sectPr.xml  # the frame
    with pytest.raises(ReportError, match="chưa được công nhận"):
        _paper(db, tmp_path, "cert-certificate", units=(ids["Tổ dân phố số 2"],))
    one = _texts(_paper(db, tmp_path, "cert-certificate", units=(ids["Ngân hàng Sao Mai"],)))
    assert one.count("CÔNG NHẬN") == 1 and "NGÂN HÀNG SAO MAI" in one


def test_the_certificates_of_one_category(db, ward, tmp_path):
    from antq_desktop.enums import CertCategory

    certified_ward(db, ward)
    texts = _texts(_paper(db, tmp_path, "cert-certificate", category=CertCategory.AGENCY))
    assert texts.count("CÔNG NHẬN") == 1 and "NGÂN HÀNG SAO MAI" in texts


def test_the_decision_and_the_proposal_carry_their_annex_list(db, ward, tmp_path):
    certified_ward(db, ward)
    decision = _texts(_paper(db, tmp_path, "cert-decision"))
    assert "QUYẾT ĐỊNH" in decision and "ỦY BAN NHÂN DÂN PHƯỜNG HOÀN KIẾM" in decision
    assert f"Số: {DECISION}" in decision and "CHỦ TỊCH" in decision
    assert any(t.startswith("(Kèm theo Quyết định số 15/QĐ-UBND ngày 12 tháng 11 năm 2025")
               for t in decision)
    assert "Công ty Ánh Dương" in decision and "Tổ dân phố số 2" not in decision
    proposal = _texts(_paper(db, tmp_path, "cert-proposal", number="20/TTr-CAP"))
    assert "TỜ TRÌNH" in proposal and "Số: 20/TTr-CAP" in proposal
    assert "Tổ dân phố số 2" in proposal and "Bưu điện Hàng Bạc" not in proposal
    assert "TRƯỞNG CÔNG AN PHƯỜNG" in proposal and "Nguyễn Văn Hùng" in proposal


def test_registration_and_minutes_per_unit(db, ward, tmp_path):
    ids = certified_ward(db, ward)
    reg = _paper(db, tmp_path, "cert-registration", units=(ids["Trường THCS Trưng Vương"],))
    texts = _texts(reg)
    assert "BẢN ĐĂNG KÝ" in texts and "TRƯỜNG THCS TRƯNG VƯƠNG" in texts
    assert "Đỗ Thu Dung" in texts and "HIỆU TRƯỞNG" in texts
    minutes = _texts(_paper(db, tmp_path, "cert-minutes", units=(ids["Bưu điện Hàng Bạc"],)))
    assert "BIÊN BẢN" in minutes and "Chưa đạt" in minutes
    assert any("kết quả: chưa đạt" in t for t in minutes)


def test_word_forms_are_listed_apart_and_refuse_xlsx(db, ward, tmp_path):
    ids = [f.id for f in registry.all_forms(word=True)]
    for form_id in ("yearend-report", "cert-registration", "cert-minutes", "cert-proposal",
                    "cert-decision", "cert-certificate"):
        assert form_id in ids
        assert form_id not in [f.id for f in registry.all_forms()]
    with pytest.raises(ReportError, match="văn bản Word"):
        export_file(db, "yearend-report", Params(2025), tmp_path / "x.xlsx")
    with pytest.raises(ReportError, match="bảng biểu"):
        export_file(db, "yearend-summary", Params(2025), tmp_path / "x.docx")
    with pytest.raises(ReportError, match="từng đơn vị"):
        registry.get("yearend-report").check(Params(2025, units=(1,)), today=ON)


def test_the_command_line_writes_word_forms(capsys, db, ward, tmp_path, pin_today):
    from antq_desktop.cli import main

    pin_today(date(2026, 1, 20))
    certified_ward(db, ward)

    def run(*argv):
        with pytest.raises(SystemExit) as exit_:
            main(["--db", db.url, *argv])
        out, err = capsys.readouterr()
        return exit_.value.code, out, err

    out = tmp_path / "giay.docx"
    code, printed, _err = run("export", "cert-certificate", "--year", str(YEAR), "--unit",
                              "ngan hang sao mai", "-o", str(out))
    assert code == 0 and printed.strip() == str(out.resolve())
    texts = _texts(Document(out))
    assert texts.count("CÔNG NHẬN") == 1 and "NGÂN HÀNG SAO MAI" in texts
    code, _out, err = run("export", "cert-certificate", "--year", str(YEAR), "--unit",
                          "Bưu điện Hàng Bạc", "-o", str(out))
    assert code == 1 and "chưa được công nhận" in err and "Traceback" not in err
    code, _out, err = run("export", "yearend-report", "--year", "2025", "-o",
                          str(tmp_path / "b.xlsx"))
    assert code == 1 and "văn bản Word" in err
    code, _out, err = run("export", "yearend-summary", "--year", "2025", "--unit", "X", "-o",
                          str(tmp_path / "b.xlsx"))
    assert code == 1 and "từng đơn vị" in err


@pytest.mark.libreoffice
@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="LibreOffice missing")
def test_word_forms_convert_to_pdf_through_libreoffice(db, ward, tmp_path):
    """One page per certificate, the decision over its pages; LibreOffice reads the .docx."""
    from pypdf import PdfReader

    certified_ward(db, ward)
    path = export_file(db, "cert-certificate", Params(YEAR, on=date(2026, 1, 10)),
                       tmp_path / "giay.pdf")
    reader = PdfReader(path)
    assert len(reader.pages) == 3
    assert "NGÂN HÀNG SAO MAI" in reader.pages[1].extract_text() + reader.pages[2].extract_text() \
        + reader.pages[0].extract_text()
    box = reader.pages[0].mediabox
    assert box.width > box.height  # landscape


def test_without_libreoffice_a_word_pdf_is_refused_in_vietnamese(db, ward, tmp_path,
                                                                 monkeypatch):
    monkeypatch.setattr("antq_desktop.reports.word.convert.libreoffice", lambda: None)
    certified_ward(db, ward)
    target = tmp_path / "giay.pdf"
    with pytest.raises(ReportError, match="chưa cài LibreOffice"):
        export_file(db, "cert-certificate", Params(YEAR), target)
    assert not target.exists()


@pytest.mark.libreoffice
@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="LibreOffice missing")
def test_the_pages_writer_lays_out(db, ward, tmp_path):
    """What LibreOffice prints: a certificate is one page even for a long name, a school's
    registration (eight criteria) one page with its signature, the decision's annex
    numbered apart from its first page."""
    from pypdf import PdfReader

    from antq_desktop.enums import CertCategory
    from antq_desktop.services.certification import CertificationService

    ids = certified_ward(db, ward)
    cert = CertificationService(db)
    unit = cert.unit(ids["Ngân hàng Sao Mai"])
    long_name = "Phòng Giao dịch Ngân hàng Chính sách xã hội phường Hoàn Kiếm chi nhánh số 2"
    cert.save_unit(dataclasses.replace(unit, name=long_name))
    pdf = export_file(db, "cert-certificate", Params(YEAR), tmp_path / "giay.pdf")
    pages = [p.extract_text() for p in PdfReader(pdf).pages]
    assert len(pages) == 3 and all("CÔNG NHẬN" in p for p in pages)
    school = ids["Trường THCS Trưng Vương"]
    pdf = export_file(db, "cert-registration", Params(YEAR, units=(school,)),
                      tmp_path / "dk.pdf")
    pages = [p.extract_text() for p in PdfReader(pdf).pages]
    assert len(pages) == 1 and "HIỆU TRƯỞNG" in pages[0] and "Đỗ Thu Dung" in pages[0]
    pdf = export_file(db, "cert-decision", Params(YEAR, category=CertCategory.AGENCY),
                      tmp_path / "qd.pdf")
    pages = [p.extract_text() for p in PdfReader(pdf).pages]
    assert len(pages) == 2 and "DANH SÁCH" in pages[1]


def test_the_annex_is_numbered_apart_and_the_ward_goes_to_the_province(db, ward, tmp_path):
    from antq_desktop.enums import CertCategory

    ids = certified_ward(db, ward)
    decision = _paper(db, tmp_path, "cert-decision")
    annex = decision.sections[1]._sectPr
    assert 'w:start="1"' in annex.xml and annex.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}titlePg") is not None
    heading = next(r for t in decision.tables[1:] for r in t.rows
                   if r.cells[1].text == "KHU DÂN CƯ")
    assert heading.cells[1]._tc is heading.cells[-1]._tc  # merged across the row
    ward_unit = ids["Phường Hoàn Kiếm"]
    texts = _texts(_paper(db, tmp_path, "cert-registration", units=(ward_unit,)))
    assert "ỦY BAN NHÂN DÂN PHƯỜNG HOÀN KIẾM" in texts
    assert any(t.startswith("Kính gửi: Chủ tịch UBND thành phố Hà Nội;") for t in texts)
    assert "Công an thành phố Hà Nội." in " ".join(texts)


# -- sound files, numbers that never wrap ---------------------------------------------------------
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# The schema's order of the children this package writes (ECMA-376 Part 1, CT_SectPr, CT_PPr,
# CT_TblPr, CT_RPr): Word refuses, and Writer may misread, a part whose children are out of it.
ORDER = {
    "sectPr": ["headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz",
               "pgMar", "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols",
               "formProt", "vAlign", "noEndnote", "titlePg", "textDirection", "bidi",
               "rtlGutter", "docGrid", "printerSettings", "sectPrChange"],
    "pPr": ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
            "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku",
            "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi",
            "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
            "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
            "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr",
            "pPrChange"],
    "tblPr": ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
              "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
              "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription"],
    "rPr": ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
            "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish",
            "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight",
            "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang",
            "eastAsianLayout", "specVanish", "oMath"],
}
A_NUMBER_HYPHEN = re.compile(r"\S*/\S*\w-\w")  # "146/GCN-UBND" written with a plain hyphen


def _local(el) -> str:
    return el.tag.rsplit("}", 1)[-1]


def package_faults(path) -> list[str]:
    """What would make Word or Writer complain of the .docx at ``path``, or wrap a number: the
    zip's part names unique, every XML part well formed, every part typed and every internal
    relationship's target present; in document.xml every table cell ending in a paragraph, a
    grid of positive widths as wide as each row's cells, each cell's width given, the
    children of sectPr, pPr, tblPr and rPr in the schema's order, only Times New Roman named,
    and no document number with a hyphen a line may break at."""
    import posixpath
    import zipfile

    from lxml import etree

    faults = []
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        if len(names) != len(set(names)):
            faults.append(f"duplicate parts: {sorted({n for n in names if names.count(n) > 1})}")
        parsed = {}
        for name in names:
            if name.endswith((".xml", ".rels")):
                try:
                    parsed[name] = etree.fromstring(z.read(name))
                except etree.XMLSyntaxError as exc:
                    faults.append(f"{name}: {exc}")
    types = parsed["[Content_Types].xml"]
    defaults = {el.get("Extension").lower() for el in types if _local(el) == "Default"}
    overrides = {el.get("PartName").lstrip("/") for el in types if _local(el) == "Override"}
    for name in names:
        if name != "[Content_Types].xml" and name not in overrides \
                and name.rsplit(".", 1)[-1].lower() not in defaults:
            faults.append(f"{name}: no content type")
    for name, root in parsed.items():
        if not name.endswith(".rels"):
            continue
        folder = posixpath.dirname(posixpath.dirname(name))
        for rel in root:
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target")
            full = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join(folder, target))
            if full not in names:
                faults.append(f"{name}: missing target {target}")
    for name, root in parsed.items():
        if not name.startswith("word/") or name.endswith(".rels"):
            continue
        for tc in root.iter(f"{W}tc"):
            if _local(tc[-1]) != "p":
                faults.append(f"{name}: a table cell that does not end in a paragraph")
            if tc.find(f"{W}tcPr/{W}tcW") is None:
                faults.append(f"{name}: a table cell without its width")
        for tbl in root.iter(f"{W}tbl"):
            cols = tbl.findall(f"{W}tblGrid/{W}gridCol")
            if not cols or any(int(c.get(f"{W}w") or 0) <= 0 for c in cols):
                faults.append(f"{name}: a table without a grid of widths")
            for tr in tbl.findall(f"{W}tr"):
                span = sum(int(tc.find(f"{W}tcPr/{W}gridSpan").get(f"{W}val"))
                           if tc.find(f"{W}tcPr/{W}gridSpan") is not None else 1
                           for tc in tr.findall(f"{W}tc"))
                if span != len(cols):
                    faults.append(f"{name}: a row of {span} cells in a grid of {len(cols)}")
        for parent, order in ORDER.items():
            for el in root.iter(f"{W}{parent}"):
                seen = [_local(c) for c in el]
                known = [order.index(s) for s in seen if s in order]
                if known != sorted(known) or any(s not in order for s in seen):
                    faults.append(f"{name}: {parent} children out of order: {seen}")
        for fonts in _font_elements(name, root, parsed):
            for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
                value = fonts.get(f"{W}{attr}")
                if value is not None and value != "Times New Roman":
                    faults.append(f"{name}: font {value}")
        for t in root.iter(f"{W}t"):
            if t.text and A_NUMBER_HYPHEN.search(t.text):
                faults.append(f"{name}: a breakable hyphen in {t.text!r}")
    return faults


def _font_elements(name, root, parsed):
    """The rFonts that print: the body's and headers', and in styles.xml the defaults' and
    those of the styles the body uses (with what they are based on); the template's unused
    styles (Macro Text in Courier) and its bullets (Symbol) never print."""
    if name in ("word/document.xml",) or name.startswith(("word/header", "word/footer")):
        return list(root.iter(f"{W}rFonts"))
    if name != "word/styles.xml":
        return []
    body = parsed["word/document.xml"]
    used = {"Normal"} | {el.get(f"{W}val") for tag in ("pStyle", "rStyle", "tblStyle")
                         for el in body.iter(f"{W}{tag}")}
    styles = {s.get(f"{W}styleId"): s for s in root.iter(f"{W}style")}
    for style_id in list(used):
        while style_id in styles:
            based = styles[style_id].find(f"{W}basedOn")
            style_id = based.get(f"{W}val") if based is not None else None
            if style_id:
                used.add(style_id)
    out = list(root.find(f"{W}docDefaults").iter(f"{W}rFonts"))
    for style_id in used:
        if style_id in styles:
            out += list(styles[style_id].iter(f"{W}rFonts"))
    return out


def test_the_package_check_finds_what_it_looks_for(tmp_path):
    """The check fails on the faults it names: a cell without a paragraph, a number's plain
    hyphen, another font, a paragraph's border after its alignment (what the rules under the
    headers had)."""
    from docx.oxml import OxmlElement

    doc = Document()
    table = doc.add_table(rows=1, cols=2)
    cell = table.rows[0].cells[0]
    cell._tc.remove(cell.paragraphs[0]._p)
    p = doc.add_paragraph("Số 146/GCN-UBND")
    p.runs[0].font.name = "Arial"
    p.alignment = 1
    p._p.get_or_add_pPr().append(OxmlElement("w:pBdr"))  # after jc: out of the schema's order
    doc.save(tmp_path / "bad.docx")
    faults = "\n".join(package_faults(tmp_path / "bad.docx"))
    assert "does not end in a paragraph" in faults
    assert "breakable hyphen in 'Số 146/GCN-UBND'" in faults
    assert "font Arial" in faults
    assert "pPr children out of order: ['jc', 'pBdr']" in faults


LONG_NAME = "Phòng Giao dịch Ngân hàng Chính sách xã hội phường Hoàn Kiếm chi nhánh số 2"


def _real_numbers(db, ward, decision="4331/QĐ-UBND"):
    """The fixture's ward with numbers as a city writes them ("1468/GCN-UBND") and a unit of
    a long name."""
    from antq_desktop.enums import CertResult
    from antq_desktop.services.certification import CertificationService
    from tests.reports.test_cert_forms import _record

    ids = certified_ward(db, ward, decision=decision)
    cert = CertificationService(db)
    for name, number in (("Tổ dân phố số 1", "1468/GCN-UBND"),
                         ("Ngân hàng Sao Mai", "146/GCN-UBND")):
        category = cert.unit(ids[name]).category
        cert.save_record(ids[name], YEAR, _record(category, CertResult.MET, decision=decision,
                                                  certificate=number), today=date(2026, 1, 10))
    unit = cert.unit(ids["Ngân hàng Sao Mai"])
    cert.save_unit(dataclasses.replace(unit, name=LONG_NAME))
    return ids


PAPERS = [("cert-registration", {}), ("cert-minutes", {}), ("cert-proposal", {}),
          ("cert-decision", {}), ("cert-certificate", {})]


def test_every_word_document_is_a_sound_package(db, ward, tmp_path):
    ids = _real_numbers(db, ward)
    for form_id, kw in [*PAPERS, ("cert-certificate", {"units": (ids["Tổ dân phố số 1"],)})]:
        path = tmp_path / f"{form_id}.docx"
        export_docx(db, form_id, Params(YEAR, on=date(2026, 1, 10), number="20/TTr-CAP", **kw),
                    path)
        assert package_faults(path) == [], form_id
        assert Document(path).paragraphs  # python-docx reads it back


def test_the_year_end_report_is_a_sound_package(db, records, tmp_path):
    _report(db, tmp_path)
    assert package_faults(tmp_path / "bao-cao.docx") == []


def _grid_mm(table) -> list[float]:
    cols = table._tbl.findall(f"{W}tblGrid/{W}gridCol")
    return [int(c.get(f"{W}w")) * 25.4 / 1440 for c in cols]


def test_the_annex_columns_hold_their_numbers_on_one_line(qapp, db, ward, tmp_path):
    """In Times New Roman 12 (the bundled Liberation Serif, which has its metrics) every date,
    decision number and certificate number of the annexes fits its column inside the cells'
    padding, so Writer and Word never wrap "1468/GCN-UBND" after its slash or hyphen; the
    numbers' hyphens do not break either."""
    from antq_desktop.reports.word.base import CELL_PADDING_MM

    _real_numbers(db, ward)
    for form_id, number_columns in (("cert-decision", ("Ngày đăng ký", "Ngày họp đánh giá",
                                                       "Số, ngày quyết định",
                                                       "Số Giấy công nhận")),
                                    ("cert-proposal", ("Ngày đăng ký", "Ngày họp đánh giá",
                                                       "Số tiêu chuẩn đạt"))):
        doc = _paper(db, tmp_path, form_id)
        annex = doc.tables[-1]
        widths = _grid_mm(annex)
        headers = [c.text for c in annex.rows[0].cells]
        checked = []
        for title in number_columns:
            column = headers.index(title)
            texts = [r.cells[column].text for r in annex.rows[1:]
                     if r.cells[1]._tc is not r.cells[column]._tc]  # not a category's heading
            for text in texts:
                for line in text.split(" "):  # "4331/QĐ-UBND" over "ngày 12/11/2025"
                    line = line.replace("\u00a0", " ")
                    assert _tnr_mm(line, 12) <= widths[column] - CELL_PADDING_MM, (form_id, line)
                    checked.append(line)
        assert "1468/GCN-UBND" in checked or form_id == "cert-proposal"
        assert "ngày 12/11/2025" in checked or form_id == "cert-proposal"
        xml = annex._tbl.xml
        assert "GCN-UBND" not in xml and "QĐ-UBND" not in xml  # hyphens non-breaking
        assert "w:noBreakHyphen" in xml or form_id == "cert-proposal"
        assert sum(widths) == pytest.approx(297 - 30 - 15, abs=0.5)  # the landscape text width


def _tnr_mm(text: str, size: float, bold: bool = False) -> float:
    """``text``'s width in the bundled Liberation Serif (Times New Roman's metrics), unhinted."""
    from PySide6.QtGui import QRawFont

    from antq_desktop.reports.fonts import font_dir

    face = "Bold" if bold else "Regular"
    raw = QRawFont(str(font_dir() / f"LiberationSerif-{face}.ttf"), 1000.0)
    assert raw.isValid()
    advance = sum(a.x() for a in raw.advancesForGlyphIndexes(raw.glyphIndexesForString(text)))
    return advance / 1000 * size * 25.4 / 72


def test_a_long_name_wraps_evenly_and_never_inside_a_word(qapp):
    """A unit's name too long for its line is bound with non-breaking spaces into even lines:
    each fits (in the real font), none is one lonely word, the ward's name, the kind of body
    and each two-syllable pair stay whole; a name that fits is left alone."""
    from antq_desktop.reports.word.base import NBSP, balanced, place_phrases

    keep = place_phrases("Phường Hoàn Kiếm")
    header_mm = 180 * 0.42 - 3.81  # the header's left column, inside its padding
    for name, expected in (
        ("TRƯỜNG THPT PHAN ĐÌNH PHÙNG", ["TRƯỜNG THPT", "PHAN ĐÌNH PHÙNG"]),
        ("CÔNG TY TNHH KHÁCH SẠN PHỐ CỔ", ["CÔNG TY TNHH", "KHÁCH SẠN PHỐ CỔ"]),
        ("ỦY BAN NHÂN DÂN PHƯỜNG HOÀN KIẾM", ["ỦY BAN NHÂN DÂN", "PHƯỜNG HOÀN KIẾM"]),
        ("BẢO HIỂM XÃ HỘI CƠ SỞ HOÀN KIẾM", ["BẢO HIỂM XÃ HỘI", "CƠ SỞ HOÀN KIẾM"]),
        ("CÔNG TY CỔ PHẦN DỊCH VỤ BẢO VỆ THĂNG LONG", ["CÔNG TY CỔ PHẦN DỊCH VỤ",
                                                       "BẢO VỆ THĂNG LONG"]),
    ):
        text = balanced(name, header_mm, 12, bold=True, keep=keep)
        lines = [line.replace(NBSP, " ") for line in text.split(" ")]
        assert lines == expected
        assert all(_tnr_mm(line, 12, bold=True) <= header_mm for line in lines)
    assert balanced("TỔ DÂN PHỐ SỐ 1", header_mm, 12, bold=True) == "TỔ DÂN PHỐ SỐ 1"
    lines = balanced(LONG_NAME.upper(), 253, 20, bold=True, keep=keep).split(" ")
    assert len(lines) == 2 and all(len(line.split(NBSP)) >= 4 for line in lines)
    assert all(_tnr_mm(line.replace(NBSP, " "), 20, bold=True) <= 253 for line in lines)


def test_a_long_subject_breaks_before_the_quoted_title(db, ward, tmp_path):
    ids = certified_ward(db, ward)
    doc = _paper(db, tmp_path, "cert-minutes", units=(ids["Bưu điện Hàng Bạc"],))
    subject = next(p.text for p in doc.paragraphs if p.text.startswith("Họp đánh giá"))
    title = "“An toàn về an ninh, trật tự” năm 2025"
    assert subject.endswith(title.replace(" ", "\u00a0"))  # one line, however it wraps
    assert subject.split(" ")[-1] == title.replace(" ", "\u00a0")



@pytest.mark.libreoffice
@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="LibreOffice missing")
def test_writer_converts_every_document_without_a_word_of_complaint(db, ward, tmp_path):
    """Writer converts each document with nothing on stderr or stdout but its own conversion
    line (a missing Java runtime's warning aside: the machine's, not the document's)."""
    import subprocess

    ids = _real_numbers(db, ward)
    papers = [*PAPERS, ("cert-certificate", {"units": (ids["Tổ dân phố số 1"],)})]
    sources = []
    for i, (form_id, kw) in enumerate(papers):
        path = tmp_path / f"{i}-{form_id}.docx"
        export_docx(db, form_id, Params(YEAR, on=date(2026, 1, 10), **kw), path)
        sources.append(path)
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"),
         *map(str, sources)], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0
    noise = [line for line in (done.stdout + done.stderr).splitlines()
             if line.strip() and not line.startswith("convert ") and "javaldx" not in line]
    assert noise == []
    for path in sources:
        assert (tmp_path / "pdf" / f"{path.stem}.pdf").stat().st_size > 1000
