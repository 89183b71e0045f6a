"""Video for screens: PyAV decodes a stream or a file in a background thread.

The thread opens the source and decodes one video stream at the pace of its
timestamps; of an HLS playlist with variants, it picks the one that fits the
texture. It scales each frame into a fixed-size BGR image with the bottom
row first, as a Panda3D texture stores it. The thread publishes each
image by replacing one reference, and the frame loop only reads that
reference, so no frame waits for the network or the decoder.

Only two kinds of source are opened: an http or https URL, whose nested
requests (HLS playlists and segments) FFmpeg may make over http, https,
tcp and tls alone; and a file inside the bundle folder, whose nested
opens are checked to stay inside it. Sound is not decoded.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal
from urllib.parse import unquote, urlsplit

import av
import av.stream
import numpy as np

from .links import is_web_url

__all__ = [
    "PlayerState",
    "VideoOptions",
    "VideoSource",
    "VideoFrame",
    "VideoPlayer",
    "resolve_source",
]

logger = logging.getLogger(__name__)

PlayerState = Literal["opening", "playing", "failed", "stopped"]

_NETWORK_PROTOCOLS = "http,https,tcp,tls,crypto"
_FILE_PROTOCOLS = "file,crypto"
_MAX_LEAD_S = 5.0  # a frame due later than this means a timestamp jump
_MAX_LAG_S = 0.5  # frames later than this are dropped without scaling
_RESYNC_LAG_S = 2.0  # lagging more than this restarts the pacing (after a stall)
# NOTE: `Stream.discard` was checked in PyAV 18.1; without it every stream
# is demuxed, so an HLS player fetches the segments of all variants.
_DISCARD = getattr(av.stream, "Discard", None)


@dataclass(frozen=True)
class VideoOptions:
    """Timeouts and retries of screen video, in seconds."""

    open_timeout: float = 10.0
    read_timeout: float = 10.0
    retry_delay: float = 15.0  # before reopening a source that failed; doubles
    max_retry_delay: float = 120.0


@dataclass(frozen=True)
class VideoSource:
    """A player's input: an http(s) URL, or a file inside `root`."""

    location: str
    root: Path | None = None  # the bundle folder, for a file

    @property
    def is_file(self) -> bool:
        """True for a bundle file, False for a URL."""
        return self.root is not None


@dataclass(frozen=True)
class VideoFrame:
    """A decoded frame: BGR bytes of the player's size, bottom row first."""

    number: int
    pixels: bytes


def resolve_source(link: str, root: Path) -> VideoSource | None:
    """Return the source for a session link, or None when it must not be opened.

    An http or https URL is kept. Any other link must be a relative path
    to an existing file inside the bundle folder `root`.
    """
    if is_web_url(link):
        return VideoSource(link.strip())
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not link.strip():
        logger.warning("not playing %r: only http and https URLs and files inside "
                       "the bundle are played", link)
        return None
    relative = Path(unquote(parts.path))
    resolved = (root / relative).resolve()
    if relative.is_absolute() or not resolved.is_relative_to(root.resolve()):
        logger.warning("not playing %r: the path leaves the bundle folder", link)
        return None
    if not resolved.is_file():
        logger.warning("not playing %r: file %s not found", link, resolved)
        return None
    return VideoSource(str(resolved), root.resolve())


def _bundle_opener(root: Path) -> Callable[[str, int, Any], IO[bytes]]:
    """Return FFmpeg's `io_open` callback that opens only files inside `root`."""

    def open_inside(url: str, flags: int, options: Any) -> IO[bytes]:
        parts = urlsplit(url)
        if parts.scheme not in ("", "file") or parts.netloc:
            raise PermissionError(f"{url!r} is not a file inside the bundle")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(root):
            raise PermissionError(f"{path} is outside the bundle folder {root}")
        return open(path, "rb")

    return open_inside


def _pick_stream(container: Any, height: int) -> Any:
    """Return the video stream to show in a texture `height` pixels high.

    Of the variants of an HLS playlist, that is the lowest one at least as
    high as the texture, else the highest. The demuxer then skips the
    others, so their segments are not fetched.
    """
    streams = list(container.streams.video)
    sized = [stream for stream in streams if stream.codec_context.height]
    chosen = streams[0]
    if sized:
        high_enough = [s for s in sized if s.codec_context.height >= height]
        if high_enough:
            chosen = min(high_enough, key=lambda s: s.codec_context.height)
        else:
            chosen = max(sized, key=lambda s: s.codec_context.height)
    if _DISCARD is not None:
        for stream in container.streams:
            if stream is not chosen:
                stream.discard = _DISCARD.all
    return chosen


