"""The checks of `venue lint`. Their options and codes are in `toolkit.lint`."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from PIL import Image

from . import model, schema, spec
from ._raycast import SceneGeometry, scene_geometry
from .cache import BuildCache
from .compile import compile_scene
from .errors import Origin, key_path
from .importers import import_model_result
from .lint import BUDGETS, CODES, LintOptions, LintWarning
from .source import KeyPath, RawDocument, load_yaml

__all__ = ["run_checks"]


class _Findings:
    """The warnings found so far, without the ignored codes."""

    def __init__(self, ignore: frozenset[str]) -> None:
        self.ignore = ignore
        self.items: list[LintWarning] = []

    def add(self, code: str, origin: Origin, message: str, path: KeyPath = ()) -> None:
        assert code in CODES, code
        if code not in self.ignore:
            self.items.append(LintWarning(code, origin, message, key_path(path)))

    def at(self, code: str, doc: RawDocument, path: KeyPath, message: str) -> None:
        self.add(code, doc.origin(path), message, path)


def run_checks(venue: spec.Venue, options: LintOptions,
               cache: BuildCache | None) -> list[LintWarning]:
    """Return the warnings of every check, unordered."""
    findings = _Findings(options.ignore)
    documents = _documents(venue)

    _check_texts(venue, documents, findings)
    _check_reachable(venue, findings)
    _check_sessions(venue, documents, findings)
    for scene in venue.scenes:
        doc = documents[scene.file]
        scene_model = compile_scene(scene, venue.root, cache)
        geometry = scene_geometry(scene_model)
        _check_hotspots(scene, doc, geometry, options, findings)
        _check_triangles(scene, doc, geometry, options, findings)
        _check_textures(scene, doc, venue.root, options, findings)
    return findings.items


def _documents(venue: spec.Venue) -> dict[Path, RawDocument]:
    """Read the venue's YAML files again, for the positions of single values."""
    return {path: load_yaml(path) for path in venue.inputs
            if path.suffix.lower() in (".yaml", ".yml")}


# -- texts -------------------------------------------------------------------


_DEFS = schema.scene_schema()["$defs"]
_TEXT_REF = "#/$defs/text"


def _text_values(value: Any, node: dict[str, Any],
                 path: KeyPath) -> Iterator[tuple[KeyPath, Any]]:
    """Yield the key path and raw value of every text that `node` describes.

    Follows the schema, so that a text key added to it is checked too. The
    document has passed the schema check, so at a `oneOf` the branch of the
    value's type is the one that matched.
    """
    if node.get("$ref") == _TEXT_REF:
        yield path, value
        return
    if "$ref" in node:
        node = _DEFS[node["$ref"].rsplit("/", 1)[-1]]
    for branch in node.get("oneOf", []):
        if _fits(value, branch):
            yield from _text_values(value, branch, path)
            break
    if isinstance(value, dict):
        properties = node.get("properties", {})
        extra = node.get("additionalProperties")
        for key, item in value.items():
            child = properties.get(key, extra)
            if isinstance(child, dict):
                yield from _text_values(item, child, path + (key,))
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for index, item in enumerate(value):
            yield from _text_values(item, node["items"], path + (index,))


def _fits(value: Any, node: dict[str, Any]) -> bool:
    if "$ref" in node and node["$ref"] != _TEXT_REF:
        node = _DEFS[node["$ref"].rsplit("/", 1)[-1]]
    wanted = node.get("type")
    if node.get("$ref") == _TEXT_REF:
        return isinstance(value, (str, dict))
    if wanted == "object":
        return isinstance(value, dict)
    if wanted == "string":
        return isinstance(value, str)
    return wanted is None


def _schema_of(doc: RawDocument, venue: spec.Venue) -> dict[str, Any]:
    if doc.file == venue.file:
        return schema.venue_schema()
    if isinstance(doc.value, dict) and "scene" in doc.value:
        return schema.scene_schema()
    return schema.schedule_schema()


def _is_language_neutral(text: str) -> bool:
    """Tell whether a text may read the same in every language: it has no
    letters, or it is one word of Latin letters and digits, such as an
    acronym, a code or a brand (T20, 5G, COVID-19, Huawei)."""
    letters = [ch for ch in text if unicodedata.category(ch).startswith("L")]
    if not letters:
        return True
    if any(ch.isspace() for ch in text.strip()):
        return False
    return all(unicodedata.name(ch, "").startswith("LATIN") for ch in letters)


