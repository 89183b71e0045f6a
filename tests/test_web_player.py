"""The web player in Debian's headless Chromium, as a visitor uses it.

One module fixture builds the exports: the test project, a hostile copy of it,
a venue whose screens show every kind of programme with video clips made here
with PyAV, and the Nanjing venue when it builds. It serves them from a loopback
HTTP server and runs tests/web_player.mjs once, which drives every scenario in
one browser. Each test checks one scenario's record. The tests skip, with the
reason, when Node, playwright-core, Chromium or export/node_modules is missing.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from PIL import Image, ImageStat

from conftest import FILES, REPO, write_project
from toolkit.cli import main
from toolkit.errors import VenueError
from toolkit.web import PLAYER_DIR

SCRIPT = Path(__file__).with_name("web_player.mjs")
NANJING = REPO / "venues" / "nanjing-innovation-week-2020.yaml"
RUN_TIMEOUT_SECONDS = 300

MARKUP_TITLE = "<img src=x onerror=\"window.__xss='title';alert('title')\">"
SCRIPT_TITLE = "<script>window.__xss='scene'</script>Garden"
JAVASCRIPT_URL = "javascript:window.__xss='link';alert('link')"
FEED_URL = "https://feed.example.org/status.json"

# The screens venue's clock starts 12 s before its live session ends at 10:00.
SCREENS_AT = "2020-06-22T09:59:48+08:00"
# Solid colours of the generated clips and poster (sRGB).
RED = (220, 40, 40)
CYAN = (40, 200, 210)
BLUE = (40, 60, 220)
GREEN = (40, 200, 60)
MAGENTA = (210, 40, 200)
POSTER_YELLOW = (235, 200, 40)


def _tool_paths() -> tuple[Path, Path]:
    core = Path(os.environ.get("PLAYWRIGHT_CORE_DIR",
                               REPO / "node_modules" / "playwright-core"))
    chromium = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    if shutil.which("node") is None:
        pytest.skip("Node.js (node) is not on PATH")
    if not (core / "package.json").is_file():
        pytest.skip(f"playwright-core not found at {core}; run npm ci")
    if not chromium.is_file():
        pytest.skip(f"Chromium not found at {chromium}; install Debian's chromium")
    if not (PLAYER_DIR / "node_modules" / "three").is_dir():
        pytest.skip("export/node_modules is missing; run npm ci --prefix export")
    return core, chromium


def _build(venue: Path, out: Path, *extra: str) -> None:
    status = main(["-q", "build", str(venue), "-o", str(out), *extra])
    assert status == 0, f"venue build {venue} exited with {status}"


def _hostile_project(root: Path) -> Path:
    """Write the test project with markup in its texts; return the venue file."""
    files = dict(FILES)
    files["scenes/hall.yaml"] = files["scenes/hall.yaml"].replace(
        "title: {zh: 开幕式, en: Opening}", f"title: {json.dumps(MARKUP_TITLE)}")
    files["scenes/garden.yaml"] = files["scenes/garden.yaml"].replace(
        "title: {zh: 花园, en: Garden}", f"title: {json.dumps(SCRIPT_TITLE)}")
    files["schedules/talks.yaml"] = files["schedules/talks.yaml"].replace(
        "    channel: main\n", "    channel: main\n    description: "
        "\"<b onmouseover=alert('description')>bold</b>\"\n", 1)
    files["scenes/hall.yaml"] = files["scenes/hall.yaml"].replace("viewpoints:\n", (
        "screens:\n  - {id: wall, channel: main, at: [0, 12, 4], size: [8, 4.5], "
        f"rotate: 180, title: {json.dumps(MARKUP_TITLE)}}}\nviewpoints:\n"), 1)
    return write_project(root, files)


def _inject_javascript_link(bundle: Path) -> None:
    """Hand-edit tour.json: the compiler rejects javascript: links, a file may not."""
    manifest = bundle / "tour.json"
    tour = json.loads(manifest.read_text(encoding="utf-8"))
    hall = next(scene for scene in tour["scenes"] if scene["id"] == "hall")
    site = next(hotspot for hotspot in hall["hotspots"] if hotspot["id"] == "site")
    site["action"]["url"] = JAVASCRIPT_URL
    opening = next(s for s in tour["sessions"] if s["id"] == "opening")
    opening["stream"] = JAVASCRIPT_URL
    opening["replay"] = JAVASCRIPT_URL
    manifest.write_text(json.dumps(tour, ensure_ascii=False), encoding="utf-8")


def _add_status_feed(bundle: Path) -> None:
    """Hand-edit tour.json to name a status feed, which the browser stubs."""
    manifest = bundle / "tour.json"
    tour = json.loads(manifest.read_text(encoding="utf-8"))
    tour["status_feed"] = {"url": FEED_URL, "interval": 5}
    manifest.write_text(json.dumps(tour, ensure_ascii=False), encoding="utf-8")


def _nanjing_scenes(site: Path) -> tuple[list[str], str | None]:
    """Build the Nanjing venue into `site`; return its scene ids, or a skip reason."""
    if not NANJING.is_file():
        return [], f"{NANJING} not found"
    try:
        status = main(["-q", "build", str(NANJING), "-o", str(site)])
    except VenueError as error:
        return [], f"the Nanjing venue does not build: {error}"
    if status != 0:
        return [], f"the Nanjing venue does not build (exit status {status})"
    tour = json.loads((site / "tour.json").read_text(encoding="utf-8"))
    return [scene["id"] for scene in tour["scenes"]], None


def _write_clip(path: Path, container: str, codec: str, rgb: tuple[int, int, int],
                options: dict[str, str] | None = None) -> None:
    """Encode 2 s of one solid colour, 160 × 90 at 15 frames per second."""
    import av
    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w", format=container, options=options or {}) as output:
        stream = output.add_stream(codec, rate=15)
        stream.width, stream.height = 160, 90
        stream.pix_fmt = "yuv420p"
        if codec == "libx264":
            stream.options = {"preset": "ultrafast"}
        image = np.empty((90, 160, 3), np.uint8)
        image[:] = rgb
        for index in range(30):
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts = index
            for packet in stream.encode(frame):
                output.mux(packet)
        for packet in stream.encode():
            output.mux(packet)


def _write_media(media: Path) -> None:
    """Write the clips that the screens venue streams: WebM, MP4 and HLS."""
    _write_clip(media / "red.webm", "webm", "libvpx", RED)
    _write_clip(media / "cyan.webm", "webm", "libvpx-vp9", CYAN)
    _write_clip(media / "green.mp4", "mp4", "libx264", GREEN, {"movflags": "faststart"})
    _write_clip(media / "magenta.webm", "webm", "libvpx", MAGENTA)
    # HLS: one 2 s MPEG-TS segment of H.264 and a finished (VOD) playlist.
    _write_clip(media / "hls" / "blue0.ts", "mpegts", "libx264", BLUE)
    (media / "hls" / "blue.m3u8").write_text(
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n"
        "#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:2.0,\nblue0.ts\n#EXT-X-ENDLIST\n",
        encoding="utf-8")


SCREENS_VENUE = """\
venue: screen-venue
title: Screen test
languages: [en, zh]
timezone: Asia/Shanghai
start: studio
scenes: [studio, lobby]
channels:
  - {id: live, title: Live channel}
  - {id: hls, title: HLS channel}
  - {id: soon, title: Upcoming channel}
  - {id: after, title: Replay channel}
  - {id: dead, title: Dead channel}
  - {id: missing, title: Missing channel}
  - {id: stall, title: Stalled channel}
  - {id: empty, title: Empty channel}
