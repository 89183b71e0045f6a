"""`venue lint`: each warning code on a small venue written in code, at its position."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from conftest import REPO, write_project
from PIL import Image

from toolkit.cli import main
from toolkit.lint import BUDGETS, CODES, LintOptions, LintWarning, lint_venue
from toolkit.load import load_venue

VENUE = """\
venue: lint-test
title: {zh: 检查, en: Lint test}
languages: [zh, en]
start: hall
scenes: [hall, attic]
channels:
  - {id: main, title: {zh: 主会场, en: Main stage}}
status_feed: {url: "http://example.org/status.json"}
sessions:
  - id: talk
    title: {zh: 演讲, en: Talk}
    channel: main
    start: "2020-06-22T09:30"
    end: "2020-06-22T10:30"
    stream: http://example.org/live/talk.m3u8
    replay: https://example.org/replay/talk.mp4
  - id: forgotten
    title: {zh: 被遗忘的会, en: Forgotten talk}
    start: "2020-06-22T11:00"
    end: "2020-06-22T12:00"
  - id: on-screen
    title: {zh: 屏幕上, en: On the screen}
    channel: main
    start: "2020-06-22T13:00"
    end: "2020-06-22T14:00"
"""

HALL = """\
scene: hall
title: {zh: 大厅, en: Hall}
objects:
  - id: crate
    box: {size: [2, 2, 2]}
    at: [0, 5, 0]
  - id: wall
    box: {size: [10, 0.5, 4]}
    at: [0, 10, 0]
hotspots:
  - id: in-crate
    at: [0, 5, 1]
    title: {zh: 箱子, en: Crate}
    session: talk
  - id: behind-wall
    at: [0, 12, 1]
    title: Behind the wall
    url: https://example.org/behind
  - id: first
    at: [3, 0, 1]
    title: {zh: 一, en: One}
    url: https://example.org/1
  - id: second
    at: [3, 0.3, 1]
    title: {zh: 二}
    url: https://example.org/2
  - id: code
    at: [-3, 0, 1]
    title: T20
    url: https://example.org/3
  - id: on-wall
    at: [4, 9.6, 1]
    title: {zh: 墙上, en: On the wall}
    url: https://example.org/4
screens:
  - {id: big, channel: main, at: [-4, 9.6, 2], size: [3, 2], rotate: 180}
viewpoints:
  - {id: door, at: [0, -5, 1.7], look_at: [0, 10, 1]}
"""

ATTIC = """\
scene: attic
title: {zh: 阁楼, en: Attic}
hotspots:
  - id: down
    at: [0, 0, 1]
    title: {zh: 下楼, en: Downstairs}
    scene: hall
viewpoints:
  - {id: window, at: [0, -3, 1.7], look_at: [0, 0, 1]}
"""

FILES = {"venues/lint.yaml": VENUE, "scenes/hall.yaml": HALL,
         "scenes/attic.yaml": ATTIC}


def write(root: Path, files: dict[str, str]) -> Path:
    write_project(root, files)
    return root / "venues" / next(Path(name).name for name in files
                                  if name.startswith("venues/"))


def where(warning: LintWarning, root: Path) -> str:
    origin = warning.origin
    return f"{origin.file.relative_to(root)}:{origin.line}:{origin.column}"


@pytest.fixture(scope="module")
def warnings(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[LintWarning],
                                                                 Path]:
    root = tmp_path_factory.mktemp("lint")
    venue = load_venue(write(root, FILES))
    return lint_venue(venue, LintOptions(target="desktop")), root


def found(warnings: tuple[list[LintWarning], Path], code: str) -> list[str]:
    items, root = warnings
    return [f"{where(w, root)} {w.path}" for w in items if w.code == code]


EXPECTED = {
    "hotspot-inside-geometry": ["scenes/hall.yaml:12:9 hotspots[0].at"],
    "hotspot-hidden": ["scenes/hall.yaml:16:9 hotspots[1].at"],
    "untranslated-text": ["scenes/hall.yaml:17:12 hotspots[1].title"],
    "hotspots-overlap": ["scenes/hall.yaml:24:9 hotspots[3].at"],
    "missing-translation": ["scenes/hall.yaml:25:12 hotspots[3].title"],
    "unreachable-scene": ["scenes/attic.yaml:1:1 "],
    "unused-session": ["venues/lint.yaml:17:5 "],
    "insecure-stream": ["venues/lint.yaml:15:13 sessions[0].stream"],
    "insecure-feed": ["venues/lint.yaml:8:20 status_feed.url"],
}


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_warning_position(warnings: tuple[list[LintWarning], Path],
                          code: str) -> None:
    assert found(warnings, code) == EXPECTED[code]


def test_no_other_warnings(warnings: tuple[list[LintWarning], Path]) -> None:
    codes = {w.code for w in warnings[0]}
    assert codes == set(EXPECTED)


def test_messages_name_objects(warnings: tuple[list[LintWarning], Path]) -> None:
    text = "\n".join(str(w) for w in warnings[0])
    assert "hotspot 'in-crate' is inside 'crate'" in text
    assert "'door' by 'crate'" in text
    assert "text lacks en" in text
    assert "'second' is 0.30 m from hotspot 'first'" in text
    assert "session 'forgotten'" in text
    assert "[missing-translation]" in text


def test_every_code_documented() -> None:
    docs = (REPO / "docs" / "lint.md").read_text(encoding="utf-8")
    missing = [code for code in CODES if f"`{code}`" not in docs]
    assert not missing


def test_budget_table_documented() -> None:
    docs = (REPO / "docs" / "lint.md").read_text(encoding="utf-8")
    for target, budget in BUDGETS.items():
        row = (f"| `{target}` | {budget.triangles:,} | {budget.texture_size} | "
               f"{budget.panorama_size} |")
        assert row in docs


# -- budgets -------------------------------------------------------------------

BUDGET_VENUE = """\
venue: budget
title: Budget
scenes: [dome]
"""

DOME = """\
scene: dome
title: Dome
materials:
  poster: {texture: assets/wide.png}
