"""The glTF container: JSON from .gltf or .glb, buffers, buffer views and URIs."""

from __future__ import annotations

import base64
import binascii
import json
import struct
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from .context import ModelContext, resolve_inside

__all__ = ["GltfDocument", "load_document", "read_uri"]

GLB_MAGIC = b"glTF"
GLB_HEADER_SIZE = 12
CHUNK_HEADER_SIZE = 8
CHUNK_JSON = 0x4E4F534A
CHUNK_BIN = 0x004E4942


@dataclass
class GltfDocument:
    """A parsed glTF file: its JSON plus lazily loaded buffers."""

    ctx: ModelContext
    json: dict[str, Any]
    binary_chunk: bytes | None = None
    _buffers: dict[int, memoryview] = field(default_factory=dict)

    def items(self, key: str) -> list[Any]:
        """Return the top-level array `key` (`meshes`, `nodes`...), or []."""
        value = self.json.get(key, [])
        if not isinstance(value, list):
            self.ctx.fail(f"is not valid glTF: '{key}' is not an array")
        return value

    def item(self, key: str, index: Any) -> dict[str, Any]:
        """Return `json[key][index]`, failing with a clear message when absent."""
        values = self.items(key)
        if not isinstance(index, int) or not 0 <= index < len(values):
            self.ctx.fail(
                f"is not valid glTF: {key}[{index}] is referenced but the file "
                f"has {len(values)} {key}"
            )
        value = values[index]
        if not isinstance(value, dict):
            self.ctx.fail(f"is not valid glTF: {key}[{index}] is not an object")
        return value

    def buffer(self, index: int) -> memoryview:
        """Return buffer `index`, cut to its byteLength."""
        if index in self._buffers:
            return self._buffers[index]
        raw = self.item("buffers", index)
        length = int(raw["byteLength"])
        uri = raw.get("uri")
        if uri is not None:
            data = read_uri(self.ctx, str(uri), f"buffer {index}")
        elif index == 0 and self.binary_chunk is not None:
            data = self.binary_chunk
        else:
            self.ctx.fail(
                f"is not valid glTF: buffer {index} has no uri and there is "
                "no GLB binary chunk for it"
            )
        if len(data) < length:
            self.ctx.fail(
                f"buffer {index} is truncated: its byteLength is {length} but "
                f"only {len(data)} bytes are present"
            )
        view = memoryview(data)[:length]
        self._buffers[index] = view
        return view

    def buffer_view(self, index: int) -> tuple[memoryview, int | None]:
        """Return the bytes of bufferView `index` and its byteStride, if any."""
        raw = self.item("bufferViews", index)
        offset = int(raw.get("byteOffset", 0))
        length = int(raw["byteLength"])
        buffer_index = raw["buffer"]
        data = self.buffer(buffer_index)
        if offset < 0 or length < 0 or offset + length > len(data):
            self.ctx.fail(
                f"bufferView {index} (bytes {offset} to {offset + length}) is out "
                f"of range of buffer {buffer_index}, which has {len(data)} bytes"
            )
        stride = raw.get("byteStride")
        return data[offset : offset + length], None if stride is None else int(stride)


def load_document(ctx: ModelContext) -> GltfDocument:
    """Read `ctx.path` as .gltf JSON or as GLB and check it is glTF 2.x."""
    try:
        data = ctx.path.read_bytes()
    except OSError as error:
        ctx.fail(f"could not be read: {error.strerror}")

    binary_chunk = None
    if data[:4] == GLB_MAGIC:
        json_bytes, binary_chunk = _split_glb(ctx, data)
    elif ctx.path.suffix.lower() == ".glb":
        ctx.fail("is not a valid GLB file: its header does not start with 'glTF'")
    else:
        json_bytes = data

    document = GltfDocument(ctx, _parse_json(ctx, json_bytes), binary_chunk)
    _check_version(ctx, document.json)
    return document


def read_uri(ctx: ModelContext, uri: str, owner: str) -> bytes:
    """Return the bytes a glTF `uri` names: a data: URI or a file in the project."""
    if uri.startswith("data:"):
        return _decode_data_uri(ctx, uri, owner)
    target = resolve_inside(ctx, uri, owner)
    try:
        return target.read_bytes()
    except OSError as error:
        ctx.fail(f"{owner} file {uri!r} could not be read: {error.strerror}")


def _split_glb(ctx: ModelContext, data: bytes) -> tuple[bytes, bytes | None]:
    """Return the JSON chunk and the optional BIN chunk of a GLB file."""
    if len(data) < GLB_HEADER_SIZE:
        ctx.fail("is not a valid GLB file: it is shorter than the 12-byte header")
    _, version, length = struct.unpack_from("<4sII", data)
    if version != 2:
        ctx.unsupported(f"GLB version {version}", "export it as glTF 2.0")
    if length != len(data):
        ctx.fail(
            f"is not a valid GLB file: its header gives a length of {length} "
            f"bytes but the file has {len(data)} bytes"
        )

    chunks: list[tuple[int, bytes]] = []
    offset = GLB_HEADER_SIZE
    while offset < length:
        if offset + CHUNK_HEADER_SIZE > length:
            ctx.fail(f"is not a valid GLB file: chunk header at byte {offset} is cut")
        chunk_length, chunk_type = struct.unpack_from("<II", data, offset)
        start = offset + CHUNK_HEADER_SIZE
        if start + chunk_length > length:
            ctx.fail(
                f"is not a valid GLB file: the chunk at byte {offset} needs "
                f"{chunk_length} bytes but only {length - start} remain"
            )
        chunks.append((chunk_type, data[start : start + chunk_length]))
        offset = start + chunk_length

    if not chunks or chunks[0][0] != CHUNK_JSON:
        ctx.fail("is not a valid GLB file: its first chunk is not JSON")
    # Chunks of unknown types are skipped, as the GLB specification requires.
    binary = [chunk for kind, chunk in chunks[1:] if kind == CHUNK_BIN]
    return chunks[0][1], binary[0] if binary else None


def _parse_json(ctx: ModelContext, json_bytes: bytes) -> dict[str, Any]:
    """Decode the glTF JSON, failing with the line and column of a syntax error."""
    try:
        text = json_bytes.decode("utf-8-sig")
    except UnicodeDecodeError:
        ctx.fail("is not valid glTF: its JSON is not UTF-8 text")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        ctx.fail(
            f"is not valid JSON: {error.msg} at line {error.lineno}, "
            f"column {error.colno}"
        )
    if not isinstance(raw, dict):
        ctx.fail("is not valid glTF: its JSON top level is not an object")
    return raw


def _check_version(ctx: ModelContext, raw: dict[str, Any]) -> None:
    """Reject files that are not glTF 2.x."""
    asset = raw.get("asset")
    version = str(asset.get("version", "")) if isinstance(asset, dict) else ""
    if version.startswith("1."):
        ctx.unsupported(f"glTF {version}", "export it as glTF 2.0")
    if not version.startswith("2."):
        ctx.fail("is not valid glTF: asset.version is missing or not 2.x")


def _decode_data_uri(ctx: ModelContext, uri: str, owner: str) -> bytes:
    """Decode an RFC 2397 data: URI (base64 or percent-encoded)."""
    header, comma, payload = uri[len("data:") :].partition(",")
    if not comma:
        ctx.fail(f"{owner} has a data: URI without a comma")
    if header.endswith(";base64"):
        try:
            return base64.b64decode(payload, validate=True)
        except binascii.Error as error:
            ctx.fail(f"{owner} has a data: URI with invalid base64 ({error})")
    return urllib.parse.unquote_to_bytes(payload)
