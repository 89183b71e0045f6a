"""The built-in venue: Nanjing Innovation Week 2020 with its four boards."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
import trimesh

from conftest import REPO
from gltf_validator import assert_valid_glb
from toolkit import spec
from toolkit.bundle import Bundle, prepare_bundle
from toolkit.load import load_venue

VENUE_FILE = REPO / "venues" / "nanjing-innovation-week-2020.yaml"
BOARDS = ["purple-mountain", "nanjing-bay", "zhonghua-gate", "global-summit"]
TOLERANCE = 1e-5


@pytest.fixture(scope="module")
def venue() -> spec.Venue:
    return load_venue(VENUE_FILE)


@pytest.fixture(scope="module")
def bundle(venue: spec.Venue) -> Bundle:
    return prepare_bundle(venue)


def test_four_boards(venue: spec.Venue) -> None:
    assert [scene.id for scene in venue.scenes] == BOARDS
    assert venue.timezone == "Asia/Shanghai"
    assert venue.languages == ("zh", "en")


@pytest.mark.parametrize("board", BOARDS)
def test_glb_passes_validator(bundle: Bundle, board: str) -> None:
    assert_valid_glb(bundle.files[f"scenes/{board}.glb"])


def _texts(venue: spec.Venue):
    yield "venue", venue.title
    for session in venue.sessions:
        yield f"session {session.id}", session.title
        if session.description:
            yield f"session {session.id} description", session.description
    for channel in venue.channels:
        yield f"channel {channel.id}", channel.title
    for scene in venue.scenes:
        yield f"scene {scene.id}", scene.title
        for hotspot in scene.hotspots:
            yield f"hotspot {scene.id}/{hotspot.id}", hotspot.title
        for tour in scene.tours:
            yield f"tour {scene.id}/{tour.id}", tour.title


def test_every_text_is_bilingual(venue: spec.Venue) -> None:
    for where, text in _texts(venue):
        assert set(text) == {"zh", "en"}, where
        assert text["zh"] != text["en"], f"{where} is not translated"


def test_sessions_in_innovation_week(venue: spec.Venue) -> None:
    assert len(venue.sessions) >= 12
    shanghai = timezone(timedelta(hours=8))
    first = datetime(2020, 6, 22, tzinfo=shanghai)
    last = datetime(2020, 6, 27, tzinfo=shanghai)
    for session in venue.sessions:
        assert first <= session.start < session.end <= last, session.id
        assert session.start.utcoffset() == timedelta(hours=8), session.id
        assert session.stream and session.stream.startswith("https://example.org/")
        assert session.replay and session.replay.startswith("https://example.org/")


def test_global_summit_has_three_channels(venue: spec.Venue) -> None:
    channels = {s.channel for s in venue.sessions}
    assert {"guest-country", "t20", "overseas-dialogue"} <= channels
    summit = venue.scene("global-summit")
    linked = {h.action.target for h in summit.hotspots if h.action.kind == "session"}
    by_id = {s.id: s for s in venue.sessions}
    assert {by_id[s].channel for s in linked} >= {"guest-country", "t20",
                                                  "overseas-dialogue"}


def test_boards_link_to_each_other(venue: spec.Venue) -> None:
    links = {scene.id: {h.action.target for h in scene.hotspots
                        if h.action.kind == "scene"} for scene in venue.scenes}
    reached, frontier = {venue.start_scene}, [venue.start_scene]
    while frontier:
        for target in links[frontier.pop()] - reached:
            reached.add(target)
            frontier.append(target)
    assert reached == set(BOARDS)
    for board in BOARDS:
        assert links[board], f"{board} links to no other board"


def test_repeated_objects_are_instanced(bundle: Bundle) -> None:
    from toolkit.gltf import read_glb

    for board in BOARDS:
        document, _ = read_glb(bundle.files[f"scenes/{board}.glb"])
        mesh_users = [n["mesh"] for n in document["nodes"] if "mesh" in n]
        assert len(mesh_users) > len(document["meshes"]), board


@pytest.mark.parametrize("board", BOARDS)
def test_trimesh_hotspot_positions(venue: spec.Venue, bundle: Bundle,
                                   board: str, tmp_path: Path) -> None:
    path = tmp_path / f"{board}.glb"
    path.write_bytes(bundle.files[f"scenes/{board}.glb"])
    scene = trimesh.load(path, force="scene")
    for hotspot in venue.scene(board).hotspots:
        matrix, _ = scene.graph.get(f"hotspot_{hotspot.id}")
        x, y, z = hotspot.at
        assert np.allclose(matrix[:3, 3], [x, z, -y], atol=TOLERANCE), hotspot.id
    for viewpoint in venue.scene(board).viewpoints:
        matrix, _ = scene.graph.get(f"viewpoint_{viewpoint.id}")
        x, y, z = viewpoint.at
        assert np.allclose(matrix[:3, 3], [x, z, -y], atol=TOLERANCE), viewpoint.id


@pytest.mark.parametrize("board", BOARDS)
def test_panda3d_hotspot_positions(venue: spec.Venue, bundle: Bundle, board: str,
                                   tmp_path: Path) -> None:
    gltf = pytest.importorskip("gltf")
    from panda3d.core import NodePath

    path = tmp_path / f"{board}.glb"
    path.write_bytes(bundle.files[f"scenes/{board}.glb"])
    root = NodePath(gltf.load_model(str(path)))
    for hotspot in venue.scene(board).hotspots:
        node = root.find(f"**/hotspot_{hotspot.id}")
        assert not node.isEmpty(), hotspot.id
        assert tuple(node.getPos(root)) == pytest.approx(hotspot.at, abs=TOLERANCE)
    for obj in venue.scene(board).objects:
        assert not root.find(f"**/{obj.id}").isEmpty(), obj.id
