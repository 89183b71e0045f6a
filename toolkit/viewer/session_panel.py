"""The panel of a session hotspot: status, times in two timezones and actions.

The panel shows the status (with the time left while upcoming), the
session's times in the venue's timezone and in the visitor's, and its
speakers. Its buttons are "Watch live" while live and "Watch replay" after
it, each only for an http or https link, because a replay file inside the
bundle plays on screens only. "Add to calendar" shows until the session
ends.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from ..sessions import Override
from .bundle_reader import Session, Text, TourBundle
from .calendar import CalendarEvent
from .links import is_web_url, open_web_url
from .panel import PanelButton
from .sessions import (
    format_duration,
    format_session_time,
    session_link,
    session_status,
    time_until_start,
    zone_name,
)

__all__ = ["SessionHost", "session_panel", "calendar_event", "calendar_file_name"]


class SessionHost(Protocol):
    """The viewer state that a session panel reads."""

    bundle: TourBundle
    zone: ZoneInfo

    @property
    def visitor_zone(self) -> tzinfo | None: ...

    @property
    def ui_lang(self) -> str: ...

    def ui(self, key: str, **values: str) -> str: ...

    def text(self, text: Text) -> str: ...

    def now(self) -> datetime: ...

    def override(self, session_id: str) -> Override | None: ...

    def calendar_note(self, session_id: str) -> str | None: ...

    def save_calendar(self, session_id: str) -> Path | None: ...


def session_panel(host: SessionHost,
                  session_id: str) -> tuple[list[str], list[PanelButton]]:
    """Return the detail lines and buttons of a session's panel at the host's clock.

    The first line is the session's title.
    """
    session = host.bundle.session(session_id)
    now = host.now()
    override = host.override(session_id)
    status = session_status(session, now, override)
    details = [host.text(session.title), host.ui(f"status_{status}")]
    waiting = time_until_start(session, now, override)
    if waiting is not None:
        duration = format_duration(waiting, host.ui_lang)
        details.append(host.ui("starts_in", time=duration))
    details.append(host.ui("venue_time", zone=zone_name(host.zone),
                           time=format_session_time(session, host.zone)))
    details.append(host.ui("your_time", zone=zone_name(host.visitor_zone),
                           time=format_session_time(session, host.visitor_zone)))
    names = [host.text(name) for name in session.speakers]
    if any(names):
        separator = host.ui("list_separator")
        details.append(host.ui("speakers", names=separator.join(n for n in names if n)))
    note = host.calendar_note(session_id)
    if note:
        details.append(note)

    buttons: list[PanelButton] = []
    link = session_link(session, status, override)
    if link is not None and is_web_url(link):
        label = host.ui("watch_live" if status == "live" else "watch_replay")
        buttons.append(PanelButton(label, _opener(link)))
    if status in ("upcoming", "live"):
        buttons.append(PanelButton(host.ui("add_calendar"),
                                   lambda: host.save_calendar(session_id)))
    return details, buttons


def _opener(url: str) -> Callable[[], bool]:
    return lambda: open_web_url(url)


def calendar_event(host: SessionHost, session: Session) -> CalendarEvent:
    """Return the calendar event of `session`, in the visitor's language."""
    override = host.override(session.id)
    stream = (override.stream if override else None) or session.stream
    links = (stream, session.replay)
    venue = host.text(host.bundle.venue.title)
    channel = next((host.text(c.title) or c.id for c in host.bundle.channels
                    if c.id == session.channel), "")
    return CalendarEvent(
        uid=f"{session.id}@{host.bundle.venue.id}",
        title=host.text(session.title) or session.id,
        start=session.start,
        end=session.end,
        description=host.text(session.description),
        location=" · ".join(part for part in (venue, channel) if part),
        url=next((link for link in links if link and is_web_url(link)), None),
    )


def calendar_file_name(bundle: TourBundle, session: Session) -> str:
    """Return the .ics file's name without suffix: `<venue id>-<session id>`."""
    return f"{bundle.venue.id}-{session.id}"
