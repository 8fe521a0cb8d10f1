"""The state document format (Nghị định 30/2020/NĐ-CP, Phụ lục I; docs/DOMAIN.md §6) drawn with
python-docx, for the text documents (the year-end report, the certification papers).

A4, Times New Roman 14, margins top/bottom 20 mm, left 30 mm, right 15 mm; the two-sided header
block (issuing body and "Số:" on the left, the national title and motto on the right, the place
and date under them), the document's name and subject line, the body, the signature block and
"Nơi nhận:". Page numbers are printed top centre from page 2 (a different first-page header).
The lines of the header and the signer are the unit's settings (:class:`layout.Letterhead`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK  # noqa: F401 (re-exported)
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docx.shared import Mm, Pt, RGBColor  # noqa: F401 (re-exported)

from ..layout import MOTTO, NATIONAL_TITLE, place_date
from ..textfit import text_width

FONT_NAME = "Times New Roman"
BODY_SIZE = 14
HEADER_SIZE = 13
LEFT_SIZE = 12  # the bodies' names in the header (ND30: 12–13)
NATIONAL_SIZE = 12  # "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" on one line (ND30: 12–13)
RECIPIENT_SIZE = 11
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TO_FILL = "[Nội dung do đơn vị bổ sung]"  # the parts only a person can write
DOTS = "……"
# A table cell's own left and right margins (python-docx's template: 108 twips each), which a
# centred rule inside a cell must leave out of its container's width.
CELL_PADDING_MM = 2 * 108 * 25.4 / 1440
PT_MM = 25.4 / 72
NBSP = "\u00a0"
MOTTO_RULE_MM = 56  # as long as "Độc lập - Tự do - Hạnh phúc" in 13 pt bold (ND30)
ISSUER_RULE_MM = 25  # a third to a half of the issuing body's line, centred under it (ND30)


def new_document(landscape: bool = False, numbered: bool = True):
    """An empty A4 document in the ND30 page setup; ``numbered``: page numbers top centre from
    page 2 (the first page's header stays empty)."""
    doc = Document()
    section = doc.sections[0]
    width, height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        width, height = height, width
    section.page_width, section.page_height = width, height
    for side, mm in MARGINS_MM.items():
        setattr(section, f"{side}_margin", Mm(mm))
    section.header_distance = section.footer_distance = Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name = FONT_NAME
    normal.font.size = Pt(BODY_SIZE)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT_NAME)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    core = doc.core_properties
    core.author = core.last_modified_by = "ANTQ Desktop"
    if numbered:
        section.different_first_page_header_footer = True
        p = section.header.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _field(p, "PAGE")
    return doc


def _field(paragraph, code: str) -> None:
    """A simple field (PAGE) that Word and LibreOffice fill in."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "2"),
                       ("end", None)):
        if kind is not None:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == code:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {code} "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


# A hyphen inside a document's number or symbol ("146/GCN-UBND", "124/2021/TT-BCA"): a token
# with a slash. Writer and Word may wrap a line after any hyphen, leaving "146/GCN-" on one line
# and "UBND" on the next; such hyphens are written as Word's non-breaking hyphen
# (``w:noBreakHyphen``, which python-docx reads back as "-").
_NUMBER_HYPHEN = re.compile(r"(?<=[^\s-])-(?=[^\s-])")


def _pieces(text: str) -> list[str | None]:
    """``text`` cut at the hyphens of its number tokens; None stands for a non-breaking
    hyphen."""
    out: list[str | None] = []
    for token in re.split(r"(\s+)", text):
        if "/" in token and "-" in token:
            parts = _NUMBER_HYPHEN.split(token)
            for i, part in enumerate(parts):
                if i:
                    out.append(None)
                out.append(part)
        else:
            out.append(token)
    return out


def set_text(run, text: str) -> None:
    """``run``'s text, the hyphens of document numbers non-breaking (see _NUMBER_HYPHEN)."""
    r = run._r
    for child in list(r):
        if child.tag != qn("w:rPr"):
            r.remove(child)
    buffer = ""
    for piece in _pieces(text) + [None]:
        if piece is not None:
            buffer += piece
            continue
        if buffer:
            t = OxmlElement("w:t")
            t.set(qn("xml:space"), "preserve")
            t.text = buffer
            r.append(t)
            buffer = ""
        r.append(OxmlElement("w:noBreakHyphen"))
    r.remove(r[-1])  # the sentinel's hyphen


