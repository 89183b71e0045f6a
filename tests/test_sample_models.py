"""Every sample model of ../shared/data/gltf, used as a scene object.

Each either builds into a GLB that the Khronos validator and trimesh accept,
or is rejected with an error naming a feature that docs/models.md lists as
not supported.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
import trimesh

from conftest import REPO, SHARED_DATA
from gltf_validator import assert_valid_glb
from toolkit.bundle import prepare_bundle
from toolkit.errors import InvalidVenue
from toolkit.load import load_venue


def _sample_models() -> list[Path]:
    folder = SHARED_DATA / "gltf"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix in (".gltf", ".glb"))


def _unsupported_features() -> list[str]:
    text = (REPO / "docs" / "models.md").read_text(encoding="utf-8")
    section = text.split("### Not supported", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"`([^`]+)`", section)


def _venue_with_model(root: Path, model: Path) -> Path:
    target = root / "assets" / "models" / model.parent.parent.name
    shutil.copytree(model.parent, target / model.parent.name)
    relative = (target / model.parent.name / model.name).relative_to(root)
    (root / "venues").mkdir()
    (root / "scenes").mkdir()
    (root / "venues" / "v.yaml").write_text("venue: v\ntitle: V\nscenes: [s]\n")
    (root / "scenes" / "s.yaml").write_text(
        "scene: s\ntitle: S\nobjects:\n"
        f"  - id: sample\n    model: {relative.as_posix()}\n    at: [1, 2, 0]\n"
        "  - id: copies\n"
        f"    model: {relative.as_posix()}\n"
        "    placements: [{at: [5, 0, 0]}, {at: [-5, 0, 0], rotate: 90}]\n"
        "viewpoints:\n  - {id: v, at: [0, -10, 2], look_at: [0, 0, 0]}\n")
    return root / "venues" / "v.yaml"


@pytest.mark.parametrize(
    "model", _sample_models() or [pytest.param(None, marks=pytest.mark.skip(
        reason=f"third-party sample models not found at {SHARED_DATA / 'gltf'}"))],
    ids=lambda p: str(p.relative_to(SHARED_DATA / "gltf")) if p else "none",
)
def test_sample_model_builds_or_names_feature(model: Path, tmp_path: Path) -> None:
    venue = _venue_with_model(tmp_path / "project", model)
    try:
        bundle = prepare_bundle(load_venue(venue))
    except InvalidVenue as error:
        message = str(error)
        named = [f for f in _unsupported_features() if f in message]
        assert named, f"rejected without naming an unsupported feature: {message}"
        return
    glb = bundle.files["scenes/s.glb"]
    assert_valid_glb(glb)
    scene = trimesh.load(io.BytesIO(glb), file_type="glb", force="scene")
    assert "sample" in scene.graph.nodes
    assert "copies_1" in scene.graph.nodes
    assert len(scene.geometry) > 0
