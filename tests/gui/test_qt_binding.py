import sys

from PySide6.QtWidgets import QComboBox


def test_none_from_qvariant_keeps_its_reference(qapp):
    """PySide6 6.12.0 decremented None's refcount on every None-valued QVariant it returned,
    which kills the process on Python 3.11 after enough combo box and model reads."""
    combo = QComboBox()
    combo.addItem("Tất cả khu dân cư", None)
    before = sys.getrefcount(None)
    for _ in range(2000):
        combo.currentData()
    assert sys.getrefcount(None) >= before - 50
