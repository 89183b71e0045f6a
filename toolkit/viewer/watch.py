"""`venue view --watch`: rebuild the venue when a project file changes, then reload.

A background thread polls the project's files with `toolkit.serve.Watcher`
and, after a change, runs load_venue, prepare_bundle and write_bundle into
a new numbered folder under a temporary work folder. The frame loop only
takes finished results. A failed build shows the problem overlay. For a
good one, Panda3D's asynchronous loader loads the current scene's GLB, and
then the new bundle replaces the old one with the camera kept. So the
frame loop never waits for a build, and that model loads in Panda3D's
loader thread.

Each build gets its own folder, so the viewer never reads a bundle that is
being replaced. A folder is deleted once a newer build is shown. The
worker thread calls no Panda3D function: in a test here, a Panda3D call
from a Python thread (Bullet's `add_geom`) hung.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from panda3d.core import Filename, NodePath

from ..errors import VenueError, ViewerError
from ..serve import Watcher, problem_report
from .bundle_reader import TourBundle, read_bundle
from .problems import ProblemOverlay

if TYPE_CHECKING:
    from ..cache import BuildCache
    from .viewer import Viewer

__all__ = ["WatchOptions", "RebuildResult", "Rebuilder", "LiveReload"]

logger = logging.getLogger(__name__)

_SETTLE_S = 0.1  # a change is built once the files stayed unchanged this long
_MAX_SETTLE_ROUNDS = 10  # then it is built anyway, while the editor still writes
_STOP_WAIT_S = 5.0  # how long `stop` waits for a build under way


@dataclass(frozen=True)
class WatchOptions:
    """Options of `--watch`: the venue file, the poll interval and the build cache.

    `interval` is the seconds between polls of the project's files.
    `cache_dir` is the build cache folder; None means the project's default
    (`.venue-cache`, as `venue build` uses); `cache=False` uses none.
    """

    venue_file: Path
    interval: float = 0.5
    cache: bool = True
    cache_dir: Path | None = None


@dataclass(frozen=True)
class RebuildResult:
    """One finished rebuild: the bundle read back, or the problems found.

    `problems` are rows of `toolkit.serve.problem_report`; empty when the
    build succeeded.
    """

    number: int
    bundle: TourBundle | None
    problems: tuple[dict[str, Any], ...]
    seconds: float

    @property
    def folder(self) -> Path | None:
        """The bundle folder of a successful build."""
        return self.bundle.root if self.bundle is not None else None


def _failure_report(message: str) -> tuple[dict[str, Any], ...]:
    return ({"location": "", "file": "", "line": 0, "column": 0, "message": message,
             "source": None},)


class Rebuilder:
    """Polls a project's files in a thread and rebuilds its venue after each change.

    The newest unclaimed result waits in `take`; an older unclaimed one is
    dropped (and its folder deleted) when a newer one arrives.
    """

    def __init__(self, options: WatchOptions, work_dir: Path) -> None:
        from ..load import project_root

        self.options = options
        self.work_dir = work_dir
        self.root = project_root(options.venue_file)
        self._watcher = Watcher(self.root)
        self._cache = self._open_cache()
        self._lock = threading.Lock()
        self._result: RebuildResult | None = None
        self._retired: list[Path] = []
        self._number = 0
        self._building = False
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def _open_cache(self) -> BuildCache | None:
        from ..cache import BuildCache, default_cache_dir

        if not self.options.cache:
            return None
        return BuildCache(self.options.cache_dir or default_cache_dir(self.root))

    @property
    def building(self) -> bool:
        """True while a build is under way."""
        return self._building

    def start(self) -> None:
        """Start polling in a daemon thread."""
        self._thread = threading.Thread(target=self._run, name="venue-view-watch",
                                        daemon=True)
        self._thread.start()
        logger.info("watching %s for changes every %g s", self.root,
                    self.options.interval)

    def stop(self) -> None:
        """Stop polling, waiting a bounded time for a build under way."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(_STOP_WAIT_S)
            if self._thread.is_alive():
                logger.warning("the rebuild under way did not end within %g s; "
                               "leaving it", _STOP_WAIT_S)
        if self._cache is not None:
            self._cache.prune()

    def take(self) -> RebuildResult | None:
        """Return the newest finished result once, or None."""
        with self._lock:
            result, self._result = self._result, None
        return result

    def retire(self, folder: Path) -> None:
        """Delete a bundle folder that the viewer no longer reads, in the thread."""
        with self._lock:
            self._retired.append(folder)

    def _run(self) -> None:
        while not self._stopping.wait(self.options.interval):
            self._delete_retired()
            changes = self._watcher.changed()
            if not changes:
                continue
            changes += self._settle()
            listed = ", ".join(str(path.relative_to(self.root))
                               for path in changes[:3])
            more = f" and {len(changes) - 3} more" if len(changes) > 3 else ""
            logger.info("changed: %s%s; rebuilding", listed, more)
            self._publish(self.rebuild())
        self._delete_retired()

    def _settle(self) -> list[Path]:
        """Wait until the files stop changing, as editors write in several steps."""
        changes: list[Path] = []
        for _ in range(_MAX_SETTLE_ROUNDS):
            if self._stopping.wait(_SETTLE_S):
                break
            more = self._watcher.changed()
            if not more:
                break
            changes += more
        return changes

    def rebuild(self) -> RebuildResult:
        """Build the venue into a new folder and read it back.

        Any Exception becomes a problem of the result instead of propagating,
        so that the watch thread keeps running.
        """
        from ..bundle import prepare_bundle, write_bundle
        from ..load import load_venue

        self._building = True
        self._number += 1
        folder = self.work_dir / f"bundle-{self._number}"
        started = time.perf_counter()
        bundle: TourBundle | None = None
        problems: tuple[dict[str, Any], ...] = ()
        try:
            venue = load_venue(self.options.venue_file, cache=self._cache)
            write_bundle(prepare_bundle(venue, self._cache), folder)
            bundle = read_bundle(folder)
        except VenueError as error:
            problems = tuple(problem_report(error))
            logger.warning("rebuild failed with %d problem(s):\n%s",
                           len(problems), error)
        except Exception as error:  # noqa: BLE001 - the thread must survive any bug
            logger.exception("rebuild failed")
            problems = _failure_report(f"the rebuild failed: {type(error).__name__}: "
                                       f"{error}")
        finally:
            self._building = False
        seconds = time.perf_counter() - started
        if bundle is not None:
            logger.info("rebuilt in %.2f s (build %d)", seconds, self._number)
        elif folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        return RebuildResult(self._number, bundle, problems, seconds)

    def _publish(self, result: RebuildResult) -> None:
        with self._lock:
            dropped, self._result = self._result, result
        if dropped is not None and dropped.folder is not None:
            self.retire(dropped.folder)

    def _delete_retired(self) -> None:
        with self._lock:
            folders, self._retired = self._retired, []
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)


