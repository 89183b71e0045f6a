"""Tests of the viewer's designer mode and of `venue view --watch`.

The venue is built by the real compiler: a floor and one box of known size
and position. One offscreen viewer serves every test, because Panda3D
allows one ShowBase per process; the watch test runs last, as it edits the
project. The clipboard is a fake `xclip` script on PATH.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("panda3d")
pytest.importorskip("gltf")

from panda3d.core import LPoint3, LVector3  # noqa: E402

from conftest import write_project  # noqa: E402
from toolkit.bundle import prepare_bundle, write_bundle  # noqa: E402
from toolkit.cli import main  # noqa: E402
from toolkit.errors import EXIT_USAGE  # noqa: E402
from toolkit.load import load_venue  # noqa: E402
from toolkit.source import parse_yaml  # noqa: E402
from toolkit.viewer import LiveReload, WatchOptions, offscreen_viewer  # noqa: E402
from toolkit.viewer.bundle_reader import read_bundle  # noqa: E402
from toolkit.viewer.camera import Pose, look_rotation  # noqa: E402
from toolkit.viewer.picking import SurfacePicker  # noqa: E402
from toolkit.viewer.problems import problem_lines  # noqa: E402
from toolkit.viewer.snapshot import render_viewpoints  # noqa: E402
from toolkit.viewer.snippets import (  # noqa: E402
    hotspot_snippet,
    next_id,
    viewpoint_snippet,
    yaml_number,
)
from toolkit.viewer.viewer import Viewer  # noqa: E402

SIZE = (320, 180)
# The box: 4 m along x, 2 m along y, 3 m high, its base centred on (2, 10, 0),
# so it spans x 0..4, y 9..11, z 0..3.
BOX_CENTER = (2.0, 10.0, 0.0)
BOX_SIZE = (4.0, 2.0, 3.0)
HOTSPOT_TITLE = "title: {zh: 信息, en: Info}"

VENUE = """\
venue: designer-test
title: {zh: 布置测试, en: Placement test}
languages: [zh, en]
timezone: Asia/Shanghai
scenes: [hall, garden]
"""

HALL = f"""\
scene: hall
title: {{zh: 大厅, en: Hall}}
objects:
  - id: floor
    plane: {{size: [40, 40]}}
  - id: block
    box: {{size: [{BOX_SIZE[0]:g}, {BOX_SIZE[1]:g}, {BOX_SIZE[2]:g}]}}
    material: {{color: "#2f6fb3"}}
    at: [{BOX_CENTER[0]:g}, {BOX_CENTER[1]:g}, {BOX_CENTER[2]:g}]
hotspots:
  - id: info
    at: [-3, 5, 2]
    {HOTSPOT_TITLE}
    url: https://example.org/info
viewpoints:
  - {{id: entrance, at: [2, 0, 1.5], look_at: [2, 10, 1.5]}}
  - {{id: above, at: [2, 4, 12], look_at: [2, 10, 3]}}
"""

GARDEN = """\
scene: garden
title: Garden
objects:
  - id: lawn
    plane: {size: [20, 20]}
viewpoints:
  - {id: gate, at: [0, -8, 1.7], look_at: [0, 0, 1]}
"""

FILES = {"venues/test.yaml": VENUE, "scenes/hall.yaml": HALL,
         "scenes/garden.yaml": GARDEN}


# -- fixtures -------------------------------------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test project; returns its venue file."""
    return write_project(tmp_path_factory.mktemp("project"), FILES)


@pytest.fixture(scope="module")
def session_viewer(project: Path, tmp_path_factory: pytest.TempPathFactory
                   ) -> Iterator[Viewer]:
    bundle_dir = tmp_path_factory.mktemp("build") / "bundle"
    write_bundle(prepare_bundle(load_venue(project)), bundle_dir)
    with offscreen_viewer(bundle_dir, lang="en", size=SIZE) as viewer:
        yield viewer


@pytest.fixture()
def viewer(session_viewer: Viewer) -> Viewer:
    """The shared viewer at the hall's entrance, designer mode off."""
    session_viewer.designer.set_active(False)
    session_viewer.designer.engine = None
    session_viewer.designer.snippets_file = None
    session_viewer.designer._copied.clear()  # ids start again at new-hotspot
    session_viewer.show_scene("hall", "entrance")
    return session_viewer


