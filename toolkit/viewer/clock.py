"""The viewer's clock: now, or a start time, moved by hand in steps.

A designer steps the clock to watch a day of sessions play out; statuses,
markers, panels and screens follow it.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from .sessions import utc_now

__all__ = ["Clock"]


class Clock:
    """Now, or an aware start time that runs on or stays fixed, plus an offset.

    The offset is what `step` added; `reset` clears it and restarts a
    running start time.
    """

    def __init__(self, start: datetime | None = None, running: bool = True) -> None:
        self._start = start
        self._running = running
        self._started = time.monotonic()
        self.offset = timedelta()

    @property
    def start(self) -> datetime | None:
        """The start time given, or None when the clock follows the real time."""
        return self._start

    def now(self) -> datetime:
        """Return the current viewer time, timezone-aware."""
        if self._start is None:
            base = utc_now()
        elif not self._running:
            base = self._start
        else:
            base = self._start + timedelta(seconds=time.monotonic() - self._started)
        return base + self.offset

    def step(self, delta: timedelta) -> None:
        """Move the clock by `delta` (negative: back)."""
        self.offset += delta

    def reset(self) -> None:
        """Go back to the real time, or to the start time when one was given."""
        self.offset = timedelta()
        self._started = time.monotonic()
