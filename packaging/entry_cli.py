"""Entry script of the frozen console program ``antq-desktop`` (PyInstaller, console=True).

The same as the ``antq-desktop`` console script of a pip install: the GUI by default, the admin
subcommands (demo, forms, export) for automation."""

from antq_desktop.cli import main

if __name__ == "__main__":
    main()
