"""Tests of the viewer's live features: screens, session panels, clock and feed.

The venue is built by the real compiler with one screen on channel `main`.
PyAV makes two short clips in the test, one solid colour each: an HLS
stream (the live session) and an MP4 file (its replay, inside the bundle).
An HTTP server on 127.0.0.1 serves the stream and the status feed. One
offscreen viewer with video and the feed on serves the tests; each sets
its clock. Nothing here reaches a host other than loopback.
"""

from __future__ import annotations

import fractions
import functools
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest

pytest.importorskip("panda3d")
pytest.importorskip("gltf")
av = pytest.importorskip("av")

from icalendar import Calendar  # noqa: E402
from PIL import Image  # noqa: E402

from conftest import FILES, write_project  # noqa: E402
from toolkit.bundle import prepare_bundle, write_bundle  # noqa: E402
from toolkit.errors import ViewerError  # noqa: E402
from toolkit.load import load_venue  # noqa: E402
from toolkit.sessions import Override  # noqa: E402
from toolkit.viewer import LiveOptions, offscreen_viewer  # noqa: E402
from toolkit.viewer.bundle_reader import read_bundle  # noqa: E402
from toolkit.viewer.calendar import default_downloads  # noqa: E402
from toolkit.viewer.clock import Clock  # noqa: E402
from toolkit.viewer.markers import MARKER_COLORS  # noqa: E402
from toolkit.viewer.posters import BACKGROUND  # noqa: E402
from toolkit.viewer.screens import choose_content  # noqa: E402
from toolkit.viewer.sessions import (  # noqa: E402
    format_session_time,
    localize_start,
    zone_name,
)
from toolkit.viewer.video import (  # noqa: E402
    VideoOptions,
    VideoPlayer,
    resolve_source,
)
from toolkit.viewer.viewer import Viewer  # noqa: E402

SIZE = (320, 180)
SHANGHAI = timezone(timedelta(hours=8))
LIVE_RGB = (40, 200, 60)  # the HLS stream's colour
REPLAY_RGB = (40, 80, 220)  # the MP4 replay's colour
POSTER_RGB = (230, 120, 20)  # the opening's poster image
CLIP_SIZE = (160, 96)
VISITOR_ZONE = ZoneInfo("Europe/Berlin")
VIDEO = VideoOptions(open_timeout=2.0, read_timeout=2.0, retry_delay=30.0)

# Times on 2020-06-22 in the venue's timezone (Asia/Shanghai). The opening
# runs 09:30-10:30 and has a poster, a stream and a replay file. The keynote
# runs 11:00-12:00 and has only a stream, which returns 404.
BEFORE_OPENING = "09:15"
DURING_OPENING = "09:45"
BEFORE_KEYNOTE = "10:45"
DURING_KEYNOTE = "11:30"
AFTER_ALL = "12:30"


def venue_time(clock: str) -> datetime:
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime(2020, 6, 22, hours, minutes, tzinfo=SHANGHAI)


# -- clips and the server -------------------------------------------------------


