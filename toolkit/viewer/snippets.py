"""YAML snippets of hotspots and viewpoints for designer mode, and where they go.

A snippet is one list item, ready to paste under a scene file's
`hotspots:` or `viewpoints:` key. Positions are in the authors' frame
(metres, Z-up), which is also the frame of the viewer's `base.render`,
rounded to 2 decimals. Each snippet is copied to the system clipboard
when a clipboard tool is found, and can be appended to a file.
"""

from __future__ import annotations

import logging
import math
import os
import shutil
import subprocess
import sys
from collections.abc import Collection, Sequence
from datetime import datetime
from pathlib import Path

__all__ = [
    "HOTSPOT_OFFSET",
    "PLACEHOLDER_URL",
    "DEFAULT_FOV",
    "yaml_number",
    "yaml_vector",
    "hotspot_position",
    "hotspot_snippet",
    "viewpoint_snippet",
    "next_id",
    "clipboard_commands",
    "copy_to_clipboard",
    "append_snippet",
]

logger = logging.getLogger(__name__)

HOTSPOT_OFFSET = 0.3
"""Metres that a new hotspot floats above the surface, along its normal."""
PLACEHOLDER_URL = "https://example.org/"
"""The action of a new hotspot; a hotspot needs one, and the author replaces it."""
DEFAULT_FOV = 60.0
"""Vertical field of view that a viewpoint without `fov` has, in degrees."""

_TITLES = {
    "hotspot": {"en": "New hotspot", "zh": "新热点"},
    "viewpoint": {"en": "New viewpoint", "zh": "新视点"},
}
_CLIPBOARD_TIMEOUT = 2.0  # seconds; a clipboard tool that takes longer is skipped

Vector = Sequence[float]


def yaml_number(value: float) -> str:
    """Format `value` rounded to 2 decimals, without trailing zeros or `-0`.

    Halves round up, as JavaScript's `Math.round(value * 100) / 100` in the
    web player's designer mode does, so both players write the same numbers.
    """
    rounded = math.floor(value * 100 + 0.5) / 100
    text = f"{rounded:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def yaml_vector(values: Vector) -> str:
    """Format a position as a YAML flow list, such as `[12.5, -3.2, 1.8]`."""
    return "[" + ", ".join(yaml_number(value) for value in values) + "]"


def _title(kind: str, languages: Sequence[str]) -> str:
    """Return a placeholder title with one entry per venue language.

    Languages without a translation here get the English text.
    """
    names = _TITLES[kind]
    entries = [f"{code}: {names.get(code, names['en'])}"
               for code in languages or ["en"]]
    return "{" + ", ".join(entries) + "}"


def hotspot_position(point: Vector, normal: Vector,
                     offset: float = HOTSPOT_OFFSET) -> tuple[float, float, float]:
    """Return `point` moved `offset` metres along the unit vector `normal`."""
    x, y, z = (p + n * offset for p, n in zip(point, normal, strict=True))
    return (x, y, z)


def hotspot_snippet(hotspot_id: str, point: Vector, normal: Vector,
                    languages: Sequence[str]) -> str:
    """Return a hotspot list item `HOTSPOT_OFFSET` above a surface point.

    The hotspot opens `PLACEHOLDER_URL`, because a hotspot needs an action.
    """
    at = hotspot_position(point, normal)
    return (f"- id: {hotspot_id}\n"
            f"  at: {yaml_vector(at)}\n"
            f"  title: {_title('hotspot', languages)}\n"
            f"  url: {PLACEHOLDER_URL}\n")


def viewpoint_snippet(viewpoint_id: str, eye: Vector, look_at: Vector,
                      languages: Sequence[str], fov: float | None = None) -> str:
    """Return a viewpoint list item; `fov` is written only when it is not 60."""
    lines = [f"- id: {viewpoint_id}",
             f"  at: {yaml_vector(eye)}",
             f"  look_at: {yaml_vector(look_at)}",
             f"  title: {_title('viewpoint', languages)}"]
    if fov is not None and abs(fov - DEFAULT_FOV) >= 0.5:
        lines.append(f"  fov: {yaml_number(fov)}")
    return "\n".join(lines) + "\n"


def next_id(base: str, existing: Collection[str]) -> str:
    """Return `base`, else `base-2`, `base-3`, ..., the first not in `existing`."""
    if base not in existing:
        return base
    number = 2
    while f"{base}-{number}" in existing:
        number += 1
    return f"{base}-{number}"


def clipboard_commands() -> list[list[str]]:
    """Return the clipboard commands to try, in order, for this session.

    wl-copy needs a Wayland session, xclip and xsel an X display, pbcopy
    macOS. Only commands found on PATH are listed.
    """
    candidates: list[list[str]] = []
    if sys.platform == "darwin":
        candidates.append(["pbcopy"])
    if os.environ.get("WAYLAND_DISPLAY"):
        candidates.append(["wl-copy"])
    if os.environ.get("DISPLAY"):
        candidates.append(["xclip", "-selection", "clipboard"])
        candidates.append(["xsel", "--clipboard", "--input"])
    return [command for command in candidates if shutil.which(command[0])]


def copy_to_clipboard(text: str) -> str | None:
    """Put `text` on the system clipboard; return the tool's name, or None.

    xclip, xsel and wl-copy stay in the background to serve the clipboard,
    so their output goes to /dev/null: a pipe would wait for them to exit.
    """
    for command in clipboard_commands():
        try:
            subprocess.run(command, input=text.encode("utf-8"), check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=_CLIPBOARD_TIMEOUT)
        except (OSError, subprocess.SubprocessError) as error:
            logger.warning("copying to the clipboard with %s failed: %s", command[0],
                           error)
            continue
        return command[0]
    return None


def append_snippet(path: Path, snippet: str, scene_id: str, kind: str) -> None:
    """Append `snippet` to `path` after a comment naming the scene and the key.

    Raises OSError when the file cannot be written.
    """
    stamp = datetime.now().isoformat(timespec="seconds")
    with path.open("a", encoding="utf-8") as file:
        file.write(f"# scene {scene_id}, under {kind}: ({stamp})\n{snippet}\n")