@pytest.fixture()
def fake_xclip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Put an `xclip` on PATH that writes its input to a file; return that file."""
    folder = tmp_path / "bin"
    folder.mkdir()
    received = tmp_path / "clipboard.txt"
    script = folder / "xclip"
    script.write_text(f"#!/bin/sh\ncat > '{received}'\n", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    return received


@pytest.fixture()
def no_clipboard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Leave no clipboard tool on PATH."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)


# -- helpers --------------------------------------------------------------------


def place_camera(viewer: Viewer, eye: tuple[float, float, float],
                 target: tuple[float, float, float]) -> None:
    direction = LVector3(*target) - LVector3(*eye)
    viewer.rig.place(Pose(LPoint3(*eye), look_rotation(direction)), direction.length())


def focal_px(viewer: Viewer) -> float:
    """The lens's focal length in pixels, from its vertical field of view."""
    fov = viewer.stage.base.camLens.get_fov()[1]
    return (SIZE[1] / 2) / math.tan(math.radians(fov) / 2)


def center() -> tuple[float, float]:
    return (SIZE[0] / 2, SIZE[1] / 2)


def run_until(viewer: Viewer, done: Callable[[], bool], timeout: float = 20.0) -> None:
    """Draw frames until `done()`, failing after `timeout` seconds."""
    started = time.monotonic()
    while not done():
        assert time.monotonic() - started < timeout, "timed out"
        viewer.stage.render_frame()
        time.sleep(0.01)


def render(viewer: Viewer) -> np.ndarray:
    """Draw one frame and return it as an (height, width, 3) array, top row first."""
    viewer.stage.render_frame()
    texture = viewer.stage.base.win.get_screenshot()
    data = bytes(texture.get_ram_image_as("RGB"))
    pixels = np.frombuffer(data, np.uint8)
    return pixels.reshape(texture.get_y_size(), texture.get_x_size(), 3)[::-1]


# -- picking --------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["bullet", "collision"])
def test_pick_front_face_at_offset_pixel(viewer: Viewer, engine: str) -> None:
    viewer.designer.engine = engine  # type: ignore[assignment]
    viewer.designer.forget_scenes()
    place_camera(viewer, (2.0, 0.0, 1.5), (2.0, 10.0, 1.5))
    dx, dy = 20.0, -15.0  # pixels right and down of the centre
    hit = viewer.designer.surface_at((center()[0] + dx, center()[1] + dy))
    assert hit is not None
    # The ray through that pixel reaches the front face (y = 9) after 9 m
    # along the view direction, which is +y.
    depth = 9.0
    expected = (2.0 + depth * dx / focal_px(viewer), 9.0,
                1.5 - depth * dy / focal_px(viewer))
    assert hit.point == pytest.approx(expected, abs=1e-2)
    assert hit.normal == pytest.approx((0.0, -1.0, 0.0), abs=1e-4)
    assert hit.owner == "block"


@pytest.mark.parametrize("engine", ["bullet", "collision"])
def test_pick_top_face_from_viewpoint(viewer: Viewer, engine: str) -> None:
    viewer.designer.engine = engine  # type: ignore[assignment]
    viewer.designer.forget_scenes()
    viewer.go_to_viewpoint("above", fly=False)
    hit = viewer.designer.surface_at(center())
    assert hit is not None
    assert hit.point == pytest.approx((2.0, 10.0, 3.0), abs=1e-2)
    assert hit.normal == pytest.approx((0.0, 0.0, 1.0), abs=1e-4)


def test_pick_floor_and_sky(viewer: Viewer) -> None:
    place_camera(viewer, (-10.0, -10.0, 5.0), (-10.0, -5.0, 0.0))
    floor = viewer.designer.surface_at(center())
    assert floor is not None
    assert floor.point == pytest.approx((-10.0, -5.0, 0.0), abs=1e-2)
    assert floor.normal == pytest.approx((0.0, 0.0, 1.0), abs=1e-4)
    assert floor.owner == "floor"
    place_camera(viewer, (0.0, 0.0, 2.0), (0.0, 10.0, 20.0))
    assert viewer.designer.surface_at(center()) is None


