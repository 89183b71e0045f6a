"""The Panda3D stage: ShowBase, window or offscreen buffer, lighting and layers.

A frame is drawn in three layers, each a display region of the window:

1. sky: its own scene graph (`sky_root`), drawn first with the main lens;
2. scene: `base.render` with the venue, lit by simplepbr (or Panda3D's
   shader generator when simplepbr cannot run);
3. overlay: hotspot markers and labels (`overlay_root`), drawn over the
   scene with their exact colours.

Keeping the sky and the markers out of `base.render` keeps them out of
simplepbr's lighting and tone mapping, so their colours are the ones the
bundle gives.
"""

from __future__ import annotations

import builtins
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from direct.showbase.ShowBase import ShowBase
from direct.task.Task import Task
from panda3d.core import (
    Camera,
    ConfigPage,
    DisplayRegion,
    Filename,
    LColor,
    NodePath,
    PNMImage,
    TransparencyAttrib,
    WindowProperties,
    loadPrcFileData,
    unloadPrcFile,
)

from ..errors import ViewerError

__all__ = [
    "ONSCREEN_DISPLAYS",
    "OFFSCREEN_DISPLAYS",
    "Lighting",
    "StageOptions",
    "Stage",
    "open_stage",
]

logger = logging.getLogger(__name__)

ONSCREEN_DISPLAYS = ("pandagl",)
OFFSCREEN_DISPLAYS = ("p3headlessgl", "p3tinydisplay")

Lighting = Literal["simplepbr", "shader-auto", "fixed-function"]

NEAR_DISTANCE = 0.05  # metres
FAR_DISTANCE = 5000.0  # metres

# Display region sorts: the window's main region (base.cam) has sort 0 and
# ShowBase's 2D regions have sort 10 and 20.
_SKY_SORT = -20
_OVERLAY_SORT = 5
# Per-frame hooks run before simplepbr's update task (sort 49) and the
# render task igLoop (sort 50).
_HOOK_TASK_SORT = 45


@dataclass(frozen=True)
class StageOptions:
    """How to open the stage: window or offscreen, size, title and lighting."""

    size: tuple[int, int] = (1280, 720)
    offscreen: bool = True
    title: str = "Venue viewer"
    displays: Sequence[str] | None = None  # None: by `offscreen`
    pbr: bool = True
    msaa_samples: Literal[0, 2, 4, 8, 16] = 0


def _prc_text(options: StageOptions) -> str:
    title = options.title.replace("\n", " ")
    return "\n".join([
        "audio-library-name null",
        f"window-title {title}",
        "window-type none",
        "print-pipe-types false",
        # NOTE: containers have no /dev/input; Panda3D reports that as an
        # error although the window's own keyboard and mouse still work.
        "notify-level-device fatal",
        # NOTE: EGL warns "Couldn't initialize the default EGL display"
        # before it picks a device display that works.
        "notify-level-egldisplay error",
    ])


