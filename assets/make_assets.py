"""Generate the project-made assets of the Nanjing Innovation Week 2020 venue.

Run from anywhere with the project's Python (numpy and Pillow):

    python assets/make_assets.py

It writes, under assets/:

- panoramas/purple-mountain-dusk.png: an equirectangular (2:1) dusk sky over a
  ring of distant hills, the sky of the purple-mountain scene.
- models/hip-roof.glb: a Chinese hip roof (庑殿顶) with a concave slope,
  upturned corners and a ridge: 2 x 2 m at the eaves (the corners flare
  12% further out) and 1 m to the ridge, with its base at z = 0. Scenes
  scale it to each building's footprint.
- models/pine-tree.glb: a pine about 8 m high (a trunk and three cones).
- models/round-tree.glb: a broadleaf street tree about 6 m high.
- models/chair.glb: a conference chair facing +y, its seat about 0.45 m high.
- textures/backdrop-<channel>.png: the pictures (2.5:1) on the LED walls
  behind the stages of the main-stage and the three Global Summit
  channels: a sun over a ridge, or a wireframe globe with a network of arcs.
  The live video screens stand in front of them.

The output is deterministic: fixed seeds, no timestamps, and PNG files
without text chunks, so rerunning it leaves the files byte-for-byte equal.
"""

from __future__ import annotations

import itertools
import json
import struct
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ASSETS = Path(__file__).resolve().parent

# --- panorama ------------------------------------------------------------------

PANORAMA_WIDTH = 2048
PANORAMA_HEIGHT = 1024
# Position of the sun glow: degrees from the panorama's left edge towards its
# right edge, and degrees above the horizon. A scene can turn the panorama
# with `sky.rotate` so that the glow matches its sun light.
SUN_HEADING = 90.0
SUN_ELEVATION = 7.0


def _srgb(hex_color: str) -> np.ndarray:
    value = hex_color.lstrip("#")
    return np.array([int(value[i : i + 2], 16) for i in (0, 2, 4)], np.float64) / 255


def _lerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    return a + (b - a) * t[..., None]


def _periodic_noise_1d(
    count: int, rng: np.random.Generator, octaves: list[tuple[int, float]]
) -> np.ndarray:
    """Return a wrap-around 1D profile in about -1..1 from random sine waves.

    `octaves` lists (whole cycles per turn, amplitude), so the profile joins
    up at the panorama's seam.
    """
    angle = np.arange(count) / count * 2 * np.pi
    total = np.zeros(count)
    for cycles, amplitude in octaves:
        phase = rng.uniform(0, 2 * np.pi)
        total += amplitude * np.sin(cycles * angle + phase)
    return total


