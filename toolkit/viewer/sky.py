"""Skies from tour.json: a background colour, a gradient dome or a panorama.

The sky is drawn in its own layer before the scene (see `stage`), unlit and
without depth, on a sphere that follows the camera. Colours are sRGB and
reach the screen unchanged. A gradient is drawn as a generated
equirectangular image, by the same function the compiler offers for
panoramas, so its shape follows that function's documented rule.
"""

from __future__ import annotations

import logging
import math

from panda3d.core import (
    Filename,
    Geom,
    GeomNode,
    GeomTriangles,
    GeomVertexData,
    GeomVertexFormat,
    GeomVertexWriter,
    LColor,
    NodePath,
    PNMImage,
    SamplerState,
    StringStream,
    Texture,
)

from ..errors import ViewerError
from ..textures import sky_gradient_panorama
from .bundle_reader import Sky
from .colors import parse_hex_color

__all__ = ["SKY_RADIUS", "build_sky", "clear_color"]

logger = logging.getLogger(__name__)

SKY_RADIUS = 1000.0  # metres; inside the lens's far distance
_SEGMENTS = 64  # around the vertical axis
_RINGS = 32  # from the nadir to the zenith
_GRADIENT_HEIGHT = 512  # pixels of the generated gradient image


def clear_color(sky: Sky) -> LColor:
    """Return the colour the sky layer clears to before drawing any dome."""
    role = {"color": "color", "gradient": "horizon"}.get(sky.type)
    color = parse_hex_color(sky.colors[role]) if role else None
    red, green, blue = color or (0.0, 0.0, 0.0)
    return LColor(red, green, blue, 1.0)


def _direction(azimuth: float, elevation: float) -> tuple[float, float, float]:
    """Unit vector for a compass azimuth (clockwise from +Y, north) and elevation."""
    return (
        math.sin(azimuth) * math.cos(elevation),
        math.cos(azimuth) * math.cos(elevation),
        math.sin(elevation),
    )


def _sphere(name: str) -> NodePath:
    """Build a sphere of `SKY_RADIUS` with equirectangular UVs, seen from inside.

    Texture u runs clockwise from north (u = 0.5 faces +Y), v from the nadir
    (0) to the zenith (1), which maps an equirectangular image upright.
    """
    data = GeomVertexData(name, GeomVertexFormat.get_v3t2(), Geom.UH_static)
    data.set_num_rows((_SEGMENTS + 1) * (_RINGS + 1))
    vertex = GeomVertexWriter(data, "vertex")
    texcoord = GeomVertexWriter(data, "texcoord")
    for ring in range(_RINGS + 1):
        v = ring / _RINGS
        elevation = (v - 0.5) * math.pi
        for segment in range(_SEGMENTS + 1):
            u = segment / _SEGMENTS
            x, y, z = _direction((u - 0.5) * 2 * math.pi, elevation)
            vertex.add_data3(x * SKY_RADIUS, y * SKY_RADIUS, z * SKY_RADIUS)
            texcoord.add_data2(u, v)

    triangles = GeomTriangles(Geom.UH_static)
    row = _SEGMENTS + 1
    for ring in range(_RINGS):
        for segment in range(_SEGMENTS):
            first = ring * row + segment
            triangles.add_vertices(first, first + row, first + 1)
            triangles.add_vertices(first + 1, first + row, first + row + 1)
    geom = Geom(data)
    geom.add_primitive(triangles)
    node = GeomNode(name)
    node.add_geom(geom)
    path = NodePath(node)
    path.set_two_sided(True)
    path.set_depth_write(False)
    path.set_depth_test(False)
    path.set_light_off(1)
    return path


def _set_sampling(texture: Texture) -> None:
    texture.set_wrap_u(SamplerState.WM_repeat)
    texture.set_wrap_v(SamplerState.WM_clamp)
    texture.set_minfilter(SamplerState.FT_linear_mipmap_linear)
    texture.set_magfilter(SamplerState.FT_linear)


def _load_panorama(sky: Sky) -> Texture:
    assert sky.image is not None
    texture = Texture(sky.image.name)
    if not texture.read(Filename.from_os_specific(str(sky.image))):
        raise ViewerError(f"could not read the panorama image {sky.image}")
    _set_sampling(texture)
    return texture


def _gradient_texture(sky: Sky) -> Texture:
    """Draw the gradient with the toolkit's panorama generator, as an image."""
    generated = sky_gradient_panorama(
        sky.colors["zenith"], sky.colors["horizon"], sky.colors["ground"],
        width=2 * _GRADIENT_HEIGHT, height=_GRADIENT_HEIGHT, name="sky-gradient",
    )
    image = PNMImage()
    if not image.read(StringStream(generated.data)):
        raise ViewerError("could not decode the generated sky gradient")
    texture = Texture("sky-gradient")
    texture.load(image)
    _set_sampling(texture)
    return texture


def build_sky(sky: Sky) -> NodePath | None:
    """Return the sky dome for `sky`, or None when a clear colour is enough.

    A panorama is turned by `rotate` degrees clockwise seen from above, so
    its image centre faces that compass heading. Raises ViewerError when the
    panorama image cannot be read.
    """
    if sky.type == "gradient":
        dome = _sphere("sky-gradient")
        dome.set_texture(_gradient_texture(sky))
        return dome
    if sky.type == "panorama":
        dome = _sphere("sky-panorama")
        dome.set_texture(_load_panorama(sky))
        # Panda3D's heading turns counter-clockwise seen from above.
        dome.set_h(-sky.rotate)
        return dome
    return None
