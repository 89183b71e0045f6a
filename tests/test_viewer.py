"""Tests of the Panda3D viewer on small bundles built in code.

One offscreen viewer serves most tests of this module, because Panda3D
allows one ShowBase at a time. The public `snapshot()` and the display
fallback run in subprocesses. Without a GPU, rendering uses Mesa's software
OpenGL (llvmpipe) through EGL.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("panda3d")
pytest.importorskip("gltf")

from panda3d.core import LPoint3, LQuaternion, LVector3, lookAt  # noqa: E402
from PIL import Image  # noqa: E402

from toolkit import geometry  # noqa: E402
from toolkit.errors import ViewerError  # noqa: E402
from toolkit.gltf import write_glb  # noqa: E402
from toolkit.model import Light, Material, Mesh, Node, SceneModel  # noqa: E402
from toolkit.viewer import offscreen_viewer  # noqa: E402
from toolkit.viewer.bundle_reader import parse_bundle, pick_text, read_bundle  # noqa: E402
from toolkit.viewer.fonts import CJK_FONT_VARIABLE, choose_text, load_fonts  # noqa: E402
from toolkit.viewer.links import is_web_url, open_web_url  # noqa: E402
from toolkit.viewer.markers import MARKER_COLORS, RING_COLOR  # noqa: E402
from toolkit.viewer.sessions import session_link, session_status  # noqa: E402
from toolkit.viewer.viewer import Viewer  # noqa: E402

SIZE = (480, 270)
SHANGHAI = timezone(timedelta(hours=8))
DURING_KEYNOTE = datetime(2020, 6, 22, 10, 0, tzinfo=SHANGHAI)
REPO = Path(__file__).resolve().parents[1]

# Scene layout in the authors' Z-up frame: (eye, target) of each viewpoint,
# and the position of each hotspot.
VIEWPOINTS = {
    "hall": {"entrance": ((0.0, -6.0, 1.7), (0.0, 8.0, 1.0)),
             "side": ((8.0, 2.0, 2.5), (0.0, 6.0, 1.0))},
    "garden": {"gate": ((0.0, -5.0, 1.7), (0.0, 5.0, 1.0))},
}
HOTSPOTS = {
    "hall": {"to-garden": (-3.0, 5.0, 1.5), "to-side": (3.0, 5.0, 1.5),
             "keynote": (0.0, 8.0, 2.8), "website": (1.5, 2.0, 0.6)},
    "garden": {"back": (0.0, 3.0, 1.2)},
}


# -- building a bundle ----------------------------------------------------------


Vec3 = tuple[float, float, float]


def _look_rotation(eye: Vec3, target: Vec3) -> tuple[float, float, float, float]:
    """Rotation (x, y, z, w) whose +Y looks from `eye` to `target`, +Z up."""
    rotation = LQuaternion()
    lookAt(rotation, LVector3(*target) - LVector3(*eye), LVector3(0, 0, 1))
    return (rotation.get_i(), rotation.get_j(), rotation.get_k(), rotation.get_r())


def _box(name: str, size: tuple[float, float, float], color: tuple[float, ...],
         at: tuple[float, float, float]) -> Node:
    material = Material(f"{name}-material", base_color=(*color, 1.0))
    mesh = Mesh(name, (geometry.box(size).to_primitive(material),))
    return Node(name, translation=at, mesh=mesh, extras={"kind": "object", "id": name})


def _scene_model(scene_id: str, boxes: list[Node]) -> SceneModel:
    nodes = list(boxes)
    nodes.append(Node("light_sun", light=Light("directional", intensity=2.5,
                                               direction=(0.3, 0.6, -1.0)),
                      extras={"kind": "light", "id": "sun"}))
    for hotspot_id, position in HOTSPOTS[scene_id].items():
        nodes.append(Node(f"hotspot_{hotspot_id}", translation=position,
                          extras={"kind": "hotspot", "id": hotspot_id}))
    for viewpoint_id, (eye, target) in VIEWPOINTS[scene_id].items():
        nodes.append(Node(f"viewpoint_{viewpoint_id}", translation=eye,
                          rotation=_look_rotation(eye, target),
                          extras={"kind": "viewpoint", "id": viewpoint_id, "fov": 60,
                                  "target_distance": math.dist(eye, target)}))
    return SceneModel(scene_id, tuple(nodes))


def _manifest() -> dict[str, Any]:
    return {
        "format": "venue-tour",
        "version": 1,
        "generator": "test",
        "venue": {"id": "test-venue", "title": {"zh": "测试场馆", "en": "Test venue"},
                  "languages": ["zh", "en"], "timezone": "Asia/Shanghai",
                  "start_scene": "hall"},
        "channels": [],
        "sessions": [
            {"id": "keynote", "title": {"zh": "主旨演讲", "en": "Keynote"},
             "start": "2020-06-22T09:30:00+08:00", "end": "2020-06-22T10:30:00+08:00",
             "stream": "https://example.org/live.m3u8",
             "replay": "https://example.org/replay.mp4"},
            {"id": "panel", "title": {"en": "Panel"},
             "start": "2020-06-23T09:00:00+08:00", "end": "2020-06-23T10:00:00+08:00",
             "stream": "https://example.org/panel.m3u8"},
        ],
        "scenes": [
            {
                "id": "hall", "title": {"zh": "大厅", "en": "Hall"},
                "file": "scenes/hall.glb",
                "sky": {"type": "gradient", "zenith": "#1d2b53", "horizon": "#f2a65a",
                        "ground": "#2b2b2b"},
                "ambient": {"color": "#ffffff", "intensity": 0.3},
                "start_viewpoint": "entrance",
                "hotspots": [
                    {"id": "to-garden", "node": "hotspot_to-garden",
                     "title": {"zh": "去花园", "en": "To the garden"},
                     "action": {"type": "scene", "scene": "garden"}},
                    {"id": "to-side", "node": "hotspot_to-side",
                     "title": {"zh": "侧面", "en": "Side view"},
                     "action": {"type": "viewpoint", "viewpoint": "side"}},
                    {"id": "keynote", "node": "hotspot_keynote",
                     "title": {"zh": "主旨演讲", "en": "Keynote stage"},
                     "description": {"en": "The opening keynote."},
                     "action": {"type": "session", "session": "keynote"}},
                    {"id": "website", "node": "hotspot_website",
                     "title": {"zh": "官网", "en": "Website"},
                     "action": {"type": "url", "url": "https://example.org/"}},
                ],
                "viewpoints": [
                    {"id": "entrance", "node": "viewpoint_entrance",
                     "title": {"zh": "入口", "en": "Entrance"}, "fov": 60},
                    {"id": "side", "node": "viewpoint_side",
                     "title": {"en": "Side"}, "fov": 60},
                ],
                "tours": [
                    {"id": "highlights", "title": {"en": "Highlights"}, "loop": False,
                     "stops": [
                         {"viewpoint": "side", "hold": 0.5,
                          "caption": {"en": "The side view"}},
                         {"hotspot": "keynote", "hold": 0.5,
                          "caption": {"en": "The keynote stage"}},
                     ]},
                ],
            },
            {
                "id": "garden", "title": {"zh": "花园", "en": "Garden"},
                "file": "scenes/garden.glb",
                "sky": {"type": "color", "color": "#87ceeb"},
                "ambient": {"color": "#ffffff", "intensity": 0.5},
                "start_viewpoint": "gate",
                "hotspots": [
                    {"id": "back", "node": "hotspot_back", "title": {"en": "Back"},
                     "action": {"type": "scene", "scene": "hall"}},
                ],
                "viewpoints": [{"id": "gate", "node": "viewpoint_gate",
                                "title": {"en": "Gate"}}],
                "tours": [],
            },
        ],
    }


def build_bundle(folder: Path) -> Path:
    """Write a two-scene bundle into `folder` and return it."""
    scenes = folder / "scenes"
    scenes.mkdir(parents=True)
    hall = _scene_model("hall", [
        _box("stage", (4.0, 2.0, 2.0), (0.2, 0.35, 0.8), (0.0, 8.0, 0.0)),
        _box("floor", (30.0, 30.0, 0.1), (0.5, 0.5, 0.5), (0.0, 0.0, -0.1)),
    ])
    garden = _scene_model("garden", [
        _box("hedge", (6.0, 1.0, 1.5), (0.1, 0.6, 0.2), (0.0, 5.0, 0.0)),
    ])
    (scenes / "hall.glb").write_bytes(write_glb(hall))
    (scenes / "garden.glb").write_bytes(write_glb(garden))
    (folder / "tour.json").write_text(json.dumps(_manifest(), ensure_ascii=False),
                                      encoding="utf-8")
    return folder


# -- fixtures -------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundle_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_bundle(tmp_path_factory.mktemp("bundle"))


@pytest.fixture(scope="module")
def session_viewer(bundle_dir: Path) -> Iterator[Viewer]:
    with offscreen_viewer(bundle_dir, lang="en", size=SIZE,
                          at=DURING_KEYNOTE) as viewer:
        yield viewer


@pytest.fixture()
def viewer(session_viewer: Viewer) -> Viewer:
    """The shared viewer, reset to the hall's entrance with nothing open."""
    session_viewer.tours.stop()
    session_viewer.panel.close()
    session_viewer.hud.hide_help()
    session_viewer.show_scene("hall", "entrance")
    if session_viewer.rig.mode != "orbit":
        session_viewer.rig.toggle_mode()
    return session_viewer


