"""How long a planned piece will last, estimated without realising it, so planning can keep motions within 2-40 s.

Synthetic actions are timed once per (action, direction) on a reference body at one and two repetitions (the
difference is one repetition, the rest is intro and outro); real clips from their frame counts.
"""

import numpy as np

from ..data.clips import CLIP_BY_NAME
from ..synth.action import ActionParams
from ..synth.actions import perform
from ..synth.body import Body
from ..synth.timing import FPS
from .real import BLEND_FRAMES


class Estimator:
    """Estimated seconds of pieces. clip_frames: frames of each real clip at 20 fps, by clip name."""

    def __init__(self, clip_frames: dict[str, int]) -> None:
        self.clip_frames = clip_frames
        self.timings: dict[tuple[str, str, str], tuple[float, float]] = {}  # → (fixed seconds, seconds per rep)

    def timing(self, action: str, params: ActionParams) -> tuple[float, float]:
        key = (action, params.direction, params.side)
        if key not in self.timings:
            rng, body = np.random.default_rng(0), Body.from_proportions()
            base = ActionParams(side=params.side, direction=params.direction, angle=params.angle)
            frames = [perform(action, body, ActionParams(**{**base.to_dict(), "reps": n}), rng, 0.0).track.frames
                      for n in (1, 2)]
            one, two = frames[0] / FPS, frames[1] / FPS
            self.timings[key] = (2 * one - two, two - one)
        return self.timings[key]

    def seconds(self, piece) -> float:
        """Estimated seconds of a corpus Piece, its join included."""
        join = piece.seconds + (piece.amount if piece.join == "pause" else 0.0)
        if piece.real:
            spec, frames = piece.real, self.clip_frames[piece.real.clip]
            played = spec.reps * (frames - 1) if CLIP_BY_NAME[spec.clip].cyclic else spec.reps * (frames - BLEND_FRAMES)
            return join + played / spec.speed / FPS
        fixed, per_rep = self.timing(piece.action, piece.params)
        return join + fixed + piece.params.reps * per_rep / piece.params.speed

    def total(self, pieces) -> float:
        return sum(self.seconds(p) for p in pieces)