def _encode(path: Path, color: tuple[int, int, int], container_format: str | None,
            options: dict[str, str] | None = None, fps: int = 15,
            size: tuple[int, int] = CLIP_SIZE, seconds: int = 1) -> None:
    """Encode a solid colour; H.264 where the wheel has it."""
    codec = "libx264" if "libx264" in av.codecs_available else "mpeg4"
    output = av.open(str(path), "w", format=container_format, options=options or {})
    stream = output.add_stream(codec, rate=fps)
    stream.width, stream.height = size
    stream.pix_fmt = "yuv420p"
    if codec == "libx264":
        stream.options = {"preset": "ultrafast", "g": str(fps // 2)}
    pixels = np.zeros((size[1], size[0], 3), np.uint8)
    pixels[:] = color
    for index in range(fps * seconds):
        frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
        frame.pts = index
        frame.time_base = fractions.Fraction(1, fps)
        for packet in stream.encode(frame):
            output.mux(packet)
    for packet in stream.encode():
        output.mux(packet)
    output.close()


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with `replay.mp4`, the HLS stream `live/live.m3u8`, and
    `multi/master.m3u8`, a stream in two variants of two seconds each."""
    folder = tmp_path_factory.mktemp("clips")
    _encode(folder / "replay.mp4", REPLAY_RGB, None)
    (folder / "live").mkdir()
    _encode(folder / "live" / "live.m3u8", LIVE_RGB, "hls", _hls_options(
        folder / "live"))
    variants = {"low": ((160, 96), REPLAY_RGB), "high": ((320, 192), LIVE_RGB)}
    master = ["#EXTM3U"]
    for name, (size, color) in variants.items():
        (folder / "multi" / name).mkdir(parents=True)
        _encode(folder / "multi" / name / "v.m3u8", color, "hls",
                _hls_options(folder / "multi" / name), size=size, seconds=2)
        master += [f"#EXT-X-STREAM-INF:BANDWIDTH={size[0] * 1000},"
                   f"RESOLUTION={size[0]}x{size[1]}", f"{name}/v.m3u8"]
    (folder / "multi" / "master.m3u8").write_text("\n".join(master) + "\n",
                                                  encoding="utf-8")
    return folder


def _hls_options(folder: Path) -> dict[str, str]:
    """Return FFmpeg's HLS muxer options for 0.5 s segments `seg<n>.ts`."""
    return {"hls_time": "0.5", "hls_list_size": "0", "hls_playlist_type": "vod",
            "hls_segment_filename": str(folder / "seg%d.ts")}


class FeedDocument:
    """The test server's response at /feed.json: a status and a body."""

    status = 404
    body = b""


class _Handler(SimpleHTTPRequestHandler):
    feed = FeedDocument
    requests: list[str] = []  # every path requested, in order

    def do_GET(self) -> None:
        if self.path.split("?")[0] != "/feed.json":
            super().do_GET()
            return
        self.send_response(self.feed.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.feed.body)))
        self.end_headers()
        self.wfile.write(self.feed.body)

    def log_message(self, format: str, *args: Any) -> None:
        self.requests.append(self.path)


