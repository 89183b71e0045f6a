"""Generated textures as deterministic PNG bytes, and sRGB color parsing.

Color arguments are sRGB strings as authors write them: "#rgb", "#rgba",
"#rrggbb", "#rrggbbaa" or a CSS color name ("white"). Pixel values are sRGB, as
glTF expects for base color textures; gradients are blended in linear light.
Tiling textures repeat seamlessly. The same arguments give the same PNG bytes for a
given Pillow and zlib version, because the encoder writes no time or other metadata.
"""

from __future__ import annotations

import difflib
import io
import logging
import math
import re

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageColor

from .model import Texture

__all__ = [
    "parse_color",
    "srgb_to_linear",
    "linear_to_srgb",
    "encode_png",
    "checker",
    "stripes",
    "grid",
    "brick",
    "stone",
    "water",
    "noise",
    "windows",
    "PATTERNS",
    "pattern_texture",
    "sky_gradient_panorama",
]

logger = logging.getLogger(__name__)

Float64Array = npt.NDArray[np.float64]
PixelArray = npt.NDArray[np.uint8]

_HEX_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")

# --- colors ---------------------------------------------------------------------------


def srgb_to_linear(values: npt.ArrayLike) -> Float64Array:
    """Convert sRGB-encoded values in 0..1 to linear light (IEC 61966-2-1)."""
    encoded = np.asarray(values, dtype=np.float64)
    return np.where(
        encoded <= 0.04045, encoded / 12.92, ((encoded + 0.055) / 1.055) ** 2.4
    )


def linear_to_srgb(values: npt.ArrayLike) -> Float64Array:
    """Convert linear light values in 0..1 to sRGB encoding (IEC 61966-2-1)."""
    linear = np.clip(np.asarray(values, dtype=np.float64), 0.0, 1.0)
    return np.where(
        linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055
    )


def _srgb_bytes(color: str) -> tuple[int, int, int, int]:
    """Parse a color string to sRGB bytes (r, g, b, a), or raise ValueError."""
    text = color.strip()
    if _HEX_COLOR.fullmatch(text):
        digits = text[1:]
        if len(digits) <= 4:
            digits = "".join(digit * 2 for digit in digits)
        if len(digits) == 6:
            digits += "ff"
        r, g, b, a = (int(digits[i : i + 2], 16) for i in range(0, 8, 2))
        return r, g, b, a

    name = text.lower()
    if name in ImageColor.colormap:
        r, g, b = ImageColor.getrgb(name)[:3]
        return r, g, b, 255

    message = (
        f"invalid color {color!r}: expected #rrggbb, #rrggbbaa, #rgb, #rgba "
        "or a CSS color name such as 'white'"
    )
    close = difflib.get_close_matches(name, ImageColor.colormap.keys(), n=1)
    if close:
        message += f"; did you mean {close[0]!r}?"
    raise ValueError(message)


def parse_color(color: str) -> tuple[float, float, float, float]:
    """Parse an sRGB color string to linear RGBA floats in 0..1, as glTF stores them.

    Alpha is not gamma-encoded, so it is only scaled to 0..1.
    """
    r, g, b, a = _srgb_bytes(color)
    red, green, blue = srgb_to_linear(np.array([r, g, b]) / 255.0)
    return float(red), float(green), float(blue), a / 255.0


def _linear(color: str) -> Float64Array:
    """Return a color as a linear RGBA array."""
    return np.array(parse_color(color))


# --- encoding -------------------------------------------------------------------------


def encode_png(pixels: npt.ArrayLike) -> bytes:
    """Encode (height, width, 3 or 4) uint8 sRGB pixels as PNG without metadata."""
    array = np.ascontiguousarray(pixels, dtype=np.uint8)
    if array.ndim != 3 or array.shape[2] not in (3, 4):
        raise ValueError(f"pixels must be (height, width, 3 or 4), got {array.shape}")
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG", optimize=False, compress_level=6)
    return buffer.getvalue()


