"""Build the one-folder program: ``dist/antq-desktop/`` (docs/PACKAGING.md).

    python packaging/build.py            # from the repo root, inside the project's venv
    python packaging/build.py --keep     # reuse build/ (faster when only the spec changed)

It installs nothing. It checks that PyInstaller is importable (``pip install -e ".[build]"``
otherwise), runs it on ``packaging/antq-desktop.spec`` with a clean build folder, and prints the
folder's size. The same command works on Windows (``python packaging\\build.py``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "antq-desktop.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build"
APP = DIST / "antq-desktop"
SIZE_LIMIT_MB = 150


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true",
                        help="keep PyInstaller's build/ cache instead of a clean build")
    args = parser.parse_args(argv)
    try:
        import PyInstaller  # noqa: F401
        import PyInstaller.__main__ as pyinstaller
    except ImportError:
        print("PyInstaller is not installed in this Python "
              f"({sys.executable}).\nInstall the build extra first, from the repo root:\n"
              '    pip install -e ".[build]"', file=sys.stderr)
        return 2
    try:
        import antq_desktop  # noqa: F401
    except ImportError:
        print("antq_desktop is not importable from this Python: activate the project's venv "
              '(pip install -e ".[build]") and run this from the repo root.', file=sys.stderr)
        return 2

    started = time.monotonic()
    options = [str(SPEC), "--noconfirm", f"--distpath={DIST}", f"--workpath={WORK}",
               "--log-level=WARN"]
    if not args.keep:
        options.append("--clean")
    print(f"PyInstaller {PyInstaller.__version__}: {' '.join(options)}", flush=True)
    # Run PyInstaller in this process: it is the venv's own, and so is the app it freezes.
    os.chdir(ROOT)
    try:
        pyinstaller.run(options)
    except SystemExit as exc:  # PyInstaller exits on errors
        if exc.code not in (None, 0):
            print(f"PyInstaller failed (exit {exc.code}).", file=sys.stderr)
            return 1
    seconds = time.monotonic() - started
    exe = ".exe" if sys.platform == "win32" else ""
    missing = [n for n in (f"antq-desktop{exe}", f"antq-desktop-gui{exe}")
               if not (APP / n).is_file()]
    if missing:
        print(f"The build finished but {', '.join(missing)} is not in {APP}.", file=sys.stderr)
        return 1
    size_mb = folder_size(APP) / 2**20
    print(f"Built {APP} in {seconds:.0f} s: {size_mb:.1f} MB"
          f" (limit {SIZE_LIMIT_MB} MB).")
    if size_mb > SIZE_LIMIT_MB:
        print(f"The folder is over {SIZE_LIMIT_MB} MB: see what takes the space with\n"
              f"    du -sh {APP / '_internal'}/* | sort -h | tail -20", file=sys.stderr)
        return 1
    print("Smoke test: python packaging/make_old_db.py build/old.db && "
          "python packaging/smoke.py --old-db build/old.db")
    return 0


if __name__ == "__main__":
    sys.exit(main())
