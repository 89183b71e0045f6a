"""Open web links in the system browser, accepting only http and https."""

from __future__ import annotations

import logging
import webbrowser
from urllib.parse import urlsplit

__all__ = ["is_web_url", "open_web_url"]

logger = logging.getLogger(__name__)


def is_web_url(url: str) -> bool:
    """Return True when `url` is an absolute http or https URL with a host."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def open_web_url(url: str) -> bool:
    """Open `url` in the system browser; return False if it was rejected or failed.

    The compiler already accepts only http(s) URLs; this check is repeated
    because the bundle is an input file that anyone can edit.
    """
    if not is_web_url(url):
        logger.warning("not opening %r: only http and https links are allowed", url)
        return False
    try:
        opened = webbrowser.open(url.strip())
    except webbrowser.Error as error:
        logger.warning("could not open %s in a browser: %s", url, error)
        return False
    if not opened:
        logger.warning("no browser is available to open %s", url)
    else:
        logger.info("opened %s in the browser", url)
    return bool(opened)
