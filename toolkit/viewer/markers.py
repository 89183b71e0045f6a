"""Hotspot markers: billboarded discs with labels, a constant size on screen.

Markers live in the overlay layer (`Stage.overlay_root`), whose coordinates
equal `base.render`'s, so they are drawn over the scene in their exact
colours. Each marker carries a collision sphere for picking with a ray from
the camera lens.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass

from panda3d.core import (
    BitMask32,
    CardMaker,
    CollisionHandlerQueue,
    CollisionNode,
    CollisionRay,
    CollisionSphere,
    CollisionTraverser,
    Geom,
    GeomNode,
    GeomTriangles,
    GeomVertexData,
    GeomVertexFormat,
    GeomVertexWriter,
    LColor,
    Lens,
    LPoint2,
    LPoint3,
    NodePath,
    TextFont,
    TextNode,
    TransparencyAttrib,
)

from .colors import RGB

__all__ = [
    "MARKER_COLORS",
    "RING_COLOR",
    "PICK_MASK",
    "Marker",
    "MarkerLayer",
    "marker_color",
    "film_to_pixel",
    "pixel_to_film",
]

logger = logging.getLogger(__name__)

MARKER_COLORS: dict[str, RGB] = {
    "scene": (0.16, 0.62, 0.96),
    "viewpoint": (0.36, 0.80, 0.42),
    "url": (0.62, 0.42, 0.95),
    "upcoming": (0.98, 0.70, 0.15),
    "live": (0.92, 0.18, 0.24),
    "replay": (0.10, 0.74, 0.70),
    "ended": (0.55, 0.57, 0.60),
}
"""Disc colours (sRGB) by action type, and for sessions by status."""

RING_COLOR: RGB = (1.0, 1.0, 1.0)
_OUTLINE_COLOR = (0.05, 0.05, 0.08)
PICK_MASK = BitMask32.bit(20)

# Sizes in marker units: the disc has radius 1, which `radius_px` sets on screen.
_RING_OUTER = 1.3
_OUTLINE_OUTER = 1.42
_PICK_RADIUS = 1.5
_LABEL_HEIGHT = 1.1
_LABEL_CARD_COLOR = (0.05, 0.05, 0.08, 0.72)
_LABEL_GAP = 0.5
_MAX_LABEL_CHARS = 32  # longer titles are cut; the panel shows them whole
_DISC_SEGMENTS = 40
_TAG = "hotspot"


def marker_color(action_type: str, status: str | None = None) -> RGB:
    """Return the disc colour for an action type; sessions are coloured by status."""
    if action_type == "session" and status is not None:
        return MARKER_COLORS[status]
    return MARKER_COLORS.get(action_type, MARKER_COLORS["url"])


def pixel_to_film(pixel: tuple[float, float], size: tuple[int, int]) -> LPoint2:
    """Convert a pixel position (x right, y down) to lens film coordinates (-1..1)."""
    width, height = size
    return LPoint2(2.0 * pixel[0] / width - 1.0, 1.0 - 2.0 * pixel[1] / height)


def film_to_pixel(film: LPoint2, size: tuple[int, int]) -> tuple[float, float]:
    """Convert lens film coordinates (-1..1, y up) to a pixel position (y down)."""
    width, height = size
    return ((film.x + 1.0) * 0.5 * width, (1.0 - film.y) * 0.5 * height)


def _annulus(name: str, inner: float, outer: float, color: RGB | tuple[float, ...],
             depth: float) -> GeomNode:
    """Build a flat ring (a disc when `inner` is 0) in the XZ plane, facing -Y."""
    data = GeomVertexData(name, GeomVertexFormat.get_v3c4(), Geom.UH_static)
    vertex = GeomVertexWriter(data, "vertex")
    colors = GeomVertexWriter(data, "color")
    for index in range(_DISC_SEGMENTS):
        angle = 2 * math.pi * index / _DISC_SEGMENTS
        for radius in (inner, outer):
            vertex.add_data3(radius * math.cos(angle), depth, radius * math.sin(angle))
            colors.add_data4(*color[:3], 1.0)
    triangles = GeomTriangles(Geom.UH_static)
    for index in range(_DISC_SEGMENTS):
        a = 2 * index
        b = 2 * ((index + 1) % _DISC_SEGMENTS)
        triangles.add_vertices(a, a + 1, b + 1)
        triangles.add_vertices(a, b + 1, b)
    geom = Geom(data)
    geom.add_primitive(triangles)
    node = GeomNode(name)
    node.add_geom(geom)
    return node


@dataclass(frozen=True)
class Marker:
    """A hotspot marker to show: its position, disc colour and label."""

    hotspot_id: str
    position: LPoint3
    color: RGB
    label: str


@dataclass(frozen=True)
class _Label:
    """A marker's label nodes; `frame` is the card (left, right, bottom, top)."""

    root: NodePath
    card: NodePath
    text: NodePath
    frame: tuple[float, float, float, float]


