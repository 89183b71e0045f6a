"""Read schedule files into raw session entries with their source positions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .source import KeyPath, RawDocument

__all__ = ["read_schedule"]

Reader = Callable[[Path, str], RawDocument | None]


def read_schedule(
    path: Path, read: Reader
) -> list[tuple[RawDocument, KeyPath, list[dict[str, Any]]]]:
    """Return the session entries of a YAML schedule file.

    `read` reads and schema-checks a YAML file, reporting its problems; the
    result is empty when the file is unusable.
    """
    doc = read(path, "schedule")
    if doc is None or not isinstance(doc.value.get("sessions"), list):
        return []
    return [(doc, ("sessions",), doc.value["sessions"])]
