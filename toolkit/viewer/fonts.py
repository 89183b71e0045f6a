"""Fonts for labels and panels: a CJK font found with fontconfig, with fallbacks.

`VENUE_CJK_FONT` overrides the lookup: a font file path to use that file, or
`none` to use no CJK font (the viewer then shows a non-CJK entry of each text,
such as the English one).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from panda3d.core import DynamicTextFont, Filename, TextFont, TextNode

from .bundle_reader import Text, pick_text

__all__ = [
    "CJK_FONT_VARIABLE",
    "FONT_SUFFIXES",
    "Fonts",
    "find_cjk_font",
    "find_font",
    "load_fonts",
    "covers",
    "choose_text",
]

logger = logging.getLogger(__name__)

CJK_FONT_VARIABLE = "VENUE_CJK_FONT"
FONT_SUFFIXES = (".ttf", ".otf", ".ttc")

# fontconfig names Chinese zh-cn, zh-tw and so on. A bare ":lang=zh" matches
# no font's language set, so fc-match returns its default font instead.
_CJK_PATTERN = ":lang=zh-cn"
_CJK_LANGUAGE = "zh-cn"
_CJK_PROBE = "中文"


@dataclass(frozen=True)
class Fonts:
    """The font for all viewer text, whether it has Chinese glyphs, and its file.

    `path` is None for Panda3D's built-in font.
    """

    main: TextFont
    has_cjk: bool
    path: Path | None = None


def find_font(pattern: str, language: str | None = None) -> Path | None:
    """Return the font file fontconfig matches for `pattern`, or None.

    When `language` is given, the match must support it: fc-match always
    returns some font, even one without the requested glyphs.
    """
    if shutil.which("fc-match") is None:
        logger.debug("fc-match not found; no system font lookup")
        return None
    try:
        result = subprocess.run(
            ["fc-match", "-f", "%{file}\n%{lang}", pattern],
            capture_output=True, text=True, timeout=10, check=True,
        )
    except (OSError, subprocess.SubprocessError) as error:
        logger.warning("fc-match %s failed: %s", pattern, error)
        return None
    file_text, _, languages = result.stdout.partition("\n")
    if language is not None and language not in languages.split("|"):
        logger.debug("fc-match %s returned %s, which lacks %s", pattern, file_text,
                     language)
        return None
    return _usable_font_file(file_text.strip())


def _usable_font_file(text: str) -> Path | None:
    if not text:
        return None
    path = Path(text)
    if path.suffix.lower() not in FONT_SUFFIXES or not path.is_file():
        logger.debug("ignoring font %s: not a TTF, OTF or TTC file", path)
        return None
    return path


def find_cjk_font() -> Path | None:
    """Return a font file with Chinese glyphs, honouring `VENUE_CJK_FONT`."""
    override = os.environ.get(CJK_FONT_VARIABLE, "").strip()
    if override.lower() == "none":
        logger.info("%s=none: no CJK font will be used", CJK_FONT_VARIABLE)
        return None
    if override:
        path = _usable_font_file(override)
        if path is None:
            logger.warning("%s=%s is not a TTF, OTF or TTC file; looking up a "
                           "font with fontconfig instead", CJK_FONT_VARIABLE, override)
        else:
            return path
    return find_font(_CJK_PATTERN, _CJK_LANGUAGE)


def _load_font(path: Path) -> TextFont | None:
    try:
        font = DynamicTextFont(Filename.from_os_specific(str(path)))
    except Exception as error:  # noqa: BLE001 - Panda3D raises plain exceptions
        logger.warning("could not load font %s: %s", path, error)
        return None
    if not font.is_valid():
        logger.warning("could not load font %s: not a font Panda3D can read", path)
        return None
    return font


def covers(font: TextFont, text: str) -> bool:
    """Return True when `font` has a glyph for every visible character of `text`."""
    probe = TextNode("font-probe")
    probe.set_font(font)
    return all(probe.has_character(char) for char in text if not char.isspace())


def load_fonts() -> Fonts:
    """Load a CJK font if one is found, else a sans-serif font, else Panda's own.

    Logs a warning when no CJK font can be used, because Chinese text then
    falls back to another language.
    """
    cjk_path = find_cjk_font()
    if cjk_path is not None:
        font = _load_font(cjk_path)
        if font is not None and covers(font, _CJK_PROBE):
            logger.debug("using CJK font %s", cjk_path)
            return Fonts(font, has_cjk=True, path=cjk_path)
        if font is not None:
            logger.warning("font %s has no Chinese glyphs", cjk_path)
    logger.warning("no CJK font found (install fonts-wqy-microhei or set %s); "
                   "showing labels in a non-CJK language where one exists",
                   CJK_FONT_VARIABLE)
    latin_path = find_font("sans-serif")
    latin = _load_font(latin_path) if latin_path is not None else None
    if latin is None:
        return Fonts(TextNode.get_default_font(), has_cjk=False)
    return Fonts(latin, has_cjk=False, path=latin_path)


def choose_text(text: Text, lang: str | None, languages: tuple[str, ...],
                font: TextFont) -> str:
    """Return `text` in the visitor's language, or an entry `font` can draw.

    Follows the bundle's rule (visitor's language, venue's first, any) and,
    when `font` lacks glyphs for that entry, prefers English, then any entry
    it can draw. When none fits, returns the first choice: Panda3D draws a
    placeholder for a missing glyph.
    """
    first = pick_text(text, lang, languages)
    if covers(font, first):
        return first
    for code in ("en", *text):
        candidate = text.get(code, "")
        if candidate and covers(font, candidate):
            return candidate
    return first
