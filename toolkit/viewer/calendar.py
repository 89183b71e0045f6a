"""Calendar files: one iCalendar (.ics) event per session, for "Add to calendar".

Times are written in UTC, which every calendar program converts to its
own timezone, so no VTIMEZONE block is needed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from icalendar import Calendar, Event

from .. import __version__

__all__ = ["CalendarEvent", "default_downloads", "calendar_bytes",
           "write_calendar"]

logger = logging.getLogger(__name__)

_PRODUCT_ID = f"-//venue-toolkit//desktop viewer {__version__}//EN"


@dataclass(frozen=True)
class CalendarEvent:
    """The fields of a session's .ics event, in the visitor's language."""

    uid: str
    title: str
    start: datetime
    end: datetime
    description: str = ""
    location: str = ""
    url: str | None = None


def default_downloads() -> Path:
    """Return ~/Downloads when that folder exists, else the working folder."""
    downloads = Path.home() / "Downloads"
    return downloads if downloads.is_dir() else Path.cwd()


def calendar_bytes(event: CalendarEvent, stamp: datetime | None = None) -> bytes:
    """Return an iCalendar document with `event` as its one VEVENT.

    `stamp` is the DTSTAMP, the moment the file is made (default: now).
    """
    calendar = Calendar()
    calendar.add("prodid", _PRODUCT_ID)
    calendar.add("version", "2.0")
    entry = Event()
    entry.add("uid", event.uid)
    entry.add("dtstamp", (stamp or datetime.now(UTC)).astimezone(UTC))
    entry.add("dtstart", event.start.astimezone(UTC))
    entry.add("dtend", event.end.astimezone(UTC))
    entry.add("summary", event.title)
    if event.description:
        entry.add("description", event.description)
    if event.location:
        entry.add("location", event.location)
    if event.url:
        entry.add("url", event.url)
    calendar.add_component(entry)
    return bytes(calendar.to_ical())


def write_calendar(event: CalendarEvent, folder: Path, name: str) -> Path:
    """Write `event` to `folder/name.ics`, replacing an older file; return its path.

    Creates `folder` when missing. Raises OSError when it cannot be written,
    and ValueError when `name` is not a plain file name.
    """
    if not name or name in (".", "..") or Path(name).name != name:
        raise ValueError(f"{name!r} cannot be used as a file name")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ics"
    path.write_bytes(calendar_bytes(event))
    logger.info("saved calendar file %s", path)
    return path.resolve()
