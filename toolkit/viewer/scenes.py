"""Scene GLBs loaded on demand, with their lights, sky and named nodes.

Positions and orientations come from the GLB nodes `hotspot_<id>` and
`viewpoint_<id>`, which panda3d-gltf has already converted to Panda3D's
Z-up frame: a viewpoint node's +Y looks forward and +Z is up, like a
Panda3D camera. Everything else comes from tour.json.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass

from direct.showbase.Loader import Loader
from panda3d.core import Filename, LPoint3, NodePath, TransformState

from ..errors import ViewerError
from .bundle_reader import Scene, TourBundle
from .lights import add_ambient_light, apply_light_intensities
from .sky import build_sky

__all__ = ["LoadedScene", "SceneCache"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedScene:
    """A scene's model with the transforms of its hotspots and viewpoints.

    Positions and transforms are relative to `model`, which the viewer
    places at the origin of `base.render`.
    """

    info: Scene
    model: NodePath
    sky: NodePath | None
    hotspot_positions: dict[str, LPoint3]
    viewpoint_transforms: dict[str, TransformState]


class SceneCache:
    """Loads each scene's GLB the first time it is shown and keeps it.

    `preloaded` maps scene ids to models already loaded from their GLB,
    such as by Panda3D's asynchronous loader. The cache uses them instead
    of loading the files again.
    """

    def __init__(self, loader: Loader, bundle: TourBundle,
                 preloaded: Mapping[str, NodePath] | None = None) -> None:
        self._loader = loader
        self._bundle = bundle
        self._scenes: dict[str, LoadedScene] = {}
        self._preloaded = dict(preloaded or {})

    def get(self, scene_id: str) -> LoadedScene:
        """Return the scene `scene_id`, loading it first if needed."""
        if scene_id not in self._scenes:
            self._scenes[scene_id] = self._load(self._bundle.scene(scene_id))
        return self._scenes[scene_id]

    def clear(self) -> None:
        """Forget every loaded scene and free its nodes."""
        for scene in self._scenes.values():
            scene.model.remove_node()
            if scene.sky is not None:
                scene.sky.remove_node()
        self._scenes.clear()
        for model in self._preloaded.values():
            model.remove_node()
        self._preloaded.clear()

    def _load(self, scene: Scene) -> LoadedScene:
        started = time.perf_counter()
        model = self._preloaded.pop(scene.id, None)
        if model is None:
            model = self._load_model(scene)
        model.set_name(f"scene-{scene.id}")
        apply_light_intensities(model, scene.file)
        add_ambient_light(model, scene.ambient)

        loaded = LoadedScene(
            info=scene,
            model=model,
            sky=build_sky(scene.sky),
            hotspot_positions=_hotspot_positions(scene, model),
            viewpoint_transforms=_viewpoint_transforms(scene, model),
        )
        logger.info("loaded scene %s from %s in %.2f s", scene.id, scene.file.name,
                    time.perf_counter() - started)
        return loaded

    def _load_model(self, scene: Scene) -> NodePath:
        if not scene.file.is_file():
            raise ViewerError(f"scene '{scene.id}': file {scene.file} not found")
        try:
            return self._loader.load_model(
                Filename.from_os_specific(str(scene.file)), noCache=True
            )
        except OSError as error:
            raise ViewerError(f"scene '{scene.id}': could not load {scene.file}: "
                              f"{error}") from None


def _find(model: NodePath, name: str, scene: Scene) -> NodePath | None:
    node = model.find(f"**/{name}")
    if node.is_empty():
        logger.warning("scene '%s': node %s not found in %s", scene.id, name,
                       scene.file.name)
        return None
    return node


def _hotspot_positions(scene: Scene, model: NodePath) -> dict[str, LPoint3]:
    positions: dict[str, LPoint3] = {}
    for hotspot in scene.hotspots:
        node = _find(model, hotspot.node, scene)
        if node is not None:
            positions[hotspot.id] = node.get_pos(model)
    return positions


def _viewpoint_transforms(scene: Scene, model: NodePath) -> dict[str, TransformState]:
    transforms: dict[str, TransformState] = {}
    for viewpoint in scene.viewpoints:
        node = _find(model, viewpoint.node, scene)
        if node is not None:
            transforms[viewpoint.id] = node.get_transform(model)
    return transforms
