"""A wheel of the project, installed into a fresh virtual environment, finds everything it reads
at run time (style sheet, fonts, indicator list, migrations) inside the installed package, and
its app opens offscreen with the style sheet applied.

The wheel is built from a copy of the source without build isolation (no download: setuptools
comes with the test extra). The new environment borrows this one's third-party packages (Qt,
SQLAlchemy…) through a path line, but none of its .pth files, so the project itself can only
come from the wheel."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIP = shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info", "__pycache__",
                              "bench", "tests", ".pytest_cache", "*.db")

PROBE = r"""
import os, sys
from pathlib import Path
import antq_desktop
here = Path(antq_desktop.__file__).resolve().parent
assert Path(sys.prefix).resolve() in here.parents, here
from antq_desktop.config import resources_dir
from antq_desktop.db.engine import open_database
from antq_desktop.services.unit import UnitInfo, UnitService
from antq_desktop.services.indicators import PACKAGED_PATH
assert resources_dir() == here / "resources" and PACKAGED_PATH.is_file()
db = open_database("sqlite:///" + sys.argv[1])          # the migrations, from the package
UnitService(db).save(UnitInfo(
    province_code=1, province_name="Thành phố Hà Nội", ward_code=70,
    ward_name="Phường Hoàn Kiếm", header_superior="CÔNG AN THÀNH PHỐ HÀ NỘI",
    header_issuer="CÔNG AN PHƯỜNG HOÀN KIẾM", place_name="Phường Hoàn Kiếm",
    commander_name="Nguyễn Văn Hùng", commander_title="Trưởng Công an phường"))
db.dispose()
from PySide6.QtGui import QFontDatabase
from antq_desktop.ui import app as app_module
os.environ[app_module.QUIT_AFTER_ENV] = "300"
code = app_module.run_gui("sqlite:///" + sys.argv[1])
qapp = app_module.QApplication.instance()
style = (here / "resources" / "style.qss").read_text(encoding="utf-8")
assert code == 0 and style and qapp.styleSheet() == style
assert "Liberation Serif" in QFontDatabase.families()
print("OK", here)
"""


def _site_packages() -> str:
    return sysconfig.get_paths()["purelib"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    pytest.importorskip("setuptools")
    src = tmp_path_factory.mktemp("src") / "antq-desktop"
    shutil.copytree(ROOT, src, ignore=SKIP)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--no-index", "-q", "-w", str(out), str(src)], check=True, timeout=300)
    (found,) = out.glob("antq_desktop-*.whl")
    return found


def test_the_wheel_carries_everything_read_at_run_time(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("antq_desktop/resources/style.qss", "antq_desktop/resources/indicators.json",
                   "antq_desktop/resources/icon.png",
                   "antq_desktop/resources/translations/qt_vi.qm",
                   "antq_desktop/resources/help/index.html",
                   "antq_desktop/resources/help/images/ho-gia-dinh.png",
                   "antq_desktop/resources/fonts/LiberationSerif-Regular.ttf",
                   "antq_desktop/resources/fonts/LiberationSerif-BoldItalic.ttf",
                   "antq_desktop/resources/fonts/LICENSE-LiberationSerif.txt",
                   "antq_desktop/db/migrations/env.py",
                   "antq_desktop/db/migrations/script.py.mako",
                   "antq_desktop/db/migrations/versions/0001_households_foundation.py"):
        assert needed in names, needed
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "antq-desktop = antq_desktop.cli:main" in text
    assert "antq-desktop-gui = antq_desktop.cli:gui_main" in text


def test_the_installed_wheel_opens_the_app_with_its_style_sheet(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = subprocess.run([str(python), "-c", "import sysconfig; "
                           "print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-deps", "--no-index", str(wheel)], check=True, timeout=300)
    # This environment's Qt, SQLAlchemy… as a plain path (its .pth files are not read there).
    (Path(site) / "borrowed.pth").write_text(_site_packages() + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    done = subprocess.run([str(python), "-c", PROBE, str(tmp_path / "antq.db")],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("OK " + str(Path(site).resolve()))
    # The console script the wheel installs
    script = env_dir / ("Scripts/antq-desktop.exe" if os.name == "nt" else "bin/antq-desktop")
    forms = subprocess.run([str(script), "forms"], capture_output=True, text=True, cwd=tmp_path,
                           env=env, timeout=120)
    assert forms.returncode == 0 and "yearend-summary" in forms.stdout, forms.stderr[-2000:]