def add_run(paragraph, text: str, size: float = BODY_SIZE, bold: bool = False,
            italic: bool = False):
    run = paragraph.add_run()
    set_text(run, text)
    run.font.size = Pt(size)
    run.bold, run.italic = bold, italic
    return run


def width_mm(text: str, size: float, bold: bool = False) -> float:
    """One line of ``text`` in Times New Roman (textfit's metrics, a little generous)."""
    return text_width(text, size, bold) * PT_MM


def widest_word_mm(text: str, size: float, bold: bool = False) -> float:
    """The widest piece of ``text`` a line cannot break inside (words; NBSP binds)."""
    return max((width_mm(w, size, bold) for w in re.split(r"[ \t\n]+", text) if w),
               default=0.0)


def _title_bound(text: str) -> str:
    """A quoted name ("“An toàn về an ninh, trật tự”") and "năm 2025" kept on one line."""
    return re.sub(r"“[^”]*”(?: năm \d{4})?|\bnăm \d{4}\b",
                  lambda m: m.group(0).replace(" ", NBSP), text)


# The kinds of body a unit's name begins with, never broken across two lines ("CÔNG TY TNHH /
# KHÁCH SẠN PHỐ CỔ", not "CÔNG TY TNHH KHÁCH / SẠN PHỐ CỔ"); the longest first.
NAME_LEADS = ("Công ty trách nhiệm hữu hạn", "Công ty cổ phần", "Công ty TNHH", "Trường THPT",
              "Trường THCS", "Trường tiểu học", "Trường mầm non", "Ủy ban nhân dân",
              "Ban quản lý", "Trạm y tế", "Bảo hiểm xã hội", "Phòng giao dịch", "Ngân hàng",
              "Trung tâm", "Bưu điện", "Tổ dân phố", "Khu dân cư", "Công an")


def _bind(text: str, phrases: Sequence[str]) -> str:
    for phrase in phrases:
        if " " in phrase.strip():
            pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, phrase.split())) + r"(?!\w)"
            text = re.sub(pattern, lambda m: NBSP.join(m.group(0).split()), text,
                          flags=re.IGNORECASE)
    return text


def _paired(words: list[str]) -> list[str]:
    """Free words (not bound already) joined two by two, from the left of each run of them."""
    out: list[str] = []
    run: list[str] = []
    for word in [*words, None]:
        if word is not None and NBSP not in word:
            run.append(word)
            continue
        out += [NBSP.join(run[i:i + 2]) for i in range(0, len(run), 2)]
        run = []
        if word is not None:
            out.append(word)
    return out


def balanced(text: str, available_mm: float, size: float, bold: bool = False,
             keep_titles: bool = True, keep: Sequence[str] = (), pairs: bool = True) -> str:
    """``text`` as it is when it fits on one line ``available_mm`` wide; else bound with
    non-breaking spaces into the fewest lines of the most even widths, so that no line holds
    one lonely word ("TRƯỜNG THPT PHAN ĐÌNH / PHÙNG" becomes "TRƯỜNG THPT / PHAN ĐÌNH PHÙNG").
    Never broken: the phrases of ``keep`` (a ward's name: "PHƯỜNG HOÀN KIẾM", "HOÀN KIẾM"),
    the kind of body a name begins with (:data:`NAME_LEADS`) and, with ``keep_titles``, a
    quoted name and "năm 2025" (:func:`_title_bound`). ``pairs``: the other words are taken
    two by two, the way most Vietnamese words have two syllables ("DỆT MAY", "NHÀ HÀNG",
    "BẢO VỆ"): a line breaks between two pairs, not inside one."""
    if width_mm(text, size, bold) <= available_mm:
        return text
    bound = _bind(text, sorted(keep, key=len, reverse=True))
    for lead in NAME_LEADS:  # at the start only
        if bound.lower().startswith(lead.lower() + " "):
            bound = _bind(bound[:len(lead)], [lead]) + bound[len(lead):]
            break
    bound = _title_bound(bound) if keep_titles else bound
    words = _paired(bound.split(" ")) if pairs else bound.split(" ")
    if len(words) < 2:
        return text
    space = width_mm(" ", size, bold)
    widths = [width_mm(w, size, bold) for w in words]

    def span(i: int, j: int) -> float:  # words[i:j] on one line
        return sum(widths[i:j]) + space * (j - i - 1)

    # the fewest lines (greedy), then the split into that many lines whose widest is least
    lines, current = 1, 0.0
    for w in widths:
        if current and current + space + w > available_mm:
            lines, current = lines + 1, w
        else:
            current = w if not current else current + space + w
    n = len(words)
    best: dict[tuple[int, int], tuple[float, list[int]]] = {}

    def solve(start: int, k: int) -> tuple[float, list[int]]:
        """The least widest line setting words[start:] on k lines, and the line starts."""
        if (start, k) in best:
            return best[start, k]
        if k == 1:
            result = (span(start, n), [start])
        else:
            result = (float("inf"), [])
            for end in range(start + 1, n - k + 2):
                head = span(start, end)
                if head > available_mm and end > start + 1:
                    break
                rest, starts = solve(end, k - 1)
                worst = max(head, rest)
                if worst < result[0] - 1e-9:
                    result = (worst, [start, *starts])
        best[start, k] = result
        return result

    worst, starts = solve(0, min(lines, n))
    if worst == float("inf"):
        return text
    cuts = [*starts, n]
    return " ".join(NBSP.join(words[a:b]) for a, b in zip(cuts, cuts[1:], strict=False))


