"""Tests of the GLB writer and reader in toolkit.gltf."""

from __future__ import annotations

import io
import json
import math
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import trimesh
from gltf_validator import assert_valid_glb

from toolkit import geometry, textures
from toolkit.gltf import GENERATOR, read_glb, to_gltf_vectors, write_glb
from toolkit.model import Light, Material, Mesh, Node, Primitive, SceneModel

# Z-up (author) to Y-up (glTF) as a matrix: (x, y, z) -> (x, z, -y).
AXES = np.array([[1.0, 0, 0], [0, 0, 1], [0, -1, 0]])
FLOAT, UNSIGNED_SHORT, UNSIGNED_INT = 5126, 5123, 5125
ARRAY_BUFFER, ELEMENT_ARRAY_BUFFER = 34962, 34963


def quaternion_about(axis: tuple[float, float, float], degrees: float) -> tuple:
    unit = np.asarray(axis, float) / np.linalg.norm(axis)
    half = math.radians(degrees) / 2
    return (*(unit * math.sin(half)).tolist(), math.cos(half))


def rotation_matrix(quaternion: Any) -> np.ndarray:
    x, y, z, w = quaternion
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


def trs_matrix(translation: Any, rotation: Any, scale: Any) -> np.ndarray:
    matrix = np.eye(4)
    matrix[:3, :3] = rotation_matrix(rotation) @ np.diag(scale)
    matrix[:3, 3] = translation
    return matrix


def box_mesh(name: str = "box", size: tuple = (2, 2, 10), material: Any = None) -> Mesh:
    material = material or Material("blue", base_color=(0.1, 0.3, 0.8, 1.0))
    return Mesh(name, (geometry.box(size).to_primitive(material),))


def tower_scene() -> SceneModel:
    return SceneModel("tower", (Node("tower", (1.0, 2.0, 0.0), mesh=box_mesh()),))


def rich_scene() -> SceneModel:
    """A scene that uses every feature the writer supports."""
    brick = textures.brick(size=64)
    stone = textures.stone(size=64)
    floor = textures.grid(size=64)
    walls = Material("walls", base_color_texture=brick, roughness=0.9)
    ground = Material("ground", base_color_texture=floor, metallic=0.1)
    leaves = Material(
        "leaves",
        base_color_texture=stone,
        normal_texture=textures.noise(size=64),
        occlusion_texture=stone,
        metallic_roughness_texture=textures.noise(size=64, seed=3),
        alpha_mode="MASK",
        alpha_cutoff=0.4,
    )
    sign = Material("sign", emissive=(1.0, 0.6, 0.1), emissive_strength=4.0)
    screen = Material(
        "screen", emissive_texture=floor, emissive=(1.0, 1.0, 1.0), unlit=True
    )
    glass = Material(
        "glass", base_color=(0.8, 0.9, 1.0, 0.3), alpha_mode="BLEND", double_sided=True
    )
    clamp = textures.checker(size=64)
    banner = Material(
        "banner",
        base_color_texture=type(clamp)(clamp.name, clamp.data, clamp.mime_type, False),
    )

    sphere = geometry.sphere(1.0, 16, 8)
    count = len(sphere.positions)
    tangents = np.column_stack([np.tile([1.0, 0, 0], (count, 1)), np.ones(count)])
    colors = np.tile([1.0, 0.5, 0.25, 1.0], (count, 1))
    ball = Mesh(
        "ball",
        (
            Primitive(
                sphere.positions,
                sphere.normals,
                sphere.indices,
                leaves,
                uvs=sphere.uvs,
                colors=colors,
                tangents=tangents,
            ),
        ),
    )
    gate = geometry.extrude(
        [[0, 0], [6, 0], [6, 4], [4, 4], [4, 1], [2, 1], [2, 4], [0, 4]],
        3.0,
        texture_size=1.0,
    )
    booth = box_mesh("booth", (3, 2, 2.5), walls)
    mountain = geometry.terrain(geometry.TerrainParams(size=(80, 80), resolution=260))

    nodes = (
        Node(
            "ground",
            mesh=Mesh("ground", (geometry.plane((80, 80)).to_primitive(ground),)),
        ),
        Node(
            "mountain",
            (0, 60, 0),
            mesh=Mesh("mountain", (mountain.to_primitive(walls),)),
        ),
        Node(
            "gate",
            (-10, 0, 0),
            quaternion_about((0, 0, 1), 30),
            mesh=Mesh("gate", (gate.to_primitive(walls),)),
            extras={"kind": "object", "id": "gate"},
        ),
        Node(
            "booths",
            (5, 5, 0),
            children=tuple(
                Node(f"booths_{index}", (index * 4.0, 0, 0), mesh=booth)
                for index in range(5)
            ),
            extras={"kind": "object", "id": "booths"},
        ),
        Node(
            "ball",
            (0, 0, 3),
            quaternion_about((1, 1, 0), 40),
            (1, 2, 0.5),
            mesh=ball,
            children=(Node("lamp", light=Light("point", range=12.0)),),
        ),
        Node(
            "pillar",
            mesh=Mesh(
                "pillar",
                (
                    geometry.cylinder(0.5, 4).to_primitive(sign),
                    geometry.cone(0.8, 1.0, top_radius=0.3).to_primitive(glass),
                ),
            ),
            light=Light(
                "spot",
                direction=(0, 1, -1),
                inner_cone_angle=0.2,
                outer_cone_angle=0.6,
                range=30.0,
            ),
        ),
        Node(
            "screen",
            (0, 10, 2),
            mesh=Mesh(
                "screen",
                (
                    geometry.box((4, 0.2, 3)).to_primitive(screen),
                    geometry.box((4.2, 0.1, 3.2)).to_primitive(banner),
                ),
            ),
        ),
        Node(
            "light_sun", light=Light("directional", intensity=3.0, direction=(1, 1, -2))
        ),
        Node(
            "hotspot_opening",
            (0, 8, 2),
            extras={
                "kind": "hotspot",
                "id": "opening",
                "action": {"type": "session", "session": "opening"},
            },
        ),
        Node("viewpoint_entrance", (0, -15, 1.7), extras={"kind": "viewpoint"}),
    )
    return SceneModel("hall", nodes, {"title": {"zh": "大厅", "en": "Hall"}})


