"""The build cache: same bytes as a cold build, only edited scenes compiled."""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FILES, REPO, write_project
from PIL import Image

from toolkit import _scene_cache, spec
from toolkit._canonical import FileDigests, canonical_bytes
from toolkit.bundle import prepare_bundle
from toolkit.cache import UNRELATED_MODULES, BuildCache
from toolkit.cli import main
from toolkit.errors import InvalidVenue, Origin
from toolkit.importers import clear_model_cache
from toolkit.load import load_venue
from toolkit.source import load_yaml
from toolkit.validate import check_document, is_valid_by_items


@pytest.fixture(autouse=True)
def fresh_imports() -> Iterator[None]:
    """Start each test with an empty model import cache, as a new process does."""
    clear_model_cache()
    yield
    clear_model_cache()


class CompileCounter:
    """Wraps `compile_scene` in the scene cache and records the scene ids."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.scenes: list[str] = []
        original = _scene_cache.compile_scene

        def counting(scene: spec.Scene, *args: Any, **kwargs: Any) -> Any:
            self.scenes.append(scene.id)
            return original(scene, *args, **kwargs)

        monkeypatch.setattr(_scene_cache, "compile_scene", counting)


def build(venue_file: Path, cache_dir: Path | None) -> tuple[dict[str, bytes],
                                                            BuildCache | None]:
    cache = BuildCache(cache_dir) if cache_dir is not None else None
    bundle = prepare_bundle(load_venue(venue_file, cache=cache), cache)
    return dict(bundle.files), cache


def edit(path: Path, old: str, new: str) -> str:
    """Replace `old` once in the file; return the original text."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text


# -- bytes ---------------------------------------------------------------------


