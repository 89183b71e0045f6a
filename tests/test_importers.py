"""Model import: glTF and OBJ files become Z-up scene-model nodes, or clear errors.

Sample models are Khronos glTF sample assets in the shared test-data folder
that conftest.SHARED_DATA names. They are read in place, with their folder as
the project root. Tests that need them are skipped, with the reason, when the
folder is absent. Broken and unsupported files are written by the tests.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
import trimesh
from conftest import REPO, shared_data
from PIL import Image
from scipy.spatial.transform import Rotation

from toolkit.errors import InvalidVenue, Origin
from toolkit.importers import (
    ImportedModel,
    clear_model_cache,
    import_model,
    import_model_result,
)
from toolkit.model import Mesh, Node, Primitive, SceneModel

ORIGIN = Origin(Path("scenes/hall.yaml"), 12, 5)
DOC = REPO / "docs" / "models.md"

FLOAT, UNSIGNED_BYTE, UNSIGNED_SHORT, BYTE = 5126, 5121, 5123, 5120

# Every sample model file, and the feature named by the error of those that
# are rejected; the others must import.
SAMPLE_FILES = {
    "Avocado/glTF/Avocado.gltf": None,
    "Box/glTF/Box.gltf": None,
    "Box/glTF-Binary/Box.glb": None,
    "Box/glTF-Embedded/Box.gltf": None,
    "Box/glTF-Draco/Box.gltf": "KHR_draco_mesh_compression",
    "BoxInterleaved/glTF/BoxInterleaved.gltf": None,
    "BoxInterleaved/glTF-Binary/BoxInterleaved.glb": None,
    "BoxTextured/glTF/BoxTextured.gltf": None,
    "BoxTextured/glTF-Binary/BoxTextured.glb": None,
    "BoxTextured/glTF-Embedded/BoxTextured.gltf": None,
    "Cameras/glTF/Cameras.gltf": None,
    "CesiumMilkTruck/glTF-Binary/CesiumMilkTruck.glb": None,
    "Duck/glTF/Duck.gltf": None,
    "Duck/glTF-Binary/Duck.glb": None,
    "EmissiveStrengthTest/glTF/EmissiveStrengthTest.gltf": None,
    "EmissiveStrengthTest/glTF-Binary/EmissiveStrengthTest.glb": None,
    "LightsPunctualLamp/glTF/LightsPunctualLamp.gltf": None,
    "SimpleSparseAccessor/glTF/SimpleSparseAccessor.gltf": None,
    "SimpleSparseAccessor/glTF-Embedded/SimpleSparseAccessor.gltf": None,
}


# --- helpers -----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """Give every test an empty import cache."""
    clear_model_cache()
    yield
    clear_model_cache()


@pytest.fixture
def samples() -> Path:
    """The sample model folder, used as the project root."""
    return shared_data("gltf")


def load_sample(samples: Path, name: str) -> ImportedModel:
    return import_model_result(samples / name, ORIGIN, samples)


def unsupported_section() -> str:
    """Return the text of docs/models.md's "Not supported" lists."""
    text = DOC.read_text(encoding="utf-8")
    sections = re.findall(r"Not supported.*?(?=\n## |\n### |\Z)", text, re.S)
    assert sections, "docs/models.md has no 'Not supported' section"
    return "\n".join(sections)


def walk(nodes: tuple[Node, ...]) -> Iterator[Node]:
    for node in nodes:
        yield node
        yield from walk(node.children)


def primitives(nodes: tuple[Node, ...]) -> list[Primitive]:
    return [p for node in walk(nodes) if node.mesh for p in node.mesh.primitives]


def local_matrix(node: Node) -> npt.NDArray[np.float64]:
    matrix = np.eye(4)
    rotation = Rotation.from_quat(node.rotation).as_matrix()
    matrix[:3, :3] = rotation * np.asarray(node.scale)
    matrix[:3, 3] = node.translation
    return matrix


def world_points(
    nodes: tuple[Node, ...], parent: npt.NDArray[np.float64] | None = None
) -> npt.NDArray[np.float64]:
    """Return every vertex of the node trees in world coordinates."""
    parent = np.eye(4) if parent is None else parent
    chunks = [np.zeros((0, 3))]
    for node in nodes:
        world = parent @ local_matrix(node)
        if node.mesh is not None:
            for primitive in node.mesh.primitives:
                points = primitive.positions.astype(np.float64)
                chunks.append(points @ world[:3, :3].T + world[:3, 3])
        chunks.append(world_points(node.children, world))
    return np.concatenate(chunks)