def test_picker_matches_between_engines(viewer: Viewer) -> None:
    model = viewer.scenes.get("hall").model
    bullet = SurfacePicker(model, "bullet")
    collision = SurfacePicker(model, "collision")
    try:
        assert bullet.triangles == collision.triangles
        for start, end in [((1, -5, 2), (3, 20, 1)), ((2, 10, 10), (2.5, 10.2, -1)),
                           ((-5, 0, 1), (3, 12, 1)), ((-8, -8, 6), (0, 0, -2))]:
            first = bullet.cast(LPoint3(*start), LPoint3(*end))
            second = collision.cast(LPoint3(*start), LPoint3(*end))
            assert first is not None
            assert second is not None
            assert first.point == pytest.approx(second.point, abs=1e-3)
            assert first.normal == pytest.approx(second.normal, abs=1e-3)
            assert first.owner == second.owner
    finally:
        bullet.destroy()
        collision.destroy()


# -- designer mode in the window ---------------------------------------------------


def test_designer_mode_shows_point_and_crosshair(viewer: Viewer) -> None:
    place_camera(viewer, (2.0, 0.0, 1.5), (2.0, 10.0, 1.5))
    viewer.designer.set_active(True)
    hit = viewer.designer.hover(center())
    assert hit is not None
    assert viewer.designer.hud_text == ("Point [2, 9, 1.5]  normal [0, -1, 0]  "
                                        "on block")
    assert viewer.designer.hud_text in viewer.designer.panel_text
    assert "Designer" in viewer.hud.status_text
    pixels = render(viewer)
    # The ring (12 px radius, yellow) is drawn over the blue box.
    ring = pixels[int(center()[1]), int(center()[0]) + 12]
    assert ring[0] > 200
    assert ring[1] > 170
    assert ring[2] < 80

    viewer.designer.hover(None)
    assert viewer.designer.hit is None
    assert "No surface under the cursor" in viewer.designer.panel_text
    viewer.designer.set_active(False)
    assert viewer.designer._crosshair.is_hidden()
    assert "Designer" not in viewer.hud.status_text


def test_designer_follows_camera_moves(viewer: Viewer) -> None:
    viewer.designer.set_active(True)
    place_camera(viewer, (2.0, 0.0, 1.5), (2.0, 10.0, 1.5))
    viewer.designer.hover(center())
    place_camera(viewer, (2.0, 4.0, 12.0), (2.0, 10.0, 3.0))
    viewer.stage.render_frame()
    hit = viewer.designer.hit
    assert hit is not None
    assert hit.point == pytest.approx((2.0, 10.0, 3.0), abs=1e-2)


def test_designer_keys(viewer: Viewer, no_clipboard: None,
                       capsys: pytest.CaptureFixture[str]) -> None:
    from toolkit.viewer.controls import Controls

    place_camera(viewer, (2.0, 0.0, 1.5), (2.0, 10.0, 1.5))
    messenger = viewer.stage.base.messenger
    controls = Controls(viewer)
    try:
        messenger.send("c")  # outside designer mode: nothing
        assert viewer.designer.last_snippet is None
        messenger.send("p")
        assert viewer.designer.active
        viewer.designer.hover(center())
        messenger.send("c")
        hotspot = viewer.designer.last_snippet
        assert hotspot is not None
        assert hotspot.startswith("- id: new-hotspot\n")
        messenger.send("v")
        viewpoint = viewer.designer.last_snippet
        assert viewpoint is not None
        assert viewpoint.startswith("- id: new-viewpoint\n")
        messenger.send("f2")
        assert not viewer.designer.active
    finally:
        controls.destroy()
    printed = capsys.readouterr().out
    assert "# scene hall, under hotspots:\n" + hotspot in printed
    assert "# scene hall, under viewpoints:\n" + viewpoint in printed


def test_snapshots_leave_designer_mode(viewer: Viewer, tmp_path: Path) -> None:
    viewer.designer.set_active(True)
    viewer.designer.hover(center())
    paths = render_viewpoints(viewer, tmp_path / "shots")
    assert len(paths) == 3
    assert not viewer.designer.active
    assert viewer.designer._crosshair.is_hidden()