def render(viewer: Viewer) -> np.ndarray:
    """Draw one frame and return it as an (height, width, 3) uint8 array."""
    viewer.stage.render_frame()
    texture = viewer.stage.base.win.get_screenshot()
    width, height = texture.get_x_size(), texture.get_y_size()
    data = bytes(texture.get_ram_image_as("RGB"))
    # Panda3D stores the bottom row first.
    return np.frombuffer(data, dtype=np.uint8).reshape(height, width, 3)[::-1]


def color_near(pixels: np.ndarray, pixel: tuple[float, float],
               color: tuple[float, float, float], radius: int = 2,
               tolerance: int = 12) -> bool:
    """True when some pixel within `radius` of `pixel` has `color` (sRGB 0..1)."""
    x, y = round(pixel[0]), round(pixel[1])
    patch = pixels[max(y - radius, 0):y + radius + 1, max(x - radius, 0):x + radius + 1]
    expected = np.array([round(c * 255) for c in color])
    distance = np.abs(patch.astype(int) - expected).max(axis=-1)
    return bool((distance <= tolerance).any())


def expected_pixel(scene: str, viewpoint: str, point: tuple[float, float, float],
                   size: tuple[int, int] = SIZE,
                   fov: float = 60.0) -> tuple[float, float]:
    """Project `point` with a pinhole camera at the viewpoint, without Panda3D."""
    eye, target = (np.array(p) for p in VIEWPOINTS[scene][viewpoint])
    forward = (target - eye) / np.linalg.norm(target - eye)
    right = np.cross(forward, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    offset = np.array(point) - eye
    depth = offset @ forward
    focal = (size[1] / 2) / math.tan(math.radians(fov) / 2)
    x = size[0] / 2 + focal * (offset @ right) / depth
    y = size[1] / 2 - focal * (offset @ up) / depth
    return (float(x), float(y))


# -- tour.json ------------------------------------------------------------------


def test_read_bundle_scenes_and_actions(bundle_dir: Path) -> None:
    bundle = read_bundle(bundle_dir)
    assert [scene.id for scene in bundle.scenes] == ["hall", "garden"]
    hall = bundle.scene("hall")
    assert [h.action.type for h in hall.hotspots] == ["scene", "viewpoint", "session",
                                                      "url"]
    assert hall.sky.type == "gradient"
    assert hall.sky.colors["zenith"] == "#1d2b53"
    assert hall.file == (bundle_dir / "scenes" / "hall.glb").resolve()
    assert hall.tours[0].stops[1].hotspot == "keynote"
    assert bundle.session("keynote").start.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ({"zh": "大厅", "en": "Hall"}, "en", "Hall"),
        ({"zh": "大厅", "en": "Hall"}, "zh", "大厅"),
        ({"zh": "大厅", "en": "Hall"}, "fr", "大厅"),  # venue's first language
        ({"en": "Hall"}, "zh", "Hall"),  # any entry
        ({}, "en", ""),
    ],
)
def test_pick_text_fallback_rule(text: dict[str, str], lang: str,
                                 expected: str) -> None:
    assert pick_text(text, lang, ("zh", "en")) == expected


