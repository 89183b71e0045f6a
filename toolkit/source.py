"""Read YAML into raw values that remember where each one came from.

The loader follows YAML 1.2's core schema, not PyYAML's YAML 1.1 defaults:
only `true`/`false` are booleans, only decimal numbers are numbers, and
`no`, `on`, `1:30`, `0x1f` or `2020-06-22` stay strings. Quoted scalars are
always strings. Duplicate keys, non-string keys, tags and merge keys are
errors, reported with their line and column.
"""

from __future__ import annotations

import marshal
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InvalidVenue, Origin, Problem, key_path

__all__ = ["RawDocument", "KeyPath", "decode_document", "encode_document",
           "load_yaml", "parse_yaml", "yaml_text"]

KeyPath = tuple[str | int, ...]

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True,
         "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_SPECIAL_FLOAT = {".inf": float("inf"), "+.inf": float("inf"),
                  "-.inf": float("-inf"), ".nan": float("nan")}
_UNQUOTED_COLOR = re.compile(r"[:\[,]\s*#[0-9a-fA-F]{3,8}\b")
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


@dataclass(frozen=True)
class RawDocument:
    """A YAML document as plain Python values plus the position of every value.

    `value` contains dicts, lists, str, int, float, bool and None. `positions`
    maps a key path to the value's start; `key_positions` maps a mapping
    entry's key path to the key's start.
    """

    file: Path
    value: Any
    positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)

    def origin(self, path: KeyPath, *, key: bool = False) -> Origin:
        """Return where the value (or with `key`, the key) at `path` starts.

        Falls back to the nearest enclosing value that has a position.
        """
        if key and path in self.key_positions:
            line, column = self.key_positions[path]
            return Origin(self.file, line, column)
        probe = path
        while True:
            if probe in self.positions:
                line, column = self.positions[probe]
                return Origin(self.file, line, column)
            if not probe:
                return Origin(self.file, 1, 1)
            probe = probe[:-1]

    def problem(self, path: KeyPath, message: str, *, key: bool = False) -> Problem:
        """Build a Problem located at `path` that names the key path."""
        return Problem(self.origin(path, key=key), message, key_path(path))


def _scalar(node: yaml.ScalarNode) -> Any:
    if node.style and node.style in "'\"|>":
        return node.value
    text = node.value
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    if text.lower() in _SPECIAL_FLOAT:
        return _SPECIAL_FLOAT[text.lower()]
    return text


def _start(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


MAX_VALUES = 1_000_000
"""Most values one document may hold once aliases are expanded."""

MAX_NUMBER = 1e9
"""Largest magnitude of a number; larger ones are mistakes, not metres."""


class _Builder:
    """Turn a composed node tree into raw values, recording positions."""

    def __init__(self, file: Path, text: str) -> None:
        self.file = file
        self.text = text
        self.positions: dict[KeyPath, tuple[int, int]] = {}
        self.key_positions: dict[KeyPath, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.count = 0
        self.open_nodes: set[int] = set()

    def _explicit_str(self, node: yaml.Node) -> bool:
        """Return whether the scalar carries an explicit `!!str` tag."""
        index = node.start_mark.index
        return self.text.startswith(("!!str", "!<tag:yaml.org,2002:str>"), index)

    def scalar(self, node: yaml.ScalarNode, path: KeyPath) -> Any:
        if self._explicit_str(node):
            return node.value
        value = _scalar(node)
        if isinstance(value, float) and not (abs(value) <= MAX_NUMBER):
            self.fail(node, path, f"number {node.value} is not finite or too "
                      f"large; write a number between -{MAX_NUMBER:g} and "
                      f"{MAX_NUMBER:g}")
            return None
        if isinstance(value, int) and abs(value) > 2**53:
            self.fail(node, path, f"number {node.value} is too large; quote it "
                      "if it is text")
            return None
        return value

    def fail(self, node: yaml.Node, path: KeyPath, message: str) -> None:
        line, column = _start(node)
        self.problems.append(Problem(Origin(self.file, line, column), message,
                                     key_path(path)))

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        self.positions[path] = _start(node)
        self.count += 1
        if self.count > MAX_VALUES:
            raise _TooLarge(node)
        if node.tag not in _STANDARD_TAGS and node.tag != "!":
            self.fail(node, path, f"YAML tag '{node.tag}' is not supported; "
                      "remove the tag")
            return None
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        if id(node) in self.open_nodes:
            self.fail(node, path, "this alias refers to a value that contains "
                      "it; remove the recursive alias")
            return None
        self.open_nodes.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, path + (index,))
                        for index, item in enumerate(node.value)]
            return self.build_mapping(node, path)
        finally:
            self.open_nodes.discard(id(node))

    def build_mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if key_node.tag == "tag:yaml.org,2002:merge" or key == "<<":
                self.fail(key_node, path, "merge keys ('<<') are not supported; "
                          "write the keys out or use a named material")
                continue
            if not isinstance(key, str):
                self.fail(key_node, path, f"key {key_node.value!r} must be a "
                          "string; quote it")
                continue
            if key in result:
                first = self.key_positions[path + (key,)]
                self.fail(key_node, path + (key,), f"duplicate key '{key}' (first "
                          f"at line {first[0]}); remove one of them")
                continue
            self.key_positions[path + (key,)] = _start(key_node)
            result[key] = self.build(value_node, path + (key,))
        return result