@pytest.fixture(scope="module")
def rich_glb() -> bytes:
    return write_glb(rich_scene())


def node_by_name(document: dict[str, Any], name: str) -> dict[str, Any]:
    matches = [node for node in document["nodes"] if node.get("name") == name]
    assert len(matches) == 1, f"{len(matches)} nodes named {name!r}"
    return matches[0]


# --- coordinates ----------------------------------------------------------------------


def test_tall_box_top_is_plus_y() -> None:
    document, _ = read_glb(write_glb(tower_scene()))
    position = document["meshes"][0]["primitives"][0]["attributes"]["POSITION"]
    accessor = document["accessors"][position]
    assert accessor["max"] == [1.0, 10.0, 1.0]
    assert accessor["min"] == [-1.0, 0.0, -1.0]
    assert node_by_name(document, "tower")["translation"] == [1.0, 0.0, -2.0]


def test_vectors_convert_to_y_up() -> None:
    converted = to_gltf_vectors([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    np.testing.assert_array_equal(converted, [[1.0, 3.0, -2.0], [0.0, 0.0, 0.0]])
    assert not np.signbit(converted[1]).any()  # no -0.0 from negating y = 0


def test_normals_convert_with_positions() -> None:
    document, binary = read_glb(write_glb(tower_scene()))
    attributes = document["meshes"][0]["primitives"][0]["attributes"]
    positions = read_accessor(document, binary, attributes["POSITION"])
    normals = read_accessor(document, binary, attributes["NORMAL"])
    source = geometry.box((2, 2, 10))
    np.testing.assert_array_equal(positions, source.positions @ AXES.T)
    np.testing.assert_array_equal(normals, source.normals @ AXES.T)
    top = (positions[:, 1] == 10.0) & (normals[:, 1] > 0)
    assert top.sum() == 4


def test_node_transforms_conjugated() -> None:
    rotation = quaternion_about((0.3, -0.5, 0.8), 70)
    scale = (1.0, 2.0, 3.0)
    child = Node(
        "child", (0.5, -1.0, 2.0), quaternion_about((1, 0, 0), 25), mesh=box_mesh()
    )
    parent = Node("parent", (4.0, 5.0, 6.0), rotation, scale, children=(child,))
    scene = trimesh.load(
        io.BytesIO(write_glb(SceneModel("s", (parent,)))), file_type="glb"
    )

    author = trs_matrix(parent.translation, parent.rotation, parent.scale) @ trs_matrix(
        child.translation, child.rotation, child.scale
    )
    conversion = np.eye(4)
    conversion[:3, :3] = AXES
    expected = conversion @ author @ conversion.T
    actual, _ = scene.graph["child"]
    np.testing.assert_allclose(actual, expected, atol=1e-9)


def test_scale_axes_swap() -> None:
    document, _ = read_glb(
        write_glb(SceneModel("s", (Node("n", scale=(1.0, 2.0, 3.0), mesh=box_mesh()),)))
    )
    assert node_by_name(document, "n")["scale"] == [1.0, 3.0, 2.0]


def test_rotation_about_z_becomes_about_y() -> None:
    rotation = quaternion_about((0, 0, 1), 90)
    document, _ = read_glb(
        write_glb(SceneModel("s", (Node("n", rotation=rotation, mesh=box_mesh()),)))
    )
    half = math.sqrt(0.5)
    assert node_by_name(document, "n")["rotation"] == pytest.approx(
        [0.0, half, 0.0, half]
    )


def test_default_transforms_omitted() -> None:
    document, _ = read_glb(write_glb(SceneModel("s", (Node("n", mesh=box_mesh()),))))
    node = node_by_name(document, "n")
    assert "translation" not in node
    assert "rotation" not in node
    assert "scale" not in node


# --- sharing --------------------------------------------------------------------------


def test_instancing_writes_mesh_once() -> None:
    mesh = box_mesh()
    nodes = tuple(Node(f"copy_{i}", (i * 3.0, 0.0, 0.0), mesh=mesh) for i in range(100))
    document, _ = read_glb(write_glb(SceneModel("s", nodes)))
    assert len(document["nodes"]) == 100
    assert len(document["meshes"]) == 1
    assert len(document["materials"]) == 1
    assert len(document["accessors"]) == 3
    assert {node["mesh"] for node in document["nodes"]} == {0}


def test_shared_material_and_texture_written_once() -> None:
    texture = textures.checker(size=16, squares=2)
    first = Material("first", base_color_texture=texture, emissive_texture=texture)
    second = Material("second", base_color_texture=texture)
    nodes = (
        Node("a", mesh=box_mesh("a", material=first)),
        Node("b", mesh=box_mesh("b", material=first)),
        Node("c", mesh=box_mesh("c", material=second)),
    )
    document, _ = read_glb(write_glb(SceneModel("s", nodes)))
    assert len(document["materials"]) == 2
    assert len(document["textures"]) == 1
    assert len(document["images"]) == 1
    assert len(document["samplers"]) == 1


def test_shared_vertex_arrays_written_once() -> None:
    data = geometry.box()
    red = data.to_primitive(Material("red", base_color=(1, 0, 0, 1)))
    blue = data.to_primitive(Material("blue", base_color=(0, 0, 1, 1)))
    nodes = (Node("r", mesh=Mesh("r", (red,))), Node("b", mesh=Mesh("b", (blue,))))
    document, _ = read_glb(write_glb(SceneModel("s", nodes)))
    assert len(document["meshes"]) == 2
    assert len(document["accessors"]) == 3


def test_node_reused_under_two_parents_written_twice() -> None:
    leaf = Node("leaf", mesh=box_mesh())
    nodes = (Node("a", children=(leaf,)), Node("b", children=(leaf,)))
    document, _ = read_glb(write_glb(SceneModel("s", nodes)))
    assert [node["name"] for node in document["nodes"]] == ["a", "leaf", "b", "leaf"]
    assert len(document["meshes"]) == 1


# --- materials ------------------------------------------------------------------------


def material_json(material: Material) -> tuple[dict[str, Any], dict[str, Any]]:
    mesh = box_mesh(material=material)
    document, _ = read_glb(write_glb(SceneModel("s", (Node("n", mesh=mesh),))))
    return document, document["materials"][0]


def test_plain_material_uses_no_extensions() -> None:
    document, material = material_json(Material("plain", base_color=(0.5, 0.5, 0.5, 1)))
    assert "extensionsUsed" not in document
    assert "extensions" not in material
    assert material["pbrMetallicRoughness"] == {
        "baseColorFactor": [0.5, 0.5, 0.5, 1.0],
        "metallicFactor": 0.0,
        "roughnessFactor": 0.8,
    }
    assert "TEXCOORD_0" not in document["meshes"][0]["primitives"][0]["attributes"]


def test_emissive_strength_extension() -> None:
    document, material = material_json(
        Material("sign", emissive=(1, 0.5, 0), emissive_strength=3.0)
    )
    assert document["extensionsUsed"] == ["KHR_materials_emissive_strength"]
    assert material["emissiveFactor"] == [1.0, 0.5, 0.0]
    assert material["extensions"] == {
        "KHR_materials_emissive_strength": {"emissiveStrength": 3.0}
    }


def test_unlit_extension() -> None:
    document, material = material_json(Material("flat", unlit=True))
    assert document["extensionsUsed"] == ["KHR_materials_unlit"]
    assert material["extensions"] == {"KHR_materials_unlit": {}}


def test_unlit_drops_emissive_strength(caplog: pytest.LogCaptureFixture) -> None:
    document, material = material_json(
        Material("flat", unlit=True, emissive=(1, 1, 1), emissive_strength=2.0)
    )
    assert document["extensionsUsed"] == ["KHR_materials_unlit"]
    assert material["extensions"] == {"KHR_materials_unlit": {}}
    assert "emissive_strength is dropped" in caplog.text


def test_alpha_modes() -> None:
    _, blend = material_json(Material("glass", alpha_mode="BLEND", double_sided=True))
    _, mask = material_json(Material("leaf", alpha_mode="MASK", alpha_cutoff=0.25))
    _, opaque = material_json(Material("wall", alpha_cutoff=0.25))
    assert blend["alphaMode"] == "BLEND"
    assert blend["doubleSided"] is True
    assert "alphaCutoff" not in blend
    assert mask["alphaMode"] == "MASK"
    assert mask["alphaCutoff"] == 0.25
    assert "alphaMode" not in opaque
    assert "alphaCutoff" not in opaque


def test_texture_sampler_and_image() -> None:
    texture = textures.checker(size=16, squares=2)
    document, material = material_json(Material("checks", base_color_texture=texture))
    assert material["pbrMetallicRoughness"]["baseColorTexture"] == {"index": 0}
    image = document["images"][0]
    view = document["bufferViews"][image["bufferView"]]
    assert image["mimeType"] == "image/png"
    assert "target" not in view
    assert document["samplers"][0]["wrapS"] == 10497
    assert "TEXCOORD_0" in document["meshes"][0]["primitives"][0]["attributes"]


def test_image_bytes_stored_verbatim() -> None:
    texture = textures.checker(size=16, squares=2)
    mesh = box_mesh(material=Material("checks", base_color_texture=texture))
    document, binary = read_glb(write_glb(SceneModel("s", (Node("n", mesh=mesh),))))
    view = document["bufferViews"][document["images"][0]["bufferView"]]
    start = view["byteOffset"]
    assert binary[start : start + view["byteLength"]] == texture.data


# --- lights ---------------------------------------------------------------------------


def light_forward(node: dict[str, Any]) -> np.ndarray:
    """Return the world direction of a root node's local -Z in glTF coordinates."""
    return rotation_matrix(node.get("rotation", [0, 0, 0, 1])) @ [0.0, 0.0, -1.0]


@pytest.mark.parametrize(
    "direction",
    [(1, 1, -2), (0, 0, -1), (0, 0, 1), (1, 0, 0), (0, -3, 0), (-2, 5, 1)],
)
def test_light_points_along_direction(direction: tuple[float, float, float]) -> None:
    light = Light("directional", direction=direction)
    document, _ = read_glb(write_glb(SceneModel("s", (Node("sun", light=light),))))
    expected = AXES @ (np.array(direction, float) / np.linalg.norm(direction))
    np.testing.assert_allclose(light_forward(document["nodes"][0]), expected, atol=1e-9)


def test_light_direction_relative_to_node_rotation() -> None:
    rotation = quaternion_about((0, 0, 1), 90)
    light = Light("spot", direction=(1, 0, 0))
    node = Node("spot", rotation=rotation, light=light)
    document, _ = read_glb(write_glb(SceneModel("s", (node,))))
    # Turning +x by 90 degrees about +z gives +y (north), which is -z in glTF.
    np.testing.assert_allclose(
        light_forward(document["nodes"][0]), [0.0, 0.0, -1.0], atol=1e-9
    )


def test_light_on_mesh_node_gets_child() -> None:
    node = Node("lamp", mesh=box_mesh(), light=Light("spot", direction=(0, 0, -1)))
    document, _ = read_glb(write_glb(SceneModel("s", (node,))))
    parent, child = document["nodes"]
    assert "rotation" not in parent
    assert parent["children"] == [1]
    assert child["name"] == "lamp_light"
    assert child["extensions"]["KHR_lights_punctual"] == {"light": 0}
    np.testing.assert_allclose(light_forward(child), [0.0, -1.0, 0.0], atol=1e-9)


def test_light_properties() -> None:
    nodes = (
        Node("point", light=Light("point", color=(1, 0.5, 0.2), intensity=5.0)),
        Node("ranged", light=Light("point", range=8.0)),
        Node("spot", light=Light("spot", inner_cone_angle=0.1, outer_cone_angle=0.4)),
        Node("sun", light=Light("directional", intensity=2.0)),
    )
    document, _ = read_glb(write_glb(SceneModel("s", nodes)))
    lights = document["extensions"]["KHR_lights_punctual"]["lights"]
    assert document["extensionsUsed"] == ["KHR_lights_punctual"]
    assert lights[0] == {
        "name": "point",
        "type": "point",
        "color": [1.0, 0.5, 0.2],
        "intensity": 5.0,
    }
    assert lights[1]["range"] == 8.0
    assert lights[2]["spot"] == {"innerConeAngle": 0.1, "outerConeAngle": 0.4}
    assert "range" not in lights[2]
    assert lights[3]["type"] == "directional"
    assert "rotation" not in document["nodes"][0]  # point lights are not aimed


def test_directional_range_dropped(caplog: pytest.LogCaptureFixture) -> None:
    node = Node("sun", light=Light("directional", range=10.0))
    document, _ = read_glb(write_glb(SceneModel("s", (node,))))
    assert "range" not in document["extensions"]["KHR_lights_punctual"]["lights"][0]
    assert "range is ignored" in caplog.text


# --- extras, determinism, layout ------------------------------------------------------


def test_extras_survive() -> None:
    extras = {
        "kind": "hotspot",
        "title": {"zh": "开幕式", "en": "Opening"},
        "action": {"type": "session", "session": "opening"},
        "weights": [1, 2.5, None, True],
    }
    scene = SceneModel(
        "s", (Node("hotspot_opening", (0, 8, 2), extras=extras),), {"sky": "dusk"}
    )
    data = write_glb(scene)
    document, binary = read_glb(data)
    assert document["nodes"][0]["extras"] == extras
    assert document["scenes"][0]["extras"] == {"sky": "dusk"}
    assert "开幕式".encode() in data  # ensure_ascii=False keeps text readable
    assert binary == b""
    assert "buffers" not in document


def test_two_writes_identical(rich_glb: bytes) -> None:
    assert write_glb(rich_scene()) == rich_glb


def test_glb_layout(rich_glb: bytes) -> None:
    magic, version, length = struct.unpack_from("<4sII", rich_glb)
    json_length, json_kind = struct.unpack_from("<I4s", rich_glb, 12)
    bin_offset = 20 + json_length
    bin_length, bin_kind = struct.unpack_from("<I4s", rich_glb, bin_offset)
    assert (magic, version, length) == (b"glTF", 2, len(rich_glb))
    assert json_kind == b"JSON"
    assert bin_kind == b"BIN\x00"
    assert json_length % 4 == 0
    assert bin_length % 4 == 0
    assert bin_offset + 8 + bin_length == len(rich_glb)
    document = json.loads(rich_glb[20:bin_offset])  # trailing spaces are allowed
    assert document["asset"] == {"version": "2.0", "generator": GENERATOR}
    assert document["scene"] == 0
    assert document["buffers"] == [{"byteLength": bin_length}]


def test_buffer_views_aligned_with_targets(rich_glb: bytes) -> None:
    document, _ = read_glb(rich_glb)
    image_views = {image["bufferView"] for image in document["images"]}
    for index, view in enumerate(document["bufferViews"]):
        assert view["byteOffset"] % 4 == 0
        if index not in image_views:
            assert view["target"] in (ARRAY_BUFFER, ELEMENT_ARRAY_BUFFER)
    for mesh in document["meshes"]:
        for primitive in mesh["primitives"]:
            indices = document["accessors"][primitive["indices"]]
            view = document["bufferViews"][indices["bufferView"]]
            assert view["target"] == ELEMENT_ARRAY_BUFFER
            position = document["accessors"][primitive["attributes"]["POSITION"]]
            assert "min" in position
            assert "max" in position


def test_index_component_types(rich_glb: bytes) -> None:
    document, _ = read_glb(rich_glb)
    by_mesh = {
        mesh["name"]: document["accessors"][mesh["primitives"][0]["indices"]]
        for mesh in document["meshes"]
    }
    assert by_mesh["gate"]["componentType"] == UNSIGNED_SHORT
    assert by_mesh["mountain"]["componentType"] == UNSIGNED_INT  # 261 * 261 vertices


def read_accessor(document: dict[str, Any], binary: bytes, index: int) -> np.ndarray:
    accessor = document["accessors"][index]
    view = document["bufferViews"][accessor["bufferView"]]
    dtype = {FLOAT: np.float32, UNSIGNED_SHORT: np.uint16, UNSIGNED_INT: np.uint32}[
        accessor["componentType"]
    ]
    width = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4}[accessor["type"]]
    data = np.frombuffer(binary, dtype, accessor["count"] * width, view["byteOffset"])
    return data.reshape(-1, width) if width > 1 else data


def test_tangents_and_colors_written(rich_glb: bytes) -> None:
    document, binary = read_glb(rich_glb)
    ball = next(mesh for mesh in document["meshes"] if mesh["name"] == "ball")
    attributes = ball["primitives"][0]["attributes"]
    tangents = read_accessor(document, binary, attributes["TANGENT"])
    colors = read_accessor(document, binary, attributes["COLOR_0"])
    np.testing.assert_allclose(tangents[0], [1.0, 0.0, 0.0, 1.0])
    np.testing.assert_allclose(colors[0], [1.0, 0.5, 0.25, 1.0])


def test_tangents_left_out_without_normal_map() -> None:
    data = geometry.box()
    tangents = np.tile([1.0, 0.0, 0.0, 1.0], (24, 1))
    primitive = Primitive(
        data.positions, data.normals, data.indices, Material("m"), tangents=tangents
    )
    scene = SceneModel("s", (Node("n", mesh=Mesh("n", (primitive,))),))
    document, _ = read_glb(write_glb(scene))
    assert "TANGENT" not in document["meshes"][0]["primitives"][0]["attributes"]


# --- rejected input -------------------------------------------------------------------


def primitive_with(**changes: Any) -> SceneModel:
    data = geometry.box()
    fields = {
        "positions": data.positions,
        "normals": data.normals,
        "indices": data.indices,
        "material": Material("m"),
        **changes,
    }
    return SceneModel("s", (Node("n", mesh=Mesh("broken", (Primitive(**fields),))),))


@pytest.mark.parametrize(
    ("scene", "message"),
    [
        (primitive_with(indices=np.array([0, 1, 99], np.uint32)), "out of range"),
        (primitive_with(indices=np.array([0, 1], np.uint32)), "multiple of 3"),
        (primitive_with(normals=np.zeros((24, 3), np.float32)), "zero length"),
        (primitive_with(positions=np.full((24, 3), np.nan, np.float32)), "NaN"),
        (primitive_with(uvs=np.zeros((3, 2), np.float32)), r"uvs must be \(24, 2\)"),
        (
            primitive_with(
                material=Material(
                    "t", base_color_texture=textures.checker(size=8, squares=2)
                )
            ),
            "has no uvs",
        ),
        (primitive_with(material=Material("m", base_color=(2, 0, 0, 1))), "0..1"),
        (SceneModel("s", (Node("n", mesh=Mesh("empty", ())),)), "no primitives"),
        (SceneModel("s", (Node("n", extras={"bad": {1, 2}}),)), "extras.bad"),
        (SceneModel("s", (Node("n", extras={"x": math.inf}),)), "JSON cannot store"),
        (SceneModel("s", (Node("n", rotation=(0, 0, 0, 0)),)), "not a quaternion"),
        (
            SceneModel("s", (Node("n", translation=(0, math.nan, 0)),)),
            "'n': translation .* NaN",
        ),
        (SceneModel("s", (Node("n", scale=(1, 1, math.inf)),)), "'n': scale"),
        (
            SceneModel(
                "s",
                (
                    Node(
                        "n",
                        light=Light("spot", inner_cone_angle=0.5, outer_cone_angle=0.5),
                    ),
                ),
            ),
            "cone angles",
        ),
        (
            SceneModel("s", (Node("n", light=Light("spot", direction=(0, 0, 0))),)),
            "no length",
        ),
        (SceneModel("s", (Node("n", light=Light("point", range=0.0)),)), "range"),
    ],
)
def test_invalid_scene_rejected(scene: SceneModel, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        write_glb(scene)


def test_mislabelled_image_rejected() -> None:
    texture = textures.checker(size=8, squares=2)
    jpeg = type(texture)("fake", texture.data, "image/jpeg")
    mesh = box_mesh(material=Material("m", base_color_texture=jpeg))
    with pytest.raises(ValueError, match="not a image/jpeg image"):
        write_glb(SceneModel("s", (Node("n", mesh=mesh),)))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GLTF" + bytes(16), "does not start with 'glTF'"),
        (struct.pack("<4sII", b"glTF", 1, 20) + bytes(8), "version 1"),
        (struct.pack("<4sII", b"glTF", 2, 99) + bytes(8), "length field is 99"),
        (struct.pack("<4sIII4s", b"glTF", 2, 24, 100, b"JSON") + bytes(4), "truncated"),
    ],
)
def test_read_glb_rejects_bad_data(data: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read_glb(data)


# --- other readers --------------------------------------------------------------------


def test_khronos_validator_reports_nothing(rich_glb: bytes) -> None:
    report = assert_valid_glb(rich_glb)
    assert report["issues"]["numInfos"] == 0
    assert report["issues"]["numHints"] == 0


def test_khronos_validator_on_empty_scene() -> None:
    assert_valid_glb(write_glb(SceneModel("empty", ())))


def test_trimesh_loads_names_and_positions(rich_glb: bytes) -> None:
    scene = trimesh.load(io.BytesIO(rich_glb), file_type="glb")
    names = set(scene.graph.nodes)
    for name in ("gate", "booths_4", "hotspot_opening", "light_sun", "lamp"):
        assert name in names
    matrix, _ = scene.graph["hotspot_opening"]
    np.testing.assert_allclose(matrix[:3, 3], [0.0, 2.0, -8.0])
    matrix, geometry_name = scene.graph["booths_2"]
    np.testing.assert_allclose(matrix[:3, 3], [13.0, 0.0, -5.0])
    bounds = scene.geometry[geometry_name].bounds
    np.testing.assert_allclose(bounds[:, 1], [0.0, 2.5])


def panda_root(data: bytes, tmp_path: Path) -> Any:
    panda_gltf = pytest.importorskip("gltf", reason="panda3d-gltf is not installed")
    core = pytest.importorskip("panda3d.core")
    path = tmp_path / "scene.glb"
    path.write_bytes(data)
    return core.NodePath(panda_gltf.load_model(str(path)))


def test_panda3d_restores_z_up(tmp_path: Path) -> None:
    root = panda_root(write_glb(tower_scene()), tmp_path)
    tower = root.find("**/tower")
    assert not tower.isEmpty()
    low, high = tower.getTightBounds(root)
    assert tuple(tower.getPos(root)) == pytest.approx((1.0, 2.0, 0.0))
    assert tuple(low) == pytest.approx((0.0, 1.0, 0.0), abs=1e-5)
    assert tuple(high) == pytest.approx((2.0, 3.0, 10.0), abs=1e-5)


def test_panda3d_loads_rich_scene(rich_glb: bytes, tmp_path: Path) -> None:
    root = panda_root(rich_glb, tmp_path)
    hotspot = root.find("**/hotspot_opening")
    assert tuple(hotspot.getPos(root)) == pytest.approx((0.0, 8.0, 2.0))
    assert hotspot.getTag("kind") == "hotspot"
    assert root.findAllMatches("**/booths_*").getNumPaths() == 5


@pytest.mark.parametrize("name", ["light_sun", "pillar"])
def test_panda3d_light_direction(rich_glb: bytes, tmp_path: Path, name: str) -> None:
    core = pytest.importorskip("panda3d.core")
    root = panda_root(rich_glb, tmp_path)
    lights = root.find(f"**/{name}").findAllMatches("**/+LightLensNode")
    assert lights.getNumPaths() == 1
    forward = np.array(lights[0].getQuat(root).getForward())
    direction = {"light_sun": (1, 1, -2), "pillar": (0, 1, -1)}[name]
    expected = np.array(direction, float) / np.linalg.norm(direction)
    np.testing.assert_allclose(forward, expected, atol=1e-5)
    assert isinstance(lights[0].node(), core.LightLensNode)
