"""Stepping actions: walk (forward, backward, sideways, in a circle), turn in place, run, and stepping on the spot
(high knees, jogging, marching).

Each is `(body, params, rng) -> (PoseTrack, spans)` in the local frame, built on gait.py: a list of footsteps
at "stations" (where the pelvis stands and which way it faces after each step), the pelvis following the feet.
"""

import numpy as np

from ..motion.features import gaussian_smooth
from .action import ActionParams, Performed
from .body import Body
from .gait import Footstep, follow_feet, place_feet, station_feet, step_times
from .limbs import limb_dir, mix_dirs, settle_root
from .pose import PoseTrack, standing
from .timing import FPS, frames_for, smoothstep

WALK_DIRECTIONS = ("forward", "backward", "left", "right", "circle left", "circle right")
INTRO, OUTRO = 0.4, 0.5  # s standing before the first and after the last step


def stations(direction: str, reps: int, step: float, angle: float) -> list[tuple[np.ndarray, float]]:
    """(pelvis position [3], heading) after each of `reps` steps, starting at the origin facing +z."""
    out = [(np.zeros(3), 0.0)]
    turn = np.radians(angle) / reps * (1 if direction == "circle left" else -1)
    for k in range(1, reps + 1):
        if direction.startswith("circle"):
            psi = k * turn
            radius = step / turn
            out.append((np.array([radius * (1 - np.cos(psi)), 0.0, radius * np.sin(psi)]), psi))
        else:
            unit = {"forward": (0, 0, 1), "backward": (0, 0, -1), "left": (1, 0, 0), "right": (-1, 0, 0)}[direction]
            out.append((k * step * np.array(unit, float), 0.0))
    return out


def gait_steps(body: Body, plan: list[tuple[np.ndarray, float]], order: list[int], times: list,
               clearance: float) -> list[Footstep]:
    """Footsteps: the k-th moves foot order[k] to its place at station plan[k + 1] (or the last station)."""
    steps = []
    for k, (side, (lift, land, _)) in enumerate(zip(order, times, strict=True)):
        centre, yaw = plan[min(k + 1, len(plan) - 1)]
        steps.append(Footstep(side, lift, land, station_feet(body, centre, yaw)[side], yaw, clearance))
    return steps


def swing_arms(body: Body, track: PoseTrack, step: float, amplitude: float, envelope: np.ndarray) -> None:
    """Arms swing against the legs (the left arm forward while the right foot is ahead), in place."""
    yaw = track.yaw
    forward = np.stack([np.sin(yaw), np.cos(yaw)], -1)
    ahead = np.sum((track.feet[:, 1] - track.feet[:, 0])[:, [0, 2]] * forward, -1) / max(step, 1e-6)
    for arm, sign in ((0, 1.0), (1, -1.0)):
        elevation = 0.3 * amplitude * np.clip(sign * ahead, -1, 1)
        swung = np.stack([limb_dir(elevation, np.pi / 2, arm), limb_dir(elevation + 0.35, np.pi / 2, arm)], 1)
        track.arms[:, arm] = mix_dirs(track.arms[:, arm], swung, envelope)


