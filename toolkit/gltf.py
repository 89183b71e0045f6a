"""Write a scene model as a glTF 2.0 binary (GLB), and read GLB files back.

This is the one place where the authors' Z-up frame becomes glTF's Y-up frame.
A point (x, y, z) becomes (x, z, -y), which is a rotation by -90 degrees about X.
A rotation keeps handedness, so triangle winding and tangent signs stay as they are.
Objects shared by identity are written once: a `Mesh` used by many nodes becomes
one glTF mesh, and so do shared materials, textures and vertex arrays. Nodes are
written once per place they occur, because glTF nodes have at most one parent.
Output bytes depend only on the scene's content and sharing.

glTF lights shine along their node's local -Z, so a directional or spot light's
node is rotated to aim it along `Light.direction`, taken in the node's own frame.
If that node also has a mesh or children, the light goes on an extra child node
named "<node name>_light" instead, so that aiming it turns nothing else.
"""

from __future__ import annotations

import json
import logging
import math
import struct
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from .model import Light, Material, Mesh, Node, Primitive, SceneModel, Texture

__all__ = ["GENERATOR", "write_glb", "read_glb", "to_gltf_vectors"]

logger = logging.getLogger(__name__)

GENERATOR = "venue-toolkit"
"""The `asset.generator` string of every GLB this module writes."""

_GLB_MAGIC = b"glTF"
_GLB_VERSION = 2
_CHUNK_JSON = b"JSON"
_CHUNK_BIN = b"BIN\x00"

# Enumerations from the glTF 2.0 specification.
_UNSIGNED_SHORT = 5123
_UNSIGNED_INT = 5125
_FLOAT = 5126
_ARRAY_BUFFER = 34962
_ELEMENT_ARRAY_BUFFER = 34963
_LINEAR = 9729
_LINEAR_MIPMAP_LINEAR = 9987
_REPEAT = 10497
_CLAMP_TO_EDGE = 33071

# Top-level arrays of the glTF JSON, in the order they are written.
_ARRAY_KEYS = (
    "nodes",
    "meshes",
    "materials",
    "textures",
    "images",
    "samplers",
    "accessors",
    "bufferViews",
)
_ACCESSOR_TYPES = {1: "SCALAR", 2: "VEC2", 3: "VEC3", 4: "VEC4"}
_COMPONENT_TYPES = {
    np.dtype(np.float32): _FLOAT,
    np.dtype(np.uint16): _UNSIGNED_SHORT,
    np.dtype(np.uint32): _UNSIGNED_INT,
}
_IMAGE_SIGNATURES = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}

_LIGHTS_PUNCTUAL = "KHR_lights_punctual"
_EMISSIVE_STRENGTH = "KHR_materials_emissive_strength"
_UNLIT = "KHR_materials_unlit"


# --- frame conversion -----------------------------------------------------------------


