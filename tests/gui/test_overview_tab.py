

def test_a_failed_read_is_one_vietnamese_line(qtbot, db, ward, window, monkeypatch):
    w = window()

    def broken(*_a, **_k):
        raise RuntimeError("disk I/O error at /home/officer/antq.db")
    monkeypatch.setattr(w.overview_tab.service, "load", broken)
    tab = _shown(qtbot, w)
    assert tab.error.isVisible() and "/home" not in tab.error.text()
    assert tab.error.text() == "Không đọc được số liệu tổng quan. Hãy thử lại (F5)."
    monkeypatch.undo()
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        qtbot.mouseClick(tab.refresh_button, Qt.MouseButton.LeftButton)
    assert not tab.error.isVisible() and tab.data is not None
