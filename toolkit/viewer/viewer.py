"""The viewer: shows one scene at a time with its sky, markers, panel and HUD.

`Viewer` has no input bindings (see `controls`), so the window and the
offscreen snapshots build scenes with the same code.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from panda3d.core import ClockObject, LPoint3, LQuaternion, LVector3

from .bundle_reader import Hotspot, Scene, Text, TourBundle, TourStop
from .camera import (
    DEFAULT_FOV,
    DEFAULT_TARGET_DISTANCE,
    CameraRig,
    Pose,
    look_rotation,
    set_vertical_fov,
)
from .fonts import Fonts, choose_text, load_fonts
from .hud import Hud
from .links import open_web_url
from .markers import Marker, MarkerLayer, marker_color, pixel_to_film
from .menu import MenuEntry, SideMenu
from .panel import HotspotPanel, PanelButton, PanelContent
from .scenes import LoadedScene, SceneCache
from .sessions import (
    as_aware,
    format_clock,
    format_duration,
    format_session_time,
    session_link,
    session_status,
    time_until_start,
    utc_now,
    venue_zone,
)
from .sky import clear_color
from .stage import Stage
from .strings import ui_text
from .tour_player import TourPlayer

__all__ = ["Clock", "Viewer", "MARKER_RADIUS_FRACTION"]

logger = logging.getLogger(__name__)

MARKER_RADIUS_FRACTION = 0.022
"""Marker disc radius as a fraction of the window height (16 px at 720 px)."""

_STATUS_INTERVAL = 1.0  # seconds between clock and session status refreshes


class Clock:
    """The viewer's clock: now, or a start time that runs on or stays fixed."""

    def __init__(self, start: datetime | None = None, running: bool = True) -> None:
        self._start = start
        self._running = running
        self._started = time.monotonic()

    def now(self) -> datetime:
        """Return the current viewer time, timezone-aware."""
        if self._start is None:
            return utc_now()
        if not self._running:
            return self._start
        return self._start + timedelta(seconds=time.monotonic() - self._started)


