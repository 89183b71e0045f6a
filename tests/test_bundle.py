"""Building bundles: glTF content, real consumers, determinism and atomicity."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import trimesh

from conftest import FILES, write_project
from gltf_validator import assert_valid_glb
from toolkit.bundle import prepare_bundle, write_bundle
from toolkit.errors import BuildError, InvalidVenue
from toolkit.gltf import read_glb
from toolkit.load import load_venue

TOLERANCE = 1e-5


@pytest.fixture
def built(project: Path, tmp_path: Path) -> Path:
    out = tmp_path / "bundle"
    write_bundle(prepare_bundle(load_venue(project)), out)
    return out


def _gltf(built: Path, scene: str) -> dict:
    document, _binary = read_glb((built / "scenes" / f"{scene}.glb").read_bytes())
    return document


def _nodes_by_name(document: dict) -> dict[str, dict]:
    return {node["name"]: node for node in document["nodes"]}


def test_bundle_layout(built: Path) -> None:
    assert sorted(p.relative_to(built).as_posix() for p in built.rglob("*")
                  if p.is_file()) == [".venue-files", "scenes/garden.glb",
                                      "scenes/hall.glb", "tour.json"]
    assert (built / ".venue-files").read_text() == (
        ".venue-files\nscenes/garden.glb\nscenes/hall.glb\ntour.json\n")
    manifest = json.loads((built / "tour.json").read_text(encoding="utf-8"))
    assert manifest["format"] == "venue-tour"
    assert manifest["version"] == 1
    assert manifest["venue"]["start_scene"] == "hall"
    hall = manifest["scenes"][0]
    assert hall["file"] == "scenes/hall.glb"
    assert [h["action"] for h in hall["hotspots"]] == [
        {"type": "session", "session": "opening"},
        {"type": "scene", "scene": "garden"},
        {"type": "viewpoint", "viewpoint": "top"},
        {"type": "url", "url": "https://example.org/"},
    ]
    assert manifest["sessions"][0]["start"] == "2020-06-22T09:30:00+08:00"


@pytest.mark.parametrize("scene", ["hall", "garden"])
def test_glb_passes_khronos_validator(built: Path, scene: str) -> None:
    assert_valid_glb((built / "scenes" / f"{scene}.glb").read_bytes())


def test_z_up_becomes_y_up(built: Path) -> None:
    document = _gltf(built, "hall")
    nodes = _nodes_by_name(document)
    tower = nodes["tower"]
    assert tower["translation"] == pytest.approx([1, 0, -2])
    mesh = document["meshes"][tower["mesh"]]
    position = document["accessors"][mesh["primitives"][0]["attributes"]["POSITION"]]
    assert position["max"][1] == pytest.approx(10)  # the 10 m tall box's top is +Y
    assert position["min"][1] == pytest.approx(0)


def test_placed_object_shares_one_mesh(built: Path) -> None:
    document = _gltf(built, "hall")
    nodes = _nodes_by_name(document)
    booths = nodes["booths"]
    children = [document["nodes"][i] for i in booths["children"]]
    assert [c["name"] for c in children] == [f"booths_{i}" for i in range(8)]
    assert {c["mesh"] for c in children} == {children[0]["mesh"]}
    assert len(document["meshes"]) == 2  # tower and booths, not 9


def test_hotspots_and_viewpoints_are_nodes_with_extras(built: Path) -> None:
    nodes = _nodes_by_name(_gltf(built, "hall"))
    opening = nodes["hotspot_opening-link"]
    assert opening["extras"] == {"kind": "hotspot", "id": "opening-link",
                                 "action": {"type": "session", "session": "opening"}}
    assert "mesh" not in opening
    entrance = nodes["viewpoint_entrance"]
    assert entrance["extras"]["kind"] == "viewpoint"
    assert entrance["extras"]["fov"] == 60


def test_viewpoint_looks_along_minus_z(built: Path) -> None:
    nodes = _nodes_by_name(_gltf(built, "hall"))
    entrance = nodes["viewpoint_entrance"]
    x, y, z, w = entrance["rotation"]
    rotation = trimesh.transformations.quaternion_matrix([w, x, y, z])[:3, :3]
    forward = rotation @ np.array([0.0, 0.0, -1.0])
    eye = np.array([0.0, 1.7, 15.0])  # [0, -15, 1.7] in glTF's frame
    target = np.array([0.0, 2.0, -20.0])  # [0, 20, 2]
    expected = (target - eye) / np.linalg.norm(target - eye)
    assert np.allclose(forward, expected, atol=TOLERANCE)
    up = rotation @ np.array([0.0, 1.0, 0.0])
    assert up[1] > 0.99


def test_lights_use_khr_lights_punctual(built: Path) -> None:
    document = _gltf(built, "hall")
    assert "KHR_lights_punctual" in document["extensionsUsed"]
    lights = document["extensions"]["KHR_lights_punctual"]["lights"]
    assert lights[0]["type"] == "directional"
    assert lights[0]["intensity"] == 3


def test_trimesh_reads_names_and_positions(built: Path) -> None:
    scene = trimesh.load(built / "scenes" / "hall.glb", force="scene")
    graph = scene.graph
    expected = {
        "hotspot_opening-link": (0, 8, 2),
        "hotspot_to-garden": (3, -2, 1.5),
        "hotspot_look-up": (-3, 4, 2),
        "hotspot_site": (5, 5, 2),
        "viewpoint_entrance": (0, -15, 1.7),
        "tower": (1, 2, 0),
        "booths_7": (-10 + 3 * 5, 10 + 6, 0),
    }
    for name, (x, y, z) in expected.items():
        matrix, _geometry = graph.get(name)
        # trimesh keeps glTF's Y-up frame: (x, y, z) authored is (x, z, -y).
        assert np.allclose(matrix[:3, 3], [x, z, -y], atol=TOLERANCE), name
    tower = scene.geometry[graph.get("tower")[1]]
    assert tower.bounds[1][1] == pytest.approx(10)


def test_panda3d_gltf_reads_names_and_positions(built: Path) -> None:
    gltf = pytest.importorskip("gltf")
    from panda3d.core import NodePath

    root = NodePath(gltf.load_model(str(built / "scenes" / "hall.glb")))
    for name, position in {"hotspot_opening-link": (0, 8, 2),
                           "hotspot_to-garden": (3, -2, 1.5),
                           "viewpoint_top": (10, -10, 20),
                           "tower": (1, 2, 0)}.items():
        node = root.find(f"**/{name}")
        assert not node.isEmpty(), name
        assert tuple(node.getPos(root)) == pytest.approx(position, abs=TOLERANCE)
    low, high = root.find("**/tower").getTightBounds(root)
    assert high.z == pytest.approx(10, abs=TOLERANCE)  # back to Z-up
    assert low.z == pytest.approx(0, abs=TOLERANCE)


def test_two_builds_are_byte_identical(project: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    write_bundle(prepare_bundle(load_venue(project)), first)
    write_bundle(prepare_bundle(load_venue(project)), second)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_failed_build_keeps_previous_bundle(tmp_path: Path, monkeypatch) -> None:
    venue = write_project(tmp_path / "p")
    out = tmp_path / "bundle"
    write_bundle(prepare_bundle(load_venue(venue)), out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    broken = dict(FILES)
    broken["scenes/hall.yaml"] = broken["scenes/hall.yaml"].replace(
        "scene: garden", "scene: nowhere")
    write_project(tmp_path / "p", broken)
    with pytest.raises(InvalidVenue):
        write_bundle(prepare_bundle(load_venue(venue)), out)
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_write_failure_midway_keeps_previous_bundle(project: Path, tmp_path: Path,
                                                    monkeypatch) -> None:
    out = tmp_path / "bundle"
    bundle = prepare_bundle(load_venue(project))
    write_bundle(bundle, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    calls = {"count": 0}
    original = Path.write_bytes

    def failing_write(self: Path, data: bytes) -> int:
        calls["count"] += 1
        if calls["count"] == 2:
            raise OSError(28, "No space left on device")
        return original(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing_write)
    with pytest.raises(BuildError, match="No space left"):
        write_bundle(bundle, out)
    monkeypatch.undo()
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_keeps_folder_that_is_not_bundle(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "precious"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(BuildError, match="did not write, such as notes.txt"):
        write_bundle(prepare_bundle(load_venue(project)), out)
    assert (out / "notes.txt").read_text() == "keep me"


def test_keeps_folder_that_only_has_a_tour_json(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "precious"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    (out / "tour.json").write_text("{}")
    with pytest.raises(BuildError, match="did not write, such as notes.txt"):
        write_bundle(prepare_bundle(load_venue(project)), out)
    assert (out / "notes.txt").read_text() == "keep me"


def test_keeps_bundle_with_a_file_added_later(built: Path, project: Path) -> None:
    (built / "scenes" / "notes.txt").write_text("keep me")
    with pytest.raises(BuildError, match="such as scenes/notes.txt"):
        write_bundle(prepare_bundle(load_venue(project)), built)
    assert (built / "scenes" / "notes.txt").read_text() == "keep me"


def test_replaces_its_own_bundle_and_empty_folder(project: Path,
                                                 tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    bundle = prepare_bundle(load_venue(project))
    write_bundle(bundle, empty)
    write_bundle(bundle, empty, {"extra.txt": b"x"})
    assert "extra.txt" in (empty / ".venue-files").read_text().splitlines()
    write_bundle(bundle, empty)
    assert not (empty / "extra.txt").exists()


def test_removes_staging_folders_of_killed_builds(project: Path,
                                                  tmp_path: Path) -> None:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)
    dead = int(finished.stdout)
    killed = [tmp_path / f".bundle.{dead}.abc_123", tmp_path / f".bundle.{dead}.x1.old"]
    running = tmp_path / f".bundle.{os.getpid()}.abc_123"
    other_output = tmp_path / f".bundles.{dead}.abc_123"
    for folder in (*killed, running, other_output):
        folder.mkdir()
        (folder / "tour.json").write_text("{}")
    write_bundle(prepare_bundle(load_venue(project)), tmp_path / "bundle")
    assert not any(folder.exists() for folder in killed)
    assert running.exists()
    assert other_output.exists()
    assert (tmp_path / "bundle" / "tour.json").is_file()


def test_panorama_and_texture_files_become_media(tmp_path: Path) -> None:
    from toolkit.textures import encode_png

    files = dict(FILES)
    files["scenes/garden.yaml"] = files["scenes/garden.yaml"].replace(
        "objects:", "sky: {panorama: assets/sky.png, rotate: 90}\nobjects:").replace(
        'material: {color: "#3a7a3a"}', "material: {texture: assets/grass.png}")
    venue = write_project(tmp_path / "p", files)
    pixels = np.zeros((8, 16, 3), np.uint8)
    pixels[:, :8] = 200
    (tmp_path / "p" / "assets").mkdir()
    (tmp_path / "p" / "assets" / "sky.png").write_bytes(encode_png(pixels))
    (tmp_path / "p" / "assets" / "grass.png").write_bytes(encode_png(pixels[:, ::-1]))
    bundle = prepare_bundle(load_venue(venue))
    manifest = json.loads(bundle.files["tour.json"])
    sky = manifest["scenes"][1]["sky"]
    assert sky["type"] == "panorama"
    assert sky["rotate"] == 90
    assert bundle.files[sky["image"]] == (tmp_path / "p/assets/sky.png").read_bytes()
    assert_valid_glb(bundle.files["scenes/garden.glb"])
    document, _ = read_glb(bundle.files["scenes/garden.glb"])
    assert document["images"][0]["mimeType"] == "image/png"


def test_trimesh_loads_from_bytes(built: Path) -> None:
    data = (built / "scenes" / "garden.glb").read_bytes()
    scene = trimesh.load(io.BytesIO(data), file_type="glb", force="scene")
    assert "ground" in scene.graph.nodes


def test_textured_material_defaults_to_white(tmp_path: Path) -> None:
    from toolkit.textures import encode_png

    files = dict(FILES)
    files["scenes/garden.yaml"] = files["scenes/garden.yaml"].replace(
        'material: {color: "#3a7a3a"}', "material: {texture: assets/grass.png}")
    venue = write_project(tmp_path / "p", files)
    (tmp_path / "p" / "assets").mkdir()
    (tmp_path / "p" / "assets" / "grass.png").write_bytes(
        encode_png(np.full((4, 4, 3), 90, np.uint8)))
    document, _ = read_glb(prepare_bundle(load_venue(venue)).files[
        "scenes/garden.glb"])
    factor = document["materials"][0]["pbrMetallicRoughness"].get(
        "baseColorFactor", [1, 1, 1, 1])
    assert factor == [1, 1, 1, 1]


def test_tiled_cylinder_caps_map_from_above(tmp_path: Path) -> None:
    files = dict(FILES)
    files["scenes/garden.yaml"] = files["scenes/garden.yaml"].replace(
        "plane: {size: [40, 40]}", "cylinder: {radius: 30, height: 0.3}").replace(
        'material: {color: "#3a7a3a"}',
        'material: {pattern: {type: stone, size: 4}}')
    venue = write_project(tmp_path / "p", files)
    glb = prepare_bundle(load_venue(venue)).files["scenes/garden.glb"]
    assert_valid_glb(glb)
    document, binary = read_glb(glb)
    attributes = document["meshes"][0]["primitives"][0]["attributes"]

    def read(name: str) -> np.ndarray:
        accessor = document["accessors"][attributes[name]]
        view = document["bufferViews"][accessor["bufferView"]]
        width = {"VEC2": 2, "VEC3": 3}[accessor["type"]]
        start = view.get("byteOffset", 0) + accessor.get("byteOffset", 0)
        data = np.frombuffer(binary, np.float32, accessor["count"] * width, start)
        return data.reshape(-1, width)

    normals, uvs = read("NORMAL"), read("TEXCOORD_0")
    caps = np.abs(normals[:, 1]) > 0.999  # Y-up in glTF
    cap_span = np.ptp(uvs[caps], axis=0)
    assert cap_span == pytest.approx([15, 15], abs=1e-3)  # 60 m across, 4 m tiles
    side_span = np.ptp(uvs[~caps], axis=0)
    assert side_span[0] == pytest.approx(2 * np.pi * 30 / 4, rel=1e-3)
