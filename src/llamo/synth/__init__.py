"""Procedural motion synthesis on the canonical skeleton, and user-style QA folders built from it.

body (rest skeletons of varied proportions) → pose (per-frame parameters) → kinematics (joints, fixed bone
lengths) ← actions_* (the action library, registered in actions.ACTIONS) → compose (sequences with transitions)
→ presets / plan / qa / writer (`llamo data synth --out DIR --preset seven`). See docs/synth.md.
"""

from .action import ActionClip, ActionParams
from .actions import ACTIONS, perform
from .body import Body, sample_body
from .compose import Segment, Sequence, Step, compose

__all__ = ["ACTIONS", "ActionClip", "ActionParams", "Body", "Segment", "Sequence", "Step", "compose", "perform",
           "sample_body"]
