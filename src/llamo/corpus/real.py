"""Real recordings in the open corpus: pybullet's 20 DeepMimic clips (data/clips.py), repeated, mirrored, sped up
or down, cropped by cycle phase and performed by the sequence's synthetic body (join.retarget), with what they
show measured on the result (data/measure.py).

Held out of training (only `test_real` shows them): four clips whose action has another clip in training, every
crop of a cyclic clip that starts in the second half of its cycle, and 15% of the ordered action tuples of
real-only compositions (data/build.py's rule).
"""

from dataclasses import dataclass

import numpy as np

from ..data.augment import repeat_clip
from ..data.clips import CLIP_BY_NAME, CLIPS
from ..data.measure import active_side, turn_direction
from ..motion.motion import Motion
from ..motion.transforms import canonicalize, change_speed, mirror
from ..synth.body import Body
from .join import retarget

HELD_OUT_CLIPS = ("walk_forward", "dance_b", "turn_right1", "getup_faceup")
HELD_OUT_PHASE = 0.5  # crops of cyclic clips starting at this phase or later are test-only
REAL_REPS = {"cyclic": (2, 6), "countable": (1, 5), "once": (1, 1)}  # cycles / repetitions drawn per kind
TURNING = ("turn", "spin")  # real actions whose direction (left/right) is measured and asked
BLEND_FRAMES = 6  # data/augment.repeat_clip's cross-fade between repetitions (transforms.concatenate default)


@dataclass(frozen=True)
class RealSpec:
    """One real piece: clip name, repetitions (cycles for cyclic clips), mirrored, speed factor, start phase."""

    clip: str
    reps: int = 1
    mirror: bool = False
    speed: float = 1.0
    phase: float = 0.0

    def held_out(self) -> bool:
        return self.clip in HELD_OUT_CLIPS or (CLIP_BY_NAME[self.clip].cyclic and self.phase >= HELD_OUT_PHASE)


@dataclass(frozen=True)
class RealPiece:
    """A realised real piece: joints [T, J, 3] on the body; spans: each counted repetition's [start, end) frames
    (one span for the whole piece when it is not countable); count: repetitions or None; side/direction:
    measured (None when unclear or not asked)."""

    joints: np.ndarray
    spans: tuple[tuple[int, int], ...]
    count: int | None
    side: str | None
    direction: str | None


def reps_kind(clip_name: str) -> str:
    clip = CLIP_BY_NAME[clip_name]
    return "cyclic" if clip.cyclic else "countable" if clip.countable else "once"


def clip_names(held_out: bool | None) -> tuple[str, ...]:
    """Clips usable in a split: training (held_out False), held-out only (True) or all (None)."""
    return tuple(c.name for c in CLIPS if held_out is None or (c.name in HELD_OUT_CLIPS) == held_out)


def rep_spans(clip_frames: int, reps: int, total: int, speed: float) -> tuple[tuple[int, int], ...]:
    """[start, end) frames of each repetition of a repeated non-cyclic clip after the speed change."""
    step = clip_frames - BLEND_FRAMES
    bounds = [round(k * step / speed) for k in range(reps)] + [total]
    return tuple((bounds[k], bounds[k + 1]) for k in range(reps))


def real_piece(spec: RealSpec, clip: Motion, body: Body) -> RealPiece:
    """The piece `spec` describes, performed by `body`, starting at the origin facing +z."""
    info = CLIP_BY_NAME[spec.clip]
    motion = repeat_clip(clip, spec.reps, info.cyclic, spec.phase)
    motion = change_speed(mirror(motion) if spec.mirror else motion, spec.speed)
    joints = retarget(np.asarray(canonicalize(motion).joints, np.float64), body)
    total = joints.shape[0]
    countable = info.countable
    spans = rep_spans(clip.num_frames, spec.reps, total, spec.speed) if countable else ((0, total),)
    side = active_side(joints, info.limb) if info.limb else None
    direction = turn_direction(joints) if info.action in TURNING else None
    return RealPiece(joints, spans, spec.reps if countable else None, side, direction)