def _broken(change: str) -> dict[str, Any]:
    manifest = _manifest()
    scene = manifest["scenes"][0]
    if change == "format":
        manifest["format"] = "something-else"
    elif change == "version":
        manifest["version"] = 2
    elif change == "escaping path":
        scene["file"] = "../outside.glb"
    elif change == "unknown scene":
        scene["hotspots"][0]["action"]["scene"] = "nowhere"
    elif change == "bad colour":
        scene["sky"]["zenith"] = "blue"
    elif change == "unknown stop":
        scene["tours"][0]["stops"][0]["viewpoint"] = "nowhere"
    elif change == "missing start scene":
        manifest["venue"]["start_scene"] = "nowhere"
    return manifest


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("format", "venue-tour"),
        ("version", "version"),
        ("escaping path", "leaves the bundle folder"),
        ("unknown scene", "unknown scene 'nowhere'"),
        ("bad colour", "invalid colour"),
        ("unknown stop", "unknown viewpoint 'nowhere'"),
        ("missing start scene", "unknown scene 'nowhere'"),
    ],
)
def test_parse_bundle_rejects(tmp_path: Path, change: str, message: str) -> None:
    with pytest.raises(ViewerError, match=message):
        parse_bundle(_broken(change), tmp_path, tmp_path / "tour.json")


