"""Write a venue as a tour bundle: tour.json, one GLB per scene, and media.

`prepare_bundle` makes every file in memory; `write_bundle` puts them on disk
atomically, so a failed build leaves an existing bundle as it was.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
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


def _is_replaceable(out_dir: Path) -> bool:
    if not out_dir.exists():
        return True
    if not out_dir.is_dir():
        return False
    return (out_dir / MANIFEST).is_file() or not any(out_dir.iterdir())


def write_bundle(bundle: Bundle, out_dir: Path,
                 extra: Mapping[str, bytes] | None = None) -> None:
    """Write `bundle` (and `extra` files) to `out_dir`, replacing it atomically.

    The files go to a temporary folder beside `out_dir` that then takes its
    place; on any failure `out_dir` is left as it was. Refuses to replace a
    folder that holds files but no tour.json, so it never deletes other work.
    """
    if not _is_replaceable(out_dir):
        raise BuildError(Problem(Origin(out_dir), "the output folder exists and is "
                                 "not a tour bundle; choose a new or empty folder"))
    parent = out_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=parent))
    except OSError as error:
        raise BuildError(Problem(Origin(out_dir), f"cannot create the output "
                                 f"folder: {error.strerror}")) from None
    try:
        for name, data in {**bundle.files, **(extra or {})}.items():
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
