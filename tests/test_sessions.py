"""Session status, local times at DST changes, the status feed, screens and
`venue sessions`."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from conftest import FILES, write_project
from gltf_validator import assert_valid_glb
from toolkit.bundle import prepare_bundle
from toolkit.cli import main
from toolkit.errors import InvalidVenue
from toolkit.gltf import read_glb
from toolkit.load import load_venue
from toolkit.sessions import MAX_FEED_BYTES, Override, apply_feed, status

BERLIN = ZoneInfo("Europe/Berlin")
SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class _Session:
    id: str
    start: datetime
    end: datetime
    replay: str | None = None


def _at(text: str, zone: ZoneInfo = SHANGHAI) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=zone)


TALK = _Session("talk", _at("2020-06-22T09:30"), _at("2020-06-22T10:30"),
                "https://example.org/replay.mp4")
NO_REPLAY = _Session("plain", TALK.start, TALK.end)


# -- status at the boundaries -------------------------------------------------------


def test_status_before_start_counts_down() -> None:
    current = status(TALK, _at("2020-06-22T09:00"))
    assert current.kind == "upcoming"
    assert current.starts_in == timedelta(minutes=30)


def test_status_one_microsecond_before_start() -> None:
    current = status(TALK, TALK.start - timedelta(microseconds=1))
    assert current.kind == "upcoming"
    assert current.starts_in == timedelta(microseconds=1)


def test_status_start_instant_is_live() -> None:
    current = status(TALK, TALK.start)
    assert current.kind == "live"
    assert current.starts_in is None


def test_status_just_before_end_is_live() -> None:
    assert status(TALK, TALK.end - timedelta(microseconds=1)).kind == "live"


@pytest.mark.parametrize("session,expected", [(TALK, "replay"),
                                              (NO_REPLAY, "ended")])
def test_status_end_instant_is_over(session: _Session, expected: str) -> None:
    assert status(session, session.end).kind == expected


def test_status_compares_instants_not_wall_clocks() -> None:
    # 03:30 in Berlin is 09:30 in Shanghai on that day: the start instant.
    assert status(TALK, _at("2020-06-22T03:30", BERLIN)).kind == "live"
    assert status(TALK, datetime(2020, 6, 22, 1, 29, tzinfo=UTC)).kind == "upcoming"


def test_status_rejects_naive_clock() -> None:
    with pytest.raises(ValueError, match="no timezone"):
        status(TALK, datetime(2020, 6, 22, 9, 30))


def test_status_across_midnight() -> None:
    late = _Session("late", _at("2020-06-22T23:00"), _at("2020-06-23T01:00"))
    assert status(late, _at("2020-06-22T22:59")).kind == "upcoming"
    assert status(late, _at("2020-06-23T00:30")).kind == "live"
    assert status(late, _at("2020-06-23T01:00")).kind == "ended"


def test_status_override_replaces_clock() -> None:
    delayed = Override("upcoming")
    current = status(TALK, _at("2020-06-22T09:45"), delayed)
    assert current.kind == "upcoming"
    assert current.starts_in == timedelta(0)
    assert status(TALK, _at("2020-06-22T08:00"), Override("live")).kind == "live"


# -- local times at DST changes, through the loader --------------------------------


def _venue_with_times(tmp_path: Path, start: str, end: str,
                      timezone: str = "Europe/Berlin") -> Path:
    files = dict(FILES)
    files["venues/test.yaml"] = files["venues/test.yaml"].replace(
        "timezone: Asia/Shanghai", f"timezone: {timezone}")
    files["schedules/talks.yaml"] = files["schedules/talks.yaml"].replace(
        'start: "2020-06-22T09:30"', f'start: "{start}"').replace(
        'end: "2020-06-22T10:30"', f'end: "{end}"')
    return write_project(tmp_path, files)


def test_spring_forward_session_is_one_hour(tmp_path: Path) -> None:
    # Europe/Berlin 2024-03-31: clocks jump from 02:00 (+01:00) to 03:00 (+02:00).
    venue = load_venue(_venue_with_times(tmp_path, "2024-03-31T01:30",
                                         "2024-03-31T03:30"))
    opening = venue.sessions[0]
    assert opening.start.isoformat() == "2024-03-31T01:30:00+01:00"
    assert opening.end.isoformat() == "2024-03-31T03:30:00+02:00"
    assert opening.end - opening.start == timedelta(hours=1)
    assert status(opening, _at("2024-03-31T03:15+02:00")).kind == "live"
    assert status(opening, _at("2024-03-31T03:30+02:00")).kind == "replay"


def test_fall_back_session_is_three_hours(tmp_path: Path) -> None:
    # Europe/Berlin 2024-10-27: clocks go back from 03:00 (+02:00) to 02:00 (+01:00).
    venue = load_venue(_venue_with_times(tmp_path, "2024-10-27T01:30",
                                         "2024-10-27T03:30"))
    opening = venue.sessions[0]
    assert opening.end - opening.start == timedelta(hours=3)
    # The second 02:30 of the night (+01:00) is still inside the session.
    assert status(opening, _at("2024-10-27T02:30+01:00")).kind == "live"
    assert status(opening, _at("2024-10-27T03:30+01:00")).kind == "replay"


def test_nonexistent_local_time_is_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidVenue) as caught:
        load_venue(_venue_with_times(tmp_path, "2024-03-31T02:30",
                                     "2024-03-31T04:00"))
    messages = [str(problem) for problem in caught.value.problems
                if "talks.yaml" in str(problem)]
    assert len(messages) == 1
    assert "talks.yaml:5:12: local time 2024-03-31T02:30 does not exist in " \
        "Europe/Berlin" in messages[0]
    assert "+01:00 to +02:00" in messages[0]


def test_ambiguous_local_time_takes_earlier(tmp_path: Path,
                                            caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        venue = load_venue(_venue_with_times(tmp_path, "2024-10-27T02:30",
                                             "2024-10-27T04:00"))
    assert venue.sessions[0].start.utcoffset() == timedelta(hours=2)
    warnings = [r.getMessage() for r in caplog.records if "occurs twice" in
                r.getMessage()]
    assert len(warnings) == 1
    assert "talks.yaml:5:12: warning: local time 2024-10-27T02:30 occurs twice" in \
        warnings[0]


def test_local_time_with_offset_is_not_checked(tmp_path: Path) -> None:
    venue = load_venue(_venue_with_times(tmp_path, "2024-03-31T02:30+01:00",
                                         "2024-03-31T04:00+02:00"))
    assert venue.sessions[0].end - venue.sessions[0].start == timedelta(minutes=30)


# -- status feed -------------------------------------------------------------------

SESSIONS = [TALK, NO_REPLAY]


def test_feed_overrides_known_sessions() -> None:
    feed = {
        "talk": {"status": "live", "stream": "https://example.org/live.m3u8"},
        "plain": {"status": "upcoming"},
        "elsewhere": {"status": "live"},
    }
    overrides = apply_feed(SESSIONS, json.dumps(feed))
    assert overrides == {
        "talk": Override("live", "https://example.org/live.m3u8", None),
        "plain": Override("upcoming"),
    }


def test_feed_accepts_bytes_and_objects() -> None:
    text = '{"talk": {"status": "ended", "note": "ignored key"}}'
    assert apply_feed(SESSIONS, text.encode()) == {"talk": Override("ended")}
    assert apply_feed(SESSIONS, json.loads(text)) == {"talk": Override("ended")}


@pytest.mark.parametrize("document", [
    "not json",
    "[]",
    '"live"',
    "null",
    "{",
    "",
], ids=["text", "list", "string", "null", "truncated", "empty"])
def test_feed_invalid_document_is_none(document: str) -> None:
    assert apply_feed(SESSIONS, document) is None


def test_feed_too_long_is_none() -> None:
    padding = " " * MAX_FEED_BYTES
    assert apply_feed(SESSIONS, '{"talk": {"status": "live"}}' + padding) is None


def test_feed_limit_counts_utf8_bytes() -> None:
    # 400,000 characters of three UTF-8 bytes each are 1,200,000 bytes.
    document = json.dumps({"talk": {"status": "live", "note": "直" * 400_000}},
                          ensure_ascii=False)
    assert len(document) < MAX_FEED_BYTES
    assert apply_feed(SESSIONS, document) is None


def test_feed_deep_nesting_is_none() -> None:
    assert apply_feed(SESSIONS, "[" * 200_000 + "]" * 200_000) is None


@pytest.mark.parametrize("entry", [
    {"status": "live", "stream": "javascript:alert(1)"},
    {"status": "replay", "replay": "file:///etc/passwd"},
    {"status": "live", "stream": "data:text/html,x"},
    {"status": "live", "stream": 42},
    {"status": "started"},
    {"stream": "https://example.org/live.m3u8"},
    "live",
], ids=["javascript", "file", "data", "number", "unknown status", "no status",
        "not object"])
def test_feed_rejects_bad_entry_only(entry: object,
                                     caplog: pytest.LogCaptureFixture) -> None:
    feed = {"talk": entry, "plain": {"status": "live"}}
    with caplog.at_level(logging.WARNING):
        overrides = apply_feed(SESSIONS, json.dumps(feed))
    assert overrides == {"plain": Override("live")}
    assert "rejected 1 entries: 'talk'" in caplog.text


def test_feed_replay_without_url_is_ended() -> None:
    feed = {"plain": {"status": "replay"}, "talk": {"status": "replay"}}
    overrides = apply_feed(SESSIONS, json.dumps(feed))
    assert overrides is not None
    assert overrides["plain"] == Override("ended")
    assert overrides["talk"] == Override("replay")
    with_url = apply_feed(SESSIONS, json.dumps(
        {"plain": {"status": "replay", "replay": "http://example.org/r.mp4"}}))
    assert with_url == {"plain": Override("replay", None, "http://example.org/r.mp4")}


# -- status_feed and screens in the bundle -----------------------------------------


SCREENS = """\
screens:
  - {id: main-screen, channel: main, at: [0, 19.9, 4], size: [8, 4.5], rotate: 180,
     title: {zh: 主屏幕, en: Main screen}}
  - {id: side, channel: main, at: [10, 0, 3], size: [2, 1]}
