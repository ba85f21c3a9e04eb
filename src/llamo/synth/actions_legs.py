"""Leg-driven actions: squat, jumping jacks, jump, kick, lunge, kneel, hop on one leg.

Each is `(body, params, rng) -> (PoseTrack, spans)` in the local frame (pelvis over the origin, facing +z,
left at +x). Feet that bear weight stay exactly where they are; they move only while off the floor.
"""

import numpy as np

from .action import ActionParams, Performed
from .body import Body
from .limbs import LEG_STRAIGHTNESS, arm_from_angles, leg_target, lifted_foot, rise_on_toes, settle_root
from .pose import SIDE_SIGN, standing
from .timing import bump, keyframes, plateau, schedule, smoothstep, window

FORWARD_PLANE = np.pi / 2  # limb_dir plane of a forward swing
TRAVEL = {"in place": (0.0, 0.0), "forward": (0.0, 1.0), "backward": (0.0, -1.0), "left": (1.0, 0.0),
          "right": (-1.0, 0.0)}  # (x, z) unit of a jump's travel in the person's frame


def symmetric_arms(body: Body, elevation: np.ndarray, plane: np.ndarray | float,
                   bend: np.ndarray | float = 0.15) -> np.ndarray:
    """Both arms [T, 2, 2, 3] at the same elevation [T] and plane, the forearm `bend` further along."""
    return np.stack([arm_from_angles(body, s, (elevation, plane), (elevation + bend, plane)) for s in (0, 1)], 1)


