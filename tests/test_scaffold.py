"""`venue new`: a project that builds, validates and lints clean as created."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from gltf_validator import assert_valid_glb

from toolkit.cli import main
from toolkit.errors import BuildError
from toolkit.scaffold import create_project, project_files
from toolkit.schema import schema_json

NAME = "my-expo"
YAML_FILES = {
    f"venues/{NAME}.yaml": "venue",
    "scenes/lobby.yaml": "scene",
    f"schedules/{NAME}.yaml": "schedule",
}


@pytest.fixture
def created(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    folder = tmp_path / "expo"
    assert main(["new", NAME, "--dir", str(folder)]) == 0
    assert "created 7 files" in capsys.readouterr().err
    return folder


def test_new_project_builds_and_validates(created: Path, tmp_path: Path) -> None:
    venue_file = created / "venues" / f"{NAME}.yaml"
    assert main(["validate", str(venue_file)]) == 0
    out = tmp_path / "site"
    assert main(["build", str(venue_file), "-o", str(out), "--no-web"]) == 0
    manifest = json.loads((out / "tour.json").read_text(encoding="utf-8"))
    assert manifest["venue"]["id"] == NAME
    assert [scene["id"] for scene in manifest["scenes"]] == ["lobby"]
    assert [session["id"] for session in manifest["sessions"]] == ["welcome"]
    assert_valid_glb((out / "scenes" / "lobby.glb").read_bytes())


def test_new_project_lints_clean(created: Path) -> None:
    venue_file = created / "venues" / f"{NAME}.yaml"
    for target in ("desktop", "web", "mobile"):
        assert main(["lint", str(venue_file), "--strict", "--target", target]) == 0


@pytest.mark.parametrize("path, kind", sorted(YAML_FILES.items()))
def test_modeline_names_schema_copy(created: Path, path: str, kind: str) -> None:
    file = created / path
    first_line = file.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first_line)
    assert match, first_line
    schema_file = (file.parent / match.group(1)).resolve()
    assert schema_file == (created / "schema" / f"{kind}.schema.json").resolve()
    assert schema_file.read_text(encoding="utf-8") == schema_json(kind)


def test_gitignore_covers_output_and_cache(created: Path) -> None:
    lines = (created / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "/build/" in lines
    assert "/.venue-cache/" in lines


def test_build_cache_lands_in_ignored_folder(created: Path) -> None:
    venue_file = created / "venues" / f"{NAME}.yaml"
    assert main(["-q", "build", str(venue_file), "-o", str(created / "build"),
                 "--no-web"]) == 0
    assert (created / ".venue-cache").is_dir()
    assert (created / "build" / "tour.json").is_file()


def test_existing_files_not_overwritten(created: Path, capsys: pytest.CaptureFixture[str]
                              ) -> None:
    scene = created / "scenes" / "lobby.yaml"
    scene.write_text(scene.read_text(encoding="utf-8") + "# my edit\n",
                     encoding="utf-8")
    before = {path: path.read_bytes() for path in created.rglob("*")
              if path.is_file()}
    assert main(["new", NAME, "--dir", str(created)]) == 3
    err = capsys.readouterr().err
    assert f"{created / 'scenes' / 'lobby.yaml'}: file exists" in err
    after = {path: path.read_bytes() for path in created.rglob("*")
             if path.is_file()}
    assert after == before


def test_writes_nothing_when_one_file_exists(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("mine\n", encoding="utf-8")
    with pytest.raises(BuildError, match="file exists"):
        create_project(NAME, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".gitignore"]
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "mine\n"


def test_other_files_in_folder_are_kept(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("notes\n", encoding="utf-8")
    written = create_project(NAME, tmp_path)
    assert len(written) == 7
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "notes\n"


def test_default_folder_is_name(tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["-q", "new", NAME]) == 0
    assert (tmp_path / NAME / "venues" / f"{NAME}.yaml").is_file()


@pytest.mark.parametrize("name", ["My Expo", "expo_2020", "expo-", ""])
def test_invalid_name_is_usage_error(tmp_path: Path, name: str,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", name, "--dir", str(tmp_path / "x")]) == 64
    assert "lowercase kebab-case" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_session_is_a_week_ahead() -> None:
    files = project_files(NAME, today=date(2024, 2, 26))
    schedule = files[f"schedules/{NAME}.yaml"]
    assert 'start: "2024-03-04T10:00"' in schedule
    assert 'end: "2024-03-04T10:30"' in schedule
