"""Progress lines for long commands, shown only on a terminal.

A progress line is rewritten in place on stderr and cleared when the step
ends, so it never mixes with the log lines or the output. When stderr is not
a terminal (a script, a pipe, CI), or with -q or --json, nothing is shown.
"""

from __future__ import annotations

import sys
from typing import TextIO

__all__ = ["ProgressLine"]


class ProgressLine:
    """One status line on stderr that each `show` replaces."""

    def __init__(self, enabled: bool, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled and self.stream.isatty()
        self._shown = False

    def show(self, text: str) -> None:
        """Replace the status line with `text`, cut to 79 characters."""
        if not self.enabled:
            return
        self.stream.write("\r\033[K" + text[:79])
        self.stream.flush()
        self._shown = True

    def scene(self, index: int, total: int, scene_id: str) -> None:
        """Show a build step; matches `toolkit.bundle.Progress`."""
        self.show(f"[{index}/{total}] building scene {scene_id}")

    def clear(self) -> None:
        """Remove the status line, if one is shown."""
        if self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._shown = False