# -- snippets -------------------------------------------------------------------


def test_hotspot_snippet_parses_exactly(viewer: Viewer, fake_xclip: Path) -> None:
    place_camera(viewer, (2.0, 0.0, 1.5), (2.0, 10.0, 1.5))
    viewer.designer.set_active(True)
    viewer.designer.hover(center())
    snippet = viewer.designer.copy_hotspot()
    assert snippet is not None
    assert fake_xclip.read_text(encoding="utf-8") == snippet
    assert "Copied to the clipboard (xclip)" in viewer.designer.panel_text
    document = parse_yaml(snippet, Path("snippet.yaml"))
    # 0.3 m out of the front face (y = 9), along its normal (0, -1, 0).
    assert document.value == [{
        "id": "new-hotspot",
        "at": [2, 8.7, 1.5],
        "title": {"zh": "新热点", "en": "New hotspot"},
        "url": "https://example.org/",
    }]


def test_second_hotspot_gets_new_id(viewer: Viewer, no_clipboard: None) -> None:
    place_camera(viewer, (2.0, 0.0, 1.5), (2.0, 10.0, 1.5))
    first = viewer.designer.copy_hotspot(center())
    second = viewer.designer.copy_hotspot(center())
    assert first is not None
    assert second is not None
    first_id = parse_yaml(first, Path("a.yaml")).value[0]["id"]
    second_id = parse_yaml(second, Path("b.yaml")).value[0]["id"]
    assert second_id != first_id
    assert second_id.startswith("new-hotspot-")


def test_viewpoint_snippet_parses_exactly(viewer: Viewer, no_clipboard: None) -> None:
    place_camera(viewer, (1.25, -2.5, 1.75), (2.0, 9.0, 1.5))
    viewer.designer.set_active(True)
    viewer.designer.hover(center())
    snippet = viewer.designer.copy_viewpoint()
    assert "No clipboard tool" in viewer.designer.panel_text
    document = parse_yaml(snippet, Path("snippet.yaml"))
    assert document.value == [{
        "id": "new-viewpoint",
        "at": [1.25, -2.5, 1.75],
        "look_at": [2, 9, 1.5],
        "title": {"zh": "新视点", "en": "New viewpoint"},
    }]


def test_viewpoint_without_surface_looks_along_ray(viewer: Viewer,
                                                   no_clipboard: None) -> None:
    place_camera(viewer, (0.0, 0.0, 2.0), (0.0, 10.0, 12.0))  # at the sky
    snippet = viewer.designer.copy_viewpoint(center())
    item = parse_yaml(snippet, Path("snippet.yaml")).value[0]
    distance = viewer.rig.distance
    expected = (0.0, distance / math.sqrt(2), 2.0 + distance / math.sqrt(2))
    assert item["look_at"] == pytest.approx(expected, abs=0.01)


def test_snippets_file_and_scene_validates(viewer: Viewer, no_clipboard: None,
                                           project: Path, tmp_path: Path) -> None:
    snippets_file = tmp_path / "snippets.yaml"
    viewer.designer.snippets_file = snippets_file
    place_camera(viewer, (2.0, 0.0, 1.5), (2.0, 10.0, 1.5))
    hotspot = viewer.designer.copy_hotspot(center())
    viewpoint = viewer.designer.copy_viewpoint(center())
    assert hotspot is not None
    assert f"Appended to {snippets_file}" in viewer.designer.panel_text
    saved = parse_yaml(snippets_file.read_text(encoding="utf-8"), snippets_file)
    assert [item["id"] for item in saved.value] == ["new-hotspot", "new-viewpoint"]

    # Pasted under the scene's lists, the snippets build.
    copy = write_project(tmp_path / "copy", FILES)
    scene_file = copy.parent.parent / "scenes" / "hall.yaml"

    def indented(snippet: str) -> str:
        return "".join("  " + line + "\n" for line in snippet.splitlines())

    text = scene_file.read_text(encoding="utf-8")
    text = text.replace("hotspots:\n", "hotspots:\n" + indented(hotspot))
    text = text.replace("viewpoints:\n", "viewpoints:\n" + indented(viewpoint))
    scene_file.write_text(text, encoding="utf-8")
    venue = load_venue(copy)
    prepare_bundle(venue)
    hall = venue.scenes[0]
    assert [hotspot.id for hotspot in hall.hotspots] == ["new-hotspot", "info"]
    assert hall.hotspots[0].at == pytest.approx((2.0, 8.7, 1.5))
    assert [viewpoint.id for viewpoint in hall.viewpoints][0] == "new-viewpoint"