def make_dusk_panorama(
    width: int = PANORAMA_WIDTH, height: int = PANORAMA_HEIGHT
) -> Image.Image:
    """Paint a purple dusk sky with a sun glow and three layers of hills."""
    rng = np.random.default_rng(2020_06_22)
    rows = (np.arange(height) + 0.5) / height
    columns = (np.arange(width) + 0.5) / width
    elevation = 90.0 - 180.0 * rows  # degrees, per row
    heading = 360.0 * columns  # degrees, per column

    # Sky: indigo overhead, violet in the middle, rose-orange at the horizon.
    zenith, middle = _srgb("#17123a"), _srgb("#5a3c8c")
    horizon = _srgb("#e9869a")
    height_fraction = np.clip(elevation / 90.0, 0.0, 1.0)
    low = np.clip(height_fraction / 0.25, 0.0, 1.0) ** 0.8
    high = np.clip((height_fraction - 0.25) / 0.75, 0.0, 1.0) ** 0.7
    sky_column = np.where(
        (height_fraction < 0.25)[:, None],
        _lerp(horizon, middle, low),
        _lerp(middle, zenith, high),
    )
    sky = np.broadcast_to(sky_column[:, None, :], (height, width, 3)).copy()

    # Sun glow: warm light falling off with angular distance from the sun.
    el = np.radians(elevation)[:, None]
    hd = np.radians(heading)[None, :]
    sun_el, sun_hd = np.radians(SUN_ELEVATION), np.radians(SUN_HEADING)
    cosine = np.sin(el) * np.sin(sun_el) + np.cos(el) * np.cos(sun_el) * np.cos(
        hd - sun_hd
    )
    distance = np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0)))
    glow = np.exp(-distance / 28.0) * 0.85 + np.exp(-distance / 4.0) * 0.6
    disc = np.clip((1.2 - distance) / 0.3, 0.0, 1.0)
    sky = _lerp(sky, _srgb("#ffb36b"), np.clip(glow, 0.0, 1.0))
    sky = _lerp(sky, _srgb("#fff2d6"), disc)

    # Thin cloud bands, lit from below on the sun side.
    band_noise = np.zeros((height, width))
    for cycles, rows_per_cycle, amplitude in ((3, 37.0, 0.6), (7, 17.0, 0.4)):
        phase = rng.uniform(0, 2 * np.pi)
        band_noise += amplitude * np.sin(
            cycles * hd + elevation[:, None] / rows_per_cycle * 2 * np.pi + phase
        )
    band_mask = np.clip((band_noise - 0.55) / 0.4, 0.0, 1.0)
    band_mask *= np.clip((elevation[:, None] - 4.0) / 6.0, 0.0, 1.0)
    band_mask *= np.clip((40.0 - elevation[:, None]) / 15.0, 0.0, 1.0)
    cloud_base = np.broadcast_to(_srgb("#6d4a8f"), (height, width, 3))
    cloud_color = _lerp(cloud_base, _srgb("#f4a07a"), np.clip(glow * 1.4, 0.0, 1.0))
    sky = sky + (cloud_color - sky) * (0.55 * band_mask)[..., None]

    # Stars, only high up where the sky is dark.
    star_count = 900
    star_rows = rng.integers(0, height // 4, star_count)
    star_columns = rng.integers(0, width, star_count)
    star_strength = rng.uniform(0.25, 0.8, star_count)
    sky[star_rows, star_columns] += (star_strength * (1 - star_rows / (height / 4)))[
        :, None
    ]

    # Hills: three ridgelines. The farthest is palest and rises highest, so
    # that it shows above the nearer ones.
    image = sky
    ground = _srgb("#262b24")
    layers = (
        (4.6, 2.4, "#6e5a8e", [(5, 0.5), (11, 0.3), (23, 0.15), (47, 0.06)]),
        (3.0, 1.8, "#47386a", [(4, 0.5), (9, 0.35), (19, 0.15), (41, 0.07)]),
        (1.6, 1.2, "#2b2446", [(3, 0.6), (8, 0.3), (17, 0.15), (37, 0.08)]),
    )
    for base, amplitude, color, octaves in layers:
        profile = base + amplitude * _periodic_noise_1d(width, rng, octaves)
        covered = elevation[:, None] < profile[None, :]
        image = np.where(covered[..., None], _srgb(color), image)
    image = np.where((elevation < 0.0)[:, None, None], ground, image)

    pixels = np.clip(np.round(image * 255), 0, 255).astype(np.uint8)
    return Image.fromarray(pixels, "RGB")


# --- stage backdrops -----------------------------------------------------------------

BACKDROP_SIZE = (1280, 512)  # the backdrops in the scenes are 2.5:1
SUPERSAMPLE = 2  # drawn at twice the size, then reduced, for smooth edges

# Channel colours: (dark background, bright accent).
BACKDROP_COLOURS = {
    "main-stage": ("#2b1e63", "#c99dff"),
    "guest-country": ("#2a0d10", "#ff7a4d"),
    "t20": ("#0a1a36", "#4fa3ff"),
    "overseas-dialogue": ("#08261f", "#3fe0a8"),
}


def _rgb(hex_color: str) -> tuple[int, int, int]:
    value = hex_color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _backdrop_background(
    width: int, height: int, dark: str, accent: str
) -> Image.Image:
    """Paint a diagonal gradient from the dark colour to a dim accent, with a glow."""
    y, x = np.mgrid[0:height, 0:width] / np.array([height, width])[:, None, None]
    t = np.clip(0.55 * x + 0.45 * (1 - y), 0, 1) ** 1.5 * 0.45
    glow = np.exp(-(((x - 0.7) / 0.35) ** 2 + ((y - 0.45) / 0.5) ** 2)) * 0.25
    weight = np.clip(t + glow, 0, 1)[..., None]
    pixels = np.array(_rgb(dark)) * (1 - weight) + np.array(_rgb(accent)) * weight
    return Image.fromarray(np.round(pixels).astype(np.uint8), "RGB")


def _draw_globe(
    draw: ImageDraw.ImageDraw,
    centre: tuple[float, float],
    radius: float,
    colour: tuple[int, int, int],
    width: int,
) -> None:
    """Draw a wireframe globe: outline, meridians and parallels."""
    cx, cy = centre
    draw.ellipse(
        [cx - radius, cy - radius, cx + radius, cy + radius],
        outline=colour,
        width=width,
    )
    for fraction in (0.2, 0.45, 0.7, 0.9):
        half = radius * fraction
        draw.ellipse(
            [cx - half, cy - radius, cx + half, cy + radius],
            outline=colour,
            width=width,
        )
    for latitude in (-60, -30, 0, 30, 60):
        offset = radius * np.sin(np.radians(latitude))
        half = radius * np.cos(np.radians(latitude))
        draw.line(
            [cx - half, cy - offset, cx + half, cy - offset], fill=colour, width=width
        )


def _draw_network(
    draw: ImageDraw.ImageDraw,
    rng: np.random.Generator,
    box: tuple[float, float, float, float],
    colour: tuple[int, int, int],
    width: int,
) -> None:
    """Draw random nodes joined by arcs, a picture of a connected audience."""
    left, top, right, bottom = box
    nodes = np.column_stack(
        [rng.uniform(left, right, 14), rng.uniform(top, bottom, 14)]
    )
    for first, second in itertools.pairwise(nodes):
        middle = (first + second) / 2 - np.array([0, abs(first[0] - second[0]) * 0.3])
        curve = [
            tuple((1 - t) ** 2 * first + 2 * (1 - t) * t * middle + t**2 * second)
            for t in np.linspace(0, 1, 24)
        ]
        draw.line(curve, fill=colour, width=width)
    for x, y in nodes:
        r = width * 3
        draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)


