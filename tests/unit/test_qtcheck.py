"""Before Qt starts: a missing system library of the platform plugin is named in one Vietnamese
line with its package, instead of Qt's abort that blames the wrong library."""

import sys

import pytest

from antq_desktop import cli, qtcheck

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ldd is Linux's")

LDD_OUTPUT = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibQt6XcbQpa.so.6 => /x/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)
"""


def test_the_platform_qt_will_load():
    assert qtcheck.platform_name({}) == "xcb"
    assert qtcheck.platform_name({"QT_QPA_PLATFORM": "offscreen"}) == "offscreen"
    assert qtcheck.platform_name({"QT_QPA_PLATFORM": "wayland;xcb"}) == "wayland"
    assert qtcheck.platform_name({"QT_QPA_PLATFORM": "vnc:size=800x600"}) == "vnc"
    assert qtcheck.platform_name({"XDG_SESSION_TYPE": "wayland",
                                  "WAYLAND_DISPLAY": "wayland-0"}) == "wayland"


@linux_only
def test_missing_libraries_are_named_with_their_packages():
    env = {"DISPLAY": ":0"}
    line = qtcheck.start_problem("xcb", environ=env, ldd=lambda path: LDD_OUTPUT)
    assert line == ("Không khởi động được giao diện: máy này thiếu thư viện hệ thống "
                    "libxcb-icccm.so.4, libxcb-keysyms.so.1. Cài đặt (Debian, Ubuntu): "
                    "sudo apt-get install libxcb-icccm4 libxcb-keysyms1")
    assert "\n" not in line and "cursor" not in line


@linux_only
def test_the_plugin_that_is_checked_is_the_one_qt_loads():
    seen = []
    qtcheck.start_problem("offscreen", environ={}, ldd=lambda path: seen.append(path) or "")
    assert [p.name for p in seen] == ["libqoffscreen.so"]
    assert seen[0].parent.name == "platforms"


@linux_only
def test_no_display_is_said_plainly():
    line = qtcheck.start_problem("xcb", environ={}, ldd=lambda path: "")
    assert "DISPLAY" in line and line.startswith("Không khởi động được giao diện")
    assert qtcheck.start_problem("xcb", environ={"DISPLAY": ":1"}, ldd=lambda path: "") is None


def test_an_unknown_plugin_is_left_to_qt():
    assert qtcheck.missing_libraries("no-such-platform", ldd=lambda path: LDD_OUTPUT) == []


@linux_only
def test_this_machine_can_start_qt_offscreen():
    # The test suite itself runs offscreen: the check must not cry wolf.
    assert qtcheck.missing_libraries("offscreen") == []


def test_the_command_line_stops_with_the_line_before_qt(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(qtcheck, "start_problem", lambda *a, **k: "Không khởi động được giao "
                        "diện: máy này thiếu thư viện hệ thống libxcb-icccm.so.4.")

    def no_gui(url):
        raise AssertionError("Qt must not start")

    monkeypatch.setattr("antq_desktop.ui.app.run_gui", no_gui)
    with pytest.raises(SystemExit) as stop:
        cli.main(["--db", str(tmp_path / "x.db")])
    assert stop.value.code == 1
    err = capsys.readouterr().err
    assert err == ("antq-desktop: Không khởi động được giao diện: máy này thiếu thư viện hệ "
                   "thống libxcb-icccm.so.4.\n")


def test_the_readme_line_installs_every_package_the_message_may_name():
    """The one-line message names packages from qtcheck.PACKAGES; the README's apt-get line
    must hold those of the libraries Qt's xcb and offscreen plugins need on Debian."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    line = next(l for l in readme.splitlines() if l.startswith("sudo apt-get install -y "))
    packages = set(line.split()[4:])
    needed = {qtcheck.PACKAGES[lib] for lib in (
        "libEGL.so.1", "libGL.so.1", "libfontconfig.so.1", "libdbus-1.so.3", "libglib-2.0.so.0",
        "libxkbcommon.so.0", "libxkbcommon-x11.so.0", "libX11-xcb.so.1", "libxcb-cursor.so.0",
        "libxcb-icccm.so.4", "libxcb-image.so.0", "libxcb-keysyms.so.1", "libxcb-randr.so.0",
        "libxcb-render.so.0", "libxcb-render-util.so.0", "libxcb-shape.so.0", "libxcb-shm.so.0",
        "libxcb-sync.so.1", "libxcb-util.so.1", "libxcb-xfixes.so.0", "libxcb-xkb.so.1")}
    assert needed <= packages, needed - packages
    assert "python3-venv" in packages
