"""Keyboard and mouse bindings of the viewer window (docs/viewer.md lists them)."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import timedelta

from direct.showbase.DirectObject import DirectObject
from direct.task.Task import Task
from panda3d.core import ButtonHandle, KeyboardButton, LPoint2, MouseButton

from .markers import film_to_pixel
from .viewer import Viewer

__all__ = ["Controls", "CLICK_TOLERANCE_PX"]

logger = logging.getLogger(__name__)

CLICK_TOLERANCE_PX = 5.0  # a press that moves less than this is a click
ORBIT_DEGREES_PER_PX = 0.25
LOOK_DEGREES_PER_PX = 0.15
KEY_TURN_DEGREES_PER_S = 70.0
ZOOM_STEP = 0.85  # distance factor per wheel notch
KEY_ZOOM_RATE = 1.2  # W/S in orbit mode: distance x e^(-rate) per second
RUN_FACTOR = 3.0
CLOCK_STEPS = {"[": timedelta(hours=-1), "]": timedelta(hours=1),
               "{": timedelta(days=-1), "}": timedelta(days=1)}
"""How far each clock key moves the viewer's clock."""
_TASK_SORT = 40  # before the viewer's frame hooks (45)


@dataclass
class _Drag:
    button: str  # "left" or "right"
    start: tuple[float, float]
    last: tuple[float, float]
    moved: bool = False


def _key(name: str) -> ButtonHandle:
    return KeyboardButton.ascii_key(name)


