"""Session status for the viewer, and how the viewer shows sessions and times.

The status rule itself is `toolkit.sessions.status`, which every player
shares: *upcoming* before `start`, *live* from `start` until before `end`,
then *replay* when there is a replay URL, else *ended*.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import ViewerError
from ..sessions import Override, StatusKind, status
from ..timeutil import describe_local_time, localize
from .bundle_reader import Session

__all__ = [
    "SessionStatus",
    "session_status",
    "session_link",
    "time_until_start",
    "format_duration",
    "as_aware",
    "localize_start",
    "venue_zone",
    "zone_name",
    "format_session_time",
    "format_clock",
    "utc_now",
]

logger = logging.getLogger(__name__)

SessionStatus = StatusKind

_DURATION_UNITS = {"en": ("d", "h", "min"), "zh": ("天", "小时", "分钟")}


def as_aware(moment: datetime, zone: ZoneInfo) -> datetime:
    """Return `moment` with a timezone; a naive time is read as local to `zone`."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment


def localize_start(moment: datetime, zone: ZoneInfo) -> datetime:
    """Return `moment` aware; a naive time is the wall-clock time in `zone`.

    Raises ViewerError for a wall-clock time that a daylight-saving change
    skips in `zone`. An ambiguous one gets the earlier instant, with a
    warning.
    """
    if moment.tzinfo is not None:
        return moment
    aware, kind = localize(moment, zone)
    if kind == "nonexistent":
        raise ViewerError(f"--at: {describe_local_time(moment, zone, kind)}; add a "
                          "UTC offset such as +01:00")
    if kind == "ambiguous":
        logger.warning("--at: %s; using the earlier one",
                       describe_local_time(moment, zone, kind))
    return aware


def session_status(session: Session, now: datetime,
                   override: Override | None = None) -> SessionStatus:
    """Return the status of `session` at the aware time `now`.

    A status feed's `override` replaces the clock's verdict.
    """
    return status(session, now, override).kind


def time_until_start(session: Session, now: datetime,
                     override: Override | None = None) -> timedelta | None:
    """Return how long until an upcoming session starts, else None."""
    return status(session, now, override).starts_in


def format_duration(duration: timedelta, lang: str) -> str:
    """Format a positive duration to the minute: `2 d 3 h`, `1 h 5 min`, `7 min`."""
    minutes = max(int(duration.total_seconds() // 60), 1)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    units = _DURATION_UNITS.get(lang, _DURATION_UNITS["en"])
    if days:
        parts = [(days, units[0]), (hours, units[1])]
    elif hours:
        parts = [(hours, units[1]), (minutes, units[2])]
    else:
        parts = [(minutes, units[2])]
    joiner = "" if lang == "zh" else " "
    return joiner.join(f"{value}{joiner}{unit}" for value, unit in parts if value)


def session_link(session: Session, status: SessionStatus,
                 override: Override | None = None) -> str | None:
    """Return the URL a visitor can open: the stream when live, the replay after.

    A status feed's `override` links replace the session's own.
    """
    if status == "live":
        return (override.stream if override else None) or session.stream
    if status == "replay":
        return (override.replay if override else None) or session.replay
    return None


def venue_zone(name: str) -> ZoneInfo:
    """Return the IANA timezone `name`, or UTC with a warning when it is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        logger.warning("unknown timezone %r in tour.json; showing times in UTC", name)
        return ZoneInfo("UTC")


def _utc_offset(moment: datetime) -> str:
    """Return the UTC offset of the aware `moment` as `UTC+08:00`."""
    text = moment.strftime("%z")
    return f"UTC{text[:3]}:{text[3:5]}"


def zone_name(zone: tzinfo | None) -> str:
    """Return the IANA name of `zone`, else its abbreviation now (such as CET).

    None stands for the machine's local timezone.
    """
    key = getattr(zone, "key", None)
    if isinstance(key, str):
        return key
    return datetime.now(UTC).astimezone(zone).tzname() or "local"


def format_session_time(session: Session, zone: tzinfo | None) -> str:
    """Format the session's start and end in `zone` (None: the machine's local).

    For example `2020-06-22 09:30–10:30 UTC+08:00`.
    """
    start = session.start.astimezone(zone)
    end = session.end.astimezone(zone)
    end_format = "%H:%M" if start.date() == end.date() else "%Y-%m-%d %H:%M"
    return f"{start:%Y-%m-%d %H:%M}–{end.strftime(end_format)} {_utc_offset(start)}"


def format_clock(now: datetime, zone: ZoneInfo) -> str:
    """Format the clock for the HUD: `2020-06-22 09:45 UTC+08:00`."""
    local = now.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M} {_utc_offset(local)}"


def utc_now() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(UTC)
