"""glTF materials, textures, samplers and images as scene-model materials."""

from __future__ import annotations

import logging
import math
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Literal

import numpy as np

from ..model import FloatArray, Material, Texture
from .document import GltfDocument, read_uri

__all__ = ["MaterialReader", "ResolvedMaterial", "UvBinding", "sniff_image"]

logger = logging.getLogger(__name__)

WRAP_REPEAT = 10497
WRAP_CLAMP_TO_EDGE = 33071
WRAP_MIRRORED_REPEAT = 33648

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"

ImageType = Literal["image/png", "image/jpeg"]

# Texture extensions whose images are not PNG or JPEG, with their format.
IMAGE_EXTENSIONS = {
    "KHR_texture_basisu": "KTX2",
    "EXT_texture_webp": "WebP",
    "EXT_texture_avif": "AVIF",
    "MSFT_texture_dds": "DDS",
}
ALPHA_MODES: tuple[Literal["OPAQUE", "BLEND", "MASK"], ...] = (
    "OPAQUE",
    "BLEND",
    "MASK",
)
TEXTURE_SLOTS = {
    "base_color_texture": "base colour texture",
    "metallic_roughness_texture": "metallic-roughness texture",
    "normal_texture": "normal texture",
    "occlusion_texture": "occlusion texture",
    "emissive_texture": "emissive texture",
}

# glTF's default material: what a primitive without `material` shows.
DEFAULT_MATERIAL = Material(
    name="default", base_color=(1.0, 1.0, 1.0, 1.0), metallic=1.0, roughness=1.0
)


@dataclass(frozen=True)
class UvBinding:
    """The texture coordinate set a material's textures read, with its transform.

    `transform` is KHR_texture_transform's 2x3 affine matrix, row-major, or
    None for the identity.
    """

    texcoord: int = 0
    transform: tuple[float, float, float, float, float, float] | None = None

    def apply(self, uvs: FloatArray) -> FloatArray:
        """Return `uvs` with the transform baked in."""
        if self.transform is None:
            return uvs
        a, b, c, d, e, f = self.transform
        u, v = uvs[:, 0], uvs[:, 1]
        return np.stack([a * u + b * v + c, d * u + e * v + f], axis=1).astype(
            np.float32
        )

    def describe(self) -> str:
        """Name the set and transform for messages, e.g. "TEXCOORD_1"."""
        text = f"TEXCOORD_{self.texcoord}"
        if self.transform is not None:
            text += " with a KHR_texture_transform"
        return text


@dataclass(frozen=True)
class ResolvedMaterial:
    """A material plus the UV binding its textures need (None without textures)."""

    material: Material
    uv_binding: UvBinding | None


