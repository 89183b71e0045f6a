"""Import model files (.glb, .gltf, .obj) from a project as scene-model nodes.

The nodes are in the authors' Z-up frame: glTF and OBJ files are Y-up, so
every vector turns by (x, y, z) -> (x, -z, y) and every local transform is
conjugated to match. The glTF writer's single Z-up to Y-up conversion then
gives back the model's original orientation. docs/models.md lists what is
supported.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from ._import.context import ModelContext
from ._import.obj import read_obj
from ._import.reader import read_gltf
from .errors import InvalidVenue, Origin, Problem
from .model import Node

__all__ = [
    "MODEL_SUFFIXES",
    "ImportedModel",
    "clear_model_cache",
    "import_model",
    "import_model_result",
]

logger = logging.getLogger(__name__)

MODEL_SUFFIXES = (".glb", ".gltf", ".obj")


@dataclass(frozen=True, eq=False)
class ImportedModel:
    """A model file's root nodes (Z-up) and the warnings its import produced.

    `warnings` lists where the nodes differ from the file (dropped animations,
    cameras, lights, textures); each was also logged when first imported.
    """

    nodes: tuple[Node, ...]
    warnings: tuple[str, ...] = ()


# (resolved model path, resolved project root) -> (mtime_ns, size, model)
_CacheKey = tuple[Path, Path]
_cache: dict[_CacheKey, tuple[int, int, ImportedModel]] = {}
_cache_lock = threading.Lock()


def import_model(path: Path, origin: Origin, project_root: Path) -> tuple[Node, ...]:
    """Import a .glb, .gltf or .obj file inside `project_root` as Z-up root nodes.

    See `import_model_result`, which this calls, for caching and errors.
    """
    return import_model_result(path, origin, project_root).nodes


def import_model_result(
    path: Path, origin: Origin, project_root: Path
) -> ImportedModel:
    """Import a .glb, .gltf or .obj file inside `project_root`, with its warnings.

    A relative `path` is taken from `project_root`. Results are cached per
    process by the model file's path, modification time and size, so every
    scene object using one file gets the same `Mesh` objects. Raises
    `InvalidVenue` at `origin` for missing, broken or unsupported files.
    """
    full_path = path if path.is_absolute() else project_root / path
    ctx = _context(full_path, origin, project_root)
    try:
        status = ctx.path.stat()
    except FileNotFoundError:
        ctx.fail("not found")
    except OSError as error:
        ctx.fail(f"could not be read: {error.strerror}")

    key = (ctx.path, ctx.project_root)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached[:2] == (status.st_mtime_ns, status.st_size):
            logger.debug("%s: reusing the cached import", ctx.name)
            return cached[2]

    model = _read(ctx)
    with _cache_lock:
        _cache[key] = (status.st_mtime_ns, status.st_size, model)
    return model


def clear_model_cache() -> None:
    """Forget every cached import, for example after editing textures in place.

    NOTE: the cache key covers only the model file itself, so a changed
    external .bin, .mtl or texture is seen only after this call.
    """
    with _cache_lock:
        _cache.clear()


def _context(path: Path, origin: Origin, project_root: Path) -> ModelContext:
    """Check the model's suffix and place, and return the context for its import."""
    root = project_root.resolve()
    resolved = path.resolve()
    inside = resolved.is_relative_to(root)
    name = resolved.relative_to(root).as_posix() if inside else str(path)
    ctx = ModelContext(resolved, root, origin, name)
    if not inside:
        ctx.unsupported(
            "a file outside the project",
            f"copy it under {root} and refer to it by a relative path",
        )
    if resolved.suffix.lower() not in MODEL_SUFFIXES:
        message = (
            f"model {name} has the format {resolved.suffix or '(no suffix)'}, "
            "which is not supported; export it as .glb, .gltf or .obj"
        )
        raise InvalidVenue(Problem(origin, message))
    return ctx


def _read(ctx: ModelContext) -> ImportedModel:
    """Read the file with the reader its suffix selects and log a summary."""
    nodes = read_obj(ctx) if ctx.path.suffix.lower() == ".obj" else read_gltf(ctx)
    logger.info(
        "imported model %s: %d root node(s), %d warning(s)",
        ctx.name,
        len(nodes),
        len(ctx.warnings),
    )
    return ImportedModel(nodes, tuple(ctx.warnings))
