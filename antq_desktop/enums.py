"""Domain enumerations with their Vietnamese labels, in one place (DOMAIN.md §1)."""

from __future__ import annotations

import enum


class LabeledEnum(str, enum.Enum):
    """A string enum whose members carry a Vietnamese label: ``Member = ("code", "Nhãn")``."""

    def __new__(cls, value: str, label: str):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class Sex(LabeledEnum):
    MALE = ("male", "Nam")
    FEMALE = ("female", "Nữ")


class Relationship(LabeledEnum):
    HEAD = ("head", "Chủ hộ")
    WIFE = ("wife", "Vợ")
    HUSBAND = ("husband", "Chồng")
    CHILD = ("child", "Con")
    FATHER = ("father", "Cha")
    MOTHER = ("mother", "Mẹ")
    GRANDFATHER = ("grandfather", "Ông")
    GRANDMOTHER = ("grandmother", "Bà")
    GRANDCHILD = ("grandchild", "Cháu")
    OLDER_BROTHER = ("older_brother", "Anh")
    OLDER_SISTER = ("older_sister", "Chị")
    YOUNGER_SIBLING = ("younger_sibling", "Em")
    CHILD_IN_LAW = ("child_in_law", "Con dâu/con rể")
    OTHER = ("other", "Khác")


class ResidenceKind(LabeledEnum):
    PERMANENT = ("permanent", "Thường trú")
    TEMPORARY = ("temporary", "Tạm trú")
    ABSENT = ("absent", "Tạm vắng")
