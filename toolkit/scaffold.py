"""Create a new venue project that builds as it is: `venue new NAME`.

The project has one venue, one scene (a lobby with a floor, a desk, a light,
a viewpoint and a hotspot), one schedule with one session and a .gitignore.
It also gets copies of the JSON Schemas that the YAML files name in their
yaml-language-server modelines, so that editors check them offline.
"""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta
from pathlib import Path
from string import Template

from .cache import CACHE_DIR_NAME
from .errors import BuildError, Origin, Problem
from .schema import ID_PATTERN, schema_json

__all__ = ["START_SCENE", "create_project", "project_files"]

log = logging.getLogger(__name__)

START_SCENE = "lobby"
"""The id of the scene a new project starts with."""

_VENUE = Template("""\
# yaml-language-server: $$schema=../schema/venue.schema.json
#
# The venue: its scenes, languages, timezone and schedules. docs/format.md
# in venue-toolkit describes every key.
venue: $name
title: $title
# Add languages to show every text in each, such as [en, zh]; then write
# texts as {en: Lobby, zh: 大厅}.
languages: [en]
# Times without an offset are local to this IANA timezone.
timezone: UTC
start: $scene
scenes: [$scene]
channels:
  - {id: main-stage, title: Main stage}
schedules: [schedules/$name.yaml]
""")

_SCENE = Template("""\
# yaml-language-server: $$schema=../schema/scene.schema.json
#
# The lobby: where visitors arrive. Metres, z up; the entrance is at the
# south (negative y) and visitors look north.
scene: $scene
title: Lobby
sky: {gradient: {zenith: "#2a5caa", horizon: "#cfe3f2", ground: "#5a5a52"}}
ambient: {color: "#ffffff", intensity: 0.4}

materials:
  floor: {color: "#d8d2c4", roughness: 0.9, pattern: {type: grid, color: "#b8b0a0", size: 2}}
  desk: {color: "#2f6fb3", roughness: 0.5}

objects:
  - id: floor
    plane: {size: [30, 30]}
    material: floor
  - id: welcome-desk
    box: {size: [3, 1, 1.1]}
    material: desk
    at: [0, 4, 0]

lights:
  - {id: sun, type: directional, intensity: 3, direction: [0.4, 0.6, -1]}

hotspots:
  # Floats above the desk; clicking it opens the session's panel.
  - id: welcome
    at: [0, 4, 2]
    title: Welcome
    session: welcome

viewpoints:
  - {id: entrance, at: [0, -8, 1.7], look_at: [0, 4, 1.5]}
""")

_SCHEDULE = Template("""\
# yaml-language-server: $$schema=../schema/schedule.schema.json
#
# Sessions: each runs on a channel from the venue file; hotspots and screens
# link to them. Add `stream:` and `replay:` https URLs when you have them.
sessions:
  - id: welcome
    title: Welcome to $title
    channel: main-stage
    start: "${day}T10:00"
    end: "${day}T10:30"
""")

_GITIGNORE = f"""\
# Build output and the build cache of `venue build`.
/build/
/snapshots/
/{CACHE_DIR_NAME}/
"""


def _title(name: str) -> str:
    return " ".join(word.capitalize() for word in name.split("-"))


def project_files(name: str, today: date | None = None) -> dict[str, str]:
    """Return the new project's files, by path relative to its folder.

    The session is on the day a week after `today` (default: the real today).
    Raises ValueError when `name` is not a kebab-case id.
    """
    if not re.fullmatch(ID_PATTERN, name):
        raise ValueError(f"invalid venue name '{name}'; use lowercase kebab-case "
                         "such as my-expo")
    day = (today or date.today()) + timedelta(days=7)
    values = {"name": name, "title": _title(name), "scene": START_SCENE,
              "day": day.isoformat()}
    return {
        f"venues/{name}.yaml": _VENUE.substitute(values),
        f"scenes/{START_SCENE}.yaml": _SCENE.substitute(values),
        f"schedules/{name}.yaml": _SCHEDULE.substitute(values),
        ".gitignore": _GITIGNORE,
        "schema/venue.schema.json": schema_json("venue"),
        "schema/scene.schema.json": schema_json("scene"),
        "schema/schedule.schema.json": schema_json("schedule"),
    }


def create_project(name: str, folder: Path) -> list[Path]:
    """Write a new project named `name` into `folder`; return the files written.

    Raises ValueError for an invalid name, and BuildError, writing nothing,
    when any of the files exists already.
    """
    files = project_files(name)
    existing = [folder / path for path in files if (folder / path).exists()]
    if existing:
        raise BuildError([Problem(Origin(path), "file exists; choose another "
                                  "folder with --dir, or move the file away")
                          for path in existing])
    written = []
    try:
        for path, text in files.items():
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            # "x" fails rather than overwrite a file made since the check.
            with target.open("x", encoding="utf-8") as file:
                file.write(text)
            written.append(target)
    except OSError as error:
        for done in written:  # leave no half-made project behind
            done.unlink(missing_ok=True)
        raise BuildError(Problem(Origin(folder / path), f"cannot write the file: "
                                 f"{error.strerror or error}")) from None
    log.debug("created %d files in %s", len(written), folder)
    return written