viewpoints:"""


def _project_with(tmp_path: Path, venue_extra: str = "",
                  hall_old: str = "viewpoints:", hall_new: str = SCREENS) -> Path:
    files = dict(FILES)
    files["venues/test.yaml"] += venue_extra
    assert hall_old in files["scenes/hall.yaml"]
    files["scenes/hall.yaml"] = files["scenes/hall.yaml"].replace(hall_old, hall_new, 1)
    return write_project(tmp_path, files)


def _manifest(venue_file: Path) -> tuple[dict, dict[str, bytes]]:
    bundle = prepare_bundle(load_venue(venue_file))
    return json.loads(bundle.files["tour.json"]), dict(bundle.files)


def test_status_feed_in_manifest(tmp_path: Path) -> None:
    venue = _project_with(tmp_path, "status_feed: {url: "
                          "https://example.org/status.json, interval: 12.5}\n")
    manifest, _files = _manifest(venue)
    assert manifest["status_feed"] == {"url": "https://example.org/status.json",
                                       "interval": 12.5}


def test_status_feed_default_interval(tmp_path: Path) -> None:
    venue = _project_with(tmp_path, "status_feed: {url: http://127.0.0.1/s.json}\n")
    manifest, _files = _manifest(venue)
    assert manifest["status_feed"] == {"url": "http://127.0.0.1/s.json",
                                       "interval": 30}


def test_no_status_feed_key_without_feed(project: Path) -> None:
    manifest, _files = _manifest(project)
    assert "status_feed" not in manifest


@pytest.mark.parametrize("feed,words", [
    ("{url: https://example.org/s.json, interval: 2}", "number 2 must be at least 5"),
    ("{url: 'javascript:alert(1)'}", "link scheme 'javascript' is not allowed"),
    ("{url: ftp://example.org/s.json}", "link scheme 'ftp' is not allowed"),
    ("{interval: 30}", "missing required key 'url'"),
    ("{url: https://example.org/s.json, every: 30}", "unknown key 'every'"),
], ids=["interval", "javascript", "ftp", "no url", "unknown key"])
def test_status_feed_validation(tmp_path: Path, feed: str, words: str) -> None:
    venue = _project_with(tmp_path, f"status_feed: {feed}\n")
    with pytest.raises(InvalidVenue) as caught:
        load_venue(venue)
    messages = [str(problem) for problem in caught.value.problems]
    assert any("test.yaml:10:" in m and words in m for m in messages), messages


def _glb_nodes(files: dict[str, bytes], scene: str) -> tuple[dict, dict[str, dict]]:
    document, _binary = read_glb(files[f"scenes/{scene}.glb"])
    return document, {node["name"]: node for node in document["nodes"]}


def test_screens_in_manifest(tmp_path: Path) -> None:
    manifest, _files = _manifest(_project_with(tmp_path))
    hall = manifest["scenes"][0]
    assert hall["screens"] == [
        {"id": "main-screen", "node": "screen_main-screen", "channel": "main",
         "title": {"zh": "主屏幕", "en": "Main screen"}},
        {"id": "side", "node": "screen_side", "channel": "main"},
    ]
    assert manifest["scenes"][1]["screens"] == []


def test_screen_node_extras_and_mesh(tmp_path: Path) -> None:
    _manifest_json, files = _manifest(_project_with(tmp_path))
    document, nodes = _glb_nodes(files, "hall")
    screen = nodes["screen_main-screen"]
    assert screen["extras"] == {"kind": "screen", "id": "main-screen",
                                "channel": "main"}
    assert screen["translation"] == pytest.approx([0, 4, -19.9])  # Y-up
    mesh = document["meshes"][screen["mesh"]]
    materials = [document["materials"][p["material"]]["name"]
                 for p in mesh["primitives"]]
    assert materials == ["screen_frame", "screen_main-screen"]
    surface = mesh["primitives"][1]
    assert "TEXCOORD_0" in surface["attributes"]
    position = document["accessors"][surface["attributes"]["POSITION"]]
    assert position["max"][0] - position["min"][0] == pytest.approx(8)
    assert position["max"][1] - position["min"][1] == pytest.approx(4.5)
    side = document["meshes"][nodes["screen_side"]["mesh"]]
    assert side["primitives"][0]["material"] == mesh["primitives"][0]["material"]
    assert side["primitives"][1]["material"] != mesh["primitives"][1]["material"]


def test_screen_faces_heading(tmp_path: Path) -> None:
    """The picture's normal is the heading's direction: rotate 180 faces south."""
    import trimesh

    _manifest_json, files = _manifest(_project_with(tmp_path))
    document, nodes = _glb_nodes(files, "hall")
    screen = nodes["screen_main-screen"]
    x, y, z, w = screen["rotation"]
    rotation = trimesh.transformations.quaternion_matrix([w, x, y, z])[:3, :3]
    surface = document["meshes"][screen["mesh"]]["primitives"][1]
    _doc, binary = read_glb(files["scenes/hall.glb"])
    accessor = document["accessors"][surface["attributes"]["NORMAL"]]
    view = document["bufferViews"][accessor["bufferView"]]
    start = view.get("byteOffset", 0) + accessor.get("byteOffset", 0)
    normal = np.frombuffer(binary, np.float32, 3, start)
    world = rotation @ normal
    # South (-y in the authors' frame) is +z in glTF's Y-up frame.
    assert np.allclose(world, [0, 0, 1], atol=1e-6)


def test_screen_glb_passes_khronos_validator(tmp_path: Path) -> None:
    _manifest_json, files = _manifest(_project_with(tmp_path))
    assert_valid_glb(files["scenes/hall.glb"])


@pytest.mark.parametrize("old,new,location,words", [
    ("channel: main, at: [0, 19.9", "channel: mian, at: [0, 19.9",
     "scenes/hall.yaml:36:32", "unknown channel 'mian'; did you mean 'main'?"),
    ("size: [2, 1]", "size: [2, 0]", "scenes/hall.yaml:38:57",
     "number 0 must be more than 0"),
    ("size: [2, 1]", "size: [2]", "scenes/hall.yaml:38:53",
     "expected [width, height], two positive numbers in metres"),
    ("id: side", "id: main-screen", "scenes/hall.yaml:38:10",
     "duplicate screen id 'main-screen' (first at line 36)"),
    ("id: side", "id: side_1", "scenes/hall.yaml:38:10", "kebab-case"),
], ids=["unknown channel", "zero height", "one number", "duplicate id",
        "underscore"])
def test_screen_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str,
                       new: str, location: str, words: str) -> None:
    write_project(tmp_path, {**FILES, "scenes/hall.yaml": FILES["scenes/hall.yaml"]
                             .replace("viewpoints:", SCREENS.replace(old, new), 1)})
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidVenue) as caught:
        load_venue(Path("venues/test.yaml"))
    messages = [str(problem) for problem in caught.value.problems]
    assert any(m.startswith(location) and words in m for m in messages), messages


def test_node_name_collision_is_error(tmp_path: Path) -> None:
    hall_new = """\
  - id: screen
    box: {size: [1, 1, 1]}
    grid: {count: [2, 1], step: [2, 2]}
