from PySide6.QtWidgets import QTableView

from antq_desktop.ui.widgets.lazy_model import Column, LazyRowsModel


def test_rows_are_fetched_in_blocks_as_painted(qtbot):
    calls = []

    def fetch(ids):
        calls.append(list(ids))
        return {i: f"hộ {i}" for i in ids}

    model = LazyRowsModel([Column("Hộ", "code", lambda r: r)], fetch)
    model.set_ids(list(range(100_000)))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(400, 300)
    view.show()
    view.viewport().grab()
    assert model.index(0, 0).data() == "hộ 0"
    assert sum(len(c) for c in calls) <= 2 * LazyRowsModel.BLOCK  # a screenful, not 100,000 rows
    view.scrollToBottom()
    view.viewport().grab()
    assert model.index(99_999, 0).data() == "hộ 99999"
    assert sum(len(c) for c in calls) <= 4 * LazyRowsModel.BLOCK
    model.refresh_rows()
    before = len(calls)
    assert model.index(5, 0).data() == "hộ 5"
    assert len(calls) == before + 1  # the cache was dropped after an edit
