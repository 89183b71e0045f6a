"""The one error family users see, with its exit codes.

Every failure that a venue's author can cause is a `VenueError`. The CLI
prints each problem as `file:line:col: message` and exits with the error's
code; only `--debug` shows a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "EXIT_OK",
    "EXIT_WARNINGS",
    "EXIT_INVALID",
    "EXIT_BUILD",
    "EXIT_USAGE",
    "EXIT_INTERNAL",
    "EXIT_VIEWER",
    "Origin",
    "Problem",
    "VenueError",
    "InvalidVenue",
    "BuildError",
    "UsageError",
    "ViewerError",
    "close_match",
    "key_path",
]

EXIT_OK = 0
EXIT_WARNINGS = 1
"""`venue lint --strict` found warnings."""
EXIT_INVALID = 2
EXIT_BUILD = 3
EXIT_USAGE = 64
EXIT_INTERNAL = 70
EXIT_VIEWER = 4


@dataclass(frozen=True)
class Origin:
    """A place in a source file: 1-based line and column."""

    file: Path
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return str(self.file)
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One mistake in the input, located and explained."""

    origin: Origin
    message: str
    path: str = ""

    def __str__(self) -> str:
        where = f" (at {self.path})" if self.path else ""
        return f"{self.origin}: {self.message}{where}"


class VenueError(Exception):
    """Root of every error a user can cause; carries an exit code."""

    exit_code = EXIT_BUILD

    def __init__(self, problems: Problem | Sequence[Problem] | str) -> None:
        text = problems if isinstance(problems, str) else ""
        if isinstance(problems, str):
            problems = []
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: tuple[Problem, ...] = tuple(problems)
        if self.problems:
            text = "\n".join(str(problem) for problem in self.problems)
        super().__init__(text)


class InvalidVenue(VenueError):
    """The venue, a scene, a schedule or an asset is invalid."""

    exit_code = EXIT_INVALID


class BuildError(VenueError):
    """The input is valid but the bundle could not be written."""

    exit_code = EXIT_BUILD


class UsageError(VenueError):
    """An invalid command line, such as an option value out of range."""

    exit_code = EXIT_USAGE


class ViewerError(VenueError):
    """A player could not open or show the bundle."""

    exit_code = EXIT_VIEWER


def close_match(word: str, choices: Iterable[str]) -> str:
    """Return ", did you mean 'x'?" for the closest choice, or ""."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{matches[0]}'?" if matches else ""


def key_path(parts: Iterable[str | int]) -> str:
    """Format a key path the way authors read it: `objects[2].material.color`."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif text:
            text += f".{part}"
        else:
            text = str(part)
    return text
