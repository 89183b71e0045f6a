"""Tests of the generated textures and color parsing in toolkit.textures."""

from __future__ import annotations

import hashlib
import io
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from toolkit import textures
from toolkit.model import Texture

REPO = Path(__file__).resolve().parents[1]

GENERATORS: dict[str, Callable[[], Texture]] = {
    "checker": lambda: textures.checker(size=64, squares=4),
    "stripes": lambda: textures.stripes(size=64, count=4),
    "stripes-vertical": lambda: textures.stripes(size=64, count=4, vertical=True),
    "grid": lambda: textures.grid(size=64, cells=4, line_width=2),
    "brick": lambda: textures.brick(size=64, rows=4, columns=2, mortar_width=2),
    "stone": lambda: textures.stone(size=64, rows=2, joint_width=2),
    "water": lambda: textures.water(size=64),
    "noise": lambda: textures.noise(size=64),
    "windows": lambda: textures.windows(size=64),
}
SEEDED = ["brick", "stone", "water", "noise", "windows"]


def pixels(texture: Texture) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(texture.data)).convert("RGB"), np.int64)


def png_chunk_types(data: bytes) -> list[bytes]:
    kinds = []
    offset = 8
    while offset < len(data):
        (length,) = struct.unpack_from(">I", data, offset)
        kinds.append(data[offset + 4 : offset + 8])
        offset += 12 + length
    return kinds


def texture_digests() -> list[str]:
    """Return a SHA-256 per generator, with the generators' default sizes."""
    made = [
        textures.checker(),
        textures.brick(),
        textures.stone(),
        textures.water(),
        textures.noise(),
        textures.sky_gradient_panorama(width=256, height=128),
    ]
    return [hashlib.sha256(texture.data).hexdigest() for texture in made]


# --- colors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#ffffff", (1.0, 1.0, 1.0, 1.0)),
        ("#000000", (0.0, 0.0, 0.0, 1.0)),
        ("#808080", (0.2158605, 0.2158605, 0.2158605, 1.0)),
        ("#ff000080", (1.0, 0.0, 0.0, 128 / 255)),
        ("#FF0000", (1.0, 0.0, 0.0, 1.0)),
        ("#0a0a0a", (0.0030352698, 0.0030352698, 0.0030352698, 1.0)),
        ("white", (1.0, 1.0, 1.0, 1.0)),
        ("Red", (1.0, 0.0, 0.0, 1.0)),
    ],
)
def test_parse_color_to_linear(text: str, expected: tuple[float, ...]) -> None:
    assert textures.parse_color(text) == pytest.approx(expected, abs=1e-7)


def test_parse_color_short_forms() -> None:
    assert textures.parse_color("#abc") == textures.parse_color("#aabbcc")
    assert textures.parse_color("#abc8") == textures.parse_color("#aabbcc88")


@pytest.mark.parametrize("text", ["#12345", "ff0000", "#gg0000", "", "rgb(1,2,3)"])
def test_parse_color_rejects_invalid(text: str) -> None:
    with pytest.raises(ValueError, match="invalid color"):
        textures.parse_color(text)


def test_parse_color_suggests_close_name() -> None:
    with pytest.raises(ValueError, match="did you mean 'white'"):
        textures.parse_color("whte")


def test_srgb_transfer_round_trip() -> None:
    values = np.linspace(0, 1, 1001)
    linear = textures.srgb_to_linear(values)
    np.testing.assert_allclose(textures.linear_to_srgb(linear), values, atol=1e-12)
    assert textures.srgb_to_linear(0.5) == pytest.approx(0.21404114, abs=1e-8)
    assert textures.srgb_to_linear(0.04045) == pytest.approx(0.04045 / 12.92)


def test_srgb_transfer_continuous_at_threshold() -> None:
    below = textures.srgb_to_linear(0.04045 - 1e-9)
    above = textures.srgb_to_linear(0.04045 + 1e-9)
    assert abs(above - below) < 1e-6


# --- encoding -------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(GENERATORS))
def test_texture_is_png(name: str) -> None:
    texture = GENERATORS[name]()
    image = Image.open(io.BytesIO(texture.data))
    assert texture.mime_type == "image/png"
    assert texture.repeat
    assert image.format == "PNG"
    assert image.size == (64, 64)
    assert image.mode == "RGB"


@pytest.mark.parametrize("name", list(GENERATORS))
def test_texture_has_no_metadata_chunks(name: str) -> None:
    assert png_chunk_types(GENERATORS[name]().data) == [b"IHDR", b"IDAT", b"IEND"]


@pytest.mark.parametrize("name", list(GENERATORS))
def test_texture_repeatable(name: str) -> None:
    assert GENERATORS[name]().data == GENERATORS[name]().data


def test_textures_identical_in_new_process() -> None:
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[2])\n"
        "from test_textures import texture_digests\n"
        "print(' '.join(texture_digests()))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, str(REPO), str(REPO / "tests")],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert completed.stdout.split() == texture_digests()


