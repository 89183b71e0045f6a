"""Procedural meshes in the authors' Z-up frame.

Every builder returns `MeshData`: float32 positions, unit normals, glTF-style UVs
(v = 0 at the top of the image) and uint32 triangle indices, wound counter-clockwise
when seen from outside. `MeshData.to_primitive` attaches a `model.Material`.
Solids that stand on the ground (box, cylinder, cone, extrude, terrain) have their
base at z = 0; the sphere is centred at the origin.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from .model import FloatArray, IndexArray, Material, Primitive, frozen_array

__all__ = [
    "MeshData",
    "TerrainParams",
    "box",
    "cylinder",
    "cone",
    "sphere",
    "plane",
    "extrude",
    "normalize_polygon",
    "triangulate_polygon",
    "terrain",
    "terrain_height",
]

logger = logging.getLogger(__name__)

Float64Array = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class MeshData:
    """Read-only triangle arrays: positions, normals (n, 3), uvs (n, 2), indices."""

    positions: FloatArray
    normals: FloatArray
    uvs: FloatArray
    indices: IndexArray

    def __post_init__(self) -> None:
        object.__setattr__(self, "positions", frozen_array(self.positions, np.float32))
        object.__setattr__(self, "normals", frozen_array(self.normals, np.float32))
        object.__setattr__(self, "uvs", frozen_array(self.uvs, np.float32))
        object.__setattr__(self, "indices", frozen_array(self.indices, np.uint32))

    @property
    def bounds(self) -> tuple[FloatArray, FloatArray]:
        """Axis-aligned bounding box as (min xyz, max xyz)."""
        return self.positions.min(axis=0), self.positions.max(axis=0)

    def to_primitive(self, material: Material) -> Primitive:
        """Return a `model.Primitive` that shares these arrays and uses `material`."""
        return Primitive(
            positions=self.positions,
            normals=self.normals,
            indices=self.indices,
            material=material,
            uvs=self.uvs,
        )


def _mesh(
    positions: Float64Array,
    normals: Float64Array,
    uvs: Float64Array,
    triangles: npt.NDArray[np.int64],
) -> MeshData:
    return MeshData(
        positions.astype(np.float32),
        normals.astype(np.float32),
        uvs.astype(np.float32),
        np.asarray(triangles).reshape(-1).astype(np.uint32),
    )


def _concat(parts: Sequence[MeshData]) -> MeshData:
    """Merge meshes into one, offsetting each part's indices."""
    sizes = [len(part.positions) for part in parts]
    offsets = np.cumsum([0, *sizes[:-1]])
    indices = [
        part.indices + offset for part, offset in zip(parts, offsets, strict=True)
    ]
    return MeshData(
        np.concatenate([part.positions for part in parts]),
        np.concatenate([part.normals for part in parts]),
        np.concatenate([part.uvs for part in parts]),
        np.concatenate(indices),
    )


def _normalized(vectors: Float64Array) -> Float64Array:
    lengths = np.linalg.norm(vectors, axis=-1, keepdims=True)
    unit: Float64Array = vectors / lengths
    return unit


def _check_positive(name: str, value: float) -> None:
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive number of metres, got {value!r}")


def _check_count(name: str, value: int, minimum: int) -> None:
    if int(value) != value or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")


# --- box and plane --------------------------------------------------------------------

# Each face: outward normal, the face's "right" axis and its "up" axis, chosen so that
# right x up == normal, which makes the corner order below counter-clockwise from
# outside.
_BOX_FACES = np.array(
    [
        [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
        [[-1, 0, 0], [0, -1, 0], [0, 0, 1]],
        [[0, 1, 0], [-1, 0, 0], [0, 0, 1]],
        [[0, -1, 0], [1, 0, 0], [0, 0, 1]],
        [[0, 0, 1], [1, 0, 0], [0, 1, 0]],
        [[0, 0, -1], [1, 0, 0], [0, -1, 0]],
    ],
    dtype=np.float64,
)
_QUAD_CORNERS = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], dtype=np.float64)
_QUAD_TRIANGLES = np.array([[0, 1, 2], [0, 2, 3]])


