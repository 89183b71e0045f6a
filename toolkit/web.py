"""The static web player and share codes that `venue build` writes beside a bundle.

The player's own files come from the repository's `export/` folder
(`index.html`, `style.css`, `src/*.js`). Its libraries, three.js and hls.js,
come from `export/node_modules`, which `npm ci --prefix export` installs at
the versions pinned in `export/package-lock.json`. Nothing is loaded from
another host: the page maps the bare `three` and `hls.js` specifiers to the
copies under `vendor/` with an import map.

With a base URL, every scene and hotspot also gets a QR code (SVG and PNG)
of its deep link, under `share/`. `share/index.json` lists the links, and
the player shows them in its share panel.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from .bundle import Bundle
from .errors import BuildError, Origin, Problem

__all__ = [
    "PLAYER_DIR",
    "SHARE_INDEX",
    "WebOptions",
    "parse_base_url",
    "share_fragment",
    "web_files",
]

log = logging.getLogger(__name__)

PLAYER_DIR = Path(__file__).resolve().parents[1] / "export"
"""The player's source folder in the repository."""

SHARE_INDEX = "share/index.json"

_PLAYER_FILES = ("index.html", "style.css")
_PLAYER_SOURCES = "src"
_VENDOR = "vendor"

# Entry files of each package; relative imports of three's files are followed.
_THREE_ENTRIES = ("build/three.module.js",)
_THREE_ADDONS = "examples/jsm/"
_HLS_FILES = ("dist/hls.min.mjs", "dist/hls.worker.js")
_LICENSE = "LICENSE"

# Static `import … from "x"`, `export … from "x"` and `import "x"` statements
# that start a line, so examples inside doc comments (` * import …`) are skipped.
_IMPORT = re.compile(
    r"""^[ \t]*(?:(?:import|export)\b[^;'"]*?\bfrom|import)\s*(["'])([^"'\n]+)\1""",
    re.MULTILINE)
_ALLOWED_BARE = ("three", "hls.js")
_SETUP_HINT = ("run `npm ci --prefix export` or scripts/setup.sh, or build "
               "with --no-web")


@dataclass(frozen=True)
class WebOptions:
    """Options of `web_files`: the player and the share links to add."""

    player: bool = True
    """Copy the web player (index.html, its modules and libraries)."""
    base_url: str | None = None
    """Public URL of the player's index.html; enables QR codes when set."""
    player_dir: Path = field(default=PLAYER_DIR)
    """Folder with index.html, style.css, src/ and node_modules/."""


def parse_base_url(text: str) -> str:
    """Return `text` as a share base URL; raise ValueError saying what is wrong.

    The base URL is where index.html is served, such as
    `https://example.org/nanjing/`. Deep links add a `#…` fragment to it.
    """
    try:
        parts = urlsplit(text.strip())
    except ValueError as error:
        raise ValueError(f"invalid base URL '{text}': {error}") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"invalid base URL '{text}'; write an absolute http or "
                         "https URL such as https://example.org/tour/")
    if parts.fragment or text.strip().endswith("#"):
        raise ValueError(f"invalid base URL '{text}'; remove the '#' part, "
                         "because deep links add their own")
    return text.strip()


def share_fragment(scene: str, hotspot: str | None = None) -> str:
    """Return the URL fragment that opens `scene`, and `hotspot` in it, as `#…`."""
    values = {"scene": scene}
    if hotspot is not None:
        values["hotspot"] = hotspot
    return "#" + urlencode(values)


def web_files(bundle: Bundle, options: WebOptions = WebOptions()) -> dict[str, bytes]:
    """Return the web player's and share codes' files by path in the bundle folder.

    Raises BuildError when the player's npm packages are missing or differ
    from the lock file, and when a file would replace a bundle file.
    """
    files: dict[str, bytes] = {}
    if options.player:
        files.update(_player_files(options.player_dir))
    if options.player or options.base_url is not None:
        files.update(_share_files(bundle, options.base_url))

    clashes = sorted(set(files) & set(bundle.files))
    if clashes:
        raise BuildError(Problem(Origin(options.player_dir), "web player files "
                                 f"would replace bundle files: {', '.join(clashes)}"))
    log.debug("web player: %d files, %.1f MB", len(files),
              sum(map(len, files.values())) / 1e6)
    return dict(sorted(files.items()))


# -- the player and its libraries -------------------------------------------------


