"""The camera rig: orbit and walk modes, viewpoint jumps and smooth flights.

Orbit mode turns the camera around a target point; walk mode moves it at a
fixed eye height and turns it in place. Both keep the horizon level. A
flight interpolates position and orientation with an ease-in-out curve.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from panda3d.core import Lens, LPoint3, LQuaternion, LVector3, NodePath, lookAt

__all__ = [
    "CameraMode",
    "DEFAULT_FOV",
    "DEFAULT_TARGET_DISTANCE",
    "Pose",
    "CameraRig",
    "set_vertical_fov",
    "look_rotation",
]

logger = logging.getLogger(__name__)

CameraMode = Literal["orbit", "walk"]

DEFAULT_FOV = 60.0  # degrees, vertical
DEFAULT_TARGET_DISTANCE = 10.0  # metres
MIN_DISTANCE = 0.5  # metres
MAX_DISTANCE = 2000.0  # metres
MAX_PITCH = 89.0  # degrees
WALK_SPEED = 3.0  # metres per second


@dataclass(frozen=True)
class Pose:
    """A camera position and orientation in `base.render` coordinates."""

    position: LPoint3
    rotation: LQuaternion


def set_vertical_fov(lens: Lens, fov: float, aspect: float) -> None:
    """Set `lens` to a vertical field of view of `fov` degrees at `aspect` (w/h)."""
    half = math.radians(fov) / 2
    horizontal = math.degrees(2 * math.atan(math.tan(half) * aspect))
    lens.set_fov(horizontal, fov)


def look_rotation(direction: LVector3) -> LQuaternion:
    """Return the rotation whose +Y points along `direction` with +Z kept up."""
    rotation = LQuaternion()
    lookAt(rotation, direction, LVector3(0, 0, 1))
    return rotation


def _ease(t: float) -> float:
    """Smoothstep: starts and ends at rest."""
    t = min(max(t, 0.0), 1.0)
    return t * t * (3 - 2 * t)


def _blend(start: LQuaternion, end: LQuaternion, t: float) -> LQuaternion:
    """Interpolate rotations along the shorter arc (normalised lerp)."""
    if start.dot(end) < 0:
        end = -end
    blended = start * (1 - t) + end * t
    blended.normalize()
    return LQuaternion(blended)


@dataclass
class _Flight:
    start: Pose
    end: Pose
    duration: float
    elapsed: float
    on_arrival: Callable[[], None] | None


class CameraRig:
    """Moves one camera node in orbit or walk mode, or along a flight."""

    def __init__(self, camera: NodePath, lens: Lens) -> None:
        self.camera = camera
        self.lens = lens
        self.mode: CameraMode = "orbit"
        self.target = LPoint3(0, DEFAULT_TARGET_DISTANCE, 0)
        self.distance = DEFAULT_TARGET_DISTANCE
        self.heading = 0.0
        self.pitch = 0.0
        self.eye_height = 1.7
        self._flight: _Flight | None = None

    # -- state ------------------------------------------------------------------

    @property
    def flying(self) -> bool:
        """True while a flight is under way."""
        return self._flight is not None

    @property
    def pose(self) -> Pose:
        """The camera's current pose."""
        return Pose(self.camera.get_pos(), self.camera.get_quat())

    def forward(self) -> LVector3:
        """Return the unit vector the camera looks along."""
        return self.camera.get_quat().get_forward()

    def place(self, pose: Pose, target_distance: float | None = None) -> None:
        """Put the camera at `pose` at once; the orbit target lies ahead of it."""
        self._flight = None
        self.camera.set_pos_quat(pose.position, pose.rotation)
        self._adopt_camera(target_distance or self.distance)

    def _adopt_camera(self, target_distance: float) -> None:
        """Take heading, pitch, target and eye height from the camera node."""
        hpr = self.camera.get_hpr()
        self.heading, self.pitch = hpr.x, hpr.y
        self.distance = min(max(target_distance, MIN_DISTANCE), MAX_DISTANCE)
        self.target = self.camera.get_pos() + self.forward() * self.distance
        self.eye_height = self.camera.get_z()

    def toggle_mode(self) -> CameraMode:
        """Switch between orbit and walk mode; return the new mode."""
        self._flight = None
        self.mode = "walk" if self.mode == "orbit" else "orbit"
        self._adopt_camera(self.distance)
        logger.debug("camera mode: %s", self.mode)
        return self.mode

    # -- flights ----------------------------------------------------------------

    def fly_to(self, pose: Pose, target_distance: float | None = None,
               on_arrival: Callable[[], None] | None = None,
               duration: float | None = None) -> None:
        """Fly to `pose`; the time grows with the distance unless `duration` is set."""
        start = self.pose
        if duration is None:
            length = (pose.position - start.position).length()
            duration = min(0.6 + length / 15.0, 2.5)
        if target_distance is not None:
            self.distance = target_distance
        self._flight = _Flight(start, pose, max(duration, 0.0), 0.0, on_arrival)
        if duration <= 0:
            self.update(0.0)

    def look_at_point(self, point: LPoint3,
                      on_arrival: Callable[[], None] | None = None) -> None:
        """Turn the camera in place to face `point`, smoothly."""
        position = self.camera.get_pos()
        direction = LVector3(point - position)
        if direction.length() < 1e-6:
            if on_arrival:
                on_arrival()
            return
        self.fly_to(Pose(position, look_rotation(direction)), direction.length(),
                    on_arrival, duration=0.9)

    def update(self, dt: float) -> None:
        """Advance a flight by `dt` seconds."""
        flight = self._flight
        if flight is None:
            return
        flight.elapsed += dt
        t = 1.0 if flight.duration <= 0 else _ease(flight.elapsed / flight.duration)
        position = flight.start.position + (flight.end.position -
                                            flight.start.position) * t
        self.camera.set_pos_quat(position,
                                 _blend(flight.start.rotation, flight.end.rotation, t))
        if t >= 1.0:
            self._flight = None
            self._adopt_camera(self.distance)
            if flight.on_arrival is not None:
                flight.on_arrival()

    def cancel_flight(self) -> None:
        """Stop a flight where it is."""
        if self._flight is not None:
            self._flight = None
            self._adopt_camera(self.distance)

    # -- orbit mode -------------------------------------------------------------

    def _apply_orbit(self) -> None:
        self.camera.set_hpr(self.heading, self.pitch, 0)
        self.camera.set_pos(self.target - self.forward() * self.distance)

    def orbit(self, heading_change: float, pitch_change: float) -> None:
        """Turn around the target by degrees of heading and pitch."""
        self.cancel_flight()
        self.heading += heading_change
        self.pitch = min(max(self.pitch + pitch_change, -MAX_PITCH), MAX_PITCH)
        self._apply_orbit()

    def zoom(self, factor: float) -> None:
        """Multiply the distance to the target by `factor` (< 1 moves closer)."""
        self.cancel_flight()
        self.distance = min(max(self.distance * factor, MIN_DISTANCE), MAX_DISTANCE)
        self._apply_orbit()

    def pan(self, right: float, up: float) -> None:
        """Move camera and target sideways and up, in metres of the camera's frame."""
        self.cancel_flight()
        rotation = self.camera.get_quat()
        offset = rotation.get_right() * right + rotation.get_up() * up
        self.target += offset
        self.camera.set_pos(self.camera.get_pos() + offset)

    # -- walk mode --------------------------------------------------------------

    def look(self, heading_change: float, pitch_change: float) -> None:
        """Turn the camera in place by degrees of heading and pitch."""
        self.cancel_flight()
        self.heading += heading_change
        self.pitch = min(max(self.pitch + pitch_change, -MAX_PITCH), MAX_PITCH)
        self.camera.set_hpr(self.heading, self.pitch, 0)
        self.target = self.camera.get_pos() + self.forward() * self.distance

    def walk(self, forward: float, right: float, dt: float,
             speed: float = WALK_SPEED) -> None:
        """Move on the horizontal plane at eye height; `forward`, `right` in -1..1."""
        if forward == 0 and right == 0:
            return
        self.cancel_flight()
        angle = math.radians(self.heading)
        ahead = LVector3(-math.sin(angle), math.cos(angle), 0)
        side = LVector3(math.cos(angle), math.sin(angle), 0)
        step = (ahead * forward + side * right) * speed * dt
        position = self.camera.get_pos() + step
        position.z = self.eye_height
        self.camera.set_pos(position)
        self.target += step
