"""The sentences of the year-end report as data (``resources/report_sentences.json``).

A province rewords them without code: a ``report_sentences.json`` next to the database file
(the app's data folder for other databases) replaces the packaged one, as ``indicators.json``
does for the indicator list (services/indicators.py). Each sentence is a template:

- ``{code}`` this year's figure of indicator ``code`` (indicators.json), ``{code.last}`` last
  year's, ``{code.change}`` "tăng 3" / "giảm 2" / "bằng", ``{code.percent}`` "tăng 33,3 %",
  ``{code.share}`` an "x/y" indicator's share ("81,3 %"), ``{code.num}`` / ``{code.den}`` its x
  and y;
- ``{year}``, ``{last_year}``, ``{next_year}``, ``{place}``, ``{issuer_name}``, and
  ``{to_fill}`` (the mark of what only a person can write).

Figures are written the Vietnamese way (4.380; 12,5; 81,3 %), through :func:`figure_text`.
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ... import config
from ...numbers import percent_text, round_half_up
from ...services.indicator_sources import IndicatorError, Ratio
from ...services.indicators import Figures, decode_definitions, override_path
from ..registry import ReportError
from .base import TO_FILL

PACKAGED_PATH = config.resources_dir() / "report_sentences.json"
OVERRIDE_NAME = "report_sentences.json"
NO_DATA = "chưa có số liệu"  # a year with no records in the program (the summary's "—")
KEYS = ("description", "situation", "results_intro", "results", "limitations", "tasks")


def figure_text(value) -> str:
    """4380 → "4.380"; 12.5 → "12,5"; Ratio(29, 30) → "29/30"; None → "chưa có số liệu"."""
    if value is None:
        return NO_DATA
    if isinstance(value, Ratio):
        return str(value)
    if isinstance(value, float) and not value.is_integer():
        whole, _, dec = f"{round(value, 2):.2f}".rstrip("0").partition(".")
        return f"{int(whole):,}".replace(",", ".") + ("," + dec if dec else "")
    return f"{int(value):,}".replace(",", ".")


class FigureText:
    """One indicator's figures as a template sees them: formats as this year's figure, with
    ``.last``, ``.change``, ``.percent``, ``.share``, ``.num`` and ``.den``."""

    def __init__(self, figures: Figures):
        self.f = figures

    def __format__(self, spec: str) -> str:
        return figure_text(self.f.this)

    @property
    def last(self) -> str:
        return figure_text(self.f.last)

    @property
    def change(self) -> str:
        delta = self.f.delta
        if delta is None:
            return NO_DATA
        if self.f.is_ratio:
            delta = round_half_up(delta)
            if delta == 0:
                return "bằng"
            return f"{'tăng' if delta > 0 else 'giảm'} {percent_text(abs(delta))} điểm %"
        if delta == 0:
            return "bằng"
        return f"{'tăng' if delta > 0 else 'giảm'} {figure_text(abs(delta))}"

    @property
    def percent(self) -> str:
        p = self.f.percent
        if p is None:
            return NO_DATA
        if round_half_up(p) == 0:
            return "bằng"
        return f"{'tăng' if p > 0 else 'giảm'} {percent_text(abs(p))} %"

    @property
    def share(self) -> str:
        this = self.f.this
        if not isinstance(this, Ratio) or this.share is None:
            return NO_DATA
        return f"{percent_text(this.share)} %"

    @property
    def num(self) -> str:
        return figure_text(self.f.this.num if isinstance(self.f.this, Ratio) else None)

    @property
    def den(self) -> str:
        return figure_text(self.f.this.den if isinstance(self.f.this, Ratio) else None)


@dataclass(frozen=True)
class Sentences:
    path: Path
    situation: tuple[str, ...]
    results_intro: str
    results: tuple[tuple[str, tuple[str, ...]], ...]  # (heading, sentences)
    limitations: tuple[str, ...]
    tasks: tuple[str, ...]


def _lines(data: dict, key: str, head: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ReportError(f"{head}: “{key}” phải là danh sách câu (chữ).")
    return tuple(v for v in value if v.strip())


def parse_sentences(data: Any, path: Path) -> Sentences:
    head = f"Tệp câu văn báo cáo {path}"
    if not isinstance(data, dict):
        raise ReportError(f"{head}: phải là một đối tượng {{…}}.")
    unknown = set(data) - set(KEYS)
    if unknown:
        raise ReportError(f"{head}: khóa “{min(unknown)}” không dùng được (có: "
                          f"{', '.join(KEYS)}).")
    results = data.get("results", [])
    if not isinstance(results, list):
        raise ReportError(f"{head}: “results” phải là danh sách mục.")
    parsed = []
    for number, item in enumerate(results, start=1):
        where = f"{head}, mục kết quả {number}"
        if not isinstance(item, dict) or not isinstance(item.get("heading", ""), str):
            raise ReportError(f"{where}: phải có “heading” (chữ) và “sentences”.")
        parsed.append((item.get("heading", "").strip(), _lines(item, "sentences", where)))
    intro = data.get("results_intro", "")
    if not isinstance(intro, str):
        raise ReportError(f"{head}: “results_intro” phải là chữ.")
    return Sentences(path, _lines(data, "situation", head), intro.strip(), tuple(parsed),
                     _lines(data, "limitations", head), _lines(data, "tasks", head))


def sentences_path(db) -> Path:
    user = override_path(db).with_name(OVERRIDE_NAME)
    return user if user.is_file() else PACKAGED_PATH


def load_sentences(path: Path) -> Sentences:
    try:
        raw = Path(path).read_bytes()
    except OSError:
        raise ReportError(f"Không đọc được tệp câu văn báo cáo {path}.") from None
    try:
        data = json.loads(decode_definitions(raw, Path(path)))
    except json.JSONDecodeError as exc:
        raise ReportError(f"Tệp câu văn báo cáo {path} sai cú pháp JSON ở dòng {exc.lineno}, "
                          f"cột {exc.colno}.") from None
    except IndicatorError as exc:  # from the decoding: its message is Vietnamese
        raise ReportError(str(exc).replace("Tệp chỉ tiêu", "Tệp câu văn báo cáo")) from None
    return parse_sentences(data, Path(path))


class _Formatter(string.Formatter):
    def __init__(self, path: Path):
        super().__init__()
        self.path = path

    def get_field(self, field_name, args, kwargs):
        try:
            return super().get_field(field_name, args, kwargs)
        except (KeyError, AttributeError, IndexError):
            raise ReportError(f"Tệp câu văn báo cáo {self.path}: “{{{field_name}}}” không có "
                              "(mã chỉ tiêu xem trong indicators.json; sau dấu chấm: last, "
                              "change, percent, share, num, den).") from None


def fill(template: str, values: dict[str, Any], path: Path) -> str:
    """``template`` with its fields replaced; ReportError naming a field that does not exist."""
    try:
        return _Formatter(path).format(template, **values)
    except ValueError:
        raise ReportError(f"Tệp câu văn báo cáo {path}: câu “{template[:60]}…” có dấu ngoặc "
                          "{ } không khớp.") from None


def template_values(figures: dict[str, Figures], **extra) -> dict[str, Any]:
    values: dict[str, Any] = {code: FigureText(f) for code, f in figures.items()}
    values["to_fill"] = TO_FILL
    values.update(extra)
    return values