@pytest.mark.parametrize("name", SEEDED)
def test_seed_changes_texture(name: str) -> None:
    generator = getattr(textures, name)
    assert generator(size=64, seed=1).data != generator(size=64, seed=2).data


def test_translucent_color_gives_rgba() -> None:
    texture = textures.checker("#ff000080", "#0000ff", size=8, squares=2)
    image = Image.open(io.BytesIO(texture.data))
    assert image.mode == "RGBA"
    assert np.asarray(image)[0, 0, 3] == 128


def test_encode_png_rejects_bad_shape() -> None:
    with pytest.raises(ValueError, match="height, width"):
        textures.encode_png(np.zeros((4, 4), np.uint8))


# --- patterns -------------------------------------------------------------------------


def test_checker_colors_and_layout() -> None:
    image = pixels(textures.checker("#ffffff", "#000000", size=8, squares=2))
    assert image[0, 0].tolist() == [255, 255, 255]
    assert image[0, 4].tolist() == [0, 0, 0]
    assert image[4, 4].tolist() == [255, 255, 255]


def test_stripes_direction() -> None:
    horizontal = pixels(textures.stripes("#ffffff", "#000000", size=8, count=2))
    vertical = pixels(
        textures.stripes("#ffffff", "#000000", size=8, count=2, vertical=True)
    )
    assert np.all(horizontal[0] == 255)
    assert np.all(horizontal[2] == 0)
    assert np.all(vertical[:, 0] == 255)
    assert np.all(vertical[:, 2] == 0)


def test_grid_lines_wrap_at_edges() -> None:
    image = pixels(textures.grid("#ffffff", "#000000", size=32, cells=2, line_width=2))
    for line in (image[0], image[-1], image[:, 0], image[:, -1], image[16]):
        assert np.all(line == 0)
    assert image[8, 8].tolist() == [255, 255, 255]


def test_brick_has_mortar_and_bricks() -> None:
    image = pixels(textures.brick("#9c4a32", "#ffffff", size=64, rows=4, columns=2))
    assert image[0, 20].tolist() == [255, 255, 255]  # bed joint at the course top
    assert image[8, 20].tolist() != [255, 255, 255]


@pytest.mark.parametrize("name", ["noise", "water"])
def test_continuous_patterns_tile(name: str) -> None:
    image = pixels(GENERATORS[name]())
    inner_step = np.abs(np.diff(image, axis=1)).max()
    wrap_step = np.abs(image[:, 0] - image[:, -1]).max()
    assert wrap_step <= inner_step
    inner_step = np.abs(np.diff(image, axis=0)).max()
    wrap_step = np.abs(image[0] - image[-1]).max()
    assert wrap_step <= inner_step


@pytest.mark.parametrize("kind", textures.PATTERNS)
def test_pattern_texture_kinds(kind: str) -> None:
    texture = textures.pattern_texture(kind, "#9c4a32", "#e0e0e0", seed=3)
    assert texture.name == kind
    assert Image.open(io.BytesIO(texture.data)).size == (256, 256)


def test_pattern_texture_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown pattern 'marble'"):
        textures.pattern_texture("marble", "#ffffff", "#000000")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: textures.checker(squares=3), "squares"),
        (lambda: textures.brick(rows=5), "rows"),
        (lambda: textures.grid(size=16, cells=4, line_width=4), "line_width"),
        (lambda: textures.stone(size=32, rows=8, joint_width=2), "joint_width"),
        (lambda: textures.windows(lit_fraction=2), "lit_fraction"),
        (lambda: textures.sky_gradient_panorama(width=300, height=100), "twice"),
    ],
)
def test_invalid_arguments_rejected(call: Callable[[], Texture], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


# --- sky ------------------------------------------------------------------------------


def test_sky_gradient_rows() -> None:
    texture = textures.sky_gradient_panorama(
        "#0000ff", "#ffffff", "#00ff00", width=360, height=180
    )
    image = pixels(texture)
    assert image.shape == (180, 360, 3)
    assert np.all(image == image[:, :1])  # every column is the same
    assert image[0, 0, 2] > 240  # zenith
    assert image[0, 0, 0] < 40
    assert image[89, 0].min() > 200  # just above the horizon
    assert image[-1, 0].tolist() == [0, 255, 0]  # ground


def test_sky_gradient_blends_in_linear_light() -> None:
    texture = textures.sky_gradient_panorama(
        "#000000", "#ffffff", "#000000", width=2000, height=1000
    )
    image = pixels(texture)
    # At 30 degrees elevation the weight of the zenith is sqrt(sin 30) ~ 0.707.
    row = round(1000 * (90 - 30) / 180)
    expected = textures.linear_to_srgb(1 - np.sqrt(0.5)) * 255
    assert image[row, 0, 0] == pytest.approx(expected, abs=2)
