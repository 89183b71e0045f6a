"""Read iCalendar (RFC 5545) files: each VEVENT occurrence becomes a session.

`icalendar` parses the file and `recurring-ical-events` expands RRULE, RDATE,
EXDATE and moved occurrences (RECURRENCE-ID). Decisions:

- LOCATION names the room, which becomes the channel.
- A time with TZID is read in that zone, a UTC time as UTC, and a floating
  time (neither) in the venue's timezone.
- A nonexistent or ambiguous local time follows RFC 5545 section 3.3.5 (the
  offset before the gap, the first of two) with a warning.
- All-day events (DTSTART;VALUE=DATE) are skipped with a warning: they mark
  days rather than sessions, and as day-long sessions they would overlap
  every talk on their channel.
- Events without a duration (no DTEND or DURATION) and cancelled events are
  skipped with a warning.
- A one-off event's key is its UID. A repeated event's key is its UID plus
  the occurrence's original start (its RECURRENCE-ID), so that moving one
  occurrence keeps its id.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

import icalendar
import recurring_ical_events

from ..errors import Origin
from ..timeutil import describe_local_time, fixed_offset, localize
from .entry import Collector, ImportedSchedule, ScheduleEntry, slugify

__all__ = ["read_ical", "RECURRENCE_HORIZON", "MAX_OCCURRENCES"]

RECURRENCE_HORIZON = timedelta(days=366)
"""How far after its first start a repeated event is expanded."""

MAX_OCCURRENCES = 1000
"""More occurrences than this in one repeated event is an error."""

_BEGIN_EVENT = re.compile(rb"^BEGIN:VEVENT\s*$", re.IGNORECASE | re.MULTILINE)
_QUOTED_LINE = re.compile(r"'([^']*)'")
_SPEAKER_ROLES = {"CHAIR", "REQ-PARTICIPANT", "OPT-PARTICIPANT"}


def _event_lines(data: bytes) -> list[int]:
    """Return the 1-based line of each BEGIN:VEVENT, in file order."""
    return [data.count(b"\n", 0, match.start()) + 1
            for match in _BEGIN_EVENT.finditer(data)]


def _error_line(data: bytes, message: str) -> int:
    """Find the line that an icalendar parse error quotes, or 0."""
    match = _QUOTED_LINE.search(message)
    if not match or not match.group(1):
        return 0
    needle = match.group(1).encode("utf-8", "replace")
    offset = data.find(needle)
    return data.count(b"\n", 0, offset) + 1 if offset >= 0 else 0


def read_ical(data: bytes, file: Path, zone: tzinfo) -> ImportedSchedule:
    """Read the VEVENTs of an iCalendar file as schedule entries."""
    collector = Collector(file)
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except ValueError as error:
        line = _error_line(data, str(error))
        collector.error(collector.origin(line, 1 if line else 0),
                        f"invalid iCalendar: {error}")
        return collector.result()
    events = list(calendar.walk("VEVENT"))
    lines = _event_lines(data)
    if len(lines) != len(events):
        lines = [0] * len(events)
    series: dict[str, list[tuple[Any, Origin]]] = {}
    for event, line in zip(events, lines):
        origin = collector.origin(line, 1 if line else 0)
        uid = str(event.get("UID", "")).strip()
        if not uid:
            collector.error(origin, "the VEVENT has no UID, which its session id "
                            "is made from; add a UID")
            continue
        series.setdefault(uid, []).append((event, origin))
    for uid, components in series.items():
        _read_series(collector, calendar, uid, components, zone)
    return collector.result()


def _read_series(collector: Collector, calendar: Any, uid: str,
                 components: list[tuple[Any, Origin]], zone: tzinfo) -> None:
    """Add the occurrences of the VEVENTs that share one UID."""
    masters = [(c, o) for c, o in components if "RECURRENCE-ID" not in c]
    for _component, where in masters[1:]:
        collector.error(where, f"duplicate UID '{uid}' (first at line "
                        f"{masters[0][1].line}); each event needs its own UID")
    if len(masters) > 1:
        return
    master, origin = masters[0] if masters else components[0]
    if not _usable(collector, master, origin, uid, components):
        return
    moved = {_recurrence_key(c["RECURRENCE-ID"].dt): (c, o) for c, o in components
             if "RECURRENCE-ID" in c}
    repeated = any("RRULE" in c or "RDATE" in c for c, _o in components) or \
        len(components) > 1
    single = icalendar.Calendar()
    if "X-WR-TIMEZONE" in calendar:
        single.add("X-WR-TIMEZONE", calendar["X-WR-TIMEZONE"])
    for component, _origin in components:
        single.add_component(component)
    try:
        occurrences = _occurrences(single, _earliest_day(components), zone)
        _add_occurrences(collector, occurrences, uid, repeated, moved,
                         (master, origin), zone)
    except (ValueError, recurring_ical_events.InvalidCalendar) as error:
        collector.error(origin, f"event '{uid}': invalid recurrence: {error}")


_WINDOW_OCCURRENCES = 100
"""Aim for at most this many occurrences in one window of `_occurrences`."""


def _occurrences(calendar: Any, first_day: date, zone: tzinfo) -> Iterator[Any]:
    """Yield the occurrences of `calendar` from `first_day` on, by start.

    recurring-ical-events' own all() and after() start at year 1 and double
    their window while it is empty, so at the first start the window can
    span centuries: for FREQ=MINUTELY that is millions of occurrences made
    at once, before `_add_occurrences` can stop at MAX_OCCURRENCES. Here the
    window doubles only while it is empty and halves while it contains more
    than `_WINDOW_OCCURRENCES`, so each query stays small.
    """
    query = recurring_ical_events.of(calendar)
    start = datetime.combine(first_day - timedelta(days=1), datetime.min.time(),
                             tzinfo=UTC)
    span = timedelta(days=1)
    seen: set[tuple[datetime, str]] = set()
    while True:
        try:
            end = start + span
        except OverflowError:
            return
        found = query.between(start, end)
        if len(found) > _WINDOW_OCCURRENCES and span > timedelta(minutes=1):
            span /= 2
            continue
        found.sort(key=lambda component: _aware_in(component["DTSTART"].dt, zone))
        for component in found:
            key = (_aware_in(component["DTSTART"].dt, zone),
                   _recurrence_key(component["RECURRENCE-ID"].dt))
            if key not in seen:
                seen.add(key)
                yield component
        if not found:
            span *= 2
        start = end


def _earliest_day(components: list[tuple[Any, Origin]]) -> date:
    """Return the earliest day among the DTSTART and RDATE of `components`."""
    days = []
    for component, _origin in components:
        values = [component["DTSTART"].dt] if "DTSTART" in component else []
        rdates = component.get("RDATE", [])
        for rdate in rdates if isinstance(rdates, list) else [rdates]:
            values.extend(period[0] if isinstance(period, tuple) else period
                          for period in (item.dt for item in rdate.dts))
        days.extend(value.date() if isinstance(value, datetime) else value
                    for value in values)
    return min(days)


def _usable(collector: Collector, master: Any, origin: Origin, uid: str,
            components: list[tuple[Any, Origin]]) -> bool:
    """Report what makes a series unusable; return whether to read it."""
    for component, where in components:
        for name, reason in getattr(component, "errors", []):
            collector.error(where, f"event '{uid}': invalid {name}: {reason}")
            return False
    start = master.get("DTSTART")
    if start is None:
        collector.error(origin, f"event '{uid}' has no DTSTART")
        return False
    if not isinstance(start.dt, datetime):
        collector.warn(origin, f"skipped all-day event '{uid}' "
                       f"({master.get('SUMMARY', '')}): all-day events are not "
                       "sessions; give it a start and end time to import it")
        return False
    if "DTEND" not in master and "DURATION" not in master:
        collector.warn(origin, f"skipped event '{uid}': it has no DTEND or DURATION, "
                       "so it has no length")
        return False
    if str(master.get("STATUS", "")).upper() == "CANCELLED":
        collector.warn(origin, f"skipped cancelled event '{uid}'")
        return False
    zone_name = start.params.get("TZID")
    if zone_name and start.dt.tzinfo is None:
        collector.warn(origin, f"event '{uid}' has unknown TZID '{zone_name}' and no "
                       "VTIMEZONE for it; reading its times in the venue's timezone")
    if not str(master.get("SUMMARY", "")).strip():
        collector.warn(origin, f"event '{uid}' has no SUMMARY; using its id as title")
    return all(_ends_after_start(collector, component, where)
               for component, where in components)


def _ends_after_start(collector: Collector, component: Any, origin: Origin) -> bool:
    """Report a DTEND before DTSTART, which recurring-ical-events would swap."""
    if "DTEND" not in component or "DTSTART" not in component:
        return True
    start, end = component["DTSTART"].dt, component["DTEND"].dt
    if not (isinstance(start, datetime) and isinstance(end, datetime)):
        return True
    if start.tzinfo is None or end.tzinfo is None:
        start, end = start.replace(tzinfo=None), end.replace(tzinfo=None)
    if end > start:
        return True
    collector.error(origin, f"the session ends ({end.isoformat()}) before it "
                    f"starts ({start.isoformat()})")
    return False


def _recurrence_key(value: date | datetime) -> str:
    """Format a RECURRENCE-ID the way it appears in a repeated event's id."""
    if isinstance(value, datetime):
        return value.strftime("%Y%m%dt%H%M%S").removesuffix("00")
    return value.strftime("%Y%m%d")


