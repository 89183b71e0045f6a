"""The `venue` command as users run it: exit codes, messages, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FILES, REPO, write_project
from toolkit.cli import main
from toolkit.schema import schema_json


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "toolkit", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})


def test_validate_reports_position_without_traceback(tmp_path: Path) -> None:
    files = dict(FILES)
    files["scenes/hall.yaml"] = files["scenes/hall.yaml"].replace(
        "scene: garden", "scene: gardn")
    write_project(tmp_path, files)
    result = _run("validate", "venues/test.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(
        "scenes/hall.yaml:26:12: unknown scene 'gardn'; did you mean 'garden'?")
    assert "Traceback" not in result.stderr


def test_validate_writes_nothing(project: Path) -> None:
    root = project.parents[1]
    before = sorted(root.rglob("*"))
    assert main(["validate", str(project)]) == 0
    assert sorted(root.rglob("*")) == before


def test_debug_shows_traceback(tmp_path: Path) -> None:
    files = dict(FILES)
    files["scenes/hall.yaml"] = files["scenes/hall.yaml"].replace(
        "scene: garden", "scene: gardn")
    write_project(tmp_path, files)
    result = _run("--debug", "validate", "venues/test.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" in result.stderr


def test_build_then_failed_build_exit_codes(tmp_path: Path) -> None:
    write_project(tmp_path)
    ok = _run("build", "venues/test.yaml", "-o", "out", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "built test-venue: 2 scenes, 2 sessions" in ok.stderr
    (tmp_path / "venues" / "test.yaml").write_text("venue: [unclosed\n")
    failed = _run("build", "venues/test.yaml", "-o", "out", cwd=tmp_path)
    assert failed.returncode == 2
    assert failed.stderr.startswith("venues/test.yaml:2:1: invalid YAML")
    assert (tmp_path / "out" / "tour.json").is_file()


def test_missing_venue_file(tmp_path: Path) -> None:
    result = _run("validate", "venues/none.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "venues/none.yaml: file not found"


def test_usage_error_exit_code(capsys) -> None:
    assert main(["build"]) == 64
    assert "required" in capsys.readouterr().err


def test_quiet_build_prints_nothing(project: Path, tmp_path: Path, capsys) -> None:
    assert main(["-q", "build", str(project), "-o", str(tmp_path / "b")]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ""


@pytest.mark.parametrize("kind", ["venue", "scene", "schedule"])
def test_shipped_schema_matches_command(kind: str, capsys) -> None:
    assert main(["schema", kind]) == 0
    printed = capsys.readouterr().out
    assert json.loads(printed)["title"].lower() == kind
    shipped = (REPO / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert printed == shipped, "schema/ is stale: run `venue schema KIND`"
    assert printed == schema_json(kind)


def _property_names(node: object) -> set[str]:
    names: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                names.update(value)
            names |= _property_names(value)
    elif isinstance(node, list):
        for item in node:
            names |= _property_names(item)
    return names


@pytest.mark.parametrize("kind", ["venue", "scene", "schedule"])
def test_docs_cover_every_schema_key(kind: str) -> None:
    docs = (REPO / "docs" / "format.md").read_text(encoding="utf-8")
    keys = _property_names(json.loads(schema_json(kind)))
    missing = sorted(key for key in keys if f"`{key}`" not in docs)
    assert not missing, f"docs/format.md does not document: {missing}"


def test_internal_error_has_no_traceback(monkeypatch, capsys) -> None:
    import toolkit.cli as cli

    def broken(_args) -> int:
        raise RuntimeError("boom")

    monkeypatch.setitem(cli._COMMANDS, "schema", broken)
    assert main(["schema"]) == 70
    err = capsys.readouterr().err
    assert err.startswith("internal error: RuntimeError: boom")
    assert "Traceback" not in err


def test_snapshot_warns_about_unknown_language(project: Path, tmp_path: Path,
                                               capsys) -> None:
    import toolkit.viewer

    calls = []
    original = toolkit.viewer.snapshot

    def record(bundle_dir, out_dir, **options):
        calls.append(options["lang"])
        return []

    toolkit.viewer.snapshot = record
    try:
        assert main(["snapshot", str(project), "-o", str(tmp_path / "s"),
                     "--lang", "fr"]) == 0
    finally:
        toolkit.viewer.snapshot = original
    assert calls == ["fr"]
    err = capsys.readouterr().err
    assert "--lang fr is not one of the venue's languages (zh, en)" in err
