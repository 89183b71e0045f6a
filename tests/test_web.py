"""Exporting the web player: copied files, pinned libraries, share QR codes, CLI.

The player itself runs in Chromium in test_web_player.py; these tests check
what `venue build` writes, without a browser.
"""

from __future__ import annotations

import functools
import io
import json
import re
import shutil
from pathlib import Path
from urllib.parse import urljoin

import pytest
import segno
from PIL import Image

from toolkit.bundle import prepare_bundle
from toolkit.cli import main
from toolkit.errors import BuildError
from toolkit.load import load_venue
from toolkit.web import (
    PLAYER_DIR,
    SHARE_INDEX,
    WebOptions,
    parse_base_url,
    share_fragment,
    web_files,
)

BASE_URL = "https://tour.example.org/test/"
LOCK = json.loads((PLAYER_DIR / "package-lock.json").read_text(encoding="utf-8"))

needs_packages = pytest.mark.skipif(
    not (PLAYER_DIR / "node_modules" / "three").is_dir(),
    reason="export/node_modules is missing; run npm ci --prefix export")


@pytest.fixture
def bundle(project: Path):
    return prepare_bundle(load_venue(project))


@pytest.fixture
def site(project: Path, tmp_path: Path) -> Path:
    out = tmp_path / "site"
    status = main(["-q", "build", str(project), "-o", str(out), "--base-url", BASE_URL])
    assert status == 0
    return out


def _import_map(index_html: str) -> dict[str, str]:
    match = re.search(r'<script type="importmap">(.*?)</script>', index_html, re.S)
    assert match, "index.html has no import map"
    imports: dict[str, str] = json.loads(match.group(1))["imports"]
    return imports


def _specifiers(source: str) -> list[str]:
    pattern = (r"""^[ \t]*(?:(?:import|export)\b[^;'"]*?\bfrom|import)"""
               r"""\s*(["'])([^"'\n]+)\1""")
    static = [m[1] for m in re.findall(pattern, source, re.M)]
    dynamic = re.findall(r"""\bimport\(\s*["']([^"']+)["']\s*\)""", source)
    return static + dynamic


def _resolve(specifier: str, module_url: str, imports: dict[str, str]) -> str:
    """Resolve an import as the browser would, with URLs relative to the site root."""
    if specifier.startswith(("./", "../", "/")):
        return urljoin(module_url, specifier)
    if specifier in imports:
        return urljoin("http://site/index.html", imports[specifier])
    for prefix, target in imports.items():
        if prefix.endswith("/") and specifier.startswith(prefix):
            return urljoin("http://site/index.html", target + specifier[len(prefix):])
    raise AssertionError(
        f"bare import '{specifier}' in {module_url} has no import map entry")


# -- the exported files -------------------------------------------------------------


@needs_packages
def test_build_writes_player_beside_bundle(site: Path) -> None:
    expected = [
        "tour.json", "scenes/hall.glb", "index.html", "style.css", "src/main.js",
        "vendor/three/build/three.module.js", "vendor/three/build/three.core.js",
        "vendor/three/examples/jsm/loaders/GLTFLoader.js",
        "vendor/three/examples/jsm/utils/BufferGeometryUtils.js",
        "vendor/three/examples/jsm/controls/OrbitControls.js",
        "vendor/three/LICENSE", "vendor/hls.js/dist/hls.min.mjs",
        "vendor/hls.js/dist/hls.worker.js", "vendor/hls.js/LICENSE", SHARE_INDEX,
    ]
    for name in expected:
        assert (site / name).is_file(), name
    sources = sorted(p.name for p in (PLAYER_DIR / "src").glob("*.js"))
    assert sorted(p.name for p in (site / "src").glob("*.js")) == sources


@needs_packages
def test_every_module_import_resolves(site: Path) -> None:
    imports = _import_map((site / "index.html").read_text(encoding="utf-8"))
    pending = ["http://site/src/main.js"]
    seen: set[str] = set()
    while pending:
        url = pending.pop()
        if url in seen:
            continue
        seen.add(url)
        path = site / url.removeprefix("http://site/")
        assert path.is_file(), f"{url} is imported but not exported"
        for specifier in _specifiers(path.read_text(encoding="utf-8")):
            pending.append(_resolve(specifier, url, imports))
    assert "http://site/vendor/three/build/three.core.js" in seen
    assert "http://site/vendor/hls.js/dist/hls.min.mjs" in seen