def _draw_mountain(
    draw: ImageDraw.ImageDraw,
    rng: np.random.Generator,
    width: int,
    height: int,
    colour: tuple[int, int, int],
    sun: tuple[int, int, int],
) -> None:
    """Draw a sun over a mountain ridge, for the summit stage."""
    r = height * 0.16
    cx, cy = width * 0.5, height * 0.5
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=sun)
    xs = np.linspace(0, width, 65)
    ridge = height * (
        0.78
        - 0.28 * np.exp(-(((xs - width * 0.5) / (width * 0.22)) ** 2))
        - 0.04 * np.sin(xs / width * 9 + rng.uniform(0, 6))
    )
    draw.polygon([(0, height)] + list(zip(xs, ridge)) + [(width, height)], fill=colour)


def make_backdrop(channel: str) -> Image.Image:
    """Paint the LED wall picture behind a channel's stage in its colours."""
    dark, accent = BACKDROP_COLOURS[channel]
    width, height = (side * SUPERSAMPLE for side in BACKDROP_SIZE)
    image = _backdrop_background(width, height, dark, accent)
    draw = ImageDraw.Draw(image)
    rng = np.random.default_rng(sum(map(ord, channel)))
    line = 3 * SUPERSAMPLE
    bright = _rgb(accent)
    if channel == "main-stage":
        _draw_mountain(draw, rng, width, height, _rgb("#120c26"), _rgb("#ffb36b"))
    else:
        _draw_globe(draw, (width * 0.7, height * 0.47), height * 0.36, bright, line)
        _draw_network(
            draw,
            rng,
            (width * 0.06, height * 0.2, width * 0.48, height * 0.7),
            bright,
            line,
        )
    # A lower-third bar, as on a live broadcast.
    draw.rectangle(
        [width * 0.06, height * 0.8, width * 0.5, height * 0.86], fill=bright
    )
    draw.rectangle(
        [width * 0.06, height * 0.88, width * 0.32, height * 0.91], fill=_rgb("#e8e8f0")
    )
    return image.resize(BACKDROP_SIZE, Image.LANCZOS)


# --- roof model ------------------------------------------------------------------