def box(
    size: Sequence[float] = (1.0, 1.0, 1.0), *, texture_size: float | None = None
) -> MeshData:
    """Build a box of size (width x, depth y, height z), centred on x/y, base at z = 0.

    24 vertices with flat normals. UVs span 0..1 on each face, or repeat every
    `texture_size` metres when it is given.
    """
    extent = _check_size("box size", size, 3)
    if texture_size is not None:
        _check_positive("texture_size", texture_size)

    normal, right, up = _BOX_FACES[:, 0], _BOX_FACES[:, 1], _BOX_FACES[:, 2]
    a = _QUAD_CORNERS[:, 0][None, :, None]
    b = _QUAD_CORNERS[:, 1][None, :, None]
    unit = normal[:, None, :] + a * right[:, None, :] + b * up[:, None, :]
    positions = unit * (extent / 2) + np.array([0.0, 0.0, extent[2] / 2])
    normals = np.broadcast_to(normal[:, None, :], unit.shape)

    u = np.broadcast_to((a[..., 0] + 1) / 2, (6, 4))
    v = np.broadcast_to((1 - b[..., 0]) / 2, (6, 4))
    if texture_size is not None:
        u = u * (np.abs(right) @ extent)[:, None] / texture_size
        v = v * (np.abs(up) @ extent)[:, None] / texture_size
    uvs = np.stack([u, v], axis=-1)

    triangles = _QUAD_TRIANGLES[None] + 4 * np.arange(6)[:, None, None]
    return _mesh(
        positions.reshape(-1, 3), normals.reshape(-1, 3), uvs.reshape(-1, 2), triangles
    )


def plane(
    size: Sequence[float] = (1.0, 1.0), *, texture_size: float | None = None
) -> MeshData:
    """Build a rectangle of size (width x, depth y) at z = 0, centred, facing +Z.

    UVs span 0..1 with north (+y) at the top of the image, or repeat every
    `texture_size` metres when it is given.
    """
    extent = _check_size("plane size", size, 2)
    if texture_size is not None:
        _check_positive("texture_size", texture_size)

    corners = _QUAD_CORNERS * extent / 2
    positions = np.column_stack([corners, np.zeros(4)])
    normals = np.tile([0.0, 0.0, 1.0], (4, 1))
    u = (_QUAD_CORNERS[:, 0] + 1) / 2
    v = (1 - _QUAD_CORNERS[:, 1]) / 2
    uvs = np.column_stack([u, v])
    if texture_size is not None:
        uvs = uvs * extent / texture_size
    return _mesh(positions, normals, uvs, _QUAD_TRIANGLES)


def _check_size(name: str, size: Sequence[float], count: int) -> Float64Array:
    extent = np.asarray(size, dtype=np.float64)
    if extent.shape != (count,) or not np.all(np.isfinite(extent) & (extent > 0)):
        raise ValueError(f"{name} must be {count} positive numbers, got {size!r}")
    return extent


# --- round solids ---------------------------------------------------------------------


def cylinder(radius: float, height: float, segments: int = 32) -> MeshData:
    """Build a closed cylinder around the Z axis from z = 0 to z = height.

    The side has smooth normals, and u runs once around it. The caps are flat.
    """
    return cone(radius, height, segments, top_radius=radius)


def cone(
    radius: float, height: float, segments: int = 32, top_radius: float = 0.0
) -> MeshData:
    """Build a closed cone, or a frustum when `top_radius` > 0, from z = 0 to height.

    The side has smooth normals that follow the slope. The caps are flat.
    """
    _check_positive("radius", radius)
    _check_positive("height", height)
    _check_count("segments", segments, 3)
    if not (math.isfinite(top_radius) and top_radius >= 0):
        raise ValueError(f"top_radius must be >= 0 metres, got {top_radius!r}")

    parts = [
        _frustum_side(radius, top_radius, height, segments),
        _disk(radius, 0.0, segments, facing_up=False),
    ]
    if top_radius > 0:
        parts.append(_disk(top_radius, height, segments, facing_up=True))
    return _concat(parts)


