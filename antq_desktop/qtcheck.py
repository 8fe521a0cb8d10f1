"""Before Qt starts: can its platform plugin load on this machine? (Linux only; no Qt import.)

When a system library of Qt's platform plugin is missing, Qt aborts the process with a message
that names the wrong library ("xcb-cursor0 or libxcb-cursor0 is needed…" when libxcb-icccm4 is
the one missing). So the program asks ``ldd`` first which libraries of the plugin cannot be
found and says so in one Vietnamese line, with the Debian/Ubuntu packages that provide them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# The libraries Qt's xcb and offscreen plugins need beyond a bare Debian/Ubuntu system, and the
# package of each (the README's apt-get line installs them all).
PACKAGES = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libGLX.so.0": "libglx0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-util.so.1": "libxcb-util1",
    "libSM.so.6": "libsm6",
    "libICE.so.6": "libice6",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
}
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$")


def platform_name(environ: os._Environ | dict | None = None) -> str:
    """The platform plugin Qt will load: ``QT_QPA_PLATFORM`` (its first choice, without
    arguments), else wayland in a Wayland session, else xcb."""
    env = os.environ if environ is None else environ
    default = ("wayland" if env.get("XDG_SESSION_TYPE") == "wayland" and env.get("WAYLAND_DISPLAY")
               else "xcb")
    wanted = (env.get("QT_QPA_PLATFORM") or default).split(";")[0]
    return wanted.split(":")[0].strip() or "xcb"


def plugin_path(platform: str) -> Path | None:
    """The platform plugin's shared library inside PySide6 (also in a frozen build), if any."""
    try:
        import PySide6  # the package only: no Qt library is loaded
    except ImportError:
        return None
    root = Path(PySide6.__file__).resolve().parent
    for candidate in (root / "Qt" / "plugins", root / "plugins"):
        path = candidate / "platforms" / f"libq{platform}.so"
        if path.exists():
            return path
    return None


def _ldd(path: Path) -> str:
    ldd = shutil.which("ldd")
    if ldd is None:
        return ""
    try:
        done = subprocess.run([ldd, str(path)], capture_output=True, text=True, timeout=15)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout


def missing_libraries(platform: str, ldd=_ldd) -> list[str]:
    """The shared libraries of the platform plugin that this machine cannot find (Linux)."""
    if not sys.platform.startswith("linux"):
        return []
    path = plugin_path(platform)
    if path is None:
        return []
    missing = []
    for line in ldd(path).splitlines():
        found = _NOT_FOUND.match(line)
        if found and found.group(1) not in missing:
            missing.append(found.group(1))
    return missing


def describe_missing(libraries: list[str]) -> str:
    """One Vietnamese line naming the missing libraries and the packages to install."""
    packages = []
    for lib in libraries:
        package = PACKAGES.get(lib)
        if package and package not in packages:
            packages.append(package)
    line = ("Không khởi động được giao diện: máy này thiếu thư viện hệ thống "
            + ", ".join(libraries) + ".")
    if packages:
        line += " Cài đặt (Debian, Ubuntu): sudo apt-get install " + " ".join(packages)
    return line


def start_problem(platform: str | None = None, environ=None, ldd=_ldd) -> str | None:
    """Why Qt would abort on start-up with ``platform``, as one Vietnamese line; None when
    nothing is known to be wrong (Qt itself still reports what cannot be foreseen here)."""
    env = os.environ if environ is None else environ
    platform = platform or platform_name(env)
    if not sys.platform.startswith("linux"):
        return None
    missing = missing_libraries(platform, ldd=ldd)
    if missing:
        return describe_missing(missing)
    if platform == "xcb" and not env.get("DISPLAY"):
        return ("Không khởi động được giao diện: không có màn hình (biến DISPLAY chưa đặt). "
                "Hãy chạy chương trình trong phiên làm việc có giao diện đồ họa.")
    return None
