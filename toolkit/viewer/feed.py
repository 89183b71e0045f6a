"""The live status feed, polled in a background thread.

When tour.json names `status_feed`, the viewer fetches its URL at once and
then every `interval` seconds (at least `MIN_FEED_INTERVAL`), and reads each
document with `toolkit.sessions.apply_feed`. While the feed is unreachable,
returns an HTTP error status or serves an invalid document, no override
applies, so the schedule alone decides. The first failure of a streak is
logged as a warning, the next ones at debug level, and the recovery once.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from typing import IO, Any

from .. import __version__
from ..sessions import MAX_FEED_BYTES, IdentifiedSession, Override, apply_feed
from .bundle_reader import StatusFeed
from .links import is_web_url

__all__ = ["MIN_FEED_INTERVAL", "FEED_TIMEOUT", "FeedPoller"]

logger = logging.getLogger(__name__)

MIN_FEED_INTERVAL = 5.0
"""The shortest time between two requests in seconds, as docs/bundle.md sets."""
FEED_TIMEOUT = 5.0
"""Seconds a connection or a read of the feed may take before it fails."""


class _WebOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http and https only; urllib would also follow ftp."""

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int,
                         msg: str, headers: Any,
                         newurl: str) -> urllib.request.Request | None:
        if not is_web_url(newurl):
            raise urllib.error.HTTPError(newurl, code, "redirect to a URL that is "
                                         "not http or https", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class FeedPoller:
    """Polls one status feed; `overrides` contains its last valid document's entries.

    `version` grows each time `overrides` changes, so the frame loop can
    tell when to recompute statuses without comparing them.
    """

    def __init__(self, feed: StatusFeed, sessions: Iterable[IdentifiedSession], *,
                 timeout: float = FEED_TIMEOUT,
                 min_interval: float = MIN_FEED_INTERVAL) -> None:
        self.url = feed.url
        self.interval = max(feed.interval, min_interval)
        self.timeout = timeout
        self.overrides: Mapping[str, Override] = {}
        self.version = 0
        self.reachable: bool | None = None  # None until the first poll ends
        self.polls = 0
        self._sessions = tuple(sessions)
        self._last_document: bytes | None = None
        self._failures = 0
        self._opener = urllib.request.build_opener(_WebOnlyRedirects)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> bool:
        """Start polling; return False when the URL is not http or https."""
        if not is_web_url(self.url):
            logger.warning("status feed %r is not polled: only http and https URLs "
                           "are fetched", self.url)
            return False
        self._thread = threading.Thread(target=self._run, name="status-feed",
                                        daemon=True)
        self._thread.start()
        logger.info("polling status feed %s every %g s", self.url, self.interval)
        return True

    def stop(self, wait: float = 0.0) -> None:
        """Stop polling; wait up to `wait` seconds for a request under way."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(wait)

    def _run(self) -> None:
        while not self._stopping.is_set():
            self.poll()
            self._stopping.wait(self.interval)

    def poll(self) -> None:
        """Fetch and apply the feed once (the thread calls this every interval)."""
        try:
            document = self._fetch()
            overrides = self._read(document)
        except _FeedFailure as failure:
            self._failed(str(failure))
        else:
            self._succeeded(overrides)
        self.polls += 1

    def _fetch(self) -> bytes:
        request = urllib.request.Request(self.url, headers={
            "Accept": "application/json",
            "Cache-Control": "no-cache",
            "User-Agent": f"venue-toolkit/{__version__}",
        })
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                body = response.read(MAX_FEED_BYTES + 1)
        except urllib.error.HTTPError as error:
            raise _FeedFailure(f"HTTP {error.code} {error.reason}") from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            raise _FeedFailure(f"unreachable: {reason}") from None
        if len(body) > MAX_FEED_BYTES:
            raise _FeedFailure(f"invalid document: longer than {MAX_FEED_BYTES} "
                               "bytes")
        return bytes(body)

    def _read(self, document: bytes) -> Mapping[str, Override] | None:
        """Return the overrides of `document`, or None when it is unchanged.

        The JSON is checked here, so that an invalid document counts as a
        failure of the streak instead of a warning on every poll.
        """
        if document == self._last_document:
            return None
        try:
            decoded = json.loads(document)
        except (ValueError, RecursionError) as error:
            raise _FeedFailure(f"invalid JSON: {error}") from None
        if not isinstance(decoded, dict):
            raise _FeedFailure("invalid document: expected a JSON object mapping "
                               f"session ids to entries, got {type(decoded).__name__}")
        overrides = apply_feed(self._sessions, decoded)
        if overrides is None:  # not reached: the document is an object
            raise _FeedFailure("invalid document")
        self._last_document = document
        return overrides

    def _failed(self, reason: str) -> None:
        self._failures += 1
        self._last_document = None
        if self._failures == 1:
            logger.warning("status feed %s: %s; using the schedule alone until it "
                           "recovers", self.url, reason)
        else:
            logger.debug("status feed %s: still failing (%d in a row): %s", self.url,
                         self._failures, reason)
        self.reachable = False
        self._set({})

    def _succeeded(self, overrides: Mapping[str, Override] | None) -> None:
        if self._failures:
            logger.info("status feed %s works again after %d failed polls",
                        self.url, self._failures)
        self._failures = 0
        self.reachable = True
        if overrides is not None:
            self._set(overrides)

    def _set(self, overrides: Mapping[str, Override]) -> None:
        if dict(overrides) != dict(self.overrides):
            self.overrides = dict(overrides)
            self.version += 1
            logger.debug("status feed: %d overrides", len(overrides))


class _FeedFailure(Exception):
    """A poll that yields no valid document; its message gives the reason."""