def _frustum_side(
    bottom_radius: float, top_radius: float, height: float, segments: int
) -> MeshData:
    """Build the side of a frustum with a seam column duplicated for the UVs."""
    columns = np.arange(segments + 1)
    angles = 2 * np.pi * (columns % segments) / segments
    cos, sin = np.cos(angles), np.sin(angles)
    slope = bottom_radius - top_radius
    ring_normals = _normalized(
        np.column_stack([height * cos, height * sin, np.full_like(cos, slope)])
    )
    bottom = np.column_stack([bottom_radius * cos, bottom_radius * sin, 0 * cos])
    bottom_uvs = np.column_stack([columns / segments, np.ones_like(cos)])
    quads = np.arange(segments)

    if top_radius > 0:
        top = np.column_stack([top_radius * cos, top_radius * sin, 0 * cos + height])
        top_uvs = np.column_stack([columns / segments, np.zeros_like(cos)])
        b0, b1 = quads, quads + 1
        t0, t1 = b0 + segments + 1, b1 + segments + 1
        triangles = np.concatenate(
            [np.column_stack([b0, b1, t1]), np.column_stack([b0, t1, t0])]
        )
        return _mesh(
            np.concatenate([bottom, top]),
            np.concatenate([ring_normals, ring_normals]),
            np.concatenate([bottom_uvs, top_uvs]),
            triangles,
        )

    # A pointed cone gets one apex vertex per segment, with the normal of the
    # segment's middle, so that the shading along each edge stays smooth.
    middles = 2 * np.pi * (quads + 0.5) / segments
    apex_normals = _normalized(
        np.column_stack(
            [
                height * np.cos(middles),
                height * np.sin(middles),
                np.full(segments, slope),
            ]
        )
    )
    apex = np.tile([0.0, 0.0, height], (segments, 1))
    apex_uvs = np.column_stack([(quads + 0.5) / segments, np.zeros(segments)])
    triangles = np.column_stack([quads, quads + 1, quads + segments + 1])
    return _mesh(
        np.concatenate([bottom, apex]),
        np.concatenate([ring_normals, apex_normals]),
        np.concatenate([bottom_uvs, apex_uvs]),
        triangles,
    )


def _disk(radius: float, z: float, segments: int, *, facing_up: bool) -> MeshData:
    """Build a flat disk at height z as a fan around its centre."""
    angles = 2 * np.pi * np.arange(segments) / segments
    cos, sin = np.cos(angles), np.sin(angles)
    ring = np.column_stack([radius * cos, radius * sin, np.full(segments, z)])
    positions = np.concatenate([[[0.0, 0.0, z]], ring])
    sign = 1.0 if facing_up else -1.0
    normals = np.tile([0.0, 0.0, sign], (segments + 1, 1))

    # Seen from below, +x stays on the right only if the image is flipped vertically.
    u = np.concatenate([[0.5], 0.5 + 0.5 * cos])
    v = np.concatenate([[0.5], 0.5 - 0.5 * sign * sin])

    ring_index = 1 + np.arange(segments)
    next_index = 1 + (np.arange(segments) + 1) % segments
    centre = np.zeros(segments, dtype=np.int64)
    if facing_up:
        triangles = np.column_stack([centre, ring_index, next_index])
    else:
        triangles = np.column_stack([centre, next_index, ring_index])
    return _mesh(positions, normals, np.column_stack([u, v]), triangles)


def sphere(radius: float, segments: int = 32, rings: int = 16) -> MeshData:
    """Build a UV sphere centred at the origin, with smooth normals.

    u runs once around the Z axis; v runs from 0 at the north pole (+z) to 1 at the
    south pole. Pole vertices are repeated per segment, but no triangle is degenerate.
    """
    _check_positive("radius", radius)
    _check_count("segments", segments, 3)
    _check_count("rings", rings, 2)

    columns = np.arange(segments + 1)
    rows = np.arange(rings + 1)
    theta = 2 * np.pi * (columns % segments) / segments
    phi = np.pi * rows / rings
    sin_phi = np.sin(phi)
    sin_phi[[0, -1]] = 0.0  # exact poles
    normals = np.stack(
        np.broadcast_arrays(
            sin_phi[:, None] * np.cos(theta)[None, :],
            sin_phi[:, None] * np.sin(theta)[None, :],
            np.cos(phi)[:, None],
        ),
        axis=-1,
    )

    u = np.broadcast_to(columns / segments, (rings + 1, segments + 1)).copy()
    # Centre each pole vertex over the one triangle that uses it.
    u[0] -= 0.5 / segments
    u[-1] += 0.5 / segments
    v = np.broadcast_to((rows / rings)[:, None], u.shape)
    uvs = np.stack([u, v], axis=-1)

    upper = rows[:-1, None] * (segments + 1) + columns[None, :-1]
    lower = upper + segments + 1
    first = np.stack([lower, lower + 1, upper + 1], axis=-1)
    second = np.stack([lower, upper + 1, upper], axis=-1)
    # At the north pole the second triangle collapses, at the south pole the first.
    triangles = np.concatenate([first[:-1].reshape(-1, 3), second[1:].reshape(-1, 3)])
    return _mesh(
        (normals * radius).reshape(-1, 3),
        normals.reshape(-1, 3),
        uvs.reshape(-1, 2),
        triangles,
    )


