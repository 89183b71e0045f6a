"""Ray and point queries against a compiled scene, for `venue lint`.

trimesh's `contains` and ray queries need the optional `rtree` package, which
is not a dependency, so this module intersects rays with triangles itself
(Möller–Trumbore, vectorised with numpy). Every mesh is kept once, in its
own frame. A query moves its points into each placement's frame, skips the
placements whose bounding box it misses and tests the triangles of the
rest. Coordinates are the authors' (metres, Z-up).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import model

__all__ = ["SceneGeometry", "scene_geometry"]

Array = npt.NDArray[np.float64]

# Determinants below this are rays parallel to a triangle.
_PARALLEL = 1e-12
# Directions of the parity rays: skewed, so that they rarely graze an edge.
_PARITY_DIRECTIONS = np.array([[0.5407, 0.3224, 0.7770],
                               [-0.4113, 0.8037, 0.4300],
                               [0.2971, -0.6213, -0.7250]])


@dataclass(frozen=True, eq=False)
class _MeshShape:
    """One mesh's triangles in its own frame, ready for intersection."""

    origins: Array  # (t, 3) first corner of each triangle
    edges1: Array  # (t, 3)
    edges2: Array  # (t, 3)
    opaque: npt.NDArray[np.bool_]  # (t,) hides what is behind it
    double_sided: npt.NDArray[np.bool_]  # (t,)
    lower: Array  # (3,) bounding box
    upper: Array  # (3,)
    closed: bool
    """Watertight and not wholly transparent, so a point can be inside it."""
    triangle_count: int


@dataclass(frozen=True, eq=False)
class _Group:
    """Every placement of one mesh: world-to-local matrices and owners."""

    shape: _MeshShape
    to_local: Array  # (n, 4, 4)
    mirrored: npt.NDArray[np.bool_]  # (n,) the placement flips handedness
    owners: tuple[str, ...]  # (n,) the top-level node each placement is under


def _node_matrix(node: model.Node) -> Array:
    x, y, z, w = node.rotation
    rotation = np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
    ])
    matrix = np.eye(4)
    matrix[:3, :3] = rotation * np.asarray(node.scale, dtype=np.float64)
    matrix[:3, 3] = node.translation
    return matrix


def _placed_meshes(nodes: tuple[model.Node, ...], parent: Array,
                   owner: str | None) -> Iterator[tuple[model.Mesh, Array, str]]:
    for node in nodes:
        world = parent @ _node_matrix(node)
        name = owner or node.name
        if node.mesh is not None:
            yield node.mesh, world, name
        yield from _placed_meshes(node.children, world, name)


def _mesh_shape(mesh: model.Mesh) -> _MeshShape:
    corners, opaque, double_sided = [], [], []
    for primitive in mesh.primitives:
        triangles = np.asarray(primitive.positions, np.float64)[
            np.asarray(primitive.indices).reshape(-1, 3)]
        corners.append(triangles)
        material = primitive.material
        count = len(triangles)
        opaque.append(np.full(count, material.alpha_mode != "BLEND"))
        double_sided.append(np.full(count, material.double_sided))
    triangles = np.concatenate(corners)
    points = triangles.reshape(-1, 3)
    opaque_mask = np.concatenate(opaque)
    closed = bool(opaque_mask.any()) and _is_watertight(triangles)
    return _MeshShape(
        origins=triangles[:, 0],
        edges1=triangles[:, 1] - triangles[:, 0],
        edges2=triangles[:, 2] - triangles[:, 0],
        opaque=opaque_mask,
        double_sided=np.concatenate(double_sided),
        lower=points.min(axis=0),
        upper=points.max(axis=0),
        closed=closed,
        triangle_count=len(triangles),
    )


def _is_watertight(triangles: Array) -> bool:
    # Imported here: trimesh and scipy take about half a second to import.
    import trimesh

    # Merging vertices by position closes the seams that per-face normals
    # and UVs open.
    faces = np.arange(len(triangles) * 3).reshape(-1, 3)
    mesh = trimesh.Trimesh(triangles.reshape(-1, 3), faces, process=True)
    return bool(mesh.is_watertight)


def _intersections(shape: _MeshShape, start: Array,
                   direction: Array) -> tuple[Array, npt.NDArray[np.bool_], Array]:
    """Intersect one ray with every triangle of `shape`.

    Returns the ray parameter t of each triangle's plane crossing, whether
    the ray meets the triangle, and the determinant, which is positive when
    the ray meets the triangle's front (counter-clockwise) face.
    """
    p = np.cross(direction, shape.edges2)
    determinant = np.einsum("ij,ij->i", shape.edges1, p)
    usable = np.abs(determinant) > _PARALLEL
    inverse = np.where(usable, 1.0 / np.where(usable, determinant, 1.0), 0.0)
    offset = start - shape.origins
    u = np.einsum("ij,ij->i", offset, p) * inverse
    q = np.cross(offset, shape.edges1)
    v = (q @ direction) * inverse
    t = np.einsum("ij,ij->i", shape.edges2, q) * inverse
    hit = usable & (u >= 0) & (v >= 0) & (u + v <= 1)
    return t, hit, determinant


