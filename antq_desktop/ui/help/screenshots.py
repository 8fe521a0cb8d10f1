"""Retake the guide's screenshots: the real tabs on a demo ward at 1366×768, offscreen.

    QT_QPA_PLATFORM=offscreen python -m antq_desktop.ui.help.screenshots

Each tab is saved 760 px wide (256-colour PNG, under 100 KB) into resources/help/images/<page>.png."""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

WIDTH = 760
DEMO_DAY = date(2026, 4, 10)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    from ...config import resources_dir
    from ...db.engine import open_database
    from ...services.demo import generate
    from ..app import make_app
    from ..main_window import MainWindow
    from .window import page_for

    app = make_app([sys.argv[0]])
    out = resources_dir() / "help" / "images"
    with tempfile.TemporaryDirectory() as folder:
        db = open_database("sqlite:///" + str(Path(folder) / "demo.db"))
        generate(db, households=300, today=DEMO_DAY)
        window = MainWindow(db)
        window.resize(1366, 768)
        window.show()
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            for _ in range(20):
                app.processEvents()
            tab = window.tabs.widget(index)
            if hasattr(tab, "wait_idle"):
                tab.wait_idle()
                app.processEvents()
            picture = window.grab().scaledToWidth(WIDTH, Qt.TransformationMode.SmoothTransformation)
            name = Path(page_for(tab)).stem + ".png"
            # 256 colours: screenshots of a flat UI lose nothing visible, the files a half
            picture = picture.toImage().convertToFormat(QImage.Format.Format_Indexed8,
                                                        Qt.ImageConversionFlag.ThresholdDither)
            picture.save(str(out / name), "PNG", 0)  # 0: smallest file
            print(out / name, (out / name).stat().st_size // 1024, "KB")
        window.close()
        db.dispose()
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