def test_read_bundle_missing_manifest(tmp_path: Path) -> None:
    with pytest.raises(ViewerError, match="tour.json not found"):
        read_bundle(tmp_path)


# -- sessions and links ---------------------------------------------------------


@pytest.mark.parametrize(
    ("session_id", "clock", "status"),
    [
        ("keynote", "2020-06-22T09:29:59+08:00", "upcoming"),
        ("keynote", "2020-06-22T09:30:00+08:00", "live"),
        ("keynote", "2020-06-22T01:45:00+00:00", "live"),  # same moment in UTC
        ("keynote", "2020-06-22T10:29:59+08:00", "live"),
        ("keynote", "2020-06-22T10:30:00+08:00", "replay"),
        ("panel", "2020-06-23T08:00:00+08:00", "upcoming"),
        ("panel", "2020-06-23T10:00:00+08:00", "ended"),  # no replay URL
    ],
)
def test_session_status_at_clock(bundle_dir: Path, session_id: str, clock: str,
                                 status: str) -> None:
    session = read_bundle(bundle_dir).session(session_id)
    assert session_status(session, datetime.fromisoformat(clock)) == status


@pytest.mark.parametrize(
    ("minutes", "lang", "text"),
    [
        (0.2, "en", "1 min"),
        (45, "en", "45 min"),
        (65, "en", "1 h 5 min"),
        (120, "en", "2 h"),
        (3 * 24 * 60 + 125, "en", "3 d 2 h"),
        (65, "zh", "1小时5分钟"),
    ],
)
def test_format_duration(minutes: float, lang: str, text: str) -> None:
    from toolkit.viewer.sessions import format_duration

    assert format_duration(timedelta(minutes=minutes), lang) == text


def test_session_link_by_status(bundle_dir: Path) -> None:
    session = read_bundle(bundle_dir).session("keynote")
    assert session_link(session, "live") == "https://example.org/live.m3u8"
    assert session_link(session, "replay") == "https://example.org/replay.mp4"
    assert session_link(session, "upcoming") is None


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://example.org/a", True),
        ("http://example.org", True),
        ("HTTPS://EXAMPLE.ORG/", True),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("ftp://example.org/", False),
        ("https://", False),
        ("example.org", False),
    ],
)
def test_open_web_url_schemes(browser_calls: list[str], url: str,
                              allowed: bool) -> None:
    assert is_web_url(url) is allowed
    assert open_web_url(url) is allowed
    assert browser_calls == ([url] if allowed else [])


# -- fonts ----------------------------------------------------------------------


def test_fonts_without_cjk_font_fall_back(monkeypatch: pytest.MonkeyPatch,
                                          session_viewer: Viewer) -> None:
    monkeypatch.setenv(CJK_FONT_VARIABLE, "none")
    fonts = load_fonts()
    assert not fonts.has_cjk
    title = {"zh": "主旨演讲", "en": "Keynote stage"}
    assert choose_text(title, "zh", ("zh", "en"), fonts.main) == "Keynote stage"
    # With no drawable entry the text is kept; Panda3D draws placeholders.
    assert choose_text({"zh": "主旨"}, "zh", ("zh",), fonts.main) == "主旨"