def _box_hit(lower: Array, upper: Array, start: Array, end: Array) -> npt.NDArray[np.bool_]:
    """Return which segments start[i]..end[i] cross the box (slab test)."""
    direction = end - start
    tiny = np.where(direction < 0, -1e-12, 1e-12)
    direction = np.where(np.abs(direction) < 1e-12, tiny, direction)
    near = (lower - start) / direction
    far = (upper - start) / direction
    entry = np.minimum(near, far).max(axis=1)
    leave = np.maximum(near, far).min(axis=1)
    return (entry <= leave) & (leave >= 0.0) & (entry <= 1.0)


def _to_local(matrices: Array, point: Array) -> Array:
    return np.einsum("nij,j->ni", matrices[:, :3, :3], point) + matrices[:, :3, 3]


@dataclass(frozen=True, eq=False)
class SceneGeometry:
    """The triangles of a compiled scene, grouped by mesh, for lint queries."""

    groups: tuple[_Group, ...]

    def triangle_counts(self) -> dict[str, int]:
        """Return the triangles drawn under each top-level node, placements counted."""
        counts: dict[str, int] = {}
        for group in self.groups:
            for owner in group.owners:
                counts[owner] = counts.get(owner, 0) + group.shape.triangle_count
        return counts

    def enclosing(self, point: Array) -> str | None:
        """Return the top-level node of a closed mesh that contains `point`."""
        for group in self.groups:
            if not group.shape.closed:
                continue
            local = _to_local(group.to_local, point)
            inside_box = np.all((local >= group.shape.lower)
                                & (local <= group.shape.upper), axis=1)
            for index in np.flatnonzero(inside_box):
                if self._inside(group, int(index), local[index]):
                    return group.owners[index]
        return None

    @staticmethod
    def _inside(group: _Group, index: int, local: Array) -> bool:
        """Tell by ray parity whether a local point is inside placement `index`.

        A ray from a point inside a closed mesh crosses it an odd number of
        times. Three rays vote, because one may graze an edge."""
        linear = group.to_local[index, :3, :3]
        votes = 0
        for direction in _PARITY_DIRECTIONS:
            t, hit, _det = _intersections(group.shape, local, linear @ direction)
            votes += int(np.count_nonzero(hit & (t > 1e-9))) % 2
        return votes >= 2

    def blocker(self, eye: Array, target: Array, clearance: float) -> str | None:
        """Return the top-level node of the opaque surface nearest to `eye`
        between `eye` and `target`, ignoring the last `clearance` metres
        before `target`; None when the sight line is clear."""
        length = float(np.linalg.norm(target - eye))
        if length <= clearance:
            return None
        nearest, found = 1.0 - clearance / length, None
        for group in self.groups:
            start = _to_local(group.to_local, eye)
            end = _to_local(group.to_local, target)
            crossing = _box_hit(group.shape.lower, group.shape.upper, start, end)
            for index in np.flatnonzero(crossing):
                direction = end[index] - start[index]
                t, hit, determinant = _intersections(group.shape, start[index],
                                                     direction)
                front = determinant < 0 if group.mirrored[index] else determinant > 0
                seen = group.shape.opaque & (group.shape.double_sided | front)
                blocking = hit & seen & (t > 1e-9) & (t < nearest)
                if np.any(blocking):
                    nearest = float(t[blocking].min())
                    found = group.owners[index]
        return found


def scene_geometry(scene: model.SceneModel) -> SceneGeometry:
    """Collect the meshes of a compiled scene with the world matrix of each placement."""
    placements: dict[int, list[tuple[Array, str]]] = {}
    meshes: dict[int, model.Mesh] = {}
    for mesh, world, owner in _placed_meshes(scene.nodes, np.eye(4), None):
        meshes[id(mesh)] = mesh
        placements.setdefault(id(mesh), []).append((world, owner))
    groups = []
    for key, items in placements.items():
        worlds = np.stack([world for world, _owner in items])
        determinants = np.linalg.det(worlds[:, :3, :3])
        # A placement scaled to nothing has no inverse and hides nothing.
        usable = np.abs(determinants) > 1e-12
        if not usable.any():
            continue
        groups.append(_Group(
            shape=_mesh_shape(meshes[key]),
            to_local=np.linalg.inv(worlds[usable]),
            mirrored=determinants[usable] < 0,
            owners=tuple(owner for (_world, owner), keep in zip(items, usable)
                         if keep),
        ))
    return SceneGeometry(tuple(groups))
