"""Compile a validated scene into the scene model that the glTF writer takes.

Repeated things stay shared: one `Mesh` per object however many times it is
placed, one `Material` per material spec, one import per model file.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import geometry, model, spec, textures
from .cache import BuildCache, pack, unpack
from .errors import InvalidVenue, Problem
from .importers import import_model

__all__ = ["compile_scene", "hpr_to_quaternion", "look_rotation", "node_name"]

log = logging.getLogger(__name__)

Quaternion = tuple[float, float, float, float]

DEFAULT_PATTERN_COLOR = "#404040"
"""The second colour of a pattern whose material gives none."""


def _axis_quaternion(axis: int, degrees: float) -> np.ndarray:
    half = math.radians(degrees) / 2
    q = np.zeros(4)
    q[axis] = math.sin(half)
    q[3] = math.cos(half)
    return q


def _multiply(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    ax, ay, az, aw = a
    bx, by, bz, bw = b
    return np.array([
        aw * bx + ax * bw + ay * bz - az * by,
        aw * by - ax * bz + ay * bw + az * bx,
        aw * bz + ax * by - ay * bx + az * bw,
        aw * bw - ax * bx - ay * by - az * bz,
    ])


def hpr_to_quaternion(hpr: spec.Vec3) -> Quaternion:
    """Convert Panda3D's heading, pitch, roll (degrees) to an (x, y, z, w) quaternion.

    Heading turns about +Z, pitch about +X, roll about +Y, applied roll first.
    """
    heading, pitch, roll = hpr
    q = _multiply(_multiply(_axis_quaternion(2, heading), _axis_quaternion(0, pitch)),
                  _axis_quaternion(1, roll))
    return _tidy(q)


def _tidy(q: np.ndarray) -> Quaternion:
    q = q / np.linalg.norm(q)
    if q[3] < 0:
        q = -q
    rounded = np.round(q, 12) + 0.0  # + 0.0 turns -0.0 into 0.0
    return (float(rounded[0]), float(rounded[1]), float(rounded[2]),
            float(rounded[3]))


def _matrix_to_quaternion(m: np.ndarray) -> np.ndarray:
    trace = m[0, 0] + m[1, 1] + m[2, 2]
    if trace > 0:
        s = math.sqrt(trace + 1.0) * 2
        return np.array([(m[2, 1] - m[1, 2]) / s, (m[0, 2] - m[2, 0]) / s,
                         (m[1, 0] - m[0, 1]) / s, 0.25 * s])
    i = int(np.argmax([m[0, 0], m[1, 1], m[2, 2]]))
    j, k = (i + 1) % 3, (i + 2) % 3
    s = math.sqrt(1.0 + m[i, i] - m[j, j] - m[k, k]) * 2
    q = np.zeros(4)
    q[i] = 0.25 * s
    q[j] = (m[j, i] + m[i, j]) / s
    q[k] = (m[k, i] + m[i, k]) / s
    q[3] = (m[k, j] - m[j, k]) / s
    return q


def look_rotation(eye: spec.Vec3, target: spec.Vec3) -> Quaternion:
    """Rotation whose local +Y points from `eye` to `target` with +Z kept up.

    That is a Panda3D camera's frame; the writer's Y-up conversion turns it
    into a glTF camera's frame (looking along -Z with +Y up).
    """
    forward = np.subtract(target, eye, dtype=np.float64)
    forward /= np.linalg.norm(forward)
    up = np.array([0.0, 0.0, 1.0])
    right = np.cross(forward, up)
    if np.linalg.norm(right) < 1e-9:  # looking straight up or down
        right = np.array([1.0, 0.0, 0.0])
    right /= np.linalg.norm(right)
    true_up = np.cross(right, forward)
    matrix = np.column_stack([right, forward, true_up])
    return _tidy(_matrix_to_quaternion(matrix))


def node_name(kind: str, ident: str) -> str:
    """Return the GLB node name of a hotspot, viewpoint, light or screen."""
    return f"{kind}_{ident}"


@dataclass
class _Caches:
    """Materials, textures and meshes that one compile shares between objects."""

    materials: dict[int, model.Material] = field(default_factory=dict)
    textures: dict[Any, model.Texture] = field(default_factory=dict)
    meshes: dict[Any, model.Mesh] = field(default_factory=dict)
    screen_frame: model.Material | None = None
    store: BuildCache | None = None
    """The build cache for generated pattern textures, or None."""


def _texture_from_file(path: Path, caches: _Caches) -> model.Texture:
    key = ("file", path)
    if key not in caches.textures:
        data = path.read_bytes()
        mime = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
        caches.textures[key] = model.Texture(path.stem, data, mime)
    return caches.textures[key]


def _pattern_texture(kind: str, color: str, second: str, seed: int,
                     store: BuildCache | None) -> model.Texture:
    """Generate a pattern texture, or take it from `store` when it was made before.

    Generating and PNG-encoding patterns is most of a compile's time.
    """
    if store is None:
        return textures.pattern_texture(kind, color, second, seed=seed)
    key = store.key("pattern", kind, color, second, str(seed))
    payload = store.get("texture", key)
    if payload is not None:
        try:
            header, data = unpack(payload)
            return model.Texture(str(header["name"]), data, "image/png",
                                 repeat=bool(header["repeat"]))
        except (ValueError, KeyError) as error:
            log.debug("ignoring the cached pattern %s: %s", key, error)
    texture = textures.pattern_texture(kind, color, second, seed=seed)
    header = {"name": texture.name, "repeat": texture.repeat}
    store.put("texture", key, pack(header, texture.data))
    return texture


def _material(material: spec.MaterialSpec, caches: _Caches) -> model.Material:
    key = id(material)
    if key in caches.materials:
        return caches.materials[key]
    red, green, blue, alpha = textures.parse_color(material.color)
    alpha *= material.opacity
    base_texture = None
    if material.texture is not None:
        base_texture = _texture_from_file(material.texture, caches)
    elif material.pattern is not None:
        pattern = material.pattern
        second = pattern.color or DEFAULT_PATTERN_COLOR
        pattern_key = ("pattern", pattern.kind, material.color, second, pattern.seed)
        if pattern_key not in caches.textures:
            caches.textures[pattern_key] = _pattern_texture(
                pattern.kind, material.color, second, pattern.seed, caches.store)
        base_texture = caches.textures[pattern_key]
        # The pattern carries both colours, so the factor must not tint it.
        red = green = blue = 1.0
    emissive = (0.0, 0.0, 0.0)
    if material.emissive is not None:
        emissive = textures.parse_color(material.emissive)[:3]
    result = model.Material(
        name=material.name,
        base_color=(red, green, blue, alpha),
        base_color_texture=base_texture,
        metallic=material.metallic,
        roughness=material.roughness,
        emissive=emissive,
        emissive_strength=material.emissive_strength,
        alpha_mode="BLEND" if alpha < 1.0 else "OPAQUE",
        double_sided=material.double_sided,
        unlit=material.unlit,
    )
    caches.materials[key] = result
    return result


def _shape_mesh(shape: spec.Shape, tile: float | None) -> geometry.MeshData:
    """Build a primitive; with `tile`, its UVs repeat every `tile` metres."""
    params: Mapping[str, Any] = shape.params
    if shape.kind == "box":
        return geometry.box(tuple(params["size"]), texture_size=tile)
    if shape.kind == "cylinder":
        top = params.get("top_radius", params["radius"])
        segments = int(params.get("segments", 32))
        return geometry.cone(params["radius"], params["height"], segments,
                             top_radius=top)
    if shape.kind == "sphere":
        segments = int(params.get("segments", 32))
        return geometry.sphere(params["radius"], segments, max(segments // 2, 2))
    if shape.kind == "plane":
        return geometry.plane(tuple(params["size"]), texture_size=tile)
    if shape.kind == "extrude":
        return geometry.extrude(params["points"], params["height"],
                                texture_size=tile)
    if shape.kind == "terrain":
        return geometry.terrain(terrain_params(params))
    raise ValueError(f"unknown shape {shape.kind}")


def terrain_params(params: Mapping[str, Any]) -> geometry.TerrainParams:
    """Map a scene file's `terrain` keys to the generator's parameters."""
    return geometry.TerrainParams(
        size=tuple(params["size"]),
        height=float(params["height"]),
        resolution=int(params.get("resolution", 64)),
        seed=int(params.get("seed", 0)),
        peaks=int(params.get("peaks", 3)),
        roughness=float(params.get("roughness", 0.25)),
        plateau_radius=float(params.get("plateau", 0.0)),
    )


def _uv_extent(shape: spec.Shape) -> tuple[float, float] | None:
    """Metres that u and v span on shapes whose UVs run 0..1 once."""
    params: Mapping[str, Any] = shape.params
    if shape.kind == "cylinder":
        return 2 * math.pi * params["radius"], params["height"]
    if shape.kind == "sphere":
        return 2 * math.pi * params["radius"], math.pi * params["radius"]
    if shape.kind == "terrain":
        return params["size"][0], params["size"][1]
    return None


def _tiled_uvs(data: geometry.MeshData, shape: spec.Shape, tile: float | None) -> Any:
    extent = _uv_extent(shape)
    if tile is None or extent is None:
        return data.uvs
    factors = np.array([extent[0] / tile, extent[1] / tile], np.float32)
    uvs = data.uvs * factors
    if shape.kind == "cylinder":
        # The caps are flat disks: map them from above, tile by tile, instead
        # of stretching the side's wrap-around scale over them.
        caps = np.abs(data.normals[:, 2]) > 0.999
        uvs[caps] = data.positions[caps, :2] * np.array([1, -1], np.float32) / tile
    return model.frozen_array(uvs, np.float32)


def _primitive_mesh(obj: spec.SceneObject, caches: _Caches) -> model.Mesh:
    material = _material(obj.material, caches)
    key = ("shape", obj.shape.kind, repr(obj.shape.params), id(obj.material))
    if key not in caches.meshes:
        pattern = obj.material.pattern
        tile = pattern.size if pattern is not None else None
        data = _shape_mesh(obj.shape, tile)
        primitive = model.Primitive(
            positions=data.positions, normals=data.normals, indices=data.indices,
            material=material, uvs=_tiled_uvs(data, obj.shape, tile),
        )
        caches.meshes[key] = model.Mesh(obj.id, (primitive,))
    return caches.meshes[key]


def _object_node(obj: spec.SceneObject, root: Path, caches: _Caches) -> model.Node:
    extras = {"kind": "object", "id": obj.id}
    if obj.shape.kind == "model":
        assert obj.shape.model is not None
        children = import_model(obj.shape.model, obj.origin, root)
        mesh = None
    else:
        children = ()
        mesh = _primitive_mesh(obj, caches)
    place = obj.placement
    if not obj.copies:
        return model.Node(obj.id, place.at, hpr_to_quaternion(place.hpr),
                          place.scale, mesh=mesh, extras=extras, children=children)
    copies = tuple(
        model.Node(f"{obj.id}_{index}", copy.at, hpr_to_quaternion(copy.hpr),
                   copy.scale, mesh=mesh, children=children)
        for index, copy in enumerate(obj.copies)
    )
    return model.Node(obj.id, place.at, hpr_to_quaternion(place.hpr), place.scale,
                      extras=extras, children=copies)


def _light_node(light: spec.LightSpec) -> model.Node:
    red, green, blue, _alpha = textures.parse_color(light.color)
    direction = tuple(float(v) for v in light.direction)
    return model.Node(
        node_name("light", light.id),
        translation=light.at,
        light=model.Light(
            kind=light.kind, color=(red, green, blue), intensity=light.intensity,
            range=light.range, inner_cone_angle=light.inner_cone,
            outer_cone_angle=light.outer_cone, direction=direction,  # type: ignore[arg-type]
        ),
        extras={"kind": "light", "id": light.id},
    )


def action_json(action: spec.Action) -> dict[str, str]:
    """Return a hotspot action as tour.json and the GLB extras write it."""
    return {"type": action.kind, action.kind: action.target}


def _hotspot_node(hotspot: spec.Hotspot) -> model.Node:
    return model.Node(
        node_name("hotspot", hotspot.id),
        translation=hotspot.at,
        extras={"kind": "hotspot", "id": hotspot.id,
                "action": action_json(hotspot.action)},
    )


def _viewpoint_node(viewpoint: spec.Viewpoint) -> model.Node:
    return model.Node(
        node_name("viewpoint", viewpoint.id),
        translation=viewpoint.at,
        rotation=look_rotation(viewpoint.at, viewpoint.look_at),
        extras={"kind": "viewpoint", "id": viewpoint.id, "fov": viewpoint.fov,
                "target_distance": round(math.dist(viewpoint.at,
                                                   viewpoint.look_at), 6)},
    )


SCREEN_DEPTH = 0.08
"""Thickness of a screen's frame in metres."""
SCREEN_FRAME_COLOR = "#1a1a1a"
SCREEN_GLOW_COLOR = "#0b1220"
"""The picture's emissive colour while no video plays: a faint blue-black."""


