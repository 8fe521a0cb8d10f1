"""The two workbooks an import writes: the template of a kind (built from its column
definitions) and the error workbook (the rows not imported, as they were, with a "Lỗi" column)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..text import cell_text as safe_cell
from .columns import Kind
from .reader import Table
from .service import Report, cell_for_sheet

BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
ERROR_FILL = PatternFill("solid", fgColor="FCE4D6")
TEMPLATE_ROWS = 2000  # rows formatted (text ID columns, lists) below the header


def write_template(kind: Kind, path: Path) -> Path:
    """Headers, one example row, ID columns formatted as text, a sheet of allowed values with
    drop-down lists on those columns, and a sheet of notes."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Dữ liệu"
    columns = [c for c in kind.columns if c.example is not None or c.key not in (
        "birth_male", "birth_female")]
    lists = wb.create_sheet("Giá trị cho phép")
    for i, c in enumerate(columns, start=1):
        letter = get_column_letter(i)
        cell = ws.cell(row=1, column=i, value=c.label)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[letter].width = c.width
        example = c.example
        if example is not None:
            ex = ws.cell(row=2, column=i, value=example)
            if hasattr(example, "year"):
                ex.number_format = "DD/MM/YYYY"
        if c.as_text:
            for r in range(2, TEMPLATE_ROWS + 2):
                ws.cell(row=r, column=i).number_format = "@"
        elif c.parse.__name__ in ("a_date", "birth"):
            for r in range(3, TEMPLATE_ROWS + 2):
                ws.cell(row=r, column=i).number_format = "DD/MM/YYYY"
        if c.choices:
            col = lists.max_column + 1 if lists.max_row > 1 or lists["A1"].value else 1
            lists.cell(row=1, column=col, value=c.label).font = BOLD
            for r, value in enumerate(c.choices, start=2):
                lists.cell(row=r, column=col, value=value)
            lists.column_dimensions[get_column_letter(col)].width = 20
            ref = f"'{lists.title}'!${get_column_letter(col)}$2:" \
                  f"${get_column_letter(col)}${len(c.choices) + 1}"
            dv = DataValidation(type="list", formula1=ref, allow_blank=True,
                                showErrorMessage=False)
            dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("Hướng dẫn")
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["B"].width = 90
    notes.append(["Loại dữ liệu", kind.label])
    for line in kind.notes:
        notes.append(["", line])
    notes.append(["", "Số định danh cá nhân: 12 chữ số, cột đã định dạng Văn bản để giữ số 0 đầu."])
    notes.append(["", "Ô để trống không xóa dữ liệu đã có."])
    notes.append([])
    notes.append(["Cột", "Ghi chú"])
    for c in columns:
        notes.append([c.label, c.help or ("bắt buộc" if c.required else "")])
    for row in notes.iter_rows():
        row[0].font = BOLD
    path = Path(path)
    wb.save(path)
    return path


def write_errors(table: Table, report: Report, path: Path) -> Path:
    """The rows not imported, each as it was in the file, with "Lỗi" (why) first and the row's
    number in the original file; the header as read. Fixing the rows and importing this file
    again works: the extra columns are not import columns."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Dòng lỗi"
    headers = ["Lỗi", "Dòng trong tệp gốc", *table.headers]
    for i, h in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=i, value=safe_cell(h))
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.column_dimensions["A"].width = 60
    ws.row_dimensions[1].height = 30
    ws.column_dimensions["B"].width = 12
    for i, h in enumerate(table.headers, start=3):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(28, len(h) + 4))
    problems = report.problem_rows()
    cells_by_row = dict(table.rows)
    r = 2
    for number, message in problems.items():
        ws.cell(row=r, column=1, value=safe_cell(message)).alignment = Alignment(
            wrap_text=True, vertical="top")
        ws.cell(row=r, column=1).fill = ERROR_FILL
        # the height the wrapped message needs (LibreOffice and Excel do not grow it on open)
        ws.row_dimensions[r].height = 15 * max(1, -(-len(message) // 62))
        ws.cell(row=r, column=2, value=number).alignment = Alignment(vertical="top")
        for i, raw in enumerate(cells_by_row.get(number, []), start=3):
            value = cell_for_sheet(raw)
            cell = ws.cell(row=r, column=i, value=safe_cell(value))
            if isinstance(value, (int, float)) and not isinstance(value, bool) \
                    and abs(value) >= 10**8:  # an ID number typed as a number: show it whole
                cell.value = str(int(value))
                cell.number_format = "@"
            elif hasattr(value, "year"):
                cell.number_format = "DD/MM/YYYY"
            cell.alignment = Alignment(vertical="top")
        r += 1
    ws.freeze_panes = "C2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    path = Path(path)
    wb.save(path)
    return path
