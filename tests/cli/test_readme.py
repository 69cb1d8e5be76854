"""Docs test: every command of the CLI is documented in the README."""

import argparse
from pathlib import Path

from monitor.cli.main import build_parser

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def subcommands(parser: argparse.ArgumentParser, prefix: str = "remon") -> list[str]:
    names = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                names.append(f"{prefix} {name}")
                names.extend(subcommands(sub, f"{prefix} {name}"))
    return names


def test_every_command_is_in_the_readme() -> None:
    commands = subcommands(build_parser())
    assert "remon run" in commands and "remon reprocess" in commands
    missing = [command for command in commands if f"`{command}" not in README]
    assert missing == []


def test_readme_has_the_two_setup_commands() -> None:
    assert "make run" in README and "make test" in README
