"""Check raw YAML values against a JSON Schema and explain each failure.

jsonschema finds the failures, and this module turns each into a Problem at
the right line and column, in words an author can act on. Unknown keys get
the close match and missing keys are named. A failed `oneOf` descends into
the branch whose type fits the value.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Container
from functools import lru_cache
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError

from . import schema as schemas
from .errors import Problem, close_match
from .source import KeyPath, RawDocument

__all__ = ["check_document", "describe_value", "is_valid_by_items"]

_JSON_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}
_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "nothing",
}


@lru_cache(maxsize=None)
def _validator(kind: str) -> jsonschema.Draft202012Validator:
    makers = {"venue": schemas.venue_schema, "scene": schemas.scene_schema,
              "schedule": schemas.schedule_schema}
    return jsonschema.Draft202012Validator(makers[kind]())


# Keywords of a top-level property whose entries may be checked one by one:
# with only these, a list (or a mapping) is valid when each item (or value)
# is and the shallow check of the list (or mapping) itself passes.
_SPLIT_LIST = {"type", "items", "minItems", "maxItems", "uniqueItems", "description"}
_SPLIT_MAPPING = {"type", "propertyNames", "additionalProperties", "description"}


@lru_cache(maxsize=None)
def _split_validators(kind: str) -> tuple[jsonschema.Draft202012Validator,
                                          dict[str, jsonschema.Draft202012Validator]]:
    """Return a validator of the top level that leaves the entries of lists
    and named mappings (scene `materials`) unchecked, and one validator per
    such property for its entries."""
    full = _validator(kind)
    shallow = copy.deepcopy(full.schema)
    entries = {}
    for name, node in shallow["properties"].items():
        keys = set(node)
        if node.get("type") == "array" and "items" in node and keys <= _SPLIT_LIST:
            entries[name] = full.evolve(schema=node["items"])
            node["items"] = {}
        elif (node.get("type") == "object" and keys <= _SPLIT_MAPPING
              and isinstance(node.get("additionalProperties"), dict)):
            entries[name] = full.evolve(schema=node["additionalProperties"])
            node["additionalProperties"] = {}
    return full.evolve(schema=shallow), entries


def _entries(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return list(value.values())
    return value if isinstance(value, list) else []


def is_valid_by_items(value: Any, kind: str, known: Container[str],
                      digest: Callable[[str, str, str], str]
                      ) -> tuple[bool, list[str]]:
    """Tell whether `value` passes the schema of `kind`, skipping list items
    and named-mapping values known to pass.

    `digest(kind, property name, item JSON)` names an item; items whose
    digest is in `known` are not checked again. Returns the result and the
    digests of all checked or known items, which are valid when the result
    is true. Call `check_document` for the problems of an invalid value.
    """
    shallow, item_validators = _split_validators(kind)
    if not shallow.is_valid(value):
        return False, []
    digests = []
    for name, validator in item_validators.items():
        for item in _entries(value.get(name)):
            text = json.dumps(item, sort_keys=True, ensure_ascii=False)
            item_digest = digest(kind, name, text)
            if item_digest not in known and not validator.is_valid(item):
                return False, []
            digests.append(item_digest)
    return True, digests


def describe_value(value: Any) -> str:
    """Name a raw value's type and quote it briefly, as `string 'abc'`."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"string '{shown}'"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return "a mapping"


def _fits_type(value: Any, schema: dict[str, Any]) -> bool:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = schemas._DEFS[name]
    wanted = schema.get("type")
    if wanted is None:
        return False
    if wanted in ("number", "integer"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, _JSON_TYPES[wanted])


def _branch_errors(error: ValidationError) -> list[ValidationError] | None:
    """For a failed oneOf/anyOf, return the errors of the one branch whose
    type fits the value, or None when no single branch fits."""
    branches = error.validator_value
    fitting = [index for index, branch in enumerate(branches)
               if _fits_type(error.instance, branch)]
    if len(fitting) != 1:
        return None
    return [sub for sub in error.context
            if sub.relative_schema_path and sub.relative_schema_path[0] == fitting[0]]


