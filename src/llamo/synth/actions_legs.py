"""Leg-driven actions in place: squat, jumping jacks, jump, kick.

Each is `(body, params, rng) -> (PoseTrack, spans)` in the local frame (pelvis over the origin, facing +z,
left at +x). Feet that bear weight stay exactly where they are; they move only while off the floor.
"""

import numpy as np

from .action import ActionParams
from .body import Body
from .limbs import arm_from_angles, leg_target, lifted_foot, settle_root
from .pose import SIDE_SIGN, standing
from .timing import bump, keyframes, plateau, schedule, smoothstep, window

FORWARD_PLANE = np.pi / 2  # limb_dir plane of a forward swing
TRAVEL = {"in place": (0.0, 0.0), "forward": (0.0, 1.0), "backward": (0.0, -1.0), "left": (1.0, 0.0),
          "right": (-1.0, 0.0)}  # (x, z) unit of a jump's travel in the person's frame


def symmetric_arms(body: Body, elevation: np.ndarray, plane: np.ndarray | float,
                   bend: np.ndarray | float = 0.15) -> np.ndarray:
    """Both arms [T, 2, 2, 3] at the same elevation [T] and plane, the forearm `bend` further along."""
    return np.stack([arm_from_angles(body, s, (elevation, plane), (elevation + bend, plane)) for s in (0, 1)], 1)


def squat(body: Body, p: ActionParams, rng: np.random.Generator):
    """Squats: hips go back and down, knees bend forward, torso leans in, arms reach forward. Uses reps, speed,
    amplitude (depth)."""
    s = schedule(rng, p.reps, 2.2 / p.speed, intro=0.5, outro=0.5)
    tr = standing(body, s.frames)
    depth = np.where(s.active, plateau(s.phase, 0.45, 0.6), 0.0)  # 0 standing → 1 bottom
    amp = np.clip(p.amplitude, 0.3, 1.2)
    tr.root[:, 1] -= 0.46 * body.leg * amp * depth
    tr.root[:, 2] -= 0.2 * body.leg * amp * depth
    tr.pelvis[:, 0] = 0.45 * amp * depth
    tr.spine[:, 0] = 0.2 * amp * depth
    tr.neck[:, 0] = -0.3 * amp * depth  # eyes stay on the horizon
    reach = smoothstep(np.clip(depth * 1.6, 0.0, 1.0))  # the arms are up before the bottom, a counterweight
    tr.arms[:] = symmetric_arms(body, 0.12 + 1.35 * reach, FORWARD_PLANE)
    return tr, s.spans


def jumping_jacks(body: Body, p: ActionParams, rng: np.random.Generator):
    """Jumping jacks: hop the feet apart while the arms swing overhead, hop back. Uses reps, speed, amplitude."""
    s = schedule(rng, p.reps, 1.1 / p.speed, intro=0.3, outro=0.3)
    tr = standing(body, s.frames)
    u = np.where(s.active, s.phase, 0.0)
    flights = (window(u, 0.0, 0.22), window(u, 0.5, 0.72))
    spread = smoothstep(flights[0]) - smoothstep(flights[1])  # feet 0 together → 1 apart
    air = np.sin(np.pi * flights[0]) + np.sin(np.pi * flights[1])  # 0 on the floor, 1 mid-flight
    width = 0.22 * body.leg * np.clip(p.amplitude, 0.5, 1.2)
    hop = 0.06 * body.leg
    tr.feet[:, :, 0] += SIDE_SIGN * (width * spread)[:, None]
    tr.feet[:, :, 1] += (0.8 * hop * air)[:, None]
    hip_x = abs(body.offsets[1, 0])
    rest_width = abs(tr.feet[0, 0, 0]) - hip_x
    apart = np.sqrt(max((0.985 * body.leg) ** 2 - (rest_width + width) ** 2, 0.0))
    lowering = max(0.0, (body.pelvis_height + body.offsets[1, 1] - body.ankle_height) - apart) + 0.01 * body.leg
    landing = bump(window(u, 0.22, 0.5)) + bump(window(u, 0.72, 1.0))
    tr.root[:, 1] += hop * air - lowering * spread - 0.04 * body.leg * landing * (1 - 0.5 * spread)
    arms = smoothstep(window(u, 0.0, 0.3)) - smoothstep(window(u, 0.5, 0.8))
    tr.arms[:] = symmetric_arms(body, 0.12 + 2.78 * np.clip(p.amplitude, 0.6, 1.0) * arms, 0.05, bend=0.1 * (1 - arms))
    tr.root[:, 1] = settle_root(body, tr, (air == 0)[:, None].repeat(2, 1))
    return tr, s.spans