@needs_packages
def test_player_loads_nothing_from_other_hosts(site: Path) -> None:
    page = (site / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["'](https?:)?//""", page)
    for value in _import_map(page).values():
        assert value.startswith("./vendor/"), value
    for path in (site / "src").glob("*.js"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""(from|import\()\s*["'](https?:)?//""", text), path.name


@needs_packages
def test_vendored_versions_match_lock_file(site: Path) -> None:
    three = LOCK["packages"]["node_modules/three"]["version"]
    hls = LOCK["packages"]["node_modules/hls.js"]["version"]
    assert three == "0.187.0"
    core = (site / "vendor/three/build/three.core.js").read_text(encoding="utf-8")
    assert f"const REVISION = '{three.split('.')[1]}'" in core
    assert hls in (site / "vendor/hls.js/dist/hls.min.mjs").read_text(encoding="utf-8")


def test_package_pins_exact_versions() -> None:
    package = json.loads((PLAYER_DIR / "package.json").read_text(encoding="utf-8"))
    assert package["private"] is True
    assert set(package["dependencies"]) == {"three", "hls.js"}
    for name, version in package["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} {version} is a range"
        assert LOCK["packages"][f"node_modules/{name}"]["version"] == version


@needs_packages
def test_web_files_are_deterministic(bundle) -> None:
    options = WebOptions(base_url=BASE_URL)
    assert web_files(bundle, options) == web_files(bundle, options)


def test_no_web_writes_bundle_only(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "bare"
    assert main(["-q", "build", str(project), "-o", str(out), "--no-web"]) == 0
    assert (out / "tour.json").is_file()
    assert not (out / "index.html").exists()
    assert not (out / "share").exists()


def test_no_web_with_base_url_writes_share_codes(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "codes"
    assert main(["-q", "build", str(project), "-o", str(out), "--no-web",
                 "--base-url", BASE_URL]) == 0
    assert not (out / "index.html").exists()
    assert (out / "share" / "hall.svg").is_file()


# -- missing or stale packages ---------------------------------------------------------


def _player_copy(tmp_path: Path, with_modules: bool) -> Path:
    copy = tmp_path / "export"
    shutil.copytree(PLAYER_DIR, copy, ignore=shutil.ignore_patterns("node_modules"))
    if with_modules:
        shutil.copytree(PLAYER_DIR / "node_modules", copy / "node_modules")
    return copy


def test_missing_node_modules_says_how_to_install(bundle, tmp_path: Path) -> None:
    player_dir = _player_copy(tmp_path, with_modules=False)
    with pytest.raises(BuildError) as caught:
        web_files(bundle, WebOptions(player_dir=player_dir))
    message = str(caught.value)
    assert "npm ci --prefix export" in message
    assert "scripts/setup.sh" in message
    assert "'three' is not installed" in message


def test_missing_node_modules_cli_exit_code(project: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    player_dir = _player_copy(tmp_path, with_modules=False)
    monkeypatch.setattr("toolkit.web.WebOptions",
                        functools.partial(WebOptions, player_dir=player_dir))
    status = main(["build", str(project), "-o", str(tmp_path / "out")])
    assert status == 3
    assert "npm ci --prefix export" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@needs_packages
def test_stale_package_is_rejected(bundle, tmp_path: Path) -> None:
    player_dir = _player_copy(tmp_path, with_modules=True)
    manifest = player_dir / "node_modules" / "three" / "package.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["version"] = "0.186.0"
    manifest.write_text(json.dumps(data), encoding="utf-8")
    stale = "0.186.0 is installed but the lock file pins 0.187.0"
    with pytest.raises(BuildError, match=stale):
        web_files(bundle, WebOptions(player_dir=player_dir))


# -- share links and QR codes ----------------------------------------------------------


@needs_packages
def test_share_index_lists_every_scene_and_hotspot(site: Path) -> None:
    index = json.loads((site / SHARE_INDEX).read_text(encoding="utf-8"))
    assert index["base_url"] == BASE_URL
    assert sorted(index["links"]) == [
        "garden", "garden--back", "hall", "hall--look-up", "hall--opening-link",
        "hall--site", "hall--to-garden",
    ]
    entry = index["links"]["hall--opening-link"]
    assert entry["url"] == f"{BASE_URL}#scene=hall&hotspot=opening-link"
    for key, entry in index["links"].items():
        assert (site / entry["svg"]).is_file(), key
        assert (site / entry["png"]).is_file(), key


def _png_modules(data: bytes, scale: int = 8, border: int = 4) -> list[list[bool]]:
    """Read back the dark modules of a QR PNG written with `scale` and `border`."""
    image = Image.open(io.BytesIO(data)).convert("L")
    size = image.width // scale - 2 * border
    return [[image.getpixel(((border + x) * scale + scale // 2,
                             (border + y) * scale + scale // 2)) < 128
             for x in range(size)] for y in range(size)]


@needs_packages
@pytest.mark.parametrize("stem", ["hall", "hall--opening-link", "garden--back"])
def test_qr_png_encodes_deep_link(site: Path, stem: str) -> None:
    scene, _, hotspot = stem.partition("--")
    url = BASE_URL + share_fragment(scene, hotspot or None)
    matrix = segno.make(url, error="m").matrix
    expected = [[bool(module) for module in row] for row in matrix]
    data = (site / "share" / f"{stem}.png").read_bytes()
    image = Image.open(io.BytesIO(data))
    assert image.width == image.height
    assert _png_modules(data) == expected


@needs_packages
def test_qr_svg_names_its_link(site: Path) -> None:
    svg = (site / "share" / "hall--site.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg")
    assert f"<title>{BASE_URL}#scene=hall&amp;hotspot=site</title>" in svg


@pytest.mark.parametrize(("text", "problem"), [
    ("ftp://example.org/", "absolute http or https URL"),
    ("example.org/tour/", "absolute http or https URL"),
    ("javascript:alert(1)", "absolute http or https URL"),
    ("https://example.org/tour/#start", "remove the '#' part"),
])
def test_base_url_rejects(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=re.escape(problem)):
        parse_base_url(text)


def test_base_url_cli_usage_error(project: Path, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["build", str(project), "-o", str(tmp_path / "out"),
                   "--base-url", "ftp://example.org/"])
    assert status == 64
    assert "invalid base URL 'ftp://example.org/'" in capsys.readouterr().err


def test_share_fragment_encodes_ids() -> None:
    assert share_fragment("hall") == "#scene=hall"
    assert share_fragment("hall", "opening-link") == "#scene=hall&hotspot=opening-link"


@needs_packages
def test_web_files_never_replace_bundle_files(bundle, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    player_dir = _player_copy(tmp_path, with_modules=True)
    (player_dir / "tour.json").write_text("{}", encoding="utf-8")
    monkeypatch.setattr("toolkit.web._PLAYER_FILES", ("index.html", "tour.json"))
    with pytest.raises(BuildError, match="would replace bundle files: tour.json"):
        web_files(bundle, WebOptions(player_dir=player_dir))
