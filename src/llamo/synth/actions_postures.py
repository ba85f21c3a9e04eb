"""Changes of posture: sit down (on an unseen chair), stand up, crouch, calf raises.

Each is `(body, params, rng) -> (PoseTrack, spans)` in the local frame. "stand up" is "sit down" played
backwards, so the two meet exactly; it starts seated, so a sequence should put it after "sit down".
"""

import numpy as np

from .action import ActionParams, Performed
from .body import Body
from .limbs import arm_from_angles, rise_on_toes, settle_root
from .pose import PoseTrack, standing
from .timing import keyframes, plateau, schedule

SEAT_PELVIS = 0.68  # pelvis height when seated, in leg lengths (a chair seat about 45 cm high for 1.7 m)


def seated_descent(body: Body, p: ActionParams, rng: np.random.Generator) -> tuple[PoseTrack, int, int]:
    """Standing → seated (hips back and down, torso leaning in then upright), then held; returns the track and the
    frames where the descent starts and ends."""
    hold = p.duration or 1.0
    s = schedule(rng, 1, 1.8 / p.speed, intro=0.3, outro=hold)
    tr = standing(body, s.frames)
    t = np.arange(s.frames)
    start, end = s.spans[0]
    u = np.clip((t - start) / max(end - start, 1), 0.0, 1.0)
    sink = keyframes(u, (0.0, 0.15, 1.0), (0.0, 0.05, 1.0))
    lean = keyframes(u, (0.0, 0.45, 0.8, 1.0), (0.0, 1.0, 0.6, 0.2))
    tr.root[:, 1] += (SEAT_PELVIS * body.leg + body.toe_height - body.pelvis_height + 0.05 * body.leg) * sink
    tr.root[:, 2] -= 0.32 * body.leg * sink
    tr.pelvis[:, 0] = 0.5 * lean
    tr.spine[:, 0] = 0.2 * lean
    tr.neck[:, 0] = -0.3 * lean
    for a in (0, 1):
        reach_out = 0.12 + 1.0 * lean
        tr.arms[:, a] = arm_from_angles(body, a, (reach_out, np.pi / 2), (reach_out + 0.2, np.pi / 2))
    tr.root[:, 1] = settle_root(body, tr, np.ones((s.frames, 2), bool))
    return tr, start, end


def sit_down(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Sits down on a chair (not drawn) and stays seated (duration seconds, default 1). Uses speed, duration."""
    tr, start, end = seated_descent(body, p, rng)
    return tr, ((start, end),)


def stand_up(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Stands up from sitting (the reverse of sit down), after being seated for duration seconds. Uses speed,
    duration."""
    tr, start, end = seated_descent(body, p, rng)
    backwards = PoseTrack(**{k: v[::-1].copy() for k, v in tr.arrays().items()})
    return backwards, ((tr.frames - end, tr.frames - start),)


def crouch(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Crouches down low, heels up and arms around the knees, holds (duration seconds, default 1.5), and rises;
    one repetition per crouch. Uses reps, speed, amplitude, duration."""
    hold = p.duration or 1.5
    s = schedule(rng, p.reps, (2.0 + hold) / p.speed, intro=0.2, outro=0.3)
    tr = standing(body, s.frames)
    share = 0.9 / (2.0 + hold)
    down = np.where(s.active, plateau(s.phase, share, 1 - share), 0.0)
    amp = np.clip(p.amplitude, 0.7, 1.1)
    for side in (0, 1):
        rise_on_toes(body, tr, side, 0.6 * down)
    tr.root[:, 1] -= 0.62 * body.leg * amp * down
    tr.root[:, 2] -= 0.1 * body.leg * down
    tr.pelvis[:, 0] = 0.5 * down
    tr.spine[:, 0] = 0.35 * down
    tr.neck[:, 0] = -0.4 * down
    for a in (0, 1):
        tr.arms[:, a] = arm_from_angles(body, a, (0.12 + 0.9 * down, np.pi / 2), (0.12 + 1.4 * down, np.pi / 2))
    return tr, s.spans


def calf_raise(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Rises onto the balls of both feet and lowers the heels again; one repetition per raise. Uses reps, speed,
    amplitude (how high)."""
    s = schedule(rng, p.reps, 1.3 / p.speed, intro=0.2, outro=0.2)
    tr = standing(body, s.frames)
    up = np.where(s.active, plateau(s.phase, 0.35, 0.6), 0.0) * np.clip(p.amplitude, 0.5, 1.2)
    rest_y = tr.feet[:, 0, 1].copy()
    for side in (0, 1):
        rise_on_toes(body, tr, side, 0.7 * up)
    tr.root[:, 1] += tr.feet[:, 0, 1] - rest_y  # the whole body rises with the heels
    return tr, s.spans
