"""Arm actions while standing: wave, raise an arm.

Each is `(body, params, rng) -> (PoseTrack, spans)` in the local frame. Arm directions live in the chest frame
(limbs.limb_dir); side "left" moves arm 0, "right" arm 1, "both" both.
"""

import numpy as np

from .action import ActionParams
from .body import Body
from .limbs import arm_from_angles
from .pose import SIDE_SIGN, standing
from .timing import plateau, schedule

SIDE_ARMS = {"left": (0,), "right": (1,), "both": (0, 1)}


def arm_sides(side: str) -> tuple[int, ...]:
    return SIDE_ARMS[side]


def wave(body: Body, p: ActionParams, rng: np.random.Generator):
    """Waves with one hand (side left/right): the arm comes up with the hand above the shoulder and the forearm
    swings side to side; one repetition is one swing out and back. Uses reps, side, speed, amplitude."""
    s = schedule(rng, p.reps, 0.7 / p.speed, intro=0.7, outro=0.6)
    tr = standing(body, s.frames)
    u = np.where(s.active, s.phase, 0.0)
    swing = 0.45 * np.clip(p.amplitude, 0.5, 1.3) * np.sin(2 * np.pi * u)  # forearm angle from vertical
    up = s.envelope
    for arm in arm_sides(p.side):
        tilt = 0.25 + swing  # the forearm's lean outwards of vertical, radians
        upper = (0.12 + 1.68 * up, 0.35)
        fore = (0.12 + (np.pi - tilt - 0.12) * up, np.pi / 2 - (np.pi / 2 - 0.25) * up)  # comes up in front
        tr.arms[:, arm] = arm_from_angles(body, arm, upper, fore)
    tr.neck[:, 2] = 0.15 * SIDE_SIGN[arm_sides(p.side)[0]] * s.envelope  # a glance towards the waving hand
    return tr, s.spans


def raise_arm(body: Body, p: ActionParams, rng: np.random.Generator):
    """Raises an arm (side left/right/both) forward and up until it points overhead, holds, lowers it; one
    repetition per raise. Uses reps, side, speed, amplitude (how far up)."""
    s = schedule(rng, p.reps, 1.8 / p.speed, intro=0.2, outro=0.3)
    tr = standing(body, s.frames)
    up = np.where(s.active, plateau(s.phase, 0.4, 0.7), 0.0)
    top = np.pi * np.clip(0.93 * p.amplitude, 0.6, 0.97)
    elevation = 0.12 + (top - 0.12) * up
    for arm in arm_sides(p.side):
        tr.arms[:, arm] = arm_from_angles(body, arm, (elevation, 1.2), (elevation + 0.05 * up, 1.2))
    tr.spine[:, 0] = -0.05 * up  # the chest opens a little as the arm goes up
    return tr, s.spans