def walk(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Walks `reps` steps (direction forward, backward, left, right, circle left, circle right), then brings the
    trailing foot alongside. Sideways, one repetition is a step out and a close. Uses reps, speed, amplitude
    (step length), direction, distance (m per step), angle (degrees of a circle walk)."""
    sideways = p.direction in ("left", "right")
    scale = {"backward": 0.6, "left": 0.55, "right": 0.55}.get(p.direction, 1.0)
    step = p.distance or 0.38 * body.leg * 2 * scale * np.clip(p.amplitude, 0.5, 1.2)
    plan = stations(p.direction, p.reps, step, p.angle)
    if sideways:
        lead = 0 if p.direction == "left" else 1
        order = [lead, 1 - lead] * p.reps
        plan = [plan[0]] + [station for station in plan[1:] for _ in (0, 1)]
    else:
        first = int(rng.integers(2))
        order = [(first + k) % 2 for k in range(p.reps)] + [(first + p.reps) % 2]
    period = 0.55 / p.speed
    times = step_times(rng, len(order), period, 0.7, INTRO)
    steps = gait_steps(body, plan, order, times, clearance=0.09 * body.leg)
    tr = standing(body, frames_for(times[-1][2] + OUTRO))
    planted = place_feet(tr, steps)
    follow_feet(body, tr, planted, smoothing=0.25 * period * FPS)
    moving = smoothstep((np.arange(tr.frames) / FPS - INTRO + 0.3) / 0.3) * smoothstep(
        (times[-1][1] + 0.3 - np.arange(tr.frames) / FPS) / 0.3)
    tr.root[:, 1] -= 0.02 * body.leg * moving
    tr.pelvis[:, 0] = (0.06 if p.direction != "backward" else -0.03) * moving
    swing_arms(body, tr, step, 0.0 if sideways else np.clip(p.amplitude, 0.5, 1.2), moving)
    tr.root[:, 1] = settle_root(body, tr, planted)
    per_rep = 2 if sideways else 1
    spans = tuple((int(round(times[k * per_rep][0] * FPS)), int(round(times[k * per_rep + per_rep - 1][2] * FPS)))
                  for k in range(p.reps))
    return tr, spans


def turn(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Turns on the spot (side left/right) by `angle` degrees in small steps, `reps` times with a short pause
    between. Uses reps, side, speed, angle."""
    sign = 1.0 if p.side == "left" else -1.0
    per_turn = max(2, int(np.ceil(abs(p.angle) / 50)))
    period = 0.5 / p.speed
    first = 0 if p.side == "left" else 1  # the foot on the turning side leads
    steps, spans, t = [], [], INTRO
    for k in range(p.reps):
        times = step_times(rng, per_turn, period, 0.7, t)
        for j, (lift, land, _) in enumerate(times):
            yaw = sign * np.radians(p.angle) * (k + (j + 1) / per_turn)
            side = (first + j) % 2
            steps.append(Footstep(side, lift, land, station_feet(body, np.zeros(3), yaw)[side], yaw, 0.05 * body.leg))
        closing = (first + per_turn) % 2
        lift = times[-1][2]
        steps.append(Footstep(closing, lift, lift + 0.7 * period, station_feet(body, np.zeros(3), yaw)[closing], yaw,
                              0.05 * body.leg))
        spans.append((int(round(t * FPS)), int(round((lift + period) * FPS))))
        t = lift + period + 0.3 * rng.random()
    tr = standing(body, frames_for(t + OUTRO))
    planted = place_feet(tr, steps)
    follow_feet(body, tr, planted, smoothing=0.3 * period * FPS)
    tr.root[:, 1] = settle_root(body, tr, planted)
    return tr, tuple(spans)


def pump_arms(body: Body, track: PoseTrack, swing: float, elbow: float, envelope: np.ndarray) -> None:
    """Arms swing against the legs with bent elbows: the left arm forward while the right foot is higher."""
    lead = (track.feet[:, 1, 1] - track.feet[:, 0, 1]) / max(float(np.ptp(track.feet[..., 1])), 1e-6)
    for arm, sign in ((0, 1.0), (1, -1.0)):
        elevation = 0.1 + swing * np.clip(sign * lead * 2, -1, 1)
        pumped = np.stack([limb_dir(elevation, np.pi / 2, arm), limb_dir(elevation + elbow, np.pi / 2, arm)], 1)
        track.arms[:, arm] = mix_dirs(track.arms[:, arm], pumped, envelope)


def in_place(body: Body, p: ActionParams, rng: np.random.Generator, period: float, lift: float, bulge: float,
             arms: tuple[float, float]) -> Performed:
    """Alternating steps on the spot, one repetition per foot lift: lift and bulge (forward, + ahead) scale with
    the leg; arms: (swing, elbow bend) in radians."""
    first = int(rng.integers(2))
    times = step_times(rng, p.reps, period / p.speed, 0.85, INTRO)
    home = station_feet(body, np.zeros(3), 0.0)
    amp = np.clip(p.amplitude, 0.5, 1.2)
    steps = [Footstep((first + k) % 2, a, b, home[(first + k) % 2], 0.0, lift * body.leg * amp, 0.5,
                      (0.0, bulge * body.leg * amp)) for k, (a, b, _) in enumerate(times)]
    tr = standing(body, frames_for(times[-1][2] + OUTRO))
    planted = place_feet(tr, steps)
    follow_feet(body, tr, planted, smoothing=0.3 * period * FPS)
    t = np.arange(tr.frames) / FPS
    active = smoothstep((t - INTRO + 0.2) / 0.3) * smoothstep((times[-1][1] + 0.2 - t) / 0.3)
    tr.root[:, 1] -= 0.02 * body.leg * active
    pump_arms(body, tr, arms[0], arms[1], active)
    tr.root[:, 1] = settle_root(body, tr, planted)
    spans = tuple((int(round(a * FPS)), int(round(c * FPS))) for a, _, c in times)
    return tr, spans


def high_knees(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """High knees on the spot: thighs driven up to hip height in turn, arms pumping; one repetition per knee.
    Uses reps, speed, amplitude."""
    return in_place(body, p, rng, period=0.42, lift=0.48, bulge=0.06, arms=(0.6, 1.5))


def jog_in_place(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Jogging on the spot: quick low steps with the heels kicking back, elbows bent; one repetition per step.
    Uses reps, speed, amplitude."""
    return in_place(body, p, rng, period=0.36, lift=0.16, bulge=-0.22, arms=(0.45, 1.6))


def march(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Marching on the spot: knees lifted halfway, straight arms swinging; one repetition per step. Uses reps,
    speed, amplitude."""
    return in_place(body, p, rng, period=0.6, lift=0.3, bulge=0.04, arms=(0.45, 0.15))


def run(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Runs forward `reps` strides' worth of steps (both feet leave the floor between steps), then stops and
    brings the feet together. Uses reps (steps), speed, amplitude (stride), distance (m per step)."""
    step = p.distance or 0.9 * body.leg * np.clip(p.amplitude, 0.6, 1.2)
    plan = stations("forward", p.reps, step, 0.0)
    first = int(rng.integers(2))
    order = [(first + k) % 2 for k in range(p.reps)] + [(first + p.reps) % 2]
    period = 0.34 / p.speed
    times = step_times(rng, p.reps, period, 1.3, INTRO)
    close_at = times[-1][1] + 0.1
    times.append((close_at, close_at + 0.35, close_at + 0.5))
    steps = gait_steps(body, plan, order, times, clearance=0.16 * body.leg)
    tr = standing(body, frames_for(times[-1][2] + OUTRO))
    planted = place_feet(tr, steps)
    follow_feet(body, tr, planted, smoothing=0.35 * period * FPS)
    t = np.arange(tr.frames) / FPS
    moving = smoothstep((t - INTRO + 0.2) / 0.3) * smoothstep((times[-2][1] + 0.2 - t) / 0.3)
    airborne = ~planted.any(axis=1)
    tr.root[:, 1] += -0.06 * body.leg * moving + 0.05 * body.leg * gaussian_smooth(airborne[:, None] * 1.0, 1.0)[:, 0]
    tr.pelvis[:, 0] = 0.15 * moving
    tr.spine[:, 0] = 0.1 * moving
    swing_arms(body, tr, step, 1.2, moving)
    for arm in (0, 1):  # bend the elbows to a runner's right angle
        tr.arms[:, arm, 1] = mix_dirs(tr.arms[:, arm, 1], limb_dir(1.5 + 0 * t, np.pi / 2, arm), 0.8 * moving)
    tr.root[:, 1] = settle_root(body, tr, planted)
    spans = tuple((int(round(a * FPS)), int(round(c * FPS))) for a, _, c in times[:-1])
    return tr, spans
