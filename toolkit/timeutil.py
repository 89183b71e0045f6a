"""ISO 8601 times, read in a venue's timezone when they carry no offset.

A local time near a daylight-saving change may not exist (clocks jump
forward in spring) or may exist twice (the hour repeated in autumn). `localize`
classifies such times so that each caller can decide: the YAML loader
rejects a nonexistent time and warns about an ambiguous one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo

__all__ = [
    "LocalKind",
    "ParsedTime",
    "parse_time",
    "read_time",
    "localize",
    "fixed_offset",
    "describe_local_time",
    "format_time",
]

LocalKind = Literal["regular", "nonexistent", "ambiguous"]
"""The number of instants a wall-clock time names in a timezone: one, none or two."""


@dataclass(frozen=True)
class ParsedTime:
    """A parsed time with a fixed offset, and the text's wall-clock time.

    `local` is None when the text carried its own offset.
    """

    value: datetime
    wall: datetime
    local: LocalKind | None


def fixed_offset(value: datetime) -> datetime:
    """Return aware `value` with its UTC offset as a fixed `timezone`.

    Python subtracts and compares two datetimes that share one tzinfo by
    their wall clocks, which is wrong across a DST change. With fixed
    offsets every subtraction and comparison uses the instants.
    """
    offset = value.utcoffset()
    if offset is None:
        raise ValueError(f"{value.isoformat()} has no timezone")
    return value.astimezone(timezone(offset))


def localize(value: datetime, zone: tzinfo) -> tuple[datetime, LocalKind]:
    """Attach `zone` to the naive `value`; classify the wall-clock time.

    Returns the instant with a fixed UTC offset (see `fixed_offset`). An
    ambiguous time gets the earlier of its two instants (fold=0). A
    nonexistent time gets the offset in force before the change, so
    02:30 in a gap from 02:00 to 03:00 becomes 03:30 after it; that is the
    rule of RFC 5545 section 3.3.5 and of `zoneinfo` with fold=0.
    """
    aware = value.replace(tzinfo=zone, fold=0)
    round_trip = aware.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != value.replace(fold=0):
        kind: LocalKind = "nonexistent"
    elif aware.utcoffset() != aware.replace(fold=1).utcoffset():
        kind = "ambiguous"
    else:
        kind = "regular"
    return fixed_offset(aware), kind


def read_time(text: str, timezone: ZoneInfo) -> ParsedTime | None:
    """Parse ISO 8601 `text`; a time with no offset is local to `timezone`.

    Returns None when `text` is not ISO 8601, and when its instant falls
    outside the years 1 to 9999 in UTC or in `timezone` (0001-01-01T00:00
    east of UTC), where datetime arithmetic raises OverflowError. A date
    alone means midnight.
    """
    try:
        value = datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        return None
    try:
        if value.tzinfo is not None:
            parsed = ParsedTime(value, value.replace(tzinfo=None), None)
        else:
            aware, kind = localize(value, timezone)
            parsed = ParsedTime(aware, value, kind)
        parsed.value.astimezone(UTC)
        parsed.value.astimezone(timezone)
    except OverflowError:
        return None
    return parsed


def parse_time(text: str, timezone: ZoneInfo) -> datetime | None:
    """Parse ISO 8601 `text` as `read_time` does and return only the instant."""
    parsed = read_time(text, timezone)
    return parsed.value if parsed is not None else None


def describe_local_time(wall: datetime, zone: tzinfo, kind: LocalKind) -> str:
    """Explain why the wall-clock time `wall` is nonexistent or ambiguous in `zone`."""
    local = wall.replace(tzinfo=None)
    text = local.isoformat(timespec="minutes")
    name = getattr(zone, "key", str(zone))
    before = local.replace(tzinfo=zone, fold=0).utcoffset()
    after = local.replace(tzinfo=zone, fold=1).utcoffset()
    if kind == "nonexistent":
        return (f"local time {text} does not exist in {name}: the clocks jump "
                f"over it when the offset changes from {_offset(before)} to "
                f"{_offset(after)}")
    if kind == "ambiguous":
        return (f"local time {text} occurs twice in {name}, at offset "
                f"{_offset(before)} and again at {_offset(after)}")
    return f"local time {text} is regular in {name}"


def _offset(delta: timedelta | None) -> str:
    minutes = int((delta or timedelta()).total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def format_time(value: datetime, timezone: tzinfo) -> str:
    """Format `value` in `timezone` as ISO 8601 with its offset, to the second."""
    return value.astimezone(timezone).isoformat(timespec="seconds")
