"""glTF accessors read into numpy arrays: strides, normalization, sparse data."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ..model import FloatArray, IndexArray
from .document import GltfDocument

__all__ = ["read_floats", "read_indices", "read_raw"]

COMPONENT_DTYPES: dict[int, np.dtype[Any]] = {
    5120: np.dtype("i1"),
    5121: np.dtype("u1"),
    5122: np.dtype("<i2"),
    5123: np.dtype("<u2"),
    5125: np.dtype("<u4"),
    5126: np.dtype("<f4"),
}
COMPONENT_COUNTS = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4}
INDEX_COMPONENT_TYPES = {5121, 5123, 5125}


def read_floats(document: GltfDocument, index: int, usage: str) -> FloatArray:
    """Return accessor `index` as float32 of shape (count, components).

    Normalized integers map to 0..1 (unsigned) or -1..1 (signed) as glTF
    specifies; other integers keep their values (KHR_mesh_quantization).
    """
    raw = document.item("accessors", index)
    values = read_raw(document, index, usage)
    if values.dtype.kind == "f" or not raw.get("normalized", False):
        return values.astype(np.float32)
    maximum = float(np.iinfo(values.dtype).max)
    scaled = values.astype(np.float32) / np.float32(maximum)
    if values.dtype.kind == "i":
        scaled = np.maximum(scaled, np.float32(-1.0))
    return scaled


def read_indices(document: GltfDocument, index: int, usage: str) -> IndexArray:
    """Return an index accessor as a flat uint32 array."""
    raw = document.item("accessors", index)
    if raw.get("componentType") not in INDEX_COMPONENT_TYPES:
        document.ctx.fail(
            f"is not valid glTF: {usage} (accessor {index}) must be unsigned "
            f"integers, not componentType {raw.get('componentType')}"
        )
    return read_raw(document, index, usage).reshape(-1).astype(np.uint32)


def read_raw(document: GltfDocument, index: int, usage: str) -> npt.NDArray[Any]:
    """Return accessor `index` in its stored dtype, shape (count, components).

    An accessor without a bufferView starts as zeros; sparse values are
    applied on top, as glTF specifies.
    """
    ctx = document.ctx
    raw = document.item("accessors", index)
    dtype = COMPONENT_DTYPES.get(raw.get("componentType", -1))
    components = COMPONENT_COUNTS.get(raw.get("type", ""))
    if dtype is None:
        ctx.fail(
            f"is not valid glTF: accessor {index} has the unknown componentType "
            f"{raw.get('componentType')}"
        )
    if components is None:
        ctx.fail(
            f"accessor {index} for {usage} has type {raw.get('type')!r}; mesh "
            "attributes and indices must be SCALAR or VEC2 to VEC4"
        )
    count = int(raw["count"])

    if "bufferView" in raw:
        values = _read_view(document, index, raw, dtype, components, count)
    else:
        values = np.zeros((count, components), dtype=dtype)
    if "sparse" in raw:
        _apply_sparse(document, index, raw["sparse"], values)
    return values


def _read_view(
    document: GltfDocument,
    index: int,
    raw: dict[str, Any],
    dtype: np.dtype[Any],
    components: int,
    count: int,
) -> npt.NDArray[Any]:
    """Copy `count` elements out of a bufferView, honouring its byteStride."""
    data, stride = document.buffer_view(raw["bufferView"])
    element_size = dtype.itemsize * components
    stride = stride or element_size
    if stride < element_size:
        document.ctx.fail(
            f"is not valid glTF: bufferView {raw['bufferView']} has byteStride "
            f"{stride}, less than the {element_size}-byte elements of accessor {index}"
        )
    offset = int(raw.get("byteOffset", 0))
    end = offset + stride * (count - 1) + element_size if count else offset
    if offset < 0 or end > len(data):
        document.ctx.fail(
            f"accessor {index} is out of range: it needs bytes {offset} to {end} "
            f"of bufferView {raw['bufferView']}, which has {len(data)} bytes"
        )
    if count == 0:
        return np.zeros((0, components), dtype=dtype)
    view = np.ndarray(
        shape=(count, components),
        dtype=dtype,
        buffer=data,
        offset=offset,
        strides=(stride, dtype.itemsize),
    )
    return view.copy()


def _apply_sparse(
    document: GltfDocument,
    index: int,
    sparse: dict[str, Any],
    values: npt.NDArray[Any],
) -> None:
    """Write a sparse accessor's substitutions into `values` in place."""
    ctx = document.ctx
    count = int(sparse["count"])
    indices_raw, values_raw = sparse["indices"], sparse["values"]
    dtype = COMPONENT_DTYPES.get(indices_raw.get("componentType", -1))
    if dtype is None or indices_raw["componentType"] not in INDEX_COMPONENT_TYPES:
        ctx.fail(f"is not valid glTF: accessor {index} has invalid sparse indices")
    targets = _read_view(document, index, indices_raw, dtype, 1, count).reshape(-1)
    substitutes = _read_view(
        document, index, values_raw, values.dtype, values.shape[1], count
    )
    if count and int(targets.max()) >= len(values):
        ctx.fail(
            f"accessor {index} is out of range: a sparse index is "
            f"{int(targets.max())} but the accessor has {len(values)} elements"
        )
    values[targets.astype(np.intp)] = substitutes
