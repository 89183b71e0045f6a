"""The state of one venue load and the checks that every part of the loader shares.

Every problem found in any file is collected in the context, so one run
reports them all.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import spec
from .cache import BuildCache
from .errors import InvalidVenue, Problem, close_match
from .source import (KeyPath, RawDocument, decode_document, encode_document,
                     load_yaml, parse_yaml, yaml_text)
from .validate import check_document, is_valid_by_items

__all__ = ["IMAGE_SUFFIXES", "URL_SCHEMES", "check_url"]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
URL_SCHEMES = ("https", "http")

log = logging.getLogger(__name__)


def check_url(value: str) -> str | None:
    """Return why `value` is not an allowed link, or None when it is."""
    if any(ch.isspace() or ord(ch) < 32 for ch in value):
        return "a URL may not contain spaces or control characters"
    parts = urlsplit(value)
    if not parts.scheme:
        return "expected an absolute URL starting with https://"
    if parts.scheme.lower() not in URL_SCHEMES:
        return (f"link scheme '{parts.scheme}' is not allowed; use an https:// "
                "or http:// URL")
    if not parts.hostname:
        return "the URL has no host; write it as https://host/path"
    return None


class _Context:
    """State of one load: the root, the venue's languages, the problems so far."""

    def __init__(self, root: Path, cache: BuildCache | None = None) -> None:
        self.root = root
        self.real_root = root.resolve()
        self.languages: tuple[str, ...] = ("en",)
        self.problems: list[Problem] = []
        self.inputs: list[Path] = []
        self.cache = cache

    def add(self, doc: RawDocument, path: KeyPath, message: str,
            *, key: bool = False) -> None:
        self.problems.append(doc.problem(path, message, key=key))

    def read(self, path: Path, kind: str) -> RawDocument | None:
        """Read and schema-check one YAML file; None when it is unusable.

        With a cache, a file whose bytes passed the schema check before is
        not parsed or checked again: both depend only on its bytes and the
        toolkit's code, which the cache key covers.
        """
        key, text = self._cache_key(path, kind)
        if key is not None:
            cached = self._cached_document(key, path)
            if cached is not None:
                self.inputs.append(path)
                return cached
        try:
            doc = load_yaml(path) if text is None else parse_yaml(text, path)
        except InvalidVenue as error:
            self.problems.extend(error.problems)
            return None
        self.inputs.append(path)
        if not isinstance(doc.value, dict):
            self.add(doc, (), f"expected a mapping of keys at the top of the {kind} "
                     "file")
            return None
        found = self._schema_problems(doc, kind)
        if found:
            # Later checks assume the schema holds, so they skip this file.
            self.problems.extend(found)
            return None
        if key is not None and self.cache is not None:
            self.cache.put("raw", key, encode_document(doc))
        return doc

    def _schema_problems(self, doc: RawDocument, kind: str) -> list[Problem]:
        """Check `doc` against the schema of `kind`.

        With a cache, only the list items (objects, hotspots, sessions, ...)
        that the last valid version of this file did not have are checked,
        so an edit of one item costs one item's check.
        """
        if self.cache is None:
            return check_document(doc, kind)
        cache = self.cache
        key = cache.key("items", kind, str(doc.file.resolve()))
        payload = cache.get("items", key)
        try:
            known = set(json.loads(payload)) if payload is not None else set()
        except (ValueError, TypeError):
            known = set()
        valid, digests = is_valid_by_items(
            doc.value, kind, known, lambda *parts: cache.key("item", *parts))
        if not valid:
            return check_document(doc, kind)
        cache.put("items", key, json.dumps(digests).encode("utf-8"))
        return []

    def _cache_key(self, path: Path, kind: str) -> tuple[str | None, str | None]:
        """Return the cache key of a YAML file and its text, both from one read.

        Returns (None, None) without a cache, or when the file cannot be
        read or decoded, which `load_yaml` then reports."""
        if self.cache is None:
            return None, None
        try:
            data = path.read_bytes()
            text = yaml_text(data)
        except (OSError, UnicodeDecodeError):
            return None, None
        return self.cache.key("raw", kind, data), text

    def _cached_document(self, key: str, path: Path) -> RawDocument | None:
        assert self.cache is not None
        payload = self.cache.get("raw", key)
        if payload is None:
            return None
        try:
            return decode_document(payload, path)
        except (ValueError, KeyError, TypeError) as error:
            log.debug("ignoring the cached parse of %s: %s", path, error)
            return None

    # -- values --------------------------------------------------------------

    def text(self, doc: RawDocument, path: KeyPath, value: Any) -> spec.Text | None:
        if value is None:
            return None
        if isinstance(value, str):
            return {language: value for language in self.languages}
        for language in value:
            if language not in self.languages:
                self.add(doc, path + (language,), f"language '{language}' is not "
                         f"one of the venue's languages ({', '.join(self.languages)})"
                         f"{close_match(language, self.languages)}", key=True)
        return dict(value)

    def asset(self, doc: RawDocument, path: KeyPath, value: str,
              suffixes: tuple[str, ...], what: str) -> Path | None:
        """Check an asset path: inside the project, an existing file, right type."""
        if "://" in value or value.startswith(("data:", "javascript:")):
            self.add(doc, path, f"{what} must be a file in the project, not a URL: "
                     f"'{value}'")
            return None
        candidate = Path(value)
        if candidate.is_absolute() or value.startswith("~"):
            self.add(doc, path, f"{what} path '{value}' is absolute; write it "
                     "relative to the project root, like assets/models/stage.glb")
            return None
        full = (self.root / candidate).resolve()
        if not full.is_relative_to(self.real_root):
            self.add(doc, path, f"{what} path '{value}' leads outside the project; "
                     f"keep assets inside {self.root}")
            return None
        if candidate.suffix.lower() not in suffixes:
            self.add(doc, path, f"{what} '{value}' has an unsupported file type; "
                     f"expected {', '.join(suffixes)}")
            return None
        if not full.is_file():
            nearby = _nearby_files(full)
            hint = close_match(candidate.name, nearby)
            self.add(doc, path, f"{what} file '{value}' not found{hint}")
            return None
        if candidate.suffix.lower() in (".png", ".jpg", ".jpeg"):
            reason = _image_problem(full, what == "panorama")
            if reason:
                self.add(doc, path, f"{what} '{value}' {reason}")
                return None
        self.inputs.append(self.root / candidate)
        return self.root / candidate

    def url(self, doc: RawDocument, path: KeyPath, value: str | None) -> str | None:
        if value is None:
            return None
        reason = check_url(value)
        if reason:
            self.add(doc, path, f"{reason}: '{value}'")
            return None
        return value


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"


