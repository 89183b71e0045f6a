"""The state of one venue load and the checks that every part of the loader shares.

Every problem found in any file is collected in the context, so one run
reports them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import spec
from .errors import InvalidVenue, Problem, close_match
from .source import KeyPath, RawDocument, load_yaml
from .validate import check_document

__all__ = ["IMAGE_SUFFIXES", "URL_SCHEMES", "check_url"]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
URL_SCHEMES = ("https", "http")


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

    def __init__(self, root: Path) -> None:
        self.root = root
        self.real_root = root.resolve()
        self.languages: tuple[str, ...] = ("en",)
        self.problems: list[Problem] = []
        self.inputs: list[Path] = []

    def add(self, doc: RawDocument, path: KeyPath, message: str,
            *, key: bool = False) -> None:
        self.problems.append(doc.problem(path, message, key=key))

    def read(self, path: Path, kind: str) -> RawDocument | None:
        """Read and schema-check one YAML file; None when it is unusable."""
        try:
            doc = load_yaml(path)
        except InvalidVenue as error:
            self.problems.extend(error.problems)
            return None
        self.inputs.append(path)
        if not isinstance(doc.value, dict):
            self.add(doc, (), f"expected a mapping of keys at the top of the {kind} "
                     "file")
            return None
        found = check_document(doc, kind)
        if found:
            # Later checks assume the schema holds, so they skip this file.
            self.problems.extend(found)
            return None
        return doc

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
