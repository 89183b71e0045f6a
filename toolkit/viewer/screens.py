"""Screens: each `screen_<id>` picture shows its channel's live session or poster.

At any moment a screen shows, in this order of preference, the stream of
its channel's live session, else the poster of the next session with a
countdown, else the replay of the session that ended last. A poster is the
session's poster image with its title and a status line, or its title
alone when it has none. While a stream or replay opens, and whenever it
cannot be played, the screen shows that session's poster. A screen whose
channel has none of these keeps the picture the GLB gives it.

The picture is the screen mesh's primitive whose material is named like
the node. The layer gives each picture its own texture and swaps the
primitive's render state; it restores the original state when the scene
is left.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

import numpy as np
from panda3d.core import (
    GeomNode,
    GeomVertexReader,
    LightAttrib,
    Material,
    MaterialAttrib,
    NodePath,
    RenderState,
    SamplerState,
    Texture,
    TextureAttrib,
    TextureStage,
)
from PIL import Image

from ..sessions import Override, status
from .bundle_reader import Screen, Session, TourBundle
from .posters import compose_poster, load_poster
from .sessions import session_link
from .video import VideoOptions, VideoPlayer, resolve_source

__all__ = [
    "TEXTURE_WIDTH",
    "ScreenKind",
    "ScreenContent",
    "choose_content",
    "ScreenLayer",
]

logger = logging.getLogger(__name__)

TEXTURE_WIDTH = 640  # pixels; the height follows the picture's aspect ratio
_MIN_HEIGHT = 36
_MAX_HEIGHT = 1280
_POWER_OF_TWO_WIDTH = 512  # for displays that lack non-power-of-two textures
_JOIN_BUDGET_S = 2.0  # how long `close` waits for decoder threads in all

ScreenKind = Literal["live", "upcoming", "replay", "idle"]
Showing = Literal["idle", "poster", "video"]


@dataclass(frozen=True)
class ScreenContent:
    """The content a screen shows: a session in one status, and the link to play.

    `link` is the stream while live and the replay after; `starts_in` is
    set for an upcoming session.
    """

    kind: ScreenKind
    session: Session | None = None
    link: str | None = None
    starts_in: timedelta | None = None

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        """What identifies the content apart from the countdown."""
        return (self.kind, self.session.id if self.session else None, self.link)


def choose_content(sessions: Iterable[Session], now: datetime,
                   overrides: Mapping[str, Override]) -> ScreenContent:
    """Return what a screen of a channel with `sessions` shows at `now`.

    The live session that started last wins, else the upcoming session
    that starts first, else the replay of the session that ended last.
    """
    live: list[Session] = []
    upcoming: list[tuple[timedelta, Session]] = []
    replays: list[Session] = []
    for session in sessions:
        current = status(session, now, overrides.get(session.id))
        if current.kind == "live":
            live.append(session)
        elif current.kind == "upcoming":
            upcoming.append((current.starts_in or timedelta(), session))
        elif current.kind == "replay":
            replays.append(session)
    if live:
        session = max(live, key=lambda s: s.start)
        link = session_link(session, "live", overrides.get(session.id))
        return ScreenContent("live", session, link)
    if upcoming:
        starts_in, session = min(upcoming, key=lambda pair: pair[0])
        return ScreenContent("upcoming", session, None, starts_in)
    if replays:
        session = max(replays, key=lambda s: s.end)
        link = session_link(session, "replay", overrides.get(session.id))
        return ScreenContent("replay", session, link)
    return ScreenContent("idle")


@dataclass
class _Binding:
    """One screen's picture primitive, its texture and what it shows now."""

    screen: Screen
    geom_node: GeomNode
    index: int
    original: RenderState
    state: RenderState  # the original with `texture`, unlit
    texture: Texture
    size: tuple[int, int]  # of the texture
    picture_size: tuple[int, int]  # the texture's size at the picture's aspect
    content: ScreenContent | None = None
    poster_key: tuple[object, ...] | None = None
    poster_pixels: bytes = b""
    player: VideoPlayer | None = None
    frame_number: int = 0
    showing: Showing = "idle"


Describe = Callable[[ScreenContent], tuple[str, str]]
"""Returns the title and status line of a content's poster."""


