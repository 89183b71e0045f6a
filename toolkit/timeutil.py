"""ISO 8601 times, read in a venue's timezone when they carry no offset."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

__all__ = ["parse_time", "format_time"]


def parse_time(text: str, timezone: ZoneInfo) -> datetime | None:
    """Parse ISO 8601 `text`; a time with no offset is local to `timezone`.

    Returns None when `text` is not ISO 8601. A date alone means midnight.
    """
    try:
        value = datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone)
    return value


def format_time(value: datetime, timezone: ZoneInfo) -> str:
    """Format `value` in `timezone` as ISO 8601 with its offset, to the second."""
    return value.astimezone(timezone).isoformat(timespec="seconds")
