"""The official list of provinces and wards (post-July-2025 units), from ``vietnam-provinces``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

# vietnam_provinces is imported on first use (the unit's dialog, a unit check): its tables
# cost 25–60 ms of the program's start, which needs none of them.


@dataclass(frozen=True)
class Place:
    code: int
    name: str  # "Thành phố Hà Nội", "Phường Hoàn Kiếm"
    kind: str  # "tỉnh", "thành phố trung ương", "phường", "xã", "đặc khu"


@lru_cache(maxsize=1)
def provinces() -> list[Place]:
    from vietnam_provinces import Province

    return [Place(int(p.code), p.name, p.division_type.value) for p in Province.iter_all()]


@lru_cache(maxsize=64)
def wards(province_code: int) -> list[Place]:
    from vietnam_provinces import Ward

    found = [w for w in Ward.iter_all() if int(w.province_code) == province_code]
    return [Place(int(w.code), w.name, w.division_type.value) for w in found]


def province(code: int) -> Place:
    return next(p for p in provinces() if p.code == code)


def ward(province_code: int, code: int) -> Place:
    return next(w for w in wards(province_code) if w.code == code)


def province_short(p: Place) -> str:
    """"Thành phố Hà Nội" → "THÀNH PHỐ HÀ NỘI"; "Cao Bằng" → "TỈNH CAO BẰNG"."""
    name = p.name if p.kind != "tỉnh" else f"Tỉnh {p.name}"
    return name.upper()


def default_headers(p: Place, w: Place) -> tuple[str, str]:
    """The usual two header lines for a ward police unit (docs/DOMAIN.md §6)."""
    return f"CÔNG AN {province_short(p)}", f"CÔNG AN {w.name.upper()}"