schedules: [schedules/screens.yaml]
"""

SCREENS_SCHEDULE = """\
sessions:
  - {{id: live-clip, title: Live clip, channel: live,
     start: "2020-06-22T09:00", end: "2020-06-22T10:00",
     stream: "{media}/red.webm", replay: "{media}/cyan.webm"}}
  - {{id: hls-talk, title: HLS talk, channel: hls,
     start: "2020-06-22T09:00", end: "2020-06-22T11:00",
     stream: "{media}/hls/blue.m3u8"}}
  - {{id: soon-talk, title: Keynote soon, channel: soon,
     start: "2020-06-22T10:20", end: "2020-06-22T11:00",
     stream: "{media}/red.webm", poster: assets/poster.png}}
  - {{id: after-talk, title: Morning talk, channel: after,
     start: "2020-06-22T08:00", end: "2020-06-22T09:00", replay: "{media}/green.mp4"}}
  - {{id: dead-talk, title: Dead stream, channel: dead,
     start: "2020-06-22T09:00", end: "2020-06-22T11:00",
     stream: "{closed}/live/dead.m3u8", poster: assets/poster.png}}
  - {{id: missing-talk, title: Late clip, channel: missing,
     start: "2020-06-22T09:00", end: "2020-06-22T11:00", stream: "{media}/late.webm"}}
  - {{id: stall-talk, title: Stalled stream, channel: stall,
     start: "2020-06-22T09:00", end: "2020-06-22T11:00", stream: "{stall}/stall.webm"}}
"""

# Two rows of four 3.2 × 1.8 m screens at y = 0, facing the viewpoint `front`.
SCREENS_STUDIO = """\
scene: studio
title: Studio
sky: {color: "#303848"}
objects:
  - id: floor
    plane: {size: [40, 40]}
    material: {color: "#555555"}
hotspots:
  - {id: watch-live, at: [-3, -3, 0.8], title: Watch the live clip, session: live-clip}
  - {id: to-lobby, at: [3, -3, 0.8], title: Lobby, scene: lobby}
screens:
  - {id: live, channel: live, at: [-6, 0, 5.3], size: [3.2, 1.8], rotate: 180}
  - {id: hls, channel: hls, at: [-2, 0, 5.3], size: [3.2, 1.8], rotate: 180}
  - {id: soon, channel: soon, at: [2, 0, 5.3], size: [3.2, 1.8], rotate: 180}
  - {id: after, channel: after, at: [6, 0, 5.3], size: [3.2, 1.8], rotate: 180}
  - {id: dead, channel: dead, at: [-6, 0, 2.9], size: [3.2, 1.8], rotate: 180}
  - {id: missing, channel: missing, at: [-2, 0, 2.9], size: [3.2, 1.8], rotate: 180}
  - {id: stall, channel: stall, at: [2, 0, 2.9], size: [3.2, 1.8], rotate: 180}
  - {id: empty, channel: empty, at: [6, 0, 2.9], size: [3.2, 1.8], rotate: 180,
     title: Empty screen}
viewpoints:
  - {id: front, at: [0, -10, 4.1], look_at: [0, 0, 4.1]}
"""

SCREENS_LOBBY = """\
scene: lobby
title: Lobby
objects:
  - id: ground
    plane: {size: [20, 20]}
    material: {color: "#3a7a3a"}
hotspots:
  - {id: back, at: [0, 0, 1.5], title: Back to the studio, scene: studio}
viewpoints:
  - {id: door, at: [0, -10, 1.7], look_at: [0, 0, 1]}