def _idle_texture() -> model.Texture:
    """Make a dark 16:9 image, lighter at the centre, shown until video plays.

    With a texture the picture keeps its UVs in the GLB, which the writer
    drops from untextured primitives, so players can map video onto it.
    """
    y, x = np.mgrid[0:36, 0:64]
    distance = np.clip(np.hypot((x - 31.5) / 32, (y - 17.5) / 18), 0.0, 1.0)
    level = 40 - 28 * distance  # sRGB levels out of 255
    pixels = np.stack([level, level * 1.1, level * 1.4], axis=-1)
    data = textures.encode_png(np.rint(pixels).astype(np.uint8))
    return model.Texture("screen-idle", data, "image/png", repeat=False)


def _screen_frame(width: float, height: float) -> geometry.MeshData:
    """Build a thin box around the picture, centred on the origin, front at +Y."""
    border = max(0.02, 0.03 * min(width, height))
    frame = geometry.box((width + 2 * border, SCREEN_DEPTH, height + 2 * border))
    centre = np.array([0.0, 0.0, (height + 2 * border) / 2], np.float32)
    return geometry.MeshData(frame.positions - centre, frame.normals, frame.uvs,
                             frame.indices)


def _screen_surface(width: float, height: float) -> geometry.MeshData:
    """Build the picture: a quad just in front of the frame, facing +Y.

    Seen from the front, +X is on the viewer's left, so the image's left
    edge (u = 0) is at +X. UV (0, 0) is the image's top left, as glTF reads
    images.
    """
    y = SCREEN_DEPTH / 2 + 0.002  # in front of the frame, without z-fighting
    half_w, half_h = width / 2, height / 2
    positions = np.array([[half_w, y, half_h], [-half_w, y, half_h],
                          [-half_w, y, -half_h], [half_w, y, -half_h]])
    normals = np.tile([0.0, 1.0, 0.0], (4, 1))
    uvs = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    return geometry.MeshData(positions, normals, uvs, np.array([3, 2, 1, 3, 1, 0]))