@dataclass
class MaterialReader:
    """Converts a document's materials once each, so primitives share them."""

    document: GltfDocument
    _materials: dict[int, ResolvedMaterial] = field(default_factory=dict)
    # Keyed by (image, repeat), so textures that differ only in filters share
    # one Texture and the writer stores the image once.
    _textures: dict[tuple[int, bool], Texture] = field(default_factory=dict)
    _samplers: dict[int, bool] = field(default_factory=dict)

    def material(self, index: int | None) -> ResolvedMaterial:
        """Return material `index`, or glTF's default material for None."""
        if index is None:
            return ResolvedMaterial(DEFAULT_MATERIAL, None)
        if index not in self._materials:
            self._materials[index] = self._read_material(index)
        return self._materials[index]

    def _read_material(self, index: int) -> ResolvedMaterial:
        ctx = self.document.ctx
        raw = self.document.item("materials", index)
        name = str(raw.get("name") or f"material_{index}")
        pbr = raw.get("pbrMetallicRoughness", {})
        extensions = raw.get("extensions", {})
        slots = {
            "base_color_texture": pbr.get("baseColorTexture"),
            "metallic_roughness_texture": pbr.get("metallicRoughnessTexture"),
            "normal_texture": raw.get("normalTexture"),
            "occlusion_texture": raw.get("occlusionTexture"),
            "emissive_texture": raw.get("emissiveTexture"),
        }
        textures, binding = self._bind_textures(name, slots)
        self._check_texture_factors(name, raw)

        alpha_mode = raw.get("alphaMode", "OPAQUE")
        if alpha_mode not in ALPHA_MODES:
            ctx.fail(
                f"is not valid glTF: material {name!r} has alphaMode {alpha_mode!r}"
            )
        strength = extensions.get("KHR_materials_emissive_strength", {})
        factors = _Factors(ctx.warn, name)
        material = Material(
            name=name,
            base_color=factors.rgba(
                "baseColorFactor", pbr.get("baseColorFactor", (1.0, 1.0, 1.0, 1.0))
            ),
            metallic=factors.unit("metallicFactor", pbr.get("metallicFactor", 1.0)),
            roughness=factors.unit("roughnessFactor", pbr.get("roughnessFactor", 1.0)),
            emissive=factors.rgb(
                "emissiveFactor", raw.get("emissiveFactor", (0.0, 0.0, 0.0))
            ),
            emissive_strength=max(float(strength.get("emissiveStrength", 1.0)), 0.0),
            alpha_mode=alpha_mode,
            alpha_cutoff=max(float(raw.get("alphaCutoff", 0.5)), 0.0),
            double_sided=bool(raw.get("doubleSided", False)),
            unlit="KHR_materials_unlit" in extensions,
            **textures,
        )
        return ResolvedMaterial(material, binding)

    def _bind_textures(
        self, name: str, slots: dict[str, Any]
    ) -> tuple[dict[str, Texture], UvBinding | None]:
        """Return the textures on the first texture's UV binding, and that binding.

        The scene model has one UV set per primitive, so a texture that needs
        another set or another transform is dropped with a warning.
        """
        textures: dict[str, Texture] = {}
        binding: UvBinding | None = None
        for slot, info in slots.items():
            if info is None:
                continue
            slot_binding = _uv_binding(info)
            if binding is None:
                binding = slot_binding
            if slot_binding != binding:
                self.document.ctx.warn(
                    f"material {name!r} drops its {TEXTURE_SLOTS[slot]}, which uses "
                    f"{slot_binding.describe()} while the material's other "
                    f"textures use {binding.describe()}; one texture coordinate "
                    "set per material is supported"
                )
                continue
            textures[slot] = self._texture(info["index"])
        return textures, binding

    def _check_texture_factors(self, name: str, raw: dict[str, Any]) -> None:
        """Warn about normal scale and occlusion strength, which the model lacks."""
        normal_scale = raw.get("normalTexture", {}).get("scale", 1.0)
        if normal_scale != 1.0:
            self.document.ctx.warn(
                f"material {name!r} has a normal texture scale of {normal_scale}, "
                "which is imported as 1"
            )
        strength = raw.get("occlusionTexture", {}).get("strength", 1.0)
        if strength != 1.0:
            self.document.ctx.warn(
                f"material {name!r} has an occlusion strength of {strength}, "
                "which is imported as 1"
            )

    def _texture(self, index: int) -> Texture:
        """Return texture `index` as a Texture shared by every use of its image."""
        raw = self.document.item("textures", index)
        source = self._texture_source(index, raw)
        repeat = self._sampler_repeat(raw.get("sampler"))
        key = (source, repeat)
        if key not in self._textures:
            data, mime_type = self._read_image(source)
            image = self.document.item("images", source)
            uri = str(image.get("uri", ""))
            name = image.get("name")
            if not name and uri and not uri.startswith("data:"):
                name = PurePosixPath(urllib.parse.unquote(uri)).stem
            name = str(name or f"image_{source}")
            self._textures[key] = Texture(name, data, mime_type, repeat)
        return self._textures[key]

    def _texture_source(self, index: int, raw: dict[str, Any]) -> int:
        """Return the PNG or JPEG image of texture `index`.

        Textures whose only image is KTX2, WebP, AVIF or DDS are rejected.
        When such a texture also has a `source`, that fallback is used.
        """
        extensions = raw.get("extensions", {})
        for extension, image_format in IMAGE_EXTENSIONS.items():
            if extension not in extensions:
                continue
            if "source" not in raw:
                self.document.ctx.unsupported(
                    f"{extension} ({image_format} textures) without a PNG or "
                    f"JPEG fallback in texture {index}",
                    "export its textures as PNG or JPEG",
                )
            logger.debug("texture %d: using the fallback of %s", index, extension)
        if "source" not in raw:
            self.document.ctx.fail(f"is not valid glTF: texture {index} has no source")
        return int(raw["source"])

    def _read_image(self, index: int) -> tuple[bytes, ImageType]:
        ctx = self.document.ctx
        raw = self.document.item("images", index)
        if "uri" in raw:
            data = read_uri(ctx, str(raw["uri"]), f"image {index}")
        elif "bufferView" in raw:
            view, _ = self.document.buffer_view(raw["bufferView"])
            data = bytes(view)
        else:
            ctx.fail(f"is not valid glTF: image {index} has neither uri nor bufferView")

        mime_type = sniff_image(data)
        if mime_type is None:
            declared = raw.get("mimeType") or _uri_format(str(raw.get("uri", "")))
            ctx.unsupported(
                f"the image format {declared} (image {index})",
                "convert the image to PNG or JPEG",
            )
        return data, mime_type

    def _sampler_repeat(self, index: int | None) -> bool:
        """Return whether a sampler repeats; only clamping both axes does not."""
        if index is None:
            return True
        if index in self._samplers:
            return self._samplers[index]
        raw = self.document.item("samplers", index)
        wrap = (raw.get("wrapS", WRAP_REPEAT), raw.get("wrapT", WRAP_REPEAT))
        if WRAP_MIRRORED_REPEAT in wrap:
            self.document.ctx.warn(
                f"sampler {index} uses MIRRORED_REPEAT, which is imported as REPEAT"
            )
        clamped = wrap == (WRAP_CLAMP_TO_EDGE, WRAP_CLAMP_TO_EDGE)
        if not clamped and WRAP_CLAMP_TO_EDGE in wrap:
            self.document.ctx.warn(
                f"sampler {index} clamps only one axis, which is imported as "
                "REPEAT on both"
            )
        self._samplers[index] = not clamped
        return not clamped


