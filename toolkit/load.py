"""Load a venue: read its YAML files, check them, and build the `Venue`.

Every problem found in any file is collected, so one run reports them all.
Paths in venue and scene files are relative to the project root: the folder
that contains `venues/` (or the venue file's own folder when it is not in one).
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from . import spec
from ._context import (IMAGE_SUFFIXES, _check_reference, _Context, _unique_ids,
                       check_url)
from ._load_sessions import load_sessions, load_status_feed
from .cache import BuildCache
from .errors import InvalidVenue, Problem, close_match
from .geometry import normalize_polygon
from .importers import MODEL_SUFFIXES
from .source import KeyPath, RawDocument

__all__ = ["load_venue", "project_root", "check_url", "MODEL_SUFFIXES",
           "IMAGE_SUFFIXES"]

log = logging.getLogger(__name__)

DEFAULT_MATERIAL = spec.MaterialSpec(name="default")


def project_root(venue_file: Path) -> Path:
    """Return the project root of `venue_file`: the parent of its venues/ folder.

    The result is relative to the working directory when the root is inside
    it, so messages show short paths, and absolute otherwise.
    """
    folder = venue_file.absolute().parent
    root = folder.parent if folder.name == "venues" else folder
    try:
        return Path(os.path.normpath(root)).relative_to(Path.cwd())
    except ValueError:
        return Path(os.path.normpath(root))


def _vec(value: Any, default: tuple[float, ...]) -> Any:
    return tuple(float(v) for v in value) if value is not None else default


# -- venue -------------------------------------------------------------------


def load_venue(venue_file: Path, root: Path | None = None,
               cache: BuildCache | None = None) -> spec.Venue:
    """Read, check and cross-reference a venue file and everything it names.

    Raises InvalidVenue listing every problem found, in file order. With
    `cache`, YAML files that passed the schema check before are not parsed
    again; every other check runs on every call.
    """
    context = _Context(root if root is not None else project_root(venue_file),
                       cache)
    doc = context.read(venue_file, "venue")
    if doc is None or context.problems:
        raise InvalidVenue(context.problems)
    raw = doc.value
    context.languages = tuple(raw.get("languages", ["en"]))
    timezone = _timezone(context, doc, raw.get("timezone", "UTC"))
    channels = _channels(context, doc, raw.get("channels", []))
    sessions, channels = load_sessions(context, doc, raw, timezone, channels)
    status_feed = load_status_feed(context, doc, raw.get("status_feed"))
    scenes = _scenes(context, doc, raw.get("scenes", []))
    scene_ids = [scene_id for scene_id in raw["scenes"]]
    start = raw.get("start", scene_ids[0])
    if "start" in raw:
        _check_reference(context, doc, ("start",), start, scene_ids, "scene")
    _check_scene_references(context, scenes, scene_ids, sessions,
                            [channel.id for channel in channels])
    if context.problems:
        raise InvalidVenue(_ordered(context.problems))
    log.debug("loaded venue %s: %d scenes, %d sessions", raw["venue"],
              len(scenes), len(sessions))
    return spec.Venue(
        id=raw["venue"],
        title=context.text(doc, ("title",), raw["title"]) or {},
        description=context.text(doc, ("description",), raw.get("description")),
        languages=context.languages,
        timezone=timezone.key,
        start_scene=start,
        scenes=tuple(scene for scene, _doc, _raw in scenes),
        channels=channels,
        sessions=tuple(sessions.values()),
        root=context.root,
        file=venue_file,
        inputs=tuple(dict.fromkeys(context.inputs)),
        status_feed=status_feed,
    )


def _ordered(problems: list[Problem]) -> list[Problem]:
    """Drop repeated problems and sort by file, in the order the files were read.

    The venue file comes first, then schedules, then scenes, so a missing
    schedule is reported before the unknown sessions it causes.
    """
    unique = list({str(problem): problem for problem in problems}.values())
    file_rank: dict[str, int] = {}
    for problem in unique:
        file_rank.setdefault(str(problem.origin.file), len(file_rank))
    return sorted(unique, key=lambda p: (file_rank[str(p.origin.file)],
                                         p.origin.line, p.origin.column))


def _timezone(context: _Context, doc: RawDocument, name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        hint = close_match(name, available_timezones())
        context.add(doc, ("timezone",), f"unknown timezone '{name}'{hint}; use an "
                    "IANA name such as Asia/Shanghai")
        return ZoneInfo("UTC")


def _channels(context: _Context, doc: RawDocument,
              items: list[dict[str, Any]]) -> tuple[spec.Channel, ...]:
    _unique_ids(context, doc, items, ("channels",), "channel")
    return tuple(
        spec.Channel(item["id"], context.text(doc, ("channels", i, "title"),
                                              item["title"]) or {})
        for i, item in enumerate(items)
    )


# -- scenes ------------------------------------------------------------------


def _scenes(context: _Context, doc: RawDocument,
            scene_ids: list[str]) -> list[tuple[spec.Scene, RawDocument, dict]]:
    scenes_dir = context.root / "scenes"
    existing = sorted(p.stem for p in scenes_dir.glob("*.yaml")) if \
        scenes_dir.is_dir() else []
    seen: set[str] = set()
    loaded = []
    for index, scene_id in enumerate(scene_ids):
        if scene_id in seen:
            context.add(doc, ("scenes", index), f"scene '{scene_id}' is listed twice")
            continue
        seen.add(scene_id)
        file = scenes_dir / f"{scene_id}.yaml"
        if not file.is_file():
            context.add(doc, ("scenes", index), f"scene file {file} not found"
                        f"{close_match(scene_id, existing)}")
            continue
        scene_doc = context.read(file, "scene")
        if scene_doc is None:
            continue
        raw = scene_doc.value
        if raw.get("scene") != scene_id:
            context.add(scene_doc, ("scene",), f"scene id '{raw.get('scene')}' does "
                        f"not match its file name; write scene: {scene_id}")
            continue
        scene = _scene(context, scene_doc, raw)
        loaded.append((scene, scene_doc, raw))
    return loaded


def _scene(context: _Context, doc: RawDocument, raw: dict[str, Any]) -> spec.Scene:
    for kind in ("objects", "lights", "hotspots", "screens", "viewpoints", "tours"):
        _unique_ids(context, doc, raw.get(kind, []), (kind,), kind[:-1])
    materials = {
        name: _material(context, doc, ("materials", name), name, value)
        for name, value in raw.get("materials", {}).items()
    }
    viewpoints = tuple(_viewpoint(context, doc, ("viewpoints", i), item)
                       for i, item in enumerate(raw["viewpoints"]))
    viewpoint_ids = [v.id for v in viewpoints]
    hotspots = tuple(_hotspot(context, doc, ("hotspots", i), item)
                     for i, item in enumerate(raw.get("hotspots", [])))
    start = raw.get("start", viewpoint_ids[0])
    if "start" in raw:
        _check_reference(context, doc, ("start",), start, viewpoint_ids, "viewpoint")
    tours = tuple(_tour(context, doc, ("tours", i), item, viewpoint_ids,
                        [h.id for h in hotspots])
                  for i, item in enumerate(raw.get("tours", [])))
    ambient = raw.get("ambient", {})
    return spec.Scene(
        id=raw["scene"],
        title=context.text(doc, ("title",), raw["title"]) or {},
        description=context.text(doc, ("description",), raw.get("description")),
        sky=_sky(context, doc, raw.get("sky", {"color": "#202830"})),
        ambient_color=ambient.get("color", "#ffffff"),
        ambient_intensity=float(ambient.get("intensity", 0.3)),
        start_viewpoint=start,
        objects=tuple(_object(context, doc, ("objects", i), item, materials)
                      for i, item in enumerate(raw.get("objects", []))),
        lights=tuple(_light(context, doc, ("lights", i), item)
                     for i, item in enumerate(raw.get("lights", []))),
        hotspots=hotspots,
        viewpoints=viewpoints,
        tours=tours,
        file=doc.file,
        origin=doc.origin(()),
        screens=tuple(_screen(context, doc, ("screens", i), item)
                      for i, item in enumerate(raw.get("screens", []))),
    )


def _sky(context: _Context, doc: RawDocument, raw: dict[str, Any]) -> spec.Sky:
    if "panorama" in raw:
        image = context.asset(doc, ("sky", "panorama"), raw["panorama"],
                              IMAGE_SUFFIXES, "panorama")
        return spec.Sky("panorama", {}, image, float(raw.get("rotate", 0.0)))
    if "gradient" in raw:
        gradient = raw["gradient"]
        colors = {"zenith": gradient["zenith"], "horizon": gradient["horizon"],
                  "ground": gradient.get("ground", gradient["horizon"])}
        return spec.Sky("gradient", colors)
    return spec.Sky("color", {"color": raw["color"]})


def _material(context: _Context, doc: RawDocument, path: KeyPath, name: str,
              raw: dict[str, Any]) -> spec.MaterialSpec:
    texture = None
    if "texture" in raw:
        texture = context.asset(doc, path + ("texture",), raw["texture"],
                                IMAGE_SUFFIXES, "texture")
    pattern = None
    if "pattern" in raw:
        item = raw["pattern"]
        size = float(item["size"]) if "size" in item else None
        pattern = spec.Pattern(item["type"], item.get("color"), size,
                               int(item.get("seed", 0)))
    return spec.MaterialSpec(
        name=name,
        # glTF multiplies a texture by the base colour, so white shows it as is.
        color=raw.get("color", "#ffffff" if "texture" in raw else "#cccccc"),
        opacity=float(raw.get("opacity", 1.0)),
        metallic=float(raw.get("metallic", 0.0)),
        roughness=float(raw.get("roughness", 0.8)),
        texture=texture,
        pattern=pattern,
        emissive=raw.get("emissive"),
        emissive_strength=float(raw.get("emissive_strength", 1.0)),
        double_sided=bool(raw.get("double_sided", False)),
        unlit=bool(raw.get("unlit", False)),
    )


_SHAPES = ("box", "cylinder", "sphere", "plane", "extrude", "terrain", "model")


def _placement(raw: Mapping[str, Any]) -> spec.Placement:
    rotate = raw.get("rotate", 0.0)
    hpr = (float(rotate), 0.0, 0.0) if isinstance(rotate, (int, float)) else \
        _vec(rotate, (0.0, 0.0, 0.0))
    scale = raw.get("scale", 1.0)
    factors = (float(scale),) * 3 if isinstance(scale, (int, float)) else \
        _vec(scale, (1.0, 1.0, 1.0))
    return spec.Placement(_vec(raw.get("at"), (0.0, 0.0, 0.0)), hpr, factors)


MAX_COPIES = 100_000
"""Most placements one object may have."""


def _copies(raw: dict[str, Any]) -> tuple[spec.Placement, ...]:
    if "placements" in raw:
        return tuple(_placement(item) for item in raw["placements"])
    if "grid" not in raw:
        return ()
    grid = raw["grid"]
    (nx, ny), (dx, dy) = grid["count"], grid["step"]
    x0 = -(nx - 1) * dx / 2 if grid.get("center") else 0.0
    y0 = -(ny - 1) * dy / 2 if grid.get("center") else 0.0
    return tuple(spec.Placement((x0 + i * dx, y0 + j * dy, 0.0))
                 for j in range(ny) for i in range(nx))


def _object(context: _Context, doc: RawDocument, path: KeyPath,
            raw: dict[str, Any],
            materials: dict[str, spec.MaterialSpec]) -> spec.SceneObject:
    kind = next(key for key in _SHAPES if key in raw)
    if "grid" in raw:
        nx, ny = raw["grid"]["count"]
        if nx * ny > MAX_COPIES:
            context.add(doc, path + ("grid", "count"), f"a grid of {nx * ny:,} "
                        f"copies is more than the {MAX_COPIES:,} allowed; use a "
                        "coarser grid")
            raw = {key: value for key, value in raw.items() if key != "grid"}
    model = None
    if kind == "model":
        model = context.asset(doc, path + ("model",), raw["model"], MODEL_SUFFIXES,
                              "model")
        if "material" in raw:
            context.add(doc, path + ("material",), "a model keeps the materials of "
                        "its file; remove `material` or use a primitive shape",
                        key=True)
    if kind == "extrude":
        try:
            normalize_polygon(raw["extrude"]["points"])
        except ValueError as error:
            context.add(doc, path + ("extrude", "points"), str(error))
    material = DEFAULT_MATERIAL
    value = raw.get("material")
    if isinstance(value, str):
        if _check_reference(context, doc, path + ("material",), value,
                            materials, "material"):
            material = materials[value]
    elif isinstance(value, dict):
        material = _material(context, doc, path + ("material",), raw["id"], value)
    return spec.SceneObject(
        id=raw["id"],
        shape=spec.Shape(kind, raw[kind] if kind != "model" else {}, model),
        material=material,
        placement=_placement(raw),
        copies=_copies(raw),
        title=context.text(doc, path + ("title",), raw.get("title")),
        origin=doc.origin(path),
    )


def _light(context: _Context, doc: RawDocument, path: KeyPath,
           raw: dict[str, Any]) -> spec.LightSpec:
    at = _vec(raw.get("at"), (0.0, 0.0, 0.0))
    if "look_at" in raw:
        target = _vec(raw["look_at"], at)
        direction = tuple(t - a for t, a in zip(target, at))
    else:
        direction = _vec(raw.get("direction"), (0.0, 0.0, -1.0))
    if math.hypot(*direction) < 1e-9:
        context.add(doc, path, "the light's direction is zero; make `look_at` "
                    "differ from `at`")
    cone = raw.get("cone", {})
    outer = float(cone.get("outer", 45.0))
    inner = float(cone.get("inner", 0.0))
    if inner >= outer and "cone" in raw:
        context.add(doc, path + ("cone", "inner"), f"the inner cone ({inner}°) must "
                    f"be smaller than the outer cone ({outer}°)")
    return spec.LightSpec(
        id=raw["id"], kind=raw["type"], color=raw.get("color", "#ffffff"),
        intensity=float(raw.get("intensity", 1.0)), at=at, direction=direction,
        range=float(raw["range"]) if "range" in raw else None,
        inner_cone=math.radians(inner), outer_cone=math.radians(outer),
        origin=doc.origin(path),
    )


_ACTIONS = ("session", "scene", "viewpoint", "url")


def _hotspot(context: _Context, doc: RawDocument, path: KeyPath,
             raw: dict[str, Any]) -> spec.Hotspot:
    kind = next(key for key in _ACTIONS if key in raw)
    target = raw[kind]
    if kind == "url":
        target = context.url(doc, path + ("url",), target) or ""
    return spec.Hotspot(
        id=raw["id"],
        at=_vec(raw["at"], (0.0, 0.0, 0.0)),
        title=context.text(doc, path + ("title",), raw["title"]) or {},
        description=context.text(doc, path + ("description",),
                                 raw.get("description")),
        action=spec.Action(kind, target),
        origin=doc.origin(path),
    )


def _screen(context: _Context, doc: RawDocument, path: KeyPath,
            raw: dict[str, Any]) -> spec.Screen:
    width, height = (float(v) for v in raw["size"])
    return spec.Screen(
        id=raw["id"],
        channel=raw["channel"],
        at=_vec(raw["at"], (0.0, 0.0, 0.0)),
        size=(width, height),
        hpr=_placement(raw).hpr,
        title=context.text(doc, path + ("title",), raw.get("title")),
        origin=doc.origin(path),
    )


def _viewpoint(context: _Context, doc: RawDocument, path: KeyPath,
               raw: dict[str, Any]) -> spec.Viewpoint:
    at = _vec(raw["at"], (0.0, 0.0, 0.0))
    look_at = _vec(raw["look_at"], (0.0, 1.0, 0.0))
    if math.dist(at, look_at) < 1e-6:
        context.add(doc, path + ("look_at",), "`look_at` must differ from `at`")
    return spec.Viewpoint(
        id=raw["id"], at=at, look_at=look_at,
        title=context.text(doc, path + ("title",), raw.get("title")),
        fov=float(raw.get("fov", 60.0)), origin=doc.origin(path),
    )


def _tour(context: _Context, doc: RawDocument, path: KeyPath, raw: dict[str, Any],
          viewpoint_ids: list[str], hotspot_ids: list[str]) -> spec.Tour:
    stops = []
    for index, item in enumerate(raw["stops"]):
        kind = "viewpoint" if "viewpoint" in item else "hotspot"
        known = viewpoint_ids if kind == "viewpoint" else hotspot_ids
        _check_reference(context, doc, path + ("stops", index, kind), item[kind],
                         known, kind)
        stops.append(spec.TourStop(
            kind, item[kind], float(item.get("hold", 5.0)),
            context.text(doc, path + ("stops", index, "caption"),
                         item.get("caption")),
        ))
    return spec.Tour(
        id=raw["id"], title=context.text(doc, path + ("title",), raw["title"]) or {},
        loop=bool(raw.get("loop", False)), stops=tuple(stops),
        origin=doc.origin(path),
    )


def _check_scene_references(context: _Context,
                            scenes: list[tuple[spec.Scene, RawDocument, dict]],
                            scene_ids: list[str],
                            sessions: Mapping[str, spec.Session],
                            channel_ids: list[str]) -> None:
    for scene, doc, _raw in scenes:
        known: dict[str, Callable[[], Iterable[str]]] = {
            "session": lambda: sessions,
            "scene": lambda: scene_ids,
            "viewpoint": lambda: [v.id for v in scene.viewpoints],
        }
        for index, hotspot in enumerate(scene.hotspots):
            kind = hotspot.action.kind
            if kind in known:
                _check_reference(context, doc, ("hotspots", index, kind),
                                 hotspot.action.target, known[kind](), kind)
        for index, screen in enumerate(scene.screens):
            _check_reference(context, doc, ("screens", index, "channel"),
                             screen.channel, channel_ids, "channel")
