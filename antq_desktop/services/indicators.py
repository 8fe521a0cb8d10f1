"""Year-end indicators of the movement as data (docs/DOMAIN.md §5).

The indicators, their order, labels, units and section headings live in a JSON file:
``antq_desktop/resources/indicators.json`` ships with the app, and an ``indicators.json`` in the
data folder (next to the SQLite database file; the app's data folder for other databases)
replaces it, so a province's own layout is matched by editing that file, not the code.

Each indicator names a *source*: a function ``(session, year, params) -> {area_id: value}``
registered in :mod:`~antq_desktop.services.indicator_sources` that runs ONE grouped query (GROUP
BY area) for the year. ``None`` keys hold
the records of the whole ward (no residential area). A value is a count, a sum (int or float) or
a :class:`Ratio` "x/y"; the ward total adds every key, ratios numerator to numerator and
denominator to denominator.

Figures are those of the calendar year as they stood at its end, or today for the current year
(the cut-off day): a mediation closed after it still counts as in progress, a model ended after
it as active. Rehabilitation and mediation follow the rules of
:mod:`~antq_desktop.services.rehab_stats` and :mod:`~antq_desktop.services.mediation_stats`
(and the tests check that the totals agree with them).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import config
from ..db.engine import Database
from ..db.models import Area, Unit
from .indicator_sources import (
    AreaValues,
    IndicatorError,
    Ratio,
    Value,
    is_zero,
    source,
    source_names,
    source_spec,
)
from .mediation_stats import year_bounds

PACKAGED_PATH = config.resources_dir() / "indicators.json"
OVERRIDE_NAME = "indicators.json"
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Figures:
    """One indicator for one area (or the ward): last year, this year and the change.

    A year with no records at all in the program (see :func:`recorded`) has None: the forms
    print "—" there, never a 0 nor a change against it."""

    last: Value | None
    this: Value | None

    @property
    def is_ratio(self) -> bool:
        return isinstance(self.this, Ratio) or isinstance(self.last, Ratio)

    @property
    def delta(self) -> int | float | None:
        """This year minus last year; for a ratio, the change of its share in percentage
        points (None when either year has no denominator)."""
        if self.last is None or self.this is None:
            return None
        if isinstance(self.this, Ratio):
            a, b = self.last.share, self.this.share
            return None if a is None or b is None else b - a
        return self.this - self.last

    @property
    def percent(self) -> float | None:
        """The change as a percentage of last year (None for ratios and when last year is 0)."""
        if isinstance(self.this, Ratio) or not self.last or self.this is None:
            return None
        return 100 * (self.this - self.last) / self.last

    @property
    def empty(self) -> bool:
        return all(v is None or is_zero(v) for v in (self.last, self.this))


# -- the list -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Section:
    title: str


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    unit: str
    source: str
    params: Mapping[str, Any] = field(default_factory=dict)  # parsed: enum members, tuples
    note: str = ""
    ratio: bool = False
    ward_only: bool = False  # "scope": "ward": shown for the ward, not in each area's section

    def values(self, s: Session, year: int, today: date | None = None,
               wards: bool = False) -> AreaValues:
        """The source's grouped values: by area, or by ward (unit id) with ``wards``."""
        return source(self.source)(s, year, self.params, today=today, wards=wards)

    @property
    def zero(self) -> Value:
        return Ratio(0, 0) if self.ratio else 0


@dataclass(frozen=True)
class Definitions:
    path: Path
    items: tuple[Section | Indicator, ...]

    @property
    def indicators(self) -> list[Indicator]:
        return [i for i in self.items if isinstance(i, Indicator)]


_ITEM_KEYS = {"code", "label", "unit", "source", "params", "note", "scope"}
SCOPES = ("all", "ward")


def _text(item: Mapping, key: str, where: str, required: bool = True) -> str:
    value = item.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise IndicatorError(f"{where}: thiếu “{key}” hoặc “{key}” không phải chữ.")
    return " ".join(value.split())