def _add_occurrences(collector: Collector, occurrences: Iterable[Any], uid: str,
                     repeated: bool, moved: dict[str, tuple[Any, Origin]],
                     master: tuple[Any, Origin], zone: tzinfo) -> None:
    origin = master[1]
    first: datetime | None = None
    for count, occurrence in enumerate(itertools.islice(occurrences,
                                                        MAX_OCCURRENCES + 1)):
        start = _aware_in(occurrence["DTSTART"].dt, zone)
        first = first or start
        if start > first + RECURRENCE_HORIZON:
            collector.warn(origin, f"event '{uid}' repeats beyond "
                           f"{RECURRENCE_HORIZON.days} days after its first start; "
                           "only the occurrences until then are imported")
            return
        if count == MAX_OCCURRENCES:
            collector.error(origin, f"event '{uid}' repeats more than "
                            f"{MAX_OCCURRENCES} times; end its RRULE with COUNT or "
                            "UNTIL")
            return
        recurrence = _recurrence_key(occurrence["RECURRENCE-ID"].dt)
        source, where = moved.get(recurrence, master)
        key = f"{uid}/{recurrence}" if repeated else uid
        _add_entry(collector, occurrence, source, key, where, zone)


def _aware_in(value: datetime, zone: tzinfo) -> datetime:
    """Return `value` aware, reading a floating time in `zone`, for comparisons."""
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def _instant(collector: Collector, value: datetime, zone: tzinfo, origin: Origin,
             uid: str, what: str) -> datetime:
    """Return the instant of an occurrence's start or end, warning at DST changes.

    A floating time is read in the venue's `zone`.
    """
    value_zone = value.tzinfo or zone
    wall = value.replace(tzinfo=None)
    aware, kind = localize(wall, value_zone)
    if kind != "regular":
        rule = "the offset before the gap" if kind == "nonexistent" else \
            "the first of the two"
        collector.warn(origin, f"event '{uid}' {what}: "
                       f"{describe_local_time(wall, value_zone, kind)}; using "
                       f"{rule}, following RFC 5545")
    return aware


