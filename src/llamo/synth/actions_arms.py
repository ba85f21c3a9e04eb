"""Arm actions while standing: wave, raise an arm, punch, arm circles, clap, reach up, throw, point, stretch.

Each is `(body, params, rng) -> (PoseTrack, spans)` in the local frame. Arm directions live in the chest frame
(limbs.limb_dir); side "left" moves arm 0, "right" arm 1, "both" both.
"""

import numpy as np

from .action import ActionParams, Performed
from .body import Body
from .kinematics import unit
from .limbs import arm_from_angles, hands_at, limb_dir, mix_dirs, shoulder_offset
from .pose import SIDE_SIGN, rest_arms, standing
from .timing import keyframes, plateau, schedule, smoothstep

SIDE_ARMS = {"left": (0,), "right": (1,), "both": (0, 1)}


def arm_sides(side: str) -> tuple[int, ...]:
    return SIDE_ARMS[side]


def wave(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
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


def raise_arm(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Raises an arm (side left/right/both) forward and up until it points overhead, holds, lowers it; one
    repetition per raise. Uses reps, side, speed, amplitude (how far up)."""
    s = schedule(rng, p.reps, 1.8 / p.speed, intro=0.2, outro=0.3)
    tr = standing(body, s.frames)
    up = np.where(s.active, plateau(s.phase, 0.4, 0.7), 0.0)
    top = np.pi * np.clip(0.72 + 0.22 * p.amplitude, 0.8, 0.97)  # always well above the head
    elevation = 0.12 + (top - 0.12) * up
    for arm in arm_sides(p.side):
        tr.arms[:, arm] = arm_from_angles(body, arm, (elevation, 1.2), (elevation + 0.05 * up, 1.2))
    tr.spine[:, 0] = -0.05 * up  # the chest opens a little as the arm goes up
    return tr, s.spans


def punch(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Straight punches with one hand (side left/right) from a guard, the torso turning into each one; one
    repetition per punch. Uses reps, side, speed, amplitude."""
    arm = 0 if p.side == "left" else 1
    s = schedule(rng, p.reps, 0.8 / p.speed, intro=0.5, outro=0.5)
    tr = standing(body, s.frames)
    u = np.where(s.active, s.phase, 0.0)
    extend = keyframes(u, (0.0, 0.28, 0.4, 1.0), (0.0, 1.0, 1.0, 0.0))
    length = body.upper_arm + body.forearm
    for a in (0, 1):
        sign = SIDE_SIGN[a]
        guard = np.array([sign * 0.08, 0.2, 0.25]) * length / 0.5  # fists by the chin
        strike = np.array([sign * 0.03, 0.1, 0.95 * length + 0.0])
        out = extend if a == arm else 0.0 * extend
        point = guard[None] + np.asarray(out)[:, None] * (strike - guard)[None]
        tr.arms[:, a] = hands_at(body, a, point, s.envelope, (sign * 0.6, -1.0, -0.3))
    tr.spine[:, 2] = -SIDE_SIGN[arm] * 0.3 * np.clip(p.amplitude, 0.5, 1.2) * extend
    tr.pelvis[:, 2] = 0.3 * tr.spine[:, 2]
    return tr, s.spans


def arm_circles(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Both arms held out to the sides draw circles (direction forward: over the top towards the front, or
    backward); one repetition per circle. Uses reps, speed, amplitude (circle size), direction."""
    s = schedule(rng, p.reps, 0.75 / p.speed, intro=0.7, outro=0.7)
    tr = standing(body, s.frames)
    angle = 2 * np.pi * (s.done + np.where(s.active, s.phase, 0.0)) * (1 if p.direction == "forward" else -1)
    radius = 0.4 * np.clip(p.amplitude, 0.5, 1.3) * smoothstep(np.clip(2 * s.envelope - 1, 0, 1))
    lift = 0.12 + (np.pi / 2 - 0.12) * smoothstep(np.clip(2 * s.envelope, 0, 1))
    for a in (0, 1):
        base = limb_dir(lift, 0.0, a)
        circle = radius[:, None] * (np.cos(angle)[:, None] * [0.0, 1.0, 0.0] + np.sin(angle)[:, None] * [0.0, 0.0, 1.0])
        direction = unit(base + circle)
        tr.arms[:, a] = mix_dirs(np.repeat(rest_arms(body)[a][None], s.frames, 0),
                                 np.stack([direction, direction], 1), smoothstep(np.clip(4 * s.envelope, 0, 1)))
    return tr, s.spans


def clap(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Claps: hands come together in front of the chest and part again; one repetition per clap. Uses reps,
    speed, amplitude (how far the hands part)."""
    s = schedule(rng, p.reps, 0.5 / p.speed, intro=0.5, outro=0.5)
    tr = standing(body, s.frames)
    u = np.where(s.active, s.phase, 0.0)
    apart = 0.5 + 0.5 * np.cos(2 * np.pi * u)  # 1 apart at the ends of a repetition, 0 at the clap
    width = 0.2 * body.upper_arm / 0.26 * np.clip(p.amplitude, 0.5, 1.3)
    for a in (0, 1):
        sign = SIDE_SIGN[a]
        point = np.stack([sign * (0.03 + width * apart), np.full(s.frames, -0.1), np.full(s.frames, 0.32)], -1)
        tr.arms[:, a] = hands_at(body, a, point * body.upper_arm / 0.26, s.envelope, (sign, -1.0, 0.0))
    return tr, s.spans


def reach_up(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Reaches one hand (side left/right/both) forward and up as if for a high shelf, and brings it back; one
    repetition per reach. Uses reps, side, speed, amplitude."""
    s = schedule(rng, p.reps, 1.6 / p.speed, intro=0.2, outro=0.3)
    tr = standing(body, s.frames)
    out = np.where(s.active, plateau(s.phase, 0.35, 0.65), 0.0)
    length = (body.upper_arm + body.forearm) * np.clip(p.amplitude, 0.6, 1.0)
    for a in arm_sides(p.side):
        target = np.array([SIDE_SIGN[a] * 0.05, 0.6, 0.75]) * 0.97 * length
        point = shoulder_offset(body, a) + target
        tr.arms[:, a] = hands_at(body, a, np.repeat(point[None], s.frames, 0), out, (SIDE_SIGN[a], -1.0, 0.0))
    tr.spine[:, 0] = 0.1 * out
    return tr, s.spans


def throw(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Overhand throws (side = throwing hand): the arm winds up behind the head and whips forward as the torso
    turns; one repetition per throw. Uses reps, side, speed, amplitude."""
    arm = 0 if p.side == "left" else 1
    s = schedule(rng, p.reps, 1.4 / p.speed, intro=0.2, outro=0.3)
    tr = standing(body, s.frames)
    u = np.where(s.active, s.phase, 0.0)
    keys = (0.0, 0.35, 0.5, 0.62, 1.0)
    upper = (keyframes(u, keys, (0.12, 2.2, 2.0, 1.0, 0.12)), keyframes(u, keys, (1.2, -0.6, 1.4, 1.5, 1.2)))
    fore = (keyframes(u, keys, (0.12, 2.4, 2.1, 0.9, 0.12)), keyframes(u, keys, (1.2, -2.2, 1.5, 1.5, 1.2)))
    tr.arms[:, arm] = arm_from_angles(body, arm, upper, fore)
    turn = keyframes(u, keys, (0.0, 1.0, -0.4, -1.0, 0.0)) * SIDE_SIGN[arm] * 0.35 * np.clip(p.amplitude, 0.5, 1.2)
    tr.spine[:, 2] = turn
    tr.pelvis[:, 2] = 0.3 * turn
    tr.spine[:, 0] = keyframes(u, keys, (0.0, -0.15, 0.1, 0.25, 0.0))
    return tr, s.spans


def point(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Points with one arm (side left/right) straight out in front, holds, lowers it; one repetition per point.
    Uses reps, side, speed, duration (hold seconds)."""
    arm = 0 if p.side == "left" else 1
    hold = p.duration or 0.8
    s = schedule(rng, p.reps, (1.0 + hold) / p.speed, intro=0.2, outro=0.2)
    tr = standing(body, s.frames)
    share = 0.5 / (1.0 + hold)
    up = np.where(s.active, plateau(s.phase, share, 1 - share), 0.0)
    elevation = 0.12 + (1.45 - 0.12) * up
    tr.arms[:, arm] = arm_from_angles(body, arm, (elevation, 1.35), (elevation + 0.05, 1.35))
    tr.neck[:, 2] = 0.1 * SIDE_SIGN[arm] * up
    return tr, s.spans


def stretch(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Stretches both arms overhead, palms high, holds (duration seconds), lowers them; one repetition per stretch.
    Uses reps, speed, amplitude, duration."""
    hold = p.duration or 1.2
    s = schedule(rng, p.reps, (1.6 + hold) / p.speed, intro=0.2, outro=0.2)
    tr = standing(body, s.frames)
    share = 0.8 / (1.6 + hold)
    up = np.where(s.active, plateau(s.phase, share, 1 - share), 0.0)
    elevation = 0.12 + (np.pi * 0.97 - 0.12) * up
    for a in (0, 1):
        tr.arms[:, a] = arm_from_angles(body, a, (elevation, 0.4), (elevation, 0.4))
    tr.spine[:, 0] = -0.12 * up * np.clip(p.amplitude, 0.5, 1.2)
    tr.neck[:, 0] = -0.2 * up
    return tr, s.spans