def para(container, text: str = "", size: float = BODY_SIZE, bold: bool = False,
         italic: bool = False, align: str = "justify", indent: bool = False,
         before: float = 0, after: float = 0, keep: bool = False):
    """A paragraph of one run; ``indent``: a first-line indent of 1 cm (body text)."""
    p = container.add_paragraph()
    p.alignment = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "center": WD_ALIGN_PARAGRAPH.CENTER,
                   "left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent:
        fmt.first_line_indent = Mm(10)
    if keep:
        fmt.keep_with_next = True
    if text:
        add_run(p, text, size, bold, italic)
    return p


def body(doc, text: str, lead: str = "", **kw):
    """A body paragraph: justified, first-line indent, 6 pt after (ND30's 6 pt spacing);
    ``lead``: bold words before the text ("Điều 1.")."""
    kw.setdefault("after", 6)
    if not lead:
        return para(doc, text, indent=True, **kw)
    p = para(doc, lead, indent=True, bold=True, **kw)
    add_run(p, f" {text}", kw.get("size", BODY_SIZE))
    return p


def heading_text(doc, text: str, size: float = BODY_SIZE) -> str:
    """A bold indented heading's text, a quoted name in it kept on one line when it wraps
    ("… nhà trường / “An toàn về an ninh, trật tự”")."""
    if width_mm(text, size, bold=True) > text_width_mm(doc) - 10:  # the first-line indent
        return _title_bound(text)
    return text


def heading(doc, text: str, size: float = BODY_SIZE):
    """A bold heading kept with what follows (:func:`heading_text`)."""
    return para(doc, heading_text(doc, text, size), size=size, bold=True, indent=True,
                align="left", before=6, after=6, keep=True)  # left: a wrapped line not spread


def rule(cell_or_doc, width_mm: float, container_mm: float, in_cell: bool = False):
    """A short centred rule (a bottom border on an empty paragraph ``width_mm`` wide);
    ``in_cell``: ``container_mm`` is a table cell's width, its padding included."""
    p = para(cell_or_doc, align="center", before=2)  # clear of the descenders above
    if in_cell:
        container_mm -= CELL_PADDING_MM
    side = max((container_mm - width_mm) / 2, 0)
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = Mm(side)
    p.paragraph_format.line_spacing = Pt(2)
    p_pr = p._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                       ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    # CT_PPr's order: … numPr, suppressLineNumbers, pBdr, shd, tabs, … spacing, ind, … jc
    p_pr.insert_element_before(border, *_AFTER_PBDR)
    return p


_AFTER_PBDR = tuple(f"w:{t}" for t in (
    "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct",
    "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
    "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
    "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle",
    "rPr", "sectPr", "pPrChange"))
_AFTER_TBLBORDERS = tuple(f"w:{t}" for t in (
    "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription"))


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    # CT_TblPr's order: … tblInd, tblBorders, shd, tblLayout, tblCellMar, tblLook
    table._tbl.tblPr.insert_element_before(borders, *_AFTER_TBLBORDERS)


HEADER_OUTDENT_MM = 10
SIGNING_LINES = 3  # empty lines between the signer's title and name: room to sign and seal


