"""Read a tour bundle's tour.json into typed, immutable values.

The players take positions from the GLB nodes and everything else (titles,
actions, sessions, skies, tours) from tour.json; docs/bundle.md describes
the format. Every problem raises `ViewerError` naming the file and key path.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, NoReturn, Protocol, TypeVar, cast

from ..errors import Origin, Problem, ViewerError, key_path
from .colors import RGB, parse_hex_color

__all__ = [
    "MANIFEST",
    "FORMAT",
    "SUPPORTED_VERSION",
    "Text",
    "Action",
    "Hotspot",
    "Viewpoint",
    "TourStop",
    "GuidedTour",
    "Sky",
    "Ambient",
    "Screen",
    "Scene",
    "Session",
    "Channel",
    "StatusFeed",
    "Venue",
    "TourBundle",
    "read_bundle",
    "parse_bundle",
    "pick_text",
]

logger = logging.getLogger(__name__)

MANIFEST = "tour.json"
FORMAT = "venue-tour"
SUPPORTED_VERSION = 1

Text = Mapping[str, str]
"""Text in several languages: language code -> plain text."""

ActionType = Literal["scene", "viewpoint", "session", "url"]
SkyType = Literal["color", "gradient", "panorama"]
KeyPath = tuple[str | int, ...]

_ACTION_TYPES: tuple[ActionType, ...] = ("scene", "viewpoint", "session", "url")
_SKY_COLORS: dict[str, tuple[str, ...]] = {
    "color": ("color",),
    "gradient": ("zenith", "horizon", "ground"),
    "panorama": (),
}

T = TypeVar("T")


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


ItemT = TypeVar("ItemT", bound=_HasId)


@dataclass(frozen=True)
class Action:
    """A hotspot's action; `target` is a scene, viewpoint or session id, or a URL."""

    type: ActionType
    target: str


@dataclass(frozen=True)
class Hotspot:
    """A clickable place in a scene; its position is the GLB node `node`."""

    id: str
    node: str
    title: Text
    description: Text
    action: Action


@dataclass(frozen=True)
class Viewpoint:
    """A named camera placement; its transform is the GLB node `node`.

    `fov` is the vertical field of view in degrees, as glTF's `yfov`.
    """

    id: str
    node: str
    title: Text
    fov: float | None
    target_distance: float | None


@dataclass(frozen=True)
class TourStop:
    """One stop of a guided tour: a viewpoint or a hotspot, held `hold` seconds."""

    viewpoint: str | None
    hotspot: str | None
    hold: float
    caption: Text


@dataclass(frozen=True)
class GuidedTour:
    """A sequence of stops that the player visits in order."""

    id: str
    title: Text
    loop: bool
    stops: tuple[TourStop, ...]


@dataclass(frozen=True)
class Sky:
    """The scene's background: a colour, a gradient or a panorama image.

    `colors` contains `#rrggbb` sRGB colours by role (`color`, or `zenith`,
    `horizon`, `ground`); `image` is an absolute path inside the bundle.
    """

    type: SkyType
    colors: Mapping[str, str]
    image: Path | None = None
    rotate: float = 0.0


@dataclass(frozen=True)
class Ambient:
    """Ambient light: an sRGB colour and a linear intensity factor."""

    color: RGB = (1.0, 1.0, 1.0)
    intensity: float = 0.0


@dataclass(frozen=True)
class Screen:
    """A video screen bound to a channel.

    Its picture is the primitive of the GLB node `node` whose material is
    also named `node`.
    """

    id: str
    node: str
    channel: str
    title: Text


@dataclass(frozen=True)
class Scene:
    """One scene of the bundle with its GLB file and what to show in it."""

    id: str
    title: Text
    description: Text
    file: Path
    sky: Sky
    ambient: Ambient
    start_viewpoint: str | None
    hotspots: tuple[Hotspot, ...]
    viewpoints: tuple[Viewpoint, ...]
    tours: tuple[GuidedTour, ...]
    screens: tuple[Screen, ...] = ()

    def hotspot(self, hotspot_id: str) -> Hotspot:
        """Return the hotspot `hotspot_id`; raise ViewerError if there is none."""
        return _by_id(self.hotspots, hotspot_id, f"hotspot in scene '{self.id}'")

    def viewpoint(self, viewpoint_id: str) -> Viewpoint:
        """Return the viewpoint `viewpoint_id`; raise ViewerError if there is none."""
        return _by_id(self.viewpoints, viewpoint_id, f"viewpoint in scene '{self.id}'")


