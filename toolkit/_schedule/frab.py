"""Read frab and pretalx schedule exports: `schedule.xml` and `schedule.json`.

Both follow the c3voc schema: a conference has days, a day has rooms, a
room has events. An event has a `guid`, an `id`, a `slug`, a `date` with an
offset, a `duration` as `HH:MM`, a `room`, a `title` and `persons`. Rooms
become channels. Each entry remembers the line of its event: the element's
start tag in XML, the event object's `{` in JSON.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import xml.etree.ElementTree as ElementTree
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from xml.parsers import expat
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import Origin
from .entry import Collector, ImportedSchedule, ScheduleEntry, parse_duration, slugify

__all__ = ["read_frab_json", "read_frab_xml"]


@dataclass(frozen=True)
class _RawEvent:
    """An event's fields as text, whichever format they came from."""

    origin: Origin
    guid: str | None
    event_id: str | None
    slug: str | None
    date: str | None
    day: str | None
    day_start: str | None
    start: str | None
    duration: str | None
    room: str | None
    title: str | None
    abstract: str | None
    description: str | None
    persons: tuple[str, ...]


def _text(value: Any) -> str | None:
    """Return a scalar field as stripped text, or None when it is empty."""
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    text = str(value).strip()
    return text or None


def _zone(name: str | None, fallback: ZoneInfo) -> ZoneInfo:
    if not name:
        return fallback
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return fallback


# -- events to entries -----------------------------------------------------------


def _event_key(event: _RawEvent) -> str | None:
    if event.guid:
        return event.guid.lower()
    if event.slug:
        return event.slug
    if event.event_id:
        return f"event-{event.event_id}"
    return None


def _start(collector: Collector, event: _RawEvent, zone: ZoneInfo) -> datetime | None:
    """Return the event's start: `date`, else the day's date plus `start`."""
    if event.date:
        try:
            value = datetime.fromisoformat(event.date)
        except ValueError:
            collector.error(event.origin, f"invalid date '{event.date}'; expected "
                            "ISO 8601 such as 2024-12-27T10:30:00+01:00")
            return None
    elif event.day and event.start:
        try:
            clock = time.fromisoformat(event.start if len(event.start) > 4
                                       else f"0{event.start}")
            value = datetime.combine(date.fromisoformat(event.day), clock)
        except ValueError:
            collector.error(event.origin, f"invalid day '{event.day}' or start "
                            f"'{event.start}'; expected 2024-12-27 and 10:30")
            return None
        value = _after_day_start(value, event.day_start, zone)
    else:
        collector.error(event.origin, "the event has no `date` (nor a day date "
                        "and `start`)")
        return None
    if value.tzinfo is None:
        return collector.local_time(value, zone, event.origin, "event start")
    return value


def _after_day_start(value: datetime, day_start: str | None,
                     zone: ZoneInfo) -> datetime:
    """Move a start that is earlier than its day's start to the next date.

    frab days can run past midnight, so 01:00 on day 2024-12-27 can mean
    01:00 on 2024-12-28.
    """
    if not day_start:
        return value
    try:
        first = datetime.fromisoformat(day_start)
    except ValueError:
        return value
    if first.tzinfo is not None:
        first = first.astimezone(zone)
    if value.time() < first.time():
        return value + timedelta(days=1)
    return value


def _entry(collector: Collector, event: _RawEvent, zone: ZoneInfo) -> None:
    key = _event_key(event)
    if key is None:
        collector.error(event.origin, "the event has no `guid`, `slug` or `id` to "
                        "make its session id from")
        return
    start = _start(collector, event, zone)
    duration = parse_duration(event.duration) if event.duration else None
    if event.duration and duration is None:
        collector.error(event.origin, f"invalid duration '{event.duration}'; "
                        "expected HH:MM such as 00:45 or 1:30")
    elif duration is None:
        collector.error(event.origin, "the event has no `duration`")
    if start is None or duration is None:
        return
    if duration <= timedelta():
        collector.error(event.origin, f"the session ends ({event.duration} after "
                        "its start) before it starts; give it a positive duration")
        return
    title = event.title
    if title is None:
        collector.warn(event.origin, f"event '{key}' has no title; using its id")
        title = slugify(key)
    collector.entries.append(ScheduleEntry(
        key=key,
        id=slugify(key),
        title=title,
        description=event.abstract or event.description,
        room=event.room,
        speakers=event.persons,
        start=start,
        end=start + duration,
        origin=event.origin,
    ))


