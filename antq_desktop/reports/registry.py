"""The registry of report forms: each area's module registers its forms when imported.

A form is an id ("rehab-list"), a Vietnamese title, the parameters it takes (always a year;
optionally a quarter, a residential area or a category of certified units) and a builder
``build(db, params) -> Workbook`` that reads through the services and draws with
:mod:`antq_desktop.reports.layout`. A form that also has ``document(db, params) ->
TableDocument`` (or a ``SectionedDocument`` of several parts) can be printed and exported to
PDF (:mod:`antq_desktop.reports.printing`).

A province form (``province=True``, reports/forms/province.py) aggregates every ward of a
province store: it is offered to a province account only, and a ward account's export of it is
refused (:func:`check_account`); a province account is offered the province forms only
(:func:`forms_for`).

A text document (a report, a decision, a certificate) is a Word form: ``word(db, params) ->
docx.Document`` (python-docx, :mod:`antq_desktop.reports.word`) instead of ``build``; it is
exported as .docx, and as PDF through LibreOffice when it is installed (reports/export.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl import Workbook

    from ..db.engine import Database
    from ..enums import CertCategory
    from .document import Printable
    from .layout import Letterhead  # openpyxl: loaded with the first form, not at start-up

MIN_YEAR = 2000
MAX_NUMBER = 30  # characters of a document number ("125/QĐ-UBND")
NO_QUARTER = "Biểu “{title}” không lập theo quý."
NO_AREA = "Biểu “{title}” không lập riêng cho từng khu dân cư."
NO_CATEGORY = "Biểu “{title}” không lập riêng theo loại đơn vị."
PROVINCE_ONLY = ("Biểu “{title}” là biểu tổng hợp cấp tỉnh: chỉ tài khoản cấp tỉnh mới lập được "
                 "(đăng nhập bằng tài khoản cấp tỉnh, trên dòng lệnh: --user TÊN).")
PROVINCE_ONE_WARD = ("Biểu “{title}” tổng hợp mọi phường, xã: hãy chọn “Tất cả phường, xã” "
                     "(Tệp → Chọn phường, xã…; trên dòng lệnh: bỏ --unit).")
WARD_FORM_NEEDS_WARD = ("Biểu “{title}” là biểu của một phường, xã: hãy chọn phường, xã trước "
                        "(Tệp → Chọn phường, xã…; trên dòng lệnh: --unit MÃ).")
NOT_PRINTABLE = ("Biểu “{title}” chưa in hoặc xuất PDF được; hãy xuất tệp Excel (.xlsx) rồi in "
                 "từ Excel.")


class ReportError(Exception):
    """A report cannot be produced; the message is Vietnamese and meant for the user."""


class UnknownFormError(ReportError, KeyError):
    """No form with that id. A KeyError too, but prints its message without quotes."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Params:
    year: int
    quarter: int | None = None  # 1–4, for forms that take a quarter
    area_id: int | None = None  # one residential area, for forms that take an area; None = all
    category: CertCategory | None = None  # one category of units, for forms that take one
    on: date | None = None  # the document date after the place name; None: today
    number: str | None = None  # after "Số: " ("12/BC-CAP"); None or "": blanks to fill by hand
    full_ids: bool = False  # print ID numbers whole (forms that take it; else the last 4 digits)
    units: tuple[int, ...] = ()  # certified units (ids) for the papers that take them; (): all

    def document_date(self, today: date | None = None) -> date:
        return self.on or today or date.today()

    def document_number(self) -> str:
        return (self.number or "").strip()

    def period_end(self) -> date:
        """The last day of the year, or of the quarter when one is given."""
        if self.quarter:
            month = self.quarter * 3
            nxt = date(self.year + (month == 12), month % 12 + 1, 1)
            return date.fromordinal(nxt.toordinal() - 1)
        return date(self.year, 12, 31)

    def counted_to(self, today: date | None = None) -> str | None:
        """"(Số liệu tính đến ngày …)" while the period is not over: its figures are not final."""
        cutoff = min(self.period_end(), today or date.today())
        if cutoff < self.period_end():
            return f"(Số liệu tính đến ngày {cutoff:%d/%m/%Y})"
        return None