def y_up_bounds_to_z_up(bounds: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Turn [[min], [max]] Y-up bounds into Z-up: (x, y, z) -> (x, -z, y)."""
    (x0, y0, z0), (x1, y1, z1) = bounds
    return np.array([[x0, -z1, y0], [x1, -z0, y1]])


def reference_bounds(path: Path) -> npt.NDArray[np.float64]:
    """Return the Y-up bounds trimesh computes for a glTF file on its own."""
    return np.asarray(trimesh.load(path, force="scene").bounds)


def sample_buffer(path: Path, raw: dict[str, Any]) -> bytes:
    """Return buffer 0 of a sample .gltf file: a data: URI or a file beside it."""
    uri = str(raw["buffers"][0]["uri"])
    if uri.startswith("data:"):
        return base64.b64decode(uri.partition(",")[2])
    return (path.parent / uri).read_bytes()


def expect_error(path: Path, project: Path) -> str:
    with pytest.raises(InvalidVenue) as caught:
        import_model(path, ORIGIN, project)
    problems = caught.value.problems
    assert len(problems) >= 1
    assert problems[0].origin == ORIGIN
    return problems[0].message


class GltfBuilder:
    """Builds a small glTF file in code, with its buffer as a data: URI."""

    def __init__(self) -> None:
        self.json: dict[str, Any] = {
            "asset": {"version": "2.0"},
            "scene": 0,
            "scenes": [{"nodes": []}],
            "nodes": [],
            "meshes": [],
            "accessors": [],
            "bufferViews": [],
            "buffers": [],
        }
        self.blob = bytearray()

    def view(self, data: bytes, stride: int | None = None) -> int:
        while len(self.blob) % 4:
            self.blob.append(0)
        view: dict[str, Any] = {
            "buffer": 0,
            "byteOffset": len(self.blob),
            "byteLength": len(data),
        }
        if stride is not None:
            view["byteStride"] = stride
        self.blob.extend(data)
        self.json["bufferViews"].append(view)
        return len(self.json["bufferViews"]) - 1

    def accessor(
        self,
        values: Any,
        dtype: Any = np.float32,
        component_type: int = FLOAT,
        normalized: bool = False,
    ) -> int:
        array = np.asarray(values, dtype=dtype)
        array = array.reshape(len(array), -1)
        kinds = {1: "SCALAR", 2: "VEC2", 3: "VEC3", 4: "VEC4"}
        accessor: dict[str, Any] = {
            "bufferView": self.view(array.tobytes()),
            "componentType": component_type,
            "count": len(array),
            "type": kinds[array.shape[1]],
        }
        if normalized:
            accessor["normalized"] = True
        self.json["accessors"].append(accessor)
        return len(self.json["accessors"]) - 1

    def indices(self, values: Any) -> int:
        index = self.accessor(np.asarray(values).reshape(-1, 1), np.uint16)
        self.json["accessors"][index]["componentType"] = UNSIGNED_SHORT
        return index

    def mesh(self, attributes: dict[str, int], **primitive: Any) -> int:
        self.json["meshes"].append(
            {"primitives": [{"attributes": attributes, **primitive}]}
        )
        return len(self.json["meshes"]) - 1

    def node(self, root: bool = True, **fields: Any) -> int:
        self.json["nodes"].append(fields)
        index = len(self.json["nodes"]) - 1
        if root:
            self.json["scenes"][0]["nodes"].append(index)
        return index

    def triangle(self, **primitive: Any) -> int:
        """Add a node with one triangle in the glTF XY plane; return its mesh."""
        positions = [[0, 0, 0], [1, 0, 0], [0, 1, 0]]
        mesh = self.mesh({"POSITION": self.accessor(positions)}, **primitive)
        self.node(mesh=mesh)
        return mesh

    def write(self, path: Path) -> Path:
        encoded = base64.b64encode(bytes(self.blob)).decode("ascii")
        self.json["buffers"] = [
            {
                "byteLength": len(self.blob),
                "uri": f"data:application/octet-stream;base64,{encoded}",
            }
        ]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.json), encoding="utf-8")
        return path


def png_bytes(color: tuple[int, int, int] = (0, 128, 255)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), color).save(buffer, format="PNG")
    return buffer.getvalue()


def textured_triangle(builder: GltfBuilder, uri: str, **texture_info: Any) -> None:
    """Add a triangle whose material's base colour texture reads image `uri`."""
    builder.json["images"] = [{"uri": uri}]
    builder.json["textures"] = [{"source": 0}]
    builder.json["materials"] = [
        {"pbrMetallicRoughness": {"baseColorTexture": {"index": 0, **texture_info}}}
    ]
    uvs = builder.accessor([[0, 0], [1, 0], [0, 1]])
    positions = builder.accessor([[0, 0, 0], [1, 0, 0], [0, 1, 0]])
    mesh = builder.mesh({"POSITION": positions, "TEXCOORD_0": uvs}, material=0)
    builder.node(mesh=mesh)


# --- sample models -----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SAMPLE_FILES))
def test_sample_imports_or_names_feature(samples: Path, name: str) -> None:
    feature = SAMPLE_FILES[name]
    if feature is not None:
        message = expect_error(samples / name, samples)
        assert feature in message
        assert name in message
        assert feature in unsupported_section()
        return

    model = load_sample(samples, name)
    assert model.nodes
    found = primitives(model.nodes)
    assert found
    for primitive in found:
        count = len(primitive.positions)
        assert primitive.positions.shape == (count, 3)
        assert primitive.normals.shape == (count, 3)
        assert np.allclose(np.linalg.norm(primitive.normals, axis=1), 1.0, atol=1e-4)
        assert len(primitive.indices) % 3 == 0
        assert int(primitive.indices.max()) < count
        if primitive.material.base_color_texture is not None:
            assert primitive.uvs is not None
            assert primitive.uvs.shape == (count, 2)


@pytest.mark.parametrize(
    "name",
    [
        "Avocado/glTF/Avocado.gltf",
        "Duck/glTF/Duck.gltf",
        "Duck/glTF-Binary/Duck.glb",
        "CesiumMilkTruck/glTF-Binary/CesiumMilkTruck.glb",
        "EmissiveStrengthTest/glTF/EmissiveStrengthTest.gltf",
        "LightsPunctualLamp/glTF/LightsPunctualLamp.gltf",
        "Cameras/glTF/Cameras.gltf",
    ],
)
def test_sample_bounds_turn_to_z_up(samples: Path, name: str) -> None:
    expected = y_up_bounds_to_z_up(reference_bounds(samples / name))
    points = world_points(load_sample(samples, name).nodes)
    bounds = np.array([points.min(axis=0), points.max(axis=0)])
    assert np.allclose(bounds, expected, atol=1e-4), (bounds, expected)


def test_box_geometry_and_material(samples: Path) -> None:
    model = load_sample(samples, "Box/glTF/Box.gltf")
    (primitive,) = primitives(model.nodes)
    assert primitive.positions.shape == (24, 3)
    assert len(primitive.indices) == 36
    assert primitive.uvs is None
    points = world_points(model.nodes)
    assert np.allclose(points.min(axis=0), (-0.5, -0.5, -0.5))
    assert np.allclose(points.max(axis=0), (0.5, 0.5, 0.5))
    material = primitive.material
    assert material.name == "Red"
    assert material.base_color == pytest.approx((0.8, 0.0, 0.0, 1.0))
    assert material.metallic == 0.0
    assert material.roughness == 1.0  # glTF's default roughnessFactor


def test_box_matrix_node_is_decomposed(samples: Path) -> None:
    # Box's root matrix turns Z-up to Y-up: -90 degrees about X. Conjugating by
    # the import's +90 degrees about X leaves a -90 degree turn about X.
    (root,) = load_sample(samples, "Box/glTF/Box.gltf").nodes
    assert root.translation == (0.0, 0.0, 0.0)
    assert root.scale == pytest.approx((1.0, 1.0, 1.0))
    expected = Rotation.from_euler("x", -90, degrees=True).as_matrix()
    assert np.allclose(Rotation.from_quat(root.rotation).as_matrix(), expected)
    assert root.children[0].mesh is not None


def test_glb_embedded_and_separate_files_agree(samples: Path) -> None:
    variants = [
        "BoxTextured/glTF/BoxTextured.gltf",
        "BoxTextured/glTF-Binary/BoxTextured.glb",
        "BoxTextured/glTF-Embedded/BoxTextured.gltf",
    ]
    found = [primitives(load_sample(samples, name).nodes)[0] for name in variants]
    png = (samples / "BoxTextured/glTF/CesiumLogoFlat.png").read_bytes()
    for primitive in found:
        texture = primitive.material.base_color_texture
        assert texture is not None
        assert texture.mime_type == "image/png"
        assert texture.data == png
        assert texture.repeat
        assert np.array_equal(primitive.positions, found[0].positions)
        assert primitive.uvs is not None
        assert np.array_equal(primitive.uvs, np.asarray(found[0].uvs))


def test_interleaved_box_equals_separate_arrays(samples: Path) -> None:
    def corners(name: str) -> npt.NDArray[np.float32]:
        (primitive,) = primitives(load_sample(samples, name).nodes)
        rows = np.hstack([primitive.positions, primitive.normals])
        return rows[np.lexsort(rows.T[::-1])]

    interleaved = corners("BoxInterleaved/glTF/BoxInterleaved.gltf")
    assert np.allclose(interleaved, corners("Box/glTF/Box.gltf"))
    glb = corners("BoxInterleaved/glTF-Binary/BoxInterleaved.glb")
    assert np.array_equal(interleaved, glb)


@pytest.mark.parametrize(
    "name",
    [
        "SimpleSparseAccessor/glTF/SimpleSparseAccessor.gltf",
        "SimpleSparseAccessor/glTF-Embedded/SimpleSparseAccessor.gltf",
    ],
)
def test_sparse_accessor_substitutes_values(samples: Path, name: str) -> None:
    raw = json.loads((samples / name).read_text(encoding="utf-8"))
    sparse = raw["accessors"][1]["sparse"]
    buffer = sample_buffer(samples / name, raw)
    view = raw["bufferViews"][sparse["values"]["bufferView"]]
    start = view.get("byteOffset", 0) + sparse["values"].get("byteOffset", 0)
    values = np.frombuffer(buffer, "<f4", sparse["count"] * 3, start).reshape(-1, 3)

    (primitive,) = primitives(load_sample(samples, name).nodes)
    unique = np.unique(primitive.positions, axis=0)
    assert len(unique) == raw["accessors"][1]["count"]
    # The base grid has heights 0 and 1 (glTF y, the authors' z); the sparse
    # values lift some vertices higher.
    lifted = unique[unique[:, 2] > 1.0]
    expected = values[values[:, 1] > 1.0][:, [0, 2, 1]] * (1.0, -1.0, 1.0)
    assert len(lifted) == len(expected) > 0
    assert np.allclose(np.sort(lifted, axis=0), np.sort(expected, axis=0))
    # Without normals, the importer computes flat ones: 3 vertices a triangle.
    assert len(primitive.positions) == len(primitive.indices) == 36


def test_shared_mesh_stays_one_object(samples: Path) -> None:
    model = load_sample(samples, "CesiumMilkTruck/glTF-Binary/CesiumMilkTruck.glb")
    wheels = [node.mesh for node in walk(model.nodes) if node.name.startswith("Wheels")]
    assert len(wheels) == 2
    assert wheels[0] is wheels[1]
    (truck,) = [n.mesh for n in walk(model.nodes) if n.name == "Cesium_Milk_Truck"]
    assert truck is not None
    textures = {p.material.base_color_texture for p in truck.primitives}
    jpeg = [t for t in textures if t is not None]
    assert jpeg and all(t.mime_type == "image/jpeg" for t in jpeg)


def test_animations_dropped_with_warning(samples: Path) -> None:
    model = load_sample(samples, "CesiumMilkTruck/glTF-Binary/CesiumMilkTruck.glb")
    assert any("animation" in warning for warning in model.warnings)


def test_cameras_ignored_with_warning(samples: Path) -> None:
    model = load_sample(samples, "Cameras/glTF/Cameras.gltf")
    assert any("camera" in warning for warning in model.warnings)
    assert len(model.nodes) == 1
    assert model.nodes[0].mesh is not None


def test_emissive_strength_kept(samples: Path) -> None:
    model = load_sample(samples, "EmissiveStrengthTest/glTF/EmissiveStrengthTest.gltf")
    materials = {p.material.name: p.material for p in primitives(model.nodes)}
    assert materials["Emit4"].emissive_strength == 4.0
    assert materials["Emit16"].emissive_strength == 16.0
    assert materials["Emit4"].emissive == pytest.approx((0.1, 0.5, 0.9))
    assert materials["FlatBackdrop"].emissive_strength == 1.0
    grid = next(n for n in walk(model.nodes) if n.name == "MeterGrid")
    assert grid.translation == pytest.approx((0.0, 2.0, 0.0))  # glTF z -2


def test_lamp_lights_and_transmission_dropped(samples: Path) -> None:
    model = load_sample(samples, "LightsPunctualLamp/glTF/LightsPunctualLamp.gltf")
    assert any("KHR_lights_punctual" in warning for warning in model.warnings)
    assert any("KHR_materials_transmission" in warning for warning in model.warnings)
    assert all(node.mesh is not None for node in walk(model.nodes))
    lamp = primitives(model.nodes)[0]
    assert lamp.tangents is not None
    assert np.allclose(np.abs(lamp.tangents[:, 3]), 1.0)
    assert lamp.material.double_sided
    assert lamp.material.emissive_texture is not None
    assert lamp.material.base_color_texture is not None
    assert lamp.material.base_color_texture.mime_type == "image/jpeg"
    assert not lamp.material.base_color_texture.repeat  # CLAMP_TO_EDGE sampler


def test_avocado_textures_and_tangents(samples: Path) -> None:
    model = load_sample(samples, "Avocado/glTF/Avocado.gltf")
    (primitive,) = primitives(model.nodes)
    material = primitive.material
    assert material.normal_texture is not None
    assert material.metallic_roughness_texture is not None
    assert primitive.tangents is not None
    # A tangent is perpendicular to its normal in either frame.
    dots = np.sum(primitive.tangents[:, :3] * primitive.normals, axis=1)
    assert np.abs(dots).max() < 0.05


def test_cache_returns_same_meshes_until_file_changes(tmp_path: Path) -> None:
    source = shared_data("gltf", "Box", "glTF-Binary", "Box.glb")
    model = tmp_path / "assets" / "box.glb"
    model.parent.mkdir()
    shutil.copyfile(source, model)
    first = import_model(model, ORIGIN, tmp_path)
    again = import_model(Path("assets/box.glb"), ORIGIN, tmp_path)
    assert again[0] is first[0]
    assert first[0].children[0].mesh is again[0].children[0].mesh

    stamp = model.stat().st_mtime_ns + 5_000_000_000
    os.utime(model, ns=(stamp, stamp))
    changed = import_model(model, ORIGIN, tmp_path)
    assert changed[0] is not first[0]


# --- round trip through the GLB writer ---------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Box/glTF/Box.gltf",
        "BoxTextured/glTF-Binary/BoxTextured.glb",
        "Duck/glTF/Duck.gltf",
        "Avocado/glTF/Avocado.gltf",
        "CesiumMilkTruck/glTF-Binary/CesiumMilkTruck.glb",
        "EmissiveStrengthTest/glTF-Binary/EmissiveStrengthTest.glb",
        "LightsPunctualLamp/glTF/LightsPunctualLamp.gltf",
    ],
)
def test_round_trip_keeps_orientation(samples: Path, name: str) -> None:
    write_glb = pytest.importorskip("toolkit.gltf").write_glb
    nodes = import_model(samples / name, ORIGIN, samples)
    data = write_glb(SceneModel("round-trip", nodes))
    written = trimesh.load(io.BytesIO(data), file_type="glb", force="scene")
    assert np.allclose(written.bounds, reference_bounds(samples / name), atol=1e-4)


