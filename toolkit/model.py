"""The scene model: what the compiler produces and the glTF writer consumes.

Every coordinate here is in the authors' frame: metres, Z-up (x east, y north,
z up), as in Panda3D. Only the glTF writer converts to glTF's Y-up.
Rotations are unit quaternions stored as (x, y, z, w), glTF's order.
Colours are linear RGB(A) floats in 0..1, as glTF stores them.
Arrays are numpy arrays made read-only by `frozen_array`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "FloatArray",
    "IndexArray",
    "Texture",
    "Material",
    "Primitive",
    "Mesh",
    "Light",
    "Node",
    "SceneModel",
    "frozen_array",
    "IDENTITY_ROTATION",
]

FloatArray = npt.NDArray[np.float32]
IndexArray = npt.NDArray[np.uint32]

IDENTITY_ROTATION = (0.0, 0.0, 0.0, 1.0)


def frozen_array(values: Any, dtype: Any) -> npt.NDArray[Any]:
    """Return a C-contiguous copy of `values` as `dtype` that cannot be written."""
    array = np.ascontiguousarray(values, dtype=dtype).copy()
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class Texture:
    """An encoded image (PNG or JPEG bytes) with its sampler settings."""

    name: str
    data: bytes
    mime_type: Literal["image/png", "image/jpeg"]
    repeat: bool = True


@dataclass(frozen=True, eq=False)
class Material:
    """A glTF metallic-roughness material."""

    name: str
    base_color: tuple[float, float, float, float] = (0.8, 0.8, 0.8, 1.0)
    base_color_texture: Texture | None = None
    metallic: float = 0.0
    roughness: float = 0.8
    metallic_roughness_texture: Texture | None = None
    normal_texture: Texture | None = None
    occlusion_texture: Texture | None = None
    emissive: tuple[float, float, float] = (0.0, 0.0, 0.0)
    emissive_texture: Texture | None = None
    emissive_strength: float = 1.0
    alpha_mode: Literal["OPAQUE", "BLEND", "MASK"] = "OPAQUE"
    alpha_cutoff: float = 0.5
    double_sided: bool = False
    unlit: bool = False


@dataclass(frozen=True, eq=False)
class Primitive:
    """Indexed triangles with one material.

    positions and normals are (n, 3) float32, uvs (n, 2) float32 with glTF's
    convention (v = 0 at the top of the image), colors (n, 4) float32,
    tangents (n, 4) float32, indices (3m,) uint32.
    """

    positions: FloatArray
    normals: FloatArray
    indices: IndexArray
    material: Material
    uvs: FloatArray | None = None
    colors: FloatArray | None = None
    tangents: FloatArray | None = None


@dataclass(frozen=True, eq=False)
class Mesh:
    """A named set of primitives. One Mesh object used by many nodes is an instance."""

    name: str
    primitives: tuple[Primitive, ...]


@dataclass(frozen=True)
class Light:
    """A KHR_lights_punctual light.

    `direction` is where a directional or spot light points, in the authors'
    frame. glTF lights shine along their node's local -Z, so the writer turns
    `direction` into the light node's rotation.
    """

    kind: Literal["directional", "point", "spot"]
    color: tuple[float, float, float] = (1.0, 1.0, 1.0)
    intensity: float = 1.0
    range: float | None = None
    inner_cone_angle: float = 0.0  # radians
    outer_cone_angle: float = 0.7853981633974483  # radians
    direction: tuple[float, float, float] = (0.0, 0.0, -1.0)


@dataclass(frozen=True, eq=False)
class Node:
    """A scene graph node. `extras` is written as the glTF node's `extras` object."""

    name: str
    translation: tuple[float, float, float] = (0.0, 0.0, 0.0)
    rotation: tuple[float, float, float, float] = IDENTITY_ROTATION
    scale: tuple[float, float, float] = (1.0, 1.0, 1.0)
    mesh: Mesh | None = None
    light: Light | None = None
    extras: Mapping[str, Any] | None = None
    children: tuple[Node, ...] = ()


@dataclass(frozen=True, eq=False)
class SceneModel:
    """One compiled scene: its top-level nodes plus scene-level `extras`."""

    id: str
    nodes: tuple[Node, ...]
    extras: Mapping[str, Any] = field(default_factory=dict)