def _to_pixels(linear_rgba: Float64Array) -> PixelArray:
    """Encode (h, w, 4) linear RGBA to sRGB bytes, without alpha if all opaque."""
    rgb = np.rint(linear_to_srgb(linear_rgba[..., :3]) * 255)
    alpha = np.rint(np.clip(linear_rgba[..., 3:], 0, 1) * 255)
    pixels = np.concatenate([rgb, alpha], axis=-1).astype(np.uint8)
    return pixels if np.any(pixels[..., 3] < 255) else pixels[..., :3]


def _mix(first: str, second: str, weight: Float64Array) -> Float64Array:
    """Blend two colors in linear light: weight 0 gives `first`, 1 gives `second`."""
    t = np.clip(weight, 0.0, 1.0)[..., None]
    return (1 - t) * _linear(first) + t * _linear(second)


def _texture(name: str, linear_rgba: Float64Array, *, repeat: bool = True) -> Texture:
    data = encode_png(_to_pixels(linear_rgba))
    logger.debug("texture %s: %d bytes", name, len(data))
    return Texture(name=name, data=data, mime_type="image/png", repeat=repeat)


def _check_count(name: str, value: int, minimum: int, *, even: bool = False) -> None:
    if int(value) != value or value < minimum or (even and value % 2):
        kind = "an even integer" if even else "an integer"
        raise ValueError(f"{name} must be {kind} >= {minimum}, got {value!r}")


def _pixel_centres(size: int) -> tuple[Float64Array, Float64Array]:
    """Return x and y (each (size, size)) of pixel centres in pixels, row-major."""
    steps = np.arange(size) + 0.5
    return np.meshgrid(steps, steps)


# --- patterns -------------------------------------------------------------------------


def checker(
    color_a: str = "#ffffff",
    color_b: str = "#202020",
    *,
    size: int = 256,
    squares: int = 8,
    name: str = "checker",
) -> Texture:
    """Generate a checkerboard of `squares` x `squares` (an even count, so it tiles)."""
    _check_count("size", size, 2)
    _check_count("squares", squares, 2, even=True)
    x, y = _pixel_centres(size)
    parity = (np.floor(x * squares / size) + np.floor(y * squares / size)) % 2
    return _texture(name, _mix(color_a, color_b, parity))


def stripes(
    color_a: str = "#ffffff",
    color_b: str = "#c03030",
    *,
    size: int = 256,
    count: int = 8,
    vertical: bool = False,
    name: str = "stripes",
) -> Texture:
    """Generate `count` pairs of equal stripes, horizontal unless `vertical`."""
    _check_count("size", size, 2)
    _check_count("count", count, 1)
    x, y = _pixel_centres(size)
    across = x if vertical else y
    band = np.floor(across * 2 * count / size) % 2
    return _texture(name, _mix(color_a, color_b, band))


def grid(
    background: str = "#d8d8d8",
    line: str = "#404040",
    *,
    size: int = 256,
    cells: int = 4,
    line_width: int = 4,
    name: str = "grid",
) -> Texture:
    """Generate `cells` x `cells` tiles separated by lines `line_width` pixels wide.

    Lines are centred on the cell borders, including the image edges, so the
    texture tiles into a continuous floor grid.
    """
    _check_count("size", size, 2)
    _check_count("cells", cells, 1)
    _check_count("line_width", line_width, 1)
    cell = size / cells
    if line_width >= cell:
        raise ValueError(
            f"line_width {line_width} must be narrower than a cell ({cell:g} pixels)"
        )
    x, y = _pixel_centres(size)

    def near_border(coordinate: Float64Array) -> npt.NDArray[np.bool_]:
        offset = np.mod(coordinate + line_width / 2, cell)
        return offset < line_width

    on_line = near_border(x) | near_border(y)
    return _texture(name, _mix(background, line, on_line.astype(np.float64)))


