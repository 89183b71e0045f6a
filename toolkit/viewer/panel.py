"""The hotspot panel: a DirectGui frame with title, description and buttons."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from direct.gui.DirectGui import DGG, DirectButton, DirectFrame, DirectLabel
from panda3d.core import NodePath, TextFont, TextNode

__all__ = ["PanelButton", "PanelContent", "HotspotPanel"]

logger = logging.getLogger(__name__)

_WIDTH = 0.95  # aspect2d units
_HEIGHT = 1.25
_MARGIN = 0.05
_TEXT_WIDTH = _WIDTH - 2 * _MARGIN
_TITLE_SCALE = 0.06
_BODY_SCALE = 0.042
_MAX_DESCRIPTION = 420  # characters; longer text is cut with an ellipsis
_PANEL_COLOR = (0.08, 0.09, 0.12, 0.9)
_BUTTON_COLOR = (0.20, 0.45, 0.85, 1.0)
_CLOSE_COLOR = (0.30, 0.31, 0.35, 1.0)


@dataclass(frozen=True)
class PanelButton:
    """A labelled action at the bottom of the panel."""

    label: str
    action: Callable[[], object]


@dataclass(frozen=True)
class PanelContent:
    """The panel's content for one hotspot."""

    hotspot_id: str
    title: str
    description: str
    details: Sequence[str]
    buttons: Sequence[PanelButton]


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class HotspotPanel:
    """One panel at the right of the window; `show` replaces its content."""

    def __init__(self, parent: NodePath, font: TextFont, close_label: str,
                 on_close: Callable[[], None] | None = None) -> None:
        self._parent = parent
        self._font = font
        self._close_label = close_label
        self._on_close = on_close
        self._frame: DirectFrame | None = None
        self.content: PanelContent | None = None

    @property
    def is_open(self) -> bool:
        """True while the panel is shown."""
        return self._frame is not None

    def show(self, content: PanelContent) -> None:
        """Show `content`, replacing what the panel showed before."""
        self._destroy_frame()
        self.content = content
        frame = DirectFrame(
            parent=self._parent,
            frameColor=_PANEL_COLOR,
            frameSize=(-_WIDTH, 0, -_HEIGHT, 0),
            pos=(-_MARGIN, 0, -0.16),
            state=DGG.NORMAL,  # swallows clicks so they do not reach the scene
        )
        self._frame = frame
        top = -_MARGIN - _TITLE_SCALE
        top = self._text(frame, content.title, top, _TITLE_SCALE, (1, 1, 1, 1))
        for line in content.details:
            top = self._text(frame, line, top - 0.02, _BODY_SCALE, (1, 0.85, 0.5, 1))
        description = _shorten(content.description, _MAX_DESCRIPTION)
        if description:
            self._text(frame, description, top - 0.03, _BODY_SCALE, (0.9, 0.9, 0.9, 1))
        self._buttons(frame, content.buttons)
        logger.debug("panel shows hotspot %s", content.hotspot_id)

    def _text(self, frame: DirectFrame, text: str, top: float, scale: float,
              color: tuple[float, float, float, float]) -> float:
        """Add wrapped text with its first baseline at `top`; return the next top."""
        label = DirectLabel(
            parent=frame,
            text=text,
            text_font=self._font,
            text_scale=scale,
            text_align=TextNode.A_left,
            text_wordwrap=_TEXT_WIDTH / scale,
            text_fg=color,
            frameColor=(0, 0, 0, 0),
            pos=(-_WIDTH + _MARGIN, 0, top),
        )
        lines = max(label.component("text0").textNode.get_num_rows(), 1)
        return top - lines * scale * 1.25

    def _buttons(self, frame: DirectFrame, buttons: Sequence[PanelButton]) -> None:
        row = -_HEIGHT + _MARGIN + 0.03
        entries = [*buttons, PanelButton(self._close_label, self.close)]
        for index, button in enumerate(reversed(entries)):
            is_close = index == 0
            DirectButton(
                parent=frame,
                text=button.label,
                text_font=self._font,
                text_scale=_BODY_SCALE,
                text_fg=(1, 1, 1, 1),
                frameColor=_CLOSE_COLOR if is_close else _BUTTON_COLOR,
                pad=(0.03, 0.02),
                relief=DGG.FLAT,
                pos=(-_WIDTH + _MARGIN, 0, row),
                text_align=TextNode.A_left,
                command=button.action,
            )
            row += _BODY_SCALE * 2.2

    def press(self, label: str) -> None:
        """Run the action of the button labelled `label`, as a click would."""
        if self.content is None:
            raise LookupError("the panel is closed")
        for button in self.content.buttons:
            if button.label == label:
                button.action()
                return
        if label == self._close_label:
            self.close()
            return
        raise LookupError(f"no panel button {label!r}")

    def close(self) -> None:
        """Hide the panel."""
        was_open = self.is_open
        self._destroy_frame()
        self.content = None
        if was_open and self._on_close is not None:
            self._on_close()

    def _destroy_frame(self) -> None:
        if self._frame is not None:
            self._frame.destroy()
            self._frame = None