def test_fonts_cjk_font_found(monkeypatch: pytest.MonkeyPatch,
                              session_viewer: Viewer) -> None:
    monkeypatch.delenv(CJK_FONT_VARIABLE, raising=False)
    fonts = load_fonts()
    if not fonts.has_cjk:
        pytest.skip("no CJK font installed (Debian: fonts-wqy-microhei)")
    assert choose_text({"zh": "主旨演讲", "en": "Keynote"}, "zh", ("zh", "en"),
                       fonts.main) == "主旨演讲"


def test_labels_without_cjk_font(monkeypatch: pytest.MonkeyPatch,
                                 viewer: Viewer) -> None:
    monkeypatch.setenv(CJK_FONT_VARIABLE, "none")
    monkeypatch.setattr(viewer, "fonts", load_fonts())
    monkeypatch.setattr(viewer, "lang", "zh")
    keynote = viewer.scene.hotspot("keynote")
    assert viewer._label(keynote) == "Keynote stage"
    assert viewer.ui("close") == "Close"
    viewer.show_scene("hall", "entrance")  # builds every label with this font
    assert render(viewer).std() > 10


# -- rendering ------------------------------------------------------------------


def test_stage_uses_simplepbr_offscreen(viewer: Viewer) -> None:
    if viewer.stage.display != "p3headlessgl":
        pytest.skip(f"offscreen display is {viewer.stage.display}, not EGL")
    assert viewer.stage.lighting == "simplepbr"


def test_lights_use_gltf_intensity(viewer: Viewer) -> None:
    assert viewer.current is not None
    sun = viewer.current.model.find("**/+DirectionalLight")
    assert not sun.is_empty()
    red, green, blue, _ = sun.node().get_color()
    assert (red, green, blue) == pytest.approx((2.5, 2.5, 2.5))


@pytest.mark.parametrize(("scene", "viewpoint"),
                         [("hall", "entrance"), ("hall", "side"), ("garden", "gate")])
def test_camera_at_viewpoint_looks_at_target(viewer: Viewer, scene: str,
                                             viewpoint: str) -> None:
    viewer.show_scene(scene, viewpoint)
    eye, target = VIEWPOINTS[scene][viewpoint]
    camera = viewer.stage.base.camera
    render_root = viewer.stage.base.render
    assert tuple(camera.get_pos(render_root)) == pytest.approx(eye, abs=1e-4)
    forward = render_root.get_relative_vector(camera, LVector3(0, 1, 0))
    direction = LVector3(*target) - LVector3(*eye)
    direction.normalize()
    assert tuple(forward) == pytest.approx(tuple(direction), abs=1e-4)
    up = render_root.get_relative_vector(camera, LVector3(0, 0, 1))
    assert up.z > 0.9
    assert viewer.marker_pixels()  # at least one marker in view
    lens = viewer.stage.base.camLens
    assert lens.get_fov()[1] == pytest.approx(60.0)


def test_marker_pixels_match_projection(viewer: Viewer) -> None:
    pixels = viewer.marker_pixels()
    assert set(pixels) == set(HOTSPOTS["hall"])
    for hotspot_id, position in HOTSPOTS["hall"].items():
        expected = expected_pixel("hall", "entrance", position)
        assert pixels[hotspot_id] == pytest.approx(expected, abs=0.5), hotspot_id


def test_markers_drawn_at_projected_pixels(viewer: Viewer) -> None:
    pixels = render(viewer)
    expected_colors = {"to-garden": MARKER_COLORS["scene"],
                       "to-side": MARKER_COLORS["viewpoint"],
                       "keynote": MARKER_COLORS["live"],
                       "website": MARKER_COLORS["url"]}
    for hotspot_id, pixel in viewer.marker_pixels().items():
        color = expected_colors[hotspot_id]
        assert color_near(pixels, pixel, color), hotspot_id
        # The white ring lies about one disc radius from the centre.
        radius = viewer.markers.radius_px
        ring = (pixel[0] + radius * 1.15, pixel[1])
        assert color_near(pixels, ring, RING_COLOR, radius=2), hotspot_id


