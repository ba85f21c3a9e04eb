"""The MoCapQA clip catalogue: every DeepMimic humanoid clip inside pybullet, with the words used to ask about it.

Action labels are the canonical short answers; `verb` fits "before they ___", `verb3` fits "a person ___".
"""

from dataclasses import dataclass
from pathlib import Path

from ..motion.formats.deepmimic import pybullet_motion_dir, read_deepmimic
from ..motion.motion import Motion


@dataclass(frozen=True)
class Clip:
    """One source clip. limb: "leg"/"hand" when a body-part question applies; lying: start pose of get-ups."""

    name: str
    file: str
    action: str
    verb: str
    verb3: str
    cyclic: bool = False
    countable: bool = False
    limb: str | None = None
    lying: str | None = None


CLIPS: tuple[Clip, ...] = (
    Clip("walk", "humanoid3d_walk.txt", "walk", "walk", "walks", cyclic=True),
    Clip("walk_forward", "walker/0walk_forward.txt", "walk", "walk", "walks", cyclic=True),
    Clip("run", "humanoid3d_run.txt", "run", "run", "runs", cyclic=True),
    Clip("crawl", "humanoid3d_crawl.txt", "crawl", "crawl", "crawls", cyclic=True),
    Clip("jump", "humanoid3d_jump.txt", "jump", "jump", "jumps", countable=True),
    Clip("kick", "humanoid3d_kick.txt", "kick", "kick", "kicks", countable=True, limb="leg"),
    Clip("punch", "humanoid3d_punch.txt", "punch", "punch", "punches", countable=True, limb="hand"),
    Clip("spin", "humanoid3d_spin.txt", "spin", "spin", "spins"),
    Clip("spinkick", "humanoid3d_spinkick.txt", "spin kick", "do a spin kick", "does a spin kick",
         countable=True, limb="leg"),
    Clip("backflip", "humanoid3d_backflip.txt", "backflip", "do a backflip", "does a backflip", countable=True),
    Clip("cartwheel", "humanoid3d_cartwheel.txt", "cartwheel", "do a cartwheel", "does a cartwheel", countable=True),
    Clip("roll", "humanoid3d_roll.txt", "roll", "roll", "rolls", countable=True),
    Clip("dance_a", "humanoid3d_dance_a.txt", "dance", "dance", "dances"),
    Clip("dance_b", "humanoid3d_dance_b.txt", "dance", "dance", "dances"),
    Clip("getup_facedown", "humanoid3d_getup_facedown.txt", "get up", "get up", "gets up", lying="face down"),
    Clip("getup_faceup", "humanoid3d_getup_faceup.txt", "get up", "get up", "gets up", lying="face up"),
    Clip("turn_left0", "walker/turn_left0.txt", "turn", "turn", "walks and turns", cyclic=True),
    Clip("turn_left1", "walker/turn_left1.txt", "turn", "turn", "walks and turns", cyclic=True),
    Clip("turn_right0", "walker/turn_right0.txt", "turn", "turn", "walks and turns", cyclic=True),
    Clip("turn_right1", "walker/turn_right1.txt", "turn", "turn", "walks and turns", cyclic=True),
)
CLIP_BY_NAME: dict[str, Clip] = {c.name: c for c in CLIPS}
ACTIONS: tuple[str, ...] = tuple(sorted({c.action for c in CLIPS}))


def clips_for_action(action: str) -> tuple[Clip, ...]:
    return tuple(c for c in CLIPS if c.action == action)


def load_clips(motion_dir: Path | None = None) -> dict[str, Motion]:
    """Every catalogued clip as a canonical Motion (20 fps), by clip name."""
    folder = motion_dir or pybullet_motion_dir()
    return {c.name: read_deepmimic(folder / c.file) for c in CLIPS}
