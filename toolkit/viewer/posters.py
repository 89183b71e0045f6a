"""Screen posters: a session's poster image or title, with a status line.

Posters are drawn with Pillow into an image of the screen's texture size,
so they need no render-to-texture pass and look the same on every display.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

__all__ = ["BACKGROUND", "load_poster", "compose_poster"]

logger = logging.getLogger(__name__)

BACKGROUND = (18, 22, 34)  # sRGB, behind posters that do not fill the screen
_BAND = (8, 10, 16, 200)  # RGBA of the band that carries the text over a poster
_TITLE_COLOR = (255, 255, 255)
_LINE_COLOR = (255, 214, 128)
_MARGIN = 0.05  # of the image width
_MAX_TITLE_LINES = 2

FontType = ImageFont.FreeTypeFont | ImageFont.ImageFont


@lru_cache(maxsize=32)
def _font(path: Path | None, size: int) -> FontType:
    if path is not None:
        try:
            return ImageFont.truetype(str(path), size)
        except OSError as error:
            logger.warning("Pillow could not load font %s: %s", path, error)
    return ImageFont.load_default(size)


@lru_cache(maxsize=16)
def load_poster(path: Path, size: tuple[int, int]) -> Image.Image | None:
    """Return the poster image at `path` fitted inside `size`, or None if unreadable."""
    try:
        with Image.open(path) as image:
            image.load()
            return ImageOps.contain(image.convert("RGB"), size)
    except (OSError, ValueError) as error:
        logger.warning("could not read poster %s: %s; showing the title instead",
                       path, error)
        return None


def _wrap(text: str, font: FontType, width: float, max_lines: int) -> list[str]:
    """Break `text` into lines no wider than `width`, at spaces where it has any.

    Text without spaces, such as Chinese, breaks between characters. The
    last line is cut with an ellipsis when more would follow.
    """
    words = text.split() if " " in text.strip() else list(text.strip())
    joiner = " " if " " in text.strip() else ""
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current}{joiner}{word}" if current else word
        if font.getlength(candidate) <= width or not current:
            current = candidate
            continue
        lines.append(current)
        current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and font.getlength(last + "…") > width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip() + "…"]
    return lines


def compose_poster(size: tuple[int, int], poster: Image.Image | None, title: str,
                   line: str, font_path: Path | None) -> Image.Image:
    """Draw a screen's poster: the image (or the title alone) and a status line.

    With a `poster`, the image fills the screen as far as its aspect allows
    and a dark band at the bottom carries the title and `line`. Without
    one, the title is large in the middle with `line` below it.
    """
    width, height = size
    image = Image.new("RGB", size, BACKGROUND)
    margin = round(_MARGIN * width)
    text_width = width - 2 * margin
    if poster is not None:
        corner = ((width - poster.width) // 2, (height - poster.height) // 2)
        image.paste(poster, corner)
        title_font = _font(font_path, max(height // 14, 8))
        line_font = _font(font_path, max(height // 16, 8))
        titles = _wrap(title, title_font, text_width, 1)
    else:
        title_font = _font(font_path, max(height // 9, 8))
        line_font = _font(font_path, max(height // 13, 8))
        titles = _wrap(title, title_font, text_width, _MAX_TITLE_LINES)
    title_step = round(title_font.size * 1.25) if hasattr(title_font, "size") else 12
    line_step = round(line_font.size * 1.3) if hasattr(line_font, "size") else 12
    block = title_step * len(titles) + (line_step if line else 0)

    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    if poster is not None:
        top = height - block - margin
        draw.rectangle((0, top - margin // 2, width, height), fill=_BAND)
    else:
        top = (height - block) // 2
    for text in titles:
        draw.text((width / 2, top), text, font=title_font, fill=_TITLE_COLOR,
                  anchor="mt")
        top += title_step
    if line:
        draw.text((width / 2, top), line, font=line_font, fill=_LINE_COLOR,
                  anchor="mt")
    return Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