objects:
  - id: globes
    sphere: {radius: 1, segments: 256}
    grid: {count: [3, 1], step: [3, 0]}
  - id: sign
    plane: {size: [2, 1]}
    material: poster
viewpoints:
  - {id: eye, at: [0, -10, 2], look_at: [0, 0, 1]}
"""


@pytest.fixture
def budget_venue(tmp_path: Path) -> Path:
    venue_file = write(tmp_path, {"venues/budget.yaml": BUDGET_VENUE,
                                  "scenes/dome.yaml": DOME})
    buffer = io.BytesIO()
    Image.new("RGB", (2048, 8), (10, 20, 30)).save(buffer, format="PNG")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "wide.png").write_bytes(buffer.getvalue())
    return venue_file


def test_budgets_depend_on_target(budget_venue: Path) -> None:
    venue = load_venue(budget_venue)
    root = budget_venue.parents[1]
    mobile = lint_venue(venue, LintOptions(target="mobile"))
    web = lint_venue(venue, LintOptions(target="web"))
    assert [(w.code, where(w, root)) for w in mobile] == [
        ("triangle-budget", "scenes/dome.yaml:1:1"),
        ("texture-budget", "scenes/dome.yaml:4:21"),
    ]
    assert "draws 195,074 triangles" in mobile[0].message
    assert "(largest: globes 195,072, sign 2)" in mobile[0].message
    assert "2048x8 pixels" in mobile[1].message
    assert web == []


def test_single_language_checks_no_translation(tmp_path: Path) -> None:
    files = {name: re.sub(r", en: [^}]*", "", text) for name, text in FILES.items()}
    files["venues/lint.yaml"] = files["venues/lint.yaml"].replace(
        "languages: [zh, en]", "languages: [zh]")
    loaded = load_venue(write(tmp_path, files))
    codes = {w.code for w in lint_venue(loaded)}
    assert "untranslated-text" not in codes
    assert "missing-translation" not in codes
    assert "hotspot-inside-geometry" in codes


@pytest.mark.parametrize("text, neutral", [
    ("T20", True), ("5G", True), ("COVID-19", True), ("Huawei", True),
    ("2020", True), ("→", True), ("Behind the wall", False), ("大厅", False),
    ("T20 创新合作", False), ("Zürich", True),
])
def test_language_neutral_rule(text: str, neutral: bool) -> None:
    from toolkit._lint_checks import _is_language_neutral

    assert _is_language_neutral(text) is neutral


# -- command line --------------------------------------------------------------


def test_cli_json_and_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                 ) -> None:
    venue_file = write(tmp_path, FILES)
    assert main(["lint", str(venue_file), "--json", "--no-cache"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["ok"] is True
    assert document["target"] == "web"
    codes = sorted(w["code"] for w in document["warnings"])
    assert codes == sorted(EXPECTED)
    first = document["warnings"][0]
    assert set(first) == {"code", "file", "line", "column", "message", "path"}

    assert main(["lint", str(venue_file), "--strict", "--no-cache"]) == 1
    err = capsys.readouterr().err
    assert "hall.yaml:12:9: warning: hotspot 'in-crate'" in err


def test_cli_ignore_every_code_passes_strict(tmp_path: Path) -> None:
    venue_file = write(tmp_path, FILES)
    arguments = ["-q", "lint", str(venue_file), "--strict", "--no-cache"]
    for code in EXPECTED:
        arguments += ["--ignore", code]
    assert main(arguments) == 0


def test_cli_unknown_ignore_code(tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    venue_file = write(tmp_path, FILES)
    assert main(["lint", str(venue_file), "--ignore", "missing-translations"]) == 64
    assert "unknown warning code 'missing-translations'" in capsys.readouterr().err


def test_cli_invalid_venue_exits_2_with_json(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]
                                             ) -> None:
    files = {**FILES, "scenes/hall.yaml": HALL.replace("session: talk",
                                                       "session: tlak")}
    venue_file = write(tmp_path, files)
    assert main(["lint", str(venue_file), "--json", "--no-cache"]) == 2
    document = json.loads(capsys.readouterr().out)
    assert document["ok"] is False
    assert document["problems"][0]["line"] == 14
    assert "did you mean 'talk'" in document["problems"][0]["message"]
