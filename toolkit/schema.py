"""JSON Schemas of the authoring format: venue files, scene files, schedules.

The schemas are the reference for editors (yaml-language-server) and the
first check on every file. `x-error` is this project's annotation: where a
`oneOf` or `pattern` fails, the loader shows that sentence instead of the
validator's generic one.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = [
    "ID_PATTERN",
    "LANG_PATTERN",
    "venue_schema",
    "scene_schema",
    "schedule_schema",
    "schema_json",
    "SCHEMA_BASE",
]

SCHEMA_BASE = "https://venue-toolkit.example.org/schema"
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
LANG_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
_COLOR_PATTERN = r"^#([0-9a-fA-F]{6}|[0-9a-fA-F]{8})$"

_DEFS: dict[str, Any] = {
    "id": {
        "type": "string",
        "pattern": ID_PATTERN,
        "x-error": "ids are lowercase kebab-case: letters a-z, digits and "
        "single hyphens, like 'main-stage'",
        "description": "Lowercase kebab-case identifier, unique within its kind.",
    },
    "text": {
        "description": "Text shown to visitors: one string for every language, "
        "or a mapping from language code to string.",
        "oneOf": [
            {"type": "string"},
            {
                "type": "object",
                "minProperties": 1,
                "propertyNames": {"pattern": LANG_PATTERN},
                "additionalProperties": {"type": "string"},
            },
        ],
        "x-error": "expected text: a string, or a mapping from language code to "
        "string such as {zh: 云聚全球峰, en: Cloud Global Summit}",
    },
    "number": {"type": "number"},
    "vec2": {
        "type": "array",
        "items": {"type": "number"},
        "minItems": 2,
        "maxItems": 2,
        "x-error": "expected two numbers [x, y]",
    },
    "vec3": {
        "type": "array",
        "items": {"type": "number"},
        "minItems": 3,
        "maxItems": 3,
        "x-error": "expected three numbers [x, y, z] in metres",
    },
    "color": {
        "type": "string",
        "pattern": _COLOR_PATTERN,
        "x-error": "expected a colour as a quoted hex string such as \"#2f6fb3\" "
        "(an unquoted # starts a YAML comment)",
        "description": "sRGB colour as \"#rrggbb\" or \"#rrggbbaa\"; quote it.",
    },
    "path": {
        "type": "string",
        "minLength": 1,
        "description": "A file inside the project, relative to the project root "
        "(the folder that holds venues/).",
    },
    "url": {
        "type": "string",
        "minLength": 1,
        "description": "An absolute https:// or http:// URL.",
    },
    "unit": {"type": "number", "minimum": 0, "maximum": 1},
    "positive": {"type": "number", "exclusiveMinimum": 0},
    "rotation": {
        "description": "Heading in degrees about +Z (counter-clockwise seen from "
        "above), or [heading, pitch, roll] in degrees as in Panda3D.",
        "oneOf": [{"type": "number"}, {"$ref": "#/$defs/vec3"}],
        "x-error": "expected a heading in degrees or [heading, pitch, roll]",
    },
    "scale": {
        "description": "A uniform factor, or [x, y, z] factors.",
        "oneOf": [{"$ref": "#/$defs/positive"}, {"$ref": "#/$defs/vec3"}],
        "x-error": "expected a positive number or three numbers [x, y, z]",
    },
}


def _object(properties: dict[str, Any], required: list[str] | None = None,
            description: str = "", **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    if description:
        schema["description"] = description
    schema.update(extra)
    return schema


def _ref(name: str, description: str = "") -> dict[str, Any]:
    ref: dict[str, Any] = {"$ref": f"#/$defs/{name}"}
    if description:
        ref["description"] = description
    return ref


def _exactly_one(keys: list[str], what: str) -> dict[str, Any]:
    return {
        "oneOf": [{"required": [key]} for key in keys],
        "x-error": f"{what} needs exactly one of: {', '.join(keys)}",
    }


_SESSION = _object(
    {
        "id": _ref("id"),
        "title": _ref("text", "The session's title."),
        "description": _ref("text", "What the session is about."),
        "channel": _ref("id", "The channel (a venue `channels` id) it runs on."),
        "speakers": {
            "type": "array",
            "description": "Who speaks: names, or {name, affiliation}.",
            "items": {
                "oneOf": [
                    {"type": "string"},
                    _object({"name": _ref("text"), "affiliation": _ref("text")},
                            ["name"]),
                ],
                "x-error": "a speaker is a name or {name, affiliation}",
            },
        },
        "start": {
            "type": "string",
            "description": "ISO 8601 start: with an offset "
            "(2020-06-22T09:30+08:00), or local time in the venue's timezone "
            "(2020-06-22T09:30).",
        },
        "end": {"type": "string", "description": "ISO 8601 end, as `start`."},
        "stream": _ref("url", "Live stream: an HLS .m3u8 URL or a web page."),
        "replay": _ref("url", "Recording to watch once the session is over."),
        "poster": _ref("path", "Image shown before the session starts."),
    },
    ["id", "title", "start", "end"],
    "A talk or event that a hotspot or a screen links to.",
)

_CHANNEL = _object(
    {
        "id": _ref("id"),
        "title": _ref("text", "The channel's name."),
    },
    ["id", "title"],
    "A stream that runs sessions one after another, such as a stage.",
)


_STATUS_FEED = _object(
    {
        "url": _ref("url", "Where players fetch the feed, a JSON object mapping "
                    "session ids to status overrides."),
        "interval": {"type": "number", "minimum": 5,
                     "description": "Seconds between two fetches (default 30)."},
    },
    ["url"],
    "A live status feed that overrides the schedule's statuses.",
)


def venue_schema() -> dict[str, Any]:
    """Return the JSON Schema of a venue file (venues/*.yaml)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}/venue.schema.json",
        "title": "Venue",
        "description": "One event: its scenes, languages, timezone and sessions.",
        **_object(
            {
                "venue": _ref("id", "The venue's id."),
                "title": _ref("text", "The event's name."),
                "description": _ref("text", "A line about the event."),
                "languages": {
                    "type": "array",
                    "items": {"type": "string", "pattern": LANG_PATTERN},
                    "minItems": 1,
                    "uniqueItems": True,
                    "description": "Languages of the text, the default first "
                    "(default [en]).",
                },
                "timezone": {
                    "type": "string",
                    "description": "IANA timezone of local times, such as "
                    "Asia/Shanghai (default UTC).",
                },
                "start": _ref("id", "The scene visitors arrive in (default: the "
                              "first scene)."),
                "scenes": {
                    "type": "array",
                    "items": _ref("id"),
                    "minItems": 1,
                    "description": "Scene ids; scene `x` is read from scenes/x.yaml.",
                },
                "channels": {"type": "array", "items": _CHANNEL,
                             "description": "Channels sessions run on."},
                "schedules": {
                    "type": "array",
                    "items": _ref("path"),
                    "description": "Schedule files whose sessions join the venue: "
                    "YAML (.yaml, .yml), iCalendar (.ics), pretalx or frab "
                    "schedule.json (.json) and frab schedule.xml (.xml).",
                },
                "status_feed": _STATUS_FEED,
                "sessions": {"type": "array", "items": _SESSION,
                             "description": "Sessions written in the venue file."},
            },
            ["venue", "title", "scenes"],
        ),
        "$defs": _DEFS,
    }


def schedule_schema() -> dict[str, Any]:
    """Return the JSON Schema of a YAML schedule file."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}/schedule.schema.json",
        "title": "Schedule",
        **_object(
            {"sessions": {"type": "array", "items": _SESSION,
                          "description": "The sessions."}},
            ["sessions"],
            "A list of sessions.",
        ),
        "$defs": _DEFS,
    }


_PATTERN = _object(
    {
        "type": {
            "enum": ["checker", "stripes", "grid", "brick", "stone", "water",
                     "noise", "windows"],
            "description": "Which generated pattern.",
        },
        "color": _ref("color", "Second colour of the pattern (the first is "
                      "the material's `color`)."),
        "size": _ref("positive", "Metres one tile of the pattern covers "
                     "(default: one tile stretched over each face)."),
        "seed": {"type": "integer", "description": "Seed of random patterns."},
    },
    ["type"],
    "A texture the toolkit generates.",
)

_MATERIAL = _object(
    {
        "color": _ref("color", "Base colour (default \"#cccccc\")."),
        "opacity": _ref("unit", "1 is opaque (default 1)."),
        "metallic": _ref("unit", "0 for dielectrics, 1 for metals (default 0)."),
        "roughness": _ref("unit", "0 is mirror-smooth (default 0.8)."),
        "texture": _ref("path", "Base-colour image (PNG or JPEG) in the project."),
        "pattern": _PATTERN,
        "emissive": _ref("color", "Colour the surface gives off."),
        "emissive_strength": {"type": "number", "minimum": 0,
                              "description": "Multiplier of `emissive` "
                              "(default 1)."},
        "double_sided": {"type": "boolean",
                         "description": "Draw back faces too (default false)."},
        "unlit": {"type": "boolean",
                  "description": "Ignore lights, show the colour as is "
                  "(default false)."},
    },
    description="A PBR (metallic-roughness) material.",
    **{"not": {"required": ["texture", "pattern"]},
       "x-error": "a material has either `texture` or `pattern`, not both"},
)

_PLACEMENT = _object(
    {"at": _ref("vec3"), "rotate": _ref("rotation"), "scale": _ref("scale")},
    ["at"],
    "One placement of the object, relative to the object's own `at`.",
)

_SHAPES = ["box", "cylinder", "sphere", "plane", "extrude", "terrain", "model"]

_OBJECT = _object(
    {
        "id": _ref("id"),
        "title": _ref("text", "A name for the object (not shown as a label)."),
        "box": _object({"size": _ref("vec3", "Width (x), depth (y), height (z); "
                                      "the base sits at `at`.")}, ["size"]),
        "cylinder": _object(
            {
                "radius": _ref("positive", "Radius at the base."),
                "top_radius": {"type": "number", "minimum": 0,
                               "description": "Radius at the top (default: "
                               "`radius`; 0 makes a cone)."},
                "height": _ref("positive"),
                "segments": {"type": "integer", "minimum": 3, "maximum": 256,
                             "description": "Sides around (default 32)."},
            },
            ["radius", "height"],
        ),
        "sphere": _object(
            {
                "radius": _ref("positive", "Radius; the centre is at `at`."),
                "segments": {"type": "integer", "minimum": 3, "maximum": 256,
                             "description": "Sides around (default 32)."},
            },
            ["radius"],
        ),
        "plane": _object({"size": _ref("vec2", "Width (x) and depth (y); faces "
                                        "up.")}, ["size"]),
        "extrude": _object(
            {
                "points": {"type": "array", "items": _ref("vec2"), "minItems": 3,
                           "description": "The footprint polygon [[x, y], ...]."},
                "height": _ref("positive"),
            },
            ["points", "height"],
        ),
        "terrain": _object(
            {
                "size": _ref("vec2", "Width (x) and depth (y)."),
                "height": _ref("positive", "Height of the highest point."),
                "resolution": {"type": "integer", "minimum": 2, "maximum": 512,
                               "description": "Grid cells along each side "
                               "(default 64)."},
                "seed": {"type": "integer", "description": "Seed of the noise "
                         "(default 0)."},
                "roughness": {"type": "number", "minimum": 0,
                              "exclusiveMaximum": 1,
                              "description": "How rugged the slopes are, "
                              "0 to below 1 (default 0.25)."},
                "peaks": {"type": "integer", "minimum": 1, "maximum": 32,
                          "description": "Number of peaks; the highest is at "
                          "the centre (default 3)."},
                "plateau": {"type": "number", "minimum": 0,
                            "description": "Radius in metres of a flat summit "
                            "at the centre, for a stage (default 0)."},
            },
            ["size", "height"],
        ),
        "model": _ref("path", "A .glb, .gltf or .obj file in the project."),
        "material": {
            "description": "A material: the name of one in `materials`, or "
            "written in place.",
            "oneOf": [_ref("id"), _MATERIAL],
            "x-error": "expected a material name or a material mapping",
        },
        "at": _ref("vec3", "Where the object stands (default [0, 0, 0])."),
        "rotate": _ref("rotation"),
        "scale": _ref("scale"),
        "grid": _object(
            {
                "count": {"type": "array", "items": {"type": "integer",
                                                     "minimum": 1,
                                                     "maximum": 1000},
                          "minItems": 2, "maxItems": 2,
                          "description": "Copies along x and y."},
                "step": _ref("vec2", "Distance between copies along x and y."),
                "center": {"type": "boolean", "description": "Centre the grid "
                           "on `at` (default false: `at` is the first copy)."},
            },
            ["count", "step"],
            "Place the object on a grid.",
        ),
        "placements": {"type": "array", "items": _PLACEMENT, "minItems": 1,
                       "maxItems": 100000,
                       "description": "Place the object at each of these."},
    },
    ["id"],
    "Something in the scene: a primitive shape or a model file.",
    allOf=[
        _exactly_one(_SHAPES, "an object"),
        {"not": {"required": ["grid", "placements"]},
         "x-error": "an object has either `grid` or `placements`, not both"},
    ],
)

_LIGHT = _object(
    {
        "id": _ref("id"),
        "type": {"enum": ["directional", "point", "spot"],
                 "description": "What kind of light."},
        "color": _ref("color", "Default \"#ffffff\"."),
        "intensity": {"type": "number", "minimum": 0,
                      "description": "Lux for directional lights, candela for "
                      "point and spot lights (default 1)."},
        "at": _ref("vec3", "Position of point and spot lights."),
        "direction": _ref("vec3", "Where directional and spot lights point."),
        "look_at": _ref("vec3", "A point spot lights aim at (instead of "
                        "`direction`)."),
        "range": _ref("positive", "Distance where point and spot light ends."),
        "cone": _object(
            {"inner": {"type": "number", "minimum": 0, "maximum": 90},
             "outer": {"type": "number", "exclusiveMinimum": 0, "maximum": 90}},
            ["outer"],
            "Spot cone half-angles in degrees.",
        ),
    },
    ["id", "type"],
    "A KHR_lights_punctual light.",
    **{"not": {"required": ["direction", "look_at"]},
       "x-error": "a light has either `direction` or `look_at`, not both"},
)

_HOTSPOT_ACTIONS = ["session", "scene", "viewpoint", "url"]

_HOTSPOT = _object(
    {
        "id": _ref("id"),
        "at": _ref("vec3", "Where the marker floats."),
        "title": _ref("text", "The marker's label."),
        "description": _ref("text", "Shown in the hotspot's panel."),
        "session": _ref("id", "Open this session (stream, then replay)."),
        "scene": _ref("id", "Go to this scene."),
        "viewpoint": _ref("id", "Fly to this viewpoint of the same scene."),
        "url": _ref("url", "Open this web page."),
    },
    ["id", "at", "title"],
    "A clickable marker.",
    **_exactly_one(_HOTSPOT_ACTIONS, "a hotspot"),
)

_VIEWPOINT = _object(
    {
        "id": _ref("id"),
        "at": _ref("vec3", "Eye position."),
        "look_at": _ref("vec3", "The point the camera looks at."),
        "title": _ref("text", "Name in the viewpoint list."),
        "fov": {"type": "number", "exclusiveMinimum": 5, "maximum": 150,
                "description": "Vertical field of view in degrees (default 60)."},
    },
    ["id", "at", "look_at"],
    "A camera position visitors can jump to.",
)

_SCREEN = _object(
    {
        "id": _ref("id"),
        "channel": _ref("id", "The channel (a venue `channels` id, or one made "
                        "from a schedule's room) the screen shows."),
        "at": _ref("vec3", "Centre of the picture."),
        "size": {
            "type": "array",
            "items": {"type": "number", "exclusiveMinimum": 0},
            "minItems": 2,
            "maxItems": 2,
            "x-error": "expected [width, height], two positive numbers in metres",
            "description": "Width and height of the picture in metres.",
        },
        "rotate": _ref("rotation"),
        "title": _ref("text", "A label for the screen."),
    },
    ["id", "channel", "at", "size"],
    "A video screen that shows a channel; at heading 0 its picture faces north "
    "(+y).",
)

_TOUR_STOP = _object(
    {
        "viewpoint": _ref("id", "Fly to this viewpoint."),
        "hotspot": _ref("id", "Fly to look at this hotspot and open it."),
        "hold": {"type": "number", "minimum": 0,
                 "description": "Seconds to stay (default 5)."},
        "caption": _ref("text", "Shown while at this stop."),
    },
    description="One stop of a guided tour.",
    **_exactly_one(["viewpoint", "hotspot"], "a tour stop"),
)

_TOUR = _object(
    {
        "id": _ref("id"),
        "title": _ref("text", "The tour's name."),
        "loop": {"type": "boolean", "description": "Start again at the end "
                 "(default false)."},
        "stops": {"type": "array", "items": _TOUR_STOP, "minItems": 1,
                  "description": "The stops in order."},
    },
    ["id", "title", "stops"],
    "A guided tour.",
)

_SKY = _object(
    {
        "color": _ref("color", "One colour all round."),
        "gradient": _object(
            {"zenith": _ref("color"), "horizon": _ref("color"),
             "ground": _ref("color")},
            ["zenith", "horizon"],
            "Colours overhead, at the horizon and below (default: horizon).",
        ),
        "panorama": _ref("path", "An equirectangular PNG or JPEG (2:1)."),
        "rotate": {"type": "number", "description": "Turn the panorama by this "
                   "heading in degrees."},
    },
    description="What is seen behind the scene.",
    **_exactly_one(["color", "gradient", "panorama"], "a sky"),
)


def scene_schema() -> dict[str, Any]:
    """Return the JSON Schema of a scene file (scenes/*.yaml)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}/scene.schema.json",
        "title": "Scene",
        "description": "One themed 3D space (a board) of a venue.",
        **_object(
            {
                "scene": _ref("id", "The scene's id; the file is scenes/<id>.yaml."),
                "title": _ref("text", "The scene's name."),
                "description": _ref("text", "A line about the scene."),
                "sky": _SKY,
                "ambient": _object(
                    {"color": _ref("color"),
                     "intensity": {"type": "number", "minimum": 0}},
                    description="Light from everywhere (default white, 0.3).",
                ),
                "start": _ref("id", "The viewpoint visitors arrive at (default: "
                              "the first)."),
                "materials": {
                    "type": "object",
                    "propertyNames": {"pattern": ID_PATTERN},
                    "additionalProperties": _MATERIAL,
                    "description": "Named materials that objects use by name.",
                },
                "objects": {"type": "array", "items": _OBJECT},
                "lights": {"type": "array", "items": _LIGHT},
                "hotspots": {"type": "array", "items": _HOTSPOT},
                "screens": {"type": "array", "items": _SCREEN},
                "viewpoints": {"type": "array", "items": _VIEWPOINT,
                               "minItems": 1},
                "tours": {"type": "array", "items": _TOUR},
            },
            ["scene", "title", "viewpoints"],
        ),
        "$defs": _DEFS,
    }


def schema_json(kind: str) -> str:
    """Return the schema of `kind` (venue, scene or schedule) as JSON text."""
    makers = {"venue": venue_schema, "scene": scene_schema,
              "schedule": schedule_schema}
    return json.dumps(makers[kind](), indent=2, ensure_ascii=False) + "\n"
