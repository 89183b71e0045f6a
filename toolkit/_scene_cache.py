"""Compile a scene to GLB bytes, or take them from the build cache.

A scene's GLB depends on its spec, on the files the spec names and on the
files that its models name in turn (.bin, .mtl, textures). The last are known
only after an import, so a lookup takes two steps, as ccache's direct mode
does:

1. The scene key hashes the spec, with each path replaced by the file's
   content digest. Entry `deps/<scene key>` lists the files the models read
   last time.
2. The GLB key hashes the scene key and the current digest of each of those
   files. Entry `glb/<GLB key>` contains the GLB and the warnings that its
   compile logged, which a hit logs again.

NOTE: the importer logs a model's warnings only the first time a process
imports it, so a scene compiled again in the same process (a preview server,
say) stores its GLB without them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import spec
from ._canonical import FileDigests, canonical_bytes
from .cache import BuildCache, pack, unpack
from .compile import compile_scene
from .gltf import write_glb
from .importers import import_model_result

__all__ = ["scene_glb"]

log = logging.getLogger(__name__)

# Warnings are replayed through the logger that first logged them.
_Warning = tuple[str, int, str]


def scene_glb(scene: spec.Scene, root: Path, cache: BuildCache | None,
              digests: FileDigests) -> tuple[bytes, bool]:
    """Return the GLB bytes of `scene` and whether they came from `cache`.

    Raises InvalidVenue as `compile_scene` does; a failed compile stores nothing.
    """
    if cache is None:
        return write_glb(compile_scene(scene, root)), False

    scene_key = cache.key("scene", canonical_bytes(scene, root, digests))
    glb_key = _glb_key(cache, scene_key, root, digests)
    if glb_key is not None:
        cached = _cached_glb(cache, glb_key)
        if cached is not None:
            return cached, True

    with _captured_warnings() as warnings:
        data = write_glb(compile_scene(scene, root, cache))
    files = _model_files(scene, root)
    dependencies = [_relative(file, root) for file in files]
    cache.put("deps", scene_key, json.dumps(dependencies).encode("utf-8"))
    glb_key = _glb_key(cache, scene_key, root, digests, dependencies)
    if glb_key is not None:
        # None when warnings were not logged (`venue -q`): a later build that
        # shows warnings then compiles the scene again rather than hide them.
        recorded = ([list(warning) for warning in warnings]
                    if _warnings_enabled() else None)
        cache.put("glb", glb_key, pack({"warnings": recorded}, data))
    return data, False


def _glb_key(cache: BuildCache, scene_key: str, root: Path, digests: FileDigests,
             dependencies: list[str] | None = None) -> str | None:
    """Return the GLB key, or None when the model files are not known yet."""
    if dependencies is None:
        payload = cache.get("deps", scene_key)
        if payload is None:
            return None
        try:
            dependencies = [str(name) for name in json.loads(payload)]
        except (ValueError, TypeError) as error:
            log.debug("ignoring the cached model files of %s: %s", scene_key, error)
            return None
    parts = [scene_key]
    for name in dependencies:
        parts += [name, digests.digest(root / name) or "missing"]
    return cache.key("glb", *parts)


def _cached_glb(cache: BuildCache, key: str) -> bytes | None:
    payload = cache.get("glb", key)
    if payload is None:
        return None
    try:
        header, data = unpack(payload)
        recorded = header["warnings"]
        if recorded is None and _warnings_enabled():
            return None
        warnings = [(str(name), int(level), str(message))
                    for name, level, message in recorded or []]  # type: ignore[attr-defined]
    except (ValueError, KeyError, TypeError) as error:
        log.debug("ignoring the cached GLB %s: %s", key, error)
        return None
    for name, level, message in warnings:
        logging.getLogger(name).log(level, "%s", message)
    return data


def _model_files(scene: spec.Scene, root: Path) -> list[Path]:
    """Return every file that the scene's models read besides the model files.

    The imports are in the importer's process cache by now, so this imports
    nothing again.
    """
    files: dict[Path, None] = {}
    for obj in scene.objects:
        if obj.shape.model is not None:
            imported = import_model_result(obj.shape.model, obj.origin, root)
            files.update(dict.fromkeys(imported.files[1:]))
    return list(files)


def _relative(file: Path, root: Path) -> str:
    real_root = root.resolve()
    if file.is_relative_to(real_root):
        return file.relative_to(real_root).as_posix()
    return str(file)


def _warnings_enabled() -> bool:
    return logging.getLogger("toolkit").isEnabledFor(logging.WARNING)


class _WarningRecorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[_Warning] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


@contextmanager
def _captured_warnings() -> Iterator[list[_Warning]]:
    """Record the warnings that toolkit modules log inside the block."""
    recorder = _WarningRecorder()
    logger = logging.getLogger("toolkit")
    logger.addHandler(recorder)
    try:
        yield recorder.records
    finally:
        logger.removeHandler(recorder)