def _indent(table, mm: float) -> None:
    ind = OxmlElement("w:tblInd")
    ind.set(qn("w:w"), str(round(mm * 1440 / 25.4)))
    ind.set(qn("w:type"), "dxa")
    pr = table._tbl.tblPr
    # CT_TblPr's order: tblStyle, tblpPr, tblOverlap, bidiVisual, tblStyleRowBandSize,
    # tblStyleColBandSize, tblW, jc, tblCellSpacing, tblInd, tblBorders, …
    after = [pr.find(qn(f"w:{t}")) for t in ("tblCellSpacing", "jc", "tblW", "tblStyle")]
    anchor = next((el for el in after if el is not None), None)
    if anchor is not None:
        anchor.addnext(ind)
    else:
        pr.insert(0, ind)


def _first_paragraph(cell, text: str, size: float, bold: bool = False, italic: bool = False):
    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_run(p, text, size, bold, italic)
    return p


def text_width_mm(doc) -> float:
    s = doc.sections[-1]
    return (s.page_width - s.left_margin - s.right_margin) / 36000


def layout_table(doc, widths_mm: Sequence[float]):
    """A borderless table of fixed column widths (header and signature blocks)."""
    table = doc.add_table(rows=1, cols=len(widths_mm))
    table.autofit = False
    _no_borders(table)
    for column, cell, width in zip(table.columns, table.rows[0].cells, widths_mm, strict=True):
        column.width = Mm(width)  # the grid, which LibreOffice follows
        cell.width = Mm(width)
    return table


def place_phrases(place: str) -> list[str]:
    """A ward's name as a name's lines keep it whole: "Phường Hoàn Kiếm", "Hoàn Kiếm"."""
    words = place.split()
    kinds = {"phường", "xã", "quận", "huyện", "tỉnh", "thị", "trấn", "thành", "phố", "đặc",
             "khu"}
    rest = list(words)
    while rest and rest[0].lower() in kinds:
        rest.pop(0)
    return [p for p in (place, " ".join(rest)) if " " in p]


def header_block(doc, left_lines: Sequence[str], number: str | None, place: str | None,
                 on: date | None, left_bold_from: int | None = None,
                 keep: Sequence[str] = ()) -> None:
    """The ND30 header: on the left the superior body (plain) over the issuing body (bold) with
    a short rule, then "Số: …" (``number`` None: no number line); on the right the national
    title (bold) and the motto (bold, ruled), and below them the place and date in italics
    (``place`` None: no date line). ``left_bold_from``: the first bold line (default: the
    last). A line too long for its column wraps evenly (:func:`balanced`), ``keep`` and the
    place's name whole."""
    keep = [*keep, *place_phrases(place or "")]
    # The block reaches 10 mm into the left margin and 5 mm into the right one, as ND30
    # documents do, so the national title and the date line keep to one line each.
    width = text_width_mm(doc) + HEADER_OUTDENT_MM + 5
    left_w = width * 0.42
    table = layout_table(doc, [left_w, width - left_w])
    _indent(table, -HEADER_OUTDENT_MM)
    left, right = table.rows[0].cells
    bold_from = len(left_lines) - 1 if left_bold_from is None else left_bold_from
    for i, line in enumerate(left_lines):  # 12: "CÔNG AN THÀNH PHỐ HÀ NỘI" on one line
        bold = i >= bold_from
        line = balanced(line, left_w - CELL_PADDING_MM, LEFT_SIZE, bold, keep=keep)
        if i == 0:
            _first_paragraph(left, line, LEFT_SIZE, bold=bold)
        else:
            para(left, line, LEFT_SIZE, bold=bold, align="center")
    rule(left, ISSUER_RULE_MM, left_w, in_cell=True)
    if number is not None:
        para(left, f"Số: {number or DOTS}", HEADER_SIZE, align="center", before=4)
    _first_paragraph(right, NATIONAL_TITLE, NATIONAL_SIZE, bold=True)
    para(right, MOTTO, HEADER_SIZE, bold=True, align="center")
    rule(right, MOTTO_RULE_MM, width - left_w, in_cell=True)
    if place is not None:
        para(right, place_date(place, on) if on else f"{place}, ngày {DOTS} tháng {DOTS} năm "
             f"{DOTS}", HEADER_SIZE, italic=True, align="center", before=6)


