"""Session status as a pure function of the clock, and the live status feed.

A session is *upcoming* before its start, *live* from the start instant until
before the end instant, then *replay* when it has a replay URL, else *ended*.
A venue's status feed may override that. `apply_feed` is the one rule for
reading a feed document, which the web player must mirror in JavaScript.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, Literal, Protocol

from ._context import check_url
from .timeutil import format_time

__all__ = [
    "StatusKind",
    "STATUS_KINDS",
    "MAX_FEED_BYTES",
    "Status",
    "Override",
    "status",
    "apply_feed",
    "session_report",
]

log = logging.getLogger(__name__)

StatusKind = Literal["upcoming", "live", "replay", "ended"]
STATUS_KINDS: tuple[StatusKind, ...] = ("upcoming", "live", "replay", "ended")

MAX_FEED_BYTES = 1_000_000
"""The size limit of a feed document in UTF-8 bytes; longer ones are invalid."""


class TimedSession(Protocol):
    """The session fields that `status` reads, which `spec.Session` and the
    players' sessions have."""

    @property
    def start(self) -> datetime: ...

    @property
    def end(self) -> datetime: ...

    @property
    def replay(self) -> str | None: ...


class IdentifiedSession(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def replay(self) -> str | None: ...


@dataclass(frozen=True)
class Status:
    """A session's status at one instant; `starts_in` is set only for upcoming."""

    kind: StatusKind
    starts_in: timedelta | None = None

    def __str__(self) -> str:
        return self.kind


@dataclass(frozen=True)
class Override:
    """A status feed's entry for one session: its status and optional new links."""

    status: StatusKind
    stream: str | None = None
    replay: str | None = None


def status(session: TimedSession, clock: datetime,
           override: Override | None = None) -> Status:
    """Return the status of `session` at the aware instant `clock`.

    The start instant is live and the end instant is over. An `override`
    from the status feed replaces the clock's verdict. Raises ValueError
    for a naive `clock`, which has no instant.
    """
    if clock.tzinfo is None or clock.utcoffset() is None:
        raise ValueError(f"clock {clock.isoformat()} has no timezone; pass an "
                         "aware datetime")
    # In UTC, because Python compares two datetimes that share one tzinfo
    # by their wall clocks, which is wrong across a DST change.
    now = clock.astimezone(UTC)
    start = session.start.astimezone(UTC)
    if override is not None:
        if override.status == "upcoming":
            return Status("upcoming", max(start - now, timedelta()))
        return Status(override.status)
    if now < start:
        return Status("upcoming", start - now)
    if now < session.end.astimezone(UTC):
        return Status("live")
    return Status("replay" if session.replay else "ended")


def apply_feed(
    sessions: Iterable[IdentifiedSession],
    feed_json: str | bytes | Mapping[str, Any],
) -> dict[str, Override] | None:
    """Read a status feed document into overrides by session id.

    `feed_json` is the feed's JSON text or its decoded object. Returns None
    when the document is invalid: not JSON, not an object, or longer than
    MAX_FEED_BYTES. Entries for unknown ids are ignored. An invalid entry is
    rejected and logged, and the other entries still apply. An entry is
    invalid when it is not an object, has no valid `status`, or has a
    `stream` or `replay` that is not an https:// or http:// URL. A `replay`
    status with no replay URL in the feed or the session becomes `ended`,
    as it does without a feed.
    """
    document = _decode(feed_json)
    if document is None:
        return None
    known = {session.id: session for session in sessions}
    overrides: dict[str, Override] = {}
    rejected: list[str] = []
    for session_id, entry in document.items():
        session = known.get(session_id)
        if session is None:
            continue
        override = _entry(entry)
        if isinstance(override, str):
            rejected.append(f"{session_id!r} ({override})")
            continue
        if override.status == "replay" and not (override.replay or session.replay):
            override = Override("ended", override.stream, None)
        overrides[session_id] = override
    if rejected:
        listed = "; ".join(rejected[:3])
        more = f" and {len(rejected) - 3} more" if len(rejected) > 3 else ""
        log.warning("status feed: rejected %d entries: %s%s", len(rejected), listed,
                    more)
    return overrides


def _decode(feed_json: str | bytes | Mapping[str, Any]) -> Mapping[str, Any] | None:
    if isinstance(feed_json, Mapping):
        return feed_json
    size = len(feed_json) if isinstance(feed_json, bytes) else \
        len(feed_json.encode("utf-8", "surrogatepass"))
    if size > MAX_FEED_BYTES:
        log.warning("status feed: invalid document: longer than %d bytes",
                    MAX_FEED_BYTES)
        return None
    try:
        document = json.loads(feed_json)
    except (ValueError, RecursionError) as error:
        log.warning("status feed: invalid JSON: %s", error)
        return None
    if not isinstance(document, dict):
        log.warning("status feed: invalid document: expected a JSON object "
                    "mapping session ids to entries, got %s", type(document).__name__)
        return None
    return document


def _entry(entry: Any) -> Override | str:
    """Return the override of one feed entry, or why the entry is invalid."""
    if not isinstance(entry, dict):
        return "expected an object"
    kind = entry.get("status")
    if kind not in STATUS_KINDS:
        return f"status {kind!r} is not one of {', '.join(STATUS_KINDS)}"
    links: dict[str, str | None] = {"stream": None, "replay": None}
    for key in links:
        value = entry.get(key)
        if value is None:
            continue
        reason = check_url(value) if isinstance(value, str) else "not a string"
        if reason:
            return f"invalid {key} URL {value!r}: {reason}"
        links[key] = value
    return Override(kind, links["stream"], links["replay"])


def session_report(sessions: Iterable[Any], clock: datetime,
                   zone: tzinfo) -> list[dict[str, Any]]:
    """List every session's id, title, channel, times and status at `clock`.

    The rows are what `venue sessions --json` prints: sorted by start, then
    channel and id, with times as ISO 8601 in `zone` and, for upcoming
    sessions, `starts_in_seconds` rounded up to a whole second.
    """
    rows = []
    ordered = sorted(sessions, key=lambda s: (s.start, s.channel or "", s.id))
    for session in ordered:
        current = status(session, clock)
        row: dict[str, Any] = {
            "id": session.id,
            "title": dict(session.title),
            "channel": session.channel,
            "start": format_time(session.start, zone),
            "end": format_time(session.end, zone),
            "status": current.kind,
        }
        if current.starts_in is not None:
            row["starts_in_seconds"] = math.ceil(current.starts_in.total_seconds())
        rows.append(row)
    return rows
