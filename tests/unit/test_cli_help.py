"""`--help` of the program and of every subcommand speaks Vietnamese, headings included."""

from __future__ import annotations

import argparse

import pytest

from antq_desktop import cli

ENGLISH = ("usage:", "options:", "optional arguments", "positional arguments",
           "show this help", "subcommands", "error:")


def _commands() -> list[str]:
    parser = cli.build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(sub.choices)


@pytest.mark.parametrize("command", [None, *_commands()])
def test_help_headings_are_vietnamese(capsys, command):
    argv = ["--help"] if command is None else [command, "--help"]
    with pytest.raises(SystemExit) as stop:
        cli.main(argv)
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("Cách dùng: antq-desktop")
    assert "\ntùy chọn:\n" in out and "xem hướng dẫn này" in out
    assert [word for word in ENGLISH if word in out.lower()] == []


def test_every_command_is_checked():
    assert {"export", "backup", "import", "template"} <= set(_commands())


def test_positional_heading(capsys):
    with pytest.raises(SystemExit):
        cli.main(["export", "--help"])
    assert "\ntham số:\n  FORM" in capsys.readouterr().out