class Stage:
    """A ShowBase with the viewer's three layers; `close` destroys it."""

    def __init__(self, base: ShowBase, prc_page: ConfigPage, display: str) -> None:
        self.base = base
        self.display = display
        self._prc_page = prc_page
        self._hooks: list[Callable[[], None]] = []
        self._pbr_pipeline: Any = None
        self.lighting: Lighting = "fixed-function"

        self.sky_root = NodePath("sky-root")
        self.overlay_root = NodePath("overlay-root")
        self.sky_region = self._make_layer(self.sky_root, "sky-camera", _SKY_SORT)
        self.sky_region.set_clear_color_active(True)
        self.sky_region.set_clear_color(LColor(0, 0, 0, 1))
        self.overlay_region = self._make_layer(self.overlay_root, "overlay-camera",
                                               _OVERLAY_SORT)

        base.disableMouse()  # the viewer's own controls move the camera
        # The scene layer keeps the sky's colours: it clears only depth.
        base.win.set_clear_color(LColor(0, 0, 0, 0))
        base.camLens.set_near_far(NEAR_DISTANCE, FAR_DISTANCE)
        self._main_region().set_clear_depth_active(True)
        base.taskMgr.add(self._run_hooks, "viewer-frame-hooks", sort=_HOOK_TASK_SORT)

    def _make_layer(self, root: NodePath, name: str, sort: int) -> DisplayRegion:
        """Add a region drawing `root` through a camera that follows `base.camera`."""
        camera = Camera(name, self.base.camLens)
        camera.set_scene(root)
        camera_path = self.base.camera.attach_new_node(camera)
        region = self.base.win.make_display_region()
        region.set_sort(sort)
        region.set_camera(camera_path)
        region.set_clear_depth_active(True)
        return region

    def _main_region(self) -> DisplayRegion:
        return self.base.camNode.get_display_region(0)

    @property
    def size(self) -> tuple[int, int]:
        """The window or buffer size in pixels (width, height)."""
        return (self.base.win.get_x_size(), self.base.win.get_y_size())

    def add_frame_hook(self, hook: Callable[[], None]) -> None:
        """Call `hook` once before each frame is drawn."""
        self._hooks.append(hook)

    def remove_frame_hook(self, hook: Callable[[], None]) -> None:
        """Stop calling `hook`; do nothing if it was not added."""
        if hook in self._hooks:
            self._hooks.remove(hook)

    def _run_hooks(self, task: Task) -> int:
        for hook in list(self._hooks):
            hook()
        return int(task.cont)

    def render_frame(self) -> None:
        """Run one frame of every task, which draws the window or buffer once."""
        self.base.taskMgr.step()

    def screenshot(self) -> PNMImage:
        """Return the last drawn frame as an RGB image."""
        texture = self.base.win.get_screenshot()
        if texture is None:
            raise ViewerError("could not read back the rendered frame")
        image = PNMImage()
        texture.store(image)
        image.remove_alpha()
        return image

    def save_png(self, path: Path) -> None:
        """Write the last drawn frame to `path` as PNG."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ViewerError(f"could not create {path.parent}: {error}") from None
        if not self.screenshot().write(Filename.from_os_specific(str(path))):
            raise ViewerError(f"could not write {path}; check that the folder is "
                              "writable")

    def close(self) -> None:
        """Destroy the ShowBase and its window, and unload the viewer's settings."""
        self._hooks.clear()
        self.base.destroy()
        unloadPrcFile(self._prc_page)

    # -- lighting -------------------------------------------------------------

    def setup_lighting(self, options: StageOptions) -> None:
        """Use simplepbr when asked and it works, else the shader generator."""
        gsg = self.base.win.get_gsg()
        if not gsg.get_supports_basic_shaders():
            logger.warning("the %s display has no shaders; lighting is flat "
                           "(fixed-function)", self.display)
            self.lighting = "fixed-function"
            return
        if options.pbr and self._try_simplepbr(options):
            self.lighting = "simplepbr"
            return
        self.base.render.set_shader_auto()
        self.lighting = "shader-auto"

    def _try_simplepbr(self, options: StageOptions) -> bool:
        try:
            import simplepbr

            # NOTE: simplepbr 0.13.1 with shadows enabled crashed (SIGSEGV) on
            # Mesa llvmpipe in its first frame; the viewer casts no shadows.
            pipeline = simplepbr.init(
                render_node=self.base.render,
                window=self.base.win,
                camera_node=self.base.cam,
                taskmgr=self.base.taskMgr,
                msaa_samples=options.msaa_samples,
                enable_shadows=False,
            )
            # The update task sets this input each frame; a frame drawn before
            # that task runs would miss it.
            self.base.render.set_shader_input(
                "camera_world_position", self.base.cam.get_pos(self.base.render)
            )
            pipeline.verify_shaders()
            _composite_over_sky(pipeline)
        except Exception as error:  # noqa: BLE001 - any failure means fall back
            logger.warning("simplepbr failed (%s: %s); using Panda3D's shader "
                           "generator instead", type(error).__name__, error)
            self._undo_simplepbr()
            return False
        self._pbr_pipeline = pipeline
        logger.debug("lighting: simplepbr")
        return True

    def _undo_simplepbr(self) -> None:
        self.base.taskMgr.remove("simplepbr update")
        self.base.render.clear_shader()
        self.base.render.clear_material()


def _composite_over_sky(pipeline: Any) -> None:
    """Blend simplepbr's tone-mapped scene over the sky layer by its alpha.

    simplepbr draws the scene into a buffer and shows that buffer on a
    full-window quad. The buffer is cleared to alpha 0, so the sky shows
    where nothing was drawn.
    """
    # NOTE: `_post_process_quad` is private to simplepbr (checked in 0.13.1).
    quad = getattr(pipeline, "_post_process_quad", None)
    if not isinstance(quad, NodePath):
        raise RuntimeError("simplepbr's post-processing quad was not found")
    quad.set_transparency(TransparencyAttrib.M_alpha)


def _existing_showbase() -> bool:
    return getattr(builtins, "base", None) is not None


def _open_window(base: ShowBase, options: StageOptions) -> str:
    """Open the main window or buffer with the first display module that works."""
    displays = options.displays or (
        OFFSCREEN_DISPLAYS if options.offscreen else ONSCREEN_DISPLAYS
    )
    props = WindowProperties()
    props.set_size(*options.size)
    if not options.offscreen:
        props.set_title(options.title)
    window_type = "offscreen" if options.offscreen else "onscreen"
    for index, module in enumerate(displays):
        pipe = base.makeModulePipe(module)
        if pipe is not None:
            base.pipe = pipe
            base.pipeList.append(pipe)
            base.openMainWindow(props=props, type=window_type, pipe=pipe,
                                requireWindow=False)
        if base.win is not None and base.win.is_valid():
            return module
        base.win = None
        if index + 1 < len(displays):
            logger.warning("could not open the %s window with %s; trying %s",
                           window_type, module, displays[index + 1])
    raise ViewerError(
        f"could not open an {window_type} window with "
        + ", ".join(displays)
        + (
            "; is a display available ($DISPLAY)? Without one, use "
            "`venue snapshot`" if not options.offscreen else ""
        )
    )


def open_stage(options: StageOptions) -> Stage:
    """Create the ShowBase, open its window or buffer, and set up the layers.

    Panda3D allows one ShowBase at a time, so this raises ViewerError while
    another one is open in this process.
    """
    if _existing_showbase():
        raise ViewerError("a Panda3D ShowBase is already open in this process; "
                          "close it before opening the viewer")
    page = loadPrcFileData("venue-viewer", _prc_text(options))
    base = ShowBase(windowType="none")
    try:
        display = _open_window(base, options)
        stage = Stage(base, page, display)
        stage.setup_lighting(options)
    except BaseException:
        base.destroy()
        unloadPrcFile(page)
        raise
    renderer = base.win.get_gsg().get_driver_renderer()
    logger.info("opened %s %dx%d with %s (%s), lighting: %s",
                "buffer" if options.offscreen else "window", *stage.size, display,
                renderer, stage.lighting)
    return stage