# --- extruded polygons ----------------------------------------------------------------


def _cross2(a: Float64Array, b: Float64Array) -> Float64Array:
    return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]


def normalize_polygon(points: Sequence[Sequence[float]]) -> Float64Array:
    """Return a simple polygon's points (n, 2) in counter-clockwise order.

    A closing point equal to the first is dropped, and so are points in the middle
    of a straight edge. Raises ValueError for fewer than three points, repeated
    points, edges that fold back, crossing or touching edges, or zero area.
    """
    polygon = np.asarray(points, dtype=np.float64)
    if polygon.ndim != 2 or polygon.shape[1] != 2 or len(polygon) < 3:
        raise ValueError(
            f"polygon must be a list of at least 3 [x, y] points, got {points!r}"
        )
    if not np.all(np.isfinite(polygon)):
        raise ValueError(f"polygon points must be finite numbers, got {points!r}")
    if np.array_equal(polygon[0], polygon[-1]):
        polygon = polygon[:-1]

    scale = float(np.max(np.ptp(polygon, axis=0)))
    if scale == 0 or len(polygon) < 3:
        raise ValueError("polygon is degenerate: it needs 3 distinct points")
    tolerance = 1e-9 * scale

    polygon = _drop_straight_points(polygon, tolerance)
    _check_no_crossing_edges(polygon, tolerance)

    area = 0.5 * float(np.sum(_cross2(polygon, np.roll(polygon, -1, axis=0))))
    if abs(area) <= tolerance * scale:
        raise ValueError("polygon is degenerate: its area is zero")
    return polygon if area > 0 else polygon[::-1].copy()


def _drop_straight_points(polygon: Float64Array, tolerance: float) -> Float64Array:
    """Remove points in the middle of a straight edge, and reject repeated points
    and edges that fold back."""
    edges = np.roll(polygon, -1, axis=0) - polygon
    lengths = np.linalg.norm(edges, axis=1)
    short = np.flatnonzero(lengths <= tolerance)
    if len(short):
        index = int(short[0])
        raise ValueError(
            f"polygon is degenerate: point {index} {polygon[index].tolist()} repeats "
            "the next point"
        )

    incoming = np.roll(edges, 1, axis=0)
    incoming_lengths = np.roll(lengths, 1)
    sine = _cross2(incoming, edges) / (incoming_lengths * lengths)
    straight = np.abs(sine) <= 1e-9
    folds = np.flatnonzero(straight & (np.sum(incoming * edges, axis=1) < 0))
    if len(folds):
        index = int(folds[0])
        raise ValueError(
            f"polygon folds back on itself at point {index} {polygon[index].tolist()}"
        )

    kept: Float64Array = polygon[~straight]
    if len(kept) < 3:
        raise ValueError("polygon is degenerate: all its points lie on one line")
    return kept


def _check_no_crossing_edges(polygon: Float64Array, tolerance: float) -> None:
    """Raise ValueError if two non-adjacent edges cross or touch.

    NOTE: compares all edge pairs at once, so memory grows with n^2; footprints
    written by hand have tens of points.
    """
    count = len(polygon)
    first, second = np.triu_indices(count, k=2)
    not_adjacent = ~((first == 0) & (second == count - 1))
    first, second = first[not_adjacent], second[not_adjacent]
    if len(first) == 0:
        return

    start = polygon
    end = np.roll(polygon, -1, axis=0)
    p, q = start[first], end[first]
    r, s = start[second], end[second]
    area_tolerance = tolerance * tolerance

    def side(a: Float64Array, b: Float64Array, c: Float64Array) -> Float64Array:
        value = _cross2(b - a, c - a)
        return np.where(np.abs(value) <= area_tolerance, 0.0, np.sign(value))

    first_straddles = side(p, q, r) * side(p, q, s) <= 0
    second_straddles = side(r, s, p) * side(r, s, q) <= 0
    boxes_overlap = np.all(
        (np.minimum(p, q) <= np.maximum(r, s) + tolerance)
        & (np.minimum(r, s) <= np.maximum(p, q) + tolerance),
        axis=1,
    )
    crossing = np.flatnonzero(first_straddles & second_straddles & boxes_overlap)
    if len(crossing):
        i, j = int(first[crossing[0]]), int(second[crossing[0]])
        raise ValueError(
            f"polygon is self-intersecting: edge {i} (point {i} to {(i + 1) % count}) "
            f"meets edge {j} (point {j} to {(j + 1) % count})"
        )


