"""Loading venues: every kind of bad input gets its exact position and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FILES, write_project
from toolkit.errors import InvalidVenue
from toolkit.load import load_venue


def _load_with(tmp_path: Path, file: str, old: str, new: str,
               monkeypatch: pytest.MonkeyPatch):
    files = dict(FILES)
    assert old in files[file], f"test setup: {old!r} not in {file}"
    files[file] = files[file].replace(old, new, 1)
    write_project(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    return load_venue(Path("venues/test.yaml"))


def test_valid_project_loads(project: Path) -> None:
    venue = load_venue(project)
    assert venue.id == "test-venue"
    assert [scene.id for scene in venue.scenes] == ["hall", "garden"]
    assert [session.id for session in venue.sessions] == ["opening", "keynote"]
    hall = venue.scene("hall")
    assert [o.id for o in hall.objects] == ["tower", "booths"]
    assert len(hall.objects[1].copies) == 8
    assert hall.hotspots[2].title == {"zh": "Tower top", "en": "Tower top"}


def test_local_times_use_venue_timezone(project: Path) -> None:
    venue = load_venue(project)
    opening = venue.sessions[0]
    assert opening.start.isoformat() == "2020-06-22T09:30:00+08:00"
    assert venue.sessions[1].end.utcoffset().total_seconds() == 8 * 3600


BAD_INPUT = [
    # (case, file, old text, new text, expected location, expected words)
    ("yaml syntax", "scenes/hall.yaml", "box: {size: [2, 2, 10]}",
     "box: {size: [2, 2, 10]", "scenes/hall.yaml:9:5", "invalid YAML"),
    ("unknown key", "scenes/hall.yaml", "    material: wall\n",
     "    materail: wall\n", "scenes/hall.yaml:9:5",
     "unknown key 'materail'; did you mean 'material'?"),
    ("missing key", "scenes/hall.yaml", "    at: [0, 8, 2]\n", "",
     "scenes/hall.yaml:19:5", "missing required key 'at'"),
    ("wrong type", "scenes/hall.yaml", "at: [1, 2, 0]", "at: [1, two, 0]",
     "scenes/hall.yaml:10:13", "expected a number, got string 'two'"),
    ("vector length", "scenes/hall.yaml", "at: [1, 2, 0]", "at: [1, 2]",
     "scenes/hall.yaml:10:9", "expected three numbers [x, y, z]"),
    ("duplicate key", "scenes/hall.yaml", "    at: [1, 2, 0]\n",
     "    at: [1, 2, 0]\n    at: [0, 0, 0]\n", "scenes/hall.yaml:11:5",
     "duplicate key 'at' (first at line 10)"),
    ("duplicate id", "scenes/hall.yaml", "  - id: booths", "  - id: tower",
     "scenes/hall.yaml:11:9", "duplicate object id 'tower' (first at line 7)"),
    ("unknown session", "scenes/hall.yaml", "session: opening",
     "session: openning", "scenes/hall.yaml:22:14",
     "unknown session 'openning'; did you mean 'opening'?"),
    ("unknown scene", "scenes/hall.yaml", "scene: garden", "scene: gardn",
     "scenes/hall.yaml:26:12", "unknown scene 'gardn'; did you mean 'garden'?"),
    ("unknown viewpoint", "scenes/hall.yaml", "viewpoint: top", "viewpoint: tpo",
     "scenes/hall.yaml:30:16", "unknown viewpoint 'tpo'; did you mean 'top'?"),
    ("unknown tour stop", "scenes/hall.yaml", "{hotspot: opening-link,",
     "{hotspot: opening,", "scenes/hall.yaml:43:19", "unknown hotspot 'opening'"),
    ("unknown material", "scenes/hall.yaml", "material: wall", "material: wal",
     "scenes/hall.yaml:9:15", "unknown material 'wal'; did you mean 'wall'?"),
    ("missing asset", "scenes/hall.yaml", "box: {size: [2, 2, 10]}",
     "model: assets/models/tower.glb", "scenes/hall.yaml:8:12",
     "model file 'assets/models/tower.glb' not found"),
    ("asset outside project", "scenes/hall.yaml", "box: {size: [2, 2, 10]}",
     "model: ../../outside.glb", "scenes/hall.yaml:8:12",
     "leads outside the project"),
    ("absolute asset path", "scenes/hall.yaml", "box: {size: [2, 2, 10]}",
     "model: /etc/passwd.glb", "scenes/hall.yaml:8:12", "is absolute"),
    ("javascript link", "scenes/hall.yaml", "url: https://example.org/",
     "url: javascript:alert(1)", "scenes/hall.yaml:34:10",
     "link scheme 'javascript' is not allowed"),
    ("data link", "scenes/hall.yaml", "url: https://example.org/",
     "url: 'data:text/html,<script>alert(1)</script>'", "scenes/hall.yaml:34:10",
     "link scheme 'data' is not allowed"),
    ("stream scheme", "schedules/talks.yaml",
     "stream: https://example.org/live/opening.m3u8",
     "stream: file:///etc/passwd", "schedules/talks.yaml:7:13",
     "link scheme 'file' is not allowed"),
    ("colour unquoted", "scenes/hall.yaml", 'wall: {color: "#2f6fb3", roughness: 0.5}',
     "wall:\n    color: #2f6fb3", "scenes/hall.yaml:6:11",
     'quoted hex string such as "#2f6fb3"'),
    ("boolean spelled yes", "scenes/hall.yaml", 'material: {color: "#aa3333"}',
     'material: {color: "#aa3333", double_sided: yes}', "scenes/hall.yaml:13:48",
     "expected true or false, got string 'yes'"),
    ("time 1:30", "schedules/talks.yaml", 'start: "2020-06-22T09:30"',
     "start: 1:30", "schedules/talks.yaml:5:12", "invalid time '1:30'"),
    ("time as number", "schedules/talks.yaml", 'start: "2020-06-22T09:30"',
     "start: 930", "schedules/talks.yaml:5:12", "expected a string, got number 930"),
    ("end before start", "schedules/talks.yaml", 'end: "2020-06-22T10:30"',
     'end: "2020-06-22T09:00"', "schedules/talks.yaml:6:10",
     "ends (2020-06-22T09:00) before it starts"),
    ("duplicate session", "schedules/talks.yaml", "id: keynote", "id: opening",
     "schedules/talks.yaml:9:9", "duplicate session id 'opening'"),
    ("unknown channel", "schedules/talks.yaml", "channel: main\n    start: \"2020",
     "channel: mian\n    start: \"2020", "schedules/talks.yaml:4:14",
     "unknown channel 'mian'; did you mean 'main'?"),
    ("scene file missing", "venues/test.yaml", "scenes: [hall, garden]",
     "scenes: [hall, gardn]", "venues/test.yaml:6:16",
     "scenes/gardn.yaml not found; did you mean 'garden'?"),
    ("unknown timezone", "venues/test.yaml", "timezone: Asia/Shanghai",
     "timezone: Asia/Shanghia", "venues/test.yaml:4:11",
     "unknown timezone 'Asia/Shanghia'; did you mean 'Asia/Shanghai'?"),
    ("unknown language", "scenes/hall.yaml", "title: {zh: 大厅, en: Hall}",
     "title: {zh: 大厅, fr: Salle}", "scenes/hall.yaml:2:17",
     "language 'fr' is not one of the venue's languages"),
    ("bad id", "scenes/hall.yaml", "  - id: booths", "  - id: Booths_1",
     "scenes/hall.yaml:11:9", "ids are lowercase kebab-case"),
    ("two shapes", "scenes/hall.yaml", "    box: {size: [2, 2, 10]}\n",
     "    box: {size: [2, 2, 10]}\n    sphere: {radius: 1}\n",
     "scenes/hall.yaml:7:5", "an object needs exactly one of"),
    ("two actions", "scenes/hall.yaml", "    viewpoint: top\n",
     "    viewpoint: top\n    url: https://example.org/\n", "scenes/hall.yaml:27:5",
     "a hotspot needs exactly one of: session, scene, viewpoint, url (found "
     "viewpoint, url)"),
    ("yaml tag", "scenes/hall.yaml", "title: Website", "title: !!python/name:os.system",
     "scenes/hall.yaml:33:12", "YAML tag"),
    ("self-crossing footprint", "scenes/hall.yaml", "box: {size: [2, 2, 10]}",
     "extrude: {points: [[0, 0], [4, 4], [4, 0], [0, 4]], height: 3}",
     "scenes/hall.yaml:8:23", "polygon"),
    ("scene id mismatch", "scenes/hall.yaml", "scene: hall", "scene: lobby",
     "scenes/hall.yaml:1:8", "does not match its file name"),
]


@pytest.mark.parametrize(
    "file,old,new,location,words",
    [case[1:] for case in BAD_INPUT],
    ids=[case[0] for case in BAD_INPUT],
)
def test_bad_input_reported_at_position(tmp_path, monkeypatch, file, old, new,
                                        location, words) -> None:
    with pytest.raises(InvalidVenue) as caught:
        _load_with(tmp_path, file, old, new, monkeypatch)
    messages = [str(problem) for problem in caught.value.problems]
    matching = [m for m in messages if m.startswith(location + ":")]
    assert matching, f"no problem at {location}; got {messages}"
    assert any(words in m for m in matching), f"{words!r} not in {matching}"


@pytest.mark.parametrize("text", ["no", "on", "off", "yes", "1:30", "2020-06-22",
                                  "0x1f", "1_000", "~x", "null-island"])
def test_yaml_11_words_stay_strings(tmp_path, monkeypatch, text) -> None:
    venue = _load_with(tmp_path, "scenes/hall.yaml", "title: Website",
                       f"title: {text}", monkeypatch)
    site = venue.scene("hall").hotspots[3]
    assert site.title == {"zh": text, "en": text}


def test_all_problems_reported_at_once(tmp_path, monkeypatch) -> None:
    files = dict(FILES)
    files["scenes/hall.yaml"] = files["scenes/hall.yaml"].replace(
        "session: opening", "session: nope").replace("scene: garden", "scene: nope")
    files["scenes/garden.yaml"] = files["scenes/garden.yaml"].replace(
        "scene: hall\nviewpoints", "scene: nope\nviewpoints")
    write_project(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidVenue) as caught:
        load_venue(Path("venues/test.yaml"))
    assert len(caught.value.problems) == 3


@pytest.mark.parametrize("value,words", [
    (".inf", "number .inf is not finite or too large"),
    ("-.inf", "number -.inf is not finite or too large"),
    (".nan", "number .nan is not finite or too large"),
    ("1e999", "number 1e999 is not finite or too large"),
    ("1e300", "number 1e300 is not finite or too large"),
])
def test_non_finite_numbers_rejected(tmp_path, monkeypatch, value, words) -> None:
    with pytest.raises(InvalidVenue) as caught:
        _load_with(tmp_path, "scenes/hall.yaml", "at: [1, 2, 0]",
                   f"at: [{value}, 2, 0]", monkeypatch)
    [problem] = caught.value.problems
    assert str(problem).startswith("scenes/hall.yaml:10:10: " + words)


def test_huge_grid_rejected(tmp_path, monkeypatch) -> None:
    with pytest.raises(InvalidVenue) as caught:
        _load_with(tmp_path, "scenes/hall.yaml", "count: [4, 2]",
                   "count: [1000, 1000]", monkeypatch)
    assert "1,000,000 copies is more than the 100,000 allowed" in str(caught.value)


def test_alias_bomb_and_recursive_alias(tmp_path, monkeypatch) -> None:
    bomb = "".join(f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * 9) + "]\n"
                   for i in range(1, 9))
    with pytest.raises(InvalidVenue, match="expands to more than"):
        _load_with(tmp_path, "scenes/hall.yaml", "scene: hall\n",
                   "scene: hall\nx0: &x0 [1, 2, 3, 4, 5, 6, 7, 8, 9]\n" + bomb,
                   monkeypatch)
    with pytest.raises(InvalidVenue, match="recursive alias"):
        _load_with(tmp_path / "r", "scenes/hall.yaml", "scene: hall\n",
                   "scene: hall\nloop: &a [*a]\n", monkeypatch)


def test_explicit_str_tag_keeps_text(tmp_path, monkeypatch) -> None:
    venue = _load_with(tmp_path, "scenes/hall.yaml", "title: Website",
                       "title: !!str 2020", monkeypatch)
    assert venue.scene("hall").hotspots[3].title == {"zh": "2020", "en": "2020"}


def test_validates_from_any_directory(tmp_path, monkeypatch) -> None:
    write_project(tmp_path)
    monkeypatch.chdir(tmp_path / "venues")
    assert load_venue(Path("test.yaml")).id == "test-venue"
    monkeypatch.chdir(tmp_path / "scenes")
    assert load_venue(Path("../venues/test.yaml")).id == "test-venue"


def test_missing_schedule_reported_first(tmp_path, monkeypatch) -> None:
    files = dict(FILES)
    del files["schedules/talks.yaml"]
    write_project(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidVenue) as caught:
        load_venue(Path("venues/test.yaml"))
    first = str(caught.value.problems[0])
    assert first.startswith("venues/test.yaml:9:")
    assert "not found" in first


def test_text_file_as_texture_rejected(tmp_path, monkeypatch) -> None:
    (tmp_path / "assets").mkdir(parents=True)
    (tmp_path / "assets" / "fake.png").write_text("not an image")
    with pytest.raises(InvalidVenue, match="is not a PNG or JPEG image"):
        _load_with(tmp_path, "scenes/hall.yaml", 'material: {color: "#aa3333"}',
                   "material: {texture: assets/fake.png}", monkeypatch)


@pytest.mark.parametrize("text,words", [
    ("scene: hall\n\ttitle: x\n", "indent with spaces, not tabs"),
    ("scene: hall\nsky: {color: #2f6fb3}\n", "an unquoted # starts a comment"),
    ("scene: hall\ntitle: {EN: Hall}\nviewpoints: []\n",
     "invalid language code 'EN'"),
    ("scene: hall\ntitle: Hall\nviewpoints: []\n", "expected at least 1 item,"),
])
def test_syntax_and_schema_hints(tmp_path, monkeypatch, text, words) -> None:
    files = dict(FILES)
    files["scenes/hall.yaml"] = text
    write_project(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidVenue) as caught:
        load_venue(Path("venues/test.yaml"))
    assert words in str(caught.value)