class Viewer:
    """Scene display, hotspot actions and tours on a `Stage`."""

    def __init__(self, stage: Stage, bundle: TourBundle, *, lang: str | None,
                 clock: Clock) -> None:
        self.stage = stage
        self.bundle = bundle
        self.zone = venue_zone(bundle.venue.timezone)
        self.lang = lang or next(iter(bundle.venue.languages), "en")
        self.clock = clock
        self.fonts: Fonts = load_fonts()
        self._check_language()

        base = stage.base
        self.scenes = SceneCache(base.loader, bundle)
        radius = MARKER_RADIUS_FRACTION * stage.size[1]
        self.markers = MarkerLayer(stage.overlay_root, self.fonts.main, radius)
        self.rig = CameraRig(base.camera, base.camLens)
        self.panel = HotspotPanel(base.a2dTopRight, self.fonts.main,
                                  self.ui("close"))
        self.hud = Hud(base.a2dTopLeft, base.a2dBottomCenter, base.aspect2d,
                       self.fonts.main)
        self.menu = SideMenu(base.a2dTopLeft, self.fonts.main)
        self.tours = TourPlayer(self)
        self.current: LoadedScene | None = None
        self.viewpoint_id: str | None = None
        self._statuses: dict[str, str] = {}
        self._since_status = _STATUS_INTERVAL
        self._frame_clock = ClockObject.get_global_clock()
        self._size = stage.size
        stage.add_frame_hook(self._before_frame)

    def _check_language(self) -> None:
        languages = self.bundle.venue.languages
        if languages and self.lang not in languages:
            logger.warning("language %r is not one of the venue's (%s); showing %s "
                           "where a text lacks it", self.lang, ", ".join(languages),
                           languages[0])

    # -- text -------------------------------------------------------------------

    def text(self, text: Text) -> str:
        """Return `text` in the visitor's language, drawable with the font."""
        return choose_text(text, self.lang, self.bundle.venue.languages,
                           self.fonts.main)

    @property
    def ui_lang(self) -> str:
        """The language of interface text: English when the font lacks CJK glyphs."""
        return self.lang if self.fonts.has_cjk else "en"

    def ui(self, key: str, **values: str) -> str:
        """Return interface text in `ui_lang`, filled with `values`."""
        return ui_text(key, self.ui_lang, **values)

    def now(self) -> datetime:
        """Return the viewer's clock time, timezone-aware."""
        return as_aware(self.clock.now(), self.zone)

    # -- scenes and viewpoints ----------------------------------------------------

    @property
    def scene(self) -> Scene:
        """The scene shown."""
        if self.current is None:
            raise RuntimeError("no scene is shown yet")
        return self.current.info

    def show_scene(self, scene_id: str, viewpoint_id: str | None = None) -> None:
        """Show `scene_id` from `viewpoint_id` (default: its start viewpoint)."""
        loaded = self.scenes.get(scene_id)
        self.tours.stop()
        self.panel.close()
        if self.current is not None:
            self.current.model.detach_node()
            if self.current.sky is not None:
                self.current.sky.detach_node()
        self.current = loaded
        loaded.model.reparent_to(self.stage.base.render)
        if loaded.sky is not None:
            loaded.sky.reparent_to(self.stage.sky_root)
        self.stage.sky_region.set_clear_color(clear_color(loaded.info.sky))

        self._statuses.clear()
        self.markers.show(self._markers(loaded))
        self._refresh_statuses()
        start = viewpoint_id or loaded.info.start_viewpoint
        if start is None and loaded.info.viewpoints:
            start = loaded.info.viewpoints[0].id
        if start is not None:
            self.go_to_viewpoint(start, fly=False)
        else:
            self._place_overview(loaded)
        self._rebuild_menu()
        self._update_hud()
        logger.info("showing scene %s from viewpoint %s", scene_id, self.viewpoint_id)

    def _place_overview(self, loaded: LoadedScene) -> None:
        """Frame the whole model when a scene has no viewpoint."""
        self.viewpoint_id = None
        bounds = loaded.model.get_tight_bounds()
        center = LPoint3(0, 0, 0)
        radius = DEFAULT_TARGET_DISTANCE
        if bounds is not None:
            low, high = bounds
            center = (low + high) / 2
            radius = max((high - low).length() / 2, 1.0)
        eye = center + LVector3(0, -2.2 * radius, 0.8 * radius)
        set_vertical_fov(self.stage.base.camLens, DEFAULT_FOV, self._aspect())
        self.rig.place(Pose(eye, look_rotation(center - eye)), (center - eye).length())

    def _aspect(self) -> float:
        width, height = self.stage.size
        return width / max(height, 1)

    def go_to_viewpoint(self, viewpoint_id: str, *, fly: bool = True,
                        on_arrival: Callable[[], None] | None = None) -> None:
        """Move the camera to a viewpoint of the current scene, flying or at once."""
        scene = self.scene
        viewpoint = scene.viewpoint(viewpoint_id)
        assert self.current is not None
        transform = self.current.viewpoint_transforms.get(viewpoint_id)
        if transform is None:
            logger.warning("viewpoint %s of scene %s has no node; staying put",
                           viewpoint_id, scene.id)
            if on_arrival is not None:
                on_arrival()
            return
        pose = Pose(LPoint3(transform.get_pos()), LQuaternion(transform.get_quat()))
        distance = viewpoint.target_distance or DEFAULT_TARGET_DISTANCE
        set_vertical_fov(self.stage.base.camLens, viewpoint.fov or DEFAULT_FOV,
                         self._aspect())
        self.viewpoint_id = viewpoint_id
        if fly:
            self.rig.fly_to(pose, distance, on_arrival)
        else:
            self.rig.place(pose, distance)
            if on_arrival is not None:
                on_arrival()
        self._rebuild_menu()

    def apply_fov(self) -> None:
        """Re-apply the current viewpoint's vertical field of view (after a resize)."""
        fov = DEFAULT_FOV
        if self.current is not None and self.viewpoint_id is not None:
            fov = self.scene.viewpoint(self.viewpoint_id).fov or DEFAULT_FOV
        set_vertical_fov(self.stage.base.camLens, fov, self._aspect())

    def step_scene(self, offset: int) -> None:
        """Show the scene `offset` places after the current one, wrapping around."""
        ids = [scene.id for scene in self.bundle.scenes]
        index = ids.index(self.scene.id) if self.current is not None else 0
        self.show_scene(ids[(index + offset) % len(ids)])

    def viewpoint_by_number(self, number: int) -> None:
        """Fly to the current scene's viewpoint number `number` (from 1)."""
        viewpoints = self.scene.viewpoints
        if 1 <= number <= len(viewpoints):
            self.tours.stop()
            self.go_to_viewpoint(viewpoints[number - 1].id)

    # -- markers and hotspots -----------------------------------------------------

    def _markers(self, loaded: LoadedScene) -> list[Marker]:
        markers = []
        for hotspot in loaded.info.hotspots:
            position = loaded.hotspot_positions.get(hotspot.id)
            if position is None:
                continue
            color = marker_color(hotspot.action.type, self._status(hotspot))
            markers.append(Marker(hotspot.id, position, color, self._label(hotspot)))
        return markers

    def _label(self, hotspot: Hotspot) -> str:
        """Return the hotspot's title, else the title of what its action opens."""
        if hotspot.title:
            return self.text(hotspot.title)
        action = hotspot.action
        if action.type == "scene":
            return self.text(self.bundle.scene(action.target).title) or action.target
        if action.type == "session":
            return self.text(self.bundle.session(action.target).title)
        if action.type == "viewpoint":
            return self.text(self.scene.viewpoint(action.target).title) or action.target
        return urlsplit(action.target).netloc or hotspot.id

    def _status(self, hotspot: Hotspot) -> str | None:
        if hotspot.action.type != "session":
            return None
        return session_status(self.bundle.session(hotspot.action.target), self.now())

    def marker_pixels(self) -> dict[str, tuple[float, float]]:
        """Return the pixel position (x right, y down) of each visible marker."""
        base = self.stage.base
        return self.markers.project(base.cam, base.camLens, self.stage.size)

    def pick(self, pixel: tuple[float, float]) -> str | None:
        """Return the hotspot whose marker is under `pixel`, or None."""
        self._sync_layers()
        film = pixel_to_film(pixel, self.stage.size)
        return self.markers.pick(self.stage.base.cam, film)

    def click(self, pixel: tuple[float, float]) -> str | None:
        """Open the panel of the hotspot under `pixel`; return its id or None."""
        hotspot_id = self.pick(pixel)
        if hotspot_id is not None:
            self.open_hotspot(hotspot_id)
        return hotspot_id

    def open_hotspot(self, hotspot_id: str) -> None:
        """Open the panel of a hotspot of the current scene."""
        hotspot = self.scene.hotspot(hotspot_id)
        self.panel.show(self._panel_content(hotspot))
        logger.info("opened hotspot %s (%s)", hotspot.id, hotspot.action.type)

    def close_panel(self) -> None:
        """Close the hotspot panel if it is open."""
        self.panel.close()

    def _panel_content(self, hotspot: Hotspot) -> PanelContent:
        action = hotspot.action
        details: list[str] = []
        buttons: list[PanelButton] = []
        if action.type == "scene":
            name = self._label_of_scene(action.target)
            buttons.append(PanelButton(self.ui("go_scene", name=name),
                                       lambda: self.show_scene(action.target)))
        elif action.type == "viewpoint":
            viewpoint = self.scene.viewpoint(action.target)
            name = self.text(viewpoint.title) or viewpoint.id
            buttons.append(PanelButton(self.ui("go_viewpoint", name=name),
                                       lambda: self._go_from_panel(action.target)))
        elif action.type == "session":
            details, buttons = self._session_panel(action.target)
            if details[0] == self._label(hotspot):
                details.pop(0)  # the session title repeats the panel title
        else:
            details.append(action.target)
            buttons.append(PanelButton(self.ui("open_link"),
                                       lambda: open_web_url(action.target)))
        return PanelContent(hotspot.id, self._label(hotspot),
                            self.text(hotspot.description), details, buttons)

    def _label_of_scene(self, scene_id: str) -> str:
        return self.text(self.bundle.scene(scene_id).title) or scene_id

    def _go_from_panel(self, viewpoint_id: str) -> None:
        self.panel.close()
        self.go_to_viewpoint(viewpoint_id)

    def _session_panel(self, session_id: str) -> tuple[list[str], list[PanelButton]]:
        session = self.bundle.session(session_id)
        status = session_status(session, self.now())
        details = [self.text(session.title), format_session_time(session, self.zone),
                   self.ui(f"status_{status}")]
        waiting = time_until_start(session, self.now())
        if waiting is not None:
            duration = format_duration(waiting, self.ui_lang)
            details.append(self.ui("starts_in", time=duration))
        names = [self.text(name) for name in session.speakers]
        if any(names):
            separator = self.ui("list_separator")
            details.append(self.ui("speakers",
                                   names=separator.join(n for n in names if n)))
        buttons: list[PanelButton] = []
        link = session_link(session, status)
        if link is not None:
            label = self.ui("watch_live" if status == "live" else "watch_replay")
            buttons.append(PanelButton(label, lambda: open_web_url(link)))
        return details, buttons

    def press_primary(self) -> None:
        """Run the first action of the open panel, as its first button would."""
        content = self.panel.content
        if content is not None and content.buttons:
            content.buttons[0].action()

    # -- tours --------------------------------------------------------------------

    def toggle_tour(self) -> bool:
        """Start the scene's first guided tour, or stop the one playing.

        Returns True when a tour is playing afterwards.
        """
        if self.tours.playing:
            self.tours.stop()
            return False
        tours = self.scene.tours
        if not tours:
            logger.info("scene %s has no guided tour", self.scene.id)
            return False
        self.tours.start(tours[0])
        return self.tours.playing

    def fly_to_viewpoint(self, viewpoint_id: str,
                         on_arrival: Callable[[], None]) -> None:
        """Fly to a viewpoint, then call `on_arrival` (for the tour player)."""
        self.go_to_viewpoint(viewpoint_id, on_arrival=on_arrival)

    def face_hotspot(self, hotspot_id: str, on_arrival: Callable[[], None]) -> None:
        """Turn the camera towards a hotspot, then call `on_arrival`."""
        assert self.current is not None
        position = self.current.hotspot_positions.get(hotspot_id)
        if position is None:
            on_arrival()
            return
        self.rig.look_at_point(position, on_arrival)

    def show_caption(self, stop: TourStop) -> None:
        """Show the caption of a tour stop; an empty caption hides it."""
        self.hud.set_caption(self.text(stop.caption))

    def escape(self) -> None:
        """Close the panel, else stop the tour, else hide the help."""
        if self.panel.is_open:
            self.panel.close()
        elif self.tours.playing:
            self.tours.stop()
        else:
            self.hud.hide_help()

    # -- per frame ----------------------------------------------------------------

    def _before_frame(self) -> None:
        if self.stage.size != self._size:
            self._resized()
        dt = self._frame_clock.get_dt()
        self.rig.update(dt)
        self.tours.update(dt)
        self._since_status += dt
        if self._since_status >= _STATUS_INTERVAL:
            self._since_status = 0.0
            self._refresh_statuses()
            self._update_hud()
        self._sync_layers()

    def _resized(self) -> None:
        """Keep the vertical field of view and the marker size after a resize."""
        self._size = self.stage.size
        self.markers.radius_px = MARKER_RADIUS_FRACTION * self._size[1]
        self.apply_fov()

    def _sync_layers(self) -> None:
        """Keep the sky around the camera and the markers at their screen size."""
        base = self.stage.base
        if self.current is not None and self.current.sky is not None:
            self.current.sky.set_pos(base.camera.get_pos(base.render))
        self.markers.update_view(base.cam, base.camLens, self.stage.size)

    def _refresh_statuses(self) -> None:
        """Recolour session markers whose status changed; refresh an open panel."""
        if self.current is None:
            return
        changed = False
        for hotspot in self.current.info.hotspots:
            status = self._status(hotspot)
            if status is None or self._statuses.get(hotspot.id) == status:
                continue
            if hotspot.id in self._statuses:
                logger.info("session of hotspot %s is now %s", hotspot.id, status)
                changed = True
            self._statuses[hotspot.id] = status
            self.markers.set_color(hotspot.id, marker_color("session", status))
        content = self.panel.content
        if changed and content is not None:
            self.open_hotspot(content.hotspot_id)

    def _update_hud(self) -> None:
        if self.current is None:
            return
        venue = self.text(self.bundle.venue.title)
        scene = self.text(self.scene.title) or self.scene.id
        mode = self.ui(f"mode_{self.rig.mode}")
        parts = [f"{venue} · {scene}" if venue else scene,
                 format_clock(self.now(), self.zone), mode, self.ui("help_hint")]
        if self.tours.tour is not None:
            tour_name = self.text(self.tours.tour.title) or self.tours.tour.id
            parts.insert(2, self.ui("tour_playing", name=tour_name))
        self.hud.set_status("    ".join(parts))

    def refresh_hud(self) -> None:
        """Redraw the status line now (after a mode change, say)."""
        self._update_hud()

    def _rebuild_menu(self) -> None:
        if self.current is None:
            return
        scenes: list[MenuEntry] = [
            (self._label_of_scene(scene.id), self._scene_action(scene.id),
             scene.id == self.scene.id)
            for scene in self.bundle.scenes
        ]
        viewpoints: list[MenuEntry] = [
            (f"{number}  {self.text(viewpoint.title) or viewpoint.id}",
             self._viewpoint_action(number), viewpoint.id == self.viewpoint_id)
            for number, viewpoint in enumerate(self.scene.viewpoints, start=1)
        ]
        sections = [(self.ui("scenes"), scenes)]
        if viewpoints:
            sections.append((self.ui("viewpoints"), viewpoints))
        self.menu.rebuild(sections)

    def _scene_action(self, scene_id: str) -> Callable[[], None]:
        return lambda: self.show_scene(scene_id)

    def _viewpoint_action(self, number: int) -> Callable[[], None]:
        return lambda: self.viewpoint_by_number(number)

    def set_ui_visible(self, visible: bool) -> None:
        """Show or hide every 2D element (HUD, menu, panel)."""
        render2d = self.stage.base.render2d
        if visible:
            render2d.show()
        else:
            render2d.hide()

    def close(self) -> None:
        """Remove the viewer's nodes, widgets and per-frame work from the stage."""
        self.stage.remove_frame_hook(self._before_frame)
        self.tours.stop()
        self.panel.close()
        self.menu.destroy()
        self.hud.destroy()
        self.markers.clear()
        self.scenes.clear()
        self.current = None
