"""docs/cli.md covers every command, option and exit code of `venue`."""

from __future__ import annotations

import argparse
import re

import pytest
from conftest import REPO

from toolkit import errors
from toolkit.cli import _parser

DOCS = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")


def _sections() -> dict[str, str]:
    """Return the text under each `## ...` heading, by heading."""
    parts = re.split(r"^## (.+)$", DOCS, flags=re.MULTILINE)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def _commands() -> dict[str, argparse.ArgumentParser]:
    for action in _parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("the parser has no commands")


def _options(parser: argparse.ArgumentParser) -> list[str]:
    return [option for action in parser._actions for option in action.option_strings
            if option not in ("-h", "--help")]


SECTIONS = _sections()
COMMANDS = _commands()


def _section_of(command: str) -> str:
    for heading, text in SECTIONS.items():
        if heading.startswith(f"`venue {command}"):
            return text
    raise AssertionError(f"docs/cli.md has no section `venue {command} ...`")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_command_options_documented(command: str) -> None:
    section = _section_of(command)
    missing = [option for option in _options(COMMANDS[command])
               if f"`{option}" not in section]
    assert not missing, f"venue {command}: {missing} missing from docs/cli.md"


def test_global_options_documented() -> None:
    section = SECTIONS["Global options"]
    missing = [option for option in _options(_parser()) if f"`{option}`" not in section]
    assert not missing


def test_target_choices_documented() -> None:
    section = _section_of("lint")
    for action in COMMANDS["lint"]._actions:
        if action.option_strings == ["--target"]:
            assert action.choices is not None
            assert "|".join(action.choices) in section.replace("\\|", "|")


def test_exit_codes_documented() -> None:
    table = SECTIONS["Exit codes"]
    codes = {name: value for name, value in vars(errors).items()
             if name.startswith("EXIT_")}
    assert codes
    for name, value in codes.items():
        assert re.search(rf"^\| {value} \|", table, re.MULTILINE), name


def test_no_section_for_missing_command() -> None:
    documented = {match.group(1) for heading in SECTIONS
                  if (match := re.match(r"`venue (\w+)", heading))}
    assert documented == set(COMMANDS)