def _grain(size: int, rng: np.random.Generator, strength: float) -> Float64Array:
    """Return per-pixel brightness factors around 1, for surface grain."""
    return 1 + strength * rng.standard_normal((size, size))


def brick(
    brick_color: str = "#9c4a32",
    mortar_color: str = "#cfc6b8",
    *,
    size: int = 256,
    rows: int = 8,
    columns: int = 4,
    mortar_width: int = 3,
    variation: float = 0.15,
    seed: int = 0,
    name: str = "brick",
) -> Texture:
    """Generate running-bond brickwork: `rows` courses (even) of `columns` bricks.

    Every second course is offset by half a brick. Each brick's brightness varies
    by up to +-`variation`, drawn from `seed`.
    """
    _check_count("size", size, 2)
    _check_count("rows", rows, 2, even=True)
    _check_count("columns", columns, 1)
    _check_count("mortar_width", mortar_width, 1)
    brick_width, brick_height = size / columns, size / rows
    if mortar_width >= min(brick_width, brick_height):
        raise ValueError(f"mortar_width {mortar_width} must be smaller than a brick")
    rng = np.random.default_rng(seed)
    x, y = _pixel_centres(size)

    row = np.floor(y / brick_height).astype(np.int64)
    shifted = x + (row % 2) * brick_width / 2
    column = np.floor(shifted / brick_width).astype(np.int64) % columns
    in_mortar = (np.mod(shifted, brick_width) < mortar_width) | (
        np.mod(y, brick_height) < mortar_width
    )

    tones = 1 + variation * rng.uniform(-1, 1, size=(rows, columns))
    shade = tones[row, column] * _grain(size, rng, 0.04)
    color = _linear(brick_color) * shade[..., None]
    color[..., 3] = _linear(brick_color)[3]
    color[in_mortar] = _linear(mortar_color)
    return _texture(name, color)


def stone(
    stone_color: str = "#8d8a83",
    joint_color: str = "#4d4a45",
    *,
    size: int = 256,
    rows: int = 4,
    stones_per_row: int = 3,
    joint_width: int = 3,
    variation: float = 0.12,
    seed: int = 0,
    name: str = "stone",
) -> Texture:
    """Generate coursed stone masonry: `rows` courses of blocks of random widths.

    Each course is cut at random and shifted at random, wrapping around, so the
    texture tiles. Blocks vary in brightness by up to +-`variation` and darken
    slightly towards their joints.
    """
    _check_count("size", size, 2)
    _check_count("rows", rows, 1)
    _check_count("stones_per_row", stones_per_row, 1)
    _check_count("joint_width", joint_width, 1)
    row_height = size / rows
    if 2 * joint_width >= min(row_height, size / stones_per_row):
        raise ValueError(f"joint_width {joint_width} is too wide for the blocks")
    rng = np.random.default_rng(seed)
    x, y = _pixel_centres(size)

    widths = rng.uniform(0.6, 1.4, size=(rows, stones_per_row))
    edges = np.cumsum(widths, axis=1) / widths.sum(axis=1, keepdims=True) * size
    starts = np.concatenate([np.zeros((rows, 1)), edges[:, :-1]], axis=1)
    phases = rng.uniform(0, size, size=rows)
    row = np.floor(y / row_height).astype(np.int64)
    along = np.mod(x - phases[row], size)
    block = np.minimum(
        np.sum(along[..., None] >= edges[row][..., :], axis=-1), stones_per_row - 1
    )
    from_start = along - starts[row, block]
    from_end = edges[row, block] - along
    from_top = np.mod(y, row_height)
    from_bottom = row_height - from_top
    to_joint = np.minimum.reduce([from_start, from_end, from_top, from_bottom])

    tones = 1 + variation * rng.uniform(-1, 1, size=(rows, stones_per_row))
    bevel_depth = (to_joint - joint_width / 2) / (2 * joint_width)
    bevel = 0.75 + 0.25 * np.clip(bevel_depth, 0, 1)
    shade = tones[row, block] * bevel * _grain(size, rng, 0.05)
    color = _linear(stone_color) * shade[..., None]
    color[..., 3] = _linear(stone_color)[3]
    color[to_joint < joint_width / 2] = _linear(joint_color)
    return _texture(name, color)


