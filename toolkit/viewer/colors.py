"""Colours as tour.json writes them (sRGB `#rrggbb`) and as renderers need them."""

from __future__ import annotations

import re

__all__ = ["RGB", "parse_hex_color"]

RGB = tuple[float, float, float]

_HEX_COLOR = re.compile(r"#([0-9a-fA-F]{6})")


def parse_hex_color(text: str) -> RGB | None:
    """Return `#rrggbb` as sRGB floats in 0..1, or None if `text` is not one."""
    match = _HEX_COLOR.fullmatch(text.strip())
    if match is None:
        return None
    value = int(match.group(1), 16)
    red, green, blue = value >> 16, (value >> 8) & 0xFF, value & 0xFF
    return (red / 255.0, green / 255.0, blue / 255.0)

