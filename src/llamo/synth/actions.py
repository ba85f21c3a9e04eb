"""The action library: name → `ActionSpec` (generator and the parameter values it accepts), and `perform`.

    clip = perform("squat", body, ActionParams(reps=3), rng)      # ActionClip: track + repetition spans
    joints = clip.joints(body)                                     # float32 [T, 22, 3]
"""

import numpy as np

from ..errors import LlamoError
from .action import ActionClip, ActionParams, ActionSpec, check_params, humanize
from .actions_arms import arm_circles, clap, point, punch, raise_arm, reach_up, stretch, throw, wave
from .actions_gait import WALK_DIRECTIONS, high_knees, jog_in_place, march, run, turn, walk
from .actions_legs import TRAVEL, hop, jump, jumping_jacks, kick, kneel, lunge, squat
from .actions_postures import calf_raise, crouch, sit_down, stand_up
from .actions_torso import bow, look_around, nod, shake_head, side_bend, toe_touch, twist
from .body import Body

LR = ("left", "right")

ACTIONS: dict[str, ActionSpec] = {
    "walk": ActionSpec(walk, directions=WALK_DIRECTIONS, angled=True),
    "squat": ActionSpec(squat),
    "jumping jacks": ActionSpec(jumping_jacks),
    "jump": ActionSpec(jump, directions=tuple(TRAVEL)),
    "kick": ActionSpec(kick, sides=LR),
    "wave": ActionSpec(wave, sides=LR),
    "raise arm": ActionSpec(raise_arm, sides=(*LR, "both")),
    "turn": ActionSpec(turn, sides=LR, angled=True),
    "run": ActionSpec(run),
    "high knees": ActionSpec(high_knees),
    "jog in place": ActionSpec(jog_in_place),
    "march": ActionSpec(march),
    "lunge": ActionSpec(lunge, sides=LR),
    "kneel": ActionSpec(kneel, sides=LR, countable=False),
    "hop": ActionSpec(hop, sides=LR, directions=("in place", "forward")),
    "punch": ActionSpec(punch, sides=LR),
    "arm circles": ActionSpec(arm_circles, directions=("forward", "backward")),
    "clap": ActionSpec(clap),
    "reach up": ActionSpec(reach_up, sides=(*LR, "both")),
    "throw": ActionSpec(throw, sides=LR),
    "point": ActionSpec(point, sides=LR),
    "stretch": ActionSpec(stretch),
    "bow": ActionSpec(bow),
    "twist": ActionSpec(twist),
    "side bend": ActionSpec(side_bend, sides=LR),
    "toe touch": ActionSpec(toe_touch),
    "nod": ActionSpec(nod),
    "shake head": ActionSpec(shake_head),
    "look around": ActionSpec(look_around, sides=LR),
    "sit down": ActionSpec(sit_down, countable=False),
    "stand up": ActionSpec(stand_up, countable=False),
    "crouch": ActionSpec(crouch),
    "calf raise": ActionSpec(calf_raise),
}


def perform(name: str, body: Body, params: ActionParams, rng: np.random.Generator, noise: float = 1.0) -> ActionClip:
    """One action by a body, made human (smooth noise, settled pelvis); local frame, pelvis over the origin."""
    if name not in ACTIONS:
        raise LlamoError(f"unknown action {name!r}; known: {sorted(ACTIONS)}")
    spec = ACTIONS[name]
    check_params(name, spec, params)
    track, spans = spec.generate(body, params, rng)
    return ActionClip(name, params, humanize(body, track, rng, noise), spans)
