"""Read schedule files: the project's YAML, iCalendar, pretalx JSON, frab XML.

YAML schedules keep their raw entries, which the loader checks like the
venue file's own sessions. The other formats become `ScheduleEntry` values
with times already resolved; `docs/format.md` lists how each format's
fields map to a session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

from ._schedule.entry import ImportedSchedule, ScheduleEntry, slugify
from ._schedule.frab import read_frab_json, read_frab_xml
from .errors import Origin, Problem
from .source import KeyPath, RawDocument

__all__ = [
    "YAML_SUFFIXES",
    "IMPORT_SUFFIXES",
    "SCHEDULE_SUFFIXES",
    "ScheduleEntry",
    "ImportedSchedule",
    "read_schedule",
    "import_schedule",
    "slugify",
    "find_overlaps",
]

YAML_SUFFIXES = (".yaml", ".yml")
IMPORT_SUFFIXES = (".ics", ".json", ".xml")
SCHEDULE_SUFFIXES = YAML_SUFFIXES + IMPORT_SUFFIXES

Reader = Callable[[Path, str], RawDocument | None]


def read_schedule(
    path: Path, read: Reader
) -> list[tuple[RawDocument, KeyPath, list[dict[str, Any]]]]:
    """Return the session entries of a YAML schedule file.

    `read` reads and schema-checks a YAML file, reporting its problems; the
    result is empty when the file is unusable.
    """
    doc = read(path, "schedule")
    if doc is None or not isinstance(doc.value.get("sessions"), list):
        return []
    return [(doc, ("sessions",), doc.value["sessions"])]


def import_schedule(path: Path, zone: ZoneInfo,
                    shown_as: Path | None = None) -> ImportedSchedule:
    """Read an .ics, .json or .xml schedule; problems name the file as `shown_as`.

    `zone` is the venue's timezone, used for times that carry no offset.
    Never raises for bad content: the result lists the problems.
    """
    shown = shown_as or path
    suffix = path.suffix.lower()
    if suffix not in IMPORT_SUFFIXES:
        raise ValueError(f"not an importable schedule: {path}")
    try:
        data = path.read_bytes()
    except OSError as error:
        problem = Problem(Origin(shown), f"cannot read file: {error.strerror}")
        return ImportedSchedule(shown, (), (problem,))
    if suffix == ".ics":
        # Imported here: icalendar takes about a tenth of a second to import,
        # and most venues have no iCalendar file.
        from ._schedule.ical import read_ical

        return read_ical(data, shown, zone)
    if suffix == ".xml":
        return read_frab_xml(data, shown, zone)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problem = Problem(Origin(shown), f"file is not UTF-8 text ({error.reason} "
                          f"at byte {error.start})")
        return ImportedSchedule(shown, (), (problem,))
    return read_frab_json(text, shown, zone)


class _Scheduled(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def channel(self) -> str | None: ...

    @property
    def start(self) -> datetime: ...

    @property
    def end(self) -> datetime: ...


ScheduledT = TypeVar("ScheduledT", bound=_Scheduled)


def find_overlaps(
    sessions: Iterable[ScheduledT],
) -> list[tuple[ScheduledT, ScheduledT]]:
    """Return the pairs of sessions that run at the same time on one channel.

    A session that ends at the instant the next one starts does not overlap
    it. Pairs come in channel order, then by start.
    """
    by_channel: dict[str, list[ScheduledT]] = {}
    for session in sessions:
        if session.channel is not None:
            by_channel.setdefault(session.channel, []).append(session)
    pairs: list[tuple[ScheduledT, ScheduledT]] = []
    for channel in sorted(by_channel):
        running: list[ScheduledT] = []
        for session in sorted(by_channel[channel], key=lambda s: (s.start, s.id)):
            running = [other for other in running if other.end > session.start]
            pairs.extend((other, session) for other in running)
            running.append(session)
    return pairs