def test_round_trip_sparse_uses_substituted_bounds(samples: Path) -> None:
    # trimesh 5.2 ignores sparse accessors, so the accessor's max is the reference.
    write_glb = pytest.importorskip("toolkit.gltf").write_glb
    name = "SimpleSparseAccessor/glTF/SimpleSparseAccessor.gltf"
    raw = json.loads((samples / name).read_text(encoding="utf-8"))
    nodes = import_model(samples / name, ORIGIN, samples)
    data = write_glb(SceneModel("sparse", nodes))
    written = trimesh.load(io.BytesIO(data), file_type="glb", force="scene")
    assert np.allclose(written.bounds[0], raw["accessors"][1]["min"])
    assert np.allclose(written.bounds[1], raw["accessors"][1]["max"])


def test_round_trip_glb_passes_validator(samples: Path) -> None:
    validator = pytest.importorskip("gltf_validator")
    write_glb = pytest.importorskip("toolkit.gltf").write_glb
    name = "LightsPunctualLamp/glTF/LightsPunctualLamp.gltf"
    nodes = import_model(samples / name, ORIGIN, samples)
    validator.assert_valid_glb(write_glb(SceneModel("lamp", nodes)))


# --- glTF features, on files written here ------------------------------------------


def test_trs_node_conjugated_to_z_up(tmp_path: Path) -> None:
    builder = GltfBuilder()
    rotation = Rotation.from_euler("xyz", [20, 35, -50], degrees=True).as_quat()
    positions = [[0.2, 0.5, -1.0], [1.5, 0.0, 0.3], [0.0, 2.0, 0.7]]
    mesh = builder.mesh({"POSITION": builder.accessor(positions)})
    builder.node(
        mesh=mesh,
        translation=[1.0, 2.0, 3.0],
        rotation=list(rotation),
        scale=[1.0, 2.0, 3.0],
    )
    path = builder.write(tmp_path / "trs.gltf")

    (node,) = import_model(path, ORIGIN, tmp_path)
    assert node.translation == pytest.approx((1.0, -3.0, 2.0))
    assert node.scale == pytest.approx((1.0, 3.0, 2.0))
    scaled = np.asarray(positions) * [1.0, 2.0, 3.0]
    gltf_world = Rotation.from_quat(rotation).apply(scaled) + np.array([1.0, 2.0, 3.0])
    expected = gltf_world[:, [0, 2, 1]] * [1.0, -1.0, 1.0]
    assert np.allclose(world_points((node,)), expected, atol=1e-5)


