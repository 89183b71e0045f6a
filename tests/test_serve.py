"""Live preview: rebuild on save, reload the page, show and clear problems."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.request
from functools import partial
from pathlib import Path

import pytest

from conftest import FILES, REPO, write_project
from toolkit.errors import InvalidVenue, Origin, Problem
from toolkit.serve import LiveBuild, Watcher, build_files, problem_report, \
    running_server

HALL = FILES["scenes/hall.yaml"]


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def _state(base: str) -> dict:
    return json.loads(_get(base + "__venue/state"))


def _wait_for(predicate, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_watcher_sees_edit_add_and_remove(tmp_path: Path) -> None:
    write_project(tmp_path)
    watcher = Watcher(tmp_path)
    assert watcher.changed() == []
    hall = tmp_path / "scenes" / "hall.yaml"
    hall.write_text(HALL + "\n")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "new.png").write_bytes(b"x")
    (tmp_path / "scenes" / "garden.yaml").unlink()
    changed = watcher.changed()
    assert hall in changed
    assert tmp_path / "assets" / "new.png" in changed
    assert tmp_path / "scenes" / "garden.yaml" in changed
    assert watcher.changed() == []


def test_problem_report_marks_source_line(tmp_path: Path) -> None:
    source = tmp_path / "scene.yaml"
    source.write_text("scene: a\ntitle: x\nobjects: 3\n")
    error = InvalidVenue(Problem(Origin(source, 3, 10), "expected a list",
                                 "objects"))
    [report] = problem_report(error)
    assert report["location"] == f"{source}:3:10"
    assert report["source"] == "objects: 3"
    assert report["message"] == "expected a list (at objects)"


def test_failed_rebuild_keeps_last_files(tmp_path: Path) -> None:
    venue = write_project(tmp_path)
    live = LiveBuild(partial(build_files, venue, player=False))
    assert live.rebuild()
    files = live.files
    (tmp_path / "scenes" / "hall.yaml").write_text(HALL.replace("scene: garden",
                                                                "scene: gardn"))
    assert not live.rebuild()
    assert live.files is files
    assert live.version == 1
    assert "unknown scene 'gardn'" in live.problems[0]["message"]


def test_server_rebuilds_on_save(tmp_path: Path) -> None:
    venue = write_project(tmp_path)
    build = partial(build_files, venue, player=False)
    with running_server(venue, build, port=0, interval=0.1) as (server, live):
        base = "http://127.0.0.1:%d/" % server.server_address[1]
        assert json.loads(_get(base + "tour.json"))["venue"]["id"] == "test-venue"
        assert b"/__venue/live.js" in _get(base)
        assert _state(base) == {"version": 1, "problems": []}

        hall = tmp_path / "scenes" / "hall.yaml"
        hall.write_text(HALL.replace("title: {zh: 大厅, en: Hall}",
                                     "title: {zh: 大厅, en: Great hall}"))
        _wait_for(lambda: _state(base)["version"] == 2)
        manifest = json.loads(_get(base + "tour.json"))
        assert manifest["scenes"][0]["title"]["en"] == "Great hall"

        hall.write_text(HALL.replace("session: opening", "session: openin"))
        problems = _wait_for(lambda: _state(base)["problems"])
        assert problems[0]["location"].endswith("scenes/hall.yaml:22:14")
        assert problems[0]["source"] == "    session: openin"
        assert json.loads(_get(base + "tour.json"))["scenes"][0]["title"]["en"] == \
            "Great hall"


def test_server_rejects_paths_outside_bundle(tmp_path: Path) -> None:
    venue = write_project(tmp_path)
    build = partial(build_files, venue, player=False)
    with running_server(venue, build, port=0) as (server, _live):
        base = "http://127.0.0.1:%d/" % server.server_address[1]
        for path in ("../venues/test.yaml", "%2e%2e/venues/test.yaml", "nothing"):
            with pytest.raises(urllib.error.HTTPError) as caught:
                _get(base + path)
            assert caught.value.code == 404


def _browser_tools() -> tuple[Path, Path]:
    playwright = REPO / "node_modules" / "playwright-core"
    chromium = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    if shutil.which("node") is None:
        pytest.skip("Node.js (node) is not on PATH")
    if not playwright.is_dir():
        pytest.skip("playwright-core is missing; run npm ci at the repository root")
    if not chromium.exists():
        pytest.skip(f"Chromium not found at {chromium}")
    if not (REPO / "export" / "node_modules" / "three").is_dir():
        pytest.skip("export/node_modules is missing; run npm ci --prefix export")
    return playwright, chromium


class _Page:
    """The browser script, driven one command at a time."""

    def __init__(self, url: str) -> None:
        playwright, chromium = _browser_tools()
        self.process = subprocess.Popen(
            ["node", str(REPO / "tests" / "serve_page.mjs"), str(playwright),
             str(chromium), url],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.read()["event"] == "loaded"

    def read(self) -> dict:
        line = self.process.stdout.readline()
        assert line, "the browser script stopped"
        return json.loads(line)

    def send(self, command: str) -> dict:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self.read()

    def close(self) -> dict:
        result = self.send("quit")
        self.process.wait(timeout=30)
        return result


def test_page_reloads_and_shows_problems(tmp_path: Path) -> None:
    venue = write_project(tmp_path)
    build = partial(build_files, venue, player=True)
    with running_server(venue, build, port=0, interval=0.1) as (server, _live):
        page = _Page("http://127.0.0.1:%d/" % server.server_address[1])
        try:
            assert page.send("mark") == {"event": "marked"}
            hall = tmp_path / "scenes" / "hall.yaml"
            hall.write_text(HALL.replace("en: Hall}", "en: Great hall}"))
            assert page.send("await-reload") == {"event": "reloaded"}

            hall.write_text(HALL.replace("session: opening", "session: openin"))
            overlay = page.send("await-overlay")
            assert overlay["event"] == "overlay"
            assert "scenes/hall.yaml:22:14: unknown session 'openin'" in overlay["text"]
            assert "22 |     session: openin" in overlay["text"]

            assert page.send("mark") == {"event": "marked"}
            hall.write_text(HALL)
            assert page.send("await-clear") == {"event": "cleared"}
            assert page.send("await-reload") == {"event": "reloaded"}
        finally:
            done = page.close()
        assert done["pageErrors"] == []
