"""Tests of the procedural meshes in toolkit.geometry."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
import trimesh

from toolkit import geometry
from toolkit.geometry import MeshData, TerrainParams
from toolkit.model import Material

L_SHAPE = [[0, 0], [4, 0], [4, 1], [1, 1], [1, 3], [0, 3]]  # area 6
# A concave "M": two reflex corners whose ears must not be clipped first.
M_SHAPE = [
    [0, 0],
    [1, 0],
    [1, 2],
    [2, 1],
    [3, 2],
    [3, 0],
    [4, 0],
    [4, 4],
    [2, 2],
    [0, 4],
]

SOLIDS: dict[str, Callable[[], MeshData]] = {
    "box": lambda: geometry.box((2.0, 3.0, 4.0)),
    "box-tiled": lambda: geometry.box((2.0, 3.0, 4.0), texture_size=0.5),
    "cylinder": lambda: geometry.cylinder(1.5, 2.0, segments=24),
    "cone": lambda: geometry.cone(1.5, 2.0, segments=24),
    "frustum": lambda: geometry.cone(2.0, 3.0, segments=16, top_radius=0.5),
    "sphere": lambda: geometry.sphere(2.0, segments=24, rings=12),
    "extrude-l": lambda: geometry.extrude(L_SHAPE, 2.5),
    "extrude-m": lambda: geometry.extrude(M_SHAPE, 1.0, texture_size=1.0),
}
SURFACES: dict[str, Callable[[], MeshData]] = {
    "plane": lambda: geometry.plane((4.0, 6.0)),
    "terrain": lambda: geometry.terrain(TerrainParams(size=(50, 40), resolution=24)),
}
ALL = {**SOLIDS, **SURFACES}

BOUNDS = {
    "box": ([-1, -1.5, 0], [1, 1.5, 4]),
    "box-tiled": ([-1, -1.5, 0], [1, 1.5, 4]),
    "cylinder": ([-1.5, -1.5, 0], [1.5, 1.5, 2]),
    "cone": ([-1.5, -1.5, 0], [1.5, 1.5, 2]),
    "frustum": ([-2, -2, 0], [2, 2, 3]),
    "sphere": ([-2, -2, -2], [2, 2, 2]),
    "extrude-l": ([0, 0, 0], [4, 3, 2.5]),
    "extrude-m": ([0, 0, 0], [4, 4, 1]),
    "plane": ([-2, -3, 0], [2, 3, 0]),
    "terrain": ([-25, -20, 0], [25, 20, 40]),
}


def triangles(mesh: MeshData) -> np.ndarray:
    return mesh.indices.reshape(-1, 3).astype(np.int64)


def face_normals(mesh: MeshData) -> np.ndarray:
    corners = mesh.positions.astype(np.float64)[triangles(mesh)]
    cross = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    return cross / np.linalg.norm(cross, axis=1, keepdims=True)


def merged(mesh: MeshData) -> trimesh.Trimesh:
    """Return the mesh with coincident vertices merged, as one closed surface."""
    return trimesh.Trimesh(mesh.positions, triangles(mesh), process=True)


# --- properties every builder shares --------------------------------------------------


@pytest.mark.parametrize("name", list(ALL))
def test_array_shapes_and_types(name: str) -> None:
    mesh = ALL[name]()
    count = len(mesh.positions)
    assert mesh.positions.shape == (count, 3)
    assert mesh.normals.shape == (count, 3)
    assert mesh.uvs.shape == (count, 2)
    assert mesh.positions.dtype == np.float32
    assert mesh.indices.dtype == np.uint32
    assert mesh.indices.ndim == 1
    assert len(mesh.indices) % 3 == 0
    assert not mesh.positions.flags.writeable


@pytest.mark.parametrize("name", list(ALL))
def test_indices_in_range(name: str) -> None:
    mesh = ALL[name]()
    assert int(mesh.indices.max()) < len(mesh.positions)
    used = np.unique(mesh.indices)
    assert len(used) >= len(mesh.positions) - 2  # only a sphere leaves pole copies


@pytest.mark.parametrize("name", list(ALL))
def test_bounding_box(name: str) -> None:
    low, high = ALL[name]().bounds
    expected_low, expected_high = BOUNDS[name]
    np.testing.assert_allclose(low, expected_low, atol=1e-5)
    np.testing.assert_allclose(high, expected_high, atol=1e-4)


@pytest.mark.parametrize("name", list(ALL))
def test_normals_unit_length(name: str) -> None:
    lengths = np.linalg.norm(ALL[name]().normals.astype(np.float64), axis=1)
    np.testing.assert_allclose(lengths, 1.0, atol=1e-6)


@pytest.mark.parametrize("name", list(ALL))
def test_winding_agrees_with_normals(name: str) -> None:
    mesh = ALL[name]()
    assert np.all(np.linalg.norm(np.cross(*_edges(mesh)), axis=1) > 0), "degenerate"
    faces = face_normals(mesh)
    for corner in range(3):
        vertex_normals = mesh.normals[triangles(mesh)[:, corner]]
        agreement = np.einsum("ij,ij->i", faces, vertex_normals)
        assert agreement.min() > 0, f"corner {corner}: {agreement.min()}"


def _edges(mesh: MeshData) -> tuple[np.ndarray, np.ndarray]:
    corners = mesh.positions.astype(np.float64)[triangles(mesh)]
    return corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0]


@pytest.mark.parametrize("name", list(ALL))
def test_uvs_of_used_vertices_in_range(name: str) -> None:
    mesh = ALL[name]()
    uvs = mesh.uvs[np.unique(mesh.indices)]
    assert uvs.min() >= 0.0
    if "tiled" not in name and name != "extrude-m":
        assert uvs.max() <= 1.0


@pytest.mark.parametrize("name", ["box", "cylinder", "cone", "frustum", "sphere"])
def test_convex_normals_point_outward(name: str) -> None:
    mesh = SOLIDS[name]()
    centre = (mesh.bounds[0] + mesh.bounds[1]) / 2
    outward = np.einsum("ij,ij->i", mesh.normals, mesh.positions - centre)
    assert outward.min() > 0


@pytest.mark.parametrize("name", list(SOLIDS))
def test_solids_closed_with_positive_volume(name: str) -> None:
    solid = merged(SOLIDS[name]())
    assert solid.is_watertight
    assert solid.is_winding_consistent
    assert solid.volume > 0


def test_to_primitive_shares_arrays() -> None:
    mesh = geometry.box()
    material = Material("wall")
    primitive = mesh.to_primitive(material)
    assert primitive.positions is mesh.positions
    assert primitive.indices is mesh.indices
    assert primitive.uvs is mesh.uvs
    assert primitive.material is material


# --- individual builders --------------------------------------------------------------


def test_box_vertices_and_flat_normals() -> None:
    mesh = geometry.box((1, 2, 3))
    assert len(mesh.positions) == 24
    assert len(mesh.indices) == 36
    axes = np.abs(mesh.normals).max(axis=1)
    np.testing.assert_array_equal(axes, 1.0)


def test_box_volume() -> None:
    assert merged(geometry.box((2, 3, 4))).volume == pytest.approx(24.0)


def test_box_texture_size_repeats_per_metre() -> None:
    mesh = geometry.box((2, 3, 4), texture_size=0.5)
    top = mesh.normals[:, 2] > 0.5
    np.testing.assert_allclose(mesh.uvs[top].max(axis=0), [4.0, 6.0])


def test_cylinder_volume_matches_polygon_prism() -> None:
    segments = 24
    expected = 0.5 * segments * 1.5**2 * math.sin(2 * math.pi / segments) * 2.0
    assert merged(geometry.cylinder(1.5, 2.0, segments)).volume == pytest.approx(
        expected
    )


def test_cylinder_side_normals_horizontal() -> None:
    mesh = geometry.cylinder(1.0, 3.0, 16)
    side = np.abs(mesh.normals[:, 2]) < 0.5
    np.testing.assert_allclose(mesh.normals[side, 2], 0.0, atol=1e-7)


def test_cone_side_normals_follow_slope() -> None:
    mesh = geometry.cone(1.0, 1.0, 16)
    side = (mesh.normals[:, 2] > 0) & (mesh.normals[:, 2] < 0.99)
    # For a 45-degree slope the side normal is 45 degrees up.
    np.testing.assert_allclose(mesh.normals[side, 2], math.sqrt(0.5), atol=1e-6)


def test_sphere_vertices_on_surface() -> None:
    mesh = geometry.sphere(3.0, 16, 8)
    radii = np.linalg.norm(mesh.positions.astype(np.float64), axis=1)
    np.testing.assert_allclose(radii, 3.0, atol=1e-5)
    np.testing.assert_allclose(mesh.normals * 3.0, mesh.positions, atol=1e-5)


def test_plane_faces_up() -> None:
    mesh = geometry.plane((2, 2))
    np.testing.assert_array_equal(mesh.normals, np.tile([0, 0, 1], (4, 1)))
    np.testing.assert_allclose(face_normals(mesh), np.tile([0, 0, 1], (2, 1)))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: geometry.box((1, 0, 1)), "box size"),
        (lambda: geometry.box((1, 1)), "box size"),
        (lambda: geometry.plane((1, math.nan)), "plane size"),
        (lambda: geometry.cylinder(-1, 1), "radius"),
        (lambda: geometry.cone(1, 1, segments=2), "segments"),
        (lambda: geometry.cone(1, 1, top_radius=-1), "top_radius"),
        (lambda: geometry.sphere(1, rings=1), "rings"),
        (lambda: geometry.box((1, 1, 1), texture_size=0), "texture_size"),
    ],
)
def test_invalid_sizes_rejected(call: Callable[[], MeshData], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


# --- polygons and extrusion -----------------------------------------------------------


def polygon_area(points: np.ndarray) -> float:
    x, y = points[:, 0], points[:, 1]
    return 0.5 * float(np.sum(x * np.roll(y, -1) - y * np.roll(x, -1)))


def triangle_areas(points: np.ndarray, faces: np.ndarray) -> np.ndarray:
    a, b, c = points[faces[:, 0]], points[faces[:, 1]], points[faces[:, 2]]
    return 0.5 * ((b - a)[:, 0] * (c - a)[:, 1] - (b - a)[:, 1] * (c - a)[:, 0])


@pytest.mark.parametrize("shape", [L_SHAPE, M_SHAPE, L_SHAPE[::-1], M_SHAPE[::-1]])
def test_triangulation_covers_concave_polygon(shape: list[list[float]]) -> None:
    polygon = geometry.normalize_polygon(shape)
    faces = geometry.triangulate_polygon(polygon)
    areas = triangle_areas(polygon, faces)
    assert len(faces) == len(polygon) - 2
    assert areas.min() > 0
    assert areas.sum() == pytest.approx(polygon_area(polygon))


def test_triangulation_of_random_star_polygon() -> None:
    rng = np.random.default_rng(7)
    angles = np.sort(rng.uniform(0, 2 * np.pi, 60))
    radii = rng.uniform(0.3, 1.0, 60)
    star = np.column_stack([radii * np.cos(angles), radii * np.sin(angles)])
    polygon = geometry.normalize_polygon(star)
    faces = geometry.triangulate_polygon(polygon)
    assert triangle_areas(polygon, faces).min() > 0
    assert triangle_areas(polygon, faces).sum() == pytest.approx(polygon_area(polygon))


def test_normalize_polygon_makes_counter_clockwise() -> None:
    clockwise = [[0, 0], [0, 1], [1, 1], [1, 0]]
    polygon = geometry.normalize_polygon(clockwise)
    assert polygon_area(polygon) == pytest.approx(1.0)


def test_polygon_drops_redundant_points() -> None:
    points = [[0, 0], [1, 0], [2, 0], [2, 2], [0, 2], [0, 0]]
    polygon = geometry.normalize_polygon(points)
    assert len(polygon) == 4
    assert [1.0, 0.0] not in polygon.tolist()


def test_extrude_either_winding_same_volume() -> None:
    forward = merged(geometry.extrude(L_SHAPE, 2.0))
    backward = merged(geometry.extrude(L_SHAPE[::-1], 2.0))
    assert forward.volume == pytest.approx(12.0)
    assert backward.volume == pytest.approx(12.0)


def contains(polygon: list[list[float]], points: np.ndarray) -> np.ndarray:
    """Return which points lie inside the polygon (even-odd ray casting)."""
    vertices = np.asarray(polygon, dtype=np.float64)
    start, end = vertices, np.roll(vertices, -1, axis=0)
    x, y = points[:, 0:1], points[:, 1:2]
    spans = (start[:, 1] > y) != (end[:, 1] > y)
    slope = (end[:, 0] - start[:, 0]) / np.where(
        end[:, 1] == start[:, 1], 1.0, end[:, 1] - start[:, 1]
    )
    crossing_x = start[:, 0] + (y - start[:, 1]) * slope
    return np.sum(spans & (x < crossing_x), axis=1) % 2 == 1


def test_extrude_concave_caps_inside_footprint() -> None:
    mesh = geometry.extrude(M_SHAPE, 1.0)
    top = mesh.normals[:, 2] > 0.5
    top_faces = np.all(top[triangles(mesh)], axis=1)
    centroids = mesh.positions[triangles(mesh)[top_faces]].mean(axis=1)[:, :2]
    assert np.all(contains(M_SHAPE, centroids.astype(np.float64)))
    assert merged(mesh).volume == pytest.approx(polygon_area(np.array(M_SHAPE, float)))


@pytest.mark.parametrize("shape", [L_SHAPE, M_SHAPE[::-1]])
def test_extrude_side_normals_point_out(shape: list[list[float]]) -> None:
    mesh = geometry.extrude(shape, 1.0)
    side = np.abs(mesh.normals[:, 2]) < 0.5
    np.testing.assert_array_equal(mesh.normals[side, 2], 0.0)
    side_faces = np.all(side[triangles(mesh)], axis=1)
    corners = mesh.positions.astype(np.float64)[triangles(mesh)[side_faces]]
    middles = corners.mean(axis=1)[:, :2]
    normals = mesh.normals[triangles(mesh)[side_faces, 0], :2]
    assert not np.any(contains(shape, middles + 0.01 * normals))
    assert np.all(contains(shape, middles - 0.01 * normals))


BAD_POLYGONS = {
    "bowtie": ([[0, 0], [1, 1], [1, 0], [0, 1]], "self-intersecting"),
    "two points": ([[0, 0], [1, 0]], "at least 3"),
    "repeated point": ([[0, 0], [1, 0], [1, 0], [1, 1]], "repeats"),
    "all collinear": ([[0, 0], [1, 0], [2, 0], [3, 0]], "folds back|one line"),
    "fold back": ([[0, 0], [2, 0], [1, 0], [1, 1]], "folds back"),
    "not finite": ([[0, 0], [1, math.inf], [1, 1]], "finite"),
    "one point": ([[1, 1], [1, 1], [1, 1]], "degenerate"),
    "touching vertex": (
        [[0, 0], [4, 0], [4, 4], [2, 0], [0, 4]],
        "self-intersecting",
    ),
    "crossing loop": (
        [[0, 0], [3, 0], [3, 3], [1, 3], [1, -1], [0, -1]],
        "self-intersecting",
    ),
    "wrong shape": ([[0, 0, 0], [1, 0, 0], [1, 1, 0]], "list of at least 3"),
}


@pytest.mark.parametrize("name", list(BAD_POLYGONS))
def test_bad_polygon_rejected(name: str) -> None:
    points, message = BAD_POLYGONS[name]
    with pytest.raises(ValueError, match=message):
        geometry.extrude(points, 1.0)


# --- terrain --------------------------------------------------------------------------

TERRAIN = TerrainParams(size=(120, 80), height=30, resolution=32, seed=5, peaks=4)


def test_terrain_deterministic() -> None:
    first = geometry.terrain(TERRAIN)
    second = geometry.terrain(TerrainParams(**vars(TERRAIN)))
    np.testing.assert_array_equal(first.positions, second.positions)
    np.testing.assert_array_equal(first.normals, second.normals)
    np.testing.assert_array_equal(first.indices, second.indices)


def test_terrain_seed_changes_relief() -> None:
    other = TerrainParams(**{**vars(TERRAIN), "seed": 6})
    first = geometry.terrain(TERRAIN).positions[:, 2]
    second = geometry.terrain(other).positions[:, 2]
    assert np.abs(first - second).max() > 0.1


def test_terrain_edges_on_ground() -> None:
    mesh = geometry.terrain(TERRAIN)
    x, y, z = mesh.positions.T
    edge = np.isclose(np.abs(x), 60) | np.isclose(np.abs(y), 40)
    np.testing.assert_array_equal(z[edge], 0.0)
    assert z.min() >= 0.0


def test_terrain_summit_at_centre() -> None:
    mesh = geometry.terrain(TERRAIN)
    top = mesh.positions[np.argmax(mesh.positions[:, 2])]
    np.testing.assert_allclose(top, [0, 0, 30])
    assert geometry.terrain_height(TERRAIN, 0.0, 0.0) == pytest.approx(30.0)


def test_terrain_vertex_count() -> None:
    mesh = geometry.terrain(TERRAIN)
    assert len(mesh.positions) == 33 * 33
    assert len(mesh.indices) == 32 * 32 * 6


def test_terrain_height_matches_mesh_surface() -> None:
    mesh = geometry.terrain(TERRAIN)
    rng = np.random.default_rng(0)
    points = rng.uniform([-60, -40], [60, 40], size=(200, 2))

    # Find each point's triangle by brute force with barycentric coordinates.
    corners = mesh.positions.astype(np.float64)[triangles(mesh)]
    a, b, c = corners[:, 0, :2], corners[:, 1, :2], corners[:, 2, :2]
    v0, v1 = b - a, c - a
    v2 = points[:, None, :] - a[None]
    denominator = v0[:, 0] * v1[:, 1] - v0[:, 1] * v1[:, 0]
    s = (v2[..., 0] * v1[:, 1] - v2[..., 1] * v1[:, 0]) / denominator
    t = (v0[:, 0] * v2[..., 1] - v0[:, 1] * v2[..., 0]) / denominator
    inside = (s >= -1e-9) & (t >= -1e-9) & (s + t <= 1 + 1e-9)
    face = np.argmax(inside, axis=1)
    rows = np.arange(len(points))
    z = corners[face, :, 2]
    expected = (
        z[:, 0]
        + s[rows, face] * (z[:, 1] - z[:, 0])
        + t[rows, face] * (z[:, 2] - z[:, 0])
    )

    heights = geometry.terrain_height(TERRAIN, points[:, 0], points[:, 1])
    np.testing.assert_allclose(heights, expected, atol=1e-4)


def test_terrain_height_at_vertices_and_outside() -> None:
    mesh = geometry.terrain(TERRAIN)
    x, y, z = mesh.positions.astype(np.float64).T
    np.testing.assert_allclose(geometry.terrain_height(TERRAIN, x, y), z, atol=1e-4)
    assert geometry.terrain_height(TERRAIN, 61.0, 0.0) == 0.0
    assert isinstance(geometry.terrain_height(TERRAIN, 1.0, 2.0), float)


def test_terrain_plateau_is_flat_at_height() -> None:
    params = TerrainParams(size=(100, 100), height=20, resolution=50, plateau_radius=8)
    offsets = np.linspace(-7.9, 7.9, 9)
    x, y = np.meshgrid(offsets, offsets)
    inside = np.hypot(x, y) <= 8
    heights = geometry.terrain_height(params, x[inside], y[inside])
    np.testing.assert_allclose(heights, 20.0)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"roughness": 1.0}, "roughness"),
        ({"resolution": 1}, "resolution"),
        ({"size": (10, -1)}, "size"),
        ({"height": 0}, "height"),
        ({"peaks": 0}, "peaks"),
        ({"plateau_radius": -1}, "plateau_radius"),
    ],
)
def test_terrain_params_rejected(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TerrainParams(**changes)  # type: ignore[arg-type]
