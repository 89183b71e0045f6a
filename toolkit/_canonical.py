"""Canonical bytes of spec values, for cache keys.

Two spec values that compile to different output must give different bytes.
So the encoding keeps everything the compiler can see: every dataclass field,
the type of each value, file contents (an asset's path becomes its
project-relative name and the SHA-256 of its bytes) and sharing (a dataclass
object met a second time is written as a reference, because the compiler
writes a shared material once but two equal ones twice).

A YAML file's path (`Scene.file`) is encoded by name alone: what the file
says is in the spec values, and a comment edit should not change the key.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from .errors import Origin

__all__ = ["FileDigests", "canonical_bytes"]


class FileDigests:
    """SHA-256 digests of files, each file read once per instance."""

    def __init__(self) -> None:
        self._digests: dict[Path, str | None] = {}

    def digest(self, path: Path) -> str | None:
        """Return the hex SHA-256 of the file at `path`, or None when it is missing."""
        if path not in self._digests:
            try:
                data = path.read_bytes()
            except OSError:
                self._digests[path] = None
            else:
                self._digests[path] = hashlib.sha256(data).hexdigest()
        return self._digests[path]


_PLAIN = (type(None), bool, int, float, str)
_SOURCE_SUFFIXES = (".yaml", ".yml")
_fields: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    if cls not in _fields:
        _fields[cls] = tuple(item.name for item in dataclasses.fields(cls))
    return _fields[cls]


class _Encoder:
    def __init__(self, root: Path, digests: FileDigests) -> None:
        self.root = root
        self.real_root = root.resolve()
        self.digests = digests
        self.seen: dict[int, int] = {}
        # Keeps every visited object alive, so that no id() is reused.
        self.alive: list[Any] = []
        self.names: dict[Path, str] = {}

    def name(self, path: Path) -> str:
        """Return `path` relative to the project root, as authors write it."""
        if path not in self.names:
            self.names[path] = str(path)
            for base in (self.root, self.real_root):
                if path.is_relative_to(base):
                    self.names[path] = path.relative_to(base).as_posix()
                    break
        return self.names[path]

    def encode(self, value: Any) -> Any:
        kind = type(value)
        if kind in _PLAIN:
            return value
        if kind is tuple or kind is list:
            # Positions, rotations and scales: the bulk of a scene.
            if all(type(item) is float for item in value):
                return ["list", list(value)]
            return ["list", [self.encode(item) for item in value]]
        if kind is Origin:
            return ["origin", self.name(value.file), value.line, value.column]
        if dataclasses.is_dataclass(kind):
            return self.dataclass(value)
        if isinstance(value, Path):
            if value.suffix.lower() in _SOURCE_SUFFIXES:
                return ["source", self.name(value)]
            return ["file", self.name(value), self.digests.digest(value)]
        if isinstance(value, datetime):
            return ["time", value.isoformat()]
        if isinstance(value, Mapping):
            items = sorted(value.items(), key=lambda item: str(item[0]))
            return ["map", [[key, self.encode(item)] for key, item in items]]
        raise TypeError(f"cannot encode a {kind.__name__} for a cache key")

    def dataclass(self, value: Any) -> Any:
        if id(value) in self.seen:
            return ["ref", self.seen[id(value)]]
        self.seen[id(value)] = len(self.seen)
        self.alive.append(value)
        fields = []
        for name in _field_names(type(value)):
            item = getattr(value, name)
            # Inline the commonest case, a plain value, for speed.
            fields.append(item if type(item) in _PLAIN else self.encode(item))
        return [type(value).__name__, fields]


def canonical_bytes(value: Any, root: Path, digests: FileDigests) -> bytes:
    """Encode a spec value (a `Scene`, say) as canonical JSON bytes.

    Raises TypeError for a value of a type that the encoding does not know,
    so that a new kind of spec value cannot slip into a key unnoticed.
    """
    encoded = _Encoder(root, digests).encode(value)
    text = json.dumps(encoded, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")