def test_unwritable_snippets_file(viewer: Viewer, no_clipboard: None,
                                  tmp_path: Path) -> None:
    viewer.designer.snippets_file = tmp_path / "missing" / "snippets.yaml"
    place_camera(viewer, (2.0, 0.0, 1.5), (2.0, 10.0, 1.5))
    assert viewer.designer.copy_hotspot(center()) is not None
    assert "Could not append to" in viewer.designer.panel_text


@pytest.mark.parametrize(("value", "text"), [
    (12.5, "12.5"), (-3.204, "-3.2"), (1.0, "1"), (-0.001, "0"), (2.675, "2.68"),
    (100.0, "100"), (0.1 + 0.2, "0.3"), (0.125, "0.13"), (-0.125, "-0.12"),
])
def test_yaml_number(value: float, text: str) -> None:
    assert yaml_number(value) == text


def test_snippet_titles_follow_languages() -> None:
    hotspot = hotspot_snippet("a", (0, 0, 0), (0, 0, 1), ("en", "fr"))
    assert "title: {en: New hotspot, fr: New hotspot}" in hotspot
    viewpoint = viewpoint_snippet("b", (0, 0, 1), (0, 5, 1), ("zh",), fov=45)
    item = parse_yaml(viewpoint, Path("v.yaml")).value[0]
    assert item["title"] == {"zh": "新视点"}
    assert item["fov"] == 45


def test_next_id() -> None:
    assert next_id("new-hotspot", set()) == "new-hotspot"
    assert next_id("new-hotspot", {"new-hotspot", "new-hotspot-2"}) == "new-hotspot-3"


# -- problem overlay text -------------------------------------------------------


def test_problem_lines_caret_under_column() -> None:
    report = [{"location": "scenes/hall.yaml:3:9", "message": "bad", "line": 3,
               "column": 9, "source": "    at: [0, 5, high]"},
              {"location": "", "message": "no place", "line": 0, "column": 0,
               "source": None}]
    assert problem_lines(report) == [
        "scenes/hall.yaml:3:9: bad",
        "3 |     at: [0, 5, high]",
        "            ^",
        "no place",
    ]


def test_problem_lines_cut_long_source() -> None:
    source = "x" * 150 + "ERR" + "y" * 150
    lines = problem_lines([{"location": "f:1:151", "message": "m", "line": 1,
                            "column": 151, "source": source}])
    assert len(lines[1]) < 120
    assert lines[1][lines[2].index("^")] == "E"


# -- the command line -----------------------------------------------------------


@pytest.fixture()
def restore_logging() -> Iterator[None]:
    """Undo the log handlers that `main` installs on the captured stderr."""
    root, toolkit = logging.getLogger(), logging.getLogger("toolkit")
    handlers, levels = list(root.handlers), (root.level, toolkit.level)
    yield
    root.handlers[:] = handlers
    root.setLevel(levels[0])
    toolkit.setLevel(levels[1])


def test_cli_watch_needs_venue_file(tmp_path: Path, restore_logging: None,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "tour.json").write_text("{}", encoding="utf-8")
    assert main(["view", str(tmp_path), "--watch"]) == EXIT_USAGE
    assert "--watch needs a venue file" in capsys.readouterr().err


def test_cli_parses_watch_and_snippets() -> None:
    from toolkit.cli import _parser

    args = _parser().parse_args(["view", "v.yaml", "--watch", "--snippets", "s.yaml"])
    assert args.watch
    assert args.snippets == Path("s.yaml")
    args = _parser().parse_args(["view", "v.yaml"])
    assert not args.watch
    assert args.snippets is None


# -- reloading and --watch (edits the project, so it runs last) -------------------