def sniff_image(data: bytes) -> ImageType | None:
    """Return the MIME type of PNG or JPEG bytes from their signature, else None."""
    if data.startswith(PNG_SIGNATURE):
        return "image/png"
    if data.startswith(JPEG_SIGNATURE):
        return "image/jpeg"
    return None


def _uv_binding(info: dict[str, Any]) -> UvBinding:
    """Return the UV set and KHR_texture_transform of a textureInfo."""
    texcoord = int(info.get("texCoord", 0))
    raw = info.get("extensions", {}).get("KHR_texture_transform")
    if raw is None:
        return UvBinding(texcoord)
    texcoord = int(raw.get("texCoord", texcoord))
    offset_u, offset_v = (float(value) for value in raw.get("offset", (0.0, 0.0)))
    scale_u, scale_v = (float(value) for value in raw.get("scale", (1.0, 1.0)))
    angle = float(raw.get("rotation", 0.0))
    cos, sin = math.cos(angle), math.sin(angle)
    # Translation * rotation * scale from the KHR_texture_transform README. Its
    # example and the Khronos sample viewer read rotation as u' = cos u + sin v.
    matrix = (
        cos * scale_u,
        sin * scale_v,
        offset_u,
        -sin * scale_u,
        cos * scale_v,
        offset_v,
    )
    if matrix == (1.0, 0.0, 0.0, 0.0, 1.0, 0.0):
        return UvBinding(texcoord)
    return UvBinding(texcoord, matrix)


def _uri_format(uri: str) -> str:
    """Describe an image's format from its data: URI type or file suffix."""
    if uri.startswith("data:"):
        return uri[len("data:") :].split(";")[0].split(",")[0] or "unknown"
    suffix = PurePosixPath(uri).suffix
    return suffix or "unknown"


@dataclass
class _Factors:
    """Reads material factors, clamping them to glTF's 0..1 range.

    Values off by float rounding are clamped silently; larger excursions,
    which glTF forbids, are clamped with a warning.
    """

    warn: Callable[[str], None]
    material_name: str

    def unit(self, key: str, value: Any) -> float:
        number = float(value)
        clamped = min(max(number, 0.0), 1.0)
        if abs(clamped - number) > 1e-6:
            self.warn(
                f"material {self.material_name!r} has {key} {number}, outside "
                f"0..1, which is clamped to {clamped}"
            )
        return clamped

    def rgb(self, key: str, values: Any) -> tuple[float, float, float]:
        red, green, blue = (self.unit(key, value) for value in values)
        return (red, green, blue)

    def rgba(self, key: str, values: Any) -> tuple[float, float, float, float]:
        red, green, blue, alpha = (self.unit(key, value) for value in values)
        return (red, green, blue, alpha)