def _screen_materials(screen: spec.Screen,
                      caches: _Caches) -> tuple[model.Material, model.Material]:
    """Return the shared frame material and the screen's own picture material.

    Each picture has its own material, so a player can give each screen its
    own video texture.
    """
    if caches.screen_frame is None:
        caches.screen_frame = model.Material(
            name="screen_frame",
            base_color=textures.parse_color(SCREEN_FRAME_COLOR),
            roughness=0.6,
        )
    frame = caches.screen_frame
    if "screen-idle" not in caches.textures:
        caches.textures["screen-idle"] = _idle_texture()
    surface = model.Material(
        name=node_name("screen", screen.id),
        base_color_texture=caches.textures["screen-idle"],
        roughness=0.3,
        emissive=textures.parse_color(SCREEN_GLOW_COLOR)[:3],
    )
    return frame, surface


def _screen_node(screen: spec.Screen, caches: _Caches) -> model.Node:
    width, height = screen.size
    frame_material, surface_material = _screen_materials(screen, caches)
    mesh = model.Mesh(node_name("screen", screen.id), (
        _screen_frame(width, height).to_primitive(frame_material),
        _screen_surface(width, height).to_primitive(surface_material),
    ))
    return model.Node(
        node_name("screen", screen.id),
        translation=screen.at,
        rotation=hpr_to_quaternion(screen.hpr),
        mesh=mesh,
        extras={"kind": "screen", "id": screen.id, "channel": screen.channel},
    )


