"""Guided tour playback: visit each stop, hold it, show its caption, go on.

A viewpoint stop flies the camera to the viewpoint; a hotspot stop turns the
camera to face the hotspot and opens its panel. The hold time counts from
the moment the camera arrives.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from .bundle_reader import GuidedTour, TourStop

__all__ = ["TourHost", "TourPlayer"]

logger = logging.getLogger(__name__)


class TourHost(Protocol):
    """The viewer operations that the tour player calls."""

    def fly_to_viewpoint(self, viewpoint_id: str,
                         on_arrival: Callable[[], None]) -> None: ...

    def face_hotspot(self, hotspot_id: str, on_arrival: Callable[[], None]) -> None: ...

    def open_hotspot(self, hotspot_id: str) -> None: ...

    def close_panel(self) -> None: ...

    def show_caption(self, stop: TourStop) -> None: ...


class TourPlayer:
    """Plays one guided tour at a time; `update` advances it by wall time."""

    def __init__(self, host: TourHost) -> None:
        self._host = host
        self.tour: GuidedTour | None = None
        self.index = 0
        self._holding = False
        self._hold_elapsed = 0.0
        self._visit = 0  # counts stop visits, so a late arrival is ignored

    @property
    def playing(self) -> bool:
        """True while a tour is under way."""
        return self.tour is not None

    def start(self, tour: GuidedTour) -> None:
        """Start `tour` from its first stop; a tour without stops does nothing."""
        if not tour.stops:
            logger.warning("tour '%s' has no stops", tour.id)
            return
        self.tour = tour
        logger.info("tour %s started", tour.id)
        self._enter(0)

    def stop(self) -> None:
        """Stop the tour, clearing its caption."""
        if self.tour is None:
            return
        logger.info("tour %s stopped at stop %d", self.tour.id, self.index + 1)
        self.tour = None
        self._holding = False
        self._visit += 1
        self._host.show_caption(TourStop(None, None, 0.0, {}))

    def _enter(self, index: int) -> None:
        assert self.tour is not None
        self.index = index
        self._holding = False
        self._hold_elapsed = 0.0
        self._visit += 1
        visit = self._visit
        stop = self.tour.stops[index]
        self._host.close_panel()
        self._host.show_caption(stop)

        def arrived() -> None:
            if visit != self._visit:
                return
            if stop.hotspot is not None:
                self._host.open_hotspot(stop.hotspot)
            self._holding = True

        if stop.viewpoint is not None:
            self._host.fly_to_viewpoint(stop.viewpoint, arrived)
        elif stop.hotspot is not None:
            self._host.face_hotspot(stop.hotspot, arrived)

    def update(self, dt: float) -> None:
        """Count the hold time and move to the next stop when it is over."""
        if self.tour is None or not self._holding:
            return
        self._hold_elapsed += dt
        if self._hold_elapsed < self.tour.stops[self.index].hold:
            return
        following = self.index + 1
        if following < len(self.tour.stops):
            self._enter(following)
        elif self.tour.loop:
            self._enter(0)
        else:
            logger.info("tour %s finished", self.tour.id)
            self._host.close_panel()
            self.stop()
