"""The web player in Debian's headless Chromium, as a visitor uses it.

One module fixture builds the exports (the test project, a hostile copy of it
and, when it builds, the Nanjing venue), serves them from a loopback HTTP
server and runs tests/web_player.mjs once, which drives every scenario in one
browser. Each test checks one scenario's record. The tests skip, with the
reason, when Node, playwright-core, Chromium or export/node_modules is missing.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

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


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Run every browser scenario once; yield the records by scenario name."""
    core, chromium = _tool_paths()
    root = tmp_path_factory.mktemp("web")
    sites = root / "sites"

    _build(write_project(root / "test-project"), sites / "test",
           "--base-url", "https://tour.example.org/test/")
    _build(_hostile_project(root / "hostile-project"), sites / "hostile")
    _inject_javascript_link(sites / "hostile")
    shutil.copytree(sites / "test", sites / "feed")
    _add_status_feed(sites / "feed")
    nanjing_scenes, nanjing_skip = _nanjing_scenes(sites / "nanjing")

    handler = functools.partial(_QuietHandler, directory=str(sites))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    config = {
        "playwrightCore": str(core),
        "chromium": str(chromium),
        "outDir": str(root / "out"),
        "sites": {name: f"{base}/{name}/"
                  for name in ("test", "hostile", "feed", "nanjing")},
        "feedUrl": FEED_URL,
        "nanjingScenes": nanjing_scenes,
    }
    config_path = root / "config.json"
    config_path.write_text(json.dumps(config), encoding="utf-8")
    try:
        completed = subprocess.run(
            ["node", str(SCRIPT), str(config_path)], capture_output=True, text=True,
            timeout=RUN_TIMEOUT_SECONDS, check=False,
            env={**os.environ, "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1"})
    finally:
        server.shutdown()
        server.server_close()
    assert completed.returncode == 0, completed.stderr[-4000:]
    results = json.loads((root / "out" / "results.json").read_text(encoding="utf-8"))
    results["_nanjing_skip"] = nanjing_skip
    yield results


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


# -- the Nanjing venue -----------------------------------------------------------------


def test_nanjing_boards_render(runs: dict[str, Any]) -> None:
    if runs["_nanjing_skip"]:
        pytest.skip(runs["_nanjing_skip"])
    boards = _record(runs, "nanjing")
    boards = {name: board for name, board in boards.items()
              if isinstance(board, dict) and "screenshot" in board}
    assert boards, "no Nanjing board was shown"
    for name, board in boards.items():
        assert _errors(board["log"]) == [], name
        assert board["list"], f"{name} shows no hotspots"
        _assert_not_blank(board["screenshot"])
