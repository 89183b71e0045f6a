"""A glTF 2.0 file as scene-model nodes in the authors' Z-up frame."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..model import Mesh, Node
from .axes import (
    Transform,
    decompose_matrix,
    quaternion_to_z_up,
    scale_to_z_up,
    vector_to_z_up,
)
from .context import ModelContext
from .document import GltfDocument, load_document
from .materials import IMAGE_EXTENSIONS, MaterialReader
from .primitives import read_mesh

__all__ = ["IMPLEMENTED_EXTENSIONS", "read_gltf"]

IMPLEMENTED_EXTENSIONS = frozenset(
    {
        "KHR_materials_emissive_strength",
        "KHR_materials_unlit",
        "KHR_mesh_quantization",
        "KHR_texture_transform",
    }
)
LIGHTS_EXTENSION = "KHR_lights_punctual"
EXTENSION_FIXES = {
    "KHR_draco_mesh_compression": "export it without Draco compression",
    "EXT_meshopt_compression": "export it without meshopt compression",
    "EXT_mesh_gpu_instancing": "export the instances as separate nodes",
    **{
        name: f"export its textures as PNG or JPEG instead of {image_format}"
        for name, image_format in IMAGE_EXTENSIONS.items()
    },
}

# Errors that malformed JSON (a string where an object belongs, a missing
# key) raises deep inside the conversion.
_MALFORMED_ERRORS = (KeyError, TypeError, ValueError, IndexError, AttributeError)


def read_gltf(ctx: ModelContext) -> tuple[Node, ...]:
    """Read the .gltf or .glb file `ctx.path` as the root nodes of its scene."""
    document = load_document(ctx)
    try:
        return _GltfReader(document).read()
    except _MALFORMED_ERRORS as error:
        detail = f"{type(error).__name__}: {error}"
        raise ctx.error(f"is not valid glTF ({detail})") from error


@dataclass
class _GltfReader:
    """Converts one document; meshes are cached so nodes can share them."""

    document: GltfDocument
    materials: MaterialReader = field(init=False)
    meshes: dict[int, Mesh] = field(default_factory=dict)
    cameras_dropped: int = 0
    lights_dropped: int = 0

    def __post_init__(self) -> None:
        self.materials = MaterialReader(self.document)

    def read(self) -> tuple[Node, ...]:
        """Check the file's features, then convert its scene's node trees."""
        _check_extensions(self.document)
        _check_skins_and_animations(self.document)
        roots = self._scene_roots()
        self._check_single_parents(roots)

        nodes = (self._node(index, frozenset()) for index in roots)
        result = tuple(node for node in nodes if node is not None)

        ctx = self.document.ctx
        if self.cameras_dropped:
            ctx.warn(
                f"ignores {self.cameras_dropped} camera(s); define views as "
                "viewpoints in the scene instead"
            )
        if self.lights_dropped:
            ctx.warn(
                f"drops {self.lights_dropped} {LIGHTS_EXTENSION} light(s); "
                "add lights to the scene instead"
            )
        return result

    def _scene_roots(self) -> list[int]:
        """Return the root nodes of the default scene, or of every tree without one."""
        scenes = self.document.items("scenes")
        if not scenes:
            children = {
                child
                for node in self.document.items("nodes")
                for child in node.get("children", [])
            }
            count = len(self.document.items("nodes"))
            return [index for index in range(count) if index not in children]
        scene_index = self.document.json.get("scene", 0)
        if len(scenes) > 1:
            self.document.ctx.warn(
                f"has {len(scenes)} scenes; only scene {scene_index}, the default, "
                "is imported"
            )
        return list(self.document.item("scenes", scene_index).get("nodes", []))

    def _check_single_parents(self, roots: list[int]) -> None:
        """Reject node graphs that are not trees, which glTF forbids."""
        parents: dict[int, int] = {}
        for index, node in enumerate(self.document.items("nodes")):
            for child in node.get("children", []):
                if child in parents:
                    self.document.ctx.fail(
                        f"is not valid glTF: node {child} has more than one parent"
                    )
                parents[child] = index
        for root in roots:
            if root in parents:
                self.document.ctx.fail(
                    f"is not valid glTF: scene root node {root} is also the child "
                    f"of node {parents[root]}"
                )

    def _node(self, index: int, ancestors: frozenset[int]) -> Node | None:
        """Convert node `index` and its subtree; None for a bare camera or light."""
        if index in ancestors:
            self.document.ctx.fail(
                f"is not valid glTF: node {index} is its own ancestor"
            )
        raw = self.document.item("nodes", index)
        inner = ancestors | {index}
        converted = (self._node(child, inner) for child in raw.get("children", []))
        children = tuple(child for child in converted if child is not None)
        mesh = self._mesh(raw["mesh"]) if "mesh" in raw else None

        has_camera = "camera" in raw
        has_light = LIGHTS_EXTENSION in raw.get("extensions", {})
        self.cameras_dropped += has_camera
        self.lights_dropped += has_light
        if mesh is None and not children and (has_camera or has_light):
            return None

        name = str(raw.get("name") or f"node_{index}")
        translation, rotation, scale = self._transform(name, raw)
        return Node(
            name=name,
            translation=translation,
            rotation=rotation,
            scale=scale,
            mesh=mesh,
            children=children,
        )

    def _mesh(self, index: int) -> Mesh | None:
        """Return mesh `index`, converted once; None when it has no triangles."""
        if index not in self.meshes:
            self.meshes[index] = read_mesh(self.document, index, self.materials)
        mesh = self.meshes[index]
        return mesh if mesh.primitives else None

    def _transform(self, name: str, raw: dict[str, Any]) -> Transform:
        """Return the node's local transform as Z-up translation, rotation, scale."""
        if "matrix" in raw:
            # glTF stores matrices column-major.
            matrix = np.array(raw["matrix"], dtype=np.float64).reshape(4, 4).T
            if not np.allclose(matrix[3], (0.0, 0.0, 0.0, 1.0)):
                self.document.ctx.fail(
                    f"is not valid glTF: node {name!r} has a projective matrix"
                )
            (translation, rotation, scale), sheared = decompose_matrix(matrix)
            if sheared:
                self.document.ctx.warn(
                    f"node {name!r} has a matrix with shear, which is dropped"
                )
        else:
            translation = raw.get("translation", (0.0, 0.0, 0.0))
            rotation = raw.get("rotation", (0.0, 0.0, 0.0, 1.0))
            scale = raw.get("scale", (1.0, 1.0, 1.0))
        return (
            vector_to_z_up(translation),
            quaternion_to_z_up(rotation),
            scale_to_z_up(scale),
        )