class ScreenLayer:
    """The screens of the scene shown; `refresh` follows the clock, `update` plays.

    `describe` returns the text of posters. With `emissive`, pictures glow
    through an emission texture, which simplepbr needs. Without `video`
    options, screens show posters only, as snapshots do. `power_of_two`
    gives textures power-of-two sides, which p3tinydisplay needs.
    """

    def __init__(self, bundle: TourBundle, describe: Describe,
                 font_path: Path | None, emissive: bool,
                 video: VideoOptions | None, power_of_two: bool = False) -> None:
        self.bundle = bundle
        self._describe = describe
        self._font_path = font_path
        self._emissive = emissive
        self._video = video
        self._power_of_two = power_of_two
        self._bindings: dict[str, _Binding] = {}
        self._stopped: list[VideoPlayer] = []

    @property
    def screen_ids(self) -> list[str]:
        """Ids of the screens bound in the current scene."""
        return list(self._bindings)

    def texture(self, screen_id: str) -> Texture:
        """Return the texture that screen `screen_id` shows while not idle."""
        return self._bindings[screen_id].texture

    def showing(self, screen_id: str) -> Showing:
        """Return whether the screen shows its idle picture, a poster or video."""
        return self._bindings[screen_id].showing

    def content(self, screen_id: str) -> ScreenContent | None:
        """Return the content that the last refresh chose for the screen."""
        return self._bindings[screen_id].content

    def player(self, screen_id: str) -> VideoPlayer | None:
        """Return the screen's video player, if one is playing or opening."""
        return self._bindings[screen_id].player

    # -- binding ----------------------------------------------------------------

    def bind(self, model: NodePath, screens: Iterable[Screen]) -> None:
        """Take over the pictures of `screens` in `model`, replacing any bound."""
        self.clear()
        for screen in screens:
            binding = self._bind_one(model, screen)
            if binding is not None:
                self._bindings[screen.id] = binding

    def _bind_one(self, model: NodePath, screen: Screen) -> _Binding | None:
        node = model.find(f"**/{screen.node}")
        if node.is_empty():
            logger.warning("screen %s: node %s not found in the scene", screen.id,
                           screen.node)
            return None
        found = _find_picture(node, screen.node)
        if found is None:
            logger.warning("screen %s: no primitive with material %s; it will show "
                           "no video", screen.id, screen.node)
            return None
        geom_node, index = found
        original = geom_node.get_geom_state(index)
        aspect = _picture_aspect(geom_node, index)
        height = round(TEXTURE_WIDTH / aspect / 2) * 2
        picture_size = (TEXTURE_WIDTH, min(max(height, _MIN_HEIGHT), _MAX_HEIGHT))
        size = picture_size
        if self._power_of_two:
            scale = _POWER_OF_TWO_WIDTH / TEXTURE_WIDTH
            size = (_POWER_OF_TWO_WIDTH, _nearest_power_of_two(height * scale))
        texture = _make_texture(f"screen-{screen.id}", size, srgb=self._emissive)
        state = _picture_state(original, texture, self._emissive)
        return _Binding(screen, geom_node, index, original, state, texture, size,
                        picture_size)

    def clear(self) -> None:
        """Stop every player and give the pictures back their original state."""
        for binding in self._bindings.values():
            self._stop_player(binding)
            binding.geom_node.set_geom_state(binding.index, binding.original)
        self._bindings.clear()

    def close(self) -> None:
        """Clear, then wait a bounded time for the decoder threads to end."""
        self.clear()
        deadline = time.monotonic() + _JOIN_BUDGET_S
        for player in self._stopped:
            if not player.join(max(deadline - time.monotonic(), 0.0)):
                logger.debug("video thread %s still ends a read", player.name)
        self._stopped.clear()

    # -- following the clock ----------------------------------------------------

    def refresh(self, now: datetime, overrides: Mapping[str, Override]) -> None:
        """Choose each screen's content at `now`; start or stop its video."""
        for binding in self._bindings.values():
            sessions = self.bundle.channel_sessions(binding.screen.channel)
            content = choose_content(sessions, now, overrides)
            switched = binding.content is None or content.key != binding.content.key
            if switched:
                self._switch(binding, content)
            binding.content = content
            if content.kind == "idle":
                continue
            self._update_poster(binding, content)
            if switched:
                self._show_poster(binding)
        self._stopped = [player for player in self._stopped if not player.join(0)]

    def _switch(self, binding: _Binding, content: ScreenContent) -> None:
        self._stop_player(binding)
        logger.info("screen %s: %s%s", binding.screen.id, content.kind,
                    f" {content.session.id}" if content.session else "")
        if content.kind == "idle":
            binding.geom_node.set_geom_state(binding.index, binding.original)
            binding.showing = "idle"
            return
        if content.link is None or self._video is None:
            return
        source = resolve_source(content.link, self.bundle.root)
        if source is not None:
            width, height = binding.picture_size
            binding.player = VideoPlayer(source, binding.size, self._video,
                                         binding.screen.id, aspect=width / height)
            binding.frame_number = 0

    def _stop_player(self, binding: _Binding) -> None:
        if binding.player is not None:
            binding.player.stop()
            self._stopped.append(binding.player)
            binding.player = None

    def _update_poster(self, binding: _Binding, content: ScreenContent) -> None:
        """Draw the poster again when its image or text changed."""
        assert content.session is not None
        title, line = self._describe(content)
        poster_path = content.session.poster
        key = (content.session.id, title, line, poster_path)
        if key == binding.poster_key:
            return
        size = binding.picture_size
        poster = load_poster(poster_path, size) if poster_path else None
        image = compose_poster(size, poster, title, line, self._font_path)
        if image.size != binding.size:
            image = image.resize(binding.size, Image.Resampling.LANCZOS)
        binding.poster_pixels = _texture_bytes(image)
        binding.poster_key = key
        if binding.showing == "poster":
            binding.texture.set_ram_image(binding.poster_pixels)

    def _show_poster(self, binding: _Binding) -> None:
        binding.texture.set_ram_image(binding.poster_pixels)
        self._apply_texture(binding)
        binding.showing = "poster"

    def _apply_texture(self, binding: _Binding) -> None:
        binding.geom_node.set_geom_state(binding.index, binding.state)

    # -- per frame --------------------------------------------------------------

    def update(self) -> None:
        """Upload each player's newest frame; go back to the poster on failure."""
        for binding in self._bindings.values():
            player = binding.player
            if player is None:
                continue
            frame = player.latest()
            if frame is not None and frame.number != binding.frame_number:
                binding.frame_number = frame.number
                binding.texture.set_ram_image(frame.pixels)
                if binding.showing != "video":
                    self._apply_texture(binding)
                    binding.showing = "video"
            elif player.state == "failed" and binding.showing == "video":
                self._show_poster(binding)