def _check_node_names(scene: spec.Scene, nodes: list[model.Node]) -> None:
    """Raise InvalidVenue when two nodes that players look up share a name.

    Those are the top-level nodes and the placements `<object-id>_<n>`; nodes
    inside an imported model keep the model's names, which may repeat.
    """
    names = [node.name for node in nodes]
    names.extend(child.name for node in nodes for child in node.children
                 if child.name.startswith(f"{node.name}_"))
    repeated = sorted(name for name, count in Counter(names).items() if count > 1)
    if repeated:
        raise InvalidVenue([
            Problem(scene.origin, f"two nodes of scene '{scene.id}' are named "
                    f"'{name}'; rename the object or the marker that makes one "
                    "of them")
            for name in repeated
        ])


def compile_scene(scene: spec.Scene, root: Path,
                  cache: BuildCache | None = None) -> model.SceneModel:
    """Turn a scene spec into a scene model; raises InvalidVenue for bad models.

    With `cache`, generated pattern textures are taken from it and stored in it.
    """
    caches = _Caches(store=cache)
    nodes: list[model.Node] = []
    problems: list[Problem] = []
    for obj in scene.objects:
        try:
            nodes.append(_object_node(obj, root, caches))
        except InvalidVenue as error:
            problems.extend(error.problems)
        except ValueError as error:
            problems.append(Problem(obj.origin, f"object '{obj.id}': {error}"))
    if problems:
        raise InvalidVenue(problems)
    nodes.extend(_light_node(light) for light in scene.lights)
    nodes.extend(_hotspot_node(hotspot) for hotspot in scene.hotspots)
    nodes.extend(_screen_node(screen, caches) for screen in scene.screens)
    nodes.extend(_viewpoint_node(viewpoint) for viewpoint in scene.viewpoints)
    _check_node_names(scene, nodes)
    log.debug("compiled scene %s: %d nodes, %d meshes", scene.id, len(nodes),
              len(caches.meshes))
    return model.SceneModel(scene.id, tuple(nodes), {"scene": scene.id})
