"""Designer mode: the scene point under the cursor, and YAML snippets to place things.

While designer mode is on, the viewer casts a ray through the cursor into
the scene's visible geometry each time the cursor or the camera moves. It
marks the surface point with a crosshair, shows its coordinates and
normal, and copies hotspot and viewpoint snippets (see `snippets`).
`Controls` binds the keys; snapshots turn the mode off.
"""

from __future__ import annotations

import logging
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from direct.gui.DirectGui import DirectFrame
from direct.gui.OnscreenText import OnscreenText
from panda3d.core import (
    LineSegs,
    LPoint3,
    LQuaternion,
    LVector3,
    NodePath,
    TextFont,
    TextNode,
    lookAt,
)

from .markers import pixel_to_film
from .picking import Engine, SurfaceHit, SurfacePicker
from .snippets import (
    HOTSPOT_OFFSET,
    append_snippet,
    copy_to_clipboard,
    hotspot_snippet,
    next_id,
    viewpoint_snippet,
    yaml_vector,
)

if TYPE_CHECKING:
    from .viewer import Viewer

__all__ = ["Designer", "CROSSHAIR_RADIUS_PX"]

logger = logging.getLogger(__name__)

CROSSHAIR_RADIUS_PX = 12.0
"""Radius of the crosshair ring on screen, in pixels."""

_CROSSHAIR_COLOR = (1.0, 0.85, 0.1, 1.0)
_CROSSHAIR_SEGMENTS = 32
_PANEL_WIDTH = 1.1  # aspect2d units
_PANEL_MARGIN = 0.04
_PANEL_SCALE = 0.04
_PANEL_LINE = 1.2  # line height in text units, as Panda3D's default font spacing
_PANEL_COLOR = (0.05, 0.06, 0.08, 0.85)

Pixel = tuple[float, float]


def _crosshair(root: NodePath) -> tuple[NodePath, NodePath]:
    """Build the crosshair under `root`; return it and its ring, to scale.

    The ring and cross lie in the local XZ plane, so local +Y is the
    surface normal. A stem of `HOTSPOT_OFFSET` metres along +Y ends where a
    copied hotspot would float.
    """
    holder = root.attach_new_node("designer-crosshair")
    ring = LineSegs("ring")
    ring.set_thickness(2)
    ring.set_color(*_CROSSHAIR_COLOR)
    for index in range(_CROSSHAIR_SEGMENTS + 1):
        angle = 2 * math.pi * index / _CROSSHAIR_SEGMENTS
        point = (math.cos(angle), 0, math.sin(angle))
        if index == 0:
            ring.move_to(*point)
        else:
            ring.draw_to(*point)
    for sign in (-1, 1):
        ring.move_to(sign * 0.4, 0, 0)
        ring.draw_to(sign * 1.6, 0, 0)
        ring.move_to(0, 0, sign * 0.4)
        ring.draw_to(0, 0, sign * 1.6)
    ring_path = holder.attach_new_node(ring.create())

    stem = LineSegs("stem")
    stem.set_thickness(2)
    stem.set_color(*_CROSSHAIR_COLOR)
    stem.move_to(0, 0, 0)
    stem.draw_to(0, HOTSPOT_OFFSET, 0)
    holder.attach_new_node(stem.create())

    holder.set_light_off(1)
    holder.set_depth_test(False)
    holder.set_depth_write(False)
    holder.set_bin("fixed", 1000)  # after the marker labels
    holder.hide()
    return holder, ring_path


def _surface_rotation(normal: LVector3) -> LQuaternion:
    """Return the rotation whose +Y is `normal`, keeping +Z up where it can."""
    up = LVector3(0, 0, 1) if abs(normal.z) < 0.99 else LVector3(0, 1, 0)
    rotation = LQuaternion()
    lookAt(rotation, normal, up)
    return rotation


class _DesignerPanel:
    """The text block at the bottom right: keys, the point line and the last snippet."""

    def __init__(self, parent: NodePath, font: TextFont) -> None:
        self._frame = DirectFrame(parent=parent, frameColor=_PANEL_COLOR,
                                  frameSize=(-_PANEL_WIDTH, 0, 0, 0.2),
                                  pos=(-0.03, 0, 0.03))
        self._text = OnscreenText(
            parent=self._frame, text="", scale=_PANEL_SCALE,
            pos=(-_PANEL_WIDTH + _PANEL_MARGIN, 0), align=TextNode.A_left,
            fg=(1, 1, 1, 1), font=font, mayChange=True,
            wordwrap=(_PANEL_WIDTH - 2 * _PANEL_MARGIN) / _PANEL_SCALE,
        )
        self._frame.hide()

    @property
    def text(self) -> str:
        """The whole text as shown."""
        return str(self._text.text)

    def set_lines(self, lines: Sequence[str]) -> None:
        """Show `lines`, growing the frame upwards from the bottom edge."""
        text = "\n".join(lines)
        if text == self._text.text:
            return
        self._text.setText(text)
        rows = max(self._text.textNode.get_num_rows(), 1)
        height = rows * _PANEL_SCALE * _PANEL_LINE + 2 * _PANEL_MARGIN
        self._frame["frameSize"] = (-_PANEL_WIDTH, 0, 0, height)
        self._text.setPos(-_PANEL_WIDTH + _PANEL_MARGIN,
                          height - _PANEL_MARGIN - _PANEL_SCALE)

    def show(self) -> None:
        self._frame.show()

    def hide(self) -> None:
        self._frame.hide()

    def destroy(self) -> None:
        self._frame.destroy()