def parse_definitions(data: Any, path: Path) -> Definitions:
    """Check a loaded JSON document and turn it into :class:`Definitions`."""
    head = f"Tệp chỉ tiêu {path}"
    if isinstance(data, dict):
        unknown = set(data) - {"indicators", "description"}
        if unknown:
            raise IndicatorError(f"{head}: khóa “{min(unknown)}” không dùng được (chỉ "
                                 "có “indicators” và “description”).")
        data = data.get("indicators")
    if not isinstance(data, list) or not data:
        raise IndicatorError(f"{head}: phải có danh sách chỉ tiêu “indicators”.")
    items: list[Section | Indicator] = []
    codes: set[str] = set()
    for number, item in enumerate(data, start=1):
        where = f"{head}, mục {number}"
        if not isinstance(item, dict):
            raise IndicatorError(f"{where}: phải là một đối tượng {{…}}.")
        if "section" in item:
            if set(item) != {"section"}:
                raise IndicatorError(f"{where}: dòng tiêu đề mục chỉ có khóa “section”.")
            items.append(Section(_text(item, "section", where)))
            continue
        if isinstance(item.get("code"), str) and item["code"]:
            where += f" (“{item['code']}”)"
        unknown = set(item) - _ITEM_KEYS
        if unknown:
            raise IndicatorError(f"{where}: khóa “{min(unknown)}” không dùng được (có: "
                                 f"{', '.join(sorted(_ITEM_KEYS))}, hoặc “section”).")
        code = _text(item, "code", where)
        if not _CODE.match(code):
            raise IndicatorError(f"{where}: mã “{code}” chỉ gồm chữ thường không dấu, chữ số "
                                 "và dấu gạch dưới.")
        if code in codes:
            raise IndicatorError(f"{where}: mã “{code}” bị trùng.")
        codes.add(code)
        label, unit = _text(item, "label", where), _text(item, "unit", where, required=False)
        note = _text(item, "note", where, required=False)
        scope = item.get("scope", "all")
        if scope not in SCOPES:
            raise IndicatorError(f"{where}: “scope” là “all” (mặc định) hoặc “ward” (chỉ tính "
                                 "cho toàn phường, không in ở từng khu dân cư).")
        name = _text(item, "source", where)
        spec = source_spec(name)
        if spec is None:
            raise IndicatorError(f"{where}: nguồn số liệu “{name}” không có. Các nguồn có: "
                                 f"{', '.join(source_names())}.")
        raw = item.get("params", {})
        if not isinstance(raw, dict):
            raise IndicatorError(f"{where}: “params” phải là một đối tượng {{…}}.")
        params: dict[str, Any] = {}
        for key, value in raw.items():
            if key not in spec.params:
                allowed = ", ".join(spec.params) or "không có tham số nào"
                raise IndicatorError(f"{where}: nguồn “{name}” không có tham số “{key}” "
                                     f"(có: {allowed}).")
            try:
                params[key] = spec.params[key].parse(value)
            except ValueError as err:
                raise IndicatorError(f"{where}: tham số “{key}”: {err}.") from None
        missing = [k for k, p in spec.params.items() if p.required and k not in params]
        if missing:
            raise IndicatorError(f"{where}: nguồn “{name}” cần tham số “{missing[0]}”.")
        items.append(Indicator(code, label, unit, name, params, note, spec.ratio, scope == "ward"))
    if not codes:
        raise IndicatorError(f"{head}: chưa có chỉ tiêu nào.")
    return Definitions(path, tuple(items))