def triangulate_polygon(polygon: Float64Array) -> npt.NDArray[np.int64]:
    """Triangulate a simple counter-clockwise polygon by ear clipping.

    Returns (n - 2, 3) indices into `polygon`, each triangle counter-clockwise.
    Concave polygons are handled. Pass the output of `normalize_polygon`.
    """
    scale = float(np.max(np.ptp(polygon, axis=0)))
    area_tolerance = (1e-12 * scale) * scale
    remaining = list(range(len(polygon)))
    triangles: list[tuple[int, int, int]] = []

    # TODO(perf): one ear per pass makes this O(n^3) for n points; fine for
    # hand-written footprints, slow beyond a few thousand points.
    while len(remaining) > 3:
        ear = _find_ear(polygon, np.array(remaining), area_tolerance)
        if ear is None:
            raise ValueError(
                "polygon could not be triangulated; it may be nearly self-intersecting"
            )
        count = len(remaining)
        prev, next_ = remaining[ear - 1], remaining[(ear + 1) % count]
        corner = remaining.pop(ear)
        if _is_ear_triangle(polygon, prev, corner, next_, area_tolerance):
            triangles.append((prev, corner, next_))
    triangles.append((remaining[0], remaining[1], remaining[2]))
    return np.array(triangles, dtype=np.int64)


def _is_ear_triangle(
    polygon: Float64Array, prev: int, corner: int, next_: int, area_tolerance: float
) -> bool:
    """Return whether the corner turns left, so that clipping it makes a triangle.

    A straight point is dropped without one."""
    turn = _cross2(polygon[corner] - polygon[prev], polygon[next_] - polygon[corner])
    return bool(turn > area_tolerance)


def _find_ear(
    polygon: Float64Array, remaining: npt.NDArray[np.int64], area_tolerance: float
) -> int | None:
    """Return the position in `remaining` of the first ear, or of a straight point."""
    points = polygon[remaining]
    prev = np.roll(points, 1, axis=0)
    next_ = np.roll(points, -1, axis=0)
    turn = _cross2(points - prev, next_ - points)
    convex = np.flatnonzero(turn > area_tolerance)
    reflex = np.flatnonzero(turn <= area_tolerance)

    if len(convex) and len(reflex):
        # A convex corner is an ear when no reflex point lies in or on its triangle.
        a, b, c = prev[convex][:, None], points[convex][:, None], next_[convex][:, None]
        tested = points[reflex][None, :]
        inside = (
            (_cross2(b - a, tested - a) >= -area_tolerance)
            & (_cross2(c - b, tested - b) >= -area_tolerance)
            & (_cross2(a - c, tested - c) >= -area_tolerance)
        )
        count = len(remaining)
        own = (
            (reflex[None, :] == convex[:, None])
            | (reflex[None, :] == (convex[:, None] - 1) % count)
            | (reflex[None, :] == (convex[:, None] + 1) % count)
        )
        ears = convex[~np.any(inside & ~own, axis=1)]
        if len(ears):
            return int(ears[0])
    elif len(convex):
        return int(convex[0])

    straight = np.flatnonzero(np.abs(turn) <= area_tolerance)
    return int(straight[0]) if len(straight) else None


def extrude(
    points: Sequence[Sequence[float]],
    height: float,
    *,
    texture_size: float | None = None,
) -> MeshData:
    """Extrude a simple polygon footprint (x, y points) from z = 0 to z = height.

    Either winding is accepted. Sides have flat normals, and both caps are
    triangulated by ear clipping. UVs stretch one image along the whole perimeter
    and over the caps' bounding box, or repeat every `texture_size` metres when it
    is given.
    Raises ValueError for polygons that `normalize_polygon` rejects.
    """
    _check_positive("height", height)
    if texture_size is not None:
        _check_positive("texture_size", texture_size)
    polygon = normalize_polygon(points)
    cap_triangles = triangulate_polygon(polygon)
    return _concat(
        [
            _extrusion_sides(polygon, height, texture_size),
            _extrusion_cap(polygon, cap_triangles, height, texture_size, top=True),
            _extrusion_cap(polygon, cap_triangles, 0.0, texture_size, top=False),
        ]
    )


