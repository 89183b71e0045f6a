"""The viewer's live options: screen video, the status feed and calendar files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path

from .feed import FEED_TIMEOUT, MIN_FEED_INTERVAL
from .video import VideoOptions

__all__ = ["LiveOptions", "OFFLINE"]


@dataclass(frozen=True)
class LiveOptions:
    """Options for the viewer's work beyond drawing: video, the feed, calendar files.

    `downloads` is the folder for calendar files; None means ~/Downloads
    when it exists, else the working folder. `visitor_zone` is the
    visitor's timezone in session panels; None means the machine's.
    """

    video: bool = True
    feed: bool = True
    downloads: Path | None = None
    visitor_zone: tzinfo | None = None
    video_options: VideoOptions = field(default_factory=VideoOptions)
    feed_timeout: float = FEED_TIMEOUT
    min_feed_interval: float = MIN_FEED_INTERVAL


OFFLINE = LiveOptions(video=False, feed=False)
"""Posters only and no feed: what snapshots use, so they never touch the network."""
