"""Shared fixtures: a small venue project written in code."""

from __future__ import annotations

from pathlib import Path

import webbrowser

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"

VENUE = """\
venue: test-venue
title: {zh: 测试场馆, en: Test venue}
languages: [zh, en]
timezone: Asia/Shanghai
start: hall
scenes: [hall, garden]
channels:
  - {id: main, title: {zh: 主会场, en: Main stage}}
schedules: [schedules/talks.yaml]
"""

SCHEDULE = """\
sessions:
  - id: opening
    title: {zh: 开幕式, en: Opening}
    channel: main
    start: "2020-06-22T09:30"
    end: "2020-06-22T10:30"
    stream: https://example.org/live/opening.m3u8
    replay: https://example.org/replay/opening.mp4
  - id: keynote
    title: {zh: 主旨演讲, en: Keynote}
    channel: main
    start: "2020-06-22T11:00+08:00"
    end: "2020-06-22T12:00+08:00"
"""

HALL = """\
scene: hall
title: {zh: 大厅, en: Hall}
sky: {gradient: {zenith: "#1d2b53", horizon: "#f2a65a"}}
materials:
  wall: {color: "#2f6fb3", roughness: 0.5}
objects:
  - id: tower
    box: {size: [2, 2, 10]}
    material: wall
    at: [1, 2, 0]
  - id: booths
    box: {size: [3, 2, 2.5]}
    material: {color: "#aa3333"}
    grid: {count: [4, 2], step: [5, 6]}
    at: [-10, 10, 0]
lights:
  - {id: sun, type: directional, direction: [1, 1, -2], intensity: 3}
hotspots:
  - id: opening-link
    at: [0, 8, 2]
    title: {zh: 开幕式, en: Opening}
    session: opening
  - id: to-garden
    at: [3, -2, 1.5]
    title: {zh: 花园, en: Garden}
    scene: garden
  - id: look-up
    at: [-3, 4, 2]
    title: Tower top
    viewpoint: top
  - id: site
    at: [5, 5, 2]
    title: Website
    url: https://example.org/
viewpoints:
  - {id: entrance, at: [0, -15, 1.7], look_at: [0, 20, 2]}
  - {id: top, at: [10, -10, 20], look_at: [0, 0, 0]}
tours:
  - id: highlights
    title: {zh: 精选, en: Highlights}
    stops:
      - {viewpoint: entrance, hold: 2}
      - {hotspot: opening-link, hold: 3}
"""

GARDEN = """\
scene: garden
title: {zh: 花园, en: Garden}
objects:
  - id: ground
    plane: {size: [40, 40]}
    material: {color: "#3a7a3a"}
hotspots:
  - id: back
    at: [0, 0, 1.5]
    title: {zh: 返回大厅, en: Back to the hall}
    scene: hall
viewpoints:
  - {id: gate, at: [0, -10, 1.7], look_at: [0, 0, 1]}
"""

FILES = {
    "venues/test.yaml": VENUE,
    "schedules/talks.yaml": SCHEDULE,
    "scenes/hall.yaml": HALL,
    "scenes/garden.yaml": GARDEN,
}


def write_project(root: Path, files: dict[str, str] | None = None) -> Path:
    """Write the test project under `root`; return the venue file's path."""
    for name, text in (files or FILES).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "venues" / "test.yaml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A valid two-scene venue project; returns the venue file."""
    return write_project(tmp_path / "project")


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test with the temporary folder as working directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def shared_data(*parts: str) -> Path:
    """Return a path under ../shared/data, skipping the test when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"third-party test data not found at {path}")
    return path


@pytest.fixture()
def browser_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record webbrowser.open calls instead of opening a browser."""
    calls: list[str] = []

    def fake_open(url: str, *args: object, **kwargs: object) -> bool:
        calls.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", fake_open)
    return calls