class _TooLarge(Exception):
    """Raised when a document expands to more than MAX_VALUES values."""

    def __init__(self, node: yaml.Node) -> None:
        super().__init__()
        self.node = node


# libyaml's parser when PyYAML was built with it: the benchmark's load went from
# 4.3 s to 1.5 s with it (docs/benchmarks.md).
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Composer(_BaseLoader):  # type: ignore[misc, valid-type]
    """A loader used only to compose nodes; scalars are resolved by `_scalar`.

    With no implicit resolvers every untagged scalar is tagged `str`, so any
    other tag on a node was written explicitly in the file.
    """

    yaml_implicit_resolvers: dict[str, Any] = {}


def parse_yaml(text: str, file: Path) -> RawDocument:
    """Parse one YAML document from `text`; raise InvalidVenue on any mistake."""
    try:
        node = yaml.compose(text, Loader=_Composer)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = error.problem or str(error)
        lines = text.splitlines()
        bad_line = lines[line - 1] if 0 < line <= len(lines) else ""
        nearby = "\n".join(lines[max(line - 2, 0):line])
        if "\t" in bad_line:
            hint = "; indent with spaces, not tabs"
        elif _UNQUOTED_COLOR.search(nearby):
            hint = ('; an unquoted # starts a comment, so quote colours such as '
                    '"#2f6fb3"')
        else:
            hint = _syntax_hint(reason)
        raise InvalidVenue(Problem(Origin(file, line, column),
                                   f"invalid YAML: {reason}{hint}")) from None
    except yaml.YAMLError as error:
        raise InvalidVenue(Problem(Origin(file, 1, 1),
                                   f"invalid YAML: {error}")) from None
    if node is None:
        return RawDocument(file, None, {(): (1, 1)})
    builder = _Builder(file, text)
    try:
        value = builder.build(node, ())
    except _TooLarge as error:
        line, column = _start(error.node)
        raise InvalidVenue(Problem(Origin(file, line, column), "the document "
                                   f"expands to more than {MAX_VALUES:,} values, "
                                   "usually through nested aliases; write the "
                                   "values out or split the file")) from None
    if builder.problems:
        raise InvalidVenue(builder.problems)
    return RawDocument(file, value, builder.positions, builder.key_positions)


def _syntax_hint(reason: str) -> str:
    if "expected a single document" in reason:
        return "; keep one document per file"
    if "found character '\\t'" in reason:
        return "; indent with spaces, not tabs"
    if "mapping values are not allowed" in reason:
        return "; quote a value that contains ': '"
    return ""


def yaml_text(data: bytes) -> str:
    """Decode a YAML file's bytes as `Path.read_text` does: UTF-8, and every
    line break as \n. Raises UnicodeDecodeError."""
    text = data.decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def encode_document(doc: RawDocument) -> bytes:
    """Encode a document's values and positions for the build cache.

    marshal reads these values several times faster than JSON, keeps tuple
    keys and cannot run code when it reads. Its format changes only with the
    Python version, which the cache's keys include.
    """
    return marshal.dumps((doc.value, doc.positions, doc.key_positions))


def decode_document(data: bytes, file: Path) -> RawDocument:
    """Rebuild a document that `encode_document` encoded, as read from `file`.

    Raises ValueError when `data` is malformed.
    """
    try:
        value, positions, key_positions = marshal.loads(data)
    except (EOFError, TypeError, ValueError) as error:
        raise ValueError(f"malformed cached document: {error}") from None
    if not (isinstance(value, dict) and isinstance(positions, dict)
            and isinstance(key_positions, dict)):
        raise ValueError("malformed cached document: unexpected types")
    return RawDocument(file, value, positions, key_positions)


def load_yaml(path: Path, shown_as: Path | None = None) -> RawDocument:
    """Read and parse the YAML file at `path`; errors name it as `shown_as`."""
    shown = shown_as or path
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidVenue(Problem(Origin(shown), "file not found")) from None
    except UnicodeDecodeError as error:
        raise InvalidVenue(Problem(Origin(shown), "file is not UTF-8 text "
                                   f"({error.reason} at byte {error.start})")) from None
    except OSError as error:
        raise InvalidVenue(Problem(Origin(shown), f"failed to read the file: "
                                   f"{error.strerror}")) from None
    return parse_yaml(text, shown)