_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"),
         (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
ENCODING_HINT = "hãy lưu lại tệp với bảng mã UTF-8 (trong Notepad: Lưu thành… → Mã hóa UTF-8)"


def decode_definitions(raw: bytes, path: Path) -> str:
    """The text of an indicator file: UTF-8 (with or without a BOM), UTF-16/32 with a BOM or
    without one (told by its zero bytes), else Windows-1258 (the Vietnamese ANSI code page of
    older Windows editors). Raises IndicatorError naming the encoding to use."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                raise IndicatorError(f"Tệp chỉ tiêu {path} có ký tự không đọc được theo bảng mã "
                                     f"{encoding.upper()}: {ENCODING_HINT}.") from None
    candidates = ["utf-8"]
    if raw[:2].count(0) == 1:  # "{" or a space next to a zero byte: UTF-16 without a BOM
        candidates.insert(0, "utf-16-le" if raw[1:2] == b"\x00" else "utf-16-be")
    elif b"\x00" not in raw:
        candidates.append("cp1258")
    for encoding in candidates:
        try:
            # Windows-1258 writes most toned letters as a letter and a combining mark
            return unicodedata.normalize("NFC", raw.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise IndicatorError(f"Tệp chỉ tiêu {path} không ở bảng mã UTF-8: {ENCODING_HINT}.")


def load_definitions(path: Path) -> Definitions:
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise IndicatorError(f"Không có tệp chỉ tiêu {path}.") from None
    except PermissionError:
        raise IndicatorError(f"Không đọc được tệp chỉ tiêu {path}: không có quyền đọc.") from None
    except OSError as exc:
        raise IndicatorError(f"Không đọc được tệp chỉ tiêu {path} (lỗi hệ thống số "
                             f"{exc.errno}).") from None
    text = decode_definitions(raw, Path(path))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IndicatorError(f"Tệp chỉ tiêu {path} sai cú pháp JSON ở dòng {exc.lineno}, cột "
                             f"{exc.colno}.") from None
    except RecursionError:
        raise IndicatorError(f"Tệp chỉ tiêu {path} lồng nhau quá sâu (các dấu ngoặc [ ] hoặc "
                             "{ } lồng vào nhau quá nhiều tầng): không phải danh sách chỉ tiêu.") \
            from None
    try:
        return parse_definitions(data, Path(path))
    except RecursionError:
        raise IndicatorError(f"Tệp chỉ tiêu {path} lồng nhau quá sâu: không phải danh sách "
                             "chỉ tiêu.") from None


def override_path(db: Database) -> Path:
    """Where a user's own list is looked for: next to the SQLite database file, or in the app's
    data folder for other databases."""
    db_file = config.sqlite_path(db.url)
    folder = db_file.parent if db_file is not None else config.data_dir()
    return folder / OVERRIDE_NAME


# -- the table ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class AreaFigures:
    """Every indicator's figures for one residential area, the ward-level records (``area_id``
    None, ``ward_level``) or the whole ward (``area_id`` None)."""

    area_id: int | None
    name: str
    figures: Mapping[str, Figures]  # by indicator code

    def __getitem__(self, code: str) -> Figures:
        return self.figures[code]


@dataclass(frozen=True)
class YearEndTable:
    year: int
    cutoff: date  # figures as they stood on this day: the year's end, or today
    definitions: Definitions
    ward: AreaFigures  # the whole ward: every area plus the ward-level records
    ward_level: AreaFigures | None  # records of no residential area; None when all are zero
    areas: tuple[AreaFigures, ...]  # the active areas, retired ones with figures; or the one asked

    @property
    def items(self) -> tuple[Section | Indicator, ...]:
        return self.definitions.items


def recorded(values: Mapping[str, AreaValues]) -> bool:
    """Whether a year has any record behind its figures: some count or quantity other than 0,
    or a ratio with something counted (households merely living there, the denominator of the
    sign-up ratio, are no record of that year)."""
    return any((v.num if isinstance(v, Ratio) else v)
               for area_values in values.values() for v in area_values.values())


def _figures(indicators: list[Indicator], last: dict[str, AreaValues] | None,
             this: dict[str, AreaValues] | None,
             keys: list[int | None] | None) -> dict[str, Figures]:
    """Figures of the given area keys added up (``keys`` None: every key); a year given as
    None (no records) has None figures."""
    out = {}
    for ind in indicators:
        pair = []
        for year_values in (last, this):
            if year_values is None:
                pair.append(None)
                continue
            values = year_values[ind.code]
            total = ind.zero
            for value in (values.values() if keys is None else
                          (values[k] for k in keys if k in values)):
                total = total + value
            pair.append(total)
        out[ind.code] = Figures(*pair)
    return out


class IndicatorService:
    def __init__(self, db: Database, path: Path | None = None):
        """``path``: use this list instead of the user's or the packaged one."""
        self.db = db
        self.path = path

    def definitions_path(self) -> Path:
        if self.path is not None:
            return self.path
        user = override_path(self.db)
        return user if user.is_file() else PACKAGED_PATH

    def definitions(self) -> Definitions:
        """The indicator list in use; IndicatorError (Vietnamese, naming the item) if broken."""
        return load_definitions(self.definitions_path())

    def table(self, year: int, area_id: int | None = None,
              today: date | None = None) -> YearEndTable:
        """Every indicator for ``year`` and ``year - 1``: per residential area, for the
        ward-level records and for the whole ward. With ``area_id``, ``areas`` holds that area
        only (the ward figures are still the whole ward's)."""
        today = today or date.today()
        defs = self.definitions()
        indicators = defs.indicators
        with self.db.session() as s:
            last = {i.code: i.values(s, year - 1, today) for i in indicators}
            this = {i.code: i.values(s, year, today) for i in indicators}
            areas = s.execute(select(Area.id, Area.name, Area.retired_on)
                              .order_by(Area.sort_order, Area.id)).all()
        last = last if recorded(last) else None
        this = this if recorded(this) else None
        ward_name = "Toàn phường"
        ward = AreaFigures(None, ward_name, _figures(indicators, last, this, None))
        level = AreaFigures(None, "Cấp phường", _figures(indicators, last, this, [None]))
        rows = []
        for a_id, name, retired in areas:
            if area_id is not None and a_id != area_id:
                continue
            figures = _figures(indicators, last, this, [a_id])
            if area_id is None and retired is not None and all(
                    f.empty for f in figures.values()):
                continue
            rows.append(AreaFigures(a_id, name, figures))
        has_level = any(not f.empty for f in level.figures.values())
        return YearEndTable(year, min(year_bounds(year)[1], today), defs, ward,
                            level if has_level else None, tuple(rows))