def _extrusion_sides(
    polygon: Float64Array, height: float, texture_size: float | None
) -> MeshData:
    """Build one quad per edge with the edge's outward normal."""
    count = len(polygon)
    start = polygon
    end = np.roll(polygon, -1, axis=0)
    edges = end - start
    lengths = np.linalg.norm(edges, axis=1)
    # The polygon is counter-clockwise, so the outside is on each edge's right.
    outward = np.column_stack([edges[:, 1], -edges[:, 0], np.zeros(count)])
    outward /= lengths[:, None]

    zeros, tops = np.zeros(count), np.full(count, height)
    corners = np.stack(
        [
            np.column_stack([start, zeros]),
            np.column_stack([end, zeros]),
            np.column_stack([end, tops]),
            np.column_stack([start, tops]),
        ],
        axis=1,
    )
    normals = np.repeat(outward[:, None, :], 4, axis=1)

    distance = np.concatenate([[0.0], np.cumsum(lengths)])
    u_start, u_end = distance[:-1], distance[1:]
    v_bottom, v_top = height, 0.0
    if texture_size is None:
        u_start, u_end = u_start / distance[-1], u_end / distance[-1]
        v_bottom = 1.0
    else:
        u_start, u_end = u_start / texture_size, u_end / texture_size
        v_bottom = height / texture_size
    u = np.column_stack([u_start, u_end, u_end, u_start])
    v = np.broadcast_to([v_bottom, v_bottom, v_top, v_top], u.shape)
    uvs = np.stack([u, v], axis=-1)

    triangles = _QUAD_TRIANGLES[None] + 4 * np.arange(count)[:, None, None]
    return _mesh(
        corners.reshape(-1, 3), normals.reshape(-1, 3), uvs.reshape(-1, 2), triangles
    )


def _extrusion_cap(
    polygon: Float64Array,
    triangles: npt.NDArray[np.int64],
    z: float,
    texture_size: float | None,
    *,
    top: bool,
) -> MeshData:
    """Build a flat cap at height z. The bottom cap's triangles are reversed."""
    count = len(polygon)
    positions = np.column_stack([polygon, np.full(count, z)])
    normals = np.tile([0.0, 0.0, 1.0 if top else -1.0], (count, 1))

    low, high = polygon.min(axis=0), polygon.max(axis=0)
    u = polygon[:, 0] - low[0]
    v = high[1] - polygon[:, 1]
    if texture_size is None:
        u, v = u / (high[0] - low[0]), v / (high[1] - low[1])
    else:
        u, v = u / texture_size, v / texture_size
    if not top:
        u = u.max() - u  # mirror, so the image reads correctly from below

    wound = triangles if top else triangles[:, ::-1]
    return _mesh(positions, normals, np.column_stack([u, v]), wound)


# --- terrain --------------------------------------------------------------------------


@dataclass(frozen=True)
class TerrainParams:
    """Parameters of a deterministic mountain heightfield, which fix its mesh.

    The summit is at the centre (0, 0), exactly `height` metres high, and `peaks` - 1
    lower peaks are placed at random. `roughness` (0 <= r < 1) scales fractal value
    noise, which fades out towards the summit. Within `plateau_radius` metres of
    the centre the ground is flat at `height`.
    """

    size: tuple[float, float] = (200.0, 200.0)
    height: float = 40.0
    resolution: int = 128  # grid cells along each side
    seed: int = 0
    peaks: int = 3
    roughness: float = 0.25
    octaves: int = 5
    plateau_radius: float = 0.0

    def __post_init__(self) -> None:
        extent = _check_size("terrain size", self.size, 2)
        object.__setattr__(self, "size", (float(extent[0]), float(extent[1])))
        _check_positive("terrain height", self.height)
        _check_count("terrain resolution", self.resolution, 2)
        _check_count("terrain peaks", self.peaks, 1)
        _check_count("terrain octaves", self.octaves, 1)
        if not (0 <= self.roughness < 1):
            raise ValueError(
                f"terrain roughness must be in [0, 1), got {self.roughness!r}"
            )
        if not (math.isfinite(self.plateau_radius) and self.plateau_radius >= 0):
            raise ValueError(
                "terrain plateau_radius must be >= 0 metres, "
                f"got {self.plateau_radius!r}"
            )