def title_block(doc, name: str, subject_lines: Sequence[str], note: str | None = None) -> None:
    """The document's name (caps bold), its subject line(s) (bold) and a short rule."""
    para(doc, name.upper(), BODY_SIZE, bold=True, align="center", before=18)
    for line in subject_lines:
        if width_mm(line, BODY_SIZE, bold=True) > text_width_mm(doc):
            line = _title_bound(line)  # "… đạt tiêu chuẩn / “An toàn về an ninh, trật tự” năm 2025"
        para(doc, line, BODY_SIZE, bold=True, align="center")
    if note:
        para(doc, note, BODY_SIZE, italic=True, align="center")
    rule(doc, 40, text_width_mm(doc))
    para(doc, after=6)


def signature_block(doc, title_lines: Sequence[str], name: str,
                    recipients: Sequence[str] = (), left_title: Sequence[str] = (),
                    left_name: str = "") -> None:
    """"Nơi nhận:" on the left (or a second signer), the signer on the right: title in caps
    bold, room to sign, the name bold. Kept on one page (keep-with-next, rows not split)."""
    width = text_width_mm(doc)
    left_w = width * 0.45
    table = layout_table(doc, [left_w, width - left_w])
    row = table.rows[0]
    tr_pr = row._tr.get_or_add_trPr()
    cant = OxmlElement("w:cantSplit")
    tr_pr.append(cant)
    left, right = row.cells
    # The last paragraph goes to the next page with the signature rather than leave it alone
    # there.
    before = [p for p in doc.paragraphs if p._p.getparent() is table._tbl.getparent()]
    if before:
        before[-1].paragraph_format.keep_with_next = True
    spacer = para(doc, before=0)
    spacer.paragraph_format.keep_with_next = True
    spacer.paragraph_format.line_spacing = Pt(8)
    table._tbl.addprevious(spacer._p)
    if recipients:
        p = left.paragraphs[0]
        run = p.add_run("Nơi nhận:")
        run.bold = run.italic = True
        run.font.size = Pt(12)
        for line in recipients:
            para(left, f"- {line}", RECIPIENT_SIZE, align="left")
    elif left_title:
        _signer(left, left_title, left_name, first=True)
    _signer(right, title_lines, name, first=True)


def _signer(cell, title_lines: Sequence[str], name: str, first: bool) -> None:
    for i, line in enumerate(title_lines):
        if i == 0 and first:
            _first_paragraph(cell, line.upper(), BODY_SIZE, bold=True)
        else:
            para(cell, line.upper(), BODY_SIZE, bold=True, align="center")
    for _ in range(SIGNING_LINES):
        para(cell, align="center")
    para(cell, name or "", BODY_SIZE, bold=True, align="center")


def restart_numbering(doc):
    """A new section on a new page whose pages are numbered from 1 again, the first
    unnumbered (one unit's paper after another's in one file)."""
    return _restart_pages(_add_section(doc))


def _add_section(doc):
    """A section on a new page. The paragraph python-docx adds to end the previous section
    is made 1 pt high: after a signature table at the foot of a page it would otherwise spill
    onto a page of its own, left blank."""
    from docx.enum.section import WD_SECTION

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    ends = doc.element.body.findall(qn("w:p"))
    if ends and ends[-1].find(qn("w:pPr")) is not None and \
            ends[-1].find(qn("w:pPr")).find(qn("w:sectPr")) is not None:
        end = Paragraph(ends[-1], doc._body)
        end.paragraph_format.line_spacing = Pt(1)
        end.paragraph_format.space_before = end.paragraph_format.space_after = Pt(0)
        mark = OxmlElement("w:rPr")
        size = OxmlElement("w:sz")
        size.set(qn("w:val"), "2")
        mark.append(size)
        end._p.get_or_add_pPr().insert_element_before(mark, "w:sectPr", "w:pPrChange")
    return section


def _restart_pages(section):
    section.different_first_page_header_footer = True
    existing = section._sectPr.find(qn("w:pgNumType"))
    if existing is not None:
        section._sectPr.remove(existing)
    number = OxmlElement("w:pgNumType")
    number.set(qn("w:start"), "1")
    cols = section._sectPr.find(qn("w:cols"))
    if cols is not None:  # CT_SectPr's order: pgNumType before cols
        cols.addprevious(number)
    else:
        section._sectPr.append(number)
    return section