def _image_problem(path: Path, panorama: bool) -> str | None:
    """Return why `path` is not a usable PNG or JPEG image, or None."""
    try:
        with path.open("rb") as file:
            head = file.read(8)
    except OSError as error:
        return f"cannot be read: {error.strerror}"
    if not head.startswith((_PNG_SIGNATURE, _JPEG_SIGNATURE)):
        return "is not a PNG or JPEG image; export it as PNG or JPEG"
    try:
        from PIL import Image

        with Image.open(path) as image:
            width, height = image.size
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        return f"is not a readable image ({error}); export it again"
    if panorama and width != 2 * height:
        return (f"is {width}x{height} pixels; an equirectangular panorama is "
                "twice as wide as it is high, such as 4096x2048")
    return None


def _nearby_files(full: Path) -> list[str]:
    try:
        return [p.name for p in full.parent.iterdir() if p.is_file()]
    except OSError:
        return []


def _unique_ids(context: _Context, doc: RawDocument, items: list[Any],
                base: KeyPath, kind: str) -> None:
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        ident = item["id"]
        if ident in seen:
            first = doc.origin(base + (seen[ident], "id"))
            context.add(doc, base + (index, "id"), f"duplicate {kind} id '{ident}' "
                        f"(first at line {first.line}); ids must be unique")
        else:
            seen[ident] = index


def _check_reference(context: _Context, doc: RawDocument, path: KeyPath,
                     ident: str, known: Iterable[str], kind: str) -> bool:
    known = list(known)
    if ident in known:
        return True
    context.add(doc, path, f"unknown {kind} '{ident}'{close_match(ident, known)}")
    return False