ROOF_SAMPLES_PER_SIDE = 16
ROOF_RINGS = 12
RIDGE_HALF_LENGTH = 0.45  # in units of the eave's half width, which is 1
RIDGE_HEIGHT = 1.0
EAVE_LIFT = 0.18  # corners rise this much above the eave line
EAVE_FLARE = 0.12  # and reach this much further out


def _rectangle_perimeter(samples_per_side: int) -> tuple[np.ndarray, np.ndarray]:
    """Return unit-square perimeter points (n, 2) and their corner weights (n,).

    Points run counter-clockwise from the south-west corner. The weight is 1
    at a corner and falls to 0 at the middle of a side.
    """
    t = np.arange(samples_per_side) / samples_per_side
    sides = [
        np.column_stack([-1 + 2 * t, -np.ones_like(t)]),
        np.column_stack([np.ones_like(t), -1 + 2 * t]),
        np.column_stack([1 - 2 * t, np.ones_like(t)]),
        np.column_stack([-np.ones_like(t), 1 - 2 * t]),
    ]
    points = np.concatenate(sides)
    along = np.abs(2 * t - 1)  # 1 at corners, 0 mid-side
    weight = np.tile(along**3, 4)
    return points, weight


def roof_mesh() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Build the roof surface: positions (n, 3), normals (n, 3), triangles (m, 3).

    Z-up, eaves at z = 0 around [-1, 1] x [-1, 1], ridge along x at z = 1.
    """
    perimeter, corner = _rectangle_perimeter(ROOF_SAMPLES_PER_SIDE)
    count = len(perimeter)
    t = np.linspace(0.0, 1.0, ROOF_RINGS + 1)[:, None]  # eave -> ridge
    half_x = 1 - (1 - RIDGE_HALF_LENGTH) * t
    half_y = 1 - t * 0.985  # keep a thin ridge
    flare = 1 + EAVE_FLARE * corner[None, :] * (1 - t) ** 2
    x = perimeter[None, :, 0] * half_x * flare
    y = perimeter[None, :, 1] * half_y * flare
    # A concave slope: shallow at the eaves, steep near the ridge.
    z = (
        RIDGE_HEIGHT * (0.3 * t + 0.7 * t**2)
        + EAVE_LIFT * corner[None, :] * (1 - t) ** 3
    )
    positions = np.stack([x, y, np.broadcast_to(z, x.shape)], axis=-1)

    # Normals from the two surface directions, pointing up and out.
    along = np.roll(positions, -1, axis=1) - np.roll(positions, 1, axis=1)
    up = np.gradient(positions, axis=0)
    normals = np.cross(along, up)
    normals /= np.linalg.norm(normals, axis=-1, keepdims=True)
    normals *= np.where(normals[..., 2:3] < 0, -1.0, 1.0)

    ring = np.arange(count)
    nxt = (ring + 1) % count
    triangles = []
    for row in range(ROOF_RINGS):
        a = row * count + ring
        b = row * count + nxt
        c = (row + 1) * count + nxt
        d = (row + 1) * count + ring
        triangles.append(np.column_stack([a, b, c]))
        triangles.append(np.column_stack([a, c, d]))
    return (positions.reshape(-1, 3), normals.reshape(-1, 3), np.concatenate(triangles))


def ridge_mesh() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Build the ridge beam with raised ends (a hint of the ridge ornaments)."""
    beam_top = RIDGE_HEIGHT + 0.1
    beam_bottom = RIDGE_HEIGHT - 0.04
    end_top = RIDGE_HEIGHT + 0.26
    return merge(
        box_mesh(
            (0.0, 0.0, (beam_bottom + beam_top) / 2),
            (2 * RIDGE_HALF_LENGTH + 0.04, 0.1, beam_top - beam_bottom),
        ),
        box_mesh(
            (-RIDGE_HALF_LENGTH, 0.0, (RIDGE_HEIGHT + end_top) / 2),
            (0.1, 0.12, end_top - RIDGE_HEIGHT),
        ),
        box_mesh(
            (RIDGE_HALF_LENGTH, 0.0, (RIDGE_HEIGHT + end_top) / 2),
            (0.1, 0.12, end_top - RIDGE_HEIGHT),
        ),
    )


# --- tree models -------------------------------------------------------------------

TREE_SEGMENTS = 10


