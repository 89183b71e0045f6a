"""Scene lighting: the GLB's punctual lights at glTF's intensity, plus ambient.

panda3d-gltf 1.3 turns a KHR_lights_punctual intensity into a Panda3D light
colour by dividing by 683 lm/W (and, for point and spot lights, multiplying
by 4 pi), so a directional light of intensity 3 arrives almost black. three.js,
which the web player uses, multiplies the colour by the intensity as written.
Both players should show the same scene, so the viewer sets each light's
colour to colour x intensity, read from the GLB itself.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from panda3d.core import AmbientLight, LColor, NodePath

from ..gltf import read_glb
from ..textures import srgb_to_linear
from .bundle_reader import Ambient

__all__ = ["light_colors", "apply_light_intensities", "add_ambient_light"]

logger = logging.getLogger(__name__)

_EXTENSION = "KHR_lights_punctual"


def light_colors(document: Mapping[str, Any]) -> dict[str, LColor]:
    """Return colour x intensity (linear RGB) for each named light in a glTF JSON."""
    lights = document.get("extensions", {}).get(_EXTENSION, {}).get("lights", [])
    colors: dict[str, LColor] = {}
    for light in lights:
        name = light.get("name")
        if not isinstance(name, str):
            continue
        red, green, blue = light.get("color", (1.0, 1.0, 1.0))
        intensity = float(light.get("intensity", 1.0))
        colors[name] = LColor(red * intensity, green * intensity, blue * intensity, 1)
    return colors


def apply_light_intensities(model: NodePath, glb_path: Path) -> int:
    """Set each light under `model` to its glTF colour x intensity; return the count.

    Lights the GLB does not name are left as panda3d-gltf made them.
    """
    try:
        document, _ = read_glb(glb_path.read_bytes())
    except (OSError, ValueError) as error:
        logger.warning("could not read the lights of %s: %s", glb_path, error)
        return 0
    colors = light_colors(document)
    updated = 0
    for light_path in model.find_all_matches("**/+Light"):
        color = colors.get(light_path.name)
        if color is not None:
            light_path.node().set_color(color)
            updated += 1
    if updated != len(colors):
        logger.debug("%s: set %d of %d lights", glb_path.name, updated, len(colors))
    return updated


def add_ambient_light(model: NodePath, ambient: Ambient) -> NodePath | None:
    """Light `model` with tour.json's ambient light; return its node (None if off)."""
    if ambient.intensity <= 0:
        return None
    red, green, blue = (float(value) for value in srgb_to_linear(ambient.color))
    light = AmbientLight("ambient")
    scale = ambient.intensity
    light.set_color(LColor(red * scale, green * scale, blue * scale, 1))
    light_path = model.attach_new_node(light)
    model.set_light(light_path)
    return light_path
