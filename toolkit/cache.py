"""A content-addressed build cache on disk, for fast rebuilds after small edits.

Entries are named by a SHA-256 key of everything that goes into them, so an
entry is never stale: a changed input gives a new key. Each entry file
contains a magic line, the SHA-256 of its payload and the payload. An entry
whose digest does not match is treated as missing and written again.
Entries are written to a temporary file and renamed into place, so readers
see a whole entry or none. `docs/cache.md` describes the layout.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from . import __version__

__all__ = [
    "CACHE_DIR_NAME",
    "CACHE_VERSION",
    "DEFAULT_MAX_BYTES",
    "UNRELATED_MODULES",
    "BuildCache",
    "CacheStats",
    "code_fingerprint",
    "default_cache_dir",
    "pack",
    "unpack",
]

log = logging.getLogger(__name__)

CACHE_DIR_NAME = ".venue-cache"
"""The cache folder's name under a project root."""
CACHE_VERSION = 1
"""Changes whenever the layout or the meaning of an entry changes."""
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
"""`prune` removes the least recently used entries beyond this size."""

_MAGIC = b"venue-cache 1\n"
_DIGEST_SIZE = 32
_TAG_NAME = "CACHEDIR.TAG"
# The signature that the Cache Directory Tagging Specification (bford.info)
# defines, so that backup tools skip the folder.
_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
        "# This file marks a venue-toolkit build cache; see docs/cache.md.\n")
# Libraries whose version can change the bytes of a compiled scene.
_LIBRARIES = ("numpy", "pillow", "trimesh", "pyyaml", "jsonschema")
# Modules that no cached result depends on: the players, the CLI and the
# lint. Leaving them out keeps the cache across edits of them; a test checks
# that loading and compiling import none of them.
UNRELATED_MODULES = ("viewer/", "web.py", "serve.py", "cli.py", "__main__.py",
                     "lint.py", "_lint_checks.py", "_raycast.py", "scaffold.py",
                     "_terminal.py")


def default_cache_dir(project_root: Path) -> Path:
    """Return the cache folder that `venue build` uses for a project."""
    return project_root / CACHE_DIR_NAME


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Return a digest of the toolkit's source and the libraries it builds with.

    An edit to a toolkit module other than `UNRELATED_MODULES`, or another
    version of Python, numpy, Pillow, trimesh, PyYAML, jsonschema or zlib,
    gives another fingerprint, so a cache never returns what older code made.
    """
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    sources = sorted(path for path in package.rglob("*")
                     if path.suffix in (".py", ".json") and path.is_file())
    for path in sources:
        name = path.relative_to(package).as_posix()
        if name.startswith(UNRELATED_MODULES):
            continue
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    versions = [f"venue-toolkit {__version__}", f"cache {CACHE_VERSION}",
                f"python {sys.version}", f"zlib {zlib.ZLIB_RUNTIME_VERSION}"]
    for name in _LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} absent")
    digest.update("\n".join(versions).encode())
    return digest.hexdigest()


def pack(header: dict[str, object], data: bytes) -> bytes:
    """Join a JSON header and binary data into one entry payload."""
    text = json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return len(text).to_bytes(4, "little") + text + data


def unpack(payload: bytes) -> tuple[dict[str, object], bytes]:
    """Split a payload made by `pack`; raises ValueError when it is malformed."""
    size = int.from_bytes(payload[:4], "little")
    if len(payload) < 4 + size:
        raise ValueError("cache entry header is truncated")
    header = json.loads(payload[4:4 + size].decode("utf-8"))
    if not isinstance(header, dict):
        raise ValueError("cache entry header is not an object")
    return header, payload[4 + size:]


@dataclass
class CacheStats:
    """Counts of one build's cache lookups, by kind of entry."""

    hits: Counter[str] = field(default_factory=Counter)
    misses: Counter[str] = field(default_factory=Counter)
    corrupt: int = 0
    written_bytes: int = 0

    def as_json(self) -> dict[str, object]:
        """Return the counts as plain JSON values."""
        kinds = sorted(set(self.hits) | set(self.misses))
        return {
            "hits": {kind: self.hits[kind] for kind in kinds},
            "misses": {kind: self.misses[kind] for kind in kinds},
            "corrupt": self.corrupt,
            "written_bytes": self.written_bytes,
        }


