"""No code of the program calls ``QWidget.screen()`` from Python (docs/TESTING.md, "The crash in
a window's constructor"): the QScreen wrapper it returns freed the screen when collected, and
the next window's constructor crashed on Qt's list of screens. Read the screen through
``QGuiApplication.screenAt`` (ui/widgets/dialogs.screen_area)."""

import re
from pathlib import Path

import antq_desktop

CALL = re.compile(r"\.screen\(\)")


def test_no_module_calls_widget_screen():
    root = Path(antq_desktop.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if CALL.search(code) and "``" not in code:
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert found == []