@dataclass(frozen=True)
class Session:
    """A scheduled stream; `start` and `end` carry their UTC offset.

    `stream` and `replay` are links as tour.json gives them; `poster` is an
    absolute path inside the bundle.
    """

    id: str
    title: Text
    description: Text
    channel: str | None
    speakers: tuple[Text, ...]
    start: datetime
    end: datetime
    stream: str | None
    replay: str | None
    poster: Path | None = None


@dataclass(frozen=True)
class Channel:
    """A channel that sessions are scheduled on and screens show."""

    id: str
    title: Text


@dataclass(frozen=True)
class StatusFeed:
    """The venue's live status feed: its URL, polled every `interval` seconds."""

    url: str
    interval: float


@dataclass(frozen=True)
class Venue:
    """The event: its title, languages, IANA timezone and start scene."""

    id: str
    title: Text
    description: Text
    languages: tuple[str, ...]
    timezone: str
    start_scene: str


@dataclass(frozen=True)
class TourBundle:
    """A whole bundle: the venue, its sessions and scenes, and its folder."""

    root: Path
    venue: Venue
    sessions: tuple[Session, ...]
    scenes: tuple[Scene, ...]
    channels: tuple[Channel, ...] = ()
    status_feed: StatusFeed | None = None

    def scene(self, scene_id: str) -> Scene:
        """Return the scene `scene_id`; raise ViewerError if there is none."""
        return _by_id(self.scenes, scene_id, "scene")

    def session(self, session_id: str) -> Session:
        """Return the session `session_id`; raise ViewerError if there is none."""
        return _by_id(self.sessions, session_id, "session")

    def channel_sessions(self, channel_id: str) -> tuple[Session, ...]:
        """Return the sessions scheduled on `channel_id`, in tour.json order."""
        return tuple(s for s in self.sessions if s.channel == channel_id)


def _by_id(items: Sequence[ItemT], ident: str, kind: str) -> ItemT:
    for item in items:
        if item.id == ident:
            return item
    choices = ", ".join(item.id for item in items) or "none"
    raise ViewerError(f"no {kind} '{ident}'; the bundle has: {choices}")


def pick_text(text: Text, lang: str | None, languages: Sequence[str]) -> str:
    """Return `text` in `lang`, else the venue's first language, else any entry.

    Returns "" for empty text.
    """
    for code in (lang, *languages[:1]):
        if code and text.get(code):
            return text[code]
    for value in text.values():
        if value:
            return value
    return ""