"""


def _screens_project(root: Path, media_url: str, closed_url: str,
                     stall_url: str) -> Path:
    """Write the screens venue with its poster; return the venue file."""
    schedule = SCREENS_SCHEDULE.format(media=media_url, closed=closed_url,
                                       stall=stall_url)
    write_project(root, {
        "venues/screens.yaml": SCREENS_VENUE,
        "schedules/screens.yaml": schedule,
        "scenes/studio.yaml": SCREENS_STUDIO,
        "scenes/lobby.yaml": SCREENS_LOBBY,
    })
    (root / "assets").mkdir()
    Image.new("RGB", (320, 180), POSTER_YELLOW).save(root / "assets" / "poster.png")
    return root / "venues" / "screens.yaml"


def _screens_site(sites: Path, base: str, stall_port: int) -> dict[str, str] | str:
    """Build the screens venue and its clips; return its config, or a skip reason.

    Its streams come from `base`, from a loopback port that nothing listens
    on, and from `stall_port`, which accepts connections but never responds.
    """
    try:
        _write_media(sites / "media")
    except ImportError as error:
        return f"PyAV (av) is not installed, so no clips can be made: {error}"
    venue = _screens_project(sites.parent / "screens-project", f"{base}/media",
                             f"http://127.0.0.1:{_closed_port()}",
                             f"http://127.0.0.1:{stall_port}")
    _build(venue, sites / "screens")
    return {
        "at": quote(SCREENS_AT),
        "lateSource": str(sites / "media" / "magenta.webm"),
        "lateTarget": str(sites / "media" / "late.webm"),
    }


def _closed_port() -> int:
    """Return a loopback port that nothing listens on (just released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Run every browser scenario once; yield the records by scenario name."""
    core, chromium = _tool_paths()
    root = tmp_path_factory.mktemp("web")
    sites = root / "sites"
    sites.mkdir()
    # The server starts first, because the screens venue names its URL.
    handler = functools.partial(_QuietHandler, directory=str(sites))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    # Connections to this port wait in the kernel's queue and get no response.
    stall = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    stall.bind(("127.0.0.1", 0))
    stall.listen(16)

    try:
        _build(write_project(root / "test-project"), sites / "test",
               "--base-url", "https://tour.example.org/test/")
        _build(_hostile_project(root / "hostile-project"), sites / "hostile")
        _inject_javascript_link(sites / "hostile")
        shutil.copytree(sites / "test", sites / "feed")
        _add_status_feed(sites / "feed")
        nanjing_scenes, nanjing_skip = _nanjing_scenes(sites / "nanjing")
        screens = _screens_site(sites, base, stall.getsockname()[1])

        config = {
            "playwrightCore": str(core),
            "chromium": str(chromium),
            "outDir": str(root / "out"),
            "sites": {name: f"{base}/{name}/"
                      for name in ("test", "hostile", "feed", "nanjing", "screens")},
            "feedUrl": FEED_URL,
            "nanjingScenes": nanjing_scenes,
            "screens": screens if isinstance(screens, dict) else None,
        }
        if not isinstance(screens, dict):
            config["skip"] = ["screens"]
        config_path = root / "config.json"
        config_path.write_text(json.dumps(config), encoding="utf-8")
        completed = subprocess.run(
            ["node", str(SCRIPT), str(config_path)], capture_output=True, text=True,
            timeout=RUN_TIMEOUT_SECONDS, check=False,
            env={**os.environ, "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1"})
    finally:
        stall.close()
        server.shutdown()
        server.server_close()
    assert completed.returncode == 0, completed.stderr[-4000:]
    results = json.loads((root / "out" / "results.json").read_text(encoding="utf-8"))
    results["_nanjing_skip"] = nanjing_skip
    results["_screens_skip"] = None if isinstance(screens, dict) else screens
    results["_nanjing_media"] = _session_media(sites / "nanjing")
    yield results


def _session_media(bundle: Path) -> list[str]:
    """Return every stream and replay URL of a built bundle's sessions."""
    manifest = bundle / "tour.json"
    if not manifest.is_file():
        return []
    tour = json.loads(manifest.read_text(encoding="utf-8"))
    return sorted({session[key] for session in tour.get("sessions", [])
                   for key in ("stream", "replay") if session.get(key)})


def _record(runs: dict[str, Any], name: str) -> dict[str, Any]:
    record = runs[name]
    assert record["ok"], f"scenario {name} failed:\n{record.get('error')}"
    return record


def _errors(log: dict[str, Any]) -> list[str]:
    """Return console errors, page errors and requests that left loopback."""
    problems = [f"console error: {entry['text']}" for entry in log["console"]
                if entry["type"] == "error"]
    problems += [f"page error: {error}" for error in log["pageErrors"]]
    problems += [f"off-host request: {url}" for url in log["offHost"]]
    return problems


def _assert_not_blank(path: str) -> None:
    image = Image.open(path).convert("RGB")
    colors = image.getcolors(maxcolors=1 << 20) or []
    most_common = max(count for count, _ in colors)
    total = image.width * image.height
    assert len(colors) > 200, f"{path}: only {len(colors)} distinct colours"
    assert most_common / total < 0.9, f"{path}: one colour covers most of the frame"
    spread = ImageStat.Stat(image).stddev
    assert max(spread) > 10, f"{path}: nearly uniform ({spread})"


def _close(actual: list[float], expected: tuple[float, float, float]) -> bool:
    return all(abs(a - e) < 1e-3 for a, e in zip(actual, expected, strict=True))


# -- loading ------------------------------------------------------------------------


def test_startup_has_no_console_errors(runs: dict[str, Any]) -> None:
    record = _record(runs, "startup")
    assert _errors(record["log"]) == []
    assert record["loadingHidden"]


def test_startup_draws_nonblank_frame(runs: dict[str, Any]) -> None:
    _assert_not_blank(_record(runs, "startup")["screenshot"])


def test_startup_reflects_view_in_url(runs: dict[str, Any]) -> None:
    record = _record(runs, "startup")
    assert record["view"]["scene"] == "hall"
    assert record["view"]["viewpoint"] == "entrance"
    assert record["url"].endswith("?lang=en&at=2020-06-22T10:00+08:00"
                                  "#scene=hall&viewpoint=entrance")
    assert record["title"] == "Hall · Test venue"
    assert record["announcer"] == "Now in Hall. 4 hotspots."


def test_first_scene_shows_before_prefetch(runs: dict[str, Any]) -> None:
    timing = _record(runs, "startup")["timing"]
    marks = {mark["name"]: mark["t"] for mark in timing["marks"]}
    shown = marks["venue:scene-shown:hall"]
    by_file = {entry["name"].rsplit("/", 1)[-1]: entry for entry in timing["resources"]}
    assert "garden.glb" in by_file, "the garden scene was not prefetched"
    assert by_file["garden.glb"]["start"] >= shown
    assert by_file["hall.glb"]["end"] <= shown


def test_loading_shows_progress(runs: dict[str, Any]) -> None:
    record = _record(runs, "loadingIndicator")
    assert record["during"]["role"] == "progressbar"
    assert record["during"]["name"] == "Loading Hall"
    assert record["during"]["label"].startswith("Loading Hall")
    assert record["hiddenAfter"]


def test_vr_button_hidden_without_webxr(runs: dict[str, Any]) -> None:
    assert _record(runs, "startup")["vrHidden"]


def test_vr_button_shown_when_supported(runs: dict[str, Any]) -> None:
    record = _record(runs, "vrButton")
    assert record["text"] == "Enter VR"
    assert _errors(record["log"]) == []


# -- hotspots and panels ---------------------------------------------------------------


def test_hotspot_list_opens_panel(runs: dict[str, Any]) -> None:
    record = _record(runs, "listClick")
    opened = record["opened"]
    assert opened["open"] and opened["id"] == "opening-link"
    assert opened["title"] == "Opening"
    assert opened["status"] == "live"
    assert "Live now" in opened["text"]
    assert "2020-06-22 09:30–10:30 UTC+08:00" in opened["text"]
    assert record["url"].endswith("#scene=hall&hotspot=opening-link")
    assert record["focusedInPanel"] == "panel-title"


def test_escape_closes_panel_and_restores_focus(runs: dict[str, Any]) -> None:
    record = _record(runs, "listClick")
    assert not record["closed"]["open"]
    assert record["focusAfter"] == "opening-link"
    assert record["urlAfter"].endswith("#scene=hall&viewpoint=entrance")


def test_marker_click_opens_panel(runs: dict[str, Any]) -> None:
    record = _record(runs, "canvasClick")
    panel = record["panel"]
    assert panel["open"] and panel["id"] == "site", record["positions"]
    assert panel["title"] == "Website"
    link = next(link for link in panel["links"] if link["text"] == "Open link")
    assert link["href"] == "https://example.org/"
    assert "noopener" in link["rel"]
    assert link["target"] == "_blank"
    assert record["afterEmptyClick"]["hotspot"] == "site"
    assert _errors(record["log"]) == []


def test_share_section_shows_link_and_qr(runs: dict[str, Any]) -> None:
    panel = _record(runs, "canvasClick")["panel"]
    assert panel["shareUrl"] == "https://tour.example.org/test/#scene=hall&hotspot=site"
    assert panel["qr"].endswith("share/hall--site.svg")
    assert panel["qrLoaded"]


def test_scene_hotspot_switches_scene(runs: dict[str, Any]) -> None:
    record = _record(runs, "sceneSwitch")
    assert record["panel"]["buttons"][0] == "Go to Garden"
    assert record["view"]["scene"] == "garden"
    assert record["url"].endswith("#scene=garden&viewpoint=gate")
    assert record["title"] == "Garden · Test venue"
    assert [item["id"] for item in record["list"]] == ["back"]
    assert record["announcer"] == "Now in Garden. 1 hotspot."
    assert record["currentSceneButton"] == "garden"
    _assert_not_blank(record["screenshot"])


def test_scene_switch_uses_prefetched_bytes(runs: dict[str, Any]) -> None:
    record = _record(runs, "sceneSwitch")
    garden = [r for r in record["log"]["requests"] if r["url"].endswith("/garden.glb")]
    assert len(garden) == 1
    assert _errors(record["log"]) == []


# -- deep links, language and time -----------------------------------------------------


def test_deep_link_restores_viewpoint(runs: dict[str, Any]) -> None:
    record = _record(runs, "deepLink")
    assert record["viewpoint"]["viewpoint"] == "top"
    # The viewpoint `top` is at (10, -10, 20) Z-up, so (10, 20, 10) in glTF's Y-up.
    assert _close(record["camera"], (10.0, 20.0, 10.0)), record["camera"]
    assert record["fov"] == pytest.approx(60)
    assert record["urlViewpoint"].endswith("#scene=hall&viewpoint=top")


def test_deep_link_opens_hotspot(runs: dict[str, Any]) -> None:
    record = _record(runs, "deepLink")
    assert record["hotspot"]["scene"] == "garden"
    assert record["hotspotPanel"]["open"]
    assert record["hotspotPanel"]["title"] == "Back to the hall"


def test_hash_change_applies_view(runs: dict[str, Any]) -> None:
    record = _record(runs, "deepLink")
    assert record["afterHashChange"]["scene"] == "hall"
    assert record["afterHashChange"]["panel"] == {"kind": "hotspot", "id": "site"}
    assert _errors(record["log"]) == []


def _opening(entry: dict[str, Any]) -> dict[str, Any]:
    return next(item for item in entry["list"] if item["id"] == "opening-link")


def test_lang_zh_and_live_time(runs: dict[str, Any]) -> None:
    zh = _record(runs, "languageAndTime")["zhLive"]
    assert _opening(zh)["title"] == "开幕式"
    assert _opening(zh)["detail"] == "正在直播"
    assert zh["panel"]["status"] == "live"
    assert zh["htmlLang"] == "zh"
    assert zh["clock"] == "会场时间: 2020-06-22 10:00 UTC+08:00 (预览)"


def test_language_switch_relabels(runs: dict[str, Any]) -> None:
    switched = _record(runs, "languageAndTime")["switched"]
    assert _opening(switched)["title"] == "Opening"
    assert switched["panel"]["title"] == "Opening"
    assert switched["htmlLang"] == "en"
    assert switched["pressed"] == "true"
    assert "lang=en" in switched["url"]


@pytest.mark.parametrize(("case", "status", "detail"), [
    ("enUpcoming", "upcoming", "Upcoming"),
    ("enReplay", "replay", "Ended, replay available"),
    ("localTime", "live", "Live now"),
])
def test_at_sets_session_status(runs: dict[str, Any], case: str, status: str,
                                detail: str) -> None:
    entry = _record(runs, "languageAndTime")[case]
    assert _opening(entry)["detail"] == detail
    assert entry["panel"]["status"] == status
    assert _errors(entry["log"]) == []


def test_upcoming_session_counts_down(runs: dict[str, Any]) -> None:
    entry = _record(runs, "languageAndTime")["enUpcoming"]
    assert re.search(r"Starts in 00:(29:[0-5]\d|30:00)", entry["panel"]["text"])


def test_invalid_at_shows_notice(runs: dict[str, Any]) -> None:
    entry = _record(runs, "languageAndTime")["badTime"]
    assert entry["notice"] is not None
    assert entry["notice"].startswith("Ignored at=yesterday")
    assert "(preview)" not in entry["clock"]


# -- reach -----------------------------------------------------------------------------


def test_keyboard_reaches_every_hotspot(runs: dict[str, Any]) -> None:
    record = _record(runs, "keyboard")
    reached = {entry["hotspot"] for entry in record["visited"] if entry["hotspot"]}
    assert reached == {"opening-link", "to-garden", "look-up", "site"}
    unmarked = [entry for entry in record["visited"] if not entry["outline"]]
    assert unmarked == [], "focused elements without a visible outline"


def test_keyboard_enter_space_and_escape(runs: dict[str, Any]) -> None:
    record = _record(runs, "keyboard")
    assert record["opened"]["id"] == "site"
    assert not record["closed"]["open"]
    assert record["focusAfter"] == "site"
    assert record["openedBySpace"]["open"]
    assert record["openedBySpace"]["id"] == "site"


def test_reduced_motion_tour_jumps(runs: dict[str, Any]) -> None:
    record = _record(runs, "reducedMotionTour")
    assert record["first"]["touring"]
    assert record["first"]["viewpoint"] == "entrance"
    # Jumped within about a frame: the viewpoint is at (0, -15, 1.7) Z-up.
    assert _close(record["camera"], (0.0, 1.7, 15.0)), record["camera"]
    assert record["caption"]
    assert record["captionProgress"] == "Stop 1 of 2"
    assert record["second"]["panel"] == {"kind": "hotspot", "id": "opening-link"}
    assert not record["stopped"]["touring"]
    assert not record["captionAfter"]


def test_phone_touch_and_target_sizes(runs: dict[str, Any]) -> None:
    record = _record(runs, "phone")
    assert record["listHidden"]
    assert record["toggle"]["height"] >= 44
    assert record["panel"]["id"] == "opening-link"
    assert record["listShown"]
    assert min(record["buttons"]) >= 44
    assert _errors(record["log"]) == []


# -- safety ----------------------------------------------------------------------------


def test_markup_in_text_never_executes(runs: dict[str, Any]) -> None:
    record = _record(runs, "hostile")
    assert record["flag"] is None
    assert record["log"]["dialogs"] == []
    assert record["injectedImages"] == 0
    titles = [item["title"] for item in record["titles"]]
    assert MARKUP_TITLE in titles
    assert SCRIPT_TITLE in record["sceneButtons"]
    assert record["documentTitle"].startswith(SCRIPT_TITLE)
    assert "<b onmouseover" in record["panels"]["opening-link"]["text"]
    assert not any(r["url"].endswith("/x") for r in record["log"]["requests"])


def test_javascript_link_is_blocked(runs: dict[str, Any]) -> None:
    record = _record(runs, "hostile")
    assert record["javascriptLinks"] == 0
    blocked = "only http and https links are allowed"
    assert blocked in record["panels"]["site"]["text"]
    assert blocked in record["markerPanel"]["text"]
    assert all(link["href"] is None or not link["href"].startswith("javascript")
               for link in record["panels"]["site"]["links"])
    assert record["flag"] is None


def test_video_failure_falls_back(runs: dict[str, Any]) -> None:
    record = _record(runs, "videoFallback")
    assert "The video could not be played" in record["panel"]["text"]
    assert record["videos"] == 0
    assert record["after"]["panel"] == {"kind": "hotspot", "id": "site"}
    assert record["log"]["offHost"] == ["https://example.org/live/opening.m3u8"]
    assert record["log"]["pageErrors"] == []


def test_status_feed_overrides_clock(runs: dict[str, Any]) -> None:
    record = _record(runs, "statusFeed")
    # By the clock the opening is live at 10:00, but the feed sets it to replay.
    assert _opening(record)["detail"] == "Ended, replay available"
    assert record["panel"]["status"] == "replay"
    assert record["panel"]["buttons"][0] == "Watch replay"
    assert record["feedRequests"] >= 1
    assert "https://example.org/replay/new.mp4" in record["log"]["offHost"]
    warnings = [e["text"] for e in record["log"]["console"] if e["type"] == "warning"]
    assert any("rejected 1 entries: 'keynote'" in text for text in warnings), warnings
    # The stubbed feed and the aborted replay are this scenario's own requests.
    own = (FEED_URL, "/replay/new.mp4", "ERR_BLOCKED_BY_CLIENT")
    assert [p for p in _errors(record["log"]) if not any(o in p for o in own)] == []


def test_status_feed_failure_uses_schedule(runs: dict[str, Any]) -> None:
    record = _record(runs, "statusFeed")
    # Unreachable twice, then invalid JSON: the clock's "live" at 10:00 is back.
    assert record["afterFailure"] == "Live now"
    assert record["afterSecondFailure"] == "Live now"
    assert record["afterInvalid"] == "Live now"
    assert record["afterRecovery"] == "Ended, replay available"
    console = record["log"]["console"]
    streak = [e["text"] for e in console if "Statuses follow the schedule" in e["text"]]
    assert len(streak) == 1, streak
    assert "failed" in streak[0]
    assert not any("invalid JSON" in e["text"] for e in console)
    assert any(e["text"].endswith(": valid again") for e in console), console


# -- designer mode ---------------------------------------------------------------------

# The hall's tower: a 2 × 2 × 10 m box at [1, 2, 0] in the authors' Z-up frame.
TOWER_X = (0.0, 2.0)
TOWER_FRONT_Y = 1.0
SURFACE_TOLERANCE_M = 0.05


def _parse_snippet(text: str) -> dict[str, Any]:
    from toolkit.source import parse_yaml

    value = parse_yaml(text, Path("snippet.yaml")).value
    assert isinstance(value, list)
    assert len(value) == 1
    entry: dict[str, Any] = value[0]
    return entry


def test_designer_toggles(runs: dict[str, Any]) -> None:
    record = _record(runs, "designer")
    assert record["fromQuery"] is True
    assert record["afterKey"] is False
    assert record["afterButton"] == {"enabled": True, "pressed": "true"}
    assert record["off"]["state"]["enabled"] is False
    assert record["off"]["panelHidden"]
    assert record["off"]["readoutHidden"]
    assert _errors(record["log"]) == []


def test_designer_point_on_tower(runs: dict[str, Any]) -> None:
    record = _record(runs, "designer")
    x, y, z = record["hover"]["point"]
    assert abs(y - TOWER_FRONT_Y) < SURFACE_TOLERANCE_M, record["hover"]
    assert abs(x - 1.0) < SURFACE_TOLERANCE_M, record["hover"]
    assert abs(z - 1.5) < SURFACE_TOLERANCE_M, record["hover"]
    assert record["hover"]["normal"] == [0, -1, 0]
    assert f"Point [{x:g}, {y:g}, {z:g}]" in record["readout"]
    assert "normal [0, -1, 0]" in record["readout"]
    crosshair = record["crosshair"]
    assert abs(crosshair["x"] + crosshair["width"] / 2 - record["target"]["x"]) < 2
    assert abs(crosshair["y"] + crosshair["height"] / 2 - record["target"]["y"]) < 2


def test_designer_click_copies_hotspot(runs: dict[str, Any]) -> None:
    record = _record(runs, "designer")
    hotspot = record["hotspot"]
    entry = _parse_snippet(hotspot["snippet"])
    assert list(entry) == ["id", "at", "title", "url"]
    assert entry["id"] == "new-hotspot"
    assert entry["title"] == {"zh": "新热点", "en": "New hotspot"}
    assert entry["url"] == "https://example.org/"
    # Raised 0.3 m off the tower's face, towards the camera.
    x, y, z = entry["at"]
    point = record["hover"]["point"]
    assert abs(x - point[0]) < 0.011
    assert abs(y - (TOWER_FRONT_Y - 0.3)) < SURFACE_TOLERANCE_M
    assert abs(z - point[2]) < 0.011
    assert hotspot["readOnly"]
    assert hotspot["view"]["hotspot"] is None, "a designer click opened a hotspot"
    assert hotspot["status"] == "Copied to the clipboard."
    assert hotspot["clipboard"] == hotspot["snippet"]


def test_designer_v_copies_viewpoint(runs: dict[str, Any]) -> None:
    record = _record(runs, "designer")
    entry = _parse_snippet(record["viewpoint"]["snippet"])
    assert list(entry) == ["id", "at", "look_at", "title"]
    assert entry["id"] == "new-viewpoint"
    # The camera is at the entrance viewpoint, (0, -15, 1.7) Z-up.
    assert entry["at"] == [0, -15, 1.7]
    assert entry["look_at"] == record["hover"]["point"]
    assert entry["title"] == {"zh": "新视点", "en": "New viewpoint"}


# -- the Nanjing venue -----------------------------------------------------------------


def test_nanjing_boards_render(runs: dict[str, Any]) -> None:
    if runs["_nanjing_skip"]:
        pytest.skip(runs["_nanjing_skip"])
    boards = _record(runs, "nanjing")
    boards = {name: board for name, board in boards.items()
              if isinstance(board, dict) and "screenshot" in board}
    assert boards, "no Nanjing board was shown"
    for name, board in boards.items():
        # Screens try their sessions' streams, which the test browser aborts.
        assert _expected_errors(board["log"], runs["_nanjing_media"]) == [], name
        assert board["list"], f"{name} shows no hotspots"
        _assert_not_blank(board["screenshot"])


# -- screens ---------------------------------------------------------------------------


def _screens(runs: dict[str, Any], name: str) -> dict[str, Any]:
    if runs["_screens_skip"]:
        pytest.skip(runs["_screens_skip"])
    return _record(runs, name)


def _pixel(path: str, box: dict[str, float], down: float = 0.5) -> tuple[float, ...]:
    """Return the mean colour of 5 × 5 pixels in `box`, centred, `down` its height."""
    assert box is not None, "the screen is not in front of the camera"
    x = round((box["left"] + box["right"]) / 2)
    y = round(box["top"] + down * (box["bottom"] - box["top"]))
    patch = Image.open(path).convert("RGB").crop((x - 2, y - 2, x + 3, y + 3))
    return tuple(ImageStat.Stat(patch).mean)


def _assert_color(path: str, box: dict[str, float], expected: tuple[int, int, int],
                  down: float = 0.5) -> None:
    actual = _pixel(path, box, down)
    assert all(abs(a - e) < 30 for a, e in zip(actual, expected, strict=True)), (
        f"{path}: expected about {expected} at {box}, got {actual}")


def _expected_errors(log: dict[str, Any], urls: list[str]) -> list[str]:
    """Return `_errors` without the loads of `urls`, which fail on purpose."""
    failing = tuple(urls)
    problems = [f"console error: {entry['text']}" for entry in log["console"]
                if entry["type"] == "error"
                and not (entry.get("url") or "").startswith(failing)]
    problems += [f"page error: {error}" for error in log["pageErrors"]]
    problems += [f"off-host request: {url}" for url in log["offHost"]
                 if not url.startswith(failing)]
    return problems


def _failing_streams(record: dict[str, Any]) -> list[str]:
    """Return the screens venue's URLs that fail on purpose: dead, missing, stalled."""
    screens = record["first"]["screens"]
    return [screens[name]["url"] for name in ("dead", "missing", "stall")]


def test_screen_plays_live_stream(runs: dict[str, Any]) -> None:
    first = _screens(runs, "screens")["first"]
    live = first["screens"]["live"]
    assert live["kind"] == "live"
    assert live["session"] == "live-clip"
    assert live["shows"] == "video"
    assert live["url"].endswith("/media/red.webm")
    _assert_color(first["screenshot"], first["boxes"]["live"], RED)


def test_screen_plays_native_hls(runs: dict[str, Any]) -> None:
    first = _screens(runs, "screens")["first"]
    assert first["screens"]["hls"]["shows"] == "video"
    _assert_color(first["screenshot"], first["boxes"]["hls"], BLUE)


def test_screen_plays_hls_through_hlsjs(runs: dict[str, Any]) -> None:
    screens = _screens(runs, "screens")
    record = screens["hlsJs"]
    assert record["screens"]["hls"]["shows"] == "video"
    _assert_color(record["screenshot"], record["boxes"]["hls"], BLUE)
    assert any(r["url"].endswith("/hls.min.mjs") for r in record["log"]["requests"])
    # hls.js reports the unreachable playlist as a fatal error.
    dead = record["screens"]["dead"]
    assert dead["shows"] == "card"
    assert dead["lastError"] == "manifestLoadError"
    assert _expected_errors(record["log"], _failing_streams(screens)) == []


def test_screen_counts_down_before_start(runs: dict[str, Any]) -> None:
    first = _screens(runs, "screens")["first"]
    soon = first["screens"]["soon"]
    assert soon["kind"] == "upcoming"
    assert soon["session"] == "soon-talk"
    assert soon["shows"] == "card"
    card = soon["card"]
    assert card["badge"]["text"] == "Upcoming"
    assert card["title"] == "Keynote soon"
    # The clock starts at 09:59:48 and the talk at 10:20.
    assert re.fullmatch(r"Starts in 00:20:[01]\d", card["detail"]), card["detail"]
    assert card["posterUrl"].endswith(".png")
    _assert_color(first["screenshot"], first["boxes"]["soon"], POSTER_YELLOW, down=0.4)


def test_screen_plays_last_replay(runs: dict[str, Any]) -> None:
    first = _screens(runs, "screens")["first"]
    after = first["screens"]["after"]
    assert after["kind"] == "replay"
    assert after["session"] == "after-talk"
    assert after["shows"] == "video"
    _assert_color(first["screenshot"], first["boxes"]["after"], GREEN)


def test_screen_switches_to_replay_at_end(runs: dict[str, Any]) -> None:
    later = _screens(runs, "screens")["later"]
    live = later["screens"]["live"]
    assert live["kind"] == "replay"
    assert live["session"] == "live-clip"
    assert live["shows"] == "video"
    assert live["url"].endswith("/media/cyan.webm")
    _assert_color(later["screenshot"], later["boxes"]["live"], CYAN)


def test_screen_without_session_shows_card(runs: dict[str, Any]) -> None:
    empty = _screens(runs, "screens")["first"]["screens"]["empty"]
    assert empty["kind"] == "none"
    assert empty["session"] == None
    assert empty["shows"] == "card"
    assert empty["card"]["heading"] == "Empty screen"
    assert empty["card"]["message"] == "No session scheduled"


@pytest.mark.parametrize("screen", ["dead", "missing"])
def test_unreachable_stream_falls_back(runs: dict[str, Any], screen: str) -> None:
    first = _screens(runs, "screens")["first"]
    state = first["screens"][screen]
    assert state["kind"] == "live"
    assert state["shows"] == "card"
    assert state["failures"] == 1
    assert state["card"]["note"] == ("The video could not be loaded. "
                                     "It will be tried again shortly.")
    assert state["card"]["badge"]["text"] == "Live now"
    if screen == "dead":  # it has a poster
        _assert_color(first["screenshot"], first["boxes"]["dead"], POSTER_YELLOW,
                      down=0.4)


def test_page_keeps_rendering_while_streams_fail(runs: dict[str, Any]) -> None:
    record = _screens(runs, "screens")
    # requestAnimationFrame ticks while streams fail, retry and time out. A
    # frozen page would run none. Software WebGL on two busy cores ran 8 to
    # 17 in a second while four clips played.
    assert record["first"]["animationFrames"] >= 5
    assert record["later"]["animationFrames"] >= 5
    assert _expected_errors(record["log"], _failing_streams(record)) == []


def test_screen_retries_and_recovers(runs: dict[str, Any]) -> None:
    later = _screens(runs, "screens")["later"]
    missing = later["screens"]["missing"]
    assert missing["shows"] == "video"
    assert missing["failures"] == 0
    _assert_color(later["screenshot"], later["boxes"]["missing"], MAGENTA)


def test_stream_without_frames_times_out(runs: dict[str, Any]) -> None:
    first, later = (_screens(runs, "screens")[key] for key in ("first", "later"))
    assert first["screens"]["stall"]["card"]["note"] == "Connecting…"
    stall = later["screens"]["stall"]
    assert stall["shows"] == "card"
    assert stall["lastError"] == "no data or picture for 12 s"


def test_screen_list_names_programme(runs: dict[str, Any]) -> None:
    entries = {entry["id"]: entry for entry in _screens(runs, "screens")["list"]}
    assert entries["live"]["title"] == "Live channel"
    assert entries["live"]["detail"] == "Live now: Live clip"
    assert entries["soon"]["detail"] == "Upcoming: Keynote soon"
    assert entries["after"]["detail"] == "Replay: Morning talk"
    assert entries["empty"]["title"] == "Empty screen"
    assert entries["empty"]["detail"] == "No session scheduled"
    assert entries["empty"]["disabled"] == "true"


def test_screen_click_opens_session(runs: dict[str, Any]) -> None:
    record = _screens(runs, "screens")
    assert record["hlsPanel"]["kind"] == "session"
    assert record["hlsPanel"]["id"] == "hls-talk"
    assert record["hlsPanel"]["title"] == "HLS talk"
    assert "Live now" in record["hlsPanel"]["text"]
    # The live clip's session has a hotspot, whose panel opens instead.
    assert record["livePanel"]["kind"] == "hotspot"
    assert record["livePanel"]["id"] == "watch-live"
    assert not record["emptyPanel"]["open"]


def test_screen_sound_needs_visitor(runs: dict[str, Any]) -> None:
    record = _screens(runs, "screens")
    assert all(state["muted"] for state in record["first"]["screens"].values())
    assert record["soundButton"] == "Turn on the screen sound"
    assert not record["unmuted"]["hls"]["muted"]
    assert record["unmuted"]["after"]["muted"]
    assert record["soundButtonAfter"] == "Turn off the screen sound"


def test_hidden_page_pauses_screens(runs: dict[str, Any]) -> None:
    hidden = _screens(runs, "screens")["hidden"]
    playing = [name for name, state in hidden.items() if state["paused"] is False]
    assert playing == []
    assert hidden["hls"]["paused"] is True


def test_leaving_scene_frees_screens(runs: dict[str, Any]) -> None:
    record = _screens(runs, "screens")
    before, left = record["before"], record["left"]
    assert before["videos"] >= 4
    assert left["screens"] == 0
    assert left["playing"] == 0
    assert left["loaded"] == 0
    assert left["disposedTextures"] == before["textures"]
    assert left["pictureMaterials"] == ["MeshStandardMaterial"] * 8


def test_screens_resume_on_return(runs: dict[str, Any]) -> None:
    back = _screens(runs, "screens")["back"]
    assert back["screens"]["hls"]["shows"] == "video"
    _assert_color(back["screenshot"], back["boxes"]["hls"], BLUE)


def test_screen_title_markup_is_text(runs: dict[str, Any]) -> None:
    record = _record(runs, "hostile")
    assert record["screenList"] == [MARKUP_TITLE]
    wall = record["screens"]["wall"]
    assert wall["card"]["heading"] == MARKUP_TITLE
    assert record["flag"] is None
    assert record["log"]["dialogs"] == []


def test_screen_ignores_javascript_stream(runs: dict[str, Any]) -> None:
    record = _record(runs, "hostile")
    wall = record["screens"]["wall"]
    assert wall["session"] == "opening"
    assert wall["url"] is None
    assert wall["shows"] == "card"
    assert not any(r["url"].startswith("javascript") for r in record["log"]["requests"])
    assert "only http and https links are allowed" in record["screenPanel"]["text"]


def _nanjing_board(runs: dict[str, Any], scene: str) -> dict[str, Any]:
    if runs["_nanjing_skip"]:
        pytest.skip(runs["_nanjing_skip"])
    boards = _record(runs, "nanjing")
    name = next((name for name in boards if name.startswith(f"{scene}-")), None)
    assert name is not None, f"no board of {scene}"
    board: dict[str, Any] = boards[name]
    return board


def test_nanjing_screens_fall_back(runs: dict[str, Any]) -> None:
    board = _nanjing_board(runs, "global-summit")
    kinds = {name: state["kind"] for name, state in board["screens"].items()}
    assert kinds == {"guest-country": "replay", "t20": "replay",
                     "overseas-dialogue": "live"}
    for name, state in board["screens"].items():
        assert state["shows"] == "card", name
        assert state["failures"] >= 1, name
        assert state["card"]["noteError"], name
        assert state["card"]["posterUrl"] is None, name
    assert board["log"]["offHost"], "the live screens requested no stream"
