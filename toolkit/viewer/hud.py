"""Heads-up display: the status line, the tour caption and the help overlay."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from direct.gui.DirectGui import DirectFrame
from direct.gui.OnscreenText import OnscreenText
from panda3d.core import NodePath, TextFont, TextNode

__all__ = ["KEY_HELP", "Hud"]

logger = logging.getLogger(__name__)

KEY_HELP: Sequence[tuple[str, str]] = (
    ("Left-drag", "orbit around the target (walk mode: look around)"),
    ("Right-drag", "pan (orbit mode)"),
    ("Wheel / + -", "zoom in and out (orbit mode)"),
    ("W A S D / arrows", "walk: move (Shift runs); orbit: A D turn, W S zoom"),
    ("Tab", "switch between orbit and walk mode"),
    ("Click a marker", "open the hotspot's panel"),
    ("1 - 9", "jump to a viewpoint of this scene"),
    ("PgUp / PgDn", "previous / next scene"),
    ("M", "show or hide the scene and viewpoint menu"),
    ("T", "start or stop the scene's guided tour"),
    ("Enter", "run the open panel's first action"),
    ("Esc", "close the panel, stop the tour, close this help"),
    ("H / F1", "show or hide this help"),
    ("[ / ]", "clock: one hour back / forward"),
    ("{ / }", "clock: one day back / forward"),
    ("\\", "clock: back to now, or to the --at time"),
    ("P / F2", "designer mode: show the point under the cursor"),
    ("C / click", "designer mode: copy a hotspot snippet for that point"),
    ("V", "designer mode: copy a viewpoint snippet looking at it"),
    ("F12", "save a screenshot"),
    ("Q", "quit"),
)
"""Every key and mouse binding of the window, for the help overlay."""

_LEGEND = (
    "Markers: blue = scene, green = viewpoint, purple = link,",
    "amber = upcoming session, red = live, teal = replay, grey = ended",
)
_HUD_SCALE = 0.045
_CAPTION_SCALE = 0.055
_HELP_SCALE = 0.042


class Hud:
    """The status line (top left), the caption (bottom) and the help overlay."""

    def __init__(self, top_left: NodePath, bottom: NodePath, center: NodePath,
                 font: TextFont) -> None:
        self._font = font
        self._center = center
        self._status = OnscreenText(
            parent=top_left, text="", pos=(0.05, -0.08), scale=_HUD_SCALE,
            align=TextNode.A_left, fg=(1, 1, 1, 1), bg=(0, 0, 0, 0.45),
            font=font, mayChange=True,
        )
        self._caption = OnscreenText(
            parent=bottom, text="", pos=(0, 0.12), scale=_CAPTION_SCALE,
            align=TextNode.A_center, fg=(1, 1, 1, 1), bg=(0, 0, 0, 0.6),
            font=font, mayChange=True, wordwrap=30,
        )
        self._help: DirectFrame | None = None

    @property
    def status_text(self) -> str:
        """The status line as shown."""
        return str(self._status.text)

    @property
    def caption_text(self) -> str:
        """The caption as shown; empty when none."""
        return str(self._caption.text)

    @property
    def help_visible(self) -> bool:
        """True while the help overlay is shown."""
        return self._help is not None

    def set_status(self, text: str) -> None:
        """Replace the status line."""
        if text != self._status.text:
            self._status.setText(text)

    def set_caption(self, text: str) -> None:
        """Show `text` as the tour caption; an empty text hides it."""
        self._caption.setText(text)
        if text:
            self._caption.show()
        else:
            self._caption.hide()

    def toggle_help(self) -> bool:
        """Show or hide the help overlay; return True when it is now shown."""
        if self._help is not None:
            self.hide_help()
            return False
        self._help = self._build_help()
        return True

    def hide_help(self) -> None:
        """Hide the help overlay."""
        if self._help is not None:
            self._help.destroy()
            self._help = None

    def _build_help(self) -> DirectFrame:
        rows = len(KEY_HELP) + len(_LEGEND) + 2
        height = rows * _HELP_SCALE * 1.35 + 0.1
        frame = DirectFrame(parent=self._center, frameColor=(0.05, 0.06, 0.08, 0.88),
                            frameSize=(-1.05, 1.05, -height / 2, height / 2))
        top = height / 2 - 0.05 - _HELP_SCALE
        OnscreenText(parent=frame, text="Keys and mouse", pos=(-0.98, top),
                     scale=_HELP_SCALE * 1.2, align=TextNode.A_left,
                     fg=(1, 0.85, 0.5, 1), font=self._font)
        for index, (key, meaning) in enumerate(KEY_HELP, start=2):
            y = top - index * _HELP_SCALE * 1.35
            OnscreenText(parent=frame, text=key, pos=(-0.98, y), scale=_HELP_SCALE,
                         align=TextNode.A_left, fg=(1, 1, 1, 1), font=self._font)
            OnscreenText(parent=frame, text=meaning, pos=(-0.42, y),
                         scale=_HELP_SCALE, align=TextNode.A_left,
                         fg=(0.85, 0.85, 0.85, 1), font=self._font)
        for index, line in enumerate(_LEGEND, start=len(KEY_HELP) + 2):
            y = top - (index + 0.3) * _HELP_SCALE * 1.35
            OnscreenText(parent=frame, text=line, pos=(-0.98, y), scale=_HELP_SCALE,
                         align=TextNode.A_left, fg=(0.7, 0.8, 1, 1), font=self._font)
        return frame

    def destroy(self) -> None:
        """Remove every HUD element."""
        self.hide_help()
        self._status.destroy()
        self._caption.destroy()
