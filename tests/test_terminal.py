"""Progress on a terminal only, and JSON results for scripts."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from toolkit._terminal import ProgressLine
from toolkit.cli import main


class FakeTerminal(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_progress_shows_on_terminal() -> None:
    stream = FakeTerminal(tty=True)
    progress = ProgressLine(enabled=True, stream=stream)
    progress.scene(1, 2, "hall")
    progress.scene(2, 2, "garden")
    progress.clear()
    text = stream.getvalue()
    assert "\r\033[K[1/2] building scene hall" in text
    assert "\r\033[K[2/2] building scene garden" in text
    assert text.endswith("\r\033[K")


@pytest.mark.parametrize("tty, enabled", [(False, True), (True, False)])
def test_progress_silent_otherwise(tty: bool, enabled: bool) -> None:
    stream = FakeTerminal(tty=tty)
    progress = ProgressLine(enabled=enabled, stream=stream)
    progress.scene(1, 1, "hall")
    progress.clear()
    assert stream.getvalue() == ""


def test_build_json(project: Path, tmp_path: Path,
                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "site"
    arguments = ["build", str(project), "-o", str(out), "--no-web", "--json"]
    assert main(arguments) == 0
    cold = json.loads(capsys.readouterr().out)
    assert main(arguments) == 0
    warm = json.loads(capsys.readouterr().out)

    assert cold["ok"] is True
    assert cold["venue"] == "test-venue"
    paths = [item["path"] for item in cold["files"]]
    assert paths == ["scenes/garden.glb", "scenes/hall.glb", "tour.json"]
    sizes = {item["path"]: item["bytes"] for item in cold["files"]}
    assert sizes["tour.json"] == (out / "tour.json").stat().st_size
    assert cold["bytes"] == sum(sizes.values())
    assert cold["seconds"] > 0
    assert cold["scenes"] == 2
    assert cold["scenes_from_cache"] == 0
    assert cold["cache"]["misses"]["deps"] == 2
    assert warm["scenes_from_cache"] == 2
    assert warm["cache"]["hits"]["glb"] == 2
    assert warm["files"] == cold["files"]


def test_build_json_without_cache(project: Path, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(project), "-o", str(tmp_path / "site"), "--no-web",
                 "--json", "--no-cache"]) == 0
    assert json.loads(capsys.readouterr().out)["cache"] is None


def test_validate_json(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(project), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document == {"ok": True, "venue": "test-venue", "scenes": 2,
                        "sessions": 2, "problems": []}


def test_failure_json_names_position(project: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    hall = project.parents[1] / "scenes" / "hall.yaml"
    hall.write_text(hall.read_text(encoding="utf-8").replace(
        "scene: garden", "scene: gardn"), encoding="utf-8")
    assert main(["build", str(project), "-o", str(project.parents[1] / "out"),
                 "--json"]) == 2
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert document["ok"] is False
    assert document["exit_code"] == 2
    problem = document["problems"][0]
    assert problem["file"] == str(hall)
    assert (problem["line"], problem["column"]) == (26, 12)
    assert problem["path"] == "hotspots[1].scene"
    assert "unknown scene 'gardn'" in captured.err