def _player_files(player_dir: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for name in _PLAYER_FILES:
        files[name] = _read(player_dir / name, "the web player's source is incomplete")
    sources = sorted((player_dir / _PLAYER_SOURCES).glob("*.js"))
    if not sources:
        raise BuildError(Problem(Origin(player_dir / _PLAYER_SOURCES),
                                 "the web player has no JavaScript modules"))
    for path in sources:
        files[f"{_PLAYER_SOURCES}/{path.name}"] = path.read_bytes()

    three = _package(player_dir, "three")
    hls = _package(player_dir, "hls.js")
    addons = _addon_imports(files[name] for name in files if name.endswith(".js"))
    entries = [*_THREE_ENTRIES, *(_THREE_ADDONS + addon for addon in addons)]
    for relative in _module_closure(three, entries):
        files[f"{_VENDOR}/three/{relative}"] = (three / relative).read_bytes()
    for relative in (*_HLS_FILES, _LICENSE):
        files[f"{_VENDOR}/hls.js/{relative}"] = _read(hls / relative, _SETUP_HINT)
    files[f"{_VENDOR}/three/{_LICENSE}"] = _read(three / _LICENSE, _SETUP_HINT)
    return files


def _read(path: Path, hint: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise BuildError(Problem(Origin(path), f"web player file not found; {hint}")
                         ) from None


def _package(player_dir: Path, name: str) -> Path:
    """Return an installed package's folder, checked against the lock file."""
    folder = player_dir / "node_modules" / name
    try:
        installed = json.loads((folder / "package.json").read_text("utf-8"))
    except FileNotFoundError:
        raise BuildError(Problem(Origin(folder), "the web player's npm package "
                                 f"'{name}' is not installed; {_SETUP_HINT}")) from None
    try:
        lock = json.loads((player_dir / "package-lock.json").read_text("utf-8"))
        pinned = lock["packages"][f"node_modules/{name}"]["version"]
    except (OSError, ValueError, KeyError):
        raise BuildError(Problem(Origin(player_dir / "package-lock.json"),
                                 f"no version of '{name}' is pinned")) from None
    if installed.get("version") != pinned:
        raise BuildError(Problem(Origin(folder), f"'{name}' "
                                 f"{installed.get('version')} is installed but the "
                                 f"lock file pins {pinned}; {_SETUP_HINT}"))
    return folder


def _imports(source: bytes) -> list[str]:
    return [match[1] for match in _IMPORT.findall(source.decode("utf-8"))]


def _addon_imports(sources: Iterable[bytes]) -> list[str]:
    """Return the three.js addon paths (under examples/jsm) that `sources` import."""
    addons: set[str] = set()
    for source in sources:
        for specifier in _imports(source):
            if specifier.startswith("three/addons/"):
                addons.add(specifier.removeprefix("three/addons/"))
    return sorted(addons)


def _module_closure(package: Path, entries: list[str]) -> list[str]:
    """Return `entries` and every module they import by relative path, in order.

    A bare import other than three or hls.js would not resolve through the
    player's import map, so it raises BuildError.
    """
    seen: list[str] = []
    pending = list(entries)
    while pending:
        relative = pending.pop(0)
        if relative in seen:
            continue
        path = package / relative
        if not path.is_file():
            raise BuildError(Problem(Origin(path), "module not found; the "
                                     "player imports it from three"))
        seen.append(relative)
        base = Path(relative).parent
        for specifier in _imports(path.read_bytes()):
            if specifier.startswith(("./", "../")):
                target = (package / base / specifier).resolve()
                pending.append(target.relative_to(package.resolve()).as_posix())
            elif specifier not in _ALLOWED_BARE:
                raise BuildError(Problem(Origin(path), f"module imports "
                                         f"'{specifier}', which the player's import "
                                         "map does not provide"))
    return seen


# -- share links and QR codes -------------------------------------------------------


def _share_files(bundle: Bundle, base_url: str | None) -> dict[str, bytes]:
    """Return QR codes for every scene and hotspot, and share/index.json."""
    links: dict[str, dict[str, str]] = {}
    files: dict[str, bytes] = {}
    if base_url is not None:
        base_url = parse_base_url(base_url)
        for scene in bundle.venue.scenes:
            targets = [(scene.id, None)] + [(scene.id, h.id) for h in scene.hotspots]
            for scene_id, hotspot_id in targets:
                stem = scene_id if hotspot_id is None else f"{scene_id}--{hotspot_id}"
                url = base_url + share_fragment(scene_id, hotspot_id)
                svg, png = _qr_code(url)
                files[f"share/{stem}.svg"] = svg
                files[f"share/{stem}.png"] = png
                links[stem] = {"url": url, "svg": f"share/{stem}.svg",
                               "png": f"share/{stem}.png"}
    index = {"base_url": base_url, "links": links}
    text = json.dumps(index, indent=2, ensure_ascii=False) + "\n"
    files[SHARE_INDEX] = text.encode("utf-8")
    return files


def _qr_code(url: str) -> tuple[bytes, bytes]:
    """Return `url` as a QR code in SVG and PNG, black on white with a quiet zone."""
    import segno

    code = segno.make(url, error="m", micro=False)
    svg = io.BytesIO()
    code.save(svg, kind="svg", scale=4, border=4, xmldecl=False,
              title=url, dark="#000", light="#fff")
    png = io.BytesIO()
    code.save(png, kind="png", scale=8, border=4, dark="#000", light="#fff")
    return svg.getvalue(), png.getvalue()