def frustum_mesh(
    bottom_radius: float,
    top_radius: float,
    height: float,
    base_z: float,
    segments: int = TREE_SEGMENTS,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Build a cone or frustum side with a bottom disk, from base_z up by height."""
    angles = 2 * np.pi * np.arange(segments) / segments
    cos, sin = np.cos(angles), np.sin(angles)
    slope = bottom_radius - top_radius
    side_normal = np.column_stack(
        [height * cos, height * sin, np.full(segments, slope)]
    )
    side_normal /= np.linalg.norm(side_normal, axis=1, keepdims=True)
    bottom = np.column_stack(
        [bottom_radius * cos, bottom_radius * sin, np.full(segments, base_z)]
    )
    top = np.column_stack(
        [top_radius * cos, top_radius * sin, np.full(segments, base_z + height)]
    )
    centre = np.array([[0.0, 0.0, base_z]])
    positions = np.concatenate([bottom, top, bottom, centre])
    normals = np.concatenate(
        [side_normal, side_normal, np.tile([0.0, 0.0, -1.0], (segments + 1, 1))]
    )
    ring = np.arange(segments)
    nxt = (ring + 1) % segments
    triangles = np.concatenate(
        [
            np.column_stack([ring, nxt, segments + nxt]),
            np.column_stack([ring, segments + nxt, segments + ring]),
            np.column_stack(
                [
                    np.full(segments, 3 * segments),
                    2 * segments + nxt,
                    2 * segments + ring,
                ]
            ),
        ]
    )
    return positions, normals, triangles


def blob_mesh(
    radius: float,
    centre_z: float,
    squash: float,
    seed: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Build a faceted, slightly lumpy ball (a subdivided icosahedron) as a crown."""
    golden = (1 + 5**0.5) / 2
    vertices = np.array(
        [
            [-1, golden, 0],
            [1, golden, 0],
            [-1, -golden, 0],
            [1, -golden, 0],
            [0, -1, golden],
            [0, 1, golden],
            [0, -1, -golden],
            [0, 1, -golden],
            [golden, 0, -1],
            [golden, 0, 1],
            [-golden, 0, -1],
            [-golden, 0, 1],
        ],
        np.float64,
    )
    faces = [
        (0, 11, 5),
        (0, 5, 1),
        (0, 1, 7),
        (0, 7, 10),
        (0, 10, 11),
        (1, 5, 9),
        (5, 11, 4),
        (11, 10, 2),
        (10, 7, 6),
        (7, 1, 8),
        (3, 9, 4),
        (3, 4, 2),
        (3, 2, 6),
        (3, 6, 8),
        (3, 8, 9),
        (4, 9, 5),
        (2, 4, 11),
        (6, 2, 10),
        (8, 6, 7),
        (9, 8, 1),
    ]
    points = [tuple(v / np.linalg.norm(v)) for v in vertices]
    index = {p: i for i, p in enumerate(points)}

    def midpoint(a: int, b: int) -> int:
        middle = np.add(points[a], points[b])
        key = tuple(middle / np.linalg.norm(middle))
        if key not in index:
            index[key] = len(points)
            points.append(key)
        return index[key]

    for _ in range(2):
        faces = [
            face
            for a, b, c in faces
            for ab, bc, ca in [(midpoint(a, b), midpoint(b, c), midpoint(c, a))]
            for face in ((a, ab, ca), (b, bc, ab), (c, ca, bc), (ab, bc, ca))
        ]
    unit = np.array(points)
    rng = np.random.default_rng(seed)
    lumps = 1 + 0.12 * rng.uniform(-1, 1, len(unit))
    shaped = unit * lumps[:, None] * radius * np.array([1.0, 1.0, squash])
    shaped[:, 2] += centre_z

    # Flat shading: every triangle gets its own three vertices and normal.
    triangles = np.array(faces)
    corners = shaped[triangles]  # (m, 3, 3)
    normal = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    normal /= np.linalg.norm(normal, axis=1, keepdims=True)
    positions = corners.reshape(-1, 3)
    normals = np.repeat(normal, 3, axis=0)
    return positions, normals, np.arange(len(positions)).reshape(-1, 3)


def merge(
    *meshes: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Join meshes into one (positions, normals, triangles)."""
    positions, normals, triangles, offset = [], [], [], 0
    for mesh_positions, mesh_normals, mesh_triangles in meshes:
        positions.append(mesh_positions)
        normals.append(mesh_normals)
        triangles.append(np.asarray(mesh_triangles) + offset)
        offset += len(mesh_positions)
    return np.concatenate(positions), np.concatenate(normals), np.concatenate(triangles)


def pbr(hex_color: str, roughness: float = 0.85) -> dict:
    """Return a glTF pbrMetallicRoughness block for an sRGB colour."""
    srgb = _srgb(hex_color)
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    return {
        "baseColorFactor": [round(float(v), 6) for v in linear] + [1.0],
        "metallicFactor": 0.0,
        "roughnessFactor": roughness,
    }


def pine_tree_parts() -> list[tuple[str, tuple, dict]]:
    """Return the parts of a pine about 8 m high: a trunk and three stacked cones."""
    crown = merge(
        frustum_mesh(2.2, 0.0, 3.4, 1.6),
        frustum_mesh(1.8, 0.0, 3.0, 3.4),
        frustum_mesh(1.3, 0.0, 2.8, 5.0),
    )
    return [
        ("pine-trunk", frustum_mesh(0.28, 0.2, 2.2, 0.0, 6), pbr("#5a3d2b")),
        ("pine-needles", crown, pbr("#2c5238")),
    ]


def round_tree_parts() -> list[tuple[str, tuple, dict]]:
    """Return the parts of a street tree about 6 m high: a trunk and a faceted crown."""
    return [
        ("tree-trunk", frustum_mesh(0.22, 0.16, 3.0, 0.0, 6), pbr("#6b4a33")),
        ("tree-leaves", blob_mesh(2.1, 4.4, 0.85, seed=7), pbr("#4f8a3c")),
    ]


def box_mesh(
    centre: tuple[float, float, float],
    size: tuple[float, float, float],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Build an axis-aligned box with flat normals around `centre`."""
    faces = [
        ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
        ((-1, 0, 0), (0, -1, 0), (0, 0, 1)),
        ((0, 1, 0), (-1, 0, 0), (0, 0, 1)),
        ((0, -1, 0), (1, 0, 0), (0, 0, 1)),
        ((0, 0, 1), (1, 0, 0), (0, 1, 0)),
        ((0, 0, -1), (1, 0, 0), (0, -1, 0)),
    ]
    half = np.array(size, np.float64) / 2
    positions: list[np.ndarray] = []
    normals: list[np.ndarray] = []
    triangles: list[tuple[int, int, int]] = []
    for normal, right, up in faces:
        n, r, u = (np.array(v, np.float64) for v in (normal, right, up))
        base = len(positions)
        for a, b in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
            positions.append(np.array(centre) + (n + a * r + b * u) * half)
            normals.append(n)
        triangles += [(base, base + 1, base + 2), (base, base + 2, base + 3)]
    return np.array(positions), np.array(normals), np.array(triangles)


def chair_parts() -> list[tuple[str, tuple, dict]]:
    """Return the parts of a chair facing +y (north), its back on the south side."""
    cushions = merge(
        box_mesh((0.0, 0.0, 0.43), (0.52, 0.5, 0.08)),
        box_mesh((0.0, -0.23, 0.72), (0.52, 0.06, 0.55)),
    )
    frame = merge(
        box_mesh((0.0, 0.0, 0.2), (0.08, 0.08, 0.4)),
        box_mesh((0.0, 0.0, 0.02), (0.44, 0.44, 0.04)),
    )
    return [
        ("chair-fabric", cushions, pbr("#23365f", 0.9)),
        ("chair-frame", frame, {**pbr("#9aa0a8", 0.35), "metallicFactor": 0.9}),
    ]


def _to_y_up(vectors: np.ndarray) -> np.ndarray:
    """Turn Z-up vectors into glTF's Y-up frame: (x, y, z) -> (x, z, -y)."""
    return np.column_stack([vectors[:, 0], vectors[:, 2], -vectors[:, 1]])


def write_glb(path: Path, parts: list[tuple[str, tuple, dict]]) -> None:
    """Write a GLB with one mesh that has one primitive per part.

    Each part is (material name, (positions, normals, triangles), glTF
    pbrMetallicRoughness block), with positions and normals in Z-up metres.
    """
    binary = bytearray()
    buffer_views, accessors, materials, primitives = [], [], [], []

    def add_view(data: bytes, target: int) -> int:
        while len(binary) % 4:
            binary.append(0)
        buffer_views.append(
            {
                "buffer": 0,
                "byteOffset": len(binary),
                "byteLength": len(data),
                "target": target,
            }
        )
        binary.extend(data)
        return len(buffer_views) - 1

    for name, (positions, normals, triangles), pbr in parts:
        positions = _to_y_up(positions).astype(np.float32)
        normals = _to_y_up(normals).astype(np.float32)
        indices = np.asarray(triangles, np.uint32).reshape(-1)
        attributes = {}
        for key, values in (("POSITION", positions), ("NORMAL", normals)):
            view = add_view(values.tobytes(), 34962)
            accessor = {
                "bufferView": view,
                "componentType": 5126,
                "count": len(values),
                "type": "VEC3",
            }
            if key == "POSITION":
                accessor["min"] = [float(v) for v in values.min(axis=0)]
                accessor["max"] = [float(v) for v in values.max(axis=0)]
            accessors.append(accessor)
            attributes[key] = len(accessors) - 1
        view = add_view(indices.tobytes(), 34963)
        accessors.append(
            {
                "bufferView": view,
                "componentType": 5125,
                "count": len(indices),
                "type": "SCALAR",
            }
        )
        materials.append(
            {"name": name, "pbrMetallicRoughness": pbr, "doubleSided": True}
        )
        primitives.append(
            {
                "attributes": attributes,
                "indices": len(accessors) - 1,
                "material": len(materials) - 1,
            }
        )
    while len(binary) % 4:
        binary.append(0)

    document = {
        "asset": {"version": "2.0", "generator": "assets/make_assets.py"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"name": path.stem, "mesh": 0}],
        "meshes": [{"name": path.stem, "primitives": primitives}],
        "materials": materials,
        "accessors": accessors,
        "bufferViews": buffer_views,
        "buffers": [{"byteLength": len(binary)}],
    }
    text = json.dumps(document, separators=(",", ":"), sort_keys=True).encode()
    text += b" " * (-len(text) % 4)
    chunks = (
        struct.pack("<II", len(text), 0x4E4F534A)
        + text
        + struct.pack("<II", len(binary), 0x004E4942)
        + bytes(binary)
    )
    path.write_bytes(struct.pack("<III", 0x46546C67, 2, 12 + len(chunks)) + chunks)


# --- main ----------------------------------------------------------------------


def main() -> None:
    panoramas = ASSETS / "panoramas"
    models = ASSETS / "models"
    panoramas.mkdir(exist_ok=True)
    models.mkdir(exist_ok=True)

    panorama = panoramas / "purple-mountain-dusk.png"
    make_dusk_panorama().save(panorama, format="PNG", optimize=True)

    roof = models / "hip-roof.glb"
    write_glb(
        roof,
        [
            (
                "roof-tiles",
                roof_mesh(),
                {
                    "baseColorFactor": [0.09, 0.11, 0.12, 1.0],
                    "metallicFactor": 0.0,
                    "roughnessFactor": 0.6,
                },
            ),
            (
                "roof-ridge",
                ridge_mesh(),
                {
                    "baseColorFactor": [0.05, 0.05, 0.06, 1.0],
                    "metallicFactor": 0.0,
                    "roughnessFactor": 0.7,
                },
            ),
        ],
    )
    pine = models / "pine-tree.glb"
    write_glb(pine, pine_tree_parts())
    round_tree = models / "round-tree.glb"
    write_glb(round_tree, round_tree_parts())
    chair = models / "chair.glb"
    write_glb(chair, chair_parts())
    written = [panorama, roof, pine, round_tree, chair]

    textures = ASSETS / "textures"
    textures.mkdir(exist_ok=True)
    for channel in BACKDROP_COLOURS:
        backdrop = textures / f"backdrop-{channel}.png"
        make_backdrop(channel).save(backdrop, format="PNG", optimize=True)
        written.append(backdrop)
    for path in written:
        print(f"wrote {path.relative_to(ASSETS.parent)} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
