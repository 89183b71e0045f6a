"""Offscreen rendering of every viewpoint to PNG, with the window's scene code."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from ..errors import ViewerError
from .viewer import Viewer

__all__ = ["snapshot_path", "render_viewpoints"]

logger = logging.getLogger(__name__)


def _check_file_name(kind: str, ident: str) -> None:
    if not ident or ident in (".", "..") or Path(ident).name != ident:
        raise ViewerError(f"{kind} id {ident!r} cannot be used as a file name")


def snapshot_path(out_dir: Path, scene_id: str, viewpoint_id: str) -> Path:
    """Return `out_dir/<scene>/<viewpoint>.png`, rejecting ids that leave it."""
    _check_file_name("scene", scene_id)
    _check_file_name("viewpoint", viewpoint_id)
    return out_dir / scene_id / f"{viewpoint_id}.png"


def render_viewpoints(viewer: Viewer, out_dir: Path) -> list[Path]:
    """Render each viewpoint of each scene to PNG; return the paths in order.

    The 2D interface (HUD, menu, panel) is hidden; markers and labels show.
    Designer mode is turned off, so no crosshair is drawn.
    """
    started = time.perf_counter()
    written: list[Path] = []
    viewer.designer.set_active(False)
    viewer.set_ui_visible(False)
    try:
        for scene in viewer.bundle.scenes:
            if not scene.viewpoints:
                logger.warning("scene %s has no viewpoints; no snapshot of it",
                               scene.id)
                continue
            for viewpoint in scene.viewpoints:
                path = snapshot_path(out_dir, scene.id, viewpoint.id)
                viewer.show_scene(scene.id, viewpoint.id)
                viewer.stage.render_frame()
                viewer.stage.save_png(path)
                written.append(path)
                logger.debug("wrote %s", path)
    finally:
        viewer.set_ui_visible(True)
    logger.info("rendered %d snapshots to %s in %.1f s", len(written), out_dir,
                time.perf_counter() - started)
    return written