def test_overlapping_labels_hidden(viewer: Viewer) -> None:
    from panda3d.core import NodePath

    from toolkit.viewer.markers import Marker, MarkerLayer

    # The camera is at the hall's entrance, looking along +Y.
    layer = MarkerLayer(NodePath("test-markers"), viewer.fonts.main, 12.0)
    layer.show([
        Marker("near", LPoint3(0.0, 2.0, 1.7), (1.0, 0.0, 0.0), "Near"),
        Marker("far", LPoint3(0.0, 6.0, 1.8), (1.0, 0.0, 0.0), "Far behind"),
        Marker("apart", LPoint3(4.0, 6.0, -1.0), (1.0, 0.0, 0.0), "x" * 50),
    ])
    base = viewer.stage.base
    layer.update_view(base.cam, base.camLens, SIZE)
    labels = {hotspot_id: layer.root.find(f"marker-{hotspot_id}/label")
              for hotspot_id in ("near", "far", "apart")}
    assert not labels["near"].is_hidden()
    assert labels["far"].is_hidden()
    assert not labels["apart"].is_hidden()
    text = labels["apart"].find("label-text").node().get_text()
    assert len(text) == 32
    assert text.endswith("…")
    layer.clear()


def test_marker_recoloured_when_session_ends(viewer: Viewer) -> None:
    from toolkit.viewer.viewer import Clock

    original = viewer.clock
    try:
        viewer.clock = Clock(DURING_KEYNOTE + timedelta(hours=2), running=False)
        viewer._refresh_statuses()
        pixels = render(viewer)
        keynote = viewer.marker_pixels()["keynote"]
        assert color_near(pixels, keynote, MARKER_COLORS["replay"])
    finally:
        viewer.clock = original
        viewer._refresh_statuses()