def _speakers(occurrence: Any) -> tuple[str, ...]:
    attendees = occurrence.get("ATTENDEE", [])
    if not isinstance(attendees, list):
        attendees = [attendees]
    names = []
    for attendee in attendees:
        params = getattr(attendee, "params", {})
        role = str(params.get("ROLE", "REQ-PARTICIPANT")).upper()
        name = str(params.get("CN", "")).strip()
        if name and role in _SPEAKER_ROLES:
            names.append(name)
    return tuple(names)


def _end_after(start: datetime, duration: timedelta, zone: tzinfo) -> datetime:
    """Add a DURATION to `start` by RFC 5545 section 3.3.6.

    Days count by the calendar of `zone`, so a day can last 23 or 25 hours
    at a DST change. Hours, minutes and seconds count as elapsed time.
    """
    days = timedelta(days=duration.days)
    wall = start.astimezone(zone).replace(tzinfo=None) + days
    day_later, _kind = localize(wall, zone)
    return fixed_offset((day_later + (duration - days)).astimezone(zone))


def _add_entry(collector: Collector, occurrence: Any, source: Any, key: str,
               origin: Origin, zone: tzinfo) -> None:
    """Add one occurrence; `source` is the VEVENT it came from."""
    uid = key.split("/", 1)[0]
    start_value = occurrence["DTSTART"].dt
    start = _instant(collector, start_value, zone, origin, uid, "start")
    if "DURATION" in source and "DTEND" not in source:
        end = _end_after(start, source["DURATION"].dt, start_value.tzinfo or zone)
    else:
        end = _instant(collector, occurrence["DTEND"].dt, zone, origin, uid, "end")
    if end <= start:
        collector.error(origin, f"the session ends ({end.isoformat()}) before it "
                        f"starts ({start.isoformat()})")
        return
    title = str(occurrence.get("SUMMARY", "")).strip() or slugify(key)
    description = str(occurrence.get("DESCRIPTION", "")).strip() or None
    room = str(occurrence.get("LOCATION", "")).strip() or None
    collector.entries.append(ScheduleEntry(
        key=key, id=slugify(key), title=title, description=description, room=room,
        speakers=_speakers(occurrence), start=start, end=end, origin=origin,
    ))
