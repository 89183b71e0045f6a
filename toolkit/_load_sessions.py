"""Load a venue's sessions: written in YAML, or imported from schedule exports.

Sessions of every source merge into one set with unique ids; imported rooms
become channels. docs/format.md states the rules for ids, channels and
local times.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from . import spec
from ._context import IMAGE_SUFFIXES, _check_reference, _Context
from .errors import Problem
from .schedules import (SCHEDULE_SUFFIXES, YAML_SUFFIXES, ImportedSchedule,
                        ScheduleEntry, find_overlaps, import_schedule, read_schedule,
                        slugify)
from .source import KeyPath, RawDocument
from .timeutil import describe_local_time, read_time

__all__ = ["load_sessions", "load_status_feed"]

log = logging.getLogger(__name__)

DEFAULT_FEED_INTERVAL = 30.0
"""Seconds between two fetches of the status feed when the venue gives none."""
MAX_OVERLAP_WARNINGS = 10
"""Overlapping sessions warned about one by one; the rest are counted."""


def load_status_feed(context: _Context, doc: RawDocument,
                     raw: dict[str, Any] | None) -> spec.StatusFeed | None:
    if raw is None:
        return None
    url = context.url(doc, ("status_feed", "url"), raw["url"])
    if url is None:
        return None
    return spec.StatusFeed(url, float(raw.get("interval", DEFAULT_FEED_INTERVAL)))


def load_sessions(context: _Context, doc: RawDocument, raw: dict[str, Any],
                  timezone: ZoneInfo, channels: tuple[spec.Channel, ...]
                  ) -> tuple[dict[str, spec.Session], tuple[spec.Channel, ...]]:
    """Merge the venue's sessions with those of every schedule file.

    Returns the sessions by id and the channels: the declared ones, then one
    for each new room that an imported schedule names.
    """
    sources: list[tuple[RawDocument, KeyPath, list[dict[str, Any]]]] = [
        (doc, ("sessions",), raw.get("sessions", []))
    ]
    imported: list[ImportedSchedule] = []
    for index, value in enumerate(raw.get("schedules", [])):
        schedule = context.asset(doc, ("schedules", index), value,
                                 SCHEDULE_SUFFIXES, "schedule")
        if schedule is None:
            continue
        if schedule.suffix.lower() in YAML_SUFFIXES:
            sources.extend(read_schedule(schedule, context.read))
        else:
            result = import_schedule(schedule, timezone)
            if not result.entries and not result.problems:
                log.warning("%s: warning: the schedule has no sessions", schedule)
            imported.append(result)
    found = _written_sessions(context, sources, timezone, channels)
    rooms = _RoomChannels(context, channels)
    _add_imported(context, found, imported, rooms)
    _warn_overlaps(found.values())
    return found, channels + tuple(rooms.added.values())


def _written_sessions(context: _Context,
                      sources: list[tuple[RawDocument, KeyPath, list[dict[str, Any]]]],
                      timezone: ZoneInfo,
                      channels: tuple[spec.Channel, ...]) -> dict[str, spec.Session]:
    """Check the sessions written in YAML, whose ids are the authors' own."""
    found: dict[str, spec.Session] = {}
    channel_ids = [channel.id for channel in channels]
    for source_doc, base, items in sources:
        for index, item in enumerate(items):
            path = base + (index,)
            session = _session(context, source_doc, path, item, timezone)
            if session is None:
                continue
            if session.id in found:
                first = found[session.id].origin
                context.add(source_doc, path + ("id",), f"duplicate session id "
                            f"'{session.id}' (first at {first}); ids must be unique")
                continue
            if session.channel is not None:
                _check_reference(context, source_doc, path + ("channel",),
                                 session.channel, channel_ids, "channel")
            found[session.id] = session
    return found


class _RoomChannels:
    """Map imported room names to channel ids, declaring the missing channels."""

    def __init__(self, context: _Context, declared: tuple[spec.Channel, ...]) -> None:
        self.context = context
        self.declared = {channel.id for channel in declared}
        self.added: dict[str, spec.Channel] = {}

    def channel_id(self, room: str | None) -> str | None:
        if room is None:
            return None
        channel_id = slugify(room)
        if channel_id not in self.declared and channel_id not in self.added:
            title = {language: room for language in self.context.languages}
            self.added[channel_id] = spec.Channel(channel_id, title)
        return channel_id