class Controls(DirectObject):
    """Binds the window's keys and mouse to a `Viewer`."""

    def __init__(self, viewer: Viewer) -> None:
        super().__init__()
        self.viewer = viewer
        self.base = viewer.stage.base
        self._drag: _Drag | None = None
        self._bind()
        self.base.taskMgr.add(self._poll, "viewer-controls", sort=_TASK_SORT)

    def _bind(self) -> None:
        viewer = self.viewer
        self.accept("mouse1", self._press, ["left"])
        self.accept("mouse1-up", self._release, ["left"])
        self.accept("mouse3", self._press, ["right"])
        self.accept("mouse3-up", self._release, ["right"])
        self.accept("wheel_up", self._zoom, [ZOOM_STEP])
        self.accept("wheel_down", self._zoom, [1 / ZOOM_STEP])
        # "+" arrives as "shift-=" on keyboards where it shares the "=" key.
        for key in ("=", "+", "shift-="):
            self.accept(key, self._zoom, [ZOOM_STEP])
        self.accept("-", self._zoom, [1 / ZOOM_STEP])
        self.accept("tab", self._toggle_mode)
        for number in range(1, 10):
            self.accept(str(number), viewer.viewpoint_by_number, [number])
        self.accept("page_up", viewer.step_scene, [-1])
        self.accept("page_down", viewer.step_scene, [1])
        self.accept("m", viewer.menu.toggle)
        self.accept("t", self._toggle_tour)
        self.accept("enter", viewer.press_primary)
        self.accept("escape", viewer.escape)
        self.accept("h", viewer.hud.toggle_help)
        self.accept("f1", viewer.hud.toggle_help)
        self.accept("f12", self._screenshot)
        self.accept("p", viewer.designer.toggle)
        self.accept("f2", viewer.designer.toggle)
        self.accept("c", self._copy_hotspot)
        self.accept("v", self._copy_viewpoint)

        # "{" and "}" arrive as "shift-[" and "shift-]" where they share a key.
        for key, delta in CLOCK_STEPS.items():
            self.accept(key, viewer.step_clock, [delta])
        self.accept("shift-[", viewer.step_clock, [CLOCK_STEPS["{"]])
        self.accept("shift-]", viewer.step_clock, [CLOCK_STEPS["}"]])
        self.accept("\\", viewer.reset_clock)
        self.accept("q", self.base.userExit)

    # -- mouse ------------------------------------------------------------------

    def _mouse_pixel(self) -> tuple[float, float] | None:
        watcher = self.base.mouseWatcherNode
        if not watcher.has_mouse():
            return None
        mouse = watcher.get_mouse()
        return film_to_pixel(LPoint2(mouse.x, mouse.y), self.viewer.stage.size)

    def _press(self, button: str) -> None:
        pixel = self._mouse_pixel()
        if pixel is None or self.base.mouseWatcherNode.is_over_region():
            return  # a press on a panel or menu belongs to DirectGui
        self._drag = _Drag(button, pixel, pixel)

    def _release(self, button: str) -> None:
        drag = self._drag
        if drag is None or drag.button != button:
            return
        self._drag = None
        if button == "left" and not drag.moved and self.viewer.designer.active:
            self.viewer.designer.copy_hotspot(drag.start)
        elif button == "left" and not drag.moved:
            hotspot_id = self.viewer.click(drag.start)
            logger.debug("click at %s picked %s", drag.start, hotspot_id)

    def _drag_by(self, drag: _Drag, dx: float, dy: float) -> None:
        rig = self.viewer.rig
        if drag.button == "left" and rig.mode == "orbit":
            rig.orbit(-dx * ORBIT_DEGREES_PER_PX, -dy * ORBIT_DEGREES_PER_PX)
        elif drag.button == "left":
            rig.look(-dx * LOOK_DEGREES_PER_PX, -dy * LOOK_DEGREES_PER_PX)
        elif rig.mode == "orbit":
            height = self.viewer.stage.size[1]
            fov = self.base.camLens.get_fov()[1]
            per_px = 2 * rig.distance * math.tan(math.radians(fov) / 2) / height
            rig.pan(-dx * per_px, dy * per_px)

    def _zoom(self, factor: float) -> None:
        if self.viewer.rig.mode == "orbit":
            self.viewer.tours.stop()
            self.viewer.rig.zoom(factor)

    # -- keys -------------------------------------------------------------------

    def _toggle_mode(self) -> None:
        self.viewer.tours.stop()
        self.viewer.rig.toggle_mode()
        self.viewer.refresh_hud()

    def _toggle_tour(self) -> None:
        self.viewer.toggle_tour()
        self.viewer.refresh_hud()

    def _copy_hotspot(self) -> None:
        if self.viewer.designer.active:
            self.viewer.designer.copy_hotspot()

    def _copy_viewpoint(self) -> None:
        if self.viewer.designer.active:
            self.viewer.designer.copy_viewpoint()

    def _screenshot(self) -> None:
        path = self.base.screenshot(namePrefix="venue-screenshot")
        logger.info("saved screenshot %s", path)

    def _axis(self, positive: tuple[ButtonHandle, ...],
              negative: tuple[ButtonHandle, ...]) -> float:
        watcher = self.base.mouseWatcherNode
        value = 0.0
        if any(watcher.is_button_down(button) for button in positive):
            value += 1.0
        if any(watcher.is_button_down(button) for button in negative):
            value -= 1.0
        return value

    def _poll(self, task: Task) -> int:
        dt = self.base.clock.get_dt()
        self._poll_drag()
        if self.viewer.designer.active:
            self.viewer.designer.set_cursor(self._mouse_pixel())
        forward = self._axis((_key("w"), KeyboardButton.up()),
                             (_key("s"), KeyboardButton.down()))
        right = self._axis((_key("d"), KeyboardButton.right()),
                           (_key("a"), KeyboardButton.left()))
        if forward or right:
            self._move(forward, right, dt)
        return int(task.cont)

    def _poll_drag(self) -> None:
        drag = self._drag
        pixel = self._mouse_pixel()
        if drag is None or pixel is None:
            return
        watcher = self.base.mouseWatcherNode
        left = drag.button == "left"
        mouse_button = MouseButton.one() if left else MouseButton.three()
        if not watcher.is_button_down(mouse_button):
            self._drag = None
            return
        if not drag.moved:
            distance = math.dist(pixel, drag.start)
            drag.moved = distance >= CLICK_TOLERANCE_PX
            if not drag.moved:
                return
            self.viewer.tours.stop()
        self._drag_by(drag, pixel[0] - drag.last[0], pixel[1] - drag.last[1])
        drag.last = pixel

    def _move(self, forward: float, right: float, dt: float) -> None:
        rig = self.viewer.rig
        self.viewer.tours.stop()
        if rig.mode == "walk":
            running = self.base.mouseWatcherNode.is_button_down(KeyboardButton.shift())
            speed_factor = RUN_FACTOR if running else 1.0
            rig.walk(forward, right, dt, speed=3.0 * speed_factor)
        else:
            if right:
                rig.orbit(-right * KEY_TURN_DEGREES_PER_S * dt, 0.0)
            if forward:
                rig.zoom(math.exp(-forward * KEY_ZOOM_RATE * dt))

    def destroy(self) -> None:
        """Remove every binding and the polling task."""
        self.ignoreAll()
        self.base.taskMgr.remove("viewer-controls")
