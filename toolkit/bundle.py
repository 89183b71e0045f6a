"""Write a venue as a tour bundle: tour.json, one GLB per scene, and media.

`prepare_bundle` makes every file in memory. `write_bundle` puts them on disk
atomically, so a failed build leaves an existing bundle as it was. It lists
them in `.venue-files`, which marks the folder as a bundle for later builds.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from . import __version__, spec
from ._canonical import FileDigests
from ._scene_cache import scene_glb
from .cache import BuildCache
from .compile import action_json, node_name
from .errors import BuildError, InvalidVenue, Origin, Problem
from .timeutil import format_time

__all__ = ["FORMAT", "FORMAT_VERSION", "Bundle", "Progress", "prepare_bundle",
           "write_bundle", "manifest"]

log = logging.getLogger(__name__)

FORMAT = "venue-tour"
FORMAT_VERSION = 1
MANIFEST = "tour.json"
FILE_LIST = ".venue-files"
"""Lists every file of a bundle, itself included, one relative path a line."""

Progress = Callable[[int, int, str], None]
"""Called before each scene with its index from 1, the number of scenes and its id."""


@dataclass(frozen=True)
class Bundle:
    """Every file of a bundle, by path relative to the bundle folder."""

    venue: spec.Venue
    files: Mapping[str, bytes]

    @property
    def size(self) -> int:
        """Total bytes of all files."""
        return sum(len(data) for data in self.files.values())


class _Media:
    """Media files named by content, so equal files are stored once."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def add(self, path: Path) -> str:
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()[:20]
        name = f"media/{digest}{path.suffix.lower()}"
        self.files[name] = data
        return name


def _sky_json(sky: spec.Sky, media: _Media) -> dict[str, Any]:
    if sky.kind == "panorama":
        assert sky.panorama is not None
        return {"type": "panorama", "image": media.add(sky.panorama),
                "rotate": sky.rotate}
    return {"type": sky.kind, **sky.colors}


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _scene_json(scene: spec.Scene, media: _Media) -> dict[str, Any]:
    return _drop_none({
        "id": scene.id,
        "title": scene.title,
        "description": scene.description,
        "file": f"scenes/{scene.id}.glb",
        "sky": _sky_json(scene.sky, media),
        "ambient": {"color": scene.ambient_color,
                    "intensity": scene.ambient_intensity},
        "start_viewpoint": scene.start_viewpoint,
        "hotspots": [
            _drop_none({
                "id": hotspot.id,
                "node": node_name("hotspot", hotspot.id),
                "title": hotspot.title,
                "description": hotspot.description,
                "action": action_json(hotspot.action),
            })
            for hotspot in scene.hotspots
        ],
        "screens": [
            _drop_none({
                "id": screen.id,
                "node": node_name("screen", screen.id),
                "channel": screen.channel,
                "title": screen.title,
            })
            for screen in scene.screens
        ],
        "viewpoints": [
            _drop_none({
                "id": viewpoint.id,
                "node": node_name("viewpoint", viewpoint.id),
                "title": viewpoint.title,
                "fov": viewpoint.fov,
                "target_distance": round(math.dist(viewpoint.at, viewpoint.look_at), 6),
            })
            for viewpoint in scene.viewpoints
        ],
        "tours": [
            {
                "id": tour.id,
                "title": tour.title,
                "loop": tour.loop,
                "stops": [
                    _drop_none({stop.kind: stop.target, "hold": stop.hold,
                                "caption": stop.caption})
                    for stop in tour.stops
                ],
            }
            for tour in scene.tours
        ],
    })


def _session_json(session: spec.Session, zone: ZoneInfo,
                  media: _Media) -> dict[str, Any]:
    return _drop_none({
        "id": session.id,
        "title": session.title,
        "description": session.description,
        "channel": session.channel,
        "speakers": [_drop_none({"name": s.name, "affiliation": s.affiliation})
                     for s in session.speakers],
        "start": format_time(session.start, zone),
        "end": format_time(session.end, zone),
        "stream": session.stream,
        "replay": session.replay,
        "poster": media.add(session.poster) if session.poster else None,
    })


def manifest(venue: spec.Venue, media: _Media) -> dict[str, Any]:
    """Return tour.json's content for `venue` (docs/bundle.md describes it)."""
    zone = ZoneInfo(venue.timezone)
    return _drop_none({
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "generator": f"venue-toolkit {__version__}",
        "venue": _drop_none({
            "id": venue.id,
            "title": venue.title,
            "description": venue.description,
            "languages": list(venue.languages),
            "timezone": venue.timezone,
            "start_scene": venue.start_scene,
        }),
        "channels": [{"id": c.id, "title": c.title} for c in venue.channels],
        "status_feed": _status_feed_json(venue.status_feed),
        "sessions": [_session_json(s, zone, media) for s in venue.sessions],
        "scenes": [_scene_json(scene, media) for scene in venue.scenes],
    })


def _status_feed_json(feed: spec.StatusFeed | None) -> dict[str, Any] | None:
    if feed is None:
        return None
    interval = int(feed.interval) if feed.interval.is_integer() else feed.interval
    return {"url": feed.url, "interval": interval}


