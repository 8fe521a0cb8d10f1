"""Workbooks as offices really have them: a title block, a two-row merged header with the birth
date under "Nam" | "Nữ", numeric ID numbers that lost their leading zero, text dates, upper-case
names, blank rows and a few bad rows."""

from __future__ import annotations

from datetime import datetime

from openpyxl import Workbook

HEADER_TOP = ["STT", "Số hộ", "Họ và tên", "Ngày, tháng, năm sinh", None, "Số CCCD",
              "Quan hệ với chủ hộ", "Địa chỉ", "Tổ dân phố", "Ghi chú"]
HEADER_BELOW = [None, None, None, "Nam", "Nữ", None, None, None, None, None]

# (code, name, born male, born female, id, relation, address, area, note)
GOOD = [
    ("H01", "NGUYỄN VĂN AN", datetime(1980, 3, 5), None, 1080012345, "Chủ hộ",
     "12 Hàng Bạc  ", "Tổ dân phố số 1", None),  # ID lost its zero: 11 digits
    ("H01", "trần thị bình", None, "07/08/1982", "001182012346", "Vợ", None, None, None),
    ("H01", "Nguyễn Văn Cường", "2010", None, None, "Con", None, None, "chỉ có năm sinh"),
    ("H02", "LÊ VĂN DŨNG", "5-3-1975", None, "001 075 012 347", "Chủ hộ", "3 Hàng Bè",
     "Tổ dân phố số 2", None),
    ("H02", "Phạm Thị Em", None, 29000, None, "vợ", None, None, None),  # an Excel serial
]
BAD = [
    # row A: impossible date → its household H03 is held back with it
    ("H03", "Hoàng Văn Giang", "31/02/1970", None, None, "Chủ hộ", "5 Hàng Đào",
     "Tổ dân phố số 1", None),
    ("H03", "Hoàng Thị Hoa", None, "01/01/1972", None, "Vợ", None, None, None),
    # row B: scientific notation ID
    ("H04", "Đỗ Văn Khánh", "01/02/1965", None, "1.08E+11", "Chủ hộ", "7 Hàng Mã",
     "Tổ dân phố số 2", None),
    # row C: relation not in the list
    ("H05", "Vũ Văn Long", "02/02/1960", None, None, "Hàng xóm", "9 Hàng Gai",
     "Tổ dân phố số 1", None),
]


def ugly_workbook(path, good=GOOD, bad=BAD):
    """Write the workbook; return {kind: [row numbers]} of the good and bad data rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.append(["CÔNG AN PHƯỜNG HOÀN KIẾM"])
    ws.append(["DANH SÁCH HỘ GIA ĐÌNH, NHÂN KHẨU"])
    ws.append([])
    ws.append(HEADER_TOP)
    ws.append(HEADER_BELOW)
    ws.merge_cells("D4:E4")
    for col in "ABCFGHIJ":
        ws.merge_cells(f"{col}4:{col}5")
    ws.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)"])
    rows = {"good": [], "bad": []}
    n = 0
    for label, items in (("good", good), ("blank", [None]), ("bad", bad)):
        for item in items:
            if item is None:
                ws.append([])
                continue
            n += 1
            code, name, male, female, number, rel, address, area, note = item
            ws.append([n, code, name, male, female, number, rel, address, area, note])
            rows[label].append(ws.max_row)
    wb.save(path)
    return rows


def ugly_sheet(path, title, top, below, good, bad, merges=()):
    """A list as an office keeps it: a title block, a two-row header (``below`` under ``top``;
    the cells of ``merges`` merged, every column without a cell below merged down), the
    "(1) (2) …" numbering row, the good rows, a blank row, the bad rows. Each data row gets its
    STT in front. Returns {"good": [row numbers], "bad": [row numbers]}."""
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.append(["CÔNG AN PHƯỜNG HOÀN KIẾM"])
    ws.append([title])
    ws.append([])
    ws.append(top)
    ws.append(below)
    for ref in merges:
        ws.merge_cells(ref)
    for i, (t, b) in enumerate(zip(top, below), start=1):
        if t is not None and b is None:
            letter = get_column_letter(i)
            ws.merge_cells(f"{letter}4:{letter}5")
    ws.append([f"({i})" for i in range(1, len(top) + 1)])
    rows = {"good": [], "bad": []}
    n = 0
    for label, items in (("good", good), ("blank", [None]), ("bad", bad)):
        for item in items:
            if item is None:
                ws.append([])
                continue
            n += 1
            ws.append([n, *item])
            rows[label].append(ws.max_row)
    wb.save(path)
    return rows