def _find_picture(node: NodePath, material_name: str) -> tuple[GeomNode, int] | None:
    """Return the GeomNode and index of the primitive with material `material_name`."""
    paths = list(node.find_all_matches("**/+GeomNode"))
    if isinstance(node.node(), GeomNode):
        paths.insert(0, node)
    for path in paths:
        geom_node = path.node()
        for index in range(geom_node.get_num_geoms()):
            attrib = geom_node.get_geom_state(index).get_attrib(MaterialAttrib)
            material = attrib.get_material() if attrib is not None else None
            if material is not None and material.get_name() == material_name:
                return geom_node, index
    return None


def _picture_aspect(geom_node: GeomNode, index: int) -> float:
    """Return width / height of the picture, measured along its UV axes.

    Falls back to 16:9 when the primitive has no UVs or a degenerate size.
    """
    data = geom_node.get_geom(index).get_vertex_data()
    if not data.has_column("texcoord"):
        return 16 / 9
    vertices = GeomVertexReader(data, "vertex")
    texcoords = GeomVertexReader(data, "texcoord")
    points = []
    while not vertices.is_at_end():
        points.append((tuple(texcoords.get_data2()), tuple(vertices.get_data3())))
    width = height = 0.0
    for (uv_a, at_a) in points:
        for (uv_b, at_b) in points:
            du, dv = abs(uv_a[0] - uv_b[0]), abs(uv_a[1] - uv_b[1])
            if du > 0.5 and dv < 1e-3:
                width = max(width, math.dist(at_a, at_b) / du)
            elif dv > 0.5 and du < 1e-3:
                height = max(height, math.dist(at_a, at_b) / dv)
    if width <= 0 or height <= 0:
        return 16 / 9
    return width / height


def _nearest_power_of_two(value: float) -> int:
    return int(2 ** max(round(math.log2(max(value, 1.0))), 0))


def _make_texture(name: str, size: tuple[int, int], srgb: bool) -> Texture:
    """Make a texture for video and posters.

    simplepbr works in linear light, so its pictures need `srgb` to be
    decoded when sampled. Unlit pictures without it reach the window as
    stored, which keeps their sRGB colours.
    """
    texture = Texture(name)
    texture.setup_2d_texture(size[0], size[1], Texture.T_unsigned_byte,
                             Texture.F_srgb if srgb else Texture.F_rgb8)
    texture.set_minfilter(SamplerState.FT_linear)
    texture.set_magfilter(SamplerState.FT_linear)
    texture.set_wrap_u(SamplerState.WM_clamp)
    texture.set_wrap_v(SamplerState.WM_clamp)
    return texture


def _picture_state(original: RenderState, texture: Texture,
                   emissive: bool) -> RenderState:
    """Return the picture's state showing `texture`, unlit like a display.

    Without lights, fixed-function and shader-generator rendering show the
    texture as it is. simplepbr still lights the base colour with its
    environment, so with `emissive` the base colour is black and the
    texture is also the emission map at full strength.
    """
    attrib = original.get_attrib(TextureAttrib)
    if attrib is not None and attrib.get_num_on_stages():
        stage = attrib.get_on_stage(0)
    else:
        attrib = TextureAttrib.make()
        stage = TextureStage.get_default()
    textures = attrib.add_on_stage(stage, texture)
    state = original.set_attrib(LightAttrib.make_all_off())
    if emissive:
        glow = TextureStage("screen-emission")
        glow.set_mode(TextureStage.M_emission)
        glow.set_texcoord_name(stage.get_texcoord_name())
        textures = textures.add_on_stage(glow, texture)
        material = Material("screen-picture")
        material_attrib = original.get_attrib(MaterialAttrib)
        if material_attrib is not None and material_attrib.get_material() is not None:
            material = Material(material_attrib.get_material())
        material.set_base_color((0, 0, 0, 1))
        material.set_emission((1, 1, 1, 1))
        state = state.set_attrib(MaterialAttrib.make(material))
    return state.set_attrib(textures)


def _texture_bytes(image: Image.Image) -> bytes:
    """Return an RGB image as a Panda3D texture's RAM image: BGR, bottom row first."""
    pixels = np.asarray(image.convert("RGB"))
    return np.ascontiguousarray(pixels[::-1, :, ::-1]).tobytes()
