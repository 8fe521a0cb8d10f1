"""Entry script of the frozen windowed program ``antq-desktop-gui`` (PyInstaller,
console=False: on Windows it opens no console window and has no standard streams).

The same as the ``antq-desktop-gui`` gui script of a pip install."""

from antq_desktop.cli import gui_main

if __name__ == "__main__":
    gui_main()