def test_reload_without_current_scene(viewer: Viewer, tmp_path: Path) -> None:
    files = dict(FILES, **{"venues/test.yaml": VENUE.replace("[hall, garden]",
                                                             "[hall]")})
    venue = write_project(tmp_path / "hall-only", files)
    write_bundle(prepare_bundle(load_venue(venue)), tmp_path / "bundle")
    original = viewer.bundle
    viewer.show_scene("garden")
    try:
        viewer.reload(read_bundle(tmp_path / "bundle"))
        assert viewer.scene.id == "hall"
        assert viewer.viewpoint_id == "entrance"
        assert [scene.id for scene in viewer.bundle.scenes] == ["hall"]
    finally:
        viewer.reload(original)
    assert viewer.scene.id == "hall"


def test_watch_reloads_shows_and_clears_problems(viewer: Viewer, project: Path,
                                                 tmp_path: Path) -> None:
    scene_file = project.parent.parent / "scenes" / "hall.yaml"
    original = scene_file.read_text(encoding="utf-8")
    live = LiveReload(viewer, WatchOptions(project, interval=0.1,
                                           cache_dir=tmp_path / "cache"))
    live.start()
    try:
        place_camera(viewer, (5.0, -3.0, 4.0), (2.0, 10.0, 1.0))
        viewer.go_to_viewpoint("above", fly=False)
        place_camera(viewer, (5.0, -3.0, 4.0), (2.0, 10.0, 1.0))
        viewer.open_hotspot("info")
        pose = viewer.rig.pose
        assert "Watching files" in viewer.hud.status_text

        # An edit: the hotspot's new title shows, the camera stays put.
        time.sleep(0.05)  # a new modification time even on coarse clocks
        scene_file.write_text(original.replace("en: Info", "en: Information desk"),
                              encoding="utf-8")
        run_until(viewer, lambda: live.reloads == 1)
        assert viewer.scene.id == "hall"
        assert viewer.viewpoint_id == "above"
        assert viewer.scene.hotspot("info").title["en"] == "Information desk"
        assert viewer.panel.content is not None
        assert viewer.panel.content.title == "Information desk"
        assert tuple(viewer.rig.pose.position) == pytest.approx(tuple(pose.position),
                                                                abs=1e-4)
        assert viewer.rig.pose.rotation.is_same_direction(pose.rotation)
        first_build = viewer.bundle.root
        assert first_build.is_relative_to(live.work_dir.resolve())
        place_camera(viewer, (2.0, 0.0, 1.5), (2.0, 10.0, 1.5))
        hit = viewer.designer.surface_at(center())  # picks in the reloaded model
        assert hit is not None
        assert hit.point == pytest.approx((2.0, 9.0, 1.5), abs=1e-2)
        place_camera(viewer, (5.0, -3.0, 4.0), (2.0, 10.0, 1.0))

        # A mistake: the overlay names file, line and column with a caret.
        broken = original.replace("at: [-3, 5, 2]", "at: [-3, 5, high]")
        scene_file.write_text(broken, encoding="utf-8")
        run_until(viewer, lambda: live.overlay.visible)
        lines = live.overlay.lines
        line_number = broken.splitlines().index("    at: [-3, 5, high]") + 1
        column = "    at: [-3, 5, high]".index("high") + 1
        assert lines[0].startswith(f"{scene_file}:{line_number}:{column}: ")
        assert lines[1] == f"{line_number} |     at: [-3, 5, high]"
        assert lines[2] == " " * (len(f"{line_number} | ") + column - 1) + "^"
        assert "Problems: 1" in viewer.hud.status_text
        assert viewer.scene.hotspot("info").title["en"] == "Information desk"

        # Fixed: the overlay goes, the scene reloads again.
        scene_file.write_text(original, encoding="utf-8")
        run_until(viewer, lambda: live.reloads == 2)
        assert not live.overlay.visible
        assert live.overlay.lines == []
        assert viewer.scene.hotspot("info").title["en"] == "Info"
        assert "Watching files" in viewer.hud.status_text
        run_until(viewer, lambda: not first_build.exists())
    finally:
        live.stop()
        scene_file.write_text(original, encoding="utf-8")
    assert not live.work_dir.exists()
    assert "Watching files" not in viewer.hud.status_text