def _check_texts(venue: spec.Venue, documents: dict[Path, RawDocument],
                 findings: _Findings) -> None:
    languages = venue.languages
    if len(languages) < 2:
        return
    for doc in documents.values():
        texts = _text_values(doc.value, _schema_of(doc, venue), ())
        for path, value in texts:
            if isinstance(value, dict):
                missing = [language for language in languages if language not in value]
                if missing:
                    findings.at("missing-translation", doc, path,
                                f"text lacks {', '.join(missing)} (the venue's "
                                f"languages are {', '.join(languages)})")
                    continue
                values = {value[language] for language in languages}
                same = next(iter(values)) if len(values) == 1 else None
            else:
                same = value
            # People's names are often written alike in every language.
            is_name = len(path) >= 3 and path[-3] == "speakers" and path[-1] == "name"
            if same is not None and not is_name and not _is_language_neutral(same):
                findings.at("untranslated-text", doc, path,
                            f"text '{_shorten(same)}' is the same in "
                            f"{' and '.join(languages)}; translate it")


def _shorten(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


# -- navigation and sessions ---------------------------------------------------


def _check_reachable(venue: spec.Venue, findings: _Findings) -> None:
    links = {scene.id: [h.action.target for h in scene.hotspots
                        if h.action.kind == "scene"] for scene in venue.scenes}
    reached = {venue.start_scene}
    queue = [venue.start_scene]
    while queue:
        for target in links.get(queue.pop(), []):
            if target not in reached:
                reached.add(target)
                queue.append(target)
    for scene in venue.scenes:
        if scene.id not in reached:
            findings.add("unreachable-scene", scene.origin,
                         f"no hotspot path leads from the start scene "
                         f"'{venue.start_scene}' to scene '{scene.id}'; add a "
                         f"hotspot with `scene: {scene.id}` to a scene that "
                         "visitors reach")


def _session_paths(documents: dict[Path, RawDocument]
                   ) -> dict[str, tuple[RawDocument, KeyPath]]:
    """Map the id of each session written in YAML to its document and path."""
    found: dict[str, tuple[RawDocument, KeyPath]] = {}
    for doc in documents.values():
        items = doc.value.get("sessions") if isinstance(doc.value, dict) else None
        for index, item in enumerate(items or []):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                found.setdefault(item["id"], (doc, ("sessions", index)))
    return found


def _check_sessions(venue: spec.Venue, documents: dict[Path, RawDocument],
                    findings: _Findings) -> None:
    linked = {h.action.target for scene in venue.scenes for h in scene.hotspots
              if h.action.kind == "session"}
    screened = {screen.channel for scene in venue.scenes for screen in scene.screens}
    written = _session_paths(documents)
    for session in venue.sessions:
        if session.id not in linked and session.channel not in screened:
            channel = (f" and no screen shows its channel '{session.channel}'"
                       if session.channel else " and it has no channel")
            findings.add("unused-session", session.origin,
                         f"no hotspot links to session '{session.id}'{channel}; "
                         "visitors cannot find it")
        for key in ("stream", "replay"):
            url = getattr(session, key)
            if url is None or urlsplit(url).scheme.lower() == "https":
                continue
            doc, path = written.get(session.id, (None, ()))
            origin = doc.origin(path + (key,)) if doc else session.origin
            findings.add("insecure-stream", origin,
                         f"the {key} URL of session '{session.id}' is not https; "
                         "browsers block http media on an https page",
                         path + (key,) if doc else ())
    feed = venue.status_feed
    if feed is not None and urlsplit(feed.url).scheme.lower() != "https":
        doc = documents.get(venue.file)
        path: KeyPath = ("status_feed", "url")
        origin = doc.origin(path) if doc else Origin(venue.file)
        findings.add("insecure-feed", origin, "the status feed URL is not https; "
                     "browsers block http requests from an https page", path)


# -- geometry ------------------------------------------------------------------


def _check_hotspots(scene: spec.Scene, doc: RawDocument, geometry: SceneGeometry,
                    options: LintOptions, findings: _Findings) -> None:
    eyes = [np.array(viewpoint.at, np.float64) for viewpoint in scene.viewpoints]
    for index, hotspot in enumerate(scene.hotspots):
        path = ("hotspots", index, "at")
        point = np.array(hotspot.at, np.float64)
        inside = geometry.enclosing(point)
        if inside is not None:
            findings.at("hotspot-inside-geometry", doc, path,
                        f"hotspot '{hotspot.id}' is inside '{inside}'; move it "
                        "out so that visitors can see and click it")
            continue
        blockers = [geometry.blocker(eye, point, options.hotspot_clearance)
                    for eye in eyes]
        if eyes and all(blockers):
            hidden = ", ".join(f"'{viewpoint.id}' by '{blocker}'" for viewpoint,
                               blocker in zip(scene.viewpoints, blockers))
            findings.at("hotspot-hidden", doc, path,
                        f"hotspot '{hotspot.id}' is hidden from every viewpoint "
                        f"({hidden}); move it or add a viewpoint that sees it")
    _check_spacing(scene, doc, options, findings)


def _check_spacing(scene: spec.Scene, doc: RawDocument, options: LintOptions,
                   findings: _Findings) -> None:
    for index, hotspot in enumerate(scene.hotspots):
        for other in scene.hotspots[:index]:
            distance = float(np.linalg.norm(np.subtract(hotspot.at, other.at)))
            if distance < options.hotspot_spacing:
                findings.at("hotspots-overlap", doc, ("hotspots", index, "at"),
                            f"hotspot '{hotspot.id}' is {distance:.2f} m from "
                            f"hotspot '{other.id}', closer than "
                            f"{options.hotspot_spacing} m; their markers overlap")


def _check_triangles(scene: spec.Scene, doc: RawDocument, geometry: SceneGeometry,
                     options: LintOptions, findings: _Findings) -> None:
    budget = BUDGETS[options.target].triangles
    counts = geometry.triangle_counts()
    total = sum(counts.values())
    if total <= budget:
        return
    largest = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:3]
    named = ", ".join(f"{name} {count:,}" for name, count in largest)
    findings.at("triangle-budget", doc, (),
                f"scene '{scene.id}' draws {total:,} triangles, more than the "
                f"{options.target} budget of {budget:,} (largest: {named})")