def to_gltf_vectors(vectors: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Convert (..., 3) Z-up vectors (x, y, z) to glTF's Y-up (x, z, -y)."""
    array = np.asarray(vectors, dtype=np.float64)
    converted = np.stack([array[..., 0], array[..., 2], -array[..., 1]], axis=-1)
    return converted + 0.0  # turns -0.0 into 0.0


def _finite_vector(values: Sequence[float], what: str) -> tuple[float, float, float]:
    x, y, z = (float(value) for value in values)
    if not all(math.isfinite(value) for value in (x, y, z)):
        raise ValueError(f"{what} {tuple(values)} contains NaN or infinity")
    return x, y, z


def _gltf_point(point: Sequence[float], where: str) -> list[float]:
    x, y, z = _finite_vector(point, f"{where}: translation")
    return [x + 0.0, z + 0.0, -y + 0.0]


def _gltf_scale(scale: Sequence[float], where: str) -> list[float]:
    sx, sy, sz = _finite_vector(scale, f"{where}: scale")
    return [sx, sz, sy]


def _gltf_rotation(rotation: Sequence[float], where: str) -> list[float]:
    """Conjugate a Z-up (x, y, z, w) quaternion by the axis change, normalised."""
    x, y, z, w = (float(value) for value in rotation)
    norm = math.sqrt(x * x + y * y + z * z + w * w)
    if not math.isfinite(norm) or norm < 1e-6:
        raise ValueError(f"{where}: rotation {tuple(rotation)} is not a quaternion")
    return [x / norm + 0.0, z / norm + 0.0, -y / norm + 0.0, w / norm + 0.0]


def _quaternion_product(a: Sequence[float], b: Sequence[float]) -> list[float]:
    """Return a * b for (x, y, z, w) quaternions: rotate by b, then by a."""
    ax, ay, az, aw = a
    bx, by, bz, bw = b
    return [
        aw * bx + ax * bw + ay * bz - az * by,
        aw * by - ax * bz + ay * bw + az * bx,
        aw * bz + ax * by - ay * bx + az * bw,
        aw * bw - ax * bx - ay * by - az * bz,
    ]


def _aim_rotation(direction: Sequence[float], where: str) -> list[float]:
    """Return the glTF rotation that turns local -Z towards a Z-up `direction`.

    It is the shortest arc, so the light's roll is arbitrary, which no punctual
    light type depends on.
    """
    target = to_gltf_vectors(direction)
    length = float(np.linalg.norm(target))
    if not math.isfinite(length) or length < 1e-9:
        raise ValueError(f"{where}: light direction {tuple(direction)} has no length")
    target /= length
    forward = np.array([0.0, 0.0, -1.0])
    w = 1.0 + float(forward @ target)
    if w < 1e-9:  # pointing straight back along +Z: half a turn about X
        return [1.0, 0.0, 0.0, 0.0]
    axis = np.cross(forward, target)
    quaternion = np.array([*axis, w]) / math.sqrt(float(axis @ axis) + w * w)
    return [float(value) + 0.0 for value in quaternion]


# --- JSON values ----------------------------------------------------------------------


def _json_value(value: Any, where: str) -> Any:
    """Return `value` as plain JSON types.

    Raises ValueError naming `where` for non-finite floats, non-string keys and
    other types that JSON cannot store."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.generic):
        return _json_value(value.item(), where)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where} is {value}, which JSON cannot store")
        return value
    if isinstance(value, Mapping):
        result = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{where} has a non-string key {key!r}")
            result[key] = _json_value(item, f"{where}.{key}")
        return result
    if isinstance(value, (list, tuple)):
        items = enumerate(value)
        return [_json_value(item, f"{where}[{index}]") for index, item in items]
    raise ValueError(f"{where} has a {type(value).__name__}, which is not a JSON value")


def _floats(values: Sequence[float]) -> list[float]:
    return [float(value) + 0.0 for value in values]


# --- checks ---------------------------------------------------------------------------


def _check_unit_range(where: str, values: Sequence[float]) -> None:
    if not all(0.0 <= float(value) <= 1.0 for value in values):
        raise ValueError(f"{where} must lie in 0..1, got {tuple(values)}")


def _check_material(material: Material) -> None:
    where = f"material {material.name!r}"
    _check_unit_range(f"{where}: base_color", material.base_color)
    _check_unit_range(f"{where}: metallic", [material.metallic])
    _check_unit_range(f"{where}: roughness", [material.roughness])
    _check_unit_range(f"{where}: emissive", material.emissive)
    strength = material.emissive_strength
    if not (strength >= 0 and math.isfinite(strength)):
        raise ValueError(f"{where}: emissive_strength must be >= 0, got {strength}")
    cutoff = material.alpha_cutoff
    if material.alpha_mode == "MASK" and not (cutoff >= 0 and math.isfinite(cutoff)):
        raise ValueError(f"{where}: alpha_cutoff must be >= 0, got {cutoff}")


def _check_light(light: Light, where: str) -> None:
    _check_unit_range(f"{where}: light color", light.color)
    if not (light.intensity >= 0 and math.isfinite(light.intensity)):
        raise ValueError(
            f"{where}: light intensity must be >= 0, got {light.intensity}"
        )
    if light.range is not None and not (light.range > 0 and math.isfinite(light.range)):
        raise ValueError(f"{where}: light range must be > 0 metres, got {light.range}")
    if light.kind == "spot" and not (
        0 <= light.inner_cone_angle < light.outer_cone_angle <= math.pi / 2
    ):
        raise ValueError(
            f"{where}: spot cone angles must satisfy 0 <= inner < outer <= pi/2 "
            f"radians, got inner {light.inner_cone_angle}, "
            f"outer {light.outer_cone_angle}"
        )


def _check_primitive(primitive: Primitive, where: str) -> None:
    positions = primitive.positions
    count = len(positions)
    if positions.ndim != 2 or positions.shape[1] != 3 or count == 0:
        raise ValueError(f"{where}: positions must be (n, 3) with n > 0")
    if not np.all(np.isfinite(positions)):
        raise ValueError(f"{where}: positions contain NaN or infinity")

    expected = {"normals": 3, "uvs": 2, "colors": 4, "tangents": 4}
    for name, width in expected.items():
        array = getattr(primitive, name)
        if array is not None and array.shape != (count, width):
            raise ValueError(
                f"{where}: {name} must be ({count}, {width}), got {array.shape}"
            )
        if array is not None and not np.all(np.isfinite(array)):
            raise ValueError(f"{where}: {name} contain NaN or infinity")

    indices = primitive.indices
    if indices.ndim != 1 or len(indices) == 0 or len(indices) % 3:
        raise ValueError(f"{where}: indices must be a non-empty multiple of 3 long")
    if int(indices.max()) >= count:
        raise ValueError(
            f"{where}: index {int(indices.max())} is out of range for {count} vertices"
        )


def _check_texture(texture: Texture) -> None:
    signature = _IMAGE_SIGNATURES.get(texture.mime_type)
    if signature is None or not texture.data.startswith(signature):
        raise ValueError(
            f"texture {texture.name!r}: data is not a {texture.mime_type} image"
        )


def _material_textures(material: Material) -> list[Texture]:
    slots = [
        material.base_color_texture,
        material.metallic_roughness_texture,
        material.normal_texture,
        material.occlusion_texture,
        material.emissive_texture,
    ]
    return [texture for texture in slots if texture is not None]


# --- the writer -----------------------------------------------------------------------


class _GlbBuilder:
    """Collects glTF objects and binary data while walking one scene."""

    def __init__(self) -> None:
        self.document: dict[str, list[Any]] = {
            name: [] for name in (*_ARRAY_KEYS, "lights")
        }
        self.extensions_used: set[str] = set()
        self._binary = bytearray()
        # Keys are id() of objects that the scene keeps alive during the write.
        self._meshes: dict[int, int] = {}
        self._materials: dict[int, int] = {}
        self._textures: dict[int, int] = {}
        self._samplers: dict[bool, int] = {}
        self._accessors: dict[tuple[int, str], int] = {}

    # Binary data

    def _buffer_view(self, data: bytes, target: int | None) -> int:
        """Append data as a new 4-byte aligned buffer view and return its index."""
        view: dict[str, Any] = {
            "buffer": 0,
            "byteOffset": len(self._binary),
            "byteLength": len(data),
        }
        if target is not None:
            view["target"] = target
        self._binary += data
        self._binary += bytes(-len(self._binary) % 4)
        self.document["bufferViews"].append(view)
        return len(self.document["bufferViews"]) - 1

    def _accessor(
        self,
        source: npt.NDArray[Any],
        kind: str,
        data: npt.NDArray[Any],
        *,
        target: int = _ARRAY_BUFFER,
        bounds: bool = False,
    ) -> int:
        """Write `data` (converted from `source`) once per source and kind.

        Returns the accessor index."""
        key = (id(source), kind)
        if key in self._accessors:
            return self._accessors[key]
        component = _COMPONENT_TYPES[data.dtype]
        width = 1 if data.ndim == 1 else data.shape[1]
        accessor: dict[str, Any] = {
            "bufferView": self._buffer_view(data.tobytes(), target),
            "componentType": component,
            "count": len(data),
            "type": _ACCESSOR_TYPES[width],
        }
        if bounds:
            accessor["min"] = [float(value) for value in data.min(axis=0)]
            accessor["max"] = [float(value) for value in data.max(axis=0)]
        self.document["accessors"].append(accessor)
        self._accessors[key] = len(self.document["accessors"]) - 1
        return self._accessors[key]

    # Textures and materials

    def _texture(self, texture: Texture) -> int:
        if id(texture) in self._textures:
            return self._textures[id(texture)]
        _check_texture(texture)
        image = {
            "name": texture.name,
            "mimeType": texture.mime_type,
            "bufferView": self._buffer_view(texture.data, None),
        }
        self.document["images"].append(image)
        entry = {
            "sampler": self._sampler(texture.repeat),
            "source": len(self.document["images"]) - 1,
        }
        self.document["textures"].append(entry)
        self._textures[id(texture)] = len(self.document["textures"]) - 1
        return self._textures[id(texture)]

    def _sampler(self, repeat: bool) -> int:
        if repeat not in self._samplers:
            wrap = _REPEAT if repeat else _CLAMP_TO_EDGE
            sampler = {
                "magFilter": _LINEAR,
                "minFilter": _LINEAR_MIPMAP_LINEAR,
                "wrapS": wrap,
                "wrapT": wrap,
            }
            self.document["samplers"].append(sampler)
            self._samplers[repeat] = len(self.document["samplers"]) - 1
        return self._samplers[repeat]

    def _material(self, material: Material) -> int:
        if id(material) in self._materials:
            return self._materials[id(material)]
        _check_material(material)
        pbr: dict[str, Any] = {
            "baseColorFactor": _floats(material.base_color),
            "metallicFactor": float(material.metallic),
            "roughnessFactor": float(material.roughness),
        }
        entry: dict[str, Any] = {"name": material.name, "pbrMetallicRoughness": pbr}
        slots = [
            (pbr, "baseColorTexture", material.base_color_texture),
            (pbr, "metallicRoughnessTexture", material.metallic_roughness_texture),
            (entry, "normalTexture", material.normal_texture),
            (entry, "occlusionTexture", material.occlusion_texture),
            (entry, "emissiveTexture", material.emissive_texture),
        ]
        for owner, key, texture in slots:
            if texture is not None:
                owner[key] = {"index": self._texture(texture)}
        if any(material.emissive):
            entry["emissiveFactor"] = _floats(material.emissive)
        if material.alpha_mode != "OPAQUE":
            entry["alphaMode"] = material.alpha_mode
        if material.alpha_mode == "MASK":
            entry["alphaCutoff"] = float(material.alpha_cutoff)
        if material.double_sided:
            entry["doubleSided"] = True

        extensions: dict[str, Any] = {}
        if material.unlit:
            extensions[_UNLIT] = {}
            # The Khronos validator warns about any other material extension next
            # to KHR_materials_unlit, and unlit shading ignores emission strength.
            if material.emissive_strength != 1.0:
                logger.warning(
                    "material %r: emissive_strength is dropped because it is unlit",
                    material.name,
                )
        elif material.emissive_strength != 1.0:
            strength = float(material.emissive_strength)
            extensions[_EMISSIVE_STRENGTH] = {"emissiveStrength": strength}
        if extensions:
            entry["extensions"] = extensions
            self.extensions_used.update(extensions)

        self.document["materials"].append(entry)
        self._materials[id(material)] = len(self.document["materials"]) - 1
        return self._materials[id(material)]

    # Meshes

    def _primitive(self, primitive: Primitive, where: str) -> dict[str, Any]:
        _check_primitive(primitive, where)
        material = primitive.material
        textured = bool(_material_textures(material))
        if textured and primitive.uvs is None:
            raise ValueError(
                f"{where}: material {material.name!r} has textures but the "
                "primitive has no uvs"
            )

        positions = to_gltf_vectors(primitive.positions).astype(np.float32)
        normals = to_gltf_vectors(primitive.normals)
        lengths = np.linalg.norm(normals, axis=1, keepdims=True)
        if np.any(lengths < 1e-6):
            raise ValueError(f"{where}: a normal has zero length")
        attributes = {
            "POSITION": self._accessor(
                primitive.positions, "position", positions, bounds=True
            ),
            "NORMAL": self._accessor(
                primitive.normals, "normal", (normals / lengths).astype(np.float32)
            ),
        }
        # UVs without a texture and tangents without a normal map are left out,
        # because the Khronos validator reports them as unused data.
        if textured and primitive.uvs is not None:
            uvs = np.ascontiguousarray(primitive.uvs, dtype=np.float32)
            attributes["TEXCOORD_0"] = self._accessor(primitive.uvs, "uv", uvs)
        if primitive.tangents is not None and material.normal_texture is not None:
            attributes["TANGENT"] = self._accessor(
                primitive.tangents, "tangent", self._tangents(primitive.tangents, where)
            )
        if primitive.colors is not None:
            colors = np.ascontiguousarray(primitive.colors, dtype=np.float32)
            attributes["COLOR_0"] = self._accessor(primitive.colors, "color", colors)

        indices = primitive.indices
        small = int(indices.max()) < 0xFFFF  # 0xFFFF is reserved for primitive restart
        index_type = np.uint16 if small else np.uint32
        return {
            "attributes": attributes,
            "indices": self._accessor(
                indices,
                "index",
                np.ascontiguousarray(indices, dtype=index_type),
                target=_ELEMENT_ARRAY_BUFFER,
            ),
            "material": self._material(material),
        }

    @staticmethod
    def _tangents(tangents: npt.NDArray[Any], where: str) -> npt.NDArray[np.float32]:
        xyz = to_gltf_vectors(tangents[:, :3])
        lengths = np.linalg.norm(xyz, axis=1, keepdims=True)
        if np.any(lengths < 1e-6) or not np.all(np.abs(tangents[:, 3]) == 1):
            raise ValueError(f"{where}: tangents need unit xyz and w = +1 or -1")
        return np.column_stack([xyz / lengths, tangents[:, 3]]).astype(np.float32)

    def _mesh(self, mesh: Mesh) -> int:
        if id(mesh) in self._meshes:
            return self._meshes[id(mesh)]
        if not mesh.primitives:
            raise ValueError(f"mesh {mesh.name!r} has no primitives")
        primitives = [
            self._primitive(primitive, f"mesh {mesh.name!r} primitive {index}")
            for index, primitive in enumerate(mesh.primitives)
        ]
        self.document["meshes"].append({"name": mesh.name, "primitives": primitives})
        self._meshes[id(mesh)] = len(self.document["meshes"]) - 1
        return self._meshes[id(mesh)]

    # Nodes and lights

    def _light(self, light: Light, name: str, where: str) -> int:
        _check_light(light, where)
        entry: dict[str, Any] = {
            "name": name,
            "type": light.kind,
            "color": _floats(light.color),
            "intensity": float(light.intensity),
        }
        if light.range is not None:
            if light.kind == "directional":
                logger.warning("%s: range is ignored for directional lights", where)
            else:
                entry["range"] = float(light.range)
        if light.kind == "spot":
            entry["spot"] = {
                "innerConeAngle": float(light.inner_cone_angle),
                "outerConeAngle": float(light.outer_cone_angle),
            }
        self.document["lights"].append(entry)
        self.extensions_used.add(_LIGHTS_PUNCTUAL)
        return len(self.document["lights"]) - 1

    def add_node(self, node: Node) -> int:
        """Write `node` and its subtree, parents first, and return the node's index."""
        where = f"node {node.name!r}"
        entry: dict[str, Any] = {"name": node.name}
        index = len(self.document["nodes"])
        self.document["nodes"].append(entry)

        rotation = _gltf_rotation(node.rotation, where)
        light_child: Node | None = None
        if node.light is not None and node.light.kind != "point":
            if node.mesh is None and not node.children:
                aim = _aim_rotation(node.light.direction, where)
                rotation = _quaternion_product(rotation, aim)
            else:
                # Aiming this node would turn its mesh and children too.
                light_child = Node(f"{node.name}_light", light=node.light)

        if any(node.translation):
            entry["translation"] = _gltf_point(node.translation, where)
        if rotation != [0.0, 0.0, 0.0, 1.0]:
            entry["rotation"] = rotation
        if tuple(node.scale) != (1.0, 1.0, 1.0):
            entry["scale"] = _gltf_scale(node.scale, where)
        if node.mesh is not None:
            entry["mesh"] = self._mesh(node.mesh)
        if node.light is not None and light_child is None:
            light = self._light(node.light, node.name, where)
            entry["extensions"] = {_LIGHTS_PUNCTUAL: {"light": light}}
        if node.extras is not None:
            entry["extras"] = _json_value(node.extras, f"{where} extras")

        children = [*node.children, *([light_child] if light_child else [])]
        if children:
            entry["children"] = [self.add_node(child) for child in children]
        return index

    def binary(self) -> bytes:
        return bytes(self._binary)


def _document(
    scene: SceneModel, builder: _GlbBuilder, roots: list[int]
) -> dict[str, Any]:
    """Assemble the top-level glTF JSON, leaving out empty lists."""
    gltf_scene: dict[str, Any] = {"name": scene.id}
    if roots:
        gltf_scene["nodes"] = roots
    if scene.extras:
        gltf_scene["extras"] = _json_value(scene.extras, f"scene {scene.id!r} extras")

    parts = builder.document
    document: dict[str, Any] = {"asset": {"version": "2.0", "generator": GENERATOR}}
    if builder.extensions_used:
        document["extensionsUsed"] = sorted(builder.extensions_used)
    if parts["lights"]:
        document["extensions"] = {_LIGHTS_PUNCTUAL: {"lights": parts["lights"]}}
    document["scene"] = 0
    document["scenes"] = [gltf_scene]
    for name in _ARRAY_KEYS:
        if parts[name]:
            document[name] = parts[name]
    binary = builder.binary()
    if binary:
        document["buffers"] = [{"byteLength": len(binary)}]
    return document


def _chunk(kind: bytes, data: bytes, padding: bytes) -> bytes:
    padded = data + padding * (-len(data) % 4)
    return struct.pack("<I4s", len(padded), kind) + padded


def write_glb(scene: SceneModel) -> bytes:
    """Encode `scene` as GLB bytes; equal content and sharing give equal bytes.

    Raises ValueError, naming the node, mesh, material or texture, for data glTF
    cannot hold: non-finite or out-of-range values, bad index ranges, zero
    normals, textures without UVs, or extras that are not JSON.
    """
    builder = _GlbBuilder()
    roots = [builder.add_node(node) for node in scene.nodes]
    document = _document(scene, builder, roots)
    text = json.dumps(
        document, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )

    binary = builder.binary()
    chunks = _chunk(_CHUNK_JSON, text.encode("utf-8"), b" ")
    if binary:
        chunks += _chunk(_CHUNK_BIN, binary, b"\x00")
    header = struct.pack("<4sII", _GLB_MAGIC, _GLB_VERSION, 12 + len(chunks))
    logger.debug(
        "wrote scene %s: %d nodes, %d meshes, %d materials, %d images, %d bytes",
        scene.id,
        len(builder.document["nodes"]),
        len(builder.document["meshes"]),
        len(builder.document["materials"]),
        len(builder.document["images"]),
        12 + len(chunks),
    )
    return header + chunks


def read_glb(data: bytes) -> tuple[dict[str, Any], bytes]:
    """Split GLB bytes into the parsed JSON document and the BIN chunk (b"" if none).

    Raises ValueError if the header, chunk layout or JSON is invalid.
    """
    if len(data) < 20 or data[:4] != _GLB_MAGIC:
        raise ValueError("not a GLB file: it does not start with 'glTF'")
    version, length = struct.unpack_from("<II", data, 4)
    if version != _GLB_VERSION:
        raise ValueError(f"unsupported GLB version {version}; expected 2")
    if length != len(data):
        raise ValueError(
            f"GLB length field is {length} bytes but the data is {len(data)} bytes"
        )

    chunks: list[tuple[bytes, bytes]] = []
    offset = 12
    while offset < length:
        if offset + 8 > length:
            raise ValueError(f"GLB chunk header at byte {offset} is truncated")
        size, kind = struct.unpack_from("<I4s", data, offset)
        if offset + 8 + size > length:
            raise ValueError(f"GLB chunk {kind!r} at byte {offset} is truncated")
        chunks.append((kind, data[offset + 8 : offset + 8 + size]))
        offset += 8 + size

    if not chunks or chunks[0][0] != _CHUNK_JSON:
        raise ValueError("GLB must start with a JSON chunk")
    try:
        document = json.loads(chunks[0][1].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"GLB JSON chunk is invalid: {error}") from error
    binary = chunks[1][1] if len(chunks) > 1 and chunks[1][0] == _CHUNK_BIN else b""
    return document, binary
