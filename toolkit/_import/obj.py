"""Wavefront OBJ files (with MTL materials and textures) as scene-model nodes.

trimesh parses the files. OBJ is conventionally Y-up like glTF, so vertices
turn to Z-up the same way, and texture coordinates flip from OBJ's v-up to
glTF's v-down convention.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import trimesh
import trimesh.exchange.obj
import trimesh.resolvers
from PIL import Image

from ..errors import InvalidVenue
from ..model import FloatArray, Material, Mesh, Node, Primitive, Texture, frozen_array
from .axes import vectors_to_z_up
from .context import ModelContext, resolve_inside
from .materials import sniff_image
from .primitives import unit_normals

__all__ = ["read_obj"]

# A primitive without `usemtl` gets the scene model's default material, a
# light grey non-metal, as OBJ viewers show such faces.
OBJ_DEFAULT_MATERIAL = Material(name="default")


class _ProjectResolver(trimesh.resolvers.Resolver):
    """Gives trimesh the MTL and texture files next to the model, inside the project.

    trimesh swallows every exception a resolver raises, so problems are
    recorded here and raised after loading.
    """

    def __init__(self, ctx: ModelContext) -> None:
        self.ctx = ctx
        self.file_name = ctx.path.name
        self.files: dict[str, bytes] = {}
        self.errors: list[InvalidVenue] = []
        self.mtl_folder: Path | None = None

    def get(self, key: str) -> bytes:
        """Return a file's bytes; textures are looked up beside the MTL file first."""
        name = key.strip()
        is_mtl = name.lower().endswith(".mtl")
        folders = [self.ctx.path.parent]
        if not is_mtl and self.mtl_folder is not None:
            folders.insert(0, self.mtl_folder)
        base = next((f for f in folders if (f / name).is_file()), folders[0])
        # A texture added later beside the MTL file would take precedence, so
        # the candidates looked at before `base` are inputs of the import too.
        for folder in folders[: folders.index(base)]:
            self.ctx.files.append((folder / name).resolve())
        owner = "material library" if is_mtl else "texture"
        try:
            path = resolve_inside(self.ctx, name, owner, base, percent_encoded=False)
            data = path.read_bytes()
        except InvalidVenue as error:
            self.errors.append(error)
            raise FileNotFoundError(name) from error
        except OSError as error:
            message = f"{owner} file {name!r} could not be read: {error.strerror}"
            self.errors.append(self.ctx.error(message))
            raise FileNotFoundError(name) from error
        if is_mtl:
            self.mtl_folder = path.parent
        self.files[name] = data
        return data

    def write(self, name: str, data: Any) -> None:
        raise PermissionError("model imports never write files")

    def namespaced(self, namespace: str) -> _ProjectResolver:
        raise NotImplementedError("OBJ files do not use resolver namespaces")

    def keys(self) -> Iterator[str]:
        return iter(self.files)


def read_obj(ctx: ModelContext) -> tuple[Node, ...]:
    """Read the OBJ file `ctx.path` as one root node per object and material."""
    resolver = _ProjectResolver(ctx)
    try:
        with ctx.path.open("rb") as file:
            loaded = trimesh.exchange.obj.load_obj(
                file, resolver=resolver, group_material=True, split_objects=True
            )
    except OSError as error:
        ctx.fail(f"could not be read: {error.strerror}")
    except (ValueError, IndexError, TypeError) as error:
        raise ctx.error(f"is not a valid OBJ file ({error})") from error
    if resolver.errors:
        problems = [problem for error in resolver.errors for problem in error.problems]
        raise InvalidVenue(problems)

    geometry = loaded.get("geometry")
    if not geometry:
        ctx.unsupported(
            "OBJ points or lines without faces",
            "only faces can be shown, so model the geometry as faces",
        )
    converter = _ObjConverter(ctx, resolver)
    return tuple(converter.node(name, geometry[name]) for name in sorted(geometry))