class LiveReload:
    """Connects a `Rebuilder` to a `Viewer`: the overlay, model loads and reloads.

    Runs as a frame hook of the viewer's stage; `stop` ends the thread and
    deletes the work folder.
    """

    def __init__(self, viewer: Viewer, options: WatchOptions) -> None:
        self.viewer = viewer
        self.work_dir = Path(tempfile.mkdtemp(prefix="venue-watch-"))
        self.rebuilder = Rebuilder(options, self.work_dir)
        base = viewer.stage.base
        self.overlay = ProblemOverlay(base.aspect2d, viewer.fonts.main,
                                      lambda: float(base.a2dRight), viewer.ui)
        self.reloads = 0
        self._loading: RebuildResult | None = None
        self._status = ""
        viewer.stage.add_frame_hook(self._before_frame)

    def start(self) -> None:
        """Start watching."""
        self.rebuilder.start()
        self._set_status()

    def _before_frame(self) -> None:
        result = self.rebuilder.take()
        if result is not None:
            self._handle(result)
        self._set_status()

    def _handle(self, result: RebuildResult) -> None:
        # A newer result supersedes a build whose model is still loading, also
        # a failed one: the files as they are now have the problems shown.
        if self._loading is not None and self._loading.folder is not None:
            self.rebuilder.retire(self._loading.folder)
        self._loading = None
        if result.bundle is None:
            self.overlay.show(result.problems)
            return
        self._loading = result
        current = self.viewer.current
        scene_ids = {scene.id for scene in result.bundle.scenes}
        if current is None or current.info.id not in scene_ids:
            self._apply(result, {})
            return
        scene = result.bundle.scene(current.info.id)
        self.viewer.stage.base.loader.load_model(
            Filename.from_os_specific(str(scene.file)), noCache=True,
            callback=partial(self._loaded, result, scene.id))

    def _loaded(self, result: RebuildResult, scene_id: str,
                model: NodePath | None) -> None:
        """Receive a model from Panda3D's loader thread, on the main thread."""
        if self._loading is not result:
            if model is not None:
                model.remove_node()  # a newer build replaced this one meanwhile
            return
        if model is None or model.is_empty():
            logger.warning("could not load scene %s of build %d from %s", scene_id,
                           result.number, result.folder)
            self._loading = None
            if result.folder is not None:
                self.rebuilder.retire(result.folder)
            self.overlay.show(_failure_report(
                f"could not load the rebuilt scene '{scene_id}'; see the log"))
            return
        self._apply(result, {scene_id: model})

    def _apply(self, result: RebuildResult, models: Mapping[str, NodePath]) -> None:
        assert result.bundle is not None
        self._loading = None
        previous = self.viewer.bundle.root
        try:
            self.viewer.reload(result.bundle, models)
        except ViewerError as error:
            # The window stays open; the next good build is shown in full.
            logger.warning("could not show build %d: %s", result.number, error)
            self.overlay.show(problem_report(error))
            return
        self.overlay.hide()
        self.reloads += 1
        if previous.is_relative_to(self.work_dir.resolve()):
            self.rebuilder.retire(previous)

    def _set_status(self) -> None:
        if self.rebuilder.building or self._loading is not None:
            status = self.viewer.ui("watch_building")
        elif self.overlay.visible:
            count = str(len(self.overlay.report))
            status = self.viewer.ui("watch_problems", count=count)
        else:
            status = self.viewer.ui("watch_on")
        if status != self._status:
            self._status = status
            self.viewer.extra_status = status
            self.viewer.refresh_hud()

    def stop(self) -> None:
        """Stop watching, remove the overlay and delete the rebuilt bundles."""
        self.viewer.stage.remove_frame_hook(self._before_frame)
        self._loading = None  # a model load still under way is then dropped
        self.rebuilder.stop()
        self.overlay.destroy()
        self.viewer.extra_status = ""
        self.viewer.refresh_hud()
        shutil.rmtree(self.work_dir, ignore_errors=True)
