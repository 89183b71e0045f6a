"""The validated venue: typed, immutable values made from the YAML files.

A `Venue` is what the loader returns once every file has been checked and
every reference resolved. Each value keeps the `Origin` of its YAML so that
later stages can still point at the line that caused a problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from .errors import Origin

__all__ = [
    "Text",
    "Vec2",
    "Vec3",
    "Color",
    "Pattern",
    "MaterialSpec",
    "Shape",
    "Placement",
    "SceneObject",
    "LightSpec",
    "Action",
    "Hotspot",
    "Viewpoint",
    "Screen",
    "TourStop",
    "Tour",
    "Sky",
    "Scene",
    "Speaker",
    "Channel",
    "Session",
    "StatusFeed",
    "Venue",
]

Text = Mapping[str, str]
"""Visitor-facing text by language code, such as {"zh": "…", "en": "…"}."""

Vec2 = tuple[float, float]
Vec3 = tuple[float, float, float]
Color = str
"""An sRGB colour as "#rrggbb" or "#rrggbbaa"."""


@dataclass(frozen=True)
class Pattern:
    """A generated texture: `kind` names the generator; `size` is the metres
    one tile covers, or None for one tile per face."""

    kind: str
    color: Color | None
    size: float | None
    seed: int


@dataclass(frozen=True)
class MaterialSpec:
    """A material as the author wrote it, before textures are made."""

    name: str
    color: Color = "#cccccc"
    opacity: float = 1.0
    metallic: float = 0.0
    roughness: float = 0.8
    texture: Path | None = None
    pattern: Pattern | None = None
    emissive: Color | None = None
    emissive_strength: float = 1.0
    double_sided: bool = False
    unlit: bool = False


@dataclass(frozen=True)
class Shape:
    """A primitive or a model file: `kind` is box, cylinder, sphere, plane,
    extrude, terrain or model, and `params` is that key's mapping."""

    kind: str
    params: Mapping[str, object]
    model: Path | None = None


@dataclass(frozen=True)
class Placement:
    """Where one copy is: position, [heading, pitch, roll] and scale."""

    at: Vec3
    hpr: Vec3 = (0.0, 0.0, 0.0)
    scale: Vec3 = (1.0, 1.0, 1.0)


@dataclass(frozen=True)
class SceneObject:
    """A scene object: one shape with a material, placed once or many times."""

    id: str
    shape: Shape
    material: MaterialSpec
    placement: Placement
    copies: tuple[Placement, ...]
    """Extra placements relative to `placement`; empty for a single object."""
    title: Text | None
    origin: Origin


@dataclass(frozen=True)
class LightSpec:
    """A punctual light in the authors' frame."""

    id: str
    kind: Literal["directional", "point", "spot"]
    color: Color
    intensity: float
    at: Vec3
    direction: Vec3
    range: float | None
    inner_cone: float
    outer_cone: float
    origin: Origin


@dataclass(frozen=True)
class Action:
    """What a hotspot does: `kind` is session, scene, viewpoint or url."""

    kind: Literal["session", "scene", "viewpoint", "url"]
    target: str


@dataclass(frozen=True)
class Hotspot:
    id: str
    at: Vec3
    title: Text
    description: Text | None
    action: Action
    origin: Origin


@dataclass(frozen=True)
class Viewpoint:
    id: str
    at: Vec3
    look_at: Vec3
    title: Text | None
    fov: float
    origin: Origin


@dataclass(frozen=True)
class Screen:
    """A video screen showing a channel; `at` is the centre of its picture."""

    id: str
    channel: str
    at: Vec3
    size: Vec2
    """Width and height of the picture in metres."""
    hpr: Vec3
    """Heading, pitch, roll in degrees; heading 0 faces north (+y)."""
    title: Text | None
    origin: Origin


@dataclass(frozen=True)
class TourStop:
    """A stop: fly to a viewpoint, or to look at a hotspot (`kind`)."""

    kind: Literal["viewpoint", "hotspot"]
    target: str
    hold: float
    caption: Text | None


@dataclass(frozen=True)
class Tour:
    id: str
    title: Text
    loop: bool
    stops: tuple[TourStop, ...]
    origin: Origin


@dataclass(frozen=True)
class Sky:
    """The background: `kind` is color, gradient or panorama."""

    kind: Literal["color", "gradient", "panorama"]
    colors: Mapping[str, Color]
    panorama: Path | None = None
    rotate: float = 0.0


@dataclass(frozen=True)
class Scene:
    id: str
    title: Text
    description: Text | None
    sky: Sky
    ambient_color: Color
    ambient_intensity: float
    start_viewpoint: str
    objects: tuple[SceneObject, ...]
    lights: tuple[LightSpec, ...]
    hotspots: tuple[Hotspot, ...]
    viewpoints: tuple[Viewpoint, ...]
    tours: tuple[Tour, ...]
    file: Path
    origin: Origin
    screens: tuple[Screen, ...] = ()


@dataclass(frozen=True)
class Speaker:
    name: Text
    affiliation: Text | None


@dataclass(frozen=True)
class Channel:
    id: str
    title: Text


@dataclass(frozen=True)
class Session:
    """A talk on the schedule; times are timezone-aware."""

    id: str
    title: Text
    description: Text | None
    channel: str | None
    speakers: tuple[Speaker, ...]
    start: datetime
    end: datetime
    stream: str | None
    replay: str | None
    poster: Path | None
    origin: Origin


@dataclass(frozen=True)
class StatusFeed:
    """A JSON document that players poll for session status overrides."""

    url: str
    interval: float
    """Seconds between two polls."""


@dataclass(frozen=True)
class Venue:
    """One event: everything a build needs, checked and cross-referenced."""

    id: str
    title: Text
    description: Text | None
    languages: tuple[str, ...]
    timezone: str
    start_scene: str
    scenes: tuple[Scene, ...]
    channels: tuple[Channel, ...]
    sessions: tuple[Session, ...]
    root: Path
    file: Path
    inputs: tuple[Path, ...]
    """Every file the venue was read from, for watching and caching."""
    status_feed: StatusFeed | None = None

    def scene(self, scene_id: str) -> Scene:
        """Return the scene with id `scene_id` (KeyError when there is none)."""
        for scene in self.scenes:
            if scene.id == scene_id:
                return scene
        raise KeyError(scene_id)