def _check_textures(scene: spec.Scene, doc: RawDocument, root: Path,
                    options: LintOptions, findings: _Findings) -> None:
    budget = BUDGETS[options.target]
    if scene.sky.panorama is not None:
        size = _image_size(scene.sky.panorama.read_bytes())
        if size and max(size) > budget.panorama_size:
            findings.at("texture-budget", doc, ("sky", "panorama"),
                        f"panorama is {size[0]}x{size[1]} pixels, more than the "
                        f"{options.target} budget of {budget.panorama_size}")
    seen: set[Path] = set()
    for index, obj in enumerate(scene.objects):
        texture = obj.material.texture
        if texture is not None and texture not in seen:
            seen.add(texture)
            size = _image_size(texture.read_bytes())
            if size and max(size) > budget.texture_size:
                findings.at("texture-budget", doc, _texture_path(doc, index, obj),
                            f"texture {texture.name} is {size[0]}x{size[1]} "
                            f"pixels, more than the {options.target} budget of "
                            f"{budget.texture_size}")
        if obj.shape.model is not None and obj.shape.model not in seen:
            seen.add(obj.shape.model)
            _check_model_textures(obj, doc, index, root, budget.texture_size,
                                  options.target, findings)


def _texture_path(doc: RawDocument, index: int, obj: spec.SceneObject) -> KeyPath:
    """Return the key path where the object's texture is written."""
    raw = doc.value["objects"][index].get("material")
    if isinstance(raw, str):
        return ("materials", raw, "texture")
    return ("objects", index, "material", "texture")


def _check_model_textures(obj: spec.SceneObject, doc: RawDocument, index: int,
                          root: Path, limit: int, target: str,
                          findings: _Findings) -> None:
    assert obj.shape.model is not None
    imported = import_model_result(obj.shape.model, obj.origin, root)
    textures: dict[int, model.Texture] = {}
    for node in _walk(imported.nodes):
        if node.mesh is None:
            continue
        for primitive in node.mesh.primitives:
            for texture in _material_textures(primitive.material):
                textures[id(texture)] = texture
    for texture in textures.values():
        size = _image_size(texture.data)
        if size and max(size) > limit:
            findings.at("texture-budget", doc, ("objects", index, "model"),
                        f"model {obj.shape.model.name} has texture "
                        f"'{texture.name}' of {size[0]}x{size[1]} pixels, more "
                        f"than the {target} budget of {limit}")


def _walk(nodes: tuple[model.Node, ...]) -> Iterator[model.Node]:
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _material_textures(material: model.Material) -> list[model.Texture]:
    slots = (material.base_color_texture, material.metallic_roughness_texture,
             material.normal_texture, material.occlusion_texture,
             material.emissive_texture)
    return [texture for texture in slots if texture is not None]


def _image_size(data: bytes) -> tuple[int, int] | None:
    """Return (width, height) from an image's header, or None if unreadable."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except (OSError, ValueError):
        return None