def test_matrix_node_decomposed(tmp_path: Path) -> None:
    builder = GltfBuilder()
    turn = Rotation.from_euler("y", 90, degrees=True).as_matrix()
    matrix = np.eye(4)
    matrix[:3, :3] = turn * 2.0
    matrix[:3, 3] = (1.0, 2.0, 3.0)
    mesh = builder.triangle()
    builder.json["nodes"][0]["matrix"] = list(matrix.T.reshape(-1))  # column-major
    builder.json["nodes"][0]["mesh"] = mesh
    path = builder.write(tmp_path / "matrix.gltf")

    (node,) = import_model(path, ORIGIN, tmp_path)
    assert node.translation == pytest.approx((1.0, -3.0, 2.0))
    assert node.scale == pytest.approx((2.0, 2.0, 2.0))
    # A turn about glTF's up (Y) is a turn about the authors' up (Z).
    expected = Rotation.from_euler("z", 90, degrees=True).as_matrix()
    assert np.allclose(Rotation.from_quat(node.rotation).as_matrix(), expected)


def test_mesh_used_twice_is_one_mesh(tmp_path: Path) -> None:
    builder = GltfBuilder()
    mesh = builder.triangle()
    builder.node(mesh=mesh, translation=[5.0, 0.0, 0.0])
    path = builder.write(tmp_path / "twice.gltf")
    first, second = import_model(path, ORIGIN, tmp_path)
    assert isinstance(first.mesh, Mesh)
    assert first.mesh is second.mesh
    assert first.mesh.primitives[0].material is second.mesh.primitives[0].material


def test_interleaved_view_equals_separate_views(tmp_path: Path) -> None:
    positions = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [1, 1, 0]], np.float32)
    normals = np.tile(np.array([[0, 0, 1]], np.float32), (4, 1))
    uvs = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], np.float32)
    indices = [0, 1, 2, 2, 1, 3]

    separate = GltfBuilder()
    separate.mesh(
        {
            "POSITION": separate.accessor(positions),
            "NORMAL": separate.accessor(normals),
            "TEXCOORD_0": separate.accessor(uvs),
        },
        indices=separate.indices(indices),
    )
    separate.node(mesh=0)

    interleaved = GltfBuilder()
    rows = np.hstack([positions, normals, uvs]).astype(np.float32)
    view = interleaved.view(rows.tobytes(), stride=32)
    for offset, kind in ((0, "VEC3"), (12, "VEC3"), (24, "VEC2")):
        interleaved.json["accessors"].append(
            {
                "bufferView": view,
                "byteOffset": offset,
                "componentType": FLOAT,
                "count": 4,
                "type": kind,
            }
        )
    interleaved.mesh(
        {"POSITION": 0, "NORMAL": 1, "TEXCOORD_0": 2},
        indices=interleaved.indices(indices),
    )
    interleaved.node(mesh=0)

    (a,) = primitives(
        import_model(separate.write(tmp_path / "a.gltf"), ORIGIN, tmp_path)
    )
    (b,) = primitives(
        import_model(interleaved.write(tmp_path / "b.gltf"), ORIGIN, tmp_path)
    )
    assert np.array_equal(a.positions, b.positions)
    assert np.array_equal(a.normals, b.normals)
    assert a.uvs is not None
    assert b.uvs is not None
    assert np.array_equal(a.uvs, b.uvs)
    assert np.array_equal(a.indices, b.indices)
    assert np.array_equal(a.normals[0], [0.0, -1.0, 0.0])  # glTF +Z is authors' -Y


def test_sparse_without_buffer_view_starts_from_zeros(tmp_path: Path) -> None:
    builder = GltfBuilder()
    targets = builder.view(np.array([1, 2], np.uint16).tobytes())
    values = builder.view(np.array([[1, 0, 0], [0, 1, 0]], np.float32).tobytes())
    builder.json["accessors"].append(
        {
            "componentType": FLOAT,
            "count": 3,
            "type": "VEC3",
            "sparse": {
                "count": 2,
                "indices": {"bufferView": targets, "componentType": UNSIGNED_SHORT},
                "values": {"bufferView": values},
            },
        }
    )
    builder.mesh({"POSITION": 0})
    builder.node(mesh=0)
    path = builder.write(tmp_path / "sparse.gltf")
    (primitive,) = primitives(import_model(path, ORIGIN, tmp_path))
    assert np.allclose(primitive.positions, [[0, 0, 0], [1, 0, 0], [0, 0, 1]])


