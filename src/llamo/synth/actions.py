"""The action library: name → `ActionSpec` (generator and the parameter values it accepts), and `perform`.

    clip = perform("squat", body, ActionParams(reps=3), rng)      # ActionClip: track + repetition spans
    joints = clip.joints(body)                                     # float32 [T, 22, 3]
"""

import numpy as np

from ..errors import LlamoError
from .action import ActionClip, ActionParams, ActionSpec, check_params, humanize
from .actions_arms import raise_arm, wave
from .actions_gait import WALK_DIRECTIONS, turn, walk
from .actions_legs import TRAVEL, jump, jumping_jacks, kick, squat
from .body import Body

LR = ("left", "right")

ACTIONS: dict[str, ActionSpec] = {
    "walk": ActionSpec(walk, directions=WALK_DIRECTIONS),
    "squat": ActionSpec(squat),
    "jumping jacks": ActionSpec(jumping_jacks),
    "jump": ActionSpec(jump, directions=tuple(TRAVEL)),
    "kick": ActionSpec(kick, sides=LR),
    "wave": ActionSpec(wave, sides=LR),
    "raise arm": ActionSpec(raise_arm, sides=(*LR, "both")),
    "turn": ActionSpec(turn, sides=LR),
}


def perform(name: str, body: Body, params: ActionParams, rng: np.random.Generator, noise: float = 1.0) -> ActionClip:
    """One action by a body, made human (smooth noise, settled pelvis); local frame, pelvis over the origin."""
    if name not in ACTIONS:
        raise LlamoError(f"unknown action {name!r}; known: {sorted(ACTIONS)}")
    spec = ACTIONS[name]
    check_params(name, spec, params)
    track, spans = spec.generate(body, params, rng)
    return ActionClip(name, params, humanize(body, track, rng, noise), spans)
