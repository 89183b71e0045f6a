"""The Panda3D desktop viewer for tour bundles: a window, or offscreen snapshots.

`view` opens a window; `snapshot` renders every viewpoint to PNG offscreen;
`marker_pixels` returns where each hotspot marker appears in a snapshot.
All three build scenes with the same code. docs/viewer.md lists the keys.
Only the window plays video on screens and polls the status feed by
default; `LiveOptions` sets that.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Literal

from .bundle_reader import TourBundle, pick_text, read_bundle
from .clock import Clock
from .options import OFFLINE, LiveOptions
from .sessions import localize_start, venue_zone
from .snapshot import render_viewpoints
from .stage import StageOptions, open_stage
from .viewer import Viewer
from .watch import LiveReload, WatchOptions

__all__ = [
    "DEFAULT_SIZE",
    "LiveOptions",
    "LiveReload",
    "OFFLINE",
    "WatchOptions",
    "view",
    "snapshot",
    "marker_pixels",
    "offscreen_viewer",
]

logger = logging.getLogger(__name__)

DEFAULT_SIZE = (1280, 720)
_MSAA_SAMPLES: Literal[4] = 4  # samples of simplepbr's multisampled scene buffer


def _window_title(bundle: TourBundle, lang: str | None) -> str:
    title = pick_text(bundle.venue.title, lang, bundle.venue.languages)
    return f"Venue viewer: {title}" if title else "Venue viewer"


def _check_start(bundle: TourBundle, scene: str | None,
                 viewpoint: str | None) -> str:
    """Return the scene to start in; raise ViewerError for unknown ids."""
    scene_id = scene or bundle.venue.start_scene
    start_scene = bundle.scene(scene_id)
    if viewpoint is not None:
        start_scene.viewpoint(viewpoint)
    return scene_id


def _clock(bundle: TourBundle, at: datetime | None, running: bool) -> Clock:
    """Return a clock starting at `at`, read in the venue's timezone when naive."""
    if at is None:
        return Clock(None, running)
    return Clock(localize_start(at, venue_zone(bundle.venue.timezone)), running)


def view(bundle_dir: Path, *, lang: str | None, scene: str | None = None,
         viewpoint: str | None = None, at: datetime | None = None,
         live: LiveOptions | None = None, watch: WatchOptions | None = None,
         snippets: Path | None = None) -> None:
    """Open the viewer window on `scene` (default: the start scene); return on close.

    `at` sets the clock's start time, which then runs; by default it is now.
    A naive `at` is a wall-clock time in the venue's timezone. `live`
    defaults to video on screens and the status feed on. With `watch`, the
    window rebuilds `watch.venue_file` after each change of the project's
    files and shows the result (`bundle_dir` should be that venue's build).
    Designer mode appends copied snippets to `snippets` when it is set.
    Raises ViewerError when the bundle is unusable or no window can be opened.
    """
    bundle = read_bundle(bundle_dir)
    scene_id = _check_start(bundle, scene, viewpoint)
    clock = _clock(bundle, at, running=True)
    options = StageOptions(size=DEFAULT_SIZE, offscreen=False,
                           title=_window_title(bundle, lang),
                           msaa_samples=_MSAA_SAMPLES)
    stage = open_stage(options)
    try:
        from .controls import Controls

        viewer = Viewer(stage, bundle, lang=lang, clock=clock,
                        live=live or LiveOptions(), snippets=snippets)
        controls = Controls(viewer)
        viewer.show_scene(scene_id, viewpoint)
        reload = LiveReload(viewer, watch) if watch is not None else None
        # Closing the window or pressing Q ends the task loop instead of
        # calling sys.exit(), so view() returns to its caller.
        stage.base.finalizeExit = stage.base.taskMgr.stop
        try:
            if reload is not None:
                reload.start()
            stage.base.run()
        finally:
            if reload is not None:
                reload.stop()
        controls.destroy()
        viewer.close()
    finally:
        stage.close()
    logger.info("viewer closed")


@contextmanager
def offscreen_viewer(bundle_dir: Path, *, lang: str | None,
                     size: tuple[int, int] = DEFAULT_SIZE,
                     at: datetime | None = None,
                     live: LiveOptions = OFFLINE) -> Iterator[Viewer]:
    """Open an offscreen stage with a `Viewer` whose clock stays fixed at `at`.

    A naive `at` is a wall-clock time in the venue's timezone. By default
    screens show posters only and the status feed is not polled. No scene
    is shown yet. Only one can be open per process, because Panda3D allows
    one ShowBase at a time.
    """
    bundle = read_bundle(bundle_dir)
    clock = _clock(bundle, at, running=False)
    stage = open_stage(StageOptions(size=size, offscreen=True,
                                    title=_window_title(bundle, lang),
                                    msaa_samples=_MSAA_SAMPLES))
    try:
        viewer = Viewer(stage, bundle, lang=lang, clock=clock, live=live)
        try:
            yield viewer
        finally:
            viewer.close()
    finally:
        stage.close()


def snapshot(bundle_dir: Path, out_dir: Path, *, lang: str | None,
             size: tuple[int, int] = DEFAULT_SIZE,
             at: datetime | None = None) -> list[Path]:
    """Render every viewpoint of every scene to `out_dir/<scene>/<viewpoint>.png`.

    Markers, labels and screen posters show as in the window, with sessions
    coloured by their status at `at` (default: now) as the schedule alone
    gives it: snapshots play no video and do not poll the status feed.
    Returns the written paths.
    """
    with offscreen_viewer(bundle_dir, lang=lang, size=size, at=at) as viewer:
        return render_viewpoints(viewer, out_dir)


def marker_pixels(bundle_dir: Path, scene: str, viewpoint: str, *,
                  size: tuple[int, int] = DEFAULT_SIZE,
                  lang: str | None = None) -> dict[str, tuple[float, float]]:
    """Return the pixel (x right, y down) of each hotspot marker in a snapshot.

    Markers outside the picture or behind the camera are left out.
    """
    with offscreen_viewer(bundle_dir, lang=lang, size=size) as viewer:
        viewer.show_scene(scene, viewpoint)
        return viewer.marker_pixels()