@dataclasses.dataclass
class _ObjConverter:
    """Converts trimesh's OBJ geometry; materials are shared by identity."""

    ctx: ModelContext
    resolver: _ProjectResolver
    materials: dict[int, Material] = dataclasses.field(default_factory=dict)

    def node(self, name: str, raw: dict[str, Any]) -> Node:
        """Return a node with one single-primitive mesh for one OBJ geometry."""
        # The Trimesh constructor triangulates quads and, when the file has
        # no `vn` normals, computes smooth (area-weighted) vertex normals.
        mesh = trimesh.Trimesh(**raw, process=False)
        positions = np.asarray(mesh.vertices)
        visual = raw.get("visual")
        uvs = self._uvs(visual, len(positions))
        material = self._material(visual, name, has_uvs=uvs is not None)
        colors = _vertex_colors(raw.get("vertex_colors"), len(positions))

        normals = unit_normals(self.ctx, f"object {name!r}", mesh.vertex_normals)
        primitive = Primitive(
            positions=frozen_array(vectors_to_z_up(positions), np.float32),
            normals=frozen_array(vectors_to_z_up(normals), np.float32),
            indices=frozen_array(np.asarray(mesh.faces).reshape(-1), np.uint32),
            material=material,
            uvs=None if uvs is None else frozen_array(uvs, np.float32),
            colors=None if colors is None else frozen_array(colors, np.float32),
        )
        return Node(name=name, mesh=Mesh(name, (primitive,)))

    def _uvs(self, visual: Any, count: int) -> FloatArray | None:
        """Return UVs flipped to glTF's convention (v = 0 at the top), if any."""
        uv = getattr(visual, "uv", None)
        if uv is None or len(uv) != count:
            return None
        uvs = np.asarray(uv, dtype=np.float64)[:, :2]
        return np.stack([uvs[:, 0], 1.0 - uvs[:, 1]], axis=1).astype(np.float32)

    def _material(self, visual: Any, name: str, has_uvs: bool) -> Material:
        """Return the converted material, without its texture when UVs are missing."""
        source = getattr(visual, "material", None)
        if source is None:
            return OBJ_DEFAULT_MATERIAL
        key = id(source)
        if key not in self.materials:
            self.materials[key] = self._convert_material(source)
        material = self.materials[key]
        if material.base_color_texture is not None and not has_uvs:
            self.ctx.warn(
                f"object {name!r} has no texture coordinates, so it is shown "
                f"without the texture of material {material.name!r}"
            )
            return dataclasses.replace(material, base_color_texture=None)
        return material

    def _convert_material(self, source: Any) -> Material:
        """Convert MTL Kd, map_Kd, d or Tr, and Ns to a metallic-roughness material."""
        options = getattr(source, "kwargs", {})
        name = str(getattr(source, "name", None) or f"material_{len(self.materials)}")
        image = getattr(source, "image", None)
        texture = None if image is None else self._texture(image)
        if "kd" in options:
            red, green, blue = (float(value) / 255.0 for value in source.diffuse[:3])
        else:
            # Without Kd a texture shows unchanged; without both, light grey.
            red, green, blue = (1.0, 1.0, 1.0) if texture else (0.8, 0.8, 0.8)
        alpha = _mtl_alpha(options)
        roughness = 0.8
        if "ns" in options:
            # Blinn-Phong exponent to roughness, as trimesh's to_pbr maps it.
            roughness = (2.0 / (max(float(options["ns"]), 0.0) + 2.0)) ** 0.25
        return Material(
            name=name,
            base_color=(red, green, blue, alpha),
            base_color_texture=texture,
            metallic=0.0,
            roughness=float(roughness),
            alpha_mode="BLEND" if alpha < 1.0 else "OPAQUE",
        )

    def _texture(self, image: Image.Image) -> Texture:
        """Return the texture's original PNG or JPEG bytes; other formats become PNG."""
        file_path = str(image.info.get("file_path", "")).strip()
        name = PurePosixPath(file_path).stem or "texture"
        data = self.resolver.files.get(file_path, b"")
        mime_type = sniff_image(data)
        if mime_type is not None:
            return Texture(name, data, mime_type)
        self.ctx.warn(f"texture {file_path!r} is converted to PNG")
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return Texture(name, buffer.getvalue(), "image/png")


def _mtl_alpha(options: dict[str, Any]) -> float:
    """Return opacity from MTL `d` (opacity) or `Tr` (transparency), default 1."""
    if "d" in options:
        return float(options["d"][0])
    if "tr" in options:
        return 1.0 - float(options["tr"][0])
    return 1.0


def _vertex_colors(raw: Any, count: int) -> FloatArray | None:
    """Return OBJ vertex colours (floats or bytes, RGB or RGBA) as RGBA floats."""
    if raw is None or len(raw) != count:
        return None
    colors = np.asarray(raw)
    colors = colors / 255.0 if colors.dtype.kind in "ui" else colors.astype(np.float64)
    if colors.shape[1] == 3:
        colors = np.concatenate([colors, np.ones((count, 1))], axis=1)
    return colors.astype(np.float32)
