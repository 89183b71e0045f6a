"""The side menu: buttons for every scene and for the current scene's viewpoints."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from direct.gui.DirectGui import DGG, DirectButton, DirectFrame, DirectLabel
from panda3d.core import NodePath, TextFont, TextNode

__all__ = ["MenuEntry", "SideMenu"]

logger = logging.getLogger(__name__)

MenuEntry = tuple[str, Callable[[], None], bool]
"""A button: label, action, and whether it is the current scene or viewpoint."""

_WIDTH = 0.62  # aspect2d units
_SCALE = 0.04
_ROW = _SCALE * 1.9
_MAX_LABEL = 26  # characters


def _shorten(text: str) -> str:
    return text if len(text) <= _MAX_LABEL else text[: _MAX_LABEL - 1] + "…"


class SideMenu:
    """A column of buttons at the left edge; rebuilt when the scene changes."""

    def __init__(self, parent: NodePath, font: TextFont) -> None:
        self._parent = parent
        self._font = font
        self._frame: DirectFrame | None = None
        self.visible = True

    def rebuild(self, sections: Sequence[tuple[str, Sequence[MenuEntry]]]) -> None:
        """Show `sections`: each is a heading and its buttons."""
        self.destroy()
        rows = sum(1 + len(entries) for _, entries in sections)
        height = rows * _ROW + 0.08
        frame = DirectFrame(parent=self._parent, frameColor=(0.06, 0.07, 0.1, 0.75),
                            frameSize=(0, _WIDTH, -height, 0), pos=(0.03, 0, -0.15),
                            state=DGG.NORMAL)
        row = -0.05 - _SCALE
        for heading, entries in sections:
            DirectLabel(parent=frame, text=heading, text_font=self._font,
                        text_scale=_SCALE, text_fg=(1, 0.85, 0.5, 1),
                        text_align=TextNode.A_left, frameColor=(0, 0, 0, 0),
                        pos=(0.04, 0, row))
            row -= _ROW
            for label, action, current in entries:
                self._button(frame, label, action, current, row)
                row -= _ROW
        self._frame = frame
        if not self.visible:
            frame.hide()

    def _button(self, frame: DirectFrame, label: str, action: Callable[[], None],
                current: bool, row: float) -> None:
        DirectButton(
            parent=frame, text=_shorten(label), text_font=self._font,
            text_scale=_SCALE, text_align=TextNode.A_left,
            text_fg=(1, 1, 1, 1) if current else (0.8, 0.85, 0.95, 1),
            frameColor=(0.2, 0.45, 0.85, 0.9) if current else (0.15, 0.17, 0.22, 0.9),
            frameSize=(-0.02, _WIDTH - 0.1, -0.018, _SCALE),
            relief=DGG.FLAT, pos=(0.05, 0, row), command=action,
        )

    def toggle(self) -> bool:
        """Show or hide the menu; return True when it is now shown."""
        self.visible = not self.visible
        if self._frame is not None:
            if self.visible:
                self._frame.show()
            else:
                self._frame.hide()
        return self.visible

    def destroy(self) -> None:
        """Remove the menu's widgets."""
        if self._frame is not None:
            self._frame.destroy()
            self._frame = None