def test_normalized_attributes_become_floats(tmp_path: Path) -> None:
    builder = GltfBuilder()
    positions = builder.accessor([[0, 0, 0], [1, 0, 0], [0, 1, 0]])
    colors = builder.accessor(
        [[255, 0, 0], [0, 255, 0], [0, 0, 51]], np.uint8, UNSIGNED_BYTE, True
    )
    uvs = builder.accessor(
        [[0, 0], [65535, 0], [0, 65535]], np.uint16, UNSIGNED_SHORT, True
    )
    normals = builder.accessor([[0, 0, 127]] * 3, np.int8, BYTE, True)
    builder.mesh(
        {"POSITION": positions, "COLOR_0": colors, "TEXCOORD_0": uvs, "NORMAL": normals}
    )
    builder.node(mesh=0)
    path = builder.write(tmp_path / "normalized.gltf")
    (primitive,) = primitives(import_model(path, ORIGIN, tmp_path))
    assert primitive.colors is not None
    assert np.allclose(primitive.colors[2], (0.0, 0.0, 0.2, 1.0))
    assert primitive.uvs is not None
    assert np.allclose(primitive.uvs, [[0, 0], [1, 0], [0, 1]])
    assert np.allclose(primitive.normals, [[0, -1, 0]] * 3)


@pytest.mark.parametrize(
    ("mode", "indices", "expected"),
    [
        (5, [0, 1, 2, 3, 4], [0, 1, 2, 1, 3, 2, 2, 3, 4]),
        (6, [0, 1, 2, 3], [1, 2, 0, 2, 3, 0]),
    ],
)
def test_strip_and_fan_become_triangles(
    tmp_path: Path, mode: int, indices: list[int], expected: list[int]
) -> None:
    builder = GltfBuilder()
    points = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 2, 0]]
    builder.mesh(
        {
            "POSITION": builder.accessor(points),
            "NORMAL": builder.accessor([[0, 0, 1]] * 5),
        },
        indices=builder.indices(indices),
        mode=mode,
    )
    builder.node(mesh=0)
    path = builder.write(tmp_path / "strip.gltf")
    (primitive,) = primitives(import_model(path, ORIGIN, tmp_path))
    assert primitive.indices.tolist() == expected


def test_strip_keeps_one_winding(tmp_path: Path) -> None:
    builder = GltfBuilder()
    points = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 2, 0], [1, 2, 0]]
    builder.mesh({"POSITION": builder.accessor(points)}, mode=5)
    builder.node(mesh=0)
    path = builder.write(tmp_path / "winding.gltf")
    (primitive,) = primitives(import_model(path, ORIGIN, tmp_path))
    # Flat normals of every strip triangle face the same way: glTF +Z.
    assert np.allclose(primitive.normals, [[0.0, -1.0, 0.0]] * len(primitive.normals))


def test_missing_normals_are_flat(tmp_path: Path) -> None:
    builder = GltfBuilder()
    positions = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]]
    builder.mesh(
        {"POSITION": builder.accessor(positions)},
        indices=builder.indices([0, 1, 2, 0, 2, 3]),
    )
    builder.node(mesh=0)
    path = builder.write(tmp_path / "flat.gltf")
    (primitive,) = primitives(import_model(path, ORIGIN, tmp_path))
    assert len(primitive.positions) == 6
    assert primitive.indices.tolist() == list(range(6))
    # The face normals glTF +Z and +X become the authors' -Y and +X.
    assert np.allclose(primitive.normals[:3], [[0, -1, 0]] * 3)
    assert np.allclose(primitive.normals[3:], [[1, 0, 0]] * 3)


def test_default_material_is_gltf_default(tmp_path: Path) -> None:
    builder = GltfBuilder()
    builder.triangle()
    path = builder.write(tmp_path / "plain.gltf")
    (primitive,) = primitives(import_model(path, ORIGIN, tmp_path))
    material = primitive.material
    assert material.base_color == (1.0, 1.0, 1.0, 1.0)
    assert material.metallic == 1.0
    assert material.roughness == 1.0


def test_material_properties_kept(tmp_path: Path) -> None:
    builder = GltfBuilder()
    builder.json["extensionsUsed"] = ["KHR_materials_unlit"]
    builder.json["materials"] = [
        {
            "name": "leaf",
            "pbrMetallicRoughness": {
                "baseColorFactor": [0.1, 0.6, 0.2, 0.5],
                "metallicFactor": 0.25,
                "roughnessFactor": 0.75,
            },
            "emissiveFactor": [0.5, 0.25, 0.0],
            "alphaMode": "MASK",
            "alphaCutoff": 0.3,
            "doubleSided": True,
            "extensions": {"KHR_materials_unlit": {}},
        }
    ]
    builder.triangle(material=0)
    path = builder.write(tmp_path / "leaf.gltf")
    model = import_model_result(path, ORIGIN, tmp_path)
    assert model.warnings == ()
    material = primitives(model.nodes)[0].material
    assert material.name == "leaf"
    assert material.base_color == pytest.approx((0.1, 0.6, 0.2, 0.5))
    assert (material.metallic, material.roughness) == (0.25, 0.75)
    assert material.emissive == (0.5, 0.25, 0.0)
    assert (material.alpha_mode, material.alpha_cutoff) == ("MASK", 0.3)
    assert material.double_sided
    assert material.unlit


def test_texture_transform_baked_into_uvs(tmp_path: Path) -> None:
    (tmp_path / "t.png").write_bytes(png_bytes())
    builder = GltfBuilder()
    transform = {"offset": [0.5, 0.25], "scale": [2.0, 4.0]}
    textured_triangle(builder, "t.png", extensions={"KHR_texture_transform": transform})
    builder.json["extensionsUsed"] = ["KHR_texture_transform"]
    builder.json["extensionsRequired"] = ["KHR_texture_transform"]
    path = builder.write(tmp_path / "transform.gltf")
    (primitive,) = primitives(import_model(path, ORIGIN, tmp_path))
    assert primitive.uvs is not None
    assert np.allclose(primitive.uvs, [[0.5, 0.25], [2.5, 0.25], [0.5, 4.25]])