class BuildCache:
    """A folder of content-addressed entries, grouped by kind (`glb`, `raw`, ...).

    Reading never fails: a missing, unreadable or corrupt entry is a miss.
    Writing never fails a build either: after the first error the cache stops
    writing and logs one warning.
    """

    def __init__(self, folder: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.stats = CacheStats()
        self._writable = True

    @staticmethod
    def key(*parts: bytes | str) -> str:
        """Return the hex SHA-256 of `parts`, each length-prefixed, with the
        code fingerprint, so keys of different toolkit versions differ."""
        digest = hashlib.sha256(code_fingerprint().encode())
        for part in parts:
            data = part.encode() if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "little"))
            digest.update(data)
        return digest.hexdigest()

    def _path(self, kind: str, key: str) -> Path:
        return self.folder / kind / key

    def get(self, kind: str, key: str) -> bytes | None:
        """Return the payload of entry `key` of `kind`, or None when it is not usable."""
        path = self._path(kind, key)
        try:
            data = path.read_bytes()
        except OSError:
            self.stats.misses[kind] += 1
            return None
        header = len(_MAGIC) + _DIGEST_SIZE
        payload = data[header:]
        if (not data.startswith(_MAGIC)
                or hashlib.sha256(payload).digest() != data[len(_MAGIC):header]):
            log.debug("ignoring the corrupt cache entry %s", path)
            self.stats.corrupt += 1
            self.stats.misses[kind] += 1
            return None
        try:
            os.utime(path)  # marks it recently used, for `prune`
        except OSError:
            pass
        self.stats.hits[kind] += 1
        return payload

    def put(self, kind: str, key: str, payload: bytes) -> None:
        """Store `payload` as entry `key` of `kind`, atomically."""
        if not self._writable:
            return
        path = self._path(kind, key)
        data = _MAGIC + hashlib.sha256(payload).digest() + payload
        try:
            self._ensure_folder(path.parent)
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(data)
                os.replace(temporary, path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as error:
            self._writable = False
            log.warning("warning: cannot write to the build cache %s (%s); "
                        "building without storing results", self.folder,
                        error.strerror or error)
            return
        self.stats.written_bytes += len(data)

    def _ensure_folder(self, folder: Path) -> None:
        if folder.is_dir():
            return
        folder.mkdir(parents=True, exist_ok=True)
        tag = self.folder / _TAG_NAME
        if not tag.exists():
            tag.write_text(_TAG, encoding="utf-8")

    def entries(self) -> Iterable[Path]:
        """Yield the path of every entry file."""
        if not self.folder.is_dir():
            return
        for kind in sorted(self.folder.iterdir()):
            if kind.is_dir():
                yield from (path for path in kind.iterdir()
                            if not path.name.startswith(".tmp-"))

    def prune(self) -> int:
        """Remove the least recently used entries until the cache fits
        `max_bytes`; return how many were removed."""
        sized = []
        try:
            for path in self.entries():
                status = path.stat()
                sized.append((status.st_mtime_ns, status.st_size, path))
        except OSError as error:
            log.debug("not pruning the cache %s: %s", self.folder, error)
            return 0
        total = sum(size for _time, size, _path in sized)
        removed = 0
        for _time, size, path in sorted(sized, key=lambda item: item[0]):
            if total <= self.max_bytes:
                break
            try:
                path.unlink()
            except OSError:
                continue
            total -= size
            removed += 1
        if removed:
            log.debug("pruned %d cache entries from %s", removed, self.folder)
        return removed