def _check_extensions(document: GltfDocument) -> None:
    """Reject required extensions this importer lacks; warn about ignored ones."""
    ctx = document.ctx
    for name in document.json.get("extensionsRequired", []):
        if name not in IMPLEMENTED_EXTENSIONS and name != LIGHTS_EXTENSION:
            ctx.unsupported(
                f"the required extension {name} (in extensionsRequired)",
                EXTENSION_FIXES.get(name, "export it without this extension"),
            )
    known = IMPLEMENTED_EXTENSIONS | {LIGHTS_EXTENSION} | IMAGE_EXTENSIONS.keys()
    ignored = sorted(set(document.json.get("extensionsUsed", [])) - known)
    if ignored:
        ctx.warn(
            f"ignores the extension(s) {', '.join(ignored)}; what they add is "
            "missing from the imported model"
        )


def _check_skins_and_animations(document: GltfDocument) -> None:
    """Reject skins; drop animations with a warning."""
    ctx = document.ctx
    skinned = any("skin" in node for node in document.items("nodes"))
    if document.items("skins") or skinned:
        ctx.unsupported(
            "skins (skeletal animation)",
            "apply the pose and export it without an armature or skin",
        )
    animations = document.items("animations")
    if animations:
        ctx.warn(
            f"drops {len(animations)} animation(s); the model is shown still, "
            "in the pose its node transforms give"
        )