def test_texture_transform_rotation_matches_spec_example(tmp_path: Path) -> None:
    # The KHR_texture_transform README's example: offset (0, 1), a quarter
    # turn and half scale select the lower left quadrant, turned clockwise.
    (tmp_path / "t.png").write_bytes(png_bytes())
    builder = GltfBuilder()
    transform = {"offset": [0, 1], "rotation": np.pi / 2, "scale": [0.5, 0.5]}
    textured_triangle(builder, "t.png", extensions={"KHR_texture_transform": transform})
    path = builder.write(tmp_path / "quadrant.gltf")
    (primitive,) = primitives(import_model(path, ORIGIN, tmp_path))
    assert primitive.uvs is not None
    assert np.allclose(primitive.uvs, [[0.0, 1.0], [0.0, 0.5], [0.5, 1.0]])


def test_second_uv_set_texture_dropped_with_warning(tmp_path: Path) -> None:
    (tmp_path / "t.png").write_bytes(png_bytes())
    builder = GltfBuilder()
    textured_triangle(builder, "t.png")
    builder.json["materials"][0]["occlusionTexture"] = {"index": 0, "texCoord": 1}
    path = builder.write(tmp_path / "two-sets.gltf")
    model = import_model_result(path, ORIGIN, tmp_path)
    material = primitives(model.nodes)[0].material
    assert material.base_color_texture is not None
    assert material.occlusion_texture is None
    assert any("TEXCOORD_1" in warning for warning in model.warnings)


def test_texture_on_second_set_reads_that_set(tmp_path: Path) -> None:
    (tmp_path / "t.png").write_bytes(png_bytes())
    builder = GltfBuilder()
    textured_triangle(builder, "t.png", texCoord=1)
    mesh = builder.json["meshes"][0]["primitives"][0]
    mesh["attributes"]["TEXCOORD_1"] = builder.accessor([[0.5, 0.5]] * 3)
    path = builder.write(tmp_path / "set1.gltf")
    (primitive,) = primitives(import_model(path, ORIGIN, tmp_path))
    assert primitive.uvs is not None
    assert np.allclose(primitive.uvs, 0.5)


def test_webp_with_png_fallback_uses_fallback(tmp_path: Path) -> None:
    (tmp_path / "t.png").write_bytes(png_bytes())
    builder = GltfBuilder()
    textured_triangle(builder, "t.png")
    builder.json["textures"][0]["extensions"] = {"EXT_texture_webp": {"source": 1}}
    builder.json["images"].append({"uri": "t.webp"})
    builder.json["extensionsUsed"] = ["EXT_texture_webp"]
    path = builder.write(tmp_path / "fallback.gltf")
    (primitive,) = primitives(import_model(path, ORIGIN, tmp_path))
    texture = primitive.material.base_color_texture
    assert texture is not None
    assert texture.data == png_bytes()


# --- unsupported features ----------------------------------------------------------


def _draco(builder: GltfBuilder) -> None:
    builder.triangle()
    builder.json["extensionsUsed"] = ["KHR_draco_mesh_compression"]
    builder.json["extensionsRequired"] = ["KHR_draco_mesh_compression"]


def _meshopt(builder: GltfBuilder) -> None:
    builder.triangle()
    builder.json["extensionsRequired"] = ["EXT_meshopt_compression"]


def _basisu(builder: GltfBuilder) -> None:
    builder.triangle()
    builder.json["extensionsRequired"] = ["KHR_texture_basisu"]


def _unknown_required(builder: GltfBuilder) -> None:
    builder.triangle()
    builder.json["extensionsRequired"] = ["EXT_made_up_feature"]


def _skin(builder: GltfBuilder) -> None:
    builder.triangle()
    builder.json["skins"] = [{"joints": [0]}]
    builder.json["nodes"][0]["skin"] = 0


def _morph_targets(builder: GltfBuilder) -> None:
    offsets = builder.accessor([[0, 0, 1]] * 3)
    builder.triangle(targets=[{"POSITION": offsets}])


def _lines(builder: GltfBuilder) -> None:
    builder.triangle(mode=1)


def _points(builder: GltfBuilder) -> None:
    builder.triangle(mode=0)


def _webp_only(builder: GltfBuilder) -> None:
    textured_triangle(builder, "t.png")
    del builder.json["textures"][0]["source"]
    builder.json["textures"][0]["extensions"] = {"EXT_texture_webp": {"source": 0}}


def _gif_image(builder: GltfBuilder) -> None:
    textured_triangle(builder, "data:image/gif;base64,R0lGODlhAQABAAAAACw=")


def _http_image(builder: GltfBuilder) -> None:
    textured_triangle(builder, "http://127.0.0.1:9/texture.png")


def _http_buffer(builder: GltfBuilder) -> None:
    builder.triangle()
    builder.json["images"] = [{"uri": "file:///etc/passwd"}]
    builder.json["textures"] = [{"source": 0}]
    builder.json["materials"] = [{"emissiveTexture": {"index": 0}}]
    builder.json["meshes"][0]["primitives"][0]["material"] = 0


def _absolute_image(builder: GltfBuilder) -> None:
    textured_triangle(builder, "/etc/hostname")


def _escaping_image(builder: GltfBuilder) -> None:
    textured_triangle(builder, "../../../outside.png")


def _gltf_1(builder: GltfBuilder) -> None:
    builder.triangle()
    builder.json["asset"]["version"] = "1.0"


UNSUPPORTED_CASES = {
    "draco": (_draco, "KHR_draco_mesh_compression"),
    "meshopt": (_meshopt, "EXT_meshopt_compression"),
    "basisu": (_basisu, "KHR_texture_basisu"),
    "unknown-required": (_unknown_required, "extensionsRequired"),
    "skin": (_skin, "skins"),
    "morph-targets": (_morph_targets, "morph targets"),
    "lines": (_lines, "LINES"),
    "points": (_points, "POINTS"),
    "webp-only": (_webp_only, "EXT_texture_webp"),
    "gif": (_gif_image, "image format"),
    "http-image": (_http_image, "external URL"),
    "file-url": (_http_buffer, "external URL"),
    "absolute-path": (_absolute_image, "absolute path"),
    "escaping-path": (_escaping_image, "outside the project"),
    "gltf-1": (_gltf_1, "glTF 1.0"),
}


@pytest.mark.parametrize("case", sorted(UNSUPPORTED_CASES))
def test_unsupported_feature_names_documented_feature(
    tmp_path: Path, case: str
) -> None:
    build, feature = UNSUPPORTED_CASES[case]
    project = tmp_path / "project"
    (project / "assets" / "models").mkdir(parents=True)
    (project / "assets" / "models" / "t.png").write_bytes(png_bytes())
    (tmp_path / "outside.png").write_bytes(png_bytes())
    builder = GltfBuilder()
    build(builder)
    path = builder.write(project / "assets" / "models" / "case.gltf")

    message = expect_error(path, project)
    assert message.startswith("model assets/models/case.gltf ")
    assert feature in message
    assert "not supported; " in message
    assert feature in unsupported_section()


def test_glb_version_1_rejected(tmp_path: Path) -> None:
    path = tmp_path / "old.glb"
    path.write_bytes(struct.pack("<4sII", b"glTF", 1, 20) + bytes(8))
    message = expect_error(path, tmp_path)
    assert "GLB version 1" in message
    assert "GLB version 1" in unsupported_section()


