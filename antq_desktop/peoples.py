"""Ethnicity (dân tộc) and religion (tôn giáo) of a resident: the lists offered and how a typed
value is written (core: no database, no Qt).

The 54 ethnic groups are the official list of Quyết định 121-TCTK/PPCĐ (1979), shipped as
``resources/ethnicities.json`` with the other names people write ("Mông", "Khmer", "Ê Đê");
a typed name is written as the list spells it, and a name outside the list is refused.
Religions are a short list to pick from (``resources/religions.json``) plus free text: a
listed one is written as the list spells it, another is kept as typed. Both are sensitive
personal data (docs/DOMAIN.md §1): masked for an account without the right (db/guard.py).
"""

from __future__ import annotations

import json
import re
from functools import cache

from .config import resources_dir
from .text import fold, normalize

LEN_PEOPLE = 100  # the column's width (resident.ethnicity, resident.religion)


def _key(text: str) -> str:
    """"Ê-đê", "Ê Đê", "ede" → "ede": folded, spaces, hyphens and apostrophes dropped."""
    return re.sub(r"[\s\-‐–'’]", "", fold(text or ""))


@cache
def _ethnic() -> tuple[tuple[str, ...], dict[str, str]]:
    data = json.loads((resources_dir() / "ethnicities.json").read_text(encoding="utf-8"))
    names = tuple(g["name"] for g in data["groups"]) + tuple(data.get("others", ()))
    lookup = {_key(n): n for n in names}
    lookup.update({_key(a): n for a, n in data.get("aliases", {}).items()})
    return names, lookup


@cache
def _religious() -> tuple[tuple[str, ...], dict[str, str]]:
    data = json.loads((resources_dir() / "religions.json").read_text(encoding="utf-8"))
    names = tuple(data["religions"])
    lookup = {_key(n): n for n in names}
    lookup.update({_key(a): n for a, n in data.get("aliases", {}).items()})
    return names, lookup


def ethnic_groups() -> tuple[str, ...]:
    """The 54 groups in the list's order (Kinh, Tày, Thái…), then "Người nước ngoài"."""
    return _ethnic()[0]


def religions() -> tuple[str, ...]:
    """The religions offered (Không, Phật giáo, Công giáo…)."""
    return _religious()[0]


def clean_ethnicity(text: str | None) -> str:
    """The list's spelling of a typed ethnicity ("mong" → "HMông"), "" for none, or the text
    as typed when it is not in the list (``check_ethnicity`` refuses it)."""
    value = normalize(text or "")
    return _ethnic()[1].get(_key(value), value) if value else ""


def clean_religion(text: str | None) -> str:
    """A listed religion in the list's spelling ("hoa hao" → "Phật giáo Hòa Hảo"), another
    as typed (spaces tidied), "" for none."""
    value = normalize(text or "")
    return _religious()[1].get(_key(value), value) if value else ""


def check_ethnicity(text: str | None) -> str | None:
    """None when empty or one of the list; else the Vietnamese message."""
    value = normalize(text or "")
    if not value or _key(value) in _ethnic()[1]:
        return None
    return ("không có trong danh mục 54 dân tộc Việt Nam; hãy chọn trong danh sách "
            "(người không thuộc 54 dân tộc: “Người nước ngoài”).")
