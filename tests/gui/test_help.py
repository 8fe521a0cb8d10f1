"""Trợ giúp → Hướng dẫn sử dụng: the offline guide in the package; F1 opens the current tab's
page; every page and image it links to is in the package; no page is empty of its sections."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from antq_desktop.ui.help.window import INDEX, TAB_PAGES, help_dir
from antq_desktop.ui.main_window import MainWindow


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.links = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs["src"])
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])


def _parse(page: str) -> _Links:
    parser = _Links()
    parser.feed((help_dir() / page).read_text(encoding="utf-8"))
    return parser


def test_every_page_image_and_link_is_in_the_package():
    pages = sorted(p.name for p in help_dir().glob("*.html"))
    assert set(pages) == {INDEX, *TAB_PAGES.values()}
    for page in pages:
        found = _parse(page)
        for src in found.images:
            path = help_dir() / src
            assert path.is_file(), f"{page}: {src}"
            image = QImage(str(path))
            assert not image.isNull() and image.width() <= 800, src
            assert path.stat().st_size < 100_000, f"{src} is large"
        for href in found.links:
            if not re.match(r"https?:", href):
                assert (help_dir() / href.split("#")[0]).is_file(), f"{page}: {href}"
        if page != INDEX:
            assert len(found.images) == 1, page  # a screenshot of the tab
            text = (help_dir() / page).read_text(encoding="utf-8")
            for heading in ("Thẻ này lưu gì", "Việc thường làm", "Phím tắt"):
                assert f"<h2>{heading}</h2>" in text, (page, heading)
    index = _parse(INDEX)
    assert set(TAB_PAGES.values()) <= set(index.links)


def test_f1_opens_the_page_of_each_tab(qtbot, db, ward):
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    menu = [a for a in window.menuBar().actions() if a.text() == "Trợ &giúp"][0].menu()
    assert "&Hướng dẫn sử dụng" in [a.text() for a in menu.actions()]
    seen = []
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        tab = window.tabs.currentWidget()
        window.activateWindow()  # keyboard shortcuts go to the active window only
        qtbot.waitUntil(window.isActiveWindow)
        qtbot.keyClick(tab, Qt.Key.Key_F1)
        QApplication.processEvents()
        help_window = getattr(window, "_help_window", None)
        assert help_window is not None and help_window.isVisible(), type(tab).__name__
        page = help_window.page()
        assert page == TAB_PAGES[type(tab).__name__]
        assert help_window.browser.toPlainText().startswith("Mục lục")
        assert not help_window.browser.document().isEmpty()
        seen.append(page)
    assert sorted(seen) == sorted(TAB_PAGES.values())  # every tab has its own page
    help_window = window._help_window
    help_window.findChild(type(help_window.back), "helpContents").click()
    assert help_window.page() == INDEX
    assert help_window.back.isEnabled()
    help_window.back.click()
    assert help_window.page() == seen[-1]
    help_window.close()
