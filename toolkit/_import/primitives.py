"""glTF meshes and primitives as scene-model meshes of indexed triangles."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from ..model import FloatArray, IndexArray, Mesh, Primitive, frozen_array
from .accessors import read_floats, read_indices
from .axes import vectors_to_z_up
from .context import ModelContext
from .document import GltfDocument
from .materials import MaterialReader, ResolvedMaterial

__all__ = [
    "MODE_NAMES",
    "flat_normals",
    "read_mesh",
    "triangle_list",
    "unit_normals",
]

logger = logging.getLogger(__name__)

MODE_NAMES = {
    0: "POINTS",
    1: "LINES",
    2: "LINE_LOOP",
    3: "LINE_STRIP",
    4: "TRIANGLES",
    5: "TRIANGLE_STRIP",
    6: "TRIANGLE_FAN",
}
TRIANGLES, TRIANGLE_STRIP, TRIANGLE_FAN = 4, 5, 6


def read_mesh(document: GltfDocument, index: int, materials: MaterialReader) -> Mesh:
    """Convert glTF mesh `index`; primitives without triangles are left out."""
    raw = document.item("meshes", index)
    name = str(raw.get("name") or f"mesh_{index}")
    primitives = []
    for primitive_index, raw_primitive in enumerate(raw.get("primitives", [])):
        where = f"mesh {name!r} primitive {primitive_index}"
        primitive = _read_primitive(document, where, raw_primitive, materials)
        if primitive is not None:
            primitives.append(primitive)
    return Mesh(name, tuple(primitives))


def triangle_list(indices: IndexArray, mode: int) -> IndexArray:
    """Turn TRIANGLES, TRIANGLE_STRIP or TRIANGLE_FAN indices into a triangle list.

    Every second strip triangle swaps two corners, as glTF 2.0 defines strips,
    so all triangles keep the strip's front face.
    """
    if mode == TRIANGLES:
        return indices
    if len(indices) < 3:
        return np.zeros(0, dtype=np.uint32)
    i = np.arange(len(indices) - 2)
    if mode == TRIANGLE_STRIP:
        odd = i % 2 == 1
        first = indices[i]
        second = np.where(odd, indices[i + 2], indices[i + 1])
        third = np.where(odd, indices[i + 1], indices[i + 2])
    else:
        first = indices[i + 1]
        second = indices[i + 2]
        third = np.full(len(i), indices[0], dtype=indices.dtype)
    return np.stack([first, second, third], axis=1).reshape(-1).astype(np.uint32)


def flat_normals(positions: FloatArray, indices: IndexArray) -> FloatArray:
    """Return one face normal per triangle corner, for unwelded triangles.

    Degenerate triangles get +Y, glTF's up, so every normal has unit length.
    """
    corners = positions[indices].reshape(-1, 3, 3)
    faces = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    lengths = np.linalg.norm(faces, axis=1, keepdims=True)
    degenerate = lengths[:, 0] == 0.0
    faces[degenerate] = (0.0, 1.0, 0.0)
    lengths[degenerate] = 1.0
    return np.repeat(faces / lengths, 3, axis=0).astype(np.float32)


def _read_primitive(
    document: GltfDocument,
    where: str,
    raw: dict[str, Any],
    materials: MaterialReader,
) -> Primitive | None:
    """Convert one primitive to Z-up, or return None when it has no triangles."""
    ctx = document.ctx
    mode = raw.get("mode", TRIANGLES)
    if raw.get("targets"):
        ctx.unsupported(
            f"morph targets (in {where})",
            "apply or remove the shape keys before exporting",
        )
    if mode not in (TRIANGLES, TRIANGLE_STRIP, TRIANGLE_FAN):
        ctx.unsupported(
            f"the primitive mode {MODE_NAMES.get(mode, mode)} (in {where})",
            "only triangles can be shown, so convert the points or lines to "
            "triangle geometry or remove them",
        )

    attributes = raw.get("attributes", {})
    if "POSITION" not in attributes:
        ctx.fail(f"is not valid glTF: {where} has no POSITION attribute")
    positions = _attribute(document, attributes, "POSITION", where, None, (3,))
    assert positions is not None
    count = len(positions)
    indices = _triangles(document, raw, where, count, mode)
    if len(indices) == 0:
        logger.debug("%s: %s has no triangles; skipped", ctx.name, where)
        return None

    resolved = materials.material(raw.get("material"))
    uvs = _uvs(document, attributes, where, count, resolved)
    normals = _attribute(document, attributes, "NORMAL", where, count, (3,))
    colors = _attribute(document, attributes, "COLOR_0", where, count, (3, 4))
    tangents = _attribute(document, attributes, "TANGENT", where, count, (4,))
    if colors is not None and colors.shape[1] == 3:
        colors = np.concatenate([colors, np.ones((count, 1), np.float32)], axis=1)

    if normals is None:
        # glTF requires flat normals when NORMAL is absent and requires TANGENT
        # to be ignored then. Flat shading needs one vertex per triangle corner.
        logger.debug("%s: %s has no normals; computing flat ones", ctx.name, where)
        positions = positions[indices]
        uvs = None if uvs is None else uvs[indices]
        colors = None if colors is None else colors[indices]
        tangents = None
        indices = np.arange(len(indices), dtype=np.uint32)
        normals = flat_normals(positions, indices)

    normals = unit_normals(ctx, where, normals)
    if tangents is not None:
        tangents = _unit_tangents(document, where, tangents)
    return Primitive(
        positions=frozen_array(vectors_to_z_up(positions), np.float32),
        normals=frozen_array(vectors_to_z_up(normals), np.float32),
        indices=frozen_array(indices, np.uint32),
        material=resolved.material,
        uvs=None if uvs is None else frozen_array(uvs, np.float32),
        colors=None if colors is None else frozen_array(colors, np.float32),
        tangents=None if tangents is None else frozen_array(tangents, np.float32),
    )


def _triangles(
    document: GltfDocument, raw: dict[str, Any], where: str, count: int, mode: int
) -> IndexArray:
    """Return the primitive's triangle list, generating indices when absent."""
    if "indices" in raw:
        indices = read_indices(document, raw["indices"], f"{where} indices")
    else:
        indices = np.arange(count, dtype=np.uint32)
    if len(indices) and int(indices.max()) >= count:
        document.ctx.fail(
            f"{where} is out of range: it has the vertex index {int(indices.max())} "
            f"but only {count} vertices"
        )
    if mode == TRIANGLES and len(indices) % 3:
        document.ctx.fail(
            f"is not valid glTF: {where} has {len(indices)} triangle indices, "
            "which is not a multiple of 3"
        )
    return triangle_list(indices, mode)