def _serve(directory: Path) -> ThreadingHTTPServer:
    handler = functools.partial(_Handler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def server(clips: Path) -> Iterator[str]:
    """The base URL of a loopback server for the clips (the video server)."""
    http = _serve(clips)
    yield f"http://127.0.0.1:{http.server_address[1]}"
    http.shutdown()
    http.server_close()


@pytest.fixture(scope="module")
def feed_server(
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadingHTTPServer]:
    """A loopback server for /feed.json alone, which the feed test shuts down."""
    http = _serve(tmp_path_factory.mktemp("feed"))
    yield http
    http.shutdown()
    http.server_close()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep urllib and FFmpeg from sending loopback requests to a proxy."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY",
                 "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


def closed_port_url(path: str) -> str:
    """Return a loopback URL on a port where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


# -- the venue ------------------------------------------------------------------


def _files(server: str) -> dict[str, str]:
    files = dict(FILES)
    files["scenes/hall.yaml"] = FILES["scenes/hall.yaml"].replace(
        "viewpoints:\n",
        "viewpoints:\n  - {id: screen, at: [0, 5, 4], look_at: [0, 10, 4]}\n",
    ) + "screens:\n  - {id: main, channel: main, at: [0, 10, 4], size: [3.2, 1.8], " \
        "rotate: 180, title: {en: Main stage}}\n"
    files["schedules/talks.yaml"] = f"""\
sessions:
  - id: opening
    title: {{zh: 开幕式, en: Opening}}
    description: {{en: The opening ceremony.}}
    channel: main
    start: "2020-06-22T09:30"
    end: "2020-06-22T10:30"
    stream: {server}/live/live.m3u8
    replay: {server}/unused.mp4
    poster: assets/poster.png
  - id: keynote
    title: {{zh: 主旨演讲, en: Keynote}}
    channel: main
    start: "2020-06-22T11:00+08:00"
    end: "2020-06-22T12:00+08:00"
    stream: {server}/missing.m3u8
"""
    return files


@pytest.fixture(scope="module")
def bundle_dir(tmp_path_factory: pytest.TempPathFactory, clips: Path, server: str,
               feed_server: ThreadingHTTPServer) -> Path:
    """Build the venue; give the opening a replay file inside the bundle."""
    project = tmp_path_factory.mktemp("project")
    (project / "assets").mkdir()
    Image.new("RGB", (320, 180), POSTER_RGB).save(project / "assets" / "poster.png")
    venue = load_venue(write_project(project, _files(server)))
    folder = tmp_path_factory.mktemp("live-bundle") / "bundle"
    write_bundle(prepare_bundle(venue), folder)
    shutil.copy(clips / "replay.mp4", folder / "media" / "replay.mp4")
    manifest = json.loads((folder / "tour.json").read_text(encoding="utf-8"))
    manifest["sessions"][0]["replay"] = "media/replay.mp4"
    port = feed_server.server_address[1]
    manifest["status_feed"] = {"url": f"http://127.0.0.1:{port}/feed.json",
                               "interval": 0.2}
    (folder / "tour.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def live_viewer(bundle_dir: Path, downloads: Path) -> Iterator[Viewer]:
    live = LiveOptions(downloads=downloads, visitor_zone=VISITOR_ZONE,
                       video_options=VIDEO, feed_timeout=1.0, min_feed_interval=0.1)
    with offscreen_viewer(bundle_dir, lang="en", size=SIZE,
                          at=datetime(2020, 6, 22, 9, 45), live=live) as viewer:
        viewer.show_scene("hall", "screen")
        yield viewer


@pytest.fixture()
def viewer(live_viewer: Viewer) -> Viewer:
    """The shared viewer in the hall, looking at the screen, panel closed."""
    live_viewer.panel.close()
    if live_viewer.current is None or live_viewer.scene.id != "hall":
        live_viewer.show_scene("hall", "screen")
    live_viewer.go_to_viewpoint("screen", fly=False)
    return live_viewer


def set_clock(viewer: Viewer, clock: str) -> None:
    """Fix the viewer's clock at a time of the event day; everything follows."""
    viewer.clock = Clock(venue_time(clock), running=False)
    viewer.reset_clock()


def run_until(viewer: Viewer, done: Callable[[], bool], timeout: float = 5.0) -> float:
    """Draw frames until `done()`; return the seconds it took, failing on timeout."""
    started = time.monotonic()
    while not done():
        assert time.monotonic() - started < timeout, "timed out"
        viewer.stage.render_frame()
        time.sleep(0.005)
    return time.monotonic() - started


def texture_rgb(viewer: Viewer, screen_id: str = "main") -> np.ndarray:
    """Return the screen texture as an (height, width, 3) RGB array, top row first."""
    texture = viewer.screens.texture(screen_id)
    data = np.frombuffer(bytes(texture.get_ram_image()), np.uint8)
    pixels = data.reshape(texture.get_y_size(), texture.get_x_size(), 3)
    return pixels[::-1, :, ::-1]


def near(pixel: np.ndarray, color: tuple[int, int, int], tolerance: int = 12) -> bool:
    return bool(np.abs(pixel.astype(int) - np.array(color)).max() <= tolerance)


def render_rgb(viewer: Viewer) -> np.ndarray:
    viewer.stage.render_frame()
    texture = viewer.stage.base.win.get_screenshot()
    data = np.frombuffer(bytes(texture.get_ram_image_as("RGB")), np.uint8)
    return data.reshape(texture.get_y_size(), texture.get_x_size(), 3)[::-1]


# -- choosing what a screen shows -------------------------------------------------


@pytest.mark.parametrize(
    ("clock", "overrides", "kind", "session", "link"),
    [
        (BEFORE_OPENING, {}, "upcoming", "opening", None),
        (DURING_OPENING, {}, "live", "opening", "/live/live.m3u8"),
        (BEFORE_KEYNOTE, {}, "upcoming", "keynote", None),
        (DURING_KEYNOTE, {}, "live", "keynote", "/missing.m3u8"),
        (AFTER_ALL, {}, "replay", "opening", "media/replay.mp4"),
        (AFTER_ALL, {"opening": Override("ended")}, "idle", None, None),
        (BEFORE_OPENING, {"opening": Override("live", "https://x.test/o.m3u8")},
         "live", "opening", "https://x.test/o.m3u8"),
    ],
)
def test_choose_content_chain(bundle_dir: Path, clock: str,
                              overrides: dict[str, Override], kind: str,
                              session: str | None, link: str | None) -> None:
    bundle = read_bundle(bundle_dir)
    content = choose_content(bundle.channel_sessions("main"), venue_time(clock),
                             overrides)
    assert content.kind == kind
    assert (content.session.id if content.session else None) == session
    if link is None:
        assert content.link is None
    else:
        assert content.link is not None
        assert content.link.endswith(link)


@pytest.mark.parametrize(
    ("link", "allowed"),
    [
        ("https://example.org/live.m3u8", True),
        ("http://127.0.0.1:9/live.m3u8", True),
        ("media/replay.mp4", True),
        ("file:///etc/passwd", False),
        ("rtmp://example.org/live", False),
        ("/etc/passwd", False),
        ("../outside.mp4", False),
        ("media/missing.mp4", False),
    ],
)
def test_resolve_source_rules(bundle_dir: Path, link: str, allowed: bool) -> None:
    assert (resolve_source(link, bundle_dir) is not None) is allowed


def test_player_rejects_playlist_leaving_bundle(bundle_dir: Path, clips: Path,
                                                tmp_path: Path) -> None:
    # A playlist inside the bundle whose segment is a file outside it.
    playlist = bundle_dir / "media" / "escape.m3u8"
    segment = clips / "live" / "seg0.ts"
    playlist.write_text("#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\n"
                        f"{segment}\n#EXT-X-ENDLIST\n", encoding="utf-8")
    try:
        source = resolve_source("media/escape.m3u8", bundle_dir)
        assert source is not None
        player = VideoPlayer(source, (64, 36), VIDEO, "escape")
        started = time.monotonic()
        while player.state != "failed" and time.monotonic() - started < 5:
            time.sleep(0.01)
        player.stop()
        assert player.state == "stopped"
        assert player.latest() is None
        assert player.error is not None
    finally:
        playlist.unlink()


def test_player_fetches_one_hls_variant(server: str) -> None:
    _Handler.requests.clear()
    source = resolve_source(f"{server}/multi/master.m3u8", Path("."))
    assert source is not None
    player = VideoPlayer(source, (640, 360), VIDEO, "variants")
    try:
        started = time.monotonic()
        while player.state != "playing" or player.latest() is None:
            assert time.monotonic() - started < 5, player.error
            time.sleep(0.01)
        frame = player.latest()
        assert frame is not None
        # Both variants are below 360 pixels, so the higher one plays.
        pixels = np.frombuffer(frame.pixels, np.uint8).reshape(360, 640, 3)
        blue, green, red = pixels[180, 320]
        assert near(np.array([red, green, blue]), LIVE_RGB)
        while "/multi/high/seg3.ts" not in _Handler.requests:
            assert time.monotonic() - started < 5, "the last segment never came"
            time.sleep(0.01)
    finally:
        player.stop()
    assert "/multi/low/seg3.ts" not in _Handler.requests


# -- screens ----------------------------------------------------------------------


def test_live_screen_plays_stream(viewer: Viewer) -> None:
    set_clock(viewer, DURING_OPENING)
    content = viewer.screens.content("main")
    assert content is not None
    assert content.kind == "live"
    run_until(viewer, lambda: viewer.screens.showing("main") == "video")
    player = viewer.screens.player("main")
    assert player is not None
    first = player.latest()
    assert first is not None
    run_until(viewer, lambda: player.latest() is not first)  # it keeps playing
    pixels = texture_rgb(viewer)
    height, width, _ = pixels.shape
    assert near(pixels[height // 2, width // 2], LIVE_RGB)
    # The clip is 5:3 and the screen 16:9, so it is letterboxed at the sides.
    assert near(pixels[height // 2, 2], (0, 0, 0))
    frame = render_rgb(viewer)
    middle = frame[SIZE[1] // 2, SIZE[0] // 2].astype(int)
    assert middle[1] > 120  # green dominates where the screen is drawn
    assert middle[1] > middle[0] + 60
    assert middle[1] > middle[2] + 60


@pytest.mark.parametrize("failure", ["closed port", "404", "no answer"])
def test_unreachable_stream_shows_poster(viewer: Viewer, server: str,
                                         monkeypatch: pytest.MonkeyPatch,
                                         failure: str) -> None:
    silent = socket.socket()  # accepts connections but never responds
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    urls = {"closed port": closed_port_url("/live.m3u8"),
            "404": f"{server}/missing.m3u8",
            "no answer": f"http://127.0.0.1:{silent.getsockname()[1]}/live.m3u8"}
    bundle = viewer.bundle
    sessions = tuple(replace(s, stream=urls[failure]) if s.id == "keynote" else s
                     for s in bundle.sessions)
    monkeypatch.setattr(viewer.screens, "bundle", replace(bundle, sessions=sessions))
    try:
        set_clock(viewer, DURING_KEYNOTE)
        player = viewer.screens.player("main")
        assert player is not None
        assert player.source.location == urls[failure]

        steps: list[float] = []
        opening_steps = 0
        waited = 0.0
        started = time.monotonic()
        while player.state != "failed" or len(steps) < 5:
            assert time.monotonic() - started < 10, "the player never gave up"
            if player.state != "failed":
                waited = time.monotonic() - started
                opening_steps += 1
            before = time.perf_counter()
            viewer.stage.render_frame()
            steps.append(time.perf_counter() - before)
    finally:
        silent.close()
    # A frame that waited for the network would take the whole open timeout.
    assert max(steps) < VIDEO.open_timeout / 2
    if failure == "no answer":
        assert waited >= VIDEO.open_timeout * 0.8
        assert opening_steps >= 10  # frames went on while the stream was opening
    assert viewer.screens.showing("main") == "poster"
    pixels = texture_rgb(viewer)
    assert near(pixels[2, 2], BACKGROUND, tolerance=2)  # no poster image: title
    assert pixels[pixels.shape[0] // 3:2 * pixels.shape[0] // 3].max() > 200  # text


def test_upcoming_screen_shows_poster_countdown(viewer: Viewer) -> None:
    set_clock(viewer, BEFORE_OPENING)
    content = viewer.screens.content("main")
    assert content is not None
    assert content.kind == "upcoming"
    assert viewer.screens.player("main") is None
    assert viewer.screens.showing("main") == "poster"
    assert viewer._describe_screen(content) == ("Opening", "Starts in 15 min")
    first = texture_rgb(viewer).copy()
    assert near(first[10, first.shape[1] // 2], POSTER_RGB, tolerance=3)
    viewer.step_clock(timedelta(minutes=5))
    content = viewer.screens.content("main")
    assert content is not None
    assert viewer._describe_screen(content) == ("Opening", "Starts in 10 min")
    second = texture_rgb(viewer)
    assert not np.array_equal(first, second)  # the countdown was drawn again
    assert near(second[10, second.shape[1] // 2], POSTER_RGB, tolerance=3)


def test_screen_after_end_plays_replay(viewer: Viewer) -> None:
    set_clock(viewer, AFTER_ALL)
    content = viewer.screens.content("main")
    assert content is not None
    assert content.kind == "replay"
    assert content.link == "media/replay.mp4"
    run_until(viewer, lambda: viewer.screens.showing("main") == "video")
    player = viewer.screens.player("main")
    assert player is not None
    assert player.source.is_file
    pixels = texture_rgb(viewer)
    assert near(pixels[pixels.shape[0] // 2, pixels.shape[1] // 2], REPLAY_RGB)


def test_leaving_scene_restores_picture(viewer: Viewer) -> None:
    node = viewer.scenes.get("hall").model.find("**/screen_main")
    geom_node = node.find("**/+GeomNode").node()
    viewer.show_scene("garden")
    original = [geom_node.get_geom_state(i) for i in range(geom_node.get_num_geoms())]
    viewer.show_scene("hall", "screen")
    set_clock(viewer, DURING_OPENING)
    playing = [geom_node.get_geom_state(i) for i in range(geom_node.get_num_geoms())]
    assert playing[0] == original[0]  # the frame keeps its state
    assert playing[1] != original[1]  # the picture shows the screen's texture
    viewer.show_scene("garden")
    assert viewer.screens.screen_ids == []
    restored = [geom_node.get_geom_state(i) for i in range(geom_node.get_num_geoms())]
    assert restored == original
    viewer.show_scene("hall", "screen")
    assert viewer.screens.screen_ids == ["main"]


_TINYDISPLAY_SCRIPT = """
import json, sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo
from toolkit.viewer.bundle_reader import read_bundle
from toolkit.viewer.clock import Clock
from toolkit.viewer.sessions import localize_start
from toolkit.viewer.stage import StageOptions, open_stage
from toolkit.viewer.viewer import Viewer
stage = open_stage(StageOptions(size=(320, 180), displays=("p3tinydisplay",)))
start = localize_start(datetime(2020, 6, 22, 9, 15), ZoneInfo("Asia/Shanghai"))
viewer = Viewer(stage, read_bundle(Path(sys.argv[1])), lang="en",
                clock=Clock(start, running=False))
viewer.show_scene("hall", "screen")
stage.render_frame()
texture = viewer.screens.texture("main")
image = stage.screenshot()
pixel = [image.get_red_val(160, 80), image.get_green_val(160, 80),
         image.get_blue_val(160, 80)]
print(json.dumps({"size": [texture.get_x_size(), texture.get_y_size()],
                  "pixel": pixel}))
viewer.close()
stage.close()
"""


def test_poster_on_software_renderer(bundle_dir: Path) -> None:
    # p3tinydisplay draws only textures with power-of-two sides.
    repo = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-c", _TINYDISPLAY_SCRIPT, str(bundle_dir)],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "PYTHONPATH": str(repo)},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["size"] == [512, 256]
    assert near(np.array(report["pixel"]), POSTER_RGB, tolerance=3)


def test_fit_letterboxes_stretched_texture() -> None:
    from toolkit.viewer.video import _fit

    assert _fit(160, 96, (640, 360), 640 / 360) == (600, 360)
    # A 16:9 picture on a 512 x 256 texture: the 5:3 frame keeps its shape
    # once the texture is stretched back to 16:9.
    width, height = _fit(160, 96, (512, 256), 16 / 9)
    shown_height = height * (512 / (16 / 9)) / 256
    assert width / shown_height == pytest.approx(160 / 96, rel=0.02)
    assert height == 256


def test_screen_without_video_shows_poster(viewer: Viewer,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from toolkit.viewer import OFFLINE

    # Snapshots use OFFLINE, whose screens get no video options.
    assert not OFFLINE.video
    assert not OFFLINE.feed
    monkeypatch.setattr(viewer.screens, "_video", None)
    set_clock(viewer, AFTER_ALL)
    set_clock(viewer, DURING_OPENING)
    assert viewer.screens.player("main") is None
    assert viewer.screens.showing("main") == "poster"
    pixels = texture_rgb(viewer)
    assert near(pixels[10, pixels.shape[1] // 2], POSTER_RGB, tolerance=3)


# -- session panels ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("clock", "status", "extra", "buttons"),
    [
        (BEFORE_OPENING, "Upcoming", "Starts in 15 min", ["Add to calendar"]),
        (DURING_OPENING, "Live now", None, ["Watch live", "Add to calendar"]),
        # The replay is a file in the bundle: it plays on screens only.
        (BEFORE_KEYNOTE, "Ended, replay available", None, []),
    ],
)
def test_session_panel_at_clock(viewer: Viewer, clock: str, status: str,
                                extra: str | None, buttons: list[str]) -> None:
    set_clock(viewer, clock)
    viewer.open_hotspot("opening-link")
    content = viewer.panel.content
    assert content is not None
    assert content.title == "Opening"
    assert status in content.details
    if extra is not None:
        assert extra in content.details
    assert ("Venue time (Asia/Shanghai): 2020-06-22 09:30–10:30 UTC+08:00"
            in content.details)
    assert ("Your time (Europe/Berlin): 2020-06-22 03:30–04:30 UTC+02:00"
            in content.details)
    assert [button.label for button in content.buttons] == buttons


def test_panel_follows_clock(viewer: Viewer) -> None:
    set_clock(viewer, BEFORE_OPENING)
    viewer.open_hotspot("opening-link")
    viewer.step_clock(timedelta(hours=1))
    content = viewer.panel.content
    assert content is not None
    assert "Live now" in content.details
    assert [button.label for button in content.buttons][0] == "Watch live"


def test_watch_live_opens_stream(viewer: Viewer, server: str,
                                 browser_calls: list[str]) -> None:
    set_clock(viewer, DURING_OPENING)
    viewer.open_hotspot("opening-link")
    viewer.press_primary()
    assert browser_calls == [f"{server}/live/live.m3u8"]


def test_visitor_zone_defaults_to_machine(bundle_dir: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        session = read_bundle(bundle_dir).session("opening")
        assert format_session_time(session, None) == ("2020-06-21 21:30–22:30 "
                                                      "UTC-04:00")
        assert zone_name(None) in ("EST", "EDT")
    finally:
        monkeypatch.undo()
        time.tzset()


def test_add_to_calendar_writes_ics(viewer: Viewer, downloads: Path,
                                    server: str) -> None:
    set_clock(viewer, BEFORE_OPENING)
    viewer.open_hotspot("opening-link")
    viewer.panel.press("Add to calendar")
    path = downloads / "test-venue-opening.ics"
    assert path.is_file()
    calendar = Calendar.from_ical(path.read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert event.decoded("DTSTART") == datetime(2020, 6, 22, 1, 30, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2020, 6, 22, 2, 30, tzinfo=UTC)
    assert str(event["SUMMARY"]) == "Opening"
    assert str(event["URL"]) == f"{server}/live/live.m3u8"
    assert str(event["UID"]) == "opening@test-venue"
    assert b"DTSTART:20200622T013000Z" in path.read_bytes()
    content = viewer.panel.content
    assert content is not None
    assert f"Calendar file saved: {path.resolve()}" in content.details


def test_add_to_calendar_failure_shown(viewer: Viewer, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch,
                                       caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setattr(viewer, "live", replace(viewer.live, downloads=blocker))
    monkeypatch.setattr(viewer, "_calendar_notes", {})
    caplog.set_level(logging.WARNING, logger="toolkit.viewer.viewer")
    set_clock(viewer, BEFORE_OPENING)
    viewer.open_hotspot("opening-link")
    assert viewer.save_calendar("opening") is None
    content = viewer.panel.content
    assert content is not None
    assert any(line.startswith("Could not save the calendar file")
               for line in content.details)
    assert "could not save the calendar file" in caplog.text


def test_default_downloads_folder(tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert default_downloads() == tmp_path
    (tmp_path / "Downloads").mkdir()
    assert default_downloads() == tmp_path / "Downloads"


# -- the clock --------------------------------------------------------------------


def test_naive_at_is_venue_time(bundle_dir: Path) -> None:
    from toolkit.viewer import _clock

    clock = _clock(read_bundle(bundle_dir), datetime(2020, 6, 22, 9, 45),
                   running=False)
    assert clock.start == datetime(2020, 6, 22, 9, 45, tzinfo=SHANGHAI)
    assert clock.now().utcoffset() == timedelta(hours=8)


def test_naive_at_that_does_not_exist() -> None:
    with pytest.raises(ViewerError, match="does not exist"):
        localize_start(datetime(2024, 3, 31, 2, 30), ZoneInfo("Europe/Berlin"))


def test_cli_passes_naive_at() -> None:
    from toolkit.cli import _parser

    for command in (["view", "x"], ["snapshot", "x", "-o", "out"]):
        args = _parser().parse_args([*command, "--at", "2020-06-23T14:05"])
        assert args.at == datetime(2020, 6, 23, 14, 5)
    args = _parser().parse_args(["view", "x", "--downloads", "dl", "--no-feed"])
    assert args.downloads == Path("dl")
    assert args.no_feed


def test_clock_keys(viewer: Viewer) -> None:
    from toolkit.viewer.controls import Controls

    set_clock(viewer, BEFORE_OPENING)
    viewer.open_hotspot("opening-link")
    messenger = viewer.stage.base.messenger
    controls = Controls(viewer)
    try:
        messenger.send("]")
        assert viewer.now() == venue_time("10:15")
        assert "(moved +1 h)" in viewer.hud.status_text
        assert viewer._statuses["opening-link"] == "live"
        content = viewer.panel.content
        assert content is not None
        assert "Live now" in content.details
        screen = viewer.screens.content("main")
        assert screen is not None
        assert screen.kind == "live"

        messenger.send("shift-]")
        assert viewer.now() == venue_time("10:15") + timedelta(days=1)
        messenger.send("{")
        messenger.send("[")
        assert viewer.now() == venue_time(BEFORE_OPENING)
        assert "moved" not in viewer.hud.status_text
        messenger.send("shift-[")
        assert viewer.now() == venue_time(BEFORE_OPENING) - timedelta(days=1)
        messenger.send("\\")
        assert viewer.now() == venue_time(BEFORE_OPENING)
        assert viewer.clock.offset == timedelta()
    finally:
        controls.destroy()


def test_marker_follows_clock_step(viewer: Viewer) -> None:
    set_clock(viewer, BEFORE_OPENING)
    assert viewer._statuses["opening-link"] == "upcoming"
    viewer.step_clock(timedelta(hours=2))
    assert viewer._statuses["opening-link"] == "replay"
    disc = viewer.markers._discs["opening-link"]
    red, green, blue, _ = disc.get_color()
    assert (red, green, blue) == pytest.approx(MARKER_COLORS["replay"], abs=0.005)


# -- the status feed --------------------------------------------------------------


def _wait_feed(viewer: Viewer, polls: int) -> None:
    """Draw frames until the feed has polled `polls` more times."""
    assert viewer.feed is not None
    target = viewer.feed.polls + polls
    run_until(viewer, lambda: viewer.feed is not None and viewer.feed.polls >= target)
    viewer.stage.render_frame()


def test_feed_override_and_fallback(viewer: Viewer, feed_server: ThreadingHTTPServer,
                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="toolkit.viewer.feed")
    feed = viewer.feed
    assert feed is not None
    assert feed.interval == pytest.approx(0.2)
    set_clock(viewer, AFTER_ALL)
    viewer.open_hotspot("opening-link")

    def warnings() -> int:
        return sum(1 for record in caplog.records
                   if record.name == "toolkit.viewer.feed"
                   and record.levelno == logging.WARNING)

    def panel_details() -> list[str]:
        assert viewer.panel.content is not None
        return list(viewer.panel.content.details)

    # Good JSON: the opening is live again, although by the schedule it is replay.
    FeedDocument.status = 200
    FeedDocument.body = json.dumps({"opening": {"status": "live"}}).encode()
    _wait_feed(viewer, 2)
    assert feed.reachable
    assert feed.overrides == {"opening": Override("live")}
    assert viewer._statuses["opening-link"] == "live"
    assert "Live now" in panel_details()
    screen = viewer.screens.content("main")
    assert screen is not None
    assert (screen.kind, screen.link) == ("live", viewer.bundle.session(
        "opening").stream)
    assert "Feed: on" in viewer.hud.status_text

    # Bad JSON: the schedule alone decides; one warning for the whole streak.
    caplog.clear()
    FeedDocument.body = b"{not json"
    _wait_feed(viewer, 4)
    assert feed.overrides == {}
    assert feed.reachable is False
    assert viewer._statuses["opening-link"] == "replay"
    assert "Ended, replay available" in panel_details()
    assert warnings() == 1
    assert "invalid JSON" in caplog.text
    assert "Feed: offline" in viewer.hud.status_text

    # Good again, then nothing listening: one more warning, schedule alone.
    FeedDocument.body = json.dumps({"opening": {"status": "ended"}}).encode()
    _wait_feed(viewer, 2)
    assert viewer._statuses["opening-link"] == "ended"
    assert "works again" in caplog.text
    feed_server.shutdown()
    feed_server.server_close()
    _wait_feed(viewer, 4)
    assert feed.overrides == {}
    assert viewer._statuses["opening-link"] == "replay"
    assert warnings() == 2
    assert "unreachable" in caplog.text
