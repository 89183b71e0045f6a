"""Check a valid venue for likely mistakes that a build accepts.

Each finding is a `LintWarning` with a code, a position and a message.
docs/lint.md explains every code, its rule and how to fix what it finds.
`lint_venue` takes a venue that `load_venue` has already checked. It
compiles the scenes and reads the YAML files again for the positions of
single values. The checks are in `_lint_checks`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import Origin

if TYPE_CHECKING:
    from . import spec
    from .cache import BuildCache

__all__ = [
    "BUDGETS",
    "CODES",
    "TARGETS",
    "Budget",
    "LintOptions",
    "LintWarning",
    "lint_venue",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Budget:
    """The limits of one scene on a kind of device."""

    triangles: int
    """Triangles drawn, each placement of a mesh counted."""
    texture_size: int
    """Pixels along the longer side of a material or model texture."""
    panorama_size: int
    """Pixels along the longer side of a sky panorama."""


BUDGETS: dict[str, Budget] = {
    "desktop": Budget(2_000_000, 4096, 8192),
    "web": Budget(500_000, 2048, 4096),
    "mobile": Budget(150_000, 1024, 4096),
}
"""Per-scene budgets by `--target`; docs/lint.md gives the reasons."""
TARGETS = tuple(BUDGETS)

CODES: dict[str, str] = {
    "missing-translation": "a text lacks one of the venue's languages",
    "untranslated-text": "a text is the same in every language of the venue",
    "unreachable-scene": "no chain of hotspots leads from the start scene to a scene",
    "hotspot-inside-geometry": "a hotspot is inside a closed mesh",
    "hotspot-hidden": "geometry hides a hotspot from every viewpoint",
    "hotspots-overlap": "two hotspots of a scene are closer than the minimum spacing",
    "unused-session": "no hotspot links to a session and no screen shows its channel",
    "triangle-budget": "a scene draws more triangles than the target's budget",
    "texture-budget": "a texture or panorama is larger than the target's budget",
    "insecure-stream": "a session's stream or replay URL is not https",
    "insecure-feed": "the status feed URL is not https",
}
"""Every warning code with a one-line description."""


@dataclass(frozen=True)
class LintOptions:
    """Options of `lint_venue`: the target and the thresholds of the checks."""

    target: str = "web"
    """The key of `BUDGETS` whose budgets apply."""
    hotspot_spacing: float = 0.5
    """Metres below which two hotspots of a scene overlap."""
    hotspot_clearance: float = 0.3
    """Metres before a hotspot that a sight line may pass through geometry:
    a marker has a size, so a hotspot on a wall's face still shows."""
    ignore: frozenset[str] = field(default_factory=frozenset)
    """Codes not to report."""


@dataclass(frozen=True)
class LintWarning:
    """One finding: its code, where it is and what to do about it."""

    code: str
    origin: Origin
    message: str
    path: str = ""

    def __str__(self) -> str:
        where = f" (at {self.path})" if self.path else ""
        return f"{self.origin}: warning: {self.message}{where} [{self.code}]"

    def as_json(self) -> dict[str, Any]:
        """Return the warning as plain JSON values."""
        return {"code": self.code, "file": str(self.origin.file),
                "line": self.origin.line, "column": self.origin.column,
                "message": self.message, "path": self.path}


def lint_venue(venue: spec.Venue, options: LintOptions = LintOptions(),
               cache: BuildCache | None = None) -> list[LintWarning]:
    """Return every warning about `venue`, ordered by file and position.

    Compiles each scene (taking pattern textures from `cache` when given).
    Raises InvalidVenue when a scene does not compile, as a build would, and
    ValueError for an unknown target or code.
    """
    if options.target not in BUDGETS:
        raise ValueError(f"unknown target '{options.target}'; expected one of "
                         f"{', '.join(TARGETS)}")
    unknown = sorted(options.ignore - set(CODES))
    if unknown:
        raise ValueError(f"unknown warning code '{unknown[0]}'; codes are listed "
                         "in docs/lint.md")
    # Imported here: the checks need numpy and the compiler, which the CLI
    # should not load just to read the options above.
    from ._lint_checks import run_checks

    warnings = run_checks(venue, options, cache)
    warnings.sort(key=lambda w: (str(w.origin.file), w.origin.line,
                                 w.origin.column, w.code))
    log.debug("lint found %d warnings in %s", len(warnings), venue.id)
    return warnings