def _fit(width: int, height: int, box: tuple[int, int],
         aspect: float) -> tuple[int, int]:
    """Return the even size of a `width` x `height` frame letterboxed in `box`.

    `box` is shown at the aspect ratio `aspect` (width / height), which may
    differ from its own when a texture must have power-of-two sides, so the
    frame is fitted in that shape and then stretched like the box.
    """
    shown_height = box[0] / aspect
    scale = min(box[0] / width, shown_height / height)
    fitted_w = max(2, int(width * scale) // 2 * 2)
    fitted_h = max(2, int(height * scale * box[1] / shown_height) // 2 * 2)
    return min(fitted_w, box[0]), min(fitted_h, box[1])


class VideoPlayer:
    """Plays one source in a daemon thread; `latest` returns its newest frame.

    A source that ends starts again from its beginning. A source that cannot
    be opened or breaks off is retried after `retry_delay` seconds, and the
    delay doubles up to `max_retry_delay`. The first failure in a row is
    logged as a warning, the next ones at debug level.
    """

    def __init__(self, source: VideoSource, size: tuple[int, int],
                 options: VideoOptions, name: str,
                 aspect: float | None = None) -> None:
        self.source = source
        self.size = size
        self.aspect = aspect or size[0] / size[1]  # of the picture showing it
        self.options = options
        self.name = name
        self.state: PlayerState = "opening"
        self.error: str | None = None
        self._frame: VideoFrame | None = None
        self._count = 0
        self._announced = False  # whether the last successful open was logged
        self._canvas = np.zeros((size[1], size[0], 3), np.uint8)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"video-{name}",
                                        daemon=True)
        self._thread.start()

    def latest(self) -> VideoFrame | None:
        """Return the newest decoded frame, or None before the first one."""
        return self._frame

    def stop(self) -> None:
        """Ask the thread to end; return at once.

        The thread ends after its current blocking open or read, which the
        open and read timeouts bound.
        """
        self._stopping.set()
        self.state = "stopped"

    def join(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the thread; return True if it ended."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    # -- the thread -------------------------------------------------------------

    def _run(self) -> None:
        failures = 0
        delay = self.options.retry_delay
        while not self._stopping.is_set():
            self.state = "opening"
            try:
                self._play()
                failures, delay = 0, self.options.retry_delay
                continue  # the source ended; play it again
            except Exception as error:  # noqa: BLE001 - the thread must not die
                failure = f"{type(error).__name__}: {error}"
            if self._stopping.is_set():
                break
            self.state = "failed"
            self.error = failure
            self._announced = False
            failures += 1
            log = logger.warning if failures == 1 else logger.debug
            log("screen %s: could not play %s (%s); showing the poster and "
                "retrying in %.0f s", self.name, self.source.location, failure, delay)
            self._stopping.wait(delay)
            delay = min(delay * 2, self.options.max_retry_delay)
        self.state = "stopped"

    def _open(self) -> Any:
        timeout = (self.options.open_timeout, self.options.read_timeout)
        if self.source.root is not None:
            return av.open(self.source.location, timeout=timeout,
                           options={"protocol_whitelist": _FILE_PROTOCOLS},
                           io_open=_bundle_opener(self.source.root))
        return av.open(self.source.location, timeout=timeout,
                       options={"protocol_whitelist": _NETWORK_PROTOCOLS})

    def _play(self) -> None:
        """Decode the source once from start to end; raise when it fails.

        A source that ends without a single frame counts as failed.
        """
        started = time.monotonic()
        with self._open() as container:
            if not container.streams.video:
                raise ValueError("the source has no video stream")
            stream = _pick_stream(container, self.size[1])
            log = logger.debug if self._announced else logger.info
            log("screen %s: playing %s (%s, opened in %.2f s)", self.name,
                self.source.location, stream.codec_context.name,
                time.monotonic() - started)
            self._announced = True
            frames = self._decode(container, stream)
        if frames == 0 and not self._stopping.is_set():
            raise ValueError("the source ended before its first video frame")

    def _decode(self, container: Any, stream: Any) -> int:
        """Show each frame when its timestamp is due; return how many were decoded."""
        decoded = 0
        clock_zero: float | None = None  # monotonic time of timestamp 0
        for packet in container.demux(stream):
            for frame in packet.decode():
                if self._stopping.is_set():
                    return decoded
                decoded += 1
                seconds = frame.time or 0.0
                if clock_zero is None:
                    clock_zero = time.monotonic() - seconds
                due = clock_zero + seconds - time.monotonic()
                if due > _MAX_LEAD_S or due < -_RESYNC_LAG_S:
                    clock_zero = time.monotonic() - seconds
                    due = 0.0
                if due < -_MAX_LAG_S:
                    continue
                pixels = self._convert(frame)
                if due > 0 and self._stopping.wait(due):
                    return decoded
                self._count += 1
                self._frame = VideoFrame(self._count, pixels)
                self.state = "playing"
        return decoded

    def _convert(self, frame: Any) -> bytes:
        """Scale `frame` into the player's canvas, centred, bottom row first."""
        width, height = _fit(frame.width, frame.height, self.size, self.aspect)
        image = frame.reformat(width=width, height=height, format="bgr24")
        pixels = image.to_ndarray()
        canvas = self._canvas
        canvas.fill(0)
        top = (self.size[1] - height) // 2
        left = (self.size[0] - width) // 2
        canvas[top:top + height, left:left + width] = pixels[::-1]
        return canvas.tobytes()