def _periodic_noise(
    size: int, rng: np.random.Generator, cells: int, octaves: int
) -> Float64Array:
    """Return tileable fractal value noise in 0..1 of shape (size, size)."""
    x, y = _pixel_centres(size)
    total = np.zeros((size, size))
    weight = 0.0
    for octave in range(octaves):
        count = cells * 2**octave
        lattice = rng.random((count, count))
        gx, gy = x * count / size, y * count / size
        ix, iy = np.floor(gx).astype(np.int64), np.floor(gy).astype(np.int64)
        fx, fy = gx - ix, gy - iy
        fx, fy = fx * fx * (3 - 2 * fx), fy * fy * (3 - 2 * fy)
        x0, x1 = ix % count, (ix + 1) % count
        y0, y1 = iy % count, (iy + 1) % count
        bottom = lattice[y0, x0] * (1 - fx) + lattice[y0, x1] * fx
        top = lattice[y1, x0] * (1 - fx) + lattice[y1, x1] * fx
        amplitude = 0.5**octave
        total += amplitude * (bottom * (1 - fy) + top * fy)
        weight += amplitude
    return total / weight


def noise(
    color_a: str = "#6b7d4f",
    color_b: str = "#a4a77a",
    *,
    size: int = 256,
    cells: int = 4,
    octaves: int = 5,
    seed: int = 0,
    name: str = "noise",
) -> Texture:
    """Generate tileable fractal value noise blended from `color_a` to `color_b`.

    The coarsest octave has `cells` x `cells` lattice cells. Each further octave
    doubles the frequency and halves the amplitude.
    """
    _check_count("size", size, 2)
    _check_count("cells", cells, 1)
    _check_count("octaves", octaves, 1)
    values = _periodic_noise(size, np.random.default_rng(seed), cells, octaves)
    low, high = values.min(), values.max()
    stretched = (values - low) / (high - low) if high > low else values
    return _texture(name, _mix(color_a, color_b, stretched))


def water(
    deep_color: str = "#1d4e6b",
    light_color: str = "#7fb8cf",
    *,
    size: int = 256,
    waves: int = 12,
    seed: int = 0,
    name: str = "water",
) -> Texture:
    """Generate tileable ripples: `waves` sine waves with whole cycles per tile.

    Wave crests tend towards `light_color`, troughs towards `deep_color`.
    """
    _check_count("size", size, 2)
    _check_count("waves", waves, 1)
    rng = np.random.default_rng(seed)
    x, y = _pixel_centres(size)

    # Integer wave numbers make every wave periodic over the tile.
    numbers = rng.integers(-6, 7, size=(waves, 2))
    numbers[np.all(numbers == 0, axis=1)] = (1, 0)
    phases = rng.uniform(0, 2 * np.pi, size=waves)
    amplitudes = 1 / np.linalg.norm(numbers, axis=1)
    angle = 2 * np.pi * (x[..., None] * numbers[:, 0] + y[..., None] * numbers[:, 1])
    height = np.sum(amplitudes * np.sin(angle / size + phases), axis=-1)

    low, high = height.min(), height.max()
    crest = (height - low) / (high - low)
    return _texture(name, _mix(deep_color, light_color, crest**1.5))