def test_skies_drawn(viewer: Viewer) -> None:
    hall = render(viewer)
    assert hall.std() > 10
    top = hall[2, 2].astype(int)
    near_horizon = hall[SIZE[1] // 2 - 30, 2].astype(int)
    assert near_horizon[0] > 200  # orange horizon (#f2a65a)
    assert top[0] < near_horizon[0]  # towards the dark blue zenith (#1d2b53)
    assert top[2] - top[0] > near_horizon[2] - near_horizon[0]
    viewer.show_scene("garden")
    garden = render(viewer)
    assert color_near(garden, (3, 3), (0x87 / 255, 0xCE / 255, 0xEB / 255), tolerance=3)


@pytest.mark.parametrize(("rotate", "expected"),
                         [(0.0, (0, 0, 255)), (90.0, (0, 255, 0))])
def test_panorama_rotation(viewer: Viewer, tmp_path: Path, rotate: float,
                           expected: tuple[int, int, int]) -> None:
    from toolkit.viewer.bundle_reader import Sky
    from toolkit.viewer.sky import build_sky

    # Four bands by u: red, green, blue, yellow; u = 0.5 faces north.
    bands = np.zeros((32, 64, 3), dtype=np.uint8)
    for index, color in enumerate([(255, 0, 0), (0, 255, 0), (0, 0, 255),
                                   (255, 255, 0)]):
        bands[:, index * 16:(index + 1) * 16] = color
    image_path = tmp_path / "bands.png"
    Image.fromarray(bands).save(image_path)
    viewer.show_scene("garden")
    dome = build_sky(Sky("panorama", {}, image_path, rotate))
    assert dome is not None
    dome.reparent_to(viewer.stage.sky_root)
    try:
        camera = viewer.stage.base.camera
        camera.set_pos(0, 0, 0)
        camera.set_hpr(-45, 0, 0)  # north-east, level
        pixels = render(viewer)
    finally:
        dome.remove_node()
    # North-east is u = 0.625 (blue); turned 90 degrees clockwise it shows
    # what lay 90 degrees anticlockwise of it, u = 0.375 (green).
    color = tuple(c / 255 for c in expected)
    assert color_near(pixels, (SIZE[0] / 2, SIZE[1] / 2 - 60), color, tolerance=20)


# -- picking and panels ---------------------------------------------------------


def test_click_marker_opens_panel(viewer: Viewer) -> None:
    pixel = viewer.marker_pixels()["keynote"]
    assert viewer.click(pixel) == "keynote"
    assert viewer.panel.is_open
    content = viewer.panel.content
    assert content is not None
    assert content.title == "Keynote stage"
    assert content.description == "The opening keynote."
    assert "Live now" in content.details


def test_click_beside_markers_opens_nothing(viewer: Viewer) -> None:
    assert viewer.click((5.0, 5.0)) is None
    assert not viewer.panel.is_open


def test_scene_hotspot_switches_scene(viewer: Viewer) -> None:
    assert viewer.click(viewer.marker_pixels()["to-garden"]) == "to-garden"
    viewer.panel.press("Go to Garden")
    assert viewer.scene.id == "garden"
    assert viewer.viewpoint_id == "gate"
    assert not viewer.panel.is_open
    assert viewer.markers.hotspot_ids == ["back"]


def test_viewpoint_hotspot_flies_camera(viewer: Viewer) -> None:
    viewer.click(viewer.marker_pixels()["to-side"])
    viewer.panel.press("Go to Side")
    assert viewer.rig.flying
    for _ in range(200):
        viewer.rig.update(0.05)
    assert not viewer.rig.flying
    eye, _ = VIEWPOINTS["hall"]["side"]
    assert tuple(viewer.stage.base.camera.get_pos()) == pytest.approx(eye, abs=1e-4)


def test_session_hotspot_opens_stream(viewer: Viewer, browser_calls: list[str]) -> None:
    viewer.click(viewer.marker_pixels()["keynote"])
    viewer.panel.press("Watch live")
    assert browser_calls == ["https://example.org/live.m3u8"]


def test_session_hotspot_after_end_opens_replay(viewer: Viewer,
                                                browser_calls: list[str]) -> None:
    from toolkit.viewer.viewer import Clock

    original = viewer.clock
    try:
        viewer.clock = Clock(DURING_KEYNOTE + timedelta(days=1), running=False)
        viewer.open_hotspot("keynote")
        content = viewer.panel.content
        assert content is not None
        assert "Ended, replay available" in content.details
        viewer.panel.press("Watch replay")
    finally:
        viewer.clock = original
    assert browser_calls == ["https://example.org/replay.mp4"]


def test_session_hotspot_before_start(viewer: Viewer,
                                      browser_calls: list[str]) -> None:
    from toolkit.viewer.viewer import Clock

    original = viewer.clock
    try:
        viewer.clock = Clock(DURING_KEYNOTE - timedelta(hours=1), running=False)
        viewer.open_hotspot("keynote")
    finally:
        viewer.clock = original
    content = viewer.panel.content
    assert content is not None
    assert "Upcoming" in content.details
    assert "Starts in 30 min" in content.details
    assert [button.label for button in content.buttons] == ["Add to calendar"]
    assert browser_calls == []


def test_url_hotspot_opens_link(viewer: Viewer, browser_calls: list[str]) -> None:
    viewer.click(viewer.marker_pixels()["website"])
    viewer.panel.press("Open link")
    assert browser_calls == ["https://example.org/"]


def test_escape_closes_panel_then_help(viewer: Viewer) -> None:
    viewer.open_hotspot("website")
    viewer.hud.toggle_help()
    viewer.escape()
    assert not viewer.panel.is_open
    assert viewer.hud.help_visible
    viewer.escape()
    assert not viewer.hud.help_visible


# -- camera and tours -------------------------------------------------------------


def test_orbit_keeps_distance_to_target(viewer: Viewer) -> None:
    rig = viewer.rig
    target = LPoint3(rig.target)
    rig.orbit(40.0, -15.0)
    camera_pos = viewer.stage.base.camera.get_pos()
    assert (camera_pos - target).length() == pytest.approx(rig.distance, abs=1e-3)
    rig.zoom(0.5)
    assert (viewer.stage.base.camera.get_pos() - target).length() == pytest.approx(
        rig.distance, abs=1e-3)


def test_walk_mode_keeps_eye_height(viewer: Viewer) -> None:
    rig = viewer.rig
    assert rig.toggle_mode() == "walk"
    height = viewer.stage.base.camera.get_z()
    rig.look(30.0, -10.0)
    rig.walk(1.0, 0.5, dt=1.0)
    assert viewer.stage.base.camera.get_z() == pytest.approx(height)
    start = LPoint3(VIEWPOINTS["hall"]["entrance"][0])
    assert (viewer.stage.base.camera.get_pos() - start).length() > 2.0


def test_tour_plays_stops_in_order(viewer: Viewer) -> None:
    assert viewer.toggle_tour()
    assert viewer.hud.caption_text == "The side view"
    seen: list[tuple[int, str, str | None]] = []
    for _ in range(200):  # 10 s of 50 ms frames; the tour takes about 3.5 s
        viewer.rig.update(0.05)
        viewer.tours.update(0.05)
        content = viewer.panel.content
        state = (viewer.tours.index, viewer.hud.caption_text,
                 content.hotspot_id if content else None)
        if not seen or seen[-1] != state:
            seen.append(state)
        if not viewer.tours.playing:
            break
    assert seen == [
        (0, "The side view", None),
        (1, "The keynote stage", None),
        (1, "The keynote stage", "keynote"),  # panel opens on arrival
        (1, "", None),  # finished: caption and panel closed
    ]
    eye, _ = VIEWPOINTS["hall"]["side"]
    assert tuple(viewer.stage.base.camera.get_pos()) == pytest.approx(eye, abs=1e-4)
    keynote = viewer.marker_pixels()["keynote"]
    assert keynote == pytest.approx((SIZE[0] / 2, SIZE[1] / 2), abs=1.0)


def test_escape_stops_tour(viewer: Viewer) -> None:
    viewer.toggle_tour()
    viewer.escape()
    assert not viewer.tours.playing


def test_help_lists_every_key_in_docs() -> None:
    from toolkit.viewer.hud import KEY_HELP

    docs = (REPO / "docs" / "viewer.md").read_text(encoding="utf-8")
    for key, _ in KEY_HELP:
        assert key in docs, key


# -- public functions in a fresh process ----------------------------------------

_SNAPSHOT_SCRIPT = """
import json, sys
from datetime import datetime
from pathlib import Path
from toolkit.viewer import marker_pixels, snapshot
bundle, out = Path(sys.argv[1]), Path(sys.argv[2])
at = datetime.fromisoformat("2020-06-22T10:00:00+08:00")
paths = snapshot(bundle, out, lang="zh", size=(480, 270), at=at)
pixels = marker_pixels(bundle, "hall", "entrance", size=(480, 270))
print(json.dumps({"paths": [str(p) for p in paths], "pixels": pixels}))
"""

_FALLBACK_SCRIPT = """
import logging
from toolkit.viewer.stage import StageOptions, open_stage
logging.basicConfig(level=logging.WARNING)
stage = open_stage(StageOptions(size=(64, 48), displays=("p3nosuchdisplay",
                                                          "p3tinydisplay")))
stage.render_frame()
print("display", stage.display, stage.lighting)
stage.close()
"""


def _run_python(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                          text=True, timeout=120, env=env, check=False)


def test_snapshot_writes_every_viewpoint(bundle_dir: Path, tmp_path: Path) -> None:
    result = _run_python(_SNAPSHOT_SCRIPT, str(bundle_dir), str(tmp_path))
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    expected = [tmp_path / "hall" / "entrance.png", tmp_path / "hall" / "side.png",
                tmp_path / "garden" / "gate.png"]
    assert [Path(p) for p in report["paths"]] == expected
    for path in expected:
        image = np.asarray(Image.open(path).convert("RGB"))
        assert image.shape == (270, 480, 3)
        assert image.std() > 10, path  # not blank
    entrance = np.asarray(Image.open(expected[0]).convert("RGB"))
    assert color_near(entrance, report["pixels"]["keynote"], MARKER_COLORS["live"])
    assert color_near(entrance, report["pixels"]["to-garden"], MARKER_COLORS["scene"])


def test_offscreen_display_fallback() -> None:
    result = _run_python(_FALLBACK_SCRIPT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "display p3tinydisplay fixed-function" in result.stdout
    assert "trying p3tinydisplay" in result.stderr


def test_open_stage_rejects_second_showbase(session_viewer: Viewer) -> None:
    from toolkit.viewer.stage import StageOptions, open_stage

    with pytest.raises(ViewerError, match="already open"):
        open_stage(StageOptions(size=(64, 48)))
