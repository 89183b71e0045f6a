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
    `files` lists the resolved paths the import depends on: the model file
    first, then every .bin, .mtl and texture file it read or looked for.
    """

    nodes: tuple[Node, ...]
    warnings: tuple[str, ...] = ()
    files: tuple[Path, ...] = ()


# (resolved model path, resolved project root) -> (file signatures, model)
_CacheKey = tuple[Path, Path]
# (mtime_ns, size) of each of the model's files, None for a missing one.
_Signature = tuple[tuple[int, int] | None, ...]
_cache: dict[_CacheKey, tuple[_Signature, ImportedModel]] = {}
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
    process, and reused while the modification time and size of the model
    file and of every file in `ImportedModel.files` stay the same, so every
    scene object using one file gets the same `Mesh` objects. Raises
    `InvalidVenue` at `origin` for missing, broken or unsupported files.
    """
    full_path = path if path.is_absolute() else project_root / path
    ctx = _context(full_path, origin, project_root)
    try:
        ctx.path.stat()
    except FileNotFoundError:
        ctx.fail("not found")
    except OSError as error:
        ctx.fail(f"could not be read: {error.strerror}")

    key = (ctx.path, ctx.project_root)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None and cached[0] == _signature(cached[1].files):
        logger.debug("%s: reusing the cached import", ctx.name)
        return cached[1]

    # The model file is stat-ed before the read, so that a change during the
    # read shows next time. The files it names are known only after the read.
    files_before = _signature((ctx.path,))
    model = _read(ctx)
    signature = files_before + _signature(model.files[1:])
    with _cache_lock:
        _cache[key] = (signature, model)
    return model


def _signature(files: tuple[Path, ...]) -> _Signature:
    result: list[tuple[int, int] | None] = []
    for file in files:
        try:
            status = file.stat()
        except OSError:
            result.append(None)
        else:
            result.append((status.st_mtime_ns, status.st_size))
    return tuple(result)


def clear_model_cache() -> None:
    """Forget every cached import."""
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
    if ctx.path.suffix.lower() == ".obj":
        # Imported here: the OBJ reader needs trimesh, which with scipy takes
        # about half a second to import.
        from ._import.obj import read_obj

        nodes = read_obj(ctx)
    else:
        nodes = read_gltf(ctx)
    logger.debug(
        "imported model %s: %d root node(s), %d warning(s)",
        ctx.name,
        len(nodes),
        len(ctx.warnings),
    )
    files = tuple(dict.fromkeys([ctx.path, *ctx.files]))
    return ImportedModel(nodes, tuple(ctx.warnings), files)
