"""The state one model import shares: names for messages, errors and warnings."""

from __future__ import annotations

import logging
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from ..errors import InvalidVenue, Origin, Problem

__all__ = ["ModelContext", "resolve_inside"]

# Warnings go to the public module's logger, where users look for them.
logger = logging.getLogger("toolkit.importers")

_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


@dataclass
class ModelContext:
    """One import of one model file: where it is and what went wrong so far.

    `name` is the model's path relative to the project root, as authors write it.
    `files` lists every other file the import looked for (.bin, .mtl, textures),
    resolved, including candidates that did not exist, so that caches can tell
    when the result would change.
    """

    path: Path
    project_root: Path
    origin: Origin
    name: str
    warnings: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def error(self, detail: str) -> InvalidVenue:
        """Return `InvalidVenue` for this model with "model NAME: detail"."""
        return InvalidVenue(Problem(self.origin, f"model {self.name}: {detail}"))

    def fail(self, detail: str) -> NoReturn:
        """Raise `error(detail)`."""
        raise self.error(detail)

    def unsupported(self, feature: str, fix: str) -> NoReturn:
        """Raise `InvalidVenue` saying the model uses `feature` and how to fix it."""
        message = f"model {self.name} uses {feature}, which is not supported; {fix}"
        raise InvalidVenue(Problem(self.origin, message))

    def warn(self, detail: str) -> None:
        """Record and log a place where the imported model differs from the file."""
        message = f"model {self.name}: {detail}"
        self.warnings.append(message)
        logger.warning("%s: %s", self.origin, message)


def resolve_inside(
    ctx: ModelContext,
    uri: str,
    owner: str,
    base: Path | None = None,
    percent_encoded: bool = True,
) -> Path:
    """Resolve a relative file reference to an existing file in the project.

    `owner` names what refers to the file ("image 2") in messages. The
    reference is taken from `base`, by default the model's folder. glTF URIs
    are percent-encoded, but OBJ and MTL file names are not. Rejects URLs,
    absolute paths, paths whose target (symlinks resolved) lies outside
    `ctx.project_root`, and missing files.
    """
    scheme = urllib.parse.urlsplit(uri).scheme
    if uri.startswith(("/", "\\")) or _WINDOWS_DRIVE.match(uri):
        ctx.unsupported(
            f"the absolute path {uri!r} for {owner}",
            "use a path relative to the model file, inside the project",
        )
    if scheme:
        ctx.unsupported(
            f"the external URL {uri!r} for {owner}",
            "download the file into the project and refer to it by a relative "
            "path, or embed it",
        )
    relative = urllib.parse.unquote(uri) if percent_encoded else uri
    root = ctx.project_root.resolve()
    target = ((base or ctx.path.parent) / relative).resolve()
    if not target.is_relative_to(root):
        ctx.unsupported(
            f"the path {uri!r} for {owner}, which leads outside the project",
            "move the file into the project and refer to it by a relative path",
        )
    ctx.files.append(target)
    if not target.is_file():
        found = target.relative_to(root).as_posix()
        ctx.fail(f"{owner} file {uri!r} not found (looked for {found})")
    return target
