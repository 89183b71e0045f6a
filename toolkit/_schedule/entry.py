"""What every schedule reader produces, and the rules they share.

A reader turns one file into `ScheduleEntry` values and `Problem`s. It never
raises for bad input: the loader collects the problems of every file, so one
run reports them all.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from ..errors import Origin, Problem
from ..timeutil import describe_local_time, localize

__all__ = ["ScheduleEntry", "ImportedSchedule", "Collector", "slugify",
           "parse_duration"]

log = logging.getLogger("toolkit.schedules")

# Letters that Unicode does not decompose into an ASCII letter plus a mark.
_TRANSLITERATION = {
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d",
    "þ": "th", "ı": "i", "ħ": "h", "ŋ": "ng",
}
_DURATION = re.compile(r"^(\d{1,3}):([0-5]\d)(?::([0-5]\d))?$")


@dataclass(frozen=True)
class ScheduleEntry:
    """One session read from an iCalendar, pretalx JSON or frab XML file.

    `key` is the source's own identifier: a frab guid, or an iCalendar UID
    with the recurrence of a repeated event. `id` is the kebab-case id made
    from it, before the loader resolves collisions between different keys.
    """

    key: str
    id: str
    title: str
    description: str | None
    room: str | None
    speakers: tuple[str, ...]
    start: datetime
    end: datetime
    origin: Origin


@dataclass(frozen=True)
class ImportedSchedule:
    """The entries of one schedule file and the problems that make it invalid."""

    file: Path
    entries: tuple[ScheduleEntry, ...]
    problems: tuple[Problem, ...]


@dataclass
class Collector:
    """The state of reading one file: entries so far, problems, warnings."""

    file: Path
    entries: list[ScheduleEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def origin(self, line: int = 0, column: int = 0) -> Origin:
        return Origin(self.file, line, column)

    def error(self, origin: Origin, message: str) -> None:
        self.problems.append(Problem(origin, message))

    def warn(self, origin: Origin, message: str) -> None:
        log.warning("%s: warning: %s", origin, message)

    def local_time(self, value: datetime, zone: tzinfo, origin: Origin,
                   label: str) -> datetime | None:
        """Attach `zone` to a naive time from a format without DST rules of its own.

        A nonexistent local time is an error and an ambiguous one takes the
        earlier instant with a warning, as in YAML schedules.
        """
        aware, kind = localize(value, zone)
        if kind == "nonexistent":
            self.error(origin, f"{label}: {describe_local_time(value, zone, kind)}; "
                       "write the time with an offset")
            return None
        if kind == "ambiguous":
            self.warn(origin, f"{label}: {describe_local_time(value, zone, kind)}; "
                      "using the earlier one")
        return aware

    def result(self) -> ImportedSchedule:
        return ImportedSchedule(self.file, tuple(self.entries), tuple(self.problems))


def slugify(text: str) -> str:
    """Make a lowercase kebab-case id from `text`, the same for the same text.

    Accented Latin letters lose their marks (ä → a, ß → ss). Other letters
    and digits, such as CJK, become their code point (主 → u4e3b), so
    different names stay different. Text without any letter or digit gets
    `x-` and a hash of the text.
    """
    words: list[str] = []
    current: list[str] = []
    for char in unicodedata.normalize("NFKD", text.lower()):
        if unicodedata.combining(char):
            continue
        char = _TRANSLITERATION.get(char, char)
        if char.isascii() and char.isalnum():
            current.append(char)
            continue
        if current:
            words.append("".join(current))
            current = []
        if char.isalnum():
            words.append(f"u{ord(char):04x}")
    if current:
        words.append("".join(current))
    if words:
        return "-".join(words)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    return f"x-{digest}"


def parse_duration(text: str) -> timedelta | None:
    """Parse a frab duration, `H:MM`, `HH:MM` or `HH:MM:SS`; None for other text."""
    match = _DURATION.match(text.strip())
    if match is None:
        return None
    hours, minutes, seconds = match.groups()
    return timedelta(hours=int(hours), minutes=int(minutes), seconds=int(seconds or 0))