def _add_imported(context: _Context, found: dict[str, spec.Session],
                  imported: list[ImportedSchedule], rooms: _RoomChannels) -> None:
    """Add imported entries to `found`, giving each a unique id.

    The same source key twice, or an id that a YAML session also has, is an
    error. Different keys with the same id get -2, -3, ... in file order.
    """
    written = set(found)
    keys: dict[str, spec.Session] = {}
    for schedule in imported:
        context.problems.extend(schedule.problems)
        for entry in schedule.entries:
            if entry.key in keys:
                first = keys[entry.key].origin
                context.problems.append(Problem(entry.origin, f"duplicate session "
                                        f"'{entry.key}' (first at {first}); each "
                                        "event must appear once"))
                continue
            if entry.id in written:
                context.problems.append(Problem(entry.origin, f"session id "
                                        f"'{entry.id}' is also the id of the "
                                        f"session at {found[entry.id].origin}; "
                                        "rename that one"))
                continue
            session_id = entry.id
            copy = 2
            while session_id in found:
                session_id = f"{entry.id}-{copy}"
                copy += 1
            session = _imported_session(context, entry, session_id, rooms)
            keys[entry.key] = session
            found[session_id] = session


def _imported_session(context: _Context, entry: ScheduleEntry, session_id: str,
                      rooms: _RoomChannels) -> spec.Session:
    def text(value: str | None) -> spec.Text | None:
        if value is None:
            return None
        return {language: value for language in context.languages}

    return spec.Session(
        id=session_id,
        title=text(entry.title) or {},
        description=text(entry.description),
        channel=rooms.channel_id(entry.room),
        speakers=tuple(spec.Speaker(text(name) or {}, None)
                       for name in entry.speakers),
        start=entry.start,
        end=entry.end,
        stream=None,
        replay=None,
        poster=None,
        origin=entry.origin,
    )


def _warn_overlaps(sessions: Iterable[spec.Session]) -> None:
    overlaps = find_overlaps(sessions)
    for first, second in overlaps[:MAX_OVERLAP_WARNINGS]:
        log.warning("%s: warning: session '%s' overlaps session '%s' (%s) on "
                    "channel '%s'", second.origin, second.id, first.id,
                    first.origin, first.channel)
    if len(overlaps) > MAX_OVERLAP_WARNINGS:
        log.warning("warning: %d more pairs of sessions overlap on their channel",
                    len(overlaps) - MAX_OVERLAP_WARNINGS)


def _time(context: _Context, doc: RawDocument, path: KeyPath,
          text: str, timezone: ZoneInfo) -> datetime | None:
    """Read a session time; a local time must exist and should be unambiguous."""
    parsed = read_time(text, timezone)
    if parsed is None:
        context.add(doc, path, f"invalid time '{text}'; write ISO 8601 such as "
                    "2020-06-22T09:30 or 2020-06-22T09:30+08:00")
        return None
    if parsed.local == "nonexistent":
        reason = describe_local_time(parsed.wall, timezone, "nonexistent")
        context.add(doc, path, f"{reason}; write a time that exists, or add the "
                    "offset you mean")
        return None
    if parsed.local == "ambiguous":
        log.warning("%s: warning: %s; using the earlier one (add an offset to "
                    "choose)", doc.origin(path),
                    describe_local_time(parsed.wall, timezone, "ambiguous"))
    return parsed.value


def _session(context: _Context, doc: RawDocument, path: KeyPath,
             item: dict[str, Any], timezone: ZoneInfo) -> spec.Session | None:
    start = _time(context, doc, path + ("start",), item["start"], timezone)
    end = _time(context, doc, path + ("end",), item["end"], timezone)
    if start is None or end is None:
        return None
    if end <= start:
        context.add(doc, path + ("end",), f"the session ends ({item['end']}) before "
                    f"it starts ({item['start']})")
        return None
    poster = None
    if "poster" in item:
        poster = context.asset(doc, path + ("poster",), item["poster"],
                               IMAGE_SUFFIXES, "poster")
    speakers = tuple(_speaker(context, doc, path + ("speakers", i), speaker)
                     for i, speaker in enumerate(item.get("speakers", [])))
    return spec.Session(
        id=item["id"],
        title=context.text(doc, path + ("title",), item["title"]) or {},
        description=context.text(doc, path + ("description",),
                                 item.get("description")),
        channel=item.get("channel"),
        speakers=speakers,
        start=start,
        end=end,
        stream=context.url(doc, path + ("stream",), item.get("stream")),
        replay=context.url(doc, path + ("replay",), item.get("replay")),
        poster=poster,
        origin=doc.origin(path),
    )


def _speaker(context: _Context, doc: RawDocument, path: KeyPath,
             value: str | dict[str, Any]) -> spec.Speaker:
    if isinstance(value, str):
        return spec.Speaker(context.text(doc, path, value) or {}, None)
    return spec.Speaker(
        context.text(doc, path + ("name",), value["name"]) or {},
        context.text(doc, path + ("affiliation",), value.get("affiliation")),
    )
