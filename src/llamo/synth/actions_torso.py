"""Torso and head actions while standing: bow, twist, side bend, toe touch, nod, shake head, look around.

Each is `(body, params, rng) -> (PoseTrack, spans)` in the local frame. Bends come from the pelvis and spine
angles (pose.py conventions: pitch + forward, roll + to the person's left, twist + to the left).
"""

import numpy as np

from .action import ActionParams, Performed
from .body import Body
from .limbs import arm_from_angles, hands_at, mix_dirs, reach
from .pose import SIDE_SIGN, standing
from .timing import bump, plateau, schedule


def bow(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Bows from the hips, head down, arms at the sides, and straightens; one repetition per bow. Uses reps,
    speed, amplitude (depth)."""
    s = schedule(rng, p.reps, 2.0 / p.speed, intro=0.2, outro=0.3)
    tr = standing(body, s.frames)
    down = np.where(s.active, plateau(s.phase, 0.35, 0.6), 0.0) * np.clip(p.amplitude, 0.5, 1.2)
    tr.pelvis[:, 0] = 0.55 * down
    tr.spine[:, 0] = 0.35 * down
    tr.neck[:, 0] = 0.25 * down
    tr.root[:, 2] -= 0.08 * body.leg * down  # the hips go back to keep the weight over the feet
    return tr, s.spans


def twist(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Torso twists with the hands held at the chest: turn left, turn right, back to the front; one repetition
    per left-right cycle. Uses reps, speed, amplitude."""
    s = schedule(rng, p.reps, 1.6 / p.speed, intro=0.5, outro=0.5)
    tr = standing(body, s.frames)
    turn = 0.6 * np.clip(p.amplitude, 0.5, 1.3) * np.sin(2 * np.pi * np.where(s.active, s.phase, 0.0))
    tr.spine[:, 2] = turn
    tr.pelvis[:, 2] = 0.25 * turn
    tr.neck[:, 2] = 0.2 * turn
    scale = body.upper_arm / 0.26
    for a in (0, 1):
        point = np.tile(np.array([SIDE_SIGN[a] * 0.1, -0.02, 0.25]) * scale, (s.frames, 1))
        tr.arms[:, a] = hands_at(body, a, point, s.envelope, (SIDE_SIGN[a], 0.2, -0.3))
    return tr, s.spans


def side_bend(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Bends sideways towards `side` with the other arm arcing overhead, and straightens; one repetition per
    bend. Uses reps, side, speed, amplitude."""
    toward = 0 if p.side == "left" else 1
    s = schedule(rng, p.reps, 2.2 / p.speed, intro=0.3, outro=0.3)
    tr = standing(body, s.frames)
    up = np.where(s.active, plateau(s.phase, 0.35, 0.65), 0.0)
    lean = up * np.clip(p.amplitude, 0.5, 1.2)
    tr.spine[:, 1] = SIDE_SIGN[toward] * 0.45 * lean
    tr.pelvis[:, 1] = SIDE_SIGN[toward] * 0.1 * lean
    tr.root[:, 0] -= SIDE_SIGN[toward] * 0.05 * body.leg * lean  # the hips shift the other way
    over = 1 - toward
    elevation = 0.12 + (2.9 - 0.12) * up
    tr.arms[:, over] = arm_from_angles(body, over, (elevation, 0.1), (elevation + 0.1 * up, 0.1))
    return tr, s.spans


def toe_touch(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Bends forward with straight legs and reaches both hands down to the toes, and comes back up; one
    repetition per touch. Uses reps, speed, amplitude (how far down)."""
    s = schedule(rng, p.reps, 2.6 / p.speed, intro=0.2, outro=0.3)
    tr = standing(body, s.frames)
    down = np.where(s.active, plateau(s.phase, 0.4, 0.6), 0.0)
    amp = np.clip(p.amplitude, 0.6, 1.1)
    tr.pelvis[:, 0] = 1.05 * amp * down
    tr.spine[:, 0] = 0.55 * amp * down
    tr.neck[:, 0] = -0.2 * down
    tr.root[:, 2] -= 0.16 * body.leg * down
    tr.root[:, 1] -= 0.03 * body.leg * down
    for a in (0, 1):
        toes = tr.feet[:, a] + np.array([0.0, 0.1 + 0.25 * (1.1 - amp), 0.12]) * body.leg / 0.79
        reaching = reach(body, tr, a, toes, np.array([SIDE_SIGN[a] * 0.3, 0.0, -1.0]))
        tr.arms[:, a] = mix_dirs(tr.arms[:, a], reaching, np.clip(down * 1.5, 0, 1))
    return tr, s.spans


def nod(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Nods: the head dips forward and comes back up; one repetition per nod. Uses reps, speed, amplitude."""
    s = schedule(rng, p.reps, 0.6 / p.speed, intro=0.3, outro=0.3)
    tr = standing(body, s.frames)
    tr.neck[:, 0] = 0.4 * np.clip(p.amplitude, 0.5, 1.3) * np.where(s.active, bump(s.phase), 0.0)
    return tr, s.spans


def shake_head(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Shakes the head: turns it left and right; one repetition per left-right cycle. Uses reps, speed,
    amplitude."""
    s = schedule(rng, p.reps, 0.6 / p.speed, intro=0.3, outro=0.3)
    tr = standing(body, s.frames)
    tr.neck[:, 2] = 0.5 * np.clip(p.amplitude, 0.5, 1.3) * np.sin(2 * np.pi * np.where(s.active, s.phase, 0.0))
    return tr, s.spans


def look_around(body: Body, p: ActionParams, rng: np.random.Generator) -> Performed:
    """Looks over to one side (side left/right), head and shoulders turning, holds, and looks ahead again; one
    repetition per look. Uses reps, side, speed, duration (hold seconds)."""
    hold = p.duration or 0.8
    s = schedule(rng, p.reps, (1.2 + hold) / p.speed, intro=0.2, outro=0.2)
    tr = standing(body, s.frames)
    share = 0.6 / (1.2 + hold)
    turned = SIDE_SIGN[0 if p.side == "left" else 1] * np.where(s.active, plateau(s.phase, share, 1 - share), 0.0)
    tr.neck[:, 2] = 1.0 * turned
    tr.spine[:, 2] = 0.3 * turned
    return tr, s.spans