def page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def new_section(doc, landscape: bool, restart: bool = False):
    """A new section on a new page, portrait or landscape (an annex's wide table);
    ``restart``: its pages numbered from 1, the first unnumbered (an annex: ND30 numbers an
    annex's pages apart)."""
    section = _add_section(doc)
    w, h = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (h, w) if landscape else (w, h)
    for side, mm in MARGINS_MM.items():
        setattr(section, f"{side}_margin", Mm(mm))
    if restart:
        _restart_pages(section)
    return section


def _cant_split(row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


FIT_SPARE_MM = 1.0  # beyond a column's widest word: rounding in Writer and Word


def fit_columns(widths_mm: Sequence[float], needs_mm: Sequence[float]) -> list[float]:
    """``widths_mm`` (the same total) with every column at least as wide as it needs, the
    room taken from the columns wider than they need, in proportion to what they can spare."""
    widths = list(widths_mm)
    for _ in range(len(widths)):
        short = sum(max(n - w, 0) for w, n in zip(widths, needs_mm, strict=True))
        if short <= 1e-6:
            break
        spare = [max(w - n, 0) for w, n in zip(widths, needs_mm, strict=True)]
        room = sum(spare)
        if room <= 1e-6:
            break  # the needs exceed the page: leave the proportions
        take = min(short, room)
        widths = [max(w, n) if n > w else w - take * sp / room
                  for w, n, sp in zip(widths, needs_mm, spare, strict=True)]
    return widths


def grid_table(doc, headers: Sequence[str], rows: Sequence[Sequence[str]],
               widths: Sequence[float], size: float = 12, centred: Sequence[int] = (0,),
               bold_rows: Sequence[int] = ()):
    """A ruled table with a bold header row repeated on every page, no row split across two
    pages; ``widths`` relative; ``bold_rows``: indexes of ``rows`` that are headings (a
    category's): bold, the cells after the first merged into one. Each column is at least as
    wide as its widest word (a date, "146/GCN-UBND"; NBSP-bound words as one), so that no word
    is ever broken inside a cell."""
    total_mm = text_width_mm(doc)
    scale = total_mm / sum(widths)
    needs = [widest_word_mm(h, size, bold=True) + CELL_PADDING_MM + FIT_SPARE_MM
             for h in headers]
    for number, values in enumerate(rows):
        if number in bold_rows:
            continue  # merged across the row
        for i, value in enumerate(values):
            needs[i] = max(needs[i], widest_word_mm(str(value), size) + CELL_PADDING_MM
                           + FIT_SPARE_MM)
    column_mm = fit_columns([w * scale for w in widths], needs)
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, column_mm, strict=True):
        column.width = Mm(width)
    head = table.rows[0]
    _cant_split(head)
    head._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for i, (cell, text) in enumerate(zip(head.cells, headers, strict=True)):
        cell.width = Mm(column_mm[i])
        _first_paragraph(cell, text, size, bold=True)
    for number, values in enumerate(rows):
        row = table.add_row()
        _cant_split(row)
        cells = row.cells
        heading = number in bold_rows
        for i, (cell, value) in enumerate(zip(cells, values, strict=True)):
            cell.width = Mm(column_mm[i])
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if i in centred else WD_ALIGN_PARAGRAPH.LEFT
            if not (heading and i > 1):
                add_run(p, str(value), size, bold=heading)
            if heading:
                p.paragraph_format.keep_with_next = True  # a heading stays with its rows
        if heading and len(cells) > 2:
            text = "".join(str(v) for v in values[1:])
            merged = cells[1].merge(cells[-1])
            for extra in merged.paragraphs[1:]:  # merge() keeps each cell's paragraph
                extra._p.getparent().remove(extra._p)
            first = merged.paragraphs[0]
            for run in first.runs:
                run._r.getparent().remove(run._r)
            add_run(first, text, size, bold=True)
    return table


def page_frame(section, points: int = 24) -> None:
    """A double frame round the page (the certificate)."""
    sect_pr = section._sectPr
    borders = OxmlElement("w:pgBorders")
    borders.set(qn("w:offsetFrom"), "page")
    for edge in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{edge}")
        for key, value in (("w:val", "double"), ("w:sz", "18"), ("w:space", str(points)),
                           ("w:color", "8B0000")):
            el.set(qn(key), value)
        borders.append(el)
    # pgBorders goes after pgMar in CT_SectPr's sequence
    anchor = sect_pr.find(qn("w:pgMar"))
    anchor.addnext(borders)