def prepare_bundle(venue: spec.Venue, cache: BuildCache | None = None,
                   progress: Progress | None = None) -> Bundle:
    """Compile every scene and make every file of the bundle, in memory.

    With `cache`, a scene whose inputs are unchanged since a build that stored
    it is not compiled again. The files are the same bytes either way.
    Raises InvalidVenue listing the problems of all scenes.
    """
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    digests = FileDigests()
    for index, scene in enumerate(venue.scenes, start=1):
        if progress is not None:
            progress(index, len(venue.scenes), scene.id)
        try:
            data, cached = scene_glb(scene, venue.root, cache, digests)
        except InvalidVenue as error:
            problems.extend(error.problems)
            continue
        log.debug("scene %s: %s", scene.id, "from the cache" if cached else "compiled")
        files[f"scenes/{scene.id}.glb"] = data
    if problems:
        raise InvalidVenue(problems)
    media = _Media()
    document = manifest(venue, media)
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    files[MANIFEST] = text.encode("utf-8")
    files.update(media.files)
    return Bundle(venue, dict(sorted(files.items())))


def _unexpected_file(out_dir: Path) -> str | None:
    """Return the first file in `out_dir` that a build did not write, or None.

    A build lists what it wrote in `FILE_LIST`; a folder without that list
    counts as not written by a build unless it is empty.
    """
    listed: set[str] = set()
    try:
        listed = set((out_dir / FILE_LIST).read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        pass
    present = sorted(
        (Path(folder) / name).relative_to(out_dir).as_posix()
        for folder, _subfolders, names in os.walk(out_dir) for name in names)
    return next((name for name in present if name not in listed), None)


def _file_list(names: Iterable[str]) -> bytes:
    """Return the content of `FILE_LIST` for a bundle of files `names`."""
    return "".join(f"{name}\n" for name in sorted({*names, FILE_LIST})).encode()


def _staging_pattern(out_dir: Path) -> re.Pattern[str]:
    """Match the staging folders of `out_dir`; group 1 is the writer's process id."""
    return re.compile(re.escape(f".{out_dir.name}.") + r"(\d+)\.[a-z0-9_]+(?:\.old)?")


def _process_is_alive(pid: int) -> bool:
    if pid == os.getpid() or os.name != "posix":
        # On Windows os.kill ends the process, so there is no safe probe.
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: the process exists, another user's
        return True
    return True


def _remove_leftover_staging(out_dir: Path) -> None:
    """Delete staging folders of `out_dir` left by builds whose process has died."""
    pattern = _staging_pattern(out_dir)
    try:
        entries = list(out_dir.parent.iterdir())
    except OSError:
        return
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match and entry.is_dir() and not entry.is_symlink() \
                and not _process_is_alive(int(match.group(1))):
            log.debug("removing %s, left by a build that was killed", entry)
            shutil.rmtree(entry, ignore_errors=True)


def write_bundle(bundle: Bundle, out_dir: Path,
                 extra: Mapping[str, bytes] | None = None) -> None:
    """Write `bundle` (and `extra` files) to `out_dir`, replacing it atomically.

    The files go to a staging folder `.NAME.<pid>.<random>` beside `out_dir`
    that then takes its place; on any failure `out_dir` is left as it was.
    The bundle lists its files in `.venue-files`. The writer replaces only a
    folder that is missing, is empty, or contains only the files its
    `.venue-files` lists, so it never deletes other work.

    A build that is killed leaves its staging folder behind; the next build
    of the same `out_dir` removes it. A kill between the two renames of the
    swap leaves no `out_dir` at all (only the old bundle under a staging
    name, which is removed too); the next build writes `out_dir` again.
    """
    _remove_leftover_staging(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise BuildError(Problem(Origin(out_dir), "the output path exists and is "
                                 "not a folder; choose a new or empty folder"))
    unexpected = _unexpected_file(out_dir) if out_dir.is_dir() else None
    if unexpected is not None:
        raise BuildError(Problem(Origin(out_dir), f"the output folder contains files "
                                 f"that venue build did not write, such as "
                                 f"{unexpected}; choose a new or empty folder"))
    files = {**bundle.files, **(extra or {})}
    files[FILE_LIST] = _file_list(files)
    parent = out_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.{os.getpid()}.",
                                        dir=parent))
    except OSError as error:
        raise BuildError(Problem(Origin(out_dir), f"cannot create the output "
                                 f"folder: {error.strerror}")) from None
    try:
        for name, data in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        os.chmod(staging, 0o755)
        _swap(staging, out_dir)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(Problem(Origin(out_dir), f"cannot write the bundle: "
                                 f"{error.strerror or error}")) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, out_dir: Path) -> None:
    """Move `staging` to `out_dir`, keeping the old folder until the move worked."""
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    retired = staging.with_name(staging.name + ".old")
    out_dir.rename(retired)
    try:
        staging.rename(out_dir)
    except OSError:
        retired.rename(out_dir)
        raise
    shutil.rmtree(retired, ignore_errors=True)