# Width of the band inside the footprint's inscribed ellipse, as a fraction of
# its radii, in which the terrain falls to z = 0.
_TERRAIN_EDGE_BAND = 0.3
_NOISE_BASE_CELLS = 4
# Upper bound of the lower peaks' combined relief, relative to the summit.
_FOOTHILLS_MAX = 0.9


@dataclass(frozen=True)
class _TerrainShape:
    """Random choices drawn once from the seed."""

    centres: Float64Array  # (peaks - 1, 2) metres
    amplitudes: Float64Array  # (peaks - 1,) relative to the summit
    widths: Float64Array  # (peaks - 1,) gaussian sigma in metres
    lattices: tuple[Float64Array, ...]  # one square noise lattice per octave


@functools.lru_cache(maxsize=32)
def _terrain_shape(params: TerrainParams) -> _TerrainShape:
    """Draw the lower peaks and the noise from the seed, in a fixed order."""
    rng = np.random.default_rng(params.seed)
    width, depth = params.size
    others = params.peaks - 1
    centres = rng.uniform(-0.3, 0.3, size=(others, 2)) * np.array([width, depth])
    amplitudes = rng.uniform(0.25, 0.6, size=others)
    widths = rng.uniform(0.08, 0.16, size=others) * min(width, depth)
    lattice_sizes = [_NOISE_BASE_CELLS * 2**octave for octave in range(params.octaves)]
    lattices = tuple(rng.random((cells + 1, cells + 1)) for cells in lattice_sizes)
    return _TerrainShape(centres, amplitudes, widths, lattices)


def _smoothstep(edge0: float, edge1: float, x: Float64Array) -> Float64Array:
    t = np.clip((x - edge0) / (edge1 - edge0), 0.0, 1.0)
    return t * t * (3 - 2 * t)


def _value_noise(
    lattices: tuple[Float64Array, ...], u: Float64Array, v: Float64Array
) -> Float64Array:
    """Fractal value noise in 0..1 at normalised coordinates u, v in 0..1."""
    total = np.zeros_like(u)
    weight = 0.0
    for octave, lattice in enumerate(lattices):
        cells = lattice.shape[0] - 1
        gx, gy = np.clip(u, 0, 1) * cells, np.clip(v, 0, 1) * cells
        ix = np.minimum(np.floor(gx).astype(np.int64), cells - 1)
        iy = np.minimum(np.floor(gy).astype(np.int64), cells - 1)
        fx, fy = _smoothstep(0, 1, gx - ix), _smoothstep(0, 1, gy - iy)
        bottom = lattice[iy, ix] * (1 - fx) + lattice[iy, ix + 1] * fx
        top = lattice[iy + 1, ix] * (1 - fx) + lattice[iy + 1, ix + 1] * fx
        amplitude = 0.5**octave
        total += amplitude * (bottom * (1 - fy) + top * fy)
        weight += amplitude
    return total / weight


def _relief(params: TerrainParams, x: Float64Array, y: Float64Array) -> Float64Array:
    """Evaluate the relief in 0..1, which is 1 only at the summit (0, 0)."""
    shape = _terrain_shape(params)
    width, depth = params.size
    summit = np.exp(-(x * x + y * y) / (2 * (0.22 * min(width, depth)) ** 2))

    # Lower peaks fill at most the headroom below the summit's slope, and the noise
    # at most the headroom below 1, so nothing rises above the summit:
    # h * (1 + r * (1 - h)) < 1 for h < 1 and r < 1.
    dx = x[..., None] - shape.centres[:, 0]
    dy = y[..., None] - shape.centres[:, 1]
    bumps = shape.amplitudes * np.exp(-(dx * dx + dy * dy) / (2 * shape.widths**2))
    foothills = _FOOTHILLS_MAX * np.tanh(np.sum(bumps, axis=-1) / _FOOTHILLS_MAX)
    peaks = summit + (1 - summit) * foothills
    noise = _value_noise(shape.lattices, x / width + 0.5, y / depth + 0.5)
    relief = peaks * (1 + params.roughness * (1 - peaks) * (2 * noise - 1))

    # Fade to 0 towards the ellipse inscribed in the footprint, so the edges and
    # corners lie flat on the ground.
    edge_distance = 1 - np.hypot(2 * x / width, 2 * y / depth)
    faded: Float64Array = relief * _smoothstep(0.0, _TERRAIN_EDGE_BAND, edge_distance)
    return faded