def windows(
    wall_color: str = "#b9b3a6",
    window_color: str = "#ffe6a8",
    *,
    size: int = 256,
    rows: int = 4,
    columns: int = 4,
    lit_fraction: float = 0.7,
    seed: int = 0,
    name: str = "windows",
) -> Texture:
    """Generate a facade: `rows` x `columns` windows centred in equal wall bays.

    About `lit_fraction` of the windows, drawn from `seed`, glow in
    `window_color` with slightly varied brightness; the others are dark.
    """
    _check_count("size", size, 2)
    _check_count("rows", rows, 1)
    _check_count("columns", columns, 1)
    if not (0 <= lit_fraction <= 1):
        raise ValueError(f"lit_fraction must be in [0, 1], got {lit_fraction!r}")
    rng = np.random.default_rng(seed)
    x, y = _pixel_centres(size)

    bay_width, bay_height = size / columns, size / rows
    column = np.floor(x / bay_width).astype(np.int64)
    row = np.floor(y / bay_height).astype(np.int64)
    # Windows fill the middle 50% of a bay's width and 60% of its height.
    in_window = (np.abs(np.mod(x, bay_width) / bay_width - 0.5) < 0.25) & (
        np.abs(np.mod(y, bay_height) / bay_height - 0.5) < 0.3
    )

    lit = rng.random((rows, columns)) < lit_fraction
    brightness = np.where(lit, rng.uniform(0.8, 1.0, size=(rows, columns)), 0.12)
    glass = _linear(window_color) * brightness[row, column][..., None]
    glass[..., 3] = _linear(window_color)[3]
    color = np.broadcast_to(_linear(wall_color), glass.shape).copy()
    color[in_window] = glass[in_window]
    return _texture(name, color)


PATTERNS = ("checker", "stripes", "grid", "brick", "stone", "water", "noise", "windows")
"""Names of the tiling patterns that `pattern_texture` generates."""


def pattern_texture(
    kind: str, color: str, second_color: str, *, seed: int = 0
) -> Texture:
    """Generate the tiling pattern `kind` (one of PATTERNS) from two colors.

    `color` is the pattern's main color (bricks, stones, wall, first squares) and
    `second_color` the other (mortar, joints, windows, lines). The texture is named
    after the pattern. Raises ValueError for an unknown kind.
    """
    if kind == "checker":
        return checker(color, second_color)
    if kind == "stripes":
        return stripes(color, second_color)
    if kind == "grid":
        return grid(color, second_color)
    if kind == "brick":
        return brick(color, second_color, seed=seed)
    if kind == "stone":
        return stone(color, second_color, seed=seed)
    if kind == "water":
        return water(color, second_color, seed=seed)
    if kind == "noise":
        return noise(color, second_color, seed=seed)
    if kind == "windows":
        return windows(color, second_color, seed=seed)
    raise ValueError(f"unknown pattern {kind!r}: expected one of {', '.join(PATTERNS)}")


def sky_gradient_panorama(
    zenith: str = "#2a5caa",
    horizon: str = "#cfe3f2",
    ground: str = "#5a5a52",
    width: int = 2048,
    height: int = 1024,
    *,
    name: str = "sky",
) -> Texture:
    """Generate an equirectangular (2:1) sky: zenith at the top row, ground below.

    Above the horizon, the weight of `zenith` over `horizon` is the square root of
    the sine of the elevation. Below it, the color fades to `ground` within 3 degrees.
    """
    _check_count("height", height, 2)
    if width != 2 * height:
        raise ValueError(
            "an equirectangular panorama is twice as wide as high, "
            f"got {width}x{height}"
        )
    rows = np.arange(height) + 0.5
    elevation = np.pi / 2 - np.pi * rows / height
    sine = np.sin(elevation)
    sky = _mix(horizon, zenith, np.sqrt(np.clip(sine, 0, 1)))
    below = np.clip(-sine / math.sin(math.radians(3)), 0, 1)
    earth = _mix(horizon, ground, np.sqrt(below))
    column = np.where((sine >= 0)[:, None], sky, earth)
    image = np.broadcast_to(column[:, None, :], (height, width, 4))
    return _texture(name, image)