def squat(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Squats: hips go back and down, knees bend forward, torso leans in, arms reach forward. Uses reps, speed,
    amplitude (depth: about 1.2 brings the thighs level, 1.5 takes the hips well below the knees)."""
    s = schedule(rng, p.reps, 2.2 / p.speed, intro=0.5, outro=0.5)
    tr = standing(body, s.frames)
    depth = np.where(s.active, plateau(s.phase, 0.45, 0.6), 0.0)  # 0 standing → 1 bottom
    amp = np.clip(p.amplitude, 0.3, 1.5)
    tr.root[:, 1] -= 0.46 * body.leg * amp * depth
    tr.root[:, 2] -= 0.2 * body.leg * amp * depth
    tr.pelvis[:, 0] = 0.45 * amp * depth
    tr.spine[:, 0] = 0.2 * amp * depth
    tr.neck[:, 0] = -0.3 * amp * depth  # eyes stay on the horizon
    reach = smoothstep(np.clip(depth * 1.6, 0.0, 1.0))  # the arms are up before the bottom, a counterweight
    tr.arms[:] = symmetric_arms(body, 0.12 + 1.35 * reach, FORWARD_PLANE)
    return tr, s.spans


def jumping_jacks(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
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
    apart = np.sqrt(max((LEG_STRAIGHTNESS * body.leg) ** 2 - (rest_width + width) ** 2, 0.0))
    lowering = max(0.0, (body.pelvis_height + body.offsets[1, 1] - body.ankle_height) - apart) + 0.01 * body.leg
    landing = bump(window(u, 0.22, 0.5)) + bump(window(u, 0.72, 1.0))
    tr.root[:, 1] += hop * air - lowering * spread - 0.04 * body.leg * landing * (1 - 0.5 * spread)
    arms = smoothstep(window(u, 0.0, 0.3)) - smoothstep(window(u, 0.5, 0.8))
    tr.arms[:] = symmetric_arms(body, 0.12 + 2.78 * np.clip(p.amplitude, 0.9, 1.0) * arms, 0.05, bend=0.1 * (1 - arms))
    tr.root[:, 1] = settle_root(body, tr, (air == 0)[:, None].repeat(2, 1))
    return tr, s.spans


def jump(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Jumps: crouch with arms back, swing them up and take off, land softly; in place or travelling
    (direction forward/backward/left/right, distance metres per jump). Uses reps, speed, amplitude, direction,
    distance."""
    s = schedule(rng, p.reps, 1.6 / min(p.speed, 1.1), intro=0.3, outro=0.4)  # arm swings cap the tempo
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
    swing = keyframes(u, (0.0, 0.28, 0.55, 0.7, 0.9, 1.0), (0.12, -0.7, 2.0, 1.6, 0.3, 0.12))
    tr.arms[:] = symmetric_arms(body, swing, FORWARD_PLANE, bend=0.2)
    tr.root[:, 1] = settle_root(body, tr, ~airborne[:, None].repeat(2, 1))
    return tr, s.spans


def kick(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
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


def split_stance(body: Body, p: ActionParams, rng: np.random.Generator, backward: bool, knee_gap: float,
                 hold: float) -> Performed:
    """The shared shape of lunges and kneeling: one foot (side) steps forward (or back), the pelvis sinks until
    the back knee is `knee_gap` m over the floor with the back heel up, holds `hold` of each repetition, rises and
    the foot steps home. At the bottom the front thigh is level and the back thigh upright."""
    side = 0 if p.side == "left" else 1
    s = schedule(rng, p.reps, (2.4 + hold * 2.4) / p.speed, intro=0.3, outro=0.3)
    tr = standing(body, s.frames)
    u = np.where(s.active, s.phase, 0.0)
    keys = (0.0, 0.22, 0.42, 0.42 + hold, 0.78, 1.0) if hold else (0.0, 0.22, 0.45, 0.55, 0.78, 1.0)
    keys = tuple(k / keys[-1] for k in keys)
    sink = keyframes(u, keys, (0, 0, 1, 1, 0, 0))
    out = smoothstep(window(u, 0.0, keys[1])) - smoothstep(window(u, keys[4], 1.0))
    amp = np.clip(p.amplitude, 0.7, 1.1)
    pelvis_z = -0.9 * body.thigh * amp if backward else 0.85 * body.shin * amp
    reach = -(0.9 * body.thigh + 0.85 * body.shin) * amp if backward else pelvis_z + 0.9 * body.thigh * amp
    mover, stayer = side, 1 - side
    tr.feet[:, mover, 2] += reach * out
    airborne = np.sin(np.pi * window(u, 0.0, keys[1])) + np.sin(np.pi * window(u, keys[4], 1.0))
    tr.feet[:, mover, 1] += 0.06 * body.leg * airborne
    back = mover if backward else stayer
    rise_on_toes(body, tr, back, (1.1 if backward else 0.7) * sink)  # the back heel comes up
    bottom = knee_gap + body.thigh - body.offsets[1, 1]
    tr.root[:, 2] += pelvis_z * (0.4 * out + 0.6 * sink)
    tr.root[:, 1] += (bottom - body.pelvis_height) * sink
    tr.pelvis[:, 0] = 0.08 * sink
    planted = np.ones((s.frames, 2), bool)
    planted[:, mover] = (out == 0) | (out == 1)
    tr.root[:, 1] = settle_root(body, tr, planted)
    return tr, s.spans


def lunge(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Forward lunges: the `side` foot steps forward, the body sinks until the back knee nearly touches the floor,
    rises and steps back. Uses reps, side, speed, amplitude."""
    return split_stance(body, p, rng, backward=False, knee_gap=0.18 * body.leg, hold=0.0)


def kneel(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Kneels on one knee: the `side` foot steps back and that knee goes down to the floor, stays (duration
    seconds, default 1.5), and the person stands back up. Uses reps, side, speed, duration."""
    hold = (p.duration or 1.5) / 2.4
    return split_stance(body, p, rng, backward=True, knee_gap=0.05 * body.leg, hold=hold)


def hop(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Hops on one leg (side = the hopping leg) with the other foot held up behind, in place or forward; one
    repetition per hop. Uses reps, side, speed, amplitude, direction (in place/forward), distance."""
    side = 0 if p.side == "left" else 1
    free = 1 - side
    s = schedule(rng, p.reps, 0.75 / p.speed, intro=0.6, outro=0.6)
    tr = standing(body, s.frames)
    u = np.where(s.active, s.phase, 0.0)
    amp = np.clip(p.amplitude, 0.6, 1.2)
    tr.root[:, 0] += SIDE_SIGN[side] * 0.8 * abs(tr.feet[0, side, 0]) * s.envelope
    tr.pelvis[:, 1] = 0.05 * SIDE_SIGN[side] * s.envelope
    flight = window(u, 0.3, 0.62)
    crouch = keyframes(u, (0.0, 0.25, 0.32, 0.62, 0.8, 1.0), (0, 1, 0, 0, 1, 0))
    arc = 4.0 * flight * (1.0 - flight)
    height = 0.14 * body.leg * amp
    tr.root[:, 1] += height * arc - 0.08 * body.leg * crouch
    tr.feet[:, side, 1] += height * arc * 0.9
    tr.feet_pitch[:, side] = 0.4 * np.sin(np.pi * flight)
    per_hop = (p.distance or 0.35 * body.leg * amp) if p.direction == "forward" else 0.0
    travelled = (s.done + np.where(s.active, flight, 0.0)) * per_hop
    tr.root[:, 2] += travelled
    tr.feet[:, side, 2] += travelled
    zero = np.zeros(s.frames)
    raised = leg_target(body, tr, free, 0.3 * s.envelope, 1.5 * s.envelope)
    tr.feet[:, free] = lifted_foot(tr.feet[0, free], raised, leg_target(body, tr, free, zero, zero))
    tr.feet[:, free, 2] += travelled  # the raised foot travels with the body and lands where it arrived
    tr.arms[:] = symmetric_arms(body, 0.12 + 0.5 * s.envelope, 0.2, bend=0.4 * s.envelope)
    planted = np.stack([flight == 0] * 2, 1)
    planted[:, free] = s.envelope == 0
    tr.root[:, 1] = settle_root(body, tr, planted)
    return tr, s.spans
