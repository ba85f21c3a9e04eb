"""The stepping engine behind every action that moves the feet: walks, side steps, turns, running, marching.

An action lists `Footstep`s (which foot, when it lifts and lands, where and facing where); `place_feet` moves
each foot only between its lift-off and touch-down (so a foot on the floor never slides), and `follow_feet`
carries the pelvis and the heading along with the feet, leaning towards the standing foot.
"""

from dataclasses import dataclass

import numpy as np

from ..motion.features import gaussian_smooth
from ..motion.transforms import y_rotation
from .body import Body
from .kinematics import apply
from .pose import PoseTrack, rest_feet
from .timing import FPS, smoothstep, window

SWAY = 0.025  # m of sideways pelvis shift towards the standing foot, per metre of leg


@dataclass(frozen=True)
class Footstep:
    """One foot's move. side: 0 left, 1 right; start/end: lift-off and touch-down (s); ankle [3]: where it lands
    (world); yaw: the foot's heading on landing; clearance: peak lift (m); pitch: peak toe-down angle in the air;
    swing: how far the path bulges sideways/forward mid-air (a jogging heel kicks back: negative forward)."""

    side: int
    start: float
    end: float
    ankle: np.ndarray
    yaw: float
    clearance: float
    pitch: float = 0.3
    swing: tuple[float, float] = (0.0, 0.0)  # (sideways, forward) m the path bulges by mid-air, foot's own frame


def station_feet(body: Body, centre: np.ndarray, yaw: float) -> np.ndarray:
    """Ankle positions [2, 3] of a person standing at rest with the pelvis over centre [3] (xz used), facing yaw."""
    feet = apply(y_rotation(yaw), rest_feet(body))
    return feet + np.array([centre[0], 0.0, centre[2]])


def place_feet(track: PoseTrack, steps: list[Footstep]) -> np.ndarray:
    """Move the feet of `track` (in place) through the steps, in time order per foot; returns planted [T, 2]
    (True where a foot is on the floor)."""
    t = np.arange(track.frames) / FPS
    planted = np.ones((track.frames, 2), bool)
    for step in sorted(steps, key=lambda s: s.start):
        s = step.side
        if step.start >= t[-1]:
            continue
        u = window(t, step.start, step.end)
        after = t >= step.start
        origin, origin_yaw = track.feet[after, s][0].copy(), float(track.feet_yaw[after, s][0])
        w = smoothstep(window(u[after], 0.12, 0.88))  # lift off and touch down vertically: no scuffing
        track.feet[after, s] = origin + w[:, None] * (step.ankle - origin)
        arc = np.sin(np.pi * u[after])
        track.feet[after, s, 1] += step.clearance * arc**1.5
        bulge = apply(y_rotation(track.feet_yaw[after, s]), np.array([step.swing[0], 0.0, step.swing[1]]))
        track.feet[after, s] += (arc**2)[:, None] * bulge  # squared: the foot rises before it bulges
        track.feet_yaw[after, s] = origin_yaw + w * (step.yaw - origin_yaw)
        track.feet_pitch[after, s] = step.pitch * np.sin(np.pi * u[after])
        planted[(u > 0) & (u < 1), s] = False
    return planted


def follow_feet(body: Body, track: PoseTrack, planted: np.ndarray, smoothing: float) -> None:
    """Set the pelvis position (xz) and heading of `track` (in place) from its feet: the midpoint of the feet and
    their mean heading, smoothed over `smoothing` frames, plus a sway towards the foot bearing the weight."""
    stance_centre = apply(y_rotation(track.feet_yaw.mean(1)), rest_feet(body).mean(0))  # feet midpoint → pelvis
    centre = (track.feet.mean(axis=1) - stance_centre)[:, [0, 2]]
    yaw = gaussian_smooth(np.unwrap(track.feet_yaw, axis=0).mean(1, keepdims=True), smoothing)[:, 0]
    support = gaussian_smooth((planted[:, :1] * 1.0 - planted[:, 1:]), smoothing / 2)[:, 0]  # + left foot only
    left = np.stack([np.cos(yaw), -np.sin(yaw)], -1)  # the person's left in the xz plane
    centre = gaussian_smooth(centre, smoothing) + (SWAY * body.leg * support)[:, None] * left
    track.root[:, 0], track.root[:, 2] = centre[:, 0], centre[:, 1]
    track.yaw[:] = yaw


def step_times(rng: np.random.Generator, count: int, period: float, swing: float, start: float,
               jitter: float = 0.15) -> list[tuple[float, float, float]]:
    """(lift-off, touch-down, next step's lift-off) in seconds for `count` consecutive steps: each step's period
    jittered by ±jitter, the foot in the air for `swing` of it."""
    times, t = [], start
    for period_k in period * rng.uniform(1.0 - jitter, 1.0 + jitter, count):
        times.append((t, t + swing * period_k, t + period_k))
        t += period_k
    return times