def _overlap(first: tuple[float, ...], second: tuple[float, ...]) -> bool:
    """True when two (left, top, right, bottom) rectangles intersect."""
    return (first[0] < second[2] and second[0] < first[2]
            and first[1] < second[3] and second[1] < first[3])


class MarkerLayer:
    """The markers of the current scene, sized and picked against one camera."""

    def __init__(self, root: NodePath, font: TextFont, radius_px: float) -> None:
        self.root = root
        self.font = font
        self.radius_px = radius_px
        self._markers: dict[str, NodePath] = {}
        self._discs: dict[str, NodePath] = {}
        self._labels: dict[str, _Label] = {}
        self._positions: dict[str, LPoint3] = {}
        self._traverser = CollisionTraverser("marker-picker")
        self._queue = CollisionHandlerQueue()
        self._ray = CollisionRay()
        ray_node = CollisionNode("marker-pick-ray")
        ray_node.add_solid(self._ray)
        ray_node.set_from_collide_mask(PICK_MASK)
        ray_node.set_into_collide_mask(BitMask32.all_off())
        self._ray_path = root.attach_new_node(ray_node)
        self._traverser.add_collider(self._ray_path, self._queue)

    @property
    def hotspot_ids(self) -> list[str]:
        """Ids of the markers shown, in the order they were added."""
        return list(self._markers)

    def clear(self) -> None:
        """Remove every marker."""
        for marker in self._markers.values():
            marker.remove_node()
        self._markers.clear()
        self._discs.clear()
        self._labels.clear()
        self._positions.clear()

    def show(self, markers: Iterable[Marker]) -> None:
        """Replace the markers with `markers`."""
        self.clear()
        for marker in markers:
            self._add(marker)

    def _add(self, marker: Marker) -> None:
        path = self.root.attach_new_node(f"marker-{marker.hotspot_id}")
        path.set_pos(marker.position)
        path.set_billboard_point_eye()
        path.set_tag(_TAG, marker.hotspot_id)
        path.set_light_off(1)
        path.set_two_sided(True)

        # Small depth offsets in marker units keep the layers from z-fighting.
        path.attach_new_node(_annulus("outline", _RING_OUTER, _OUTLINE_OUTER,
                                      _OUTLINE_COLOR, 0.02))
        path.attach_new_node(_annulus("ring", 1.0, _RING_OUTER, RING_COLOR, 0.01))
        disc = path.attach_new_node(_annulus("disc", 0.0, 1.0, marker.color, 0.0))

        pick = CollisionNode(f"pick-{marker.hotspot_id}")
        pick.add_solid(CollisionSphere(0, 0, 0, _PICK_RADIUS))
        pick.set_into_collide_mask(PICK_MASK)
        pick.set_from_collide_mask(BitMask32.all_off())
        path.attach_new_node(pick)

        if marker.label:
            label = self._label(marker.label)
            label.root.reparent_to(path)
            self._labels[marker.hotspot_id] = label
        self._markers[marker.hotspot_id] = path
        self._discs[marker.hotspot_id] = disc
        self._positions[marker.hotspot_id] = LPoint3(marker.position)

    def _label(self, text: str) -> _Label:
        """Build a label: a translucent card with the text on it.

        Card and text are separate nodes so that `update_view` can draw
        each card right before its own text, in the "fixed" cull bin.
        """
        if len(text) > _MAX_LABEL_CHARS:
            text = text[: _MAX_LABEL_CHARS - 1].rstrip() + "…"
        text_node = TextNode("label-text")
        text_node.set_font(self.font)
        text_node.set_text(text)
        text_node.set_align(TextNode.A_center)
        text_node.set_text_color(1, 1, 1, 1)
        left, right, bottom, top = text_node.get_frame_actual()
        frame = (left - 0.35, right + 0.35, bottom - 0.2, top + 0.15)
        card = CardMaker("label-card")
        card.set_frame(*frame)
        card.set_color(*_LABEL_CARD_COLOR)

        label = NodePath("label")
        label.set_scale(_LABEL_HEIGHT)
        label.set_pos(0, 0, _OUTLINE_OUTER + _LABEL_GAP)
        label.set_transparency(TransparencyAttrib.M_alpha)
        label.set_depth_test(False)
        label.set_depth_write(False)
        card_path = label.attach_new_node(card.generate())
        text_path = label.attach_new_node(text_node)
        return _Label(label, card_path, text_path, frame)

    def set_color(self, hotspot_id: str, color: RGB) -> None:
        """Recolour the disc of one marker, such as when a session goes live."""
        disc = self._discs.get(hotspot_id)
        if disc is not None:
            disc.set_color(LColor(*color, 1.0), 1)

    def update_view(self, camera: NodePath, lens: Lens,
                    size: tuple[int, int]) -> None:
        """Fit the markers to the camera's view before a frame is drawn.

        Scales each marker so its disc keeps `radius_px` on screen, draws
        nearer labels over farther ones, and hides a label that would
        overlap the label of a nearer marker.
        """
        to_camera = camera.get_net_transform().get_inverse().get_mat()
        tan_half = math.tan(math.radians(lens.get_fov()[1]) / 2)
        metres_per_pixel_at_1m = 2.0 * tan_half / max(size[1], 1)
        depths: dict[str, float] = {}
        for hotspot_id, path in self._markers.items():
            depth = to_camera.xform_point(self._positions[hotspot_id]).y
            if depth <= lens.get_near():
                path.hide()
                continue
            depths[hotspot_id] = depth
            path.show()
            path.set_scale(self.radius_px * metres_per_pixel_at_1m * depth)
        self._layout_labels(depths, self.project(camera, lens, size))

    def _layout_labels(self, depths: dict[str, float],
                       pixels: dict[str, tuple[float, float]]) -> None:
        """Order labels far to near and hide those that overlap a nearer one."""
        placed: list[tuple[float, float, float, float]] = []
        near_first = sorted((hotspot_id for hotspot_id in self._labels
                             if hotspot_id in depths),
                            key=lambda hotspot_id: depths[hotspot_id])
        count = len(near_first)
        for rank, hotspot_id in enumerate(near_first):
            label = self._labels[hotspot_id]
            # The fixed bin draws in sort order: far labels first, and each
            # card right before its own text.
            label.card.set_bin("fixed", 2 * (count - rank))
            label.text.set_bin("fixed", 2 * (count - rank) + 1)
            pixel = pixels.get(hotspot_id)
            if pixel is None:
                label.root.show()
                continue
            box = self._label_box(label, pixel)
            if any(_overlap(box, other) for other in placed):
                label.root.hide()
            else:
                label.root.show()
                placed.append(box)

    def _label_box(self, label: _Label,
                   pixel: tuple[float, float]) -> tuple[float, float, float, float]:
        """Return a label's screen rectangle (left, top, right, bottom) in pixels."""
        unit = self.radius_px * _LABEL_HEIGHT  # pixels per label unit
        left, right, bottom, top = label.frame
        base = pixel[1] - (_OUTLINE_OUTER + _LABEL_GAP) * self.radius_px
        return (pixel[0] + left * unit, base - top * unit,
                pixel[0] + right * unit, base - bottom * unit)

    def project(self, camera: NodePath, lens: Lens,
                size: tuple[int, int]) -> dict[str, tuple[float, float]]:
        """Return the pixel position of each marker centre that is in view."""
        to_camera = camera.get_net_transform().get_inverse().get_mat()
        pixels: dict[str, tuple[float, float]] = {}
        for hotspot_id, position in self._positions.items():
            film = LPoint2()
            if lens.project(to_camera.xform_point(position), film):
                pixels[hotspot_id] = film_to_pixel(film, size)
        return pixels

    def pick(self, camera: NodePath, film: LPoint2) -> str | None:
        """Return the hotspot id of the nearest marker under `film`, or None.

        `camera` is the lens's camera node; call `update_view` first so the
        collision spheres match the drawn markers.
        """
        self._ray_path.set_transform(camera.get_net_transform())
        self._ray.set_from_lens(camera.node(), film.x, film.y)
        self._traverser.traverse(self.root)
        if self._queue.get_num_entries() == 0:
            return None
        self._queue.sort_entries()
        for entry in self._queue.get_entries():
            into = entry.get_into_node_path()
            if not into.is_hidden():
                return into.get_net_tag(_TAG) or None
        return None