@dataclass(frozen=True)
class Form:
    id: str  # "rehab-list": lower-case, used on the command line
    title: str  # "Danh sách người được giáo dục tại địa phương"
    build: Callable[[Database, Params], Workbook] | None  # None: a Word form (``word``)
    takes_quarter: bool = False
    takes_area: bool = False
    takes_category: bool = False
    takes_full_ids: bool = False  # the form prints ID numbers, masked unless asked
    needs_area: bool = False  # made for one residential area at a time (the builder refuses all)
    needs_quarter: bool = False  # made for one quarter at a time
    # The printable document (print preview, printing, PDF); None: the form is Excel only.
    document: Callable[[Database, Params], Printable] | None = None
    dated: bool = True  # prints the document's date and number (the mediation book does not)
    # The Word document (python-docx); a form with it writes .docx (and PDF through LibreOffice).
    word: Callable[[Database, Params], object] | None = None
    takes_unit: bool = False  # made for chosen certified units (Params.units)
    province: bool = False  # aggregates every ward: a province account's form only

    @property
    def is_word(self) -> bool:
        return self.word is not None

    @property
    def suffixes(self) -> tuple[str, ...]:
        """The file kinds it is exported to, the first the default."""
        if self.is_word:
            return (".docx", ".pdf")
        return (".xlsx", ".pdf") if self.printable else (".xlsx",)

    @property
    def printable(self) -> bool:
        return self.document is not None

    def check(self, params: Params, today: date | None = None) -> None:
        """Raise ReportError (Vietnamese) for parameters this form cannot use."""
        this_year = (today or date.today()).year
        if not MIN_YEAR <= params.year <= this_year + 1:
            raise ReportError(f"Năm {params.year} không hợp lệ: phải từ {MIN_YEAR} đến "
                              f"{this_year + 1}.")
        if params.quarter is None and self.needs_quarter:
            raise ReportError(f"Biểu “{self.title}” lập theo quý: hãy chọn quý (1–4).")
        if params.quarter is not None:
            if not self.takes_quarter:
                raise ReportError(NO_QUARTER.format(title=self.title))
            if params.quarter not in (1, 2, 3, 4):
                raise ReportError(f"Quý {params.quarter} không hợp lệ: phải từ 1 đến 4.")
        if params.area_id is not None and not self.takes_area:
            raise ReportError(NO_AREA.format(title=self.title))
        if params.category is not None and not self.takes_category:
            raise ReportError(NO_CATEGORY.format(title=self.title))
        if params.units and not self.takes_unit:
            raise ReportError(f"Biểu “{self.title}” không lập riêng cho từng đơn vị.")
        if params.full_ids and not self.takes_full_ids:
            raise ReportError(f"Biểu “{self.title}” không in số định danh cá nhân.")
        if params.on is not None and params.on < date(params.year, 1, 1):
            raise ReportError(f"Ngày văn bản {params.on:%d/%m/%Y} không hợp lệ: không được "
                              f"trước năm báo cáo {params.year}.")
        if params.number is not None:
            number = params.number.strip()
            if len(number) > MAX_NUMBER or any(c in number for c in "\r\n\t"):
                raise ReportError(f"Số văn bản “{number[:MAX_NUMBER]}” không hợp lệ: tối đa "
                                  f"{MAX_NUMBER} ký tự, trên một dòng (ví dụ 12/BC-CAP).")


_FORMS: dict[str, Form] = {}
_loaded = False


def _load_forms() -> None:
    """Import the area modules once; each registers its own forms.

    A plain import (not importlib by name), so a freezer such as PyInstaller sees the forms."""
    global _loaded
    if not _loaded:
        _loaded = True
        from . import forms, word  # noqa: F401


def register(form: Form) -> Form:
    """Add ``form``; registering the same id twice with a different form is a programming error."""
    existing = _FORMS.get(form.id)
    if existing is not None and existing is not form:
        raise ValueError(f"A report form with id {form.id!r} is already registered.")
    _FORMS[form.id] = form
    return form


def unregister(form_id: str) -> None:
    _FORMS.pop(form_id, None)


def all_forms(word: bool = False) -> list[Form]:
    """The registered table forms (.xlsx) of a ward, in registration order; ``word``: the Word
    forms (text documents, .docx) after them too. The province forms are not among them
    (:func:`province_forms`)."""
    _load_forms()
    return [f for f in _FORMS.values() if (word or not f.is_word) and not f.province]


def province_forms() -> list[Form]:
    """The forms of a province account (every ward of the store aggregated)."""
    _load_forms()
    return [f for f in _FORMS.values() if f.province]


def _every_ward(user) -> bool:
    """A province account looking at every ward (it chose none: the province forms), not at
    one ward it chose (that ward's own forms, db/guard.choose_ward)."""
    return getattr(user, "province", False) and getattr(user, "unit_id", None) is None


def forms_for(user, word: bool = False) -> list[Form]:
    """The forms offered to ``user`` (a CurrentUser): the province forms to a province account
    looking at every ward; the ward's forms to anyone else, a province account that chose a
    ward included."""
    return province_forms() if _every_ward(user) else all_forms(word)


def check_account(form: Form, user) -> None:
    """ReportError (Vietnamese) when ``user`` may not make ``form``: a province form for an
    account that is not a province account, or for a province account that chose one ward
    (the form would count that ward only); a ward's form for a province account looking at
    every ward (it would mix every ward under one letterhead)."""
    if form.province and not getattr(user, "province", False):
        raise ReportError(PROVINCE_ONLY.format(title=form.title))
    if form.province and not _every_ward(user):
        raise ReportError(PROVINCE_ONE_WARD.format(title=form.title))
    if not form.province and _every_ward(user):
        raise ReportError(WARD_FORM_NEEDS_WARD.format(title=form.title))


def word_forms() -> list[Form]:
    """The registered Word forms (text documents: .docx, PDF through LibreOffice)."""
    _load_forms()
    return [f for f in _FORMS.values() if f.is_word]


def get(form_id: str) -> Form:
    _load_forms()
    try:
        return _FORMS[form_id]
    except KeyError:
        raise UnknownFormError(
            f"Không có biểu mẫu “{form_id}”. Xem danh sách bằng lệnh: antq-desktop forms."
        ) from None


def load_letterhead(db: Database) -> Letterhead:
    """The unit's document lines, or ReportError when the unit has not been set up yet."""
    from ..services.unit import UnitService
    from .layout import Letterhead

    info = UnitService(db).get()
    if info is None:
        raise ReportError("Chưa nhập thông tin đơn vị (Tệp → Thông tin đơn vị và khu dân cư), "
                          "nên chưa lập được biểu mẫu.")
    return Letterhead.from_unit(info)
