"""The problem overlay of `venue view --watch`: each build problem with its source line.

The rows come from `toolkit.serve.problem_report`, as in the web preview.
Each problem shows as `file:line:col: message`, then the offending source
line and a caret under the column. On screen the caret is placed by the
measured width of the text before it, so it stays under the right
character in proportional and CJK fonts too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from direct.gui.DirectGui import DGG, DirectFrame
from direct.gui.OnscreenText import OnscreenText
from panda3d.core import NodePath, TextFont, TextNode

__all__ = ["MAX_SHOWN", "ProblemOverlay", "problem_lines"]

logger = logging.getLogger(__name__)

MAX_SHOWN = 8
"""Problems drawn at most; the log lists every one."""

_SOURCE_CHARS = 100  # characters of a source line shown around the column
_SCALE = 0.042
_ROW = _SCALE * 1.25
_MARGIN = 0.05
_MAX_WIDTH = 1.6  # half width in aspect2d units
_TOP = 0.82  # below the status line
_SORT = 100  # DirectGui sort: above the menu and the hotspot panel
_COLORS = {
    "heading": (1.0, 0.85, 0.5, 1.0),
    "location": (1.0, 0.69, 0.69, 1.0),
    "source": (0.87, 0.87, 0.87, 1.0),
    "caret": (1.0, 0.4, 0.4, 1.0),
}

Report = Sequence[Mapping[str, Any]]


def _source_window(source: str, column: int) -> tuple[str, int]:
    """Cut a long source line around `column`; return the text and the new column."""
    source = source.replace("\t", " ")
    if len(source) <= _SOURCE_CHARS:
        return source, column
    start = max(0, min(column - 1 - _SOURCE_CHARS // 2, len(source) - _SOURCE_CHARS))
    text = source[start:start + _SOURCE_CHARS]
    if start > 0:
        text = "…" + text[1:]
    if start + _SOURCE_CHARS < len(source):
        text = text[:-1] + "…"
    return text, column - start


def _source_rows(problem: Mapping[str, Any]) -> tuple[str, str, int] | None:
    """Return the prefix `LINE | `, the shown source and its caret column, if any."""
    source = problem.get("source")
    if source is None or problem.get("line", 0) <= 0:
        return None
    text, column = _source_window(str(source), int(problem.get("column") or 1))
    return f"{problem['line']} | ", text, max(column, 1)


def _headline(problem: Mapping[str, Any]) -> str:
    location = problem.get("location") or ""
    return f"{location}: {problem['message']}" if location else str(problem["message"])


def problem_lines(report: Report) -> list[str]:
    """Return the overlay as plain text: for each problem, its headline, then the
    source line and a caret line whose spaces count characters (as in a terminal)."""
    lines: list[str] = []
    for problem in report:
        lines.append(_headline(problem))
        rows = _source_rows(problem)
        if rows is not None:
            prefix, source, column = rows
            lines.append(prefix + source)
            lines.append(" " * (len(prefix) + column - 1) + "^")
    return lines


class ProblemOverlay:
    """A panel across the top of the window listing build problems.

    `screen_half_width` returns half the window's width in `parent` units
    (ShowBase's `a2dRight`), read at each `show` because windows resize.
    """

    def __init__(self, parent: NodePath, font: TextFont,
                 screen_half_width: Callable[[], float],
                 ui: Callable[..., str]) -> None:
        self._parent = parent
        self._font = font
        self._screen_half_width = screen_half_width
        self._half_width = _MAX_WIDTH
        self._ui = ui
        self._frame: DirectFrame | None = None
        self.report: list[dict[str, Any]] = []
        self._measure = TextNode("problem-measure")
        self._measure.set_font(font)

    @property
    def visible(self) -> bool:
        """True while the overlay is shown."""
        return self._frame is not None

    @property
    def lines(self) -> list[str]:
        """The problems shown as plain text (see `problem_lines`); empty when hidden."""
        return problem_lines(self.report[:MAX_SHOWN]) if self.visible else []

    def show(self, report: Report) -> None:
        """Show `report`, replacing what the overlay showed."""
        self.hide()
        self.report = [dict(problem) for problem in report]
        self._half_width = min(max(self._screen_half_width() - 0.05, 0.8), _MAX_WIDTH)
        left = -self._half_width + _MARGIN

        # A high sort draws it over the menu and panels; DGG.NORMAL makes it
        # swallow clicks meant for the scene.
        frame = DirectFrame(parent=self._parent, frameColor=(0.08, 0.04, 0.04, 0.96),
                            state=DGG.NORMAL, sortOrder=_SORT)
        y = _TOP - _MARGIN - _SCALE
        y = self._text(frame, self._ui("problems_heading"), left, y, "heading") - 0.02

        for problem in self.report[:MAX_SHOWN]:
            y = self._text(frame, _headline(problem), left, y, "location")
            rows = _source_rows(problem)
            if rows is not None:
                prefix, source, column = rows
                self._text(frame, prefix + source, left, y, "source", wrap=False)
                caret_x = left + _SCALE * self._measure.calc_width(
                    prefix + source[:column - 1])
                y -= _ROW
                self._text(frame, "^", caret_x, y, "caret", wrap=False)
                y -= _ROW
            y -= 0.02

        hidden = len(self.report) - MAX_SHOWN
        if hidden > 0:
            y = self._text(frame, self._ui("problems_more", count=str(hidden)), left, y,
                           "heading")
        frame["frameSize"] = (-self._half_width, self._half_width,
                              y + _SCALE - _MARGIN, _TOP)
        self._frame = frame

    def _text(self, frame: DirectFrame, text: str, x: float, y: float, role: str,
              wrap: bool = True) -> float:
        """Add one text at baseline `y`; return the baseline below its last row."""
        wordwrap = (2 * self._half_width - 2 * _MARGIN) / _SCALE if wrap else None
        label = OnscreenText(parent=frame, text=text, pos=(x, y), scale=_SCALE,
                             align=TextNode.A_left, fg=_COLORS[role], font=self._font,
                             wordwrap=wordwrap)
        return y - max(label.textNode.get_num_rows(), 1) * _ROW

    def hide(self) -> None:
        """Remove the overlay."""
        if self._frame is not None:
            self._frame.destroy()
            self._frame = None

    def destroy(self) -> None:
        """Remove the overlay for good."""
        self.hide()
        self.report = []
