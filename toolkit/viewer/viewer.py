"""The viewer: shows one scene at a time with its sky, markers, panel and HUD.

`Viewer` has no input bindings (see `controls`), so the window and the
offscreen snapshots build scenes with the same code.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from urllib.parse import urlsplit

from panda3d.core import ClockObject, LPoint3, LQuaternion, LVector3, NodePath

from ..sessions import Override
from .bundle_reader import Hotspot, Scene, Text, TourBundle, TourStop
from .calendar import default_downloads, write_calendar
from .camera import (
    DEFAULT_FOV,
    DEFAULT_TARGET_DISTANCE,
    CameraRig,
    Pose,
    look_rotation,
    set_vertical_fov,
)
from .clock import Clock
from .designer import Designer
from .feed import FeedPoller
from .fonts import Fonts, choose_text, load_fonts
from .hud import Hud
from .links import open_web_url
from .markers import Marker, MarkerLayer, marker_color, pixel_to_film
from .menu import MenuEntry, SideMenu
from .options import OFFLINE, LiveOptions
from .panel import HotspotPanel, PanelButton, PanelContent
from .scenes import LoadedScene, SceneCache
from .screens import ScreenContent, ScreenLayer
from .session_panel import calendar_event, calendar_file_name, session_panel
from .sessions import (
    as_aware,
    format_clock,
    format_duration,
    session_status,
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


class Viewer:
    """Scene display, hotspot actions, tours, screens and the feed on a `Stage`.

    `live` turns screen video and the status feed on or off and sets the
    folder for calendar files; by default both are off. `snippets` is a
    file that designer mode appends each copied snippet to.
    """

    def __init__(self, stage: Stage, bundle: TourBundle, *, lang: str | None,
                 clock: Clock, live: LiveOptions = OFFLINE,
                 snippets: Path | None = None) -> None:
        self.stage = stage
        self.bundle = bundle
        self.zone = venue_zone(bundle.venue.timezone)
        self.lang = lang or next(iter(bundle.venue.languages), "en")
        self.clock = clock
        self.live = live
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
        self.screens = ScreenLayer(
            bundle, self._describe_screen, self.fonts.path,
            emissive=stage.lighting == "simplepbr",
            video=live.video_options if live.video else None,
            power_of_two=not stage.base.win.get_gsg().get_supports_tex_non_pow2(),
        )
        self.feed = self._start_feed()
        self._feed_version = 0
        self._calendar_notes: dict[str, str] = {}
        self.current: LoadedScene | None = None
        self.viewpoint_id: str | None = None
        self._statuses: dict[str, str] = {}
        self._since_status = _STATUS_INTERVAL
        self._frame_clock = ClockObject.get_global_clock()
        self._size = stage.size
        self.designer = Designer(self, snippets)
        self.extra_status = ""
        """Text that the status line shows before the help hint, such as the
        state of `--watch`. Empty shows nothing."""
        stage.add_frame_hook(self._before_frame)

    def _start_feed(self) -> FeedPoller | None:
        feed = self.bundle.status_feed
        if feed is None or not self.live.feed:
            return None
        poller = FeedPoller(feed, self.bundle.sessions, timeout=self.live.feed_timeout,
                            min_interval=self.live.min_feed_interval)
        return poller if poller.start() else None

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

    @property
    def visitor_zone(self) -> tzinfo | None:
        """The visitor's timezone; None is the machine's local timezone."""
        return self.live.visitor_zone

    @property
    def overrides(self) -> Mapping[str, Override]:
        """The status feed's overrides by session id; empty without a feed."""
        return self.feed.overrides if self.feed is not None else {}

    def override(self, session_id: str) -> Override | None:
        """Return the status feed's override of one session, if any."""
        return self.overrides.get(session_id)

    # -- the clock ----------------------------------------------------------------

    def step_clock(self, delta: timedelta) -> None:
        """Move the clock by `delta`; statuses, panel and screens follow at once."""
        self.clock.step(delta)
        self._clock_moved()

    def reset_clock(self) -> None:
        """Put the clock back to now, or to the start time `--at` gave."""
        self.clock.reset()
        self._clock_moved()

    def _clock_moved(self) -> None:
        logger.info("clock moved to %s", format_clock(self.now(), self.zone))
        self._since_status = 0.0
        self._refresh_statuses()
        self._update_hud()

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
        self.screens.bind(loaded.model, loaded.info.screens)
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

    def reload(self, bundle: TourBundle,
               preloaded: Mapping[str, NodePath] | None = None) -> None:
        """Show a rebuilt `bundle` in place of the current one.

        The camera stays where it is, on the same scene and viewpoint when
        the new bundle still has them (else on its start scene). A panel
        that was open opens again with the new text. `preloaded` maps scene
        ids to models already loaded from the new bundle's GLBs.
        """
        scene_id = self.current.info.id if self.current is not None else None
        viewpoint_id = self.viewpoint_id
        pose, distance = self.rig.pose, self.rig.distance
        open_hotspot = self.panel.content.hotspot_id if self.panel.content else None
        self.tours.stop()
        self.panel.close()
        self.screens.clear()
        if self.current is not None:
            self.current.model.detach_node()
            if self.current.sky is not None:
                self.current.sky.detach_node()
            self.current = None
        self.scenes.clear()
        self.designer.forget_scenes()

        old_feed = _feed_inputs(self.bundle)
        self.bundle = bundle
        self.zone = venue_zone(bundle.venue.timezone)
        self.screens.bundle = bundle
        self.scenes = SceneCache(self.stage.base.loader, bundle, preloaded)
        if _feed_inputs(bundle) != old_feed:
            self._restart_feed()

        scene_ids = [scene.id for scene in bundle.scenes]
        if scene_id is None or scene_id not in scene_ids:
            if scene_id is not None:
                logger.info("scene %s is not in the rebuilt bundle; showing %s",
                            scene_id, bundle.venue.start_scene)
            self.show_scene(bundle.venue.start_scene)
            return
        viewpoints = [viewpoint.id for viewpoint in bundle.scene(scene_id).viewpoints]
        kept_viewpoint = viewpoint_id if viewpoint_id in viewpoints else None
        self.show_scene(scene_id, kept_viewpoint)
        self.rig.place(pose, distance)
        self.viewpoint_id = kept_viewpoint
        self.apply_fov()
        self._rebuild_menu()
        if open_hotspot in {hotspot.id for hotspot in self.scene.hotspots}:
            assert open_hotspot is not None
            self.open_hotspot(open_hotspot)
        logger.info("reloaded the bundle from %s", bundle.root)

    def _restart_feed(self) -> None:
        if self.feed is not None:
            self.feed.stop()
        self.feed = self._start_feed()
        self._feed_version = 0

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
        session_id = hotspot.action.target
        return session_status(self.bundle.session(session_id), self.now(),
                              self.override(session_id))

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
            details, buttons = session_panel(self, action.target)
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

    def calendar_note(self, session_id: str) -> str | None:
        """Return where the session's calendar file was saved, or why it failed."""
        return self._calendar_notes.get(session_id)

    def save_calendar(self, session_id: str) -> Path | None:
        """Write the session's .ics file to the downloads folder; return its path.

        The panel then shows the path, or the error when writing failed.
        """
        session = self.bundle.session(session_id)
        folder = self.live.downloads or default_downloads()
        event = calendar_event(self, session)
        try:
            path = write_calendar(event, folder,
                                  calendar_file_name(self.bundle, session))
        except (OSError, ValueError) as error:
            logger.warning("could not save the calendar file of session %s in %s: "
                           "%s", session_id, folder, error)
            self._calendar_notes[session_id] = self.ui("calendar_failed",
                                                       error=str(error))
            path = None
        else:
            self._calendar_notes[session_id] = self.ui("calendar_saved",
                                                       path=str(path))
        self._refresh_panel()
        return path

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
        if self.feed is not None and self.feed.version != self._feed_version:
            self._feed_version = self.feed.version
            self._since_status = _STATUS_INTERVAL  # apply the feed this frame
        if self._since_status >= _STATUS_INTERVAL:
            self._since_status = 0.0
            self._refresh_statuses()
            self._update_hud()
        self.screens.update()
        self._sync_layers()
        self.designer.update()

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
        """Recolour markers whose status changed; refresh the screens and panel."""
        if self.current is None:
            return
        for hotspot in self.current.info.hotspots:
            status = self._status(hotspot)
            if status is None or self._statuses.get(hotspot.id) == status:
                continue
            if hotspot.id in self._statuses:
                logger.info("session of hotspot %s is now %s", hotspot.id, status)
            self._statuses[hotspot.id] = status
            self.markers.set_color(hotspot.id, marker_color("session", status))
        self.screens.refresh(self.now(), self.overrides)
        self._refresh_panel()

    def _refresh_panel(self) -> None:
        """Show the open panel again when its text or buttons changed."""
        current = self.panel.content
        if current is None:
            return
        content = self._panel_content(self.scene.hotspot(current.hotspot_id))
        if _panel_text(content) != _panel_text(current):
            self.panel.show(content)

    def _describe_screen(self, content: ScreenContent) -> tuple[str, str]:
        """Return a screen poster's title and status line."""
        assert content.session is not None
        title = self.text(content.session.title) or content.session.id
        if content.kind == "upcoming" and content.starts_in is not None:
            duration = format_duration(content.starts_in, self.ui_lang)
            return title, self.ui("starts_in", time=duration)
        if content.kind == "live":
            return title, self.ui("status_live")
        return title, self.ui("screen_replay")

    def _update_hud(self) -> None:
        if self.current is None:
            return
        venue = self.text(self.bundle.venue.title)
        scene = self.text(self.scene.title) or self.scene.id
        mode = self.ui(f"mode_{self.rig.mode}")
        parts = [f"{venue} · {scene}" if venue else scene, self._clock_text(), mode]
        if self.tours.tour is not None:
            tour_name = self.text(self.tours.tour.title) or self.tours.tour.id
            parts.append(self.ui("tour_playing", name=tour_name))
        if self.feed is not None and self.feed.reachable is not None:
            parts.append(self.ui("feed_on" if self.feed.reachable else "feed_off"))
        if self.designer.active:
            parts.append(self.ui("mode_designer"))
        if self.extra_status:
            parts.append(self.extra_status)
        parts.append(self.ui("help_hint"))
        self.hud.set_status("    ".join(parts))

    def _clock_text(self) -> str:
        """Return the clock for the HUD, with how far the keys moved it."""
        text = format_clock(self.now(), self.zone)
        offset = self.clock.offset
        if not offset:
            return text
        sign = "+" if offset > timedelta() else "-"
        moved = format_duration(abs(offset), self.ui_lang)
        return f"{text} ({self.ui('clock_moved', offset=sign + moved)})"

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
        if self.feed is not None:
            self.feed.stop()
        self.designer.destroy()
        self.screens.close()
        self.tours.stop()
        self.panel.close()
        self.menu.destroy()
        self.hud.destroy()
        self.markers.clear()
        self.scenes.clear()
        self.current = None


def _feed_inputs(bundle: TourBundle) -> tuple[object, ...]:
    """Return what the feed poller reads of a bundle: feed, session ids, replays."""
    sessions = tuple((session.id, session.replay) for session in bundle.sessions)
    return (bundle.status_feed, sessions)


def _panel_text(content: PanelContent) -> tuple[object, ...]:
    """Return what the panel shows of `content`, without the button actions."""
    return (content.hotspot_id, content.title, content.description,
            tuple(content.details), tuple(button.label for button in content.buttons))