def jump(body: Body, p: ActionParams, rng: np.random.Generator):
    """Jumps: crouch with arms back, swing them up and take off, land softly; in place or travelling
    (direction forward/backward/left/right, distance metres per jump). Uses reps, speed, amplitude, direction,
    distance."""
    s = schedule(rng, p.reps, 1.5 / p.speed, intro=0.3, outro=0.4)
    tr = standing(body, s.frames)
    u = np.where(s.active, s.phase, 0.0)
    amp = np.clip(p.amplitude, 0.5, 1.2)
    flight = window(u, 0.38, 0.6)
    airborne = (flight > 0) & (flight < 1)
    crouch = keyframes(u, (0.0, 0.28, 0.38, 0.6, 0.72, 1.0), (0, 1, 0, 0, 0.8, 0))  # knee bend share
    height = 0.3 * body.leg * amp
    arc = 4.0 * flight * (1.0 - flight)
    tr.root[:, 1] += height * arc - 0.22 * body.leg * amp * crouch
    tr.root[:, 2] -= 0.06 * body.leg * crouch
    tr.pelvis[:, 0] = 0.45 * crouch
    tr.spine[:, 0] = 0.15 * crouch
    tr.feet[:, :, 1] += (height * arc * 0.9 + 0.08 * body.leg * np.sin(np.pi * flight))[:, None]
    tr.feet_pitch[:] = (0.5 * np.sin(np.pi * flight))[:, None]
    distance = p.distance or 0.6 * body.leg * amp
    unit_x, unit_z = TRAVEL[p.direction]
    travelled = s.done + np.where(s.active, flight, 0.0)  # jumps so far
    for axis, component in ((0, unit_x), (2, unit_z)):
        tr.root[:, axis] += component * distance * travelled
        tr.feet[:, :, axis] += (component * distance * travelled)[:, None]
    swing = keyframes(u, (0.0, 0.3, 0.52, 0.68, 0.9, 1.0), (0.12, -0.8, 2.0, 1.6, 0.3, 0.12))
    tr.arms[:] = symmetric_arms(body, swing, FORWARD_PLANE, bend=0.2)
    tr.root[:, 1] = settle_root(body, tr, ~airborne[:, None].repeat(2, 1))
    return tr, s.spans


def kick(body: Body, p: ActionParams, rng: np.random.Generator):
    """Front kicks with one leg (side left/right): shift the weight, chamber the knee, snap the leg out, pull it
    back and set the foot down where it was. Uses reps, side, speed, amplitude (kick height)."""
    side = 0 if p.side == "left" else 1
    s = schedule(rng, p.reps, 1.3 / p.speed, intro=0.6, outro=0.6)
    tr = standing(body, s.frames)
    u = np.where(s.active, s.phase, 0.0)
    amp = np.clip(p.amplitude, 0.5, 1.2)
    stance = 1 - side
    shift = 0.7 * abs(tr.feet[0, stance, 0])  # the pelvis moves most of the way over the standing foot
    tr.root[:, 0] += SIDE_SIGN[stance] * shift * s.envelope
    tr.pelvis[:, 1] = 0.05 * SIDE_SIGN[stance] * s.envelope
    flex = keyframes(u, (0.0, 0.3, 0.45, 0.62, 1.0), (0.0, 0.95, 1.45, 0.95, 0.0)) * amp
    knee = keyframes(u, (0.0, 0.3, 0.45, 0.62, 1.0), (0.0, 1.5, 0.08, 1.5, 0.0))
    extended = keyframes(u, (0.0, 0.3, 0.45, 0.62, 1.0), (0.0, 0.0, 1.0, 0.0, 0.0))
    tr.spine[:, 0] = -0.25 * extended * amp
    tr.pelvis[:, 0] = -0.1 * extended * amp
    zero = np.zeros(s.frames)
    target = leg_target(body, tr, side, flex, knee)
    tr.feet[:, side] = lifted_foot(tr.feet[0, side], target, leg_target(body, tr, side, zero, zero))
    tr.feet_pitch[:, side] = 0.6 * extended
    lift = tr.feet[:, side, 1] > body.ankle_height + 1e-4
    tr.arms[:] = symmetric_arms(body, 0.12 + 0.5 * s.envelope, 0.2, bend=0.3 * s.envelope)  # arms out for balance
    planted = np.ones((s.frames, 2), bool)
    planted[:, side] = ~lift
    tr.root[:, 1] = settle_root(body, tr, planted)
    return tr, s.spans