lights:"""
    venue = _project_with(tmp_path, "", "lights:", hall_new)
    hall = (tmp_path / "scenes" / "hall.yaml")
    hall.write_text(hall.read_text().replace("viewpoints:", SCREENS.replace(
        "id: side", "id: '1'"), 1))
    with pytest.raises(InvalidVenue, match="are named 'screen_1'"):
        prepare_bundle(load_venue(venue))


# -- venue sessions ----------------------------------------------------------------


def test_sessions_json_output(project: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["sessions", str(project), "--at", "2020-06-22T10:00", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows == [
        {"id": "opening", "title": {"zh": "开幕式", "en": "Opening"},
         "channel": "main", "start": "2020-06-22T09:30:00+08:00",
         "end": "2020-06-22T10:30:00+08:00", "status": "live"},
        {"id": "keynote", "title": {"zh": "主旨演讲", "en": "Keynote"},
         "channel": "main", "start": "2020-06-22T11:00:00+08:00",
         "end": "2020-06-22T12:00:00+08:00", "status": "upcoming",
         "starts_in_seconds": 3600},
    ]


@pytest.mark.parametrize("at,statuses", [
    ("2020-06-22T09:30+08:00", ["live", "upcoming"]),
    ("2020-06-22T02:30Z", ["replay", "upcoming"]),
    ("2020-06-22T03:00+00:00", ["replay", "live"]),
    ("2020-06-22T12:00", ["replay", "ended"]),
], ids=["start instant", "end instant in UTC", "keynote start", "all over"])
def test_sessions_json_status(project: Path, capsys: pytest.CaptureFixture,
                              at: str, statuses: list[str]) -> None:
    assert main(["sessions", str(project), "--at", at, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["status"] for row in rows] == statuses


def test_sessions_table(project: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["sessions", str(project), "--at", "2020-06-20T08:59+08:00"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["ID", "START", "END", "CHANNEL", "STATUS"]
    assert lines[1].split() == ["opening", "2020-06-22T09:30:00+08:00",
                                "2020-06-22T10:30:00+08:00", "main", "upcoming",
                                "in", "2d", "00:31"]
    assert len(lines) == 3


def test_sessions_at_defaults_to_now(project: Path,
                                     capsys: pytest.CaptureFixture) -> None:
    assert main(["sessions", str(project), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["status"] for row in rows] == ["replay", "ended"]


@pytest.mark.parametrize("at", ["tomorrow", "2020-13-01T00:00"])
def test_sessions_invalid_at(project: Path, capsys: pytest.CaptureFixture,
                             at: str) -> None:
    assert main(["sessions", str(project), "--at", at]) == 64
    assert f"invalid time '{at}'" in capsys.readouterr().err


def test_sessions_nonexistent_at(tmp_path: Path,
                                 capsys: pytest.CaptureFixture) -> None:
    venue = _venue_with_times(tmp_path, "2024-03-31T01:00", "2024-03-31T04:00")
    assert main(["sessions", str(venue), "--at", "2024-03-31T02:30"]) == 64
    assert "does not exist in Europe/Berlin" in capsys.readouterr().err


def test_sessions_invalid_venue_exit_code(tmp_path: Path,
                                          capsys: pytest.CaptureFixture) -> None:
    files = dict(FILES)
    files["schedules/talks.yaml"] = files["schedules/talks.yaml"].replace(
        "channel: main\n", "channel: mian\n", 1)
    venue = write_project(tmp_path, files)
    assert main(["sessions", str(venue)]) == 2
    assert "unknown channel 'mian'" in capsys.readouterr().err


@pytest.mark.parametrize("start,timezone", [
    ("0001-01-01T00:00", "Asia/Shanghai"),
    ("0001-01-01T00:00+08:00", "Europe/Berlin"),
    ("9999-12-31T23:59", "America/New_York"),
])
def test_time_outside_datetime_range_is_invalid(
        tmp_path: Path, capsys: pytest.CaptureFixture, start: str,
        timezone: str) -> None:
    venue = _venue_with_times(tmp_path, start, "2020-06-22T10:30", timezone)
    with pytest.raises(InvalidVenue) as error:
        load_venue(venue)
    assert f"schedules/talks.yaml:5:12: invalid time '{start}'; write ISO 8601" \
        in str(error.value.problems[0])
    assert main(["sessions", str(venue)]) == 2
    assert f"talks.yaml:5:12: invalid time '{start}'" in capsys.readouterr().err
