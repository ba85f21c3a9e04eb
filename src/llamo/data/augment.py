"""Augmentation plans for MoCapQA and their realisation on canonical motion.

A `MotionSpec` fully determines one dataset motion (clips, repetitions, mirroring, reversal, speed, heading,
noise), so a build is reproducible from the specs alone and can run in any number of worker processes.
"""

from dataclasses import dataclass

import numpy as np

from ..motion.motion import Motion
from ..motion.transforms import canonicalize, change_speed, concatenate, mirror, reverse, rotate

NOISE_STD_M = 0.004  # per-coordinate jitter, small next to a 2-5 cm marker error of real capture


@dataclass(frozen=True)
class MotionSpec:
    """One motion of the dataset. parts: clip names played in order; reps: repetitions of each part;
    phase: where in the cycle a cyclic clip starts (0-1)."""

    id: str
    split: str
    parts: tuple[str, ...]
    reps: int = 1
    mirror: bool = False
    reverse: bool = False
    speed: float = 1.0
    heading_deg: float = 0.0
    phase: float = 0.0
    noise_seed: int = 0
    video: bool = False


def repeat_clip(clip: Motion, reps: int, cyclic: bool, phase: float) -> Motion:
    """`reps` back-to-back plays; a cyclic clip starts `phase` of the way into its cycle."""
    if not cyclic:
        return concatenate([clip] * reps)
    looped = concatenate([clip] * (reps + 1))
    start = int(round(phase * (clip.num_frames - 1)))
    return looped.with_joints(looped.joints[start:start + reps * (clip.num_frames - 1) + 1])


def realise(spec: MotionSpec, clips: dict[str, Motion], cyclic: dict[str, bool]) -> Motion:
    """The motion a spec describes: parts → mirror → speed → heading → noise, starting at the origin."""
    parts = [repeat_clip(clips[name], spec.reps, cyclic[name], spec.phase) for name in spec.parts]
    if spec.reverse:
        parts = [reverse(p) for p in parts]
    motion = canonicalize(concatenate(parts))
    if spec.mirror:
        motion = mirror(motion)
    motion = rotate(change_speed(motion, spec.speed), np.deg2rad(spec.heading_deg))
    noise = np.random.default_rng(spec.noise_seed).normal(0.0, NOISE_STD_M, motion.joints.shape)
    return motion.with_joints(motion.joints + noise)
