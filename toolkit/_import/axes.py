"""Conversion from glTF's Y-up frame to the authors' Z-up frame.

The change of frame is a +90 degree turn about X: (x, y, z) -> (x, -z, y).
Vectors turn with it; a local transform M becomes R M R^-1, so rotations are
conjugated and scales swap their y and z factors.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ..model import FloatArray

__all__ = [
    "Transform",
    "decompose_matrix",
    "quaternion_to_z_up",
    "scale_to_z_up",
    "vector_to_z_up",
    "vectors_to_z_up",
]

Vector3 = tuple[float, float, float]
Quaternion = tuple[float, float, float, float]
Transform = tuple[Vector3, Quaternion, Vector3]

# Relative error above which a matrix is reported as having shear.
SHEAR_TOLERANCE = 1e-4


def vectors_to_z_up(vectors: npt.NDArray[Any]) -> FloatArray:
    """Turn (n, 3) Y-up vectors (positions, normals) into Z-up, as float32."""
    x, y, z = vectors[:, 0], vectors[:, 1], vectors[:, 2]
    # Adding 0.0 turns -0.0 into 0.0, so results compare and write plainly.
    return (np.stack([x, -z, y], axis=1) + 0.0).astype(np.float32)


def vector_to_z_up(vector: Any) -> Vector3:
    """Turn one Y-up translation into Z-up."""
    x, y, z = (float(value) for value in vector)
    return (x + 0.0, -z + 0.0, y + 0.0)


def quaternion_to_z_up(quaternion: Any) -> Quaternion:
    """Conjugate an (x, y, z, w) rotation by the change of frame, normalized."""
    x, y, z, w = (float(value) for value in quaternion)
    length = (x * x + y * y + z * z + w * w) ** 0.5
    if length == 0.0:
        return (0.0, 0.0, 0.0, 1.0)
    return (x / length + 0.0, -z / length + 0.0, y / length + 0.0, w / length + 0.0)


def scale_to_z_up(scale: Any) -> Vector3:
    """Turn a Y-up local scale into Z-up: the y and z factors swap."""
    x, y, z = (float(value) for value in scale)
    return (x, z, y)


def decompose_matrix(matrix: npt.NDArray[Any]) -> tuple[Transform, bool]:
    """Split an affine 4x4 matrix into translation, rotation and scale.

    Returns the transform and whether the matrix had shear, which TRS cannot
    represent and which is dropped. A mirroring matrix gets a negative x scale.
    """
    translation = tuple(float(value) for value in matrix[:3, 3])
    basis = np.asarray(matrix[:3, :3], dtype=np.float64)
    scale = np.linalg.norm(basis, axis=0)
    if np.linalg.det(basis) < 0:
        scale[0] = -scale[0]
    if np.any(np.abs(scale) < 1e-12):
        identity = (0.0, 0.0, 0.0, 1.0)
        return (_vector3(translation), identity, _vector3(scale)), False

    # The polar decomposition gives the nearest rotation when the basis is
    # not exactly orthogonal.
    u, _, vt = np.linalg.svd(basis / scale)
    rotation_matrix = u @ vt
    sheared = bool(
        np.max(np.abs(rotation_matrix * scale - basis))
        > SHEAR_TOLERANCE * np.max(np.abs(scale))
    )
    # Imported here: scipy.spatial takes a few tenths of a second to import,
    # and only node matrices with a rotation need it.
    from scipy.spatial.transform import Rotation

    quaternion = Rotation.from_matrix(rotation_matrix).as_quat()
    return (_vector3(translation), _quaternion(quaternion), _vector3(scale)), sheared


def _vector3(values: Any) -> Vector3:
    x, y, z = (float(value) for value in values)
    return (x, y, z)


def _quaternion(values: Any) -> Quaternion:
    x, y, z, w = (float(value) for value in values)
    return (x, y, z, w)