def _uvs(
    document: GltfDocument,
    attributes: dict[str, Any],
    where: str,
    count: int,
    resolved: ResolvedMaterial,
) -> FloatArray | None:
    """Return the UV set the material's textures read, with its transform baked in.

    Untextured primitives keep TEXCOORD_0 when they have it.
    """
    binding = resolved.uv_binding
    key = f"TEXCOORD_{binding.texcoord if binding else 0}"
    uvs = _attribute(document, attributes, key, where, count, (2,))
    if binding is None:
        return uvs
    if uvs is None:
        document.ctx.fail(
            f"is not valid glTF: {where} uses the textured material "
            f"{resolved.material.name!r}, which reads {key}, but has no {key}"
        )
    return binding.apply(uvs)


def _attribute(
    document: GltfDocument,
    attributes: dict[str, Any],
    key: str,
    where: str,
    count: int | None,
    widths: tuple[int, ...],
) -> FloatArray | None:
    """Read attribute `key` as float32, checking its width and vertex count."""
    if key not in attributes:
        return None
    values = read_floats(document, attributes[key], f"{where} {key}")
    if values.shape[1] not in widths:
        document.ctx.fail(
            f"is not valid glTF: {where} {key} has {values.shape[1]} components"
        )
    if not np.all(np.isfinite(values)):
        document.ctx.fail(f"is not valid glTF: {where} {key} contains NaN or infinity")
    if count is not None and len(values) != count:
        document.ctx.fail(
            f"is not valid glTF: {where} {key} has {len(values)} values but "
            f"POSITION has {count}"
        )
    return values


def unit_normals(ctx: ModelContext, where: str, normals: FloatArray) -> FloatArray:
    """Normalize Y-up normals; zero-length ones become +Y (up) with a warning."""
    lengths = np.linalg.norm(normals, axis=1, keepdims=True)
    zero = lengths[:, 0] < 1e-12
    if np.any(zero):
        ctx.warn(
            f"{where} has {int(zero.sum())} zero-length normal(s), which are "
            "replaced by the up direction"
        )
        normals = normals.copy()
        normals[zero] = (0.0, 1.0, 0.0)
        lengths[zero] = 1.0
    unit: FloatArray = (normals / lengths).astype(np.float32)
    return unit


def _unit_tangents(
    document: GltfDocument, where: str, tangents: FloatArray
) -> FloatArray | None:
    """Return Z-up unit tangents with w = +1 or -1, or None if any has no length."""
    xyz = vectors_to_z_up(tangents[:, :3])
    lengths = np.linalg.norm(xyz, axis=1, keepdims=True)
    if np.any(lengths < 1e-12):
        document.ctx.warn(
            f"{where} has zero-length tangents, so its TANGENT attribute is "
            "dropped and viewers compute tangents"
        )
        return None
    handedness = np.where(tangents[:, 3:] < 0.0, -1.0, 1.0)
    return np.concatenate([xyz / lengths, handedness], axis=1).astype(np.float32)