def test_cold_warm_and_reverted_builds_equal(project: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    uncached, _ = build(project, None)
    cold, _ = build(project, cache_dir)
    warm, warm_cache = build(project, cache_dir)
    assert warm_cache is not None
    assert warm_cache.stats.hits["glb"] == 2

    hall = project.parents[1] / "scenes" / "hall.yaml"
    original = edit(hall, "at: [1, 2, 0]", "at: [1, 3, 0]")
    edited, _ = build(project, cache_dir)
    hall.write_text(original, encoding="utf-8")
    reverted, _ = build(project, cache_dir)

    assert cold == uncached
    assert warm == uncached
    assert reverted == uncached
    assert edited["scenes/hall.glb"] != uncached["scenes/hall.glb"]
    assert edited["scenes/garden.glb"] == uncached["scenes/garden.glb"]


def test_cli_builds_equal_with_and_without_cache(project: Path,
                                                 tmp_path: Path) -> None:
    root = project.parents[1]
    assert main(["-q", "build", str(project), "-o", str(tmp_path / "plain"),
                 "--no-web", "--no-cache"]) == 0
    assert not (root / ".venue-cache").exists()
    for run in ("cold", "warm"):
        assert main(["-q", "build", str(project), "-o", str(tmp_path / run),
                     "--no-web"]) == 0
    assert (root / ".venue-cache" / "CACHEDIR.TAG").is_file()
    for name in ("tour.json", "scenes/hall.glb", "scenes/garden.glb"):
        plain = (tmp_path / "plain" / name).read_bytes()
        assert (tmp_path / "cold" / name).read_bytes() == plain
        assert (tmp_path / "warm" / name).read_bytes() == plain


# -- what is compiled again ------------------------------------------------------


def test_edit_recompiles_only_its_scene(project: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir = tmp_path / "cache"
    build(project, cache_dir)
    counter = CompileCounter(monkeypatch)
    edit(project.parents[1] / "scenes" / "garden.yaml", "size: [40, 40]",
         "size: [40, 41]")
    _files, cache = build(project, cache_dir)
    assert counter.scenes == ["garden"]
    assert cache is not None
    assert cache.stats.hits["glb"] == 1
    assert cache.stats.hits["raw"] == 3  # venue, schedule, hall
    assert cache.stats.misses["raw"] == 1


def test_warm_build_compiles_nothing(project: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    build(project, tmp_path / "cache")
    counter = CompileCounter(monkeypatch)
    build(project, tmp_path / "cache")
    assert counter.scenes == []


def test_comment_edit_reuses_glb(project: Path, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    build(project, tmp_path / "cache")
    garden = project.parents[1] / "scenes" / "garden.yaml"
    garden.write_text(garden.read_text(encoding="utf-8") + "# a note\n",
                      encoding="utf-8")
    counter = CompileCounter(monkeypatch)
    _files, cache = build(project, tmp_path / "cache")
    assert counter.scenes == []
    assert cache is not None
    assert cache.stats.misses["raw"] == 1


def test_title_edit_elsewhere_keeps_other_scene(project: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch
                                                ) -> None:
    build(project, tmp_path / "cache")
    counter = CompileCounter(monkeypatch)
    edit(project.parents[1] / "schedules" / "talks.yaml", "en: Keynote",
         "en: Opening keynote")
    files, _ = build(project, tmp_path / "cache")
    assert counter.scenes == []
    assert "Opening keynote" in files["tour.json"].decode("utf-8")


# -- inputs outside the scene file -------------------------------------------------


def png(color: tuple[int, int, int], size: int = 4) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), color).save(buffer, format="PNG")
    return buffer.getvalue()


def write_textured_model(root: Path) -> None:
    """Write assets/models/sign.gltf: a textured triangle whose image is an
    external file, and a camera node, which the importer drops with a warning."""
    positions = [0, 0, 0, 1, 0, 0, 0, 1, 0]
    uvs = [0, 0, 1, 0, 0, 1]
    blob = struct.pack("<15f", *positions, *uvs)
    document = {
        "asset": {"version": "2.0"},
        "scene": 0,
        "scenes": [{"nodes": [0, 1]}],
        "nodes": [{"mesh": 0}, {"camera": 0}],
        "cameras": [{"type": "perspective",
                     "perspective": {"yfov": 1.0, "znear": 0.1}}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0, "TEXCOORD_0": 1},
                                    "material": 0}]}],
        "materials": [{"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}],
        "textures": [{"source": 0}],
        "images": [{"uri": "sign.png"}],
        "accessors": [
            {"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3",
             "min": [0, 0, 0], "max": [1, 1, 0]},
            {"bufferView": 1, "componentType": 5126, "count": 3, "type": "VEC2"},
        ],
        "bufferViews": [{"buffer": 0, "byteOffset": 0, "byteLength": 36},
                        {"buffer": 0, "byteOffset": 36, "byteLength": 24}],
        "buffers": [{"byteLength": len(blob), "uri": "data:application/"
                     "octet-stream;base64," + base64.b64encode(blob).decode()}],
    }
    folder = root / "assets" / "models"
    folder.mkdir(parents=True)
    (folder / "sign.gltf").write_text(json.dumps(document), encoding="utf-8")
    (folder / "sign.png").write_bytes(png((200, 30, 30)))


@pytest.fixture
def model_project(tmp_path: Path) -> Path:
    files = dict(FILES)
    files["scenes/garden.yaml"] = FILES["scenes/garden.yaml"].replace(
        "hotspots:", "  - id: sign\n    model: assets/models/sign.gltf\n"
        "    at: [2, 2, 0]\nhotspots:")
    venue_file = write_project(tmp_path / "project", files)
    write_textured_model(tmp_path / "project")
    return venue_file


def test_model_texture_edit_recompiles(model_project: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir = tmp_path / "cache"
    before, _ = build(model_project, cache_dir)
    texture = model_project.parents[1] / "assets" / "models" / "sign.png"
    # No clear_model_cache() here: the importer's own cache must notice too.
    texture.write_bytes(png((30, 200, 30), size=8))
    counter = CompileCounter(monkeypatch)
    after, _ = build(model_project, cache_dir)
    compiled = list(counter.scenes)
    clear_model_cache()
    uncached, _ = build(model_project, None)
    assert compiled == ["garden"]
    assert after["scenes/garden.glb"] != before["scenes/garden.glb"]
    assert after == uncached


def test_cache_hit_logs_model_warnings_again(model_project: Path, tmp_path: Path,
                                             caplog: pytest.LogCaptureFixture
                                             ) -> None:
    cache_dir = tmp_path / "cache"
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        build(model_project, cache_dir)
    cold = [r.getMessage() for r in caplog.records if "camera" in r.getMessage()]
    caplog.clear()
    clear_model_cache()
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        _files, cache = build(model_project, cache_dir)
    warm = [r.getMessage() for r in caplog.records if "camera" in r.getMessage()]
    assert cache is not None
    assert cache.stats.hits["glb"] == 2
    assert len(cold) == 1
    assert warm == cold


# -- broken entries and folders ----------------------------------------------------


def entry_files(cache_dir: Path, kind: str) -> list[Path]:
    folder = cache_dir / kind
    return sorted(folder.iterdir()) if folder.is_dir() else []


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped byte", "empty"])
def test_corrupt_entries_are_rebuilt(project: Path, tmp_path: Path, damage: str,
                                     monkeypatch: pytest.MonkeyPatch,
                                     caplog: pytest.LogCaptureFixture) -> None:
    cache_dir = tmp_path / "cache"
    expected, _ = build(project, None)
    build(project, cache_dir)
    for kind in ("glb", "raw", "texture", "deps", "items"):
        for path in entry_files(cache_dir, kind):
            data = path.read_bytes()
            damaged = {"garbage": b"not a cache entry",
                       "truncated": data[: len(data) // 2],
                       "flipped byte": data[:-1] + bytes([data[-1] ^ 1]),
                       "empty": b""}[damage]
            path.write_bytes(damaged)

    counter = CompileCounter(monkeypatch)
    with caplog.at_level(logging.DEBUG, logger="toolkit.cache"):
        rebuilt, cache = build(project, cache_dir)
    assert rebuilt == expected
    assert sorted(counter.scenes) == ["garden", "hall"]
    assert cache is not None
    assert cache.stats.corrupt > 0
    assert any("corrupt cache entry" in r.getMessage() for r in caplog.records)

    again, cache = build(project, cache_dir)
    assert again == expected
    assert cache is not None
    assert cache.stats.corrupt == 0
    assert cache.stats.hits["glb"] == 2


def test_no_temporary_files_left(project: Path, tmp_path: Path) -> None:
    build(project, tmp_path / "cache")
    leftovers = [p for p in (tmp_path / "cache").rglob(".tmp-*")]
    assert leftovers == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write a read-only folder")
def test_unwritable_cache_builds_with_warning(project: Path, tmp_path: Path,
                                              caplog: pytest.LogCaptureFixture
                                              ) -> None:
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir(mode=0o500)
    expected, _ = build(project, None)
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        files, _ = build(project, cache_dir)
    assert files == expected
    assert any("cannot write to the build cache" in r.getMessage()
               for r in caplog.records)


def test_cache_path_is_a_file(project: Path, tmp_path: Path,
                              caplog: pytest.LogCaptureFixture) -> None:
    cache_dir = tmp_path / "cache"
    cache_dir.write_text("in the way")
    expected, _ = build(project, None)
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        files, _ = build(project, cache_dir)
    assert files == expected
    warnings = [r for r in caplog.records if "build cache" in r.getMessage()]
    assert len(warnings) == 1


def test_prune_removes_oldest_entries(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache", max_bytes=2500)
    for index in range(5):
        cache.put("glb", f"{index:064x}", bytes(1000))
        path = tmp_path / "cache" / "glb" / f"{index:064x}"
        os.utime(path, ns=(index * 10**9, index * 10**9))
    assert cache.prune() == 3
    kept = sorted(path.name for path in (tmp_path / "cache" / "glb").iterdir())
    assert kept == [f"{3:064x}", f"{4:064x}"]


# -- keys --------------------------------------------------------------------------


def test_shared_material_changes_key(tmp_path: Path) -> None:
    """Two objects sharing a material compile to one glTF material, two equal
    ones to two, so the keys must differ."""
    material = spec.MaterialSpec(name="paint", color="#ff0000")
    copy = spec.MaterialSpec(name="paint", color="#ff0000")
    origin = Origin(tmp_path / "scenes" / "s.yaml", 1, 1)

    def scene(first: spec.MaterialSpec, second: spec.MaterialSpec) -> spec.Scene:
        objects = tuple(
            spec.SceneObject(name, spec.Shape("box", {"size": [1, 1, 1]}), paint,
                             spec.Placement((0.0, 0.0, 0.0)), (), None, origin)
            for name, paint in (("a", first), ("b", second)))
        return spec.Scene("s", {"en": "S"}, None, spec.Sky("color", {"color": "#000"}),
                          "#ffffff", 0.3, "v", objects, (), (), (), (),
                          origin.file, origin)

    digests = FileDigests()
    shared = canonical_bytes(scene(material, material), tmp_path, digests)
    separate = canonical_bytes(scene(material, copy), tmp_path, digests)
    assert shared != separate


def test_key_uses_file_content_not_path(project: Path, tmp_path: Path) -> None:
    root = project.parents[1]
    texture = root / "assets" / "poster.png"
    texture.parent.mkdir()
    texture.write_bytes(png((1, 2, 3)))
    first = canonical_bytes(texture, root, FileDigests())
    texture.write_bytes(png((3, 2, 1)))
    second = canonical_bytes(texture, root, FileDigests())
    assert b"assets/poster.png" in first
    assert str(root).encode() not in first
    assert first != second


def test_build_stages_import_no_unrelated_module() -> None:
    code = ("import sys, toolkit.bundle, toolkit.load, toolkit.importers\n"
            "print('\\n'.join(sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True,
                            text=True, check=True, cwd=REPO)
    loaded = {name.removeprefix("toolkit.").replace(".", "/")
              for name in result.stdout.split() if name.startswith("toolkit.")}
    for module in UNRELATED_MODULES:
        stem = module.removesuffix(".py").rstrip("/")
        assert not any(name == stem or name.startswith(stem + "/")
                       for name in loaded), module


# -- schema checks of list items ----------------------------------------------------

INVALID_EDITS = {
    "bad object": ("material: wall\n    at: [1, 2, 0]", "material: wall\n    at: [1, 2]"),
    "bad material": ("roughness: 0.5", "roughness: 5"),
    "unknown key": ("title: {zh: 大厅, en: Hall}", "titel: {zh: 大厅, en: Hall}"),
    "bad viewpoint": ("look_at: [0, 0, 0]", "look_at: nowhere"),
    "bad tour stop": ("hold: 2", "hold: two"),
}


@pytest.mark.parametrize("case", sorted(INVALID_EDITS))
def test_item_check_agrees_with_full_check(tmp_path: Path, case: str) -> None:
    old, new = INVALID_EDITS[case]
    path = tmp_path / "hall.yaml"
    path.write_text(FILES["scenes/hall.yaml"], encoding="utf-8")
    valid = load_yaml(path)
    cache = BuildCache(tmp_path / "cache")

    def digest(*parts: str) -> str:
        return cache.key("item", *parts)

    ok, digests = is_valid_by_items(valid.value, "scene", set(), digest)
    assert ok
    assert check_document(valid, "scene") == []

    edit(path, old, new)
    invalid = load_yaml(path)
    assert check_document(invalid, "scene") != []
    ok_with_known, _ = is_valid_by_items(invalid.value, "scene", set(digests),
                                         digest)
    assert not ok_with_known


def test_schema_error_still_reported_with_cache(project: Path,
                                                tmp_path: Path) -> None:
    build(project, tmp_path / "cache")
    edit(project.parents[1] / "scenes" / "hall.yaml", "roughness: 0.5",
         "roughness: 5")
    with pytest.raises(InvalidVenue) as caught:
        build(project, tmp_path / "cache")
    assert "must be at most 1" in str(caught.value)