def _height_field(
    params: TerrainParams, x: Float64Array, y: Float64Array
) -> Float64Array:
    """Evaluate the terrain's heightfield in metres at points in the footprint."""
    relief = _relief(params, x, y)
    if params.plateau_radius > 0:
        radius = np.hypot(x, y)
        blend = _smoothstep(params.plateau_radius, 1.5 * params.plateau_radius, radius)
        relief = (1 - blend) + blend * relief
    heights: Float64Array = params.height * relief
    return heights


def _grid_coordinates(params: TerrainParams) -> tuple[Float64Array, Float64Array]:
    """Return the grid lines' x (west to east) and y (south to north) coordinates."""
    width, depth = params.size
    cells = params.resolution
    steps = np.arange(cells + 1, dtype=np.float64)
    xs: Float64Array = -width / 2 + steps * (width / cells)
    ys: Float64Array = -depth / 2 + steps * (depth / cells)
    return xs, ys


def _grid_heights(params: TerrainParams) -> Float64Array:
    """Return heights (rows south to north, columns west to east) at grid vertices."""
    xs, ys = _grid_coordinates(params)
    grid_x, grid_y = np.meshgrid(xs, ys)
    return _height_field(params, grid_x, grid_y)


def terrain(params: TerrainParams) -> MeshData:
    """Build the heightfield mesh: a grid over `params.size`, centred, edges at z = 0.

    Normals are smooth (from the height gradient). UVs span 0..1 with north at the top.
    """
    xs, ys = _grid_coordinates(params)
    heights = _grid_heights(params)
    grid_x, grid_y = np.meshgrid(xs, ys)
    positions = np.stack([grid_x, grid_y, heights], axis=-1).reshape(-1, 3)

    slope_y, slope_x = np.gradient(heights, ys, xs)
    normals = _normalized(
        np.stack([-slope_x, -slope_y, np.ones_like(heights)], axis=-1)
    ).reshape(-1, 3)

    cells = params.resolution
    steps = np.arange(cells + 1) / cells
    u, v = np.meshgrid(steps, 1 - steps)
    uvs = np.stack([u, v], axis=-1).reshape(-1, 2)

    # Each cell is split along the diagonal from its south-west to north-east corner.
    corner = np.arange(cells)[:, None] * (cells + 1) + np.arange(cells)[None, :]
    sw = corner.reshape(-1)
    se, nw, ne = sw + 1, sw + cells + 1, sw + cells + 2
    triangles = np.concatenate(
        [np.column_stack([sw, se, ne]), np.column_stack([sw, ne, nw])]
    )
    logger.debug("terrain: %d vertices, %d triangles", len(positions), len(triangles))
    return _mesh(positions, normals, uvs, triangles)


@overload
def terrain_height(params: TerrainParams, x: float, y: float) -> float: ...
@overload
def terrain_height(
    params: TerrainParams, x: npt.ArrayLike, y: npt.ArrayLike
) -> Float64Array: ...
def terrain_height(params: TerrainParams, x: Any, y: Any) -> Any:
    """Return the height of the terrain mesh surface at (x, y), 0 outside it.

    Interpolates within the mesh triangle that contains the point, so an object
    placed at this height sits exactly on what is rendered.
    """
    scalar = np.ndim(x) == 0 and np.ndim(y) == 0
    px, py = np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(y, np.float64))
    width, depth = params.size
    cells = params.resolution
    step_x, step_y = width / cells, depth / cells

    column = np.clip(np.floor((px + width / 2) / step_x), 0, cells - 1)
    row = np.clip(np.floor((py + depth / 2) / step_y), 0, cells - 1)
    west, south = -width / 2 + column * step_x, -depth / 2 + row * step_y
    east, north = -width / 2 + (column + 1) * step_x, -depth / 2 + (row + 1) * step_y

    h_sw = _height_field(params, west, south)
    h_se = _height_field(params, east, south)
    h_nw = _height_field(params, west, north)
    h_ne = _height_field(params, east, north)

    fx, fy = (px - west) / step_x, (py - south) / step_y
    lower = h_sw + fx * (h_se - h_sw) + fy * (h_ne - h_se)  # triangle sw, se, ne
    upper = h_sw + fy * (h_nw - h_sw) + fx * (h_ne - h_nw)  # triangle sw, ne, nw
    heights = np.where(fx >= fy, lower, upper)
    outside = (np.abs(px) > width / 2) | (np.abs(py) > depth / 2)
    heights = np.where(outside, 0.0, heights)
    return float(heights) if scalar else heights