def test_symlink_out_of_project_rejected(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (tmp_path / "secret.png").write_bytes(png_bytes())
    (project / "link.png").symlink_to(tmp_path / "secret.png")
    builder = GltfBuilder()
    textured_triangle(builder, "link.png")
    path = builder.write(project / "linked.gltf")
    message = expect_error(path, project)
    assert "outside the project" in message


def test_obj_lines_only_rejected(tmp_path: Path) -> None:
    path = tmp_path / "lines.obj"
    path.write_text("v 0 0 0\nv 1 0 0\nl 1 2\n", encoding="utf-8")
    message = expect_error(path, tmp_path)
    feature = "OBJ points or lines without faces"
    assert feature in message
    assert feature in unsupported_section()


# --- broken files ------------------------------------------------------------------


def _write_glb(path: Path, document: dict[str, Any], binary: bytes) -> Path:
    text = json.dumps(document).encode("utf-8")
    text += b" " * (-len(text) % 4)
    binary += b"\0" * (-len(binary) % 4)
    body = struct.pack("<II", len(text), 0x4E4F534A) + text
    body += struct.pack("<II", len(binary), 0x004E4942) + binary
    path.write_bytes(struct.pack("<4sII", b"glTF", 2, 12 + len(body)) + body)
    return path


def test_glb_written_here_imports(tmp_path: Path) -> None:
    builder = GltfBuilder()
    builder.triangle()
    builder.json["buffers"] = [{"byteLength": len(builder.blob)}]
    path = _write_glb(tmp_path / "ok.glb", builder.json, bytes(builder.blob))
    (primitive,) = primitives(import_model(path, ORIGIN, tmp_path))
    assert len(primitive.positions) == 3


def _broken_json(tmp_path: Path) -> Path:
    path = tmp_path / "broken.gltf"
    path.write_text('{"asset": {"version": "2.0"},\n  "nodes": [}', encoding="utf-8")
    return path


def _bad_magic(tmp_path: Path) -> Path:
    path = tmp_path / "bad.glb"
    path.write_bytes(b"GLTF" + bytes(20))
    return path


def _short_glb(tmp_path: Path) -> Path:
    path = tmp_path / "short.glb"
    path.write_bytes(b"glTF\x02\x00")
    return path


def _cut_glb(tmp_path: Path) -> Path:
    builder = GltfBuilder()
    builder.triangle()
    builder.json["buffers"] = [{"byteLength": len(builder.blob)}]
    path = _write_glb(tmp_path / "cut.glb", builder.json, bytes(builder.blob))
    path.write_bytes(path.read_bytes()[:-8])
    return path


def _truncated_buffer(tmp_path: Path) -> Path:
    builder = GltfBuilder()
    builder.triangle()
    path = builder.write(tmp_path / "truncated.gltf")
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["buffers"][0]["byteLength"] += 64
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def _accessor_out_of_range(tmp_path: Path) -> Path:
    builder = GltfBuilder()
    builder.triangle()
    builder.json["accessors"][0]["count"] = 30
    return builder.write(tmp_path / "accessor.gltf")


def _view_out_of_range(tmp_path: Path) -> Path:
    builder = GltfBuilder()
    builder.triangle()
    builder.json["bufferViews"][0]["byteOffset"] = 4096
    return builder.write(tmp_path / "view.gltf")


def _index_out_of_range(tmp_path: Path) -> Path:
    builder = GltfBuilder()
    builder.triangle(indices=builder.indices([0, 1, 7]))
    return builder.write(tmp_path / "index.gltf")


def _missing_bin(tmp_path: Path) -> Path:
    builder = GltfBuilder()
    builder.triangle()
    path = builder.write(tmp_path / "nobin.gltf")
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["buffers"][0]["uri"] = "nobin.bin"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def _missing_mesh(tmp_path: Path) -> Path:
    builder = GltfBuilder()
    builder.node(mesh=5)
    return builder.write(tmp_path / "nomesh.gltf")


def _nan_position(tmp_path: Path) -> Path:
    builder = GltfBuilder()
    positions = builder.accessor([[0, 0, 0], [np.nan, 0, 0], [0, 1, 0]])
    builder.node(mesh=builder.mesh({"POSITION": positions}))
    return builder.write(tmp_path / "nan.gltf")


def _cycle(tmp_path: Path) -> Path:
    builder = GltfBuilder()
    builder.node(children=[1])
    builder.node(root=False, children=[0])
    return builder.write(tmp_path / "cycle.gltf")


def _two_parents(tmp_path: Path) -> Path:
    builder = GltfBuilder()
    builder.node(children=[2])
    builder.node(children=[2])
    builder.node(root=False)
    return builder.write(tmp_path / "parents.gltf")


def _malformed(tmp_path: Path) -> Path:
    builder = GltfBuilder()
    builder.triangle()
    builder.json["meshes"][0]["primitives"][0]["attributes"] = "POSITION"
    return builder.write(tmp_path / "malformed.gltf")


def _missing_file(tmp_path: Path) -> Path:
    return tmp_path / "missing.glb"


def _fbx(tmp_path: Path) -> Path:
    path = tmp_path / "model.fbx"
    path.write_bytes(b"Kaydara FBX Binary")
    return path


BROKEN_CASES = {
    "invalid-json": (_broken_json, "is not valid JSON: Expecting value at line 2"),
    "bad-glb-magic": (_bad_magic, "is not a valid GLB file"),
    "short-glb": (_short_glb, "shorter than the 12-byte header"),
    "cut-glb": (_cut_glb, "is not a valid GLB file"),
    "truncated-buffer": (_truncated_buffer, "buffer 0 is truncated"),
    "accessor-range": (_accessor_out_of_range, "accessor 0 is out of range"),
    "view-range": (_view_out_of_range, "bufferView 0"),
    "index-range": (_index_out_of_range, "vertex index 7"),
    "missing-bin": (_missing_bin, "buffer 0 file 'nobin.bin' not found"),
    "missing-mesh": (_missing_mesh, "meshes[5]"),
    "nan": (_nan_position, "NaN"),
    "cycle": (_cycle, "root node 0 is also the child of node 1"),
    "two-parents": (_two_parents, "node 2 has more than one parent"),
    "malformed": (_malformed, "is not valid glTF"),
    "missing-file": (_missing_file, "missing.glb: not found"),
    "unknown-suffix": (_fbx, "format .fbx"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_CASES))
def test_broken_file_error_names_model(tmp_path: Path, case: str) -> None:
    make, expected = BROKEN_CASES[case]
    path = make(tmp_path)
    message = expect_error(path, tmp_path)
    assert message.startswith(f"model {path.name}")
    assert expected in message


def test_model_outside_project_rejected(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    builder = GltfBuilder()
    builder.triangle()
    path = builder.write(tmp_path / "elsewhere.gltf")
    assert "outside the project" in expect_error(path, project)


# --- OBJ ---------------------------------------------------------------------------

OBJ = """\
mtllib materials/shop.mtl
o Sign
v 0 0 0
v 2 0 0
v 2 1 0
v 0 1 0
vt 0 0
vt 1 0
vt 1 1
vt 0 1
vn 0 0 1
usemtl poster
f 1/1/1 2/2/1 3/3/1 4/4/1
o Glass
v 0 0 1
v 1 0 1
v 0 0 2
usemtl glass
f 5 6 7
"""

MTL = """\
newmtl poster
Kd 1 1 1
map_Kd ../textures/poster.png
newmtl glass
Kd 0.2 0.4 0.6
d 0.25
Ns 0
"""


def write_obj(project: Path, obj: str = OBJ, mtl: str = MTL) -> Path:
    folder = project / "assets" / "shop"
    (folder / "materials").mkdir(parents=True)
    (folder / "textures").mkdir()
    (folder / "textures" / "poster.png").write_bytes(png_bytes())
    (folder / "materials" / "shop.mtl").write_text(mtl, encoding="utf-8")
    path = folder / "shop.obj"
    path.write_text(obj, encoding="utf-8")
    return path


def obj_nodes(project: Path, path: Path) -> dict[str, Node]:
    return {node.name: node for node in import_model(path, ORIGIN, project)}


def test_obj_geometry_turns_to_z_up(tmp_path: Path) -> None:
    nodes = obj_nodes(tmp_path, write_obj(tmp_path))
    assert set(nodes) == {"Sign_poster", "Glass_glass"}
    sign = nodes["Sign_poster"].mesh
    assert sign is not None
    (primitive,) = sign.primitives
    assert len(primitive.indices) == 6  # the quad is triangulated
    rows = {tuple(p) for p in primitive.positions.tolist()}
    assert rows == {(0, 0, 0), (2, 0, 0), (2, 0, 1), (0, 0, 1)}
    assert np.allclose(primitive.normals, [[0, -1, 0]] * 4)  # OBJ +Z is -Y


def test_obj_uvs_flip_to_gltf_convention(tmp_path: Path) -> None:
    nodes = obj_nodes(tmp_path, write_obj(tmp_path))
    mesh = nodes["Sign_poster"].mesh
    assert mesh is not None
    (primitive,) = mesh.primitives
    assert primitive.uvs is not None
    by_position = {
        tuple(p): tuple(uv)
        for p, uv in zip(
            primitive.positions.tolist(), primitive.uvs.tolist(), strict=True
        )
    }
    assert by_position[(0.0, 0.0, 0.0)] == (0.0, 1.0)
    assert by_position[(2.0, 0.0, 1.0)] == (1.0, 0.0)


def test_obj_materials_from_mtl(tmp_path: Path) -> None:
    nodes = obj_nodes(tmp_path, write_obj(tmp_path))
    sign, glass = nodes["Sign_poster"].mesh, nodes["Glass_glass"].mesh
    assert sign is not None and glass is not None
    poster = sign.primitives[0].material
    assert poster.base_color_texture is not None
    assert poster.base_color_texture.data == png_bytes()
    assert poster.base_color_texture.mime_type == "image/png"
    assert poster.base_color == (1.0, 1.0, 1.0, 1.0)
    assert poster.metallic == 0.0
    window = glass.primitives[0].material
    assert window.base_color == pytest.approx((0.2, 0.4, 0.6, 0.25), abs=1 / 255)
    assert window.alpha_mode == "BLEND"
    assert window.roughness == pytest.approx(1.0)  # Ns 0


def test_obj_without_normals_gets_smooth_normals(tmp_path: Path) -> None:
    nodes = obj_nodes(tmp_path, write_obj(tmp_path))
    mesh = nodes["Glass_glass"].mesh
    assert mesh is not None
    (primitive,) = mesh.primitives
    assert np.allclose(np.linalg.norm(primitive.normals, axis=1), 1.0)
    # The triangle lies in OBJ's XZ plane, so its normals are OBJ's +-Y,
    # the authors' +-Z.
    assert np.allclose(np.abs(primitive.normals[:, 2]), 1.0)


def test_obj_vertex_colors_kept(tmp_path: Path) -> None:
    path = tmp_path / "colors.obj"
    path.write_text(
        "v 0 0 0 1 0 0\nv 1 0 0 0 1 0\nv 0 1 0 0 0 1\nf 1 2 3\n", encoding="utf-8"
    )
    (node,) = import_model(path, ORIGIN, tmp_path)
    assert node.mesh is not None
    colors = node.mesh.primitives[0].colors
    assert colors is not None
    assert np.allclose(colors, [[1, 0, 0, 1], [0, 1, 0, 1], [0, 0, 1, 1]])


def test_obj_bmp_texture_converted_to_png(tmp_path: Path) -> None:
    path = write_obj(tmp_path, mtl=MTL.replace("poster.png", "poster.bmp"))
    bmp = io.BytesIO()
    Image.new("RGB", (2, 2), (9, 9, 9)).save(bmp, format="BMP")
    (path.parent / "textures" / "poster.bmp").write_bytes(bmp.getvalue())
    model = import_model_result(path, ORIGIN, tmp_path)
    (sign,) = [node for node in model.nodes if node.name == "Sign_poster"]
    assert sign.mesh is not None
    texture = sign.mesh.primitives[0].material.base_color_texture
    assert texture is not None
    assert texture.mime_type == "image/png"
    assert Image.open(io.BytesIO(texture.data)).getpixel((0, 0)) == (9, 9, 9)
    assert any("converted to PNG" in warning for warning in model.warnings)


def test_obj_texture_without_uvs_dropped(tmp_path: Path) -> None:
    path = write_obj(tmp_path, obj=OBJ.replace("usemtl glass", "usemtl poster"))
    model = import_model_result(path, ORIGIN, tmp_path)
    glass = next(node for node in model.nodes if node.name.startswith("Glass"))
    assert glass.mesh is not None
    assert glass.mesh.primitives[0].material.base_color_texture is None
    assert any("no texture coordinates" in warning for warning in model.warnings)


def test_obj_missing_mtl_reported(tmp_path: Path) -> None:
    path = write_obj(tmp_path)
    (path.parent / "materials" / "shop.mtl").unlink()
    message = expect_error(path, tmp_path)
    assert "material library file 'materials/shop.mtl' not found" in message


def test_obj_texture_outside_project_rejected(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (tmp_path / "poster.png").write_bytes(png_bytes())
    path = write_obj(
        project, mtl=MTL.replace("../textures/poster.png", "../" * 4 + "poster.png")
    )
    message = expect_error(path, project)
    assert "outside the project" in message