# -- JSON ------------------------------------------------------------------------


def _decode_json(text: str) -> tuple[Any, dict[int, int]]:
    """Decode JSON text, returning also each object's start offset by `id()`.

    The pure-Python scanner lets a hook see where each object starts; the C
    scanner that `json.loads` uses has no such hook.
    """
    starts: dict[int, int] = {}
    decoder = json.JSONDecoder()

    def parse_object(state: tuple[str, int], *args: Any) -> tuple[Any, int]:
        value, end = json.decoder.JSONObject(  # type: ignore[attr-defined]
            state, *args)
        starts[id(value)] = state[1] - 1
        return value, end

    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    scanner = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    decoder.scan_once = scanner  # type: ignore[attr-defined]
    return decoder.decode(text), starts


class _Lines:
    """Turns character offsets into 1-based line and column numbers."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        self.starts.extend(i + 1 for i, char in enumerate(text) if char == "\n")

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def _persons(value: Any) -> tuple[str, ...]:
    names = []
    for person in value if isinstance(value, list) else []:
        if isinstance(person, dict):
            name = _text(person.get("public_name")) or _text(person.get("name"))
        else:
            name = _text(person)
        if name:
            names.append(name)
    return tuple(names)


def _json_events(collector: Collector, document: Any,
                 where: Any) -> Iterator[tuple[dict[str, Any], dict[str, Any], str]]:
    """Yield (day, event, room name) from schedule → conference → days → rooms."""
    schedule = document.get("schedule") if isinstance(document, dict) else None
    conference = schedule.get("conference") if isinstance(schedule, dict) else None
    days = conference.get("days") if isinstance(conference, dict) else None
    if not isinstance(days, list):
        collector.error(collector.origin(1, 1), "not a pretalx or frab schedule.json: "
                        "expected schedule → conference → days")
        return
    for day in days:
        rooms = day.get("rooms") if isinstance(day, dict) else None
        if not isinstance(rooms, dict):
            collector.error(where(day), "expected a day with `rooms`, a mapping from "
                            "room name to a list of events")
            continue
        for room, events in rooms.items():
            if not isinstance(events, list):
                collector.error(where(day), f"room '{room}': expected a list of events")
                continue
            for event in events:
                if not isinstance(event, dict):
                    collector.error(where(day), f"room '{room}': expected each event "
                                    "to be an object")
                    continue
                yield day, event, room


def read_frab_json(text: str, file: Path, zone: ZoneInfo) -> ImportedSchedule:
    """Read a pretalx or frab `schedule.json` (c3voc schema)."""
    collector = Collector(file)
    try:
        document, starts = _decode_json(text)
    except json.JSONDecodeError as error:
        collector.error(collector.origin(error.lineno, error.colno),
                        f"invalid JSON: {error.msg}")
        return collector.result()
    except RecursionError:
        collector.error(collector.origin(1, 1), "invalid JSON: nested too deeply "
                        "for a schedule")
        return collector.result()
    lines = _Lines(text)

    def where(value: Any) -> Origin:
        return collector.origin(*lines.position(starts.get(id(value), 0)))

    conference = (document.get("schedule") or {}).get("conference") \
        if isinstance(document, dict) else None
    file_zone = _zone(_text(conference.get("time_zone_name"))
                      if isinstance(conference, dict) else None, zone)
    for day, event, room in _json_events(collector, document, where):
        _entry(collector, _RawEvent(
            origin=where(event),
            guid=_text(event.get("guid")),
            event_id=_text(event.get("id")),
            slug=_text(event.get("slug")),
            date=_text(event.get("date")),
            day=_text(day.get("date")),
            day_start=_text(day.get("day_start")),
            start=_text(event.get("start")),
            duration=_text(event.get("duration")),
            room=_text(event.get("room")) or _text(room),
            title=_text(event.get("title")),
            abstract=_text(event.get("abstract")),
            description=_text(event.get("description")),
            persons=_persons(event.get("persons")),
        ), file_zone)
    return collector.result()


# -- XML -------------------------------------------------------------------------


class _EntityDeclared(Exception):
    """The document declares an entity, which this reader does not expand."""


def _parse_xml(data: bytes) -> tuple[ElementTree.Element, dict[int, tuple[int, int]]]:
    """Parse XML with expat, returning also each element's line and column by `id()`.

    Entity declarations are rejected, so a document cannot expand into a huge
    one or read other files. Raises expat.ExpatError and _EntityDeclared.
    """
    builder = ElementTree.TreeBuilder()
    positions: dict[int, tuple[int, int]] = {}
    parser = expat.ParserCreate()

    def start(tag: str, attributes: dict[str, str]) -> None:
        element = builder.start(tag, attributes)
        positions[id(element)] = (parser.CurrentLineNumber,
                                  parser.CurrentColumnNumber + 1)

    def entity(*_args: Any) -> None:
        raise _EntityDeclared()

    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.EntityDeclHandler = entity
    parser.Parse(data, True)
    return builder.close(), positions


def _child_text(element: ElementTree.Element, tag: str) -> str | None:
    child = element.find(tag)
    return _text("".join(child.itertext())) if child is not None else None


def _xml_persons(event: ElementTree.Element) -> tuple[str, ...]:
    persons = event.find("persons")
    if persons is None:
        return ()
    names = (_text("".join(person.itertext())) for person in persons.iter("person"))
    return tuple(name for name in names if name)


def read_frab_xml(data: bytes, file: Path, zone: ZoneInfo) -> ImportedSchedule:
    """Read a frab `schedule.xml` (c3voc schema)."""
    collector = Collector(file)
    try:
        root, positions = _parse_xml(data)
    except expat.ExpatError as error:
        collector.error(collector.origin(error.lineno, error.offset + 1),
                        f"invalid XML: {expat.ErrorString(error.code)}")
        return collector.result()
    except _EntityDeclared:
        collector.error(collector.origin(1, 1), "XML entity declarations are not "
                        "supported; remove the DOCTYPE's entities")
        return collector.result()
    if root.tag != "schedule":
        collector.error(collector.origin(*positions[id(root)]), f"not a frab "
                        f"schedule.xml: the root element is <{root.tag}>, expected "
                        "<schedule>")
        return collector.result()
    file_zone = _zone(_child_text(root, "conference/time_zone_name"), zone)
    for day in root.findall("day"):
        for room in day.findall("room"):
            for event in room.findall("event"):
                _entry(collector, _xml_event(event, day, room, positions, collector),
                       file_zone)
    return collector.result()


def _xml_event(event: ElementTree.Element, day: ElementTree.Element,
               room: ElementTree.Element, positions: Mapping[int, tuple[int, int]],
               collector: Collector) -> _RawEvent:
    return _RawEvent(
        origin=collector.origin(*positions[id(event)]),
        guid=_text(event.get("guid")),
        event_id=_text(event.get("id")),
        slug=_child_text(event, "slug"),
        date=_child_text(event, "date"),
        day=_text(day.get("date")),
        day_start=_text(day.get("start")),
        start=_child_text(event, "start"),
        duration=_child_text(event, "duration"),
        room=_child_text(event, "room") or _text(room.get("name")),
        title=_child_text(event, "title"),
        abstract=_child_text(event, "abstract"),
        description=_child_text(event, "description"),
        persons=_xml_persons(event),
    )