# -- the province: every ward of the store (docs/ARCHITECTURE.md §6, the province forms) -------
NO_WARD_NAME = "(Phường, xã chưa khai báo tên)"


@dataclass(frozen=True)
class WardFigures:
    """Every indicator's figures for one ward of a province store: the ward's own "Toàn
    phường" block (its areas and its records of no area added up)."""

    unit_id: int
    name: str  # "Phường Hoàn Kiếm"
    figures: Mapping[str, Figures]

    def __getitem__(self, code: str) -> Figures:
        return self.figures[code]


@dataclass(frozen=True)
class ProvinceTable:
    year: int
    cutoff: date
    definitions: Definitions
    wards: tuple[WardFigures, ...]  # every ward of the store, by name
    total: Mapping[str, Figures]  # the province: every ward added up

    @property
    def items(self) -> tuple[Section | Indicator, ...]:
        return self.definitions.items


def recorded_for(values: Mapping[str, AreaValues], key: int) -> bool:
    """:func:`recorded` for one key (a ward) of grouped values."""
    return any((v.num if isinstance(v, Ratio) else v)
               for area_values in values.values()
               for k, v in area_values.items() if k == key)


def ward_order(rows) -> list:
    """``(unit_id, ward_name, …)`` rows by name as Vietnamese readers sort it (folded: no
    marks, Đ as D), then by id; the same order on SQLite and PostgreSQL whatever the
    collation."""
    from ..text import fold

    return sorted(rows, key=lambda r: (fold(r[1] or ""), r[0]))


def province_figures(db: Database, year: int, today: date | None = None,
                     path: Path | None = None) -> ProvinceTable:
    """Every indicator of the list for ``year`` and ``year - 1``, per ward of the store and
    for the whole province: each source runs once per year grouped by ward (two statements
    per indicator, whatever the number of wards). The caller's session must see every ward
    (a province account)."""
    service = IndicatorService(db, path)
    today = today or date.today()
    defs = service.definitions()
    indicators = defs.indicators
    with db.session() as s:
        last = {i.code: i.values(s, year - 1, today, wards=True) for i in indicators}
        this = {i.code: i.values(s, year, today, wards=True) for i in indicators}
        units = ward_order(s.execute(select(Unit.id, Unit.ward_name)).all())
    wards = []
    for unit_id, name in units:
        figures = _figures(indicators, last if recorded_for(last, unit_id) else None,
                           this if recorded_for(this, unit_id) else None, [unit_id])
        wards.append(WardFigures(unit_id, name or NO_WARD_NAME, figures))
    total = _figures(indicators, last if recorded(last) else None,
                     this if recorded(this) else None, None)
    return ProvinceTable(year, min(year_bounds(year)[1], today), defs, tuple(wards), total)
