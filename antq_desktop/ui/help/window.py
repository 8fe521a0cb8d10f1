"""The guide's window: the HTML pages shipped in resources/help/ in a QTextBrowser, with
back/forward, the contents page, and links between pages (offline; a web link opens in the
browser)."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...config import resources_dir

INDEX = "index.html"
# The page of each tab, by the tab's class (F1 opens the page of the tab shown).
TAB_PAGES = {
    "OverviewTab": "tong-quan.html",
    "HouseholdsTab": "ho-gia-dinh.html",
    "RehabilitationTab": "quan-ly-giao-duc.html",
    "MediationTab": "hoa-giai.html",
    "CertificationTab": "an-toan-antt.html",
    "ActivitiesTab": "phong-trao.html",
}


def help_dir():
    return resources_dir() / "help"


def page_for(tab: QWidget | None) -> str:
    """The guide's page for ``tab`` (the contents page for anything else)."""
    return TAB_PAGES.get(type(tab).__name__, INDEX) if tab is not None else INDEX


class HelpWindow(QDialog):
    """Not modal: the officer reads it beside the work."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("helpWindow")
        self.setWindowTitle("Hướng dẫn sử dụng")
        self.browser = QTextBrowser(objectName="helpBrowser")
        self.browser.setSearchPaths([str(help_dir())])
        self.browser.setOpenLinks(False)  # ours: pages here, web links to the browser
        self.browser.anchorClicked.connect(self._follow)
        self.browser.sourceChanged.connect(lambda _url: self._update_buttons())
        self.back = QPushButton("◀ Lùi", objectName="helpBack")
        self.back.setShortcut(QKeySequence(QKeySequence.StandardKey.Back))
        self.back.clicked.connect(self.browser.backward)
        self.forward = QPushButton("Tiến ▶", objectName="helpForward")
        self.forward.setShortcut(QKeySequence(QKeySequence.StandardKey.Forward))
        self.forward.clicked.connect(self.browser.forward)
        contents = QPushButton("&Mục lục", objectName="helpContents")
        contents.clicked.connect(lambda: self.show_page(INDEX))
        close = QPushButton("Đó&ng", objectName="helpClose")
        close.clicked.connect(self.close)
        row = QHBoxLayout()
        for button in (self.back, self.forward, contents):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.browser, 1)
        self.resize(860, 640)  # fits 1366×768 with the task bar
        self._update_buttons()

    def show_page(self, page: str) -> None:
        self.browser.setSource(QUrl.fromLocalFile(str(help_dir() / page)))
        self.show()
        self.raise_()
        self.activateWindow()

    def page(self) -> str:
        return self.browser.source().fileName()

    def _follow(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
        elif url.isRelative() or url.isLocalFile():
            self.browser.setSource(self.browser.source().resolved(url))

    def _update_buttons(self) -> None:
        self.back.setEnabled(self.browser.isBackwardAvailable())
        self.forward.setEnabled(self.browser.isForwardAvailable())


def show_help(parent: QWidget, tab: QWidget | None = None) -> HelpWindow:
    """Open (or bring forward) ``parent``'s guide window on the page of ``tab``."""
    window = getattr(parent, "_help_window", None)
    if window is None:
        window = HelpWindow(parent)
        parent._help_window = window
    window.show_page(page_for(tab))
    return window