def read_bundle(bundle_dir: Path) -> TourBundle:
    """Read and check `bundle_dir/tour.json`; raise ViewerError if it is unusable."""
    manifest = bundle_dir / MANIFEST
    try:
        raw_text = manifest.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ViewerError(
            Problem(Origin(bundle_dir), "not a tour bundle: tour.json not found; "
                    "build one with `venue build`")
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        problem = Problem(Origin(manifest), f"could not read: {error}")
        raise ViewerError(problem) from None
    try:
        raw = json.loads(raw_text)
    except json.JSONDecodeError as error:
        origin = Origin(manifest, error.lineno, error.colno)
        raise ViewerError(Problem(origin, f"invalid JSON: {error.msg}")) from None
    bundle = parse_bundle(raw, bundle_dir.resolve(), manifest)
    logger.debug("read %s: %d scenes, %d sessions", manifest, len(bundle.scenes),
                 len(bundle.sessions))
    return bundle


def parse_bundle(raw: Any, root: Path, manifest: Path) -> TourBundle:
    """Check the decoded tour.json `raw` and return it as a `TourBundle`."""
    reader = _Reader(manifest, root)
    document = reader.mapping(raw, ())
    if document.get("format") != FORMAT:
        reader.fail(("format",),
                    f"expected \"{FORMAT}\", got {document.get('format')!r}")
    version = document.get("version")
    if version != SUPPORTED_VERSION:
        reader.fail(("version",), f"this viewer reads version {SUPPORTED_VERSION}, "
                    f"got {version!r}; update the toolkit or rebuild the bundle")

    venue = _venue(reader, document)
    sessions = tuple(
        _session(reader, item, ("sessions", index))
        for index, item in enumerate(reader.list(document, "sessions", (), []))
    )
    scenes = tuple(
        _scene(reader, item, ("scenes", index))
        for index, item in enumerate(reader.list(document, "scenes", ()))
    )
    channels = tuple(
        _channel(reader, item, ("channels", index))
        for index, item in enumerate(reader.list(document, "channels", (), []))
    )
    bundle = TourBundle(root, venue, sessions, scenes, channels,
                        _status_feed(reader, document))
    _check_references(reader, bundle)
    return bundle


class _Reader:
    """Typed access to raw JSON values that raises ViewerError with the key path."""

    def __init__(self, manifest: Path, root: Path) -> None:
        self.manifest = manifest
        self.root = root

    def fail(self, path: KeyPath, message: str) -> NoReturn:
        raise ViewerError(Problem(Origin(self.manifest), message, key_path(path)))

    def mapping(self, raw: Any, path: KeyPath) -> Mapping[str, Any]:
        if not isinstance(raw, Mapping):
            self.fail(path, f"expected an object, got {type(raw).__name__}")
        return cast(Mapping[str, Any], raw)

    def get(self, raw: Mapping[str, Any], key: str, path: KeyPath,
            kind: type[T] | tuple[type, ...], default: Any = ...) -> Any:
        if key not in raw or raw[key] is None:
            if default is ...:
                self.fail((*path, key), "missing")
            return default
        value = raw[key]
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            self.fail((*path, key), f"invalid value {value!r}")
        return value

    def string(self, raw: Mapping[str, Any], key: str, path: KeyPath,
               default: Any = ...) -> Any:
        return self.get(raw, key, path, str, default)

    def number(self, raw: Mapping[str, Any], key: str, path: KeyPath,
               default: Any = ...) -> Any:
        value = self.get(raw, key, path, (int, float), default)
        return None if value is None else float(value)

    def list(self, raw: Mapping[str, Any], key: str, path: KeyPath,
             default: Any = ...) -> Sequence[Any]:
        return cast(Sequence[Any], self.get(raw, key, path, list, default))

    def text(self, raw: Mapping[str, Any], key: str, path: KeyPath) -> Text:
        value = self.get(raw, key, path, Mapping, {})
        for code, entry in value.items():
            if not isinstance(entry, str):
                self.fail((*path, key, code), f"expected a string, got {entry!r}")
        return dict(value)

    def color(self, raw: Mapping[str, Any], key: str, path: KeyPath) -> RGB:
        return cast(RGB, parse_hex_color(self.color_text(raw, key, path)))

    def color_text(self, raw: Mapping[str, Any], key: str, path: KeyPath) -> str:
        text = cast(str, self.string(raw, key, path))
        if parse_hex_color(text) is None:
            self.fail((*path, key), f"invalid colour {text!r}; expected #rrggbb")
        return text

    def file(self, raw: Mapping[str, Any], key: str, path: KeyPath) -> Path:
        relative = self.string(raw, key, path)
        resolved = (self.root / relative).resolve()
        if Path(relative).is_absolute() or not resolved.is_relative_to(self.root):
            self.fail((*path, key), f"path {relative!r} leaves the bundle folder")
        return resolved


def _venue(reader: _Reader, document: Mapping[str, Any]) -> Venue:
    path: KeyPath = ("venue",)
    raw = reader.mapping(document.get("venue"), path)
    languages = tuple(reader.list(raw, "languages", path, []))
    if not all(isinstance(code, str) for code in languages):
        reader.fail((*path, "languages"), "expected a list of language codes")
    return Venue(
        id=reader.string(raw, "id", path),
        title=reader.text(raw, "title", path),
        description=reader.text(raw, "description", path),
        languages=languages,
        timezone=reader.string(raw, "timezone", path, "UTC"),
        start_scene=reader.string(raw, "start_scene", path),
    )


def _time(reader: _Reader, raw: Mapping[str, Any], key: str, path: KeyPath) -> datetime:
    text = reader.string(raw, key, path)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        reader.fail((*path, key), f"invalid time {text!r}; expected ISO 8601 "
                    "with a UTC offset")
    return value


def _session(reader: _Reader, item: Any, path: KeyPath) -> Session:
    raw = reader.mapping(item, path)
    speakers = tuple(
        reader.text(reader.mapping(speaker, (*path, "speakers", index)), "name",
                    (*path, "speakers", index))
        for index, speaker in enumerate(reader.list(raw, "speakers", path, []))
    )
    return Session(
        id=reader.string(raw, "id", path),
        title=reader.text(raw, "title", path),
        description=reader.text(raw, "description", path),
        channel=reader.string(raw, "channel", path, None),
        speakers=speakers,
        start=_time(reader, raw, "start", path),
        end=_time(reader, raw, "end", path),
        stream=reader.string(raw, "stream", path, None),
        replay=reader.string(raw, "replay", path, None),
        poster=reader.file(raw, "poster", path) if raw.get("poster") else None,
    )


def _channel(reader: _Reader, item: Any, path: KeyPath) -> Channel:
    raw = reader.mapping(item, path)
    return Channel(reader.string(raw, "id", path), reader.text(raw, "title", path))


def _status_feed(reader: _Reader, document: Mapping[str, Any]) -> StatusFeed | None:
    if document.get("status_feed") is None:
        return None
    path: KeyPath = ("status_feed",)
    raw = reader.mapping(document["status_feed"], path)
    interval = reader.number(raw, "interval", path, 30.0)
    if interval <= 0:
        reader.fail((*path, "interval"),
                    f"interval must be > 0 seconds, got {interval}")
    return StatusFeed(reader.string(raw, "url", path), interval)


def _sky(reader: _Reader, raw_scene: Mapping[str, Any], path: KeyPath) -> Sky:
    path = (*path, "sky")
    raw = reader.mapping(raw_scene.get("sky", {"type": "color", "color": "#000000"}),
                         path)
    kind = reader.string(raw, "type", path)
    if kind not in _SKY_COLORS:
        reader.fail((*path, "type"), f"unknown sky type {kind!r}; expected one of "
                    + ", ".join(_SKY_COLORS))
    colors = {role: reader.color_text(raw, role, path) for role in _SKY_COLORS[kind]}
    if kind != "panorama":
        return Sky(cast(SkyType, kind), colors)
    return Sky("panorama", colors, reader.file(raw, "image", path),
               reader.number(raw, "rotate", path, 0.0))


def _ambient(reader: _Reader, raw_scene: Mapping[str, Any], path: KeyPath) -> Ambient:
    path = (*path, "ambient")
    raw = reader.mapping(raw_scene.get("ambient", {}), path)
    color = reader.color(raw, "color", path) if "color" in raw else (1.0, 1.0, 1.0)
    return Ambient(color, reader.number(raw, "intensity", path, 0.0))


def _action(reader: _Reader, raw_hotspot: Mapping[str, Any], path: KeyPath) -> Action:
    path = (*path, "action")
    raw = reader.mapping(raw_hotspot.get("action"), path)
    kind = reader.string(raw, "type", path)
    if kind not in _ACTION_TYPES:
        reader.fail((*path, "type"), f"unknown action {kind!r}; expected one of "
                    + ", ".join(_ACTION_TYPES))
    return Action(cast(ActionType, kind), reader.string(raw, kind, path))


def _hotspot(reader: _Reader, item: Any, path: KeyPath) -> Hotspot:
    raw = reader.mapping(item, path)
    hotspot_id = reader.string(raw, "id", path)
    return Hotspot(
        id=hotspot_id,
        node=reader.string(raw, "node", path, f"hotspot_{hotspot_id}"),
        title=reader.text(raw, "title", path),
        description=reader.text(raw, "description", path),
        action=_action(reader, raw, path),
    )


def _viewpoint(reader: _Reader, item: Any, path: KeyPath) -> Viewpoint:
    raw = reader.mapping(item, path)
    viewpoint_id = reader.string(raw, "id", path)
    return Viewpoint(
        id=viewpoint_id,
        node=reader.string(raw, "node", path, f"viewpoint_{viewpoint_id}"),
        title=reader.text(raw, "title", path),
        fov=reader.number(raw, "fov", path, None),
        target_distance=reader.number(raw, "target_distance", path, None),
    )


def _screen(reader: _Reader, item: Any, path: KeyPath) -> Screen:
    raw = reader.mapping(item, path)
    screen_id = reader.string(raw, "id", path)
    return Screen(
        id=screen_id,
        node=reader.string(raw, "node", path, f"screen_{screen_id}"),
        channel=reader.string(raw, "channel", path),
        title=reader.text(raw, "title", path),
    )


def _stop(reader: _Reader, item: Any, path: KeyPath) -> TourStop:
    raw = reader.mapping(item, path)
    viewpoint = reader.string(raw, "viewpoint", path, None)
    hotspot = reader.string(raw, "hotspot", path, None)
    if (viewpoint is None) == (hotspot is None):
        reader.fail(path, "a stop needs exactly one of 'viewpoint' or 'hotspot'")
    hold = reader.number(raw, "hold", path, 4.0)
    if hold < 0:
        reader.fail((*path, "hold"), f"hold must be >= 0 seconds, got {hold}")
    return TourStop(viewpoint, hotspot, hold, reader.text(raw, "caption", path))


def _guided_tour(reader: _Reader, item: Any, path: KeyPath) -> GuidedTour:
    raw = reader.mapping(item, path)
    stops = tuple(
        _stop(reader, stop, (*path, "stops", index))
        for index, stop in enumerate(reader.list(raw, "stops", path))
    )
    return GuidedTour(
        id=reader.string(raw, "id", path),
        title=reader.text(raw, "title", path),
        loop=bool(reader.get(raw, "loop", path, bool, False)),
        stops=stops,
    )


def _scene(reader: _Reader, item: Any, path: KeyPath) -> Scene:
    raw = reader.mapping(item, path)

    def each(key: str) -> list[tuple[Any, KeyPath]]:
        return [(value, (*path, key, index))
                for index, value in enumerate(reader.list(raw, key, path, []))]

    return Scene(
        id=reader.string(raw, "id", path),
        title=reader.text(raw, "title", path),
        description=reader.text(raw, "description", path),
        file=reader.file(raw, "file", path),
        sky=_sky(reader, raw, path),
        ambient=_ambient(reader, raw, path),
        start_viewpoint=reader.string(raw, "start_viewpoint", path, None),
        hotspots=tuple(_hotspot(reader, value, at) for value, at in each("hotspots")),
        viewpoints=tuple(_viewpoint(reader, value, at)
                         for value, at in each("viewpoints")),
        tours=tuple(_guided_tour(reader, value, at) for value, at in each("tours")),
        screens=tuple(_screen(reader, value, at) for value, at in each("screens")),
    )


def _check_references(reader: _Reader, bundle: TourBundle) -> None:
    """Check the ids that hotspots and tour stops refer to, so each has a target."""
    scene_ids = {scene.id for scene in bundle.scenes}
    session_ids = {session.id for session in bundle.sessions}
    if not bundle.scenes:
        reader.fail(("scenes",), "the bundle has no scenes")
    if bundle.venue.start_scene not in scene_ids:
        reader.fail(("venue", "start_scene"),
                    f"unknown scene '{bundle.venue.start_scene}'")
    channel_ids = {channel.id for channel in bundle.channels}
    for index, scene in enumerate(bundle.scenes):
        _check_scene_references(reader, scene, ("scenes", index), scene_ids,
                                session_ids)
        for screen_index, screen in enumerate(scene.screens):
            if screen.channel not in channel_ids:
                reader.fail(("scenes", index, "screens", screen_index, "channel"),
                            f"unknown channel '{screen.channel}'")


def _check_scene_references(reader: _Reader, scene: Scene, path: KeyPath,
                            scene_ids: set[str], session_ids: set[str]) -> None:
    viewpoint_ids = {viewpoint.id for viewpoint in scene.viewpoints}
    hotspot_ids = {hotspot.id for hotspot in scene.hotspots}
    if scene.start_viewpoint is not None and scene.start_viewpoint not in viewpoint_ids:
        reader.fail((*path, "start_viewpoint"),
                    f"unknown viewpoint '{scene.start_viewpoint}'")
    known: dict[str, set[str]] = {"scene": scene_ids, "viewpoint": viewpoint_ids,
                                  "session": session_ids}
    for index, hotspot in enumerate(scene.hotspots):
        action = hotspot.action
        if action.type in known and action.target not in known[action.type]:
            reader.fail((*path, "hotspots", index, "action", action.type),
                        f"unknown {action.type} '{action.target}'")
    for tour_index, tour in enumerate(scene.tours):
        for stop_index, stop in enumerate(tour.stops):
            stop_path = (*path, "tours", tour_index, "stops", stop_index)
            if stop.viewpoint is not None and stop.viewpoint not in viewpoint_ids:
                reader.fail((*stop_path, "viewpoint"),
                            f"unknown viewpoint '{stop.viewpoint}'")
            if stop.hotspot is not None and stop.hotspot not in hotspot_ids:
                reader.fail((*stop_path, "hotspot"),
                            f"unknown hotspot '{stop.hotspot}'")