class Designer:
    """Designer mode of one `Viewer`: picking, the crosshair, snippets and their panel.

    `surface_at`, and the copy actions given a pixel, work whether the mode
    is on or off. `hover` and `update` pick only while it is on.
    `snippets_file` is a file that each copied snippet is appended to.
    """

    def __init__(self, viewer: Viewer, snippets_file: Path | None = None) -> None:
        self.viewer = viewer
        self.snippets_file = snippets_file
        self.active = False
        self.hit: SurfaceHit | None = None
        self.last_snippet: str | None = None
        self._pixel: Pixel | None = None
        self._view_key: tuple[object, ...] | None = None
        self.engine: Engine | None = None
        """The picking engine; None picks Bullet when it is installed."""
        self._pickers: dict[str, SurfacePicker] = {}
        self._copied: dict[str, set[str]] = {}  # ids copied, by scene
        self._result_lines: list[str] = []
        base = viewer.stage.base
        self._crosshair, self._ring = _crosshair(viewer.stage.overlay_root)
        self._panel = _DesignerPanel(base.a2dBottomRight, viewer.fonts.main)

    # -- the mode -----------------------------------------------------------------

    def toggle(self) -> bool:
        """Turn designer mode on or off; return True when it is now on."""
        self.set_active(not self.active)
        return self.active

    def set_active(self, active: bool) -> None:
        """Turn designer mode on or off, showing or hiding its crosshair and panel."""
        if active == self.active:
            return
        self.active = active
        self._view_key = None
        if active:
            self._panel.show()
            self.update()
        else:
            self.hit = None
            self._crosshair.hide()
            self._panel.hide()
        logger.info("designer mode %s", "on" if active else "off")
        self.viewer.refresh_hud()

    @property
    def hud_text(self) -> str:
        """The line with the point and normal under the cursor, as in the panel."""
        hit = self.hit
        if hit is None:
            return self.viewer.ui("designer_no_surface")
        return self.viewer.ui("designer_point", point=yaml_vector(hit.point),
                              normal=yaml_vector(hit.normal), owner=hit.owner)

    @property
    def panel_text(self) -> str:
        """Everything the designer panel shows."""
        return self._panel.text

    # -- picking ------------------------------------------------------------------

    def _picker(self) -> SurfacePicker | None:
        """Return the current scene's picker, building it on first use."""
        loaded = self.viewer.current
        if loaded is None:
            return None
        picker = self._pickers.get(loaded.info.id)
        if picker is None or picker.model != loaded.model:
            if picker is not None:
                picker.destroy()
            picker = SurfacePicker(loaded.model, self.engine)
            self._pickers[loaded.info.id] = picker
        return picker

    def _ray(self, pixel: Pixel, model: NodePath) -> tuple[LPoint3, LPoint3] | None:
        """Return the camera ray through `pixel`, from the near to the far plane."""
        base = self.viewer.stage.base
        near, far = LPoint3(), LPoint3()
        film = pixel_to_film(pixel, self.viewer.stage.size)
        if not base.camLens.extrude(film, near, far):
            return None
        return (model.get_relative_point(base.cam, near),
                model.get_relative_point(base.cam, far))

    def surface_at(self, pixel: Pixel) -> SurfaceHit | None:
        """Return the visible surface under `pixel` (x right, y down), or None."""
        picker = self._picker()
        if picker is None:
            return None
        ray = self._ray(pixel, picker.model)
        if ray is None:
            return None
        return picker.cast(*ray)

    def set_cursor(self, pixel: Pixel | None) -> None:
        """Store the cursor's pixel (None: outside the window) for the next `update`."""
        self._pixel = pixel

    def hover(self, pixel: Pixel | None) -> SurfaceHit | None:
        """Move the cursor to `pixel` and pick at once; return the hit."""
        self.set_cursor(pixel)
        self.update()
        return self.hit

    def update(self) -> None:
        """Pick again when the cursor, the camera or the scene changed (per frame)."""
        if not self.active:
            return
        base = self.viewer.stage.base
        loaded = self.viewer.current
        key = (self._pixel, tuple(base.cam.get_mat(base.render)),
               tuple(base.camLens.get_fov()), self.viewer.stage.size,
               None if loaded is None else id(loaded))
        if key == self._view_key:
            return
        self._view_key = key
        self.hit = None if self._pixel is None else self.surface_at(self._pixel)
        self._place_crosshair()
        self._show_panel()

    def _place_crosshair(self) -> None:
        hit = self.hit
        if hit is None:
            self._crosshair.hide()
            return
        base = self.viewer.stage.base
        point = LPoint3(*hit.point)
        self._crosshair.set_pos_quat(point, _surface_rotation(LVector3(*hit.normal)))
        depth = base.cam.get_relative_point(base.render, point).y
        tan_half = math.tan(math.radians(base.camLens.get_fov()[1]) / 2)
        metres_per_pixel = 2.0 * tan_half * max(depth, 0.0) / max(
            self.viewer.stage.size[1], 1)
        self._ring.set_scale(max(CROSSHAIR_RADIUS_PX * metres_per_pixel, 1e-4))
        self._crosshair.show()

    def _show_panel(self) -> None:
        ui = self.viewer.ui
        lines = [ui("designer_title"), ui("designer_hotspot_key"),
                 ui("designer_viewpoint_key"), self.hud_text]
        if self._result_lines:
            lines.append("")
            lines.extend(self._result_lines)
        self._panel.set_lines(lines)

    # -- snippets -----------------------------------------------------------------

    def _taken_ids(self, kind: str) -> set[str]:
        scene = self.viewer.scene
        own = scene.hotspots if kind == "hotspots" else scene.viewpoints
        return {item.id for item in own} | self._copied.setdefault(
            f"{scene.id}/{kind}", set())

    def copy_hotspot(self, pixel: Pixel | None = None) -> str | None:
        """Copy a hotspot snippet for the surface under `pixel` (default: the cursor).

        Returns the snippet, or None when no surface is there.
        """
        pixel = pixel if pixel is not None else self._pixel
        hit = None if pixel is None else self.surface_at(pixel)
        if hit is None:
            self._result_lines = [self.viewer.ui("designer_no_surface")]
            self._show_panel()
            return None
        hotspot_id = next_id("new-hotspot", self._taken_ids("hotspots"))
        snippet = hotspot_snippet(hotspot_id, hit.point, hit.normal,
                                  self.viewer.bundle.venue.languages)
        self._deliver(snippet, "hotspots", hotspot_id)
        return snippet

    def copy_viewpoint(self, pixel: Pixel | None = None) -> str:
        """Copy a viewpoint snippet: the camera's position, looking at the cursor.

        Without a surface under the cursor, the viewpoint looks at the point
        on the cursor's ray (or straight ahead) at the orbit distance.
        Returns the snippet.
        """
        base = self.viewer.stage.base
        eye = base.cam.get_pos(base.render)
        pixel = pixel if pixel is not None else self._pixel
        hit = None if pixel is None else self.surface_at(pixel)
        if hit is not None:
            target = LPoint3(*hit.point)
        else:
            target = self._point_ahead(pixel)
        viewpoint_id = next_id("new-viewpoint", self._taken_ids("viewpoints"))
        snippet = viewpoint_snippet(viewpoint_id, eye, target,
                                    self.viewer.bundle.venue.languages,
                                    fov=base.camLens.get_fov()[1])
        self._deliver(snippet, "viewpoints", viewpoint_id)
        return snippet

    def _point_ahead(self, pixel: Pixel | None) -> LPoint3:
        """Return the point at the orbit distance along the cursor's ray or the view."""
        base = self.viewer.stage.base
        eye = base.cam.get_pos(base.render)
        direction = base.cam.get_quat(base.render).get_forward()
        if pixel is not None:
            ray = self._ray(pixel, base.render)
            if ray is not None:
                direction = LVector3(ray[1] - ray[0])
        direction.normalize()
        return eye + direction * self.viewer.rig.distance

    def _deliver(self, snippet: str, kind: str, ident: str) -> None:
        """Copy `snippet` to the clipboard, stdout, the panel and the snippets file."""
        scene_id = self.viewer.scene.id
        self._copied.setdefault(f"{scene_id}/{kind}", set()).add(ident)
        self.last_snippet = snippet
        tool = copy_to_clipboard(snippet)
        sys.stdout.write(f"# scene {scene_id}, under {kind}:\n{snippet}\n")
        sys.stdout.flush()
        ui = self.viewer.ui
        lines = [ui("designer_copied", tool=tool) if tool else ui("designer_printed"),
                 *snippet.rstrip("\n").split("\n")]
        if self.snippets_file is not None:
            try:
                append_snippet(self.snippets_file, snippet, scene_id, kind)
            except OSError as error:
                logger.warning("could not append the snippet to %s: %s",
                               self.snippets_file, error)
                lines.append(ui("designer_append_failed", path=str(self.snippets_file),
                                error=str(error)))
            else:
                lines.append(ui("designer_appended", path=str(self.snippets_file)))
        logger.info("copied %s of scene %s (under %s)%s", ident, scene_id, kind,
                    f" to the clipboard with {tool}" if tool else
                    "; no clipboard tool found, printed it to stdout")
        self._result_lines = lines
        self._show_panel()

    # -- lifetime -----------------------------------------------------------------

    def forget_scenes(self) -> None:
        """Drop the picking data of every scene, such as after a reload."""
        for picker in self._pickers.values():
            picker.destroy()
        self._pickers.clear()
        self._view_key = None

    def destroy(self) -> None:
        """Remove the crosshair, the panel and the picking data."""
        self.forget_scenes()
        self._crosshair.remove_node()
        self._panel.destroy()