def _explain(error: ValidationError, doc: RawDocument) -> list[Problem]:
    path: KeyPath = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    custom = schema.get("x-error")
    kind = error.validator

    if kind in ("oneOf", "anyOf"):
        errors = _branch_errors(error)
        if errors:
            return [problem for sub in _deepest(errors) for problem in _explain(sub, doc)]
        if isinstance(error.instance, dict) and custom and "exactly one" in custom:
            present = [b["required"][0] for b in error.validator_value
                       if b.get("required", [None])[0] in error.instance]
            found = ", ".join(present) if present else "none"
            return [doc.problem(path, f"{custom} (found {found})")]
    if kind == "additionalProperties":
        return _unknown_keys(error, doc, path)
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        return [doc.problem(path, f"missing required key '{missing}'")]
    if custom and (kind in ("oneOf", "anyOf", "not", "pattern")
                   or schema.get("type") != "object"):
        return [doc.problem(path, f"{custom}; got {describe_value(error.instance)}")]
    if kind == "type":
        wanted = error.validator_value
        words = (" or ".join(_TYPE_WORDS.get(t, t) for t in wanted)
                 if isinstance(wanted, list) else _TYPE_WORDS.get(wanted, wanted))
        return [doc.problem(path, f"expected {words}, got "
                            f"{describe_value(error.instance)}")]
    if kind == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        hint = (close_match(error.instance, map(str, error.validator_value))
                if isinstance(error.instance, str) else "")
        return [doc.problem(path, f"{describe_value(error.instance)} is not one of: "
                            f"{allowed}{hint}")]
    if kind == "pattern" and schema.get("pattern") == schemas.LANG_PATTERN:
        return [doc.problem(path, f"invalid language code {error.instance!r}; "
                            "write a lowercase code such as zh, en or pt-BR")]
    if kind == "propertyNames":
        return [doc.problem(path, f"invalid name {error.instance!r}: {error.message}")]
    return [doc.problem(path, _plain_message(error))]


def _plain_message(error: ValidationError) -> str:
    value = describe_value(error.instance)
    limits = {
        "minimum": "at least", "maximum": "at most",
        "exclusiveMinimum": "more than", "exclusiveMaximum": "less than",
    }
    if error.validator in limits:
        return f"{value} must be {limits[error.validator]} {error.validator_value}"
    if error.validator in ("minItems", "maxItems"):
        limit = error.validator_value
        bound = "at least" if error.validator == "minItems" else "at most"
        noun = "item" if limit == 1 else "items"
        return f"expected {bound} {limit} {noun}, got {value}"
    if error.validator == "minLength":
        return "expected a non-empty string"
    if error.validator == "uniqueItems":
        return "items must be unique"
    if error.validator == "minProperties":
        return "expected at least one entry"
    return error.message


def _unknown_keys(error: ValidationError, doc: RawDocument,
                  path: KeyPath) -> list[Problem]:
    allowed = list(error.schema.get("properties", {}))
    problems = []
    for key in error.instance:
        if key in allowed:
            continue
        hint = close_match(key, allowed)
        if not hint:
            hint = f"; allowed keys: {', '.join(allowed)}"
        problems.append(doc.problem(path + (key,), f"unknown key '{key}'{hint}",
                                    key=True))
    return problems


def _deepest(errors: list[ValidationError]) -> list[ValidationError]:
    """Keep the errors that point deepest into the value: they are the causes."""
    depth = max(len(e.absolute_path) for e in errors)
    return [e for e in errors if len(e.absolute_path) == depth]


def check_document(doc: RawDocument, kind: str) -> list[Problem]:
    """Return every schema problem of `doc`, read as a `kind` file, in order."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for error in _validator(kind).iter_errors(doc.value):
        for problem in _explain(error, doc):
            text = str(problem)
            if text not in seen:
                seen.add(text)
                problems.append(problem)
    problems.sort(key=lambda p: (p.origin.line, p.origin.column))
    return problems
